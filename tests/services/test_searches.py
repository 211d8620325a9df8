"""Database searches over the store-backed index: closed-form LRs, the settings, the gate.

One marker, TH01, frequencies 6: 0.2, 7: 0.3, 8: 0.5. Father 6/6, mother 7/7. Without
mutation their child is 6/7 with probability 1, so the LR of a 6/7 candidate being the
missing child is 1 / (2 · 0.2 · 0.3) = 8.333…; a candidate 8/8 cannot be their child (LR 0).

With θ (Balding–Nichols) the unrelated candidate's alleles are drawn after the parents'
6, 6, 7, 7 from the same urn: P(6/7) = 2 · (2θ + (1−θ)·0.2)/(1 + 3θ) · (2θ + (1−θ)·0.3)/(1 + 4θ),
and the LR is 1 / P(6/7). With the equal mutation model (rate μ to each of the other two
alleles μ/2) a candidate 8/7 needs the father's 6 to mutate to 8:
LR = [μ_m/2 · (1 − μ_f) + μ_m/2 · μ_f/2] / (2 · 0.5 · 0.3), with μ_m the male rate.
"""

from __future__ import annotations

import math
from datetime import date

import pytest

from reunite.errors import CaseError, GovernanceError, PermissionDenied
from reunite.genetics.frequencies import FrequencyTable
from reunite.governance.consent import LegalOrder
from reunite.governance.indices import Index
from reunite.governance.roles import Actor, Role
from reunite.search.settings import SearchSettings
from reunite.services import bases, cases
from reunite.services.enrolment import record_basis
from reunite.services.search_index import StoreIndex
from reunite.services.searches import SearchRequest, run_search
from reunite.stats.mutation import MutationSpec
from reunite.storage.crypto import MasterKey
from reunite.storage.repositories import SqlStore
from support.service_world import (
    SETUP,
    TRIO_DAY,
    TRIO_TABLE,
    enrol_th01,
    th01_remains,
    th01_trio,
)

TABLE = TRIO_TABLE
LAB = Actor.of("lab", [Role.LAB_ANALYST])
TODAY = TRIO_DAY
SCREEN = SearchRequest("screen", case="MP-9")


def _settings(threshold: float = 10_000.0, **values: object) -> SearchSettings:
    return SearchSettings(**{"mutation_female": None, "mutation_male": None,  # type: ignore[arg-type]
                             "lr_threshold": threshold, **values})


def _index(store: SqlStore, master: MasterKey, table: FrequencyTable = TABLE,
           **kw: object) -> StoreIndex:
    return StoreIndex(store, master, table, clock=lambda: TODAY, **kw)  # type: ignore[arg-type]


@pytest.fixture
def family(store: SqlStore, master: MasterKey) -> dict[str, str]:
    return th01_trio(store, master)


def _lrs(store: SqlStore, master: MasterKey, settings: SearchSettings,
         request: SearchRequest = SCREEN) -> dict[str, float | None]:
    outcome = run_search(_index(store, master), LAB, request, settings=settings)
    return {h["profile_id"]: h["log10_lr"] for h in outcome.hits}


def test_screen__closed_form_lr_and_exclusion(store: SqlStore, master: MasterKey,
                                              family: dict[str, str]) -> None:
    index = _index(store, master)

    outcome = run_search(index, LAB, SCREEN, settings=_settings(1.0))
    by_profile = {h["profile_id"]: h["log10_lr"] for h in outcome.hits}

    assert by_profile[family["child-remains"]] == pytest.approx(
        math.log10(1 / (2 * 0.2 * 0.3)), rel=1e-9)
    assert family["other"] not in by_profile  # excluded: LR 0 never ranks
    assert len(outcome.candidate_ids) == 1
    assert run_search(index, LAB, SCREEN, settings=_settings(1.0)).candidate_ids == ()


@pytest.mark.parametrize("kind", ["screen", "blind"])
def test_theta__balding_nichols_closed_form(store: SqlStore, master: MasterKey,
                                            family: dict[str, str], kind: str) -> None:
    theta = 0.03
    first = (2 * theta + (1 - theta) * 0.2) / (1 + 3 * theta)
    second = (2 * theta + (1 - theta) * 0.3) / (1 + 4 * theta)
    request = SCREEN if kind == "screen" else SearchRequest("blind")

    corrected = _lrs(store, master, _settings(1.0, theta=theta), request)
    plain = _lrs(store, master, _settings(1.0), request)

    assert corrected[family["child-remains"]] == pytest.approx(
        -math.log10(2 * first * second), rel=1e-9)
    assert plain[family["child-remains"]] == pytest.approx(math.log10(1 / 0.12), rel=1e-9)


def test_mutation__female_and_male_rates_reach_the_search(
        store: SqlStore, master: MasterKey, family: dict[str, str]) -> None:
    mutated, _ = th01_remains(store, master, "mutated", "8", "7")
    female, male = 0.001, 0.004
    settings = _settings(1e-9, mutation_female=MutationSpec("equal", rate=female),
                         mutation_male=MutationSpec("equal", rate=male))

    lrs = _lrs(store, master, settings)
    without = _lrs(store, master, _settings(1e-9))

    expected = (male / 2 * (1 - female) + male / 2 * female / 2) / (2 * 0.5 * 0.3)
    assert lrs[mutated] == pytest.approx(math.log10(expected), rel=1e-9)
    assert mutated not in without  # no mutation: the 8 excludes


def test_min_allele_count__sets_the_unseen_allele_frequency(
        store: SqlStore, master: MasterKey, family: dict[str, str]) -> None:
    # N = 100: an allele the table lacks gets c / 200, then the marker is renormalised
    # (p6 = 0.2 / (1 + c/200)). A 6/9 candidate for the child of a typed 6/6 father and an
    # untyped mother: LR = p9 / (2 p6 p9) = (1 + c/200) / 0.4.
    table = FrequencyTable("TH01 with N", {"TH01": {"6": 0.2, "7": 0.3, "8": 0.5}},
                           {"TH01": 100})
    cases.open_case(store, SETUP, reference="MP-F")
    father = cases.add_case_person(store, SETUP, case="MP-F", label="father")
    mother = cases.add_case_person(store, SETUP, case="MP-F", label="mother")
    cases.add_case_person(store, SETUP, case="MP-F", label="child", role="missing",
                          father_id=father.id, mother_id=mother.id)
    basis = bases.record_consent(store, SETUP, person_id=father.id, signed_by="form",
                                 signed_on=date(2026, 1, 1), retention_until=date(2036, 1, 1),
                                 review_on=date(2027, 1, 1))
    enrol_th01(store, master, father.id, basis, "6", "6")
    rare, _ = th01_remains(store, master, "rare", "6", "9")
    request = SearchRequest("screen", case="MP-F")

    by_count = {}
    for count in (5.0, 2.0):
        outcome = run_search(_index(store, master, table), LAB, request,
                             settings=_settings(1e-9, min_allele_count=count))
        by_count[count] = {h["profile_id"]: h["log10_lr"] for h in outcome.hits}[rare]

    assert by_count[5.0] != by_count[2.0]
    for count, log10_lr in by_count.items():
        assert log10_lr == pytest.approx(math.log10((1 + count / 200) / 0.4), rel=1e-9)


def test_candidate_provenance__records_the_settings(store: SqlStore, master: MasterKey,
                                                    family: dict[str, str]) -> None:
    settings = _settings(1.0, theta=0.02, k=3)

    outcome = run_search(_index(store, master), LAB, SCREEN, settings=settings)
    with store.transaction() as repos:
        (candidate,) = [repos.candidates.get(c) for c in outcome.candidate_ids]

    assert candidate.details["settings"] == settings.to_provenance()
    assert candidate.details["provenance"]["parameters"]["settings"] == settings.to_provenance()
    assert candidate.details["provenance"]["frequency_table_hash"] == TABLE.content_hash
    assert outcome.to_dict()["settings"] == settings.to_provenance()


def test_blind__finds_the_same_child(store: SqlStore, master: MasterKey,
                                     family: dict[str, str]) -> None:
    outcome = run_search(_index(store, master), LAB, SearchRequest("blind"),
                         settings=_settings(5.0))

    assert outcome.families == 1
    assert [h["profile_id"] for h in outcome.hits if h["log10_lr"] is not None] == [
        family["child-remains"]]
    assert len(outcome.candidate_ids) == 1
    assert outcome.provenance[0]["frequency_table_hash"] == TABLE.content_hash


def test_search__refused_for_a_role_without_search(store: SqlStore, master: MasterKey,
                                                   family: dict[str, str]) -> None:
    with pytest.raises(PermissionDenied):
        run_search(_index(store, master), Actor.of("cw", [Role.CASE_WORKER]), SCREEN,
                   settings=_settings())


def test_index__expired_basis_and_forgotten_profiles_are_not_searched(
        store: SqlStore, master: MasterKey, family: dict[str, str]) -> None:
    person = cases.add_unidentified_person(store, SETUP, label="expiring",
                                           role="unidentified-remains")
    basis = record_basis(store, SETUP, person_id=person.id, basis=LegalOrder(
        "Coroner", "CO-X", date(2026, 1, 1), frozenset({Index.UNIDENTIFIED_REMAINS}),
        expires_on=date(2026, 12, 31)))
    expiring = enrol_th01(store, master, person.id, basis, "6", "7")
    today = [TODAY]
    index = StoreIndex(store, master, TABLE, clock=lambda: today[0])

    before = set(index.matrix(Index.UNIDENTIFIED_REMAINS).ids)
    index.forget(family["other"], Index.UNIDENTIFIED_REMAINS)
    today[0] = date(2027, 1, 2)
    after = set(index.matrix(Index.UNIDENTIFIED_REMAINS).ids)

    assert before == {family["child-remains"], family["other"], expiring}
    assert after == {family["child-remains"], family["other"]}  # reloaded: other is stored


def test_search__direct_needs_a_reference_of_the_missing_person(
        store: SqlStore, master: MasterKey, family: dict[str, str]) -> None:
    index = _index(store, master)

    with pytest.raises(CaseError, match="reference-direct"):
        run_search(index, LAB, SearchRequest("direct", case="MP-9"), settings=_settings())
    with pytest.raises(GovernanceError):
        run_search(index, Actor.of("aud", [Role.AUDITOR]), SearchRequest("blind"),
                   settings=_settings())


def test_screen__on_a_dask_cluster_gives_the_same_answer(store: SqlStore, master: MasterKey,
                                                         family: dict[str, str]) -> None:
    distributed = pytest.importorskip("distributed")
    settings = _settings(1.0, theta=0.01)
    with distributed.Client(processes=False, n_workers=2, threads_per_worker=1,
                            dashboard_address=None) as client:
        local = _index(store, master)
        sharded = _index(store, master, scheduler=client)

        expected = run_search(local, LAB, SCREEN, settings=settings).hits
        actual = run_search(sharded, LAB, SCREEN, settings=settings).hits
        blind = run_search(sharded, LAB, SearchRequest("blind"), settings=_settings(5.0)).hits

    assert actual == expected
    assert [h["profile_id"] for h in blind if h["log10_lr"] is not None] == [
        family["child-remains"]]


def test_direct__own_reference_matches_with_lr_one_over_rmp(
        store: SqlStore, master: MasterKey, family: dict[str, str]) -> None:
    view = cases.get_case(store, SETUP, "MP-9")
    missing = view.missing[0].id
    basis = bases.record_consent(store, SETUP, person_id=missing, signed_by="parents",
                                 signed_on=date(2026, 1, 1), retention_until=date(2036, 1, 1),
                                 review_on=date(2027, 1, 1))
    enrol_th01(store, master, missing, basis, "7", "6")  # the toothbrush
    theta = 0.02
    # NRC II 4.10 for a heterozygote: 2 [θ + (1−θ) p] [θ + (1−θ) q] / [(1+θ)(1+2θ)].
    rmp = 2 * (theta + (1 - theta) * 0.3) * (theta + (1 - theta) * 0.2) / (
        (1 + theta) * (1 + 2 * theta))

    outcome = run_search(_index(store, master), LAB, SearchRequest("direct", case="MP-9"),
                         settings=_settings(2.0))
    corrected = run_search(_index(store, master), LAB, SearchRequest("direct", case="MP-9"),
                           settings=_settings(2.0, theta=theta))

    assert [h["profile_id"] for h in outcome.hits] == [family["child-remains"]]
    assert outcome.hits[0]["log10_lr"] == pytest.approx(-math.log10(2 * 0.2 * 0.3), rel=1e-9)
    assert len(outcome.candidate_ids) == 1
    assert corrected.hits[0]["log10_lr"] == pytest.approx(-math.log10(rmp), rel=1e-9)
