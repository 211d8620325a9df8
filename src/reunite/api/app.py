"""The FastAPI application: :func:`create_app` wires settings, services and routes.

OpenAPI at ``/openapi.json``, the interactive documentation at ``/docs``. Middleware: a
request-size limit (413 beyond :data:`MAX_BODY_BYTES`, checked on ``Content-Length`` and on
the bytes actually received). Logging: method, path and status only (uvicorn's access
log); request bodies, which may hold genotypes, are never logged. The web UI is mounted when
``reunite.web.mount_web`` exists (api may import web, never the reverse).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reunite._version import __version__
from reunite.api.errors import PROBLEM_JSON, install_error_handlers
from reunite.api.routes import (
    auth,
    candidates,
    cases,
    governance,
    health,
    imports,
    persons,
    searches,
)
from reunite.config import Settings
from reunite.services.auth import LoginThrottle, TokenIssuer
from reunite.services.workspace import Workspace, open_workspace

__all__ = ["MAX_BODY_BYTES", "create_app"]

MAX_BODY_BYTES = 16 * 1024 * 1024
"""Largest request body accepted: room for a big lab batch file, not for abuse."""


class _BodyTooLargeError(Exception):
    pass


class BodySizeLimit:
    """Refuse request bodies larger than ``limit`` bytes with a 413 problem."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def _reject(self, send: Send) -> None:
        body = json.dumps({"type": "about:blank", "title": "Request too large",
                           "status": 413, "field": "body",
                           "detail": f"the request body exceeds {self.limit} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", PROBLEM_JSON.encode()),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    await self._reject(send)
                    return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _BodyTooLargeError
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLargeError:
            if not started:
                await self._reject(send)


def create_app(settings: Settings, *, workspace: Workspace | None = None,
               login_limit: int = 5) -> FastAPI:
    """The reunite REST API over the installation ``settings`` describe.

    ``workspace`` may be given (tests, the demo); otherwise it is opened here and closed
    when the server shuts down.
    """
    owned = workspace is None
    ws = workspace if workspace is not None else open_workspace(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if owned:
                ws.close()

    app = FastAPI(
        title="reunite",
        version=__version__,
        summary="Identify missing and unidentified people by DNA kinship, with consent.",
        description=(
            "Cases and pedigrees, consent and legal-order records, encrypted profiles, "
            "searches behind the governance policy gate, match candidates with per-marker "
            "likelihood ratios, two-reviewer confirmation, withdrawal with "
            "crypto-shredding, and a verifiable audit log. Errors are RFC 9457 "
            "problem+json naming the offending field."),
        lifespan=lifespan,
    )
    app.state.workspace = ws
    app.state.tokens = TokenIssuer(ws.master, minutes=settings.token_minutes)
    app.state.throttle = LoginThrottle(limit=login_limit, window=60.0)
    install_error_handlers(app)
    for module in (health, auth, cases, persons, imports, searches, candidates, governance):
        app.include_router(module.router)
    _mount_web(app, ws)
    app.add_middleware(BodySizeLimit, limit=MAX_BODY_BYTES)
    return app


def _mount_web(app: FastAPI, workspace: Workspace) -> None:
    try:
        import reunite.web as web
    except ImportError:  # pragma: no cover - the web package ships with reunite
        return
    mount: Any = getattr(web, "mount_web", None)
    if callable(mount):
        mount(app, workspace=workspace)
