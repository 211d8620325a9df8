"""``reunite keys init|rotate`` through the console script."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from reunite.storage.crypto import MasterKey
from support.cli import run_cli


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("REUNITE_MASTER")}
    return run_cli(list(args), env={**clean, **env})


def test_init_then_rotate_key_file(tmp_path: Path) -> None:
    env = {"REUNITE_DATA_DIR": str(tmp_path)}
    assert run(env, "db", "upgrade").returncode == 0

    init = run(env, "keys", "init")
    again = run(env, "keys", "init")
    first = MasterKey.from_text((tmp_path / "master.key").read_text())
    rotated = run(env, "keys", "rotate")

    assert init.returncode == 0
    assert json.loads(init.stdout)["key_id"] == first.key_id
    assert again.returncode == 5
    assert "exists" in again.stderr
    assert rotated.returncode == 0, rotated.stderr
    report = json.loads(rotated.stdout)
    second = MasterKey.from_text((tmp_path / "master.key").read_text())
    assert report["old_key_id"] == first.key_id
    assert report["new_key_id"] == second.key_id != first.key_id


def test_rotate_with_environment_key_needs_new_key_file(tmp_path: Path) -> None:
    key = MasterKey.generate()
    env = {"REUNITE_DATA_DIR": str(tmp_path), "REUNITE_MASTER_KEY": key.to_text()}
    assert run(env, "db", "upgrade").returncode == 0

    refused = run(env, "keys", "rotate")
    done = run(env, "keys", "rotate", "--new-key-file", str(tmp_path / "next.key"))

    assert refused.returncode == 5
    assert "--new-key-file" in refused.stderr
    assert done.returncode == 0, done.stderr
    assert MasterKey.from_text((tmp_path / "next.key").read_text()).key_id == json.loads(
        done.stdout)["new_key_id"]


def test_rotate_without_key_is_configuration_error(tmp_path: Path) -> None:
    done = run({"REUNITE_DATA_DIR": str(tmp_path)}, "keys", "rotate")

    assert done.returncode == 7
    assert "no master key" in done.stderr
    assert "Traceback" not in done.stderr
