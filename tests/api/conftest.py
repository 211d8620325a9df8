"""API fixtures: one running server per test module, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from reunite.storage.db import create_engine_for, with_schema
from support.api_world import Server, running_server


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("api")
    if request.param == "sqlite":
        with running_server(tmp) as running:
            yield running
        return
    url: str = request.getfixturevalue("postgres_url")
    schema = f"api_{uuid.uuid4().hex[:12]}"
    admin = create_engine_for(url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        with running_server(tmp, database_url=with_schema(url, schema)) as running:
            yield running
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()
