"""Concurrent writers extend one unbroken audit chain (the head row serialises them)."""

from __future__ import annotations

import threading

from reunite.services.audit_service import AuditEntry, append_audit, verify_audit
from reunite.storage.repositories import SqlStore
from support.service_world import DPO

THREADS, EACH = 4, 15


def test_concurrent_appends_keep_the_chain(store: SqlStore) -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(EACH):
                with store.transaction() as repos:
                    append_audit(repos, AuditEntry(f"w{n}", "open-case", f"case:{n}-{i}", "t"))
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert verify_audit(store, DPO) == THREADS * EACH
