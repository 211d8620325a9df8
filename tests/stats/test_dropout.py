"""Drop-out, drop-in and silent alleles: hand-worked values, properties, estimation of d."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reunite.errors import CaseError, InputError
from reunite.genetics.hypotheses import Hypothesis
from reunite.genetics.observation import DropoutModel
from reunite.genetics.pedigree import Pedigree, Person
from reunite.simulate import simulate_dropout, simulate_unrelated
from reunite.stats.dropout import (
    SILENT,
    dropout_log_likelihood,
    estimate_dropout,
    observation_probability,
)
from reunite.stats.likelihood import GenotypeData, KinshipMarker
from reunite.stats.lr import kinship_lr
from reunite.stats.mutation import MutationModel, MutationSpec, mutation_matrix

P_A, P_B, P_C = 0.2, 0.3, 0.5
ABC = ("a", "b", "c")


def _marker(silent: float = 0.0, mutation: bool = False) -> KinshipMarker:
    freqs = np.array([P_A, P_B, P_C])
    model = None
    if mutation:
        f = mutation_matrix(MutationSpec("equal", rate=0.01), ABC, freqs)
        m = mutation_matrix(MutationSpec("equal", rate=0.03), ABC, freqs)
        model = MutationModel(female=f, male=m)
    return KinshipMarker("M", ABC, freqs, model, silent_frequency=silent)


def _paternity() -> tuple[Hypothesis, Hypothesis]:
    h1 = Hypothesis("paternity", Pedigree((
        Person("AF", None, None, "male"), Person("MO", None, None, "female"),
        Person("CH", "AF", "MO", "female"))))
    h2 = Hypothesis("unrelated", Pedigree((
        Person("AF", None, None, "male"), Person("CH", None, None, "female"))))
    return h1, h2


def _observed_sets(alleles: Sequence[str], max_size: int = 3) -> list[tuple[str, ...]]:
    return [s for k in range(max_size + 1) for s in itertools.combinations(alleles, k)]


class TestHandWorked:
    """Single-marker values worked by hand (alleles a, b, c with p = 0.2, 0.3, 0.5)."""

    def test_heterozygous_father_child_seen_as_a(self) -> None:
        # AF a/b (complete); CH seen as {a} with d = 0.3, d_hom = d² = 0.09, no drop-in.
        # P({a} | a/a) = 1 − d_hom = 0.91;  P({a} | a/x) = d(1 − d) = 0.21 (x lost);
        # H1: AF passes a (½): CH a/a (p_a) or a/x (1 − p_a); AF passes b (½): CH b/a
        #     (p_a), any other child lacks a and cannot show {a}:
        #     ½[0.2·0.91 + 0.8·0.21] + ½[0.2·0.21] = 0.175 + 0.021 = 0.196.
        # H2: p_a²·0.91 + 2p_a(1 − p_a)·0.21 = 0.0364 + 0.0672 = 0.1036.
        # LR = 0.196 / 0.1036 = 1.8918918...; with d = 0 it would be 1/(2p_a) = 2.5.
        h1, h2 = _paternity()
        data: dict[str, dict[str, GenotypeData | None]] = {
            "AF": {"M": ("a", "b")}, "CH": {"M": ("a",)}}
        af = 2 * P_A * P_B  # AF's genotype probability, the same under both

        result = kinship_lr([h1, h2], [_marker()], data, dropout={"CH": DropoutModel(0.3)})

        assert math.isclose(result.likelihood("paternity", "M"), af * 0.196, rel_tol=1e-12)
        assert math.isclose(result.likelihood("unrelated", "M"), af * 0.1036, rel_tol=1e-12)
        assert math.isclose(result.total_lr(), 0.196 / 0.1036, rel_tol=1e-12)

    def test_heterozygous_father_child_seen_as_a__with_drop_in(self) -> None:
        # As above with drop-in c = 0.05 (x drawn with p): K = 1 − c + c·p_a = 0.96 keeps
        # {a} as it is, and c·p_a = 0.01 adds an a to an empty survivor set.
        # P({a} | a/a) = 0.91·0.96 + 0.09·0.01 = 0.8745
        # P({a} | a/x) = 0.21·0.96 + 0.09·0.01 = 0.2025   (x lost; or both lost, a in)
        # P({a} | x/y) = P({a} | x/x) = 0.09·0.01 = 0.0009 (all lost, a dropped in)
        # H1 = ½[0.2·0.8745 + 0.8·0.2025] + ½[0.2·0.2025 + 0.3·0.0009 + 0.5·0.0009]
        #    = 0.16845 + 0.02061 = 0.18906
        # H2 = 0.04·0.8745 + 0.32·0.2025 + (0.09 + 0.25)·0.0009 + 2·0.3·0.5·0.0009
        #    = 0.03498 + 0.0648 + 0.000306 + 0.00027 = 0.100356
        h1, h2 = _paternity()
        data: dict[str, dict[str, GenotypeData | None]] = {
            "AF": {"M": ("a", "b")}, "CH": {"M": ("a",)}}
        af = 2 * P_A * P_B

        result = kinship_lr([h1, h2], [_marker()], data,
                            dropout={"CH": DropoutModel(0.3, drop_in=0.05)})

        assert math.isclose(result.likelihood("paternity", "M"), af * 0.18906,
                            rel_tol=1e-12)
        assert math.isclose(result.likelihood("unrelated", "M"), af * 0.100356,
                            rel_tol=1e-12)
        assert math.isclose(result.total_lr(), 0.18906 / 0.100356, rel_tol=1e-12)

    def test_silent_allele_explains_an_apparent_paternity_exclusion(self) -> None:
        # AF typed a/a, CH typed b/b (complete profiles): without a silent allele an
        # exclusion. With a silent allele σ of frequency s = 0.05 (p' = p·(1 − s)):
        # AF a/a is a/a or a/σ, CH b/b is b/b or b/σ; only AF = a/σ passing σ (½) to a
        # child whose mother passes b (p'_b) is consistent:
        #   H1 = 2p'_a·s · ½ · p'_b = p'_a·s·p'_b
        #   H2 = (p'_a² + 2p'_a·s)(p'_b² + 2p'_b·s)
        #   LR = s / ((p'_a + 2s)(p'_b + 2s)) = 0.05 / (0.29 · 0.385) = 0.447828...
        h1, h2 = _paternity()
        data: dict[str, dict[str, GenotypeData | None]] = {
            "AF": {"M": ("a", "a")}, "CH": {"M": ("b", "b")}}
        s = 0.05
        pa, pb = P_A * (1 - s), P_B * (1 - s)

        excluded = kinship_lr([h1, h2], [_marker()], data)
        explained = kinship_lr([h1, h2], [_marker(silent=s)], data)

        assert excluded.total_lr() == 0.0
        assert math.isclose(explained.likelihood("paternity", "M"), pa * s * pb,
                            rel_tol=1e-12)
        assert math.isclose(explained.total_lr(), s / ((pa + 2 * s) * (pb + 2 * s)),
                            rel_tol=1e-12)
        assert math.isclose(explained.total_lr(), 0.05 / (0.29 * 0.385), rel_tol=1e-12)

    def test_nothing_seen_needs_drop_out_or_a_silent_allele(self) -> None:
        # A single person seen as {} (analysed, nothing): Σ_g P(g)·P({} | g) =
        # Σ hom p_x²·d_hom + Σ het 2p_x p_y·d² = d²·1 with d_hom = d² (= 0.04 at d = 0.2).
        one = Hypothesis("one", Pedigree((Person("X", None, None, "male"),)))
        other = Hypothesis("other", Pedigree((Person("X", None, None, "female"),)))
        data: dict[str, dict[str, GenotypeData | None]] = {"X": {"M": ()}}

        with_dropout = kinship_lr([one, other], [_marker()], data,
                                  dropout={"X": DropoutModel(0.2)})
        no_model = kinship_lr([one, other], [_marker()], data)
        silent = kinship_lr([one, other], [_marker(silent=0.1)], data)

        assert math.isclose(with_dropout.likelihood("one", "M"), 0.04, rel_tol=1e-12)
        assert no_model.likelihood("one", "M") == 0.0
        assert math.isclose(silent.likelihood("one", "M"), 0.1 ** 2, rel_tol=1e-12)


class TestObservationProbability:
    @settings(max_examples=60, deadline=None)
    @given(st.sampled_from([0.0, 0.05, 0.3]), st.floats(0, 1), st.floats(0, 1),
           st.sampled_from([0.0, 0.02, 0.4]), st.data())
    def test_sums_to_one_over_observed_sets(self, silent: float, d: float, h: float,
                                            c: float, data: st.DataObject) -> None:
        marker = _marker(silent=silent)
        alleles = [*ABC, SILENT] if silent > 0 else list(ABC)
        genotype = (data.draw(st.sampled_from(alleles)), data.draw(st.sampled_from(alleles)))
        model = DropoutModel(d, h, c)

        total = math.fsum(observation_probability(o, genotype, marker, model)
                          for o in _observed_sets(ABC))

        assert math.isclose(total, 1.0, rel_tol=1e-12)

    def test_zero_model_is_the_genotype_indicator(self) -> None:
        marker = _marker(silent=0.1)
        zero = DropoutModel(0.0)

        assert observation_probability(("a", "b"), ("b", "a"), marker, zero) == 1.0
        assert observation_probability(("a",), ("a", "a"), marker, zero) == 1.0
        assert observation_probability(("a",), ("a", SILENT), marker, zero) == 1.0
        assert observation_probability((), (SILENT, SILENT), marker, zero) == 1.0
        assert observation_probability(("a",), ("a", "b"), marker, zero) == 0.0

    def test_unknown_allele_is_an_error(self) -> None:
        with pytest.raises(CaseError) as info:
            observation_probability(("z",), ("a", "a"), _marker(), DropoutModel(0.1))

        assert info.value.value == "z"


class TestProperLikelihoodRatio:
    """E[LR | H2] = 1: Σ over every possible observation of P(data | H2)·LR = 1."""

    @settings(max_examples=15, deadline=None)
    @given(st.floats(0, 1), st.floats(0, 1), st.sampled_from([0.0, 0.1]), st.booleans(),
           st.sampled_from([0.01, 0.2]))
    def test_paternity_expectation_of_lr_under_h2(self, d_af: float, d_ch: float,
                                                  silent: float, mutation: bool,
                                                  c: float) -> None:
        self._check(d_af, d_ch, silent, 0.0, mutation, c)

    def test_paternity_expectation_of_lr_under_h2__theta(self) -> None:
        self._check(0.3, 0.6, 0.1, 0.03, True, 0.05)

    def _check(self, d_af: float, d_ch: float, silent: float, theta: float, mutation: bool,
               c: float) -> None:
        h1, h2 = _paternity()
        marker = _marker(silent=silent, mutation=mutation)
        dropout = {"AF": DropoutModel(d_af, drop_in=c), "CH": DropoutModel(d_ch, drop_in=c)}
        p1 = p2 = expectation = 0.0
        for o_af, o_ch in itertools.product(_observed_sets(ABC), repeat=2):
            data: dict[str, dict[str, GenotypeData | None]] = {
                "AF": {"M": o_af}, "CH": {"M": o_ch}}
            result = kinship_lr([h1, h2], [marker], data, theta=theta, dropout=dropout,
                                find_inconsistencies=False)
            l1 = result.likelihood("paternity", "M")
            l2 = result.likelihood("unrelated", "M")
            p1 += l1
            p2 += l2
            if l2 > 0:  # data impossible under H2 never occur under it
                expectation += l2 * result.total_lr()

        assert math.isclose(p1, 1.0, rel_tol=1e-12)
        assert math.isclose(p2, 1.0, rel_tol=1e-12)
        assert math.isclose(expectation, 1.0, rel_tol=1e-12)

    def test_missing_person_expectation_over_the_poi_observations(self) -> None:
        from reunite.stats.missing_person import missing_person_lr

        family = Pedigree((Person("FA", None, None, "male"),
                           Person("MO", None, None, "female"),
                           Person("MP", "FA", "MO", "male"),
                           Person("S1", "FA", "MO", "female")))
        marker = _marker(silent=0.05, mutation=True)
        family_data: dict[str, dict[str, GenotypeData | None]] = {
            "MO": {"M": ("a", "b")}, "S1": {"M": ("b",)}}
        dropout = {"S1": DropoutModel(0.4), "POI": DropoutModel(0.3, 0.2, 0.05)}
        expectation = 0.0
        for o in _observed_sets(ABC):
            result = missing_person_lr(family, "MP", {"M": o}, family_data, [marker],
                                       dropout=dropout)
            family_alone = kinship_lr(
                [Hypothesis("f", family), Hypothesis("g", family)], [marker],
                family_data, dropout={"S1": dropout["S1"]}).likelihood("f", "M")
            p_h2 = result.likelihood("POI is unrelated", "M") / family_alone
            expectation += p_h2 * result.total_lr()

        assert math.isclose(expectation, 1.0, rel_tol=1e-12)


class TestKinshipLrWithDropout:
    def test_zero_model_and_no_model_agree_exactly(self) -> None:
        h1, h2 = _paternity()
        data: dict[str, dict[str, GenotypeData | None]] = {
            "AF": {"M": ("a", "b")}, "CH": {"M": ("a", "c")}}

        plain = kinship_lr([h1, h2], [_marker(mutation=True)], data)
        zero = kinship_lr([h1, h2], [_marker(mutation=True)], data,
                          dropout={"AF": DropoutModel(0.0), "CH": DropoutModel(0.0)})

        assert plain.log_likelihoods == zero.log_likelihoods
        assert dict(plain.provenance.parameters) == dict(zero.provenance.parameters)

    def test_provenance_records_the_model(self) -> None:
        h1, h2 = _paternity()
        data: dict[str, dict[str, GenotypeData | None]] = {
            "AF": {"M": ("a", "b")}, "CH": {"M": ("a",)}}

        result = kinship_lr([h1, h2], [_marker(silent=0.01)], data,
                            dropout={"CH": DropoutModel(0.3)})

        params = dict(result.provenance.parameters)
        assert params["dropout"] == (("CH", (("drop_in", 0.0), ("dropout", 0.3),
                                              ("dropout_homozygous", 0.09))),)
        assert params["silent_frequency"] == (("M", 0.01),)

    def test_half_typed_allele_with_dropout_is_an_error(self) -> None:
        h1, h2 = _paternity()
        data: dict[str, dict[str, GenotypeData | None]] = {
            "AF": {"M": ("a", "b")}, "CH": {"M": ("a", None)}}

        with pytest.raises(CaseError) as info:
            kinship_lr([h1, h2], [_marker()], data, dropout={"CH": DropoutModel(0.3)})

        assert info.value.sample == "CH"
        assert info.value.marker == "M"

    def test_three_alleles_need_drop_in(self) -> None:
        h1, h2 = _paternity()
        data: dict[str, dict[str, GenotypeData | None]] = {
            "AF": {"M": ("a", "b")}, "CH": {"M": ("a", "b", "c")}}

        with pytest.raises(CaseError, match="drop-in"):
            kinship_lr([h1, h2], [_marker()], data, dropout={"CH": DropoutModel(0.3)})
        with_drop_in = kinship_lr([h1, h2], [_marker()], data,
                                  dropout={"CH": DropoutModel(0.3, drop_in=0.1)})
        assert with_drop_in.total_lr() > 0

    def test_dropout_person_outside_every_hypothesis_is_an_error(self) -> None:
        h1, h2 = _paternity()

        with pytest.raises(CaseError) as info:
            kinship_lr([h1, h2], [_marker()], {"AF": {"M": ("a", "b")}},
                       dropout={"ZZ": DropoutModel(0.3)})

        assert info.value.value == "ZZ"

    def test_model_values_are_validated(self) -> None:
        for bad in ({"dropout": 1.5}, {"dropout": 0.1, "dropout_homozygous": -0.1},
                    {"dropout": 0.1, "drop_in": 1.0}, {"dropout": True}):
            with pytest.raises(InputError):
                DropoutModel(**bad)  # type: ignore[arg-type]


class _Table:
    """The simulator's view of a list of markers (AlleleFrequencies protocol)."""

    def __init__(self, markers: Sequence[KinshipMarker]) -> None:
        self._markers = {m.name: m for m in markers}

    @property
    def markers(self) -> tuple[str, ...]:
        return tuple(self._markers)

    def alleles(self, marker: str) -> tuple[str, ...]:
        return self._markers[marker].alleles

    def frequency(self, marker: str, allele: str) -> float:
        m = self._markers[marker]
        return float(m.frequencies[m.index[allele]])


@pytest.fixture(scope="module")
def norwegian_markers() -> list[KinshipMarker]:
    from reunite.io.kinship_case import read_cases
    from support.shared_paths import REFERENCE_CASES_DIR

    cases, _ = read_cases(REFERENCE_CASES_DIR / "mp_four_relatives_poi_unrelated.json")
    return list(cases[0].markers)


class TestEstimateDropout:
    @pytest.mark.parametrize(("d", "c"), [(0.2, 0.0), (0.4, 0.0), (0.6, 0.0), (0.3, 0.05)])
    def test_recovers_known_d_within_its_standard_error(
            self, d: float, c: float, norwegian_markers: list[KinshipMarker]) -> None:
        """300 profiles of 20 loci simulated with a known d: the estimates centre on d,
        their spread is the stated standard error, and d ± 1.96·SE covers d ~95%."""
        table = _Table(norwegian_markers)
        truth = simulate_unrelated(table, 300, seed=11)
        seen = simulate_dropout(truth, table, d, drop_in=c, seed=12)
        estimates = [estimate_dropout(seen.observed_sets(i), norwegian_markers, drop_in=c)
                     for i in range(len(seen))]
        values = np.array([e.dropout for e in estimates])
        errors = np.array([e.standard_error for e in estimates])
        coverage = float(np.mean(np.abs(values - d) <= 1.96 * errors))

        assert abs(values.mean() - d) <= 3 * values.std() / math.sqrt(len(values))
        assert 0.8 <= values.std() / errors.mean() <= 1.25
        assert 0.88 <= coverage <= 0.985

    def test_complete_profile_estimates_zero_at_the_boundary(
            self, norwegian_markers: list[KinshipMarker]) -> None:
        observed = {m.name: (m.alleles[0], m.alleles[1]) for m in norwegian_markers}

        est = estimate_dropout(observed, norwegian_markers)

        assert est.dropout == 0.0
        assert est.at_boundary
        assert est.n_loci == 20
        assert est.to_dict()["source"] == "estimate"
        assert "maximum likelihood" in est.method

    def test_estimate_maximises_the_profile_likelihood(
            self, norwegian_markers: list[KinshipMarker]) -> None:
        m = norwegian_markers
        observed = {m[0].name: (m[0].alleles[3],), m[1].name: (), m[2].name: (
            m[2].alleles[1], m[2].alleles[4]), m[3].name: (m[3].alleles[2],),
            m[4].name: ()}

        est = estimate_dropout(observed, m)

        assert 0.0 < est.dropout < 1.0
        assert est.n_loci_failed == 2
        assert est.n_loci_one_allele == 2
        best = est.log_likelihood
        for delta in (-1e-3, 1e-3):
            assert dropout_log_likelihood(observed, m, est.dropout + delta) < best
        assert math.isclose(dropout_log_likelihood(observed, m, est.dropout), best,
                            rel_tol=1e-12)
        assert est.model() == DropoutModel(est.dropout)

    @pytest.mark.parametrize("silent", [0.0, 0.05])
    def test_profile_likelihood_is_the_engines_single_person_likelihood(
            self, silent: float) -> None:
        """The estimator's P(O | d) per locus = the exact engine's likelihood of one
        person with that DropoutModel, for every observed set (three alleles too)."""
        marker = _marker(silent=silent)
        one = Hypothesis("one", Pedigree((Person("X", None, None, "male"),)))
        other = Hypothesis("other", Pedigree((Person("X", None, None, "female"),)))
        for d, c in ((0.0, 0.1), (0.35, 0.0), (0.8, 0.2)):
            for o in _observed_sets(ABC):
                if len(o) == 3 and c == 0:
                    continue
                data: dict[str, dict[str, GenotypeData | None]] = {"X": {"M": o}}
                engine = kinship_lr([one, other], [marker], data,
                                    dropout={"X": DropoutModel(d, drop_in=c)},
                                    find_inconsistencies=False).likelihood("one", "M")

                mine = dropout_log_likelihood({"M": o}, [marker], d, drop_in=c)

                assert math.isclose(math.exp(mine), engine, rel_tol=1e-12, abs_tol=1e-300)

    def test_unknown_marker_and_three_alleles_are_errors(
            self, norwegian_markers: list[KinshipMarker]) -> None:
        m = norwegian_markers[0]

        with pytest.raises(CaseError) as info:
            estimate_dropout({"NOPE": ("1",)}, norwegian_markers)
        assert info.value.marker == "NOPE"
        with pytest.raises(CaseError, match="drop"):
            estimate_dropout({m.name: m.alleles[:3]}, norwegian_markers)
        with pytest.raises(CaseError):
            estimate_dropout({}, norwegian_markers)
