"""Private kernels of the discrete Laplace mixture (Andersen, Eriksen & Morling 2013).

No validation and no labels: integer arrays in, float64 out. The public API and the
model are in :mod:`reunite.stats.lineage`; :func:`fit` follows the algorithm of the
``disclapmix`` R package (EM with a log-linear dispersion model, centres moved to the
weighted L1 medians after each EM run, PAM starting centres) so that its published fits
can be reproduced, but every line here is written from the model, not from that code.

Model: haplotype ``x`` (integer repeat numbers at L loci) has probability
``Σ_j τ_j Π_k DL(x_k − y_jk; p_jk)`` with ``DL(d; p) = (1 − p)/(1 + p) · p^|d|`` and
``log p_jk = a_k + b_j`` (a locus effect plus a cluster effect).

Rows are *distinct* haplotypes with weights ``w`` (how many men carry each); every sum
over men is a weighted sum over rows, which gives the same estimates as repeating rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["EMResult", "fit", "log_component_densities", "m_step", "move_centers", "pam"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Newton's method for the M-step stops when no coefficient moves by more than this.
_NEWTON_TOLERANCE = 1e-13
_NEWTON_MAX_ITERATIONS = 200


def _log_norm(logp: FloatArray) -> FloatArray:
    """log((1 − p)/(1 + p)) for p = exp(logp), accurate for p near 0 and 1."""
    p = np.exp(logp)
    return np.log1p(-p) - np.log1p(p)


def log_component_densities(x: IntArray, y: IntArray, logp: FloatArray) -> FloatArray:
    """``log Π_k DL(x_ik − y_jk; p_jk)`` for every row i and cluster j, shape (n, K).

    ``logp`` may hold ``-inf`` (p = 0): then only d = 0 has probability (log 1 = 0).
    """
    d = np.abs(x[:, None, :] - y[None, :, :]).astype(np.float64)  # (n, K, L)
    with np.errstate(invalid="ignore"):
        steps = np.where(d == 0.0, 0.0, d * logp[None, :, :])
    return np.asarray((_log_norm(logp)[None, :, :] + steps).sum(axis=2))


def _expected_abs(eta: FloatArray) -> tuple[FloatArray, FloatArray]:
    """E|D| = 2p/(1 − p²) and its derivative in η = log p, 2p(1 + p²)/(1 − p²)²."""
    p = np.exp(eta)
    one_minus = -np.expm1(2.0 * eta)  # 1 − p², accurate near p = 1
    mean = 2.0 * p / one_minus
    slope = 2.0 * p * (1.0 + p * p) / (one_minus * one_minus)
    return mean, slope


def m_step(
    W: FloatArray, S: FloatArray, start: tuple[FloatArray, FloatArray] | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The dispersions maximising ``Σ_jk W_j log((1−p)/(1+p)) + S_jk log p``.

    ``W[j]`` is the weight of cluster j (Σ_i w_i v_ij) and ``S[j, k]`` the weighted sum
    of |x_ik − y_jk|. The objective is concave in (a, b) (a canonical exponential family),
    so Newton's method with step halving finds its unique maximum. A locus (or cluster)
    with no deviation at all has p = 0 (``a_k`` or ``b_j`` = −inf); a cluster of weight 0
    keeps its start value. Returns (a, b, log p) with log p of shape (K, L).
    """
    K, L = S.shape
    a = np.zeros(L) if start is None else start[0].copy()
    b = np.zeros(K) if start is None else start[1].copy()
    locus_dev, cluster_dev = S.sum(axis=0), S.sum(axis=1)
    loci = np.flatnonzero(locus_dev > 0)
    clusters = np.flatnonzero((W > 0) & (cluster_dev > 0))
    a[locus_dev <= 0] = -np.inf
    b[(W > 0) & (cluster_dev <= 0)] = -np.inf
    if loci.size and clusters.size:
        Wc, Sc = W[clusters], S[np.ix_(clusters, loci)]
        ac, bc = a[loci], b[clusters]
        if start is None or not (np.all(np.isfinite(ac)) and np.all(np.isfinite(bc))):
            mu = Sc.sum(axis=0) / Wc.sum()
            ac = np.log((np.sqrt(mu * mu + 1.0) - 1.0) / mu)
            bc = np.zeros(clusters.size)
        bc = bc - bc[0]  # b of the first active cluster is fixed at 0

        def objective(ac: FloatArray, bc: FloatArray) -> float:
            eta = ac[None, :] + bc[:, None]
            if np.any(eta >= 0):
                return -np.inf
            return float((Wc[:, None] * _log_norm(eta) + Sc * eta).sum())

        current = objective(ac, bc)
        for _ in range(_NEWTON_MAX_ITERATIONS):
            eta = ac[None, :] + bc[:, None]
            mean, slope = _expected_abs(eta)
            G = Sc - Wc[:, None] * mean
            H = Wc[:, None] * slope
            n_a = loci.size
            grad = np.concatenate([G.sum(axis=0), G.sum(axis=1)[1:]])
            info = np.zeros((n_a + clusters.size - 1,) * 2)
            info[:n_a, :n_a] = np.diag(H.sum(axis=0))
            info[n_a:, n_a:] = np.diag(H.sum(axis=1)[1:])
            info[:n_a, n_a:] = H[1:, :].T
            info[n_a:, :n_a] = H[1:, :]
            step = np.linalg.solve(info, grad)
            scale = 1.0
            while True:
                new_a = ac + scale * step[:n_a]
                new_b = np.concatenate([[0.0], bc[1:] + scale * step[n_a:]])
                value = objective(new_a, new_b)
                if value >= current - 1e-12 * abs(current) or scale < 1e-10:
                    break
                scale /= 2.0
            moved = float(np.max(np.abs(scale * step)))
            ac, bc, current = new_a, new_b, max(value, current)
            if moved < _NEWTON_TOLERANCE:
                break
        a[loci], b[clusters] = ac, bc
    logp = a[None, :] + b[:, None]
    return a, b, np.where(np.isnan(logp), -np.inf, logp)


def move_centers(x: IntArray, w: FloatArray, v: FloatArray, y: IntArray) -> IntArray:
    """Each centre coordinate moved to the weighted L1 median of its cluster.

    Candidates are the integers between the smallest and largest observed allele at the
    locus; ties go to the smallest. This maximises the expected complete-data
    log-likelihood over the centres for fixed dispersions (log p < 0), so the move is a
    generalised EM step and cannot lower the likelihood.
    """
    weights = v * w[:, None]  # (n, K)
    new = np.empty_like(y)
    for k in range(x.shape[1]):
        candidates = np.arange(x[:, k].min(), x[:, k].max() + 1)
        distance = np.abs(x[:, k][:, None] - candidates[None, :]).astype(np.float64)
        cost = weights.T @ distance  # (K, candidates)
        new[:, k] = candidates[np.argmin(cost, axis=1)]
    return new


def pam(x: IntArray, w: FloatArray, k: int) -> IntArray:
    """Partitioning around medoids (Kaufman & Rousseeuw): BUILD then SWAP, Manhattan.

    Rows are weighted. Ties follow R's ``cluster::pam`` on the expanded data: BUILD takes
    the last row of equal gain, SWAP the first improving (candidate, medoid) pair in row
    order with the largest improvement. Returns the medoid row indices in row order.
    """
    n = x.shape[0]
    D = np.abs(x[:, None, :] - x[None, :, :]).sum(axis=2).astype(np.float64)
    chosen: list[int] = []
    nearest = np.full(n, np.inf)
    for _ in range(min(k, n)):
        if not chosen:
            gain = -(D * w[None, :]).sum(axis=1)
        else:
            gain = (np.maximum(nearest[None, :] - D, 0.0) * w[None, :]).sum(axis=1)
        gain[chosen] = -np.inf
        best = int(n - 1 - np.argmax(gain[::-1]))  # the last maximum
        chosen.append(best)
        nearest = np.minimum(nearest, D[best])
    medoids = np.array(sorted(chosen), dtype=np.int64)
    while True:
        to_medoid = D[medoids]  # (K, n)
        order = np.argsort(to_medoid, axis=0, kind="stable")
        first = to_medoid[order[0], np.arange(n)]
        second = (to_medoid[order[1], np.arange(n)] if medoids.size > 1
                  else np.full(n, np.inf))
        cost = float((w * first).sum())
        candidates = np.setdiff1d(np.arange(n), medoids)
        if candidates.size == 0:
            break
        change = np.empty((candidates.size, medoids.size))
        for slot in range(medoids.size):
            without = np.where(order[0] == slot, second, first)
            change[:, slot] = (np.minimum(D[candidates], without[None, :])
                               * w[None, :]).sum(axis=1) - cost
        flat = int(np.argmin(change))
        h, slot = divmod(flat, medoids.size)
        if change[h, slot] >= -1e-12 * max(cost, 1.0):
            break
        medoids[slot] = candidates[h]
        medoids.sort()
    return medoids


@dataclass(frozen=True)
class EMResult:
    """What :func:`fit` found (arrays are new, never views of the input)."""

    centers: IntArray
    logp: FloatArray
    tau: FloatArray
    posterior: FloatArray
    log_likelihood: float
    trace: tuple[float, ...]
    iterations: int
    center_moves: int
    converged: bool


def _mixture_log_likelihood(
    x: IntArray, w: FloatArray, y: IntArray, logp: FloatArray, tau: FloatArray
) -> tuple[float, FloatArray]:
    with np.errstate(divide="ignore"):
        log_weights = np.log(tau)[None, :] + log_component_densities(x, y, logp)
    top = log_weights.max(axis=1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    row = top[:, 0] + np.log(np.exp(log_weights - top).sum(axis=1))
    posterior = np.exp(log_weights - row[:, None])
    return float((w * row).sum()), posterior


def fit(
    x: IntArray,
    w: FloatArray,
    y0: IntArray,
    *,
    eps: float,
    max_iterations: int,
) -> EMResult:
    """EM for the discrete Laplace mixture from centres ``y0``, as disclapmix runs it.

    Each EM run starts from the previous posteriors (uniform at first) and iterates
    M-step (dispersions for the current posteriors), E-step (posteriors and τ) until the
    largest change of a posterior, relative to the largest posterior of the step before,
    is below ``eps`` (disclapmix's criterion). Then the centres move to the weighted L1
    medians; if they changed (and stay distinct) EM runs again. ``trace`` holds the
    log-likelihood of the parameters of every E-step and, last, of the final parameters
    (τ from the last posteriors): it never decreases (EM and the centre move are
    (generalised) EM steps).
    """
    K = y0.shape[0]
    n = x.shape[0]
    y = y0.copy()
    v = np.full((n, K), 1.0 / K)
    tau = np.full(K, 1.0 / K)
    total = float(w.sum())
    trace: list[float] = []
    iterations = moves = 0
    converged = K == 1
    per_run = 1 if K == 1 else max_iterations
    start: tuple[FloatArray, FloatArray] | None = None
    logp = np.zeros((K, x.shape[1]))
    while True:
        last_max = 0.0
        for _ in range(per_run):
            iterations += 1
            d = np.abs(x[:, None, :] - y[None, :, :]).astype(np.float64)
            weights = v * w[:, None]
            a, b, logp = m_step(weights.sum(axis=0), np.einsum("ij,ijk->jk", weights, d),
                                start)
            start = (a, b)
            value, new_v = _mixture_log_likelihood(x, w, y, logp, tau)
            trace.append(value)
            new_tau = (new_v * w[:, None]).sum(axis=0) / total
            gain = float(np.max(np.abs(new_v - v))) / last_max if last_max > 0 else np.inf
            v, tau = new_v, new_tau
            if gain < eps:
                converged = True
                break
            last_max = float(np.max(np.abs(new_v)))
        new_y = move_centers(x, w, v, y)
        if np.array_equal(new_y, y) or len({tuple(r) for r in new_y}) < K:
            break
        y = new_y
        moves += 1
        converged = K == 1
    final, _ = _mixture_log_likelihood(x, w, y, logp, tau)
    trace.append(final)
    return EMResult(y.copy(), logp.copy(), tau.copy(), v.copy(), final, tuple(trace),
                    iterations, moves, converged)
