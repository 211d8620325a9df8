"""The in-process job runner: status, progress, errors, ownership."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from reunite.errors import CaseError, NotFoundError, PermissionDenied
from reunite.governance.roles import Actor, Role
from reunite.services.jobs import JobRunner, Progress

LAB = Actor.of("lab", [Role.LAB_ANALYST])


def test_job__progress_then_result() -> None:
    runner = JobRunner()
    release = threading.Event()
    seen = threading.Event()

    def work(progress: Progress) -> dict[str, Any]:
        progress(0.5, "half way")
        seen.set()
        release.wait(10)
        return {"hits": 3}

    job = runner.submit(LAB, "search:screen", work)
    seen.wait(10)
    middle = runner.get(LAB, job.id)
    release.set()
    done = runner.wait(LAB, job.id, timeout=10)
    runner.shutdown()

    assert job.status == "queued"
    assert (middle.status, middle.progress, middle.message) == ("running", 0.5, "half way")
    assert (done.status, done.progress, done.result) == ("done", 1.0, {"hits": 3})


def test_job__errors_are_recorded_without_their_text_when_unexpected() -> None:
    runner = JobRunner()

    def typed(progress: Progress) -> dict[str, Any]:
        raise CaseError("no typed relative", field="case")

    def unexpected(progress: Progress) -> dict[str, Any]:
        raise ValueError("D3S1358 15,16")  # could quote data: must not be shown

    a = runner.wait(LAB, runner.submit(LAB, "x", typed).id, timeout=10)
    b = runner.wait(LAB, runner.submit(LAB, "x", unexpected).id, timeout=10)
    runner.shutdown()

    assert a.error == {"type": "CaseError", "detail": "no typed relative", "field": "case"}
    assert b.error == {"type": "InternalError", "detail": "ValueError"}


def test_job__visible_to_its_owner_only() -> None:
    runner = JobRunner()
    job = runner.submit(LAB, "x", lambda progress: {})

    with pytest.raises(PermissionDenied):
        runner.get(Actor.of("other", [Role.LAB_ANALYST]), job.id)
    with pytest.raises(NotFoundError):
        runner.get(LAB, "nope")
    runner.shutdown()
