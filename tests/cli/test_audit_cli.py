"""``reunite audit verify`` through the console script: exit 0, or 6 naming the event."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

from support.cli import run_cli


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(list(args), env={**os.environ, **env})


def test_verify_then_tamper(tmp_path: Path) -> None:
    env = {"REUNITE_DATA_DIR": str(tmp_path)}
    assert run(env, "db", "upgrade").returncode == 0
    assert run(env, "keys", "init").returncode == 0
    assert run(env, "keys", "rotate").returncode == 0  # event 1
    first = run(env, "audit", "verify")  # event 2 records the verification

    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {"ok": True, "events": 1}

    database = sqlite3.connect(tmp_path / "reunite.sqlite3")
    database.execute("DROP TRIGGER audit_event_no_update")
    database.execute("UPDATE audit_event SET actor = 'someone else' WHERE seq = 1")
    database.commit()
    database.close()
    broken = run(env, "audit", "verify")

    assert broken.returncode == 6
    assert "audit event 1 was altered" in broken.stderr
    assert "Traceback" not in broken.stderr
