"""Candidate review (ranked candidates, per-marker evidence, confirm/reject) and the reports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from reunite.errors import ReuniteError
from reunite.governance.roles import Actor
from reunite.report.html import render_report_html, report_texts
from reunite.report.identification import IdentificationReport
from reunite.report.pdf import render_report_pdf
from reunite.report.pedigree_svg import pedigree_svg
from reunite.services.reporting import identification_report
from reunite.services.review import decide, get_candidate, list_candidates
from reunite.web.guard import actor_or_login, csrf_checked, error_page, redirect, state_of
from reunite.web.i18n import Translator
from reunite.web.rendering import language_of, render

__all__ = ["router"]

router = APIRouter()


def _report(request: Request, actor: Actor, candidate_id: str) -> IdentificationReport:
    workspace = state_of(request).workspace
    return identification_report(workspace.store, workspace.master, workspace.index, actor,
                                 candidate_id)


@router.get("/reviews", name="web_reviews")
def reviews_page(request: Request) -> Response:
    actor = actor_or_login(request)
    try:
        candidates = list_candidates(state_of(request).workspace.store, actor, limit=500)
    except ReuniteError as exc:
        return error_page(request, actor, exc)
    return render(request, "reviews.html", actor=actor, candidates=candidates)


def _candidate_page(request: Request, actor: Actor, candidate_id: str, *,
                    error: ReuniteError | None = None) -> Response:
    store = state_of(request).workspace.store
    try:
        view = get_candidate(store, actor, candidate_id)
        report = _report(request, actor, candidate_id)
        ranked = list_candidates(store, actor, case=view.candidate.case_id, limit=50) \
            if view.candidate.case_id else [view]
    except ReuniteError as exc:
        return error_page(request, actor, exc)
    t = Translator(language_of(request))
    texts = report_texts(report, t)
    chart = pedigree_svg(report.pedigree, title=texts["chart_title"],
                         description=texts["chart_desc"], typed=report.typed,
                         missing=report.missing_id, candidate=report.candidate,
                         labels=report.label_of,
                         highlighted=[report.missing_id] if report.exclusions else (),
                         chart_id="review-ped")
    return render(request, "candidate.html", status_code=422 if error else 200, actor=actor,
                  view=view, report=report, texts=texts, chart=chart, ranked=ranked,
                  error=error)


@router.get("/candidates/{candidate_id}", name="web_candidate")
def candidate_page(request: Request, candidate_id: str) -> Response:
    actor = actor_or_login(request)
    return _candidate_page(request, actor, candidate_id)


@router.post("/candidates/{candidate_id}/decision")
def decision(request: Request, candidate_id: str, decision: Annotated[str, Form()] = "",
             reason: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "",
             ) -> Response:
    actor = actor_or_login(request)
    try:
        csrf_checked(request, csrf)
        decide(state_of(request).workspace.store, actor, candidate_id, decision=decision,
               reason=reason)
    except ReuniteError as exc:
        return _candidate_page(request, actor, candidate_id, error=exc)
    return redirect(f"{state_of(request).prefix}/candidates/{candidate_id}")


@router.get("/candidates/{candidate_id}/report.html", name="web_report_html")
def report_html(request: Request, candidate_id: str) -> Response:
    actor = actor_or_login(request)
    try:
        report = _report(request, actor, candidate_id)
    except ReuniteError as exc:
        return error_page(request, actor, exc)
    lang = language_of(request)
    return HTMLResponse(render_report_html(report, Translator(lang), lang=lang), headers={
        "Content-Disposition":
            f'inline; filename="identification-{report.case_reference}.html"'})


@router.get("/candidates/{candidate_id}/report.pdf", name="web_report_pdf")
def report_pdf(request: Request, candidate_id: str) -> Response:
    actor = actor_or_login(request)
    try:
        report = _report(request, actor, candidate_id)
    except ReuniteError as exc:
        return error_page(request, actor, exc)
    lang = language_of(request)
    return Response(render_report_pdf(report, Translator(lang), lang=lang),
                    media_type="application/pdf", headers={
                        "Content-Disposition":
                            f'attachment; filename="identification-{report.case_reference}.pdf"'})
