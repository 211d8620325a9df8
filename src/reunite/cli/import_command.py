"""``reunite import FILE``: check a lab file and show what it would import (``--dry-run``).

Reads CODIS CMF, GeneMapper ID-X / GeneMarker HID tables, Familias ``.fam``, ped files and
profile JSON (``--format auto`` detects which), and prints every problem found with its
file, line (or XML path), sample, marker and value, and what an import would store: all
samples when the file is clean, nothing when it has an error, the clean samples with
``--skip-bad`` (the bad ones listed). ``--json`` prints the same report as JSON.

Without ``--dry-run`` a clean file (or the clean samples, with ``--skip-bad``) is stored in
the encrypted database, acting as ``--user``: each sample name must name an enrolled person
(the person id or ``<case reference>/<label>``, as for ``reunite enrol``) holding a valid
consent or legal order; otherwise nothing is stored (:mod:`reunite.services.importing`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from reunite.cli._session import DataDirOption, UserOption, login, workspace_for
from reunite.errors import InputError
from reunite.io.formats import READ_FORMATS, read_profiles
from reunite.io.report import ImportReport, import_report, report_for_unreadable
from reunite.io.result import ReadResult

__all__ = ["build_report", "import_file", "register"]


def build_report(path: Path, *, fmt: str, skip_bad: bool, allow_unknown_markers: bool,
                 encoding: str | None = None,
                 unidentified_index: str = "unidentified-remains",
                 ) -> tuple[ImportReport, ReadResult | None]:
    """The QC report of ``path`` and the result read with bad samples skipped (``None``
    when the file cannot be read); bad content is reported, never raised."""
    try:
        result = read_profiles(path, format=fmt, skip_bad=True,
                               allow_unknown_markers=allow_unknown_markers, encoding=encoding,
                               unidentified_index=unidentified_index)
    except InputError as exc:
        if exc.problems or exc.context.get("source") or fmt != "auto":
            return report_for_unreadable(exc, source=str(path), format=fmt), None
        raise
    return import_report(result, skip_bad=skip_bad), result


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
    encoding: Annotated[str | None, typer.Option(
        help="Encoding of a text file without a byte-order mark (default UTF-8), e.g. "
             "cp1252 for Familias files written on Windows.")] = None,
    kit: Annotated[str, typer.Option(help="Typing kit, e.g. GlobalFiler.")] = "unknown",
    lab: Annotated[str, typer.Option(help="Laboratory.")] = "unknown",
    unidentified_index: Annotated[str, typer.Option(
        help="Where CMF 'Unidentified Person' specimens go (unidentified-remains or "
             "unidentified-living).")] = "unidentified-remains",
    data_dir: DataDirOption = None,
    user: UserOption = None,
) -> None:
    """Check a lab file and import its profiles (every problem is listed).

    Example:

        reunite import --dry-run --skip-bad runs/plate7_genotypes.txt
        reunite import runs/plate7_genotypes.txt --kit GlobalFiler --lab "Lab A" --user lab1

    Sample names name enrolled persons (person id or <case reference>/<label>). Exit status:
    0 when the import (or dry run) succeeds as asked; 2 when the file cannot be read or has
    errors and --skip-bad was not given, or a sample names no enrolled person (nothing is
    imported); 3 when a person has no valid consent or legal order (nothing is imported).
    """
    if fmt not in READ_FORMATS:
        raise InputError(f"unknown format (one of {', '.join(READ_FORMATS)})",
                         field="--format", value=fmt)
    if not file.is_file():
        raise InputError("no such file", source=str(file))
    report, result = build_report(file, fmt=fmt, skip_bad=skip_bad,
                                  allow_unknown_markers=allow_unknown_markers,
                                  encoding=encoding, unidentified_index=unidentified_index)
    refusal: InputError | None = None
    if not report.readable:
        refusal = InputError("the file cannot be read; nothing can be imported",
                             source=str(file))
    elif report.n_errors and not skip_bad:
        refusal = InputError(f"{report.n_errors} error(s): nothing would be imported (fix "
                             "them, or use --skip-bad to import the clean samples)",
                             source=str(file))
    stored: dict[str, str] | None = None
    if refusal is None and not dry_run and result is not None:
        stored = _store(result, kit=kit, lab=lab, data_dir=data_dir, user=user)
    if as_json:
        data = report.to_json_data()
        data["dry_run"] = dry_run
        if stored is not None:
            data["imported"] = len(stored)
            data["profile_ids"] = stored
        typer.echo(json.dumps(data, indent=2))
    else:
        console = Console(highlight=False, width=120)
        _print_report(report, console)
        if stored is not None:
            console.print(f"imported {len(stored)} profile(s) into the database")
    if refusal is not None:
        # An error, not typer.Exit: main() maps it to exit 2 with one line on stderr.
        raise refusal


def _store(result: ReadResult, *, kit: str, lab: str, data_dir: Path | None,
           user: str | None) -> dict[str, str]:
    from reunite.services.importing import import_named_samples  # lazy: fast --help

    workspace = workspace_for(data_dir)
    try:
        actor = login(workspace, user)
        return import_named_samples(workspace.store, workspace.master, actor, result,
                                    kit=kit, lab=lab,
                                    frequency_table_hash=workspace.frequencies.content_hash)
    finally:
        workspace.close()


def register(app: typer.Typer) -> None:
    """Add ``reunite import`` to ``app``."""
    app.command(name="import")(import_file)
