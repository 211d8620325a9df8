"""People outside cases, their consents and legal orders, and profile enrolment."""

from __future__ import annotations

from fastapi import APIRouter, status

from reunite.api.deps import ActorDep, SessionDep, WorkspaceDep
from reunite.api.routes.cases import person_out
from reunite.api.schemas import (
    BasisOut,
    ConsentIn,
    IdOut,
    LegalOrderIn,
    PersonOut,
    ProfileIn,
    UnidentifiedPersonIn,
)
from reunite.services import bases, cases, enrolment

router = APIRouter(tags=["persons"])


@router.post("/persons", status_code=status.HTTP_201_CREATED)
def add_person(body: UnidentifiedPersonIn, actor: ActorDep, store: SessionDep) -> PersonOut:
    """Record an unidentified living person, remains, or a staff member (no case)."""
    return person_out(cases.add_unidentified_person(store, actor, label=body.label,
                                                    role=body.role))


@router.post("/persons/{person_id}/consents", status_code=status.HTTP_201_CREATED)
def record_consent(person_id: str, body: ConsentIn, actor: ActorDep,
                   store: SessionDep) -> IdOut:
    """Record a signed consent; the index defaults to the one the person's role fixes."""
    return IdOut(id=bases.record_consent(
        store, actor, person_id=person_id, signed_by=body.signed_by,
        signed_on=body.signed_on, retention_until=body.retention_until,
        review_on=body.review_on, indices=body.indices, purposes=body.purposes,
        international_sharing=body.international_sharing))


@router.get("/persons/{person_id}/bases")
def list_bases(person_id: str, actor: ActorDep, store: SessionDep) -> list[BasisOut]:
    """The consents and legal orders recorded for a person."""
    return [BasisOut(id=b.id, person_id=b.person_id, kind=b.kind, indices=list(b.indices),
                     purposes=list(b.purposes), signed_on=b.signed_on,
                     retention_until=b.retention_until, withdrawn_on=b.withdrawn_on,
                     authority=b.authority, order_reference=b.order_reference,
                     issued_on=b.issued_on, expires_on=b.expires_on, revoked_on=b.revoked_on)
            for b in bases.person_bases(store, actor, person_id)]


@router.post("/persons/{person_id}/legal-orders", status_code=status.HTTP_201_CREATED)
def record_legal_order(person_id: str, body: LegalOrderIn, actor: ActorDep,
                       store: SessionDep) -> IdOut:
    """Record a legal order (authority, reference, dates)."""
    return IdOut(id=bases.record_legal_order(
        store, actor, person_id=person_id, authority=body.authority,
        reference=body.reference, issued_on=body.issued_on, expires_on=body.expires_on,
        indices=body.indices, purposes=body.purposes))


@router.post("/persons/{person_id}/profiles", status_code=status.HTTP_201_CREATED)
def enrol_profile(person_id: str, body: ProfileIn, actor: ActorDep,
                  workspace: WorkspaceDep) -> IdOut:
    """Enrol one profile (profile JSON) on the person's basis; genotypes are encrypted."""
    return IdOut(id=enrolment.enrol_json(
        workspace.store, workspace.master, actor, person_id=person_id, data=body.profile,
        kit=body.kit, lab=body.lab, basis_id=body.basis_id,
        frequency_table_hash=workspace.frequencies.content_hash))
