"""``reunite lr`` through the console script: output shape, reference answers, bad input."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REUNITE = str(Path(sys.executable).parent / "reunite")


def run_lr(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([REUNITE, "lr", str(path)], capture_output=True, text=True,
                          check=False, timeout=120)


def _paternity_case() -> dict[str, Any]:
    return {
        "format": "reunite-kinship-case/1",
        "id": "pc-small",
        "theta": 0.0,
        "markers": [{"name": "M1", "chromosome": "autosomal", "alleles": ["1", "2", "3"],
                     "frequencies": [0.2, 0.3, 0.5]}],
        "genotypes": {"AF": {"M1": ["1", "2"]}, "CH": {"M1": ["1", "3"]}},
        "hypotheses": [
            {"name": "paternity", "pedigree": [
                {"id": "AF", "father": None, "mother": None, "sex": "male"},
                {"id": "MO", "father": None, "mother": None, "sex": "female"},
                {"id": "CH", "father": "AF", "mother": "MO", "sex": "female"}]},
            {"name": "unrelated", "pedigree": [
                {"id": "AF", "father": None, "mother": None, "sex": "male"},
                {"id": "CH", "father": None, "mother": None, "sex": "female"}]},
        ],
    }


def test_lr__reference_case_via_cli(reference_cases_dir: Path) -> None:
    from stats.test_reference_cases import assert_matches_expected

    path = reference_cases_dir / "trio_paternity_true_nomut.json"
    expected = json.loads(path.read_text())["expected"]

    proc = run_lr(path)

    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) >= {"id", "likelihoods", "lr", "total_lr", "log10_total_lr"}
    assert_matches_expected(out, expected)


def test_lr__paternity_closed_form(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(_paternity_case()))

    proc = run_lr(path)

    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    # Het child sharing allele 1 (p = 0.2) with a het alleged father: LR = 1/(4p).
    assert out["lr"]["M1"] == pytest.approx(1 / (4 * 0.2), rel=1e-12)
    assert out["total_lr"] == pytest.approx(1.25, rel=1e-12)


def test_lr__array_of_cases_gives_array(tmp_path: Path) -> None:
    second = _paternity_case()
    second["id"] = "pc-small-2"
    path = tmp_path / "cases.json"
    path.write_text(json.dumps([_paternity_case(), second]))

    proc = run_lr(path)

    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert [o["id"] for o in out] == ["pc-small", "pc-small-2"]


def test_lr__three_hypotheses_keyed_by_denominator(tmp_path: Path) -> None:
    case = _paternity_case()
    case["hypotheses"].append({"name": "uncle", "pedigree": [
        {"id": "GF", "father": None, "mother": None, "sex": "male"},
        {"id": "GM", "father": None, "mother": None, "sex": "female"},
        {"id": "AF", "father": "GF", "mother": "GM", "sex": "male"},
        {"id": "BR", "father": "GF", "mother": "GM", "sex": "male"},
        {"id": "MO", "father": None, "mother": None, "sex": "female"},
        {"id": "CH", "father": "BR", "mother": "MO", "sex": "female"}]})
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))

    proc = run_lr(path)

    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out["total_lr"]) == {"unrelated", "uncle"}
    assert set(out["log10_total_lr"]) == {"unrelated", "uncle"}
    assert out["total_lr"]["unrelated"] == pytest.approx(1.25, rel=1e-12)
    # Avuncular: κ1 = 1/2, so L = ½·L(PC) + ½·L(UN): LR(PC vs uncle) = 1.25 / 1.125.
    assert out["total_lr"]["uncle"] == pytest.approx(1.25 / 1.125, rel=1e-12)


def test_lr__exclusion_gives_zero_and_null_log(tmp_path: Path) -> None:
    case = _paternity_case()
    case["genotypes"]["CH"]["M1"] = ["3", "3"]
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))

    proc = run_lr(path)

    out = json.loads(proc.stdout)
    assert out["lr"]["M1"] == 0
    assert out["total_lr"] == 0
    assert out["log10_total_lr"] is None
    assert out["inconsistencies"] == [{"hypothesis": "paternity", "marker": "M1",
                                       "persons": ["AF", "CH"]}]


def _mutate(case: dict[str, Any], edit: str) -> dict[str, Any]:
    c = copy.deepcopy(case)
    m = c["markers"][0]
    if edit == "typed person missing from a hypothesis":
        c["hypotheses"][1]["pedigree"] = c["hypotheses"][1]["pedigree"][:1]
    elif edit == "allele not in the marker":
        c["genotypes"]["CH"]["M1"] = ["1", "7"]
    elif edit == "frequencies far from 1":
        m["frequencies"] = [0.2, 0.3, 0.7]
    elif edit == "negative rate":
        m["mutation"] = {"female": {"model": "equal", "rate": -0.1},
                         "male": {"model": "equal", "rate": 0.01}}
    elif edit == "unknown model":
        m["mutation"] = {"female": {"model": "telepathic", "rate": 0.1},
                         "male": {"model": "equal", "rate": 0.01}}
    elif edit == "bad sex":
        c["hypotheses"][0]["pedigree"][1]["sex"] = "F"
    elif edit == "female father":
        c["hypotheses"][0]["pedigree"][0]["sex"] = "female"
    elif edit == "drop-out above 1":
        c["dropout"] = {"CH": 1.7}
    elif edit == "null allele with drop-out":
        c["dropout"] = {"CH": 0.2}
        c["genotypes"]["CH"]["M1"] = ["1", None]
    elif edit == "silent frequency of 1":
        m["silent_frequency"] = 1
    return c


@pytest.mark.parametrize(("edit", "needle"), [
    ("typed person missing from a hypothesis", "CH"),
    ("allele not in the marker", "'7'"),
    ("frequencies far from 1", "1.2"),
    ("negative rate", "-0.1"),
    ("unknown model", "telepathic"),
    ("bad sex", "'F'"),
    ("female father", "AF"),
    ("drop-out above 1", "field dropout.CH, sample CH"),
    ("null allele with drop-out", "field genotypes.CH.M1, sample CH, marker M1"),
    ("silent frequency of 1", "field markers[0].silent_frequency"),
])
def test_lr__bad_input_exits_2_without_traceback(tmp_path: Path, edit: str,
                                                 needle: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_mutate(_paternity_case(), edit)))

    proc = run_lr(path)

    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert "pc-small" in proc.stderr
    assert needle in proc.stderr


def test_lr__not_json_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json")

    proc = run_lr(path)

    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_lr__impossible_denominator_is_null_not_infinity(tmp_path: Path) -> None:
    case = _paternity_case()
    # The child is impossible under H2 only if H2 also makes AF its father: swap roles.
    case["hypotheses"].reverse()
    case["genotypes"]["CH"]["M1"] = ["3", "3"]
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))

    proc = run_lr(path)

    assert proc.returncode == 0, proc.stderr
    assert "Infinity" not in proc.stdout
    out = json.loads(proc.stdout)
    assert out["lr"]["M1"] is None
    assert out["total_lr"] is None
    assert out["inconsistencies"][0]["hypothesis"] == "paternity"


def test_lr__renormalised_frequencies_are_reported(tmp_path: Path) -> None:
    case = _paternity_case()
    case["markers"][0]["frequencies"] = [0.2, 0.3, 0.51]
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))

    proc = run_lr(path)

    assert proc.returncode == 0, proc.stderr
    assert "renormalised" in proc.stderr
    out = json.loads(proc.stdout)
    assert "renormalised" in out["notes"][0]
    assert out["lr"]["M1"] == pytest.approx(1 / (4 * 0.2 / 1.01), rel=1e-12)


def test_lr__unseen_allele_added(tmp_path: Path) -> None:
    case = _paternity_case()
    case["markers"][0]["unseen_allele_frequency"] = 0.01
    case["genotypes"]["CH"]["M1"] = ["1", "9"]
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))

    proc = run_lr(path)

    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    # Allele 1 now has frequency 0.2 × 0.99: LR = 1 / (4 × 0.198).
    assert out["lr"]["M1"] == pytest.approx(1 / (4 * 0.198), rel=1e-12)


def test_lr__degraded_child_and_silent_allele(tmp_path: Path) -> None:
    """The CLI reads drop-out, drop-in and silent alleles (values worked by hand in
    tests/stats/test_dropout.py)."""
    case = _paternity_case()
    case["genotypes"]["CH"]["M1"] = ["1"]
    case["dropout"] = {"CH": 0.3}
    case["drop_in"] = 0.05
    silent = _paternity_case()
    silent["id"] = "pc-silent"
    silent["genotypes"] = {"AF": {"M1": ["1", "1"]}, "CH": {"M1": ["2", "2"]}}
    silent["markers"][0]["silent_frequency"] = 0.05
    path = tmp_path / "cases.json"
    path.write_text(json.dumps([case, silent]))

    proc = run_lr(path)

    assert proc.returncode == 0, proc.stderr
    degraded, explained = json.loads(proc.stdout)
    assert degraded["total_lr"] == pytest.approx(0.18906 / 0.100356, rel=1e-12)
    assert explained["total_lr"] == pytest.approx(0.05 / (0.29 * 0.385), rel=1e-12)


def test_lr__one_exclusion_gives_the_default_mutation_lr_beside_lr_0(tmp_path: Path) -> None:
    case = _paternity_case()
    case["genotypes"]["CH"]["M1"] = ["3", "3"]  # the father is 1/2: one allele mutated
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    env = {**os.environ, "REUNITE_MUTATION_MODEL": "equal", "REUNITE_MUTATION_RATE": "0.002",
           "REUNITE_MUTATION_RATE_MALE": "0.004", "REUNITE_DATA_DIR": str(tmp_path)}
    env.pop("REUNITE_CONFIG", None)

    proc = subprocess.run([REUNITE, "lr", str(path)], capture_output=True, text=True,
                          check=False, timeout=120, env=env)

    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["total_lr"] == 0
    assert "excluded (LR 0) at 1 marker: M1" in out["notes"][0]
    assert "excluded (LR 0) at 1 marker: M1" in proc.stderr
    # Equal model over 3 alleles: the father passes 3 with r_m / 2, the mother with
    # q3 = (p1 + p2) r_f / 2 + p3 (1 - r_f); LR = (r_m / 2) q3 / p3².
    p1, p2, p3, r_f, r_m = 0.2, 0.3, 0.5, 0.002, 0.004
    q3 = (p1 + p2) * r_f / 2 + p3 * (1 - r_f)
    extra = out["lr_with_default_mutation"]
    assert extra["mutation"]["male"] == {"model": "equal", "rate": r_m}
    assert extra["total_lr"] == pytest.approx((r_m / 2) * q3 / p3**2, rel=1e-12)
