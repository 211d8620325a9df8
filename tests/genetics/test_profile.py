"""Genotypes, profiles and Y haplotypes: immutability, order, sex, builder errors."""

from __future__ import annotations

import copy
import pickle

import pytest
from hypothesis import given

from reunite.errors import AlleleError, MarkerError, ProfileError
from reunite.genetics.alleles import Allele, parse_allele
from reunite.genetics.profile import Genotype, Profile, YHaplotype
from strategies import genotypes, numeric_alleles, profiles


class TestGenotype:
    def test_genotype__unordered_pair_stored_sorted(self) -> None:
        genotype = Genotype("15", 14)

        assert Genotype(14, 15) == genotype
        assert (parse_allele(14), parse_allele(15)) == genotype.alleles
        assert genotype.is_heterozygous
        assert not genotype.is_homozygous
        assert not genotype.is_partial

    def test_genotype__homozygote(self) -> None:
        genotype = Genotype.homozygote("9.3")

        assert Genotype("9.3", 9.3) == genotype
        assert genotype.is_homozygous
        assert (parse_allele("9.3"),) * 2 == genotype.alleles

    def test_genotype__partial_one_known_allele(self) -> None:
        genotype = Genotype.partial("11")

        assert genotype.is_partial
        assert not genotype.is_homozygous
        assert (parse_allele(11),) == genotype.alleles
        assert Genotype.homozygote("11") != genotype
        assert str(genotype) == "11,?"

    def test_genotype__frozen_and_hashable(self) -> None:
        genotype = Genotype(9, 10)

        with pytest.raises(AttributeError):
            genotype.alleles = ()  # type: ignore[misc]
        assert len({genotype, Genotype(10, 9)}) == 1

    def test_genotype__bad_allele_raises(self) -> None:
        with pytest.raises(AlleleError):
            Genotype("abc", "9")

    @given(numeric_alleles, numeric_alleles)
    def test_genotype__order_of_alleles_does_not_matter(self, a: Allele, b: Allele) -> None:
        assert Genotype(a, b) == Genotype(b, a)
        assert hash(Genotype(a, b)) == hash(Genotype(b, a))


class TestProfileExamples:
    def test_from_mapping__canonicalises_markers_and_reads_values(self) -> None:
        profile = Profile.from_mapping(
            "S1", {"VWA": ["16", "17"], "PENTA_E": "5,12", "TH01": 9.3, "Amelogenin": "X,Y",
                   "D3S1358": [], "FGA": None},
        )

        assert profile.markers == ("vWA", "Penta E", "TH01", "AMEL")
        assert Genotype(16, 17) == profile.genotype("vwa")
        assert Genotype(5, 12) == profile.genotype("Penta E")
        assert Genotype.homozygote("9.3") == profile.genotype("TH01")
        assert profile.genotype("D3S1358") is None
        assert profile.genotype("FGA") is None

    def test_from_mapping__partial_genotype(self) -> None:
        profile = Profile.from_mapping("S1", {"vWA": ["16", None], "TH01": ["?", "6"]})

        assert Genotype.partial("16") == profile.genotype("vWA")
        assert Genotype.partial("6") == profile.genotype("TH01")
        assert profile.is_partial

    @pytest.mark.parametrize(
        ("amel", "sex"),
        [("X,X", "female"), ("X", "female"), ("X,Y", "male"), ("Y,X", "male"),
         (["X", None], None)],
    )
    def test_sex__from_amelogenin(self, amel: object, sex: str | None) -> None:
        assert sex == Profile.from_mapping("S1", {"AMEL": amel, "vWA": "14,15"}).sex

    def test_sex__unknown_without_amelogenin(self) -> None:
        assert Profile.from_mapping("S1", {"vWA": "14,15"}).sex is None

    def test_profile__immutable_mapping(self) -> None:
        profile = Profile.from_mapping("S1", {"vWA": "14,15"})

        with pytest.raises(TypeError):
            profile.genotypes["TH01"] = Genotype(6, 7)  # type: ignore[index]
        with pytest.raises(AttributeError):
            profile.id = "S2"  # type: ignore[misc]

    def test_profile__equality_ignores_marker_order(self) -> None:
        a = Profile("S1", {"vWA": Genotype(14, 15), "TH01": Genotype(6, 7)})
        b = Profile("S1", {"TH01": Genotype(7, 6), "VWA": Genotype(15, 14)})

        assert a == b
        assert hash(a) == hash(b)

    def test_from_mapping__unknown_marker_allowed(self) -> None:
        profile = Profile.from_mapping("S1", {"D99S999": "1,2"}, allow_unknown_markers=True)

        assert Genotype(1, 2) == profile.genotype("D99S999")

    @given(profiles())
    def test_from_mapping__round_trip_of_text(self, profile: Profile) -> None:
        raw = {m: [a.text for a in g.alleles] for m, g in profile.genotypes.items()}

        assert profile == Profile.from_mapping(profile.id, raw)

    @given(profiles(min_markers=2))
    def test_profile__restricted_to(self, profile: Profile) -> None:
        first = profile.markers[0]

        restricted = profile.restricted_to([first])

        assert (first,) == restricted.markers
        assert profile != restricted

    @given(genotypes(allow_partial=True))
    def test_genotype_strategy__partial_flag_matches_length(self, genotype: Genotype) -> None:
        assert genotype.is_partial == (len(genotype.alleles) == 1)


class TestProfileErrors:
    def test_from_mapping__three_alleles_is_a_possible_mixture(self) -> None:
        with pytest.raises(ProfileError, match="possible mixture") as info:
            Profile.from_mapping("S7", {"vWA": ["14", "15", "16"]})

        assert info.value.sample == "S7"
        assert info.value.marker == "vWA"
        assert info.value.value == ["14", "15", "16"]

    def test_from_mapping__bad_allele_names_sample_marker_value(self) -> None:
        with pytest.raises(AlleleError) as info:
            Profile.from_mapping("S7", {"TH01": ["abc", "9"]})

        assert (info.value.sample, info.value.marker, info.value.value) == ("S7", "TH01", "abc")
        assert "sample S7" in str(info.value)
        assert "marker TH01" in str(info.value)
        assert "'abc'" in str(info.value)

    def test_from_mapping__unknown_marker(self) -> None:
        with pytest.raises(MarkerError) as info:
            Profile.from_mapping("S7", {"D99S999": "1,2"})

        assert (info.value.sample, info.value.value) == ("S7", "D99S999")

    def test_from_mapping__amelogenin_must_be_x_or_y(self) -> None:
        with pytest.raises(AlleleError):
            Profile.from_mapping("S7", {"AMEL": "10,11"})
        with pytest.raises(AlleleError):
            Profile.from_mapping("S7", {"vWA": "X,16"})

    def test_from_mapping__same_marker_twice_under_two_spellings(self) -> None:
        with pytest.raises(ProfileError, match="twice"):
            Profile.from_mapping("S7", {"vWA": "14,15", "VWA": "14,15"})

    def test_from_mapping__collects_every_problem(self) -> None:
        with pytest.raises(ProfileError) as info:
            Profile.from_mapping(
                "S7", {"vWA": ["1", "2", "3"], "TH01": "abc,9", "D99S999": "1,2"}
            )

        assert len(info.value.problems) == 3
        assert {"vWA", "TH01", "D99S999"} == {p.marker for p in info.value.problems}

    def test_profile__empty_id(self) -> None:
        with pytest.raises(ProfileError):
            Profile("", {})


class TestYHaplotype:
    def test_from_mapping__multi_copy_sorted(self) -> None:
        haplotype = YHaplotype.from_mapping(
            "M1", {"DYS19": "14", "DYS385 a/b": "14,11", "DYS389 I": 13}
        )

        assert (parse_allele(11), parse_allele(14)) == haplotype.allele("DYS385")
        assert (parse_allele(14),) == haplotype.allele("DYS19")
        assert haplotype.markers == ("DYS19", "DYS385", "DYS389I")
        assert haplotype == YHaplotype.from_mapping(
            "M1", {"DYS19": "14", "DYS385": "11,14", "DYS389I": "13"})

    def test_from_mapping__two_alleles_at_single_copy_locus(self) -> None:
        with pytest.raises(ProfileError) as info:
            YHaplotype.from_mapping("M1", {"DYS19": "14,15"})

        assert (info.value.sample, info.value.marker) == ("M1", "DYS19")

    def test_from_mapping__autosomal_marker_refused(self) -> None:
        with pytest.raises(MarkerError) as info:
            YHaplotype.from_mapping("M1", {"vWA": "14"})

        assert info.value.marker == "vWA"


class TestPickle:
    """Values cross process boundaries (Dask workers), so they must pickle."""

    @given(profiles())
    def test_profile__pickle_round_trip(self, profile: Profile) -> None:
        assert pickle.loads(pickle.dumps(profile)) == profile
        assert copy.deepcopy(profile) == profile

    def test_partial_profile_and_haplotype__pickle_round_trip(self) -> None:
        profile = Profile("S1", {"vWA": Genotype.partial(14), "AMEL": Genotype("X", "Y")})
        haplotype = YHaplotype.from_mapping("M1", {"DYS385": "11,14", "DYS19": "14"})

        assert pickle.loads(pickle.dumps(profile)) == profile
        assert pickle.loads(pickle.dumps(haplotype)) == haplotype
