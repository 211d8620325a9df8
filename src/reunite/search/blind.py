"""Blind search: every indexed unidentified profile against every family pedigree.

For a disaster or a national back-log: all profiles × all families, keeping the top ``k``
profiles of every family and the top ``k`` families of every profile.

Model: the score of profile ``x`` for family ``f`` is the screening log-LR
``Σ_m log[P(x_m | family f) / P(x_m)]`` (DESIGN.md, "Missing person"), read from the
family's per-marker tables (:mod:`reunite.search.screen`). Families are processed in
blocks of ``block_size``: a block's tables are built on demand as one float32 array of shape
``(L, W, F)``, the tile kernel adds, for every profile, the rows ``table[m, code_m, :]``
over the markers, and the running top-k of profiles and families are updated in place.
Memory is bounded by one block's tables plus the top-k arrays, whatever the number of
families. Scores are float32 (about 7 significant digits, plenty for ranking); the
reported LRs of interest are re-scored exactly by the screen of a single family.

:func:`blind_search_families` is the search over families and one
:class:`~reunite.search.settings.SearchSettings` (θ, mutation models and minimum allele
count shape the tables; ``k`` the top-k); :func:`blind_search` is its engine over ready
tables.

Resumable: with a ``checkpoint`` path the state (the top-k arrays and which blocks are
done; scores and row numbers only, never genotypes) is written atomically every
``checkpoint_seconds`` and at the end; a later call with the same inputs continues where
it stopped. The checkpoint carries a fingerprint of the index and the families, and is
refused if either changed.
"""

from __future__ import annotations

import hashlib
import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from reunite.errors import ConflictError, InputError
from reunite.genetics.frequencies import FrequencyTable
from reunite.provenance import Provenance, make_provenance
from reunite.search._kernels import ScoringBackend, resolve_backend
from reunite.search.matrix import ProfileMatrix
from reunite.search.policy import SearchPolicy, enforce_policy
from reunite.search.screen import FamilyCase, block_tables, screening_markers
from reunite.search.settings import SearchSettings

__all__ = ["BlindHit", "BlindSearchResult", "BlockTables", "ProgressCallback", "blind_search",
           "blind_search_families"]

BlockTables = Callable[[int, int], npt.NDArray[np.float32]]
"""``tables(start, stop)`` -> float32 array ``(L, W, stop - start)``: the natural-log LR of
every genotype code for families ``start .. stop - 1`` (0 at code 0, untyped)."""

ProgressCallback = Callable[[int, int], None]
"""``progress(families_done, families_total)``; e.g. a Rich progress bar's update."""

_LOG10_E = 1.0 / math.log(10.0)


@dataclass(frozen=True)
class BlindHit:
    """One (profile, family) pair among a top-k, with its screening ``log10_lr``."""

    profile_id: str
    family_id: str
    log10_lr: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"profile_id": self.profile_id, "family_id": self.family_id,
                "log10_lr": self.log10_lr}


@dataclass(frozen=True)
class BlindSearchResult:
    """Top-k profiles per family and top-k families per profile, best first."""

    by_family: dict[str, tuple[BlindHit, ...]]
    by_profile: dict[str, tuple[BlindHit, ...]]
    k: int
    provenance: Provenance

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "k": self.k,
            "by_family": {f: [h.to_dict() for h in hits] for f, hits in self.by_family.items()},
            "by_profile": {
                p: [h.to_dict() for h in hits] for p, hits in self.by_profile.items()
            },
            "provenance": self.provenance.to_dict(),
        }


def _fingerprint(matrix: ProfileMatrix, family_ids: Sequence[str], k: int, block: int) -> str:
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(matrix.codes).tobytes())
    digest.update(np.ascontiguousarray(matrix.alive).tobytes())
    digest.update("\x1f".join(matrix.ids).encode("utf-8"))
    digest.update("\x1f".join(family_ids).encode("utf-8"))
    digest.update(f"{k}:{block}".encode())
    return digest.hexdigest()


class _State:
    """The running top-k arrays of one blind search."""

    def __init__(self, n_rows: int, n_families: int, k: int, n_blocks: int) -> None:
        self.profile_scores = np.full((n_rows, k), -np.inf, dtype=np.float32)
        self.profile_families = np.full((n_rows, k), -1, dtype=np.int64)
        self.family_scores = np.full((n_families, k), -np.inf, dtype=np.float32)
        self.family_rows = np.full((n_families, k), -1, dtype=np.int64)
        self.done = np.zeros(n_blocks, dtype=bool)

    def save(self, path: Path, fingerprint: str) -> None:
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("wb") as handle:
            np.savez(handle, fingerprint=np.array(fingerprint),
                     profile_scores=self.profile_scores,
                     profile_families=self.profile_families,
                     family_scores=self.family_scores, family_rows=self.family_rows,
                     done=self.done)
        os.replace(tmp, path)

    def load(self, path: Path, fingerprint: str) -> None:
        with np.load(path, allow_pickle=False) as data:
            if str(data["fingerprint"]) != fingerprint:
                raise ConflictError(
                    "the checkpoint belongs to another index or family list; delete it to "
                    "start over", path=str(path),
                )
            self.profile_scores = data["profile_scores"].copy()
            self.profile_families = data["profile_families"].copy()
            self.family_scores = data["family_scores"].copy()
            self.family_rows = data["family_rows"].copy()
            self.done = data["done"].copy()


def blind_search(
    matrix: ProfileMatrix,
    family_ids: Sequence[str],
    tables: BlockTables,
    *,
    query_index: str,
    target_index: str,
    policy: SearchPolicy,
    k: int,
    purpose: str = "identification",
    block_size: int = 256,
    checkpoint: str | Path | None = None,
    checkpoint_seconds: float = 30.0,
    progress: ProgressCallback | None = None,
    backend: ScoringBackend | str | None = None,
) -> BlindSearchResult:
    """Score every live profile of ``matrix`` against every family (module docstring).

    ``family_ids`` names the families; ``tables(start, stop)`` gives their log-LR tables
    block by block (see :data:`BlockTables` and :func:`reunite.search.screen.block_tables`).
    """
    enforce_policy(policy, query_index, target_index, purpose=purpose)
    started = time.perf_counter()
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InputError("k must be a positive integer", field="k", value=k)
    if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 1:
        raise InputError("block_size must be a positive integer", field="block_size",
                         value=block_size)
    engine = resolve_backend(backend)
    n_fam = len(family_ids)
    n_blocks = -(-n_fam // block_size)
    state = _State(matrix.n_rows, n_fam, k, n_blocks)
    path = Path(checkpoint) if checkpoint is not None else None
    fingerprint = ""
    if path is not None:
        fingerprint = _fingerprint(matrix, family_ids, k, block_size)
        if path.exists():
            state.load(path, fingerprint)
    codes, alive = matrix.codes, matrix.alive
    width = matrix.table_width
    last_save = time.monotonic()
    for b in range(n_blocks):
        start, stop = b * block_size, min(n_fam, (b + 1) * block_size)
        if not state.done[b]:
            block = np.ascontiguousarray(tables(start, stop), dtype=np.float32)
            expected = (matrix.n_markers, width, stop - start)
            if block.shape != expected:
                raise InputError("family tables have the wrong shape", field="tables",
                                 value=block.shape, expected=expected)
            fam_scores, fam_rows = engine.blind_block(
                codes, alive, block, k, state.profile_scores, state.profile_families, start
            )
            state.family_scores[start:stop] = fam_scores
            state.family_rows[start:stop] = fam_rows
            state.done[b] = True
            if path is not None and time.monotonic() - last_save >= checkpoint_seconds:
                state.save(path, fingerprint)
                last_save = time.monotonic()
        if progress is not None:
            progress(stop, n_fam)
    if path is not None:
        state.save(path, fingerprint)
    return _result(matrix, family_ids, state, k, engine.name, query_index, target_index,
                   purpose, time.perf_counter() - started)


def _result(matrix: ProfileMatrix, family_ids: Sequence[str], state: _State, k: int,
            backend: str, query_index: str, target_index: str, purpose: str,
            elapsed: float) -> BlindSearchResult:
    live = np.flatnonzero(matrix.alive)
    ids = matrix.ids_of(np.arange(matrix.n_rows))
    by_profile: dict[str, tuple[BlindHit, ...]] = {}
    # Best first; equal scores in id order, so a sharded search lists them alike.
    for r in live:
        hits = [
            BlindHit(ids[r], family_ids[int(state.profile_families[r, q])],
                     float(state.profile_scores[r, q]) * _LOG10_E)
            for q in range(k) if state.profile_families[r, q] >= 0
        ]
        by_profile[ids[r]] = tuple(sorted(hits, key=lambda h: (-h.log10_lr, h.family_id)))
    by_family: dict[str, tuple[BlindHit, ...]] = {}
    for f, fid in enumerate(family_ids):
        hits = [
            BlindHit(ids[int(state.family_rows[f, q])], fid,
                     float(state.family_scores[f, q]) * _LOG10_E)
            for q in range(k) if state.family_rows[f, q] >= 0
        ]
        by_family[fid] = tuple(sorted(hits, key=lambda h: (-h.log10_lr, h.profile_id)))
    provenance = make_provenance(
        "search.blind",
        {"k": k, "families": len(family_ids), "indexed_profiles": len(matrix),
         "query_index": query_index, "target_index": target_index, "purpose": purpose,
         "backend": backend, "score": "screening log-LR, float32"},
        frequency_table=matrix.frequency_table_id,
        elapsed_seconds=elapsed,
    )
    return BlindSearchResult(by_family, by_profile, k, provenance)


def blind_search_families(
    matrix: ProfileMatrix,
    families: Sequence[FamilyCase],
    *,
    frequencies: FrequencyTable,
    settings: SearchSettings,
    query_index: str,
    target_index: str,
    policy: SearchPolicy,
    purpose: str = "identification",
    block_size: int = 256,
    checkpoint: str | Path | None = None,
    progress: ProgressCallback | None = None,
    backend: ScoringBackend | str | None = None,
    index_alleles: Mapping[str, Sequence[str]] | None = None,
) -> BlindSearchResult:
    """Every live profile of ``matrix`` against every family, scored with ``settings``.

    The families' tables use ``settings``' θ, female and male mutation models and minimum
    allele count (:func:`reunite.search.screen.screening_markers`); the top
    ``settings.k`` are kept each way. ``index_alleles`` as for the screen (a shard passes
    the union of the shards' dictionaries). The provenance records the settings and the
    frequency table's name and content hash.
    """
    enforce_policy(policy, query_index, target_index, purpose=purpose)
    table = settings.frequency_table(frequencies)
    markers = screening_markers(matrix, table, families, settings=settings,
                                index_alleles=index_alleles)
    result = blind_search(matrix, [f.family_id for f in families],
                          block_tables(families, matrix, markers, theta=settings.theta),
                          query_index=query_index, target_index=target_index, policy=policy,
                          k=settings.k, purpose=purpose, block_size=block_size,
                          checkpoint=checkpoint, progress=progress, backend=backend)
    recorded = result.provenance
    parameters = {**dict(recorded.parameters), "settings": settings.to_provenance()}
    parameters.pop("k", None)
    return replace(result, provenance=replace(
        recorded, parameters=tuple(sorted(parameters.items())), frequency_table=table.name,
        frequency_table_hash=table.content_hash))
