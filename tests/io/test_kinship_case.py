"""Reading and validating kinship case JSON."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from reunite.errors import CaseError
from reunite.genetics.observation import DropoutModel
from reunite.io.kinship_case import KinshipCase, parse_case, read_cases
from reunite.stats.lr import LRResult, kinship_lr


def _case() -> dict[str, Any]:
    return {
        "format": "reunite-kinship-case/1",
        "id": "c1",
        "markers": [{"name": "M1", "alleles": ["10", "11", "12"],
                     "frequencies": [0.2, 0.3, 0.5]}],
        "genotypes": {"A": {"M1": ["10", "11"]}, "B": {"M1": ["10", None]}},
        "hypotheses": [
            {"name": "H1", "pedigree": [
                {"id": "A", "father": None, "mother": None, "sex": "male"},
                {"id": "M", "father": None, "mother": None, "sex": "female"},
                {"id": "B", "father": "A", "mother": "M", "sex": "male"}]},
            {"name": "H2", "pedigree": [
                {"id": "A", "father": None, "mother": None, "sex": "male"},
                {"id": "B", "father": None, "mother": None, "sex": "male"}]},
        ],
    }


class TestKinshipCaseExamples:
    def test_parse__half_typed_genotype(self) -> None:
        case = parse_case(_case())

        assert case.genotypes["B"]["M1"] == ("10", None)
        assert case.theta == 0.0
        assert case.markers[0].mutation is None

    def test_parse__frequencies_within_1e6_used_as_given(self) -> None:
        data = _case()
        data["markers"][0]["frequencies"] = [0.2, 0.3, 0.5 + 4e-7]

        case = parse_case(data)

        assert case.markers[0].frequencies[2] == 0.5 + 4e-7
        assert case.notes == ()

    def test_parse__frequencies_off_by_more_are_renormalised_with_a_note(self) -> None:
        data = _case()
        data["markers"][0]["frequencies"] = [0.2, 0.3, 0.51]

        case = parse_case(data)

        np.testing.assert_allclose(case.markers[0].frequencies, np.array([0.2, 0.3, 0.51]) / 1.01)
        assert "renormalised" in case.notes[0]

    def test_parse__unseen_allele_added_and_others_scaled(self) -> None:
        data = _case()
        data["markers"][0]["unseen_allele_frequency"] = 0.01
        data["genotypes"]["A"]["M1"] = ["10", "13"]

        case = parse_case(data)

        marker = case.markers[0]
        assert marker.alleles == ("10", "11", "12", "13")
        np.testing.assert_allclose(marker.frequencies, [0.198, 0.297, 0.495, 0.01])

    def test_parse__matrices_are_authoritative(self) -> None:
        data = _case()
        mat = [[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.0, 0.0, 1.0]]
        data["markers"][0]["mutation"] = {
            "female": {"model": "equal", "rate": 0.01}, "male": {"model": "equal", "rate": 0.01},
            "matrices": {"female": mat, "male": mat}}

        case = parse_case(data)

        mutation = case.markers[0].mutation
        assert mutation is not None
        np.testing.assert_array_equal(mutation.male, np.array(mat))

    def test_parse__single_model_applies_to_both_sexes(self) -> None:
        data = _case()
        data["markers"][0]["mutation"] = {"model": "equal", "rate": 0.02}

        mutation = parse_case(data).markers[0].mutation

        assert mutation is not None
        assert mutation.female[0, 1] == pytest.approx(0.01)
        assert mutation.male[0, 0] == pytest.approx(0.98)

    def test_read__array(self, tmp_path: Path) -> None:
        path = tmp_path / "c.json"
        path.write_text(json.dumps([_case(), _case()]))

        cases, is_array = read_cases(path)

        assert is_array
        assert len(cases) == 2
        first = cases[0]
        assert kinship_lr(first.hypotheses, first.markers, first.genotypes).total_lr() > 0


class TestKinshipCaseErrors:
    @pytest.mark.parametrize(("path", "value", "field"), [
        (("markers", 0, "frequencies"), [0.2, 0.3, 0.9], "frequencies"),
        (("markers", 0, "mutation"), {"model": "nope", "rate": 0.1}, "model"),
        (("markers", 0, "mutation"), {"model": "equal", "rate": -0.5}, "rate"),
        (("theta",), 2.0, "theta"),
    ])
    def test_parse__bad_values_name_case_field_value(self, path: tuple[Any, ...], value: Any,
                                                      field: str) -> None:
        data = copy.deepcopy(_case())
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

        with pytest.raises(CaseError) as info:
            parse_case(data)

        assert info.value.case == "c1"
        assert any(field in (p.field or "") for p in info.value.problems)

    def test_parse__allele_not_in_marker(self) -> None:
        data = _case()
        data["genotypes"]["A"]["M1"] = ["10", "99"]

        with pytest.raises(CaseError) as info:
            parse_case(data)

        problem = info.value.problems[0]
        assert problem.value == "99"
        assert problem.marker == "M1"

    def test_parse__typed_person_missing_from_hypothesis(self) -> None:
        data = _case()
        data["hypotheses"][1]["pedigree"].pop()

        with pytest.raises(CaseError) as info:
            parse_case(data)

        assert any(p.value == "B" for p in info.value.problems)

    def test_parse__collects_several_problems(self) -> None:
        data = _case()
        data["theta"] = -1
        data["hypotheses"][0]["pedigree"][1]["sex"] = "x"

        with pytest.raises(CaseError) as info:
            parse_case(data)

        assert len(info.value.problems) >= 2


def solve_case(case: KinshipCase) -> LRResult:
    """The case's LRs as the file states them (drop-out included)."""
    return kinship_lr(case.hypotheses, case.markers, case.genotypes, theta=case.theta,
                      dropout=case.dropout)


def _dropout_case() -> dict[str, Any]:
    """Heterozygous A (10/11) and his child B seen as 10 with drop-out (alleles 10/11/12,
    p = 0.2/0.3/0.5): the hand-worked case of tests/stats/test_dropout.py."""
    data = _case()
    data["genotypes"] = {"A": {"M1": ["10", "11"]}, "B": {"M1": ["10"]}}
    data["dropout"] = {"B": 0.3}
    return data


class TestKinshipCaseDropout:
    def test_parse__dropout_drop_in_and_silent_frequency(self) -> None:
        data = _dropout_case()
        data["dropout_homozygous"] = {"B": 0.1}
        data["drop_in"] = 0.05
        data["markers"][0]["silent_frequency"] = 0.02

        case = parse_case(data)

        assert case.dropout == {"B": DropoutModel(0.3, 0.1, 0.05)}
        assert case.markers[0].silent_frequency == 0.02
        assert case.genotypes["B"]["M1"] == ("10",)
        assert case.genotypes["A"]["M1"] == ("10", "11")

    def test_solve__hand_worked_lr(self) -> None:
        # ½[0.2·0.91 + 0.8·0.21] + ½[0.2·0.21] over 0.2²·0.91 + 2·0.2·0.8·0.21.
        case = parse_case(_dropout_case())

        assert math.isclose(solve_case(case).total_lr(), 0.196 / 0.1036, rel_tol=1e-12)

    def test_parse__observed_sets_of_a_person_with_dropout(self) -> None:
        data = _dropout_case()
        data["drop_in"] = 0.01
        for seen, expected in (([], ()), (["10", "10"], ("10", "10")),
                               (["10", "11", "12"], ("10", "11", "12"))):
            data["genotypes"]["B"]["M1"] = seen

            assert parse_case(data).genotypes["B"]["M1"] == expected

    def test_parse__one_allele_at_a_silent_marker_without_dropout(self) -> None:
        data = _case()
        data["markers"][0]["silent_frequency"] = 0.05
        data["genotypes"]["A"]["M1"] = ["10"]

        case = parse_case(data)

        assert case.genotypes["A"]["M1"] == ("10",)
        assert solve_case(case).total_lr() > 0

    @pytest.mark.parametrize(("edit", "field", "sample"), [
        ({"dropout": {"B": 1.5}}, "dropout.B", "B"),
        ({"dropout": {"B": "high"}}, "dropout.B", "B"),
        ({"dropout": {"Z": 0.2}}, "dropout.Z", "Z"),
        ({"dropout": [0.2]}, "dropout", None),
        ({"dropout_homozygous": {"B": -0.1}}, "dropout_homozygous.B", "B"),
        ({"dropout_homozygous": {"A": 0.1}}, "dropout_homozygous.A", "A"),
        ({"drop_in": 1.0}, "drop_in", None),
        ({"dropout": {}, "drop_in": 0.1}, "drop_in", None),
        ({"genotypes": {"A": {"M1": ["10", "11"]}, "B": {"M1": ["10", None]}}},
         "genotypes.B.M1", "B"),
        ({"genotypes": {"A": {"M1": ["10", "11"]}, "B": {"M1": ["10", "11", "12"]}}},
         "genotypes.B.M1", "B"),
        ({"genotypes": {"A": {"M1": ["10"]}, "B": {"M1": ["10"]}}}, "genotypes.A.M1", "A"),
    ])
    def test_parse__bad_dropout_values_name_field_person_value(
            self, edit: dict[str, Any], field: str, sample: str | None) -> None:
        data = _dropout_case()
        data.update(edit)

        with pytest.raises(CaseError) as info:
            parse_case(data, source="case.json")

        problem = next(p for p in info.value.problems if p.field == field)
        assert problem.sample == sample
        assert problem.source == "case.json"
        assert info.value.case == "c1"

    def test_parse__bad_silent_frequency(self) -> None:
        data = _dropout_case()
        data["markers"][0]["silent_frequency"] = 1.0

        with pytest.raises(CaseError) as info:
            parse_case(data)

        problem = info.value.problems[0]
        assert problem.field == "markers[0].silent_frequency"
        assert problem.marker == "M1"
        assert problem.value == 1.0


def test_parse__a_bad_dropout_value_is_reported_once() -> None:
    """The person's observed sets are still read as such: no echo of the same mistake."""
    data = _dropout_case()
    data["dropout"] = {"B": 1.3}

    with pytest.raises(CaseError) as info:
        parse_case(data)

    assert [p.field for p in info.value.problems] == ["dropout.B"]
    assert info.value.problems[0].value == 1.3
