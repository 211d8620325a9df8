"""``GET /health``: liveness, version, database kind and index sizes (no auth)."""

from __future__ import annotations

from fastapi import APIRouter

from reunite._version import __version__
from reunite.api.deps import WorkspaceDep
from reunite.api.schemas import HealthOut

router = APIRouter(tags=["health"])


@router.get("/health")
def health(workspace: WorkspaceDep) -> HealthOut:
    """The service is up; which database it uses and how many profiles are indexed."""
    return HealthOut(status="ok", version=__version__,
                     database=workspace.store.engine.dialect.name,
                     profiles_indexed=workspace.index.indexed_counts())
