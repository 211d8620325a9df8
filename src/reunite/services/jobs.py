"""Background jobs: a small in-process runner (thread pool plus a job table) with progress.

Searches can take seconds to minutes; the API answers at once with a job id and the client
polls it. The table lives in memory: a restarted server forgets finished jobs (their results
are the match candidates, which are stored), and a job that was running is simply gone —
run the search again. A job's result holds counts and ids only, never a genotype.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from reunite.errors import NotFoundError, PermissionDenied, ReuniteError
from reunite.governance.roles import Actor

__all__ = ["Job", "JobRunner", "Progress"]

Progress = Callable[[float, str], None]
"""Called by a job with (fraction done in [0, 1], what it is doing)."""


@dataclass(frozen=True)
class Job:
    """The state of one background job."""

    id: str
    kind: str
    owner: str
    status: str = "queued"  # queued, running, done, failed
    progress: float = 0.0
    message: str = ""
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None


class JobRunner:
    """Runs callables on a thread pool and keeps their :class:`Job` records."""

    def __init__(self, *, workers: int = 1, keep: int = 1000) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="reunite-job")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._keep = keep

    def _update(self, job_id: str, **changes: Any) -> None:
        with self._lock:
            self._jobs[job_id] = replace(self._jobs[job_id], **changes)

    def submit(self, actor: Actor, kind: str,
               work: Callable[[Progress], dict[str, Any]]) -> Job:
        """Queue ``work(progress)``; returns the queued job at once."""
        job = Job(uuid.uuid4().hex, kind, actor.name)
        with self._lock:
            self._jobs[job.id] = job
            if len(self._jobs) > self._keep:
                finished = [j for j in self._jobs.values() if j.finished_at is not None]
                for old in sorted(finished, key=lambda j: j.created_at)[:len(finished) // 2]:
                    del self._jobs[old.id]

        def progress(fraction: float, message: str) -> None:
            self._update(job.id, progress=max(0.0, min(1.0, float(fraction))),
                         message=message)

        def run() -> None:
            self._update(job.id, status="running")
            try:
                result = work(progress)
            except ReuniteError as exc:
                self._update(job.id, status="failed", finished_at=datetime.now(UTC),
                             error={"type": type(exc).__name__, "detail": exc.message,
                                    "field": exc.context.get("field")})
            except Exception as exc:  # a job must never take the runner down
                # The detail is the class name only: a message could quote data.
                self._update(job.id, status="failed", finished_at=datetime.now(UTC),
                             error={"type": "InternalError", "detail": type(exc).__name__})
            else:
                self._update(job.id, status="done", progress=1.0, result=result,
                             finished_at=datetime.now(UTC), message="finished")

        self._pool.submit(run)
        return job

    def get(self, actor: Actor, job_id: str) -> Job:
        """A job, for its owner only."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFoundError("no such job", field="job_id", value=job_id)
        if job.owner != actor.name:
            raise PermissionDenied("a job is visible to the user who started it",
                                   field="job_id", actor=actor.name)
        return job

    def wait(self, actor: Actor, job_id: str, timeout: float = 60.0) -> Job:
        """Block until the job finishes (CLI and tests)."""
        deadline = datetime.now(UTC).timestamp() + timeout
        event = threading.Event()
        while True:
            job = self.get(actor, job_id)
            if job.status in ("done", "failed") or datetime.now(UTC).timestamp() > deadline:
                return job
            event.wait(0.05)

    def shutdown(self) -> None:
        """Stop taking jobs and wait for the running ones."""
        self._pool.shutdown(wait=True, cancel_futures=True)
