"""Writing to the audit chain, recording refusals, and verifying the whole chain.

Hashes are computed here with :mod:`reunite.governance.audit` and stored through
:class:`reunite.storage.repositories.AuditLog`, inside the caller's transaction, so an
action and its audit event commit together. A refused action must leave a trace even
though its own transaction is abandoned: :func:`record_refusal` writes in a transaction
of its own before the error is raised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from reunite.errors import AuditChainError, GovernanceError
from reunite.governance.audit import GENESIS_HASH, AuditEvent, ChainedEvent, chain, verify_chain
from reunite.governance.roles import Action, Actor, require_permission
from reunite.storage.records import AuditRecord
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
                 at: datetime | None = None) -> list[ChainedEvent]:
    """Chain ``entries`` after the current head, in the caller's transaction."""
    items = [entries] if isinstance(entries, AuditEntry) else list(entries)
    if not items:
        return []
    when = (at or datetime.now(UTC)).astimezone(UTC)
    seq, prev = repos.audit.lock_head()
    prev = prev or GENESIS_HASH
    chained: list[ChainedEvent] = []
    for entry in items:
        seq += 1
        item = chain(prev, AuditEvent(seq, when, entry.actor, entry.action, entry.record,
                                      entry.reason, entry.outcome))
        chained.append(item)
        prev = item.hash
    repos.audit.insert([
        AuditRecord(c.event.seq, c.event.at, c.event.actor, c.event.action, c.event.record,
                    c.event.reason, c.event.outcome, c.prev_hash, c.hash) for c in chained])
    repos.audit.set_head(seq, prev)
    return chained


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
