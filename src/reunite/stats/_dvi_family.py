"""Private kernel: the exact option table of one DVI reference family.

A family ``f`` with reference pedigree ``P_f``, typed references ``R_f`` and missing
persons (slots) ``s_0 … s_{k−1}`` can receive any partial injective map ``S`` of its slots
to victims. Its weight is the family's likelihood ratio against the null (every victim an
unrelated singleton):

    L_f(S) = P(R_f, g_S placed at their slots | P_f) / (P(R_f | P_f) · Π_{v∈S} P(g_v)),

where ``P(g_v)`` is the Hardy–Weinberg probability of the victim's genotype. Markers are
independent, so ``L_f = Π_markers L_{f,m}``; within a marker the chain rule over the slots
in index order gives

    L_{f,m}(S) = Π_t P_m(X_{s_t} = g_{v_t} | R_f, g_{v_1..v_{t−1}}) / P_m(g_{v_t}),

and each conditional is read from the genotype table of slot ``s_t`` given the references
and the victims already placed (:func:`reunite.stats.likelihood.batch_marginals`, exact,
with the family's mutation model). The tables depend on a marker only through the
genotypes already placed, so they are cached per marker by that tuple of genotypes:
victims sharing a genotype at a marker share a table. Every option of positive weight is
returned (exclusions, weight 0, are left out); nothing is pruned or approximated.

The cost grows like ``Π (distinct victim genotypes + 1)`` over all slots but the last, so
:func:`estimate_tables` bounds it before any work. A family with many missing persons and
few candidate victims has few options but many conditioning tuples; there
:func:`family_options_direct` computes each option's likelihood outright (one pedigree
likelihood per option and marker, :func:`reunite.stats.likelihood.batch_log_likelihoods`),
and :func:`count_options` says which way is cheaper. The caller refuses families beyond a
budget either way (exact joint identification inside one family is exponential in its
number of missing persons).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reunite.stats.likelihood import KinshipMarker, batch_log_likelihoods, batch_marginals

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class VictimData:
    """Victims' genotypes per marker: ``codes[m]`` intp (n_victims, 2), ``-1`` unknown.

    ``unique[m]`` (u, 2) are the distinct genotypes at marker ``m`` (the untyped one, if
    present, is ``(-1, -1)``), ``inverse[m]`` maps each victim to its row, and
    ``log_hw[m]`` (u,) is the natural log of each distinct genotype's Hardy–Weinberg
    probability (0 for untyped).
    """

    codes: tuple[IntArray, ...]
    unique: tuple[IntArray, ...]
    inverse: tuple[IntArray, ...]
    log_hw: tuple[FloatArray, ...]

    @classmethod
    def build(cls, codes: Sequence[IntArray], markers: Sequence[KinshipMarker]) -> VictimData:
        """Normalise (sorted allele pairs, half-typed first allele known) and index."""
        uniques: list[IntArray] = []
        inverses: list[IntArray] = []
        logs: list[FloatArray] = []
        normal: list[IntArray] = []
        for c, marker in zip(codes, markers, strict=True):
            c = np.sort(np.asarray(c, dtype=np.intp), axis=1)[:, ::-1]
            # (a, b) with a >= b: a half-typed genotype becomes (a, -1).
            uniq, inv = np.unique(c, axis=0, return_inverse=True)
            normal.append(np.ascontiguousarray(c))
            uniques.append(np.asarray(uniq, dtype=np.intp))
            inverses.append(np.asarray(inv, dtype=np.intp).reshape(-1))
            logs.append(np.array([_log_hw(int(a), int(b), marker.frequencies)
                                  for a, b in uniq], dtype=np.float64))
        return cls(tuple(normal), tuple(uniques), tuple(inverses), tuple(logs))


def _log_hw(a: int, b: int, p: FloatArray) -> float:
    """log P(g) of a singleton; ``a >= b`` with ``b = -1`` half-typed, both -1 untyped."""
    if a < 0:
        return 0.0
    if b < 0:
        pa = float(p[a])
        return math.log(2.0 * pa - pa * pa) if pa > 0 else -math.inf
    if a == b:
        return 2.0 * math.log(p[a]) if p[a] > 0 else -math.inf
    pa, pb = float(p[a]), float(p[b])
    return math.log(2.0 * pa * pb) if pa > 0 and pb > 0 else -math.inf


def log_conditional(table: FloatArray, unique: IntArray) -> FloatArray:
    """log P(X = g | data) for each distinct genotype ``g`` from an ordered table.

    ``table[i, j]`` ∝ P(data, pat = i, mat = j); half-typed ``(a, -1)`` is the event
    "``a`` is one of the two alleles"; untyped gives 0 (probability 1).
    """
    total = float(table.sum())
    out = np.zeros(len(unique), dtype=np.float64)
    if not total > 0:
        out[:] = -math.inf
        out[unique[:, 0] < 0] = 0.0
        return out
    a = unique[:, 0]
    b = unique[:, 1]
    full = b >= 0
    half = (a >= 0) & (b < 0)
    with np.errstate(divide="ignore"):
        if full.any():
            af, bf = a[full], b[full]
            prob = np.where(af == bf, table[af, af], table[af, bf] + table[bf, af])
            out[full] = np.log(prob / total)
        if half.any():
            ah = a[half]
            prob = table[ah, :].sum(axis=1) + table[:, ah].sum(axis=0) - table[ah, ah]
            out[half] = np.log(np.maximum(prob, 0.0) / total)
    return out


@dataclass(frozen=True, eq=False)
class FamilyData:
    """One family in integer form: parents, reference codes per marker, slot persons."""

    fidx: IntArray
    midx: IntArray
    ref_codes: tuple[IntArray, ...]
    slot_persons: tuple[int, ...]
    markers: tuple[KinshipMarker, ...]


@dataclass(frozen=True, eq=False)
class FamilyOptions:
    """Every positive-weight option of a family.

    ``victims`` intp (n_options, k): the victim index placed at each slot, ``-1`` none;
    ``logw`` float64 (n_options,): natural log of ``L_f(S)``; row 0 is the empty option
    (weight 1). ``loglik_null`` is ``log P(R_f | P_f)`` summed over markers and
    ``tables`` the number of genotype tables computed.
    """

    victims: IntArray
    logw: FloatArray
    loglik_null: float
    tables: int
    per_marker_null: FloatArray


def family_null(family: FamilyData) -> FloatArray:
    """log P(R_f | P_f) per marker (``-inf`` where the references are impossible)."""
    return np.asarray(batch_log_likelihoods(family.fidx, family.midx, list(family.ref_codes),
                                            list(family.markers)), dtype=np.float64)


def estimate_tables(victims: VictimData, allowed: NDArray[np.bool_]) -> int:
    """Upper bound on the genotype tables :func:`family_options` computes.

    Slot ``t`` needs one table per marker for each distinct tuple of genotypes placed at
    slots ``0..t−1`` (each either nobody or one of the distinct genotypes of its allowed
    victims), and never more than the number of states.
    """
    k = allowed.shape[1]
    total = 0
    for m in range(len(victims.codes)):
        tuples = 1
        states = 1
        for t in range(k):
            total += min(tuples, states)
            candidates = np.flatnonzero(allowed[:, t])
            distinct = len(np.unique(victims.inverse[m][candidates])) if candidates.size else 0
            tuples *= distinct + 1
            states *= candidates.size + 1
    return total


class _Tables:
    """Cached genotype tables of one family: ``log_ratio(t, placed)`` for every victim."""

    def __init__(self, family: FamilyData, victims: VictimData) -> None:
        self.family = family
        self.victims = victims
        self.cache: list[dict[tuple[int, tuple[int, ...]], FloatArray]] = [
            {} for _ in family.markers]
        self.tables = 0

    def tables_for(self, t: int, placed: tuple[int, ...]
                   ) -> list[tuple[int, float, FloatArray]]:
        """(marker, log P(data), table) of slot ``t`` for markers not yet cached."""
        family, victims = self.family, self.victims
        codes = []
        for m in range(len(family.markers)):
            c = family.ref_codes[m].copy()
            for slot, v in enumerate(placed):
                if v >= 0:
                    c[family.slot_persons[slot]] = victims.codes[m][v]
            codes.append(c)
        results = batch_marginals(family.fidx, family.midx, codes, list(family.markers),
                                  family.slot_persons[t])
        return [(m, ls, table) for m, (ls, table) in enumerate(results)]

    def log_ratio(self, t: int, placed: tuple[int, ...]) -> FloatArray:
        """Σ_m log P_m(X_{s_t} = g_v | R, placed) / P_m(g_v), for every victim v."""
        family, victims = self.family, self.victims
        n_victims = victims.codes[0].shape[0] if victims.codes else 0
        total = np.zeros(n_victims, dtype=np.float64)
        todo: list[int] = []
        keys: list[tuple[int, tuple[int, ...]]] = []
        for m in range(len(family.markers)):
            inverse = victims.inverse[m]
            unique = victims.unique[m]
            # An untyped victim placed at a marker is the same as nobody placed there.
            key = (t, tuple(-1 if v < 0 or unique[inverse[v], 0] < 0 else int(inverse[v])
                            for v in placed))
            keys.append(key)
            hit = self.cache[m].get(key)
            if hit is None:
                todo.append(m)
            else:
                total += hit[inverse]
        if todo:
            codes = []
            for m in todo:
                c = family.ref_codes[m].copy()
                for slot, v in enumerate(placed):
                    if v >= 0:
                        c[family.slot_persons[slot]] = victims.codes[m][v]
                codes.append(c)
            results = batch_marginals(family.fidx, family.midx, codes,
                                      [family.markers[m] for m in todo],
                                      family.slot_persons[t])
            for m, (_, table) in zip(todo, results, strict=True):
                vec = log_conditional(table, victims.unique[m]) - victims.log_hw[m]
                # Untyped victims carry no data at this marker: ratio exactly 1.
                vec[victims.unique[m][:, 0] < 0] = 0.0
                vec.setflags(write=False)
                self.cache[m][keys[m]] = vec
                self.tables += 1
                total += vec[victims.inverse[m]]
        return total


def root_ratios(family: FamilyData, victims: VictimData) -> FloatArray:
    """log LR of every victim at the family's first slot, nobody else placed."""
    return _Tables(family, victims).log_ratio(0, ())


def exclusion_counts(family: FamilyData, victims: VictimData) -> FloatArray:
    """Markers at which each victim is impossible at the first slot (family's markers as
    given; pass them without mutation for dvir's exclusion count)."""
    n_victims = victims.codes[0].shape[0] if victims.codes else 0
    counts = np.zeros(n_victims)
    for m, log_scale, table in _Tables(family, victims).tables_for(0, ()):
        if log_scale == -math.inf or not float(table.sum()) > 0:
            counts += 1
            continue
        cond = log_conditional(table, victims.unique[m])
        counts += (cond == -math.inf)[victims.inverse[m]]
    return counts


def family_options(
    family: FamilyData,
    victims: VictimData,
    allowed: NDArray[np.bool_],
    null: FloatArray | None = None,
) -> FamilyOptions:
    """Enumerate the family's options (see the module docstring).

    ``allowed`` bool (n_victims, k): which victim may take which slot (sex, pairings).
    """
    n_victims = allowed.shape[0]
    k = len(family.slot_persons)
    per_marker_null = family_null(family) if null is None else null
    tables = _Tables(family, victims)
    rows: list[IntArray] = [np.full((1, k), -1, dtype=np.intp)]
    weights: list[FloatArray] = [np.zeros(1)]
    if k == 0:
        return FamilyOptions(rows[0], weights[0], float(per_marker_null.sum()), 0,
                             per_marker_null)
    # Depth-first over slots; a state is (slot t, victims placed at slots < t, log weight).
    stack: list[tuple[int, tuple[int, ...], float]] = [(0, (), 0.0)]
    while stack:
        t, placed, logw = stack.pop()
        used = np.zeros(n_victims, dtype=bool)
        for v in placed:
            if v >= 0:
                used[v] = True
        ratio = tables.log_ratio(t, placed)
        candidates = np.flatnonzero(allowed[:, t] & ~used & (ratio > -math.inf))
        child_w = logw + ratio[candidates]
        if t == k - 1:
            if candidates.size:
                block = np.empty((candidates.size, k), dtype=np.intp)
                block[:, :t] = placed
                block[:, t] = candidates
                rows.append(block)
                weights.append(child_w)
            if any(v >= 0 for v in placed):
                rows.append(np.array([(*placed, -1)], dtype=np.intp))
                weights.append(np.array([logw]))
            continue
        stack.append((t + 1, (*placed, -1), logw))
        for v, w in zip(candidates.tolist(), child_w.tolist(), strict=True):
            stack.append((t + 1, (*placed, v), w))
    victims_out = np.concatenate(rows)
    logw_out = np.concatenate(weights)
    return FamilyOptions(victims_out, logw_out, float(per_marker_null.sum()), tables.tables,
                         per_marker_null)


def count_options(allowed: NDArray[np.bool_]) -> int:
    """Number of partial injective maps slots → victims using allowed pairs (exact)."""
    k = allowed.shape[1]
    counts: dict[frozenset[int], int] = {frozenset(): 1}
    for t in range(k):
        nxt: dict[frozenset[int], int] = {}
        candidates = np.flatnonzero(allowed[:, t]).tolist()
        for used, ways in counts.items():
            nxt[used] = nxt.get(used, 0) + ways
            for v in candidates:
                if v not in used:
                    key = used | {v}
                    nxt[key] = nxt.get(key, 0) + ways
        counts = nxt
        if len(counts) > 2_000_000:
            return 10**18
    return sum(counts.values())


def family_options_direct(
    family: FamilyData,
    victims: VictimData,
    allowed: NDArray[np.bool_],
    null: FloatArray | None = None,
) -> FamilyOptions:
    """:func:`family_options` by one likelihood per option and marker (same result)."""
    n_markers = len(family.markers)
    k = len(family.slot_persons)
    per_marker_null = family_null(family) if null is None else null
    rows: list[tuple[int, ...]] = [(-1,) * k]
    weights: list[float] = [0.0]
    evaluations = 0

    def walk(t: int, placed: tuple[int, ...]) -> None:
        nonlocal evaluations
        if t == k:
            if all(v < 0 for v in placed):
                return
            codes = []
            hw = 0.0
            for m in range(n_markers):
                c = family.ref_codes[m].copy()
                for slot, v in enumerate(placed):
                    if v >= 0:
                        c[family.slot_persons[slot]] = victims.codes[m][v]
                        hw += float(victims.log_hw[m][victims.inverse[m][v]])
                codes.append(c)
            logs = batch_log_likelihoods(family.fidx, family.midx, codes, list(family.markers))
            evaluations += n_markers
            logw = float(np.sum(np.asarray(logs) - per_marker_null)) - hw
            if logw > -math.inf:
                rows.append(placed)
                weights.append(logw)
            return
        walk(t + 1, (*placed, -1))
        used = {v for v in placed if v >= 0}
        for v in np.flatnonzero(allowed[:, t]).tolist():
            if v not in used:
                walk(t + 1, (*placed, v))

    walk(0, ())
    return FamilyOptions(np.array(rows, dtype=np.intp).reshape(-1, k),
                         np.array(weights, dtype=np.float64), float(per_marker_null.sum()),
                         evaluations, per_marker_null)
