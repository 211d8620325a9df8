"""``reunite candidates``: match candidates with their LRs and review status."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from reunite.cli._session import DataDirOption, JsonOption, UserOption, emit, login, workspace_for

__all__ = ["candidates", "register"]


def candidates(
    case: Annotated[str | None, typer.Option(help="Case id or reference.")] = None,
    status: Annotated[str | None, typer.Option(
        help="pending, awaiting-second-review, confirmed or rejected.")] = None,
    candidate: Annotated[str | None, typer.Option(
        help="Show one candidate with its per-marker LRs.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
    data_dir: DataDirOption = None, user: UserOption = None, as_json: JsonOption = False,
) -> None:
    """List match candidates, strongest first, or show one with per-marker LRs.

    Example:

        REUNITE_USER=rev1 reunite candidates --case MP-2026-001 --status pending
    """
    from reunite.services import review  # lazy: keeps `reunite --help` fast
    ws = workspace_for(data_dir)
    try:
        actor = login(ws, user)
        views = ([review.get_candidate(ws.store, actor, candidate)] if candidate else
                 review.list_candidates(ws.store, actor, case=case, status=status,
                                        limit=limit))
    finally:
        ws.close()
    rows = [{"id": v.candidate.id, "case": v.case_reference, "log10_lr": v.candidate.log10_lr,
             "status": v.status, "target_profile_id": v.candidate.target_profile_id,
             "target_person_id": v.target_person_id,
             "per_marker_log10_lr": v.candidate.details.get("per_marker_log10_lr", {}),
             "settings": v.candidate.details.get("settings"),
             "decisions": [{"reviewer": d.reviewer, "decision": d.decision,
                            "reason": d.reason} for d in v.decisions]} for v in views]
    table = Table(title="match candidates")
    for column in ("id", "case", "log10 LR", "status", "unidentified person"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["id"], str(row["case"]), f"{row['log10_lr']:.2f}", row["status"],
                      str(row["target_person_id"]))
    if candidate and rows:
        for marker, value in rows[0]["per_marker_log10_lr"].items():
            table.add_row("", marker, "excluded" if value is None else f"{value:.2f}", "", "")
    emit(rows, as_json=as_json, text=table)  # type: ignore[arg-type]


def register(app: typer.Typer) -> None:
    """Add ``reunite candidates`` to ``app``."""
    app.command(name="candidates")(candidates)
