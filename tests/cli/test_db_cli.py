"""``reunite db``: upgrade, downgrade and current through the console script."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from reunite.storage.db import create_engine_for, with_schema
from support.cli import run_cli


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(list(args), env={**os.environ, **env})


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def cli_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {"REUNITE_DATA_DIR": str(tmp_path / "data")}
    if request.param == "sqlite":
        yield env
        return
    url: str = request.getfixturevalue("postgres_url")
    schema = f"cli_{uuid.uuid4().hex[:12]}"
    admin = create_engine_for(url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield {**env, "REUNITE_DATABASE_URL": with_schema(url, schema)}
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def test_upgrade_downgrade_upgrade(cli_env: dict[str, str]) -> None:
    steps = [("upgrade",), ("downgrade", "--revision", "base"), ("current",), ("upgrade",)]

    outputs = []
    for step in steps:
        done = run(cli_env, "db", *step)
        assert done.returncode == 0, done.stderr
        outputs.append(json.loads(done.stdout.splitlines()[-1]))

    assert [o["revision"] for o in outputs] == ["0001", None, None, "0001"]
    assert all(o["head"] == "0001" for o in outputs)


def test_default_database_is_sqlite_in_data_dir(tmp_path: Path) -> None:
    done = run({"REUNITE_DATA_DIR": str(tmp_path / "d")}, "db", "upgrade")

    assert done.returncode == 0, done.stderr
    assert (tmp_path / "d" / "reunite.sqlite3").exists()
    assert json.loads(done.stdout)["database"].endswith("/d/reunite.sqlite3")


def test_help_has_example() -> None:
    done = run({}, "db", "upgrade", "--help")

    assert done.returncode == 0
    assert "reunite db upgrade" in done.stdout
