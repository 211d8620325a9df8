"""Database fixtures for the storage tests (defined once in ``tests/store_fixtures.py``)."""

from support.store_fixtures import engine, master, store

__all__ = ["engine", "master", "store"]
