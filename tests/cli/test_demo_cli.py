"""``reunite demo``: real NIST 1036 rarity table, or a labelled synthetic fallback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REUNITE = str(Path(sys.executable).parent / "reunite")


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "COLUMNS": "160", **(env or {})}
    return subprocess.run([REUNITE, *args], capture_output=True, text=True, check=False,
                          timeout=120, env=environment)


def test_demo__real_nist_profiles(shared_data: Path) -> None:
    run = _run("demo", env={"REUNITE_SHARED_DIR": str(shared_data.parent)})

    assert run.returncode == 0, run.stderr
    assert "real NIST 1036 profiles" in run.stdout
    assert "GT37019" in run.stdout  # the first AfAm person in the genotype file
    assert "NIST 1036 All" in run.stdout
    assert "θ=0.01" in run.stdout
    assert "SYNTHETIC" not in run.stdout


def test_demo__without_shared_data_uses_labelled_synthetic_table(tmp_path: Path) -> None:
    run = _run("demo", "--shared-dir", str(tmp_path))

    assert run.returncode == 0, run.stderr
    assert "not found" in run.stdout
    assert "SYNTHETIC" in run.stdout
    assert "SYNTH-1" in run.stdout
    assert "real NIST" not in run.stdout


def test_demo__help_has_an_example() -> None:
    run = _run("demo", "--help")

    assert run.returncode == 0
    assert "reunite demo" in run.stdout
