"""Importing a lab file into the encrypted database: a read result plus who each sample is.

A lab file says *what* was typed; it cannot say *who* may be stored. reunite has no bulk
enrolment (DESIGN.md, "Purpose and limits"): every profile must belong to a person already
enrolled, on that person's own recorded basis. Two ways to say who:

* :func:`import_read_result`: the caller gives, for each sample id, the enrolled person and
  basis (:class:`SampleTarget`); samples without one, and targets without a sample, are
  refused before anything is stored;
* :func:`import_named_samples`: each sample name *is* the person (:func:`resolve_people`: a
  person id, ``<case reference>/<label>``, or the label of one person recorded outside any
  case, such as a mortuary number); the person's newest valid basis is used, and a CMF
  category must agree with the person's role.

:func:`import_lab_file` is the whole import of a lab file's bytes — ``POST /imports``, the
web lab upload and the demo call it: the permission is checked before parsing, the file is
read by the one reader of lab files, :func:`reunite.io.read_profiles` (CODIS CMF,
GeneMapper/GeneMarker tables, Familias ``.fam``, ped, profile JSON), and the samples are
imported by name. The store itself is written by
:func:`reunite.services.batch_import.import_batch`, all or nothing, with its own permission
and consent checks and audit events.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from reunite.errors import ConsentError, InputError, NotFoundError, Problem
from reunite.governance.indices import Index, PersonRole
from reunite.governance.roles import Action, Actor
from reunite.io.formats import read_profiles
from reunite.io.result import ReadResult
from reunite.services.audit_service import checked
from reunite.services.batch_import import ImportItem, import_batch
from reunite.services.enrolment import EnrolmentTarget, newest_valid_basis
from reunite.storage.crypto import MasterKey
from reunite.storage.records import PersonRecord
from reunite.storage.repositories import SqlStore

__all__ = [
    "ImportOutcome",
    "SampleTarget",
    "import_lab_file",
    "import_named_samples",
    "import_read_result",
    "plan_import",
    "resolve_people",
]


@dataclass(frozen=True)
class SampleTarget:
    """The enrolled person (and basis) a sample id of a lab file belongs to."""

    person_id: str
    basis_id: str | None


def plan_import(
    result: ReadResult, targets: Mapping[str, SampleTarget], *, kit: str, lab: str,
    frequency_table_hash: str | None = None,
) -> list[ImportItem]:
    """The batch items for ``result``; InputError listing every sample without a target
    (and every target naming no imported sample) — nothing is half-imported."""
    problems: list[Problem] = []
    ids = {p.id for p in result.profiles}
    for profile in result.profiles:
        if profile.id not in targets:
            problems.append(Problem("no enrolled person named for this sample",
                                    source=result.source, sample=profile.id))
    for sample in targets:
        if sample not in ids:
            problems.append(Problem("a target names a sample that is not imported from the "
                                    "file", source=result.source, sample=sample))
    if problems:
        raise InputError(f"{len(problems)} problem(s) pairing samples with enrolled persons",
                         source=result.source, problems=problems)
    return [ImportItem(p, EnrolmentTarget(targets[p.id].person_id, targets[p.id].basis_id,
                                          kit, lab, frequency_table_hash))
            for p in result.profiles]


def import_read_result(
    store: SqlStore, master: MasterKey, actor: Actor, result: ReadResult,
    targets: Mapping[str, SampleTarget], *, kit: str, lab: str, batch: str,
    frequency_table_hash: str | None = None,
) -> Sequence[str]:
    """Store every profile of ``result`` for its target person; the new profile ids."""
    items = plan_import(result, targets, kit=kit, lab=lab,
                        frequency_table_hash=frequency_table_hash)
    return import_batch(store, master, actor, items, batch=batch)


def resolve_people(store: SqlStore, samples: Iterable[str]) -> dict[str, PersonRecord]:
    """Map sample names to people: a person id, ``<case reference>/<label>``, or the label
    of one person recorded outside any case (e.g. a mortuary number; CMF specimen ids are
    at most 24 characters, too short for a person id). Ambiguous labels stay unresolved."""
    names = list(dict.fromkeys(samples))
    found: dict[str, PersonRecord] = {}
    with store.transaction() as repos:
        found.update(repos.cases.get_people([n for n in names if "/" not in n]))
        plain = [n for n in names if "/" not in n and n not in found]
        for label, people in repos.cases.people_outside_cases(plain).items():
            if len(people) == 1:
                found[label] = people[0]
        case_ids: dict[str, str | None] = {}
        for name in names:
            if "/" not in name:
                continue
            reference, _, label = name.rpartition("/")
            if reference not in case_ids:
                try:
                    case_ids[reference] = repos.cases.case_by_reference(reference).id
                except NotFoundError:  # reported by the caller as an unknown sample
                    case_ids[reference] = None
            case_id = case_ids[reference]
            if case_id is None:
                continue
            try:
                found[name] = repos.cases.person_by_label(case_id, label)
            except NotFoundError:
                continue
    return found


def import_named_samples(
    store: SqlStore, master: MasterKey, actor: Actor, result: ReadResult, *, kit: str,
    lab: str, frequency_table_hash: str | None = None, on: date | None = None,
) -> dict[str, str]:
    """Store every profile of ``result`` for the person its sample name names.

    Returns the new profile id by sample. The permission is checked before any name is
    looked up. Every problem (a name that is no enrolled person, a CMF category that
    disagrees with the person's role, a person without a valid basis) is listed in one
    error and nothing is stored.
    """
    checked(store, actor, Action.IMPORT_PROFILES, f"file:{result.source}")
    profiles = list(result.profiles)
    people = resolve_people(store, [p.id for p in profiles])
    problems = [Problem("the sample names no enrolled person (use the person id, "
                        "'<case reference>/<label>' or a unique label)", source=result.source,
                        sample=p.id, field="sample") for p in profiles if p.id not in people]
    for sample, index in result.indices.items():
        person = people.get(sample)
        if person is not None and PersonRole(person.role).profile_index.value != index and not (
                index == Index.REFERENCE_FAMILY.value
                and person.role == PersonRole.RELATIVE.value):
            problems.append(Problem(f"the file puts the sample in {index}, but the person is "
                                    f"{person.role}", source=result.source, sample=sample,
                                    field="category"))
    if problems:
        raise InputError(f"{len(problems)} problem(s) naming enrolled persons; nothing was "
                         "imported", source=result.source, problems=problems)
    with store.transaction() as repos:
        bases = repos.bases.for_persons([people[p.id].id for p in profiles])
    today = on or datetime.now(UTC).date()
    targets: dict[str, SampleTarget] = {}
    for profile in profiles:
        person = people[profile.id]
        basis = newest_valid_basis(person, bases.get(person.id, []), today)
        if basis is None:
            problems.append(Problem("no valid consent or legal order for this person",
                                    source=result.source, sample=profile.id, field="basis"))
        targets[profile.id] = SampleTarget(person.id, basis)
    if problems:
        raise ConsentError(f"{len(problems)} sample(s) have no valid basis; nothing was "
                           "imported", source=result.source, problems=problems)
    ids = import_read_result(store, master, actor, result, targets, kit=kit, lab=lab,
                             batch=result.source, frequency_table_hash=frequency_table_hash)
    return {p.id: pid for p, pid in zip(profiles, ids, strict=True)}


@dataclass(frozen=True)
class ImportOutcome:
    """What an import stored: profile ids by sample, and the reader's warnings."""

    source: str
    format: str
    profile_ids: dict[str, str]
    warnings: tuple[Problem, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (sample names and ids, never genotypes)."""
        return {"source": self.source, "format": self.format,
                "imported": len(self.profile_ids), "profile_ids": self.profile_ids,
                "warnings": [str(w) for w in self.warnings]}


def import_lab_file(store: SqlStore, master: MasterKey, actor: Actor, data: bytes, *,
                    name: str, kit: str, lab: str, format: str = "auto",
                    frequency_table_hash: str | None = None,
                    unidentified_index: str = Index.UNIDENTIFIED_REMAINS.value,
                    ) -> ImportOutcome:
    """Import every profile of a lab file, all-or-nothing (see the module docstring).

    ``format`` is one of :data:`reunite.io.formats.READ_FORMATS` (``auto`` detects it from
    ``name`` and the content). The permission is checked before the file is parsed.
    """
    checked(store, actor, Action.IMPORT_PROFILES, f"file:{name}")
    result = read_profiles(data, name=name, format=format,
                           unidentified_index=unidentified_index)
    ids = import_named_samples(store, master, actor, result, kit=kit, lab=lab,
                               frequency_table_hash=frequency_table_hash)
    return ImportOutcome(result.source, result.format, ids, result.warnings)
