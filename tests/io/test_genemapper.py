"""GeneMapper ID-X / GeneMarker HID genotype tables: real exports, bad input, round trips."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies_io import profile_lists

from reunite.errors import FileFormatError, PossibleMixtureError, ReuniteError
from reunite.genetics.profile import Genotype, Profile
from reunite.io.genemapper import format_genemapper, read_genemapper, write_genemapper
from reunite.io.result import (
    CODE_BAD_ALLELE,
    CODE_DUPLICATE_MARKER,
    CODE_DUPLICATE_SAMPLE,
    CODE_EMPTY_SAMPLE,
    CODE_ENCODING,
    CODE_OFF_LADDER,
    CODE_POSSIBLE_MIXTURE,
    CODE_TRUNCATED,
    CODE_UNKNOWN_MARKER,
    MAX_PROBLEMS,
    problem_code,
)

# Simulated genotypes (not copied from any file).
SIMULATED = (
    "Sample Name\tMarker\tDye\tAllele 1\tAllele 2\tSize 1\tSize 2\tHeight 1\tHeight 2\r\n"
    "S1\tAMEL\tB\tX\tY\t80.1\t86.0\t1200\t1100\r\n"
    "S1\tD3S1358\tB\t14\t16\t120.5\t128.6\t900\t850\r\n"
    "S1\tVWA\tB\t17\t\t170.0\t\t2100\t\r\n"
    "S1\tTH01\tG\t9.3\tOL\t190.2\t199.9\t800\t120\r\n"
    "S2\tAMEL\tB\tX\t\t80.1\t\t1500\t\r\n"
    "S2\tD3S1358\tB\t15\t15\t124.5\t\t1900\t\r\n"
    "S2\tvWA\tB\t\t\t\t\t\t\r\n"
)


def _read_text(text: str, **kwargs: object) -> object:
    return read_genemapper(text.encode("utf-8"), name="sim.txt", **kwargs)  # type: ignore[arg-type]


def _codes(error: ReuniteError) -> list[str]:
    return [problem_code(p) for p in error.problems]


class TestGeneMapperExamples:
    def test_read__simulated_long_table(self) -> None:
        result = read_genemapper(SIMULATED.encode(), name="sim.txt")

        assert [p.id for p in result.profiles] == ["S1", "S2"]
        s1, s2 = result.profiles
        assert s1.genotypes["vWA"] == Genotype("17", "17")
        assert s1.genotypes["TH01"] == Genotype("9.3", "OL")
        assert s1.sex == "male"
        assert s2.sex == "female"
        assert "vWA" not in s2.genotypes
        assert [problem_code(p) for p in result.problems] == [CODE_OFF_LADDER]
        assert result.problems[0].line == 5
        assert result.errors == ()

    def test_read__euroformix_database_esx17(self, shared_data: Path) -> None:
        result = read_genemapper(shared_data / "euroformix/tutorialdata/databaseESX17.txt")

        assert len(result.profiles) == 77
        assert {len(p.genotypes) for p in result.profiles} == {17}
        first = result.profiles[0]
        assert first.id == "00-JP0001-14_20142342311_NO-3241"
        assert first.genotypes["TH01"] == Genotype("7", "9.3")
        assert first.genotypes["vWA"] == Genotype("17", "18")  # written "VWA" in the file
        assert sum(p.sex == "male" for p in result.profiles) == 34
        assert sum(p.sex == "female" for p in result.profiles) == 43

    def test_read__strvalidator_ref3_r_dotted_headers(self, shared_data: Path) -> None:
        result = read_genemapper(shared_data / "strvalidator/ref3.txt")

        assert [p.id for p in result.profiles] == ["A2", "F2", "bc"]
        assert [len(p.genotypes) for p in result.profiles] == [17, 17, 17]
        assert result.profiles[0].genotypes["TH01"] == Genotype("8", "8")
        assert [p.sex for p in result.profiles] == ["female", "male", "male"]

    def test_read__strvalidator_set3_dilution_series(self, shared_data: Path) -> None:
        path = shared_data / "strvalidator/set3.txt"
        with pytest.raises(PossibleMixtureError) as info:
            read_genemapper(path)
        result = read_genemapper(path, skip_bad=True)

        assert len(info.value.problems) == 327
        assert len(result.profiles) == 9
        assert len(result.skipped) == 29
        skipped = {s.sample: {problem_code(p) for p in s.problems} for s in result.skipped}
        assert skipped["16-Ladder__"] == {CODE_POSSIBLE_MIXTURE}
        assert skipped["02-Neg.ktr.__"] == {CODE_DUPLICATE_SAMPLE}
        assert skipped["11-BC10"] == {CODE_EMPTY_SAMPLE}
        assert CODE_BAD_ALLELE in skipped["05-A2.3"]  # OL at amelogenin

    def test_read__euroformix_stain_is_a_mixture(self, shared_data: Path) -> None:
        with pytest.raises(PossibleMixtureError) as info:
            read_genemapper(shared_data / "euroformix/tutorialdata/stain.txt")

        first = info.value.problems[0]
        assert (first.line, first.sample, first.marker, first.value) == (
            3, "evid1", "D3S1358", "14, 15, 16")
        assert set(_codes(info.value)) == {CODE_POSSIBLE_MIXTURE}
        assert len(info.value.problems) == 12

    @pytest.mark.parametrize(("name", "counts"), [
        ("examples/ESX17_refs.csv", [16, 16, 16]),
        ("examples/ESX17_refs_LTDNA.csv", [12, 16, 16]),  # semicolon separated
        ("examples/ESX17_refs_missing.csv", [12, 16, 14]),
        ("examples/GF_refs.csv", [21, 21, 21, 21]),
        ("examples/SGMplus_refs_LTDNA.csv", [10, 10]),
        ("examples/test_refs.csv", [7, 7]),
        ("examples/test_ref1.csv", [7]),
        ("examples/test_ref1_missing.csv", [6]),
        ("tutorialdata/refs.csv", [17, 17]),
        ("tutorialdata/refs_noAMEL.csv", [16, 16]),
    ])
    def test_read__euroformix_reference_csvs(
        self, shared_data: Path, name: str, counts: list[int]
    ) -> None:
        result = read_genemapper(shared_data / "euroformix" / name)

        assert [len(p.genotypes) for p in result.profiles] == counts

    @pytest.mark.parametrize(("name", "skipped"), [
        ("examples/ESX17_evids_LTDNA.csv", 3),
        ("examples/GF_evid.csv", 1),
        ("examples/test_evid1.csv", 1),
        ("examples/test_evids.csv", 2),
        ("examples/SGMplus_evids_LTDNA.csv", 2),
        ("examples/ForenSeq_evids.csv", 2),
    ])
    def test_read__euroformix_evidence_is_refused_as_mixture(
        self, shared_data: Path, name: str, skipped: int
    ) -> None:
        with pytest.raises(PossibleMixtureError):
            read_genemapper(shared_data / "euroformix" / name)

        assert len(read_genemapper(shared_data / "euroformix" / name,
                                   skip_bad=True).skipped) == skipped

    def test_read__forenseq_sequence_alleles_are_not_ce_designations(
        self, shared_data: Path
    ) -> None:
        with pytest.raises(FileFormatError) as info:
            read_genemapper(shared_data / "euroformix/examples/ForenSeq_refs.csv")

        assert set(_codes(info.value)) == {CODE_BAD_ALLELE}
        assert info.value.problems[0].value == "15_14_1_0"

    def test_read__strmix_style_wide_table(self, shared_data: Path) -> None:
        result = read_genemapper(
            shared_data / "format-samples/strmix_style_reference_db_simDNAmixtures.csv")

        assert [p.id for p in result.profiles] == ["K1", "K2", "K3"]
        assert {len(p.genotypes) for p in result.profiles} == {22}
        assert result.profiles[0].genotypes["D3S1358"] == Genotype("14", "15")
        assert result.profiles[0].genotypes["AMEL"] == Genotype("X", "Y")

    def test_read__genemarker_hid_interleaved_columns(self) -> None:
        # GeneMarker HID writes Allele/Size/Height per peak, interleaved (simulated values).
        text = ("Sample File Name,Sample Name,Panel,Marker,Allele 1,Size 1,Height 1,"
                "Allele 2,Size 2,Height 2,Allele 3,Size 3,Height 3\r\n"
                "A01.fsa,REF-7,GlobalFiler,D8S1179,12,140.2,950,14,148.3,900,,,\r\n"
                "A01.fsa,REF-7,GlobalFiler,Yindel,2,77.1,1200,,,,,,\r\n"
                "A01.fsa,REF-7,GlobalFiler,AMEL,X,98.5,1300,Y,104.6,1210,,,\r\n")
        result = _read_text(text)

        assert result.profiles == (Profile("REF-7", {  # type: ignore[attr-defined]
            "D8S1179": Genotype("12", "14"), "Yindel": Genotype("2", "2"),
            "AMEL": Genotype("X", "Y")}),)

    def test_read__wide_table_with_joined_cells(self) -> None:
        text = "Sample Name,Panel,D3S1358,vWA,AMEL\nA,GF,\"14,15\",17/18,X\nB,GF,16,,X Y\n"
        result = _read_text(text)

        assert result.profiles == (  # type: ignore[attr-defined]
            Profile("A", {"D3S1358": Genotype("14", "15"), "vWA": Genotype("17", "18"),
                          "AMEL": Genotype("X", "X")}),
            Profile("B", {"D3S1358": Genotype("16", "16"), "AMEL": Genotype("X", "Y")}),
        )


class TestGeneMapperEncodings:
    def test_read__utf16_with_bom(self) -> None:
        data = codecs.BOM_UTF16_LE + SIMULATED.encode("utf-16-le")

        assert len(read_genemapper(data).profiles) == 2

    def test_read__utf16_big_endian_with_bom(self) -> None:
        data = codecs.BOM_UTF16_BE + SIMULATED.encode("utf-16-be")

        assert len(read_genemapper(data).profiles) == 2

    def test_read__utf8_with_bom(self) -> None:
        result = read_genemapper(codecs.BOM_UTF8 + SIMULATED.encode())

        assert [p.id for p in result.profiles] == ["S1", "S2"]

    def test_read__utf16_without_bom_is_refused(self) -> None:
        with pytest.raises(FileFormatError, match="UTF-16 without a byte-order mark") as info:
            read_genemapper(SIMULATED.encode("utf-16-le"), name="x.txt")

        assert info.value.source == "x.txt"
        assert info.value.code == CODE_ENCODING

    def test_read__latin1_is_refused_with_the_line(self) -> None:
        data = SIMULATED.replace("S2", "Søren").encode("latin-1")
        with pytest.raises(FileFormatError, match="not UTF-8") as info:
            read_genemapper(data, name="x.txt")

        assert info.value.line == 6
        assert info.value.value == b"\xf8ren"

    def test_read__named_encoding_is_applied_strictly(self) -> None:
        data = SIMULATED.replace("S2", "Søren").encode("cp1252")
        result = read_genemapper(data, encoding="cp1252")

        assert [p.id for p in result.profiles] == ["S1", "Søren"]
        with pytest.raises(FileFormatError, match="not ascii text") as info:
            read_genemapper(data, encoding="ascii")
        assert info.value.line == 6
        with pytest.raises(FileFormatError, match="unknown encoding"):
            read_genemapper(data, encoding="klingon")

    def test_read__utf16_bom_with_odd_byte_count_is_truncated(self) -> None:
        data = codecs.BOM_UTF16_LE + SIMULATED.encode("utf-16-le")[:-1]
        with pytest.raises(FileFormatError, match="byte-order mark says utf-16-le"):
            read_genemapper(data)


class TestGeneMapperErrors:
    def test_read__truncated_last_row(self) -> None:
        with pytest.raises(FileFormatError) as info:
            _read_text(SIMULATED + "S3\tD3S1358\tB\t1")

        (problem,) = info.value.problems
        assert problem_code(problem) == CODE_TRUNCATED
        assert (problem.line, problem.value) == (9, "1")

    def test_read__short_row_mid_file(self) -> None:
        text = "Sample Name\tMarker\tAllele 1\tAllele 2\nS1\tD3S1358\t14\nS1\tvWA\t15\t16\n"
        with pytest.raises(FileFormatError, match="row has 3 fields; the header has 4") as info:
            _read_text(text)

        assert info.value.problems[0].line == 2

    def test_read__three_alleles_is_a_possible_mixture(self) -> None:
        text = "Sample Name\tMarker\tAllele 1\tAllele 2\tAllele 3\nS1\tD3S1358\t14\t15\t16\n"
        with pytest.raises(PossibleMixtureError, match="possible mixture") as info:
            _read_text(text)

        (problem,) = info.value.problems
        assert (problem.source, problem.line, problem.sample, problem.marker, problem.value) == (
            "sim.txt", 2, "S1", "D3S1358", "14, 15, 16")

    def test_read__duplicated_marker(self) -> None:
        text = ("Sample Name\tMarker\tAllele 1\tAllele 2\n"
                "S1\tD3S1358\t14\t15\nS1\tD3S1358\t14\t16\n")
        with pytest.raises(FileFormatError, match=r"marker given twice .*first at line 2"
                           ) as info:
            _read_text(text)

        assert _codes(info.value) == [CODE_DUPLICATE_MARKER]
        assert info.value.problems[0].line == 3

    def test_read__duplicated_marker_under_an_alias(self) -> None:
        text = "Sample Name\tMarker\tAllele 1\nS1\tvWA\t14\nS1\tVWA\t14\n"
        with pytest.raises(FileFormatError) as info:
            _read_text(text)

        assert (info.value.problems[0].marker, info.value.problems[0].value) == ("vWA", "VWA")

    def test_read__duplicated_sample_id(self) -> None:
        text = ("Sample Name\tMarker\tAllele 1\n"
                "S1\tD3S1358\t14\nS2\tD3S1358\t15\nS1\tD3S1358\t16\n")
        with pytest.raises(FileFormatError, match="duplicated sample id") as info:
            _read_text(text)

        (problem,) = info.value.problems
        assert (problem.line, problem.sample) == (4, "S1")
        assert _read_text(text, skip_bad=True).profiles == (  # type: ignore[attr-defined]
            Profile("S2", {"D3S1358": Genotype("15", "15")}),)

    def test_read__unknown_marker(self) -> None:
        text = "Sample Name\tMarker\tAllele 1\nS1\tD99S999\t14\nS1\tD3S1358\t14\n"
        with pytest.raises(FileFormatError, match="unknown marker") as info:
            _read_text(text)
        allowed = _read_text(text, allow_unknown_markers=True)

        assert _codes(info.value) == [CODE_UNKNOWN_MARKER]
        assert info.value.problems[0].marker == "D99S999"
        assert set(allowed.profiles[0].genotypes) == {"D99S999", "D3S1358"}  # type: ignore[attr-defined]

    def test_read__bad_allele_and_bad_amelogenin(self) -> None:
        text = "Sample Name\tMarker\tAllele 1\nS1\tD3S1358\tabc\nS1\tAMEL\t14\n"
        with pytest.raises(FileFormatError) as info:
            _read_text(text)

        assert [(p.line, p.value) for p in info.value.problems] == [(2, "abc"), (3, "14")]

    def test_read__every_problem_is_listed_and_skip_bad_keeps_the_rest(self) -> None:
        text = ("Sample Name\tMarker\tAllele 1\tAllele 2\tAllele 3\n"
                "A\tD3S1358\t14\t15\t16\n"
                "B\tD3S1358\t14\t15\t\n"
                "C\tTH01\tzz\t\t\n")
        with pytest.raises(PossibleMixtureError) as info:
            _read_text(text)
        result = _read_text(text, skip_bad=True)

        assert [(p.sample, problem_code(p)) for p in info.value.problems] == [
            ("A", CODE_POSSIBLE_MIXTURE), ("C", CODE_BAD_ALLELE)]
        assert [p.id for p in result.profiles] == ["B"]  # type: ignore[attr-defined]
        assert [s.sample for s in result.skipped] == ["A", "C"]  # type: ignore[attr-defined]

    def test_read__file_level_problems_cannot_be_skipped(self) -> None:
        with pytest.raises(FileFormatError, match="no sample column"):
            _read_text("Name\tMarker\tAllele 1\nS1\tD3S1358\t14\n", skip_bad=True)
        with pytest.raises(FileFormatError, match="empty"):
            _read_text("", skip_bad=True)
        with pytest.raises(FileFormatError, match="no header row"):
            _read_text('"\n')  # found by the fuzz test: text without a single cell
        with pytest.raises(FileFormatError, match="no allele columns"):
            _read_text("Sample Name\tMarker\tFoo\nS1\tD3S1358\t14\n")

    def test_read__problem_list_is_bounded(self) -> None:
        rows = "".join(f"S{i}\tvWA\tzz\n" for i in range(MAX_PROBLEMS + 3))
        with pytest.raises(FileFormatError, match=f"{MAX_PROBLEMS + 3} problems") as info:
            _read_text("Sample Name\tMarker\tAllele 1\n" + rows)

        assert len(info.value.problems) == MAX_PROBLEMS + 1
        assert info.value.problems[-1].message == (
            f"3 more problems not listed (the first {MAX_PROBLEMS} are)")

    def test_read__missing_file_is_a_typed_error(self, tmp_path: Path) -> None:
        with pytest.raises(FileFormatError, match="cannot read"):
            read_genemapper(tmp_path / "nope.txt")

    def test_write__refuses_ids_that_would_not_read_back(self) -> None:
        with pytest.raises(FileFormatError, match="control characters"):
            format_genemapper([Profile("a\tb", {"TH01": Genotype("6", "7")})])


class TestGeneMapperRoundTrip:
    @settings(max_examples=60, deadline=None)
    @given(profiles=profile_lists(),
           layout=st.sampled_from(["long", "wide"]),
           delimiter=st.sampled_from(["\t", ",", ";"]))
    def test_write_then_read__same_profiles(
        self, profiles: list[Profile], layout: str, delimiter: str
    ) -> None:
        text = format_genemapper(profiles, layout=layout, delimiter=delimiter)
        result = read_genemapper(text.encode(), skip_bad=False)

        assert list(result.profiles) == profiles

    def test_write__to_path_and_utf16_reread(self, tmp_path: Path) -> None:
        profiles = [Profile("P 1", {"D3S1358": Genotype("14", "14"),
                                    "TH01": Genotype.partial("9.3")})]
        path = tmp_path / "out.txt"
        write_genemapper(profiles, path)
        data = codecs.BOM_UTF16_LE + path.read_text(encoding="utf-8").encode("utf-16-le")

        assert path.read_text(encoding="utf-8").splitlines() == [
            "Sample Name\tMarker\tAllele 1\tAllele 2", "P 1\tD3S1358\t14\t", "P 1\tTH01\t9.3\t?"]
        assert list(read_genemapper(data).profiles) == profiles
