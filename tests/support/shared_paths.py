"""Where ``../shared`` and the console script are; importable at collection time."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DIR = Path(os.environ.get("REUNITE_SHARED_DIR", REPO_ROOT.parent / "shared")).resolve()
DATA_DIR = SHARED_DIR / "data"
REFERENCE_CASES_DIR = SHARED_DIR / "reference-cases"
REUNITE = str(Path(sys.executable).parent / "reunite")
"""The installed console script, for the tests that must start a real process."""
