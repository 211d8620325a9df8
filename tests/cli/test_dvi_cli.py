"""``reunite dvi solve`` through the console script: output, exactness flags, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REUNITE = str(Path(sys.executable).parent / "reunite")
FAMILIAS = "dvir-dvi-examples/familias"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([REUNITE, "dvi", "solve", *args], capture_output=True, text=True,
                          check=False, timeout=300)


def _problem() -> dict[str, Any]:
    return {
        "format": "reunite-dvi/1", "id": "cli",
        "markers": [{"name": "L1", "alleles": ["1", "2", "3"],
                     "frequencies": [0.2, 0.3, 0.5]}],
        "victims": [{"id": "V1", "sex": "female"}, {"id": "V2", "sex": "female"},
                    {"id": "V3", "sex": "unknown"}],
        "families": [{"id": "F1", "missing": ["M1"], "pedigree": [
            {"id": "R1", "sex": "male"}, {"id": "W1", "sex": "female"},
            {"id": "M1", "father": "R1", "mother": "W1", "sex": "female"}]}],
        "genotypes": {"V1": {"L1": ["1", "2"]}, "V2": {"L1": ["3", "3"]},
                      "V3": {"L1": ["1", "2"]}, "R1": {"L1": ["1", "1"]}},
    }


def test_solve__fam_json_matches_spec_example(shared_data: Path) -> None:
    proc = run(str(shared_data / FAMILIAS / "dvi-example.fam"), "--json", "--all")

    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["n_assignments"] == 34
    assert out["n_listed"] == 34
    assert out["complete"] is True
    assert round(out["loglik_null"], 2) == -23.27
    best = out["assignments"][0]
    assert (round(best["loglik"], 2), round(best["log10_lr"], 2),
            round(best["posterior"], 2)) == (-15.67, 3.30, 0.69)
    assert sum(a["posterior"] for a in out["assignments"]) == pytest.approx(1.0)
    # Remains V1 (1/1) and V3 (1/2) cannot be the same person: no commingling.
    assert out["commingling"]["groups"] == []


def test_solve__table_output(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(_problem()))

    proc = run(str(path), "--commingling-threshold", "5")

    assert proc.returncode == 0, proc.stderr
    assert "Assignments, most likely first" in proc.stdout
    assert "Exact: the posteriors account for every assignment." in proc.stdout
    # Direct-match LR of V1 and V3 (both 1/2): 1 / (2·0.2·0.3) = 8.3 ≥ 5.
    assert "Remains that are the same person: V1+V3" in proc.stdout


def test_solve__merge_remains(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(_problem()))

    proc = run(str(path), "--json", "--merge-remains", "--commingling-threshold", "5")

    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["commingling"]["merged"] == [["V1", "V3"]]
    assert set(out["pairwise_lr"]) == {"V1", "V2"}


def test_solve__bounded_search_reports_its_bound(shared_data: Path) -> None:
    proc = run(str(shared_data / FAMILIAS / "exclusionExample.fam"), "--json", "--top", "3")

    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["n_assignments"] > 10**15
    assert out["n_listed"] == 3
    lo, hi = out["log10_total_lr"]
    assert lo <= hi
    first = out["assignments"][0]
    assert first["posterior"] <= first["posterior_max"]
    assert 0.0 <= out["unlisted_posterior_max"] < 1.0


@pytest.mark.parametrize(("edit", "needle"), [
    (lambda d: d.update({"format": "nope"}), "field format"),
    (lambda d: d["victims"].append({"id": "V1", "sex": "female"}), "value 'V1'"),
    (lambda d: d["genotypes"]["V1"].update({"L1": ["1", "9"]}), "field genotypes.V1.L1"),
])
def test_solve__bad_input_exits_2_naming_field_and_value(tmp_path: Path, edit: Any,
                                                          needle: str) -> None:
    data = _problem()
    edit(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))

    proc = run(str(path))

    assert proc.returncode == 2
    assert str(path) in proc.stderr
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr


def test_solve__missing_file_exits_2(tmp_path: Path) -> None:
    proc = run(str(tmp_path / "absent.json"))

    assert proc.returncode == 2
    assert "absent.json" in proc.stderr
