"""The policy gate every search path passes: governance's search matrix, permission, audit.

* :func:`governance_policy` is the one adapter of the search matrix
  (:func:`reunite.governance.policy.require_search_allowed`) to the engine's
  :class:`~reunite.search.SearchPolicy`: every search function of :mod:`reunite.search`
  (in process or on a Dask worker: it is a module-level function, so it pickles) asks it
  and is refused with :class:`~reunite.errors.PurposeNotPermitted`.
* :func:`authorize_search` is the service-level gate of a database search: it checks the
  actor's permission, asks the same matrix and audits the outcome; a refusal raises after
  its audit event is written.
* :func:`searchable_bases` is which bases allow a purpose in an index today, so a withdrawn
  or expired basis is never searched (the store-backed index and the families of a search
  use it); :func:`searchable_profiles` lists the profiles an index would search.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from reunite.errors import InputError, PurposeNotPermitted
from reunite.governance.consent import check_basis
from reunite.governance.indices import Index, Purpose
from reunite.governance.policy import Decision, require_search_allowed
from reunite.governance.roles import Action, Actor
from reunite.services.audit_service import AuditEntry, append_audit, checked, record_refusal
from reunite.services.enrolment import basis_from_record
from reunite.storage.records import BasisRecord
from reunite.storage.repositories import SqlStore

__all__ = ["authorize_search", "governance_policy", "searchable_bases",
           "searchable_profiles"]


def governance_policy(query_index: str, target_index: str, *, purpose: str) -> Decision:
    """The search matrix of DESIGN.md as the engine's policy (raises when refused)."""
    try:
        index_q, index_t, why = Index(query_index), Index(target_index), Purpose(purpose)
    except ValueError as exc:
        raise InputError("unknown index or purpose", field="index", value=str(exc)) from exc
    return require_search_allowed(index_q, index_t, purpose=why)


def authorize_search(store: SqlStore, actor: Actor, *, query_index: Index,
                     target_index: Index, purpose: Purpose, record: str | None = None,
                     ) -> Decision:
    """Allow or refuse a search of ``query_index`` against ``target_index`` for ``purpose``.

    Both outcomes are audited. The returned decision says whether results may be reported
    as an identification (never for contamination or commingling checks).
    """
    checked(store, actor, Action.SEARCH, record)
    try:
        decision = governance_policy(Index(query_index).value, Index(target_index).value,
                                     purpose=Purpose(purpose).value)
    except PurposeNotPermitted as error:
        record_refusal(store, actor, Action.SEARCH.value, record, error)
        raise
    with store.transaction() as repos:
        append_audit(repos, AuditEntry(actor.name, Action.SEARCH.value, record,
                                      decision.reason))
    return decision


def searchable_bases(bases: Iterable[BasisRecord], *, index: Index, purpose: Purpose,
                     on: date) -> set[str]:
    """Ids of the bases that allow ``purpose`` in ``index`` on ``on``."""
    return {b.id for b in bases if check_basis(basis_from_record(b), index=Index(index),
                                               on=on, purposes=[Purpose(purpose)]).allowed}


def searchable_profiles(store: SqlStore, actor: Actor, *, index: Index, purpose: Purpose,
                        on: date | None = None) -> list[str]:
    """Ids of the profiles in ``index`` whose basis allows ``purpose`` on ``on``."""
    checked(store, actor, Action.SEARCH, None)
    today = on or datetime.now(UTC).date()
    with store.transaction() as repos:
        refs = repos.profiles.refs(index=Index(index).value)
        bases = repos.bases.get_many([r.basis_id for r in refs])
    allowed = searchable_bases(bases.values(), index=index, purpose=purpose, on=today)
    return [r.id for r in refs if r.basis_id in allowed]
