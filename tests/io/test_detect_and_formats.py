"""Format detection, the read/write dispatch and the import QC report."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies_io import CMF_MARKERS, profiles

from reunite.errors import FileFormatError
from reunite.genetics.profile import Genotype, Profile
from reunite.io.detect import detect_format
from reunite.io.formats import read_profiles, write_profiles
from reunite.io.report import import_report, report_for_unreadable

GM = ("Sample Name\tMarker\tAllele 1\tAllele 2\tAllele 3\n"
      "A\tvWA\t14\t15\t\nA\tTH01\tOL\t\t\nB\tvWA\t14\t15\t\nB\tTH01\t1\t2\t3\n")


class TestDetect:
    @pytest.mark.parametrize(("path", "expected"), [
        ("osiris-codis-cmf/CODIS-32.AppendixAexample.xml", "cmf"),
        ("euroformix/tutorialdata/databaseESX17.txt", "genemapper"),
        ("strvalidator/set3.txt", "genemapper"),
        ("euroformix/examples/ESX17_refs_LTDNA.csv", "genemapper"),
        ("format-samples/strmix_style_reference_db_simDNAmixtures.csv", "genemapper"),
        ("dvir-dvi-examples/familias/Solution3_3.fam", "familias"),
        ("klink-linkage-familias/sibship.fam", "familias"),
        ("dvir-dvi-examples/converted/planecrash.ped", "ped"),
    ])
    def test_detect__real_files(self, shared_data: Path, path: str, expected: str) -> None:
        assert detect_format(shared_data / path) == expected

    def test_detect__utf16_genemapper_and_json(self) -> None:
        data = codecs.BOM_UTF16_LE + GM.encode("utf-16-le")

        assert detect_format(data) == "genemapper"
        assert detect_format(b'  {"id": "x"}') == "json"

    def test_detect__unknown(self) -> None:
        with pytest.raises(FileFormatError, match="cannot tell"):
            detect_format(b"hello world\n")
        with pytest.raises(FileFormatError, match="not a CODIS CMF"):
            detect_format(b"<html></html>")


class TestReadProfiles:
    def test_read__auto_dispatch(self, shared_data: Path) -> None:
        result = read_profiles(shared_data / "dvir-dvi-examples/converted/planecrash.ped")

        assert result.format == "ped"
        assert len(result.profiles) == 13

    def test_read__json_list_with_a_bad_item(self, tmp_path: Path) -> None:
        path = tmp_path / "p.json"
        path.write_text(json.dumps([
            {"id": "A", "genotypes": {"vWA": ["14", "15"]}},
            {"id": "B", "genotypes": {"vWA": ["14", "15", "16"]}},
            {"id": "A", "genotypes": {"vWA": ["14"]}},
        ]))
        with pytest.raises(FileFormatError) as info:
            read_profiles(path)
        result = read_profiles(path, skip_bad=True)

        assert [p.sample for p in info.value.problems] == ["B", "A"]
        # A shared id makes both samples suspect: neither is imported.
        assert result.profiles == ()
        assert [s.sample for s in result.skipped] == ["B", "A"]

    def test_read__unknown_format(self, tmp_path: Path) -> None:
        with pytest.raises(FileFormatError, match="unknown format"):
            read_profiles(tmp_path / "x", format="xls")


class TestWriteProfiles:
    @settings(max_examples=25, deadline=None)
    @given(batch=st.lists(profiles(markers=CMF_MARKERS, allow_partial=False),
                          min_size=1, max_size=4, unique_by=lambda p: p.id),
           fmt=st.sampled_from(["genemapper", "ped", "json", "cmf", "familias"]))
    def test_write_then_read__same_profiles(
        self, batch: list[Profile], fmt: str, tmp_path_factory: pytest.TempPathFactory
    ) -> None:
        if fmt == "cmf":
            batch = [p for p in batch if len(p.id) <= 24]
            if not batch:
                return
        path = tmp_path_factory.mktemp("w") / "out"
        write_profiles(batch, path, format=fmt,  # type: ignore[arg-type]
                       cmf_header={"categories": "reference-direct", "source_lab": "L",
                                   "destination_ori": "L", "submitted_by": "me"})

        assert list(read_profiles(path).profiles) == batch

    def test_write__cmf_needs_a_header(self, tmp_path: Path) -> None:
        with pytest.raises(FileFormatError, match="writing CMF needs categories"):
            write_profiles([Profile("A", {"vWA": Genotype("1", "2")})], tmp_path / "x",
                           format="cmf")


class TestImportReport:
    def test_report__counts_and_importable(self) -> None:
        result = read_profiles_bytes(GM)
        strict = import_report(result, skip_bad=False)
        lenient = import_report(result, skip_bad=True)

        assert strict.importable == ()
        assert lenient.importable == ("A",)
        assert lenient.skipped == ("B",)
        assert dict(lenient.by_code) == {"off-ladder": 1, "possible-mixture": 1}
        data = lenient.to_json_data()
        assert data["counts"] == {"samples": 2, "importable": 1, "skipped": 1, "errors": 1,
                                  "warnings": 1,
                                  "by_code": {"off-ladder": 1, "possible-mixture": 1}}
        assert data["samples"][0]["problems"][0]["line"] == 3
        assert json.loads(json.dumps(data)) == data

    def test_report__unreadable_file(self) -> None:
        error = FileFormatError("not UTF-8", source="x", line=3, value=b"\xff",
                                code="encoding")
        report = report_for_unreadable(error, source="x", format="genemapper")

        assert report.importable == ()
        assert report.to_json_data()["problems"][0]["value"] == "ff"
        assert report.by_code == {"encoding": 1}


def read_profiles_bytes(text: str) -> object:
    from reunite.io.genemapper import read_genemapper

    return read_genemapper(text.encode(), skip_bad=True)
