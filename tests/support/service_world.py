"""Actors, bases and small worlds of people shared by the service tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.profile import Genotype, Profile
from reunite.governance.consent import Consent, ConsentScope, LegalOrder
from reunite.governance.indices import Index, PersonRole, Purpose
from reunite.governance.roles import Actor, Role
from reunite.services import bases, cases
from reunite.services.enrolment import EnrolmentTarget, enrol_profile, record_basis
from reunite.storage.crypto import MasterKey
from reunite.storage.repositories import SqlStore

TODAY = date(2026, 11, 25)
SETUP = Actor.of("setup", [Role.CASE_WORKER, Role.LAB_ANALYST])
LAB = Actor.of("lab", [Role.LAB_ANALYST])
DPO = Actor.of("dpo", [Role.DATA_PROTECTION_OFFICER])
ADMIN = Actor.of("admin", [Role.ADMIN])
REVIEWER = Actor.of("rev", [Role.REVIEWER])


def consent_for(index: Index, **changes: object) -> Consent:
    values: dict[str, object] = {
        "signed_by": "signed form", "signed_on": date(2026, 1, 1),
        "scope": ConsentScope(frozenset({index}),
                              frozenset({Purpose.IDENTIFICATION, Purpose.CONTAMINATION})),
        "international_sharing": False, "retention_until": date(2036, 1, 1),
        "review_on": date(2027, 1, 1),
    }
    values.update(changes)
    return Consent(**values)  # type: ignore[arg-type]


def remains_order() -> LegalOrder:
    return LegalOrder("Coroner", "CO-1", date(2026, 2, 1),
                      frozenset({Index.UNIDENTIFIED_REMAINS}))


@dataclass(frozen=True)
class World:
    case_id: str
    people: dict[PersonRole, str]
    bases: dict[PersonRole, str]




TRIO_TABLE = FrequencyTable("closed-form TH01", {"TH01": {"6": 0.2, "7": 0.3, "8": 0.5}})
"""One marker, TH01: 6 (0.2), 7 (0.3), 8 (0.5); no sample size."""
TRIO_DAY = date(2026, 11, 25)


def enrol_th01(store: SqlStore, master: MasterKey, person: str, basis: str, a: str,
               b: str) -> str:
    """Enrol a TH01 genotype for ``person`` on ``basis``; the profile id."""
    return enrol_profile(store, master, SETUP, Profile(person[:8], {"TH01": Genotype(a, b)}),
                         EnrolmentTarget(person, basis, "k", "l"), on=TRIO_DAY)


def th01_remains(store: SqlStore, master: MasterKey, label: str, a: str, b: str
                 ) -> tuple[str, str]:
    """Unidentified remains with a coroner's order and a TH01 profile: (profile, basis)."""
    person = cases.add_unidentified_person(store, SETUP, label=label,
                                           role="unidentified-remains")
    basis = record_basis(store, SETUP, person_id=person.id, basis=remains_order())
    return enrol_th01(store, master, person.id, basis, a, b), basis


def th01_trio(store: SqlStore, master: MasterKey) -> dict[str, str]:
    """Case MP-9: father 6/6 and mother 7/7 typed (consented), their child missing; remains
    ``child-remains`` 6/7 (the child) and ``other`` 8/8 (excluded without mutation)."""
    cases.open_case(store, SETUP, reference="MP-9")
    father = cases.add_case_person(store, SETUP, case="MP-9", label="father")
    mother = cases.add_case_person(store, SETUP, case="MP-9", label="mother")
    cases.add_case_person(store, SETUP, case="MP-9", label="child", role="missing",
                          father_id=father.id, mother_id=mother.id)
    for person, genotype in ((father, ("6", "6")), (mother, ("7", "7"))):
        basis = bases.record_consent(store, SETUP, person_id=person.id, signed_by="form",
                                     signed_on=date(2026, 1, 1),
                                     retention_until=date(2036, 1, 1),
                                     review_on=date(2027, 1, 1))
        enrol_th01(store, master, person.id, basis, *genotype)
    out = {}
    for label, genotype in (("child-remains", ("6", "7")), ("other", ("8", "8"))):
        out[label], out[f"{label}-basis"] = th01_remains(store, master, label, *genotype)
    return out
