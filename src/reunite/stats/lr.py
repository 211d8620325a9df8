"""Kinship likelihood ratios: the first hypothesis against each of the others.

``kinship_lr(hypotheses, markers, genotypes, theta=...)`` computes, for every hypothesis
and marker, the exact log-likelihood (:mod:`reunite.stats.likelihood`), and returns an
:class:`LRResult` (forrel ``kinshipLR``). Markers are independent: the total LR is the
product over markers, computed as the sum of log-likelihood differences.

What the special values mean (never clipped):

* ``LR = 0``: the numerator hypothesis is impossible (an exclusion); ``log10`` is ``None``.
* ``LR = +inf``: the denominator hypothesis is impossible.
* ``LR = NaN``: both are impossible at a marker (0/0; the data contradict every
  hypothesis: usually a typing error). The total is then NaN too.

When a hypothesis has likelihood 0 at a marker, :attr:`LRResult.inconsistencies` names
the marker and the typed persons implicated: those whose genotype, once removed, makes the
data possible (all typed persons if no single one does).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from reunite.errors import CaseError
from reunite.genetics.hypotheses import Hypothesis
from reunite.genetics.observation import DropoutModel
from reunite.provenance import Provenance, make_provenance
from reunite.stats.likelihood import (
    GenotypeData,
    KinshipMarker,
    batch_log_likelihoods,
    encode_data,
    pedigree_log_likelihood,
)

__all__ = ["Inconsistency", "LRResult", "kinship_lr"]

_LN10 = math.log(10.0)


@dataclass(frozen=True)
class Inconsistency:
    """Data impossible under ``hypothesis`` at ``marker``; ``persons`` are implicated."""

    hypothesis: str
    marker: str
    persons: tuple[str, ...]

    def __str__(self) -> str:
        return (f"hypothesis {self.hypothesis!r}, marker {self.marker}: genotypes of "
                f"{', '.join(self.persons)} are inconsistent (likelihood 0)")


@dataclass(frozen=True)
class LRResult:
    """Per-marker log-likelihoods of each hypothesis, and the LRs derived from them.

    ``log_likelihoods[h][m]`` is the natural log of P(data at marker m | hypothesis h),
    ``-inf`` when impossible. The LR of the first hypothesis against ``denominator``
    (default: the second) is available per marker and in total.
    """

    case_id: str | None
    hypotheses: tuple[str, ...]
    markers: tuple[str, ...]
    log_likelihoods: Mapping[str, Mapping[str, float]]
    inconsistencies: tuple[Inconsistency, ...]
    provenance: Provenance

    @property
    def numerator(self) -> str:
        """Name of the first hypothesis."""
        return self.hypotheses[0]

    @property
    def denominators(self) -> tuple[str, ...]:
        """Names of the other hypotheses."""
        return self.hypotheses[1:]

    def likelihood(self, hypothesis: str, marker: str) -> float:
        """P(data at ``marker`` | ``hypothesis``)."""
        return math.exp(self.log_likelihoods[hypothesis][marker])

    @property
    def likelihoods(self) -> dict[str, dict[str, float]]:
        """Likelihoods per hypothesis and marker."""
        return {h: {m: self.likelihood(h, m) for m in self.markers} for h in self.hypotheses}

    def _den(self, denominator: str | None) -> str:
        den = denominator if denominator is not None else self.hypotheses[1]
        if den not in self.log_likelihoods:
            raise CaseError(f"unknown hypothesis {den!r}", field="denominator", value=den)
        return den

    def log_lr_per_marker(self, denominator: str | None = None) -> dict[str, float]:
        """Natural-log LR per marker (``-inf`` exclusion, ``inf``, ``nan`` for 0/0)."""
        den = self._den(denominator)
        return {m: _log_ratio(self.log_likelihoods[self.numerator][m],
                              self.log_likelihoods[den][m]) for m in self.markers}

    def lr(self, denominator: str | None = None) -> dict[str, float]:
        """LR per marker."""
        return {m: _exp(v) for m, v in self.log_lr_per_marker(denominator).items()}

    def log_lr_total(self, denominator: str | None = None) -> float:
        """Natural log of the total LR (sum over markers)."""
        values = list(self.log_lr_per_marker(denominator).values())
        if any(math.isnan(v) for v in values):
            return math.nan
        if any(v == -math.inf for v in values) and any(v == math.inf for v in values):
            return math.nan
        return math.fsum(values) if all(math.isfinite(v) for v in values) else sum(values)

    def total_lr(self, denominator: str | None = None) -> float:
        """Total LR (product over markers)."""
        return _exp(self.log_lr_total(denominator))

    def log10_total_lr(self, denominator: str | None = None) -> float | None:
        """log10 of the total LR; ``None`` for an exclusion (LR 0) or 0/0."""
        v = self.log_lr_total(denominator)
        if math.isnan(v) or v == -math.inf:
            return None
        return v / _LN10

    def to_dict(self) -> dict[str, Any]:
        """The result in the shape of ``reunite lr`` (see the kinship-case spec)."""
        out: dict[str, Any] = {"id": self.case_id, "likelihoods": self.likelihoods}
        if len(self.hypotheses) == 2:
            out["lr"] = self.lr()
            out["total_lr"] = self.total_lr()
            out["log10_total_lr"] = self.log10_total_lr()
        else:
            out["lr"] = {d: self.lr(d) for d in self.denominators}
            out["total_lr"] = {d: self.total_lr(d) for d in self.denominators}
            out["log10_total_lr"] = {d: self.log10_total_lr(d) for d in self.denominators}
        return out


def _log_ratio(a: float, b: float) -> float:
    if a == -math.inf and b == -math.inf:
        return math.nan
    return a - b


def _exp(v: float) -> float:
    if math.isnan(v):
        return math.nan
    if v > 709.78:
        return math.inf
    return math.exp(v)


def kinship_lr(
    hypotheses: Sequence[Hypothesis],
    markers: Sequence[KinshipMarker],
    genotypes: Mapping[str, Mapping[str, GenotypeData | None]],
    *,
    theta: float = 0.0,
    case_id: str | None = None,
    find_inconsistencies: bool = True,
    dropout: Mapping[str, DropoutModel] | None = None,
) -> LRResult:
    """LR of ``hypotheses[0]`` against each other hypothesis, per marker and in total.

    Parameters
    ----------
    hypotheses : two or more :class:`Hypothesis`, each pedigree containing every typed
        person.
    markers : the markers (independent; unlinked).
    genotypes : ``{person: {marker name: (allele, allele) | None}}``; ``None`` alleles are
        unknown; persons or markers absent are untyped. For a person in ``dropout`` the
        value is the observed allele set (``("a", "b")``, ``("a",)``, ``()``).
    theta : Balding–Nichols θ over all founder alleles of each hypothesis.
    dropout : ``{person: DropoutModel}``, the samples read through the drop-out and
        drop-in model (:mod:`reunite.stats.dropout`); markers' ``silent_frequency`` adds
        a silent allele. Absent (or all zero, with no silent allele): exactly the
        genotype likelihoods.
    """
    start = time.perf_counter()
    if len(hypotheses) < 2:
        raise CaseError("need at least two hypotheses", field="hypotheses",
                        value=len(hypotheses), case=case_id)
    names = [h.name for h in hypotheses]
    if len(set(names)) != len(names):
        raise CaseError("hypothesis names must differ", field="hypotheses", value=names,
                        case=case_id)
    marker_names = [m.name for m in markers]
    if len(set(marker_names)) != len(marker_names):
        raise CaseError("marker names must differ", field="markers", value=marker_names,
                        case=case_id)
    typed = sorted(genotypes)
    for h in hypotheses:
        missing = [p for p in typed if p not in h.pedigree]
        if missing:
            raise CaseError(f"typed person(s) {', '.join(missing)} missing from hypothesis "
                            f"{h.name!r}", field="hypotheses", value=missing[0], case=case_id)
    for person in dropout or {}:
        if not any(person in h.pedigree for h in hypotheses):
            raise CaseError(f"person {person!r} with drop-out is in no hypothesis",
                            field="dropout", value=person, sample=person, case=case_id)
    logs: dict[str, dict[str, float]] = {h.name: {} for h in hypotheses}
    problems: list[Inconsistency] = []
    if theta == 0.0:
        # All markers of a hypothesis at once (batched elimination; same numbers).
        for h in hypotheses:
            ped = h.pedigree
            fidx = np.asarray(ped.fidx, dtype=np.intp)
            midx = np.asarray(ped.midx, dtype=np.intp)
            encoded = [encode_data(ped.index, len(ped),
                                   {p: genotypes[p].get(marker.name) for p in typed},
                                   marker, dropout) for marker in markers]
            values = batch_log_likelihoods(fidx, midx, [c for c, _ in encoded], markers,
                                           [o for _, o in encoded])
            for marker, ll in zip(markers, values, strict=True):
                logs[h.name][marker.name] = ll
    else:
        for marker in markers:
            marker_genotypes = {p: genotypes[p].get(marker.name) for p in typed}
            for h in hypotheses:
                logs[h.name][marker.name] = pedigree_log_likelihood(
                    h.pedigree, marker_genotypes, marker, theta=theta, dropout=dropout)
    if find_inconsistencies:
        for marker in markers:
            marker_genotypes = {p: genotypes[p].get(marker.name) for p in typed}
            for h in hypotheses:
                if logs[h.name][marker.name] == -math.inf:
                    problems.append(Inconsistency(h.name, marker.name, _implicated(
                        h, marker, marker_genotypes, theta, dropout)))
    params: dict[str, Any] = {
        "theta": theta,
        "hypotheses": tuple(names),
        "mutation": tuple((m.name, m.mutation.description if m.mutation else None)
                          for m in markers),
    }
    used = {p: m for p, m in (dropout or {}).items() if not m.is_zero}
    if used:
        params["dropout"] = tuple(sorted((p, tuple(sorted(m.to_dict().items())))
                                         for p, m in used.items()))
    if any(m.silent_frequency > 0.0 for m in markers):
        params["silent_frequency"] = tuple((m.name, m.silent_frequency) for m in markers)
    return LRResult(
        case_id=case_id,
        hypotheses=tuple(names),
        markers=tuple(marker_names),
        log_likelihoods=logs,
        inconsistencies=tuple(problems),
        provenance=make_provenance("kinship_lr", params,
                                   elapsed_seconds=time.perf_counter() - start),
    )


def _implicated(h: Hypothesis, marker: KinshipMarker,
                marker_genotypes: Mapping[str, GenotypeData | None], theta: float,
                dropout: Mapping[str, DropoutModel] | None = None) -> tuple[str, ...]:
    typed = [p for p, g in marker_genotypes.items()
             if g is not None and (len(g) != 2 or any(a is not None for a in g))]
    culprits = []
    for person in typed:
        reduced = {p: g for p, g in marker_genotypes.items() if p != person}
        if pedigree_log_likelihood(h.pedigree, reduced, marker, theta=theta,
                                   dropout=dropout) > -math.inf:
            culprits.append(person)
    return tuple(culprits) if culprits else tuple(typed)
