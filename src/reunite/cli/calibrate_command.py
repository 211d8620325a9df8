"""``reunite calibrate CASE.json --poi POI``: how often this family's LR lies.

Reads a ``reunite-kinship-case/1`` file (``../shared/spec/kinship-case.md``, section
Calibration) whose first hypothesis places the POI in the family pedigree and whose second
has it unrelated, and prints the family's exact exclusion power (total and per marker),
``P(LR ≥ T | H2)`` (tail probability), ``P(LR ≥ T | H1)`` (power), the expected chance
matches in a database of ``N`` unrelated profiles, the threshold that keeps them at the
target, and, when the POI is typed, its LR and p-value. A thin shell over
:func:`reunite.stats.missing_person_calibration.calibrate_missing_person`; bad input
raises typed errors that :func:`reunite.cli.main.main` turns into exit status 2 with the
file, field and value.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from reunite.config import get_settings
from reunite.errors import CaseError, InputError
from reunite.io.kinship_case import read_cases
from reunite.stats.calibration import (
    DEFAULT_TARGET_CHANCE_MATCHES,
    assess_family,
    format_threshold,
)
from reunite.stats.missing_person_calibration import CaseCalibration, calibrate_missing_person

__all__ = ["calibrate", "register"]


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _positive(value: float | None, option: str) -> None:
    if value is not None and not (math.isfinite(value) and value > 0):
        raise InputError(f"{option} must be a positive number", field=option, value=value)


def _probability(value: float) -> str:
    if value == 0:
        return "0"
    if value >= 1e-3:
        return f"{value:.4f}"
    return f"{value:.3e}"


def _table(result: CaseCalibration) -> Table:
    cal = result.calibration
    t = format_threshold(cal.threshold)
    table = Table(title=f"calibration of case {result.case_id} (POI {result.poi})")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    table.add_row("exclusion power P(LR = 0 | unrelated)",
                  _probability(cal.exclusion.total))
    table.add_row(f"tail probability P(LR ≥ {t} | unrelated)",
                  _probability(cal.tail_probability))
    table.add_row(f"power P(LR ≥ {t} | missing person)", _probability(cal.power))
    if cal.expected_chance_matches is not None and cal.database_size is not None:
        table.add_row(f"expected chance matches in {cal.database_size:,.0f} profiles",
                      f"{cal.expected_chance_matches:.3g}")
    if cal.database is not None:
        db = cal.database
        table.add_row(f"threshold for {db.target:g} expected chance matches",
                      f"LR ≥ {format_threshold(float(f'{db.threshold:.3g}'))}"
                      f" (power {db.power.estimate:.3f})")
    if cal.observed_lr is not None:
        table.add_row("observed LR of the POI", f"{cal.observed_lr:.4g}")
    if cal.observed is not None:
        table.add_row("p-value P(LR ≥ observed | unrelated)",
                      _probability(cal.observed.h2.estimate))
        if cal.database_size is not None:
            table.add_row(f"profiles as strong among {cal.database_size:,.0f} unrelated",
                          f"{cal.database_size * cal.observed.h2.estimate:.3g}")
    per_marker = Table(title="exclusion power per marker", show_header=True)
    per_marker.add_column("marker")
    per_marker.add_column("exclusion power", justify="right")
    for marker, value in cal.exclusion.per_marker.items():
        per_marker.add_row(marker, _probability(value))
    return _stack(table, per_marker)


def _stack(*tables: Table) -> Table:
    grid = Table.grid(padding=(1, 0))
    for table in tables:
        grid.add_row(table)
    return grid


def calibrate(
    case_file: Annotated[Path, typer.Argument(
        help="Kinship case JSON: H1 places the POI in the pedigree, H2 has it unrelated.")],
    poi: Annotated[str, typer.Option("--poi", help="Id of the person of interest.")],
    threshold: Annotated[float | None, typer.Option(
        "--threshold", help="LR threshold T (default: REUNITE_LR_THRESHOLD, 10⁴).")] = None,
    database_size: Annotated[float | None, typer.Option(
        "--database-size",
        help="Unrelated profiles searched, N (default: REUNITE_DATABASE_SIZE, 100,000).",
    )] = None,
    target: Annotated[float, typer.Option(
        "--target-chance-matches",
        help="Expected chance matches per search for the database threshold.")
    ] = DEFAULT_TARGET_CHANCE_MATCHES,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Exclusion power, P(LR ≥ T) under both hypotheses, chance matches, p-value.

    Example:

        reunite calibrate family.json --poi POI --threshold 1e4 --database-size 100000

    --json prints exclusion_power, exclusion_power_per_marker, tail_probability
    (P(LR ≥ T | H2)), power (P(LR ≥ T | H1)), expected_chance_matches (N ×
    tail_probability), and when the POI is typed observed_lr and
    observed_tail_probability (P(LR ≥ observed | H2)); with method and provenance.
    """
    settings = get_settings()
    _positive(threshold, "threshold")
    _positive(database_size, "database-size")
    _positive(target, "target-chance-matches")
    t = settings.lr_threshold if threshold is None else threshold
    n = float(settings.database_size) if database_size is None else database_size
    cases, is_array = read_cases(case_file)
    results = []
    for case in cases:
        for note in case.notes:
            typer.echo(f"note: case {case.id!r}: {note}", err=True)
        try:
            results.append(calibrate_missing_person(
                case.hypotheses, poi, case.markers, case.genotypes, theta=case.theta,
                threshold=t, database_size=n, target_chance_matches=target,
                case_id=case.id, dropout=case.dropout))
        except CaseError as exc:
            # Name the file too: the statistics know the case, not where it came from.
            raise CaseError(exc.message, problems=exc.problems,
                            **{**exc.context, "source": str(case_file)}) from exc
    if as_json:
        payload = [_json_safe(r.to_dict()) for r in results]
        typer.echo(json.dumps(payload if is_array else payload[0], allow_nan=False))
        return
    console = Console(highlight=False, soft_wrap=True)
    for result in results:
        console.print(_table(result))
        console.print(f"method: {result.calibration.tails.method.describe()}")
        for note in result.notes:
            console.print(f"note: {note}")
        assessment = assess_family(result.calibration)
        console.print(("[bold yellow]weak family:[/] " if assessment.weak else "")
                      + assessment.message)


def register(app: typer.Typer) -> None:
    """Add ``reunite calibrate`` to ``app``."""
    app.command(name="calibrate")(calibrate)
