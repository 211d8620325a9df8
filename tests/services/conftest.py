"""Service fixtures: the shared database fixtures (``tests/support/store_fixtures.py``) and a world.

PostgreSQL runs in a schema of its own per test (``search_path``), dropped afterwards,
so parallel xdist workers never meet.
"""

from __future__ import annotations

from datetime import date

import pytest

from reunite.governance.indices import PersonRole
from reunite.services.enrolment import add_person, open_case, record_basis
from reunite.storage.repositories import SqlStore
from support.service_world import SETUP, World, consent_for, remains_order
from support.store_fixtures import engine, master, store

__all__ = ["engine", "master", "store", "world"]


@pytest.fixture
def world(store: SqlStore) -> World:
    case_id = open_case(store, SETUP, reference="MP-2026-001", opened_on=date(2026, 1, 1))
    people: dict[PersonRole, str] = {}
    bases: dict[PersonRole, str] = {}
    for role in PersonRole:
        in_case = role in (PersonRole.MISSING, PersonRole.RELATIVE)
        people[role] = add_person(store, SETUP, case_id=case_id if in_case else None,
                                  role=role, label=role.value)
        basis = (remains_order() if role is PersonRole.UNIDENTIFIED_REMAINS
                 else consent_for(role.profile_index))
        bases[role] = record_basis(store, SETUP, person_id=people[role], basis=basis)
    return World(case_id, people, bases)
