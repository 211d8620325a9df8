"""The search index: what a search scans, built from the encrypted store or from files.

A search body (:mod:`reunite.services.searches`) scans one :class:`IndexView`: an
up-to-date :class:`~reunite.search.ProfileMatrix` of one index, the frequency table, the
scoring backend and, with a Dask scheduler (``REUNITE_SCHEDULER`` / ``reunite serve
--scheduler`` / ``--scheduler``), the same rows sharded over the workers
(:class:`~reunite.search.ShardedIndex`, codes only, never ciphertexts or keys; rebuilt when
the matrix changes). Two sources:

* :class:`StoreIndex`: one matrix per unidentified index, built from the store by
  decrypting each profile ONCE in memory (never written anywhere in clear). Before each
  search it asks the store whether the index changed (count and greatest id; the date,
  since bases expire) and loads only what is new; profiles whose basis no longer allows
  identification today are dropped, and withdrawals call :meth:`StoreIndex.forget` at once
  (a ``DerivedIndexHook``).
* :func:`file_index`: the profiles of lab files (any format ``reunite import`` reads),
  for the ``reunite search`` commands; nothing is written anywhere.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from reunite.errors import FileFormatError, InputError
from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.profile import Profile
from reunite.governance.indices import Index, Purpose
from reunite.io.formats import read_profiles
from reunite.search import ProfileMatrix, ShardedIndex
from reunite.services.search_gate import searchable_bases
from reunite.storage.crypto import MasterKey, open_sealed
from reunite.storage.records import ProfileRef
from reunite.storage.repositories import SqlStore

__all__ = ["UNIDENTIFIED", "IndexView", "StoreIndex", "file_index", "read_index_profiles"]

UNIDENTIFIED = (Index.UNIDENTIFIED_LIVING, Index.UNIDENTIFIED_REMAINS)
_LOAD_CHUNK = 5000


@dataclass(frozen=True)
class IndexView:
    """One index as a search scans it (see the module docstring)."""

    matrix: ProfileMatrix
    frequencies: FrequencyTable | None
    sharded: ShardedIndex | None = None
    backend: str | None = None

    @property
    def table(self) -> FrequencyTable:
        """The frequency table (kinship searches need one)."""
        if self.frequencies is None:
            raise InputError("a kinship search needs an allele frequency table",
                             field="frequencies")
        return self.frequencies


@dataclass
class _IndexState:
    matrix: ProfileMatrix
    fingerprint: tuple[int, str, date] | None = None
    persons: dict[str, str] = field(default_factory=dict)  # profile id -> person id
    sharded: ShardedIndex | None = None
    sharded_version: int = -1


def _payload_texts(payload: bytes) -> dict[str, tuple[str, ...]]:
    # The canonical payload of reunite.services.enrolment; a partial genotype has a null.
    genotypes: Mapping[str, list[str | None]] = json.loads(payload)["genotypes"]
    return {m: (str(a[0]), str(a[1])) if a[0] is not None and a[1] is not None else ()
            for m, a in genotypes.items()}


class StoreIndex:
    """The in-memory index over the store's unidentified profiles (module docstring)."""

    def __init__(self, store: SqlStore, master: MasterKey, frequencies: FrequencyTable, *,
                 backend: str | None = None, scheduler: Any = None,
                 clock: Callable[[], date] | None = None) -> None:
        self.store = store
        self.frequencies = frequencies
        self.backend = backend
        self.scheduler = scheduler
        self._master = master
        self._clock = clock or (lambda: datetime.now(UTC).date())
        self._states: dict[Index, _IndexState] = {}
        self._lock = threading.RLock()

    def today(self) -> date:
        """The date bases are checked on."""
        return self._clock()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the index still (no load, no forget) while a search scans it."""
        with self._lock:
            yield

    def decrypt(self, refs: Sequence[ProfileRef]) -> list[tuple[str, bytes]]:
        """(profile id, canonical payload) of each profile, opened in memory only."""
        with self.store.transaction() as repos:
            stored = repos.profiles.get_many([r.id for r in refs])
        return [(s.id, open_sealed(self._master, s.sealed, record_id=s.id)) for s in stored]

    def matrix(self, index: Index) -> ProfileMatrix:
        """The up-to-date matrix of an unidentified index (loads what changed)."""
        return self._state(index).matrix

    def view(self, index: Index) -> IndexView:
        """The index as a search scans it: matrix, table, backend and shards if any."""
        with self._lock:
            state = self._state(index)
            sharded = None
            if self.scheduler is not None:
                if state.sharded is None or state.sharded_version != state.matrix.version:
                    state.sharded = ShardedIndex.from_matrix(self.scheduler, state.matrix)
                    state.sharded_version = state.matrix.version
                sharded = state.sharded
            return IndexView(state.matrix, self.frequencies, sharded, self.backend)

    def _state(self, index: Index) -> _IndexState:
        index = Index(index)
        with self._lock:
            state = self._states.get(index)
            if state is None:
                state = self._states[index] = _IndexState(ProfileMatrix(
                    self.frequencies.markers, frequency_table_id=self.frequencies.name))
            today = self._clock()
            with self.store.transaction() as repos:
                count, last = repos.profiles.index_fingerprint(index.value)
            if state.fingerprint == (count, last, today):
                return state
            with self.store.transaction() as repos:
                refs = repos.profiles.refs(index=index.value)
                bases = repos.bases.get_many([r.basis_id for r in refs])
            valid = searchable_bases(bases.values(), index=index,
                                     purpose=Purpose.IDENTIFICATION, on=today)
            wanted = {r.id: r for r in refs if r.basis_id in valid}
            gone = [pid for pid in state.persons if pid not in wanted]
            if gone:
                state.matrix.remove(gone)
                for pid in gone:
                    del state.persons[pid]
            new = [r for pid, r in wanted.items() if pid not in state.persons]
            for start in range(0, len(new), _LOAD_CHUNK):
                chunk = new[start:start + _LOAD_CHUNK]
                opened = self.decrypt(chunk)
                state.matrix.add_genotype_texts([pid for pid, _ in opened],
                                                [_payload_texts(p) for _, p in opened])
                state.persons.update((r.id, r.person_id) for r in chunk)
            state.fingerprint = (count, last, today)
            return state

    def forget(self, profile_id: str, index: Index) -> None:
        """Drop an expunged profile from memory at once (a withdrawal hook)."""
        with self._lock:
            state = self._states.get(Index(index))
            if state is not None and profile_id in state.persons:
                state.matrix.remove([profile_id])
                del state.persons[profile_id]

    def indexed_counts(self) -> dict[str, int]:
        """Live profiles per loaded index (an index loads on its first search).

        Lock-free on purpose: a health check must answer while a long search runs."""
        return {index.value: len(state.matrix) for index, state in list(self._states.items())}

    def person_of(self, profile_id: str) -> str | None:
        """The person an indexed unidentified profile belongs to."""
        for state in self._states.values():
            if profile_id in state.persons:
                return state.persons[profile_id]
        return None


def read_index_profiles(paths: Sequence[str | Path]) -> list[Profile]:
    """Every profile of the given lab files (any format ``reunite import`` reads)."""
    profiles: list[Profile] = []
    seen: set[str] = set()
    for path in paths:
        for profile in read_profiles(path).profiles:
            if profile.id in seen:
                raise FileFormatError("a profile id appears twice in the index files",
                                      source=str(path), sample=profile.id)
            seen.add(profile.id)
            profiles.append(profile)
    if not profiles:
        raise InputError("no profiles to search", field="index files",
                         value=[str(p) for p in paths])
    return profiles


def file_index(profiles: Sequence[Profile], frequencies: FrequencyTable | None, *,
               scheduler: Any = None, backend: str | None = None) -> IndexView:
    """An index of ``profiles`` in memory (sharded when a scheduler is given).

    The markers are those the profiles are typed at, in first-seen order; without a
    frequency table a direct match only counts shared markers (no LR).
    """
    markers = list(dict.fromkeys(m for p in profiles for m in p.genotypes))
    matrix = ProfileMatrix.from_profiles(
        profiles, markers, frequency_table_id=frequencies.name if frequencies else None)
    sharded = ShardedIndex.from_matrix(scheduler, matrix) if scheduler is not None else None
    return IndexView(matrix, frequencies, sharded, backend)
