"""Review of match candidates: confirm or reject with a reason; two reviewers confirm.

The four-eyes rule: an identification is confirmed only when two different reviewers have
each confirmed it; one rejection closes the candidate as rejected. A candidate's status is
derived from its decisions (never stored apart from them):

=========================  ================================================
``pending``                no decision yet
``awaiting-second-review`` confirmed once, needs a different reviewer
``confirmed``              confirmed by two different reviewers
``rejected``               rejected by a reviewer (with the reason)
=========================  ================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from reunite.errors import ConflictError, InputError
from reunite.governance.roles import Action, Actor
from reunite.services.audit_service import AuditEntry, append_audit, checked
from reunite.services.cases import resolve_case
from reunite.storage.records import CandidateRecord, DecisionRecord
from reunite.storage.repositories import SqlStore

__all__ = ["DECISIONS", "CandidateView", "candidate_status", "decide", "get_candidate",
           "list_candidates"]

DECISIONS = ("confirm", "reject")


def candidate_status(decisions: Sequence[DecisionRecord]) -> str:
    """The status that ``decisions`` (oldest first) give a candidate (module docstring)."""
    if any(d.decision == "reject" for d in decisions):
        return "rejected"
    confirmers = {d.reviewer for d in decisions if d.decision == "confirm"}
    if len(confirmers) >= 2:
        return "confirmed"
    return "awaiting-second-review" if confirmers else "pending"


@dataclass(frozen=True)
class CandidateView:
    """A candidate with its decisions, status and the case reference."""

    candidate: CandidateRecord
    decisions: tuple[DecisionRecord, ...]
    case_reference: str | None
    target_person_id: str | None

    @property
    def status(self) -> str:
        """See :func:`candidate_status`."""
        return candidate_status(self.decisions)


def _views(store: SqlStore, candidates: Sequence[CandidateRecord]) -> list[CandidateView]:
    with store.transaction() as repos:
        decisions = repos.candidates.decisions([c.id for c in candidates])
        references = {case_id: repos.cases.get_case(case_id).reference
                      for case_id in {c.case_id for c in candidates if c.case_id}}
        owners = {s.id: s.person_id for s in
                  repos.profiles.get_many([c.target_profile_id for c in candidates])}
    return [CandidateView(c, tuple(decisions.get(c.id, ())),
                          references.get(c.case_id) if c.case_id else None,
                          owners.get(c.target_profile_id)) for c in candidates]


def list_candidates(store: SqlStore, actor: Actor, *, case: str | None = None,
                    status: str | None = None, min_log10_lr: float | None = None,
                    limit: int = 100, offset: int = 0) -> list[CandidateView]:
    """Candidates, strongest first (``read-case``); filtered by case and status."""
    checked(store, actor, Action.READ_CASE, None)
    if not 1 <= limit <= 1000 or offset < 0:
        raise InputError("limit must be 1-1000 and offset non-negative", field="limit",
                         value=limit)
    case_id = resolve_case(store, actor, case).id if case else None
    with store.transaction() as repos:
        found = repos.candidates.list_candidates(case_id=case_id, min_log10_lr=min_log10_lr,
                                limit=limit if status is None else 1000,
                                offset=offset if status is None else 0)
    views = _views(store, found)
    if status is not None:
        views = [v for v in views if v.status == status][offset:offset + limit]
    return views


def get_candidate(store: SqlStore, actor: Actor, candidate_id: str) -> CandidateView:
    """One candidate with its per-marker LRs and decisions (``read-case``)."""
    checked(store, actor, Action.READ_CASE, f"candidate:{candidate_id}")
    with store.transaction() as repos:
        found = repos.candidates.get(candidate_id)
    return _views(store, [found])[0]


def decide(store: SqlStore, actor: Actor, candidate_id: str, *, decision: str,
           reason: str) -> CandidateView:
    """Record ``confirm`` or ``reject`` (``review-match``); returns the updated candidate.

    A reason is required. A reviewer cannot confirm twice (the second confirmation must
    come from someone else), and a confirmed or rejected candidate takes no more decisions.
    """
    checked(store, actor, Action.REVIEW_MATCH, f"candidate:{candidate_id}")
    if decision not in DECISIONS:
        raise InputError("decision must be confirm or reject", field="decision",
                         value=decision)
    if not reason.strip():
        raise InputError("a decision needs a reason", field="reason")
    with store.transaction() as repos:
        repos.candidates.get(candidate_id)
        earlier = repos.candidates.decisions([candidate_id]).get(candidate_id, [])
        status = candidate_status(earlier)
        if status in ("confirmed", "rejected"):
            raise ConflictError(f"the candidate is {status} already", field="decision",
                                value=decision)
        if decision == "confirm" and any(d.reviewer == actor.name and d.decision == "confirm"
                                         for d in earlier):
            raise ConflictError("you confirmed this candidate already: a second, different "
                                "reviewer must confirm it", field="decision", value=decision)
        repos.candidates.add_decision(DecisionRecord(candidate_id, actor.name, decision,
                                                     reason.strip(), datetime.now(UTC)))
        after = candidate_status([*earlier, DecisionRecord(candidate_id, actor.name, decision,
                                                           reason, datetime.now(UTC))])
        append_audit(repos, AuditEntry(actor.name, Action.REVIEW_MATCH.value,
                                      f"candidate:{candidate_id}",
                                      f"{decision}: {reason.strip()} (now {after})"))
    return get_candidate(store, actor, candidate_id)
