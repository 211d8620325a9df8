"""Searches: the one search use case of every path (files, database, API, web, Dask).

Every search takes one :class:`~reunite.search.settings.SearchSettings` (θ, the female
and male mutation models, the minimum allele count, the LR threshold and ``k``), built
from the installation's configuration by :func:`reunite.services.settings.search_settings`
and overridden by the caller's options; nothing here holds a default of its own.

**Search bodies** scan one :class:`~reunite.services.search_index.IndexView` (in process,
or sharded on Dask when the view has shards) behind the engine's policy check
(:func:`reunite.services.search_gate.governance_policy`):

* :func:`direct`: a profile against the index, CODIS-style stringency, LR = 1/RMP over the
  shared markers (NRC II 4.1, or 4.10 with θ);
* :func:`screen`: one family pedigree against every profile by table look-ups of
  P(g | family)/P(g), survivors re-scored exactly (:func:`reunite.search.screen_family`);
* :func:`blind`: every family against every profile, streaming top-k
  (:func:`reunite.search.blind.blind_search_families`); :func:`rescore_blind` re-scores the
  hits near the threshold exactly, from the matrix's genotype codes.

**Database searches** (:func:`run_search`, or :func:`start_search` as a background job,
which the API and the web pages call) pass the service gate first
(:func:`~reunite.services.search_gate.authorize_search`: permission, search matrix, audit),
take the families from the cases in the store (typed relatives whose basis allows
identification today, decrypted in memory) and scan the store-backed index
(:class:`~reunite.services.search_index.StoreIndex`):

* ``direct``: the missing person's own reference profile (``reference-direct``) against
  the unidentified;
* ``screen``: one case's family pedigree against every unidentified profile;
* ``blind``: every open case against every unidentified profile.

Candidates at or above the LR threshold are stored for review with their per-marker log10
LRs, the settings and the search's provenance, once per (case, unidentified profile).

**File searches** (``reunite search direct|screen|blind``) read lab files into an index in
memory (:func:`~reunite.services.search_index.file_index`) and families from
``reunite-family/1`` files, and call the same bodies.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from reunite.errors import CaseError, InputError
from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.profile import Profile
from reunite.governance.indices import Index, PersonRole, Purpose
from reunite.governance.roles import Action, Actor
from reunite.io.frequencies import read_frequencies
from reunite.search import (
    BlindHit,
    BlindSearchResult,
    DirectSearchResult,
    FamilyCase,
    ScreenResult,
    Stringency,
    direct_match,
    screen_family,
)
from reunite.search.blind import blind_search_families
from reunite.search.screen import exact_missing_person_lrs, screening_markers
from reunite.search.settings import SearchSettings
from reunite.services.audit_service import AuditEntry, append_audit, checked
from reunite.services.cases import pedigree_of, resolve_case
from reunite.services.enrolment import new_id, payload_to_profile
from reunite.services.family_files import read_families
from reunite.services.jobs import Job, Progress
from reunite.services.search_gate import authorize_search, governance_policy, searchable_bases
from reunite.services.search_index import (
    UNIDENTIFIED,
    IndexView,
    StoreIndex,
    file_index,
    read_index_profiles,
)
from reunite.services.settings import with_options
from reunite.stats.rmp import random_match_probability
from reunite.storage.records import CandidateRecord, ProfileRef

if TYPE_CHECKING:
    from reunite.services.workspace import Workspace

__all__ = [
    "SEARCH_KINDS",
    "SearchOutcome",
    "SearchRequest",
    "blind",
    "blind_search_files",
    "complete_genotypes",
    "direct",
    "direct_search_files",
    "rescore_blind",
    "run_search",
    "screen",
    "screen_files",
    "start_search",
]

SEARCH_KINDS = ("direct", "screen", "blind")
# The blind screen scores the same model as the exact engine, in float32 (about 7 digits):
# hits within this many log10 units under the threshold are re-scored exactly too.
_NEAR = 0.05
# A database direct search: the missing person's own DNA against the unidentified, a
# degraded sample's alleles contained in the reference's, no mismatch tolerated.
_DIRECT_STRINGENCY = Stringency.MODERATE
_DIRECT_MIN_SHARED = 8


# ---------------------------------------------------------------------- search bodies
def direct(view: IndexView, query: Mapping[str, Sequence[str]], *, settings: SearchSettings,
           query_index: str, target_index: str, stringency: Stringency | str = Stringency.HIGH,
           min_shared: int = _DIRECT_MIN_SHARED, max_mismatch: int = 0,
           limit: int | None = None) -> DirectSearchResult:
    """A direct match of ``query`` (``{marker: allele texts}``; one allele for a partial
    genotype) against ``view``, sharded when the view has shards."""
    options: dict[str, Any] = {
        "settings": settings, "query_index": query_index, "target_index": target_index,
        "policy": governance_policy, "stringency": stringency, "min_shared": min_shared,
        "max_mismatch": max_mismatch, "frequencies": view.frequencies, "limit": limit}
    if view.sharded is not None:
        return view.sharded.direct_match(query, **options)
    return direct_match(view.matrix, query, backend=view.backend, **options)


def screen(view: IndexView, family: FamilyCase, *, settings: SearchSettings,
           query_index: str, target_index: str) -> ScreenResult:
    """``family`` screened against ``view``, the best re-scored exactly."""
    options: dict[str, Any] = {
        "frequencies": view.table, "settings": settings, "query_index": query_index,
        "target_index": target_index, "policy": governance_policy}
    if view.sharded is not None:
        return view.sharded.screen_family(family, **options)
    return screen_family(view.matrix, family, backend=view.backend, **options)


def blind(view: IndexView, families: Sequence[FamilyCase], *, settings: SearchSettings,
          query_index: str, target_index: str, block_size: int = 64,
          checkpoint: str | Path | None = None,
          progress: Callable[[int, int], None] | None = None) -> BlindSearchResult:
    """Every family against every profile of ``view``, top ``settings.k`` each way."""
    if view.sharded is not None:
        return view.sharded.blind_search(
            families, frequencies=view.table, settings=settings, query_index=query_index,
            target_index=target_index, policy=governance_policy, block_size=block_size)
    return blind_search_families(
        view.matrix, families, frequencies=view.table, settings=settings,
        query_index=query_index, target_index=target_index, policy=governance_policy,
        block_size=block_size, checkpoint=checkpoint, progress=progress,
        backend=view.backend)


@dataclass(frozen=True)
class ExactHit:
    """A blind-search hit re-scored exactly: the screening hit and the exact log10 LRs."""

    hit: BlindHit
    log10_lr: float | None
    log10_lr_per_marker: dict[str, float]


def rescore_blind(view: IndexView, families: Sequence[FamilyCase],
                  result: BlindSearchResult, *, settings: SearchSettings
                  ) -> list[ExactHit]:
    """The exact LR of every hit of ``result`` within a rounding margin of the threshold,
    from the matrix's genotype codes (the same markers the screen scored)."""
    matrix = view.matrix
    markers = screening_markers(matrix, view.table, families, settings=settings)
    rows = {pid: r for r, pid in enumerate(matrix.ids_of(np.arange(matrix.n_rows)))}
    floor = math.log10(settings.lr_threshold) - _NEAR
    out: list[ExactHit] = []
    for family in families:
        near = [h for h in result.by_family.get(family.family_id, ()) if h.log10_lr >= floor]
        exact = exact_missing_person_lrs(family, matrix, [rows[h.profile_id] for h in near],
                                         markers, theta=settings.theta)
        out.extend(ExactHit(h, lr, per_marker)
                   for h, (lr, per_marker) in zip(near, exact, strict=True))
    return out


def complete_genotypes(profile: Profile) -> dict[str, tuple[str, str]]:
    """A profile's complete genotypes as allele texts: what a kinship search scores (a
    partial genotype is left out; the index holds complete genotypes only)."""
    out: dict[str, tuple[str, str]] = {}
    for marker, genotype in profile.genotypes.items():
        if not genotype.is_partial:
            a, b = genotype.alleles
            out[marker] = (a.text, b.text)
    return out


# ---------------------------------------------------------------------- file searches
def _frequencies(path: str | Path | None, settings: SearchSettings) -> FrequencyTable | None:
    if path is None:
        return None
    return read_frequencies(path, min_allele_count=settings.min_allele_count)


def direct_search_files(
    query_path: str | Path, index_paths: Sequence[str | Path], *, settings: SearchSettings,
    query_index: str = Index.REFERENCE_DIRECT.value,
    target_index: str = Index.UNIDENTIFIED_REMAINS.value,
    frequencies_path: str | Path | None = None, scheduler: Any = None,
    stringency: Stringency | str = Stringency.HIGH, min_shared: int = _DIRECT_MIN_SHARED,
    max_mismatch: int = 0, limit: int | None = None,
) -> list[DirectSearchResult]:
    """Each profile of ``query_path`` against the profiles of ``index_paths``."""
    governance_policy(query_index, target_index, purpose=Purpose.IDENTIFICATION.value)
    queries = read_index_profiles([query_path])
    view = file_index(read_index_profiles(index_paths), _frequencies(frequencies_path,
                                                                     settings),
                      scheduler=scheduler)
    return [direct(view, {m: tuple(a.text for a in g.alleles) for m, g in q.genotypes.items()},
                   settings=settings, query_index=query_index,
                   target_index=target_index, stringency=stringency, min_shared=min_shared,
                   max_mismatch=max_mismatch, limit=limit) for q in queries]


def screen_files(
    family_path: str | Path, index_paths: Sequence[str | Path], frequencies_path: str | Path,
    *, settings: SearchSettings, query_index: str = Index.REFERENCE_FAMILY.value,
    target_index: str = Index.UNIDENTIFIED_REMAINS.value, scheduler: Any = None,
) -> list[ScreenResult]:
    """Each family of ``family_path`` screened against the profiles of ``index_paths``."""
    governance_policy(query_index, target_index, purpose=Purpose.IDENTIFICATION.value)
    families = read_families(family_path)
    view = file_index(read_index_profiles(index_paths),
                      _frequencies(frequencies_path, settings), scheduler=scheduler)
    return [screen(view, f, settings=settings, query_index=query_index,
                   target_index=target_index) for f in families]


def blind_search_files(
    families_path: str | Path, index_paths: Sequence[str | Path],
    frequencies_path: str | Path, *, settings: SearchSettings,
    query_index: str = Index.REFERENCE_FAMILY.value,
    target_index: str = Index.UNIDENTIFIED_REMAINS.value, block_size: int = 64,
    checkpoint: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None, scheduler: Any = None,
) -> BlindSearchResult:
    """Every profile of ``index_paths`` against every family of ``families_path``."""
    governance_policy(query_index, target_index, purpose=Purpose.IDENTIFICATION.value)
    families = read_families(families_path)
    view = file_index(read_index_profiles(index_paths),
                      _frequencies(frequencies_path, settings), scheduler=scheduler)
    return blind(view, families, settings=settings, query_index=query_index,
                 target_index=target_index, block_size=block_size, checkpoint=checkpoint,
                 progress=progress)


# ---------------------------------------------------------------------- database searches
@dataclass(frozen=True)
class SearchRequest:
    """What to search: ``kind`` (direct, screen, blind), the case for direct and screen,
    and the unidentified indices searched (both by default)."""

    kind: str
    case: str | None = None
    target_indices: tuple[Index, ...] = UNIDENTIFIED

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


@dataclass(frozen=True)
class SearchOutcome:
    """What a search found: hits (ids and LRs only), the candidates stored, the settings."""

    kind: str
    searched: int
    families: int
    hits: tuple[dict[str, Any], ...]
    candidate_ids: tuple[str, ...]
    settings: SearchSettings
    elapsed_seconds: float
    provenance: tuple[dict[str, Any], ...] = ()

    @property
    def threshold(self) -> float:
        """The LR at or above which hits were stored as candidates."""
        return self.settings.lr_threshold

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (no genotypes)."""
        return {"kind": self.kind, "searched": self.searched, "families": self.families,
                "hits": list(self.hits), "candidates_stored": len(self.candidate_ids),
                "candidate_ids": list(self.candidate_ids), "threshold": self.threshold,
                "settings": self.settings.to_provenance(),
                "elapsed_seconds": self.elapsed_seconds, "provenance": list(self.provenance)}


@dataclass(frozen=True)
class _Family:
    case_id: str
    family: FamilyCase
    anchor_profile: str  # a reference profile, the stored candidate's query side


@dataclass
class _Found:
    """What one database search collects over its target indices."""

    hits: list[dict[str, Any]]
    candidates: list[CandidateRecord]
    provenance: list[dict[str, Any]]
    searched: int = 0


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _store_family(index: StoreIndex, case_id: str, today: date) -> _Family | None:
    """A case's family: the pedigree and the typed relatives whose basis allows
    identification today (decrypted in memory), or None without a missing person."""
    store = index.store
    with store.transaction() as repos:
        people = repos.cases.people_in_case(case_id)
        refs = repos.profiles.refs(person_ids=[p.id for p in people])
        bases = repos.bases.get_many([r.basis_id for r in refs])
    missing = [p for p in people if p.role == PersonRole.MISSING.value]
    if not missing:
        return None
    usable = [r for r in refs if r.basis_id in searchable_bases(
        [bases[r.basis_id]] if r.basis_id in bases else [], index=Index(r.index),
        purpose=Purpose.IDENTIFICATION, on=today)]
    by_person: dict[str, ProfileRef] = {}
    for ref in sorted(usable, key=lambda r: r.id):
        by_person.setdefault(ref.person_id, ref)
    relatives = {pid: r for pid, r in by_person.items()
                 if r.index == Index.REFERENCE_FAMILY.value}
    if not relatives and missing[0].id not in by_person:
        return None
    opened = dict(index.decrypt(list(by_person.values())))
    references = {pid: complete_genotypes(payload_to_profile(opened[r.id]))
                  for pid, r in relatives.items() if r.id in opened}
    family = FamilyCase(case_id, pedigree_of(people), missing[0].id, references)
    return _Family(case_id, family, min(r.id for r in by_person.values()))


def _direct_profile(index: StoreIndex, case_id: str) -> tuple[str, Profile] | None:
    with index.store.transaction() as repos:
        people = repos.cases.people_in_case(case_id)
        missing = [p.id for p in people if p.role == PersonRole.MISSING.value]
        refs = [r for r in repos.profiles.refs(person_ids=missing)
                if r.index == Index.REFERENCE_DIRECT.value]
    if not refs:
        return None
    pid, payload = index.decrypt(refs[:1])[0]
    return pid, payload_to_profile(payload)


def _open_case_ids(index: StoreIndex) -> list[str]:
    ids: list[str] = []
    offset = 0
    while True:
        with index.store.transaction() as repos:
            page = repos.cases.list_cases(limit=1000, offset=offset)
        ids.extend(c.id for c in page if c.status == "open")
        if len(page) < 1000:
            return ids
        offset += 1000


def _candidate(case_id: str, query_id: str, target_id: str, log10_lr: float,
               settings: SearchSettings, details: dict[str, Any]) -> CandidateRecord:
    return CandidateRecord(new_id(), query_id, target_id, case_id,
                           Purpose.IDENTIFICATION.value, float(log10_lr),
                           {**details, "settings": settings.to_provenance()},
                           datetime.now(UTC))


def _gate(index: StoreIndex, actor: Actor, query: Index, target: Index, record: str) -> None:
    authorize_search(index.store, actor, query_index=query, target_index=target,
                     purpose=Purpose.IDENTIFICATION, record=record)


def _run_direct(index: StoreIndex, actor: Actor, case_id: str, request: SearchRequest,
                settings: SearchSettings, report: Progress) -> _Found:
    found = _direct_profile(index, case_id)
    if found is None:
        raise CaseError("the case has no reference profile of the missing person "
                        "(reference-direct) to search with", case=case_id, field="case")
    query_id, query = found
    texts = complete_genotypes(query)
    table = settings.frequency_table(index.frequencies)
    out = _Found([], [], [])
    for n, target in enumerate(request.target_indices):
        _gate(index, actor, Index.REFERENCE_DIRECT, Index(target), f"case:{case_id}")
        report(n / len(request.target_indices), f"direct match in {target}")
        with index.locked():
            view = index.view(Index(target))
            result = direct(view, texts, settings=settings,
                            query_index=Index.REFERENCE_DIRECT.value,
                            target_index=Index(target).value, stringency=_DIRECT_STRINGENCY,
                            min_shared=min(_DIRECT_MIN_SHARED, len(texts)), limit=settings.k)
            out.searched += len(view.matrix)
            markers = view.matrix.markers
        out.provenance.append(result.provenance.to_dict())
        for hit in result.hits:
            log10 = hit.log10_lr if hit.log10_lr is not None else 0.0
            out.hits.append({"profile_id": hit.profile_id, "log10_lr": log10,
                             "index": Index(target).value, "case_id": case_id,
                             "shared_markers": hit.shared_markers})
            if log10 >= math.log10(settings.lr_threshold):
                shared = [m for m in markers if m in texts
                          and m not in hit.mismatching_markers]
                rmp = random_match_probability(query, table, theta=settings.theta,
                                               markers=shared)
                out.candidates.append(_candidate(
                    case_id, query_id, hit.profile_id, log10, settings,
                    {"kind": "direct", "index": Index(target).value,
                     "per_marker_log10_lr": {m.marker: -math.log10(m.probability)
                                             for m in rmp.per_marker},
                     "shared_markers": hit.shared_markers,
                     "mismatching_markers": list(hit.mismatching_markers),
                     "provenance": result.provenance.to_dict()}))
    return out


def _run_screen(index: StoreIndex, actor: Actor, case_id: str, request: SearchRequest,
                settings: SearchSettings, report: Progress) -> _Found:
    family = _store_family(index, case_id, index.today())
    if family is None or not family.family.references:
        raise CaseError("the case has no typed relative to screen with (enrol a "
                        "relative's profile first)", case=case_id, field="case")
    out = _Found([], [], [])
    log_threshold = math.log10(settings.lr_threshold)
    for n, target in enumerate(request.target_indices):
        _gate(index, actor, Index.REFERENCE_FAMILY, Index(target), f"case:{case_id}")
        report(n / len(request.target_indices), f"pedigree screen in {target}")
        with index.locked():
            view = index.view(Index(target))
            out.searched += len(view.matrix)
            if len(view.matrix) == 0:
                continue
            result = screen(view, family.family, settings=settings,
                            query_index=Index.REFERENCE_FAMILY.value,
                            target_index=Index(target).value)
        out.provenance.append(result.provenance.to_dict())
        for hit in result.hits:
            out.hits.append({"profile_id": hit.profile_id, "log10_lr": hit.log10_lr,
                             "screen_log10_lr": hit.screen_log10_lr,
                             "index": Index(target).value, "case_id": case_id})
            if hit.log10_lr is not None and hit.log10_lr >= log_threshold:
                out.candidates.append(_candidate(
                    case_id, family.anchor_profile, hit.profile_id, hit.log10_lr, settings,
                    {"kind": "screen", "index": Index(target).value,
                     "per_marker_log10_lr": {m: _finite(v) for m, v in
                                             hit.log10_lr_per_marker.items()},
                     "screen_log10_lr": hit.screen_log10_lr,
                     "provenance": result.provenance.to_dict()}))
    return out


def _run_blind(index: StoreIndex, actor: Actor, request: SearchRequest,
               settings: SearchSettings, report: Progress) -> tuple[_Found, int]:
    today = index.today()
    report(0.0, "loading families")
    families = [f for f in (_store_family(index, cid, today) for cid in _open_case_ids(index))
                if f is not None and f.family.references]
    out = _Found([], [], [])
    if not families:
        return out, 0
    by_id = {f.case_id: f for f in families}
    cases = [f.family for f in families]
    log_threshold = math.log10(settings.lr_threshold)
    for n, target in enumerate(request.target_indices):
        _gate(index, actor, Index.REFERENCE_FAMILY, Index(target), "blind")
        share = 1.0 / len(request.target_indices)

        def tick(done: int, total: int, n: int = n, share: float = share,
                 target: str = str(target)) -> None:
            report(share * (n + 0.8 * done / max(total, 1)),
                   f"blind search in {target}: {done}/{total} families")

        with index.locked():
            view = index.view(Index(target))
            out.searched += len(view.matrix)
            if len(view.matrix) == 0:
                continue
            result = blind(view, cases, settings=settings,
                           query_index=Index.REFERENCE_FAMILY.value,
                           target_index=Index(target).value, progress=tick)
            out.provenance.append(result.provenance.to_dict())
            report(share * (n + 0.85), "re-scoring the best hits exactly")
            exact = rescore_blind(view, cases, result, settings=settings)
        for item in exact:
            fam = by_id[item.hit.family_id]
            out.hits.append({"profile_id": item.hit.profile_id, "log10_lr": item.log10_lr,
                             "screen_log10_lr": item.hit.log10_lr,
                             "index": Index(target).value, "case_id": fam.case_id})
            if item.log10_lr is not None and item.log10_lr >= log_threshold:
                out.candidates.append(_candidate(
                    fam.case_id, fam.anchor_profile, item.hit.profile_id, item.log10_lr,
                    settings,
                    {"kind": "blind", "index": Index(target).value,
                     "per_marker_log10_lr": {m: _finite(v) for m, v in
                                             item.log10_lr_per_marker.items()},
                     "screen_log10_lr": item.hit.log10_lr,
                     "provenance": result.provenance.to_dict()}))
    return out, len(families)


def _store_candidates(index: StoreIndex, actor: Actor, kind: str,
                      candidates: Sequence[CandidateRecord]) -> list[str]:
    if not candidates:
        return []
    with index.store.transaction() as repos:
        existing = repos.candidates.existing_pairs([c.case_id for c in candidates
                                                    if c.case_id])
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


def run_search(index: StoreIndex, actor: Actor, request: SearchRequest, *,
               settings: SearchSettings, progress: Progress | None = None) -> SearchOutcome:
    """Run one database search (see the module docstring) and store its candidates."""
    started = time.perf_counter()
    report = progress or (lambda _f, _m: None)
    families = 1
    if request.kind == "blind":
        found, families = _run_blind(index, actor, request, settings, report)
    else:
        case_id = resolve_case(index.store, actor, str(request.case)).id
        run = _run_direct if request.kind == "direct" else _run_screen
        found = run(index, actor, case_id, request, settings, report)
    stored = _store_candidates(index, actor, request.kind, found.candidates)
    report(1.0, f"{len(stored)} new candidates stored")
    return SearchOutcome(request.kind, found.searched, families, tuple(found.hits),
                         tuple(stored), settings, time.perf_counter() - started,
                         tuple(found.provenance))


def start_search(workspace: Workspace, actor: Actor, request: SearchRequest,
                 **options: Any) -> Job:
    """Start a database search as a background job (the API's and the web's way).

    ``options`` (``theta``, ``mutation_model``, ``mutation_rate``, ``mutation_rate_male``,
    ``lr_threshold``, ``k``; ``None`` keeps the configured value) apply to the
    installation's search settings (:func:`reunite.services.settings.with_options`) and
    are validated now, as is the permission; the policy gate runs with the search, so a
    refusal shows as a failed job with the reason.
    """
    checked(workspace.store, actor, Action.SEARCH, f"search:{request.kind}")
    settings = with_options(workspace.search_settings, **options)

    def work(progress: Progress) -> dict[str, Any]:
        return run_search(workspace.index, actor, request, settings=settings,
                          progress=progress).to_dict()

    return workspace.jobs.submit(actor, f"search:{request.kind}", work)
