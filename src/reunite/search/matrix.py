"""ProfileMatrix: the compact in-memory index of profiles that every search scans.

Layout (STYLE rule 3, integers inside, labels at the edges):

* ``markers``: the panel, one column per marker, fixed when the matrix is made;
* one allele dictionary per marker (allele text -> index), grown as profiles arrive;
* ``codes``: ``uint8`` (or ``uint16``, see :mod:`reunite.search.encode`), shape
  ``(n_rows, n_markers)``: one genotype code per profile and marker, ``0`` = untyped;
* ``ids``: the external profile ids (fixed-width UTF-8 bytes, so 10 M ids are one array);
* ``alive``: ``uint8`` per row, 0 for a removed profile (a tombstone).

Removal is effective at once: the row is tombstoned (every kernel skips dead rows and its
codes are zeroed) and the exact-match index forgets it; :meth:`ProfileMatrix.compact`
drops tombstones (automatically once a quarter of the rows are dead). Row numbers are
internal and change on compaction; results always name profiles by id.

Profiles are decrypted by the store and handed over in memory; the matrix has no method
that writes genotypes to disk, by design.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

import numpy as np
import numpy.typing as npt

from reunite.errors import ProfileError
from reunite.search.encode import UNTYPED, code_count, code_dtype_for, pair_table

__all__ = [
    "AlleleLike",
    "GenotypeLike",
    "ProfileLike",
    "ProfileMatrix",
    "QueryGenotype",
    "QueryGenotypes",
]

CodeArray = npt.NDArray[np.unsignedinteger[Any]]
IntArray = npt.NDArray[np.int64]

# Fixed odd 64-bit multipliers, one per marker column, for the complete-profile hash.
_HASH_SEED = 0x5EED_2EE7_0001


class AlleleLike(Protocol):
    """An allele designation with a canonical text (``reunite.genetics.Allele``)."""

    @property
    def text(self) -> str: ...


class GenotypeLike(Protocol):
    """A genotype: its alleles (one or two; one means a homozygote written once)."""

    @property
    def alleles(self) -> Sequence[AlleleLike]: ...


class ProfileLike(Protocol):
    """A profile: an id and genotypes by marker name (``reunite.genetics.Profile``)."""

    @property
    def id(self) -> str: ...

    @property
    def genotypes(self) -> Mapping[str, GenotypeLike]: ...


class QueryGenotype(NamedTuple):
    """One query marker encoded against a matrix: sorted allele indices ``lo <= hi``.

    Alleles the dictionary has never seen get distinct negative indices, so they equal
    nothing in the index. ``partial`` marks a genotype with one known allele (its partner
    dropped out): then ``lo == hi`` is the known allele and the genotype is never
    *identical* to an indexed one, only contained in it.
    """

    lo: int
    hi: int
    partial: bool = False


QueryGenotypes = tuple[QueryGenotype | None, ...]
"""A query encoded against a matrix: per marker a :class:`QueryGenotype` or ``None``."""


def _splitmix64(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    # SplitMix64 finaliser (Steele et al. 2014): spreads the linear sum over all 64 bits.
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


class ProfileMatrix:
    """Compact, mutable index of profiles over a fixed marker panel.

    Build with :meth:`from_profiles`, :meth:`from_allele_indices` or an empty
    ``ProfileMatrix(markers)`` followed by ``add_*`` calls. ``frequency_table_id`` records
    which frequency table the search statistics of this index use (provenance).
    """

    def __init__(
        self,
        markers: Sequence[str],
        *,
        frequency_table_id: str | None = None,
        alleles: Sequence[Sequence[str]] | None = None,
    ) -> None:
        names = tuple(str(m) for m in markers)
        if not names:
            raise ProfileError("a profile matrix needs at least one marker", field="markers")
        if len(set(names)) != len(names):
            raise ProfileError("marker names must be unique", field="markers", value=names)
        self.markers: tuple[str, ...] = names
        self.frequency_table_id = frequency_table_id
        self._marker_index = {name: k for k, name in enumerate(names)}
        self._alleles: list[list[str]] = [[] for _ in names]
        self._allele_index: list[dict[str, int]] = [{} for _ in names]
        if alleles is not None:
            if len(alleles) != len(names):
                raise ProfileError("one allele list per marker is needed", field="alleles")
            for k, texts in enumerate(alleles):
                for text in texts:
                    self._allele_id(k, str(text))
        self._n = 0
        self._codes: CodeArray = np.zeros((0, len(names)), dtype=self._wanted_dtype())
        self._ids: npt.NDArray[np.bytes_] = np.zeros(0, dtype="S1")
        self._alive: npt.NDArray[np.uint8] = np.zeros(0, dtype=np.uint8)
        self._n_dead = 0
        # Exact-match index: sorted hashes of rows [0, _hashed) plus a small unsorted tail.
        self._hash_sorted: npt.NDArray[np.uint32] = np.zeros(0, dtype=np.uint32)
        self._hash_rows: npt.NDArray[np.signedinteger[Any]] = np.zeros(0, dtype=np.int32)
        self._hashed = 0
        self._multipliers = (
            np.random.default_rng(_HASH_SEED).integers(
                1, 2**63, size=len(names), dtype=np.uint64
            )
            | np.uint64(1)
        )
        self.version = 0
        """Incremented on every change, so caches of derived tables can tell they are stale."""

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_profiles(
        cls,
        profiles: Iterable[ProfileLike],
        markers: Sequence[str],
        *,
        frequency_table_id: str | None = None,
    ) -> ProfileMatrix:
        """A matrix over ``markers`` holding ``profiles`` (markers outside the panel are
        ignored; panel markers a profile lacks are untyped)."""
        matrix = cls(markers, frequency_table_id=frequency_table_id)
        matrix.add_profiles(profiles)
        return matrix

    @classmethod
    def from_allele_indices(
        cls,
        ids: Sequence[str],
        markers: Sequence[str],
        alleles: Sequence[Sequence[str]],
        indices: npt.ArrayLike,
        *,
        frequency_table_id: str | None = None,
    ) -> ProfileMatrix:
        """A matrix from allele indices, shape ``(n, L, 2)``, ``-1`` missing, into the
        per-marker allele lists ``alleles`` (STYLE rule 3 arrays, e.g. from the simulator)."""
        matrix = cls(markers, frequency_table_id=frequency_table_id, alleles=alleles)
        matrix.add_allele_indices(ids, indices, alleles)
        return matrix

    # ------------------------------------------------------------------ properties
    @property
    def n_markers(self) -> int:
        """Number of markers (columns)."""
        return len(self.markers)

    @property
    def n_rows(self) -> int:
        """Rows in use, tombstones included (kernels scan ``codes[:n_rows]``)."""
        return self._n

    def __len__(self) -> int:
        """Number of live profiles."""
        return self._n - self._n_dead

    @property
    def codes(self) -> CodeArray:
        """Genotype codes, shape ``(n_rows, n_markers)`` (a read-only view)."""
        view = self._codes[: self._n]
        view.flags.writeable = False
        return view

    @property
    def alive(self) -> npt.NDArray[np.uint8]:
        """1 for a live row, 0 for a tombstone, shape ``(n_rows,)`` (read-only view)."""
        view = self._alive[: self._n]
        view.flags.writeable = False
        return view

    @property
    def code_dtype(self) -> np.dtype[Any]:
        """``uint8`` or ``uint16``."""
        return self._codes.dtype

    def alleles(self, marker: str | int) -> tuple[str, ...]:
        """The allele dictionary of ``marker``: allele texts in index order."""
        return tuple(self._alleles[self._column(marker)])

    def allele_pairs(self, marker: str | int) -> tuple[IntArray, IntArray]:
        """For every code ``0 .. n(n+1)/2`` of ``marker``, its allele indices ``(i, j)``,
        ``i <= j`` (``-1, -1`` for code 0, untyped)."""
        return pair_table(len(self._alleles[self._column(marker)]))

    @property
    def table_width(self) -> int:
        """Width of per-marker lookup tables: one past the largest possible code."""
        return max(code_count(len(a)) for a in self._alleles)

    def ids_of(self, rows: npt.ArrayLike) -> list[str]:
        """External ids of ``rows``."""
        return [raw.decode("utf-8") for raw in self._ids[np.asarray(rows, dtype=np.int64)]]

    @property
    def ids(self) -> list[str]:
        """Ids of the live profiles, in row order."""
        rows = np.flatnonzero(self._alive[: self._n])
        return self.ids_of(rows)

    def nbytes(self) -> dict[str, int]:
        """Bytes held per component for the rows in use (hash index included)."""
        n = self._n
        return {
            "codes": int(self._codes[:n].nbytes),
            "ids": int(self._ids[:n].nbytes),
            "alive": int(self._alive[:n].nbytes),
            "exact_index": int(self._hash_sorted.nbytes + self._hash_rows.nbytes),
        }

    def _column(self, marker: str | int) -> int:
        if isinstance(marker, int):
            return marker
        try:
            return self._marker_index[marker]
        except KeyError:
            raise ProfileError("marker not in the index panel", marker=marker) from None

    # ------------------------------------------------------------------ dictionary
    def _wanted_dtype(self) -> np.dtype[Any]:
        return code_dtype_for(max((len(a) for a in self._alleles), default=0))

    def _allele_id(self, column: int, text: str) -> int:
        index = self._allele_index[column]
        found = index.get(text)
        if found is None:
            found = len(self._alleles[column])
            index[text] = found
            self._alleles[column].append(text)
        return found

    def _widen_if_needed(self) -> None:
        wanted = self._wanted_dtype()
        if wanted.itemsize > self._codes.dtype.itemsize:
            # Codes are stable under dictionary growth, so widening is a plain cast.
            self._codes = self._codes.astype(wanted)

    # ------------------------------------------------------------------ adding
    def _reserve(self, extra: int, id_width: int) -> None:
        need = self._n + extra
        if id_width > self._ids.dtype.itemsize:
            self._ids = self._ids.astype(f"S{id_width}")
        if need <= self._codes.shape[0]:
            return
        capacity = max(need, int(self._codes.shape[0] * 1.5), 1024)
        codes = np.zeros((capacity, self.n_markers), dtype=self._codes.dtype)
        codes[: self._n] = self._codes[: self._n]
        ids = np.zeros(capacity, dtype=self._ids.dtype)
        ids[: self._n] = self._ids[: self._n]
        alive = np.zeros(capacity, dtype=np.uint8)
        alive[: self._n] = self._alive[: self._n]
        self._codes, self._ids, self._alive = codes, ids, alive

    def add_codes(self, ids: Sequence[str], codes: npt.ArrayLike) -> None:
        """Append profiles given as genotype codes against this matrix's dictionaries.

        ``codes``: array_like, unsigned, shape ``(n, n_markers)``, ``0`` untyped.
        Ids must be unique within the batch; a batch of up to 4096 profiles is also
        checked against the ids already indexed (bulk loads rely on the store's unique
        keys, to keep a 10 M load linear).
        """
        arr = np.asarray(codes)
        if arr.ndim != 2 or arr.shape[1] != self.n_markers:
            raise ProfileError(
                f"codes must have shape (n, {self.n_markers})", field="codes", value=arr.shape
            )
        if len(ids) != arr.shape[0]:
            raise ProfileError("one id per row of codes is needed", field="ids")
        if arr.size:
            if arr.dtype.kind not in "iu" or int(arr.min()) < 0:
                raise ProfileError("codes must be non-negative integers", field="codes")
            widths = np.array([code_count(len(a)) for a in self._alleles])
            bad = np.argwhere(arr >= widths[None, :])
            if bad.size:
                row, col = (int(v) for v in bad[0])
                raise ProfileError(
                    "genotype code outside the marker's allele dictionary",
                    sample=ids[row], marker=self.markers[col], value=int(arr[row, col]),
                )
        encoded = [str(x).encode("utf-8") for x in ids]
        self._check_new_ids(ids)
        width = max((len(e) for e in encoded), default=1)
        self._reserve(arr.shape[0], width)
        start, stop = self._n, self._n + arr.shape[0]
        self._codes[start:stop] = arr
        self._ids[start:stop] = encoded
        self._alive[start:stop] = 1
        self._n = stop
        self.version += 1
        self._maybe_merge_hashes()

    def _check_new_ids(self, ids: Sequence[str]) -> None:
        if len(set(ids)) != len(ids):
            seen: set[str] = set()
            dup = next(x for x in ids if x in seen or seen.add(x))  # type: ignore[func-returns-value]
            raise ProfileError("duplicate profile id in one batch", sample=dup)
        if self._n and len(ids) <= 4096:
            existing = self._rows_of_ids(ids)
            if existing.size:
                raise ProfileError(
                    "profile id already indexed", sample=self.ids_of(existing[:1])[0]
                )

    def add_allele_indices(
        self, ids: Sequence[str], indices: npt.ArrayLike, alleles: Sequence[Sequence[str]]
    ) -> None:
        """Append profiles given as allele indices ``(n, L, 2)`` (``-1`` missing) into the
        per-marker allele lists ``alleles`` (remapped onto this matrix's dictionaries)."""
        arr = np.asarray(indices)
        if arr.ndim != 3 or arr.shape[1:] != (self.n_markers, 2):
            raise ProfileError(
                f"indices must have shape (n, {self.n_markers}, 2)", field="indices",
                value=arr.shape,
            )
        if len(alleles) != self.n_markers:
            raise ProfileError("one allele list per marker is needed", field="alleles")
        remapped = np.full(arr.shape, -1, dtype=np.int64)
        for k, texts in enumerate(alleles):
            lookup = np.array([self._allele_id(k, str(t)) for t in texts] + [-1], dtype=np.int64)
            col = arr[:, k, :].astype(np.int64)
            if col.size and int(col.max(initial=-1)) >= len(texts):
                raise ProfileError(
                    "allele index outside the allele list", marker=self.markers[k],
                    value=int(col.max()),
                )
            remapped[:, k, :] = lookup[np.where(col < 0, len(texts), col)]
        self._widen_if_needed()
        a = np.where(remapped[:, :, 0] < 0, remapped[:, :, 1], remapped[:, :, 0])
        b = np.where(remapped[:, :, 1] < 0, remapped[:, :, 0], remapped[:, :, 1])
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        codes = np.where(lo < 0, UNTYPED, hi * (hi + 1) // 2 + lo + 1)
        self.add_codes(ids, codes.astype(self._codes.dtype))

    def add_genotype_texts(
        self, ids: Sequence[str], genotypes: Sequence[Mapping[str, Sequence[str]]]
    ) -> None:
        """Append profiles given as ``{marker: (allele text, allele text)}`` mappings.

        One allele means a homozygote written once; an empty sequence means untyped.
        Markers outside the panel are ignored.
        """
        if len(ids) != len(genotypes):
            raise ProfileError("one id per genotype mapping is needed", field="ids")
        pairs = np.full((len(ids), self.n_markers, 2), -1, dtype=np.int64)
        for row, (pid, mapping) in enumerate(zip(ids, genotypes, strict=True)):
            for marker, texts in mapping.items():
                col = self._marker_index.get(marker)
                if col is None:
                    continue
                if len(texts) > 2:
                    raise ProfileError(
                        "more than two alleles at one marker", sample=pid, marker=marker,
                        value=tuple(texts),
                    )
                for slot, text in enumerate(texts):
                    pairs[row, col, slot] = self._allele_id(col, str(text))
        self._widen_if_needed()
        a = np.where(pairs[:, :, 0] < 0, pairs[:, :, 1], pairs[:, :, 0])
        b = np.where(pairs[:, :, 1] < 0, pairs[:, :, 0], pairs[:, :, 1])
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        codes = np.where(lo < 0, UNTYPED, hi * (hi + 1) // 2 + lo + 1)
        self.add_codes(ids, codes.astype(self._codes.dtype))

    def add_profiles(self, profiles: Iterable[ProfileLike]) -> None:
        """Append profiles (e.g. ``reunite.genetics.Profile``), decrypted in memory.

        A partial genotype (one known allele, ``Genotype.partial``) is indexed as untyped:
        a single code cannot say "a and something"; the exact re-scoring of survivors
        uses the full profile.
        """
        ids: list[str] = []
        rows: list[dict[str, tuple[str, ...]]] = []
        for profile in profiles:
            ids.append(str(profile.id))
            rows.append(
                {
                    m: tuple(a.text for a in g.alleles) if len(g.alleles) == 2 else ()
                    for m, g in profile.genotypes.items()
                }
            )
        self.add_genotype_texts(ids, rows)

    # ------------------------------------------------------------------ removing
    def _rows_of_ids(self, ids: Iterable[str]) -> IntArray:
        wanted = np.array([str(x).encode("utf-8") for x in ids])
        if wanted.size == 0 or self._n == 0:
            return np.zeros(0, dtype=np.int64)
        hit = np.isin(self._ids[: self._n], wanted) & (self._alive[: self._n] == 1)
        return np.flatnonzero(hit).astype(np.int64)

    def remove(self, ids: Iterable[str]) -> int:
        """Remove profiles by id, effective immediately; returns how many were removed.

        The rows become tombstones (codes zeroed, skipped by every kernel and by the exact
        index); the matrix compacts itself once a quarter of its rows are tombstones.
        """
        rows = self._rows_of_ids(ids)
        if rows.size == 0:
            return 0
        self._alive[rows] = 0
        self._codes[rows] = UNTYPED
        self._n_dead += int(rows.size)
        self.version += 1
        if self._n_dead * 4 >= self._n:
            self.compact()
        return int(rows.size)

    def compact(self) -> None:
        """Drop tombstoned rows (row numbers change; ids do not)."""
        keep = np.flatnonzero(self._alive[: self._n])
        self._codes = np.ascontiguousarray(self._codes[keep])
        self._ids = self._ids[keep].copy()
        self._alive = np.ones(keep.size, dtype=np.uint8)
        self._n = int(keep.size)
        self._n_dead = 0
        self._hash_sorted = np.zeros(0, dtype=np.uint32)
        self._hash_rows = np.zeros(0, dtype=np.int32)
        self._hashed = 0
        self.version += 1
        self._maybe_merge_hashes()

    # ------------------------------------------------------------------ queries
    def encode_query(
        self, genotypes: Mapping[str, Sequence[str]], *, partial: Iterable[str] = ()
    ) -> QueryGenotypes:
        """Encode a query ``{marker: allele texts}`` against the dictionaries (no growth).

        One allele is a homozygote written once, unless the marker is named in
        ``partial`` (one known allele, the other dropped out).
        """
        partial_markers = set(partial)
        out: list[QueryGenotype | None] = [None] * self.n_markers
        unseen = -1
        for marker, texts in genotypes.items():
            col = self._marker_index.get(marker)
            if col is None or len(texts) == 0:
                continue
            if len(texts) > 2:
                raise ProfileError(
                    "more than two alleles at one marker", marker=marker, value=tuple(texts)
                )
            unknown: dict[str, int] = {}
            idx: list[int] = []
            for text in texts:
                found = self._allele_index[col].get(str(text))
                if found is None:
                    found = unknown.setdefault(str(text), unseen - len(unknown))
                idx.append(found)
            unseen -= len(unknown)
            is_partial = len(idx) == 1 and marker in partial_markers
            if len(idx) == 1:
                idx.append(idx[0])
            lo, hi = sorted(idx)
            out[col] = QueryGenotype(lo, hi, is_partial)
        return tuple(out)

    def query_from_profile(self, profile: ProfileLike) -> QueryGenotypes:
        """:meth:`encode_query` of a profile object (one-allele genotypes are partial)."""
        genotypes = {m: tuple(a.text for a in g.alleles) for m, g in profile.genotypes.items()}
        partial = [m for m, texts in genotypes.items() if len(texts) == 1]
        return self.encode_query(genotypes, partial=partial)

    def query_codes(self, query: QueryGenotypes) -> CodeArray | None:
        """The code row of ``query``, or None if it holds an allele the index lacks."""
        row = np.zeros(self.n_markers, dtype=np.int64)
        for col, pair in enumerate(query):
            if pair is None:
                continue
            lo, hi, partial = pair
            if lo < 0 or partial:
                return None
            row[col] = hi * (hi + 1) // 2 + lo + 1
        return row.astype(self._codes.dtype)

    # ------------------------------------------------------------------ exact index
    def _row_hashes(self, codes: npt.NDArray[np.unsignedinteger[Any]]) -> npt.NDArray[
        np.uint32
    ]:
        # The top 32 bits of a mixed 64-bit hash: 4 bytes per profile. Collisions (about
        # n / 2^32 extra candidates per look-up) are removed by comparing the codes.
        out = np.empty(codes.shape[0], dtype=np.uint32)
        step = 1 << 18
        for start in range(0, codes.shape[0], step):
            block = codes[start : start + step].astype(np.uint64)
            mixed = _splitmix64((block * self._multipliers).sum(axis=1, dtype=np.uint64))
            out[start : start + step] = (mixed >> np.uint64(32)).astype(np.uint32)
        return out

    def _maybe_merge_hashes(self) -> None:
        tail = self._n - self._hashed
        # A short unsorted tail is scanned directly; a long one is merged (timsort sees two
        # sorted runs, so the merge is linear).
        if tail <= max(4096, self._hashed // 64):
            return
        # Row numbers fit in int32 below 2^31 rows: 8 bytes per profile with the hash.
        row_dtype = np.int32 if self._n < 2**31 else np.int64
        new_rows = np.arange(self._hashed, self._n, dtype=row_dtype)
        new_hashes = self._row_hashes(self._codes[self._hashed : self._n])
        order = np.argsort(new_hashes, kind="stable")
        hashes = np.concatenate([self._hash_sorted, new_hashes[order]])
        rows = np.concatenate([self._hash_rows.astype(row_dtype), new_rows[order]])
        merged = np.argsort(hashes, kind="stable")
        self._hash_sorted = hashes[merged]
        self._hash_rows = rows[merged]
        self._hashed = self._n

    def exact_rows(self, code_row: npt.ArrayLike) -> IntArray:
        """Live rows whose codes equal ``code_row`` at every marker (typed or not):
        the complete-profile hash look-up. O(log n) plus the unsorted tail."""
        row = np.asarray(code_row).astype(self._codes.dtype).reshape(1, self.n_markers)
        h = self._row_hashes(row)[0]
        lo = int(np.searchsorted(self._hash_sorted, h, side="left"))
        hi = int(np.searchsorted(self._hash_sorted, h, side="right"))
        candidates = [self._hash_rows[lo:hi].astype(np.int64)]
        if self._n > self._hashed:
            tail = self._codes[self._hashed : self._n]
            candidates.append(
                self._hashed + np.flatnonzero((tail == row).all(axis=1)).astype(np.int64)
            )
        found = np.concatenate(candidates)
        if found.size == 0:
            return found
        ok = (self._codes[found] == row).all(axis=1) & (self._alive[found] == 1)
        return np.sort(found[ok])

    def __repr__(self) -> str:
        return (
            f"ProfileMatrix({len(self)} profiles, {self.n_markers} markers, "
            f"{self._codes.dtype}, frequency_table_id={self.frequency_table_id!r})"
        )

