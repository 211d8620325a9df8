"""The file-search service: governance's matrix as the engine's policy; family files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reunite.errors import FileFormatError, InputError, PurposeNotPermitted
from reunite.search import ProfileMatrix, direct_match
from reunite.services.search_service import (
    family_to_json,
    governance_policy,
    read_families,
)

FAMILY = {
    "id": "case-1",
    "pedigree": [{"id": "FA", "sex": "male"}, {"id": "MO", "sex": "female"},
                 {"id": "MP", "father": "FA", "mother": "MO"}],
    "missing_person": "MP",
    "references": {"FA": {"VWA": ["14", "17"], "TH01": ["9.3"]}},
}


def test_governance_policy_allows_the_matrix_and_refuses_the_rest() -> None:
    allowed = governance_policy("reference-family", "unidentified-remains",
                                purpose="identification")

    assert allowed.allowed
    with pytest.raises(PurposeNotPermitted):
        governance_policy("reference-family", "reference-direct", purpose="identification")
    with pytest.raises(PurposeNotPermitted):
        governance_policy("elimination", "unidentified-living", purpose="identification")
    with pytest.raises(InputError, match="unknown index"):
        governance_policy("criminal", "unidentified-living", purpose="identification")


def test_engine_with_governance_policy_refuses_a_forbidden_pair() -> None:
    matrix = ProfileMatrix(["vWA"])
    matrix.add_genotype_texts(["A"], [{"vWA": ("14", "17")}])

    with pytest.raises(PurposeNotPermitted):
        direct_match(matrix, {"vWA": ("14", "17")}, query_index="unidentified-living",
                     target_index="unidentified-remains", policy=governance_policy)
    hits = direct_match(matrix, {"vWA": ("14", "17")}, query_index="reference-direct",
                        target_index="unidentified-living", policy=governance_policy,
                        min_shared=1).hits
    assert [h.profile_id for h in hits] == ["A"]


def test_read_families_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "families.json"
    path.write_text(json.dumps([FAMILY]))

    (family,) = read_families(path)

    assert family.family_id == "case-1"
    assert family.references == {"FA": {"vWA": ("14", "17"), "TH01": ("9.3",)}}
    again = family_to_json(family)
    assert again["missing_person"] == "MP"
    assert [p["id"] for p in again["pedigree"]] == ["FA", "MO", "MP"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not valid JSON"),
        (json.dumps({**FAMILY, "missing_person": "XX"}), "not in the pedigree"),
        (json.dumps({k: v for k, v in FAMILY.items() if k != "pedigree"}), "pedigree"),
        (json.dumps({**FAMILY, "references": {"FA": {"vWA": "14"}}}), "list of one or two"),
        (json.dumps([FAMILY, FAMILY]), "unique"),
    ],
)
def test_read_families_errors_name_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)

    with pytest.raises(FileFormatError, match=message) as info:
        read_families(path)

    assert info.value.source == str(path)
