"""The data-protection page: withdrawals, expungements, retention dates, audit-chain check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from reunite.errors import ReuniteError
from reunite.governance.roles import Actor
from reunite.services.oversight import oversight
from reunite.services.withdrawal import withdraw
from reunite.web.guard import actor_or_login, csrf_checked, error_page, state_of
from reunite.web.rendering import render

__all__ = ["router"]

router = APIRouter()


def _page(request: Request, actor: Actor, *, verify: bool = False,
          withdrawn: list[str] | None = None) -> Response:
    try:
        view = oversight(state_of(request).workspace.store, actor, verify=verify)
    except ReuniteError as exc:
        return error_page(request, actor, exc)
    return render(request, "protection.html", actor=actor, o=view, withdrawn=withdrawn)


@router.get("/protection", name="web_protection")
def protection_page(request: Request) -> Response:
    actor = actor_or_login(request)
    return _page(request, actor)


@router.post("/protection/verify")
def verify_chain(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    actor = actor_or_login(request)
    try:
        csrf_checked(request, csrf)
    except ReuniteError as exc:
        return error_page(request, actor, exc)
    return _page(request, actor, verify=True)


@router.post("/protection/withdraw")
def withdraw_basis(request: Request, basis_id: Annotated[str, Form()] = "",
                   reason: Annotated[str, Form()] = "",
                   csrf: Annotated[str, Form()] = "") -> Response:
    actor = actor_or_login(request)
    try:
        csrf_checked(request, csrf)
        removed = withdraw(state_of(request).workspace, actor, basis_id=basis_id,
                           reason=reason)
    except ReuniteError as exc:
        return error_page(request, actor, exc)
    return _page(request, actor, withdrawn=removed)
