"""Run ``reunite`` commands in this process: the console script's ``main``, captured by
``typer.testing.CliRunner``.

:func:`run_cli` is a drop-in for ``subprocess.run([reunite, *args], capture_output=True,
text=True, env=env)``: it returns a :class:`subprocess.CompletedProcess` with the exit code
``reunite.cli.main.main`` gives (the same error → exit-code table), stdout and stderr. It
costs no interpreter start-up (numpy, numba and SQLAlchemy are imported once per test
process), which is most of what a subprocess per command costs. ``env`` is the whole
environment the command sees, as for ``subprocess``: ``REUNITE_*`` variables it does not
name are removed for the call. The settings cache is cleared around each call, so each
command reads its own ``REUNITE_*``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping

from typer.testing import CliRunner

from reunite.cli.main import main
from reunite.config import get_settings
from support.shared_paths import REUNITE

__all__ = ["REUNITE", "run_cli"]



def run_cli(args: list[str], *, env: Mapping[str, str] | None = None,
            input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``reunite *args`` in process (see the module docstring)."""
    overrides: dict[str, str | None] = {}
    if env is not None:
        overrides = {k: None for k in os.environ if k.startswith("REUNITE_") and k not in env}
        overrides.update({k: v for k, v in env.items() if os.environ.get(k) != v})
    runner = CliRunner()
    get_settings.cache_clear()
    code = 0
    try:
        with runner.isolation(input=input, env=overrides) as (out, err, _):
            try:
                main([str(a) for a in args])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            stdout, stderr = out.getvalue(), err.getvalue()
    finally:
        get_settings.cache_clear()
    return subprocess.CompletedProcess(["reunite", *map(str, args)], code,
                                       stdout.decode("utf-8", "replace"),
                                       stderr.decode("utf-8", "replace"))
