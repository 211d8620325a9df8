"""Cases, the people in them, and the case pedigree."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from reunite.api.deps import ActorDep, SessionDep
from reunite.api.schemas import CaseIn, CaseOut, CaseWithPeopleOut, PedigreeOut, PersonIn, PersonOut
from reunite.services import cases
from reunite.storage.records import CaseRecord, PersonRecord

router = APIRouter(tags=["cases"])


def case_out(record: CaseRecord) -> CaseOut:
    """Wire form of a case."""
    return CaseOut(id=record.id, reference=record.reference, status=record.status,
                   opened_on=record.opened_on, missing_since=record.missing_since,
                   description=record.description)


def person_out(record: PersonRecord) -> PersonOut:
    """Wire form of a person."""
    return PersonOut(id=record.id, case_id=record.case_id, role=record.role,
                     label=record.label, father_id=record.father_id,
                     mother_id=record.mother_id, relationship=record.relationship)


@router.post("/cases", status_code=status.HTTP_201_CREATED)
def open_case(body: CaseIn, actor: ActorDep, store: SessionDep) -> CaseOut:
    """Open a missing-person case (case worker)."""
    return case_out(cases.open_case(store, actor, reference=body.reference,
                                    opened_on=body.opened_on,
                                    missing_since=body.missing_since,
                                    description=body.description))


@router.get("/cases")
def list_cases(actor: ActorDep, store: SessionDep,
               limit: Annotated[int, Query(ge=1, le=1000)] = 100,
               offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> list[CaseOut]:
    """Cases by reference."""
    return [case_out(c) for c in cases.list_cases(store, actor, limit=limit, offset=offset)]


@router.get("/cases/{case}")
def get_case(case: str, actor: ActorDep, store: SessionDep) -> CaseWithPeopleOut:
    """A case (by id or reference) and its people."""
    view = cases.get_case(store, actor, case)
    return CaseWithPeopleOut(**case_out(view.case).model_dump(),
                             people=[person_out(p) for p in view.people])


@router.post("/cases/{case}/persons", status_code=status.HTTP_201_CREATED)
def add_person(case: str, body: PersonIn, actor: ActorDep, store: SessionDep) -> PersonOut:
    """Add the missing person or a relative (parents must be in the case already)."""
    return person_out(cases.add_case_person(
        store, actor, case=case, label=body.label, role=body.role, father_id=body.father_id,
        mother_id=body.mother_id, relationship=body.relationship))


@router.get("/cases/{case}/pedigree")
def pedigree(case: str, actor: ActorDep, store: SessionDep) -> PedigreeOut:
    """The case pedigree (sex inferred from parenthood; nothing else is recorded)."""
    view, tree = cases.case_pedigree(store, actor, case)
    missing = view.missing[0].id if view.missing else None
    return PedigreeOut(case_id=view.case.id, missing_person=missing, persons=[
        {"id": p.id, "father": p.father, "mother": p.mother, "sex": p.sex}
        for p in tree.persons])
