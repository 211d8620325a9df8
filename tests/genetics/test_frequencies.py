"""Frequency tables: policy (minimum frequency, renormalisation), hashing, estimation.

The readers of table files are tested in tests/io/test_frequency_readers.py.
"""

from __future__ import annotations

import math
import pickle

import pytest
from hypothesis import given

from reunite.errors import FrequencyTableError
from reunite.genetics.alleles import parse_allele
from reunite.genetics.frequencies import FrequencyTable, estimate_frequencies
from reunite.genetics.profile import Genotype, Profile
from strategies import frequency_tables, profiles


class TestFrequencyTableExamples:
    def test_frequency__listed_alleles(self) -> None:
        table = FrequencyTable("t", {"TH01": {"6": 0.25, "9.3": 0.75}})

        assert table.frequency("TH01", "6") == 0.25
        assert table.frequency("th01", 9.3) == 0.75
        assert (parse_allele(6), parse_allele("9.3")) == table.alleles("TH01")
        assert table.markers == ("TH01",)
        assert table.renormalised == ()

    def test_min_allele_frequency__five_over_two_n(self) -> None:
        table = FrequencyTable("t", {"TH01": {"6": 0.5, "7": 0.5}}, {"TH01": 100})

        assert table.min_allele_frequency("TH01") == 5 / 200
        assert table.frequency("TH01", "11") == 5 / 200
        assert table.sample_size("TH01") == 100.0

    def test_min_allele_frequency__configurable_count(self) -> None:
        table = FrequencyTable("t", {"TH01": {"6": 0.5, "7": 0.5}}, {"TH01": 100},
                               min_allele_count=1)

        assert table.frequency("TH01", "11") == 1 / 200

    def test_min_allele_frequency__without_n_smallest_listed_or_floor(self) -> None:
        table = FrequencyTable("t", {"TH01": {"6": 0.1, "7": 0.9}})
        floored = FrequencyTable("t", {"TH01": {"6": 0.1, "7": 0.9}}, min_frequency=0.001)

        assert pytest.approx(table.frequency("TH01", "12"), rel=1e-12) == 0.1
        assert floored.frequency("TH01", "12") == 0.001
        assert table.sample_size("TH01") is None

    def test_frequency__unseen_allele_does_not_renormalise(self) -> None:
        table = FrequencyTable("t", {"TH01": {"6": 0.5, "7": 0.5}}, {"TH01": 100})

        table.frequency("TH01", "11")

        assert table.frequency("TH01", "6") == 0.5
        assert table.renormalised == ()

    def test_renormalisation__named_markers(self) -> None:
        table = FrequencyTable("t", {"TH01": {"6": 0.2, "7": 0.6}, "vWA": {"14": 1.0}})

        assert pytest.approx(table.frequency("TH01", "6"), rel=1e-12) == 0.25
        assert pytest.approx(table.frequency("TH01", "7"), rel=1e-12) == 0.75
        assert table.renormalised == ("TH01",)

    def test_with_allele__adds_and_renormalises(self) -> None:
        table = FrequencyTable("t", {"TH01": {"6": 0.5, "7": 0.5}}, {"TH01": 100})

        extended = table.with_allele("TH01", "11")

        # 0.025 added, then every frequency divided by 1.025.
        assert pytest.approx(extended.frequency("TH01", "11"), rel=1e-12) == 0.025 / 1.025
        assert pytest.approx(extended.frequency("TH01", "6"), rel=1e-12) == 0.5 / 1.025
        assert extended.renormalised == ("TH01",)
        assert table.content_hash != extended.content_hash
        assert not table.has_allele("TH01", "11")

    def test_with_unseen_alleles__only_missing_ones(self) -> None:
        table = FrequencyTable("t", {"TH01": {"6": 0.5, "7": 0.5}}, {"TH01": 100})

        same = table.with_unseen_alleles({"TH01": [parse_allele(6)]})
        extended = table.with_unseen_alleles({"TH01": [parse_allele(6), parse_allele(11)],
                                              "vWA": [parse_allele(14)]})

        assert same is table
        assert extended.has_allele("TH01", "11")
        assert "vWA" not in extended

    def test_content_hash__identifies_content_not_name(self) -> None:
        a = FrequencyTable("a", {"TH01": {"6": 0.5, "7": 0.5}})
        b = FrequencyTable("b", {"TH01": {"7": 0.5, "6": 0.5}})
        c = FrequencyTable("a", {"TH01": {"6": 0.4, "7": 0.6}})

        assert a.content_hash == b.content_hash
        assert a.content_hash != c.content_hash
        assert len(a.content_hash) == 64
        assert a != b
        assert a == FrequencyTable("a", {"TH01": {"6": 0.5, "7": 0.5}})
        assert len({a, b, FrequencyTable("a", {"TH01": {"6": 0.5, "7": 0.5}})}) == 2

    def test_frozen(self) -> None:
        table = FrequencyTable("a", {"TH01": {"6": 0.5, "7": 0.5}})

        with pytest.raises(AttributeError):
            table.name = "b"  # type: ignore[misc]
        with pytest.raises(TypeError):
            table.frequencies("TH01")[parse_allele(8)] = 0.1  # type: ignore[index]


class TestFrequencyTableErrors:
    @pytest.mark.parametrize("value", [0.0, -0.1, 1.5, math.nan, math.inf])
    def test_frequency_out_of_range(self, value: float) -> None:
        with pytest.raises(FrequencyTableError):
            FrequencyTable("t", {"TH01": {"6": value}})

    def test_marker_not_in_table(self) -> None:
        table = FrequencyTable("t", {"TH01": {"6": 1.0}})

        with pytest.raises(FrequencyTableError) as info:
            table.frequency("vWA", "14")

        assert info.value.marker == "vWA"

    def test_bad_sample_size(self) -> None:
        with pytest.raises(FrequencyTableError):
            FrequencyTable("t", {"TH01": {"6": 1.0}}, {"TH01": 0})


class TestFrequencyTableProperties:
    @given(frequency_tables())
    def test_every_marker_sums_to_one_after_renormalisation(self, table: FrequencyTable) -> None:
        for marker in table.markers:
            assert pytest.approx(math.fsum(table.frequencies(marker).values()),
                                        abs=1e-12) == 1.0

    @given(frequency_tables())
    def test_unseen_allele_sums_to_one_after_with_allele(self, table: FrequencyTable) -> None:
        marker = table.markers[0]

        extended = table.with_allele(marker, "OL")

        assert pytest.approx(math.fsum(extended.frequencies(marker).values()),
                                    abs=1e-12) == 1.0
        assert marker in extended.renormalised

    @given(frequency_tables())
    def test_content_hash_is_stable(self, table: FrequencyTable) -> None:
        rebuilt = FrequencyTable(
            table.name, {m: dict(table.frequencies(m)) for m in table.markers},
            {m: n for m in table.markers if (n := table.sample_size(m)) is not None},
        )

        assert table.content_hash == rebuilt.content_hash


class TestEstimateFrequencies:
    def test_estimate_frequencies__counts_and_n(self) -> None:
        people = [
            Profile("a", {"TH01": Genotype(6, 7), "AMEL": Genotype("X", "Y")}),
            Profile("b", {"TH01": Genotype(6, 6), "vWA": Genotype(14, 15)}),
            Profile("c", {"TH01": Genotype.partial(9), "vWA": Genotype(14, 14)}),
        ]

        table = estimate_frequencies(people, name="three")

        # TH01: a and b counted (c partial): 6,7,6,6 -> 3/4, 1/4, N = 2.
        assert table.frequency("TH01", 6) == 0.75
        assert table.frequency("TH01", 7) == 0.25
        assert table.sample_size("TH01") == 2.0
        assert table.frequency("vWA", 14) == 0.75
        assert "AMEL" not in table
        assert table.min_allele_frequency("TH01") < 5 / 4  # capped at 1
        assert table.min_allele_frequency("TH01") == 1.0

    @given(profiles())
    def test_estimate_frequencies__of_one_profile(self, profile: Profile) -> None:
        table = estimate_frequencies([profile], name="one")

        for marker, genotype in profile.genotypes.items():
            expected = 1.0 if genotype.is_homozygous else 0.5
            assert expected == table.frequency(marker, genotype.alleles[0])


class TestFrequencyTablePickle:
    @given(frequency_tables())
    def test_pickle_round_trip_keeps_hash_and_flags(self, table: FrequencyTable) -> None:
        extended = table.with_allele(table.markers[0], "OL")

        for original in (table, extended):
            restored = pickle.loads(pickle.dumps(original))

            assert restored == original
            assert restored.content_hash == original.content_hash
            assert restored.renormalised == original.renormalised
            assert restored.sample_size(original.markers[0]) == original.sample_size(
                original.markers[0])

