"""Frequency-table readers (reunite.io.frequencies): every layout, real tables, errors."""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from reunite.errors import FileFormatError, FrequencyTableError
from reunite.genetics.alleles import parse_allele
from reunite.genetics.frequencies import estimate_frequencies
from reunite.io.frequencies import (
    detect_frequency_format,
    read_fbi_2015_frequencies,
    read_frequencies,
    read_frequency_csv,
    read_nist_1036_frequencies,
    read_nist_1036_genotypes,
    read_wide_frequency_csv,
)

NIST = "nist-1036-us-population/nist1036_allele_frequencies.csv"
FBI = "fbi-2015-expanded-codis/fbi2015_allele_frequencies.csv"
GENOTYPES = "nist-1036-us-population/nist1036_genotypes_wide.csv"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


class TestReadFrequencyCsv:
    def test_read_frequency_csv__with_n(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "t.csv", "marker,allele,frequency,N\nTH01,6,0.25,100\n"
                                          "TH01,9.3,0.75,100\nVWA,14,1,50\n")

        table = read_frequency_csv(path)

        assert table.frequency("TH01", "6") == 0.25
        assert table.sample_size("TH01") == 100.0
        assert table.sample_size("vWA") == 50.0
        assert table.name == "t"
        assert detect_frequency_format(path) == "csv"

    def test_read_frequency_csv__without_n_and_locus_header(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "t.csv", "Locus,Allele,Frequency\nTH01,6,0.5\nTH01,7,0.5\n")

        table = read_frequency_csv(path, name="mine")

        assert table.sample_size("TH01") is None
        assert table.name == "mine"

    @pytest.mark.parametrize(
        ("text", "line", "value"),
        [
            ("marker,allele,frequency\nTH01,6,0.5\nTH01,abc,0.5\n", 3, "abc"),
            ("marker,allele,frequency\nTH01,6,0.5\nTH01,7,x\n", 3, "x"),
            ("marker,allele,frequency\nTH01,6,0.5\nTH01,7,0\n", 3, 0.0),
            ("marker,allele,frequency\nTH01,6,1.5\n", 2, 1.5),
            ("marker,allele,frequency\nTH01,6,0.5\nTH01,6,0.5\n", 3, "6"),
            ("marker,allele,frequency,N\nTH01,6,0.5,100\nTH01,7,0.5,90\n", 3, 90.0),
            ("marker,allele,frequency,N\nTH01,6,0.5,-4\n", 2, -4.0),
            ("marker,allele,frequency\nTH01,6,0.5,9\n", 2, ["9"]),
            ("marker,allele,frequency\n,6,0.5\n", 2, ""),
        ],
    )
    def test_read_frequency_csv__bad_row_names_file_line_value(
        self, tmp_path: Path, text: str, line: int, value: object
    ) -> None:
        path = _write(tmp_path / "bad.csv", text)

        with pytest.raises(FrequencyTableError) as info:
            read_frequency_csv(path)

        assert str(path) == info.value.source
        assert line == info.value.line
        assert value == info.value.value
        assert str(path) in str(info.value)
        assert f"line {line}" in str(info.value)

    def test_read_frequency_csv__collects_every_bad_row(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "bad.csv",
                      "marker,allele,frequency\nTH01,abc,0.5\nTH01,7,x\nvWA,14,1\n")

        with pytest.raises(FrequencyTableError) as info:
            read_frequency_csv(path)

        assert [p.line for p in info.value.problems] == [2, 3]
        assert [p.value for p in info.value.problems] == ["abc", "x"]

    def test_read_frequency_csv__missing_column(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "bad.csv", "marker,allele\nTH01,6\n")

        with pytest.raises(FrequencyTableError, match="missing column") as info:
            read_frequency_csv(path)

        assert info.value.line == 1

    def test_read_frequency_csv__missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(FrequencyTableError) as info:
            read_frequency_csv(tmp_path / "nope.csv")

        assert str(tmp_path / "nope.csv") == info.value.source

    def test_read_frequency_csv__empty_file(self, tmp_path: Path) -> None:
        with pytest.raises(FrequencyTableError):
            read_frequency_csv(_write(tmp_path / "empty.csv", ""))

    def test_read_frequency_csv__header_only(self, tmp_path: Path) -> None:
        with pytest.raises(FrequencyTableError, match="no frequencies"):
            read_frequency_csv(_write(tmp_path / "h.csv", "marker,allele,frequency\n"))

    def test_read_frequency_csv__population_must_be_chosen(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "p.csv", "population,marker,allele,frequency\n"
                                          "A,TH01,6,1\nB,TH01,7,1\n")

        with pytest.raises(FrequencyTableError, match="choose a population"):
            read_frequency_csv(path)
        assert (parse_allele(7),) == read_frequency_csv(path, population="B").alleles("TH01")


class TestRealTables:
    """The real public tables in ../shared/data, checked against their SOURCE.md figures."""

    def test_nist_1036__all(self, shared_data: Path) -> None:
        table = read_nist_1036_frequencies(shared_data / NIST)

        assert len(table.markers) == 29
        assert {"vWA", "Penta C", "Penta D", "Penta E", "SE33", "D6S1043", "F13A01", "F13B",
                "FESFPS", "LPL"} <= set(table.markers)
        assert table.sample_size("D3S1358") == 1036.0
        # OT05588 is untyped at TPOX and C88H at Penta D (SOURCE.md says Penta_C, but the
        # genotype file and the counts agree on Penta_D): 1035 people there.
        assert table.sample_size("TPOX") == 1035.0
        assert table.sample_size("Penta D") == 1035.0
        assert table.sample_size("Penta C") == 1036.0
        assert table.renormalised == ()
        assert table.min_allele_frequency("D3S1358") == 5 / 2072
        assert detect_frequency_format(shared_data / NIST) == "nist"

    def test_nist_1036__caucasian_th01_9_3(self, shared_data: Path) -> None:
        table = read_nist_1036_frequencies(shared_data / NIST, population="Cauc")

        assert pytest.approx(table.frequency("TH01", "9.3"), rel=1e-12) == 249 / 722
        assert table.sample_size("TH01") == 361.0

    @pytest.mark.parametrize(("population", "n"),
                             [("AfAm", 342), ("Cauc", 361), ("Hisp", 236), ("Asian", 97)])
    def test_nist_1036__populations(self, shared_data: Path, population: str, n: int) -> None:
        table = read_nist_1036_frequencies(shared_data / NIST, population=population)

        assert len(table.markers) == 29
        assert float(n) == table.sample_size("D8S1179")

    def test_fbi_2015__caucasian(self, shared_data: Path) -> None:
        table = read_fbi_2015_frequencies(shared_data / FBI)

        assert len(table.markers) == 23
        assert {"Penta D", "Penta E", "SE33"} <= set(table.markers)
        assert "DYS391" not in table
        assert all(table.sample_size(m) == 202.0 for m in table.markers)
        assert detect_frequency_format(shared_data / FBI) == "fbi"

    def test_fbi_2015__frequency_is_published_value_renormalised(
        self, shared_data: Path
    ) -> None:
        published: dict[str, float] = defaultdict(float)
        with (shared_data / FBI).open(newline="") as handle:
            for row in csv.DictReader(handle):
                if row["population"] == "Caucasian" and row["locus"] == "D3S1358":
                    published[row["allele"]] = float(row["frequency"])

        table = read_fbi_2015_frequencies(shared_data / FBI)

        expected = published["15"] / math.fsum(published.values())
        assert published["15"] == 0.247525
        assert expected == pytest.approx(table.frequency("D3S1358", 15), rel=1e-12)
        assert "D3S1358" in table.renormalised

    @pytest.mark.parametrize(
        ("population", "n"),
        [("African American", 209), ("SW Hispanic", 209), ("SE Hispanic", 263),
         ("Bahamian", 157), ("Jamaican", 177), ("Trinidadian", 79), ("Chamorro", 95),
         ("Filipino", 91), ("Apache", 192), ("Navajo", 143)],
    )
    def test_fbi_2015__populations(self, shared_data: Path, population: str, n: int) -> None:
        table = read_fbi_2015_frequencies(shared_data / FBI, population=population)

        assert len(table.markers) == 23
        assert float(n) == table.sample_size("D3S1358")

    def test_fbi_2015__lineage_markers_kept_on_request(self, shared_data: Path) -> None:
        table = read_fbi_2015_frequencies(shared_data / FBI, autosomal_only=False)

        assert {"DYS391", "Yindel"} <= set(table.markers)

    def test_read_frequencies__auto_detects(self, shared_data: Path) -> None:
        assert read_frequencies(shared_data / NIST).name == "NIST 1036 All"
        assert read_frequencies(shared_data / FBI).name == "FBI 2015 Caucasian"

    def test_unknown_population_is_named(self, shared_data: Path) -> None:
        with pytest.raises(FrequencyTableError) as info:
            read_nist_1036_frequencies(shared_data / NIST, population="Martian")

        assert info.value.value == "Martian"


class TestLayoutErrors:
    def test_nist__count_above_n_alleles(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "n.csv", "population,locus,allele,count,n_alleles,frequency\n"
                                          "All,TH01,6,3,2,1.5\n")

        with pytest.raises(FrequencyTableError) as info:
            read_nist_1036_frequencies(path)

        assert (info.value.line, info.value.value) == (2, "3")

    def test_fbi__bad_frequency(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "f.csv", "population,locus,allele,frequency,n_alleles,count\n"
                                          "Caucasian,TH01,6,0.5,404,202\n"
                                          "Caucasian,TH01,7,zero,404,202\n")

        with pytest.raises(FrequencyTableError) as info:
            read_fbi_2015_frequencies(path)

        assert (str(path), 3, "zero") == (info.value.source, info.value.line, info.value.value)


class TestNistGenotypes:
    def test_read_nist_1036_genotypes__counts_reproduce_the_table(
        self, shared_data: Path
    ) -> None:
        people = read_nist_1036_genotypes(shared_data / GENOTYPES)
        table = read_nist_1036_frequencies(shared_data / NIST)

        estimated = estimate_frequencies(people, name="recount")

        assert len(people) == 1036
        assert set(estimated.markers) == set(table.markers)
        for marker in table.markers:
            assert estimated.sample_size(marker) == table.sample_size(marker)
            assert estimated.alleles(marker) == table.alleles(marker)
            for allele in table.alleles(marker):
                assert estimated.frequency(marker, allele) == pytest.approx(
                    table.frequency(marker, allele), rel=1e-12)

    def test_read_nist_1036_genotypes__population_and_untyped(self, shared_data: Path) -> None:
        people = read_nist_1036_genotypes(shared_data / GENOTYPES, population="AfAm")

        assert len(people) == 342
        untyped = next(p for p in people if p.id == "OT05588")
        assert untyped.genotype("TPOX") is None
        assert len(untyped.markers) == 28

    def test_read_nist_1036_genotypes__bad_cell(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "g.csv", "sample,population,TH01_1,TH01_2,vWA_1,vWA_2\n"
                                          "S1,Cauc,6,7,16,17\nS2,Cauc,6,abc,16,17\n")

        with pytest.raises(FileFormatError) as info:
            read_nist_1036_genotypes(path)

        error = info.value
        assert (error.source, error.line, error.sample, error.marker, error.value) == (
            str(path), 3, "S2", "TH01", "abc")


class TestOtherSharedTables:
    """The other simple-CSV tables in ../shared/data, against their SOURCE.md figures."""

    @pytest.mark.parametrize(
        ("relative", "population", "markers", "n"),
        [
            ("china-gbt37223-59str/china_59str_frequencies.csv", None, 59, None),
            ("china-cnas-39str/cnas_39str_frequencies.csv", None, 39, None),
            ("forrel-norwegian-frequencies/NorwegianFrequencies.csv", None, 35, None),
            ("relsim-fbi1999-caucasian/USCaucs.csv", None, 13, None),
            ("relsim-fbi1999-caucasian/fbiCaucs.csv", None, 13, None),
            ("norstr-oslo-frequencies/norstr_all_populations_long.csv", "Norway", 50, None),
            ("norstr-oslo-frequencies/norstr_all_populations_long.csv", "WestAsia", 50, None),
            ("norstr-oslo-frequencies/norstr_all_populations_long.csv", "Africa", 48, None),
            ("norstr-oslo-frequencies/norstr_all_populations_long.csv", "MidAsia", 48, None),
            ("norstr-oslo-frequencies/norstr_all_populations_long.csv", "Europe", 45, None),
            ("norstr-oslo-frequencies/norstr_all_populations_long.csv", "EastAsia", 40, None),
            ("norstr-oslo-frequencies/norstr_all_populations_long.csv", "SouthAmerica", 32,
             None),
            ("uk-dna17-population/ukdna17_allele_counts.csv", "White_-_EA1_&_EA2", 16, 1275),
            ("uk-dna17-population/ukdna17_allele_counts.csv",
             "Black_African_&_Caribbean_-_EA3", 16, 385),
            ("uk-dna17-population/ukdna17_allele_counts.csv", "Indian_-_EA4", 16, 200),
            ("uk-dna17-population/ukdna17_allele_counts.csv", "Chinese_-_EA5", 16, 203),
            ("uk-dna17-population/ukdna17_allele_counts.csv", "African", 16, 194),
            ("uk-dna17-population/ukdna17_allele_counts.csv", "African_Caribbean", 16, 191),
            ("mispitools-frequencies/Argentina.csv", None, 24, None),
            ("mispitools-frequencies/Asia.csv", None, 38, None),
            ("mispitools-frequencies/Austria.csv", None, 16, None),
            ("mispitools-frequencies/BosniaHerz.csv", None, 16, None),
            ("mispitools-frequencies/China.csv", None, 70, None),
            ("mispitools-frequencies/Europe.csv", None, 23, None),
            ("mispitools-frequencies/Japan.csv", None, 70, None),
            ("mispitools-frequencies/USA.csv", None, 29, None),
            ("fbi-2015-expanded-codis/FBI_extended_Cauc_022024.csv", None, 23, 202),
        ],
    )
    def test_table__marker_count_and_n(
        self, shared_data: Path, relative: str, population: str | None, markers: int,
        n: int | None,
    ) -> None:
        table = read_frequencies(shared_data / relative, population=population)

        assert len(table.markers) == markers
        assert {table.sample_size(m) for m in table.markers} == {
            None if n is None else float(n)}
        for marker in table.markers:
            assert math.fsum(table.frequencies(marker).values()) == pytest.approx(1.0,
                                                                                 abs=1e-12)

    def test_relsim_spells_th01_with_letter_o(self, shared_data: Path) -> None:
        table = read_frequency_csv(shared_data / "relsim-fbi1999-caucasian/USCaucs.csv")

        assert "TH01" in table.markers

    def test_uk_dna17_is_not_named_nist(self, shared_data: Path) -> None:
        table = read_frequencies(shared_data / "uk-dna17-population/ukdna17_allele_counts.csv",
                                     population="African")

        assert table.name == "ukdna17_allele_counts (African)"


class TestReadWideFrequencyCsv:
    def test_read_wide__n_row_zeros_and_lineage_columns(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "w.csv",
                      "Allele,AMEL,TH01,vWA,DYS391\n\"X,Y\",0.5,,,\n6,,0.25,0,\n"
                      "9.3,,0.75,NA,\n16,,,1.0,0.2\nN,404,404,200,97\n")

        table = read_wide_frequency_csv(path)

        assert table.markers == ("TH01", "vWA")
        assert table.frequency("TH01", "9.3") == 0.75
        assert table.alleles("vWA") == (parse_allele(16),)
        assert table.sample_size("TH01") == 202.0
        assert table.sample_size("vWA") == 100.0
        assert detect_frequency_format(path) == "wide"

    def test_read_wide__bad_cell_names_file_line_value(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "w.csv", "Allele,TH01\n6,0.25\n7,abc\n")

        with pytest.raises(FrequencyTableError) as info:
            read_wide_frequency_csv(path)

        assert (info.value.source, info.value.line, info.value.value) == (str(path), 3, "abc")

    def test_read_wide__bad_allele_label(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "w.csv", "Allele,TH01\n6,0.25\nsix,0.75\n")

        with pytest.raises(FrequencyTableError) as info:
            read_wide_frequency_csv(path)

        assert (info.value.line, info.value.value) == (3, "six")

    def test_read_wide__needs_allele_column(self, tmp_path: Path) -> None:
        with pytest.raises(FrequencyTableError, match="Allele"):
            read_wide_frequency_csv(_write(tmp_path / "w.csv", "TH01,vWA\n0.5,0.5\n"))


class TestPopulationErrors:
    @pytest.mark.parametrize(
        ("reader", "header", "row"),
        [
            (read_nist_1036_frequencies, "population,locus,allele,count,n_alleles",
             "All,TH01,6,10,100"),
            (read_fbi_2015_frequencies, "population,locus,allele,frequency,n_alleles,count",
             "Caucasian,TH01,6,0.1,100,10"),
        ],
    )
    def test_unknown_population__names_it_and_lists_the_file_s(
        self, tmp_path: Path, reader: Any, header: str, row: str
    ) -> None:
        path = tmp_path / "table.csv"
        path.write_text(f"{header}\n{row}\n", encoding="utf-8")

        with pytest.raises(FrequencyTableError) as caught:
            reader(path, population="Martian")

        assert caught.value.value == "Martian"
        assert caught.value.field == "population"
        assert str(path) in str(caught.value)
        assert "have: " in str(caught.value)
