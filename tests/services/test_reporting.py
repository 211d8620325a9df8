"""The identification report recomputes a candidate's LR with the settings it was found
with (θ, female and male mutation models, minimum allele count), recorded in its provenance.

The TH01 trio of ``support.service_world``: father 6/6, mother 7/7, remains 6/7. With θ the
LR is 1 / P(6/7 | the parents' 6, 6, 7, 7 in the same urn) (see ``test_searches.py``).
"""

from __future__ import annotations

import json
import math

import pytest
from sqlalchemy import text

from reunite.errors import CaseError
from reunite.governance.roles import Actor, Role
from reunite.search.settings import SearchSettings
from reunite.services.reporting import identification_report
from reunite.services.search_index import StoreIndex
from reunite.services.searches import SearchRequest, run_search
from reunite.stats.mutation import MutationSpec
from reunite.storage.crypto import MasterKey
from reunite.storage.repositories import SqlStore
from support.service_world import TRIO_DAY, TRIO_TABLE, th01_trio

LAB = Actor.of("lab", [Role.LAB_ANALYST])
REVIEWER = Actor.of("rev", [Role.REVIEWER])


def _candidate(store: SqlStore, master: MasterKey, settings: SearchSettings
               ) -> tuple[StoreIndex, str]:
    index = StoreIndex(store, master, TRIO_TABLE, clock=lambda: TRIO_DAY)
    outcome = run_search(index, LAB, SearchRequest("screen", case="MP-9"), settings=settings)
    (candidate,) = outcome.candidate_ids
    return index, candidate


def test_report__uses_the_candidates_theta_and_mutation_models(store: SqlStore,
                                                               master: MasterKey) -> None:
    th01_trio(store, master)
    theta = 0.03
    settings = SearchSettings(theta=theta, lr_threshold=1.0,
                              mutation_female=MutationSpec("equal", rate=0.001),
                              mutation_male=MutationSpec("equal", rate=0.004))
    index, candidate = _candidate(store, master, settings)
    with store.transaction() as repos:
        stored = repos.candidates.get(candidate).log10_lr

    report = identification_report(store, master, index, REVIEWER, candidate)

    assert report.theta == theta
    assert report.log10_total_lr == pytest.approx(stored, rel=1e-12)
    assert "male: equal" in report.mutation_model
    assert "0.004" in report.mutation_model
    assert report.frequency_table_hash == TRIO_TABLE.content_hash
    # Without mutation this LR is 1 / P(6/7 | 6,6,7,7): mutation lowers it a little.
    first = (2 * theta + (1 - theta) * 0.2) / (1 + 3 * theta)
    second = (2 * theta + (1 - theta) * 0.3) / (1 + 4 * theta)
    assert report.log10_total_lr == pytest.approx(-math.log10(2 * first * second), abs=0.01)
    assert report.log10_total_lr != pytest.approx(-math.log10(2 * first * second), rel=1e-9)


def test_report__theta_zero_is_the_closed_form(store: SqlStore, master: MasterKey) -> None:
    th01_trio(store, master)
    index, candidate = _candidate(store, master, SearchSettings(
        lr_threshold=1.0, mutation_female=None, mutation_male=None))

    report = identification_report(store, master, index, REVIEWER, candidate)

    assert (report.theta, report.mutation_model) == (0.0, "none")
    assert report.log10_total_lr == pytest.approx(math.log10(1 / (2 * 0.2 * 0.3)), rel=1e-9)


def test_report__a_candidate_without_recorded_settings_is_refused(store: SqlStore,
                                                                  master: MasterKey) -> None:
    th01_trio(store, master)
    index, candidate = _candidate(store, master, SearchSettings(lr_threshold=1.0))
    with store.transaction() as repos:
        details = {k: v for k, v in repos.candidates.get(candidate).details.items()
                   if k != "settings"}
    with store.engine.begin() as connection:  # a row an older version stored
        connection.execute(text("UPDATE match_candidate SET provenance = :p WHERE id = :i"),
                           {"p": json.dumps(details), "i": candidate})

    with pytest.raises(CaseError, match="records no search settings"):
        identification_report(store, master, index, REVIEWER, candidate)
