"""``reunite keys init|rotate``: the master key that wraps every profile's data key.

The CLI acts as the local operator with the admin role: whoever can read the key file
and the database already holds that power. Every rotation is written to the audit log.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated

import typer

from reunite.config import get_settings
from reunite.errors import ConflictError
from reunite.governance.roles import Actor, Role
from reunite.services.keys import rotate_key_file, rotate_master_key
from reunite.storage.crypto import MasterKey, load_master_key, write_key_file
from reunite.storage.db import create_engine_for, database_url
from reunite.storage.repositories import SqlStore

__all__ = ["register"]

keys_app = typer.Typer(help="Create and rotate the master key.", no_args_is_help=True)


def operator() -> Actor:
    """The actor the CLI acts as: the local operator, admin role."""
    return Actor.of(f"cli:{getpass.getuser()}", [Role.ADMIN])


@keys_app.command()
def init() -> None:
    """Create the master key file (mode 0600); refuses to overwrite an existing one.

    Example:

        REUNITE_DATA_DIR=./data reunite keys init
    """
    settings = get_settings()
    path = settings.effective_master_key_file
    if path.exists():
        raise ConflictError("a master key file exists already; use `reunite keys rotate`",
                            source=str(path))
    key = MasterKey.generate()
    write_key_file(path, key)
    typer.echo(json.dumps({"key_file": str(path), "key_id": key.key_id}))


@keys_app.command()
def rotate(
    new_key_file: Annotated[Path | None, typer.Option(
        help="Where to write the new key when the current one comes from "
             "REUNITE_MASTER_KEY (the environment cannot be rewritten).")] = None,
) -> None:
    """Re-wrap every data key under a new master key; genotypes are not re-encrypted.

    With a key file, the file is replaced; with REUNITE_MASTER_KEY, the new key is
    written to --new-key-file and must be put in the environment before the next run.
    After rotation the old key opens nothing.

    Example:

        reunite keys rotate

    Prints {"old_key_id", "new_key_id", "rewrapped", "key_file"} as JSON.
    """
    settings = get_settings()
    old = load_master_key(settings)
    engine = create_engine_for(database_url(settings))
    store = SqlStore(engine)
    try:
        if settings.master_key:
            if new_key_file is None:
                raise ConflictError("the master key comes from REUNITE_MASTER_KEY: give "
                                    "--new-key-file for the new key", field="new_key_file")
            if new_key_file.exists():
                raise ConflictError("will not overwrite an existing file",
                                    source=str(new_key_file))
            new = MasterKey.generate()
            write_key_file(new_key_file, new)
            count = rotate_master_key(store, operator(), old, new)
            key_file = new_key_file
        else:
            key_file = settings.effective_master_key_file
            new, count = rotate_key_file(store, operator(), old, key_file)
    finally:
        engine.dispose()
    typer.echo(json.dumps({"old_key_id": old.key_id, "new_key_id": new.key_id,
                           "rewrapped": count, "key_file": str(key_file)}))


def register(app: typer.Typer) -> None:
    """Add ``reunite keys`` to ``app``."""
    app.add_typer(keys_app, name="keys")
