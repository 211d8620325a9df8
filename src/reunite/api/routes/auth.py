"""Log in (OAuth2 password flow, rate limited), users and instrument API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from reunite.api.deps import ActorDep, SessionDep, ThrottleDep, TokensDep
from reunite.api.schemas import ApiTokenIn, ApiTokenOut, IdOut, TokenOut, UserIn
from reunite.errors import AuthenticationError
from reunite.services import auth

router = APIRouter(tags=["auth"])


@router.post("/auth/token")
def login(form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request,
          store: SessionDep, tokens: TokensDep, throttle: ThrottleDep) -> TokenOut:
    """Exchange a user name and password for a short-lived bearer token.

    At most 5 failed attempts per user name and per client address a minute (then 429).
    """
    client = request.client.host if request.client else "unknown"
    keys = (f"user:{form.username}", f"client:{client}")
    throttle.check(*keys)
    try:
        actor = auth.authenticate(store, form.username, form.password)
    except AuthenticationError:
        throttle.failed(*keys)
        raise
    throttle.succeeded(keys[0])
    issued = tokens.issue(actor)
    return TokenOut(access_token=issued.token, expires_in=issued.expires_in)


@router.post("/users", status_code=status.HTTP_201_CREATED)
def create_user(body: UserIn, actor: ActorDep, store: SessionDep) -> IdOut:
    """Create a user with roles (admin)."""
    auth.create_user(store, actor, username=body.username, password=body.password,
                     roles=body.roles)
    return IdOut(id=body.username)


@router.post("/api-tokens", status_code=status.HTTP_201_CREATED)
def create_api_token(body: ApiTokenIn, actor: ActorDep, store: SessionDep) -> ApiTokenOut:
    """Create an API token for a lab instrument (admin); the token is shown once."""
    token = auth.create_api_token(store, actor, name=body.name, roles=body.roles)
    return ApiTokenOut(name=body.name, token=token)
