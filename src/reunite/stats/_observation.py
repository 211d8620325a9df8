"""Private kernels of the observation model: drop-out, drop-in and a silent allele.

No validation, no labels: allele indices and floats in, float64 arrays out. The model and
its references are stated in :mod:`reunite.stats.dropout`; in short, for one sample with
drop-out probability ``d`` (heterozygote alleles, independently), ``h`` (a homozygote lost
whole) and drop-in probability ``c`` (one extra allele ``x`` with probability ``q_x``):

* the *surviving* set ``S`` of a true genotype: ``a/b`` (``a ≠ b``, neither silent) gives
  ``{a,b}`` with ``(1−d)²``, ``{a}`` and ``{b}`` with ``d(1−d)`` each, ``{}`` with ``d²``;
  ``a/a`` gives ``{a}`` with ``1−h``, ``{}`` with ``h``; ``a/σ`` (σ the silent allele)
  gives ``{a}`` with ``1−d``, ``{}`` with ``d``; ``σ/σ`` gives ``{}``;
* the *observed* set ``O``: ``S`` with probability ``1−c``, ``S ∪ {x}`` with probability
  ``c·q_x``. Hence ``P(O | S) = (1 − c + c·q(O))·[S = O] + c·q_x·[S = O ∖ {x}]`` with
  ``q(O) = Σ_{x∈O} q_x``.

Two forms are computed:

``evidence_matrix``
    ``P(O | pat = i, mat = j)`` for one observed set over every *ordered* genotype of a
    working alphabet: the evidence factor of one person in the variable-elimination engine
    (:mod:`reunite.stats._peeling`), replacing the 0/1 indicator of a typed person.
``set_coefficients`` / ``table_coefficients``
    ``P(O)`` for a person whose genotype has a given distribution (a missing person's
    table given the family, or Hardy–Weinberg), as coefficients in ``c`` and in the basis
    ``β(d, h) = (1, d, d², h)``: ``P(O) = β·A[O] + c·β·B[O]``. The probabilities of the
    surviving set are linear in that basis, and ``P(O | S)`` is linear in ``c``, so one
    table serves every sample's own ``d``, ``h`` and ``c`` (search look-ups).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "EncodedObservation",
    "basis",
    "evidence_matrix",
    "n_observed_sets",
    "set_coefficients",
    "survivor_coefficients",
    "table_coefficients",
]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class EncodedObservation:
    """One person's observed allele set at one marker (sorted distinct allele indices)
    and the sample's drop-out ``d``, homozygote drop-out ``h`` and drop-in ``c``."""

    alleles: tuple[int, ...]
    dropout: float = 0.0
    dropout_homozygous: float = 0.0
    drop_in: float = 0.0

    @property
    def lumpable(self) -> bool:
        """Alleles unseen in the data may be lumped into one (needs ``h = d²``: a lump
        genotype stands for both ``u/u`` and ``u/v`` of unseen alleles)."""
        return self.dropout_homozygous == self.dropout * self.dropout


def basis(d: float, h: float) -> FloatArray:
    """``(1, d, d², h)``, the basis of the coefficient tables."""
    return np.array([1.0, d, d * d, h])


def n_observed_sets(n: int) -> int:
    """Observed sets of at most two of ``n`` alleles: n(n+1)/2 genotype slots and ``{}``."""
    return n * (n + 1) // 2 + 1


def _set_values(observed: Sequence[int], n: int, q: FloatArray, c: float
                ) -> tuple[float, FloatArray, FloatArray]:
    """``P(O | S)`` for ``S = {}``, every ``S = {i}`` and every ``S = {i, j}``."""
    o = tuple(observed)
    k = len(o)
    q_o = float(sum(q[x] for x in o))
    keep = 1.0 - c + c * q_o
    f0 = 1.0 - c if k == 0 else (c * float(q[o[0]]) if k == 1 else 0.0)
    f1 = np.zeros(n)
    f2 = np.zeros((n, n))
    if k == 1:
        f1[o[0]] = keep
    elif k == 2:
        f1[o[0]] = c * float(q[o[1]])
        f1[o[1]] = c * float(q[o[0]])
        f2[o[0], o[1]] = f2[o[1], o[0]] = keep
    elif k == 3:
        for z in range(3):
            x, y = (o[t] for t in range(3) if t != z)
            f2[x, y] = f2[y, x] = c * float(q[o[z]])
    return f0, f1, f2


def evidence_matrix(observed: Sequence[int], n: int, q: FloatArray, silent: int,
                    d: float, h: float, c: float) -> FloatArray:
    """``P(O | pat = i, mat = j)``, float64 (n, n), for one observed set ``O``.

    ``q`` (n,) are the drop-in probabilities of the working alphabet (0 for the silent
    allele); ``silent`` is the silent allele's index, ``-1`` when there is none.
    With ``d = h = c = 0`` this is the indicator that the non-silent alleles are ``O``.
    """
    f0, f1, f2 = _set_values(observed, n, q, c)
    e = (1.0 - d) ** 2 * f2 + d * (1.0 - d) * (f1[:, None] + f1[None, :]) + d * d * f0
    diag = np.arange(n)
    e[diag, diag] = (1.0 - h) * f1 + h * f0
    if silent >= 0:
        one = (1.0 - d) * f1 + d * f0
        e[silent, :] = one
        e[:, silent] = one
        e[silent, silent] = f0
    return np.asarray(e, dtype=np.float64)


def survivor_coefficients(table: FloatArray, n: int
                          ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Coefficients in ``β = (1, d, d², h)`` of the surviving-set probabilities.

    ``table`` is the ordered genotype distribution (m, m) over ``n`` listed alleles and,
    when ``m = n + 1``, the silent allele last. Returns ``S0`` (4,) for ``{}``, ``S1``
    (4, n) for ``{a}`` and ``S2`` (4, n, n) for ``{a, b}`` (``a ≠ b``; symmetric).
    """
    m = table.shape[0]
    t = table[:n, :n]
    sym = t + t.T
    hom = np.diag(t).copy()
    het = sym.copy()
    np.fill_diagonal(het, 0.0)
    het_row = het.sum(axis=1)
    with_silent = (table[:n, n] + table[n, :n]) if m > n else np.zeros(n)
    silent_hom = float(table[n, n]) if m > n else 0.0
    s0 = np.array([silent_hom, float(with_silent.sum()), float(het.sum()) / 2.0,
                   float(hom.sum())])
    s1 = np.stack([hom + with_silent, het_row - with_silent, -het_row, -hom])
    s2 = het[None, :, :] * np.array([1.0, -2.0, 1.0, 0.0])[:, None, None]
    return s0, s1, s2


def table_coefficients(table: FloatArray, n: int, q: FloatArray) -> FloatArray:
    """``P(O)`` for every observed set of at most two alleles, as coefficients.

    Returns float64 (2, 4, n(n+1)/2 + 1): ``P(O) = β·[0][:, O] + c·β·[1][:, O]`` with
    ``β = (1, d, d², h)``. ``O = {a, b}`` sits at the genotype index of ``(a, b)``,
    ``O = {a}`` at that of ``(a, a)``, ``O = {}`` last. ``q`` (n,): drop-in probabilities
    of the listed alleles.
    """
    s0, s1, s2 = survivor_coefficients(table, n)
    rows, cols = np.triu_indices(n)
    size = n_observed_sets(n)
    out = np.zeros((2, 4, size))
    hom = rows == cols
    het = ~hom
    a, b = rows[het], cols[het]
    idx = np.flatnonzero(het)
    out[0][:, idx] = s2[:, a, b]
    out[1][:, idx] = ((q[a] + q[b] - 1.0) * s2[:, a, b] + q[b] * s1[:, a]
                      + q[a] * s1[:, b])
    idx = np.flatnonzero(hom)
    a = rows[hom]
    out[0][:, idx] = s1[:, a]
    out[1][:, idx] = (q[a] - 1.0) * s1[:, a] + q[a] * s0[:, None]
    out[0][:, size - 1] = s0
    out[1][:, size - 1] = -s0
    return out


def set_coefficients(table: FloatArray, n: int, q: FloatArray, observed: Sequence[int]
                     ) -> FloatArray:
    """Coefficients (2, 4) of ``P(O)`` for one observed set of up to three alleles."""
    s0, s1, s2 = survivor_coefficients(table, n)
    o = tuple(sorted(set(observed)))

    def surviving(s: tuple[int, ...]) -> FloatArray:
        if len(s) == 0:
            return s0
        if len(s) == 1:
            return np.asarray(s1[:, s[0]], dtype=np.float64)
        if len(s) == 2:
            return np.asarray(s2[:, s[0], s[1]], dtype=np.float64)
        return np.zeros(4)

    q_o = float(sum(q[x] for x in o))
    a = surviving(o)
    b = (q_o - 1.0) * a
    for x in o:
        b = b + float(q[x]) * surviving(tuple(y for y in o if y != x))
    return np.stack([a, b])
