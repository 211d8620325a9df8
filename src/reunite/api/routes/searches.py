"""Searches run as background jobs; poll ``GET /jobs/{id}`` for progress and the result."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from reunite.api.deps import ActorDep, WorkspaceDep
from reunite.api.schemas import JobOut, SearchIn
from reunite.governance.indices import Index
from reunite.governance.roles import Action
from reunite.services.audit_service import checked
from reunite.services.jobs import Job, Progress
from reunite.services.matching import UNIDENTIFIED, SearchRequest

router = APIRouter(tags=["searches"])


def job_out(job: Job) -> JobOut:
    """Wire form of a job."""
    return JobOut(id=job.id, kind=job.kind, status=job.status, progress=job.progress,
                  message=job.message, created_at=job.created_at,
                  finished_at=job.finished_at, result=job.result, error=job.error)


@router.post("/searches", status_code=status.HTTP_202_ACCEPTED)
def start_search(body: SearchIn, actor: ActorDep, workspace: WorkspaceDep) -> JobOut:
    """Start a direct, pedigree-screen or blind search; returns the job at once.

    The search passes the governance gate (permission, search matrix, audit) when it runs;
    a refusal shows as a failed job with the reason.
    """
    checked(workspace.store, actor, Action.SEARCH, f"search:{body.kind}")
    targets = tuple(Index(t) for t in body.target_indices) if body.target_indices else \
        UNIDENTIFIED
    request = SearchRequest(body.kind, body.case, targets, body.threshold, body.k)

    def work(progress: Progress) -> dict[str, Any]:
        return workspace.engine.run(actor, request, progress).to_dict()

    return job_out(workspace.jobs.submit(actor, f"search:{body.kind}", work))


@router.get("/jobs/{job_id}")
def get_job(job_id: str, actor: ActorDep, workspace: WorkspaceDep) -> JobOut:
    """A job's status and progress (visible to the user who started it)."""
    return job_out(workspace.jobs.get(actor, job_id))
