"""Case pages: open a case, the pedigree chart, add relatives, the consent form, start a screen."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from reunite.errors import CaseError, InputError, ReuniteError
from reunite.governance.indices import PersonRole
from reunite.governance.roles import Action, Actor, is_permitted
from reunite.report.pedigree_svg import pedigree_svg
from reunite.services.bases import record_consent
from reunite.services.cases import add_case_person, open_case
from reunite.services.reporting import CaseFile, case_file
from reunite.services.review import list_candidates
from reunite.services.searches import SearchRequest, start_search
from reunite.web.forms import parse_consent_form
from reunite.web.guard import actor_or_login, csrf_checked, error_page, redirect, state_of
from reunite.web.i18n import Translator
from reunite.web.rendering import language_of, render

__all__ = ["router"]

router = APIRouter()

RELATIONS = ("founder", "child", "sibling")
CONSENT_FIELDS = ("signed_by", "signed_on", "retention_until", "review_on", "scope",
                  "international_sharing", "donor_confirmed")


def _chart(folder: CaseFile, t: Translator, *, interactive: bool) -> str:
    missing = folder.missing_id
    return pedigree_svg(
        folder.pedigree, title=t("case.chart_title", case=folder.view.case.reference),
        description=t("case.chart_desc", people=len(folder.view.people),
                      typed=len(folder.typed)),
        typed=folder.typed, missing=missing, labels=folder.labels, interactive=interactive,
        chart_id="case-ped")


def _case_page(request: Request, actor: Actor, case: str, *, status_code: int = 200,
               form_error: ReuniteError | None = None) -> Response:
    workspace = state_of(request).workspace
    try:
        folder = case_file(workspace.store, actor, case)
        candidates = list_candidates(workspace.store, actor, case=folder.view.case.id)
    except ReuniteError as exc:
        return error_page(request, actor, exc)
    t = Translator(language_of(request))
    return render(request, "case.html", status_code=status_code, actor=actor, folder=folder,
                  chart=_chart(folder, t, interactive=is_permitted(actor, Action.OPEN_CASE)),
                  candidates=candidates, relations=RELATIONS,
                  form_error=form_error, selected=request.query_params.get("person", ""))


@router.post("/cases")
def create_case(request: Request, reference: Annotated[str, Form()] = "",
                description: Annotated[str, Form()] = "",
                csrf: Annotated[str, Form()] = "") -> Response:
    actor = actor_or_login(request)
    state = state_of(request)
    try:
        csrf_checked(request, csrf)
        record = open_case(state.workspace.store, actor, reference=reference,
                           description=description)
    except ReuniteError as exc:
        return error_page(request, actor, exc)
    return redirect(f"{state.prefix}/cases/{record.reference}")


@router.get("/cases/{case}", name="web_case")
def case_page(request: Request, case: str) -> Response:
    actor = actor_or_login(request)
    return _case_page(request, actor, case)


def _placement(folder: CaseFile, relation: str, anchor: str, anchor_is: str, partner: str
               ) -> tuple[str | None, str | None]:
    """(father id, mother id) of a new person placed by ``relation`` to ``anchor``."""
    people = {p.id: p for p in folder.view.people}
    if relation == "founder":
        return None, None
    if anchor not in people:
        raise InputError("choose the person to add a relative to (click the chart)",
                         field="anchor", value=anchor or None)
    if relation == "sibling":
        found = people[anchor]
        if found.father_id is None or found.mother_id is None:
            raise CaseError("this person has no parents in the chart: add the parents as "
                            "founders and this person as their child first",
                            field="anchor", value=found.label)
        return found.father_id, found.mother_id
    if relation == "child":
        if partner not in people or partner == anchor:
            raise InputError("choose the other parent", field="partner", value=partner or None)
        if anchor_is == "father":
            return anchor, partner
        if anchor_is == "mother":
            return partner, anchor
        raise InputError("say whether the person is the father or the mother",
                         field="anchor_is", value=anchor_is or None)
    raise InputError("unknown relation", field="relation", value=relation)


@router.post("/cases/{case}/people")
def add_person(request: Request, case: str, label: Annotated[str, Form()] = "",
               role: Annotated[str, Form()] = "relative",
               relation: Annotated[str, Form()] = "founder",
               anchor: Annotated[str, Form()] = "", anchor_is: Annotated[str, Form()] = "",
               partner: Annotated[str, Form()] = "",
               relationship: Annotated[str, Form()] = "",
               csrf: Annotated[str, Form()] = "") -> Response:
    actor = actor_or_login(request)
    state = state_of(request)
    store = state.workspace.store
    try:
        csrf_checked(request, csrf)
        folder = case_file(store, actor, case)
        father, mother = _placement(folder, relation, anchor, anchor_is, partner)
        add_case_person(store, actor, case=folder.view.case.id, label=label,
                        role=PersonRole.MISSING if role == "missing" else PersonRole.RELATIVE,
                        father_id=father, mother_id=mother, relationship=relationship)
    except ReuniteError as exc:
        return _case_page(request, actor, case, status_code=422, form_error=exc)
    return redirect(f"{state.prefix}/cases/{folder.view.case.reference}")


def _consent_page(request: Request, actor: Actor, case: str, person_id: str, *,
                  values: dict[str, str] | None = None, error: ReuniteError | None = None
                  ) -> Response:
    store = state_of(request).workspace.store
    try:
        folder = case_file(store, actor, case)
    except ReuniteError as exc:
        return error_page(request, actor, exc)
    person = next((p for p in folder.view.people if p.id == person_id), None)
    if person is None:
        return error_page(request, actor, CaseError("no such person in this case",
                                                    field="person", value=person_id))
    fields = {p.field for p in error.problems} if error is not None else set()
    return render(request, "consent.html", status_code=422 if error else 200, actor=actor,
                  folder=folder, person=person, values=values or {}, error=error,
                  bad_fields=fields, bases=folder.bases.get(person.id, ()),
                  consent_fields=CONSENT_FIELDS)


@router.get("/cases/{case}/people/{person_id}/consent", name="web_consent")
def consent_page(request: Request, case: str, person_id: str) -> Response:
    actor = actor_or_login(request)
    return _consent_page(request, actor, case, person_id)


@router.post("/cases/{case}/people/{person_id}/consent")
def record_consent_form(
    request: Request, case: str, person_id: str,
    signed_by: Annotated[str, Form()] = "", signed_on: Annotated[str, Form()] = "",
    retention_until: Annotated[str, Form()] = "", review_on: Annotated[str, Form()] = "",
    scope: Annotated[str, Form()] = "", international_sharing: Annotated[str, Form()] = "",
    donor_confirmed: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "",
) -> Response:
    actor = actor_or_login(request)
    state = state_of(request)
    values = {"signed_by": signed_by, "signed_on": signed_on,
              "retention_until": retention_until, "review_on": review_on, "scope": scope,
              "international_sharing": international_sharing,
              "donor_confirmed": donor_confirmed}
    try:
        csrf_checked(request, csrf)
        form = parse_consent_form(**values)
        folder = case_file(state.workspace.store, actor, case)
        if person_id not in folder.labels:
            raise CaseError("no such person in this case", field="person", value=person_id)
        record_consent(state.workspace.store, actor, person_id=person_id,
                       signed_by=form.signed_by, signed_on=form.signed_on,
                       retention_until=form.retention_until, review_on=form.review_on,
                       purposes=["identification"],
                       international_sharing=form.international_sharing)
    except ReuniteError as exc:
        return _consent_page(request, actor, case, person_id, values=values, error=exc)
    return redirect(f"{state.prefix}/cases/{folder.view.case.reference}#people")


@router.post("/cases/{case}/search")
def start_screen(request: Request, case: str, csrf: Annotated[str, Form()] = "") -> Response:
    actor = actor_or_login(request)
    state = state_of(request)
    workspace = state.workspace
    try:
        csrf_checked(request, csrf)
        job = start_search(workspace, actor, SearchRequest("screen", case=case))
    except ReuniteError as exc:
        return error_page(request, actor, exc)
    state.remember_job(actor.name, job.id, case)
    return redirect(f"{state.prefix}/jobs/{job.id}")


@router.get("/jobs/{job_id}", name="web_job")
def job_page(request: Request, job_id: str) -> Response:
    actor = actor_or_login(request)
    state = state_of(request)
    try:
        job = state.workspace.jobs.get(actor, job_id)
    except ReuniteError as exc:
        return error_page(request, actor, exc)
    case = next((label for jid, label in state.jobs.get(actor.name, []) if jid == job_id), "")
    return render(request, "job.html", actor=actor, job=job, case=case)
