"""``reunite search run``: a search over the enrolled database, behind the policy gate.

Registered under the file-based ``reunite search`` group of :mod:`.search_command`. Shows a
progress bar; stores candidates at or above the LR threshold for review.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from reunite.cli._session import DataDirOption, JsonOption, UserOption, emit, login, workspace_for

__all__ = ["register", "run"]


def run(
    kind: Annotated[str, typer.Option(help="direct, screen or blind.")] = "screen",
    case: Annotated[str | None, typer.Option(help="Case id or reference (direct, screen).")
                    ] = None,
    threshold: Annotated[float | None, typer.Option(
        help="LR threshold for storing candidates (default REUNITE_LR_THRESHOLD).")] = None,
    k: Annotated[int, typer.Option(help="Best hits kept per family.")] = 10,
    data_dir: DataDirOption = None, user: UserOption = None, as_json: JsonOption = False,
) -> None:
    """Search the database: one case's family (screen), its own DNA (direct), or all (blind).

    Example:

        REUNITE_USER=lab1 reunite search run --kind screen --case MP-2026-001
    """
    from reunite.services.matching import SearchRequest  # lazy: keeps `reunite --help` fast
    ws = workspace_for(data_dir)
    try:
        actor = login(ws, user)
        request = SearchRequest(kind, case, threshold=threshold, k=k)
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                      disable=as_json, transient=True) as bar:
            task = bar.add_task(f"{kind} search", total=1.0)

            def progress(fraction: float, message: str) -> None:
                bar.update(task, completed=fraction, description=message)

            outcome = ws.engine.run(actor, request, progress)
    finally:
        ws.close()
    result = outcome.to_dict()
    result.pop("provenance")
    table = Table(title=f"{kind} search: {outcome.searched} profiles, "
                        f"{len(outcome.candidate_ids)} new candidates "
                        f"(LR ≥ {outcome.threshold:g})")
    for column in ("case", "profile", "log10 LR"):
        table.add_column(column)
    ranked = sorted(outcome.hits, key=lambda h: -(h.get("log10_lr") or -1e300))
    for hit in ranked[:20]:
        value = hit.get("log10_lr")
        table.add_row(str(hit.get("case_id")), str(hit["profile_id"]),
                      "excluded" if value is None else f"{value:.2f}")
    emit(result, as_json=as_json, text=table)  # type: ignore[arg-type]


def register(app: typer.Typer) -> None:
    """Add ``run`` to the ``reunite search`` group."""
    from reunite.cli.search_command import search_app

    search_app.command("run")(run)
