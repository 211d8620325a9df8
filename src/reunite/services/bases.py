"""Recording the basis a person's profile is held on: a signed consent or a legal order.

From plain fields (the API's, the web form's, ``reunite case consent|order``) to a
:class:`~reunite.governance.consent.Consent` or :class:`~reunite.governance.consent.LegalOrder`
recorded by :func:`reunite.services.enrolment.record_basis` (permission-checked, audited).
The index defaults to the one the person's role fixes; a consent's purpose defaults to
identification, a legal order's to identification and commingling.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from reunite.errors import InputError
from reunite.governance.consent import Basis, Consent, ConsentScope, LegalOrder
from reunite.governance.indices import Index, PersonRole, Purpose
from reunite.governance.roles import Action, Actor
from reunite.services import enrolment
from reunite.services.audit_service import checked
from reunite.storage.records import BasisRecord, PersonRecord
from reunite.storage.repositories import SqlStore

__all__ = ["person_bases", "record_consent", "record_legal_order"]


def _indices(values: Iterable[str] | None, default: Index) -> frozenset[Index]:
    try:
        return frozenset(Index(v) for v in values) if values else frozenset({default})
    except ValueError as exc:
        raise InputError("unknown index", field="indices", value=list(values or [])) from exc


def _purposes(values: Iterable[str] | None, default: Iterable[Purpose]) -> frozenset[Purpose]:
    try:
        return frozenset(Purpose(v) for v in values) if values else frozenset(default)
    except ValueError as exc:
        raise InputError("unknown purpose", field="purposes", value=list(values or [])) from exc


def _person(store: SqlStore, person_id: str) -> PersonRecord:
    with store.transaction() as repos:
        return repos.cases.get_person(person_id)


def record_consent(store: SqlStore, actor: Actor, *, person_id: str, signed_by: str,
                   signed_on: date, retention_until: date, review_on: date,
                   indices: Iterable[str] | None = None,
                   purposes: Iterable[str] | None = None,
                   international_sharing: bool = False) -> str:
    """Record a signed consent for a person; the index defaults to the person's own."""
    checked(store, actor, Action.RECORD_BASIS, f"person:{person_id}")
    person = _person(store, person_id)
    basis: Basis = Consent(
        signed_by=signed_by, signed_on=signed_on,
        scope=ConsentScope(_indices(indices, PersonRole(person.role).profile_index),
                           _purposes(purposes, [Purpose.IDENTIFICATION])),
        international_sharing=international_sharing, retention_until=retention_until,
        review_on=review_on)
    return enrolment.record_basis(store, actor, person_id=person_id, basis=basis)


def record_legal_order(store: SqlStore, actor: Actor, *, person_id: str, authority: str,
                       reference: str, issued_on: date, expires_on: date | None = None,
                       indices: Iterable[str] | None = None,
                       purposes: Iterable[str] | None = None) -> str:
    """Record a legal order (unidentified remains) for a person."""
    checked(store, actor, Action.RECORD_BASIS, f"person:{person_id}")
    person = _person(store, person_id)
    basis = LegalOrder(authority=authority, reference=reference, issued_on=issued_on,
                       indices=_indices(indices, PersonRole(person.role).profile_index),
                       purposes=_purposes(purposes, [Purpose.IDENTIFICATION,
                                                     Purpose.COMMINGLING]),
                       expires_on=expires_on)
    return enrolment.record_basis(store, actor, person_id=person_id, basis=basis)


def person_bases(store: SqlStore, actor: Actor, person_id: str) -> list[BasisRecord]:
    """The consents and legal orders recorded for a person (``read-case``)."""
    checked(store, actor, Action.READ_CASE, f"person:{person_id}")
    with store.transaction() as repos:
        repos.cases.get_person(person_id)
        return repos.bases.for_persons([person_id]).get(person_id, [])
