"""The data-protection officer's overview: withdrawals, expungements, retention, the audit chain.

Read-only except for the chain check, which :func:`reunite.services.audit_service.verify_audit`
itself records. Withdrawals and expungements are read from the audit log (the profiles are
gone by design: crypto-shredding leaves only the audit entries). Retention is listed for
the bases of people in cases: each basis with its retention date (consent) or expiry (legal
order) and its review date, soonest first, with those already past marked due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from reunite.errors import AuditChainError
from reunite.governance.audit import ChainedEvent
from reunite.governance.roles import Action, Actor
from reunite.services.audit_service import audit_events, checked, verify_audit
from reunite.storage.repositories import SqlStore

__all__ = ["ChainCheck", "Oversight", "RetentionItem", "oversight"]


@dataclass(frozen=True)
class RetentionItem:
    """One basis and when it ends or must be reviewed."""

    basis_id: str
    kind: str
    case_reference: str
    person_label: str
    ends_on: date | None
    review_on: date | None
    withdrawn_on: date | None

    def due(self, today: date) -> bool:
        """True when the basis has ended or its review date has passed."""
        return any(d is not None and d <= today for d in (self.ends_on, self.review_on))


@dataclass(frozen=True)
class ChainCheck:
    """Outcome of verifying the audit chain."""

    ok: bool
    events: int
    message: str


@dataclass(frozen=True)
class Oversight:
    """Everything on the data-protection page."""

    withdrawals: tuple[ChainedEvent, ...]
    expungements: tuple[ChainedEvent, ...]
    refusals: tuple[ChainedEvent, ...]
    retention: tuple[RetentionItem, ...]
    chain: ChainCheck | None
    today: date


def oversight(store: SqlStore, actor: Actor, *, verify: bool = False,
              on: date | None = None) -> Oversight:
    """The overview (``read-audit``); with ``verify`` the chain is checked (``verify-audit``)."""
    checked(store, actor, Action.READ_AUDIT, None)
    today = on or datetime.now(UTC).date()
    chain: ChainCheck | None = None
    if verify:
        try:
            count = verify_audit(store, actor)
            chain = ChainCheck(True, count, f"{count} events verified")
        except AuditChainError as exc:
            chain = ChainCheck(False, 0, exc.message)
    with store.transaction() as repos:
        events = audit_events(repos)
        items: list[RetentionItem] = []
        offset = 0
        while True:
            page = repos.cases.list_cases(limit=1000, offset=offset)
            for case in page:
                people = {p.id: p for p in repos.cases.people_in_case(case.id)}
                for pid, bases in repos.bases.for_persons(list(people)).items():
                    items.extend(RetentionItem(
                        b.id, b.kind, case.reference, people[pid].label,
                        b.retention_until if b.kind == "consent" else b.expires_on,
                        b.review_on, b.withdrawn_on or b.revoked_on) for b in bases)
            if len(page) < 1000:
                break
            offset += 1000
    items.sort(key=lambda i: min(d for d in (i.ends_on, i.review_on, date.max) if d))
    return Oversight(
        withdrawals=tuple(e for e in events if e.event.action == Action.WITHDRAW_CONSENT.value),
        expungements=tuple(e for e in events if e.event.action == Action.EXPUNGE.value),
        refusals=tuple(e for e in events if e.event.outcome == "refused")[-50:],
        retention=tuple(items), chain=chain, today=today)
