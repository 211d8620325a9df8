"""Engines and sessions (no module globals): SQLite by default, PostgreSQL by URL.

SQLite runs in WAL mode with foreign keys on, ``synchronous=NORMAL`` (WAL's documented
safe setting: a killed process never corrupts the file or loses a committed transaction)
and ``secure_delete`` so expunged rows are overwritten, not merely unlinked. The pysqlite
driver's implicit transactions are replaced by explicit ``BEGIN`` (SQLAlchemy's documented
recipe) so that DDL in migrations and batch imports are all-or-nothing; ``BEGIN IMMEDIATE``
serialises writers instead of failing them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from reunite.config import Settings
from reunite.errors import ConfigurationError

__all__ = [
    "NAMING_CONVENTION",
    "create_engine_for",
    "database_url",
    "is_sqlite",
    "normalise_url",
    "session_factory",
    "with_schema",
]

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def metadata() -> MetaData:
    """A fresh MetaData with the project's constraint naming convention."""
    return MetaData(naming_convention=NAMING_CONVENTION)


def normalise_url(url: str) -> str:
    """Use psycopg 3 for bare ``postgresql://`` URLs (SQLAlchemy would pick psycopg2)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def with_schema(url: str, schema: str) -> str:
    """A PostgreSQL URL whose connections use ``schema`` first (``search_path``)."""
    parsed = make_url(normalise_url(url))
    return parsed.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


def database_url(settings: Settings) -> str:
    """The URL from settings: ``REUNITE_DATABASE_URL``, else SQLite in the data directory."""
    return normalise_url(settings.effective_database_url)


def is_sqlite(engine: Engine) -> bool:
    """True for a SQLite engine."""
    return engine.dialect.name == "sqlite"


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see module doc)
    cursor = dbapi_connection.cursor()
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA synchronous=NORMAL",
        "PRAGMA secure_delete=ON",
        "PRAGMA busy_timeout=10000",
    ):
        cursor.execute(pragma)
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front: nearly every transaction appends to the audit
    # log, and a deferred one that upgrades to writing after another writer committed fails
    # at once with SQLITE_BUSY (WAL snapshot), whereas this one waits for busy_timeout.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine_for(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite files get their directory created and the pragmas above."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with the URL in it
        raise ConfigurationError("cannot parse database URL", field="database_url") from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine``; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)
