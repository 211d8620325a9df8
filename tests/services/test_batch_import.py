"""Lab batch import: all-or-nothing, every item checked against its own person's basis."""

from __future__ import annotations

from datetime import date

import pytest

from reunite.errors import ConsentError, PermissionDenied
from reunite.genetics.profile import Profile
from reunite.governance.indices import Index, PersonRole
from reunite.services.audit_service import audit_events, verify_audit
from reunite.services.batch_import import ImportItem, import_batch
from reunite.services.enrolment import EnrolmentTarget, add_person, read_profile, record_basis
from reunite.storage.crypto import MasterKey
from reunite.storage.repositories import SqlStore
from support.service_world import LAB, REVIEWER, SETUP, TODAY, World, consent_for


def relatives(store: SqlStore, world: World, n: int, prefix: str = "r",
              **consent: object) -> list[tuple[str, str]]:
    out = []
    for i in range(n):
        person = add_person(store, SETUP, case_id=world.case_id, role=PersonRole.RELATIVE,
                            label=f"{prefix}{i}")
        basis = record_basis(store, SETUP, person_id=person,
                             basis=consent_for(Index.REFERENCE_FAMILY, **consent))
        out.append((person, basis))
    return out


def items(people: list[tuple[str, str]]) -> list[ImportItem]:
    return [ImportItem(Profile.from_mapping(f"B{i}", {"TH01": [str(6 + i), "9.3"]}),
                       EnrolmentTarget(person, basis, "kit", "lab"))
            for i, (person, basis) in enumerate(people)]


def count(store: SqlStore) -> int:
    with store.transaction() as repos:
        return repos.profiles.count()


def test_import_batch(store: SqlStore, master: MasterKey, world: World) -> None:
    batch = items(relatives(store, world, 4))

    ids = import_batch(store, master, LAB, batch, batch="plate-7", on=TODAY)

    assert len(ids) == 4
    assert [read_profile(store, master, LAB, pid, reason="QC") for pid in ids] == [
        item.profile for item in batch]
    with store.transaction() as repos:
        imported = [c.event.record for c in audit_events(repos)
                    if c.event.action == "import-profiles"]
    assert imported == [f"profile:{pid}" for pid in ids] + ["batch:plate-7"]
    assert verify_audit(store, LAB.__class__.of("aud", ["auditor"])) > 0


def test_one_bad_item_imports_nothing(store: SqlStore, master: MasterKey, world: World) -> None:
    good = relatives(store, world, 3)
    withdrawn = relatives(store, world, 1, "w", withdrawn_on=date(2026, 3, 1))
    batch = items(good[:2] + withdrawn + good[2:])
    batch.append(ImportItem(batch[0].profile, EnrolmentTarget(good[0][0], None, "kit", "lab")))
    batch.append(ImportItem(batch[0].profile,
                            EnrolmentTarget(good[0][0], good[1][1], "kit", "lab")))

    with pytest.raises(ConsentError, match="nothing was imported") as info:
        import_batch(store, master, LAB, batch, batch="plate-8", on=TODAY)

    assert [(p.line, p.field) for p in info.value.problems] == [
        (3, "basis_id"), (5, "basis_id"), (6, "basis_id")]
    assert "withdrawn" in info.value.problems[0].message
    assert count(store) == 0
    with store.transaction() as repos:
        last = audit_events(repos)[-1].event
    assert (last.action, last.record, last.outcome) == (
        "import-profiles", "batch:plate-8", "refused")


def test_closed_case_refused(store: SqlStore, master: MasterKey, world: World) -> None:
    batch = items(relatives(store, world, 2))
    with store.transaction() as repos:
        repos.cases.close_case(world.case_id, on=TODAY, retention_until=date(2030, 1, 1))

    with pytest.raises(ConsentError) as info:
        import_batch(store, master, LAB, batch, batch="late", on=TODAY)

    assert [(p.line, p.field) for p in info.value.problems] == [(1, "person_id"),
                                                                 (2, "person_id")]
    assert count(store) == 0


def test_import_needs_lab_role(store: SqlStore, master: MasterKey, world: World) -> None:
    with pytest.raises(PermissionDenied):
        import_batch(store, master, REVIEWER, items(relatives(store, world, 1)), batch="x")

    assert count(store) == 0
