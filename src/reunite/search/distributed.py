"""Sharded search on a Dask cluster: the same searches, rows split over the workers.

:class:`ShardedIndex` splits the profiles by rows into shards; each shard's
:class:`~reunite.search.matrix.ProfileMatrix` is *built on a worker* (the arrays are sent,
the index is made and kept there, as a future) and never leaves it. A search runs the
single-process function on every shard in parallel and merges the shard results on the
client with the same ranking rules, so the answer is identical to the single-process
engine's:

* direct match: hits from all shards, sorted by (LR, shared markers, mismatches, id);
* screen: every shard keeps its own top ``k`` (and threshold hits), re-scored exactly;
  the client keeps the global top ``k`` by screening score (ties by id) and ranks them by
  the exact LR. Frequencies of alleles the table lacks come from the union of the shards'
  dictionaries, so every shard scores with the same numbers;
* blind search: each profile lives in one shard (its top families come from there); each
  family's top ``k`` is merged over the shards.

The policy is checked on the client before anything is sent, and again by every shard's
search (it must be picklable: a module-level function such as governance's). Connect
with a ``distributed.Client`` or a scheduler address (``--scheduler tcp://host:8786``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from reunite.errors import ConfigurationError, InputError
from reunite.genetics.frequencies import FrequencyTable
from reunite.provenance import make_provenance
from reunite.search.blind import BlindHit, BlindSearchResult, blind_search_families
from reunite.search.direct import DirectSearchResult, direct_match, exact_match
from reunite.search.matrix import ProfileLike, ProfileMatrix
from reunite.search.policy import SearchPolicy, enforce_policy
from reunite.search.screen import FamilyCase, ScreenResult, screen_family
from reunite.search.settings import SearchSettings

__all__ = ["ShardedIndex", "connect"]


def connect(scheduler: Any) -> Any:
    """A ``distributed.Client`` from a client (returned as is) or a scheduler address."""
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - dask is in the [server] extra
        raise ConfigurationError("sharded search needs dask[distributed]",
                                 field="scheduler") from exc
    if isinstance(scheduler, Client):
        return scheduler
    if not isinstance(scheduler, str) or not scheduler:
        raise ConfigurationError("scheduler must be a Client or an address",
                                 field="scheduler", value=scheduler)
    try:
        return Client(scheduler, timeout="10s")  # type: ignore[no-untyped-call]
    except OSError as exc:
        raise ConfigurationError(f"cannot reach the Dask scheduler: {exc}",
                                 field="scheduler", value=scheduler) from exc


# ---------------------------------------------------------------- functions run on workers
def _build_shard(ids: Sequence[str], markers: Sequence[str], alleles: Sequence[Sequence[str]],
                 indices: npt.NDArray[np.int16], frequency_table_id: str | None
                 ) -> ProfileMatrix:
    return ProfileMatrix.from_allele_indices(ids, markers, alleles, indices,
                                             frequency_table_id=frequency_table_id)


def _build_shard_from_profiles(profiles: Sequence[ProfileLike], markers: Sequence[str],
                               frequency_table_id: str | None) -> ProfileMatrix:
    return ProfileMatrix.from_profiles(profiles, markers,
                                       frequency_table_id=frequency_table_id)


def _shard_alleles(matrix: ProfileMatrix) -> dict[str, tuple[str, ...]]:
    return {m: matrix.alleles(m) for m in matrix.markers}


def _shard_size(matrix: ProfileMatrix) -> int:
    return len(matrix)


def _shard_remove(matrix: ProfileMatrix, ids: Sequence[str]) -> int:
    return matrix.remove(ids)


def _shard_blind(matrix: ProfileMatrix, families: Sequence[FamilyCase],
                 frequencies: FrequencyTable, settings: SearchSettings,
                 index_alleles: Mapping[str, Sequence[str]], kwargs: dict[str, Any]
                 ) -> BlindSearchResult:
    return blind_search_families(matrix, families, frequencies=frequencies,
                                 settings=settings, index_alleles=index_alleles, **kwargs)


class ShardedIndex:
    """Profiles split over Dask workers by rows; each shard a ProfileMatrix on a worker."""

    def __init__(self, client: Any, shards: list[Any], markers: Sequence[str],
                 frequency_table_id: str | None = None) -> None:
        self.client = client
        self.shards = shards
        self.markers = tuple(markers)
        self.frequency_table_id = frequency_table_id

    @staticmethod
    def _bounds(n: int, n_shards: int | None, client: Any) -> list[tuple[int, int]]:
        if n_shards is None:
            n_shards = max(1, len(client.scheduler_info().get("workers", {})))
        if n_shards < 1:
            raise InputError("n_shards must be positive", field="n_shards", value=n_shards)
        edges = np.linspace(0, n, n_shards + 1).round().astype(int)
        return [(int(a), int(b)) for a, b in itertools.pairwise(edges)]

    @classmethod
    def from_allele_indices(
        cls, scheduler: Any, ids: Sequence[str], markers: Sequence[str],
        alleles: Sequence[Sequence[str]], indices: npt.ArrayLike, *,
        n_shards: int | None = None, frequency_table_id: str | None = None,
    ) -> ShardedIndex:
        """Shard profiles given as allele indices ``(n, L, 2)`` (see ProfileMatrix)."""
        client = connect(scheduler)
        arr = np.asarray(indices, dtype=np.int16)
        shards = [
            client.submit(_build_shard, list(ids[a:b]), list(markers),
                          [list(x) for x in alleles], arr[a:b], frequency_table_id,
                          pure=False)
            for a, b in cls._bounds(arr.shape[0], n_shards, client)
        ]
        return cls(client, shards, markers, frequency_table_id)

    @classmethod
    def from_matrix(cls, scheduler: Any, matrix: ProfileMatrix, *,
                    n_shards: int | None = None) -> ShardedIndex:
        """Shard the live rows of an in-memory matrix (codes only, never genotype texts)."""
        live = np.flatnonzero(matrix.alive)
        codes = matrix.codes[live].astype(np.int64)
        indices = np.empty((live.size, matrix.n_markers, 2), dtype=np.int16)
        for m in range(matrix.n_markers):
            first, second = matrix.allele_pairs(m)
            indices[:, m, 0] = first[codes[:, m]]
            indices[:, m, 1] = second[codes[:, m]]
        return cls.from_allele_indices(
            scheduler, matrix.ids_of(live), matrix.markers,
            [matrix.alleles(m) for m in range(matrix.n_markers)], indices,
            n_shards=n_shards, frequency_table_id=matrix.frequency_table_id)

    @classmethod
    def from_profiles(
        cls, scheduler: Any, profiles: Sequence[ProfileLike], markers: Sequence[str], *,
        n_shards: int | None = None, frequency_table_id: str | None = None,
    ) -> ShardedIndex:
        """Shard profile objects (decrypted in memory by the caller)."""
        client = connect(scheduler)
        items = list(profiles)
        shards = [
            client.submit(_build_shard_from_profiles, items[a:b], list(markers),
                          frequency_table_id, pure=False)
            for a, b in cls._bounds(len(items), n_shards, client)
        ]
        return cls(client, shards, markers, frequency_table_id)

    def _map(self, func: Any, *args: Any, **kwargs: Any) -> list[Any]:
        futures = [self.client.submit(func, shard, *args, pure=False, **kwargs)
                   for shard in self.shards]
        return list(self.client.gather(futures))

    def __len__(self) -> int:
        return int(sum(self._map(_shard_size)))

    def remove(self, ids: Sequence[str]) -> int:
        """Remove profiles by id on every shard, effective at once."""
        return int(sum(self._map(_shard_remove, list(ids))))

    def index_alleles(self) -> dict[str, tuple[str, ...]]:
        """Union of the shards' allele dictionaries, per marker, in first-seen order."""
        union: dict[str, dict[str, None]] = {m: {} for m in self.markers}
        for part in self._map(_shard_alleles):
            for marker, alleles in part.items():
                union[marker].update(dict.fromkeys(alleles))
        return {m: tuple(a) for m, a in union.items()}

    # ------------------------------------------------------------------ searches
    def exact_match(self, query: Any, *, query_index: str, target_index: str,
                    policy: SearchPolicy, purpose: str = "identification") -> tuple[str, ...]:
        """:func:`reunite.search.direct.exact_match` over every shard."""
        enforce_policy(policy, query_index, target_index, purpose=purpose)
        parts = self._map(exact_match, query, query_index=query_index,
                          target_index=target_index, policy=policy, purpose=purpose)
        return tuple(sorted(pid for part in parts for pid in part))

    def direct_match(self, query: Any, *, settings: SearchSettings, query_index: str,
                     target_index: str, policy: SearchPolicy,
                     purpose: str = "identification", limit: int | None = None,
                     **options: Any) -> DirectSearchResult:
        """:func:`reunite.search.direct.direct_match` over every shard, merged."""
        enforce_policy(policy, query_index, target_index, purpose=purpose)
        parts: list[DirectSearchResult] = self._map(
            direct_match, query, settings=settings, query_index=query_index,
            target_index=target_index, policy=policy, purpose=purpose, **options)
        hits = sorted(
            (h for part in parts for h in part.hits),
            key=lambda h: (-(h.log10_lr or 0.0), -h.shared_markers, h.mismatches,
                           h.profile_id),
        )
        if limit is not None:
            hits = hits[:limit]
        first = parts[0]
        provenance = make_provenance(
            "search.direct.sharded", {**dict(first.provenance.parameters),
                                      "shards": len(self.shards)},
            frequency_table=first.provenance.frequency_table,
            frequency_table_hash=first.provenance.frequency_table_hash,
        )
        return DirectSearchResult(tuple(hits), first.stringency, first.min_shared,
                                  first.max_mismatch, provenance)

    def screen_family(self, family: FamilyCase, *, frequencies: FrequencyTable,
                      settings: SearchSettings, query_index: str, target_index: str,
                      policy: SearchPolicy, purpose: str = "identification",
                      **options: Any) -> ScreenResult:
        """:func:`reunite.search.screen.screen_family` over every shard, merged."""
        enforce_policy(policy, query_index, target_index, purpose=purpose)
        union = self.index_alleles()
        parts: list[ScreenResult] = self._map(
            screen_family, family, frequencies=frequencies, settings=settings,
            query_index=query_index, target_index=target_index, policy=policy,
            purpose=purpose, index_alleles=union, **options)
        candidates = sorted((h for part in parts for h in part.hits),
                            key=lambda h: (-h.screen_log10_lr, h.profile_id))
        log10_threshold = math.log10(settings.lr_threshold)
        kept = [h for n, h in enumerate(candidates)
                if n < settings.k or h.screen_log10_lr >= log10_threshold - 1e-12]
        kept.sort(key=lambda h: (-(h.log10_lr if h.log10_lr is not None else -math.inf),
                                 -h.screen_log10_lr, h.profile_id))
        first = parts[0]
        provenance = make_provenance(
            "search.screen.sharded", {**dict(first.provenance.parameters),
                                      "indexed_profiles": sum(p.screened for p in parts),
                                      "shards": len(self.shards)},
            frequency_table=first.provenance.frequency_table,
            frequency_table_hash=first.provenance.frequency_table_hash,
        )
        return ScreenResult(family.family_id, tuple(kept),
                            sum(p.screened for p in parts), provenance)

    def blind_search(self, families: Sequence[FamilyCase], *, frequencies: FrequencyTable,
                     settings: SearchSettings, query_index: str, target_index: str,
                     policy: SearchPolicy, purpose: str = "identification",
                     block_size: int = 256) -> BlindSearchResult:
        """Every profile of every shard against every family (see the module docstring)."""
        enforce_policy(policy, query_index, target_index, purpose=purpose)
        union = self.index_alleles()
        k = settings.k
        kwargs = {"query_index": query_index, "target_index": target_index,
                  "policy": policy, "purpose": purpose, "block_size": block_size}
        parts: list[BlindSearchResult] = self._map(
            _shard_blind, list(families), frequencies, settings, union, kwargs)
        by_profile: dict[str, tuple[BlindHit, ...]] = {}
        for part in parts:
            by_profile.update(part.by_profile)
        by_family: dict[str, tuple[BlindHit, ...]] = {}
        for fam in families:
            merged = sorted((h for part in parts for h in part.by_family[fam.family_id]),
                            key=lambda h: (-h.log10_lr, h.profile_id))
            by_family[fam.family_id] = tuple(merged[:k])
        provenance = make_provenance(
            "search.blind.sharded", {**dict(parts[0].provenance.parameters),
                                     "indexed_profiles": len(by_profile),
                                     "shards": len(self.shards)},
            frequency_table=parts[0].provenance.frequency_table,
            frequency_table_hash=parts[0].provenance.frequency_table_hash,
        )
        return BlindSearchResult(by_family, by_profile, k, provenance)
