"""The four-eyes rule of review, as a pure status function and against the store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reunite.errors import ConflictError, InputError, PermissionDenied
from reunite.genetics.profile import Genotype, Profile
from reunite.governance.indices import PersonRole
from reunite.governance.roles import Actor, Role
from reunite.services import review
from reunite.services.enrolment import EnrolmentTarget, enrol_profile
from reunite.storage.crypto import MasterKey
from reunite.storage.records import CandidateRecord, DecisionRecord
from reunite.storage.repositories import SqlStore
from support.service_world import REVIEWER, World

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def _d(reviewer: str, decision: str) -> DecisionRecord:
    return DecisionRecord("c", reviewer, decision, "why", NOW)


@pytest.mark.parametrize(("decisions", "status"), [
    ([], "pending"),
    ([_d("a", "confirm")], "awaiting-second-review"),
    ([_d("a", "confirm"), _d("a", "confirm")], "awaiting-second-review"),
    ([_d("a", "confirm"), _d("b", "confirm")], "confirmed"),
    ([_d("a", "confirm"), _d("b", "reject")], "rejected"),
    ([_d("a", "reject")], "rejected"),
])
def test_status__from_decisions(decisions: list[DecisionRecord], status: str) -> None:
    assert review.candidate_status(decisions) == status


def test_decide__two_different_reviewers_confirm(store: SqlStore, master: MasterKey,
                                                 world: World) -> None:
    profile = Profile("s", {"TH01": Genotype("6", "7")})
    ids = {role: enrol_profile(store, master, Actor.of("lab", [Role.LAB_ANALYST]), profile,
                               EnrolmentTarget(world.people[role], world.bases[role], "k", "l"))
           for role in (PersonRole.RELATIVE, PersonRole.UNIDENTIFIED_REMAINS)}
    with store.transaction() as repos:
        repos.candidates.add_many([CandidateRecord("c" * 32, ids[PersonRole.RELATIVE],
                                             ids[PersonRole.UNIDENTIFIED_REMAINS],
                                             world.case_id, "identification", 6.5,
                                             {"per_marker_log10_lr": {"TH01": 6.5}}, NOW)])
    other = Actor.of("rev2", [Role.REVIEWER])

    first = review.decide(store, REVIEWER, "c" * 32, decision="confirm", reason="ok")
    with pytest.raises(ConflictError, match="second, different reviewer"):
        review.decide(store, REVIEWER, "c" * 32, decision="confirm", reason="ok")
    with pytest.raises(InputError):
        review.decide(store, other, "c" * 32, decision="confirm", reason="  ")
    with pytest.raises(PermissionDenied):
        review.decide(store, Actor.of("lab", [Role.LAB_ANALYST]), "c" * 32,
                      decision="reject", reason="x")
    second = review.decide(store, other, "c" * 32, decision="confirm", reason="agree")
    with pytest.raises(ConflictError, match="confirmed already"):
        review.decide(store, other, "c" * 32, decision="reject", reason="late")

    assert first.status == "awaiting-second-review"
    assert second.status == "confirmed"
    assert second.case_reference == "MP-2026-001"
    assert second.target_person_id == world.people[PersonRole.UNIDENTIFIED_REMAINS]
    assert [v.candidate.id for v in review.list_candidates(store, REVIEWER,
                                                           status="confirmed")] == ["c" * 32]
