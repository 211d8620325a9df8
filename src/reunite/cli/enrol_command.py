"""``reunite enrol``: store profiles in the encrypted database, on each person's basis.

One profile JSON for one person (``--person``), or a whole lab file (GeneMapper/GeneMarker
table, CODIS CMF, profile JSON list) whose sample names name the people: the person id or
``<case reference>/<label>``. A file is imported all-or-nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from reunite.cli._session import DataDirOption, JsonOption, UserOption, emit, login, workspace_for
from reunite.errors import InputError

__all__ = ["enrol", "register"]


def enrol(
    file: Annotated[Path, typer.Argument(help="Profile JSON, or a lab file with --batch.")],
    person: Annotated[str | None, typer.Option(
        help="Person id the single profile belongs to.")] = None,
    kit: Annotated[str, typer.Option(help="Typing kit, e.g. GlobalFiler.")] = "unknown",
    lab: Annotated[str, typer.Option(help="Laboratory.")] = "unknown",
    fmt: Annotated[str, typer.Option("--format", help="auto, genemapper, cmf or json.")
                   ] = "auto",
    unidentified_index: Annotated[str, typer.Option(
        help="Where CMF 'Unidentified Person' specimens go.")] = "unidentified-remains",
    data_dir: DataDirOption = None, user: UserOption = None, as_json: JsonOption = False,
) -> None:
    """Enrol one profile for a person, or import every profile of a lab file.

    Example:

        reunite enrol --person P_ID mother.json --kit GlobalFiler --lab "Lab A"
        reunite enrol plate7_genotypes.txt --kit GlobalFiler --lab "Lab A"

    Each profile is held on the person's valid consent or legal order; without one,
    nothing is stored and the refusal is audited.
    """
    from reunite.services import workflow  # lazy: keeps `reunite --help` fast
    if not file.is_file():
        raise InputError("no such file", source=str(file))
    ws = workspace_for(data_dir)
    try:
        actor = login(ws, user)
        if person is not None:
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
            except ValueError as exc:
                raise InputError(f"not valid JSON: {exc}", source=str(file)) from exc
            profile_id = workflow.enrol_json(
                ws.store, ws.master, actor, person_id=person, data=data, kit=kit, lab=lab,
                frequency_table_hash=ws.frequencies.content_hash)
            result = {"imported": 1, "profile_ids": {str(file.name): profile_id}}
        else:
            outcome = workflow.import_lab_file(
                ws.store, ws.master, actor, file.read_bytes(), name=file.name, kit=kit,
                lab=lab, fmt=fmt, frequency_table_hash=ws.frequencies.content_hash,
                unidentified_index=unidentified_index)
            result = outcome.to_dict()
    finally:
        ws.close()
    emit(result, as_json=as_json, text=f"enrolled {result['imported']} profile(s)")


def register(app: typer.Typer) -> None:
    """Add ``reunite enrol`` to ``app``."""
    app.command(name="enrol")(enrol)
