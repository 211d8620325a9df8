"""Alembic: upgrade, downgrade, upgrade on both databases; models and migrations agree."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from reunite.storage import migrate
from reunite.storage.tables import Base


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(engine: Engine) -> None:
    migrate.upgrade(engine)
    after_first = tables(engine)
    migrate.downgrade(engine, "base")
    after_down = tables(engine)
    migrate.upgrade(engine)

    assert after_first == set(Base.metadata.tables)
    assert after_down == set()
    assert tables(engine) == set(Base.metadata.tables)
    assert migrate.current_revision(engine) == migrate.head_revision() == "0001"


def test_models_and_migrations_agree(engine: Engine) -> None:
    # The `alembic check` comparison: autogenerate finds nothing to add or change.
    migrate.upgrade(engine)

    assert migrate.pending_changes(engine) == []


def test_empty_database_differs_from_models(engine: Engine) -> None:
    # The comparison above is not vacuous: against an empty schema it lists every table.
    assert len(migrate.pending_changes(engine)) >= len(Base.metadata.tables)
