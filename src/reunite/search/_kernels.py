"""Private scan kernels behind one small interface, :class:`ScoringBackend`.

Kernels take only arrays and ints, validate nothing and allocate nothing per profile
(STYLE rule 2); the public functions in ``direct``, ``screen`` and ``blind`` validate and
then call them. Two backends implement the same contract:

* :class:`NumpyBackend`, the reference: chunked vectorised gathers, easy to read;
* :class:`NumbaBackend`, the fast one: compiled loops, parallel over row chunks.

A GPU backend would implement the same four methods. Both backends add per-marker terms
in marker order 0..L-1 without re-association, so their scores are bit-identical.

Array contracts (``codes``/``alive`` come from :class:`~reunite.search.matrix.ProfileMatrix`):

* ``codes``: uint8 or uint16, shape (n, L); ``alive``: uint8, shape (n,), 0 = tombstone;
* direct ``table``: uint8, shape (L, W); bit 0 = the marker counts as shared, bit 1 = the
  marker mismatches at the requested stringency (W = one past the largest code);
* screen ``log_table``: float64, shape (L, W), natural-log LR per code, 0 at code 0;
* blind ``block``: float32, shape (L, W, F), natural-log LR per code and family.
"""

from __future__ import annotations

import os
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from reunite.errors import ConfigurationError

__all__ = [
    "BlindBlockResult",
    "DirectScanResult",
    "NumbaBackend",
    "NumpyBackend",
    "ScoringBackend",
    "available_backends",
    "get_backend",
    "resolve_backend",
]

Int64Array = npt.NDArray[np.int64]
Float64Array = npt.NDArray[np.float64]
Float32Array = npt.NDArray[np.float32]
CodeArray = npt.NDArray[Any]
AliveArray = npt.NDArray[np.uint8]

DirectScanResult = tuple[Int64Array, Int64Array, Int64Array]
"""(rows, shared marker counts, mismatching marker counts), rows ascending."""

BlindBlockResult = tuple[Float32Array, Int64Array]
"""Per family of the block, top-k (log-LR, row), shape (F, k) each; row -1 = empty slot."""

_CHUNK = 1 << 15
# Below this many rows (or row x family pairs) a scan runs on one thread.
_PARALLEL_WORK = 1 << 17


class ScoringBackend(Protocol):
    """The kernel interface every backend (numpy, numba, later GPU) implements."""

    name: str

    def direct_scan(
        self,
        codes: CodeArray,
        alive: AliveArray,
        table: npt.NDArray[np.uint8],
        max_mismatch: int,
        min_shared: int,
    ) -> DirectScanResult:
        """Rows with ``mismatches <= max_mismatch`` and ``shared >= min_shared``."""
        ...

    def screen_scores(
        self, codes: CodeArray, alive: AliveArray, log_table: Float64Array
    ) -> Float64Array:
        """Total log-LR of every row (``-inf`` for tombstones), shape (n,)."""
        ...

    def screen_select(
        self,
        codes: CodeArray,
        alive: AliveArray,
        log_table: Float64Array,
        k: int,
        log_threshold: float,
    ) -> tuple[Int64Array, Float64Array]:
        """Rows among the top ``k`` scores or scoring ``>= log_threshold`` (a superset of
        the top ``k`` when scores tie), with their scores; unordered."""
        ...

    def blind_block(
        self,
        codes: CodeArray,
        alive: AliveArray,
        block: Float32Array,
        k: int,
        profile_scores: Float32Array,
        profile_families: Int64Array,
        family_offset: int,
    ) -> BlindBlockResult:
        """Score every live row against the F families of ``block``.

        Updates, in place, each row's running top-k (``profile_scores`` and
        ``profile_families``, shape (n, k), families numbered from ``family_offset``),
        and returns each family's top-k rows within this call.
        """
        ...


# ---------------------------------------------------------------------- numpy reference
def _topk_rows(scores: Float32Array, k: int) -> tuple[Float32Array, Int64Array]:
    """Per row of ``scores`` (m, n), the k largest values and their column indices."""
    m, n = scores.shape
    vals = np.full((m, k), -np.inf, dtype=np.float32)
    idx = np.full((m, k), -1, dtype=np.int64)
    take = min(k, n)
    if take == 0:
        return vals, idx
    part = np.argpartition(-scores, take - 1, axis=1)[:, :take]
    vals[:, :take] = np.take_along_axis(scores, part, axis=1)
    idx[:, :take] = part
    return vals, idx


def _merge_topk(
    vals_a: Float32Array, idx_a: Int64Array, vals_b: Float32Array, idx_b: Int64Array, k: int
) -> tuple[Float32Array, Int64Array]:
    vals = np.concatenate([vals_a, vals_b], axis=1)
    idx = np.concatenate([idx_a, idx_b], axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(vals, order, axis=1), np.take_along_axis(idx, order, axis=1)


class NumpyBackend:
    """Reference backend: chunked numpy gathers (readable, moderately fast)."""

    name = "numpy"

    def direct_scan(
        self,
        codes: CodeArray,
        alive: AliveArray,
        table: npt.NDArray[np.uint8],
        max_mismatch: int,
        min_shared: int,
    ) -> DirectScanResult:
        rows: list[Int64Array] = []
        shared_out: list[Int64Array] = []
        mism_out: list[Int64Array] = []
        for start in range(0, codes.shape[0], _CHUNK):
            block = codes[start : start + _CHUNK]
            shared = np.zeros(block.shape[0], dtype=np.int64)
            mism = np.zeros(block.shape[0], dtype=np.int64)
            for m in range(codes.shape[1]):
                t = table[m][block[:, m]]
                shared += t & 1
                mism += t >> 1
            ok = (
                (alive[start : start + _CHUNK] == 1)
                & (mism <= max_mismatch)
                & (shared >= min_shared)
            )
            hit = np.flatnonzero(ok)
            rows.append(start + hit.astype(np.int64))
            shared_out.append(shared[hit])
            mism_out.append(mism[hit])
        if not rows:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty.copy(), empty.copy()
        return np.concatenate(rows), np.concatenate(shared_out), np.concatenate(mism_out)

    def screen_scores(
        self, codes: CodeArray, alive: AliveArray, log_table: Float64Array
    ) -> Float64Array:
        out = np.empty(codes.shape[0], dtype=np.float64)
        for start in range(0, codes.shape[0], _CHUNK):
            block = codes[start : start + _CHUNK]
            s = np.zeros(block.shape[0], dtype=np.float64)
            for m in range(codes.shape[1]):
                s += log_table[m][block[:, m]]
            out[start : start + _CHUNK] = s
        out[alive == 0] = -np.inf
        return out

    def screen_select(
        self,
        codes: CodeArray,
        alive: AliveArray,
        log_table: Float64Array,
        k: int,
        log_threshold: float,
    ) -> tuple[Int64Array, Float64Array]:
        scores = self.screen_scores(codes, alive, log_table)
        keep = scores >= log_threshold
        if k > 0 and scores.size:
            take = min(k, scores.size)
            top = np.argpartition(-scores, take - 1)[:take]
            # An excluded profile (LR 0, log -inf) is never a top candidate.
            keep[top[scores[top] > -np.inf]] = True
        keep &= alive == 1
        rows = np.flatnonzero(keep).astype(np.int64)
        return rows, scores[rows]

    def blind_block(
        self,
        codes: CodeArray,
        alive: AliveArray,
        block: Float32Array,
        k: int,
        profile_scores: Float32Array,
        profile_families: Int64Array,
        family_offset: int,
    ) -> BlindBlockResult:
        n_fam = block.shape[2]
        fam_vals = np.full((n_fam, k), -np.inf, dtype=np.float32)
        fam_rows = np.full((n_fam, k), -1, dtype=np.int64)
        for start in range(0, codes.shape[0], 4096):
            part = codes[start : start + 4096]
            s = np.zeros((part.shape[0], n_fam), dtype=np.float32)
            for m in range(codes.shape[1]):
                s += block[m][part[:, m]]
            s[alive[start : start + 4096] == 0] = -np.inf
            pv, pf = _topk_rows(s, k)
            pf = np.where(pf >= 0, pf + family_offset, -1)
            live = np.isfinite(pv)
            pf = np.where(live, pf, -1)
            merged_v, merged_f = _merge_topk(
                profile_scores[start : start + 4096],
                profile_families[start : start + 4096],
                pv,
                pf,
                k,
            )
            profile_scores[start : start + 4096] = merged_v
            profile_families[start : start + 4096] = merged_f
            fv, fr = _topk_rows(np.ascontiguousarray(s.T), k)
            fr = np.where(np.isfinite(fv), fr + start, -1)
            fam_vals, fam_rows = _merge_topk(fam_vals, fam_rows, fv, fr, k)
        return fam_vals, fam_rows


# ---------------------------------------------------------------------- numba
numba: Any
try:  # numba is the optional [fast] extra; the numpy backend always works.
    import numba
except ImportError:  # pragma: no cover - exercised only without the extra
    numba = None


def _build_numba_kernels() -> dict[str, Any]:
    assert numba is not None
    njit = numba.njit
    prange = numba.prange

    # The kernels are plain Python functions compiled below; untyped on purpose (numba
    # infers the types from the arrays).

    def direct_scan(codes, alive, table, order, max_mismatch, min_shared,  # type: ignore[no-untyped-def]
                    chunk, out_rows, out_shared, out_mism, counts):
        n, L = codes.shape
        n_chunks = (n + chunk - 1) // chunk
        for c in prange(n_chunks):
            start = c * chunk
            stop = min(n, start + chunk)
            w = start
            for r in range(start, stop):
                if alive[r] == 0:
                    continue
                shared = 0
                mism = 0
                for q in range(L):
                    m = order[q]
                    t = table[m, codes[r, m]]
                    shared += t & 1
                    mism += t >> 1
                    if mism > max_mismatch:
                        break
                if mism <= max_mismatch and shared >= min_shared:
                    out_rows[w] = r
                    out_shared[w] = shared
                    out_mism[w] = mism
                    w += 1
            counts[c] = w - start

    def screen_scores(codes, alive, log_table, out):  # type: ignore[no-untyped-def]
        n, L = codes.shape
        for r in prange(n):
            if alive[r] == 0:
                out[r] = -np.inf
                continue
            s = 0.0
            for m in range(L):
                s += log_table[m, codes[r, m]]
            out[r] = s

    def screen_select(codes, alive, log_table, k, log_threshold, chunk,  # type: ignore[no-untyped-def]
                      out_rows, out_scores, counts, top_rows, top_scores):
        n, L = codes.shape
        n_chunks = (n + chunk - 1) // chunk
        for c in prange(n_chunks):
            start = c * chunk
            stop = min(n, start + chunk)
            w = start
            minpos = 0
            for r in range(start, stop):
                if alive[r] == 0:
                    continue
                s = 0.0
                for m in range(L):
                    s += log_table[m, codes[r, m]]
                if s >= log_threshold:
                    out_rows[w] = r
                    out_scores[w] = s
                    w += 1
                if k > 0 and s > top_scores[c, minpos]:
                    top_scores[c, minpos] = s
                    top_rows[c, minpos] = r
                    for q in range(k):
                        if top_scores[c, q] < top_scores[c, minpos]:
                            minpos = q
            counts[c] = w - start

    def blind_block(codes, alive, block, k, n_chunks, profile_scores,  # type: ignore[no-untyped-def]
                    profile_families, family_offset, fam_vals, fam_rows):
        n, L = codes.shape
        F = block.shape[2]
        chunk = (n + n_chunks - 1) // n_chunks
        for c in prange(n_chunks):
            start = c * chunk
            stop = min(n, start + chunk)
            acc = np.empty(F, dtype=np.float32)
            fmin = np.full(F, -np.inf, dtype=np.float32)
            fminpos = np.zeros(F, dtype=np.int64)
            for r in range(start, stop):
                if alive[r] == 0:
                    continue
                for f in range(F):
                    acc[f] = 0.0
                for m in range(L):
                    code = codes[r, m]
                    if code == 0:  # untyped: the table row is 0
                        continue
                    for f in range(F):
                        acc[f] += block[m, code, f]
                pminpos = 0
                for q in range(k):
                    if profile_scores[r, q] < profile_scores[r, pminpos]:
                        pminpos = q
                pmin = profile_scores[r, pminpos]
                for f in range(F):
                    s = acc[f]
                    if s > fmin[f]:
                        fam_vals[c, f, fminpos[f]] = s
                        fam_rows[c, f, fminpos[f]] = r
                        best = 0
                        for q in range(k):
                            if fam_vals[c, f, q] < fam_vals[c, f, best]:
                                best = q
                        fminpos[f] = best
                        fmin[f] = fam_vals[c, f, best]
                    if s > pmin:
                        profile_scores[r, pminpos] = s
                        profile_families[r, pminpos] = family_offset + f
                        for q in range(k):
                            if profile_scores[r, q] < profile_scores[r, pminpos]:
                                pminpos = q
                        pmin = profile_scores[r, pminpos]

    kernels: dict[str, Any] = {}
    for name, func in (("direct_scan", direct_scan), ("screen_scores", screen_scores),
                       ("screen_select", screen_select), ("blind_block", blind_block)):
        # A parallel build for big scans and a serial one for small ones, where waking
        # the thread pool costs more than the scan (prange is range when not parallel).
        kernels[name] = njit(parallel=True, cache=True, nogil=True)(func)
        kernels[name + "_serial"] = njit(parallel=False, cache=True, nogil=True)(func)
    return kernels


_NUMBA_KERNELS: dict[str, Any] = {}


def _numba_kernels() -> dict[str, Any]:
    if not _NUMBA_KERNELS:
        _NUMBA_KERNELS.update(_build_numba_kernels())
    return _NUMBA_KERNELS


def _exit_order(codes: CodeArray, table: npt.NDArray[np.uint8]) -> Int64Array:
    """Markers most likely to mismatch first, from a sample of rows: a rejected row then
    leaves the loop after fewer look-ups. Accepted rows are always scanned in full, so
    the order changes no result."""
    n = codes.shape[0]
    sample = codes[:: max(1, n // 4096)][:4096]
    rates = [(table[m][sample[:, m]] >> 1).mean() if sample.size else 0.0
             for m in range(codes.shape[1])]
    return np.argsort(-np.asarray(rates), kind="stable").astype(np.int64)


def _gather(out: npt.NDArray[Any], counts: Int64Array, chunk: int) -> npt.NDArray[Any]:
    parts = [out[c * chunk : c * chunk + int(n)] for c, n in enumerate(counts) if n]
    if not parts:
        return out[:0].copy()
    return np.concatenate(parts)


class NumbaBackend:
    """Compiled backend: numba loops, parallel over row chunks (threads = numba's)."""

    name = "numba"

    def __init__(self) -> None:
        if numba is None:
            raise ConfigurationError(
                "the numba search backend needs the [fast] extra (pip install numba)",
                field="backend", value="numba",
            )
        self._k = _numba_kernels()

    def _kernel(self, name: str, work: int) -> Any:
        return self._k[name] if work >= _PARALLEL_WORK else self._k[name + "_serial"]

    @staticmethod
    def _chunk(n: int) -> int:
        threads = int(numba.get_num_threads()) if numba is not None else 1
        # Enough chunks to balance threads, big enough to amortise the per-chunk set-up.
        return max(4096, -(-n // (threads * 16)))

    def direct_scan(
        self,
        codes: CodeArray,
        alive: AliveArray,
        table: npt.NDArray[np.uint8],
        max_mismatch: int,
        min_shared: int,
    ) -> DirectScanResult:
        n = codes.shape[0]
        chunk = self._chunk(n)
        n_chunks = max(1, -(-n // chunk))
        # np.empty does not touch memory: only pages that receive hits are ever written.
        out_rows = np.empty(n, dtype=np.int64)
        out_shared = np.empty(n, dtype=np.int64)
        out_mism = np.empty(n, dtype=np.int64)
        counts = np.zeros(n_chunks, dtype=np.int64)
        self._kernel("direct_scan", n)(codes, alive, table, _exit_order(codes, table),
                                       max_mismatch, min_shared, chunk, out_rows,
                                       out_shared, out_mism, counts)
        return (
            _gather(out_rows, counts, chunk),
            _gather(out_shared, counts, chunk),
            _gather(out_mism, counts, chunk),
        )

    def screen_scores(
        self, codes: CodeArray, alive: AliveArray, log_table: Float64Array
    ) -> Float64Array:
        out = np.empty(codes.shape[0], dtype=np.float64)
        self._kernel("screen_scores", codes.shape[0])(codes, alive, log_table, out)
        return out

    def screen_select(
        self,
        codes: CodeArray,
        alive: AliveArray,
        log_table: Float64Array,
        k: int,
        log_threshold: float,
    ) -> tuple[Int64Array, Float64Array]:
        n = codes.shape[0]
        chunk = self._chunk(n)
        n_chunks = max(1, -(-n // chunk))
        out_rows = np.empty(n, dtype=np.int64)
        out_scores = np.empty(n, dtype=np.float64)
        counts = np.zeros(n_chunks, dtype=np.int64)
        kk = max(k, 1)
        top_rows = np.full((n_chunks, kk), -1, dtype=np.int64)
        top_scores = np.full((n_chunks, kk), -np.inf, dtype=np.float64)
        self._kernel("screen_select", n)(codes, alive, log_table, k, log_threshold, chunk,
                                 out_rows, out_scores, counts, top_rows, top_scores)
        rows = _gather(out_rows, counts, chunk)
        scores = _gather(out_scores, counts, chunk)
        if k > 0:
            flat_r = top_rows.ravel()
            flat_s = top_scores.ravel()
            ok = flat_r >= 0
            flat_r, flat_s = flat_r[ok], flat_s[ok]
            if flat_s.size > k:
                # Keep every chunk winner tied with the k-th best, as the contract says.
                kth = np.partition(-flat_s, k - 1)[k - 1]
                sel = -flat_s <= kth
                flat_r, flat_s = flat_r[sel], flat_s[sel]
            rows = np.concatenate([rows, flat_r])
            scores = np.concatenate([scores, flat_s])
            rows, first = np.unique(rows, return_index=True)
            scores = scores[first]
        return rows, scores

    def blind_block(
        self,
        codes: CodeArray,
        alive: AliveArray,
        block: Float32Array,
        k: int,
        profile_scores: Float32Array,
        profile_families: Int64Array,
        family_offset: int,
    ) -> BlindBlockResult:
        n_fam = block.shape[2]
        threads = int(numba.get_num_threads()) if numba is not None else 1
        n_chunks = max(1, min(codes.shape[0], threads * 4))
        fam_vals = np.full((n_chunks, n_fam, k), -np.inf, dtype=np.float32)
        fam_rows = np.full((n_chunks, n_fam, k), -1, dtype=np.int64)
        kernel = self._kernel("blind_block", codes.shape[0] * n_fam)
        kernel(codes, alive, block, k, n_chunks, profile_scores, profile_families,
               family_offset, fam_vals, fam_rows)
        vals = np.transpose(fam_vals, (1, 0, 2)).reshape(n_fam, n_chunks * k)
        rows = np.transpose(fam_rows, (1, 0, 2)).reshape(n_fam, n_chunks * k)
        order = np.argsort(-vals, axis=1, kind="stable")[:, :k]
        return np.take_along_axis(vals, order, axis=1), np.take_along_axis(rows, order, axis=1)


def available_backends() -> tuple[str, ...]:
    """Names of the backends usable in this installation."""
    return ("numpy", "numba") if numba is not None else ("numpy",)


_BACKENDS: dict[str, ScoringBackend] = {}


def get_backend(name: str | None = None) -> ScoringBackend:
    """The backend called ``name`` (``REUNITE_SEARCH_BACKEND`` or numba if installed)."""
    chosen = name or os.environ.get("REUNITE_SEARCH_BACKEND") or (
        "numba" if numba is not None else "numpy"
    )
    if chosen not in _BACKENDS:
        if chosen == "numpy":
            _BACKENDS[chosen] = NumpyBackend()
        elif chosen == "numba":
            _BACKENDS[chosen] = NumbaBackend()
        else:
            raise ConfigurationError(
                "unknown search backend", field="backend", value=chosen,
                known=available_backends(),
            )
    return _BACKENDS[chosen]


def resolve_backend(backend: ScoringBackend | str | None) -> ScoringBackend:
    """A backend object from an object, a name, or None (the default backend)."""
    if backend is None or isinstance(backend, str):
        return get_backend(backend)
    return backend
