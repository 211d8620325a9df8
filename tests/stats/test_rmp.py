"""Random match probability: NRC II 4.1 and 4.10 by hand, product rule, skipped markers."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reunite.errors import InputError
from reunite.genetics.frequencies import FrequencyTable, estimate_frequencies
from reunite.genetics.profile import Genotype, Profile
from reunite.stats.rmp import (
    genotype_match_probability,
    heterozygote_match_probability,
    homozygote_match_probability,
    random_match_probability,
)
from strategies import profiles

TABLE = FrequencyTable(
    "hand",
    {
        "D3S1358": {"14": 0.1, "15": 0.2, "16": 0.7},
        "TH01": {"6": 0.25, "9.3": 0.75},
        "vWA": {"16": 0.4, "17": 0.6},
    },
    {"D3S1358": 100, "TH01": 100, "vWA": 100},
)


class TestFormulaExamples:
    def test_heterozygote__2pq(self) -> None:
        # 2 × 0.1 × 0.2 = 0.04
        assert heterozygote_match_probability(0.1, 0.2) == pytest.approx(0.04, rel=1e-12)

    def test_homozygote__p_squared(self) -> None:
        # 0.1² = 0.01
        assert homozygote_match_probability(0.1) == pytest.approx(0.01, rel=1e-12)

    def test_homozygote__balding_nichols_theta_0_01(self) -> None:
        # [2(0.01) + 0.99(0.1)][3(0.01) + 0.99(0.1)] / [(1.01)(1.02)]
        #   = 0.119 × 0.129 / 1.0302 = 0.015351 / 1.0302 = 0.01490099009...
        expected = 0.119 * 0.129 / 1.0302

        assert homozygote_match_probability(0.1, theta=0.01) == pytest.approx(
            expected, rel=1e-12)
        assert expected == pytest.approx(0.0149009901, rel=1e-9)

    def test_heterozygote__balding_nichols_theta_0_03(self) -> None:
        # 2[0.03 + 0.97(0.1)][0.03 + 0.97(0.2)] / [(1.03)(1.06)]
        #   = 2 × 0.127 × 0.224 / 1.0918 = 0.056896 / 1.0918 = 0.05211210844...
        expected = 2 * 0.127 * 0.224 / 1.0918

        assert heterozygote_match_probability(0.1, 0.2, theta=0.03) == pytest.approx(
            expected, rel=1e-12)
        assert expected == pytest.approx(0.0521121084, rel=1e-9)

    @given(st.floats(min_value=1e-4, max_value=1.0), st.floats(min_value=1e-4, max_value=1.0))
    def test_balding_nichols__reduces_to_nrc_4_1_at_theta_zero(self, p: float, q: float) -> None:
        # The θ > 0 formulae at θ = 1e-15 differ from p² and 2pq by about θ/p ≤ 1e-11.
        assert homozygote_match_probability(p, theta=1e-15) == pytest.approx(p * p, rel=1e-9)
        assert heterozygote_match_probability(p, q, theta=1e-15) == pytest.approx(
            2 * p * q, rel=1e-9)

    def test_balding_nichols__homozygote_of_frequency_one_is_one(self) -> None:
        assert homozygote_match_probability(1.0, theta=0.05) == pytest.approx(1.0, rel=1e-12)

    @pytest.mark.parametrize("theta", [-0.01, 1.0, 2.0, math.nan])
    def test_theta_out_of_range(self, theta: float) -> None:
        with pytest.raises(InputError) as info:
            homozygote_match_probability(0.1, theta=theta)

        assert info.value.field == "theta"

    @pytest.mark.parametrize("p", [0.0, -0.1, 1.5])
    def test_frequency_out_of_range(self, p: float) -> None:
        with pytest.raises(InputError):
            heterozygote_match_probability(p, 0.1)

    def test_genotype_match_probability__uses_table(self) -> None:
        assert genotype_match_probability(Genotype(16, 17), "VWA", TABLE) == pytest.approx(
            2 * 0.4 * 0.6, rel=1e-12)
        with pytest.raises(InputError):
            genotype_match_probability(Genotype.partial(16), "vWA", TABLE)


class TestRandomMatchProbabilityExamples:
    def test_product_rule_lr_and_log10(self) -> None:
        profile = Profile.from_mapping(
            "P1", {"D3S1358": "14,15", "TH01": "9.3,9.3", "vWA": "16,17"})

        result = random_match_probability(profile, TABLE)

        # 2(0.1)(0.2) × 0.75² × 2(0.4)(0.6) = 0.04 × 0.5625 × 0.48 = 0.0108
        assert result.rmp == pytest.approx(0.0108, rel=1e-12)
        assert result.lr == pytest.approx(1 / 0.0108, rel=1e-12)
        assert result.log10_lr == pytest.approx(-math.log10(0.0108), rel=1e-12)
        assert dict(result.markers) == pytest.approx(
            {"D3S1358": 0.04, "TH01": 0.5625, "vWA": 0.48}, rel=1e-12)
        assert result.markers_used == ("D3S1358", "TH01", "vWA")
        assert dict(result.markers_skipped) == {}
        assert result.theta == 0.0

    def test_product_rule_with_theta(self) -> None:
        profile = Profile.from_mapping("P1", {"D3S1358": "14,15", "TH01": "9.3,9.3"})
        theta = 0.01

        result = random_match_probability(profile, TABLE, theta=theta)

        het = 2 * (0.01 + 0.99 * 0.1) * (0.01 + 0.99 * 0.2) / (1.01 * 1.02)
        hom = (0.02 + 0.99 * 0.75) * (0.03 + 0.99 * 0.75) / (1.01 * 1.02)
        assert result.rmp == pytest.approx(het * hom, rel=1e-12)
        assert result.provenance.parameters == (
            ("min_allele_count", 5.0), ("profile", "P1"), ("theta", 0.01))

    def test_skipped_markers_and_reasons(self) -> None:
        profile = Profile.from_mapping(
            "P2", {"D3S1358": "14,15", "AMEL": "X,Y", "DYS391": "10", "TH01": ["6", None],
                   "FGA": "21,22"})

        result = random_match_probability(profile, TABLE)

        assert result.markers_used == ("D3S1358",)
        assert result.rmp == pytest.approx(0.04, rel=1e-12)
        skipped = dict(result.markers_skipped)
        assert skipped["AMEL"] == "not autosomal (amelogenin)"
        assert skipped["DYS391"] == "not autosomal (Y chromosome)"
        assert skipped["TH01"] == "partial genotype (one allele unknown)"
        assert skipped["FGA"] == "not in frequency table"

    def test_requested_markers_only(self) -> None:
        profile = Profile.from_mapping("P1", {"D3S1358": "14,15", "vWA": "16,17"})

        result = random_match_probability(profile, TABLE, markers=["VWA"])

        assert result.markers_used == ("vWA",)
        assert "D3S1358" in result.markers_skipped

    def test_unseen_allele_gets_five_over_two_n(self) -> None:
        profile = Profile.from_mapping("P3", {"D3S1358": "14,19"})

        result = random_match_probability(profile, TABLE)

        # 19 is not listed: p(19) = 5 / (2 × 100) = 0.025; RMP = 2 × 0.1 × 0.025 = 0.005
        assert result.rmp == pytest.approx(0.005, rel=1e-12)
        assert [a.text for a in result.per_marker[0].unseen_alleles] == ["19"]
        assert result.per_marker[0].allele_frequencies == pytest.approx((0.1, 0.025))

    def test_no_usable_marker_gives_rmp_one(self) -> None:
        profile = Profile.from_mapping("P4", {"AMEL": "X,X"})

        result = random_match_probability(profile, TABLE)

        assert (result.rmp, result.lr, result.log10_lr) == (1.0, 1.0, 0.0)
        assert result.markers_used == ()

    def test_provenance_names_the_table_and_its_hash(self) -> None:
        profile = Profile.from_mapping("P1", {"vWA": "16,17"})

        result = random_match_probability(profile, TABLE, theta=0.02)

        assert result.provenance.frequency_table == "hand"
        assert result.provenance.frequency_table_hash == TABLE.content_hash
        assert dict(result.provenance.parameters)["theta"] == 0.02
        assert result == random_match_probability(profile, TABLE, theta=0.02)
        assert result.to_dict()["markers_used"] == ["vWA"]


class TestRandomMatchProbabilityProperties:
    @given(profiles(), st.sampled_from([0.0, 0.01, 0.03]))
    def test_rmp_is_the_product_of_marker_values(self, profile: Profile, theta: float) -> None:
        table = estimate_frequencies([profile], name="self")

        result = random_match_probability(profile, table, theta=theta)

        assert result.markers_used == profile.markers
        assert result.rmp == pytest.approx(math.prod(result.markers.values()), rel=1e-12)
        assert result.log10_lr == pytest.approx(-math.log10(result.rmp), rel=1e-9, abs=1e-12)
        assert all(0.0 < p <= 1.0 for p in result.markers.values())

    @given(profiles(min_markers=2))
    def test_marker_order_does_not_change_rmp(self, profile: Profile) -> None:
        table = estimate_frequencies([profile], name="self")
        items = list(profile.genotypes.items())
        shuffled = Profile(profile.id, dict(reversed(items)))
        assert shuffled.markers != profile.markers

        assert shuffled == profile
        assert random_match_probability(shuffled, table).rmp == pytest.approx(
            random_match_probability(profile, table).rmp, rel=1e-12)
