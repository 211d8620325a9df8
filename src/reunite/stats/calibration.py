"""How often a missing-person LR lies: exclusion power, tail probabilities, power, p-values
and database-size-aware thresholds of one family.

Model
-----
A family (pedigree and typed references) and a person of interest (POI). H1: the POI is
the family's missing person; H2: the POI is unrelated to the family. At marker ``m`` the
POI shows one outcome ``o`` out of a finite set (its genotype; with drop-out, the alleles
seen) with probability ``P(o | H1)`` (given the typed references) and ``P(o | H2)``
(population), held by :class:`MarkerOutcomes`; ``LR_m(o) = P(o | H1) / P(o | H2)``.
Markers are independent, so ``LR = Π_m LR_m``. For genotypes,
:func:`outcomes_from_table` takes both vectors from a
:class:`~reunite.stats.missing_person.GenotypeTable` (mutation and θ included); for a
degraded candidate, :func:`outcomes_from_observation_table` takes the observed allele sets
with drop-out from an :class:`~reunite.stats.missing_person.ObservationTable`. Under H2
the POI's genotype is drawn with Hardy–Weinberg proportions of the marker frequencies
(with θ > 0 the Balding–Nichols probability given the family's founder alleles, the LR's
own denominator, so that ``E[LR | H2] = 1`` still holds), under H1 from its distribution
given the references.

Quantities
----------
* **exclusion power** (forrel ``missingPersonEP``; Familias "exclusion probability"):
  ``P(LR = 0 | H2) = 1 − Π_m (1 − EP_m)``, ``EP_m = Σ_{o: P(o|H1)=0} P(o | H2)``; exact.
* **tail probabilities** ``P(LR ≥ t | H2)`` (false-positive rate at ``t``) and
  ``P(LR ≥ t | H1)`` (power), "≥" inclusive; LRs within a relative
  :data:`TIE_TOLERANCE` of ``t`` count as equal to it. Since ``E[LR | H2] ≤ 1``,
  ``P(LR ≥ t | H2) ≤ 1/t`` (Markov), and ``P(LR ≥ t | H1) ≥ t · P(LR ≥ t | H2)``.
* **p-value** of a candidate: ``P(LR ≥ observed | H2)``; expected chance matches in a
  database of ``N`` unrelated profiles: ``N × p``.
* **database threshold**: the smallest ``t`` with ``N · P(LR ≥ t | H2) ≤ target``.

Method: exact convolution of per-marker log-LR distributions
-------------------------------------------------------------
Each marker's outcomes become atoms ``(ln LR, P(·|H1), P(·|H2))``; atoms with equal LR
are merged exactly; exclusions (``LR = 0``) and, under H1 only, ``LR = ∞`` are kept
aside. While the combinations of distinct per-marker LRs number at most
:data:`EXACT_ATOMS` the distribution of ``ln LR`` is convolved atom by atom (method
``"exact"``: the result is the sum over all genotype combinations). Beyond that (20+
markers), atoms through which no combination can reach the threshold are dropped and
those through which every combination does are set aside (exact), then each marker's
``ln LR`` is rounded **down** to a lattice of step ``δ`` and the integer sums are
convolved directly — sums of non-negative numbers, so tiny tail probabilities keep their
full relative precision (no FFT) — with the same two prunings on partial sums. With ``L``
markers the exact ``ln LR`` lies in ``[δK, δK + Lδ)`` of its lattice sum ``δK``: a
**rigorous bracket** ``lower ≤ P ≤ upper`` (method ``"lattice"``). The lattice is aligned
on the threshold (``ln t / L`` per marker) or, for a candidate's p-value, on the
candidate's own per-marker LRs, so the candidate's own combination (and any tied with it
marker by marker) is counted exactly, not left in the bracket. ``δ`` is refined until
``(upper − lower) / (2 · lower) ≤`` the requested relative error (default 1e-3) for both
hypotheses, or the absolute error is below :data:`ABSOLUTE_ERROR_FLOOR`; the estimate
reported is the midpoint, so
``|estimate − P| ≤ relative_error · P``. Should the lattice need more than
:data:`MAX_BINS` cells, the bracket reached is reported as it is
(:attr:`Method.relative_error` says how wide).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reunite.errors import CaseError, InputError
from reunite.genetics.observation import DropoutModel
from reunite.provenance import Provenance, make_provenance
from reunite.stats import _convolution
from reunite.stats.missing_person import GenotypeTable, ObservationTable

__all__ = [
    "ABSOLUTE_ERROR_FLOOR",
    "DEFAULT_RELATIVE_ERROR",
    "DEFAULT_TARGET_CHANCE_MATCHES",
    "EXACT_ATOMS",
    "MAX_BINS",
    "METHODS",
    "TIE_TOLERANCE",
    "Bracket",
    "DatabaseThreshold",
    "ExclusionPower",
    "FamilyAssessment",
    "FamilyCalibration",
    "LRDistribution",
    "MarkerOutcomes",
    "Method",
    "TailFunction",
    "TailProbabilities",
    "assess_family",
    "calibrate",
    "database_threshold",
    "exclusion_power",
    "format_threshold",
    "lr_distribution",
    "outcomes_from_observation_table",
    "outcomes_from_table",
    "p_value",
    "tail_function",
    "tail_probabilities",
]

TIE_TOLERANCE = 1e-9
"""LRs within this relative distance of a threshold count as equal to it (ln-scale)."""
DEFAULT_RELATIVE_ERROR = 1e-3
"""Default bound on |estimate − exact| / exact of a tail probability."""
ABSOLUTE_ERROR_FLOOR = 1e-18
"""A bracket narrower than this is accepted whatever its relative width: 1e-18 × any
database size is far below one chance match."""
DEFAULT_TARGET_CHANCE_MATCHES = 0.01
"""Default target of expected chance matches per search for database thresholds."""
EXACT_ATOMS = 200_000
"""Most combinations of distinct per-marker LRs convolved exactly (``auto``); beyond, the
lattice."""
MAX_BINS = 1 << 22
"""Most lattice cells per hypothesis (32 MiB each) in one convolution."""
_INITIAL_STEP = 0.01
_MAX_REFINEMENTS = 6
_LN10 = math.log(10.0)
_H1, _H2 = 0, 1

Float = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class MarkerOutcomes:
    """One marker: the POI's possible outcomes with ``P(o | H1)`` and ``P(o | H2)``.

    ``h1`` and ``h2`` are float64 vectors over the same outcomes (for genotypes in
    :func:`~reunite.stats.genotypes.genotype_index` order), each summing to 1 within
    1e-6. ``labels`` optionally names the outcomes.
    """

    marker: str
    h1: Float
    h2: Float
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        h1 = np.asarray(self.h1, dtype=np.float64)
        h2 = np.asarray(self.h2, dtype=np.float64)
        object.__setattr__(self, "h1", h1)
        object.__setattr__(self, "h2", h2)
        if h1.ndim != 1 or h1.shape != h2.shape or h1.size == 0:
            raise InputError("h1 and h2 must be non-empty vectors of equal length",
                             marker=self.marker, field="outcomes",
                             value=[list(h1.shape), list(h2.shape)])
        for name, vec in (("h1", h1), ("h2", h2)):
            if not np.all(np.isfinite(vec)) or np.any(vec < 0):
                raise InputError(f"{name} must hold non-negative numbers", marker=self.marker,
                                 field=name, value=float(np.nanmin(vec)))
            total = float(vec.sum())
            if abs(total - 1.0) > 1e-6:
                raise InputError(f"{name} must sum to 1", marker=self.marker, field=name,
                                 value=total)
        if self.labels and len(self.labels) != h1.size:
            raise InputError("labels must name every outcome", marker=self.marker,
                             field="labels", value=len(self.labels))

    def log_lr(self) -> Float:
        """``ln LR`` per outcome (``-inf`` excluded, ``+inf``, NaN for impossible)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(np.log(self.h1) - np.log(self.h2), dtype=np.float64)


def outcomes_from_table(table: GenotypeTable, markers: Sequence[str] | None = None
                        ) -> tuple[MarkerOutcomes, ...]:
    """Per marker of ``table`` (or of ``markers``): genotypes with P(g | family), P(g)."""
    names = table.markers if markers is None else tuple(markers)
    out = []
    for name in names:
        k = table.marker_index(name)
        alleles = table.alleles[k]
        n = len(alleles)
        labels = tuple(f"{alleles[i]}/{alleles[j]}" for i in range(n) for j in range(i, n))
        out.append(MarkerOutcomes(name, table.family[k], table.unrelated[k], labels))
    return tuple(out)


def outcomes_from_observation_table(
    table: ObservationTable, model: DropoutModel | None = None,
    markers: Sequence[str] | None = None,
) -> tuple[MarkerOutcomes, ...]:
    """Per marker: the observed allele sets of a candidate with drop-out ``model``, with
    P(O | family) and P(O | unrelated) (:class:`~reunite.stats.missing_person.
    ObservationTable`; silent alleles included).

    Drop-in can add a third allele, and sets of three are not in the table: a model with
    drop-in is refused rather than calibrated on part of the outcomes.
    """
    if model is not None and model.drop_in > 0:
        raise InputError("calibration with drop-in is not supported: observed sets of three "
                         "alleles are not in the observation table", field="drop_in",
                         value=model.drop_in)
    names = table.markers if markers is None else tuple(markers)
    out = []
    for name in names:
        alleles = table.alleles[table.marker_index(name)]
        n = len(alleles)
        labels = (*(alleles[i] if i == j else f"{alleles[i]}/{alleles[j]}"
                    for i in range(n) for j in range(i, n)), "-")
        family, unrelated = table.probabilities(name, model)
        out.append(MarkerOutcomes(name, family, unrelated, labels))
    return tuple(out)


@dataclass(frozen=True)
class Bracket:
    """A probability known to lie in ``[lower, upper]``; ``estimate`` is the midpoint."""

    lower: float
    upper: float

    @property
    def estimate(self) -> float:
        """The midpoint."""
        return 0.5 * (self.lower + self.upper)

    @property
    def relative_error(self) -> float:
        """Bound on |estimate − exact| / exact: (upper − lower) / (2 · lower)."""
        if self.upper <= self.lower:
            return 0.0
        if self.lower <= 0.0:
            return math.inf
        return (self.upper - self.lower) / (2.0 * self.lower)

    def scaled(self, factor: float) -> Bracket:
        """Both ends times ``factor`` (e.g. a database size)."""
        return Bracket(self.lower * factor, self.upper * factor)

    def to_dict(self) -> dict[str, float]:
        """JSON-ready."""
        return {"lower": self.lower, "upper": self.upper}


@dataclass(frozen=True)
class Method:
    """How a tail probability was computed (see the module docstring)."""

    name: str
    markers: int
    step: float | None = None
    relative_error: float = 0.0
    refinements: int = 0

    def describe(self) -> str:
        """One sentence for reports."""
        if self.name == "exact" or self.step is None:
            return (f"exact convolution of the per-marker LR distributions of {self.markers} "
                    "markers (equal LRs merged)")
        return (f"convolution of the per-marker ln LR distributions of {self.markers} "
                f"markers on a lattice of step {self.step:.3g} (rounded down; rigorous "
                f"bounds, relative error ≤ {self.relative_error:.2g})")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"name": self.name, "markers": self.markers, "step": self.step,
                "relative_error": _finite_or_none(self.relative_error),
                "refinements": self.refinements, "description": self.describe()}


@dataclass(frozen=True)
class TailProbabilities:
    """``P(LR ≥ threshold | H2)`` (``h2``) and ``P(LR ≥ threshold | H1)`` (``h1``)."""

    threshold: float
    h2: Bracket
    h1: Bracket
    method: Method

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"threshold": _finite_or_none(self.threshold),
                "tail_probability": self.h2.estimate, "tail_probability_bounds":
                self.h2.to_dict(), "power": self.h1.estimate,
                "power_bounds": self.h1.to_dict(), "method": self.method.to_dict()}


@dataclass(frozen=True)
class ExclusionPower:
    """``P(LR = 0 | H2)`` in total and per marker (exact)."""

    total: float
    per_marker: Mapping[str, float]


@dataclass(frozen=True)
class _Atoms:
    values: Float          # distinct finite ln LR, ascending
    masses: Float          # (2, n): H1, H2
    excluded: float        # P(LR = 0 | H2)
    infinite: float        # P(LR = ∞ | H1)


def _atoms(outcome: MarkerOutcomes) -> _Atoms:
    h1, h2 = outcome.h1, outcome.h2
    finite = (h1 > 0) & (h2 > 0)
    values = np.log(h1[finite]) - np.log(h2[finite])
    values, masses = _convolution.merge_atoms(values, np.vstack((h1[finite], h2[finite])))
    return _Atoms(values, masses, float(h2[(h1 == 0) & (h2 > 0)].sum()),
                  float(h1[(h2 == 0) & (h1 > 0)].sum()))


def _any(probabilities: Sequence[float]) -> float:
    """1 − Π(1 − p), accurate for small p."""
    if any(p >= 1.0 for p in probabilities):
        return 1.0
    return max(0.0, -math.expm1(math.fsum(math.log1p(-p) for p in probabilities)))


def exclusion_power(outcomes: Sequence[MarkerOutcomes]) -> ExclusionPower:
    """Exact exclusion power: P(a random unrelated person has LR = 0), total and per marker.

    The quantity forrel calls ``missingPersonEP`` and Familias the exclusion probability.
    """
    per_marker = {o.marker: _atoms(o).excluded for o in outcomes}
    return ExclusionPower(_any(list(per_marker.values())), per_marker)


def _check_threshold(threshold: float, name: str = "threshold") -> float:
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not (
            math.isfinite(threshold) and threshold > 0):
        raise InputError(f"{name} must be a positive finite number", field=name,
                         value=threshold)
    return float(threshold)


def _check_relative_error(relative_error: float) -> float:
    if not (isinstance(relative_error, int | float) and 0 < relative_error < 1):
        raise InputError("relative_error must lie in (0, 1)", field="relative_error",
                         value=relative_error)
    return float(relative_error)


def _bin(atoms: _Atoms, offset: float, step: float
         ) -> tuple[NDArray[np.int64], Float]:
    k = np.floor((atoms.values - offset) / step).astype(np.int64)
    starts = np.concatenate(([0], np.flatnonzero(np.diff(k)) + 1))
    return k[starts], np.add.reduceat(atoms.masses, starts, axis=1)


def _converged(lower: Float, upper: Float, target: float) -> bool:
    return all(Bracket(float(lo), float(hi)).relative_error <= target
               or hi - lo <= ABSOLUTE_ERROR_FLOOR for lo, hi in zip(lower, upper, strict=True))


def _window(atoms: Sequence[_Atoms], step: float) -> float:
    """Most lattice cells :func:`_convolution.lattice_convolution` allocates at ``step``
    (markers in processing order): the kept window before a marker plus its span."""
    spans = np.array([a.values[-1] - a.values[0] for a in atoms]) / step + 1
    n = len(atoms)
    suffix = np.cumsum(spans[::-1])[::-1]
    prefix = np.concatenate(([1.0], np.cumsum(spans)[:-1]))
    return float(np.max(np.minimum(prefix, suffix + n) + spans)) + n + 2


_SLACK = 1e-12


def _trim(atoms: Sequence[_Atoms], target: float) -> tuple[list[_Atoms] | None, Float]:
    """Exact: drop atoms through which no combination reaches ``target`` (Σ ln LR), and
    set aside those through which every combination does (their mass times the other
    markers' total mass). Returns the rest (None: nothing left) and the set-aside mass."""
    kept = list(atoms)
    certain = np.zeros(2)
    while True:
        maxs = [float(a.values[-1]) for a in kept]
        mins = [float(a.values[0]) for a in kept]
        top, bottom = math.fsum(maxs), math.fsum(mins)
        for m, a in enumerate(kept):
            reach = a.values + (top - maxs[m]) >= target - _SLACK
            sure = a.values + (bottom - mins[m]) >= target + _SLACK
            if reach.all() and not sure.any():
                continue
            if sure.any():
                others = np.ones(2)
                for i, other in enumerate(kept):
                    if i != m:
                        others *= other.masses.sum(axis=1)
                certain += a.masses[:, sure].sum(axis=1) * others
            keep = reach & ~sure
            if not keep.any():
                return None, certain
            kept[m] = _Atoms(a.values[keep], a.masses[:, keep], a.excluded, a.infinite)
            break
        else:
            return kept, certain


def _lattice_pass(atoms: Sequence[_Atoms], offsets: Sequence[float], gap: float,
                  step: float) -> tuple[Float, Float]:
    """Rigorous bracket of the mass of Σ ln LR − Σ offsets ≥ ``gap`` on one lattice."""
    n = len(atoms)
    bins = [_bin(a, o, step) for a, o in zip(atoms, offsets, strict=True)]
    # Σ ln LR = origin + δK + R with 0 ≤ R < nδ: K ≥ k_lo suffices, K ≥ k_up is needed.
    k_lo = math.ceil(gap / step)
    k_up = math.floor(gap / step - n) + 1
    lo, arr, certain = _convolution.lattice_convolution(bins, k_up, k_lo)
    lower = certain + arr[:, max(k_lo - lo, 0):].sum(axis=1)
    upper = certain + arr[:, max(k_up - lo, 0):].sum(axis=1)
    return lower, upper


def _finite_tails(atoms: Sequence[_Atoms], offsets: Sequence[float], log_t: float,
                  relative_error: float, method: str) -> tuple[Float, Float, Method]:
    """Bracket of P(every marker finite and Σ ln LR ≥ ln t − tie) under H1 and H2."""
    n = len(atoms)
    if n == 0:
        # The empty product: LR = 1.
        hit = np.full(2, 1.0 if log_t <= TIE_TOLERANCE else 0.0)
        return hit, hit.copy(), Method("exact", 0)
    if any(a.values.size == 0 for a in atoms):
        # A marker whose every outcome has LR 0 or ∞: no finite combination.
        return np.zeros(2), np.zeros(2), Method("exact", n)
    # Exact when the number of combinations of distinct LRs is small (or when asked for:
    # then as long as merging equal sums keeps it small).
    feasible = math.prod(a.values.size for a in atoms) <= EXACT_ATOMS
    exact = None if method == "lattice" or (method == "auto" and not feasible) else (
        _convolution.exact_convolution([(a.values, a.masses) for a in atoms], EXACT_ATOMS))
    if exact is None and method == "exact":
        raise InputError(f"more than {EXACT_ATOMS} distinct LRs: the exact convolution is "
                         "not feasible; use method 'auto' or 'lattice'", field="method",
                         value=method)
    if exact is not None:
        values, masses = exact
        tail = masses[:, values >= log_t - TIE_TOLERANCE].sum(axis=1)
        return tail, tail.copy(), Method("exact", n)
    target = log_t - TIE_TOLERANCE
    trimmed, certain = _trim(atoms, target)
    if trimmed is None:
        # Every combination is decided exactly (certain or out of reach).
        return certain, certain.copy(), Method("exact", n)
    # The window is widest in the middle of the sequence: markers with many atoms go to
    # the ends, where it is narrow (the sum does not depend on the order).
    by_size = sorted(range(n), key=lambda i: -trimmed[i].values.size)
    order = by_size[0::2] + by_size[1::2][::-1]
    work = [trimmed[i] for i in order]
    offsets = [offsets[i] for i in order]
    gap = target - math.fsum(offsets)
    step = max(_INITIAL_STEP, _window(work, 1.0) / MAX_BINS)
    lower, upper = _lattice_pass(work, offsets, gap, step)
    lower, upper = lower + certain, upper + certain
    refinements = 0
    while not _converged(lower, upper, relative_error) and refinements < _MAX_REFINEMENTS:
        worst = max(Bracket(float(a), float(b)).relative_error
                    for a, b in zip(lower, upper, strict=True))
        factor = min(0.5, max(1 / 64, 0.6 * relative_error / worst))
        new_step = max(step * factor, _window(work, 1.0) / MAX_BINS)
        if new_step >= step * 0.95:
            break
        step = new_step
        refinements += 1
        lower, upper = _lattice_pass(work, offsets, gap, step)
        lower, upper = lower + certain, upper + certain
    achieved = max(Bracket(float(a), float(b)).relative_error
                   if b - a > ABSOLUTE_ERROR_FLOOR else 0.0
                   for a, b in zip(lower, upper, strict=True))
    return lower, upper, Method("lattice", n, step, achieved, refinements)


def _tails(atoms: Sequence[_Atoms], offsets: Sequence[float], log_t: float,
           relative_error: float, method: str = "auto") -> TailProbabilities:
    """Tails at ``ln t = log_t`` (``±inf`` allowed) with the lattice on ``offsets``."""
    threshold = math.exp(log_t) if log_t < 709.78 else math.inf
    if log_t == -math.inf:
        return TailProbabilities(0.0, Bracket(1.0, 1.0), Bracket(1.0, 1.0),
                                 Method("exact", len(atoms)))
    infinite = _any([a.infinite for a in atoms])
    if log_t == math.inf:
        return TailProbabilities(math.inf, Bracket(0.0, 0.0), Bracket(infinite, infinite),
                                 Method("exact", len(atoms)))
    lower, upper, how = _finite_tails(atoms, offsets, log_t, relative_error, method)
    return TailProbabilities(
        threshold,
        h2=_bracket(float(lower[_H2]), float(upper[_H2])),
        h1=_bracket(float(lower[_H1]) + infinite, float(upper[_H1]) + infinite),
        method=how)


def _bracket(lower: float, upper: float) -> Bracket:
    """A probability bracket clipped to [0, 1] (sums may pass 1 by rounding)."""
    lo = min(1.0, max(0.0, lower))
    return Bracket(lo, min(1.0, max(lo, upper)))


METHODS = ("auto", "exact", "lattice")
"""``auto``: exact while feasible (:data:`EXACT_ATOMS`), else the lattice."""


def _check_method(method: str) -> str:
    if method not in METHODS:
        raise InputError(f"method must be one of {', '.join(METHODS)}", field="method",
                         value=method)
    return method


def tail_probabilities(outcomes: Sequence[MarkerOutcomes], threshold: float, *,
                       relative_error: float = DEFAULT_RELATIVE_ERROR,
                       method: str = "auto") -> TailProbabilities:
    """``P(LR ≥ threshold | H2)`` and ``P(LR ≥ threshold | H1)`` (module docstring)."""
    t = _check_threshold(threshold)
    rel = _check_relative_error(relative_error)
    how = _check_method(method)
    atoms = [_atoms(o) for o in outcomes]
    log_t = math.log(t)
    return _tails(atoms, [log_t / len(atoms)] * len(atoms) if atoms else [], log_t, rel,
                  how)


def p_value(outcomes: Sequence[MarkerOutcomes],
            observed: float | Mapping[str, float], *,
            relative_error: float = DEFAULT_RELATIVE_ERROR,
            method: str = "auto") -> TailProbabilities:
    """A candidate's ``P(LR ≥ observed | H2)`` (``.h2``; ``.h1`` the same under H1).

    ``observed`` is the candidate's total LR, or better its natural-log LR per marker
    (``{marker: ln LR}``, e.g. :meth:`reunite.stats.lr.LRResult.log_lr_per_marker`):
    then only those markers are used (a candidate typed at fewer markers is compared
    with profiles typed at the same ones) and the lattice is aligned on the candidate's
    own values, so that the candidate and every outcome tied with it count exactly.
    """
    rel = _check_relative_error(relative_error)
    how = _check_method(method)
    if isinstance(observed, Mapping):
        by_name = {o.marker: o for o in outcomes}
        unknown = [m for m in observed if m not in by_name]
        if unknown:
            raise InputError("observed LR of a marker the family is not calibrated on",
                             field="observed", value=unknown[0], marker=unknown[0])
        chosen = [by_name[m] for m in observed]
        values = [float(observed[m]) for m in observed]
        if any(math.isnan(v) for v in values):
            raise InputError("observed ln LR is NaN (0/0)", field="observed", value=None)
        if any(v == -math.inf for v in values):
            return TailProbabilities(0.0, Bracket(1.0, 1.0), Bracket(1.0, 1.0),
                                     Method("exact", len(chosen)))
        atoms = [_atoms(o) for o in chosen]
        if any(v == math.inf for v in values):
            return _tails(atoms, [0.0] * len(atoms), math.inf, rel)
        offsets = [_snap(a, v) for a, v in zip(atoms, values, strict=True)]
        return _tails(atoms, offsets, math.fsum(offsets), rel, how)
    if isinstance(observed, bool) or not isinstance(observed, int | float) or math.isnan(
            observed) or observed < 0:
        raise InputError("observed LR must be a number ≥ 0", field="observed",
                         value=observed)
    if observed == 0:
        return TailProbabilities(0.0, Bracket(1.0, 1.0), Bracket(1.0, 1.0),
                                 Method("exact", len(outcomes)))
    atoms = [_atoms(o) for o in outcomes]
    if observed == math.inf:
        return _tails(atoms, [0.0] * len(atoms), math.inf, rel)
    log_t = math.log(observed)
    return _tails(atoms, [log_t / len(atoms)] * len(atoms) if atoms else [], log_t, rel,
                  how)


def _snap(atoms: _Atoms, value: float) -> float:
    """The atom equal to ``value`` within the tie tolerance (else ``value``)."""
    if atoms.values.size:
        i = int(np.argmin(np.abs(atoms.values - value)))
        if abs(atoms.values[i] - value) <= TIE_TOLERANCE * max(1.0, abs(value)):
            return float(atoms.values[i])
    return value


@dataclass(frozen=True)
class DatabaseThreshold:
    """Smallest LR threshold keeping expected chance matches at or below ``target``.

    ``threshold`` is conservative: ``database_size · P(LR ≥ threshold | H2) ≤ target`` is
    guaranteed (the bracket's upper end), and the exact smallest such threshold lies in
    ``[infimum_lower, threshold]``. Never below 1 (``at_floor``: already LR ≥ 1 is rare
    enough). ``tail`` and ``power`` are the tail probabilities at ``threshold``.
    """

    database_size: float
    target: float
    threshold: float
    infimum_lower: float
    at_floor: bool
    tail: Bracket
    power: Bracket
    step: float

    @property
    def expected_chance_matches(self) -> float:
        """``database_size × P(LR ≥ threshold | H2)`` (the bracket's midpoint)."""
        return self.database_size * self.tail.estimate

    @property
    def log10_threshold(self) -> float:
        """log10 of :attr:`threshold`."""
        return math.log10(self.threshold)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"database_size": self.database_size, "target_chance_matches": self.target,
                "threshold": self.threshold, "log10_threshold": self.log10_threshold,
                "infimum_bounds": {"lower": self.infimum_lower, "upper": self.threshold},
                "at_floor": self.at_floor, "tail_probability": self.tail.estimate,
                "tail_probability_bounds": self.tail.to_dict(),
                "expected_chance_matches": self.expected_chance_matches,
                "power": self.power.estimate, "power_bounds": self.power.to_dict(),
                "step": self.step}


def _check_database_size(database_size: float) -> float:
    if isinstance(database_size, bool) or not isinstance(database_size, int | float) or not (
            math.isfinite(database_size) and database_size > 0):
        raise InputError("database size must be a positive number", field="database_size",
                         value=database_size)
    return float(database_size)


@dataclass(frozen=True, eq=False)
class TailFunction:
    """``P(LR ≥ t | H2)`` and ``P(LR ≥ t | H1)`` bracketed at every ``t ≥ min_threshold``
    (and ``≤ max_threshold``), from one lattice convolution (:func:`tail_function`).

    Cheap per call (a look-up): for many candidates of one family. Its brackets are about
    ``(L + 1) · step`` wide in ln LR; :func:`p_value` gives a candidate's exactly aligned
    one (ties included) when that is too coarse.
    """

    min_threshold: float
    max_threshold: float | None
    step: float
    markers: int
    lo: int
    suffix: Float = field(repr=False)
    infinite: float = 0.0

    def _mass(self, k: NDArray[np.int64]) -> Float:
        i = np.clip(k - self.lo, 0, self.suffix.shape[1] - 1)
        return np.asarray(self.suffix[:, i], dtype=np.float64)

    def _check(self, threshold: float) -> float:
        t = _check_threshold(threshold)
        if t < self.min_threshold * math.exp(-TIE_TOLERANCE) or (
                self.max_threshold is not None and t > self.max_threshold):
            raise InputError("threshold outside the range of the tail function",
                             field="threshold", value=t)
        return t

    def brackets(self, thresholds: Sequence[float]) -> tuple[Float, Float]:
        """``(lower, upper)``, each (2, n): H1 row 0, H2 row 1, at ``thresholds``."""
        gaps = np.array([math.log(self._check(t) / self.min_threshold) - TIE_TOLERANCE
                         for t in thresholds]) / self.step
        k_lo = np.ceil(gaps).astype(np.int64)
        k_up = (np.floor(gaps - self.markers) + 1).astype(np.int64)
        lower, upper = self._mass(k_lo), self._mass(k_up)
        lower[_H1] += self.infinite
        upper[_H1] += self.infinite
        return np.clip(lower, 0.0, 1.0), np.clip(np.maximum(lower, upper), 0.0, 1.0)

    def at(self, threshold: float) -> TailProbabilities:
        """The tails at ``threshold`` (bracketed)."""
        lower, upper = self.brackets([threshold])
        h2 = Bracket(float(lower[_H2, 0]), float(upper[_H2, 0]))
        h1 = Bracket(float(lower[_H1, 0]), float(upper[_H1, 0]))
        err = max(b.relative_error if b.upper - b.lower > ABSOLUTE_ERROR_FLOOR else 0.0
                  for b in (h1, h2))
        return TailProbabilities(float(threshold), h2, h1,
                                 Method("lattice", self.markers, self.step, err))


def tail_function(outcomes: Sequence[MarkerOutcomes], *, min_threshold: float = 1.0,
                  max_threshold: float | None = None, precision: float = 0.01,
                  log_lr_offset: float = 0.0) -> TailFunction:
    """One lattice convolution (step ``precision / (L + 1)`` in ln LR, aligned on
    ``min_threshold``) whose suffix sums bound the tails at every threshold in range;
    ``max_threshold`` caps the range (sums certain to pass it are not kept apart).
    ``log_lr_offset`` as in :func:`calibrate` (thresholds on the offset scale)."""
    t_min = _check_threshold(min_threshold, "min_threshold")
    if max_threshold is not None:
        _check_threshold(max_threshold, "max_threshold")
    if not (isinstance(precision, int | float) and 0 < precision <= 1):
        raise InputError("precision must lie in (0, 1]", field="precision", value=precision)
    atoms = [_atoms(o) for o in outcomes]
    n = len(atoms)
    if n == 0:
        raise InputError("no markers to calibrate", field="markers", value=0)
    infinite = _any([a.infinite for a in atoms])
    step = precision / (n + 1)
    if any(a.values.size == 0 for a in atoms):
        # Every LR is 0 or ∞ at some marker: no finite LR reaches any threshold.
        return TailFunction(t_min, max_threshold, step, n, 0, np.zeros((2, 1)), infinite)
    origin = (math.log(t_min) - log_lr_offset) / n
    top = None
    if max_threshold is not None:
        top = max(0, math.ceil(math.log(max_threshold / t_min) / step)) + 1
    bins = [_bin(a, origin, step) for a in atoms]
    lo, arr, certain = _convolution.lattice_convolution(bins, -n, top)
    suffix = certain[:, None] + np.concatenate(
        (np.cumsum(arr[:, ::-1], axis=1)[:, ::-1], np.zeros((2, 1))), axis=1)
    return TailFunction(t_min, max_threshold, step, n, lo, suffix, infinite)


def database_threshold(outcomes: Sequence[MarkerOutcomes], database_size: float, *,
                       target: float = DEFAULT_TARGET_CHANCE_MATCHES,
                       precision: float = 0.01,
                       log_lr_offset: float = 0.0) -> DatabaseThreshold:
    """The smallest ``t ≥ 1`` with ``database_size · P(LR ≥ t | H2) ≤ target``.

    One :func:`tail_function` (lattice step ``precision / (L + 1)`` in ln LR) gives
    rigorous bounds on ``P(LR ≥ t | H2)`` at every lattice point; the threshold returned
    is the first point whose upper bound meets the target, within a factor
    ``e^precision`` of the exact infimum. Markov's bound ``P(LR ≥ t | H2) ≤ 1/t`` caps
    the search at ``t = database_size / target``. ``log_lr_offset``: the LR thresholded
    is ``e^offset · P(o | H1) / P(o | H2)`` (see :func:`calibrate`; Markov then caps
    at ``e^offset · database_size / target``).
    """
    n_db = _check_database_size(database_size)
    if isinstance(target, bool) or not isinstance(target, int | float) or not (
            math.isfinite(target) and target > 0):
        raise InputError("target chance matches must be a positive number", field="target",
                         value=target)
    c = float(target) / n_db
    n = len(outcomes)
    step = precision / (n + 1) if n else precision
    # Lattice points t_j = e^{jδ}, j = 0 … top; the last is past Markov's bound.
    cap = max(1.0, math.exp(log_lr_offset) / c) * math.exp((n + 2) * step)
    tails = tail_function(outcomes, min_threshold=1.0, max_threshold=cap,
                          precision=precision, log_lr_offset=log_lr_offset)
    top = max(0, math.ceil(math.log(cap) / tails.step) - 1)
    points = [math.exp(j * tails.step) for j in range(top + 1)]
    lower, upper = tails.brackets(points)
    meets = np.flatnonzero(upper[_H2] <= c)
    j_b = int(meets[0]) if meets.size else top
    above = np.flatnonzero(lower[_H2] > c)
    j_a = int(above.max()) if above.size else 0
    return DatabaseThreshold(
        database_size=n_db, target=float(target), threshold=points[j_b],
        infimum_lower=points[min(j_a, j_b)], at_floor=j_b == 0,
        tail=_bracket(float(lower[_H2, j_b]), float(upper[_H2, j_b])),
        power=_bracket(float(lower[_H1, j_b]), float(upper[_H1, j_b])),
        step=tails.step)


@dataclass(frozen=True)
class LRDistribution:
    """The distribution of log10 LR under both hypotheses, binned for a plot.

    ``h1[i]``/``h2[i]``: probability that log10 LR falls in ``[edges[i], edges[i] +
    bin_width)``; ``excluded``: P(LR = 0 | H2) (and 0 under H1), ``infinite``:
    P(LR = ∞ | H1). Display data: computed by FFT on a lattice of step ``resolution``
    (log10 units, nearest rounding), precise to ~1e-14 of the largest mass.
    """

    edges: tuple[float, ...]
    bin_width: float
    h1: tuple[float, ...]
    h2: tuple[float, ...]
    excluded: float
    infinite: float
    resolution: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"log10_lr": list(self.edges), "bin_width": self.bin_width,
                "h1": list(self.h1), "h2": list(self.h2), "excluded_h2": self.excluded,
                "infinite_h1": self.infinite, "resolution_log10": self.resolution}


def lr_distribution(outcomes: Sequence[MarkerOutcomes], *, bin_width: float = 0.25,
                    step: float = 0.002) -> LRDistribution:
    """Binned log10 LR distributions under H1 and H2 (for a plot; see the class).

    Three FFT convolutions on one lattice (nearest rounding): of the H1 masses, of the H2
    masses and of the geometric means ``√(P(o|H1) · P(o|H2))`` (the distribution tilted
    half-way). Since every combination's masses satisfy ``P(·|H1) = P(·|H2) · LR``, each
    gives both hypotheses (``H2 = H1 · e^{-x} = Q · e^{-x/2}``); per lattice point the one
    with the best relative precision (its value against its own maximum) is kept, so the
    plot shows both hypotheses' tails, not FFT noise.
    """
    if not (isinstance(bin_width, int | float) and bin_width > 0):
        raise InputError("bin width must be positive", field="bin_width", value=bin_width)
    atoms = [_atoms(o) for o in outcomes]
    excluded = _any([a.excluded for a in atoms])
    infinite = _any([a.infinite for a in atoms])
    if not atoms or any(a.values.size == 0 for a in atoms):
        return LRDistribution((), float(bin_width), (), (), excluded, infinite, 0.0)
    span = sum(float(a.values[-1] - a.values[0]) for a in atoms)
    step = max(step, span / (MAX_BINS - 1))
    bins = []
    for a in atoms:
        k = np.rint(a.values / step).astype(np.int64)
        rows = np.vstack((a.masses, np.sqrt(a.masses[_H1] * a.masses[_H2])))
        starts = np.concatenate(([0], np.flatnonzero(np.diff(k)) + 1))
        bins.append((k[starts], np.add.reduceat(rows, starts, axis=1)))
    lo, dense = _convolution.fft_convolution(bins)
    x = (lo + np.arange(dense.shape[1])) * step
    quality = dense / dense.max(axis=1, keepdims=True)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        half = np.exp(0.5 * x)
        candidates_h1 = np.vstack((dense[0], dense[1] * half * half, dense[2] * half))
        candidates_h2 = np.vstack((dense[0] / half / half, dense[1], dense[2] / half))
    cols = np.arange(x.size)
    # A hypothesis' own convolution is exact up to FFT rounding where its mass is not
    # tiny; elsewhere the best-conditioned of the three (the identity adds the lattice's
    # rounding, a factor within e^{±resolution}).
    best = np.argmax(quality, axis=0)
    best1 = np.where(quality[0] > 1e-6, 0, best)
    best2 = np.where(quality[1] > 1e-6, 1, best)
    h1 = np.where(quality[best1, cols] > 1e-13, candidates_h1[best1, cols], 0.0)
    h2 = np.where(quality[best2, cols] > 1e-13, candidates_h2[best2, cols], 0.0)
    h1 = np.where(np.isfinite(h1), h1, 0.0)
    h2 = np.where(np.isfinite(h2), h2, 0.0)
    b = np.floor(x / _LN10 / bin_width + 1e-9).astype(np.int64)
    first, last = int(b[0]), int(b[-1])
    m1 = np.bincount(b - first, weights=h1, minlength=last - first + 1)
    m2 = np.bincount(b - first, weights=h2, minlength=last - first + 1)
    keep = np.flatnonzero((m1 > 0) | (m2 > 0))
    edges = tuple(float((first + i) * bin_width) for i in keep)
    return LRDistribution(edges, float(bin_width), tuple(float(v) for v in m1[keep]),
                          tuple(float(v) for v in m2[keep]), excluded, infinite,
                          len(atoms) * step / 2 / _LN10)


@dataclass(frozen=True)
class FamilyAssessment:
    """Whether a family is weak at the threshold, with the sentence to show."""

    weak: bool
    message: str
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"weak": self.weak, "message": self.message, "reasons": list(self.reasons)}


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_threshold(value: float) -> str:
    """``10⁴`` for powers of ten, else ``2.5 × 10⁴`` (or the number when small)."""
    if not math.isfinite(value) or value <= 0:
        return str(value)
    exponent = math.floor(math.log10(value) + 1e-12)
    mantissa = value / 10 ** exponent
    if abs(mantissa - 1.0) < 1e-9:
        return "10" + str(exponent).translate(_SUPERSCRIPT)
    if -2 <= exponent <= 2:
        return f"{value:.3g}"
    return f"{mantissa:.2g} × 10" + str(exponent).translate(_SUPERSCRIPT)


def _count(value: float) -> str:
    if value == 0:
        return "0"
    if value >= 10:
        return f"{value:,.0f}"
    return f"{value:.2g}"


@dataclass(frozen=True)
class FamilyCalibration:
    """Everything calibration says about one family at one threshold and database size."""

    markers: tuple[str, ...]
    exclusion: ExclusionPower
    tails: TailProbabilities
    database_size: float | None
    database: DatabaseThreshold | None
    observed_lr: float | None = None
    observed: TailProbabilities | None = None
    provenance: Provenance | None = field(default=None, compare=False)

    @property
    def threshold(self) -> float:
        """The LR threshold of :attr:`tails`."""
        return self.tails.threshold

    @property
    def power(self) -> float:
        """``P(LR ≥ threshold | H1)``."""
        return self.tails.h1.estimate

    @property
    def tail_probability(self) -> float:
        """``P(LR ≥ threshold | H2)``."""
        return self.tails.h2.estimate

    @property
    def expected_chance_matches(self) -> float | None:
        """``database_size × P(LR ≥ threshold | H2)``."""
        if self.database_size is None:
            return None
        return self.database_size * self.tail_probability

    def to_dict(self) -> dict[str, Any]:
        """The ``reunite calibrate --json`` object (kinship-case spec, Calibration)."""
        out: dict[str, Any] = {
            "markers": list(self.markers),
            "exclusion_power": self.exclusion.total,
            "exclusion_power_per_marker": dict(self.exclusion.per_marker),
            "threshold": self.threshold,
            "tail_probability": self.tail_probability,
            "tail_probability_bounds": self.tails.h2.to_dict(),
            "power": self.power,
            "power_bounds": self.tails.h1.to_dict(),
            "database_size": self.database_size,
            "expected_chance_matches": self.expected_chance_matches,
        }
        if self.observed is not None or self.observed_lr is not None:
            p = self.observed.h2 if self.observed is not None else None
            out.update({
                "observed_lr": _finite_or_none(self.observed_lr),
                "log10_observed_lr": (math.log10(self.observed_lr) if self.observed_lr
                                      and math.isfinite(self.observed_lr) else None),
                "observed_tail_probability": None if p is None else p.estimate,
                "observed_tail_probability_bounds": None if p is None else p.to_dict(),
                "observed_expected_chance_matches": (
                    None if self.database_size is None or p is None
                    else self.database_size * p.estimate),
            })
        if self.database is not None:
            out["database_threshold"] = self.database.to_dict()
        out["assessment"] = assess_family(self).to_dict()
        methods = {"tail_probability": self.tails.method.to_dict()}
        if self.observed is not None:
            methods["observed_tail_probability"] = self.observed.method.to_dict()
        out["method"] = {
            "exclusion_power": "exact: sum of P(g | H2) over genotypes with P(g | H1) = 0, "
                               "1 − Π(1 − per marker)",
            **methods,
            "database_threshold": None if self.database is None else (
                f"lattice step {self.database.step:.3g} in ln LR; conservative threshold "
                "from rigorous upper bounds"),
            "model": "H2: POI genotype from the population (Hardy–Weinberg; Balding–Nichols "
                     "with θ > 0); H1: from its distribution given the typed references; "
                     "markers independent; '≥' inclusive",
        }
        if self.provenance is not None:
            out["provenance"] = self.provenance.to_dict()
        return out


def _finite_or_none(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return value


def assess_family(calibration: FamilyCalibration, *, min_power: float = 0.9,
                  max_chance_matches: float = 0.1) -> FamilyAssessment:
    """Weak when power at the threshold is below ``min_power`` or the expected chance
    matches in the database exceed ``max_chance_matches``; the message says both numbers
    ("this pedigree identifies its missing person with probability 0.38 at LR ≥ 10⁴;
    expected chance matches in 100,000 profiles: 0.9")."""
    t = format_threshold(calibration.threshold)
    message = (f"this pedigree identifies its missing person with probability "
               f"{calibration.power:.2f} at LR ≥ {t}")
    reasons = []
    if calibration.power < min_power:
        reasons.append(f"power {calibration.power:.2f} below {min_power:.2f}")
    expected = calibration.expected_chance_matches
    if expected is not None and calibration.database_size is not None:
        message += (f"; expected chance matches in {_count(calibration.database_size)} "
                    f"profiles: {_count(expected)}")
        if expected > max_chance_matches:
            reasons.append(f"expected chance matches {_count(expected)} above "
                           f"{_count(max_chance_matches)}")
    return FamilyAssessment(bool(reasons), message, tuple(reasons))


def calibrate(
    outcomes: Sequence[MarkerOutcomes],
    *,
    threshold: float,
    database_size: float | None = None,
    target_chance_matches: float | None = DEFAULT_TARGET_CHANCE_MATCHES,
    observed: Mapping[str, float] | float | None = None,
    observed_lr: float | None = None,
    relative_error: float = DEFAULT_RELATIVE_ERROR,
    log_lr_offset: Mapping[str, float] | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> FamilyCalibration:
    """Calibrate one family: exclusion power, tails and power at ``threshold``, expected
    chance matches in ``database_size`` profiles, the database threshold for
    ``target_chance_matches`` (None: skip), and a candidate's p-value when ``observed``
    (its per-marker ln LR, or total LR; see :func:`p_value`) is given. ``observed_lr``
    is the candidate's total LR to report (default: from ``observed``). ``parameters``
    are added to the provenance (e.g. θ and the mutation model of the tables).

    ``log_lr_offset`` (per marker, natural log): when the LR calibrated is a constant
    multiple ``c_m · P(o | H1) / P(o | H2)`` of the outcomes' ratio — a kinship case
    whose H2 gives the references another likelihood than H1 does — thresholds and
    observed LRs are on that scale (and Markov's bound becomes ``c / t``)."""
    start = time.perf_counter()
    if not outcomes:
        raise CaseError("no markers to calibrate", field="markers", value=0)
    names = [o.marker for o in outcomes]
    if len(set(names)) != len(names):
        raise CaseError("marker names must differ", field="markers", value=names)
    t = _check_threshold(threshold)
    n_db = None if database_size is None else _check_database_size(database_size)
    offsets = {m: float((log_lr_offset or {}).get(m, 0.0)) for m in names}
    if not all(math.isfinite(v) for v in offsets.values()):
        raise CaseError("LR offsets must be finite", field="log_lr_offset",
                        value=[m for m, v in offsets.items() if not math.isfinite(v)])
    shift = math.fsum(offsets.values())
    if shift == 0.0:
        tails = tail_probabilities(outcomes, t, relative_error=relative_error)
    else:
        atoms = [_atoms(o) for o in outcomes]
        log_t = math.log(t) - shift
        tails = dataclasses.replace(
            _tails(atoms, [log_t / len(atoms)] * len(atoms), log_t,
                   _check_relative_error(relative_error)), threshold=t)
    db = None
    if n_db is not None and target_chance_matches is not None:
        db = database_threshold(outcomes, n_db, target=target_chance_matches,
                                log_lr_offset=shift)
    obs = None
    if observed is not None:
        if isinstance(observed, Mapping):
            if observed_lr is None:
                observed_lr = math.exp(min(709.0, math.fsum(observed.values())))
            obs = p_value(outcomes, {m: v - offsets.get(m, 0.0) for m, v in observed.items()},
                          relative_error=relative_error)
        else:
            if observed_lr is None:
                observed_lr = float(observed)
            obs = p_value(outcomes, float(observed) * math.exp(-shift),
                          relative_error=relative_error)
        obs = dataclasses.replace(obs, threshold=observed_lr)
    params: dict[str, Any] = {"threshold": t, "database_size": n_db,
                              "target_chance_matches": target_chance_matches,
                              "relative_error": relative_error, **(parameters or {})}
    if shift != 0.0:
        params["reference_lr"] = math.exp(shift)
    return FamilyCalibration(
        markers=tuple(names), exclusion=exclusion_power(outcomes), tails=tails,
        database_size=n_db, database=db, observed_lr=observed_lr, observed=obs,
        provenance=make_provenance("calibrate", params,
                                   elapsed_seconds=time.perf_counter() - start))
