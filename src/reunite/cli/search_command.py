"""``reunite search direct|screen|blind``: searches over profile and family files.

A thin shell over :mod:`reunite.services.searches`: the files are read, the index is built
in memory, governance's search matrix is asked (``--query-index`` against
``--target-index``), and the result is printed as a table or, with ``--json``, as JSON.
θ, the mutation model and rates, the minimum allele count, the threshold and k are the
installation's search settings (``REUNITE_*`` or the config file) unless an option says
otherwise. ``--scheduler ADDRESS`` shards the index over a Dask cluster.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
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
from reunite.config import get_settings

if TYPE_CHECKING:
    from types import ModuleType


def _searches() -> ModuleType:
    # The engine pulls in numba: import it only when a search runs, so `--help` is quick.
    from reunite.services import searches

    return searches

__all__ = ["register"]

search_app = typer.Typer(
    name="search", no_args_is_help=True,
    help="Search profile files: direct match, pedigree screen, blind search.",
)
_out = Console(highlight=False)

IndexFiles = Annotated[list[Path], typer.Argument(help="Profile files to search (any lab "
                                                  "format `reunite import` reads, or JSON).")]
Scheduler = Annotated[str | None, typer.Option(help="Dask scheduler address: shard the index "
                                               "over its workers.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
QueryIndex = Annotated[str, typer.Option(help="Index of the query side (search matrix).")]
TargetIndex = Annotated[str, typer.Option(help="Index searched (search matrix).")]
Freqs = Annotated[Path, typer.Option("--freqs", help="Allele frequency table (CSV).")]


def _fmt(log10_lr: float | None) -> str:
    if log10_lr is None:
        return "0 (excluded)"
    if log10_lr > 6 or log10_lr < -3:
        return f"10^{log10_lr:.2f}"
    return f"{10 ** log10_lr:.4g}"


def _print_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, indent=2, allow_nan=False, default=str))


@search_app.command("direct")
def direct(
    query: Annotated[Path, typer.Argument(help="File holding the query profile(s).")],
    index_files: IndexFiles,
    stringency: Annotated[str, typer.Option(help="high, moderate or low.")] = "high",
    min_shared: Annotated[int, typer.Option(help="Minimum markers typed in both.")] = 8,
    max_mismatch: Annotated[int, typer.Option(help="Mismatching markers tolerated.")] = 0,
    freqs: Annotated[Path | None, typer.Option("--freqs", help="Frequency table: rank by "
                                               "LR = 1/RMP.")] = None,
    theta: Theta = None,
    limit: Annotated[int | None, typer.Option(help="Show at most this many hits.")] = None,
    query_index: QueryIndex = "reference-direct",
    target_index: TargetIndex = "unidentified-remains",
    scheduler: Scheduler = None,
    as_json: AsJson = False,
) -> None:
    """Direct match with CODIS-style stringency, ranked by LR = 1/RMP.

    Example:

        reunite search direct toothbrush.json remains.csv --freqs nist.csv --max-mismatch 1
    """
    settings = search_settings_for(get_settings(), theta=theta)
    results = _searches().direct_search_files(
        query, index_files, settings=settings, query_index=query_index,
        target_index=target_index, frequencies_path=freqs, scheduler=scheduler,
        stringency=stringency, min_shared=min_shared, max_mismatch=max_mismatch, limit=limit)
    if as_json:
        _print_json([r.to_dict() for r in results])
        return
    for result in results:
        table = Table(title=f"direct match ({result.stringency.value} stringency)")
        for col in ("profile", "shared", "mismatches", "LR"):
            table.add_column(col)
        for hit in result.hits:
            table.add_row(hit.profile_id, str(hit.shared_markers),
                          ", ".join(hit.mismatching_markers) or "0",
                          _fmt(hit.log10_lr) if hit.log10_lr is not None else "-")
        _out.print(table if result.hits else "no match")


@search_app.command("screen")
def screen(
    family: Annotated[Path, typer.Argument(help="Family file (reunite-family/1 JSON).")],
    index_files: IndexFiles,
    freqs: Freqs,
    k: K = None, threshold: Threshold = None, theta: Theta = None,
    mutation_model: MutationModel = None, mutation_rate: MutationRate = None,
    mutation_rate_male: MutationRateMale = None,
    query_index: QueryIndex = "reference-family",
    target_index: TargetIndex = "unidentified-remains",
    scheduler: Scheduler = None,
    as_json: AsJson = False,
) -> None:
    """Screen every profile against a family pedigree; the best re-scored exactly.

    Example:

        reunite search screen family.json remains.csv --freqs nist.csv --k 5
    """
    settings = search_settings_for(
        get_settings(), theta=theta, mutation_model=mutation_model,
        mutation_rate=mutation_rate, mutation_rate_male=mutation_rate_male,
        threshold=threshold, k=k)
    results = _searches().screen_files(
        family, index_files, freqs, settings=settings, query_index=query_index,
        target_index=target_index, scheduler=scheduler)
    if as_json:
        _print_json([_clean(r.to_dict()) for r in results])
        return
    for result in results:
        table = Table(title=f"family {result.family_id}: {result.screened} profiles screened")
        for col in ("rank", "profile", "LR (exact)", "LR (screen)"):
            table.add_column(col)
        for n, hit in enumerate(result.hits, 1):
            table.add_row(str(n), hit.profile_id, _fmt(hit.log10_lr),
                          _fmt(hit.screen_log10_lr))
        _out.print(table)


def _clean(value: Any) -> Any:
    """JSON has no infinities: -inf (an excluded marker) is written as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


@search_app.command("blind")
def blind(
    families: Annotated[Path, typer.Argument(help="Families file (reunite-family/1 array).")],
    index_files: IndexFiles,
    freqs: Freqs,
    k: K = None, theta: Theta = None, mutation_model: MutationModel = None,
    mutation_rate: MutationRate = None, mutation_rate_male: MutationRateMale = None,
    block_size: Annotated[int, typer.Option(help="Families per block.")] = 64,
    checkpoint: Annotated[Path | None, typer.Option(help="Resume from / save to this "
                                                    "checkpoint file.")] = None,
    query_index: QueryIndex = "reference-family",
    target_index: TargetIndex = "unidentified-remains",
    scheduler: Scheduler = None,
    as_json: AsJson = False,
) -> None:
    """Every profile against every family: top k each way, resumable.

    Example:

        reunite search blind families.json remains.csv --freqs nist.csv --checkpoint run.npz
    """
    settings = search_settings_for(
        get_settings(), theta=theta, mutation_model=mutation_model,
        mutation_rate=mutation_rate, mutation_rate_male=mutation_rate_male, k=k)
    with Progress(TextColumn("blind search"), BarColumn(), TextColumn("{task.completed}/"
                  "{task.total} families"), TimeRemainingColumn(),
                  console=Console(stderr=True), disable=as_json) as bar:
        task = bar.add_task("blind", total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = _searches().blind_search_files(
            families, index_files, freqs, settings=settings, query_index=query_index,
            target_index=target_index, block_size=block_size, checkpoint=checkpoint,
            progress=tick, scheduler=scheduler)
    if as_json:
        _print_json(_clean(result.to_dict()))
        return
    table = Table(title="blind search: best profiles per family")
    for col in ("family", "profile", "LR (screen)"):
        table.add_column(col)
    for fid, hits in result.by_family.items():
        for hit in hits[:3]:
            table.add_row(fid, hit.profile_id, _fmt(hit.log10_lr))
    _out.print(table)


def register(app: typer.Typer) -> None:
    """Add ``reunite search`` to ``app``."""
    app.add_typer(search_app, name="search")
