"""``Annotated`` dependency aliases (STYLE rule 14): the workspace, the store, the actor.

Routes declare ``actor: ActorDep`` and ``workspace: WorkspaceDep`` and pass them to the
services, which check permissions; nothing here decides what an actor may do. The actor
comes from ``Authorization: Bearer <token>``: a short-lived access token from
``POST /auth/token``, or an instrument's API token (``rnt_...``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from reunite.errors import AuthenticationError
from reunite.governance.roles import Actor
from reunite.services.auth import (
    API_TOKEN_PREFIX,
    LoginThrottle,
    TokenIssuer,
    authenticate_api_token,
)
from reunite.services.workspace import Workspace
from reunite.storage.repositories import SqlStore

__all__ = ["ActorDep", "SessionDep", "ThrottleDep", "TokensDep", "WorkspaceDep"]

_bearer = HTTPBearer(auto_error=False, description="Access token or instrument API token")


def get_workspace(request: Request) -> Workspace:
    """The installation the app serves."""
    workspace: Workspace = request.app.state.workspace
    return workspace


def get_store(request: Request) -> SqlStore:
    """The store; each service call opens its own transaction (unit of work)."""
    return get_workspace(request).store


def get_tokens(request: Request) -> TokenIssuer:
    """The access-token issuer."""
    tokens: TokenIssuer = request.app.state.tokens
    return tokens


def get_throttle(request: Request) -> LoginThrottle:
    """The login rate limiter."""
    throttle: LoginThrottle = request.app.state.throttle
    return throttle


WorkspaceDep = Annotated[Workspace, Depends(get_workspace)]
SessionDep = Annotated[SqlStore, Depends(get_store)]
TokensDep = Annotated[TokenIssuer, Depends(get_tokens)]
ThrottleDep = Annotated[LoginThrottle, Depends(get_throttle)]


def get_actor(store: SessionDep, tokens: TokensDep,
              credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
              ) -> Actor:
    """The authenticated actor; :class:`AuthenticationError` (401) without a valid token."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationError("log in first: send 'Authorization: Bearer <token>'",
                                  field="authorization")
    token = credentials.credentials
    if token.startswith(API_TOKEN_PREFIX):
        return authenticate_api_token(store, token)
    return tokens.verify(token)


ActorDep = Annotated[Actor, Depends(get_actor)]
