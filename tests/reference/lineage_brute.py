"""Slow, obviously correct lineage-marker computations that the fast code must equal.

* :func:`step_probability` — enumerate all 3^m sequences of per-meiosis steps.
* :func:`binomial_upper` — the Clopper–Pearson upper bound by bisection on the exact
  binomial CDF, summed in rational arithmetic (no incomplete beta function).
* :func:`mixture_log_likelihood` — the discrete Laplace mixture log-likelihood by plain
  loops over men, clusters and loci.
* :func:`best_medoids` — the medoid set of smallest total distance, by trying every set.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from fractions import Fraction


def step_probability(difference: int, meioses: int, rate: float) -> float:
    """P(sum of ``meioses`` steps in {-1, 0, +1} with P = rate/2, 1 - rate, rate/2)."""
    probabilities = {-1: rate / 2, 0: 1 - rate, 1: rate / 2}
    total = 0.0
    for path in itertools.product((-1, 0, 1), repeat=meioses):
        if sum(path) == difference:
            term = 1.0
            for step in path:
                term *= probabilities[step]
            total += term
    return total


def binomial_cdf(x: int, n: int, p: Fraction) -> Fraction:
    """P(X <= x) for X ~ Binomial(n, p), exactly."""
    return sum((math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(x + 1)),
               Fraction(0))


def binomial_upper(x: int, n: int, confidence: float, *, steps: int = 60) -> float:
    """The p with P(X <= x | n, p) = 1 - confidence, by bisection (x < n)."""
    alpha = Fraction(1) - Fraction(confidence)
    lo, hi = Fraction(0), Fraction(1)
    for _ in range(steps):
        mid = (lo + hi) / 2
        mid = Fraction(float(mid))  # keep the rationals short
        if binomial_cdf(x, n, mid) > alpha:
            lo = mid
        else:
            hi = mid
    return float((lo + hi) / 2)


def disclap(d: int, p: float) -> float:
    """The discrete Laplace probability of a difference d."""
    return (1 - p) / (1 + p) * p ** abs(d)


def mixture_log_likelihood(
    rows: Sequence[Sequence[int]],
    weights: Sequence[float],
    centers: Sequence[Sequence[int]],
    dispersion: Sequence[Sequence[float]],
    tau: Sequence[float],
) -> float:
    """Σ_i w_i log Σ_j τ_j Π_k DL(x_ik − y_jk; p_jk), term by term."""
    total = 0.0
    for row, weight in zip(rows, weights, strict=True):
        mixture = 0.0
        for center, ps, t in zip(centers, dispersion, tau, strict=True):
            term = t
            for value, middle, p in zip(row, center, ps, strict=True):
                term *= disclap(value - middle, p)
            mixture += term
        total += weight * math.log(mixture)
    return total


def best_medoids(rows: Sequence[Sequence[int]], weights: Sequence[float], k: int) -> float:
    """The smallest weighted total Manhattan distance to the nearest of k medoids."""
    best = math.inf
    for medoids in itertools.combinations(range(len(rows)), k):
        cost = 0.0
        for row, weight in zip(rows, weights, strict=True):
            cost += weight * min(sum(abs(a - b) for a, b in zip(row, rows[m], strict=True))
                                 for m in medoids)
        best = min(best, cost)
    return best
