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

from reunite.io.kinship_case import KinshipCase, parse_case, read_cases
from reunite.services.kinship import answer_json, solve_kinship_case
from reunite.stats._observation import EncodedObservation
from reunite.stats.likelihood import encoded_log_likelihood
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


def _answer(case: KinshipCase) -> dict[str, Any]:
    return answer_json(solve_kinship_case(case, settings=None))


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


@pytest.mark.parametrize("path", _case_files(), ids=lambda p: p.stem)
def test_reference_case__zero_dropout_changes_nothing(path: Path,
                                                      reference_cases_dir: Path) -> None:
    """d = c = s = 0 in the case file: the same output, bit for bit (half-typed persons,
    which cannot be samples with drop-out, left out of ``dropout``)."""
    data = json.loads((reference_cases_dir / path.name).read_text())
    for raw in data if isinstance(data, list) else [data]:
        plain = _answer(parse_case(raw))
        zero = dict(raw)
        persons = [p for p, per_marker in raw["genotypes"].items()
                   if not any(g is not None and None in g for g in per_marker.values())]
        zero["dropout"] = dict.fromkeys(persons, 0.0)
        zero["dropout_homozygous"] = dict.fromkeys(persons, 0.0)
        zero["drop_in"] = 0.0
        zero["markers"] = [{**m, "silent_frequency": 0.0} for m in raw["markers"]]

        assert _answer(parse_case(zero)) == plain


@pytest.mark.parametrize("path", _case_files(), ids=lambda p: p.stem)
def test_reference_case__observation_evidence_with_zero_model(
        path: Path, reference_cases_dir: Path) -> None:
    """Every complete genotype read as an observed set through the drop-out model with
    d = d_hom = c = 0 (the evidence-matrix path of the engine): the same likelihoods as
    the genotype path to 1e-14 (which reproduces the pedsuite)."""
    cases, _ = read_cases(reference_cases_dir / path.name)
    for case in cases:
        assert case.expected is not None
        for hyp in case.hypotheses:
            ped = hyp.pedigree
            fidx = np.asarray(ped.fidx, dtype=np.intp)
            midx = np.asarray(ped.midx, dtype=np.intp)
            for marker in case.markers:
                codes = np.full((len(ped), 2), -1, dtype=np.intp)
                observations = {}
                for person, per_marker in case.genotypes.items():
                    g = per_marker.get(marker.name)
                    if g is None:
                        continue
                    if None in g:
                        codes[ped.index[person]] = marker.encode(g)
                    else:
                        observations[ped.index[person]] = EncodedObservation(
                            marker.encode_observed(g))
                genotype_codes = codes.copy()
                for k, o in observations.items():
                    genotype_codes[k] = (o.alleles[0], o.alleles[-1])
                expected = encoded_log_likelihood(fidx, midx, genotype_codes,
                                                  marker.frequencies, marker.mutation,
                                                  theta=case.theta)

                ll = encoded_log_likelihood(fidx, midx, codes, marker.frequencies,
                                            marker.mutation, theta=case.theta,
                                            observations=observations)

                if expected == -math.inf:
                    assert ll == -math.inf
                else:
                    assert math.isclose(math.exp(ll), math.exp(expected), rel_tol=1e-14), (
                        hyp.name, marker.name, ll, expected)
