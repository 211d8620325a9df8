"""The numba kernels, uncompiled: the kernel-equivalence tests again with NUMBA_DISABLE_JIT=1.

Compiled code can differ from the Python it was compiled from (integer overflow, float
order, bounds never checked), and coverage cannot see inside it. So
tests/search/test_search_kernels.py runs once more in a subprocess where numba leaves the
kernels as plain Python: they must still equal the numpy reference, and that module's
``test_numba_kernels__compiled_unless_jit_is_disabled`` proves the JIT really was off.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reunite.search._kernels import available_backends

pytestmark = pytest.mark.skipif("numba" not in available_backends(), reason="needs numba")

HERE = Path(__file__).parent


def test_kernel_equivalence__with_the_jit_disabled() -> None:
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", str(HERE / "test_search_kernels.py"), "-q",
         "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:xdist"],
        capture_output=True, text=True, check=False, timeout=600, env=env,
        cwd=HERE.parent.parent)

    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    passed = re.search(r"(\d+) passed", proc.stdout)
    assert passed is not None, proc.stdout[-2000:]
    assert int(passed[1]) >= 4
    assert "skipped" not in proc.stdout
