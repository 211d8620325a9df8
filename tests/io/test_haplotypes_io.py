"""Lineage-marker readers: wide Y-STR tables, queries, YHRD rates, mtDNA and MitoFREQ."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from reunite.errors import FileFormatError
from reunite.genetics.alleles import parse_allele
from reunite.genetics.haplotypes import YHRD_MUTATION_RATES
from reunite.io.haplotypes import (
    read_mitofreq_table,
    read_mt_haplotype_json,
    read_mt_haplotype_table,
    read_rcrs,
    read_y_haplotype_json,
    read_y_haplotype_table,
    read_ystr_mutation_rates,
)
from support.shared_paths import DATA_DIR

Y_DIR = DATA_DIR / "y-str"
MT_DIR = DATA_DIR / "mtdna-mitofreq"
SOUTH_AUSTRALIA = Y_DIR / "South_Australia_YSTRs_YfilerPlus.csv"
DANES = Y_DIR / "disclapmix_danes_Hallenberg2005.txt"
PERU = Y_DIR / "Huber2025_IndividualINFO_NorthCoastPeru.csv"


class TestWideTableExamples:
    def test_south_australia__all_rows_and_loci(self) -> None:
        table = read_y_haplotype_table(SOUTH_AUSTRALIA)

        assert len(table) == 1136
        assert len(table.loci) == 25
        sizes = {p: table.populations.count(p) for p in set(table.populations)}
        assert sizes == {"European": 197, "East Asian": 196, "Australian Aboriginal": 743}
        assert (parse_allele(12), parse_allele(13)) == table.haplotypes[0].allele("DYS385")

    def test_south_australia__duplications_kept_as_typed(self) -> None:
        table = read_y_haplotype_table(SOUTH_AUSTRALIA)
        with SOUTH_AUSTRALIA.open() as handle:
            raw = list(csv.DictReader(handle))
        triple = sum(1 for r in raw if len(r["DYF387S1"].split(",")) == 3)

        assert triple == sum(1 for h in table.haplotypes
                             if len(h.allele("DYF387S1") or ()) == 3)
        assert triple > 0

    def test_south_australia__population_selected(self) -> None:
        table = read_y_haplotype_table(SOUTH_AUSTRALIA, population="European")

        assert len(table) == 197
        assert {"European"} == set(table.populations)

    def test_danes__count_column_expands_to_men(self) -> None:
        table = read_y_haplotype_table(DANES)
        with DANES.open() as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))

        assert sum(int(r["n"]) for r in rows) == len(table) == 185
        assert len(table.loci) == 10
        assert len(rows) == len({tuple(sorted(h.alleles.items())) for h in table.haplotypes})

    def test_peru__split_columns_untyped_rows_and_extra_columns(self) -> None:
        table = read_y_haplotype_table(PERU)
        first = next(h for h in table.haplotypes if h.id == "TUM02")

        assert len(table) == 76
        assert all(s.reason == "no Y-STR locus typed" for s in table.skipped)
        assert (parse_allele(14), parse_allele(17)) == first.allele("DYS385")
        assert "DYS385sum" in table.ignored_columns
        assert "DYS385" in table.loci
        assert "DYS385a" not in table.loci

    def test_sha256__of_the_file_bytes(self) -> None:
        import hashlib

        assert hashlib.sha256(DANES.read_bytes()).hexdigest() == read_y_haplotype_table(
            DANES).sha256


class TestWideTableErrors:
    def test_bad_allele__names_file_line_column_value(self, tmp_path: Path) -> None:
        path = tmp_path / "db.csv"
        path.write_text("Sample Name,DYS19,DYS390\nA,14,24\nB,fourteen,23\n")

        with pytest.raises(FileFormatError) as info:
            read_y_haplotype_table(path)

        error = info.value
        assert (str(path), 3, "DYS19", "B", "fourteen") == (
            error.source, error.line, error.field, error.sample, error.value)

    def test_several_problems__all_listed(self, tmp_path: Path) -> None:
        path = tmp_path / "db.csv"
        path.write_text("ID,DYS19,n\nA,14,2\nA,15,1\nC,x,1\nD,14,0\n")

        with pytest.raises(FileFormatError) as info:
            read_y_haplotype_table(path)

        assert len(info.value.problems) == 3
        assert {2, 3, 4, 5} >= {p.line for p in info.value.problems}

    def test_no_locus_column__refused(self, tmp_path: Path) -> None:
        path = tmp_path / "db.csv"
        path.write_text("ID,vWA\nA,14\n")

        with pytest.raises(FileFormatError, match="no Y-STR locus column"):
            read_y_haplotype_table(path)

    def test_unknown_population__lists_known(self) -> None:
        with pytest.raises(FileFormatError, match="European") as info:
            read_y_haplotype_table(SOUTH_AUSTRALIA, population="Martian")

        assert (info.value.field, info.value.value) == ("population", "Martian")

    def test_duplication_refused_when_not_allowed(self, tmp_path: Path) -> None:
        path = tmp_path / "db.csv"
        path.write_text("ID,DYS19\nA,\"14,15\"\n")

        with pytest.raises(FileFormatError, match="duplication"):
            read_y_haplotype_table(path, allow_duplications=False)

    def test_bytes_input_and_null_allele(self) -> None:
        table = read_y_haplotype_table(b"ID,DYS19,DYS390\nA,null,24\nB,--,--\n",
                                       name="x.csv")

        assert table.haplotypes[0].allele("DYS19") == ()
        assert [s.sample for s in table.skipped] == ["B"]


class TestQueryJson:
    def test_read__haplotype(self, tmp_path: Path) -> None:
        path = tmp_path / "q.json"
        path.write_text(json.dumps({"id": "U1", "haplotype": {"DYS19": "14",
                                                              "DYS385": ["11", 14]}}))

        haplotype = read_y_haplotype_json(path)

        assert haplotype.id == "U1"
        assert (parse_allele(11), parse_allele(14)) == haplotype.allele("DYS385")

    @pytest.mark.parametrize(("data", "field"), [
        ({"id": "U1", "haplotype": {"DYS19": "x"}}, '$.haplotype["DYS19"]'),
        ({"id": "U1", "haplotype": {"DYS19": True}}, '$.haplotype["DYS19"]'),
        ({"id": "", "haplotype": {"DYS19": "14"}}, "$.id"),
        ({"id": "U1", "genotypes": {}}, "$.genotypes"),
        ({"id": "U1", "haplotype": {}}, "$.haplotype"),
        ({"id": "U1", "haplotype": {"vWA": "14"}}, '$.haplotype["vWA"]'),
    ])
    def test_read__errors_name_the_field(self, tmp_path: Path, data: object,
                                         field: str) -> None:
        path = tmp_path / "q.json"
        path.write_text(json.dumps(data))

        with pytest.raises(FileFormatError) as info:
            read_y_haplotype_json(path)

        assert (str(path), field) == (info.value.source, info.value.field)

    def test_read__not_json(self, tmp_path: Path) -> None:
        path = tmp_path / "q.json"
        path.write_text("{\n  oops")

        with pytest.raises(FileFormatError, match="not valid JSON") as info:
            read_y_haplotype_json(path)

        assert info.value.line == 2


class TestMutationRates:
    def test_malan_table__equals_built_in_yhrd_counts(self) -> None:
        assert dict(YHRD_MUTATION_RATES) == dict(
            read_ystr_mutation_rates(Y_DIR / "malan_ystr_markers.csv"))

    def test_copies_disagree__refused(self) -> None:
        data = b"Marker,Mutations,Meioses\nDYS385a,3,100\nDYS385b,4,100\n"

        with pytest.raises(FileFormatError, match="different counts"):
            read_ystr_mutation_rates(data, name="rates.csv")


class TestMtReaders:
    def test_json__haplotype_range_haplogroup(self, tmp_path: Path) -> None:
        path = tmp_path / "q.json"
        path.write_text(json.dumps({"id": "U1", "haplotype": "263G 309.1C 16519C",
                                    "range": "16024-576", "haplogroup": "H"}))

        haplotype = read_mt_haplotype_json(path)

        assert (str(haplotype), haplotype.haplogroup) == ("263G 309.1C 16519C", "H")

    def test_json__bad_variant_names_field(self, tmp_path: Path) -> None:
        path = tmp_path / "q.json"
        path.write_text(json.dumps({"id": "U1", "haplotype": "263G 16519X"}))

        with pytest.raises(FileFormatError) as info:
            read_mt_haplotype_json(path)

        assert (info.value.field, info.value.value) == ("$.haplotype", "16519X")

    def test_table__rows(self) -> None:
        table = read_mt_haplotype_table(
            b"id,range,haplotype\nA,16024-576,263G 16519C\nB,16024-16569,16519C\n",
            name="mt.csv")

        assert [h.id for h in table.haplotypes] == ["A", "B"]

    def test_table__bad_row_names_line(self) -> None:
        with pytest.raises(FileFormatError) as info:
            read_mt_haplotype_table(b"id,haplotype\nA,263G\nB,263Q\n", name="mt.csv")

        assert (info.value.line, info.value.sample) == (3, "B")

    def test_mitofreq__counts_by_haplogroup_and_position(self) -> None:
        table = read_mitofreq_table(MT_DIR / "d_gnomAD_refined_long.csv.gz",
                                    MT_DIR / "d_helix_TLHG_freq.csv")
        with gzip.open(MT_DIR / "d_gnomAD_refined_long.csv.gz", "rt") as handle:
            rows = [r for r in csv.DictReader(handle)
                    if r["Position"] == "16519" and r["TLHG"] == "H"]

        expected = {}
        for r in rows:
            expected[r["Base"]] = expected.get(r["Base"], 0) + int(r["n"])
        assert expected == dict(table.counts[("H", 16519)])
        assert table.reference[16519] == "T"
        assert table.haplogroup_sizes["H"] == 71376

    def test_rcrs__sequence(self) -> None:
        sequence = read_rcrs(MT_DIR / "rCRS.fasta")

        assert len(sequence) == 16569
        assert sequence[:10] == "GATCACAGGT"

    def test_rcrs__wrong_length_refused(self) -> None:
        with pytest.raises(FileFormatError, match="16569"):
            read_rcrs(b">x\nACGT\n", name="short.fasta")
