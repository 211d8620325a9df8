"""Writing to the audit chain, recording refusals, and verifying the whole chain.

Hashes are computed here with :mod:`reunite.governance.audit` and stored through
:class:`reunite.storage.repositories.AuditLog`, inside the caller's transaction, so an
action and its audit event commit together. A refused action must leave a trace even
though its own transaction is abandoned: :func:`record_refusal` writes in a transaction
of its own before the error is raised.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from reunite.errors import AuditChainError, GovernanceError
from reunite.governance.audit import (
    GENESIS_HASH,
    AuditEvent,
    ChainedEvent,
    content_bytes,
    utc_text,
    verify_chain,
)
from reunite.governance.roles import Action, Actor, require_permission
from reunite.storage.repositories import Repositories, SqlStore

__all__ = [
    "AuditEntry",
    "append_audit",
    "audit_events",
    "checked",
    "record_refusal",
    "verify_audit",
]


@dataclass(frozen=True)
class AuditEntry:
    """What to record; :func:`append_audit` adds the sequence number, time and hashes."""

    actor: str
    action: str
    record: str | None
    reason: str
    outcome: str = "done"


def append_audit(repos: Repositories, entries: AuditEntry | Sequence[AuditEntry], *,
                 at: datetime | None = None) -> int:
    """Chain ``entries`` after the current head, in the caller's transaction.

    Returns the number of events appended. Each hash is :func:`event_hash` of the event
    (``sha256(prev_hash + canonical JSON of its content)``), computed here in one loop on
    pre-formatted bytes (:func:`content_bytes`) because a lab batch appends one event per
    profile; :func:`verify_audit` recomputes them through :func:`event_hash`.
    """
    items = [entries] if isinstance(entries, AuditEntry) else list(entries)
    if not items:
        return 0
    when = (at or datetime.now(UTC)).astimezone(UTC)
    at_text = utc_text(when)
    seq, head = repos.audit.lock_head()
    prev = head or GENESIS_HASH
    sha256 = hashlib.sha256
    rows: list[tuple[int, datetime, str, str, str | None, str, str, str, str]] = []
    for entry in items:
        seq += 1
        digest = sha256(prev.encode("ascii") + content_bytes(
            seq, at_text, entry.actor, entry.action, entry.record, entry.reason,
            entry.outcome)).hexdigest()
        rows.append((seq, when, entry.actor, entry.action, entry.record, entry.reason,
                     entry.outcome, prev, digest))
        prev = digest
    repos.audit.insert_rows(rows)
    repos.audit.set_head(seq, prev)
    return len(rows)


def audit_events(repos: Repositories) -> list[ChainedEvent]:
    """The stored chain, in sequence order."""
    return [ChainedEvent(AuditEvent(r.seq, r.at, r.actor, r.action, r.record, r.reason,
                                    r.outcome), r.prev_hash, r.hash)
            for r in repos.audit.records()]


def record_refusal(store: SqlStore, actor: Actor, action: str, record: str | None,
                   error: GovernanceError) -> None:
    """Append a ``refused`` event naming the action and the reason, in its own transaction."""
    with store.transaction() as repos:
        append_audit(repos, AuditEntry(actor.name, action, record, error.message, "refused"))


def checked(store: SqlStore, actor: Actor, action: Action, record: str | None = None) -> None:
    """:func:`require_permission`, auditing a denial before raising it."""
    try:
        require_permission(actor, action)
    except GovernanceError as exc:
        record_refusal(store, actor, Action(action).value, record, exc)
        raise


def verify_audit(store: SqlStore, actor: Actor) -> int:
    """Verify the audit chain and its recorded head; return the number of events.

    Raises :class:`AuditChainError` naming the first bad event; the failure itself is
    then appended to the log (outcome ``failed``) so it cannot be quietly retried away.
    """
    checked(store, actor, Action.VERIFY_AUDIT)
    with store.transaction() as repos:
        events = audit_events(repos)
        head = repos.audit.head()
    try:
        count = verify_chain(events, head=head)
    except AuditChainError as exc:
        with store.transaction() as repos:
            append_audit(repos, AuditEntry(actor.name, Action.VERIFY_AUDIT.value, None,
                                           exc.message, "failed"))
        raise
    with store.transaction() as repos:
        append_audit(repos, AuditEntry(actor.name, Action.VERIFY_AUDIT.value, None,
                                       f"{count} events verified"))
    return count
