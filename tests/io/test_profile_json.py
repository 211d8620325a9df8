"""Profile JSON: round trip, alias handling, and errors naming the file and JSON path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from reunite.errors import AlleleError, FileFormatError, MarkerError, ProfileError
from reunite.genetics.profile import Genotype, Profile
from reunite.io.profile_json import (
    profile_from_json_data,
    profile_to_json_data,
    read_profile_json,
    write_profile_json,
)
from strategies import profiles


def _write(path: Path, data: object) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


class TestProfileJsonRoundTrip:
    def test_read_profile_json__example(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "p.json", {
            "id": "S1", "kit": "GlobalFiler",
            "genotypes": {"D3S1358": ["14", "15"], "VWA": [16, 17], "TH01": ["9.3"],
                          "FGA": ["21", None], "AMEL": "X,Y", "D8S1179": []},
        })

        profile = read_profile_json(path)

        assert profile.id == "S1"
        assert profile.genotype("D3S1358") == Genotype(14, 15)
        assert profile.genotype("vWA") == Genotype(16, 17)
        assert profile.genotype("TH01") == Genotype.homozygote("9.3")
        assert profile.genotype("FGA") == Genotype.partial(21)
        assert profile.genotype("D8S1179") is None
        assert profile.sex == "male"

    def test_write_then_read(self, tmp_path: Path) -> None:
        profile = Profile("S1", {"vWA": Genotype(16, 17), "FGA": Genotype.partial("21.2")})

        write_profile_json(profile, tmp_path / "p.json")

        assert read_profile_json(tmp_path / "p.json") == profile
        assert json.loads((tmp_path / "p.json").read_text()) == {
            "id": "S1", "genotypes": {"vWA": ["16", "17"], "FGA": ["21.2", None]}}

    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(profiles())
    def test_round_trip__any_profile(self, tmp_path: Path, profile: Profile) -> None:
        write_profile_json(profile, tmp_path / "p.json")

        assert read_profile_json(tmp_path / "p.json") == profile
        assert profile_from_json_data(profile_to_json_data(profile)) == profile


class TestProfileJsonErrors:
    def test_bad_allele_names_file_and_json_path(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "p.json", {"id": "S1", "genotypes": {"TH01": ["9", "abc"]}})

        with pytest.raises(AlleleError) as info:
            read_profile_json(path)

        error = info.value
        assert (error.source, error.field, error.sample, error.marker, error.value) == (
            str(path), "$.genotypes.TH01[1]", "S1", "TH01", "abc")
        assert str(path) in str(error)
        assert "$.genotypes.TH01[1]" in str(error)

    def test_path_uses_the_spelling_in_the_file(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "p.json", {"id": "S1", "genotypes": {"Penta E": ["x5"]}})

        with pytest.raises(AlleleError) as info:
            read_profile_json(path)

        assert info.value.field == '$.genotypes["Penta E"][0]'

    def test_three_alleles(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "p.json", {"id": "S1", "genotypes": {"vWA": [14, 15, 16]}})

        with pytest.raises(ProfileError, match="possible mixture") as info:
            read_profile_json(path)

        assert info.value.field == "$.genotypes.vWA"

    def test_unknown_marker(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "p.json", {"id": "S1", "genotypes": {"D99S1": [1, 2]}})

        with pytest.raises(MarkerError) as info:
            read_profile_json(path)

        assert (info.value.field, info.value.value) == ("$.genotypes.D99S1", "D99S1")
        assert read_profile_json(path, allow_unknown_markers=True).markers == ("D99S1",)

    def test_several_problems_are_listed_with_paths(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "p.json",
                      {"id": "S1", "genotypes": {"vWA": ["q1", "16"], "TH01": ["6", "y"]}})

        with pytest.raises(ProfileError) as info:
            read_profile_json(path)

        assert [p.field for p in info.value.problems] == [
            "$.genotypes.vWA[0]", "$.genotypes.TH01[1]"]
        assert [p.value for p in info.value.problems] == ["q1", "y"]
        assert all(p.source == str(path) for p in info.value.problems)

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ([], "$"),
            ({"genotypes": {}}, "$.id"),
            ({"id": "", "genotypes": {}}, "$.id"),
            ({"id": "S1"}, "$.genotypes"),
            ({"id": "S1", "genotypes": []}, "$.genotypes"),
            ({"id": "S1", "genotypes": {}, "genotype": {}}, "$.genotype"),
            ({"id": "S1", "genotypes": {"vWA": {"a": 1}}}, "$.genotypes.vWA"),
            ({"id": "S1", "genotypes": {"vWA": True}}, "$.genotypes.vWA"),
        ],
    )
    def test_wrong_shape(self, tmp_path: Path, data: object, field: str) -> None:
        path = _write(tmp_path / "p.json", data)

        with pytest.raises(FileFormatError) as info:
            read_profile_json(path)

        assert (info.value.source, info.value.field) == (str(path), field)

    def test_invalid_json_names_line(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "p.json", '{\n  "id": "S1",\n  "genotypes": {,}\n}\n')

        with pytest.raises(FileFormatError) as info:
            read_profile_json(path)

        assert (info.value.source, info.value.line) == (str(path), 3)
        assert "not valid JSON" in str(info.value)

    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(FileFormatError) as info:
            read_profile_json(tmp_path / "none.json")

        assert info.value.source == str(tmp_path / "none.json")
