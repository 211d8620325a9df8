"""Cases and their pedigrees: open a case, record the family, read it back as a pedigree.

The storage keeps no sex for anyone (DESIGN.md); a relative's place in the pedigree is
``father_id`` / ``mother_id``. The pedigree the statistics need is rebuilt from those links:
whoever is someone's father is male, whoever is someone's mother is female, everyone else
``unknown`` (sex only matters for sex-specific mutation rates, which follow the parents).
Every change is checked against :func:`reunite.genetics.pedigree.validate_pedigree` before
it is stored, so a stored case always forms a valid pedigree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from reunite.errors import CaseError, ConflictError, InputError, NotFoundError, PedigreeError
from reunite.genetics.pedigree import Pedigree, Person
from reunite.governance.indices import PersonRole
from reunite.governance.roles import Action, Actor
from reunite.services import enrolment
from reunite.services.audit_service import checked
from reunite.storage.records import CaseRecord, PersonRecord
from reunite.storage.repositories import SqlStore

__all__ = [
    "CASE_ROLES",
    "CaseView",
    "add_case_person",
    "add_unidentified_person",
    "case_pedigree",
    "get_case",
    "list_cases",
    "open_case",
    "pedigree_of",
    "resolve_case",
]

CASE_ROLES = frozenset({PersonRole.MISSING, PersonRole.RELATIVE})
"""Roles a person in a case pedigree can have; the others live outside any case."""


@dataclass(frozen=True)
class CaseView:
    """A case, its people and who among them is missing."""

    case: CaseRecord
    people: tuple[PersonRecord, ...]

    @property
    def missing(self) -> tuple[PersonRecord, ...]:
        """The missing person(s) of the case."""
        return tuple(p for p in self.people if p.role == PersonRole.MISSING.value)


def pedigree_of(people: tuple[PersonRecord, ...] | list[PersonRecord]) -> Pedigree:
    """The pedigree formed by ``people`` (ids are person ids; sex from parenthood)."""
    fathers = {p.father_id for p in people if p.father_id}
    mothers = {p.mother_id for p in people if p.mother_id}
    both = fathers & mothers
    if both:
        raise PedigreeError("a person cannot be both a father and a mother",
                            field="father_id", value=sorted(both)[0])
    persons = [Person(p.id, p.father_id, p.mother_id,
                      "male" if p.id in fathers else "female" if p.id in mothers else "unknown")
               for p in people]
    return Pedigree(tuple(persons))


def open_case(store: SqlStore, actor: Actor, *, reference: str, opened_on: date | None = None,
              missing_since: date | None = None, description: str = "") -> CaseRecord:
    """Open a missing-person case (``open-case``); :class:`ConflictError` if the reference
    is taken."""
    checked(store, actor, Action.OPEN_CASE, f"case-reference:{reference}")
    reference = reference.strip()
    if not reference or len(reference) > 64:
        raise InputError("a case reference is 1-64 characters", field="reference",
                         value=reference)
    with store.transaction() as repos:
        try:
            repos.cases.case_by_reference(reference)
        except NotFoundError:
            pass
        else:
            raise ConflictError("a case with this reference exists", field="reference",
                                value=reference)
    case_id = enrolment.open_case(store, actor, reference=reference,
                                  opened_on=opened_on or datetime.now(UTC).date(),
                                  missing_since=missing_since, description=description)
    with store.transaction() as repos:
        return repos.cases.get_case(case_id)


def resolve_case(store: SqlStore, actor: Actor, case: str) -> CaseRecord:
    """The case named by id or by reference (``read-case``)."""
    checked(store, actor, Action.READ_CASE, f"case:{case}")
    with store.transaction() as repos:
        try:
            return repos.cases.get_case(case)
        except NotFoundError:
            return repos.cases.case_by_reference(case)


def get_case(store: SqlStore, actor: Actor, case: str) -> CaseView:
    """A case and everyone in it (``read-case``)."""
    record = resolve_case(store, actor, case)
    with store.transaction() as repos:
        return CaseView(record, tuple(repos.cases.people_in_case(record.id)))


def list_cases(store: SqlStore, actor: Actor, *, limit: int = 100, offset: int = 0
               ) -> list[CaseRecord]:
    """Cases by reference, a page at a time (``read-case``)."""
    checked(store, actor, Action.READ_CASE, None)
    if not 1 <= limit <= 1000 or offset < 0:
        raise InputError("limit must be 1-1000 and offset non-negative", field="limit",
                         value=limit)
    with store.transaction() as repos:
        return repos.cases.list_cases(limit=limit, offset=offset)


def add_case_person(store: SqlStore, actor: Actor, *, case: str, label: str,
                    role: PersonRole | str = PersonRole.RELATIVE,
                    father_id: str | None = None, mother_id: str | None = None,
                    relationship: str = "") -> PersonRecord:
    """Add the missing person or a relative (typed or not) to a case pedigree.

    Parents must already be in the same case; the resulting pedigree must be valid.
    """
    try:
        person_role = PersonRole(role)
    except ValueError as exc:
        raise InputError("unknown person role", field="role", value=str(role)) from exc
    if person_role not in CASE_ROLES:
        raise InputError("a case holds the missing person and relatives only",
                         field="role", value=person_role.value)
    label = label.strip()
    if not label or len(label) > 64:
        raise InputError("a label is 1-64 characters", field="label", value=label)
    view = get_case(store, actor, case)
    people = list(view.people)
    ids = {p.id for p in people}
    for name, parent in (("father_id", father_id), ("mother_id", mother_id)):
        if parent is not None and parent not in ids:
            raise CaseError("the parent is not in this case", case=view.case.reference,
                            field=name, value=parent)
    if any(p.label == label for p in people):
        raise ConflictError("a person with this label is in the case already",
                            field="label", value=label)
    if person_role is PersonRole.MISSING and view.missing:
        raise ConflictError("the case has its missing person already", field="role",
                            value=person_role.value)
    trial = PersonRecord("__new__", view.case.id, person_role.value, label, father_id,
                         mother_id, relationship)
    pedigree_of([*people, trial])  # raises PedigreeError listing every problem
    person_id = enrolment.add_person(store, actor, case_id=view.case.id, role=person_role,
                                     label=label, father_id=father_id, mother_id=mother_id,
                                     relationship=relationship)
    with store.transaction() as repos:
        return repos.cases.get_person(person_id)


def add_unidentified_person(store: SqlStore, actor: Actor, *, label: str,
                            role: PersonRole | str) -> PersonRecord:
    """Record an unidentified living person, remains, or a staff member (no case)."""
    try:
        person_role = PersonRole(role)
    except ValueError as exc:
        raise InputError("unknown person role", field="role", value=str(role)) from exc
    if person_role in CASE_ROLES:
        raise InputError("missing persons and relatives belong to a case", field="role",
                         value=person_role.value)
    label = label.strip()
    if not label or len(label) > 64:
        raise InputError("a label is 1-64 characters", field="label", value=label)
    person_id = enrolment.add_person(store, actor, case_id=None, role=person_role,
                                     label=label)
    with store.transaction() as repos:
        return repos.cases.get_person(person_id)


def case_pedigree(store: SqlStore, actor: Actor, case: str) -> tuple[CaseView, Pedigree]:
    """A case and its pedigree (``read-case``)."""
    view = get_case(store, actor, case)
    return view, pedigree_of(view.people)
