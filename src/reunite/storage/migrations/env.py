"""Alembic environment: runs on the connection or URL given by reunite.storage.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from reunite.storage.db import create_engine_for
from reunite.storage.tables import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite DDL is transactional too (we issue BEGIN): a failed migration leaves nothing.
        transactional_ddl=True,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run on the caller's connection when given, else on a fresh engine for the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine_for(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as conn:
            _run(conn)
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("reunite migrations run online only: use `reunite db upgrade`")
run_migrations_online()
