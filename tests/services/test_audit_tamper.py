"""Tampering with audit rows directly in the database is detected and the event named."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from reunite.errors import AuditChainError
from reunite.services.audit_service import AuditEntry, append_audit, audit_events, verify_audit
from reunite.storage.repositories import SqlStore
from support.service_world import DPO, SETUP


def seed(store: SqlStore, n: int = 6) -> None:
    with store.transaction() as repos:
        append_audit(repos, [AuditEntry(SETUP.name, "open-case", f"case:{i}", "test")
                             for i in range(1, n + 1)])


def disable_append_only(connection: Connection) -> None:
    """What an attacker with DDL rights would do first."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
    else:
        connection.exec_driver_sql("DROP TRIGGER audit_event_no_update")
        connection.exec_driver_sql("DROP TRIGGER audit_event_no_delete")


def edit(connection: Connection) -> None:
    connection.execute(text("UPDATE audit_event SET reason = 'nothing happened' WHERE seq = 3"))


def delete(connection: Connection) -> None:
    connection.execute(text("DELETE FROM audit_event WHERE seq = 3"))


def reorder(connection: Connection) -> None:
    for old, new in ((2, -2), (4, 2), (-2, 4)):
        connection.execute(text("UPDATE audit_event SET seq = :new WHERE seq = :old"),
                           {"old": old, "new": new})


def truncate_tail(connection: Connection) -> None:
    # The last event is the one verify_audit appended (seq 7).
    connection.execute(text("DELETE FROM audit_event WHERE seq = 7"))


@pytest.mark.parametrize(
    ("tamper", "first_bad", "words"),
    [(edit, 3, "altered"), (delete, 4, "deleted"), (reorder, 2, "reordered"),
     (truncate_tail, 6, "after it were deleted")],
)
def test_tampering_is_named(store: SqlStore, tamper: Callable[[Connection], None],
                            first_bad: int, words: str) -> None:
    seed(store)
    assert verify_audit(store, DPO) == 6
    with store.engine.begin() as connection:
        disable_append_only(connection)
        tamper(connection)

    with pytest.raises(AuditChainError, match=words) as info:
        verify_audit(store, DPO)

    assert info.value.event == first_bad
    with store.transaction() as repos:
        last = audit_events(repos)[-1].event
    assert (last.action, last.outcome) == ("verify-audit", "failed")


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET reason = 'x' WHERE seq = 1",
                                       "DELETE FROM audit_event WHERE seq = 1"])
def test_database_refuses_update_and_delete(store: SqlStore, statement: str) -> None:
    seed(store, 2)

    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as connection:
        connection.execute(text(statement))

    assert verify_audit(store, DPO) == 2
