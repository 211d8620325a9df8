"""pedtools/forrel ped files: the dvir examples, bad input, round trips."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from strategies_io import profile_lists

from reunite.errors import FileFormatError, PossibleMixtureError
from reunite.genetics.pedigree import Person
from reunite.genetics.profile import Genotype, Profile
from reunite.io.ped import PedFamily, format_ped, read_ped
from reunite.io.result import problem_code

DATASETS = ["KETPchap481", "KETPchap484", "KETPexer497", "KETPexer498", "example1",
            "example2", "exclusionExample", "fire", "grave", "icmp", "planecrash",
            "symmetricSibs"]

# Simulated trio.
TRIO = ("famid\tid\tfid\tmid\tsex\tD3S1358\tTH01\tAMEL\n"
        "F1\tfa\t0\t0\t1\t14/15\t6/7\tX/Y\n"
        "F1\tmo\t0\t0\t2\t16/16\t-/-\tX/X\n"
        "F1\tch\tfa\tmo\t2\t14/16\t7/-\t-/-\n")


class TestPedExamples:
    @pytest.mark.parametrize("dataset", DATASETS)
    def test_read__dvir_converted_ped(self, shared_data: Path, dataset: str) -> None:
        folder = shared_data / "dvir-dvi-examples/converted"
        with (folder / f"{dataset}_pedigrees.csv").open() as handle:
            rows = list(csv.DictReader(handle))
        toy = dataset.startswith("example")
        ped = read_ped(folder / f"{dataset}.ped", allow_unknown_markers=toy)

        assert len(ped.families) == len({r["family"] for r in rows})
        assert sum(len(f.persons) for f in ped.families) == len(rows)
        assert sorted(p.id for p in ped.result.profiles) == sorted(
            r["id"] for r in rows if r["is_typed"] == "1")
        assert ped.result.problems == ()

    def test_read__toy_marker_needs_allow_unknown(self, shared_data: Path) -> None:
        with pytest.raises(FileFormatError, match="unknown marker column") as info:
            read_ped(shared_data / "dvir-dvi-examples/converted/example1.ped")

        assert info.value.problems[0].marker == "L1"

    def test_read__planecrash_pedigree_and_genotypes(self, shared_data: Path) -> None:
        ped = read_ped(shared_data / "dvir-dvi-examples/converted/planecrash.ped")
        victims = next(f for f in ped.families if f.id == "victims")

        assert len(victims.persons) == 8
        v1 = next(p for p in ped.result.profiles if p.id == "V1")
        assert v1.genotypes["Penta D"] == Genotype("10", "12")  # column PENTA_D
        assert v1.genotypes["D21S11"] == Genotype("28", "31.2")

    def test_read__simulated_trio(self) -> None:
        ped = read_ped(TRIO.encode(), name="trio.ped")

        assert ped.families == (PedFamily("F1", (
            Person("fa", None, None, "male"), Person("mo", None, None, "female"),
            Person("ch", "fa", "mo", "female"))),)
        child = ped.result.profiles[2]
        assert child.genotypes == {"D3S1358": Genotype("14", "16"),
                                   "TH01": Genotype.partial("7")}

    def test_read__without_famid_and_space_separated(self) -> None:
        text = "id fid mid sex vWA\nA 0 0 1 14/15\nB 0 0 2 -/-\n"
        ped = read_ped(text.encode())

        assert [f.id for f in ped.families] == ["1"]
        assert ped.result.profiles == (Profile("A", {"vWA": Genotype("14", "15")}),)


class TestPedErrors:
    def test_read__bad_header(self) -> None:
        with pytest.raises(FileFormatError, match="not a ped file"):
            read_ped(b"name\tfather\tmother\n")

    def test_read__pedigree_problems_name_the_line(self) -> None:
        text = "id\tfid\tmid\tsex\tvWA\nA\tB\t0\t1\t14/15\nB\t0\t0\t2\t14/14\n"
        with pytest.raises(FileFormatError) as info:
            read_ped(text.encode(), skip_bad=True)

        messages = [(p.line, p.message) for p in info.value.problems]
        assert (2, "family 1: only one parent given (give both or neither)") in messages
        assert (2, "family 1: father 'B' is female") in messages

    def test_read__mixture_bad_allele_truncation(self) -> None:
        text = "id\tfid\tmid\tsex\tvWA\tTH01\nA\t0\t0\t1\t14/15/16\t6/7\nB\t0\t0\t1\tx/1\t6/7\n"
        with pytest.raises(FileFormatError) as info:
            read_ped(text.encode())

        assert [(p.sample, problem_code(p)) for p in info.value.problems] == [
            ("A", "possible-mixture"), ("B", "bad-allele")]
        with pytest.raises(FileFormatError, match="truncated"):
            read_ped(b"id\tfid\tmid\tsex\tvWA\nA\t0\t0\t1\t14/15\nB\t0\t0")

    def test_read__duplicated_typed_id_across_families(self) -> None:
        text = "famid\tid\tfid\tmid\tsex\tvWA\nF1\tA\t0\t0\t1\t14/15\nF2\tA\t0\t0\t1\t16/17\n"
        with pytest.raises(FileFormatError, match="duplicated sample id") as info:
            read_ped(text.encode())

        assert info.value.problems[0].line == 3

    def test_read__bad_sex_and_duplicate_marker_column(self) -> None:
        with pytest.raises(FileFormatError, match="sex must be"):
            read_ped(b"id\tfid\tmid\tsex\tvWA\nA\t0\t0\t7\t14/15\n")
        with pytest.raises(FileFormatError, match="marker column given twice"):
            read_ped(b"id\tfid\tmid\tsex\tvWA\tvWA\nA\t0\t0\t1\t14/15\t14/15\n")

    def test_read__three_alleles_is_a_possible_mixture(self) -> None:
        with pytest.raises(PossibleMixtureError) as info:
            read_ped(b"id fid mid sex vWA\nA 0 0 1 14/15/16\n")

        assert (info.value.problems[0].marker, info.value.problems[0].value) == (
            "vWA", "14, 15, 16")

    def test_read__genotype_without_slash(self) -> None:
        with pytest.raises(FileFormatError, match="written 'a/b'"):
            read_ped(b"id fid mid sex vWA\nA 0 0 1 14\n")


class TestPedRoundTrip:
    @settings(max_examples=60, deadline=None)
    @given(profiles=profile_lists())
    def test_write_then_read__same_profiles(self, profiles: list[Profile]) -> None:
        ped = read_ped(format_ped(profiles).encode())

        assert list(ped.result.profiles) == profiles

    def test_write_then_read__families_kept(self) -> None:
        ped = read_ped(TRIO.encode())
        again = read_ped(format_ped(ped.result.profiles, families=ped.families).encode())

        assert again.families == ped.families
        assert again.result.profiles == ped.result.profiles
