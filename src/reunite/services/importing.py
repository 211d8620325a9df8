"""Importing a lab file into the encrypted database: a read result plus who each sample is.

A lab file says *what* was typed; it cannot say *who* may be stored. reunite has no bulk
enrolment (DESIGN.md, "Purpose and limits"): every profile must belong to a person already
enrolled in a case, on that person's own recorded basis. So the caller gives, for each
sample id of the file, the enrolled person and basis (:class:`SampleTarget`); samples
without one, and targets without a sample, are refused before anything is stored. The
store itself is written by :func:`reunite.services.batch_import.import_batch`, all or
nothing, with its own consent checks and audit events.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reunite.errors import InputError, Problem
from reunite.governance.roles import Actor
from reunite.io.result import ReadResult
from reunite.services.batch_import import ImportItem, import_batch
from reunite.services.enrolment import EnrolmentTarget
from reunite.storage.crypto import MasterKey
from reunite.storage.repositories import SqlStore

__all__ = ["SampleTarget", "import_read_result", "plan_import"]


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
