"""Encryption at rest: per-profile AES-256-GCM data keys, wrapped by one master key.

Envelope encryption (NIST SP 800-38D for GCM; the pattern of cloud KMS "data keys"): each
profile gets its own random 256-bit data key and 96-bit nonce; the genotypes are
encrypted with it, bound by the profile id as associated data so ciphertexts cannot be
swapped between rows. The data key is stored only wrapped (AES-GCM under the master key,
bound by the data key's id). Consequences:

- rotation re-wraps the small data keys and never touches the genotype ciphertexts, and
  once done the old master key unwraps nothing;
- expungement deletes the wrapped data key and the ciphertext: crypto-shredding, so a copy
  of the ciphertext left in a backup is unreadable too.

The master key is 32 random bytes written as URL-safe base64, from ``REUNITE_MASTER_KEY``
or the key file (``REUNITE_MASTER_KEY_FILE``, default ``<data dir>/master.key``, mode 0600).
Its id is the first 16 hex digits of its SHA-256, stored beside each wrapped key so a wrong
key is named, not just failed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from reunite.config import Settings
from reunite.errors import ConfigurationError, KeyManagementError

__all__ = [
    "SEAL_RANDOM_BYTES",
    "MasterKey",
    "Sealed",
    "WrappedKey",
    "load_master_key",
    "open_sealed",
    "rewrap",
    "seal",
    "write_key_file",
]

_KEY_BYTES = 32
_NONCE_BYTES = 12


@dataclass(frozen=True)
class MasterKey:
    """The key-encryption key. Its bytes never appear in ``repr``."""

    secret: bytes = field(repr=False)
    _aead: AESGCM = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.secret) != _KEY_BYTES:
            raise KeyManagementError("a master key must be 32 bytes", value=len(self.secret))
        object.__setattr__(self, "_aead", AESGCM(self.secret))

    @classmethod
    def generate(cls) -> MasterKey:
        """A new random master key."""
        return cls(os.urandom(_KEY_BYTES))

    @classmethod
    def from_text(cls, text: str, *, source: str = "master key") -> MasterKey:
        """Read the URL-safe base64 form."""
        try:
            raw = base64.urlsafe_b64decode(text.strip().encode("ascii"))
        except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
            raise ConfigurationError("master key is not base64", source=source) from exc
        if len(raw) != _KEY_BYTES:
            raise ConfigurationError("master key must decode to 32 bytes", source=source)
        return cls(raw)

    def to_text(self) -> str:
        """URL-safe base64, as stored in the key file."""
        return base64.urlsafe_b64encode(self.secret).decode("ascii")

    @property
    def key_id(self) -> str:
        """A short public fingerprint naming this key."""
        return hashlib.sha256(self.secret).hexdigest()[:16]


@dataclass(frozen=True)
class WrappedKey:
    """A data key encrypted under the master key ``master_key_id``."""

    key_id: str
    master_key_id: str
    nonce: bytes
    wrapped: bytes


@dataclass(frozen=True)
class Sealed:
    """An encrypted payload and the wrapped data key that opens it."""

    data_key: WrappedKey
    nonce: bytes
    ciphertext: bytes


SEAL_RANDOM_BYTES = _KEY_BYTES + 2 * _NONCE_BYTES
"""Fresh random bytes one :func:`seal` consumes (data key, payload nonce, wrap nonce)."""


def seal(master: MasterKey, *, key_id: str, record_id: str, plaintext: bytes,
         randomness: bytes | None = None) -> Sealed:
    """Encrypt ``plaintext`` for record ``record_id`` under a fresh data key ``key_id``.

    ``randomness`` lets a batch draw :data:`SEAL_RANDOM_BYTES` per profile from one
    ``os.urandom`` call; it must never be reused.
    """
    if randomness is None:
        randomness = os.urandom(SEAL_RANDOM_BYTES)
    elif len(randomness) != SEAL_RANDOM_BYTES:
        raise KeyManagementError("seal needs fresh randomness of the right length",
                                 value=len(randomness))
    data_key = randomness[:_KEY_BYTES]
    nonce = randomness[_KEY_BYTES:_KEY_BYTES + _NONCE_BYTES]
    wrap_nonce = randomness[_KEY_BYTES + _NONCE_BYTES:]
    ciphertext = AESGCM(data_key).encrypt(nonce, plaintext, record_id.encode())
    wrapped = master._aead.encrypt(wrap_nonce, data_key, key_id.encode())
    return Sealed(WrappedKey(key_id, master.key_id, wrap_nonce, wrapped), nonce, ciphertext)


def _unwrap(master: MasterKey, key: WrappedKey) -> bytes:
    if key.master_key_id != master.key_id:
        raise KeyManagementError(
            f"data key {key.key_id} is wrapped by master key {key.master_key_id}, "
            f"not by the key given ({master.key_id})",
            key=key.key_id,
        )
    try:
        return master._aead.decrypt(key.nonce, key.wrapped, key.key_id.encode())
    except InvalidTag as exc:
        raise KeyManagementError(
            f"master key {master.key_id} cannot unwrap data key {key.key_id}", key=key.key_id
        ) from exc


def open_sealed(master: MasterKey, sealed: Sealed, *, record_id: str) -> bytes:
    """Decrypt ``sealed``; :class:`KeyManagementError` if the key or the data is wrong."""
    data_key = _unwrap(master, sealed.data_key)
    try:
        return AESGCM(data_key).decrypt(sealed.nonce, sealed.ciphertext, record_id.encode())
    except InvalidTag as exc:
        raise KeyManagementError(
            f"record {record_id} does not decrypt: ciphertext altered or swapped",
            record=record_id,
        ) from exc


def rewrap(old: MasterKey, new: MasterKey, key: WrappedKey) -> WrappedKey:
    """The same data key wrapped by ``new`` (with a fresh nonce) instead of ``old``."""
    data_key = _unwrap(old, key)
    nonce = os.urandom(_NONCE_BYTES)
    return WrappedKey(key.key_id, new.key_id, nonce,
                      new._aead.encrypt(nonce, data_key, key.key_id.encode()))


def load_master_key(settings: Settings) -> MasterKey:
    """The master key from ``REUNITE_MASTER_KEY``, else the key file."""
    if settings.master_key:
        return MasterKey.from_text(settings.master_key, source="REUNITE_MASTER_KEY")
    path = settings.effective_master_key_file
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError as exc:
        raise ConfigurationError(
            "no master key: set REUNITE_MASTER_KEY or create the key file with "
            "`reunite keys init`", source=str(path),
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read master key file: {exc}", source=str(path)) from exc
    return MasterKey.from_text(text, source=str(path))


def write_key_file(path: Path, key: MasterKey) -> None:
    """Write ``key`` to ``path`` atomically with mode 0600 (replace, never append)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, (key.to_text() + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
