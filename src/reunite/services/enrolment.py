"""Enrolment: open a case, record people and their basis, enrol ONE profile for ONE person.

DESIGN.md, "Purpose and limits": no basis, no storage; enrolment is per person and per
case, and there is no bulk path that enrols a population and no query by sex, ethnicity
or residence. The profile goes into the index fixed by the person's role, and only when
the person's own basis is valid for that index today. Genotypes are sealed (AES-GCM, see
:mod:`reunite.storage.crypto`) as canonical JSON before they reach the database.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from reunite.errors import ConflictError, ConsentError, GovernanceError, IntegrityError
from reunite.genetics.profile import Profile
from reunite.governance.audit import canonical_json
from reunite.governance.consent import (
    Basis,
    Consent,
    ConsentScope,
    LegalOrder,
    check_basis,
    require_valid_basis,
)
from reunite.governance.indices import Index, PersonRole, Purpose
from reunite.governance.roles import Action, Actor
from reunite.io.profile_json import profile_from_json_data
from reunite.services.audit_service import AuditEntry, append_audit, checked, record_refusal
from reunite.storage.crypto import MasterKey, open_sealed, seal
from reunite.storage.records import BasisRecord, CaseRecord, PersonRecord, StoredProfile
from reunite.storage.repositories import Repositories, SqlStore

__all__ = [
    "EnrolmentTarget",
    "add_person",
    "basis_from_record",
    "basis_to_record",
    "enrol_json",
    "enrol_profile",
    "new_id",
    "new_ids",
    "newest_valid_basis",
    "open_case",
    "payload_to_profile",
    "profile_to_payload",
    "read_profile",
    "record_basis",
]

_T = TypeVar("_T")


def new_id() -> str:
    """A new record id: 32 hex digits, time-ordered like a UUIDv7 (RFC 9562).

    48 bits of Unix milliseconds, then 80 random bits. Time order keeps B-tree inserts
    near the right edge of each index, which matters for batch imports.
    """
    return f"{time.time_ns() // 1_000_000:012x}{os.urandom(10).hex()}"


def new_ids(n: int) -> list[str]:
    """``n`` distinct ids in increasing order: one time prefix and random batch tag, then a
    counter (the layout of :func:`new_id`: 12 + 8 + 12 hex digits)."""
    prefix = f"{time.time_ns() // 1_000_000:012x}{os.urandom(4).hex()}"
    return [f"{prefix}{i:012x}" for i in range(n)]


def profile_to_payload(profile: Profile) -> bytes:
    """Canonical JSON of a profile: ``{"id": ..., "genotypes": {marker: [allele, ...]}}``.

    A partial genotype is written with ``null`` for the unknown allele.
    """
    genotypes: dict[str, list[str | None]] = {}
    for marker, genotype in profile.genotypes.items():
        alleles = genotype.alleles
        genotypes[marker] = ([alleles[0].text, alleles[1].text] if len(alleles) == 2
                             else [alleles[0].text, None])
    return canonical_json({"id": profile.id, "genotypes": genotypes})


def payload_to_profile(payload: bytes) -> Profile:
    """The inverse of :func:`profile_to_payload`."""
    document = json.loads(payload)
    genotypes: Mapping[str, object] = document["genotypes"]
    return Profile.from_mapping(document["id"], genotypes, allow_unknown_markers=True)


def basis_to_record(basis: Basis, *, basis_id: str, person_id: str) -> BasisRecord:
    """The storage form of a consent or legal order."""
    if isinstance(basis, Consent):
        return BasisRecord(
            basis_id, person_id, basis.kind,
            tuple(sorted(i.value for i in basis.scope.indices)),
            tuple(sorted(p.value for p in basis.scope.purposes)),
            signed_by=basis.signed_by, signed_on=basis.signed_on, duo_terms=basis.duo_terms,
            international_sharing=basis.international_sharing,
            retention_until=basis.retention_until, review_on=basis.review_on,
            withdrawn_on=basis.withdrawn_on,
        )
    return BasisRecord(
        basis_id, person_id, basis.kind, tuple(sorted(i.value for i in basis.indices)),
        tuple(sorted(p.value for p in basis.purposes)), authority=basis.authority,
        order_reference=basis.reference, issued_on=basis.issued_on,
        expires_on=basis.expires_on, revoked_on=basis.revoked_on,
    )


def _required(value: _T | None, record: BasisRecord, name: str) -> _T:
    if value is None:
        raise IntegrityError(f"stored basis {record.id} has no {name}", field=name)
    return value


def basis_from_record(record: BasisRecord) -> Basis:
    """The consent or legal order a stored basis records."""
    indices = frozenset(Index(v) for v in record.indices)
    purposes = frozenset(Purpose(v) for v in record.purposes)
    if record.kind == "consent":
        return Consent(
            signed_by=_required(record.signed_by, record, "signed_by"),
            signed_on=_required(record.signed_on, record, "signed_on"),
            scope=ConsentScope(indices, purposes),
            international_sharing=bool(record.international_sharing),
            retention_until=_required(record.retention_until, record, "retention_until"),
            review_on=_required(record.review_on, record, "review_on"),
            withdrawn_on=record.withdrawn_on,
        )
    return LegalOrder(
        authority=_required(record.authority, record, "authority"),
        reference=_required(record.order_reference, record, "order_reference"),
        issued_on=_required(record.issued_on, record, "issued_on"),
        indices=indices, purposes=purposes, expires_on=record.expires_on,
        revoked_on=record.revoked_on,
    )


def open_case(store: SqlStore, actor: Actor, *, reference: str, opened_on: date,
              missing_since: date | None = None, description: str = "") -> str:
    """Open a missing-person case; returns its id."""
    checked(store, actor, Action.OPEN_CASE, f"case:{reference}")
    case_id = new_id()
    with store.transaction() as repos:
        repos.cases.add_case(CaseRecord(case_id, reference, opened_on, "open", missing_since,
                                        description=description))
        append_audit(repos, AuditEntry(actor.name, Action.OPEN_CASE.value, f"case:{case_id}",
                                      f"opened case {reference}"))
    return case_id


def add_person(store: SqlStore, actor: Actor, *, case_id: str | None, role: PersonRole,
               label: str, father_id: str | None = None, mother_id: str | None = None,
               relationship: str = "") -> str:
    """Record one person (in a case's pedigree when ``case_id`` is given); returns the id."""
    checked(store, actor, Action.OPEN_CASE, f"case:{case_id}")
    person_id = new_id()
    with store.transaction() as repos:
        if case_id is not None:
            repos.cases.get_case(case_id)
        repos.cases.add_person(PersonRecord(person_id, case_id, PersonRole(role), label,
                                            father_id, mother_id, relationship))
        append_audit(repos, AuditEntry(actor.name, "add-person", f"person:{person_id}",
                                      f"{PersonRole(role).value} {label!r} in case {case_id}"))
    return person_id


def record_basis(store: SqlStore, actor: Actor, *, person_id: str, basis: Basis) -> str:
    """Record the consent or legal order a person's profile will be held on; returns its id."""
    checked(store, actor, Action.RECORD_BASIS, f"person:{person_id}")
    basis_id = new_id()
    with store.transaction() as repos:
        repos.cases.get_person(person_id)
        repos.bases.add(basis_to_record(basis, basis_id=basis_id, person_id=person_id))
        append_audit(repos, AuditEntry(actor.name, Action.RECORD_BASIS.value,
                                      f"basis:{basis_id}",
                                      f"{basis.kind} for person {person_id}"))
    return basis_id


@dataclass(frozen=True)
class EnrolmentTarget:
    """Where a profile goes: the person, the basis it is held on, and the lab facts."""

    person_id: str
    basis_id: str | None
    kit: str
    lab: str
    frequency_table_hash: str | None = None
    sample_id: str | None = None


def _check_target(repos: Repositories, target: EnrolmentTarget, basis: Basis | None,
                  basis_person: str | None, on: date) -> Index:
    person = repos.cases.get_person(target.person_id)
    index = PersonRole(person.role).profile_index
    if person.case_id is not None and repos.cases.statuses([person.case_id]).get(
            person.case_id) != "open":
        raise ConflictError("the person's case is closed: no new profiles", case=person.case_id)
    if basis is not None and basis_person != target.person_id:
        raise ConsentError("the basis belongs to another person", field="basis_id",
                           value=target.basis_id)
    require_valid_basis(basis, index=index, on=on)
    return index


def enrol_profile(store: SqlStore, master: MasterKey, actor: Actor, profile: Profile,
                  target: EnrolmentTarget, *, on: date | None = None) -> str:
    """Enrol one profile for one person on that person's basis; returns the profile id.

    Refuses with :class:`ConsentError` (and an audit event) when there is no basis, the
    basis belongs to someone else, or it is withdrawn, expired or does not cover the index.
    """
    checked(store, actor, Action.ENROL_PROFILE, f"person:{target.person_id}")
    today = on or datetime.now(UTC).date()
    profile_id = new_id()
    try:
        with store.transaction() as repos:
            basis: Basis | None = None
            basis_person: str | None = None
            if target.basis_id is not None:
                found = repos.bases.get_many([target.basis_id]).get(target.basis_id)
                if found is not None:
                    basis_person, basis = found.person_id, basis_from_record(found)
            index = _check_target(repos, target, basis, basis_person, today)
            sealed = seal(master, key_id=new_id(), record_id=profile_id,
                          plaintext=profile_to_payload(profile))
            repos.profiles.add(StoredProfile(
                profile_id, target.person_id, str(target.basis_id), index.value, target.kit,
                target.lab, target.frequency_table_hash, sealed, datetime.now(UTC),
                target.sample_id))
            append_audit(repos, AuditEntry(
                actor.name, Action.ENROL_PROFILE.value, f"profile:{profile_id}",
                f"person {target.person_id} into {index.value} on basis {target.basis_id}"))
    except GovernanceError as exc:
        record_refusal(store, actor, Action.ENROL_PROFILE.value, f"person:{target.person_id}",
                       exc)
        raise
    return profile_id


def read_profile(store: SqlStore, master: MasterKey, actor: Actor, profile_id: str, *,
                 reason: str) -> Profile:
    """Decrypt one profile for an actor allowed to read it; the read is audited."""
    checked(store, actor, Action.READ_PROFILE, f"profile:{profile_id}")
    with store.transaction() as repos:
        stored = repos.profiles.get(profile_id)
        append_audit(repos, AuditEntry(actor.name, Action.READ_PROFILE.value,
                                      f"profile:{profile_id}", reason))
    return payload_to_profile(open_sealed(master, stored.sealed, record_id=profile_id))


def newest_valid_basis(person: PersonRecord, bases: Sequence[BasisRecord], on: date
                       ) -> str | None:
    """The id of the person's newest basis valid on ``on`` for the index the person's role
    fixes (None when there is none): what an enrolment by person, not by basis, holds the
    profile on."""
    index = PersonRole(person.role).profile_index
    for record in sorted(bases, key=lambda b: (b.signed_on or b.issued_on or date.min, b.id),
                         reverse=True):
        if check_basis(basis_from_record(record), index=index, on=on).allowed:
            return record.id
    return None


def enrol_json(store: SqlStore, master: MasterKey, actor: Actor, *, person_id: str,
               data: Any, kit: str, lab: str, basis_id: str | None = None,
               frequency_table_hash: str | None = None) -> str:
    """Enrol one profile given as profile JSON (``{"id", "genotypes"}``) for a person.

    Without ``basis_id`` the person's newest valid basis is used; :func:`enrol_profile`
    refuses (and audits) when there is none.
    """
    profile = profile_from_json_data(data, source="profile")
    if basis_id is None:
        with store.transaction() as repos:
            person = repos.cases.get_person(person_id)
            bases = repos.bases.for_persons([person_id]).get(person_id, [])
        basis_id = newest_valid_basis(person, bases, datetime.now(UTC).date())
    return enrol_profile(store, master, actor, profile, EnrolmentTarget(
        person_id, basis_id, kit, lab, frequency_table_hash))
