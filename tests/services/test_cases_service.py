"""Cases and pedigrees: the stored links always form a valid pedigree."""

from __future__ import annotations

import pytest

from reunite.errors import CaseError, ConflictError, InputError, PedigreeError, PermissionDenied
from reunite.services import cases
from reunite.storage.repositories import SqlStore
from support.service_world import LAB, SETUP


def test_case__pedigree_sexes_come_from_parenthood(store: SqlStore) -> None:
    cases.open_case(store, SETUP, reference="MP-1")
    father = cases.add_case_person(store, SETUP, case="MP-1", label="father")
    mother = cases.add_case_person(store, SETUP, case="MP-1", label="mother")
    missing = cases.add_case_person(store, SETUP, case="MP-1", label="mp", role="missing",
                                    father_id=father.id, mother_id=mother.id)

    view, pedigree = cases.case_pedigree(store, SETUP, "MP-1")

    assert [p.id for p in view.missing] == [missing.id]
    assert pedigree.person(father.id).sex == "male"
    assert pedigree.person(mother.id).sex == "female"
    assert pedigree.person(missing.id).sex == "unknown"
    assert pedigree.person(missing.id).father == father.id


def test_case__refusals(store: SqlStore) -> None:
    record = cases.open_case(store, SETUP, reference="MP-2")
    a = cases.add_case_person(store, SETUP, case=record.id, label="a")
    cases.add_case_person(store, SETUP, case=record.id, label="mp", role="missing")

    with pytest.raises(ConflictError):
        cases.open_case(store, SETUP, reference="MP-2")
    with pytest.raises(PermissionDenied):
        cases.open_case(store, LAB, reference="MP-3")
    with pytest.raises(ConflictError):
        cases.add_case_person(store, SETUP, case="MP-2", label="a")
    with pytest.raises(ConflictError):
        cases.add_case_person(store, SETUP, case="MP-2", label="mp2", role="missing")
    with pytest.raises(CaseError) as not_in_case:
        cases.add_case_person(store, SETUP, case="MP-2", label="c", father_id="f" * 32,
                              mother_id=a.id)
    with pytest.raises(PedigreeError):  # one person as father and mother
        cases.add_case_person(store, SETUP, case="MP-2", label="c", father_id=a.id,
                              mother_id=a.id)
    with pytest.raises(InputError):
        cases.add_case_person(store, SETUP, case="MP-2", label="x",
                              role="unidentified-remains")

    assert not_in_case.value.field == "father_id"
