"""The sealed payload: canonical JSON of a profile, round-tripped exactly; no genotype leaks."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reunite.genetics.profile import Profile
from reunite.governance.indices import PersonRole
from reunite.services.enrolment import (
    EnrolmentTarget,
    enrol_profile,
    payload_to_profile,
    profile_to_payload,
    read_profile,
)
from reunite.storage.crypto import MasterKey
from reunite.storage.repositories import SqlStore
from reunite.storage.tables import Base
from strategies import genotypes, profiles
from support.service_world import LAB, TODAY, World


@given(profiles())
def test_payload_round_trip(profile: Profile) -> None:
    assert payload_to_profile(profile_to_payload(profile)) == profile


@given(st.data())
def test_partial_genotype_round_trip(data: st.DataObject) -> None:
    genotype = data.draw(genotypes(allow_partial=True))
    profile = Profile("P", {"TH01": genotype})

    assert payload_to_profile(profile_to_payload(profile)) == profile


def test_payload_is_canonical() -> None:
    one = Profile.from_mapping("X1", {"vWA": ["17", "16"], "TH01": ["9.3", None]})
    other = Profile.from_mapping("X1", {"TH01": ["9.3", None], "vWA": ["16", "17"]})

    expected = b'{"genotypes":{"TH01":["9.3",null],"vWA":["16","17"]},"id":"X1"}'

    assert profile_to_payload(one) == profile_to_payload(other) == expected


def test_no_column_can_select_people_by_sex_ethnicity_or_residence() -> None:
    forbidden = ("sex", "gender", "ethnic", "race", "ancestry", "address", "residen",
                 "postcode", "zip", "nationality", "religion")
    names = [f"{t.name}.{c.name}" for t in Base.metadata.tables.values() for c in t.columns]

    assert len(names) > 50
    assert [n for n in names if any(word in n.lower() for word in forbidden)] == []


def test_nothing_logs_a_genotype(store: SqlStore, master: MasterKey, world: World,
                                 caplog: pytest.LogCaptureFixture) -> None:
    profile = Profile.from_mapping("LOG-1", {"FGA": ["44.2", "45.2"]})
    caplog.set_level(logging.DEBUG)
    store.engine.echo = True  # even SQL echo with parameters must show ciphertext only

    profile_id = enrol_profile(store, master, LAB, profile, EnrolmentTarget(
        world.people[PersonRole.RELATIVE], world.bases[PersonRole.RELATIVE], "kit", "lab"),
        on=TODAY)
    assert read_profile(store, master, LAB, profile_id, reason="log test") == profile

    assert "sqlalchemy.engine" in caplog.text or "INSERT" in caplog.text
    assert "44.2" not in caplog.text
    assert "45.2" not in caplog.text
