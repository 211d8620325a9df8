"""What the web pages share: the workspace, sessions, the login throttle, pending uploads.

A lab file checked in a dry run is kept in memory (per user, at most a few, for an hour)
under a random token until it is committed or dropped, so the analyst does not upload it
twice; it never reaches the disk. The search jobs a user started from the web are
remembered so the dashboard can show them (the job runner itself only answers by id).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from reunite.services.auth import LoginThrottle
from reunite.services.workspace import Workspace
from reunite.web.session import Sessions

__all__ = ["PendingUpload", "WebState"]

_UPLOAD_SECONDS = 3600.0
_UPLOADS_PER_USER = 3
MAX_UPLOAD_BYTES = 15 * 1024 * 1024  # under the API body limit (16 MiB)


@dataclass(frozen=True)
class PendingUpload:
    """A lab file waiting for its commit."""

    owner: str
    name: str
    data: bytes
    kit: str
    lab: str
    created: float


@dataclass
class WebState:
    """Shared by every page (``app.state.reunite_web``)."""

    workspace_factory: Callable[[], Workspace]
    sessions: Sessions
    prefix: str
    secure_cookies: bool = False
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    uploads: dict[str, PendingUpload] = field(default_factory=dict)
    jobs: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def workspace(self) -> Workspace:
        """The installation's workspace."""
        return self.workspace_factory()

    def keep_upload(self, upload: PendingUpload) -> str:
        """Remember an upload; returns its token (old and surplus uploads are dropped)."""
        token = secrets.token_urlsafe(16)
        now = time.monotonic()
        with self._lock:
            for key in [k for k, u in self.uploads.items()
                        if now - u.created > _UPLOAD_SECONDS]:
                del self.uploads[key]
            mine = sorted((u.created, k) for k, u in self.uploads.items()
                          if u.owner == upload.owner)
            for _, key in mine[:max(0, len(mine) - _UPLOADS_PER_USER + 1)]:
                del self.uploads[key]
            self.uploads[token] = upload
        return token

    def take_upload(self, token: str, owner: str) -> PendingUpload | None:
        """The upload under ``token`` if ``owner`` made it (it stays until dropped)."""
        with self._lock:
            upload = self.uploads.get(token)
        return upload if upload is not None and upload.owner == owner else None

    def drop_upload(self, token: str) -> None:
        """Forget an upload."""
        with self._lock:
            self.uploads.pop(token, None)

    def remember_job(self, owner: str, job_id: str, label: str) -> None:
        """Remember a job a user started (the latest 20)."""
        with self._lock:
            self.jobs.setdefault(owner, []).insert(0, (job_id, label))
            del self.jobs[owner][20:]
