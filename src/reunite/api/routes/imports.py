"""``POST /imports``: a lab file in any format ``reunite import`` reads (CODIS CMF,
GeneMapper/GeneMarker table, Familias ``.fam``, ped, profile JSON)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, UploadFile, status

from reunite.api.deps import ActorDep, WorkspaceDep
from reunite.api.schemas import ImportOut
from reunite.services import importing

router = APIRouter(tags=["profiles"])


@router.post("/imports", status_code=status.HTTP_201_CREATED)
def import_file(file: UploadFile, actor: ActorDep, workspace: WorkspaceDep,
                kit: Annotated[str, Form(min_length=1, max_length=64)],
                lab: Annotated[str, Form(min_length=1, max_length=128)],
                format: Annotated[Literal["auto", "cmf", "genemapper", "genemarker",
                                          "familias", "ped", "json"], Form()] = "auto",
                unidentified_index: Annotated[
                    Literal["unidentified-remains", "unidentified-living"],
                    Form()] = "unidentified-remains") -> ImportOut:
    """Import every profile of a lab file, all-or-nothing.

    Sample names name people: the person id, or ``<case reference>/<label>``. Each
    profile is held on the person's valid basis; otherwise nothing is imported.
    """
    data = file.file.read()
    outcome = importing.import_lab_file(
        workspace.store, workspace.master, actor, data, name=file.filename or "upload",
        kit=kit, lab=lab, format=format, frequency_table_hash=workspace.frequencies.content_hash,
        unidentified_index=unidentified_index)
    return ImportOut(**outcome.to_dict())
