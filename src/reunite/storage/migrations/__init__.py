"""Alembic migrations, packaged with reunite so ``reunite db upgrade`` works when installed.

There is no ``alembic.ini``: :mod:`reunite.storage.migrate` builds the configuration in code.
"""
