"""``reunite rmp``: random match probability and identity LR of one profile (JSON out).

A thin shell: reads the frequency table (:mod:`reunite.io.frequencies`) and the
profile JSON (:mod:`reunite.io.profile_json`), calls
:func:`reunite.stats.rmp.random_match_probability` and prints its result as JSON. Bad
input raises typed errors that :func:`reunite.cli.main.main` turns into exit status 2
with the file, line or JSON path, marker and value.
"""

from __future__ import annotations

import json
import math
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from reunite.config import get_settings
from reunite.io.frequencies import read_frequencies
from reunite.io.profile_json import read_profile_json
from reunite.stats.rmp import random_match_probability

__all__ = ["TableFormat", "register", "rmp"]


class TableFormat(str, Enum):
    """Frequency table layouts ``--format`` accepts."""

    auto = "auto"
    csv = "csv"
    nist = "nist"
    fbi = "fbi"
    wide = "wide"
    familias = "familias"


def _json_safe(value: Any) -> Any:
    # JSON has no infinity: an LR that overflows (RMP below ~1e-308) is written as null,
    # and log10_lr still carries the size.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def rmp(
    profile: Annotated[Path, typer.Argument(help="Profile JSON: {\"id\", \"genotypes\"}.")],
    frequencies: Annotated[Path, typer.Option(
        "--frequencies", "-f",
        help="Allele frequency table: long CSV, wide CSV, NIST 1036, FBI 2015 or Familias.")],
    theta: Annotated[float | None, typer.Option(
        help="Coancestry θ for the Balding–Nichols correction (default: REUNITE_THETA, 0).",
    )] = None,
    table_format: Annotated[TableFormat, typer.Option(
        "--format", help="Table layout; auto reads it from the header.")] = TableFormat.auto,
    population: Annotated[str | None, typer.Option(
        help="Population within the table (NIST: All, AfAm, Cauc, Hisp, Asian; FBI: "
             "Caucasian, African American, ...).")] = None,
    indent: Annotated[int | None, typer.Option(help="Indent the JSON output.")] = None,
) -> None:
    """Random match probability of a profile, per marker and combined; LR = 1/RMP.

    Example:

        reunite rmp -f nist1036_allele_frequencies.csv --theta 0.01 profile.json

    Prints JSON: markers (per-marker RMP), rmp, lr, log10_lr, markers_used,
    markers_skipped (with the reason) and provenance (θ, profile id, table
    name and SHA-256 content hash).

    θ = 0 uses p² and 2pq (NRC II 4.1); θ > 0 the Balding–Nichols formulae
    (NRC II 4.10). Amelogenin, X/Y markers, partial genotypes and markers
    missing from the table are skipped. Unseen alleles get the minimum
    frequency 5/2N (REUNITE_MIN_ALLELE_COUNT).
    """
    settings = get_settings()
    table = read_frequencies(frequencies, format=table_format.value, population=population,
                             min_allele_count=settings.min_allele_count)
    query = read_profile_json(profile)
    result = random_match_probability(
        query, table, theta=settings.theta if theta is None else theta)
    typer.echo(json.dumps(_json_safe(result.to_dict()), indent=indent))


def register(app: typer.Typer) -> None:
    """Add ``reunite rmp`` to ``app``."""
    app.command(name="rmp")(rmp)
