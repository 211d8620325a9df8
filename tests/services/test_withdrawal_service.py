"""Withdrawal and expungement: nothing readable left, anywhere, and the audit still verifies."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from reunite.errors import NotFoundError, PermissionDenied
from reunite.genetics.profile import Profile
from reunite.governance.indices import Index, PersonRole, Purpose
from reunite.services.audit_service import audit_events, verify_audit
from reunite.services.enrolment import (
    EnrolmentTarget,
    add_person,
    enrol_profile,
    open_case,
    read_profile,
    record_basis,
)
from reunite.services.search_gate import searchable_profiles
from reunite.services.withdrawal import (
    expire_retention,
    expunge_by_legal_order,
    withdraw_consent,
)
from reunite.storage.crypto import MasterKey
from reunite.storage.repositories import SqlStore
from support.service_world import DPO, LAB, SETUP, TODAY, World, consent_for

# Distinctive (rare, off-ladder) alleles so a byte search cannot hit by chance.
RARE = {"FGA": ["46.2", "50.2"], "D21S11": ["38.3", "41.2"], "D18S51": ["27.3", "29.1"]}
# Searched for as they appear in the plaintext payload (quoted JSON strings): bare "46.2"
# also occurs in timestamps such as 04:59:46.2xxxxx.
RARE_STRINGS = [b'"46.2"', b'"50.2"', b'"38.3"', b'"41.2"', b'"27.3"', b'"29.1"',
                b'"FGA":["46.2","50.2"]']
AUDITOR = DPO


def database_bytes(store: SqlStore) -> bytes:
    """Every byte of the SQLite database, its WAL and shared-memory file."""
    database = store.engine.url.database
    assert database is not None
    return b"".join(Path(database + suffix).read_bytes()
                    for suffix in ("", "-wal", "-shm") if Path(database + suffix).exists())


def enrol_relative(store: SqlStore, master: MasterKey, world: World) -> str:
    profile = Profile.from_mapping("REL-1", RARE)
    return enrol_profile(store, master, LAB, profile, EnrolmentTarget(
        world.people[PersonRole.RELATIVE], world.bases[PersonRole.RELATIVE], "kit", "lab"),
        on=TODAY)


def test_withdrawal_leaves_nothing_readable(store: SqlStore, master: MasterKey,
                                            world: World) -> None:
    profile_id = enrol_relative(store, master, world)
    with store.transaction() as repos:
        sealed = repos.profiles.get(profile_id).sealed
    with store.engine.begin() as connection:  # a derived row, which must go too
        connection.execute(text(
            "INSERT INTO match_candidate (id, query_profile_id, target_profile_id, purpose, "
            "log10_lr, provenance, created_at) VALUES "
            "('m1', :p, :p, 'identification', 4.2, '{}', '2026-11-25 00:00:00')"),
            {"p": profile_id})
    dropped: list[tuple[str, Index]] = []
    sqlite = store.engine.dialect.name == "sqlite"
    if sqlite:
        before = database_bytes(store)
        assert sealed.ciphertext in before  # the search below can see what it looks for
        assert sealed.data_key.wrapped in before
        assert not any(s in before for s in RARE_STRINGS)  # encrypted at rest

    expunged = withdraw_consent(store, DPO, basis_id=world.bases[PersonRole.RELATIVE],
                                reason="the family asked", on=TODAY,
                                hooks=[lambda pid, index: dropped.append((pid, index))])

    assert expunged == [profile_id]
    assert dropped == [(profile_id, Index.REFERENCE_FAMILY)]
    with pytest.raises(NotFoundError):
        read_profile(store, master, LAB, profile_id, reason="after withdrawal")
    assert searchable_profiles(store, LAB, index=Index.REFERENCE_FAMILY,
                               purpose=Purpose.IDENTIFICATION, on=TODAY) == []
    with store.engine.connect() as connection:
        for table in ("profile", "data_key", "match_candidate"):
            assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0
    if sqlite:
        after = database_bytes(store)
        assert sealed.ciphertext not in after
        assert sealed.data_key.wrapped not in after
        assert not any(s in after for s in RARE_STRINGS)
    assert verify_audit(store, AUDITOR) > 0
    with store.transaction() as repos:
        events = [c.event for c in audit_events(repos)]
    expunge = [e for e in events if e.action == "expunge"]
    assert [e.record for e in expunge] == [f"profile:{profile_id}"]
    assert not any(s.decode() in e.reason for e in events for s in RARE_STRINGS)


def test_withdrawal_requires_role(store: SqlStore, master: MasterKey, world: World) -> None:
    profile_id = enrol_relative(store, master, world)

    with pytest.raises(PermissionDenied):
        withdraw_consent(store, LAB, basis_id=world.bases[PersonRole.RELATIVE], reason="x")

    assert read_profile(store, master, LAB, profile_id, reason="still here").id == "REL-1"


def test_retention_expiry(store: SqlStore, master: MasterKey, world: World) -> None:
    person = world.people[PersonRole.RELATIVE]
    short = record_basis(store, SETUP, person_id=person, basis=consent_for(
        Index.REFERENCE_FAMILY, retention_until=date(2027, 1, 1)))
    keep = enrol_relative(store, master, world)
    gone = enrol_profile(store, master, LAB, Profile.from_mapping("REL-2", RARE),
                         EnrolmentTarget(person, short, "kit", "lab"), on=TODAY)

    assert expire_retention(store, DPO, on=date(2026, 12, 31)) == []
    assert expire_retention(store, DPO, on=date(2027, 1, 2)) == [gone]

    with store.transaction() as repos:
        assert repos.profiles.get(keep).id == keep
        with pytest.raises(NotFoundError):
            repos.profiles.get(gone)


def test_closed_case_past_retention(store: SqlStore, master: MasterKey) -> None:
    case_id = open_case(store, SETUP, reference="MP-9", opened_on=date(2025, 1, 1))
    person = add_person(store, SETUP, case_id=case_id, role=PersonRole.RELATIVE, label="sister")
    basis = record_basis(store, SETUP, person_id=person,
                         basis=consent_for(Index.REFERENCE_FAMILY))
    profile_id = enrol_profile(store, master, LAB, Profile.from_mapping("S", RARE),
                               EnrolmentTarget(person, basis, "kit", "lab"), on=TODAY)
    with store.transaction() as repos:
        repos.cases.close_case(case_id, on=TODAY, retention_until=date(2027, 6, 1))

    assert expire_retention(store, DPO, on=date(2027, 6, 1)) == []
    assert expire_retention(store, DPO, on=date(2027, 6, 2)) == [profile_id]


def test_legal_order_expunges_named_profiles(store: SqlStore, master: MasterKey,
                                             world: World) -> None:
    profile_id = enrol_relative(store, master, world)

    removed = expunge_by_legal_order(store, DPO, profile_ids=[profile_id],
                                     authority="High Court", reference="HC-77")

    assert removed == [profile_id]
    with store.transaction() as repos:
        reason = audit_events(repos)[-1].event.reason
    assert "HC-77" in reason
