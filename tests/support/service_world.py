"""Actors, bases and a small world of people shared by the service tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reunite.governance.consent import Consent, ConsentScope, LegalOrder
from reunite.governance.indices import Index, PersonRole, Purpose
from reunite.governance.roles import Actor, Role

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


