"""DVI problem files: reunite-dvi/1 JSON and Familias DVI projects; the solve answer."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from reunite.errors import CaseError, FileFormatError
from reunite.io import dvi as dvi_io
from reunite.io.dvi import parse_dvi, read_dvi, solution_json
from reunite.stats.dvi import count_assignments, pairwise_lr_matrix, solve_dvi

FAMILIAS = "dvir-dvi-examples/familias"


def dvi_example_json() -> dict[str, Any]:
    """dvir's inst/extdata/dvi-example.fam written as reunite-dvi/1 by hand."""
    return {
        "format": "reunite-dvi/1",
        "id": "dvi-example",
        "theta": 0,
        "markers": [{"name": "L1", "chromosome": "autosomal", "alleles": ["1", "2", "3"],
                     "frequencies": [0.05, 0.05, 0.9]}],
        "victims": [{"id": "V1", "sex": "male"}, {"id": "V2", "sex": "male"},
                    {"id": "V3", "sex": "male"}],
        "families": [{"id": "F1", "missing": ["MP", "M2", "M3"], "pedigree": [
            {"id": "R", "father": None, "mother": None, "sex": "female"},
            {"id": "MP", "father": None, "mother": None, "sex": "male"},
            {"id": "M2", "father": "MP", "mother": "R", "sex": "male"},
            {"id": "W", "father": None, "mother": None, "sex": "female"},
            {"id": "M3", "father": "M2", "mother": "W", "sex": "male"}]}],
        "genotypes": {"V1": {"L1": ["1", "1"]}, "V2": {"L1": ["2", "2"]},
                      "V3": {"L1": ["1", "2"]}, "R": {"L1": ["1", "1"]}},
    }


class TestDVIJson:
    def test_read__spec_example(self, tmp_path: Path) -> None:
        path = tmp_path / "p.json"
        path.write_text(json.dumps(dvi_example_json()))

        problem = read_dvi(path)
        solution = solve_dvi(problem)

        # ../shared/spec/dvi-problem.md's example output: 34 assignments, null -23.27,
        # best -15.67, log10 LR 3.30, posterior 0.69, pairwise V1→M2 = 20.
        assert problem.victim_ids == ("V1", "V2", "V3")
        assert solution.n_assignments == 34
        assert solution.loglik_null == pytest.approx(-23.27271100787198, rel=1e-12)
        assert solution.best.mapping == {"V1": "M3", "V2": "MP", "V3": "M2"}
        assert solution.best.loglik == pytest.approx(-15.671808548329897, rel=1e-12)
        assert solution.best.log10_lr == pytest.approx(math.log10(2000), rel=1e-12)
        assert solution.best.posterior == pytest.approx(0.6895362868470951, rel=1e-12)
        assert solution.pairwise.get("V1", "M2") == pytest.approx(20.0, rel=1e-12)

    def test_read__collects_every_problem(self) -> None:
        data = dvi_example_json()
        data["format"] = "reunite-dvi/0"
        data["victims"][1]["sex"] = "robot"
        data["markers"][0]["frequencies"] = [0.5, 0.5, 0.5]
        data["genotypes"]["V3"] = {"L9": ["1", "2"]}
        data["families"][0]["pedigree"][2]["father"] = "NOBODY"

        with pytest.raises(CaseError) as info:
            parse_dvi(data, source="p.json")

        fields = {p.field for p in info.value.problems}
        assert {"format", "victims[1].sex", "markers[0].frequencies", "genotypes.V3.L9",
                "families[0].pedigree.father"} <= fields
        assert all(p.source == "p.json" for p in info.value.problems)

    @pytest.mark.parametrize(("edit", "field", "value"), [
        (lambda d: d["genotypes"].update({"MP": {"L1": ["1", "1"]}}),
         "families[0].missing", "MP"),
        (lambda d: d["victims"].append({"id": "R", "sex": "female"}), "families[0].pedigree",
         "R"),
        (lambda d: d.update({"theta": 0.01}), "theta", 0.01),
        (lambda d: d["genotypes"].update({"V1": {"L1": ["1", "7"]}}), "genotypes.V1.L1",
         "7"),
        (lambda d: d["families"][0].update({"missing": ["MP", "ZZ"]}),
         "families[0].missing", "ZZ"),
    ])
    def test_read__problem_names_field_and_value(self, edit: Any, field: str, value: Any
                                                 ) -> None:
        data = copy.deepcopy(dvi_example_json())
        edit(data)

        with pytest.raises(CaseError) as info:
            parse_dvi(data, source="p.json")

        assert any(p.field == field and p.value == value for p in info.value.problems), \
            info.value.problems

    def test_read__not_json_names_line(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.json"
        path.write_text('{"format": "reunite-dvi/1",\n "victims": [,]}')

        with pytest.raises(FileFormatError) as info:
            read_dvi(path)
        assert info.value.line == 2
        assert info.value.source == str(path)

    def test_read__size_bounded_before_reading(self, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
        path = tmp_path / "big.json"
        path.write_text(json.dumps(dvi_example_json()))
        monkeypatch.setattr(dvi_io, "MAX_BYTES", 100)

        with pytest.raises(FileFormatError, match="at most 100"):
            read_dvi(path)

    @pytest.mark.parametrize("payload", [b"[1, 2]", b"\xff\xfe\x00garbage"])
    def test_read__not_an_object(self, payload: bytes) -> None:
        with pytest.raises((CaseError, FileFormatError)):
            read_dvi(payload, name="x")


class TestDVIFamilias:
    def test_read__dvi_example_like_familias2dvir(self, shared_data: Path) -> None:
        problem = read_dvi(shared_data / FAMILIAS / "dvi-example.fam")
        family = problem.families[0]
        ped = family.pedigree

        # "Missing male 1" is not joined to the reference: dropped, as dvir does.
        assert problem.victim_ids == ("V1", "V2", "V3")
        assert [v.sex for v in problem.victims] == ["male"] * 3
        assert set(family.missing) == {"Reference family 1/Missing person",
                                       "Reference family 1/Missing male 2",
                                       "Reference family 1/Missing male 3"}
        assert "Reference family 1/Missing male 1" not in ped
        # A child with one parent gets a founder for the other (here his mother).
        m3 = ped.person("Reference family 1/Missing male 3")
        assert m3.father == "Reference family 1/Missing male 2"
        assert ped.person(m3.mother or "").sex == "female"
        assert ped.person("Reference family 1/Missing person").sex == "male"
        assert problem.markers[0].frequencies.tolist() == [0.05, 0.05, 0.9]

    def test_read__json_and_fam_give_the_same_answer(self, shared_data: Path) -> None:
        fam = solve_dvi(read_dvi(shared_data / FAMILIAS / "dvi-example.fam"),
                        enumerate_all=True)
        js = solve_dvi(parse_dvi(dvi_example_json()), enumerate_all=True)

        assert [a.loglik for a in fam.assignments] == pytest.approx(
            [a.loglik for a in js.assignments], rel=1e-12)

    def test_read__planecrash_solution_file(self, shared_data: Path) -> None:
        problem = read_dvi(shared_data / FAMILIAS / "Solution3_3.fam")

        assert len(problem.victims) == 8
        assert [v.sex for v in problem.victims].count("female") == 2
        assert [f.id for f in problem.families] == [f"Family {i}" for i in range(1, 6)]
        assert len(problem.markers) == 15
        assert "Penta D" in {m.name for m in problem.markers}  # canonical, as the profiles
        assert all(m.mutation is not None for m in problem.markers)
        # Family 4's missing person is the mother of the typed son (pedFamilias' rule).
        f4 = problem.families[3]
        assert f4.pedigree.person("Family 4/Son").mother == "Family 4/Missing person"
        assert f4.pedigree.person("Family 4/Missing person").sex == "female"
        # dvir's planecrash.R makes all victims female; as written, 6 are male.
        assert count_assignments(problem) == 7315

    def test_read__parent_sex_decided_over_all_children(self, shared_data: Path) -> None:
        problem = read_dvi(shared_data / FAMILIAS / "exclusionExample.fam")
        fam = next(f for f in problem.families if f.id == "0768")

        assert fam.pedigree.person("0768/Missing person").sex == "male"
        assert fam.pedigree.person("0768/GMI-221931 [Son]").father == "0768/Missing person"
        assert len(problem.victims) == 16
        assert len(problem.families) == 15

    def test_read__mutation_models_from_the_database(self, shared_data: Path) -> None:
        problem = read_dvi(shared_data / FAMILIAS / "KETPex497.fam")
        marker = problem.markers[0]

        assert marker.mutation is not None
        np.testing.assert_allclose(np.diag(marker.mutation.female), 1 - 0.001)
        assert len(problem.families) == 3
        assert pairwise_lr_matrix(problem).values.shape == (3, 3)

    def test_read__fam_without_dvi_section(self, shared_data: Path) -> None:
        with pytest.raises(CaseError, match="no DVI unidentified persons"):
            read_dvi(shared_data / FAMILIAS / "Ch4-table-4-4.fam")


class TestSolutionJson:
    def test_solution_json__spec_fields_and_strict_json(self) -> None:
        solution = solve_dvi(parse_dvi(dvi_example_json()))

        out = solution_json(solution, commingling={"groups": []})
        text = json.dumps(out, allow_nan=False)

        assert set(out) >= {"n_assignments", "loglik_null", "pairwise_lr", "assignments",
                            "complete", "unlisted_posterior_max", "posterior_pairing",
                            "glr", "undisputed", "identifications", "commingling"}
        assert out["assignments"][0]["assignment"] == {"V1": "M3", "V2": "MP", "V3": "M2"}
        assert out["pairwise_lr"]["V2"]["M2"] == 0.0
        assert json.loads(text)["n_listed"] == 10
        assert out["complete"] is True
        lo, hi = out["posterior_pairing"]["V1"]["M3"]
        assert lo == pytest.approx(hi, rel=1e-12)
