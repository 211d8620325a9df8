"""Master-key rotation: re-wrap every data key, never touch the genotype ciphertexts.

:func:`rotate_master_key` re-wraps in one transaction, so the database is either all under
the old key or all under the new one. :func:`rotate_key_file` adds the key-file dance
around it: the new key is written beside the old (``master.key.new``) before the commit and
moved over it after, so a crash at any point leaves a key that opens the database; once it
finishes the old key opens nothing (every wrapped key names the new key's id).
"""

from __future__ import annotations

import os
from pathlib import Path

from reunite.errors import ConfigurationError
from reunite.governance.roles import Action, Actor
from reunite.services.audit_service import AuditEntry, append_audit, checked
from reunite.storage.crypto import MasterKey, rewrap, write_key_file
from reunite.storage.repositories import SqlStore

__all__ = ["recover_interrupted_rotation", "rotate_key_file", "rotate_master_key"]


def rotate_master_key(store: SqlStore, actor: Actor, old: MasterKey, new: MasterKey) -> int:
    """Re-wrap every data key from ``old`` to ``new``; returns how many were re-wrapped."""
    checked(store, actor, Action.ROTATE_KEYS, None)
    if old.key_id == new.key_id:
        raise ConfigurationError("the new master key is the old one", field="master_key")
    with store.transaction() as repos:
        keys = repos.profiles.wrapped_keys()
        count = repos.profiles.replace_wrapped_keys(rewrap(old, new, k) for k in keys)
        append_audit(repos, AuditEntry(
            actor.name, Action.ROTATE_KEYS.value, None,
            f"master key {old.key_id} replaced by {new.key_id}; {count} data keys re-wrapped"))
    return count


def _pending(key_file: Path) -> Path:
    return key_file.with_name(key_file.name + ".new")


def recover_interrupted_rotation(store: SqlStore, key_file: Path) -> str | None:
    """Finish or undo a rotation that stopped between the re-wrap and the file move.

    If ``<key_file>.new`` exists, the database says which key wraps its data keys: when it
    is the pending key the commit happened and the file is moved into place ("finished");
    otherwise the commit never happened and the pending key is deleted ("undone").
    Returns what was done, or None when there was nothing to recover.
    """
    pending = _pending(key_file)
    if not pending.exists():
        return None
    new = MasterKey.from_text(pending.read_text(encoding="ascii"), source=str(pending))
    with store.transaction() as repos:
        in_use = repos.profiles.master_key_ids()
    if in_use == {new.key_id}:
        os.replace(pending, key_file)
        return "finished"
    pending.unlink()
    return "undone"


def rotate_key_file(store: SqlStore, actor: Actor, old: MasterKey, key_file: Path
                    ) -> tuple[MasterKey, int]:
    """Generate a new master key, re-wrap, and replace ``key_file``; returns (key, count)."""
    if recover_interrupted_rotation(store, key_file) == "finished":
        raise ConfigurationError(
            "an interrupted rotation was finished: the key file now holds the newer key; "
            "run the rotation again if another one is wanted", source=str(key_file))
    new = MasterKey.generate()
    pending = _pending(key_file)
    write_key_file(pending, new)
    try:
        count = rotate_master_key(store, actor, old, new)
    except BaseException:
        pending.unlink(missing_ok=True)
        raise
    os.replace(pending, key_file)
    return new, count
