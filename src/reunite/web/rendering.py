"""Jinja2 rendering of the pages: one environment, autoescaped, strict about undefined names.

Every page gets ``t`` (the request's :class:`~reunite.web.i18n.Translator`), ``lang``,
``languages``, the ``user`` (or None), the ``csrf`` token for its forms and ``url`` (path
with a changed language) so templates never build text or links by hand.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from reunite.governance.roles import Actor, is_permitted
from reunite.report.html import lr_html
from reunite.report.identification import format_log10_lr, format_lr
from reunite.report.verbal import verbal_equivalent
from reunite.web.i18n import LANGUAGES, Translator, negotiate

__all__ = ["ENV", "language_of", "render"]

ENV = Environment(
    loader=PackageLoader("reunite.web", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters["sup"] = lr_html


def verbal_key(log10_lr: float) -> str:
    """The ENFSI band of an LR given as log10 (catalogue key ``verbal.<key>``)."""
    return verbal_equivalent(10.0**log10_lr if log10_lr < 308 else float("inf")).key


ENV.globals.update(format_lr=format_lr, format_log10_lr=format_log10_lr, verbal_key=verbal_key)
LANG_COOKIE = "lang"
SECURITY_HEADERS = {
    # Scripts and styles from this site only (no inline script anywhere); no framing.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "style-src 'self'; script-src 'self'; object-src 'none'; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def language_of(request: Request) -> str:
    """The request's language (``?lang=``, cookie, ``Accept-Language``)."""
    return negotiate(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE),
                     request.headers.get("accept-language"))


def _lang_url(request: Request, lang: str) -> str:
    params = dict(request.query_params)
    params["lang"] = lang
    return f"{request.url.path}?{urlencode(params)}"


def render(request: Request, template: str, *, status_code: int = 200,
           actor: Actor | None = None, **context: Any) -> HTMLResponse:
    """Render ``template`` for ``request``; remembers an explicit ``?lang=`` in a cookie."""
    lang = language_of(request)
    state = request.app.state.reunite_web
    csrf = context.pop("csrf", None) or state.sessions.csrf(request)
    page = ENV.get_template(template).render(
        t=Translator(lang), lang=lang, html_lang=lang.replace("_", "-"), languages=LANGUAGES,
        user=actor, csrf=csrf, can=lambda action: (
            actor is not None and is_permitted(actor, action)),
        lang_url=lambda code: _lang_url(request, code), path=request.url.path,
        prefix=state.prefix, **context)
    response = HTMLResponse(page, status_code=status_code, headers=SECURITY_HEADERS)
    if request.query_params.get("lang"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax",
                            path="/")
    return response
