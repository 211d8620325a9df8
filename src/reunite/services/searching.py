"""The policy gate every search path calls before comparing profiles.

:func:`authorize_search` checks the actor's permission, asks the one policy function
(:func:`reunite.governance.policy.authorize_search`) and audits the outcome; a refusal
raises :class:`~reunite.errors.PurposeNotPermitted` after its audit event is written.
:func:`searchable_profiles` then narrows a target index to the profiles whose own basis
still allows the purpose today, so a withdrawn or expired basis is never searched.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from reunite.errors import PurposeNotPermitted
from reunite.governance.consent import check_basis
from reunite.governance.indices import Index, Purpose
from reunite.governance.policy import Decision
from reunite.governance.policy import authorize_search as policy_decision
from reunite.governance.roles import Action, Actor
from reunite.services.audit_service import AuditEntry, append_audit, checked, record_refusal
from reunite.services.enrolment import basis_from_record
from reunite.storage.repositories import SqlStore

__all__ = ["authorize_search", "searchable_profiles"]


def authorize_search(store: SqlStore, actor: Actor, *, query_index: Index,
                     target_index: Index, purpose: Purpose, record: str | None = None,
                     ) -> Decision:
    """Allow or refuse a search of ``query_index`` against ``target_index`` for ``purpose``.

    Both outcomes are audited. The returned decision says whether results may be reported
    as an identification (never for contamination or commingling checks).
    """
    checked(store, actor, Action.SEARCH, record)
    decision = policy_decision(Index(query_index), Index(target_index), purpose=Purpose(purpose))
    if not decision.allowed:
        error = PurposeNotPermitted(decision.reason, query_index=Index(query_index).value,
                                    target_index=Index(target_index).value,
                                    purpose=Purpose(purpose).value)
        record_refusal(store, actor, Action.SEARCH.value, record, error)
        raise error
    with store.transaction() as repos:
        append_audit(repos, AuditEntry(actor.name, Action.SEARCH.value, record,
                                      decision.reason))
    return decision


def searchable_profiles(store: SqlStore, actor: Actor, *, index: Index, purpose: Purpose,
                        on: date | None = None) -> list[str]:
    """Ids of the profiles in ``index`` whose basis allows ``purpose`` on ``on``."""
    checked(store, actor, Action.SEARCH, None)
    today = on or datetime.now(UTC).date()
    with store.transaction() as repos:
        stored = [(p.id, p.basis_id) for p in repos.profiles.in_index(Index(index).value)]
        bases = repos.bases.get_many([b for _, b in stored])
    return [
        pid for pid, basis_id in stored
        if basis_id in bases and check_basis(basis_from_record(bases[basis_id]), index=Index(index),
                                             on=today,
                                             purposes=[Purpose(purpose)]).allowed
    ]
