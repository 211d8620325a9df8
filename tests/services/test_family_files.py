"""Family files (reunite-family/1): read, write back, and every error names the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reunite.errors import FileFormatError
from reunite.services.family_files import family_to_json, read_families

FAMILY = {
    "id": "case-1",
    "pedigree": [{"id": "FA", "sex": "male"}, {"id": "MO", "sex": "female"},
                 {"id": "MP", "father": "FA", "mother": "MO"}],
    "missing_person": "MP",
    "references": {"FA": {"VWA": ["14", "17"], "TH01": ["9.3"]}},
}


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
