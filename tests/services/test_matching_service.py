"""The matching engine over the store: closed-form LRs, the policy gate, withdrawal.

One marker, TH01, frequencies 6: 0.2, 7: 0.3, 8: 0.5, no mutation. Father 6/6, mother 7/7:
their child is 6/7 with probability 1, so the LR of a 6/7 candidate being the missing
child is 1 / (2 · 0.2 · 0.3) = 8.333…; a candidate 8/8 cannot be their child (LR 0).
"""

from __future__ import annotations

import math
from datetime import date

import pytest
from service_world import SETUP, remains_order

from reunite.errors import CaseError, GovernanceError, PermissionDenied
from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.profile import Genotype, Profile
from reunite.governance.consent import LegalOrder
from reunite.governance.indices import Index
from reunite.governance.roles import Actor, Role
from reunite.services import bases, cases
from reunite.services.enrolment import EnrolmentTarget, enrol_profile, record_basis
from reunite.services.matching import MatchingEngine, SearchRequest
from reunite.storage.crypto import MasterKey
from reunite.storage.repositories import SqlStore

TABLE = FrequencyTable("closed-form TH01", {"TH01": {"6": 0.2, "7": 0.3, "8": 0.5}})
LAB = Actor.of("lab", [Role.LAB_ANALYST])
TODAY = date(2026, 11, 25)


def _enrol(store: SqlStore, master: MasterKey, person: str, basis: str, a: str,
           b: str) -> str:
    return enrol_profile(store, master, SETUP, Profile(person[:8], {"TH01": Genotype(a, b)}),
                         EnrolmentTarget(person, basis, "k", "l"), on=TODAY)


@pytest.fixture
def family(store: SqlStore, master: MasterKey) -> dict[str, str]:
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
        _enrol(store, master, person.id, basis, *genotype)
    out = {}
    for label, genotype in (("child-remains", ("6", "7")), ("other", ("8", "8"))):
        person = cases.add_unidentified_person(store, SETUP, label=label,
                                               role="unidentified-remains")
        basis = record_basis(store, SETUP, person_id=person.id, basis=remains_order())
        out[label] = _enrol(store, master, person.id, basis, *genotype)
        out[f"{label}-basis"] = basis
    return out


def test_screen__closed_form_lr_and_exclusion(store: SqlStore, master: MasterKey,
                                              family: dict[str, str]) -> None:
    engine = MatchingEngine(store, master, TABLE, threshold=1.0, mutation=None,
                            clock=lambda: TODAY)

    outcome = engine.run(LAB, SearchRequest("screen", case="MP-9"))
    by_profile = {h["profile_id"]: h["log10_lr"] for h in outcome.hits}

    assert by_profile[family["child-remains"]] == pytest.approx(
        math.log10(1 / (2 * 0.2 * 0.3)), rel=1e-9)
    assert family["other"] not in by_profile  # excluded: LR 0 never ranks
    assert len(outcome.candidate_ids) == 1
    assert engine.run(LAB, SearchRequest("screen", case="MP-9")).candidate_ids == ()


def test_blind__finds_the_same_child(store: SqlStore, master: MasterKey,
                                     family: dict[str, str]) -> None:
    engine = MatchingEngine(store, master, TABLE, threshold=5.0, mutation=None,
                            clock=lambda: TODAY)

    outcome = engine.run(LAB, SearchRequest("blind"))

    assert outcome.families == 1
    assert [h["profile_id"] for h in outcome.hits if h["log10_lr"] is not None] == [
        family["child-remains"]]
    assert len(outcome.candidate_ids) == 1


def test_search__refused_for_a_role_without_search(store: SqlStore, master: MasterKey,
                                                   family: dict[str, str]) -> None:
    engine = MatchingEngine(store, master, TABLE, mutation=None, clock=lambda: TODAY)

    with pytest.raises(PermissionDenied):
        engine.run(Actor.of("cw", [Role.CASE_WORKER]), SearchRequest("screen", case="MP-9"))


def test_index__expired_basis_and_forgotten_profiles_are_not_searched(
        store: SqlStore, master: MasterKey, family: dict[str, str]) -> None:
    person = cases.add_unidentified_person(store, SETUP, label="expiring",
                                           role="unidentified-remains")
    basis = record_basis(store, SETUP, person_id=person.id, basis=LegalOrder(
        "Coroner", "CO-X", date(2026, 1, 1), frozenset({Index.UNIDENTIFIED_REMAINS}),
        expires_on=date(2026, 12, 31)))
    expiring = _enrol(store, master, person.id, basis, "6", "7")
    today = [TODAY]
    engine = MatchingEngine(store, master, TABLE, mutation=None, clock=lambda: today[0])

    before = set(engine.matrix(Index.UNIDENTIFIED_REMAINS).ids)
    engine.forget(family["other"], Index.UNIDENTIFIED_REMAINS)
    today[0] = date(2027, 1, 2)
    after = set(engine.matrix(Index.UNIDENTIFIED_REMAINS).ids)

    assert before == {family["child-remains"], family["other"], expiring}
    assert after == {family["child-remains"], family["other"]}  # reloaded: other is stored


def test_search__direct_needs_a_reference_of_the_missing_person(
        store: SqlStore, master: MasterKey, family: dict[str, str]) -> None:
    engine = MatchingEngine(store, master, TABLE, mutation=None, clock=lambda: TODAY)

    with pytest.raises(CaseError, match="reference-direct"):
        engine.run(LAB, SearchRequest("direct", case="MP-9"))
    with pytest.raises(GovernanceError):
        engine.run(Actor.of("aud", [Role.AUDITOR]), SearchRequest("blind"))


def test_screen__on_a_dask_cluster_gives_the_same_answer(store: SqlStore, master: MasterKey,
                                                         family: dict[str, str]) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.Client(processes=False, n_workers=2, threads_per_worker=1,
                            dashboard_address=None) as client:
        local = MatchingEngine(store, master, TABLE, threshold=1.0, mutation=None,
                               clock=lambda: TODAY)
        sharded = MatchingEngine(store, master, TABLE, threshold=1.0, mutation=None,
                                 clock=lambda: TODAY, scheduler=client)

        expected = local.run(LAB, SearchRequest("screen", case="MP-9")).hits
        actual = sharded.run(LAB, SearchRequest("screen", case="MP-9")).hits
        blind = sharded.run(LAB, SearchRequest("blind", threshold=5.0)).hits

    assert actual == expected
    assert [h["profile_id"] for h in blind if h["log10_lr"] is not None] == [
        family["child-remains"]]


def test_direct__own_reference_matches_with_lr_one_over_rmp(
        store: SqlStore, master: MasterKey, family: dict[str, str]) -> None:
    view = cases.get_case(store, SETUP, "MP-9")
    missing = view.missing[0].id
    basis = bases.record_consent(store, SETUP, person_id=missing, signed_by="parents",
                                    signed_on=date(2026, 1, 1),
                                    retention_until=date(2036, 1, 1),
                                    review_on=date(2027, 1, 1))
    _enrol(store, master, missing, basis, "7", "6")  # the toothbrush
    engine = MatchingEngine(store, master, TABLE, threshold=2.0, mutation=None,
                            clock=lambda: TODAY)

    outcome = engine.run(LAB, SearchRequest("direct", case="MP-9"))

    assert [h["profile_id"] for h in outcome.hits] == [family["child-remains"]]
    assert outcome.hits[0]["log10_lr"] == pytest.approx(-math.log10(2 * 0.2 * 0.3), rel=1e-9)
    assert len(outcome.candidate_ids) == 1
