"""What the workflow commands share: settings with ``--data-dir``, the acting user, output.

Commands that change data act as a user: ``--user`` (or ``REUNITE_USER``) with the password
from ``REUNITE_PASSWORD`` or a hidden prompt; the services then check that user's roles,
exactly as the API does. ``--json`` prints one JSON document for scripts; otherwise Rich.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from reunite.config import Settings, get_settings

if TYPE_CHECKING:
    from reunite.governance.roles import Actor
    from reunite.services.workspace import Workspace

__all__ = ["DataDirOption", "JsonOption", "UserOption", "console", "emit", "login",
           "settings_for", "workspace_for"]

DataDirOption = Annotated[Path | None, typer.Option(
    "--data-dir", help="Data directory (default: $REUNITE_DATA_DIR or ./reunite-data).")]
UserOption = Annotated[str | None, typer.Option(
    "--user", "-u", help="Act as this user (default: $REUNITE_USER); the password comes "
                         "from $REUNITE_PASSWORD or a prompt.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]

console = Console(highlight=False)


def settings_for(data_dir: Path | None) -> Settings:
    """The settings, with ``--data-dir`` taking precedence over the environment."""
    settings = get_settings()
    return replace(settings, data_dir=data_dir) if data_dir is not None else settings


def workspace_for(data_dir: Path | None) -> Workspace:
    """Open the installation in the data directory."""
    # Imported here: the services pull in numpy, numba and SQLAlchemy, and every command
    # module is imported at start-up, so `reunite --help` would pay for them.
    from reunite.services.workspace import open_workspace

    return open_workspace(settings_for(data_dir))


def login(workspace: Workspace, user: str | None) -> Actor:
    """Authenticate the acting user (see the module docstring)."""
    from reunite.services.auth import authenticate

    name = user or os.environ.get("REUNITE_USER")
    if not name:
        name = typer.prompt("user")
    password = os.environ.get("REUNITE_PASSWORD")
    if password is None:
        password = typer.prompt("password", hide_input=True)
    return authenticate(workspace.store, name, password)


def emit(data: Any, *, as_json: bool, text: str | None = None) -> None:
    """Print ``data`` as JSON, or ``text`` (Rich markup) for people."""
    if as_json:
        typer.echo(json.dumps(data, indent=2, sort_keys=True, default=str))
    else:
        console.print(text if text is not None else data)
