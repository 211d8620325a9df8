"""A pedigree chart as an SVG document (a pure function: pedigree in, text out).

Standard symbols (Bennett et al., *Standardized human pedigree nomenclature*, J Genet
Counsel 2008): a square for a male, a circle for a female, a diamond for unknown sex; a
filled symbol for a typed person (one whose DNA profile is in the case); the missing
person has a double outline and a "?"; a candidate placed in the missing person's slot is
drawn in the accent colour with its label. Persons implicated in an exclusion get a thick
red outline. Partners are joined by a mating line, and their children hang from a sibship
line.

The chart is accessible: ``role="img"`` with ``<title>`` and ``<desc>`` (text supplied by
the caller, so it can be translated), each person a ``<g>`` with its own ``<title>``.
With ``interactive=True`` the chart is a ``role="group"`` and each person is focusable
(``tabindex="0"``, ``role="button"``) and carries ``data-person-id`` for the page's script.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape

from reunite.genetics.pedigree import Pedigree
from reunite.report.pedigree_layout import PedigreeLayout, layout_pedigree

__all__ = ["pedigree_svg"]

INK = "#1f2933"
ACCENT = "#005ea2"
ALERT = "#b50909"
TYPED_FILL = "#3d4551"


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _shape(sex: str, cx: float, cy: float, half: float, *, fill: str, stroke: str,
           width: float) -> str:
    style = f'fill="{fill}" stroke="{stroke}" stroke-width="{width:g}"'
    if sex == "male":
        return (f'<rect class="symbol male" x="{cx - half:g}" y="{cy - half:g}" '
                f'width="{2 * half:g}" height="{2 * half:g}" {style}/>')
    if sex == "female":
        return f'<circle class="symbol female" cx="{cx:g}" cy="{cy:g}" r="{half:g}" {style}/>'
    points = f"{cx:g},{cy - half:g} {cx + half:g},{cy:g} {cx:g},{cy + half:g} {cx - half:g},{cy:g}"
    return f'<polygon class="symbol unknown" points="{points}" {style}/>'


def _lines(layout: PedigreeLayout) -> list[str]:
    out: list[str] = []
    half = layout.symbol / 2
    for couple in layout.couples:
        fx, fy = layout.positions[couple.father]
        mx, my = layout.positions[couple.mother]
        left, right = sorted(((fx, fy), (mx, my)))
        out.append(f'<line class="mating" x1="{left[0] + half:g}" y1="{left[1]:g}" '
                   f'x2="{right[0] - half:g}" y2="{right[1]:g}"/>')
        mid_x, mid_y = (fx + mx) / 2, max(fy, my)
        kids = [layout.positions[c] for c in couple.children]
        bar_y = layout.bar_y(couple)
        xs = [x for x, _ in kids] + [mid_x]
        out.append(f'<line class="descent" x1="{mid_x:g}" y1="{mid_y:g}" x2="{mid_x:g}" '
                   f'y2="{bar_y:g}"/>')
        out.append(f'<line class="sibship" x1="{min(xs):g}" y1="{bar_y:g}" x2="{max(xs):g}" '
                   f'y2="{bar_y:g}"/>')
        out.extend(f'<line class="child" x1="{x:g}" y1="{bar_y:g}" x2="{x:g}" '
                   f'y2="{y - half:g}"/>' for x, y in kids)
    return out


def pedigree_svg(
    pedigree: Pedigree,
    *,
    title: str,
    description: str,
    typed: Iterable[str] = (),
    missing: str | None = None,
    candidate: str | None = None,
    labels: Mapping[str, str] | None = None,
    highlighted: Iterable[str] = (),
    interactive: bool = False,
    chart_id: str = "ped",
) -> str:
    """The pedigree chart as a standalone SVG string.

    Parameters
    ----------
    pedigree : the family tree (with the missing person in it).
    title, description : the accessible name and description of the chart.
    typed : ids of persons with a DNA profile (drawn filled).
    missing : id of the missing person (double outline and "?").
    candidate : label of an unidentified person placed in the missing person's slot.
    labels : display label per person id (default: the id).
    highlighted : ids implicated in an exclusion (thick red outline).
    interactive : make each person focusable and clickable (for the web page).
    chart_id : prefix of the element ids (unique per page when several charts are shown).
    """
    layout = layout_pedigree(pedigree)
    typed_ids, marked = set(typed), set(highlighted)
    names = dict(labels or {})
    half = layout.symbol / 2
    cid = _attr(chart_id)
    # An image's children are presentational to assistive technology, so a chart whose
    # persons are buttons is a group instead (WAI-ARIA 1.2, role "img").
    role = "group" if interactive else "img"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pedigree" role="{role}" '
        f'viewBox="0 0 {layout.width:g} {layout.height:g}" width="{layout.width:g}" '
        f'height="{layout.height:g}" aria-labelledby="{cid}-title {cid}-desc">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
        f'<g class="lines" stroke="{INK}" stroke-width="2" fill="none">',
        *_lines(layout),
        "</g>",
    ]
    for person in pedigree.persons:
        cx, cy = layout.positions[person.id]
        label = names.get(person.id, person.id)
        is_missing = person.id == missing
        is_typed = person.id in typed_ids
        classes = ["person"]
        if is_typed:
            classes.append("typed")
        if is_missing:
            classes.append("missing")
        if is_missing and candidate is not None:
            classes.append("candidate")
        if person.id in marked:
            classes.append("excluded")
        stroke = ALERT if person.id in marked else INK
        width = 4.0 if person.id in marked else 2.0
        fill = TYPED_FILL if is_typed else "#ffffff"
        if is_missing and candidate is not None:
            fill = ACCENT
        hover = label + (" ?" if is_missing else "")
        extra = ""
        if interactive:
            extra = (f' tabindex="0" role="button" data-person-id="{_attr(person.id)}" '
                     f'data-person-label="{_attr(label)}" aria-label="{_attr(hover)}"')
        parts.append(f'<g class="{" ".join(classes)}"{extra}>')
        parts.append(f"<title>{escape(hover)}</title>")
        if is_missing:
            parts.append(_shape(person.sex, cx, cy, half + 5, fill="none", stroke=stroke,
                                width=width))
        parts.append(_shape(person.sex, cx, cy, half, fill=fill, stroke=stroke, width=width))
        if is_missing:
            colour = "#ffffff" if candidate is not None else INK
            parts.append(f'<text x="{cx:g}" y="{cy + 7:g}" text-anchor="middle" '
                         f'font-size="20" font-weight="bold" fill="{colour}">?</text>')
        parts.append(f'<text class="label" x="{cx:g}" y="{cy + half + 18:g}" '
                     f'text-anchor="middle" font-size="13" fill="{INK}">{escape(label)}</text>')
        if is_missing and candidate is not None:
            parts.append(f'<text class="candidate-label" x="{cx:g}" y="{cy + half + 34:g}" '
                         f'text-anchor="middle" font-size="13" font-weight="bold" '
                         f'fill="{ACCENT}">= {escape(candidate)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)
