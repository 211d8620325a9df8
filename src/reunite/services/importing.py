"""Importing a lab file into the encrypted database: a read result plus who each sample is.

A lab file says *what* was typed; it cannot say *who* may be stored. reunite has no bulk
enrolment (DESIGN.md, "Purpose and limits"): every profile must belong to a person already
enrolled in a case, on that person's own recorded basis. Two ways to say who:

* :func:`import_read_result`: the caller gives, for each sample id, the enrolled person and
  basis (:class:`SampleTarget`); samples without one, and targets without a sample, are
  refused before anything is stored;
* :func:`import_named_samples`: each sample name *is* the person (a person id or
  ``<case reference>/<label>``, as ``reunite enrol`` reads them); the person's newest valid
  basis is used, and a CMF category must agree with the person's role.

The store itself is written by :func:`reunite.services.batch_import.import_batch`, all or
nothing, with its own permission and consent checks and audit events.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from reunite.errors import ConsentError, InputError, Problem
from reunite.governance.consent import check_basis
from reunite.governance.indices import Index, PersonRole
from reunite.governance.roles import Actor
from reunite.io.result import ReadResult
from reunite.services.batch_import import ImportItem, import_batch
from reunite.services.enrolment import EnrolmentTarget, basis_from_record
from reunite.services.workflow import resolve_people
from reunite.storage.crypto import MasterKey
from reunite.storage.records import BasisRecord, PersonRecord
from reunite.storage.repositories import SqlStore

__all__ = ["SampleTarget", "import_named_samples", "import_read_result", "plan_import"]


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


def _newest_valid_basis(person: PersonRecord, bases: list[BasisRecord], on: date
                        ) -> str | None:
    index = PersonRole(person.role).profile_index
    for record in sorted(bases, key=lambda b: (b.signed_on or b.issued_on or date.min, b.id),
                         reverse=True):
        if check_basis(basis_from_record(record), index=index, on=on).allowed:
            return record.id
    return None


def import_named_samples(
    store: SqlStore, master: MasterKey, actor: Actor, result: ReadResult, *, kit: str,
    lab: str, frequency_table_hash: str | None = None, on: date | None = None,
) -> dict[str, str]:
    """Store every profile of ``result`` for the person its sample name names.

    Returns the new profile id by sample. Every problem (a name that is no enrolled person,
    a CMF category that disagrees with the person's role, a person without a valid basis)
    is listed in one error and nothing is stored.
    """
    profiles = list(result.profiles)
    people = resolve_people(store, [p.id for p in profiles])
    problems = [Problem("the sample names no enrolled person (use the person id or "
                        "'<case reference>/<label>')", source=result.source, sample=p.id,
                        field="sample") for p in profiles if p.id not in people]
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
        basis = _newest_valid_basis(person, bases.get(person.id, []), today)
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
