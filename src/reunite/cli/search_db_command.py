"""``reunite search run``: a search over the enrolled database, behind the policy gate.

Registered under the file-based ``reunite search`` group of :mod:`.search_command`. Shows a
progress bar; stores candidates at or above the LR threshold for review. θ, the mutation
model and rates, the threshold and k default to the installation's settings.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from reunite.cli._search_options import (
    K,
    MutationModel,
    MutationRate,
    MutationRateMale,
    Theta,
    Threshold,
    search_settings_for,
)
from reunite.cli._session import DataDirOption, JsonOption, UserOption, emit, login, workspace_for

__all__ = ["register", "run"]


def run(
    kind: Annotated[str, typer.Option(help="direct, screen or blind.")] = "screen",
    case: Annotated[str | None, typer.Option(help="Case id or reference (direct, screen).")
                    ] = None,
    threshold: Threshold = None, k: K = None, theta: Theta = None,
    mutation_model: MutationModel = None, mutation_rate: MutationRate = None,
    mutation_rate_male: MutationRateMale = None,
    data_dir: DataDirOption = None, user: UserOption = None, as_json: JsonOption = False,
) -> None:
    """Search the database: one case's family (screen), its own DNA (direct), or all (blind).

    Example:

        REUNITE_USER=lab1 reunite search run --kind screen --case MP-2026-001 --theta 0.01
    """
    # Lazy: keeps `reunite --help` fast.
    from reunite.services.searches import SearchRequest, run_search
    ws = workspace_for(data_dir)
    try:
        settings = search_settings_for(
            ws.settings, theta=theta, mutation_model=mutation_model,
            mutation_rate=mutation_rate, mutation_rate_male=mutation_rate_male,
            threshold=threshold, k=k)
        actor = login(ws, user)
        request = SearchRequest(kind, case)
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                      disable=as_json, transient=True) as bar:
            task = bar.add_task(f"{kind} search", total=1.0)

            def progress(fraction: float, message: str) -> None:
                bar.update(task, completed=fraction, description=message)

            outcome = run_search(ws.index, actor, request, settings=settings,
                                 progress=progress)
    finally:
        ws.close()
    result = outcome.to_dict()
    result.pop("provenance")
    table = Table(title=f"{kind} search: {outcome.searched} profiles, "
                        f"{len(outcome.candidate_ids)} new candidates "
                        f"(LR ≥ {outcome.threshold:g}, θ = {settings.theta:g})")
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
