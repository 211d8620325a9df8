"""``reunite user add`` and ``reunite user token``: accounts and instrument API tokens."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from reunite.cli._session import DataDirOption, JsonOption, UserOption, emit, login, workspace_for
from reunite.governance.roles import Role

__all__ = ["register", "user_app"]

user_app = typer.Typer(help="User accounts and API tokens.", no_args_is_help=True)

RolesOption = Annotated[list[str], typer.Option(
    "--role", "-r", help=f"Role to grant (repeat): {', '.join(r.value for r in Role)}.")]


@user_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="The new user's name.")],
    roles: RolesOption,
    data_dir: DataDirOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a user with roles (needs an admin).

    Example:

        REUNITE_USER=admin reunite user add alice --role case-worker

    The new password comes from $REUNITE_NEW_PASSWORD or a hidden prompt.
    """
    from reunite.services import auth  # lazy: keeps `reunite --help` fast
    workspace = workspace_for(data_dir)
    try:
        actor = login(workspace, user)
        password = os.environ.get("REUNITE_NEW_PASSWORD") or typer.prompt(
            f"password for {username}", hide_input=True, confirmation_prompt=True)
        auth.create_user(workspace.store, actor, username=username, password=password,
                         roles=roles)
    finally:
        workspace.close()
    emit({"username": username, "roles": sorted(roles)}, as_json=as_json,
         text=f"created user [bold]{username}[/] with roles {', '.join(sorted(roles))}")


@user_app.command("token")
def token(
    name: Annotated[str, typer.Argument(help="Instrument name, e.g. genemapper-1.")],
    roles: RolesOption = ["lab-analyst"],  # noqa: B006 -- typer reads the default list
    data_dir: DataDirOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create an API token for a lab instrument (needs an admin); shown once.

    Example:

        REUNITE_USER=admin reunite user token genemapper-1 --role lab-analyst
    """
    from reunite.services import auth  # lazy: keeps `reunite --help` fast
    workspace = workspace_for(data_dir)
    try:
        actor = login(workspace, user)
        secret = auth.create_api_token(workspace.store, actor, name=name, roles=roles)
    finally:
        workspace.close()
    emit({"name": name, "token": secret}, as_json=as_json,
         text=f"API token for {name} (store it now, it is not shown again):\n{secret}")


def register(app: typer.Typer) -> None:
    """Add ``reunite user ...`` to ``app``."""
    app.add_typer(user_app, name="user")
