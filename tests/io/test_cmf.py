"""CODIS CMF 3.2: lawful categories only, schema validation, unsafe XML refused, round trips."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies_io import CMF_MARKERS, profiles

from reunite.errors import FileFormatError, PossibleMixtureError
from reunite.genetics.profile import Genotype, Profile
from reunite.governance.indices import Index
from reunite.io._cmf_schema import CMF_2017_XSD
from reunite.io.cmf import CATEGORY_INDEX, CRIMINAL_CATEGORIES, format_cmf, read_cmf, write_cmf
from reunite.io.result import (
    CODE_POSSIBLE_MIXTURE,
    CODE_REFUSED_CATEGORY,
    CODE_SCHEMA,
    CODE_UNSAFE_XML,
    problem_code,
)

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<CODISImportFile xmlns="urn:CODISImportFile-schema">
  <HEADERVERSION>3.2</HEADERVERSION>
  <MESSAGETYPE>Import</MESSAGETYPE>
  <DESTINATIONORI>XX0000000</DESTINATIONORI>
  <SOURCELAB>XX0000000</SOURCELAB>
  <SUBMITBYUSERID>analyst</SUBMITBYUSERID>
  <SUBMITDATETIME>2026-01-02T03:04:05</SUBMITDATETIME>
"""


def _locus(name: str, *alleles: str) -> str:
    values = "".join(f"<ALLELE><ALLELEVALUE>{a}</ALLELEVALUE></ALLELE>" for a in alleles)
    return (f"<LOCUS><LOCUSNAME>{name}</LOCUSNAME><READINGBY>analyst</READINGBY>"
            f"<READINGDATETIME>2026-01-02T03:04:05</READINGDATETIME>{values}</LOCUS>\n")


def _specimen(sid: str, category: str, *loci: str) -> str:
    return (f"<SPECIMEN><SPECIMENID>{sid}</SPECIMENID>"
            f"<SPECIMENCATEGORY>{category}</SPECIMENCATEGORY>\n{''.join(loci)}</SPECIMEN>\n")


def _cmf(*specimens: str) -> bytes:
    return (HEADER + "".join(specimens) + "</CODISImportFile>\n").encode()


# Simulated genotypes.
LAWFUL = _cmf(
    _specimen("MP-1", "Missing Person", _locus("D3S1358", "14", "15"), _locus("TPOX", "8")),
    _specimen("MOTHER-1", "Biological Mother", _locus("D3S1358", "15", "16"),
              _locus("Amelogenin", "X")),
    _specimen("UHR-7", "Unidentified Person", _locus("TH01", "9.3", "&lt;6"),
              _locus("TP0X", "8", "11")),
    _specimen("STAFF-2", "Staff", _locus("vWA", "17", "18")),
)


class TestCmfExamples:
    def test_read__lawful_categories_map_to_indices(self) -> None:
        result = read_cmf(LAWFUL, name="sim.xml")

        assert [p.id for p in result.profiles] == ["MP-1", "MOTHER-1", "UHR-7", "STAFF-2"]
        assert dict(result.indices) == {
            "MP-1": "reference-direct", "MOTHER-1": "reference-family",
            "UHR-7": "unidentified-remains", "STAFF-2": "elimination"}
        assert result.profiles[0].genotypes["TPOX"] == Genotype("8", "8")
        assert result.profiles[1].sex == "female"
        assert result.profiles[2].genotypes == {"TH01": Genotype("9.3", "<6"),
                                                "TPOX": Genotype("8", "11")}

    def test_read__unidentified_living(self) -> None:
        result = read_cmf(LAWFUL, unidentified_index="unidentified-living")

        assert result.indices["UHR-7"] == "unidentified-living"

    def test_category_indices_are_governance_indices(self) -> None:
        assert set(CATEGORY_INDEX.values()) <= {i.value for i in Index}
        assert not set(CATEGORY_INDEX) & CRIMINAL_CATEGORIES

    def test_read__fbi_appendix_a_example_is_refused_as_criminal(
        self, shared_data: Path
    ) -> None:
        path = shared_data / "osiris-codis-cmf/CODIS-32.AppendixAexample.xml"
        with pytest.raises(PossibleMixtureError) as info:
            read_cmf(path)
        skipped = read_cmf(path, skip_bad=True)

        refused = [p for p in info.value.problems if problem_code(p) == CODE_REFUSED_CATEGORY]
        assert [(p.sample, p.value, p.line) for p in refused] == [
            ("IMP_0001A", "Forensic, Unknown", 12), ("IMP_0001B", "Forensic, Unknown", 160)]
        assert refused[0].field == "/CODISImportFile/SPECIMEN[1]/SPECIMENCATEGORY"
        assert "criminal-justice category" in refused[0].message
        mixtures = [p for p in info.value.problems if problem_code(p) == CODE_POSSIBLE_MIXTURE]
        assert [(p.marker, p.value) for p in mixtures] == [
            ("D16S539", "6, 7, 13.1, 14.2"), ("D21S11", "<25, 28, 29")]
        assert skipped.profiles == ()
        assert [s.sample for s in skipped.skipped] == ["IMP_0001A", "IMP_0001B"]

    def test_read__example_validates_against_the_appendix_b_schema(
        self, shared_data: Path
    ) -> None:
        folder = shared_data / "osiris-codis-cmf"
        with pytest.raises(FileFormatError) as info:
            read_cmf(folder / "CODIS-32.AppendixAexample.xml",
                     schema=folder / "CODIS-32.AppendixBexample.xsd")

        assert CODE_SCHEMA not in {problem_code(p) for p in info.value.problems}

    def test_builtin_schema_is_the_shared_cmf_2017_xsd(self, shared_data: Path) -> None:
        shared = (shared_data / "osiris-codis-cmf/CMF-2017.xsd").read_text(encoding="utf-8")

        assert shared == CMF_2017_XSD

    def test_read__appendix_b_schema_rejects_2017_loci(self, shared_data: Path) -> None:
        data = _cmf(_specimen("MP-1", "Missing Person", _locus("D1S1656", "12", "13")))
        xsd = shared_data / "osiris-codis-cmf/CODIS-32.AppendixBexample.xsd"
        with pytest.raises(FileFormatError, match="does not match the CMF schema") as info:
            read_cmf(data, schema=xsd)

        assert info.value.problems[0].sample == "MP-1"
        assert len(read_cmf(data).profiles) == 1


class TestCmfErrors:
    @pytest.mark.parametrize("category", sorted(CRIMINAL_CATEGORIES))
    def test_read__criminal_category_is_refused(self, category: str) -> None:
        data = _cmf(_specimen("S-9", category, _locus("TH01", "6", "7")))
        with pytest.raises(FileFormatError, match="criminal-justice") as info:
            read_cmf(data, name="c.xml")

        # ("Deduced Victim Known" is also outside the 2017 schema: a second, schema problem.)
        (problem,) = [p for p in info.value.problems
                      if problem_code(p) == CODE_REFUSED_CATEGORY]
        assert (problem.source, problem.sample, problem.value) == ("c.xml", "S-9", category)

    @pytest.mark.parametrize("category", ["Population", "Proficiency", "Other", "Volunteer"])
    def test_read__category_without_lawful_index_is_refused(self, category: str) -> None:
        with pytest.raises(FileFormatError, match="no lawful reunite index"):
            read_cmf(_cmf(_specimen("S-9", category, _locus("TH01", "6", "7"))))

    def test_read__skip_bad_keeps_the_lawful_specimens(self) -> None:
        data = _cmf(_specimen("S-1", "Convicted Offender", _locus("TH01", "6", "7")),
                    _specimen("S-2", "Missing Person", _locus("TH01", "6", "8")))
        result = read_cmf(data, skip_bad=True)

        assert [p.id for p in result.profiles] == ["S-2"]
        assert [s.sample for s in result.skipped] == ["S-1"]
        assert dict(result.indices) == {"S-2": "reference-direct"}

    def test_read__billion_laughs_is_refused(self) -> None:
        bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<CODISImportFile xmlns="urn:CODISImportFile-schema">&lol4;</CODISImportFile>"""
        with pytest.raises(FileFormatError, match="DTD") as info:
            read_cmf(bomb, skip_bad=True)

        assert info.value.code == CODE_UNSAFE_XML

    def test_read__external_entity_is_refused(self, tmp_path: Path) -> None:
        secret = tmp_path / "secret.txt"
        secret.write_text("TOP SECRET")
        xxe = (f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'
               '<CODISImportFile xmlns="urn:CODISImportFile-schema">&xxe;</CODISImportFile>'
               ).encode()
        with pytest.raises(FileFormatError, match="refused") as info:
            read_cmf(xxe)

        assert "TOP SECRET" not in str(info.value)
        assert info.value.code == CODE_UNSAFE_XML

    def test_read__truncated_xml(self) -> None:
        with pytest.raises(FileFormatError, match="not well-formed") as info:
            read_cmf(LAWFUL[:-60], name="t.xml")

        assert info.value.source == "t.xml"
        assert info.value.line is not None

    def test_read__schema_violation_names_the_path_and_specimen(self) -> None:
        data = _cmf(_specimen("S-1", "Missing Person", _locus("D6S1043", "12", "13")),
                    _specimen("S-2", "Missing Person", _locus("TH01", "6", "8")))
        with pytest.raises(FileFormatError) as info:
            read_cmf(data)
        result = read_cmf(data, skip_bad=True)

        (problem,) = info.value.problems
        assert problem.sample == "S-1"
        assert problem.field == "/CODISImportFile/SPECIMEN[1]/LOCUS[1]/LOCUSNAME"
        assert (problem.line, problem_code(problem)) == (10, CODE_SCHEMA)
        assert "'D6S1043' is not an element of the set" in problem.message
        assert [p.id for p in result.profiles] == ["S-2"]

    def test_read__header_schema_violation_cannot_be_skipped(self) -> None:
        data = LAWFUL.replace(b"<MESSAGETYPE>Import", b"<MESSAGETYPE>Export")
        with pytest.raises(FileFormatError, match="does not match the CMF schema"):
            read_cmf(data, skip_bad=True)

    def test_read__duplicated_specimen_and_locus(self) -> None:
        data = _cmf(_specimen("S-1", "Missing Person", _locus("TH01", "6", "8"),
                              _locus("TH01", "6", "9")),
                    _specimen("S-1", "Missing Person", _locus("TH01", "6", "8")))
        with pytest.raises(FileFormatError) as info:
            read_cmf(data)

        codes = {problem_code(p) for p in info.value.problems}
        assert {"duplicate-marker", "duplicate-sample"} <= codes

    def test_read__bad_allele_value(self) -> None:
        data = _cmf(_specimen("S-1", "Missing Person", _locus("TH01", "6", "AA")))
        with pytest.raises(FileFormatError) as info:
            read_cmf(data)

        (problem,) = info.value.problems
        assert (problem.sample, problem.marker, problem.value, problem.field) == (
            "S-1", "TH01", "AA", "/CODISImportFile/SPECIMEN[1]/LOCUS[1]")

    def test_read__not_xml_and_wrong_encoding(self) -> None:
        with pytest.raises(FileFormatError):
            read_cmf(b"Sample Name\tMarker\n")
        with pytest.raises(FileFormatError):
            read_cmf(b'<?xml version="1.0" encoding="klingon"?><a/>')
        with pytest.raises(FileFormatError):
            read_cmf(LAWFUL.replace(b"MP-1", b"MP-\xff"))

    def test_read__utf16_cmf_is_accepted(self) -> None:
        data = LAWFUL.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')

        assert len(read_cmf(data.encode("utf-16")).profiles) == 4

    def test_write__criminal_category_is_refused(self) -> None:
        with pytest.raises(FileFormatError, match="criminal-justice"):
            format_cmf([Profile("S", {"TH01": Genotype("6", "7")})],
                       categories="Convicted Offender", source_lab="XX0000000",
                       destination_ori="XX0000000", submitted_by="me")

    def test_write__partial_genotype_and_unnamed_locus_are_refused(self) -> None:
        profile = Profile("S", {"TH01": Genotype.partial("6"), "D6S1043": Genotype("1", "2")})
        with pytest.raises(FileFormatError) as info:
            format_cmf([profile], categories="Missing Person", source_lab="XX0000000",
                       destination_ori="XX0000000", submitted_by="me")

        assert [p.marker for p in info.value.problems] == ["TH01"]
        with pytest.raises(FileFormatError, match="LOCUSNAME"):
            format_cmf([Profile("S", {"D6S1043": Genotype("1", "2")})],
                       categories="Missing Person", source_lab="XX0000000",
                       destination_ori="XX0000000", submitted_by="me")


_ids = st.from_regex(r"[A-Z0-9][A-Z0-9_\-]{0,22}", fullmatch=True)


class TestCmfRoundTrip:
    @settings(max_examples=40, deadline=None)
    @given(profiles=st.lists(profiles(markers=CMF_MARKERS, allow_partial=False, ids=_ids),
                             min_size=1, max_size=5, unique_by=lambda p: p.id),
           index=st.sampled_from(["reference-direct", "unidentified-remains", "elimination",
                                  "Biological Father"]))
    def test_write_then_read__same_profiles_and_index(
        self, profiles: list[Profile], index: str
    ) -> None:
        data = format_cmf(profiles, categories=dict.fromkeys((p.id for p in profiles), index),
                          source_lab="XX0000000", destination_ori="XX0000000",
                          submitted_by="analyst", submitted_at=datetime(2026, 1, 2, 3, 4, 5),
                          kit="GlobalFiler")
        result = read_cmf(data)

        assert list(result.profiles) == profiles
        expected = "reference-family" if index == "Biological Father" else index
        assert set(result.indices.values()) == {expected}

    def test_write__to_a_path(self, tmp_path: Path) -> None:
        profile = Profile("MP-1", {"AMEL": Genotype("X", "Y"), "Penta E": Genotype("5", "24")})
        path = tmp_path / "out.xml"
        write_cmf([profile], path, categories="reference-direct", source_lab="XX0000000",
                  destination_ori="XX0000000", submitted_by="analyst")

        assert b"<LOCUSNAME>AMEL</LOCUSNAME>" in path.read_bytes()
        assert b"<SPECIMENCATEGORY>Missing Person</SPECIMENCATEGORY>" in path.read_bytes()
        assert read_cmf(path).profiles == (profile,)
