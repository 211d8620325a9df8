"""X-linked markers in the exact engine: hand-worked LRs, errors, missing-person tables.

Every expected value is written out with its arithmetic. Alleles a, b, c, d have
frequencies p = (0.1, 0.2, 0.3, 0.4). On the X a father passes his one X to every
daughter (none to a son); a mother passes one of her two X alleles (½ each) to every
child; males are hemizygous. The brute-force enumeration agreement (random pedigrees,
both sexes, mutation, θ, drop-out) is in ``tests/reference/test_x_brute_force.py``; the
side-by-side with R pedprobr in ``test_x_pedprobr_cases``.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from reunite.errors import CaseError
from reunite.genetics.hypotheses import Hypothesis
from reunite.genetics.observation import DropoutModel
from reunite.genetics.pedigree import Pedigree
from reunite.io.kinship_case import parse_case, read_cases
from reunite.services.kinship import answer_json, solve_kinship_case
from reunite.stats.genotypes import genotype_index, n_genotypes
from reunite.stats.likelihood import GenotypeData, KinshipMarker, pedigree_likelihood
from reunite.stats.lr import kinship_lr
from reunite.stats.missing_person import (
    encode_family,
    missing_person_genotype_table,
    missing_person_lr,
    missing_person_lr_codes,
    missing_person_observation_table,
    observed_set_index,
)
from reunite.stats.mutation import MutationModel, MutationSpec, mutation_matrix

ALLELES = ("a", "b", "c", "d")
P = dict(zip(ALLELES, (0.1, 0.2, 0.3, 0.4), strict=True))
FREQS = np.array([P[a] for a in ALLELES])
RTOL = 1e-9


def x_marker(name: str = "X1", *, female_rate: float | None = None,
             male_rate: float | None = None, silent: float = 0.0) -> KinshipMarker:
    mutation = None
    if female_rate is not None or male_rate is not None:
        mats = [mutation_matrix(MutationSpec("equal", rate=r or 0.0), ALLELES, FREQS)
                for r in (female_rate, male_rate)]
        mutation = MutationModel(female=mats[0], male=mats[1])
    return KinshipMarker(name, ALLELES, FREQS, mutation, silent_frequency=silent,
                         chromosome="X")


def ped(*rows: tuple[str, str | None, str | None, str]) -> Pedigree:
    return Pedigree.from_records(rows)


def lr(h1: Pedigree, h2: Pedigree, data: dict[str, dict[str, GenotypeData | None]],
       marker: KinshipMarker, **kwargs: Any) -> float:
    result = kinship_lr([Hypothesis("H1", h1), Hypothesis("H2", h2)], [marker], data,
                        **kwargs)
    return result.total_lr()


def at(data: dict[str, dict[str, GenotypeData | None]], marker: str = "X1"
       ) -> dict[str, GenotypeData | None]:
    """One marker's data, as :func:`pedigree_likelihood` takes them."""
    return {p: g.get(marker) for p, g in data.items()}


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=RTOL, abs_tol=0.0)


PATERNAL_HALF_SISTERS = ped(("F", None, None, "male"), ("M1", None, None, "female"),
                            ("M2", None, None, "female"), ("S1", "F", "M1", "female"),
                            ("S2", "F", "M2", "female"))
TWO_WOMEN = ped(("S1", None, None, "female"), ("S2", None, None, "female"))
FATHER_DAUGHTER = ped(("F", None, None, "male"), ("M", None, None, "female"),
                      ("D", "F", "M", "female"))
FATHER_SON = ped(("F", None, None, "male"), ("M", None, None, "female"),
                 ("D", "F", "M", "male"))
MAN_AND_WOMAN = ped(("F", None, None, "male"), ("D", None, None, "female"))
TWO_MEN = ped(("F", None, None, "male"), ("D", None, None, "male"))


class TestPaternalHalfSisters:
    """Paternal half-sisters share their father's X (the one he has): an IBD allele."""

    def test_sharing_one_allele(self) -> None:
        # S1 = a/b, S2 = a/c. H1 = Σ_x p_x·P(S1 | pat x)·P(S2 | pat x): only x = a fits
        # both, with maternal b and c: p_a·p_b·p_c = 0.1·0.2·0.3 = 0.006.
        # H2 = (2·p_a·p_b)·(2·p_a·p_c) = 0.04·0.06 = 0.0024. LR = 1/(4·p_a) = 2.5.
        data: dict[str, dict[str, GenotypeData | None]] = {
            "S1": {"X1": ("a", "b")}, "S2": {"X1": ("a", "c")}}
        m = x_marker()
        assert close(pedigree_likelihood(PATERNAL_HALF_SISTERS, at(data), m), 0.006)
        assert close(pedigree_likelihood(TWO_WOMEN, at(data), m), 0.0024)
        assert close(lr(PATERNAL_HALF_SISTERS, TWO_WOMEN, data, m), 2.5)

    def test_same_heterozygote(self) -> None:
        # S1 = S2 = a/b: x = a (maternal b, b) or x = b (maternal a, a):
        # H1 = p_a·p_b² + p_b·p_a² = p_a·p_b·(p_a + p_b) = 0.02·0.3 = 0.006;
        # H2 = (2·p_a·p_b)² = 0.0016. LR = (p_a + p_b)/(4·p_a·p_b) = 0.3/0.08 = 3.75.
        data: dict[str, dict[str, GenotypeData | None]] = {
            "S1": {"X1": ("a", "b")}, "S2": {"X1": ("b", "a")}}
        assert close(lr(PATERNAL_HALF_SISTERS, TWO_WOMEN, data, x_marker()), 3.75)

    def test_no_shared_allele_excludes(self) -> None:
        # S1 = a/b, S2 = c/d: the father's X would be in both; without mutation LR = 0.
        data: dict[str, dict[str, GenotypeData | None]] = {
            "S1": {"X1": ("a", "b")}, "S2": {"X1": ("c", "d")}}
        assert lr(PATERNAL_HALF_SISTERS, TWO_WOMEN, data, x_marker()) == 0.0

    def test_autosomal_marker_gives_the_half_sibling_lr(self) -> None:
        # The same data on an autosome: κ = (½, ½, 0), LR = ½ + ½·1/(4·p_a) = 1.75 —
        # X separates paternal half-sisters from unrelated women better (2.5).
        data: dict[str, dict[str, GenotypeData | None]] = {
            "S1": {"X1": ("a", "b")}, "S2": {"X1": ("a", "c")}}
        auto = KinshipMarker("X1", ALLELES, FREQS)
        assert close(lr(PATERNAL_HALF_SISTERS, TWO_WOMEN, data, auto), 1.75)


class TestFatherDaughter:
    def test_daughter_carries_the_fathers_allele(self) -> None:
        # F = a (one X), D = a/b, mother untyped. H1: P(F = a) = p_a, D's paternal X is
        # a, her maternal b: p_a·p_b = 0.02. H2: p_a·2·p_a·p_b = 0.004. LR = 1/(2·p_a) = 5.
        data: dict[str, dict[str, GenotypeData | None]] = {
            "F": {"X1": ("a",)}, "D": {"X1": ("a", "b")}}
        m = x_marker()
        assert close(pedigree_likelihood(FATHER_DAUGHTER, at(data), m), 0.02)
        assert close(pedigree_likelihood(MAN_AND_WOMAN, at(data), m), 0.004)
        assert close(lr(FATHER_DAUGHTER, MAN_AND_WOMAN, data, m), 5.0)

    def test_homozygous_daughter(self) -> None:
        # F = a, D = a/a: H1 = p_a·p_a, H2 = p_a·p_a². LR = 1/p_a = 10.
        data: dict[str, dict[str, GenotypeData | None]] = {
            "F": {"X1": ("a", "a")}, "D": {"X1": ("a", "a")}}
        assert close(lr(FATHER_DAUGHTER, MAN_AND_WOMAN, data, x_marker()), 10.0)

    def test_mother_typed(self) -> None:
        # M = b/c, F = a, D = a/b: H1 = p_a·2p_bp_c·½ (the mother passes b with ½);
        # H2 = p_a·2p_bp_c·2p_ap_b. LR = 1/(4·p_a·p_b) = 1/0.08 = 12.5.
        data: dict[str, dict[str, GenotypeData | None]] = {
            "F": {"X1": ("a",)}, "M": {"X1": ("b", "c")}, "D": {"X1": ("a", "b")}}
        h2 = ped(("F", None, None, "male"), ("M", None, None, "female"),
                 ("D", None, None, "female"))
        assert close(lr(FATHER_DAUGHTER, h2, data, x_marker()), 12.5)

    def test_half_typed_daughter(self) -> None:
        # F = a, D = a/? (one allele unknown): H1 = p_a·1 (D has a from F);
        # H2 = p_a·(1 − (1 − p_a)²) = p_a·0.19. LR = 1/0.19.
        data: dict[str, dict[str, GenotypeData | None]] = {
            "F": {"X1": ("a",)}, "D": {"X1": ("a", None)}}
        assert close(lr(FATHER_DAUGHTER, MAN_AND_WOMAN, data, x_marker()), 1 / 0.19)

    def test_male_mutation_rate_for_father_to_daughter(self) -> None:
        # F = a, D = b/c: inconsistent without mutation. Equal model, male rate μ♂ = 0.003
        # (female 0.001, which must not enter): M♂[a, x] = μ♂/3 for x ≠ a.
        # H1 = p_a·(μ♂/3)·(p_c + p_b); H2 = p_a·2·p_b·p_c. LR = μ♂·(p_b + p_c)/(6·p_b·p_c)
        # = 0.003·0.5/0.36 = 0.0041666…
        data: dict[str, dict[str, GenotypeData | None]] = {
            "F": {"X1": ("a",)}, "D": {"X1": ("b", "c")}}
        m = x_marker(female_rate=0.001, male_rate=0.003)
        assert close(lr(FATHER_DAUGHTER, MAN_AND_WOMAN, data, m), 0.003 * 0.5 / 0.36)

    def test_female_mutation_rate_for_mother_to_son(self) -> None:
        # M = a/a, son S = b: H1 = p_a²·M♀[a, b] = p_a²·μ♀/3; H2 = p_a²·p_b.
        # LR = μ♀/(3·p_b) = 0.001/0.6.
        h1 = ped(("F", None, None, "male"), ("M", None, None, "female"),
                 ("S", "F", "M", "male"))
        h2 = ped(("M", None, None, "female"), ("S", None, None, "male"))
        data: dict[str, dict[str, GenotypeData | None]] = {
            "M": {"X1": ("a", "a")}, "S": {"X1": ("b",)}}
        m = x_marker(female_rate=0.001, male_rate=0.003)
        assert close(lr(h1, h2, data, m), 0.001 / 0.6)

    def test_theta(self) -> None:
        # θ: founder alleles drawn from the Balding–Nichols urn, a male founder one draw.
        # H1 (F = a, D = a/b; the mother's transmitted allele is the third founder draw,
        # her other one sums out): p_a·(1 − θ)·p_b.
        # H2 (F, D unrelated: draws a; then D's a and b in either order):
        # 2·p_a·(θ + (1 − θ)·p_a)·(1 − θ)·p_b/(1 + θ).
        # LR = (1 + θ)/(2·(θ + (1 − θ)·p_a)) = 1.02/(2·(0.02 + 0.098)) = 1.02/0.236.
        data: dict[str, dict[str, GenotypeData | None]] = {
            "F": {"X1": ("a",)}, "D": {"X1": ("a", "b")}}
        theta = 0.02
        m = x_marker()
        h1 = pedigree_likelihood(FATHER_DAUGHTER, at(data), m, theta=theta)
        h2 = pedigree_likelihood(MAN_AND_WOMAN, at(data), m, theta=theta)
        assert close(h1, 0.1 * 0.98 * 0.2)
        assert close(h2, 2 * 0.1 * (0.02 + 0.98 * 0.1) * 0.98 * 0.2 / 1.02)
        assert close(lr(FATHER_DAUGHTER, MAN_AND_WOMAN, data, m, theta=theta), 1.02 / 0.236)

    def test_father_and_son_share_no_x(self) -> None:
        # A son's X is his mother's: F = a, son = a gives LR 1 (H1 = p_a·p_a = H2), and
        # F = a, son = b is no exclusion (LR 1 again).
        for son in ("a", "b"):
            data: dict[str, dict[str, GenotypeData | None]] = {
                "F": {"X1": ("a",)}, "D": {"X1": (son,)}}
            assert close(lr(FATHER_SON, TWO_MEN, data, x_marker()), 1.0)

    def test_father_with_dropout_and_drop_in(self) -> None:
        # F is a degraded sample (d = 0.3, c = 0.05) showing {a}; D = a/b.
        # P({a} | F = a) = (1 − d)·(1 − c + c·p_a) + d·c·p_a = 0.7·0.955 + 0.3·0.005 = 0.67
        # (kept, with or without a drop-in of a; or lost and a dropped in);
        # P({a} | F = x ≠ a) = d·c·p_a = 0.0015 (lost, then a dropped in).
        # H1 = p_a·0.67·p_b + p_b·0.0015·p_a = 0.0134 + 0.00003 = 0.01343
        # (F = b is the only other father fitting D = a/b: D's maternal allele is a).
        # H2 = (p_a·0.67 + 0.9·0.0015)·2·p_a·p_b = 0.06835·0.04 = 0.002734.
        data: dict[str, dict[str, GenotypeData | None]] = {
            "F": {"X1": ("a",)}, "D": {"X1": ("a", "b")}}
        dropout = {"F": DropoutModel(0.3, None, 0.05)}
        m = x_marker()
        h1 = pedigree_likelihood(FATHER_DAUGHTER, at(data), m, dropout=dropout)
        h2 = pedigree_likelihood(MAN_AND_WOMAN, at(data), m, dropout=dropout)
        assert close(h1, 0.01343)
        assert close(h2, 0.002734)
        assert close(lr(FATHER_DAUGHTER, MAN_AND_WOMAN, data, m, dropout=dropout),
                     0.01343 / 0.002734)

    def test_dropout_homozygote_parameter_does_not_touch_a_male(self) -> None:
        # A male's one allele is lost with d; d_hom (two copies) plays no part.
        data: dict[str, dict[str, GenotypeData | None]] = {
            "F": {"X1": ()}, "D": {"X1": ("a", "b")}}
        m = x_marker()
        one = pedigree_likelihood(FATHER_DAUGHTER, at(data), m,
                                  dropout={"F": DropoutModel(0.3, 0.01)})
        other = pedigree_likelihood(FATHER_DAUGHTER, at(data), m,
                                    dropout={"F": DropoutModel(0.3, 0.5)})
        # Nothing seen: P({} | x) = d for every x, so H1 = d·P(D) = 0.3·2·p_a·p_b.
        assert close(one, 0.3 * 2 * 0.1 * 0.2)
        assert one == other

    def test_silent_allele(self) -> None:
        # A silent allele σ (s = 0.05; listed alleles scaled by 0.95). F typed with
        # nothing seen (no drop-out): his X is σ. D typed b only: b/b or b/σ.
        # H1 = s·p'_b (D's paternal σ, maternal b), p'_b = 0.2·0.95 = 0.19;
        # H2 = s·(p'_b² + 2·p'_b·s). LR = 1/(p'_b + 2s) = 1/0.29.
        data: dict[str, dict[str, GenotypeData | None]] = {
            "F": {"X1": ()}, "D": {"X1": ("b",)}}
        m = x_marker(silent=0.05)
        assert close(lr(FATHER_DAUGHTER, MAN_AND_WOMAN, data, m), 1 / 0.29)


GRANDMOTHER_MATERNAL = ped(("GF", None, None, "male"), ("GM", None, None, "female"),
                           ("M", "GF", "GM", "female"), ("MF", None, None, "male"),
                           ("G", "MF", "M", "male"))
GRANDMOTHER_PATERNAL = ped(("GF", None, None, "male"), ("GM", None, None, "female"),
                           ("F", "GF", "GM", "male"), ("W", None, None, "female"),
                           ("G", "F", "W", "male"))


class TestGrandmother:
    def test_maternal_grandmother_and_grandson(self) -> None:
        # GM = a/b, grandson G = a through his mother M. M's X: paternal from GF (a with
        # p_a), maternal from GM (a with ½). G takes one of M's two (½ each):
        # P(G = a | GM) = ½·p_a + ½·½ = 0.3. H1 = 2·p_a·p_b·0.3 = 0.012,
        # H2 = 2·p_a·p_b·p_a = 0.004. LR = (1 + 2·p_a)/(4·p_a) = 3.
        data: dict[str, dict[str, GenotypeData | None]] = {
            "GM": {"X1": ("a", "b")}, "G": {"X1": ("a",)}}
        h2 = ped(("GM", None, None, "female"), ("G", None, None, "male"))
        m = x_marker()
        assert close(pedigree_likelihood(GRANDMOTHER_MATERNAL, at(data), m), 0.012)
        assert close(lr(GRANDMOTHER_MATERNAL, h2, data, m), 3.0)

    def test_paternal_grandmother_and_grandson_share_no_x(self) -> None:
        # Through a son: his son gets his Y. LR = 1 whatever the alleles.
        h2 = ped(("GM", None, None, "female"), ("G", None, None, "male"))
        for allele in ("a", "c"):
            data: dict[str, dict[str, GenotypeData | None]] = {
                "GM": {"X1": ("a", "b")}, "G": {"X1": (allele,)}}
            assert close(lr(GRANDMOTHER_PATERNAL, h2, data, x_marker()), 1.0)

    def test_paternal_grandmother_and_granddaughter(self) -> None:
        # GM = a/b → her son F has a or b (½) → his daughter D's paternal X. D = a/c:
        # P(D | GM) = ½·p_c (paternal a, maternal c). H1 = 2p_ap_b·½·p_c,
        # H2 = 2p_ap_b·2p_ap_c. LR = 1/(4·p_a) = 2.5.
        h1 = ped(("GF", None, None, "male"), ("GM", None, None, "female"),
                 ("F", "GF", "GM", "male"), ("W", None, None, "female"),
                 ("D", "F", "W", "female"))
        h2 = ped(("GM", None, None, "female"), ("D", None, None, "female"))
        data: dict[str, dict[str, GenotypeData | None]] = {
            "GM": {"X1": ("a", "b")}, "D": {"X1": ("a", "c")}}
        assert close(lr(h1, h2, data, x_marker()), 2.5)


class TestErrors:
    def test_heterozygous_male_is_refused_naming_person_marker_value(self) -> None:
        data: dict[str, dict[str, GenotypeData | None]] = {
            "F": {"X1": ("a", "b")}, "D": {"X1": ("a", "b")}}
        with pytest.raises(CaseError, match="a male has one X") as info:
            pedigree_likelihood(FATHER_DAUGHTER, at(data), x_marker())
        ctx = info.value.context
        assert ctx["sample"] == "F"
        assert ctx["marker"] == "X1"
        assert ctx["value"] == ["a", "b"]

    def test_unknown_sex_is_refused_at_an_x_marker(self) -> None:
        pedigree = ped(("F", None, None, "male"), ("M", None, None, "female"),
                       ("D", "F", "M", "unknown"))
        data: dict[str, dict[str, GenotypeData | None]] = {
            "F": {"X1": ("a",)}, "D": {"X1": ("a", "b")}}
        with pytest.raises(CaseError, match="unknown sex") as info:
            kinship_lr([Hypothesis("H1", pedigree), Hypothesis("H2", MAN_AND_WOMAN)],
                       [x_marker()], data)
        assert info.value.context["sample"] == "D"
        assert info.value.context["field"] == "sex"

    def test_unknown_sex_is_fine_on_autosomes_and_when_untyped(self) -> None:
        pedigree = ped(("F", None, None, "male"), ("M", None, None, "female"),
                       ("D", "F", "M", "unknown"), ("E", "F", "M", "unknown"))
        auto = KinshipMarker("A1", ALLELES, FREQS)
        data: dict[str, dict[str, GenotypeData | None]] = {
            "F": {"X1": ("a",), "A1": ("a", "b")}, "D": {"A1": ("a", "c")}}
        value = pedigree_likelihood(pedigree, at(data), x_marker())
        assert close(value, 0.1)  # only F is typed at X1: p_a
        assert pedigree_likelihood(pedigree, at(data, "A1"), auto) > 0

    def test_male_with_dropout_sees_at_most_one_allele_without_drop_in(self) -> None:
        data: dict[str, dict[str, GenotypeData | None]] = {"F": {"X1": ("a", "b")}}
        with pytest.raises(CaseError, match="at most one allele seen"):
            pedigree_likelihood(FATHER_DAUGHTER, at(data), x_marker(),
                                dropout={"F": DropoutModel(0.2)})
        # With drop-in two alleles are possible: one his, one dropped in.
        value = pedigree_likelihood(FATHER_DAUGHTER, at(data), x_marker(),
                                    dropout={"F": DropoutModel(0.2, None, 0.1)})
        # P({a,b}) = Σ_x p_x·P({a,b} | x) = p_a·0.8·c·p_b + p_b·0.8·c·p_a = 2·0.8·0.1·0.02.
        assert close(value, 2 * 0.8 * 0.1 * 0.02)

    def test_bad_chromosome(self) -> None:
        with pytest.raises(CaseError, match="chromosome must be one of"):
            KinshipMarker("X1", ALLELES, FREQS, chromosome="Y")


def _relatives(mp_sex: str = "male") -> Pedigree:
    # The missing person MP's mother MO, sister SI and maternal grandmother GM are typed;
    # the father FA untyped; a male MP also has a typed daughter CH (with W).
    rows = [("GF", None, None, "male"), ("GM", None, None, "female"),
            ("FA", None, None, "male"), ("MO", "GF", "GM", "female"),
            ("MP", "FA", "MO", mp_sex), ("SI", "FA", "MO", "female")]
    if mp_sex == "male":
        rows += [("W", None, None, "female"), ("CH", "MP", "W", "female")]
    return ped(*rows)


RELATIVES_DATA: dict[str, dict[str, GenotypeData | None]] = {
    "GM": {"X1": ("a", "c")}, "MO": {"X1": ("a", "b")}, "SI": {"X1": ("b", "d")},
    "CH": {"X1": ("a", "c")}}


class TestMissingPersonTables:
    def test_male_missing_person_son_of_a_typed_mother(self) -> None:
        # MP male, mother MO = a/b (nothing else typed): P(a | family) = P(b | family) = ½;
        # unrelated p_a. LR(a) = 1/(2·p_a) = 5, LR(b) = 1/(2·p_b) = 2.5, LR(c) = 0.
        family = ped(("FA", None, None, "male"), ("MO", None, None, "female"),
                     ("MP", "FA", "MO", "male"))
        table = missing_person_genotype_table(family, "MP", {"MO": {"X1": ("a", "b")}},
                                              [x_marker()])
        assert table.hemizygous == (True,)
        n = 4
        fam = table.family[0]
        assert close(fam[genotype_index(0, 0, n)], 0.5)
        assert close(fam[genotype_index(1, 1, n)], 0.5)
        assert close(float(fam.sum()), 1.0)
        het = [genotype_index(i, j, n) for i, j in itertools.combinations(range(n), 2)]
        assert not fam[het].any()
        assert not table.unrelated[0][het].any()
        assert close(table.lookup("X1", ("a", "a")), 5.0)
        assert close(table.lookup("X1", ("b", "b")), 2.5)
        assert table.lookup("X1", ("c", "c")) == 0.0
        with pytest.raises(CaseError, match="a male has one X"):
            table.lookup("X1", ("a", "b"))

    def test_female_missing_person_daughter_of_a_typed_father(self) -> None:
        # MP female, father FA = a: her paternal X is a, maternal any: P(a/x) = p_x;
        # unrelated Hardy–Weinberg: LR(a/b) = p_b/(2·p_a·p_b) = 5, LR(a/a) = 1/p_a = 10.
        family = ped(("FA", None, None, "male"), ("MO", None, None, "female"),
                     ("MP", "FA", "MO", "female"))
        table = missing_person_genotype_table(family, "MP", {"FA": {"X1": ("a",)}},
                                              [x_marker()])
        assert table.hemizygous == ()
        assert close(table.lookup("X1", ("a", "b")), 5.0)
        assert close(table.lookup("X1", ("a", "a")), 10.0)
        assert table.lookup("X1", ("b", "c")) == 0.0

    @pytest.mark.parametrize("mp_sex", ["male", "female"])
    @pytest.mark.parametrize(("mutation", "theta"), [(False, 0.0), (True, 0.0),
                                                     (False, 0.03), (True, 0.02)])
    def test_table_lookup_equals_missing_person_lr(self, mp_sex: str, mutation: bool,
                                                   theta: float) -> None:
        family = _relatives(mp_sex)
        data = {k: v for k, v in RELATIVES_DATA.items() if k in family}
        marker = (x_marker(female_rate=0.01, male_rate=0.03) if mutation else x_marker())
        table = missing_person_genotype_table(family, "MP", data, [marker], theta=theta)
        n = marker.n_alleles
        for i, j in itertools.combinations_with_replacement(range(n), 2):
            if mp_sex == "male" and i != j:
                continue
            g = (ALLELES[i], ALLELES[j])
            poi: dict[str, GenotypeData | None] = {"X1": g if mp_sex == "female"
                                                   else (ALLELES[i],)}
            direct = missing_person_lr(family, "MP", poi, data, [marker],
                                       theta=theta).total_lr()
            looked = table.lookup("X1", g)
            assert math.isclose(looked, direct, rel_tol=RTOL, abs_tol=1e-300), (g, looked,
                                                                              direct)

    @pytest.mark.parametrize("mp_sex", ["male", "female"])
    @pytest.mark.parametrize("theta", [0.0, 0.02])
    def test_observation_table_equals_missing_person_lr(self, mp_sex: str,
                                                        theta: float) -> None:
        family = _relatives(mp_sex)
        marker = x_marker(female_rate=0.01, male_rate=0.03, silent=0.02)
        data: dict[str, dict[str, GenotypeData | None]] = {
            "GM": {"X1": ("a", "c")}, "MO": {"X1": ("a",)}, "SI": {"X1": ("b", "d")}}
        relatives_dropout = {"MO": DropoutModel(0.2)}
        table = missing_person_observation_table(family, "MP", data, [marker], theta=theta,
                                                 dropout=relatives_dropout)
        assert table.hemizygous == ((True,) if mp_sex == "male" else ())
        model = DropoutModel(0.25, None, 0.04)
        n = marker.n_alleles
        sets: list[tuple[int, ...]] = [()]
        sets += [(i,) for i in range(n)]
        sets += list(itertools.combinations(range(n), 2))
        for o in sets:
            observed = tuple(ALLELES[i] for i in o)
            direct = missing_person_lr(family, "MP", {"X1": observed}, data, [marker],
                                       theta=theta,
                                       dropout={**relatives_dropout, "POI": model}).total_lr()
            looked = table.lookup("X1", observed, model)
            assert observed_set_index(o, n) < n_genotypes(n) + 1
            assert math.isclose(looked, direct, rel_tol=RTOL, abs_tol=1e-300), (o, looked,
                                                                              direct)

    def test_unknown_sex_missing_person_is_refused(self) -> None:
        family = ped(("FA", None, None, "male"), ("MO", None, None, "female"),
                     ("MP", "FA", "MO", "unknown"))
        with pytest.raises(CaseError, match="unknown sex") as info:
            missing_person_genotype_table(family, "MP", {"MO": {"X1": ("a", "b")}},
                                          [x_marker()])
        assert info.value.context["sample"] == "MP"

    def test_autosomal_markers_beside_x_markers(self) -> None:
        # An autosomal marker in the same table is computed as before (batched), the X
        # one hemizygous; each equals its own one-marker table.
        family = _relatives()
        auto = KinshipMarker("A1", ALLELES, FREQS)
        data = {p: {**g, "A1": g["X1"] if len(g["X1"] or ()) == 2 else None}
                for p, g in RELATIVES_DATA.items()}
        both = missing_person_genotype_table(family, "MP", data, [auto, x_marker()])
        alone_a = missing_person_genotype_table(family, "MP", data, [auto])
        alone_x = missing_person_genotype_table(family, "MP", data, [x_marker()])
        assert both.hemizygous == (False, True)
        assert np.array_equal(both.family[0], alone_a.family[0])
        assert np.allclose(both.family[1], alone_x.family[0], rtol=1e-12, atol=0)


@pytest.mark.parametrize("mp_sex", ["male", "female"])
@pytest.mark.parametrize("theta", [0.0, 0.02])
def test_missing_person_lr_codes_equals_missing_person_lr(mp_sex: str, theta: float) -> None:
    """The search's re-score from integer codes, X and autosomal markers side by side."""
    family = _relatives(mp_sex)
    auto = KinshipMarker("A1", ALLELES, FREQS)
    # With θ the autosomal marker's many untyped founders cost seconds: X alone then.
    markers = [x_marker(female_rate=0.01, male_rate=0.03)] + ([auto] if theta == 0 else [])
    data = {p: {**g, "A1": ("b", "c")} for p, g in RELATIVES_DATA.items() if p in family}
    poi_x = ("a",) if mp_sex == "male" else ("a", "b")
    poi: dict[str, GenotypeData | None] = {"X1": poi_x, "A1": ("b", "d")}
    direct = missing_person_lr(family, "MP", poi, data, markers, theta=theta)
    poi_codes = np.array([[0, 0] if mp_sex == "male" else [0, 1], [1, 3]],
                         dtype=np.intp)[:len(markers)]
    coded = missing_person_lr_codes(family, "MP", encode_family(family, data, markers),
                                    poi_codes, markers, theta=theta)
    for m in direct.markers:
        assert close(coded.lr()[m], direct.lr()[m]), m
    if mp_sex == "male":
        with pytest.raises(CaseError, match="a male has one X"):
            missing_person_lr_codes(family, "MP", encode_family(family, data, markers),
                                    np.array([[0, 1], [1, 3]], dtype=np.intp)[:len(markers)],
                                    markers)


def test_kinship_lr_provenance_names_the_x_markers() -> None:
    data: dict[str, dict[str, GenotypeData | None]] = {
        "F": {"X1": ("a",)}, "D": {"X1": ("a", "b")}}
    result = kinship_lr([Hypothesis("H1", FATHER_DAUGHTER), Hypothesis("H2", MAN_AND_WOMAN)],
                        [x_marker()], data)
    assert dict(result.provenance.parameters)["x_linked"] == ("X1",)



X_DATA = Path(__file__).resolve().parents[1] / "data" / "x-str"
PEDPROBR_CASES = X_DATA / "pedprobr_x_cases.json"


def _pedprobr_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(PEDPROBR_CASES.read_text(encoding="utf-8"))
    return cases


@pytest.mark.parametrize("raw", _pedprobr_cases(), ids=lambda c: str(c["id"]))
def test_pedprobr_x_cases(raw: dict[str, Any]) -> None:
    """Side by side with R pedprobr 1.1.0 (``likelihood()`` on ``chrom = "X"`` markers):
    per-marker likelihoods, LRs and totals to 1e-9 (values made by
    ``tests/data/x-str/pedprobr_x_cases.R``)."""
    from stats.test_reference_cases import assert_matches_expected

    case = parse_case(raw, source=str(PEDPROBR_CASES))
    assert all(m.x_linked for m in case.markers)
    out = answer_json(solve_kinship_case(case, settings=None))
    assert_matches_expected(out, raw["expected"])



def _meiosis(h1: tuple[str, str], h2: tuple[str, str], r: float
             ) -> list[tuple[tuple[str, str], float]]:
    """The four gametes of a female meiosis at two loci and their probabilities."""
    return [(h1, (1 - r) / 2), (h2, (1 - r) / 2), ((h1[0], h2[1]), r / 2),
            ((h2[0], h1[1]), r / 2)]


def _two_locus_grandson_lr(grandson: tuple[str, str], p1: dict[str, float],
                           p2: dict[str, float], r: float) -> float:
    """LR maternal grandmother / unrelated for a grandmother a/b, a2/b2 at two X loci
    with recombination fraction r, by enumeration: her phase (½ each), the untyped
    grandfather's haplotype (p1·p2, linkage equilibrium), the two female meioses."""
    total = 0.0
    for second in (("a2", "b2"), ("b2", "a2")):
        gm_haps = (("a", second[0]), ("b", second[1]))
        for x1, x2 in itertools.product(p1, p2):
            for mat, w1 in _meiosis(gm_haps[0], gm_haps[1], r):
                for child, w2 in _meiosis((x1, x2), mat, r):
                    if child == grandson:
                        total += 0.5 * p1[x1] * p2[x2] * w1 * w2
    return total / (p1[grandson[0]] * p2[grandson[1]])


@pytest.mark.parametrize(("grandson", "r", "linked_lr", "independent_lr"), [
    (("a", "a2"), 0.0, 13.0, 9.0), (("a", "a2"), 0.05, 12.6, 9.0),
    (("a", "c2"), 0.0, 0.5, 1.5), (("a", "c2"), 0.05, 0.6, 1.5),
    (("a", "a2"), 0.5, 9.0, 9.0)])
def test_linkage_example_of_the_docs(grandson: tuple[str, str], r: float,
                                     linked_lr: float, independent_lr: float) -> None:
    """docs/kinship-case-extensions.md: a maternal grandmother a/b, a2/b2 at two linked X
    loci (p = 0.1 for a, b, a2, b2; 0.8 for c, c2) and a grandson. The engine's answer (markers
    independent: the product of the one-locus LRs) against the two-locus LR with
    recombination fraction r; r = 0.5 is independence."""
    p1 = {"a": 0.1, "b": 0.1, "c": 0.8}
    p2 = {"a2": 0.1, "b2": 0.1, "c2": 0.8}
    h2 = ped(("GM", None, None, "female"), ("G", None, None, "male"))
    lrs = []
    for name, freqs, allele, pair in (("L1", p1, grandson[0], ("a", "b")),
                                      ("L2", p2, grandson[1], ("a2", "b2"))):
        marker = KinshipMarker(name, tuple(freqs), np.array(list(freqs.values())),
                               chromosome="X")
        lrs.append(lr(GRANDMOTHER_MATERNAL, h2,
                      {"GM": {name: pair}, "G": {name: (allele,)}}, marker))
    assert close(math.prod(lrs), independent_lr)
    assert close(_two_locus_grandson_lr(grandson, p1, p2, r), linked_lr)


SNAPSHOT = X_DATA / "autosomal_reference_loglik.json"


def test_autosomal_reference_cases_bit_for_bit_unchanged(reference_cases_dir: Path) -> None:
    """X support leaves autosomal answers untouched: the 20 reference cases give exactly
    the log-likelihoods (every bit) of the engine before X markers existed."""
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))["log_likelihoods"]
    seen = 0
    for path in sorted(reference_cases_dir.glob("*.json")):
        for case in read_cases(path)[0]:
            result = solve_kinship_case(case, settings=None).result
            expected = snapshot[f"{path.name}:{case.id}"]
            got = {h: {m: float(v).hex() for m, v in per.items()}
                   for h, per in result.log_likelihoods.items()}
            assert got == expected, path.name
            seen += 1
    assert seen == len(snapshot) == 20
