"""Private kernels: exact pedigree likelihood of one marker by variable elimination.

No validation, no labels: integer arrays in, a float64 log-likelihood out. The public
entry point is :func:`reunite.stats.likelihood.pedigree_likelihood`.

Model (Elston–Stewart / Lander–Green factorisation over *allele* variables): every person
``k`` has two variables, the paternal allele ``2k`` and the maternal allele ``2k+1``.
Factors are

* a founder prior ``p[a]`` on each founder allele (or, with θ > 0, one prior per block of
  founder alleles that are identical by descent; see :mod:`reunite.stats.theta`);
* a transmission factor ``T(c_pat, f_pat, f_mat) = ½·(M♂[f_pat, c_pat] + M♂[f_mat, c_pat])``
  for each child's paternal allele (the female matrix for the maternal one): Mendelian
  segregation followed by mutation, on every transmission;
* an evidence factor on ``(pat, mat)`` of each typed person: 1 when the ordered pair is a
  phase of the observed unordered genotype (for a half-typed ``a/-``: when either allele
  is ``a``), else 0; for a person observed through the drop-out model, the given matrix
  P(observed set | pat, mat) (:mod:`reunite.stats._observation`).

The likelihood is the sum over all variables of the product of factors, computed exactly
by variable elimination with a greedy min-weight order (the product of the domain sizes of
a variable's neighbours), which handles loops and inbreeding without loop breaking. Typed
persons' variables are restricted to their observed alleles first (domain reduction), and
each intermediate factor is rescaled by its maximum with the log of the scale accumulated,
so long pedigrees do not underflow.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "log_likelihood",
    "log_likelihood_batch",
    "log_marginal",
    "log_marginal_batch",
    "variable_elimination",
]

IntArray = NDArray[np.intp]
FloatArray = NDArray[np.float64]
Factor = tuple[tuple[int, ...], FloatArray]

# einsum in its sublist form (operand, axes, operand, axes, ..., output axes); numpy's
# stubs only describe the subscript-string form.
_einsum: Callable[..., Any] = np.einsum


def variable_elimination(factors: list[Factor], sizes: dict[int, int]) -> float:
    """Natural log of the sum over all variables of the product of ``factors``.

    ``factors`` are ``(variables, array)`` with one array axis per variable (no repeats);
    ``sizes`` gives each variable's domain size. Returns ``-inf`` for a zero sum.
    """
    log_scale, _ = _eliminate(factors, sizes, ())
    return log_scale


@dataclass(frozen=True)
class _Step:
    """Eliminate one variable: multiply ``inputs`` pairwise, summing it out at the end."""

    inputs: tuple[int, ...]
    # (operand sublist of the accumulator, sublist of the next input, output sublist)
    chain: tuple[tuple[list[int], list[int], list[int]], ...]
    single: tuple[list[int], list[int]] | None  # one input: (its sublist, output sublist)


@dataclass(frozen=True)
class _Plan:
    steps: tuple[_Step, ...]
    final_inputs: tuple[int, ...]
    final_subs: tuple[list[int], ...]


_PLANS: dict[tuple[object, ...], _Plan] = {}
_SAFE_LOW, _SAFE_HIGH = 1e-100, 1e100
_MAX_PLANS = 4096


def _size_class(size: int) -> int:
    return size if size <= 2 else 3


def _compile(factor_vars: list[tuple[int, ...]], sizes: dict[int, int],
             keep: tuple[int, ...]) -> _Plan:
    """Greedy min-weight elimination order and the einsum calls that carry it out.

    Cached by structure (factor scopes, the class 1/2/many of each domain size, kept
    variables): every marker with the same pattern of typed persons reuses the plan.
    """
    key = (tuple(factor_vars), tuple(sorted((v, _size_class(n)) for v, n in sizes.items())),
           keep)
    plan = _PLANS.get(key)
    if plan is not None:
        return plan
    scopes: dict[int, tuple[int, ...]] = dict(enumerate(factor_vars))
    next_slot = len(factor_vars)
    variables: set[int] = set()
    for vs in factor_vars:
        variables.update(vs)
    variables.difference_update(keep)
    steps: list[_Step] = []
    while variables:
        best_var, best_cost = -1, math.inf
        for v in sorted(variables):
            nb: set[int] = set()
            for vs in scopes.values():
                if v in vs:
                    nb.update(vs)
            cost = 1.0
            for u in nb:
                cost *= sizes[u]
            if cost < best_cost:
                best_cost, best_var = cost, v
        v = best_var
        touching = [slot for slot, vs in scopes.items() if v in vs]
        # Multiply the smallest factors first; sum v out only in the last product.
        touching.sort(key=lambda slot: math.prod(sizes[u] for u in scopes[slot]))
        out_vars = sorted({u for slot in touching for u in scopes[slot]} - {v})
        local = {u: i for i, u in enumerate([*out_vars, v])}
        chain: list[tuple[list[int], list[int], list[int]]] = []
        single = None
        acc_vars = list(scopes[touching[0]])
        if len(touching) == 1:
            single = ([local[u] for u in acc_vars], [local[u] for u in out_vars])
        for idx, slot in enumerate(touching[1:], start=1):
            other = list(scopes[slot])
            last = idx == len(touching) - 1
            merged = out_vars if last else sorted(set(acc_vars) | set(other))
            chain.append(([local[u] for u in acc_vars], [local[u] for u in other],
                          [local[u] for u in merged]))
            acc_vars = list(merged)
        steps.append(_Step(tuple(touching), tuple(chain), single))
        for slot in touching:
            del scopes[slot]
        scopes[next_slot] = tuple(out_vars)
        next_slot += 1
        variables.discard(v)
    keep_local = {u: i for i, u in enumerate(keep)}
    final_inputs = tuple(scopes)
    final_subs = tuple([keep_local[u] for u in scopes[slot]] for slot in final_inputs)
    plan = _Plan(tuple(steps), final_inputs, final_subs)
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    _PLANS[key] = plan
    return plan


def _eliminate(factors: list[Factor], sizes: dict[int, int], keep: tuple[int, ...]
               ) -> tuple[float, FloatArray]:
    """Eliminate every variable except ``keep``; return (log scale, factor over keep)."""
    plan = _compile([vs for vs, _ in factors], sizes, keep)
    slots: list[FloatArray] = [arr for _, arr in factors]
    log_scale = 0.0
    for step in plan.steps:
        acc = slots[step.inputs[0]]
        if step.single is not None:
            acc = _einsum(acc, step.single[0], step.single[1])
        for (sub_acc, sub_other, sub_out), slot in zip(step.chain, step.inputs[1:],
                                                       strict=True):
            acc = _einsum(acc, sub_acc, slots[slot], sub_other, sub_out)
        scale = float(acc.max()) if acc.size else 0.0
        if not scale > 0.0:
            return -math.inf, np.zeros([sizes[u] for u in keep])
        if not _SAFE_LOW < scale < _SAFE_HIGH:
            # Rescale only when far from 1: the log of the scale is kept exactly.
            acc = acc / scale
            log_scale += math.log(scale)
        slots.append(acc)
    if not plan.final_inputs:
        return log_scale, np.ones([sizes[u] for u in keep])
    final: list[object] = []
    for slot, sub in zip(plan.final_inputs, plan.final_subs, strict=True):
        final.append(slots[slot])
        final.append(sub)
    final.append(list(range(len(keep))))
    result = np.asarray(_einsum(*final), dtype=np.float64)
    scale = float(result.max()) if result.size else 0.0
    if not scale > 0.0:
        return -math.inf, result
    return log_scale + math.log(scale), result / scale


def _diagonal(vs: Sequence[int], arr: FloatArray) -> Factor:
    """Collapse repeated variables of a factor to their diagonal."""
    if len(set(vs)) == len(vs):
        return tuple(vs), arr
    uniq: list[int] = []
    for u in vs:
        if u not in uniq:
            uniq.append(u)
    local = {u: i for i, u in enumerate(uniq)}
    out = _einsum(arr, [local[u] for u in vs], list(range(len(uniq))))
    return tuple(uniq), np.ascontiguousarray(out, dtype=np.float64)


def log_likelihood(
    fidx: IntArray,
    midx: IntArray,
    genotypes: IntArray,
    freqs: FloatArray,
    female: FloatArray,
    male: FloatArray,
    founder_blocks: Sequence[Sequence[int]] | None = None,
    person_freqs: dict[int, FloatArray] | None = None,
    evidence: dict[int, FloatArray] | None = None,
) -> float:
    """Natural-log likelihood of one marker on one pedigree."""
    return _run(fidx, midx, genotypes, freqs, female, male, founder_blocks, person_freqs,
                evidence=evidence)[0]


def log_marginal(
    fidx: IntArray,
    midx: IntArray,
    genotypes: IntArray,
    freqs: FloatArray,
    female: FloatArray,
    male: FloatArray,
    query: int,
    founder_blocks: Sequence[Sequence[int]] | None = None,
    evidence: dict[int, FloatArray] | None = None,
) -> tuple[float, FloatArray]:
    """Joint of the data and the ordered alleles (paternal, maternal) of person ``query``.

    Returns ``(log_scale, table)`` with ``table`` float64 (n, n) over the full alphabet:
    P(data, pat = i, mat = j) = exp(log_scale) · table[i, j].
    """
    log_scale, table = _run(fidx, midx, genotypes, freqs, female, male, founder_blocks, None,
                            query, evidence)
    assert table is not None
    return log_scale, table


def _sub(mat: FloatArray, rows: IntArray, cols: IntArray, full: IntArray) -> FloatArray:
    """``mat[rows][:, cols]``, skipping the copy along a full domain."""
    if rows is not full:
        mat = mat[rows]
    if cols is not full:
        mat = mat[:, cols]
    return mat


def _run(
    fidx: IntArray,
    midx: IntArray,
    genotypes: IntArray,
    freqs: FloatArray,
    female: FloatArray,
    male: FloatArray,
    founder_blocks: Sequence[Sequence[int]] | None = None,
    person_freqs: dict[int, FloatArray] | None = None,
    query: int = -1,
    evidence: dict[int, FloatArray] | None = None,
) -> tuple[float, FloatArray | None]:
    """Build the factors and eliminate (see :func:`log_likelihood` for the arguments).

    Parameters
    ----------
    fidx, midx : int array, shape (N,)
        Parent indices, ``-1`` for founders (both or neither).
    genotypes : int array, shape (N, 2)
        Allele indices per person, ``-1`` unknown; ``(-1, -1)`` untyped, ``(a, -1)``
        half-typed.
    freqs : float64 array, shape (n,)
        Founder allele frequencies.
    female, male : float64 arrays, shape (n, n)
        Transition matrices (row: parental allele).
    founder_blocks : sequence of sequences of variable ids, optional
        A partition of the founder allele variables into IBD blocks (θ > 0); each block
        gets one prior and its members are the same variable. ``None``: every founder
        allele is independent.
    person_freqs : dict person index -> float64 array (n,), optional
        Frequencies to use for the paternal allele of these founders instead of
        ``freqs``.
    evidence : dict person index -> float64 array (n, n), optional
        P(data | pat = i, mat = j) of these persons (their ``genotypes`` row is
        ``(-1, -1)``); their alleles range over the support of the matrix.
    """
    n_persons = len(fidx)
    n_alleles = len(freqs)
    full = np.arange(n_alleles)
    domains: list[IntArray] = []
    for k in range(n_persons):
        a, b = int(genotypes[k, 0]), int(genotypes[k, 1])
        if evidence is not None and k in evidence:
            ev_k = evidence[k]
            dom = np.flatnonzero(ev_k.any(axis=0) | ev_k.any(axis=1)).astype(np.intp)
            if dom.size == 0:
                return -math.inf, np.zeros((n_alleles, n_alleles)) if query >= 0 else None
            if dom.size == n_alleles:
                dom = full
        elif a >= 0 and b >= 0:
            dom = np.array([a] if a == b else [min(a, b), max(a, b)], dtype=np.intp)
        else:
            dom = full
        domains.append(dom)
        domains.append(dom)
    rep = list(range(2 * n_persons))
    priors: list[int]
    if founder_blocks is None:
        priors = [2 * k + j for k in range(n_persons) if fidx[k] < 0 for j in (0, 1)]
    else:
        priors = []
        for block in founder_blocks:
            head = int(block[0])
            dom = domains[head]
            for v in block[1:]:
                rep[int(v)] = head
                dom = np.intersect1d(dom, domains[int(v)])
            if dom.size == 0:
                return -math.inf, np.zeros((n_alleles, n_alleles)) if query >= 0 else None
            domains[head] = dom
            priors.append(head)
    doms = [domains[rep[v]] for v in range(2 * n_persons)]

    factors: list[Factor] = []
    for v in priors:
        prior = freqs
        if person_freqs is not None and v % 2 == 0 and v // 2 in person_freqs:
            prior = person_freqs[v // 2]
        factors.append(((rep[v],), np.ascontiguousarray(prior[doms[v]])))
    for k in range(n_persons):
        a, b = int(genotypes[k, 0]), int(genotypes[k, 1])
        pv, mv = 2 * k, 2 * k + 1
        if evidence is not None and k in evidence:
            arr = _sub(evidence[k], doms[pv], doms[mv], full)
            factors.append(_diagonal((rep[pv], rep[mv]), np.ascontiguousarray(arr)))
        elif a >= 0 or b >= 0:
            dp, dm = doms[pv][:, None], doms[mv][None, :]
            if a >= 0 and b >= 0:
                ev = ((dp == a) & (dm == b)) | ((dp == b) & (dm == a))
            else:
                known = a if a >= 0 else b
                ev = (dp == known) | (dm == known)
            factors.append(_diagonal((rep[pv], rep[mv]), ev.astype(np.float64)))
        for parent, var, mat in ((fidx[k], pv, male), (midx[k], mv, female)):
            if parent < 0:
                continue
            gp, gm = 2 * int(parent), 2 * int(parent) + 1
            child_dom = doms[var]
            t_pat = _sub(mat, doms[gp], child_dom, full)  # (parent pat, child)
            t_mat = _sub(mat, doms[gm], child_dom, full)
            arr = 0.5 * (t_pat.T[:, :, None] + t_mat.T[:, None, :])
            factors.append(_diagonal((rep[var], rep[gp], rep[gm]), arr))
    sizes = {rep[v]: int(doms[v].size) for v in range(2 * n_persons)}
    if query < 0:
        return variable_elimination(factors, sizes), None
    qp, qm = rep[2 * query], rep[2 * query + 1]
    keep = (qp, qm) if qp != qm else (qp,)
    log_scale, table = _eliminate(factors, sizes, keep)
    full_table = np.zeros((n_alleles, n_alleles))
    if qp != qm:
        full_table[np.ix_(doms[2 * query], doms[2 * query + 1])] = table
    else:
        d = doms[2 * query]
        full_table[d, d] = table
    return log_scale, full_table


_BATCH = 51  # einsum label of the leading marker axis in batched factors


def log_likelihood_batch(
    fidx: IntArray,
    midx: IntArray,
    typed: NDArray[np.bool_],
    genotypes: IntArray,
    freqs: FloatArray,
    female: FloatArray,
    male: FloatArray,
    alt_freqs: FloatArray | None = None,
    alt_mask: NDArray[np.bool_] | None = None,
    evidence: dict[int, FloatArray] | None = None,
) -> FloatArray:
    """Log-likelihoods of B markers sharing one pedigree and one pattern of typed persons.

    See :func:`_batch` for the arguments.
    """
    return _batch(fidx, midx, typed, genotypes, freqs, female, male, alt_freqs, alt_mask,
                  -1, evidence)[0]


def log_marginal_batch(
    fidx: IntArray,
    midx: IntArray,
    typed: NDArray[np.bool_],
    genotypes: IntArray,
    freqs: FloatArray,
    female: FloatArray,
    male: FloatArray,
    query: int,
) -> tuple[FloatArray, FloatArray]:
    """Batched :func:`log_marginal` of untyped person ``query``: (log scales (B,), tables
    (B, n, n)) with P(data_b, pat = i, mat = j) = exp(log_b)·table[b, i, j]."""
    logs, tables = _batch(fidx, midx, typed, genotypes, freqs, female, male, None, None,
                          query)
    assert tables is not None
    return logs, tables


def _batch(
    fidx: IntArray,
    midx: IntArray,
    typed: NDArray[np.bool_],
    genotypes: IntArray,
    freqs: FloatArray,
    female: FloatArray,
    male: FloatArray,
    alt_freqs: FloatArray | None,
    alt_mask: NDArray[np.bool_] | None,
    query: int,
    evidence: dict[int, FloatArray] | None = None,
) -> tuple[FloatArray, FloatArray | None]:
    """Batched factor building and elimination.

    The same model as :func:`log_likelihood` (θ = 0), with a leading marker axis on every
    factor so one elimination serves all B markers.

    Parameters
    ----------
    fidx, midx : int array (N,)
    typed : bool array (N,)
        Persons with both alleles known at every marker of the batch (their allele
        variables get a two-value domain); the others range over all alleles.
    genotypes : int array (B, N, 2), ``-1`` unknown.
    freqs : float64 (B, n); alleles beyond a marker's own count have frequency 0.
    female, male : float64 (B, n, n); padding alleles map to themselves.
    alt_freqs, alt_mask : float64 (B, n) and bool (B, N), optional
        Frequencies for the paternal allele of the founders flagged in ``alt_mask``.
    evidence : dict person index -> float64 (B, n, n), optional
        P(data | pat, mat) of persons observed through the drop-out model (not
        ``typed``; their ``genotypes`` are ``-1``).
    """
    n_batch, n_persons = genotypes.shape[0], len(fidx)
    n = freqs.shape[1]
    bidx = np.arange(n_batch)[:, None, None]
    full = np.broadcast_to(np.arange(n), (n_batch, n))
    doms: list[IntArray] = []
    for k in range(n_persons):
        if typed[k]:
            g = np.sort(genotypes[:, k, :], axis=1)
            doms.extend([g, g])
        else:
            doms.extend([full, full])
    factors: list[Factor] = []
    for k in range(n_persons):
        if fidx[k] >= 0:
            continue
        for j in (0, 1):
            v = 2 * k + j
            prior = freqs
            if j == 0 and alt_mask is not None and alt_freqs is not None and alt_mask[:, k].any():
                prior = np.where(alt_mask[:, k, None], alt_freqs, freqs)
            arr = prior if not typed[k] else np.take_along_axis(prior, doms[v], axis=1)
            factors.append(((v,), np.ascontiguousarray(arr)))
    for k in range(n_persons):
        pv, mv = 2 * k, 2 * k + 1
        a, b = genotypes[:, k, 0], genotypes[:, k, 1]
        if evidence is not None and k in evidence:
            factors.append(((pv, mv), evidence[k]))
        elif typed[k]:
            hom = a == b
            ev = np.zeros((n_batch, 2, 2))
            ev[:, 0, 0] = hom
            ev[:, 0, 1] = ~hom
            ev[:, 1, 0] = ~hom
            factors.append(((pv, mv), ev))
        elif ((a >= 0) | (b >= 0)).any():
            known = np.where(a >= 0, a, b)
            alleles = np.arange(n)
            hit = alleles[None, :] == known[:, None]  # (B, n)
            ev = (hit[:, :, None] | hit[:, None, :]).astype(np.float64)
            ev[known < 0] = 1.0
            factors.append(((pv, mv), ev))
        for parent, var, mat in ((fidx[k], pv, male), (midx[k], mv, female)):
            if parent < 0:
                continue
            gp, gm = 2 * int(parent), 2 * int(parent) + 1
            child = doms[var][:, None, :]
            s_pat = mat[bidx, doms[gp][:, :, None], child]  # (B, parent pat, child)
            s_mat = mat[bidx, doms[gm][:, :, None], child]
            arr = 0.5 * (np.transpose(s_pat, (0, 2, 1))[:, :, :, None]
                         + np.transpose(s_mat, (0, 2, 1))[:, :, None, :])
            factors.append(((var, gp, gm), arr))
    sizes = {v: int(doms[v].shape[1]) for v in range(2 * n_persons)}
    keep = (2 * query, 2 * query + 1) if query >= 0 else ()
    plan = _compile([vs for vs, _ in factors], sizes, keep)
    slots: list[FloatArray] = [arr for _, arr in factors]
    log_scale = np.zeros(n_batch)
    dead = np.zeros(n_batch, dtype=bool)
    for step in plan.steps:
        acc = slots[step.inputs[0]]
        if step.single is not None:
            acc = _einsum(acc, [_BATCH, *step.single[0]], [_BATCH, *step.single[1]])
        for (sub_acc, sub_other, sub_out), slot in zip(step.chain, step.inputs[1:],
                                                       strict=True):
            acc = _einsum(acc, [_BATCH, *sub_acc], slots[slot], [_BATCH, *sub_other],
                          [_BATCH, *sub_out])
        scale = acc.reshape(n_batch, -1).max(axis=1)
        zero = ~(scale > 0.0)
        dead |= zero
        if zero.any() or scale.min() < _SAFE_LOW or scale.max() > _SAFE_HIGH:
            scale = np.where(zero, 1.0, scale)
            acc = acc / scale.reshape((n_batch,) + (1,) * (acc.ndim - 1))
            log_scale += np.log(scale)
        slots.append(acc)
    if query >= 0:
        final: list[object] = []
        for slot, sub in zip(plan.final_inputs, plan.final_subs, strict=True):
            final.append(slots[slot])
            final.append([_BATCH, *sub])
        final.append([_BATCH, 0, 1])
        tables = np.asarray(_einsum(*final), dtype=np.float64)
        scale = tables.reshape(n_batch, -1).max(axis=1)
        dead |= ~(scale > 0.0)
        scale = np.where(scale > 0.0, scale, 1.0)
        tables = tables / scale[:, None, None]
        log_scale += np.log(scale)
        return np.where(dead, -np.inf, log_scale), tables
    for slot in plan.final_inputs:
        value = slots[slot].reshape(n_batch)
        dead |= ~(value > 0.0)
        log_scale += np.log(np.where(value > 0.0, value, 1.0))
    return np.where(dead, -np.inf, log_scale), None
