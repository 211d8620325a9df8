"""``reunite db upgrade|downgrade|current``: the database schema (Alembic, packaged).

The database is ``REUNITE_DATABASE_URL`` (PostgreSQL) or, by default, the SQLite file
``<data dir>/reunite.sqlite3``. Migrations ship inside the package, so this works from an
installed reunite with no ``alembic.ini``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from reunite.config import get_settings
from reunite.storage.db import create_engine_for, database_url

if TYPE_CHECKING:
    from types import ModuleType


def _migrate() -> ModuleType:
    # Alembic is heavy: import it only when a db command runs, so `reunite --help` is quick.
    from reunite.storage import migrate

    return migrate

__all__ = ["register"]

db_app = typer.Typer(help="Create and migrate the database.", no_args_is_help=True)


def _report(action: str, revision: str | None) -> None:
    url = create_engine_for(database_url(get_settings())).url.render_as_string(
        hide_password=True)
    typer.echo(json.dumps({"action": action, "database": url, "revision": revision,
                           "head": _migrate().head_revision()}))


@db_app.command()
def upgrade(
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Create or migrate the schema up to REVISION (default: the newest).

    Example:

        REUNITE_DATA_DIR=./data reunite db upgrade

    Prints {"action", "database", "revision", "head"} as JSON.
    """
    engine = create_engine_for(database_url(get_settings()))
    try:
        _migrate().upgrade(engine, revision)
        _report("upgrade", _migrate().current_revision(engine))
    finally:
        engine.dispose()


@db_app.command()
def downgrade(
    revision: Annotated[str, typer.Option(help="Target revision ('base' empties it).")],
) -> None:
    """Migrate the schema down to REVISION; ``base`` drops every table (data is lost).

    Example:

        reunite db downgrade --revision base
    """
    engine = create_engine_for(database_url(get_settings()))
    try:
        _migrate().downgrade(engine, revision)
        _report("downgrade", _migrate().current_revision(engine))
    finally:
        engine.dispose()


@db_app.command()
def current() -> None:
    """Show the schema revision of the database and the newest one shipped.

    Example:

        reunite db current
    """
    engine = create_engine_for(database_url(get_settings()))
    try:
        _report("current", _migrate().current_revision(engine))
    finally:
        engine.dispose()


def register(app: typer.Typer) -> None:
    """Add ``reunite db`` to ``app``."""
    app.add_typer(db_app, name="db")
