"""``reunite enrol``: store ONE profile for ONE person, on that person's basis.

The profile is a profile JSON file (``{"id": ..., "genotypes": {marker: [a, b]}}``) and
``--person`` names the enrolled person it belongs to. Lab files holding many samples go
through ``reunite import``, which reads every format and names people by sample name.
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
    file: Annotated[Path, typer.Argument(help="Profile JSON of one person.")],
    person: Annotated[str, typer.Option(help="Person id the profile belongs to.")],
    kit: Annotated[str, typer.Option(help="Typing kit, e.g. GlobalFiler.")] = "unknown",
    lab: Annotated[str, typer.Option(help="Laboratory.")] = "unknown",
    basis: Annotated[str | None, typer.Option(
        help="Basis id to hold the profile on (default: the person's newest valid one).")
    ] = None,
    data_dir: DataDirOption = None, user: UserOption = None, as_json: JsonOption = False,
) -> None:
    """Enrol one profile for one person (lab files: ``reunite import``).

    Example:

        reunite enrol mother.json --person P_ID --kit GlobalFiler --lab "Lab A"

    The profile is held on the person's valid consent or legal order; without one,
    nothing is stored and the refusal is audited.
    """
    from reunite.services import enrolment  # lazy: keeps `reunite --help` fast
    if not file.is_file():
        raise InputError("no such file", source=str(file))
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid profile JSON: {exc}", source=str(file)) from exc
    ws = workspace_for(data_dir)
    try:
        actor = login(ws, user)
        profile_id = enrolment.enrol_json(
            ws.store, ws.master, actor, person_id=person, data=data, kit=kit, lab=lab,
            basis_id=basis, frequency_table_hash=ws.frequencies.content_hash)
    finally:
        ws.close()
    emit({"imported": 1, "profile_ids": {file.name: profile_id}}, as_json=as_json,
         text=f"enrolled 1 profile ({profile_id}) for person {person}")


def register(app: typer.Typer) -> None:
    """Add ``reunite enrol`` to ``app``."""
    app.command(name="enrol")(enrol)
