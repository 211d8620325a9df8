"""A running reunite server for API tests: a fresh data directory and uvicorn in a subprocess.

The frequency table is a small SYNTHETIC one over 12 CODIS loci (8 alleles each), so the
tests need no shared data and the family tables build fast.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from reunite.config import load_settings
from reunite.genetics.frequencies import FrequencyTable
from reunite.services import auth
from reunite.services.workspace import prepare_data_dir
from support.live_server import served

MARKERS = ("CSF1PO", "D3S1358", "D5S818", "D7S820", "D8S1179", "D13S317", "D16S539",
           "D18S51", "D21S11", "FGA", "TH01", "vWA")
ADMIN_PASSWORD = "admin-password-1"
PASSWORD = "a-long-password"


def synthetic_table() -> FrequencyTable:
    weights = (0.30, 0.20, 0.15, 0.10, 0.08, 0.07, 0.06, 0.04)
    return FrequencyTable("SYNTHETIC api-test table",
                          {m: {str(10 + i): w for i, w in enumerate(weights)} for m in MARKERS},
                          dict.fromkeys(MARKERS, 500.0))


@dataclass
class Server:
    url: str
    data_dir: Path
    log_path: Path
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, user: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"} if user else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60.0)

    def login(self, user: str, password: str = PASSWORD) -> str:
        with self.client() as c:
            r = c.post("/auth/token", data={"username": user, "password": password})
        assert r.status_code == 200, r.text
        self.tokens[user] = r.json()["access_token"]
        return self.tokens[user]

    def call(self, user: str | None, method: str, path: str, **kwargs: Any) -> httpx.Response:
        with self.client(user) as c:
            return c.request(method, path, **kwargs)

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextmanager
def running_server(tmp: Path, *, database_url: str | None = None, login_limit: int = 5,
                   environment: Mapping[str, str] | None = None) -> Iterator[Server]:
    """A server over a fresh data directory; ``environment`` adds ``REUNITE_*`` settings."""
    data_dir = tmp / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("REUNITE_")}
    env["REUNITE_DATA_DIR"] = str(data_dir)
    env.update(environment or {})
    if database_url:
        env["REUNITE_DATABASE_URL"] = database_url
    settings = load_settings(env)
    store, _, _ = prepare_data_dir(settings, frequencies=synthetic_table())
    auth.create_first_admin(store, username="admin", password=ADMIN_PASSWORD)
    store.engine.dispose()
    log_path = tmp / "server.log"
    with served(env, log_path, ready_path="/health",
                extra_args=("--log-level", "debug", "--login-limit", str(login_limit))) as url:
        server = Server(url, data_dir, log_path)
        server.login("admin", ADMIN_PASSWORD)
        yield server
