"""``reunite calibrate`` (in process, as the console script runs it): keys, values,
defaults, bad input.

The values are checked against an enumeration that uses only the exact LR engine: every
genotype combination of the POI, its LR computed by ``kinship_lr`` on the case's own two
hypotheses, weighted by Hardy–Weinberg (H2) and by ``P(refs, g | H1) / P(refs | H1)``
(H1). The case's H2 lists the sister as a singleton under a non-stationary mutation model,
so its LR differs slightly from the genotype table's ratio (her untyped parents are gone);
the CLI must calibrate the case's own LR.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from reunite.genetics.hypotheses import Hypothesis
from reunite.genetics.pedigree import Pedigree, Person
from reunite.stats.likelihood import KinshipMarker, pedigree_likelihood
from reunite.stats.lr import kinship_lr
from reunite.stats.mutation import MutationModel, MutationSpec, mutation_matrix
from support.cli import run_cli

CASE: dict[str, Any] = {
    "format": "reunite-kinship-case/1",
    "id": "sib-1",
    "markers": [
        {"name": "M1", "alleles": ["10", "11", "12", "13"],
         "frequencies": [0.1, 0.2, 0.3, 0.4]},
        {"name": "M2", "alleles": ["7", "8", "9"], "frequencies": [0.5, 0.3, 0.2],
         "mutation": {"model": "equal", "rate": 0.002}},
        {"name": "M3", "alleles": ["5", "6", "7"], "frequencies": [0.25, 0.25, 0.5]},
    ],
    "genotypes": {"SIB": {"M1": ["10", "11"], "M2": ["7", "9"], "M3": ["5", "5"]},
                  "POI": {"M1": ["10", "12"], "M2": ["9", "9"], "M3": ["5", "7"]}},
    "hypotheses": [
        {"name": "POI is the missing brother", "pedigree": [
            {"id": "FA", "father": None, "mother": None, "sex": "male"},
            {"id": "MO", "father": None, "mother": None, "sex": "female"},
            {"id": "SIB", "father": "FA", "mother": "MO", "sex": "female"},
            {"id": "POI", "father": "FA", "mother": "MO", "sex": "male"}]},
        {"name": "POI unrelated", "pedigree": [
            {"id": "SIB", "father": None, "mother": None, "sex": "female"},
            {"id": "POI", "father": None, "mother": None, "sex": "male"}]},
    ],
}
REF = "SIB"


def run(path: Path, *args: str, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return run_cli(["calibrate", str(path), *args], env={**os.environ, **(env or {})})


def write(tmp_path: Path, case: dict[str, Any], name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(case))
    return path


def _enumerate(case: dict[str, Any], threshold: float, observed: float
               ) -> dict[str, float]:
    markers = []
    for spec in case["markers"]:
        p = spec["frequencies"]
        model = None
        if "mutation" in spec:
            mat = mutation_matrix(MutationSpec("equal", rate=spec["mutation"]["rate"]),
                                  spec["alleles"], p)
            model = MutationModel(female=mat, male=mat)
        markers.append(KinshipMarker(spec["name"], tuple(spec["alleles"]), p, model))
    hyps = [Hypothesis(h["name"], Pedigree(tuple(
        Person(q["id"], q["father"], q["mother"], q.get("sex", "unknown"))
        for q in h["pedigree"]))) for h in case["hypotheses"]]
    refs = {REF: {m: tuple(g) for m, g in case["genotypes"][REF].items()}}
    per_marker = []
    for marker in markers:
        base = pedigree_likelihood(hyps[0].pedigree, {REF: refs[REF][marker.name]}, marker)
        options = []
        alleles = marker.alleles
        for i, j in itertools.combinations_with_replacement(range(len(alleles)), 2):
            g = (alleles[i], alleles[j])
            pi, pj = marker.frequencies[i], marker.frequencies[j]
            hw = pi * pi if i == j else 2 * pi * pj
            h1 = pedigree_likelihood(hyps[0].pedigree, {REF: refs[REF][marker.name],
                                                        "POI": g}, marker) / base
            options.append((g, hw, h1))
        per_marker.append(options)
    out = {"tail": 0.0, "power": 0.0, "excluded": 0.0, "observed_tail": 0.0}
    for combo in itertools.product(*per_marker):
        genotypes = {REF: refs[REF],
                     "POI": {m.name: c[0] for m, c in zip(markers, combo, strict=True)}}
        lr = kinship_lr(hyps, markers, genotypes).total_lr()
        p2 = math.prod(c[1] for c in combo)
        p1 = math.prod(c[2] for c in combo)
        if lr == 0:
            out["excluded"] += p2
        if lr >= threshold * (1 - 1e-9):
            out["tail"] += p2
            out["power"] += p1
        if lr >= observed * (1 - 1e-9):
            out["observed_tail"] += p2
    return out


class TestCalibrateExamples:
    def test_json_equals_enumeration_with_the_case_lr(self, tmp_path: Path) -> None:
        path = write(tmp_path, CASE)

        proc = run(path, "--poi", "POI", "--threshold", "5", "--database-size", "1000",
                   "--json")

        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        expected = _enumerate(CASE, 5.0, out["observed_lr"])
        assert math.isclose(out["exclusion_power"], expected["excluded"], rel_tol=1e-9)
        assert math.isclose(out["tail_probability"], expected["tail"], rel_tol=1e-9)
        assert math.isclose(out["power"], expected["power"], rel_tol=1e-9)
        assert math.isclose(out["expected_chance_matches"], 1000 * expected["tail"],
                            rel_tol=1e-9)
        assert math.isclose(out["observed_tail_probability"], expected["observed_tail"],
                            rel_tol=1e-9)
        assert set(out["exclusion_power_per_marker"]) == {"M1", "M2", "M3"}
        assert out["exclusion_power_per_marker"]["M2"] == 0.0   # siblings: no exclusion
        assert out["method"]["tail_probability"]["name"] == "exact"
        assert out["provenance"]["command"] == "calibrate"
        assert any("calibrated on the case's LR" in n for n in out["notes"])

    def test_observed_lr_is_the_case_lr(self, tmp_path: Path) -> None:
        path = write(tmp_path, CASE)
        expected = json.loads(run_cli(["lr", str(path)]).stdout)["total_lr"]

        out = json.loads(run(path, "--poi", "POI", "--json").stdout)

        assert math.isclose(out["observed_lr"], expected, rel_tol=1e-12)

    def test_reference_case_computed_with_the_pedsuite(
            self, reference_cases_dir: Path) -> None:
        path = reference_cases_dir / "mp_grandchild_grandmother_poi_true.json"
        expected = json.loads(path.read_text())["expected"]["total_lr"]

        proc = run(path, "--poi", "POI", "--json")

        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        assert math.isclose(out["observed_lr"], expected, rel_tol=1e-9)
        assert 0 < out["observed_tail_probability"] <= 1 / expected
        assert out["tail_probability"] <= 1e-4
        assert out["method"]["tail_probability"]["relative_error"] <= 1e-3

    def test_untyped_poi_has_no_observed_keys(self, tmp_path: Path) -> None:
        case = copy.deepcopy(CASE)
        del case["genotypes"]["POI"]

        out = json.loads(run(write(tmp_path, case), "--poi", "POI", "--json").stdout)

        assert "observed_lr" not in out
        assert "observed_tail_probability" not in out

    def test_degraded_poi_is_calibrated_over_its_observed_sets(self, tmp_path: Path) -> None:
        case = copy.deepcopy(CASE)
        case["dropout"] = {"POI": 0.3}
        case["genotypes"]["POI"] = {"M1": ["10"], "M2": ["9", "9"], "M3": []}
        path = write(tmp_path, case)
        lr = json.loads(run_cli(["lr", str(path)]).stdout)

        proc = run(path, "--poi", "POI", "--threshold", "5", "--json")

        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        assert math.isclose(out["observed_lr"], lr["total_lr"], rel_tol=1e-12)
        assert 0 < out["observed_tail_probability"] <= 1 / out["observed_lr"] * (1 + 1e-9)
        assert out["provenance"]["parameters"]["dropout"]["POI"][0] == 0.3

    def test_defaults_come_from_the_settings(self, tmp_path: Path) -> None:
        path = write(tmp_path, CASE)

        proc = run(path, "--poi", "POI", "--json",
                   env={"REUNITE_LR_THRESHOLD": "20", "REUNITE_DATABASE_SIZE": "5000"})

        out = json.loads(proc.stdout)
        assert out["threshold"] == 20.0
        assert out["database_size"] == 5000.0

    def test_human_output_has_the_table_and_the_assessment(self, tmp_path: Path) -> None:
        proc = run(write(tmp_path, CASE), "--poi", "POI", "--threshold", "5",
                   "--database-size", "1000")

        assert proc.returncode == 0, proc.stderr
        assert "exclusion power" in proc.stdout
        assert "this pedigree identifies its missing person with probability" in proc.stdout
        assert "expected chance matches in 1,000 profiles" in proc.stdout


class TestCalibrateErrors:
    def _fails(self, proc: subprocess.CompletedProcess[str], *words: str) -> None:
        assert proc.returncode == 2
        assert "Traceback" not in proc.stderr
        for word in words:
            assert word in proc.stderr

    def test_poi_not_in_the_case(self, tmp_path: Path) -> None:
        self._fails(run(write(tmp_path, CASE), "--poi", "XX"), "case.json",
                    "hypotheses[0].pedigree", "'XX'")

    def test_poi_related_under_h2(self, tmp_path: Path) -> None:
        case = copy.deepcopy(CASE)
        case["hypotheses"][1] = case["hypotheses"][0] | {"name": "other"}

        self._fails(run(write(tmp_path, case), "--poi", "POI"), "hypotheses[1].pedigree",
                    "unrelated")

    def test_three_hypotheses(self, tmp_path: Path) -> None:
        case = copy.deepcopy(CASE)
        case["hypotheses"].append(case["hypotheses"][1] | {"name": "third"})

        self._fails(run(write(tmp_path, case), "--poi", "POI"), "field hypotheses",
                    "exactly two")

    @pytest.mark.parametrize(("option", "value"), [("--threshold", "0"),
                                                   ("--database-size", "-5")])
    def test_bad_numbers(self, tmp_path: Path, option: str, value: str) -> None:
        self._fails(run(write(tmp_path, CASE), "--poi", "POI", option, value),
                    option.lstrip("-"), value)

    def test_missing_poi_option(self, tmp_path: Path) -> None:
        proc = run(write(tmp_path, CASE))

        assert proc.returncode == 2
        assert "--poi" in proc.stderr

    def test_not_json(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.json"
        path.write_text("{not json")

        self._fails(run(path, "--poi", "POI"), "bad.json", "line 1")

    def test_invalid_case_names_field_and_value(self, tmp_path: Path) -> None:
        case = copy.deepcopy(CASE)
        case["markers"][0]["frequencies"] = [0.5, 0.5, 0.5, 0.5]

        self._fails(run(write(tmp_path, case), "--poi", "POI"), "markers[0].frequencies",
                    "2.0")
