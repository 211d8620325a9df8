"""What the tests share: paths, database fixtures, running servers, worlds, search settings.

Import from the modules (``from support.store_fixtures import engine``); ``tests/`` is on
``sys.path`` through the suite's ``conftest.py``.
"""
