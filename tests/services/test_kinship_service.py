"""``solve_kinship_case``: the spec's LR 0, and beside it the LR under the default mutation
model when one or two markers without a model exclude (checked by hand)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from reunite.config import load_settings
from reunite.io.kinship_case import parse_case
from reunite.search.settings import SearchSettings
from reunite.services.kinship import answer_json, solve_kinship_case
from reunite.services.settings import search_settings
from reunite.stats.mutation import MutationSpec, mutation_matrix

ALLELES = ["12", "13", "14", "15", "16"]
P = np.array([0.1, 0.2, 0.3, 0.25, 0.15])
# (father, mother, child) per marker; at M2 the child's 15 is the father's 14 mutated.
TRIO = {"M1": (["12", "14"], ["13", "16"], ["14", "16"]),
        "M2": (["13", "14"], ["12", "16"], ["15", "16"]),
        "M3": (["15", "15"], ["12", "13"], ["13", "15"])}
FEMALE = MutationSpec("equal", rate=0.002)
MALE = MutationSpec("equal", rate=0.005)
SETTINGS = SearchSettings(mutation_female=FEMALE, mutation_male=MALE)


def _case(trio: dict[str, tuple[list[str], list[str], list[str]]] = TRIO) -> dict[str, Any]:
    markers = [{"name": m, "alleles": ALLELES, "frequencies": P.tolist()} for m in trio]
    return {
        "format": "reunite-kinship-case/1", "id": "trio-onestep", "markers": markers,
        "genotypes": {"AF": {m: t[0] for m, t in trio.items()},
                      "MO": {m: t[1] for m, t in trio.items()},
                      "CH": {m: t[2] for m, t in trio.items()}},
        "hypotheses": [
            {"name": "trio", "pedigree": [
                {"id": "AF", "father": None, "mother": None, "sex": "male"},
                {"id": "MO", "father": None, "mother": None, "sex": "female"},
                {"id": "CH", "father": "AF", "mother": "MO", "sex": "male"}]},
            {"name": "AF unrelated", "pedigree": [
                {"id": "AF", "father": None, "mother": None, "sex": "male"},
                {"id": "UF", "father": None, "mother": None, "sex": "male"},
                {"id": "MO", "father": None, "mother": None, "sex": "female"},
                {"id": "CH", "father": "UF", "mother": "MO", "sex": "male"}]}],
    }


def _hand_lr(father: list[str], mother: list[str], child: list[str]) -> float:
    """Trio LR with the female and male equal models, by hand: the father transmits
    t = ½(M_m[a] + M_m[b]) (a random man p·M_m), the mother ½(M_f[c] + M_f[d])."""
    m_f = mutation_matrix(FEMALE, ALLELES, P)
    m_m = mutation_matrix(MALE, ALLELES, P)
    idx = {a: i for i, a in enumerate(ALLELES)}
    t = 0.5 * (m_m[idx[father[0]]] + m_m[idx[father[1]]])
    q = P @ m_m
    m = 0.5 * (m_f[idx[mother[0]]] + m_f[idx[mother[1]]])
    x, y = idx[child[0]], idx[child[1]]

    def child_prob(pat: np.ndarray) -> float:
        return float(pat[x] * m[x]) if x == y else float(pat[x] * m[y] + pat[y] * m[x])

    return child_prob(t) / child_prob(q)


class TestSolveKinshipCaseExamples:
    def test_one_step_mutation__lr_0_and_the_default_model_lr_beside_it(self) -> None:
        answer = solve_kinship_case(parse_case(_case()), settings=SETTINGS)
        out = answer_json(answer)

        assert out["total_lr"] == 0
        assert out["lr"]["M2"] == 0
        assert out["log10_total_lr"] is None
        assert answer.excluding_markers == ("M2",)
        [note] = out["notes"]
        assert "excluded (LR 0) at 1 marker: M2" in note
        assert "female: equal (rate 0.002)" in note
        assert "male: equal (rate 0.005)" in note
        extra = out["lr_with_default_mutation"]
        assert extra["mutation"] == {"female": FEMALE.to_dict(), "male": MALE.to_dict()}
        assert extra["markers"] == ["M1", "M2", "M3"]
        for marker, trio in TRIO.items():
            assert extra["lr"][marker] == pytest.approx(_hand_lr(*trio), rel=1e-12)
        expected = float(np.prod([_hand_lr(*t) for t in TRIO.values()]))
        assert extra["total_lr"] == pytest.approx(expected, rel=1e-12)
        assert extra["log10_total_lr"] == pytest.approx(np.log10(expected), rel=1e-12)

    def test_the_installation_default_is_read_from_the_config(self) -> None:
        settings = search_settings(load_settings({
            "REUNITE_MUTATION_MODEL": "equal", "REUNITE_MUTATION_RATE": "0.002",
            "REUNITE_MUTATION_RATE_MALE": "0.005", "REUNITE_DATA_DIR": "/nonexistent"}))

        out = answer_json(solve_kinship_case(parse_case(_case()), settings=settings))

        assert out["lr_with_default_mutation"]["lr"]["M2"] == pytest.approx(
            _hand_lr(*TRIO["M2"]), rel=1e-12)

    def test_consistent_trio__nothing_added(self) -> None:
        trio = {k: v for k, v in TRIO.items() if k != "M2"}

        out = answer_json(solve_kinship_case(parse_case(_case(trio)), settings=SETTINGS))

        assert out["total_lr"] > 0
        assert "notes" not in out
        assert "lr_with_default_mutation" not in out

    def test_three_exclusions__left_as_lr_0(self) -> None:
        trio = copy.deepcopy(TRIO)
        trio["M1"] = (["12", "12"], ["13", "16"], ["14", "16"])
        trio["M3"] = (["12", "12"], ["12", "13"], ["13", "15"])
        trio["M4"] = (["13", "14"], ["12", "16"], ["15", "16"])

        answer = solve_kinship_case(parse_case(_case(trio)), settings=SETTINGS)

        assert len(answer.excluding_markers) == 4
        assert answer.with_default_mutation is None
        assert "lr_with_default_mutation" not in answer_json(answer)

    def test_no_default_model_configured__said_so(self) -> None:
        settings = SearchSettings(mutation_female=None, mutation_male=None)

        out = answer_json(solve_kinship_case(parse_case(_case()), settings=settings))

        assert "lr_with_default_mutation" not in out
        assert "REUNITE_MUTATION_MODEL=none" in out["notes"][0]

    def test_the_file_s_own_model_is_kept(self) -> None:
        data = _case()
        data["markers"][1]["mutation"] = {"model": "equal", "rate": 1e-12}

        out = answer_json(solve_kinship_case(parse_case(data), settings=SETTINGS))

        # The file's model makes M2 possible (tiny); no exclusion, nothing added.
        assert out["lr"]["M2"] > 0
        assert "lr_with_default_mutation" not in out

    def test_without_settings__only_the_file_s_lrs(self) -> None:
        answer = solve_kinship_case(parse_case(_case()), settings=None)

        assert answer.excluding_markers == ("M2",)
        assert answer.with_default_mutation is None
        assert answer.notes == ()
