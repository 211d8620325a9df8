"""Who may see a page, CSRF checks, and how a refused or failed action is shown.

Permission decisions stay in the services (they raise
:class:`~reunite.errors.PermissionDenied` and audit it); a page only needs a logged-in
actor, and turns any :class:`~reunite.errors.ReuniteError` into a page in the reader's
language with the status code the API would use for it.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from reunite.errors import (
    AuthenticationError,
    ConflictError,
    GovernanceError,
    InputError,
    NotFoundError,
    ReuniteError,
)
from reunite.governance.roles import Actor
from reunite.web.rendering import render
from reunite.web.state import WebState

__all__ = ["ERROR_KINDS", "LoginRequired", "actor_or_login", "csrf_checked", "error_page",
           "kind_of", "state_of", "status_for"]


class LoginRequired(Exception):  # noqa: N818 -- a signal for the redirect handler
    """Raised by a page without a logged-in actor; answered by a redirect to the login."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def state_of(request: Request) -> WebState:
    """The shared web state."""
    state: WebState = request.app.state.reunite_web
    return state


def actor_or_login(request: Request) -> Actor:
    """The logged-in actor; :class:`LoginRequired` when there is none."""
    actor = state_of(request).sessions.actor(request)
    if actor is None:
        raise LoginRequired(request.url.path)
    return actor


def csrf_checked(request: Request, token: str) -> None:
    """Raise :class:`AuthenticationError` unless ``token`` is this browser's CSRF token."""
    if not state_of(request).sessions.csrf_ok(request, token):
        raise AuthenticationError("the form has expired or did not come from this site: "
                                  "reload the page and try again", field="csrf")


ERROR_KINDS: tuple[tuple[type[ReuniteError], int, str], ...] = (
    (InputError, 422, "input"), (GovernanceError, 403, "refused"),
    (AuthenticationError, 401, "auth"), (NotFoundError, 404, "missing"),
    (ConflictError, 409, "conflict"),
)
"""Error class -> HTTP status (the same as the API's) and the key of its explanation."""


def status_for(exc: ReuniteError) -> int:
    """The HTTP status of an error (the same table as the API's)."""
    return next((status for kind, status, _ in ERROR_KINDS if isinstance(exc, kind)), 500)


def kind_of(exc: ReuniteError) -> str:
    """The catalogue key suffix (``error.kind.<kind>``) explaining an error in words."""
    return next((name for kind, _, name in ERROR_KINDS if isinstance(exc, kind)), "internal")


def error_page(request: Request, actor: Actor | None, exc: ReuniteError) -> HTMLResponse:
    """A page explaining why the action did not happen (never a traceback)."""
    referer = request.headers.get("referer", "")
    own = f"{request.url.scheme}://{request.url.netloc}/"
    back = referer if referer.startswith(own) else state_of(request).prefix + "/"
    return render(request, "error.html", status_code=status_for(exc), actor=actor,
                  error=exc, problems=list(exc.problems)[:200], back=back, kind=kind_of(exc))


def redirect(path: str) -> Response:
    """A see-other redirect (after a successful POST)."""
    return RedirectResponse(path, status_code=303)
