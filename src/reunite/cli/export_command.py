"""``reunite export --format FMT --out FILE INPUT``: convert a lab file to another format.

Reads INPUT like ``reunite import`` (any supported format, all-or-nothing unless
``--skip-bad``) and writes its profiles as a GeneMapper table, CODIS CMF (lawful
categories only; ``--category`` and the CMF header options are required), a ped file or
profile JSON. Files are converted on this machine; nothing is read from or written to the
database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from reunite.errors import InputError
from reunite.io.formats import READ_FORMATS, WRITE_FORMATS, read_profiles, write_profiles

__all__ = ["export", "register"]


def export(
    source: Annotated[Path, typer.Argument(help="The lab file to convert.")],
    fmt: Annotated[str, typer.Option("--format", help="Output format: " + ", ".join(
        WRITE_FORMATS) + ".")],
    out: Annotated[Path, typer.Option("--out", help="Output file.")],
    source_format: Annotated[str, typer.Option("--from", help="Input format: " + ", ".join(
        READ_FORMATS) + ".")] = "auto",
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="Convert the clean samples "
                                           "and list the bad ones.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUT.")] = False,
    category: Annotated[str | None, typer.Option(
        help="CMF: CODIS specimen category, or a reunite index (reference-direct…).")] = None,
    source_lab: Annotated[str | None, typer.Option(help="CMF: SOURCELAB (ORI).")] = None,
    destination_ori: Annotated[str | None, typer.Option(help="CMF: DESTINATIONORI.")] = None,
    submitted_by: Annotated[str | None, typer.Option(help="CMF: SUBMITBYUSERID.")] = None,
    kit: Annotated[str | None, typer.Option(help="CMF: KIT (a CODIS kit name).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
    encoding: Annotated[str | None, typer.Option(
        help="Encoding of a text INPUT without a byte-order mark (default UTF-8).")] = None,
) -> None:
    """Convert the profiles of a lab file to another format.

    Example:

        reunite export --format ped --out family.ped family.fam
    """
    if fmt not in WRITE_FORMATS:
        raise InputError(f"cannot write this format (one of {', '.join(WRITE_FORMATS)})",
                         field="--format", value=fmt)
    if out.exists() and not force:
        raise InputError("the output file exists (use --force to overwrite)",
                         source=str(out))
    result = read_profiles(source, format=source_format, skip_bad=skip_bad, encoding=encoding)
    header = {k: v for k, v in {"categories": category, "source_lab": source_lab,
                                 "destination_ori": destination_ori,
                                 "submitted_by": submitted_by, "kit": kit}.items() if v}
    write_profiles(result.profiles, out, format=fmt,  # type: ignore[arg-type]
                   cmf_header=header)
    skipped = [s.sample for s in result.skipped]
    if as_json:
        typer.echo(json.dumps({"source": str(source), "out": str(out), "format": fmt,
                               "profiles": len(result.profiles), "skipped": skipped}))
    else:
        typer.echo(f"wrote {len(result.profiles)} profiles to {out} ({fmt})")
        for sample in skipped:
            typer.echo(f"skipped {sample} (errors; see `reunite import --dry-run`)", err=True)


def register(app: typer.Typer) -> None:
    """Add ``reunite export`` to ``app``."""
    app.command(name="export")(export)
