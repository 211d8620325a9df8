"""The search gate: every forbidden index pair refused AND audited, every allowed one works."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from reunite.errors import InputError, PermissionDenied, PurposeNotPermitted
from reunite.genetics.profile import Profile
from reunite.governance.indices import Index, PersonRole, Purpose
from reunite.search import ProfileMatrix, direct_match
from reunite.search.settings import SearchSettings
from reunite.services.audit_service import audit_events
from reunite.services.enrolment import EnrolmentTarget, enrol_profile
from reunite.services.search_gate import authorize_search, governance_policy, searchable_profiles
from reunite.storage.crypto import MasterKey
from reunite.storage.repositories import SqlStore
from support.service_world import DPO, LAB, REVIEWER, TODAY, World

RD, RF = Index.REFERENCE_DIRECT, Index.REFERENCE_FAMILY
UL, UR, EL = Index.UNIDENTIFIED_LIVING, Index.UNIDENTIFIED_REMAINS, Index.ELIMINATION
# DESIGN.md's table written out by hand (query, target, purpose).
ALLOWED = {
    (RD, UL, "identification"), (RD, UR, "identification"), (RF, UL, "identification"),
    (RF, UR, "identification"), (UL, RD, "identification"), (UL, RF, "identification"),
    (UR, RD, "identification"), (UR, RF, "identification"), (UR, UR, "commingling"),
    *((EL, i, "contamination") for i in Index), *((i, EL, "contamination") for i in Index),
}
TRIPLES = list(itertools.product(Index, Index, Purpose))


def test_every_forbidden_pair_refused_and_audited(store: SqlStore) -> None:
    forbidden = [t for t in TRIPLES if (t[0], t[1], t[2].value) not in ALLOWED]

    for query, target, purpose in forbidden:
        with pytest.raises(PurposeNotPermitted) as info:
            authorize_search(store, REVIEWER, query_index=query, target_index=target,
                             purpose=purpose, record=f"{query.value}>{target.value}")
        assert info.value.purpose == purpose.value

    with store.transaction() as repos:
        events = [c.event for c in audit_events(repos)]
    refused = [(e.record, e.outcome) for e in events if e.action == "search"]
    assert len(forbidden) == 75 - 18
    assert refused == [(f"{q.value}>{t.value}", "refused") for q, t, _ in forbidden]


def test_every_allowed_pair_works_and_is_audited(store: SqlStore) -> None:
    allowed = [t for t in TRIPLES if (t[0], t[1], t[2].value) in ALLOWED]

    decisions = [authorize_search(store, LAB, query_index=q, target_index=t, purpose=p)
                 for q, t, p in allowed]

    assert all(d.allowed for d in decisions)
    assert [d.reportable_as_identification for d in decisions] == [
        p is Purpose.IDENTIFICATION for _, _, p in allowed]
    with store.transaction() as repos:
        outcomes = [c.event.outcome for c in audit_events(repos) if c.event.action == "search"]
    assert outcomes == ["done"] * 18


def test_search_needs_permission(store: SqlStore) -> None:
    with pytest.raises(PermissionDenied):
        authorize_search(store, DPO, query_index=RF, target_index=UR,
                         purpose=Purpose.IDENTIFICATION)

    with store.transaction() as repos:
        last = audit_events(repos)[-1].event
    assert (last.action, last.outcome) == ("search", "refused")


def test_searchable_profiles_respects_each_basis(store: SqlStore, master: MasterKey,
                                                 world: World) -> None:
    profile = Profile.from_mapping("R1", {"D3S1358": ["14", "15"]})
    relative = world.people[PersonRole.RELATIVE]
    profile_id = enrol_profile(store, master, LAB, profile, EnrolmentTarget(
        relative, world.bases[PersonRole.RELATIVE], "kit", "lab"), on=TODAY)

    now = searchable_profiles(store, LAB, index=RF, purpose=Purpose.IDENTIFICATION, on=TODAY)
    not_covered = searchable_profiles(store, LAB, index=RF, purpose=Purpose.COMMINGLING,
                                      on=TODAY)
    after_retention = searchable_profiles(store, LAB, index=RF,
                                          purpose=Purpose.IDENTIFICATION, on=date(2040, 1, 1))

    assert now == [profile_id]
    assert not_covered == []
    assert after_retention == []


def test_governance_policy_allows_the_matrix_and_refuses_the_rest() -> None:
    allowed = governance_policy("reference-family", "unidentified-remains",
                                purpose="identification")

    assert allowed.allowed
    with pytest.raises(PurposeNotPermitted):
        governance_policy("reference-family", "reference-direct", purpose="identification")
    with pytest.raises(PurposeNotPermitted):
        governance_policy("elimination", "unidentified-living", purpose="identification")
    with pytest.raises(InputError, match="unknown index"):
        governance_policy("criminal", "unidentified-living", purpose="identification")


def test_engine_with_governance_policy_refuses_a_forbidden_pair() -> None:
    matrix = ProfileMatrix(["vWA"])
    matrix.add_genotype_texts(["A"], [{"vWA": ("14", "17")}])

    with pytest.raises(PurposeNotPermitted):
        direct_match(matrix, {"vWA": ("14", "17")}, settings=SearchSettings(),
                     query_index="unidentified-living", target_index="unidentified-remains",
                     policy=governance_policy)
    hits = direct_match(matrix, {"vWA": ("14", "17")}, settings=SearchSettings(),
                        query_index="reference-direct", target_index="unidentified-living",
                        policy=governance_policy, min_shared=1).hits
    assert [h.profile_id for h in hits] == ["A"]
