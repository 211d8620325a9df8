"""Searches over files, with governance's search matrix wired into the engine.

The engine (:mod:`reunite.search`) takes a :class:`~reunite.search.SearchPolicy`;
:func:`governance_policy` is that policy: the one search-matrix function of
:mod:`reunite.governance.policy`, raising :class:`~reunite.errors.PurposeNotPermitted` on
refusal. The ``reunite search`` command calls the functions below, which read profile
files (any lab format :func:`reunite.io.formats.read_profiles` reads), frequency tables and
family files, build the index in memory (never writing genotypes anywhere) and run one
search, in process or sharded over a Dask scheduler. The database-backed searches live in
:mod:`reunite.services.matching`.

Family files (``reunite-family/1``), one object or a JSON array of them::

    {"id": "case-17",
     "pedigree": [{"id": "FA", "sex": "male"}, {"id": "MO", "sex": "female"},
                  {"id": "MP", "father": "FA", "mother": "MO"}],
     "missing_person": "MP",
     "references": {"FA": {"vWA": ["14", "17"], "TH01": ["6", "9.3"]}}}
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reunite.errors import FileFormatError, InputError, ReuniteError
from reunite.genetics.markers import canonical_marker_name
from reunite.genetics.pedigree import Pedigree, Person
from reunite.genetics.profile import Profile
from reunite.governance.indices import Index, Purpose
from reunite.governance.policy import Decision, require_search_allowed
from reunite.io.formats import read_profiles
from reunite.io.frequencies import read_frequencies
from reunite.search import (
    BlindSearchResult,
    DirectSearchResult,
    FamilyCase,
    ProfileMatrix,
    ScreenResult,
    blind_search,
    direct_match,
    screen_family,
)
from reunite.search.distributed import ShardedIndex
from reunite.search.screen import block_tables, screening_markers
from reunite.stats.mutation import MutationSpec

__all__ = [
    "blind_search_files",
    "direct_search_files",
    "family_to_json",
    "governance_policy",
    "read_families",
    "read_index_profiles",
    "screen_files",
]


def governance_policy(query_index: str, target_index: str, *, purpose: str) -> Decision:
    """The search matrix of DESIGN.md as the engine's policy (raises when refused)."""
    try:
        index_q, index_t, why = Index(query_index), Index(target_index), Purpose(purpose)
    except ValueError as exc:
        raise InputError("unknown index or purpose", field="index", value=str(exc)) from exc
    return require_search_allowed(index_q, index_t, purpose=why)


def read_index_profiles(paths: Sequence[str | Path]) -> list[Profile]:
    """Every profile of the given lab files (any format ``reunite import`` reads)."""
    profiles: list[Profile] = []
    seen: set[str] = set()
    for path in paths:
        result = read_profiles(path)
        for profile in result.profiles:
            if profile.id in seen:
                raise FileFormatError("a profile id appears twice in the index files",
                                      source=str(path), sample=profile.id)
            seen.add(profile.id)
            profiles.append(profile)
    if not profiles:
        raise InputError("no profiles to search", field="index files",
                         value=[str(p) for p in paths])
    return profiles


def _panel(profiles: Sequence[Profile]) -> list[str]:
    markers: dict[str, None] = {}
    for profile in profiles:
        markers.update(dict.fromkeys(profile.genotypes))
    return list(markers)


def _texts(value: Any, *, source: str, field: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not 1 <= len(value) <= 2:
        raise FileFormatError("a genotype is a list of one or two alleles", source=source,
                              field=field, value=value)
    return tuple(str(a) for a in value)


def _family(data: Any, source: str, where: str) -> FamilyCase:
    if not isinstance(data, dict):
        raise FileFormatError("a family is a JSON object", source=source, field=where)
    for key in ("id", "pedigree", "missing_person"):
        if key not in data:
            raise FileFormatError(f"missing key {key!r}", source=source, field=where)
    persons = []
    for n, raw in enumerate(data["pedigree"] if isinstance(data["pedigree"], list) else []):
        if not isinstance(raw, dict) or "id" not in raw:
            raise FileFormatError("a person needs an id", source=source,
                                  field=f"{where}.pedigree[{n}]", value=raw)
        persons.append(Person(str(raw["id"]), raw.get("father"), raw.get("mother"),
                              str(raw.get("sex", "unknown"))))
    references: dict[str, dict[str, tuple[str, ...]]] = {}
    raw_refs = data.get("references", {})
    if not isinstance(raw_refs, dict):
        raise FileFormatError("references map person ids to genotypes", source=source,
                              field=f"{where}.references")
    for person, genotypes in raw_refs.items():
        if not isinstance(genotypes, dict):
            raise FileFormatError("genotypes map marker names to alleles", source=source,
                                  field=f"{where}.references.{person}")
        references[str(person)] = {
            canonical_marker_name(m, allow_unknown=True):
                _texts(v, source=source, field=f"{where}.references.{person}.{m}")
            for m, v in genotypes.items() if v
        }
    try:
        return FamilyCase(str(data["id"]), Pedigree(tuple(persons)),
                          str(data["missing_person"]), references)
    except ReuniteError as exc:
        raise FileFormatError(exc.message, source=source, field=where,
                              problems=exc.problems, value=exc.context.get("value")) from exc


def read_families(path: str | Path) -> list[FamilyCase]:
    """Families from a ``reunite-family/1`` JSON file (one object or an array)."""
    source = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise FileFormatError(f"cannot read: {exc.strerror}", source=source) from exc
    except json.JSONDecodeError as exc:
        raise FileFormatError(f"not valid JSON: {exc.msg}", source=source,
                              line=exc.lineno) from exc
    items = data if isinstance(data, list) else [data]
    families = [_family(item, source, f"$[{n}]" if isinstance(data, list) else "$")
                for n, item in enumerate(items)]
    ids = [f.family_id for f in families]
    if len(set(ids)) != len(ids):
        raise FileFormatError("family ids must be unique", source=source, value=ids)
    return families


def _query_texts(profile: Profile) -> dict[str, tuple[str, ...]]:
    return {m: tuple(a.text for a in g.alleles) for m, g in profile.genotypes.items()}


def direct_search_files(
    query_path: str | Path, index_paths: Sequence[str | Path], *,
    query_index: str = Index.REFERENCE_DIRECT.value,
    target_index: str = Index.UNIDENTIFIED_REMAINS.value,
    frequencies_path: str | Path | None = None, scheduler: Any = None,
    **options: Any,
) -> list[DirectSearchResult]:
    """Each profile of ``query_path`` against the profiles of ``index_paths``."""
    governance_policy(query_index, target_index, purpose=Purpose.IDENTIFICATION.value)
    queries = read_index_profiles([query_path])
    profiles = read_index_profiles(index_paths)
    freqs = read_frequencies(frequencies_path) if frequencies_path else None
    markers = _panel(profiles)
    common = {"query_index": query_index, "target_index": target_index,
              "policy": governance_policy, "frequencies": freqs, **options}
    if scheduler is not None:
        sharded = ShardedIndex.from_profiles(scheduler, profiles, markers,
                                             frequency_table_id=freqs.name if freqs else None)
        return [sharded.direct_match(_query_texts(q), **common) for q in queries]
    matrix = ProfileMatrix.from_profiles(profiles, markers,
                                         frequency_table_id=freqs.name if freqs else None)
    return [direct_match(matrix, q, **common) for q in queries]


def _mutation(rate: float) -> MutationSpec | None:
    return MutationSpec("equal", rate=rate) if rate > 0 else None


def screen_files(
    family_path: str | Path, index_paths: Sequence[str | Path], frequencies_path: str | Path,
    *, query_index: str = Index.REFERENCE_FAMILY.value,
    target_index: str = Index.UNIDENTIFIED_REMAINS.value, mutation_rate: float = 0.001,
    k: int = 10, threshold: float | None = None, theta: float = 0.0, scheduler: Any = None,
) -> list[ScreenResult]:
    """Each family of ``family_path`` screened against the profiles of ``index_paths``."""
    governance_policy(query_index, target_index, purpose=Purpose.IDENTIFICATION.value)
    families = read_families(family_path)
    profiles = read_index_profiles(index_paths)
    freqs = read_frequencies(frequencies_path)
    markers = _panel(profiles)
    common: dict[str, Any] = {
        "frequencies": freqs, "query_index": query_index, "target_index": target_index,
        "policy": governance_policy, "k": k, "threshold": threshold,
        "mutation": _mutation(mutation_rate), "theta": theta,
    }
    if scheduler is not None:
        sharded = ShardedIndex.from_profiles(scheduler, profiles, markers,
                                             frequency_table_id=freqs.name)
        return [sharded.screen_family(f, **common) for f in families]
    matrix = ProfileMatrix.from_profiles(profiles, markers, frequency_table_id=freqs.name)
    return [screen_family(matrix, f, **common) for f in families]


def blind_search_files(
    families_path: str | Path, index_paths: Sequence[str | Path],
    frequencies_path: str | Path, *, query_index: str = Index.REFERENCE_FAMILY.value,
    target_index: str = Index.UNIDENTIFIED_REMAINS.value, mutation_rate: float = 0.001,
    k: int = 10, block_size: int = 64, checkpoint: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None, scheduler: Any = None,
) -> BlindSearchResult:
    """Every profile of ``index_paths`` against every family of ``families_path``."""
    governance_policy(query_index, target_index, purpose=Purpose.IDENTIFICATION.value)
    families = read_families(families_path)
    profiles = read_index_profiles(index_paths)
    freqs = read_frequencies(frequencies_path)
    markers = _panel(profiles)
    mutation = _mutation(mutation_rate)
    if scheduler is not None:
        sharded = ShardedIndex.from_profiles(scheduler, profiles, markers,
                                             frequency_table_id=freqs.name)
        return sharded.blind_search(families, frequencies=freqs, query_index=query_index,
                                    target_index=target_index, policy=governance_policy,
                                    k=k, mutation=mutation, block_size=block_size)
    matrix = ProfileMatrix.from_profiles(profiles, markers, frequency_table_id=freqs.name)
    kinship = screening_markers(matrix, freqs, families, mutation=mutation)
    return blind_search(matrix, [f.family_id for f in families],
                        block_tables(families, matrix, kinship), query_index=query_index,
                        target_index=target_index, policy=governance_policy, k=k,
                        block_size=block_size, checkpoint=checkpoint, progress=progress)


def family_to_json(family: FamilyCase) -> dict[str, Any]:
    """A family in the ``reunite-family/1`` shape (for ``reunite simulate``)."""
    return {
        "id": family.family_id,
        "pedigree": [{"id": p.id, "father": p.father, "mother": p.mother, "sex": p.sex}
                     for p in family.pedigree.persons],
        "missing_person": family.missing_person,
        "references": {person: {m: list(v) for m, v in g.items()}
                       for person, g in family.references.items()},
    }

