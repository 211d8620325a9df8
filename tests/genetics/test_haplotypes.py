"""Lineage-marker values: Y haplotypes with null alleles and duplications, Y kits, mtDNA."""

from __future__ import annotations

import csv
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reunite.errors import AlleleError, InputError, ProfileError
from reunite.genetics.alleles import parse_allele
from reunite.genetics.haplotypes import (
    MT_GENOME_LENGTH,
    MtHaplotype,
    MtRange,
    MtVariant,
    YMutationRate,
    parse_mt_range,
    parse_mt_variant,
)
from reunite.genetics.kits import get_kit
from reunite.genetics.markers import canonical_marker_name
from reunite.genetics.profile import YHaplotype
from support.shared_paths import DATA_DIR

Y_DIR = DATA_DIR / "y-str"


class TestYHaplotypeExamples:
    def test_from_mapping__null_allele_is_typed_and_empty(self) -> None:
        haplotype = YHaplotype.from_mapping("M1", {"DYS19": "null", "DYS390": "0",
                                                   "DYS391": "10"})

        assert haplotype.allele("DYS19") == ()
        assert haplotype.allele("DYS390") == ()
        assert haplotype.allele("DYS392") is None
        assert haplotype.null_markers == ("DYS19", "DYS390")

    def test_from_mapping__duplications_when_allowed(self) -> None:
        haplotype = YHaplotype.from_mapping(
            "M1", {"DYS19": "15,14", "DYF387S1": "35,37,36", "DYS385": "11,14"},
            allow_duplications=True)

        assert (parse_allele(14), parse_allele(15)) == haplotype.allele("DYS19")
        assert len(haplotype.allele("DYF387S1") or ()) == 3
        assert haplotype.duplicated_markers == ("DYS19", "DYF387S1")

    def test_from_mapping__split_copy_columns_merge(self) -> None:
        split = YHaplotype.from_mapping("M1", {"DYS385a": "17", "DYS385b": "14"})

        assert split == YHaplotype.from_mapping("M1", {"DYS385": "14,17"})
        assert (parse_allele(14), parse_allele(17)) == split.allele("DYS385")

    def test_from_mapping__intermediate_allele(self) -> None:
        haplotype = YHaplotype.from_mapping("M1", {"DYS458": "17.2"})

        assert (haplotype.allele("DYS458") or ())[0].text == "17.2"

    def test_restricted_to__keeps_only_named_loci(self) -> None:
        haplotype = YHaplotype.from_mapping("M1", {"DYS19": "14", "DYS390": "24"})

        assert haplotype.restricted_to(["DYS390"]).markers == ("DYS390",)

    def test_pickle__round_trip_with_null_allele(self) -> None:
        haplotype = YHaplotype.from_mapping("M1", {"DYS19": "null", "DYS385": "11,14"})

        assert pickle.loads(pickle.dumps(haplotype)) == haplotype


class TestYHaplotypeErrors:
    def test_duplication__refused_by_default_with_hint(self) -> None:
        with pytest.raises(ProfileError, match="allow duplications") as info:
            YHaplotype.from_mapping("M1", {"DYS19": "14,15"})

        assert (info.value.sample, info.value.marker,
                                            info.value.value) == ("M1", "DYS19", "14,15")

    def test_duplication__more_than_two_extra_is_a_mixture(self) -> None:
        with pytest.raises(ProfileError, match="possible mixture"):
            YHaplotype.from_mapping("M1", {"DYS19": "12,13,14,15"}, allow_duplications=True)

    def test_null_with_other_allele__refused(self) -> None:
        with pytest.raises(AlleleError, match="null allele"):
            YHaplotype.from_mapping("M1", {"DYS19": "0,14"})

    def test_amelogenin_allele_at_y_locus__refused(self) -> None:
        with pytest.raises(AlleleError, match="repeat number") as info:
            YHaplotype.from_mapping("M1", {"DYS19": "x"})

        assert info.value.value == "x"

    def test_single_copy_marker_twice__refused(self) -> None:
        with pytest.raises(ProfileError, match="given twice"):
            YHaplotype.from_mapping("M1", {"DYS19": "14", "DYS394": "15"})


class TestYKits:
    @pytest.mark.parametrize(("kit", "source"), [
        ("Minimal haplotype", "Minimal"), ("PowerPlex Y", "PowerPlex Y"),
        ("Yfiler", "Yfiler"), ("PowerPlex Y23", "PowerPlex Y23"),
        ("Yfiler Plus", "Yfiler Plus"),
    ])
    def test_kit__same_loci_as_malan_table(self, kit: str, source: str) -> None:
        with (Y_DIR / "malan_ystr_kits.csv").open() as handle:
            expected = {canonical_marker_name(r["Marker"]) for r in csv.DictReader(handle)
                        if r["Kit"] == source}

        assert expected == set(get_kit(kit).markers)

    def test_kit__aliases(self) -> None:
        assert get_kit("MHT").name == "Minimal haplotype"
        assert get_kit("AmpFlSTR Yfiler").name == "Yfiler"


class TestYMutationRate:
    def test_rate__mutations_over_meioses(self) -> None:
        assert YMutationRate("DYS438", 4, 10673).rate == 4 / 10673

    def test_rate__impossible_counts_refused(self) -> None:
        with pytest.raises(InputError):
            YMutationRate("DYS438", 5, 4)


class TestMtVariantExamples:
    @pytest.mark.parametrize(("text", "site", "base"), [
        ("16519C", (16519, 0), "C"), ("309.1C", (309, 1), "C"), ("315.2c", (315, 2), "C"),
        ("523DEL", (523, 0), "-"), ("523del", (523, 0), "-"), ("523-", (523, 0), "-"),
        ("523D", (523, 0), "-"), ("16093Y", (16093, 0), "Y"), ("822r", (822, 0), "R"),
    ])
    def test_parse__empop_notation(self, text: str, site: tuple[int, int], base: str) -> None:
        variant = parse_mt_variant(text)

        assert (site, base) == (variant.site, variant.base)

    def test_heteroplasmy__bases_of_iupac_code(self) -> None:
        variant = parse_mt_variant("16093Y")

        assert variant.is_heteroplasmy
        assert frozenset("CT") == variant.bases

    def test_str__canonical_round_trip(self) -> None:
        texts = [str(parse_mt_variant(t)) for t in ("309.1c", "523-", "16093y")]

        assert texts == ["309.1C", "523DEL", "16093Y"]

    @pytest.mark.parametrize("text", ["16519", "C16519", "0A", "16570A", "309.1-", "16519X"])
    def test_parse__bad_variant_refused(self, text: str) -> None:
        with pytest.raises(InputError) as info:
            parse_mt_variant(text)

        assert text == info.value.value


class TestMtRangeExamples:
    def test_parse__wraps_round_the_origin(self) -> None:
        region = parse_mt_range("16024-576")

        assert region.intervals == ((1, 576), (16024, 16569))
        assert len(region) == 576 + 546

    def test_parse__two_intervals(self) -> None:
        region = parse_mt_range("16024-16569 57-372")

        assert 16569 in region
        assert 57 in region
        assert 56 not in region
        assert 373 not in region

    def test_intersection__only_shared_positions(self) -> None:
        a, b = parse_mt_range("16024-16569 1-576"), parse_mt_range("16100-16400 50-600")

        assert a.intersection(b).intervals == ((50, 576), (16100, 16400))
        assert a.covers(parse_mt_range("16100-16200"))
        assert not a.covers(b)

    def test_parse__bad_range_refused(self) -> None:
        with pytest.raises(InputError):
            parse_mt_range("16024-17000")

    @given(st.lists(st.tuples(st.integers(1, MT_GENOME_LENGTH),
                              st.integers(1, MT_GENOME_LENGTH)), min_size=1, max_size=4),
           st.lists(st.tuples(st.integers(1, MT_GENOME_LENGTH),
                              st.integers(1, MT_GENOME_LENGTH)), min_size=1, max_size=4))
    def test_intersection__is_set_intersection(
        self, first: list[tuple[int, int]], second: list[tuple[int, int]]
    ) -> None:
        a = MtRange(tuple((min(p), max(p)) for p in first))
        b = MtRange(tuple((min(p), max(p)) for p in second))

        assert set(a) & set(b) == set(a.intersection(b))


class TestMtHaplotype:
    def test_from_text__sorted_and_ranged(self) -> None:
        haplotype = MtHaplotype.from_text("Q", "16519C 263G 309.1C", range="16024-576",
                                          haplogroup="H")

        assert str(haplotype) == "263G 309.1C 16519C"
        assert haplotype.haplogroup == "H"

    def test_from_text__rcrs_is_empty(self) -> None:
        assert MtHaplotype.from_text("Q", "rCRS").variants == ()

    def test_variant_outside_range__refused(self) -> None:
        with pytest.raises(ProfileError, match="outside the typed range") as info:
            MtHaplotype.from_text("Q", "263G 1438G", range="16024-576")

        assert info.value.value == "1438G"

    def test_site_twice__refused(self) -> None:
        with pytest.raises(ProfileError, match="twice"):
            MtHaplotype.from_text("Q", "263G 263A")

    def test_several_bad_variants__all_listed(self) -> None:
        with pytest.raises(ProfileError) as info:
            MtHaplotype.from_text("Q", "263G 99999A ABC")

        assert len(info.value.problems) == 2

    def test_restricted_to__drops_outside(self) -> None:
        haplotype = MtHaplotype.from_text("Q", "263G 16519C", range="16024-576")

        assert tuple(
            str(v) for v in haplotype.restricted_to(parse_mt_range("1-400")).variants) == ("263G",)

    def test_mt_variant__deletion_cannot_be_inserted(self) -> None:
        with pytest.raises(InputError):
            MtVariant(309, 1, "-")
