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

__all__ = ["rotate_key_file", "rotate_master_key"]


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


def rotate_key_file(store: SqlStore, actor: Actor, old: MasterKey, key_file: Path
                    ) -> tuple[MasterKey, int]:
    """Generate a new master key, re-wrap, and replace ``key_file``; returns (key, count)."""
    new = MasterKey.generate()
    pending = key_file.with_name(key_file.name + ".new")
    write_key_file(pending, new)
    try:
        count = rotate_master_key(store, actor, old, new)
    except BaseException:
        pending.unlink(missing_ok=True)
        raise
    os.replace(pending, key_file)
    return new, count
