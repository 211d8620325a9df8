"""Enrolment: one profile, one person, one basis — refused and audited otherwise."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from reunite.errors import ConflictError, ConsentError, NotFoundError, PermissionDenied
from reunite.genetics.profile import Profile
from reunite.governance.indices import Index, PersonRole
from reunite.services.audit_service import audit_events
from reunite.services.enrolment import (
    EnrolmentTarget,
    enrol_profile,
    read_profile,
    record_basis,
)
from reunite.storage.crypto import MasterKey
from reunite.storage.repositories import SqlStore
from support.service_world import DPO, LAB, REVIEWER, SETUP, TODAY, World, consent_for

PROFILE = Profile.from_mapping("LAB-17", {"D3S1358": ["14", "15"], "FGA": ["22.2", "24"],
                                          "TH01": ["9.3", None]})


def target(world: World, role: PersonRole, *, basis: str | None = "own") -> EnrolmentTarget:
    basis_id = world.bases[role] if basis == "own" else basis
    return EnrolmentTarget(world.people[role], basis_id, kit="GlobalFiler", lab="Lab A")


def last_event(store: SqlStore) -> tuple[str, str | None, str, str]:
    with store.transaction() as repos:
        event = audit_events(repos)[-1].event
    return event.action, event.record, event.outcome, event.reason


def profile_count(store: SqlStore) -> int:
    with store.transaction() as repos:
        return repos.profiles.count()


class TestEnrolmentExamples:
    @pytest.mark.parametrize("role", list(PersonRole))
    def test_enrol_each_role_into_its_index(self, store: SqlStore, master: MasterKey,
                                            world: World, role: PersonRole) -> None:
        profile_id = enrol_profile(store, master, LAB, PROFILE, target(world, role), on=TODAY)

        with store.transaction() as repos:
            stored = repos.profiles.get(profile_id)
        assert stored.index == role.profile_index.value
        assert read_profile(store, master, LAB, profile_id, reason="QC") == PROFILE
        assert last_event(store)[:3] == ("read-profile", f"profile:{profile_id}", "done")

    def test_enrolment_is_audited_without_genotypes(self, store: SqlStore, master: MasterKey,
                                                    world: World) -> None:
        profile_id = enrol_profile(store, master, LAB, PROFILE,
                                   target(world, PersonRole.RELATIVE), on=TODAY)

        action, record, outcome, reason = last_event(store)
        assert (action, record, outcome) == ("enrol-profile", f"profile:{profile_id}", "done")
        assert "reference-family" in reason
        assert "22.2" not in reason

    def test_genotypes_are_not_stored_in_clear(self, store: SqlStore, master: MasterKey,
                                               world: World) -> None:
        enrol_profile(store, master, LAB, PROFILE, target(world, PersonRole.RELATIVE), on=TODAY)

        with store.engine.connect() as connection:
            blob = connection.execute(text("SELECT ciphertext FROM profile")).scalar_one()
        assert b"D3S1358" not in bytes(blob)
        assert b"22.2" not in bytes(blob)


class TestEnrolmentErrors:
    def test_without_basis_refused_and_audited(self, store: SqlStore, master: MasterKey,
                                               world: World) -> None:
        with pytest.raises(ConsentError, match="no basis"):
            enrol_profile(store, master, LAB, PROFILE,
                          target(world, PersonRole.RELATIVE, basis=None), on=TODAY)

        assert profile_count(store) == 0
        action, record, outcome, _ = last_event(store)
        assert (action, record, outcome) == (
            "enrol-profile", f"person:{world.people[PersonRole.RELATIVE]}", "refused")

    def test_unknown_basis_id_refused(self, store: SqlStore, master: MasterKey,
                                      world: World) -> None:
        with pytest.raises(ConsentError, match="no basis"):
            enrol_profile(store, master, LAB, PROFILE,
                          target(world, PersonRole.RELATIVE, basis="f" * 32), on=TODAY)

        assert profile_count(store) == 0

    def test_someone_elses_basis_refused(self, store: SqlStore, master: MasterKey,
                                         world: World) -> None:
        with pytest.raises(ConsentError, match="another person"):
            enrol_profile(store, master, LAB, PROFILE,
                          target(world, PersonRole.RELATIVE,
                                 basis=world.bases[PersonRole.MISSING]), on=TODAY)

        assert profile_count(store) == 0
        assert last_event(store)[2] == "refused"

    def test_withdrawn_consent_refused(self, store: SqlStore, master: MasterKey,
                                       world: World) -> None:
        person = world.people[PersonRole.RELATIVE]
        basis = record_basis(store, SETUP, person_id=person, basis=consent_for(
            Index.REFERENCE_FAMILY, withdrawn_on=date(2026, 5, 1)))

        with pytest.raises(ConsentError) as info:
            enrol_profile(store, master, LAB, PROFILE,
                          target(world, PersonRole.RELATIVE, basis=basis), on=TODAY)

        assert [p.field for p in info.value.problems] == ["withdrawn_on"]
        assert profile_count(store) == 0

    def test_scope_not_covering_index_refused(self, store: SqlStore, master: MasterKey,
                                              world: World) -> None:
        person = world.people[PersonRole.RELATIVE]
        basis = record_basis(store, SETUP, person_id=person,
                             basis=consent_for(Index.UNIDENTIFIED_LIVING))

        with pytest.raises(ConsentError) as info:
            enrol_profile(store, master, LAB, PROFILE,
                          target(world, PersonRole.RELATIVE, basis=basis), on=TODAY)

        assert info.value.problems[0].value == "reference-family"

    def test_reviewer_may_not_enrol(self, store: SqlStore, master: MasterKey,
                                    world: World) -> None:
        with pytest.raises(PermissionDenied):
            enrol_profile(store, master, REVIEWER, PROFILE,
                          target(world, PersonRole.RELATIVE), on=TODAY)

        assert last_event(store)[2] == "refused"
        assert profile_count(store) == 0

    def test_dpo_may_not_read_genotypes(self, store: SqlStore, master: MasterKey,
                                        world: World) -> None:
        profile_id = enrol_profile(store, master, LAB, PROFILE,
                                   target(world, PersonRole.RELATIVE), on=TODAY)

        with pytest.raises(PermissionDenied):
            read_profile(store, master, DPO, profile_id, reason="curious")

    def test_closed_case_takes_no_new_profiles(self, store: SqlStore, master: MasterKey,
                                                world: World) -> None:
        with store.transaction() as repos:
            repos.cases.close_case(world.case_id, on=TODAY, retention_until=date(2030, 1, 1))

        with pytest.raises(ConflictError, match="closed"):
            enrol_profile(store, master, LAB, PROFILE, target(world, PersonRole.RELATIVE),
                          on=TODAY)

        assert profile_count(store) == 0
        # People outside any case (unidentified, staff) are not affected.
        enrol_profile(store, master, LAB, PROFILE,
                      target(world, PersonRole.UNIDENTIFIED_REMAINS), on=TODAY)

    def test_read_unknown_profile(self, store: SqlStore, master: MasterKey) -> None:
        with pytest.raises(NotFoundError):
            read_profile(store, master, LAB, "0" * 32, reason="QC")
