"""Expungement: consent withdrawn, retention passed, or a legal order → nothing readable left.

Crypto-shredding (see :mod:`reunite.storage.crypto`): the wrapped data key and the
ciphertext are deleted in one transaction, together with the derived match candidates
(cascade), and one audit event per profile records that it happened and why — never the
genotype. After the commit the registered derived-index hooks are called so the search
engine drops its in-memory entries, and the store purges residue from its files (WAL
checkpoint on SQLite, VACUUM on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from reunite.errors import InputError
from reunite.governance.indices import Index
from reunite.governance.roles import Action, Actor
from reunite.services.audit_service import AuditEntry, append_audit, checked
from reunite.storage.repositories import Repositories, SqlStore

if TYPE_CHECKING:
    from reunite.services.workspace import Workspace

__all__ = [
    "DerivedIndexHook",
    "expire_retention",
    "expunge_by_legal_order",
    "withdraw",
    "withdraw_consent",
]

DerivedIndexHook = Callable[[str, Index], None]
"""Called with (profile id, index) after a profile is expunged, e.g. by the search engine."""


def _expunge(repos: Repositories, actor: Actor, profile_ids: Sequence[str],
             why: str) -> list[tuple[str, Index]]:
    removed = [(pid, Index(index)) for pid, index in
               (repos.profiles.delete(pid) for pid in dict.fromkeys(profile_ids))]
    append_audit(repos, [
        AuditEntry(actor.name, Action.EXPUNGE.value, f"profile:{pid}",
                   f"{why}: ciphertext and data key deleted from {index.value}")
        for pid, index in removed])
    return removed


def _after_commit(store: SqlStore, removed: Sequence[tuple[str, Index]],
                  hooks: Sequence[DerivedIndexHook]) -> list[str]:
    for profile_id, index in removed:
        for hook in hooks:
            hook(profile_id, index)
    store.purge_residue()
    return [pid for pid, _ in removed]


def withdraw_consent(store: SqlStore, actor: Actor, *, basis_id: str, reason: str,
                     on: date | None = None,
                     hooks: Sequence[DerivedIndexHook] = ()) -> list[str]:
    """Withdraw a consent (or revoke a legal order) and expunge every profile held on it."""
    checked(store, actor, Action.WITHDRAW_CONSENT, f"basis:{basis_id}")
    today = on or datetime.now(UTC).date()
    with store.transaction() as repos:
        repos.bases.end(basis_id, on=today)
        append_audit(repos, AuditEntry(actor.name, Action.WITHDRAW_CONSENT.value,
                                      f"basis:{basis_id}", reason))
        removed = _expunge(repos, actor, repos.profiles.ids_for_basis(basis_id),
                           f"basis {basis_id} withdrawn")
    return _after_commit(store, removed, hooks)


def expire_retention(store: SqlStore, actor: Actor, *, on: date | None = None,
                     hooks: Sequence[DerivedIndexHook] = ()) -> list[str]:
    """Expunge profiles whose basis has expired or whose closed case is past retention."""
    checked(store, actor, Action.EXPUNGE, None)
    today = on or datetime.now(UTC).date()
    with store.transaction() as repos:
        targets: dict[str, str] = {}
        for basis_id in repos.bases.expired(today):
            for pid in repos.profiles.ids_for_basis(basis_id):
                targets[pid] = f"basis {basis_id} past its retention or expiry date"
        for case_id in repos.cases.closed_past_retention(today):
            for pid in repos.profiles.ids_for_case(case_id):
                targets.setdefault(pid, f"case {case_id} closed and past retention")
        removed: list[tuple[str, Index]] = []
        for pid, why in targets.items():
            removed.extend(_expunge(repos, actor, [pid], why))
    return _after_commit(store, removed, hooks)


def expunge_by_legal_order(store: SqlStore, actor: Actor, *, profile_ids: Sequence[str],
                           authority: str, reference: str,
                           hooks: Sequence[DerivedIndexHook] = ()) -> list[str]:
    """Expunge the named profiles because a legal order requires it."""
    checked(store, actor, Action.EXPUNGE, None)
    with store.transaction() as repos:
        removed = _expunge(repos, actor, profile_ids,
                           f"legal order {reference} of {authority}")
    return _after_commit(store, removed, hooks)


def withdraw(workspace: Workspace, actor: Actor, *, basis_id: str, reason: str) -> list[str]:
    """Withdraw a consent (or revoke an order) in an installation: expunge its profiles and
    drop them from the search index at once (the API, the web page and ``reunite withdraw``)."""
    if not reason.strip():
        raise InputError("a withdrawal needs a reason", field="reason")
    return withdraw_consent(workspace.store, actor, basis_id=basis_id, reason=reason.strip(),
                            hooks=[workspace.index.forget])
