"""Where ``../shared`` is; importable by tests that need the paths at collection time."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("REUNITE_SHARED_DIR", REPO_ROOT.parent / "shared")).resolve()
DATA_DIR = SHARED_DIR / "data"
REFERENCE_CASES_DIR = SHARED_DIR / "reference-cases"
