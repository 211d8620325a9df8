"""Database fixtures shared by the storage and services tests: SQLite and PostgreSQL.

PostgreSQL runs in a schema of its own per test (``search_path``), dropped afterwards,
so parallel xdist workers never meet.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from reunite.storage import migrate
from reunite.storage.crypto import MasterKey
from reunite.storage.db import create_engine_for, with_schema
from reunite.storage.repositories import SqlStore


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        sqlite = create_engine_for(f"sqlite:///{tmp_path / 'reunite.sqlite3'}")
        yield sqlite
        sqlite.dispose()
        return
    url: str = request.getfixturevalue("postgres_url")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine_for(url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    pg = create_engine_for(with_schema(url, schema))
    try:
        yield pg
    finally:
        pg.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def store(engine: Engine) -> SqlStore:
    migrate.upgrade(engine)
    return SqlStore(engine)


@pytest.fixture
def master() -> MasterKey:
    return MasterKey.generate()
