"""Searches run as background jobs; poll ``GET /jobs/{id}`` for progress and the result."""

from __future__ import annotations

from fastapi import APIRouter, status

from reunite.api.deps import ActorDep, WorkspaceDep
from reunite.api.schemas import JobOut, SearchIn
from reunite.governance.indices import Index
from reunite.services import searches
from reunite.services.jobs import Job
from reunite.services.search_index import UNIDENTIFIED
from reunite.services.searches import SearchRequest

router = APIRouter(tags=["searches"])


def job_out(job: Job) -> JobOut:
    """Wire form of a job."""
    return JobOut(id=job.id, kind=job.kind, status=job.status, progress=job.progress,
                  message=job.message, created_at=job.created_at,
                  finished_at=job.finished_at, result=job.result, error=job.error)


@router.post("/searches", status_code=status.HTTP_202_ACCEPTED)
def start_search(body: SearchIn, actor: ActorDep, workspace: WorkspaceDep) -> JobOut:
    """Start a direct, pedigree-screen or blind search; returns the job at once.

    θ, the mutation model and rates, the LR threshold and k default to the installation's
    search settings; the job's result records the settings used. The search passes the
    governance gate (permission, search matrix, audit) when it runs; a refusal shows as a
    failed job with the reason.
    """
    targets = tuple(Index(t) for t in body.target_indices) if body.target_indices else \
        UNIDENTIFIED
    return job_out(searches.start_search(
        workspace, actor, SearchRequest(body.kind, body.case, targets), theta=body.theta,
        mutation_model=body.mutation_model, mutation_rate=body.mutation_rate,
        mutation_rate_male=body.mutation_rate_male, lr_threshold=body.threshold,
        k=body.k))


@router.get("/jobs/{job_id}")
def get_job(job_id: str, actor: ActorDep, workspace: WorkspaceDep) -> JobOut:
    """A job's status and progress (visible to the user who started it)."""
    return job_out(workspace.jobs.get(actor, job_id))
