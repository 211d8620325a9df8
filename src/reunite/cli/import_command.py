"""``reunite import FILE``: check a lab file and show what it would import (``--dry-run``).

Reads CODIS CMF, GeneMapper ID-X / GeneMarker HID tables, Familias ``.fam``, ped files and
profile JSON (``--format auto`` detects which), and prints every problem found with its
file, line (or XML path), sample, marker and value, and what an import would store: all
samples when the file is clean, nothing when it has an error, the clean samples with
``--skip-bad`` (the bad ones listed). ``--json`` prints the same report as JSON.

Storing into the encrypted database needs an enrolled person and basis for every sample
and a signed-in lab analyst (:mod:`reunite.services.importing`); the command line has no
sign-in yet, so without ``--dry-run`` the command stores nothing and exits 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from reunite.errors import InputError
from reunite.io.formats import READ_FORMATS, read_profiles
from reunite.io.report import ImportReport, import_report, report_for_unreadable

__all__ = ["import_file", "register"]

NOT_AVAILABLE = ("database import is not yet available from the command line (it needs a "
                 "signed-in lab analyst and the enrolled person for each sample); nothing "
                 "was stored. Use --dry-run to check the file, or `reunite export` to convert it")


def build_report(path: Path, *, fmt: str, skip_bad: bool, allow_unknown_markers: bool
                 ) -> ImportReport:
    """The QC report of ``path`` (never raises for bad content: problems are reported)."""
    try:
        result = read_profiles(path, format=fmt, skip_bad=True,
                               allow_unknown_markers=allow_unknown_markers)
    except InputError as exc:
        if exc.problems or exc.context.get("source") or fmt != "auto":
            return report_for_unreadable(exc, source=str(path), format=fmt)
        raise
    return import_report(result, skip_bad=skip_bad)


def _print_report(report: ImportReport, console: Console) -> None:
    console.print(f"[bold]{report.source}[/] ({report.format})")
    summary = Table(show_header=False)
    summary.add_column("what")
    summary.add_column("count", justify="right")
    summary.add_row("samples read", str(len(report.samples)))
    summary.add_row("would import", str(len(report.importable)))
    summary.add_row("samples with errors", str(len(report.skipped)))
    summary.add_row("errors", str(report.n_errors))
    summary.add_row("warnings", str(report.n_warnings))
    for code, count in sorted(report.by_code.items()):
        summary.add_row(f"  {code}", str(count))
    console.print(summary)
    if report.samples:
        samples = Table(title="samples")
        for column in ("sample", "status", "markers", "index"):
            samples.add_column(column)
        for s in report.samples:
            status = "ok" if s.sample in report.importable else (
                "skipped" if s.status == "bad" else "not imported")
            samples.add_row(s.sample, status, str(s.n_markers), s.index or "")
        console.print(samples)
    if report.problems:
        problems = Table(title="problems")
        for column in ("severity", "where", "sample", "marker", "value", "problem"):
            problems.add_column(column, overflow="fold")
        for p in report.problems:
            where = f"line {p.line}" if p.line is not None else (p.field or "")
            if p.line is not None and p.field:
                where += f" {p.field}"
            problems.add_row(str(p.extra.get("severity", "error")), where, p.sample or "",
                             p.marker or "", "" if p.value is None else str(p.value),
                             p.message)
        console.print(problems)


def import_file(
    file: Annotated[Path, typer.Argument(help="Lab file: CMF XML, GeneMapper/GeneMarker "
                                             "table, Familias .fam, ped or profile JSON.")],
    fmt: Annotated[str, typer.Option("--format", help="File format: " + ", ".join(
        READ_FORMATS) + ".")] = "auto",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only check the file and show "
                                          "what would be imported.")] = False,
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="Import the clean samples "
                                           "and list the bad ones.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    allow_unknown_markers: Annotated[bool, typer.Option(
        "--allow-unknown-markers", help="Accept marker names reunite does not know.")] = False,
) -> None:
    """Check a lab file and import its profiles (every problem is listed).

    Example:

        reunite import --dry-run --skip-bad runs/plate7_genotypes.txt

    Exit status: 0 when the import (or dry run) succeeds as asked; 2 when the file cannot
    be read or has errors and --skip-bad was not given (nothing is imported).
    """
    if fmt not in READ_FORMATS:
        raise InputError(f"unknown format (one of {', '.join(READ_FORMATS)})",
                         field="--format", value=fmt)
    if not file.is_file():
        raise InputError("no such file", source=str(file))
    report = build_report(file, fmt=fmt, skip_bad=skip_bad,
                          allow_unknown_markers=allow_unknown_markers)
    if as_json:
        data = report.to_json_data()
        data["dry_run"] = dry_run
        typer.echo(json.dumps(data, indent=2))
    else:
        _print_report(report, Console(highlight=False, width=120))
    if not report.readable:
        raise InputError("the file cannot be read; nothing can be imported", source=str(file))
    if report.n_errors and not skip_bad:
        # An error, not typer.Exit: main() maps it to exit 2 with one line on stderr.
        raise InputError(f"{report.n_errors} error(s): nothing would be imported (fix them, "
                         "or use --skip-bad to import the clean samples)", source=str(file))
    if not dry_run:
        raise InputError(NOT_AVAILABLE, source=str(file))


def register(app: typer.Typer) -> None:
    """Add ``reunite import`` to ``app``."""
    app.command(name="import")(import_file)
