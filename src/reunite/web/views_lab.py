"""Lab import: upload a genotype file, see the dry-run QC report, then commit it.

The dry run reads the file exactly as the import will (:func:`reunite.io.read_profiles`:
CODIS CMF, GeneMapper/GeneMarker, Familias ``.fam``, ped or profile JSON), lists every
problem per sample and marker with its severity, and says which enrolled person each
sample names; nothing is stored until the analyst commits, and the commit is the
all-or-nothing :func:`import_lab_file` with its consent checks.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from reunite.errors import InputError, ReuniteError
from reunite.governance.roles import Action, Actor
from reunite.io.formats import read_profiles
from reunite.io.result import ReadResult
from reunite.services.audit_service import checked
from reunite.services.importing import import_lab_file, resolve_people
from reunite.web.guard import actor_or_login, csrf_checked, error_page, state_of
from reunite.web.rendering import render
from reunite.web.state import MAX_UPLOAD_BYTES, PendingUpload

__all__ = ["router"]

router = APIRouter()


@router.get("/import", name="web_import")
def import_page(request: Request) -> Response:
    actor = actor_or_login(request)
    return render(request, "import.html", actor=actor, check=None, token="", error=None,
                  outcome=None, kit="", lab="")


def _dry_run(request: Request, actor: Actor, upload: PendingUpload, token: str, *,
             error: ReuniteError | None = None, status_code: int = 200) -> Response:
    workspace = state_of(request).workspace
    result: ReadResult | None = None
    try:
        checked(workspace.store, actor, Action.IMPORT_PROFILES, f"file:{upload.name}")
        result = read_profiles(upload.data, name=upload.name)
        people = resolve_people(workspace.store, [p.id for p in result.profiles])
    except ReuniteError as exc:
        return render(request, "import.html", status_code=422, actor=actor, check=None,
                      token="", error=exc, outcome=None, kit=upload.kit, lab=upload.lab)
    samples = [{"id": p.id, "markers": len(p.genotypes),
                "person": people.get(p.id),
                "problems": [q for q in result.problems if q.sample == p.id]}
               for p in result.profiles]
    blocking = any(s["person"] is None for s in samples) or bool(result.errors)
    return render(request, "import.html", status_code=status_code, actor=actor,
                  check=result, samples=samples, blocking=blocking, token=token,
                  error=error, outcome=None, name=upload.name, kit=upload.kit,
                  lab=upload.lab, errors=list(result.errors))


@router.post("/import/check")
async def check_upload(request: Request, file: Annotated[UploadFile, File()],
                       kit: Annotated[str, Form()] = "", lab: Annotated[str, Form()] = "",
                       csrf: Annotated[str, Form()] = "") -> Response:
    actor = actor_or_login(request)
    state = state_of(request)
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    try:
        csrf_checked(request, csrf)
        if len(data) > MAX_UPLOAD_BYTES:
            raise InputError("the file is larger than 15 MB", field="file",
                             source=file.filename)
        if not data:
            raise InputError("the file is empty", field="file", source=file.filename)
        if not kit.strip() or not lab.strip():
            raise InputError("kit and laboratory are required", field="kit")
    except ReuniteError as exc:
        return render(request, "import.html", status_code=422, actor=actor, check=None,
                      token="", error=exc, outcome=None, kit=kit, lab=lab)
    upload = PendingUpload(actor.name, file.filename or "upload", data, kit.strip(),
                           lab.strip(), time.monotonic())
    token = state.keep_upload(upload)
    return await run_in_threadpool(_dry_run, request, actor, upload, token)


@router.post("/import/commit")
def commit_upload(request: Request, token: Annotated[str, Form()] = "",
                  csrf: Annotated[str, Form()] = "") -> Response:
    actor = actor_or_login(request)
    state = state_of(request)
    workspace = state.workspace
    upload = state.take_upload(token, actor.name)
    try:
        csrf_checked(request, csrf)
        if upload is None:
            raise InputError("the checked file is no longer available: upload it again",
                             field="token")
    except ReuniteError as exc:
        return error_page(request, actor, exc)
    try:
        outcome = import_lab_file(workspace.store, workspace.master, actor, upload.data,
                                  name=upload.name, kit=upload.kit, lab=upload.lab,
                                  frequency_table_hash=workspace.frequencies.content_hash)
    except ReuniteError as exc:
        return _dry_run(request, actor, upload, token, error=exc, status_code=422)
    state.drop_upload(token)
    return render(request, "import.html", actor=actor, check=None, token="", error=None,
                  outcome=outcome, kit="", lab="")
