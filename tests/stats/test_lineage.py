"""Y-STR lineage statistics: counting, Clopper–Pearson, Brenner's κ, the discrete Laplace
model (against the published disclapmix fits) and the mutation-aware lineage LR."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.lineage_brute import (
    best_medoids,
    binomial_upper,
    mixture_log_likelihood,
    step_probability,
)
from reunite.errors import InputError
from reunite.genetics.haplotypes import YHRD_MUTATION_RATES
from reunite.genetics.profile import YHaplotype
from reunite.io.haplotypes import read_y_haplotype_table
from reunite.stats import _disclap
from reunite.stats.lineage import (
    clopper_pearson_upper,
    count_haplotype,
    discrete_laplace_matrix,
    fit_discrete_laplace,
    lineage_lr,
    lineage_mutation_probability,
    match_statistics,
    select_discrete_laplace,
    stepwise_difference_probability,
)
from support.shared_paths import DATA_DIR

LINEAGE_DATA = Path(__file__).resolve().parents[1] / "data" / "lineage"
DANES = DATA_DIR / "y-str" / "disclapmix_danes_Hallenberg2005.txt"


def _h(id: str, **alleles: str) -> YHaplotype:
    return YHaplotype.from_mapping(id, alleles, allow_duplications=True)


@pytest.fixture(scope="module")
def danes() -> tuple[YHaplotype, ...]:
    return read_y_haplotype_table(DANES).haplotypes


@pytest.fixture(scope="module")
def published() -> dict[str, object]:
    return json.loads((LINEAGE_DATA / "disclapmix_danes_published.json").read_text())


class TestClopperPearson:
    def test_zero_matches__swgdam_closed_form(self) -> None:
        # 1 − 0.05^(1/N) for x = 0: with N = 185, 0.0160625...
        assert clopper_pearson_upper(0, 185) == pytest.approx(1 - 0.05 ** (1 / 185),
                                                               rel=1e-12)
        assert clopper_pearson_upper(0, 1) == pytest.approx(0.95, rel=1e-12)

    def test_one_of_ten__by_hand(self) -> None:
        # (1 − p)^10 + 10 p (1 − p)^9 = 0.05 at the bound.
        p = clopper_pearson_upper(1, 10)

        assert (1 - p) ** 10 + 10 * p * (1 - p) ** 9 == pytest.approx(0.05, rel=1e-10)

    def test_all_match__bound_is_one(self) -> None:
        assert clopper_pearson_upper(7, 7) == 1.0

    def test_against_r_binom_test(self) -> None:
        with (LINEAGE_DATA / "clopper_pearson.csv").open() as handle:
            rows = list(csv.DictReader(handle))

        assert len(rows) > 30
        for row in rows:
            x, n, conf = int(float(row["x"])), int(float(row["n"])), float(row["conf"])
            assert clopper_pearson_upper(x, n, confidence=conf) == pytest.approx(
                float(row["upper"]), rel=1e-9), row

    @settings(max_examples=25, deadline=None)
    @given(st.integers(1, 40).flatmap(lambda n: st.tuples(st.integers(0, n - 1),
                                                          st.just(n))),
           st.sampled_from([0.9, 0.95, 0.99]))
    def test_against_exact_binomial_bisection(self, xn: tuple[int, int],
                                              conf: float) -> None:
        x, n = xn

        assert clopper_pearson_upper(x, n, confidence=conf) == pytest.approx(
            binomial_upper(x, n, conf), rel=1e-9, abs=1e-15)

    @pytest.mark.parametrize(("x", "n", "conf"), [(-1, 5, 0.95), (6, 5, 0.95), (0, 0, 0.95),
                                                   (1, 5, 1.0)])
    def test_bad_input__refused(self, x: int, n: int, conf: float) -> None:
        with pytest.raises(InputError):
            clopper_pearson_upper(x, n, confidence=conf)


class TestCountingExamples:
    database = (
        _h("A", DYS19="14", DYS385="11,14", DYS390="24"),
        _h("B", DYS19="14", DYS385="14,11", DYS390="24"),
        _h("C", DYS19="15", DYS385="11,14", DYS390="24"),
        _h("D", DYS19="14", DYS385="11,14"),
        _h("E", DYS19="14,15", DYS385="11,14", DYS390="24"),
        _h("F", DYS19="null", DYS385="11,14", DYS390="24"),
    )

    def test_count__unordered_copies_and_untyped_left_out(self) -> None:
        query = _h("Q", DYS19="14", DYS385="14,11", DYS390="24")

        count = count_haplotype(query, self.database)

        assert (count.matches, count.database_size, count.untyped) == (2, 5, 1)
        # A=B is seen twice; C, E and F once each.
        assert count.singletons == 3

    def test_count__null_and_duplication_match_only_themselves(self) -> None:
        assert count_haplotype(_h("Q", DYS19="null"), self.database).matches == 1
        assert count_haplotype(_h("Q", DYS19="15,14"), self.database).matches == 1

    def test_statistics__every_estimator_by_hand(self) -> None:
        query = _h("Q", DYS19="14", DYS385="11,14", DYS390="24")

        stats = match_statistics(query, self.database)

        assert stats.frequency == 2 / 5
        assert stats.augmented_counting == 3 / 6
        assert stats.balding_nichols == 4 / 7
        assert stats.kappa == 3 / 5
        assert stats.brenner_kappa is None
        assert stats.upper_bound == pytest.approx(binomial_upper(2, 5, 0.95), rel=1e-9)

    def test_statistics__unseen_haplotype_brenner_kappa(self) -> None:
        query = _h("Q", DYS19="16", DYS385="11,14", DYS390="24")

        stats = match_statistics(query, self.database)

        assert stats.matches == 0
        assert stats.upper_bound == pytest.approx(1 - 0.05 ** (1 / 5), rel=1e-12)
        assert stats.brenner_kappa == pytest.approx((1 - 3 / 5) / 5, rel=1e-15)

    def test_statistics__loci_restrict_the_comparison(self) -> None:
        query = _h("Q", DYS19="15", DYS385="11,14", DYS390="24")

        assert match_statistics(query, self.database, loci=["DYS385"]).matches == 6
        assert match_statistics(query, self.database).matches == 1

    def test_no_database_haplotype_typed__refused(self) -> None:
        with pytest.raises(InputError, match="typed at every compared locus"):
            count_haplotype(_h("Q", DYS438="12"), self.database)

    def test_query_locus_missing__refused(self) -> None:
        with pytest.raises(InputError, match="not typed in the query"):
            count_haplotype(_h("Q", DYS19="14"), self.database, loci=["DYS390"])


class TestStepwiseMutation:
    def test_one_meiosis__by_hand(self) -> None:
        mu = 0.0022374145431945307  # DYS19, YHRD 36/16090

        assert stepwise_difference_probability(0, 1, mu) == 1 - mu
        assert stepwise_difference_probability(1, 1, mu) == mu / 2
        assert stepwise_difference_probability(-1, 1, mu) == mu / 2
        assert stepwise_difference_probability(2, 1, mu) == 0.0

    def test_two_meioses__by_hand(self) -> None:
        mu = 0.01

        assert stepwise_difference_probability(0, 2, mu) == pytest.approx(
            (1 - mu) ** 2 + mu**2 / 2, rel=1e-15)
        assert stepwise_difference_probability(1, 2, mu) == pytest.approx(
            mu * (1 - mu), rel=1e-15)
        assert stepwise_difference_probability(-2, 2, mu) == pytest.approx(mu**2 / 4,
                                                                            rel=1e-15)
        assert stepwise_difference_probability(3, 2, mu) == 0.0

    @settings(max_examples=60, deadline=None)
    @given(st.integers(-6, 6), st.integers(1, 6), st.floats(0.0, 0.5))
    def test_equals_path_enumeration(self, d: int, m: int, mu: float) -> None:
        assert stepwise_difference_probability(d, m, mu) == pytest.approx(
            step_probability(d, m, mu), rel=1e-9, abs=1e-300)

    @pytest.mark.parametrize("m", [1, 2, 3, 5, 8])
    def test_distribution_sums_to_one(self, m: int) -> None:
        assert math.fsum(stepwise_difference_probability(d, m, 0.3)
                         for d in range(-m, m + 1)) == pytest.approx(1.0, rel=1e-14)


class TestLineageLRExamples:
    rates: ClassVar[dict[str, float]] = {"DYS19": 0.002, "DYS390": 0.004, "DYS385": 0.001}

    def test_father_son_match__one_meiosis_by_hand(self) -> None:
        son = _h("U", DYS19="14", DYS390="24", DYS385="11,14")
        father = _h("R", DYS19="14", DYS390="24", DYS385="14,11")

        mutation = lineage_mutation_probability(son, father, meioses=1, rates=self.rates)

        # Two copies of DYS385: both unchanged (the pairing 11→14, 14→11 needs ±3 steps).
        expected = (1 - 0.002) * (1 - 0.004) * (1 - 0.001) ** 2
        assert mutation.probability == pytest.approx(expected, rel=1e-15)

    def test_father_son_one_step__one_meiosis_by_hand(self) -> None:
        son = _h("U", DYS19="15", DYS390="24", DYS385="11,14")
        father = _h("R", DYS19="14", DYS390="24", DYS385="11,14")

        mutation = lineage_mutation_probability(son, father, meioses=1, rates=self.rates)

        expected = (0.002 / 2) * (1 - 0.004) * (1 - 0.001) ** 2
        assert mutation.probability == pytest.approx(expected, rel=1e-15)
        assert mutation.differences["DYS19"] == (1.0,)

    def test_brothers_one_step__two_meioses_by_hand(self) -> None:
        brother = _h("U", DYS19="14", DYS390="23", DYS385="11,14")
        reference = _h("R", DYS19="14", DYS390="24", DYS385="11,14")

        mutation = lineage_mutation_probability(brother, reference, meioses=2,
                                                rates=self.rates)

        p_same = {m: (1 - mu) ** 2 + mu**2 / 2 for m, mu in self.rates.items()}
        expected = p_same["DYS19"] * (0.004 * (1 - 0.004)) * p_same["DYS385"] ** 2
        assert mutation.probability == pytest.approx(expected, rel=1e-14)

    def test_multi_copy__sums_over_pairings(self) -> None:
        # Reference 11,12; query 12,13: 11→12 and 12→13, or 11→13 and 12→12.
        query, reference = _h("U", DYS385="12,13"), _h("R", DYS385="11,12")
        mu, m = 0.001, 2
        one = stepwise_difference_probability

        mutation = lineage_mutation_probability(query, reference, meioses=m,
                                                rates={"DYS385": mu})

        expected = one(1, m, mu) ** 2 + one(2, m, mu) * one(0, m, mu)
        assert mutation.probability == pytest.approx(expected, rel=1e-14)

    def test_multi_copy__equal_alleles_counted_once(self) -> None:
        query, reference = _h("U", DYS385="13,13"), _h("R", DYS385="13,13")

        mutation = lineage_mutation_probability(query, reference, meioses=1,
                                                rates={"DYS385": 0.001})

        assert mutation.probability == pytest.approx((1 - 0.001) ** 2, rel=1e-15)

    def test_null_or_duplication_or_partial_repeat__incompatible(self) -> None:
        reference = _h("R", DYS19="14", DYS390="24", DYS385="11,14")
        query = _h("U", DYS19="null", DYS390="24.2", DYS385="11,14,15")

        mutation = lineage_mutation_probability(query, reference, meioses=3,
                                                rates=self.rates)

        assert mutation.probability == 0.0
        assert set(mutation.incompatible) == {"DYS19", "DYS390", "DYS385"}

    def test_lr__mutation_probability_over_upper_bound(self) -> None:
        son = _h("U", DYS19="14", DYS390="24")
        father = _h("R", DYS19="14", DYS390="24")
        database = [_h(f"D{i}", DYS19=str(12 + i % 5), DYS390=str(20 + i % 7))
                    for i in range(40)]

        result = lineage_lr(son, father, database, meioses=1,
                            rates={"DYS19": 0.002, "DYS390": 0.004})

        count = count_haplotype(son, database)
        p = (1 - 0.002) * (1 - 0.004)
        assert result.lr == pytest.approx(
            p / clopper_pearson_upper(count.matches, 40), rel=1e-12)
        assert result.lr_estimates["counting"] == pytest.approx(p / (count.matches / 40))
        assert result.lr_estimates["balding_nichols"] == pytest.approx(
            p * 42 / (count.matches + 2))

    def test_lr__yhrd_rates_by_default(self) -> None:
        son = _h("U", DYS19="14", DYS438="12")
        father = _h("R", DYS19="15", DYS438="12")

        mutation = lineage_mutation_probability(son, father, meioses=1)

        expected = (36 / 16090 / 2) * (1 - 4 / 10673)
        assert mutation.probability == pytest.approx(expected, rel=1e-15)
        assert mutation.rates["DYS19"] == YHRD_MUTATION_RATES["DYS19"].rate

    def test_lr__locus_without_rate_refused(self) -> None:
        with pytest.raises(InputError, match="no mutation rate") as info:
            lineage_mutation_probability(_h("U", Yindel="1"), _h("R", Yindel="1"),
                                         meioses=1)

        assert info.value.marker == "Yindel"

    def test_lr__compared_over_loci_typed_in_both(self) -> None:
        son = _h("U", DYS19="14", DYS390="24")
        father = _h("R", DYS19="14")

        mutation = lineage_mutation_probability(son, father, meioses=1, rates=self.rates)

        assert mutation.loci == ("DYS19",)

    @pytest.mark.parametrize("m", [0, -1])
    def test_lr__meioses_must_be_positive(self, m: int) -> None:
        with pytest.raises(InputError):
            lineage_mutation_probability(_h("U", DYS19="14"), _h("R", DYS19="14"),
                                         meioses=m)


class TestDiscreteLaplacePublished:
    """Reproduce the fits printed in the disclapmix documentation (Danish haplotypes)."""

    def test_pam_medoids__equal_r_cluster_pam(self, danes: tuple[YHaplotype, ...]) -> None:
        x, w, names, _ = discrete_laplace_matrix(danes, read_y_haplotype_table(DANES).loci)
        with (LINEAGE_DATA / "danes_pam_medoids.csv").open() as handle:
            rows = list(csv.DictReader(handle))

        for k in range(2, 6):
            expected = sorted(tuple(int(r[c]) for c in names) for r in rows
                              if r["k"] == str(k))
            assert sorted(map(tuple, x[_disclap.pam(x, w, k)].tolist())) == expected

    def test_bic_and_iterations__one_to_nine_clusters(
        self, danes: tuple[YHaplotype, ...], published: dict[str, list[float]]
    ) -> None:
        fits = [fit_discrete_laplace(danes, clusters=k) for k in range(1, 10)]

        assert [round(f.bic, 3) for f in fits] == published["bic_marginal"]
        assert [f.iterations for f in fits] == published["em_iterations"]
        assert [f.parameters for f in fits] == published["model_parameters"]

    def test_best_fit__four_clusters_centres_and_dispersions(
        self, danes: tuple[YHaplotype, ...], published: dict[str, list[list[float]]]
    ) -> None:
        best = select_discrete_laplace(danes).best
        order = [best.centers.index(tuple(c)) for c in published["best_centers"]]

        assert best.clusters == 4
        assert list(best.columns) == published["loci"]
        assert sorted(best.centers) == sorted(tuple(c) for c in published["best_centers"])
        for row, expected in zip(order, published["best_dispersion"], strict=True):
            # The vignette prints 7 significant digits.
            assert best.dispersion[row] == pytest.approx(expected, rel=5e-7)

    def test_likelihood__never_decreases(self, danes: tuple[YHaplotype, ...]) -> None:
        for k in (2, 4, 6):
            trace = np.array(fit_discrete_laplace(danes, clusters=k, tolerance=1e-8).trace)

            assert len(trace) > 5
            assert np.all(np.diff(trace) >= -1e-9 * np.abs(trace[1:]))

    def test_tighter_tolerance__converges_to_a_higher_likelihood(
        self, danes: tuple[YHaplotype, ...]
    ) -> None:
        loose = fit_discrete_laplace(danes, clusters=4)
        tight = fit_discrete_laplace(danes, clusters=4, tolerance=1e-10,
                                     max_iterations=2000)

        assert tight.log_likelihood >= loose.log_likelihood
        assert tight.log_likelihood - loose.log_likelihood < 0.05
        assert tight.converged


class TestDiscreteLaplaceBruteForce:
    def small(self, seed: int) -> list[YHaplotype]:
        rng = np.random.default_rng(seed)
        centres = np.array([[14, 12, 29], [16, 14, 31]])
        out = []
        for i in range(30):
            c = centres[i % 2]
            steps = rng.geometric(0.7, size=3) - 1
            signs = rng.choice([-1, 1], size=3)
            row = c + steps * signs
            out.append(_h(f"M{i}", DYS19=str(row[0]), DYS390=str(row[1] + 10),
                          DYS391=str(row[2] - 19)))
        return out

    @pytest.mark.parametrize("seed", [1, 2, 3])
    def test_log_likelihood__equals_loops(self, seed: int) -> None:
        database = self.small(seed)

        for k in (1, 2, 3):
            fit = fit_discrete_laplace(database, clusters=k)
            x, w, _, _ = discrete_laplace_matrix(database, fit.markers)
            expected = mixture_log_likelihood(x.tolist(), w.tolist(), fit.centers,
                                              fit.dispersion, fit.tau)

            assert fit.log_likelihood == pytest.approx(expected, rel=1e-9)
            assert fit.bic == pytest.approx(
                fit.parameters * math.log(30 * 3) - 2 * expected, rel=1e-9)

    @pytest.mark.parametrize("seed", [1, 2, 3])
    def test_likelihood__monotone_on_small_data(self, seed: int) -> None:
        trace = np.array(fit_discrete_laplace(self.small(seed), clusters=2,
                                              tolerance=1e-9).trace)

        assert np.all(np.diff(trace) >= -1e-9 * np.abs(trace[1:]))

    def test_m_step__is_the_maximum(self) -> None:
        rng = np.random.default_rng(7)
        W = rng.uniform(5, 50, size=3)
        S = rng.uniform(0.5, 20, size=(3, 4))
        a, b, logp = _disclap.m_step(W, S)

        def objective(logp: np.ndarray) -> float:
            p = np.exp(logp)
            return float((W[:, None] * np.log((1 - p) / (1 + p)) + S * logp).sum())

        best = objective(logp)
        for _ in range(200):
            da, db = rng.normal(0, 0.05, 4), rng.normal(0, 0.05, 3)
            trial = logp + da[None, :] + db[:, None]
            if np.all(trial < 0):
                assert objective(trial) <= best + 1e-12
        # The score is zero: the expected |d| per locus and cluster margin equals S.
        p = np.exp(logp)
        mean = 2 * p / (1 - p**2)
        assert np.allclose((W[:, None] * mean).sum(axis=0), S.sum(axis=0), rtol=1e-10)
        assert np.allclose((W[:, None] * mean).sum(axis=1), S.sum(axis=1), rtol=1e-10)

    def test_m_step__locus_without_variation_has_p_zero(self) -> None:
        W = np.array([10.0, 5.0])
        S = np.array([[3.0, 0.0], [2.0, 0.0]])

        _, _, logp = _disclap.m_step(W, S)

        assert np.all(np.isneginf(logp[:, 1]))
        assert np.all(np.isfinite(logp[:, 0]))

    @pytest.mark.parametrize("seed", [1, 2])
    def test_pam__finds_the_best_medoids_on_small_data(self, seed: int) -> None:
        database = self.small(seed)[:12]
        x, w, _, _ = discrete_laplace_matrix(database, ["DYS19", "DYS390", "DYS391"])

        for k in (1, 2, 3):
            medoids = _disclap.pam(x, w, k)
            D = np.abs(x[:, None, :] - x[None, medoids, :]).sum(axis=2)
            cost = float((w * D.min(axis=1)).sum())

            assert cost == pytest.approx(best_medoids(x.tolist(), w.tolist(), k))

    def test_probabilities__sum_to_one_over_all_haplotypes(self) -> None:
        fit = fit_discrete_laplace(self.small(2), clusters=2)
        lows = np.array(fit.centers).min(axis=0) - 25
        grid = np.stack(np.meshgrid(*[np.arange(lo, lo + 55) for lo in lows],
                                    indexing="ij"), axis=-1).reshape(-1, 3)

        assert float(fit.probabilities(grid.astype(np.int64)).sum()) == pytest.approx(
            1.0, rel=1e-9)

    def test_probability__none_outside_the_model(self) -> None:
        fit = fit_discrete_laplace(self.small(1), clusters=2)

        assert fit.probability(_h("Q", DYS19="14.2", DYS390="22", DYS391="10")) is None
        assert fit.probability(_h("Q", DYS19="14", DYS390="22")) is None
        assert 0 < (fit.probability(_h("Q", DYS19="14", DYS390="22", DYS391="10")) or 0) < 1

    def test_statistics__discrete_laplace_beside_the_others(self) -> None:
        database = self.small(1)
        fit = fit_discrete_laplace(database, clusters=2)
        query = _h("Q", DYS19="14", DYS390="22", DYS391="10")

        stats = match_statistics(query, database, discrete_laplace=fit)

        assert stats.discrete_laplace == fit.probability(query)

    def test_multi_copy_locus__two_sorted_columns(self) -> None:
        database = [_h(f"M{i}", DYS385=f"{11 + i % 3},{14 + i % 2}", DYS19="14")
                    for i in range(12)]

        x, _, names, _ = discrete_laplace_matrix(database, ["DYS385", "DYS19"])

        assert names == ("DYS385a", "DYS385b", "DYS19")
        assert np.all(x[:, 0] <= x[:, 1])

    @pytest.mark.parametrize("clusters", [0, 99])
    def test_bad_clusters__refused(self, clusters: int) -> None:
        with pytest.raises(InputError):
            fit_discrete_laplace(self.small(1), clusters=clusters)
