"""Matching: the in-process search index built from the store, and the three searches.

The index (:class:`MatchingEngine`) holds one :class:`~reunite.search.ProfileMatrix` per
unidentified index, built from the store by decrypting each profile ONCE in memory (never
written anywhere in clear). Before each search it asks the store whether the index changed
(count and greatest id of the index; the date, since bases expire) and loads only what is
new; profiles whose basis no longer allows identification today are dropped, and
withdrawals call :meth:`MatchingEngine.forget` at once (a ``DerivedIndexHook``).

Searches, each behind the policy gate of :mod:`reunite.services.searching` (permission,
search matrix, audit) and the engine's own policy check:

* ``direct``: the missing person's own reference profile (``reference-direct``) against the
  unidentified, CODIS-style stringency, LR = 1/RMP over the shared markers (NRC II 4.1);
* ``screen``: one case's family pedigree against every unidentified profile, by table
  look-ups of P(g | family)/P(g), survivors re-scored exactly
  (:func:`reunite.search.screen_family`);
* ``blind``: every open case against every unidentified profile, streaming top-k
  (:func:`reunite.search.blind_search`), hits near the threshold re-scored exactly.

With a Dask scheduler (``REUNITE_SCHEDULER`` / ``reunite serve --scheduler``) the screen
and blind searches run on :class:`reunite.search.distributed.ShardedIndex`, built from the
in-memory matrix (codes only, never ciphertexts or keys) and rebuilt when it changes; the
answers are the single-process ones.

Candidates at or above the LR threshold are stored with their per-marker log10 LRs and
provenance, once per (case, unidentified profile), for review.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from reunite.errors import CaseError, InputError, NotFoundError
from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.profile import Profile
from reunite.governance.consent import check_basis
from reunite.governance.indices import Index, PersonRole, Purpose
from reunite.governance.policy import authorize_search as policy_decision
from reunite.governance.roles import Actor
from reunite.search import (
    FamilyCase,
    ProfileMatrix,
    Stringency,
    blind_search,
    direct_match,
    screen_family,
)
from reunite.search.distributed import ShardedIndex
from reunite.search.encode import code_to_pair
from reunite.search.screen import block_tables, exact_missing_person_lr, screening_markers
from reunite.services.audit_service import AuditEntry, append_audit
from reunite.services.cases import pedigree_of, resolve_case
from reunite.services.enrolment import basis_from_record, new_id, payload_to_profile
from reunite.services.jobs import Progress
from reunite.services.searching import authorize_search
from reunite.stats.mutation import MutationSpec
from reunite.stats.rmp import random_match_probability
from reunite.storage.crypto import MasterKey, open_sealed
from reunite.storage.records import CandidateRecord, ProfileRef
from reunite.storage.repositories import SqlStore

__all__ = [
    "DEFAULT_MUTATION",
    "SEARCH_KINDS",
    "UNIDENTIFIED",
    "MatchingEngine",
    "SearchOutcome",
    "SearchRequest",
]

SEARCH_KINDS = ("direct", "screen", "blind")
UNIDENTIFIED = (Index.UNIDENTIFIED_LIVING, Index.UNIDENTIFIED_REMAINS)
DEFAULT_MUTATION = MutationSpec("equal", rate=0.001)
"""Mutation allowance of the kinship scores: equal model, rate 0.001 per meiosis (the order
of STR mutation rates), so one mutated allele lowers an LR instead of excluding."""
# The blind screen scores the same model as the exact engine, in float32 (about 7 digits):
# hits within this many log10 units under the threshold are re-scored exactly too.
_NEAR = 0.05


def _policy(query_index: str, target_index: str, *, purpose: str) -> object:
    """The governance search matrix, as the engine's :class:`SearchPolicy`."""
    return policy_decision(Index(query_index), Index(target_index), purpose=Purpose(purpose))


@dataclass(frozen=True)
class SearchRequest:
    """What to search: ``kind`` (direct, screen, blind), the case for direct and screen."""

    kind: str
    case: str | None = None
    target_indices: tuple[Index, ...] = UNIDENTIFIED
    threshold: float | None = None
    k: int = 10

    def __post_init__(self) -> None:
        if self.kind not in SEARCH_KINDS:
            raise InputError("kind must be direct, screen or blind", field="kind",
                             value=self.kind)
        if self.kind != "blind" and not self.case:
            raise InputError(f"a {self.kind} search needs a case", field="case")
        for index in self.target_indices:
            if Index(index) not in UNIDENTIFIED:
                raise InputError("searches run against the unidentified indices",
                                 field="target_indices", value=str(index))
        if self.threshold is not None and not (
                math.isfinite(self.threshold) and self.threshold > 0):
            raise InputError("threshold must be a positive LR", field="threshold",
                             value=self.threshold)
        if isinstance(self.k, bool) or not 1 <= self.k <= 1000:
            raise InputError("k must be 1-1000", field="k", value=self.k)


@dataclass(frozen=True)
class SearchOutcome:
    """What a search found: hits (ids and LRs only) and the candidates stored."""

    kind: str
    searched: int
    families: int
    hits: tuple[dict[str, Any], ...]
    candidate_ids: tuple[str, ...]
    threshold: float
    elapsed_seconds: float
    provenance: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (no genotypes)."""
        return {"kind": self.kind, "searched": self.searched, "families": self.families,
                "hits": list(self.hits), "candidates_stored": len(self.candidate_ids),
                "candidate_ids": list(self.candidate_ids), "threshold": self.threshold,
                "elapsed_seconds": self.elapsed_seconds, "provenance": list(self.provenance)}


@dataclass
class _IndexState:
    matrix: ProfileMatrix
    fingerprint: tuple[int, str, date] | None = None
    persons: dict[str, str] = field(default_factory=dict)  # profile id -> person id
    sharded: ShardedIndex | None = None
    sharded_version: int = -1


def _texts(profile: Profile) -> dict[str, tuple[str, str]]:
    """Complete genotypes as allele texts (partial genotypes are left out)."""
    out: dict[str, tuple[str, str]] = {}
    for marker, genotype in profile.genotypes.items():
        if not genotype.is_partial:
            a, b = genotype.alleles
            out[marker] = (a.text, b.text)
    return out


def _payload_texts(payload: bytes) -> dict[str, tuple[str, ...]]:
    # The canonical payload of reunite.services.enrolment; a partial genotype has a null.
    genotypes: Mapping[str, list[str | None]] = json.loads(payload)["genotypes"]
    return {m: (str(a[0]), str(a[1])) if a[0] is not None and a[1] is not None else ()
            for m, a in genotypes.items()}


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class _Family:
    case_id: str
    reference: str
    family: FamilyCase
    anchor_profile: str  # a reference profile, the stored candidate's query side


class MatchingEngine:
    """The search index over the store's unidentified profiles, and the searches."""

    def __init__(self, store: SqlStore, master: MasterKey, frequencies: FrequencyTable, *,
                 threshold: float = 10_000.0, mutation: MutationSpec | None = DEFAULT_MUTATION,
                 backend: str | None = None, clock: Callable[[], date] | None = None,
                 scheduler: Any = None) -> None:
        self.store = store
        self.frequencies = frequencies
        self.threshold = threshold
        self.mutation = mutation
        self.backend = backend
        self.scheduler = scheduler
        self._master = master
        self._clock = clock or (lambda: datetime.now(UTC).date())
        self._states: dict[Index, _IndexState] = {}
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ the index
    def _new_matrix(self) -> ProfileMatrix:
        return ProfileMatrix(self.frequencies.markers,
                             frequency_table_id=self.frequencies.name)

    def _decrypt(self, refs: Sequence[ProfileRef]) -> list[tuple[str, bytes]]:
        with self.store.transaction() as repos:
            stored = repos.profiles.get_many([r.id for r in refs])
        return [(s.id, open_sealed(self._master, s.sealed, record_id=s.id)) for s in stored]

    def matrix(self, index: Index) -> ProfileMatrix:
        """The up-to-date matrix of an unidentified index (loads what changed)."""
        return self._state(index).matrix

    def _state(self, index: Index) -> _IndexState:
        index = Index(index)
        with self._lock:
            state = self._states.get(index)
            if state is None:
                state = self._states[index] = _IndexState(self._new_matrix())
            today = self._clock()
            with self.store.transaction() as repos:
                count, last = repos.profiles.index_fingerprint(index.value)
            if state.fingerprint == (count, last, today):
                return state
            with self.store.transaction() as repos:
                refs = repos.profiles.refs(index=index.value)
                bases = repos.bases.get_many([r.basis_id for r in refs])
            valid_basis = {
                b.id for b in bases.values()
                if check_basis(basis_from_record(b), index=index, on=today,
                               purposes=[Purpose.IDENTIFICATION]).allowed}
            wanted = {r.id: r for r in refs if r.basis_id in valid_basis}
            gone = [pid for pid in state.persons if pid not in wanted]
            if gone:
                state.matrix.remove(gone)
                for pid in gone:
                    del state.persons[pid]
            new = [r for pid, r in wanted.items() if pid not in state.persons]
            for start in range(0, len(new), 5000):
                chunk = new[start:start + 5000]
                opened = self._decrypt(chunk)
                state.matrix.add_genotype_texts([pid for pid, _ in opened],
                                                [_payload_texts(p) for _, p in opened])
                state.persons.update((r.id, r.person_id) for r in chunk)
            state.fingerprint = (count, last, today)
            return state

    def _sharded(self, index: Index) -> ShardedIndex | None:
        """With a Dask scheduler: the index sharded over the workers (rebuilt on change)."""
        if self.scheduler is None:
            return None
        state = self._state(index)
        matrix = state.matrix
        if state.sharded is None or state.sharded_version != matrix.version:
            live = np.flatnonzero(matrix.alive)
            codes = matrix.codes[live].astype(np.int64)
            indices = np.empty((live.size, matrix.n_markers, 2), dtype=np.int16)
            for m in range(matrix.n_markers):
                first, second = matrix.allele_pairs(m)
                indices[:, m, 0] = first[codes[:, m]]
                indices[:, m, 1] = second[codes[:, m]]
            state.sharded = ShardedIndex.from_allele_indices(
                self.scheduler, matrix.ids_of(live), matrix.markers,
                [matrix.alleles(m) for m in range(matrix.n_markers)], indices,
                frequency_table_id=matrix.frequency_table_id)
            state.sharded_version = matrix.version
        return state.sharded

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

    # ------------------------------------------------------------------ families
    def _family(self, case_id: str, today: date) -> _Family | None:
        with self.store.transaction() as repos:
            case = repos.cases.get_case(case_id)
            people = repos.cases.people_in_case(case_id)
            refs = repos.profiles.refs(person_ids=[p.id for p in people])
            bases = repos.bases.get_many([r.basis_id for r in refs])
        missing = [p for p in people if p.role == PersonRole.MISSING.value]
        if not missing:
            return None
        usable = [r for r in refs if r.basis_id in bases and check_basis(
            basis_from_record(bases[r.basis_id]), index=Index(r.index), on=today,
            purposes=[Purpose.IDENTIFICATION]).allowed]
        by_person: dict[str, ProfileRef] = {}
        for ref in sorted(usable, key=lambda r: r.id):
            by_person.setdefault(ref.person_id, ref)
        relatives = {pid: r for pid, r in by_person.items()
                     if r.index == Index.REFERENCE_FAMILY.value}
        direct = by_person.get(missing[0].id)
        if not relatives and direct is None:
            return None
        opened = dict(self._decrypt(list(by_person.values())))
        references = {pid: _texts(payload_to_profile(opened[r.id]))
                      for pid, r in relatives.items() if r.id in opened}
        family = FamilyCase(case.id, pedigree_of(people), missing[0].id, references)
        anchor = next(iter(sorted(r.id for r in by_person.values())))
        return _Family(case.id, case.reference, family, anchor)

    def _direct_profile(self, case_id: str) -> tuple[str, Profile] | None:
        with self.store.transaction() as repos:
            people = repos.cases.people_in_case(case_id)
            missing = [p.id for p in people if p.role == PersonRole.MISSING.value]
            refs = [r for r in repos.profiles.refs(person_ids=missing)
                    if r.index == Index.REFERENCE_DIRECT.value]
        if not refs:
            return None
        pid, payload = self._decrypt(refs[:1])[0]
        return pid, payload_to_profile(payload)

    # ------------------------------------------------------------------ searches
    def run(self, actor: Actor, request: SearchRequest,
            progress: Progress | None = None) -> SearchOutcome:
        """Run one search (see the module docstring) and store its candidates."""
        started = time.perf_counter()
        report = progress or (lambda _f, _m: None)
        threshold = request.threshold or self.threshold
        case_id: str | None = None
        if request.case is not None:
            case_id = resolve_case(self.store, actor, request.case).id
        if request.kind == "direct":
            assert case_id is not None
            hits, candidates, searched, provenance = self._run_direct(
                actor, case_id, request, threshold, report)
            families = 1
        elif request.kind == "screen":
            assert case_id is not None
            hits, candidates, searched, provenance = self._run_screen(
                actor, case_id, request, threshold, report)
            families = 1
        else:
            hits, candidates, searched, provenance, families = self._run_blind(
                actor, request, threshold, report)
        stored = self._store_candidates(actor, request.kind, candidates)
        report(1.0, f"{len(stored)} new candidates stored")
        return SearchOutcome(request.kind, searched, families, tuple(hits), tuple(stored),
                             threshold, time.perf_counter() - started, tuple(provenance))

    def _gate(self, actor: Actor, query: Index, target: Index, record: str | None) -> None:
        authorize_search(self.store, actor, query_index=query, target_index=target,
                         purpose=Purpose.IDENTIFICATION, record=record)

    def _run_direct(self, actor: Actor, case_id: str, request: SearchRequest,
                    threshold: float, report: Progress
                    ) -> tuple[list[dict[str, Any]], list[CandidateRecord], int,
                               list[dict[str, Any]]]:
        found = self._direct_profile(case_id)
        if found is None:
            raise CaseError("the case has no reference profile of the missing person "
                            "(reference-direct) to search with", case=case_id,
                            field="case")
        query_id, query = found
        hits: list[dict[str, Any]] = []
        candidates: list[CandidateRecord] = []
        provenance: list[dict[str, Any]] = []
        searched = 0
        for n, target in enumerate(request.target_indices):
            self._gate(actor, Index.REFERENCE_DIRECT, Index(target), f"case:{case_id}")
            report(n / len(request.target_indices), f"direct match in {target}")
            with self._lock:
                matrix = self.matrix(Index(target))
                result = direct_match(
                    matrix, _texts(query), query_index=Index.REFERENCE_DIRECT.value,
                    target_index=Index(target).value, policy=_policy,
                    stringency=Stringency.MODERATE, min_shared=min(8, len(_texts(query))),
                    max_mismatch=0,
                    frequencies=self.frequencies, limit=request.k, backend=self.backend)
                searched += len(matrix)
            provenance.append(result.provenance.to_dict())
            for hit in result.hits:
                log10 = hit.log10_lr if hit.log10_lr is not None else 0.0
                hits.append({"profile_id": hit.profile_id, "log10_lr": log10,
                             "index": Index(target).value, "case_id": case_id,
                             "shared_markers": hit.shared_markers})
                if log10 >= math.log10(threshold):
                    shared = [m for m in matrix.markers if m in _texts(query)
                              and m not in hit.mismatching_markers]
                    rmp = random_match_probability(query, self.frequencies, markers=shared)
                    per_marker = {m.marker: -math.log10(m.probability)
                                  for m in rmp.per_marker}
                    candidates.append(self._candidate(
                        case_id, query_id, hit.profile_id, log10,
                        {"kind": "direct", "index": Index(target).value,
                         "per_marker_log10_lr": per_marker,
                         "shared_markers": hit.shared_markers,
                         "mismatching_markers": list(hit.mismatching_markers),
                         "provenance": result.provenance.to_dict()}))
        return hits, candidates, searched, provenance

    def _run_screen(self, actor: Actor, case_id: str, request: SearchRequest,
                    threshold: float, report: Progress
                    ) -> tuple[list[dict[str, Any]], list[CandidateRecord], int,
                               list[dict[str, Any]]]:
        family = self._family(case_id, self._clock())
        if family is None or not family.family.references:
            raise CaseError("the case has no typed relative to screen with (enrol a "
                            "relative's profile first)", case=case_id, field="case")
        hits: list[dict[str, Any]] = []
        candidates: list[CandidateRecord] = []
        provenance: list[dict[str, Any]] = []
        searched = 0
        for n, target in enumerate(request.target_indices):
            self._gate(actor, Index.REFERENCE_FAMILY, Index(target), f"case:{case_id}")
            report(n / len(request.target_indices), f"pedigree screen in {target}")
            with self._lock:
                matrix = self.matrix(Index(target))
                searched += len(matrix)
                if len(matrix) == 0:
                    continue
                sharded = self._sharded(Index(target))
                if sharded is not None:
                    result = sharded.screen_family(
                        family.family, frequencies=self.frequencies,
                        query_index=Index.REFERENCE_FAMILY.value,
                        target_index=Index(target).value, policy=_policy, k=request.k,
                        threshold=threshold, mutation=self.mutation)
                else:
                    result = screen_family(
                        matrix, family.family, frequencies=self.frequencies,
                        query_index=Index.REFERENCE_FAMILY.value,
                        target_index=Index(target).value, policy=_policy,
                        mutation=self.mutation, k=request.k, threshold=threshold,
                        backend=self.backend)
            provenance.append(result.provenance.to_dict())
            for hit in result.hits:
                hits.append({"profile_id": hit.profile_id, "log10_lr": hit.log10_lr,
                             "screen_log10_lr": hit.screen_log10_lr,
                             "index": Index(target).value, "case_id": case_id})
                if hit.log10_lr is not None and hit.log10_lr >= math.log10(threshold):
                    candidates.append(self._candidate(
                        case_id, family.anchor_profile, hit.profile_id, hit.log10_lr,
                        {"kind": "screen", "index": Index(target).value,
                         "per_marker_log10_lr": {m: _finite(v) for m, v in
                                                 hit.log10_lr_per_marker.items()},
                         "screen_log10_lr": hit.screen_log10_lr,
                         "provenance": result.provenance.to_dict()}))
        return hits, candidates, searched, provenance

    def open_case_ids(self) -> list[str]:
        """Ids of the open cases (the families of a blind search)."""
        ids: list[str] = []
        offset = 0
        while True:
            with self.store.transaction() as repos:
                page = repos.cases.list_cases(limit=1000, offset=offset)
            ids.extend(c.id for c in page if c.status == "open")
            if len(page) < 1000:
                return ids
            offset += 1000

    def _run_blind(self, actor: Actor, request: SearchRequest, threshold: float,
                   report: Progress
                   ) -> tuple[list[dict[str, Any]], list[CandidateRecord], int,
                              list[dict[str, Any]], int]:
        today = self._clock()
        report(0.0, "loading families")
        families = [f for f in (self._family(cid, today) for cid in self.open_case_ids())
                    if f is not None and f.family.references]
        hits: list[dict[str, Any]] = []
        candidates: list[CandidateRecord] = []
        provenance: list[dict[str, Any]] = []
        searched = 0
        if not families:
            return hits, candidates, 0, provenance, 0
        log_threshold = math.log10(threshold)
        for n, target in enumerate(request.target_indices):
            self._gate(actor, Index.REFERENCE_FAMILY, Index(target), "blind")
            share = 1.0 / len(request.target_indices)
            with self._lock:
                matrix = self.matrix(Index(target))
                searched += len(matrix)
                if len(matrix) == 0:
                    continue
                cases = [f.family for f in families]
                markers = screening_markers(matrix, self.frequencies, cases,
                                            mutation=self.mutation)

                def tick(done: int, total: int, n: int = n, share: float = share,
                         target: str = str(target)) -> None:
                    report(share * (n + 0.8 * done / max(total, 1)),
                           f"blind search in {target}: {done}/{total} families")

                sharded = self._sharded(Index(target))
                if sharded is not None:
                    result = sharded.blind_search(
                        cases, frequencies=self.frequencies,
                        query_index=Index.REFERENCE_FAMILY.value,
                        target_index=Index(target).value, policy=_policy, k=request.k,
                        mutation=self.mutation, block_size=64)
                else:
                    result = blind_search(
                        matrix, [f.case_id for f in families],
                        block_tables(cases, matrix, markers),
                        query_index=Index.REFERENCE_FAMILY.value,
                        target_index=Index(target).value, policy=_policy, k=request.k,
                        block_size=64, progress=tick, backend=self.backend)
                provenance.append(result.provenance.to_dict())
                rows = {pid: r for r, pid in enumerate(matrix.ids_of(np.arange(matrix.n_rows)))}
                report(share * (n + 0.85), "re-scoring the best hits exactly")
                for fam in families:
                    for hit in result.by_family.get(fam.case_id, ()):
                        if hit.log10_lr < log_threshold - _NEAR:
                            continue
                        texts = self._decode(matrix, rows[hit.profile_id])
                        exact, per_marker = exact_missing_person_lr(fam.family, texts, markers)
                        hits.append({"profile_id": hit.profile_id, "log10_lr": exact,
                                     "screen_log10_lr": hit.log10_lr,
                                     "index": Index(target).value, "case_id": fam.case_id})
                        if exact is not None and exact >= log_threshold:
                            candidates.append(self._candidate(
                                fam.case_id, fam.anchor_profile, hit.profile_id, exact,
                                {"kind": "blind", "index": Index(target).value,
                                 "per_marker_log10_lr": {m: _finite(v)
                                                         for m, v in per_marker.items()},
                                 "screen_log10_lr": hit.log10_lr,
                                 "provenance": result.provenance.to_dict()}))
        return hits, candidates, searched, provenance, len(families)

    @staticmethod
    def _decode(matrix: ProfileMatrix, row: int) -> dict[str, tuple[str, str]]:
        out: dict[str, tuple[str, str]] = {}
        for m, code in enumerate(matrix.codes[row]):
            if int(code):
                i, j = code_to_pair(int(code))
                alleles = matrix.alleles(m)
                out[matrix.markers[m]] = (alleles[i], alleles[j])
        return out

    def _candidate(self, case_id: str, query_id: str, target_id: str, log10_lr: float,
                   details: dict[str, Any]) -> CandidateRecord:
        return CandidateRecord(new_id(), query_id, target_id, case_id,
                               Purpose.IDENTIFICATION.value, float(log10_lr), details,
                               datetime.now(UTC))

    def _store_candidates(self, actor: Actor, kind: str,
                          candidates: Sequence[CandidateRecord]) -> list[str]:
        if not candidates:
            return []
        with self.store.transaction() as repos:
            existing = repos.candidates.existing_pairs([c.case_id for c in candidates if c.case_id])
            fresh: list[CandidateRecord] = []
            for c in sorted(candidates, key=lambda c: -c.log10_lr):
                key = (str(c.case_id), c.target_profile_id)
                if key not in existing:
                    existing.add(key)
                    fresh.append(c)
            repos.candidates.add_many(fresh)
            append_audit(repos, [AuditEntry(
                actor.name, "store-candidate", f"candidate:{c.id}",
                f"{kind} search: case {c.case_id}, profile {c.target_profile_id}, "
                f"log10 LR {c.log10_lr:.2f}") for c in fresh])
        return [c.id for c in fresh]

    def candidate_exists(self, candidate_id: str) -> bool:
        """True when the candidate is stored (used by tests and the API)."""
        try:
            with self.store.transaction() as repos:
                repos.candidates.get(candidate_id)
        except NotFoundError:
            return False
        return True
