"""The console script's exit codes: typer.Exit codes and typed errors both reach the shell."""

from __future__ import annotations

import subprocess
from pathlib import Path

from support.shared_paths import REUNITE


def test_version__exits_zero() -> None:
    proc = subprocess.run([REUNITE, "--version"], capture_output=True, text=True, check=False)

    assert proc.returncode == 0
    assert proc.stdout.startswith("reunite ")


def test_unknown_command__is_a_usage_error() -> None:
    proc = subprocess.run([REUNITE, "no-such-command"], capture_output=True, text=True,
                          check=False)

    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_input_error__exits_2_without_traceback(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text("{not json", encoding="utf-8")

    proc = subprocess.run([REUNITE, "lr", str(case)], capture_output=True, text=True, check=False)

    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "case.json" in proc.stderr


def test_typer_exit_code__is_passed_through() -> None:
    import typer

    from reunite.cli.main import app, main

    @app.command("exit-with-three", hidden=True)
    def _exit_with_three() -> None:
        raise typer.Exit(3)

    try:
        main(["exit-with-three"])
    except SystemExit as exc:
        code = exc.code
    else:  # pragma: no cover - main always exits
        code = None

    assert code == 3
