"""The identification report as one self-contained HTML page (Jinja2, autoescaped).

The page embeds its CSS and the pedigree chart (:func:`.pedigree_svg.pedigree_svg`), so
the file can be saved, mailed and printed as it is. All wording comes from the caller's
``translate`` (the web catalogue, :mod:`reunite.web.i18n`), so the report is produced in
the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from reunite.report.identification import IdentificationReport, format_lr
from reunite.report.pedigree_svg import pedigree_svg

__all__ = ["Translate", "lr_html", "render_report_html", "report_texts"]

Translate = Callable[..., str]
"""``translate(key, **params) -> text`` (see :class:`reunite.web.i18n.Translator`)."""

def lr_html(text: str) -> Markup:
    """An LR text of :func:`format_lr` with its power of ten as a superscript."""
    return Markup(re.sub(r"10\^(-?\d+)", r"10<sup>\1</sup>", str(escape(text))))


_ENV = Environment(
    loader=PackageLoader("reunite.report", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["sup"] = lr_html


def report_texts(report: IdentificationReport, t: Translate) -> dict[str, str]:
    """The sentences of a report that depend on its values, in the reader's language."""
    verbal = report.verbal
    strength = t(f"verbal.{verbal.key}")
    if verbal.key in ("exclusion", "undefined", "none"):
        statement = t(f"verbal.sentence.{verbal.key}")
    else:
        statement = t(f"verbal.sentence.{verbal.favours}", strength=strength)
    return {
        "h1": t("report.h1", candidate=report.candidate, missing=report.missing_person),
        "h2": t("report.h2", candidate=report.candidate),
        "strength": strength,
        "statement": statement,
        "total_lr": format_lr(report.total_lr),
        "log10": "–" if report.log10_total_lr is None else f"{report.log10_total_lr:.2f}",
        "chart_title": t("report.pedigree_title", case=report.case_reference),
        "chart_desc": t("report.pedigree_desc", missing=report.missing_person,
                        candidate=report.candidate),
        "status": t("report.status_confirmed" if report.confirmed else "report.status_pending"),
    }


def report_svg(report: IdentificationReport, t: Translate) -> str:
    """The report's pedigree chart with the candidate placed in the missing person's slot."""
    texts = report_texts(report, t)
    return pedigree_svg(report.pedigree, title=texts["chart_title"],
                        description=texts["chart_desc"], typed=report.typed,
                        missing=report.missing_id, candidate=report.candidate,
                        labels=report.label_of, chart_id="report-ped")


def render_report_html(report: IdentificationReport, t: Translate, *, lang: str = "en") -> str:
    """The report as a complete HTML document in the language of ``t``."""
    template = _ENV.get_template("identification.html")
    return template.render(
        r=report, t=t, lang=lang.replace("_", "-"), texts=report_texts(report, t),
        svg=Markup(report_svg(report, t)),  # pedigree_svg escapes all text
        format_lr=format_lr,
    )
