"""``reunite audit verify``: check the hash chain of the audit log.

Exits 0 and prints {"ok": true, "events": N} when every event is intact; otherwise exits
6 (integrity) with a message naming the first edited, deleted or reordered event.
"""

from __future__ import annotations

import json

import typer

from reunite.cli.keys_command import operator
from reunite.config import get_settings
from reunite.services.audit_service import verify_audit
from reunite.storage.db import create_engine_for, database_url
from reunite.storage.repositories import SqlStore

__all__ = ["register"]

audit_app = typer.Typer(help="Verify the tamper-evident audit log.", no_args_is_help=True)


@audit_app.command()
def verify() -> None:
    """Verify every event's hash and link; name the first bad event.

    Example:

        reunite audit verify

    Prints {"ok": true, "events": N}; a broken chain exits 6 naming the event.
    """
    engine = create_engine_for(database_url(get_settings()))
    try:
        count = verify_audit(SqlStore(engine), operator())
    finally:
        engine.dispose()
    typer.echo(json.dumps({"ok": True, "events": count}))


def register(app: typer.Typer) -> None:
    """Add ``reunite audit`` to ``app``."""
    app.add_typer(audit_app, name="audit")
