"""Run every ``benchmarks/bench_*.py`` script and print one JSON document of their results.

Each benchmark script prints a JSON object on its last line of standard output. Run one
alone with ``.venv/bin/python benchmarks/bench_NAME.py``; ``make bench`` runs them all.
Speed is measured here, never asserted in the test suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    results: dict[str, object] = {}
    status = 0
    for script in sorted(here.glob("bench_*.py")):
        proc = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, check=False
        )
        lines = [line for line in proc.stdout.splitlines() if line.strip()]
        if proc.returncode != 0 or not lines:
            results[script.stem] = {"error": proc.stderr.strip()[-2000:]}
            status = 1
            continue
        results[script.stem] = json.loads(lines[-1])
        print(f"{script.stem}: done", file=sys.stderr)
    print(json.dumps(results, indent=2))
    return status


if __name__ == "__main__":
    raise SystemExit(main())
