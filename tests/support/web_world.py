"""An in-process app over a fresh installation, and logged-in TestClients (web tests)."""

from __future__ import annotations

import re
import warnings

from fastapi import FastAPI

from reunite.services.workspace import Workspace
from reunite.web import mount_web
from support.web_setup import PASSWORD

with warnings.catch_warnings():
    # starlette's TestClient warns about its httpx transport on import; not our concern.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class World:
    """The app, its workspace and the remains' person id."""

    def __init__(self, workspace: Workspace, remains_id: str) -> None:
        self.workspace = workspace
        self.remains_id = remains_id
        self.app = FastAPI()
        mount_web(self.app, workspace=workspace)

    def client(self, user: str | None = None) -> TestClient:
        client = TestClient(self.app)
        if user is not None:
            page = client.get("/ui/login")
            token = CSRF.search(page.text)
            assert token is not None
            r = client.post("/ui/login", data={"username": user, "password": PASSWORD,
                                               "csrf": token.group(1)},
                            follow_redirects=False)
            assert r.status_code == 303, r.text
        return client


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)
