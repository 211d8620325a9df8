"""Private kernel: exact best assignments of victims to families, with bounds on the rest.

Input: per family ``j`` its options (partial maps of its slots to victims; intp
``victims`` with ``-1`` for an empty slot) and their exact log weights ``logw`` (the
family's log LR against the null, :mod:`reunite.stats._dvi_family`). An assignment picks
one option per family such that no victim is used twice; its weight is ``Π_j w_j``, so
its log LR against the all-unidentified assignment is ``Σ_j logw_j``.

Search space. Families are taken in a fixed order ``0 … F−1``. An *element* ``E = (d, p,
prefix)`` stands for every assignment whose options for families ``< d`` are ``prefix``
and whose option for family ``d`` has sorted index ``≥ p``; ``free`` are the victims the
prefix leaves. Popping ``E`` takes its first feasible option ``q``: the *child* ``(d+1, 0,
prefix + q)`` and the *continuation* ``(d, q+1, prefix)`` partition ``E`` (lazy
best-first branching, as in Lawler's k-best scheme). ``d = F`` is a complete assignment.

Bounds on an element (all exact inequalities; ``j`` ranges over family ``d``, restricted
to its range, and the families after it, each restricted to options inside ``free``):

* max:  ``w(prefix) · Π_j max_o w_o`` — the families' choices relaxed to be independent;
* mass upper ``U = w(prefix) · Π_j Z_j`` with ``Z_j = Σ_o w_o``: every valid completion is
  one tuple of the product, and all weights are non-negative;
* mass lower ``Λ = U · (1 − B)``, ``B = Σ_u Σ_{i<l} q_ui q_ul``, where ``q_uj`` is the
  share of ``Z_j`` carried by options that use victim ``u``. Under the product measure
  (total ``U``) the families are independent, a completion is invalid exactly when some
  victim is used by two families, and the union bound gives ``μ(invalid) ≤ U·B``
  (Bonferroni). Within a family an option uses a victim at most once, so nothing else can
  be invalid.

The first phase is A*: popping by the max bound returns complete assignments in exact
decreasing order of weight (the bound is admissible). The second phase pops by the gap
``U − Λ`` until ``Σ_leaves w + Σ_frontier [Λ, U]`` brackets the total within the
tolerance. The marginal mass of "victim ``u`` at slot ``s`` of family ``j``" in an element
is bracketed the same way (:meth:`JointSearch.marginals`).
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

Chain = tuple[int, "Chain"] | None
"""Options chosen for families ``d−1, d−2, …, 0`` (a linked list, newest first)."""


@dataclass(eq=False)
class Element:
    """A set of assignments (see the module docstring); ``depth == F`` is a leaf."""

    depth: int
    start: int
    free: BoolArray
    prefix: float
    chain: Chain
    log_upper: float = -math.inf
    log_lower: float = -math.inf
    log_max: float = -math.inf

    @property
    def choices(self) -> list[int]:
        """Option index chosen for families ``0 … depth−1``."""
        out: list[int] = []
        node = self.chain
        while node is not None:
            out.append(node[0])
            node = node[1]
        return out[::-1]


@dataclass(frozen=True, eq=False)
class _Family:
    victims: IntArray          # (n_opt, k), -1 → padded to n (always free)
    padded: IntArray           # victims with -1 replaced by n
    logw: FloatArray           # sorted decreasing
    origin: IntArray           # caller's option index of each sorted row
    slots: IntArray            # global slot index of each column


@dataclass
class _Stats:
    """Aggregates of one family (or range) over the options inside ``free``."""

    log_z: float
    log_best: float
    occupancy: FloatArray  # (n,) share of Z carried by options using each victim


@dataclass
class SearchResult:
    """What :meth:`JointSearch.run` found.

    ``ranked``: complete assignments (option index per family, caller's numbering) with
    their log weights, in exact decreasing order; ``log_z_lower``/``log_z_upper`` bracket
    ``log Σ_assignments w``; ``complete`` when the bracket is exact (every open element
    has equal bounds: no victim can be claimed by two of its remaining families).
    """

    ranked: list[tuple[tuple[int, ...], float]]
    log_z_lower: float
    log_z_upper: float
    complete: bool
    expansions: int
    leaf_elements: list[Element] = field(default_factory=list)
    frontier: list[Element] = field(default_factory=list)


def _logsumexp(values: Sequence[float]) -> float:
    finite = [v for v in values if v > -math.inf]
    if not finite:
        return -math.inf
    top = max(finite)
    return top + math.log(math.fsum(math.exp(v - top) for v in finite))


def _log_sub(a: float, b: float) -> float:
    """log(e^a − e^b) for a ≥ b (−inf when equal)."""
    if b == -math.inf:
        return a
    if b >= a:
        return -math.inf
    return a + math.log1p(-math.exp(b - a))


class JointSearch:
    """Best-first search over one DVI problem's option tables (module docstring)."""

    def __init__(self, families: Sequence[tuple[IntArray, FloatArray, IntArray]],
                 n_victims: int, n_slots: int) -> None:
        self.n = n_victims
        self.n_slots = n_slots
        built: list[_Family] = []
        strength: list[float] = []
        for victims, logw, slots in families:
            victims = np.asarray(victims, dtype=np.intp).reshape(len(logw), -1)
            logw = np.asarray(logw, dtype=np.float64)
            keep = logw > -math.inf
            order = np.argsort(-logw[keep], kind="stable")
            origin = np.flatnonzero(keep)[order]
            v = victims[origin]
            built.append(_Family(v, np.where(v < 0, n_victims, v), logw[origin], origin,
                                 np.asarray(slots, dtype=np.intp)))
            strength.append(float(logw[origin][0]) if origin.size else 0.0)
        # Strong families first: their choice is decided early, where branching is cheap.
        self.order = sorted(range(len(built)), key=lambda j: (-strength[j], j))
        self.families = [built[j] for j in self.order]
        self.F = len(self.families)
        self._counter = itertools.count()
        self.masks: list[BoolArray | None] = [None] * self.F
        self._no_occupancy = np.zeros(0)

    def restrict(self, masks: Sequence[BoolArray | None]) -> None:
        """Allow only some options: ``masks[j]`` is a bool array over family ``j``'s
        options in the caller's numbering (``None``: all). Used for constrained maxima."""
        self.masks = [None if masks[caller] is None else
                      np.asarray(masks[caller], dtype=bool)[fam.origin]
                      for caller, fam in zip(self.order, self.families, strict=True)]

    # --- aggregates --------------------------------------------------------------------

    def _ok(self, j: int, free_pad: BoolArray, start: int) -> BoolArray:
        fam = self.families[j]
        ok: BoolArray = np.asarray(free_pad[fam.padded[start:]].all(axis=1), dtype=bool)
        mask = self.masks[j]
        return ok if mask is None else ok & mask[start:]

    def _stats(self, j: int, free_pad: BoolArray, start: int, bounds: bool = True
               ) -> _Stats | None:
        fam = self.families[j]
        if not bounds:
            best = self._first_feasible(j, free_pad, start)
            return None if best < 0 else _Stats(math.nan, float(fam.logw[best]),
                                                self._no_occupancy)
        ok = self._ok(j, free_pad, start)
        if not ok.any():
            return None
        padded = fam.padded[start:]
        logw = fam.logw[start:][ok]
        top = float(logw.max())
        e = np.exp(logw - top)
        z = float(e.sum())
        occ = np.bincount(padded[ok].ravel(), weights=np.repeat(e, padded.shape[1]),
                          minlength=self.n + 1)[: self.n] / z
        return _Stats(top + math.log(z), top, occ)

    def _first_feasible(self, j: int, free_pad: BoolArray, start: int) -> int:
        """Index of the first option at or after ``start`` inside ``free`` (−1: none);
        options are sorted, so this is the best one. Scanned in growing chunks."""
        fam = self.families[j]
        mask = self.masks[j]
        size = 16
        pos = start
        total = fam.padded.shape[0]
        while pos < total:
            stop = min(total, pos + size)
            ok = free_pad[fam.padded[pos:stop]].all(axis=1)
            if mask is not None:
                ok &= mask[pos:stop]
            hits = np.flatnonzero(ok)
            if hits.size:
                return pos + int(hits[0])
            pos = stop
            size *= 4
        return -1

    def _undecided(self, depth: int, free_pad: BoolArray, bounds: bool = True
                   ) -> tuple[float, float, FloatArray, FloatArray]:
        """Σ log Z, Σ log max, Σ q and Σ q² over families after ``depth``."""
        log_z = 0.0
        log_best = 0.0
        q_sum = np.zeros(self.n)
        q_sq = np.zeros(self.n)
        for j in range(depth + 1, self.F):
            st = self._stats(j, free_pad, 0, bounds)
            if st is None:
                return -math.inf, -math.inf, q_sum, q_sq
            log_z += st.log_z
            log_best += st.log_best
            if bounds:
                q_sum += st.occupancy
                q_sq += st.occupancy ** 2
        return log_z, log_best, q_sum, q_sq

    def _finish(self, el: Element, range_stats: _Stats,
                und: tuple[float, float, FloatArray, FloatArray], bounds: bool) -> Element:
        log_z, log_best, q_sum, q_sq = und
        el.log_max = el.prefix + range_stats.log_best + log_best
        if el.log_max == -math.inf:
            return el
        if bounds:
            el.log_upper = el.prefix + range_stats.log_z + log_z
            qs = q_sum + range_stats.occupancy
            b = 0.5 * float(np.sum(qs * qs - (q_sq + range_stats.occupancy ** 2)))
            el.log_lower = el.log_upper + math.log1p(-b) if b < 1.0 else -math.inf
        return el

    def _pad(self, free: BoolArray) -> BoolArray:
        out = np.ones(self.n + 1, dtype=bool)
        out[: self.n] = free
        return out

    def _make_leaf(self, prefix: float, chain: Chain, free: BoolArray) -> Element:
        el = Element(self.F, 0, free, prefix, chain)
        el.log_upper = el.log_lower = el.log_max = prefix
        return el

    def root(self, bounds: bool = True) -> Element | None:
        """The element holding every assignment (``None`` when there are no families)."""
        free = np.ones(self.n, dtype=bool)
        if self.F == 0:
            return self._make_leaf(0.0, None, free)
        pad = self._pad(free)
        st = self._stats(0, pad, 0, bounds)
        if st is None:
            return None
        el = self._finish(Element(0, 0, free, 0.0, None), st,
                          self._undecided(0, pad, bounds), bounds)
        return el if el.log_max > -math.inf else None

    def expand(self, el: Element, bounds: bool = True) -> list[Element]:
        """Split ``el`` into its child and its continuation (those that are not empty)."""
        d = el.depth
        fam = self.families[d]
        pad = self._pad(el.free)
        q = self._first_feasible(d, pad, el.start)
        if q < 0:
            return []
        out: list[Element] = []
        used = fam.victims[q]
        free_child = el.free.copy()
        free_child[used[used >= 0]] = False
        prefix_child = el.prefix + float(fam.logw[q])
        chain_child: Chain = (q, el.chain)
        if d + 1 == self.F:
            out.append(self._make_leaf(prefix_child, chain_child, free_child))
        else:
            pad_child = self._pad(free_child)
            st = self._stats(d + 1, pad_child, 0, bounds)
            if st is not None:
                child = Element(d + 1, 0, free_child, prefix_child, chain_child)
                out.append(self._finish(child, st, self._undecided(d + 1, pad_child, bounds),
                                        bounds))
        rest = self._stats(d, pad, q + 1, bounds)
        if rest is not None:
            cont = Element(d, q + 1, el.free, el.prefix, el.chain)
            out.append(self._finish(cont, rest, self._undecided(d, pad, bounds), bounds))
        return [e for e in out if e.log_max > -math.inf]

    # --- the two phases ----------------------------------------------------------------

    def _caller_choices(self, el: Element) -> tuple[int, ...]:
        """Options of ``el`` (a leaf) in the caller's family order and numbering."""
        out = [0] * self.F
        for pos, q in enumerate(el.choices):
            out[self.order[pos]] = int(self.families[pos].origin[q])
        return tuple(out)

    def best(self) -> tuple[tuple[int, ...], float] | None:
        """The single best assignment (A* with the max bound only)."""
        root = self.root(bounds=False)
        if root is None:
            return None
        heap = [(-root.log_max, next(self._counter), root)]
        while heap:
            _, _, el = heapq.heappop(heap)
            if el.depth == self.F:
                return self._caller_choices(el), el.prefix
            for new in self.expand(el, bounds=False):
                heapq.heappush(heap, (-new.log_max, next(self._counter), new))
        return None

    def run(self, *, top: int, tolerance: float, max_expansions: int) -> SearchResult:
        """Rank the ``top`` best assignments exactly, then tighten the total's bounds."""
        root = self.root()
        assert root is not None
        ranked: list[tuple[tuple[int, ...], float]] = []
        leaves: list[Element] = []
        heap = [(-root.log_max, next(self._counter), root)]
        expansions = 0
        while heap and len(ranked) < top and expansions < max_expansions:
            _, _, el = heapq.heappop(heap)
            if el.depth == self.F:
                ranked.append((self._caller_choices(el), el.prefix))
                leaves.append(el)
                continue
            expansions += 1
            for new in self.expand(el):
                heapq.heappush(heap, (-new.log_max, next(self._counter), new))
        ranked_ids = {id(el) for el in leaves}
        frontier: list[Element] = []
        for _, _, el in heap:
            (leaves if el.depth == self.F else frontier).append(el)
        # Phase 2: split the elements with the widest gap until the total is bracketed.
        ref = root.log_upper
        lo_leaf = math.fsum(math.exp(el.prefix - ref) for el in leaves)
        lo_front = math.fsum(math.exp(el.log_lower - ref) for el in frontier)
        hi_front = math.fsum(math.exp(el.log_upper - ref) for el in frontier)
        gap_heap = [(-_log_sub(el.log_upper, el.log_lower), next(self._counter), el)
                    for el in frontier]
        heapq.heapify(gap_heap)
        while gap_heap and expansions < max_expansions:
            z_lo = lo_leaf + lo_front
            z_hi = lo_leaf + hi_front
            if z_hi - z_lo <= tolerance * z_lo:
                break
            _, _, el = heapq.heappop(gap_heap)
            lo_front -= math.exp(el.log_lower - ref)
            hi_front -= math.exp(el.log_upper - ref)
            expansions += 1
            for new in self.expand(el):
                if new.depth == self.F:
                    leaves.append(new)
                    lo_leaf += math.exp(new.prefix - ref)
                else:
                    lo_front += math.exp(new.log_lower - ref)
                    hi_front += math.exp(new.log_upper - ref)
                    heapq.heappush(gap_heap, (-_log_sub(new.log_upper, new.log_lower),
                                              next(self._counter), new))
        frontier = [el for _, _, el in gap_heap]
        # Leaves above every open element's max bound extend the exact ranking.
        open_max = max((el.log_max for el in frontier), default=-math.inf)
        if len(ranked) < top:
            rest = sorted((el for el in leaves if id(el) not in ranked_ids),
                          key=lambda el: -el.prefix)
            for el in rest:
                if len(ranked) >= top or el.prefix < open_max:
                    break
                ranked.append((self._caller_choices(el), el.prefix))
        log_leaves = _logsumexp([el.prefix for el in leaves])
        log_lo = _logsumexp([log_leaves, *(el.log_lower for el in frontier)])
        log_hi = _logsumexp([log_leaves, *(el.log_upper for el in frontier)])
        return SearchResult(
            ranked=ranked, log_z_lower=log_lo, log_z_upper=log_hi,
            complete=all(el.log_lower == el.log_upper for el in frontier),
            expansions=expansions,
            leaf_elements=leaves, frontier=frontier)

    # --- marginals -----------------------------------------------------------------------

    def marginals(self, result: SearchResult) -> tuple[FloatArray, FloatArray, float]:
        """Bracket the mass of "victim u at slot s" for every pair, scaled by e^{−ref}.

        Returns ``(lower, upper, ref)``, float64 (n_victims, n_slots): the pair's total
        weight lies in ``[lower, upper]·e^{ref}``. Leaves count exactly. In an open element a
        pair fixed by the prefix counts ``[Λ, U]``; an undecided pair (family ``j`` at or
        after the element's depth) counts ``U·q`` at most and, by the union bound over the
        invalid completions inside the event, at least
        ``U·(q − q·(B_{−j} + Q_u − q_uj) − Σ_{o∋u@s} (w_o/Z_j) Σ_{x∈o, x≠u} (Q_x − q_xj))``.
        """
        ref = result.log_z_upper
        lower = np.zeros((self.n, self.n_slots))
        upper = np.zeros((self.n, self.n_slots))
        for el in result.leaf_elements:
            w = math.exp(el.prefix - ref)
            self._add_prefix(lower, upper, el, w, w)
        for el in result.frontier:
            u = math.exp(el.log_upper - ref)
            self._add_prefix(lower, upper, el, math.exp(el.log_lower - ref), u)
            self._add_open(lower, upper, el, u)
        return lower, upper, ref

    def _add_prefix(self, lower: FloatArray, upper: FloatArray, el: Element, lo: float,
                    hi: float) -> None:
        for pos, q in enumerate(el.choices):
            fam = self.families[pos]
            for col, v in enumerate(fam.victims[q].tolist()):
                if v >= 0:
                    lower[v, fam.slots[col]] += lo
                    upper[v, fam.slots[col]] += hi

    def _add_open(self, lower: FloatArray, upper: FloatArray, el: Element, u: float) -> None:
        pad = self._pad(el.free)
        per_family: list[tuple[int, IntArray, FloatArray, FloatArray]] = []
        q_sum = np.zeros(self.n)
        q_sq = np.zeros(self.n)
        for pos in range(el.depth, self.F):
            start = el.start if pos == el.depth else 0
            fam = self.families[pos]
            padded = fam.padded[start:]
            ok = pad[padded].all(axis=1)
            if not ok.any():
                continue
            logw = fam.logw[start:][ok]
            e = np.exp(logw - logw.max())
            share = np.asarray(e / e.sum(), dtype=np.float64)
            opts = padded[ok]
            occ = np.asarray(np.bincount(opts.ravel(), weights=np.repeat(share, opts.shape[1]),
                                         minlength=self.n + 1)[: self.n], dtype=np.float64)
            per_family.append((pos, opts, share, occ))
            q_sum += occ
            q_sq += occ ** 2
        total_b = 0.5 * float(np.sum(q_sum ** 2 - q_sq))
        for pos, opts, share, occ in per_family:
            fam = self.families[pos]
            others = q_sum - occ
            b_minus = total_b - float(np.sum(occ * others))
            # c_o = Σ_{x ∈ o} (Q_x − q_xj); an empty slot (index n) contributes 0.
            c = np.append(others, 0.0)[opts].sum(axis=1)
            for col in range(opts.shape[1]):
                vic = opts[:, col]
                real = vic < self.n
                if not real.any():
                    continue
                v = vic[real]
                s = fam.slots[col]
                q_pair = np.bincount(v, weights=share[real], minlength=self.n)
                cross = np.bincount(v, weights=share[real] * (c[real] - others[v]),
                                    minlength=self.n)
                low = q_pair - q_pair * (b_minus + others) - cross
                upper[:, s] += u * q_pair
                lower[:, s] += u * np.maximum(low, 0.0)
