"""Every kinship case in ../shared/reference-cases reproduces the R pedsuite's answer.

Agreement: per-marker likelihoods, per-marker LRs and the total LR to 1e-9 relative
error; an expected 0 must be exactly 0 (and log10 null).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from reunite.io.kinship_case import read_cases
from reunite.services.kinship import answer_json, solve_kinship_case
from reunite.stats.mutation import MutationSpec, mutation_matrix

RTOL = 1e-9


def _close(actual: Any, expected: Any) -> bool:
    if expected is None:
        return actual is None
    if expected == 0:
        return bool(actual == 0)
    return bool(abs(actual - expected) <= RTOL * abs(expected))


def assert_matches_expected(out: dict[str, Any], expected: dict[str, Any]) -> None:
    """Compare a ``reunite lr`` result object with a case's ``expected`` block."""
    for hyp, per_marker in expected["likelihoods"].items():
        for marker, value in per_marker.items():
            got = out["likelihoods"][hyp][marker]
            assert _close(got, value), (hyp, marker, got, value)
    if isinstance(expected["total_lr"], dict):
        for den, lrs in expected["lr"].items():
            for marker, value in lrs.items():
                assert _close(out["lr"][den][marker], value), (den, marker)
        for den, value in expected["total_lr"].items():
            assert _close(out["total_lr"][den], value), den
        return
    for marker, value in expected["lr"].items():
        assert _close(out["lr"][marker], value), (marker, out["lr"][marker], value)
    assert _close(out["total_lr"], expected["total_lr"])
    if expected.get("log10_total_lr") is None:
        assert out["log10_total_lr"] is None
    else:
        assert math.isclose(out["log10_total_lr"], expected["log10_total_lr"], rel_tol=1e-9,
                            abs_tol=1e-12)


def _case_files() -> list[Path]:
    from support.shared_paths import REFERENCE_CASES_DIR

    return sorted(REFERENCE_CASES_DIR.glob("*.json"))


def test_reference_directory_has_cases(reference_cases_dir: Path) -> None:
    files = sorted(reference_cases_dir.glob("*.json"))

    assert len(files) >= 10


@pytest.mark.parametrize("path", _case_files(), ids=lambda p: p.stem)
def test_reference_case__matches_pedsuite(path: Path, reference_cases_dir: Path) -> None:
    cases, _ = read_cases(reference_cases_dir / path.name)
    for case in cases:
        assert case.expected is not None
        out = answer_json(solve_kinship_case(case, settings=None))

        assert out["id"] == case.id
        assert_matches_expected(out, dict(case.expected))


@pytest.mark.parametrize("path", _case_files(), ids=lambda p: p.stem)
def test_reference_case__model_builders_equal_given_matrices(
        path: Path, reference_cases_dir: Path) -> None:
    """Our pedmut-style builders reproduce the authoritative matrices in the files."""
    data = json.loads((reference_cases_dir / path.name).read_text())
    for case in data if isinstance(data, list) else [data]:
        for marker in case["markers"]:
            mutation = marker.get("mutation")
            if not mutation or "matrices" not in mutation:
                continue
            for sex in ("female", "male"):
                params = mutation[sex]
                spec = MutationSpec(model=params["model"], rate=params.get("rate", 0.0),
                                    rate2=params.get("rate2", 0.0),
                                    range=params.get("range", 1.0),
                                    transform=params.get("transform"))
                built = mutation_matrix(spec, marker["alleles"], marker["frequencies"])
                given = np.asarray(mutation["matrices"][sex])

                np.testing.assert_allclose(built, given, rtol=1e-9, atol=0)
