"""The web application for case workers, lab analysts, reviewers and data-protection officers.

Server-rendered pages (Jinja2 templates in ``templates/``, a little hand-written JavaScript
and CSS in ``static/``, no build step) over the services; the API's ``create_app`` calls
:func:`mount_web`. All text goes through :mod:`reunite.web.i18n` (English and Simplified
Chinese).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from reunite.services.workspace import Workspace
from reunite.web.guard import LoginRequired
from reunite.web.session import Sessions
from reunite.web.state import WebState

__all__ = ["WebState", "mount_web"]

DEFAULT_PREFIX = "/ui"


def mount_web(app: FastAPI, *, workspace: Workspace | Callable[[], Workspace],
              prefix: str = DEFAULT_PREFIX, secure_cookies: bool = False) -> WebState:
    """Mount the web pages under ``prefix`` and their static files under ``prefix/static``.

    ``workspace`` is the installation's :class:`~reunite.services.workspace.Workspace` (or a
    function returning it, for apps that open it lazily). Sessions are signed with a key
    derived from the workspace's master key. ``secure_cookies`` should be True behind
    HTTPS. ``/`` redirects to the dashboard unless the app already answers it.
    """
    from reunite.web import views_cases, views_home, views_lab, views_protection, views_review

    factory: Callable[[], Workspace] = workspace if callable(workspace) else (lambda: workspace)
    opened = factory()
    state = WebState(factory, Sessions(opened.master, minutes=max(
        opened.settings.token_minutes, 60)), prefix, secure_cookies)
    app.state.reunite_web = state
    for module in (views_home, views_cases, views_lab, views_review, views_protection):
        app.include_router(module.router, prefix=prefix, include_in_schema=False)
    static = resources.files("reunite.web").joinpath("static")
    app.mount(f"{prefix}/static", StaticFiles(directory=str(static)), name="web_static")

    async def login_redirect(request: Request, exc: Exception) -> Response:
        next_path = exc.next_path if isinstance(exc, LoginRequired) else ""
        return RedirectResponse(f"{prefix}/login?next={next_path}", status_code=303)

    app.add_exception_handler(LoginRequired, login_redirect)
    if not any(getattr(route, "path", None) == "/" for route in app.router.routes):

        @app.get("/", include_in_schema=False)
        def root() -> Response:
            return RedirectResponse(f"{prefix}/", status_code=307)

    return state
