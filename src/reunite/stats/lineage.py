"""Y-STR lineage statistics: haplotype match counts, frequency estimators, the discrete
Laplace model and the mutation-aware lineage likelihood ratio.

A Y haplotype is inherited as one block from father to son, so the product rule does not
apply: a haplotype's frequency is estimated from a reference database of haplotypes.
The estimators here, each as its source names it (x = database haplotypes equal to the
query over the compared loci, N = database haplotypes typed at all those loci):

``frequency`` (counting)
    x / N — the counting method (SWGDAM, *Interpretation Guidelines for Y-Chromosome STR
    Typing*, 2014).
``upper_bound`` (Clopper–Pearson)
    The one-sided upper confidence bound (95 % by default) of Clopper & Pearson (1934,
    *Biometrika* 26:404–413): the p with P(X ≤ x | N, p) = 1 − confidence; for x = 0 it
    is 1 − α^(1/N) with α = 1 − confidence, the bound the SWGDAM Y-STR guidelines give.
``augmented_counting``
    (x + 1)/(N + 1): the database augmented with the queried haplotype.
``balding_nichols``
    (x + 2)/(N + 2): Balding & Nichols (1994, *Forensic Sci. Int.* 64:125–140), the
    database augmented with both the questioned and the reference haplotype.
``brenner_kappa``
    Brenner (2010, *Forensic Sci. Int. Genet.* 4:281–291), for a haplotype *not* in the
    database (x = 0): the probability that a random man matches it is (1 − κ)/N, with κ
    the fraction of the N database haplotypes that are singletons (seen exactly once).
    Not defined for x > 0 (``None``).
``discrete_laplace``
    The probability of the haplotype under a discrete Laplace mixture fitted to the
    database (Andersen, Eriksen & Morling 2013, *J. Theor. Biol.* 329:39–51, the
    ``disclapmix`` R package): ``Σ_j τ_j Π_k DL(x_k − y_jk; p_jk)`` with
    ``DL(d; p) = (1 − p)/(1 + p) · p^|d|``, ``log p_jk = a_k + b_j``, fitted by EM from
    PAM starting centres; the number of clusters is chosen by the smallest BIC, with
    disclapmix's convention BIC = k·log(N·L) − 2·log L for k = K·L + (L + K − 1) + (K − 1)
    parameters (:func:`select_discrete_laplace`).

Lineage LR (:func:`lineage_lr`). H1: the unidentified man U is a paternal relative of
the reference man R, ``meioses`` father–son transmissions apart along the male line
(father 1, brother 2, grandfather 2, paternal uncle 3, paternal first cousin 4, …);
H2: U is a man unrelated to R whose haplotype has the database frequency. Each meiosis
changes a locus copy by −1, 0 or +1 repeat with probabilities μ/2, 1 − μ, μ/2 (the
single-step model at the locus's YHRD rate μ, copies and loci independent), so

    LR = P(h_U | h_R, m) / f(h_U),   P(h_U | h_R, m) = Π_loci P_m(d_locus).

The reported ``lr`` divides by the Clopper–Pearson upper bound (conservative); the other
estimators give ``lr_estimates``. A locus whose alleles cannot differ by whole single
steps (copy numbers differ — a null allele or a duplication — or a partial repeat
differs, 18.2 against 18) has probability 0 under this model and is listed in
``incompatible``. DYS389II contains DYS389I: a DYS389I mutation shows at both loci and
is counted as two, which lowers the LR (conservative).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import permutations
from typing import Any

import numpy as np

from reunite.errors import InputError
from reunite.genetics.alleles import Allele, AlleleKind
from reunite.genetics.haplotypes import YHRD_MUTATION_RATES, YMutationRate
from reunite.genetics.markers import MARKERS, canonical_marker_name
from reunite.genetics.profile import YHaplotype
from reunite.stats import _disclap

__all__ = [
    "DiscreteLaplaceFit",
    "DiscreteLaplaceSelection",
    "HaplotypeCount",
    "LineageLR",
    "LineageMutation",
    "MatchStatistics",
    "clopper_pearson_upper",
    "count_haplotype",
    "discrete_laplace_matrix",
    "fit_discrete_laplace",
    "lineage_lr",
    "lineage_mutation_probability",
    "match_statistics",
    "select_discrete_laplace",
    "stepwise_difference_probability",
]


# ---------------------------------------------------------------------------------------
# Clopper–Pearson


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / (c if abs(c) > tiny else tiny)
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / (c if abs(c) > tiny else tiny)
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return h


def _regularized_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), the regularised incomplete beta function (= P(Beta(a, b) ≤ x))."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = a * math.log(x) + b * math.log1p(-x) - _log_beta(a, b)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, 1.0 - x) / b


def clopper_pearson_upper(x: int, n: int, *, confidence: float = 0.95) -> float:
    """One-sided Clopper–Pearson upper bound of a binomial proportion (x of n).

    The p with P(X ≤ x | n, p) = 1 − ``confidence``, i.e. the ``confidence`` quantile of
    Beta(x + 1, n − x); 1 − α^(1/n) for x = 0 and 1 for x = n (α = 1 − confidence).
    """
    if not (isinstance(x, int) and isinstance(n, int)) or isinstance(x, bool) or n < 1 \
            or not 0 <= x <= n:
        raise InputError("a count needs whole numbers 0 <= x <= n and n >= 1", value=(x, n))
    if not 0.0 < confidence < 1.0:
        raise InputError("confidence must lie strictly between 0 and 1", value=confidence)
    alpha = 1.0 - confidence
    if x == n:
        return 1.0
    if x == 0:
        return -math.expm1(math.log(alpha) / n)
    a, b = float(x + 1), float(n - x)
    lo, hi = 0.0, 1.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if _regularized_beta(a, b, mid) < confidence:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-17 + 1e-15 * hi:
            break
    return 0.5 * (lo + hi)


# ---------------------------------------------------------------------------------------
# Counting


def _compared_loci(query: YHaplotype, loci: Iterable[str] | None) -> tuple[str, ...]:
    if loci is None:
        chosen = query.markers
    else:
        chosen = tuple(dict.fromkeys(canonical_marker_name(m, allow_unknown=True)
                                     for m in loci))
        missing = [m for m in chosen if query.allele(m) is None]
        if missing:
            raise InputError("locus not typed in the query haplotype", sample=query.id,
                             marker=missing[0], value=missing[0])
    if not chosen:
        raise InputError("no locus to compare: the query haplotype is empty",
                         sample=query.id)
    return chosen


@dataclass(frozen=True)
class HaplotypeCount:
    """How often a haplotype occurs in a database, over ``loci``.

    ``database_size`` (N) counts the database haplotypes typed at every compared locus;
    ``untyped`` those left out because they miss one; ``singletons`` the distinct
    haplotypes (over the loci) seen exactly once among the N.
    """

    loci: tuple[str, ...]
    matches: int
    database_size: int
    untyped: int
    singletons: int


def count_haplotype(
    query: YHaplotype, database: Sequence[YHaplotype], *, loci: Iterable[str] | None = None
) -> HaplotypeCount:
    """Count the database haplotypes equal to ``query`` over ``loci`` (default: the query's).

    Equality is per locus on the sorted allele tuple: DYS385 11,14 equals 14,11, a null
    allele equals only a null, a duplication only the same duplication.
    """
    chosen = _compared_loci(query, loci)
    target = tuple(query.alleles[m] for m in chosen)
    keys: Counter[tuple[tuple[Allele, ...], ...]] = Counter()
    untyped = 0
    for haplotype in database:
        alleles = haplotype.alleles
        key = tuple(alleles.get(m) for m in chosen)
        if any(k is None for k in key):
            untyped += 1
            continue
        keys[key] += 1  # type: ignore[index]
    size = sum(keys.values())
    if size == 0:
        raise InputError("no database haplotype is typed at every compared locus",
                         sample=query.id, value=", ".join(chosen))
    singletons = sum(1 for c in keys.values() if c == 1)
    return HaplotypeCount(chosen, keys.get(target, 0), size, untyped, singletons)


@dataclass(frozen=True)
class MatchStatistics:
    """A haplotype's database count and the frequency estimators (module docstring).

    ``frequency`` is x/N, ``upper_bound`` the one-sided Clopper–Pearson bound at
    ``confidence``; ``brenner_kappa`` is None when x > 0, ``discrete_laplace`` None when
    no model was given or the haplotype is outside it (a microvariant, a null allele).
    """

    count: HaplotypeCount
    confidence: float
    frequency: float
    upper_bound: float
    augmented_counting: float
    balding_nichols: float
    kappa: float
    brenner_kappa: float | None
    discrete_laplace: float | None = None

    @property
    def matches(self) -> int:
        """x: database haplotypes equal to the query."""
        return self.count.matches

    @property
    def database_size(self) -> int:
        """N: database haplotypes typed at every compared locus."""
        return self.count.database_size

    def estimators(self) -> dict[str, float | None]:
        """Every estimate by its name."""
        return {
            "counting": self.frequency,
            "clopper_pearson_upper": self.upper_bound,
            "augmented_counting": self.augmented_counting,
            "balding_nichols": self.balding_nichols,
            "brenner_kappa": self.brenner_kappa,
            "discrete_laplace": self.discrete_laplace,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: matches, database_size, frequency, upper_bound and the rest."""
        return {
            "loci": list(self.count.loci),
            "matches": self.matches,
            "database_size": self.database_size,
            "database_untyped": self.count.untyped,
            "frequency": self.frequency,
            "upper_bound": self.upper_bound,
            "confidence": self.confidence,
            "estimators": self.estimators(),
            "kappa": self.kappa,
            "singletons": self.count.singletons,
        }


def match_statistics(
    query: YHaplotype,
    database: Sequence[YHaplotype],
    *,
    loci: Iterable[str] | None = None,
    confidence: float = 0.95,
    discrete_laplace: DiscreteLaplaceFit | None = None,
) -> MatchStatistics:
    """Count ``query`` in ``database`` and compute every estimator (module docstring)."""
    count = count_haplotype(query, database, loci=loci)
    x, n = count.matches, count.database_size
    kappa = count.singletons / n
    dl = None
    if discrete_laplace is not None:
        if set(discrete_laplace.markers) != set(count.loci):
            raise InputError("the discrete Laplace model was fitted on other loci than "
                             "those compared", value=", ".join(discrete_laplace.markers))
        dl = discrete_laplace.probability(query)
    return MatchStatistics(
        count=count, confidence=confidence, frequency=x / n,
        upper_bound=clopper_pearson_upper(x, n, confidence=confidence),
        augmented_counting=(x + 1) / (n + 1), balding_nichols=(x + 2) / (n + 2),
        kappa=kappa, brenner_kappa=(1.0 - kappa) / n if x == 0 else None,
        discrete_laplace=dl)


# ---------------------------------------------------------------------------------------
# Mutation


def stepwise_difference_probability(difference: int, meioses: int, rate: float) -> float:
    """P(a locus copy moved by ``difference`` repeats after ``meioses`` transmissions).

    Each transmission changes the copy by −1, 0, +1 with probabilities μ/2, 1 − μ, μ/2,
    so with j of the m transmissions mutating (u up, j − u down, u − (j − u) = d):

        P_m(d) = Σ_j C(m, j) μ^j (1 − μ)^(m − j) C(j, (j + d)/2) / 2^j,

    over j ≥ |d| with j ≡ d (mod 2).
    """
    if not isinstance(meioses, int) or isinstance(meioses, bool) or meioses < 1:
        raise InputError("meioses must be a whole number of 1 or more", value=meioses)
    if not 0.0 <= rate <= 1.0:
        raise InputError("a mutation rate must lie in [0, 1]", value=rate)
    d = abs(int(difference))
    total = 0.0
    for j in range(d, meioses + 1, 2) if d <= meioses else ():
        total += (math.comb(meioses, j) * rate**j * (1.0 - rate) ** (meioses - j)
                  * math.comb(j, (j + d) // 2) / 2.0**j)
    return total


@dataclass(frozen=True)
class LineageMutation:
    """P(h_U | h_R, m) per locus and in total, with each locus's repeat differences."""

    meioses: int
    loci: tuple[str, ...]
    probability: float
    per_locus: Mapping[str, float]
    differences: Mapping[str, tuple[float, ...]]
    incompatible: Mapping[str, str]
    rates: Mapping[str, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "meioses": self.meioses,
            "loci": list(self.loci),
            "mutation_probability": self.probability,
            "per_locus": dict(self.per_locus),
            "differences": {m: list(d) for m, d in self.differences.items() if any(d)},
            "incompatible": dict(self.incompatible),
            "rates": dict(self.rates),
        }


def _rate_of(rates: Mapping[str, float | YMutationRate], marker: str) -> float:
    value = rates.get(marker)
    if value is None:
        raise InputError("no mutation rate for this locus", marker=marker, value=marker)
    return value.rate if isinstance(value, YMutationRate) else float(value)


def _locus_probability(
    q: tuple[Allele, ...], r: tuple[Allele, ...], meioses: int, rate: float
) -> tuple[float, tuple[float, ...], str | None]:
    """P of query copies ``q`` given reference copies ``r``; repeat differences; why not."""
    if len(q) != len(r):
        return 0.0, (), (f"{len(r)} copies in the reference, {len(q)} in the query "
                         "(null allele or duplication): not a single-step change")
    if any(a.repeats is None or a.kind is AlleleKind.OFF_LADDER for a in (*q, *r)):
        return 0.0, (), "an off-ladder allele has no repeat number"
    if not q:
        return 1.0, (), None  # both null: no copy to mutate
    rq = [a.repeats for a in q]
    rr = [a.repeats for a in r]
    # The copies are unordered: the observation {q} given the reference's copies (in
    # their own, unobserved, order) sums over the distinct orderings of the query's
    # values (one ordering when they are equal, so 13,13 is not counted twice).
    total = 0.0
    best: tuple[float, ...] | None = None
    for ordering in set(permutations(rq)):
        diffs = [float(a) - float(b)  # type: ignore[arg-type]
                 for a, b in zip(ordering, rr, strict=True)]
        if not all(abs(d - round(d)) < 1e-9 for d in diffs):
            continue
        term = 1.0
        for d in diffs:
            term *= stepwise_difference_probability(round(d), meioses, rate)
        total += term
        if best is None or sum(map(abs, diffs)) < sum(map(abs, best)):
            best = tuple(diffs)
    if best is None:
        return 0.0, (), "a partial repeat differs (e.g. 18.2 against 18)"
    return total, best, None


def lineage_mutation_probability(
    query: YHaplotype,
    reference: YHaplotype,
    *,
    meioses: int,
    rates: Mapping[str, float | YMutationRate] = YHRD_MUTATION_RATES,
    loci: Iterable[str] | None = None,
) -> LineageMutation:
    """P(h_U = ``query`` | h_R = ``reference``, ``meioses`` apart) under the single-step model.

    Compared over ``loci`` (default: the query's loci the reference is typed at). A
    multi-copy locus sums over the pairings of its copies (the copies are unordered).
    """
    if loci is None:
        chosen = tuple(m for m in query.markers if reference.allele(m) is not None)
    else:
        chosen = _compared_loci(query, loci)
        untyped = [m for m in chosen if reference.allele(m) is None]
        if untyped:
            raise InputError("locus not typed in the reference haplotype",
                             sample=reference.id, marker=untyped[0], value=untyped[0])
    if not chosen:
        raise InputError("the query and the reference share no typed locus",
                         sample=query.id, value=reference.id)
    per_locus: dict[str, float] = {}
    differences: dict[str, tuple[float, ...]] = {}
    incompatible: dict[str, str] = {}
    used_rates: dict[str, float] = {}
    probability = 1.0
    for marker in chosen:
        rate = _rate_of(rates, marker)
        used_rates[marker] = rate
        q, r = query.alleles[marker], reference.alleles[marker]
        p, diffs, why = _locus_probability(q, r, meioses, rate)
        per_locus[marker] = p
        differences[marker] = diffs
        if why is not None:
            incompatible[marker] = why
        probability *= p
    return LineageMutation(meioses, chosen, probability, per_locus, differences,
                           incompatible, used_rates)


@dataclass(frozen=True)
class LineageLR:
    """The lineage LR: mutation probability over the database frequency of the query."""

    statistics: MatchStatistics
    mutation: LineageMutation
    lr: float
    lr_estimates: Mapping[str, float | None]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the statistics' keys plus mutation_probability, lr, lr_estimates."""
        out = self.statistics.to_dict()
        out.update({
            "meioses": self.mutation.meioses,
            "mutation_probability": self.mutation.probability,
            "mutation": self.mutation.to_dict(),
            "lr": self.lr,
            "lr_estimates": dict(self.lr_estimates),
        })
        return out


def _ratio(numerator: float, denominator: float | None) -> float | None:
    if denominator is None:
        return None
    if denominator == 0.0:
        return math.inf if numerator > 0 else math.nan
    return numerator / denominator


def lineage_lr(
    query: YHaplotype,
    reference: YHaplotype,
    database: Sequence[YHaplotype],
    *,
    meioses: int,
    rates: Mapping[str, float | YMutationRate] = YHRD_MUTATION_RATES,
    loci: Iterable[str] | None = None,
    confidence: float = 0.95,
    discrete_laplace: DiscreteLaplaceFit | None = None,
) -> LineageLR:
    """LR of "``query`` is a paternal relative of ``reference``, ``meioses`` apart" against
    "``query`` is an unrelated man" (module docstring), over the query's loci that the
    reference is typed at (or ``loci``). ``lr`` uses the Clopper–Pearson upper bound."""
    mutation = lineage_mutation_probability(query, reference, meioses=meioses, rates=rates,
                                            loci=loci)
    statistics = match_statistics(query, database, loci=mutation.loci, confidence=confidence,
                                  discrete_laplace=discrete_laplace)
    estimates = {name: _ratio(mutation.probability, value)
                 for name, value in statistics.estimators().items()}
    lr = _ratio(mutation.probability, statistics.upper_bound)
    return LineageLR(statistics, mutation, lr if lr is not None else math.nan, estimates)


# ---------------------------------------------------------------------------------------
# Discrete Laplace


def _columns(markers: Sequence[str]) -> tuple[tuple[str, int], ...]:
    """(marker, copy) per model column: a two-copy locus gives two sorted columns."""
    out: list[tuple[str, int]] = []
    for marker in markers:
        known = MARKERS.get(marker)
        copies = known.copies if known is not None else 1
        out += [(marker, c) for c in range(copies)]
    return tuple(out)


def _column_name(marker: str, copy: int, copies: int) -> str:
    return marker if copies == 1 else f"{marker}{'abcdefgh'[copy]}"


def _integer_row(haplotype: YHaplotype, columns: Sequence[tuple[str, int]]) -> list[int] | None:
    row: list[int] = []
    for marker, copy in columns:
        alleles = haplotype.alleles.get(marker)
        known = MARKERS.get(marker)
        copies = known.copies if known is not None else 1
        if alleles is None or len(alleles) != copies:
            return None
        allele = alleles[copy]
        if allele.kind is not AlleleKind.REPEAT or allele.repeats is None:
            return None
        row.append(int(allele.repeats))
    return row


def discrete_laplace_matrix(
    database: Sequence[YHaplotype], markers: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...], int]:
    """The distinct integer haplotypes over ``markers``, their counts, column names and
    how many database haplotypes could not be represented.

    A two-copy locus (DYS385) becomes two columns holding the smaller and the larger
    allele (``DYS385a``, ``DYS385b``). A haplotype is left out when a marker is untyped,
    null, duplicated or carries a microvariant or off-ladder allele (the model is on
    whole repeat numbers).
    """
    columns = _columns(markers)
    names = tuple(_column_name(m, c, len([1 for mm, _ in columns if mm == m]))
                  for m, c in columns)
    counts: dict[tuple[int, ...], int] = {}
    excluded = 0
    for haplotype in database:
        row = _integer_row(haplotype, columns)
        if row is None:
            excluded += 1
            continue
        key = tuple(row)
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        raise InputError("no database haplotype has whole repeat numbers at every locus "
                         "of the model", value=", ".join(markers))
    x = np.array(list(counts), dtype=np.int64).reshape(len(counts), len(columns))
    w = np.array(list(counts.values()), dtype=np.float64)
    return x, w, names, excluded


@dataclass(frozen=True)
class DiscreteLaplaceFit:
    """A discrete Laplace mixture fitted to a Y-STR database (module docstring).

    ``centers[j]`` is cluster j's central haplotype and ``dispersion[j]`` its p per
    column (``columns``; a two-copy locus has two); ``tau`` the cluster probabilities.
    ``log_likelihood`` is the marginal log-likelihood of the ``observations`` database
    haplotypes, ``bic`` disclapmix's BIC_marginal, ``trace`` the log-likelihood at every
    EM step (it never decreases). ``excluded`` database haplotypes could not be
    represented (module function :func:`discrete_laplace_matrix`).
    """

    markers: tuple[str, ...]
    columns: tuple[str, ...]
    centers: tuple[tuple[int, ...], ...]
    dispersion: tuple[tuple[float, ...], ...]
    tau: tuple[float, ...]
    log_likelihood: float
    bic: float
    parameters: int
    observations: int
    iterations: int
    center_moves: int
    converged: bool
    trace: tuple[float, ...] = field(repr=False)
    excluded: int = 0

    @property
    def clusters(self) -> int:
        """The number of clusters K."""
        return len(self.centers)

    def probability(self, haplotype: YHaplotype) -> float | None:
        """The model probability of ``haplotype`` over :attr:`markers`; ``None`` if it
        cannot be represented (untyped, null, duplicated or microvariant at a locus)."""
        row = _integer_row(haplotype, _columns(self.markers))
        if row is None:
            return None
        return float(self.probabilities(np.array([row], dtype=np.int64))[0])

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """Model probabilities of integer haplotypes ``rows`` (shape (n, columns))."""
        y = np.array(self.centers, dtype=np.int64)
        with np.errstate(divide="ignore"):
            logp = np.log(np.array(self.dispersion))
            log_tau = np.log(np.array(self.tau))
        dens = _disclap.log_component_densities(rows, y, logp) + log_tau[None, :]
        return np.asarray(np.exp(dens).sum(axis=1))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (centres, dispersions, τ, log-likelihood, BIC)."""
        return {
            "clusters": self.clusters, "columns": list(self.columns),
            "centers": [list(c) for c in self.centers],
            "dispersion": [list(d) for d in self.dispersion], "tau": list(self.tau),
            "log_likelihood": self.log_likelihood, "bic": self.bic,
            "parameters": self.parameters, "observations": self.observations,
            "iterations": self.iterations, "converged": self.converged,
            "excluded": self.excluded,
        }


def _markers_for(database: Sequence[YHaplotype], loci: Iterable[str] | None) -> tuple[str, ...]:
    if loci is not None:
        return tuple(dict.fromkeys(canonical_marker_name(m, allow_unknown=True) for m in loci))
    if not database:
        raise InputError("the database is empty")
    shared = [m for m in database[0].markers
              if all(h.alleles.get(m) is not None for h in database)]
    if not shared:
        raise InputError("no locus is typed in every database haplotype")
    return tuple(shared)


def fit_discrete_laplace(
    database: Sequence[YHaplotype],
    *,
    clusters: int,
    loci: Iterable[str] | None = None,
    initial_centers: Sequence[Sequence[int]] | None = None,
    tolerance: float = 1e-3,
    max_iterations: int = 100,
) -> DiscreteLaplaceFit:
    """Fit a ``clusters``-component discrete Laplace mixture to ``database`` over ``loci``.

    ``loci`` defaults to the loci typed in every database haplotype. Starting centres are
    the PAM medoids (Manhattan distance) unless ``initial_centers`` gives them (integer
    rows over the model columns). ``tolerance`` is disclapmix's ``eps`` (the stop on the
    largest change of a posterior cluster probability); smaller values run EM closer to
    its fixed point.
    """
    if not isinstance(clusters, int) or isinstance(clusters, bool) or clusters < 1:
        raise InputError("clusters must be a whole number of 1 or more", value=clusters)
    if not tolerance > 0 or max_iterations < 1:
        raise InputError("tolerance must be > 0 and max_iterations >= 1",
                         value=(tolerance, max_iterations))
    markers = _markers_for(database, loci)
    x, w, names, excluded = discrete_laplace_matrix(database, markers)
    if clusters > x.shape[0]:
        raise InputError("more clusters than distinct haplotypes", value=clusters)
    if initial_centers is not None:
        y0 = np.array(initial_centers, dtype=np.int64)
        if y0.shape != (clusters, x.shape[1]):
            raise InputError(f"initial centres must be {clusters} rows of {x.shape[1]} "
                             "integers", value=y0.shape)
    elif clusters == 1:
        # disclapmix starts one cluster at the rounded column medians of the data.
        y0 = np.array([[int(np.round(_weighted_median(x[:, k], w))) for k in
                        range(x.shape[1])]], dtype=np.int64)
    else:
        y0 = x[_disclap.pam(x, w, clusters)]
    result = _disclap.fit(x, w, y0, eps=tolerance, max_iterations=max_iterations)
    n, L, K = float(w.sum()), x.shape[1], clusters
    parameters = K * L + (L + K - 1) + (K - 1)
    bic = parameters * math.log(n * L) - 2.0 * result.log_likelihood
    with np.errstate(over="ignore"):
        dispersion = np.exp(result.logp)
    return DiscreteLaplaceFit(
        markers=markers, columns=names,
        centers=tuple(tuple(int(v) for v in row) for row in result.centers),
        dispersion=tuple(tuple(float(v) for v in row) for row in dispersion),
        tau=tuple(float(t) for t in result.tau), log_likelihood=result.log_likelihood,
        bic=bic, parameters=parameters, observations=int(n),
        iterations=result.iterations, center_moves=result.center_moves,
        converged=result.converged, trace=result.trace, excluded=excluded)


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The median of ``values`` repeated ``weights`` times (R's median: mean of the two
    middle values when the total is even)."""
    order = np.argsort(values, kind="stable")
    v, cum = values[order], np.cumsum(weights[order])
    total = cum[-1]
    lower = v[np.searchsorted(cum, (total + 1) // 2 if total % 2 else total / 2)]
    if total % 2:
        return float(lower)
    upper = v[np.searchsorted(cum, total / 2 + 1)]
    return (float(lower) + float(upper)) / 2.0


@dataclass(frozen=True)
class DiscreteLaplaceSelection:
    """Fits for several numbers of clusters and the one with the smallest BIC."""

    fits: tuple[DiscreteLaplaceFit, ...]

    @property
    def best(self) -> DiscreteLaplaceFit:
        """The fit with the smallest BIC (the first of equal ones)."""
        return min(self.fits, key=lambda f: f.bic)


def select_discrete_laplace(
    database: Sequence[YHaplotype],
    *,
    clusters: Iterable[int] = range(1, 6),
    loci: Iterable[str] | None = None,
    tolerance: float = 1e-3,
    max_iterations: int = 100,
) -> DiscreteLaplaceSelection:
    """Fit 1–5 clusters (or ``clusters``) and choose by BIC, as disclapmix's vignette does."""
    markers = _markers_for(database, loci)
    fits = tuple(fit_discrete_laplace(database, clusters=k, loci=markers, tolerance=tolerance,
                                      max_iterations=max_iterations) for k in clusters)
    if not fits:
        raise InputError("no number of clusters to try")
    return DiscreteLaplaceSelection(fits)
