"""Login, logout and the dashboard (open cases, reviews waiting, the user's searches)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from reunite.errors import AuthenticationError, NotFoundError, PermissionDenied, ReuniteError
from reunite.governance.roles import Action, is_permitted
from reunite.services.auth import authenticate
from reunite.services.cases import list_cases
from reunite.services.review import list_candidates
from reunite.web.guard import actor_or_login, csrf_checked, error_page, redirect, state_of
from reunite.web.rendering import render

__all__ = ["router"]

router = APIRouter()


def _safe_next(prefix: str, target: str | None) -> str:
    # Only local paths inside the web app: never an open redirect to another site.
    if target and target.startswith(prefix + "/") and not target.startswith("//"):
        return target
    return prefix + "/"


@router.get("/login", name="web_login")
def login_page(request: Request, next: str = "") -> Response:
    state = state_of(request)
    binding, new_nonce = state.sessions.login_binding(request)
    page = render(request, "login.html", next=next, error=None,
                  csrf=state.sessions.csrf_for(binding))
    if new_nonce is not None:
        state.sessions.set_nonce(page, new_nonce)
    return page


@router.post("/login")
def login(request: Request, username: Annotated[str, Form()] = "",
          password: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "") -> Response:
    state = state_of(request)
    client = request.client.host if request.client else "unknown"
    keys = (f"user:{username}", f"client:{client}")
    try:
        csrf_checked(request, csrf)
        if state.throttle.retry_after(*keys) > 0:
            raise AuthenticationError("too many failed logins: wait a minute",
                                      field="username")
        actor = authenticate(state.workspace.store, username, password)
    except AuthenticationError as exc:
        if exc.field != "csrf":
            state.throttle.failed(*keys)
        return render(request, "login.html", status_code=401, next=next,
                      error=exc.message if exc.field == "csrf" else "login.failed")
    state.throttle.succeeded(*keys)
    response = redirect(_safe_next(state.prefix, next))
    state.sessions.start(response, actor, secure=state.secure_cookies)
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    state = state_of(request)
    if state.sessions.csrf_ok(request, csrf):
        response = redirect(state.prefix + "/login")
        state.sessions.end(response)
        return response
    return redirect(state.prefix + "/")


@router.get("/", name="web_dashboard")
def dashboard(request: Request) -> Response:
    actor = actor_or_login(request)
    state = state_of(request)
    workspace = state.workspace
    cases, reviews = [], []
    try:
        if is_permitted(actor, Action.READ_CASE):
            cases = [c for c in list_cases(workspace.store, actor, limit=200)
                     if c.status == "open"]
            reviews = [v for v in list_candidates(workspace.store, actor, limit=200)
                       if v.status in ("pending", "awaiting-second-review")]
    except ReuniteError as exc:
        return error_page(request, actor, exc)
    searches = []
    for job_id, label in state.jobs.get(actor.name, []):
        try:
            searches.append((workspace.jobs.get(actor, job_id), label))
        except (NotFoundError, PermissionDenied):
            continue
    return render(request, "dashboard.html", actor=actor, cases=cases, reviews=reviews,
                  searches=searches)
