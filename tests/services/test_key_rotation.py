"""Key rotation: data re-wrapped, ciphertexts untouched, the old master key opens nothing."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from reunite.errors import ConfigurationError, KeyManagementError, PermissionDenied
from reunite.genetics.profile import Profile
from reunite.governance.indices import PersonRole
from reunite.services.enrolment import EnrolmentTarget, enrol_profile, read_profile
from reunite.services.keys import (
    recover_interrupted_rotation,
    rotate_key_file,
    rotate_master_key,
)
from reunite.storage.crypto import MasterKey, open_sealed, write_key_file
from reunite.storage.repositories import SqlStore
from support.service_world import ADMIN, LAB, TODAY, World


def enrol_three(store: SqlStore, master: MasterKey, world: World) -> dict[str, Profile]:
    profiles = {}
    for n, role in enumerate((PersonRole.RELATIVE, PersonRole.MISSING,
                              PersonRole.UNIDENTIFIED_REMAINS)):
        profile = Profile.from_mapping(f"P{n}", {"D3S1358": [str(12 + n), "17"]})
        target = EnrolmentTarget(world.people[role], world.bases[role], "kit", "lab")
        profiles[enrol_profile(store, master, LAB, profile, target, on=TODAY)] = profile
    return profiles


def test_rotation(store: SqlStore, master: MasterKey, world: World) -> None:
    profiles = enrol_three(store, master, world)
    with store.transaction() as repos:
        before = {pid: repos.profiles.get(pid).sealed for pid in profiles}
    new = MasterKey.generate()

    count = rotate_master_key(store, ADMIN, master, new)

    assert count == 3
    with store.transaction() as repos:
        after = {pid: repos.profiles.get(pid).sealed for pid in profiles}
    for pid, profile in profiles.items():
        assert after[pid].ciphertext == before[pid].ciphertext  # genotypes not re-encrypted
        assert after[pid].data_key.wrapped != before[pid].data_key.wrapped
        with pytest.raises(KeyManagementError):
            open_sealed(master, after[pid], record_id=pid)
        # Even an old key forced past the id check cannot unwrap the new wrapping.
        forged = type(after[pid].data_key)(after[pid].data_key.key_id, master.key_id,
                                           after[pid].data_key.nonce,
                                           after[pid].data_key.wrapped)
        with pytest.raises(KeyManagementError, match="cannot unwrap"):
            open_sealed(master, type(after[pid])(forged, after[pid].nonce,
                                                 after[pid].ciphertext), record_id=pid)
        assert read_profile(store, new, LAB, pid, reason="after rotation") == profile
        with pytest.raises(KeyManagementError):
            read_profile(store, master, LAB, pid, reason="old key")


def test_rotation_errors(store: SqlStore, master: MasterKey) -> None:
    with pytest.raises(PermissionDenied):
        rotate_master_key(store, LAB, master, MasterKey.generate())
    with pytest.raises(ConfigurationError, match="old one"):
        rotate_master_key(store, ADMIN, master, master)


def test_rotate_key_file(store: SqlStore, master: MasterKey, world: World,
                         tmp_path: Path) -> None:
    profiles = enrol_three(store, master, world)
    key_file = tmp_path / "master.key"
    write_key_file(key_file, master)

    new, count = rotate_key_file(store, ADMIN, master, key_file)

    assert count == 3
    assert MasterKey.from_text(key_file.read_text()) == new
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert not (tmp_path / "master.key.new").exists()
    for pid, profile in profiles.items():
        assert read_profile(store, new, LAB, pid, reason="check") == profile


def test_interrupted_rotation_after_commit_is_finished(store: SqlStore, master: MasterKey,
                                                       world: World, tmp_path: Path) -> None:
    profiles = enrol_three(store, master, world)
    key_file = tmp_path / "master.key"
    write_key_file(key_file, master)
    new = MasterKey.generate()
    write_key_file(tmp_path / "master.key.new", new)
    rotate_master_key(store, ADMIN, master, new)  # ...and the process died before the move

    assert recover_interrupted_rotation(store, key_file) == "finished"

    assert MasterKey.from_text(key_file.read_text()) == new
    assert not (tmp_path / "master.key.new").exists()
    pid, profile = next(iter(profiles.items()))
    assert read_profile(store, new, LAB, pid, reason="after recovery") == profile


def test_interrupted_rotation_before_commit_is_undone(store: SqlStore, master: MasterKey,
                                                      world: World, tmp_path: Path) -> None:
    enrol_three(store, master, world)
    key_file = tmp_path / "master.key"
    write_key_file(key_file, master)
    write_key_file(tmp_path / "master.key.new", MasterKey.generate())  # died before commit

    assert recover_interrupted_rotation(store, key_file) == "undone"

    assert MasterKey.from_text(key_file.read_text()) == master
    assert not (tmp_path / "master.key.new").exists()
    assert recover_interrupted_rotation(store, key_file) is None
