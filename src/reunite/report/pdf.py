"""The identification report as a PDF (reportlab, no system libraries).

The same content as the HTML report (:mod:`.html`), laid out for A4 with platypus: case
reference, hypotheses in words, the pedigree figure (a reportlab drawing made from the
same :func:`.pedigree_layout.layout_pedigree` as the SVG chart), the per-marker table with
exclusions and assumed mutations highlighted, the total LR and its ENFSI verbal
equivalent, the frequency table and its SHA-256, the mutation model, θ, the software
version, and the reviewers with their dates.

Fonts: Latin text uses the standard Helvetica (no embedding needed); θ is set in the
standard Symbol font. Chinese text uses reportlab's built-in Adobe-GB1 CID font
``STSong-Light``, which every PDF reader can substitute, so no font file is shipped.
"""

from __future__ import annotations

import io
from html import escape

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reunite.report.html import Translate, report_texts
from reunite.report.identification import IdentificationReport, format_lr
from reunite.report.pedigree_layout import layout_pedigree

__all__ = ["pedigree_drawing", "render_report_pdf"]

_CJK_FONT = "STSong-Light"
_INK = colors.HexColor("#1f2933")
_ACCENT = colors.HexColor("#005ea2")
_ALERT = colors.HexColor("#b50909")
_TYPED = colors.HexColor("#3d4551")


def _font(lang: str) -> str:
    if lang.startswith("zh"):
        if _CJK_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(_CJK_FONT))
        return _CJK_FONT
    return "Helvetica"


def _markup(text: str, font: str) -> str:
    """Escape for a Paragraph; set θ in Symbol and spell ∞ when the font lacks them."""
    out = escape(text, quote=False)
    if font == "Helvetica":
        out = out.replace("θ", '<font name="Symbol">q</font>').replace("∞", "infinity")
    return out


def pedigree_drawing(report: IdentificationReport, *, max_width: float, font: str
                     ) -> Drawing:
    """The report's pedigree (candidate in the missing person's slot) as a drawing."""
    layout = layout_pedigree(report.pedigree)
    scale = min(1.0, max_width / layout.width)
    drawing = Drawing(layout.width * scale, layout.height * scale)
    group = Group()
    group.transform = (scale, 0, 0, scale, 0, 0)
    height = layout.height

    def pt(x: float, y: float) -> tuple[float, float]:
        return x, height - y

    half = layout.symbol / 2
    for couple in layout.couples:
        (fx, fy), (mx, my) = layout.positions[couple.father], layout.positions[couple.mother]
        group.add(Line(*pt(fx, fy), *pt(mx, my), strokeColor=_INK, strokeWidth=2))
        kids = [layout.positions[c] for c in couple.children]
        mid_x, mid_y = (fx + mx) / 2, max(fy, my)
        bar_y = layout.bar_y(couple)
        xs = [x for x, _ in kids] + [mid_x]
        group.add(Line(*pt(mid_x, mid_y), *pt(mid_x, bar_y), strokeColor=_INK, strokeWidth=2))
        group.add(Line(*pt(min(xs), bar_y), *pt(max(xs), bar_y), strokeColor=_INK,
                       strokeWidth=2))
        for x, y in kids:
            group.add(Line(*pt(x, bar_y), *pt(x, y - half), strokeColor=_INK, strokeWidth=2))
    typed, labels = set(report.typed), report.label_of
    for person in report.pedigree.persons:
        cx, cy = pt(*layout.positions[person.id])
        is_missing = person.id == report.missing_id
        fill = _ACCENT if is_missing else (_TYPED if person.id in typed else colors.white)
        sizes = [half + 5, half] if is_missing else [half]
        for size in sizes:
            paint = fill if size == half else None
            if person.sex == "male":
                shape = Rect(cx - size, cy - size, 2 * size, 2 * size)
            elif person.sex == "female":
                shape = Circle(cx, cy, size)
            else:
                shape = Polygon([cx, cy + size, cx + size, cy, cx, cy - size, cx - size, cy])
            shape.fillColor = paint
            shape.strokeColor = _INK
            shape.strokeWidth = 2
            group.add(shape)
        if is_missing:
            group.add(String(cx, cy - 7, "?", fontName="Helvetica-Bold", fontSize=20,
                             fillColor=colors.white, textAnchor="middle"))
            group.add(String(cx, cy - half - 34, f"= {report.candidate}", fontName=font,
                             fontSize=12, fillColor=_ACCENT, textAnchor="middle"))
        group.add(String(cx, cy - half - 16, labels.get(person.id, person.id), fontName=font,
                         fontSize=12, fillColor=_INK, textAnchor="middle"))
    drawing.add(group)
    return drawing


def render_report_pdf(report: IdentificationReport, t: Translate, *, lang: str = "en"
                      ) -> bytes:
    """The report as PDF bytes, in the language of ``t``."""
    font = _font(lang)
    bold = "Helvetica-Bold" if font == "Helvetica" else font
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName=font, fontSize=10,
                          leading=14)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    h1 = ParagraphStyle("h1", parent=base["Title"], fontName=bold, fontSize=18, leading=22)
    h2 = ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, fontSize=13,
                        leading=16, textColor=_ACCENT)
    texts = report_texts(report, t)

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(_markup(text, font), style)

    width = A4[0] - 36 * mm
    story: list[Flowable] = [
        para(t("report.title"), h1),
        para(f"{t('report.case')}: {report.case_reference}"),
        para(texts["status"]),
        para(t("report.hypotheses"), h2),
        para(f"{t('report.missing_person')}: {report.missing_person}"),
        para(f"{t('report.candidate')}: {report.candidate}"),
        para(texts["h1"]),
        para(texts["h2"]),
        para(t("report.result"), h2),
        para(f"{t('report.total_lr')}: {texts['total_lr']}   "
             f"({t('report.log10')}: {texts['log10']})"),
        para(f"{t('report.verbal')}: {texts['strength']}"),
        para(texts["statement"]),
    ]
    if report.exclusions:
        story.append(para(t("report.exclusions", markers=", ".join(report.exclusions))))
    if report.mutations:
        story.append(para(t("report.mutations", markers=", ".join(report.mutations))))
    story += [para(t("report.pedigree"), h2),
              pedigree_drawing(report, max_width=width, font=font),
              para(texts["chart_desc"], small),
              para(t("report.markers"), h2)]
    header = [t("report.marker"), *report.relatives, t("report.candidate"), t("report.lr"),
              t("report.mutation")]
    rows: list[list[object]] = [[para(h, small) for h in header]]
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0")),
             ("FONTNAME", (0, 1), (-1, -1), font), ("FONTSIZE", (0, 1), (-1, -1), 8),
             ("ALIGN", (-2, 1), (-2, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    for i, row in enumerate(report.markers, start=1):
        lr_text = format_lr(row.lr) + (f" ({t('report.excluded')})" if row.excluded else "")
        rows.append([row.marker, *row.relatives, row.candidate,
                     lr_text.replace("∞", "infinity") if font == "Helvetica" else lr_text,
                     t("report.yes") if row.mutation_assumed else t("report.no")])
        if row.excluded:
            style.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor("#f8dfe1")))
        elif row.mutation_assumed:
            style.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor("#fef0c8")))
    rows.append([para(t("report.total_lr"), small), *[""] * (len(report.relatives) + 1),
                 texts["total_lr"].replace("∞", "infinity"), ""])
    table = Table(rows, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    story += [table, para(t("report.method"), h2)]
    method = [
        (t("report.frequency_table"), report.frequency_table),
        (t("report.frequency_hash"), report.frequency_table_hash),
        (t("report.mutation_model"), report.mutation_model),
        (t("report.theta"), f"{report.theta:g}"),
        (t("report.software"), f"reunite {report.software_version}"),
        (t("report.generated"), report.generated_at.isoformat()),
    ]
    story.append(Table([[para(k, small), para(v, small)] for k, v in method],
                       colWidths=[45 * mm, width - 45 * mm], hAlign="LEFT"))
    story.append(para(t("report.reviews"), h2))
    if report.reviews:
        review_rows: list[list[object]] = [[para(t(k), small) for k in (
            "report.reviewer", "report.decision", "report.date", "report.reason")]]
        review_rows += [[para(r.reviewer, small), para(t(f"report.decision.{r.decision}"), small),
                         para(r.on.isoformat(), small), para(r.reason, small)]
                        for r in report.reviews]
        reviews = Table(review_rows, colWidths=[35 * mm, 25 * mm, 25 * mm, width - 85 * mm],
                        hAlign="LEFT")
        reviews.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey)]))
        story.append(reviews)
    else:
        story.append(para(t("report.no_reviews")))
    story.append(Spacer(1, 6 * mm))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm,
                            title=f"{t('report.title')} {report.case_reference}",
                            author=f"reunite {report.software_version}",
                            lang=lang.replace("_", "-"))
    doc.build(story)
    return buffer.getvalue()
