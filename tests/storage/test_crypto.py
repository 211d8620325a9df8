"""Envelope encryption: round trips, bound records, wrong keys, rotation, key files."""

from __future__ import annotations

import dataclasses
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reunite.config import load_settings
from reunite.errors import ConfigurationError, KeyManagementError
from reunite.storage.crypto import (
    MasterKey,
    load_master_key,
    open_sealed,
    rewrap,
    seal,
    write_key_file,
)

MASTER = MasterKey(bytes(range(32)))


@given(st.binary(max_size=2000))
def test_seal_round_trip(payload: bytes) -> None:
    sealed = seal(MASTER, key_id="k1", record_id="p1", plaintext=payload)

    assert open_sealed(MASTER, sealed, record_id="p1") == payload
    assert len(sealed.ciphertext) == len(payload) + 16  # GCM tag
    assert len(sealed.data_key.wrapped) == 32 + 16


class TestCryptoErrors:
    def test_ciphertext_bound_to_its_record(self) -> None:
        sealed = seal(MASTER, key_id="k1", record_id="p1", plaintext=b"D3S1358 14 15")

        with pytest.raises(KeyManagementError, match="altered or swapped"):
            open_sealed(MASTER, sealed, record_id="p2")

    def test_wrapped_key_bound_to_its_id(self) -> None:
        sealed = seal(MASTER, key_id="k1", record_id="p1", plaintext=b"x")
        moved = dataclasses.replace(sealed, data_key=dataclasses.replace(sealed.data_key,
                                                                         key_id="k2"))

        with pytest.raises(KeyManagementError, match="cannot unwrap"):
            open_sealed(MASTER, moved, record_id="p1")

    def test_other_master_key_named(self) -> None:
        sealed = seal(MASTER, key_id="k1", record_id="p1", plaintext=b"x")
        other = MasterKey.generate()

        with pytest.raises(KeyManagementError, match=MASTER.key_id):
            open_sealed(other, sealed, record_id="p1")

    def test_bad_key_lengths(self) -> None:
        with pytest.raises(KeyManagementError):
            MasterKey(b"short")
        with pytest.raises(ConfigurationError, match="32 bytes"):
            MasterKey.from_text("c2hvcnQ=")
        with pytest.raises(ConfigurationError, match="base64"):
            MasterKey.from_text("not base64 at all!")


def test_rewrap_keeps_data_and_changes_key() -> None:
    sealed = seal(MASTER, key_id="k1", record_id="p1", plaintext=b"payload")
    new = MasterKey.generate()

    moved = dataclasses.replace(sealed, data_key=rewrap(MASTER, new, sealed.data_key))

    assert moved.data_key.master_key_id == new.key_id
    assert open_sealed(new, moved, record_id="p1") == b"payload"
    with pytest.raises(KeyManagementError):
        open_sealed(MASTER, moved, record_id="p1")


def test_master_key_repr_hides_secret() -> None:
    assert MASTER.to_text() not in repr(MASTER)
    assert repr(MASTER.secret) not in repr(MASTER)


def test_key_file_and_environment(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "master.key"
    write_key_file(path, MASTER)
    from_file = load_master_key(load_settings({"REUNITE_MASTER_KEY_FILE": str(path)}))
    from_env = load_master_key(load_settings({"REUNITE_MASTER_KEY": MASTER.to_text(),
                                              "REUNITE_MASTER_KEY_FILE": str(path) + "x"}))

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert from_file == MASTER
    assert from_env == MASTER
    with pytest.raises(ConfigurationError, match="no master key"):
        load_master_key(load_settings({"REUNITE_DATA_DIR": str(tmp_path / "empty")}))
