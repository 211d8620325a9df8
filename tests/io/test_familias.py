"""Familias .fam projects and frequency databases: real files, bad input, round trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies_io import profile_lists

from reunite.errors import FileFormatError
from reunite.genetics.alleles import parse_allele
from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.pedigree import Pedigree, Person
from reunite.genetics.profile import Genotype, Profile
from reunite.io.familias import (
    format_familias,
    format_familias_frequencies,
    read_familias,
    read_familias_frequencies,
)
from reunite.io.result import problem_code

# (file, profiles, pedigrees, markers in database, DVI unidentified persons)
FAM_FILES = [
    ("dvir-dvi-examples/familias/Ch4-example-4-8-4.fam", 7, 1, 21, 0),
    ("dvir-dvi-examples/familias/Ch4-table-4-4.fam", 3, 7, 21, 0),
    ("dvir-dvi-examples/familias/KETPex497.fam", 8, 7, 23, 3),
    ("dvir-dvi-examples/familias/KETPex498.fam", 4, 3, 16, 3),
    ("dvir-dvi-examples/familias/Solution3_3.fam", 13, 11, 22, 8),
    ("dvir-dvi-examples/familias/exclusionExample.fam", 63, 31, 15, 16),
    ("klink-linkage-familias/halfsib-test.fam", 2, 2, 8, 0),
    ("klink-linkage-familias/halfsib.fam", 3, 2, 50, 0),
    ("klink-linkage-familias/pedFamilias_paternity.fam", 2, 2, 10, 0),
    ("klink-linkage-familias/sibship.fam", 2, 2, 23, 0),
]

FREQUENCY_FILES = [
    ("norstr-oslo-frequencies/NorskDB_v2023.txt", 50),
    ("norstr-oslo-frequencies/EuropaDB_v2023.txt", 45),
    ("norstr-oslo-frequencies/AfrikaDB_v2023.txt", 48),
    ("norstr-oslo-frequencies/MidtAsiaDB_v2023.txt", 48),
    ("norstr-oslo-frequencies/OstAsiaDB_v2023.txt", 40),
    ("norstr-oslo-frequencies/SydAmerikaDB_v2023.txt", 32),
    ("norstr-oslo-frequencies/VestAsiaDB_v2023.txt", 50),
    ("dvir-dvi-examples/familias/codis.txt", 13),
]


def _fam(persons: str, relations: str = "0\n0\n0\n0\n", n_persons: int = 1,
         db: str | None = None) -> bytes:
    """A small simulated .fam file: one marker D3S1358 with alleles 14, 15, 16."""
    database = db if db is not None else (
        '#FALSE# (#Databases: 1 ;Theta/Kinship/Fst: 0.01 )\n1\n#TRUE#\n"sim"\n"D3S1358"\n'
        "0.001\n0.002\n0\n0\n3\n0.1\n0.1\n0\n0\n#FALSE#\n0\n"
        "3\t(DatabaseSize = 100 , Dropout probability = 0 , Minor allele frequency = 0 )\n"
        '"14"\n0.2\n"15"\n0.3\n"16"\n0.5\n')
    return (f'"Output from Familias, version 3.3"\n"DO NOT EDIT!"\n3.3\n""\n{n_persons}\n'
            f'{persons}"Known relations"\n{relations}{database}').encode()


ONE = '"P1"\n#FALSE#\n-1\n#FALSE#\n#TRUE#\n1\n0\n2\n0\n'


class TestFamiliasExamples:
    @pytest.mark.parametrize(("path", "profiles", "pedigrees", "markers", "unidentified"),
                             FAM_FILES)
    def test_read__real_fam_files(
        self, shared_data: Path, path: str, profiles: int, pedigrees: int, markers: int,
        unidentified: int,
    ) -> None:
        fam = read_familias(shared_data / path)

        assert len(fam.result.profiles) == profiles
        assert len(fam.pedigrees) == pedigrees
        assert len(fam.loci) == markers
        assert len(fam.unidentified) == unidentified
        assert fam.theta == 0.0

    def test_read__paternity_case_genotypes_and_hypotheses(self, shared_data: Path) -> None:
        fam = read_familias(shared_data / "klink-linkage-familias/pedFamilias_paternity.fam")
        af, ch = fam.result.profiles
        h1 = next(p for p in fam.pedigrees if p.name == "H1")

        assert (af.id, ch.id) == ("AF", "CH")
        assert af.genotypes["D3S1358"] == Genotype("17", "17")  # indices 7, 7 of 10..21
        assert ch.genotypes["D3S1358"] == Genotype("16", "17")
        assert Person("CH", "AF", "MO", "male") in h1.persons
        assert fam.loci[0].female_rate == 0.001
        assert fam.loci[0].male_model == "stepwise-extended"
        assert fam.frequencies is not None
        assert fam.frequencies.markers[0] == "D3S1358"

    def test_read__dvi_example_needs_toy_markers(self, shared_data: Path) -> None:
        path = shared_data / "dvir-dvi-examples/familias/dvi-example.fam"
        with pytest.raises(FileFormatError, match="unknown marker"):
            read_familias(path)
        fam = read_familias(path, allow_unknown_markers=True)

        assert [p.id for p in fam.result.profiles] == ["V1", "V2", "V3",
                                                       "Reference family 1/R"]
        template = next(p for p in fam.pedigrees if p.name == "Template pedigree 2")
        assert template.family == "Reference family 1"
        added = "Missing male 3 (added mother)"
        assert Person("Missing male 3", "Missing male 2", added, "male") in template.persons
        assert Person(added, None, None, "female") in template.persons

    @pytest.mark.parametrize("path", [f[0] for f in FAM_FILES])
    def test_read__profiles_loci_and_table_name_markers_alike(
        self, shared_data: Path, path: str
    ) -> None:
        fam = read_familias(shared_data / path, allow_unknown_markers=True)
        loci = [locus.name for locus in fam.loci]
        typed = {m for profile in fam.result.profiles for m in profile.genotypes}

        assert typed <= set(loci)
        assert fam.frequencies is not None
        assert set(fam.frequencies.markers) <= set(loci)

    def test_read__penta_e_is_one_marker_in_profiles_and_database(
        self, shared_data: Path
    ) -> None:
        fam = read_familias(shared_data / "klink-linkage-familias/pedFamilias_paternity.fam")
        af = fam.result.profiles[0]
        penta = next(locus for locus in fam.loci if locus.name == "Penta E")

        # The file spells it PENTA_E in the database and in nothing else.
        assert "PENTA_E" not in [locus.name for locus in fam.loci]
        assert "Penta E" in af.genotypes
        assert {a.text for a in af.genotypes["Penta E"].alleles} <= set(penta.alleles)

    @pytest.mark.parametrize("path", [f[0] for f in FAM_FILES])
    def test_read__every_pedigree_is_valid(self, shared_data: Path, path: str) -> None:
        fam = read_familias(shared_data / path, allow_unknown_markers=True)

        for familias_pedigree in fam.pedigrees:
            pedigree = Pedigree(familias_pedigree.persons)
            assert all((p.father is None) == (p.mother is None) for p in pedigree.persons)

    def test_read__one_parent_gets_an_added_founder_per_child(self) -> None:
        # P1 (male) is the father of P2 and P3; no mother is given for either.
        persons = ONE + ('"P2"\n#FALSE#\n-1\n#FALSE#\n#FALSE#\n0\n'
                         '"P3"\n#FALSE#\n-1\n#FALSE#\n#TRUE#\n0\n')
        fam = read_familias(_fam(persons, relations="0\n0\n2\n0\n1\n0\n2\n0\n",
                                 n_persons=3), name="sim.fam")

        assert fam.pedigrees[0].persons == (
            Person("P1", None, None, "male"),
            Person("P2", "P1", "P2 (added mother)", "female"),
            Person("P3", "P1", "P3 (added mother)", "male"),
            Person("P2 (added mother)", None, None, "female"),
            Person("P3 (added mother)", None, None, "female"),
        )

    def test_read__dvi_parent_sex_from_any_co_parent(self, shared_data: Path) -> None:
        fam = read_familias(shared_data / "dvir-dvi-examples/familias/exclusionExample.fam")
        pedigree = next(p for p in fam.pedigrees if p.name == "PED-0768")
        by_id = {p.id: p for p in pedigree.persons}

        # "Missing person" is the co-parent of the wife for one son and the only parent of
        # the other: a father in both, the second son's mother added.
        assert by_id["Missing person"].sex == "male"
        assert by_id["GMI-221931 [Son]"].father == "Missing person"
        assert by_id["GMI-221931 [Son]"].mother == "GMI-221931 [Son] (added mother)"

    @pytest.mark.parametrize(("path", "dropout", "dropin", "error"), [
        ("klink-linkage-familias/halfsib-test.fam", 0.1, 0.01, 0.001),
        ("dvir-dvi-examples/familias/Ch4-example-4-8-4.fam", 0.1, 0.0, 0.0),
        ("klink-linkage-familias/pedFamilias_paternity.fam", 0.0, 0.0, 0.0),
    ])
    def test_read__advanced_dropout_is_kept_and_warned_about(
        self, shared_data: Path, path: str, dropout: float, dropin: float, error: float
    ) -> None:
        fam = read_familias(shared_data / path, allow_unknown_markers=True)
        unused = [p for p in fam.result.warnings if problem_code(p) == "unused-setting"]

        assert (fam.dropout, fam.dropin) == (dropout, dropin)
        assert {(p.field, p.value) for p in unused} == (
            {("Dropout", dropout)} if dropout else set()) | (
            {("Dropin", dropin)} if dropin else set()) | (
            {("Error", error)} if error else set())
        for problem in unused:
            assert problem.source == str(shared_data / path)
            assert f"[Advanced] {problem.field}= {problem.value:g}" in str(problem)
            assert problem.line is not None

    def test_read__marker_dropout_probability_is_warned_about(self) -> None:
        data = _fam(ONE).replace(b"Dropout probability = 0 ", b"Dropout probability = 0.05 ")

        fam = read_familias(data, name="sim.fam")

        assert fam.loci[0].dropout == 0.05
        assert [(p.marker, p.value) for p in fam.result.warnings] == [("D3S1358", 0.05)]

    def test_read__advanced_dropout_out_of_range_is_an_error(self) -> None:
        data = _fam(ONE) + b"[Advanced]\n[[Direct/Identity]]\nDropout= 1.5\n"

        with pytest.raises(FileFormatError, match="Dropout") as caught:
            read_familias(data, name="sim.fam")

        assert caught.value.value == "1.5"

    def test_read__rest_allele_is_left_out_of_the_table(self, shared_data: Path) -> None:
        fam = read_familias(shared_data / "dvir-dvi-examples/familias/exclusionExample.fam")

        assert {problem_code(p) for p in fam.result.warnings} == {"frequency-table"}
        assert {p.value for p in fam.result.warnings} == {"Rest allele"}

    def test_read__simulated_file(self) -> None:
        fam = read_familias(_fam(ONE), name="sim.fam")

        assert fam.result.profiles[0].genotypes == {"D3S1358": Genotype("14", "16")}
        assert fam.theta == 0.01
        assert fam.pedigrees[0].persons == (Person("P1", None, None, "male"),)

    @pytest.mark.parametrize(("path", "markers"), FREQUENCY_FILES)
    def test_read_frequencies__real_databases(
        self, shared_data: Path, path: str, markers: int
    ) -> None:
        table = read_familias_frequencies(shared_data / path)

        assert len(table.markers) == markers
        assert "Penta E" in table.markers or path.endswith("codis.txt")

    def test_read_frequencies__norway_values(self, shared_data: Path) -> None:
        table = read_familias_frequencies(
            shared_data / "norstr-oslo-frequencies/NorskDB_v2023.txt")
        raw = table.frequencies("D1S1656")

        assert table.renormalised == ()
        assert raw[parse_allele("11")] == pytest.approx(0.073863, rel=1e-9)


class TestFamiliasErrors:
    def test_read__not_familias(self) -> None:
        with pytest.raises(FileFormatError, match="not a Familias file"):
            read_familias(b"hello\n")

    def test_read__truncated(self) -> None:
        data = _fam(ONE)
        with pytest.raises(FileFormatError, match="truncated") as info:
            read_familias(data[: len(data) // 2], name="t.fam")

        assert info.value.source == "t.fam"
        assert info.value.line is not None

    def test_read__allele_index_beyond_database(self) -> None:
        person = '"P1"\n#FALSE#\n-1\n#FALSE#\n#TRUE#\n1\n0\n9\n0\n'
        with pytest.raises(FileFormatError, match="allele index 9") as info:
            read_familias(_fam(person))

        (problem,) = info.value.problems
        assert (problem.sample, problem.marker, problem.value, problem.line) == (
            "P1", "D3S1358", 9, 13)

    def test_read__non_integer_count(self) -> None:
        with pytest.raises(FileFormatError, match="number of typed markers") as info:
            read_familias(_fam(ONE.replace("#TRUE#\n1\n", "#TRUE#\nx\n")))

        assert (info.value.line, info.value.value) == (11, "x")

    def test_read_frequencies__errors_name_lines(self) -> None:
        with pytest.raises(FileFormatError) as info:
            read_familias_frequencies(b"TH01\n6\t0.5\n6\t0.2\n7\tabc\n\nvWA\n")

        assert [(p.line, p.message) for p in info.value.problems] == [
            (3, "allele given twice"), (4, "a frequency must be a number in (0, 1]"),
            (6, "marker has no alleles")]
        with pytest.raises(FileFormatError, match="before any marker"):
            read_familias_frequencies(b"6\t0.5\n")
        with pytest.raises(FileFormatError, match="no marker"):
            read_familias_frequencies(b"\n\n")


_weights = st.floats(min_value=1e-6, max_value=1.0, allow_nan=False)


class TestFamiliasRoundTrip:
    @settings(max_examples=50, deadline=None)
    @given(profiles=profile_lists(allow_partial=False))
    def test_write_fam_then_read__same_profiles(self, profiles: list[Profile]) -> None:
        fam = read_familias(format_familias(profiles).encode())

        assert list(fam.result.profiles) == profiles
        assert [p.sex for p in fam.pedigrees[0].persons] == [
            "male" if p.sex == "male" else "female" for p in profiles]

    def test_write_fam__with_a_table_adds_unseen_alleles(self, shared_data: Path) -> None:
        table = read_familias_frequencies(shared_data / "dvir-dvi-examples/familias/codis.txt")
        profile = Profile("P", {"TH01": Genotype("6", "99"), "vWA": Genotype("14", "17")})
        fam = read_familias(format_familias([profile], frequencies=table).encode())

        assert fam.result.profiles == (profile,)
        assert fam.frequencies is not None
        assert fam.frequencies.has_allele("TH01", "99")
        assert fam.frequencies.frequency("vWA", "17") == pytest.approx(
            table.frequency("vWA", "17"), rel=1e-12)

    def test_write_fam__partial_genotype_refused(self) -> None:
        with pytest.raises(FileFormatError, match="cannot be written to Familias") as info:
            format_familias([Profile("P", {"TH01": Genotype.partial("6")})])

        assert info.value.problems[0].marker == "TH01"

    @settings(max_examples=50, deadline=None)
    @given(table=st.dictionaries(
        st.sampled_from(["D3S1358", "vWA", "Penta E", "TH01", "D21S11"]),
        st.dictionaries(st.sampled_from(["6", "7", "9.3", "10", "11", "30.2", "12"]),
                        _weights, min_size=1), min_size=1))
    def test_write_then_read__same_frequencies(self, table: dict[str, dict[str, float]]
                                               ) -> None:
        original = FrequencyTable("t", table)
        again = read_familias_frequencies(format_familias_frequencies(original).encode(),
                                          name="t.txt")

        assert again.markers == original.markers
        for marker in original.markers:
            assert dict(again.frequencies(marker)) == dict(original.frequencies(marker))
