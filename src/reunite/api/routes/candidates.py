"""Match candidates with per-marker LRs, and the review decisions on them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from reunite.api.deps import ActorDep, SessionDep
from reunite.api.schemas import CandidateOut, DecisionIn, DecisionOut
from reunite.services import review

router = APIRouter(tags=["candidates"])

Status = Literal["pending", "awaiting-second-review", "confirmed", "rejected"]


def candidate_out(view: review.CandidateView, *, full: bool = True) -> CandidateOut:
    """Wire form of a candidate (provenance only in the single-candidate view)."""
    c = view.candidate
    return CandidateOut(
        id=c.id, case_id=c.case_id, case_reference=view.case_reference,
        query_profile_id=c.query_profile_id, target_profile_id=c.target_profile_id,
        target_person_id=view.target_person_id, log10_lr=c.log10_lr,
        per_marker_log10_lr=c.details.get("per_marker_log10_lr", {}),
        kind=c.details.get("kind"), status=view.status,
        decisions=[DecisionOut(reviewer=d.reviewer, decision=d.decision, reason=d.reason,
                               decided_at=d.decided_at) for d in view.decisions],
        created_at=c.created_at, settings=c.details.get("settings"),
        provenance=c.details.get("provenance") if full else None)


@router.get("/candidates")
def list_candidates(actor: ActorDep, store: SessionDep,
                    case: Annotated[str | None, Query(max_length=64)] = None,
                    status_: Annotated[Status | None, Query(alias="status")] = None,
                    min_log10_lr: Annotated[float | None, Query(ge=-1e6, le=1e6)] = None,
                    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
                    ) -> list[CandidateOut]:
    """Candidates, strongest first; filter by case and status."""
    return [candidate_out(v, full=False) for v in review.list_candidates(
        store, actor, case=case, status=status_, min_log10_lr=min_log10_lr, limit=limit,
        offset=offset)]


@router.get("/candidates/{candidate_id}")
def get_candidate(candidate_id: str, actor: ActorDep, store: SessionDep) -> CandidateOut:
    """One candidate with per-marker LRs, decisions and the search's provenance."""
    return candidate_out(review.get_candidate(store, actor, candidate_id))


@router.post("/candidates/{candidate_id}/decisions", status_code=status.HTTP_201_CREATED)
def decide(candidate_id: str, body: DecisionIn, actor: ActorDep,
           store: SessionDep) -> CandidateOut:
    """Confirm or reject with a reason; confirmation needs two different reviewers."""
    return candidate_out(review.decide(store, actor, candidate_id, decision=body.decision,
                                       reason=body.reason))
