"""``reunite review``: confirm or reject a candidate with a reason (two reviewers confirm)."""

from __future__ import annotations

from typing import Annotated

import typer

from reunite.cli._session import DataDirOption, JsonOption, UserOption, emit, login, workspace_for
from reunite.errors import InputError

__all__ = ["register", "review"]


def review(
    candidate: Annotated[str, typer.Argument(help="Candidate id.")],
    reason: Annotated[str, typer.Option(help="Why (required).")],
    confirm: Annotated[bool, typer.Option("--confirm", help="Confirm the identification.")
                       ] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Reject the candidate.")] = False,
    data_dir: DataDirOption = None, user: UserOption = None, as_json: JsonOption = False,
) -> None:
    """Confirm or reject a candidate; a confirmation needs a second, different reviewer.

    Example:

        REUNITE_USER=rev1 reunite review CANDIDATE_ID --confirm --reason "LR 10^12, pedigree ok"
    """
    from reunite.services import review as review_service  # lazy: keeps `reunite --help` fast
    if confirm == reject:
        raise InputError("give exactly one of --confirm and --reject", field="decision")
    ws = workspace_for(data_dir)
    try:
        view = review_service.decide(ws.store, login(ws, user), candidate,
                                     decision="confirm" if confirm else "reject",
                                     reason=reason)
    finally:
        ws.close()
    emit({"id": candidate, "status": view.status,
          "reviewers": [d.reviewer for d in view.decisions]}, as_json=as_json,
         text=f"candidate {candidate}: [bold]{view.status}[/]")


def register(app: typer.Typer) -> None:
    """Add ``reunite review`` to ``app``."""
    app.command(name="review")(review)
