"""Degraded samples: drop-out, drop-in and silent alleles, and estimating a sample's d.

The model (as in Familias 3 and relMix, with the drop-out conventions of the ISFG DNA
commission; references below). For a sample with a
:class:`~reunite.genetics.observation.DropoutModel` ``(d, d_hom, c)``, at each marker:

* **Drop-out.** Each allele of a heterozygote ``a/b`` is lost independently with
  probability ``d``; a homozygote ``a/a`` is lost whole with probability ``d_hom``
  (default ``d²``). So ``a/b`` shows ``{a, b}`` with ``(1−d)²``, ``{a}`` or ``{b}`` with
  ``d(1−d)`` each and nothing with ``d²``; ``a/a`` shows ``{a}`` with ``1 − d_hom``.
* **Drop-in.** With probability ``c`` one extra allele ``x`` is added to what survived,
  drawn from the marker's listed frequencies *as given* (before any silent-allele
  scaling); the observed set is the union, so an ``x`` already seen changes nothing.
  With probability ``1 − c`` nothing is added. Hence
  ``P(O | S) = (1 − c + c·Σ_{x∈O} p_x)·[S = O] + c·p_x·[S = O ∖ {x}]``.
* **Silent allele.** A marker may carry a silent (null) allele of frequency ``s``
  (:attr:`KinshipMarker.silent_frequency`): it is never observed, founders draw it with
  probability ``s`` and the listed alleles with their frequencies times ``1 − s``, and it
  neither mutates nor is mutated into. ``a/σ`` shows ``{a}`` with ``1 − d`` (one copy of
  ``a`` to lose) and nothing with ``d``; for a person without drop-out a typed ``a/a``
  means ``{a}``: ``a/a`` or ``a/σ``.

The data of such a sample is its *observed allele set*: ``("a", "b")`` both seen,
``("a", "a")`` or ``("a",)`` one allele seen, ``()`` analysed and nothing seen (a marker
absent from the data is untyped, as for any person); with drop-in three alleles can be
seen. In the exact engine (:mod:`reunite.stats.likelihood`, :mod:`reunite.stats.lr`) the
evidence of the sample becomes P(observed set | true genotype) instead of an indicator, so
the model holds together with mutation models, θ, half-typed references and loops. With
``d = d_hom = c = 0`` and no silent allele every likelihood is the genotype likelihood.

:func:`observation_probability` is that evidence for one genotype, with allele labels.

**Estimating d.** :func:`estimate_dropout` finds the maximum-likelihood ``d`` of one
sample from its own profile: at each analysed locus the probability of the observed set
under Hardy–Weinberg (the frequency table) and the model with ``d_hom = d²`` and a given
``c``, ``P_l(d) = Σ_g P(g)·P(O_l | g; d)``, a polynomial of degree 2 in ``d``. Failed loci
(nothing seen) and an excess of apparent homozygotes against the table are what move the
estimate. The log-likelihood ``Σ_l log P_l(d)`` is maximised over ``[0, 1]`` (a grid, then
golden-section search), and the standard error is ``1/√(−ℓ''(d̂))`` from the observed
information. Haned et al. (2011) and the ISFG recommendations (Gill et al. 2012) discuss
estimating Pr(D) of a sample; this is the direct single-source maximum-likelihood form
under the model above. The result is labelled as an estimate (:class:`DropoutEstimate`)
with its method.

References: Haned, Egeland, Pontier, Pène & Gill (2011), Estimating drop-out
probabilities in forensic DNA samples, FSI:Genetics 5:525–531, and its appendix; Gill et
al. (2012), DNA Commission of the ISFG: recommendations on the evaluation of STR typing
results that may include drop-out and/or drop-in using probabilistic methods, FSI:Genetics
6:679–688 (d, d², C conventions); Balding & Buckleton (2009), Interpreting low template
DNA profiles, FSI:Genetics 4:1–10; Kling, Tillmar & Egeland (2014), Familias 3 —
extensions and new functionality, FSI:Genetics 13:121–127 (drop-out and silent alleles in
pedigree LRs); Dørum, Kaur & Gysi (2017), Pedigree-based relationship inference from
complex DNA mixtures, Int J Legal Med 131:629–641 and Hernandis, Dørum & Egeland (2019),
relMix, FSI:Genetics Suppl. 7:221 (the relMix model).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from reunite.errors import CaseError
from reunite.genetics.observation import DropoutModel
from reunite.stats import _observation
from reunite.stats.likelihood import KinshipMarker

__all__ = [
    "SILENT",
    "DropoutEstimate",
    "dropout_log_likelihood",
    "estimate_dropout",
    "extended_frequencies",
    "observation_probability",
]

SILENT = "(silent)"
"""The label of a marker's silent allele in :func:`observation_probability`."""

_GRID = 1001


def extended_frequencies(marker: KinshipMarker) -> NDArray[np.float64]:
    """Founder frequencies of the listed alleles and, if any, the silent allele (last)."""
    s = marker.silent_frequency
    if s == 0.0:
        return marker.frequencies
    return np.concatenate([marker.frequencies * (1.0 - s), [s]])


def observation_probability(observed: Sequence[str], genotype: tuple[str, str],
                            marker: KinshipMarker, model: DropoutModel) -> float:
    """P(observed set | true genotype) for one sample at ``marker``.

    ``genotype`` names listed alleles or :data:`SILENT` (when the marker has a silent
    allele); ``observed`` lists the alleles seen (duplicates mean nothing more).
    """
    n = marker.n_alleles
    silent = n if marker.silent_frequency > 0 else -1

    def index(allele: str) -> int:
        if allele == SILENT and silent >= 0:
            return silent
        if allele not in marker.index:
            raise CaseError(f"allele {allele!r} is not an allele of the marker",
                            marker=marker.name, field="genotype", value=allele)
        return marker.index[allele]

    o = marker.encode_observed(observed)
    m = n + 1 if silent >= 0 else n
    q = np.zeros(m)
    q[:n] = marker.frequencies
    e = _observation.evidence_matrix(o, m, q, silent, model.dropout, model.homozygous,
                                     model.drop_in)
    return float(e[index(genotype[0]), index(genotype[1])])


@dataclass(frozen=True)
class DropoutEstimate:
    """An estimated drop-out probability of one sample, with its method.

    ``dropout`` is the maximum-likelihood d; ``standard_error`` is from the observed
    information (``inf`` when the likelihood is flat); ``at_boundary`` says d̂ is 0 or 1,
    where the standard error describes only one side.
    """

    dropout: float
    standard_error: float
    log_likelihood: float
    n_loci: int
    n_loci_failed: int
    n_loci_one_allele: int
    drop_in: float = 0.0
    at_boundary: bool = False
    method: str = field(default=(
        "maximum likelihood from the sample's own profile (single source, Hardy-Weinberg "
        "on the frequency table, d_hom = d^2, drop-in fixed); standard error from the "
        "observed information"))

    def model(self) -> DropoutModel:
        """The estimate as the sample's :class:`DropoutModel` (d_hom = d²)."""
        return DropoutModel(self.dropout, None, self.drop_in)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready, labelled as an estimate (for provenance and import records)."""
        return {"source": "estimate", "dropout": self.dropout,
                "standard_error": self.standard_error, "method": self.method,
                "drop_in": self.drop_in, "n_loci": self.n_loci,
                "n_loci_failed": self.n_loci_failed,
                "n_loci_one_allele": self.n_loci_one_allele,
                "at_boundary": self.at_boundary, "log_likelihood": self.log_likelihood}


def _polynomials(observed: Mapping[str, Sequence[str]], markers: Sequence[KinshipMarker],
                 drop_in: float) -> tuple[NDArray[np.float64], int, int]:
    """Per analysed locus the coefficients (a0, a1, a2) of P_l(d) = a0 + a1·d + a2·d²."""
    by_name = {m.name: m for m in markers}
    rows: list[NDArray[np.float64]] = []
    failed = one = 0
    for name, alleles in observed.items():
        marker = by_name.get(name)
        if marker is None:
            raise CaseError("marker of the profile has no frequencies", marker=name,
                            field="observed", value=name)
        o = marker.encode_observed(alleles)
        if len(o) > 2 and drop_in == 0.0:
            raise CaseError("more than two alleles: a mixture or a drop-in, and drop_in "
                            "is 0", marker=name, field="observed", value=list(alleles))
        if len(o) > 3:
            raise CaseError("more alleles than one person and a drop-in can show",
                            marker=name, field="observed", value=list(alleles))
        failed += len(o) == 0
        one += len(o) == 1
        p = extended_frequencies(marker)
        coef = _observation.set_coefficients(np.outer(p, p), marker.n_alleles,
                                             marker.frequencies, o)
        v = coef[0] + drop_in * coef[1]
        rows.append(np.array([v[0], v[1], v[2] + v[3]]))
    if not rows:
        raise CaseError("no analysed locus to estimate drop-out from", field="observed",
                        value=0)
    return np.array(rows), failed, one


def _loglik(poly: NDArray[np.float64], d: NDArray[np.float64]) -> NDArray[np.float64]:
    values = poly[:, 0, None] + poly[:, 1, None] * d[None, :] + poly[:, 2, None] * d[None, :] ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(values > 0, np.log(np.where(values > 0, values, 1.0)), -np.inf)
    return np.asarray(logs.sum(axis=0), dtype=np.float64)


def dropout_log_likelihood(observed: Mapping[str, Sequence[str]],
                           markers: Sequence[KinshipMarker], dropout: float, *,
                           drop_in: float = 0.0) -> float:
    """Σ over analysed loci of log P(observed set | d) for one sample (the estimator's
    objective; ``observed`` maps marker names to the alleles seen, ``()`` for none)."""
    poly, _, _ = _polynomials(observed, markers, drop_in)
    return float(_loglik(poly, np.array([float(dropout)]))[0])


def estimate_dropout(observed: Mapping[str, Sequence[str]],
                     markers: Sequence[KinshipMarker], *, drop_in: float = 0.0
                     ) -> DropoutEstimate:
    """Maximum-likelihood drop-out probability of one sample (see the module docstring).

    Parameters
    ----------
    observed : ``{marker name: alleles seen}`` for every analysed locus (``()`` when
        nothing was seen); loci not analysed are left out.
    markers : the markers with their population frequencies (and silent alleles).
    drop_in : the sample's drop-in probability c, taken as known.
    """
    DropoutModel(0.0, None, drop_in)  # validates drop_in
    poly, failed, one = _polynomials(observed, markers, drop_in)
    grid = np.linspace(0.0, 1.0, _GRID)
    values = _loglik(poly, grid)
    best = int(np.argmax(values))
    if not np.isfinite(values[best]):
        raise CaseError("the profile is impossible for every drop-out probability",
                        field="observed", value=None)
    lo = grid[max(best - 1, 0)]
    hi = grid[min(best + 1, _GRID - 1)]
    d_hat = _golden_max(lambda x: float(_loglik(poly, np.array([x]))[0]), lo, hi)
    ll = float(_loglik(poly, np.array([d_hat]))[0])
    if ll < values[best]:
        d_hat, ll = float(grid[best]), float(values[best])
    p = poly[:, 0] + poly[:, 1] * d_hat + poly[:, 2] * d_hat ** 2
    dp = poly[:, 1] + 2.0 * poly[:, 2] * d_hat
    curvature = float(np.sum(2.0 * poly[:, 2] / p - (dp / p) ** 2))
    se = 1.0 / math.sqrt(-curvature) if curvature < 0 else math.inf
    return DropoutEstimate(
        dropout=d_hat, standard_error=se, log_likelihood=ll, n_loci=int(poly.shape[0]),
        n_loci_failed=failed, n_loci_one_allele=one, drop_in=float(drop_in),
        at_boundary=d_hat <= 1e-9 or d_hat >= 1.0 - 1e-9)


def _golden_max(f: Callable[[float], float], lo: float, hi: float, tol: float = 1e-12
                ) -> float:
    """Golden-section search for the maximum of a unimodal ``f`` on [lo, hi]."""
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = lo, hi
    c = b - ratio * (b - a)
    d = a + ratio * (b - a)
    fc, fd = f(c), f(d)
    while b - a > tol:
        if fc >= fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = f(d)
    best = (a + b) / 2.0
    for x in (lo, hi):
        if f(x) > f(best):
            best = x
    return float(best)
