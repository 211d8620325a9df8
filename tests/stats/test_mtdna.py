"""mtDNA comparison over shared ranges, heteroplasmy, counting and the MitoFREQ estimate."""

from __future__ import annotations

import csv
import gzip
from types import MappingProxyType

import pytest

from reunite.errors import InputError
from reunite.genetics.haplotypes import MtHaplotype, MtSnvTable
from reunite.io.haplotypes import read_mitofreq_table, read_rcrs
from reunite.stats.lineage import clopper_pearson_upper
from reunite.stats.mtdna import compare_mt, mitofreq_estimate, mt_match_statistics
from support.shared_paths import DATA_DIR

MT_DIR = DATA_DIR / "mtdna-mitofreq"


@pytest.fixture(scope="module")
def rcrs() -> str:
    return read_rcrs(MT_DIR / "rCRS.fasta")


def _mt(id: str, variants: str, region: str = "1-16569", group: str | None = None
        ) -> MtHaplotype:
    return MtHaplotype.from_text(id, variants, range=region, haplogroup=group)


class TestCompare:
    def test_only_shared_range_counts(self) -> None:
        a = _mt("A", "16519C 263G 73G", "16024-576")
        b = _mt("B", "16519C 263G", "16024-16569 100-400")

        comparison = compare_mt(a, b)

        assert comparison.concordant
        assert str(comparison.shared_range) == "100-400 16024-16569"

    def test_differences_and_interpretation(self) -> None:
        base = _mt("R", "263G 16519C")

        assert compare_mt(base, _mt("A", "263G 16519C")).interpretation == "cannot exclude"
        one = compare_mt(base, _mt("B", "263G"))
        assert (one.differences, one.interpretation) == (("16519",), "inconclusive")
        two = compare_mt(base, _mt("C", "263A 16519C 16311C"))
        assert (two.differences, two.interpretation) == (("263", "16311"), "exclusion")

    def test_heteroplasmy_shares_a_base__not_excluding(self) -> None:
        comparison = compare_mt(_mt("A", "16093Y"), _mt("B", "16093C"))

        assert comparison.concordant
        assert comparison.shared_heteroplasmies == ("16093",)

    def test_heteroplasmy_against_reference_base(self, rcrs: str) -> None:
        # rCRS has T at 16093: Y (C/T) shares it, R (A/G) does not.
        assert rcrs[16093 - 1] == "T"
        assert compare_mt(_mt("A", "16093Y"), _mt("B", "263G"), reference=rcrs).differences \
            == ("263",)
        assert compare_mt(_mt("A", "16093R"), _mt("B", ""), reference=rcrs).differences \
            == ("16093",)

    def test_heteroplasmy_against_reference_needs_rcrs(self) -> None:
        with pytest.raises(InputError, match="rCRS sequence"):
            compare_mt(_mt("A", "16093Y"), _mt("B", ""))

    def test_insertions_and_deletions(self) -> None:
        a = _mt("A", "309.1C 315.1C 523DEL")
        b = _mt("B", "309.1C 309.2C 315.1C")

        assert compare_mt(a, b).differences == ("309.2", "523")

    def test_no_shared_position__refused(self) -> None:
        with pytest.raises(InputError, match="share no typed position"):
            compare_mt(_mt("A", "", "1-100"), _mt("B", "", "200-300"))


class TestCounting:
    def test_count__covering_only_and_estimators(self) -> None:
        query = _mt("Q", "16519C 263G", "16024-576")
        database = [
            _mt("D1", "16519C 263G 1438G", "1-16569"),  # match over the query range
            _mt("D2", "16519C 263G", "16024-576"),
            _mt("D3", "263G", "16024-576"),
            _mt("D4", "16519C", "16024-16569"),  # does not cover 1-576
            _mt("D5", "16519C 263G 16093Y", "16024-576"),  # heteroplasmy: C/T vs rCRS T
        ]

        stats = mt_match_statistics(query, database, reference="T" * 16569)

        assert (stats.matches, stats.database_size, stats.not_covering) == (3, 4, 1)
        assert stats.frequency == 3 / 4
        assert stats.upper_bound == pytest.approx(clopper_pearson_upper(3, 4), rel=1e-15)
        assert stats.balding_nichols == 5 / 6

    def test_count__none_covering_refused(self) -> None:
        with pytest.raises(InputError, match="covers"):
            mt_match_statistics(_mt("Q", "", "1-16569"), [_mt("D", "", "1-100")])


class TestMitofreq:
    table = MtSnvTable(
        name="t", sha256="0",
        counts=MappingProxyType({("H", 263): {"G": 990, "A": 10}, ("H", 16519): {"C": 300,
                                                                                "T": 700},
                                 ("H", 16093): {"C": 20, "T": 980}, ("H", 73): {"A": 1000}}),
        totals=MappingProxyType({("H", 263): 1000, ("H", 16519): 1000, ("H", 16093): 1000,
                                 ("H", 73): 1000}),
        reference=MappingProxyType({263: "A", 16519: "T", 16093: "T", 73: "A"}),
        haplogroup_sizes=MappingProxyType({"H": 400.0, "J": 600.0}))

    def test_rarest_base_by_hand(self) -> None:
        query = _mt("Q", "263G 16519C 16093C 309.1C", group="H")

        estimate = mitofreq_estimate(query, self.table)

        assert (estimate.position, estimate.base, estimate.count) == (16093, "C", 20)
        assert estimate.frequency == pytest.approx(0.4 * 20 / 1000, rel=1e-15)
        assert estimate.upper_bound == pytest.approx(0.4 * clopper_pearson_upper(20, 1000))
        assert estimate.ignored == ("309.1C",)
        assert estimate.positions_used == 4

    def test_heteroplasmy_counts_both_bases_and_unseen_listed(self) -> None:
        query = _mt("Q", "263G 16519C 16093Y 73G", group="H")

        estimate = mitofreq_estimate(query, self.table)

        assert (estimate.position, estimate.count) == (16519, 300)
        assert estimate.unseen == ("73G",)

    def test_needs_haplogroup(self) -> None:
        with pytest.raises(InputError, match="haplogroup"):
            mitofreq_estimate(_mt("Q", "263G"), self.table)
        with pytest.raises(InputError, match="not in the table"):
            mitofreq_estimate(_mt("Q", "263G", group="Z"), self.table)

    def test_real_table__rarest_position_by_hand(self) -> None:
        table = read_mitofreq_table(MT_DIR / "d_helix_refined_long.csv.gz",
                                    MT_DIR / "d_helix_TLHG_freq.csv")
        query = _mt("Q", "263G 477C 3010A 4769G 9150G 16519C", "1-16569", "H")

        estimate = mitofreq_estimate(query, table)

        with gzip.open(MT_DIR / "d_helix_refined_long.csv.gz", "rt") as handle:
            rows = [r for r in csv.DictReader(handle)
                    if r["TLHG"] == "H" and r["Position"] == str(estimate.position)
                    and r["Base"] == estimate.base]
        with (MT_DIR / "d_helix_TLHG_freq.csv").open() as handle:
            sizes = {r["TLHG"]: float(r["N"]) for r in csv.DictReader(handle)}
        n = sum(int(r["n"]) for r in rows)
        total = int(rows[0]["N_TLHG"])
        assert estimate.frequency == pytest.approx(sizes["H"] / sum(sizes.values())
                                                   * n / total, rel=1e-12)
        # The rarest base is one of the query's variants, not a reference base.
        assert f"{estimate.position}{estimate.base}" in str(query)
