"""The LR distributions of a family under both hypotheses, as an SVG chart (pure function).

Input: :class:`reunite.stats.calibration.LRDistribution` (binned log10 LR, probability
per bin under H1 "the candidate is the missing person" and H2 "unrelated"), optionally
the LR threshold and a candidate's observed LR. The chart: log10 LR on the horizontal
axis, probability per bin on a logarithmic vertical axis (tail probabilities of 1e-12 are
as visible as 0.3), one outlined step curve per hypothesis, the exclusions (LR = 0, under
H2 only) as a bar left of the axis break, a vertical line at the threshold and a marker at
the observed LR. Accessible like the pedigree chart: ``role="img"`` with caller-supplied
``<title>`` and ``<desc>``; every label comes from ``labels`` so it can be translated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from html import escape

from reunite.stats.calibration import LRDistribution

__all__ = ["DEFAULT_LABELS", "lr_distribution_svg"]

INK = "#1f2933"
H1_COLOUR = "#005ea2"
H2_COLOUR = "#c05600"
GRID = "#dfe1e2"

DEFAULT_LABELS: Mapping[str, str] = {
    "x": "log10 LR",
    "y": "probability",
    "h1": "missing person (H1)",
    "h2": "unrelated (H2)",
    "threshold": "threshold",
    "observed": "candidate",
    "excluded": "LR = 0",
}


def _attr(value: str) -> str:
    return escape(value, quote=True)


def lr_distribution_svg(
    distribution: LRDistribution,
    *,
    title: str,
    description: str,
    threshold: float | None = None,
    observed_lr: float | None = None,
    labels: Mapping[str, str] | None = None,
    width: int = 560,
    height: int = 280,
    floor: float = 1e-12,
) -> str:
    """The chart as SVG text (see the module docstring). Probabilities below ``floor``
    are drawn at the floor line; ``observed_lr`` 0 or ∞ is not marked."""
    text = {**DEFAULT_LABELS, **(labels or {})}
    left, right, top, bottom = 64.0, 16.0, 40.0, 44.0
    gap = 36.0  # the exclusion bar's column, left of the axis
    plot_w = width - left - right - gap
    plot_h = height - top - bottom
    bw = distribution.bin_width
    # Bins drawn: those with a visible mass under either hypothesis.
    shown = [k for k, (a, b) in enumerate(zip(distribution.h1, distribution.h2, strict=True))
             if max(a, b) >= floor]
    edges = [distribution.edges[k] for k in shown]
    masses = {"h1": [distribution.h1[k] for k in shown],
              "h2": [distribution.h2[k] for k in shown]}
    marks = [math.log10(v) for v in (threshold, observed_lr)
             if v is not None and 0 < v < math.inf]
    x_lo = math.floor(min([*edges, *marks, 0.0]))
    x_hi = math.ceil(max([e + bw for e in edges] + [*marks, 1.0]))
    y_lo = math.floor(math.log10(floor))

    def x(value: float) -> float:
        return left + gap + (value - x_lo) / (x_hi - x_lo) * plot_w

    def y(p: float) -> float:
        v = math.log10(max(p, floor)) if p > 0 else y_lo
        return top + (0.0 - v) / (0.0 - y_lo) * plot_h

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="lr-distribution" '
             f'role="img" aria-labelledby="lrd-title lrd-desc" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
             f'<title id="lrd-title">{escape(title)}</title>',
             f'<desc id="lrd-desc">{escape(description)}</desc>']
    # Grid and axes: a horizontal line per decade of probability, ticks per LR decade.
    step_y = max(1, math.ceil(-y_lo / 6))
    for d in range(0, y_lo - 1, -step_y):
        yy = y(10.0 ** d)
        parts.append(f'<line class="grid" x1="{left:g}" y1="{yy:.1f}" x2="{width - right:g}" '
                     f'y2="{yy:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 4:g}" y="{yy + 4:.1f}" text-anchor="end" '
                     f'fill="{INK}">1e{d}</text>')
    step_x = max(1, math.ceil((x_hi - x_lo) / 10))
    for d in range(math.ceil(x_lo / step_x) * step_x, x_hi + 1, step_x):
        xx = x(d)
        parts.append(f'<line class="tick" x1="{xx:.1f}" y1="{top + plot_h:g}" x2="{xx:.1f}" '
                     f'y2="{top + plot_h + 4:g}" stroke="{INK}"/>')
        parts.append(f'<text x="{xx:.1f}" y="{top + plot_h + 16:g}" text-anchor="middle" '
                     f'fill="{INK}">{d}</text>')
    parts.append(f'<line class="axis" x1="{left + gap:g}" y1="{top + plot_h:g}" '
                 f'x2="{width - right:g}" y2="{top + plot_h:g}" stroke="{INK}"/>')
    parts.append(f'<text x="{left + gap + plot_w / 2:.1f}" y="{height - 8:g}" '
                 f'text-anchor="middle" fill="{INK}">{escape(text["x"])}</text>')
    parts.append(f'<text transform="translate(14 {top + plot_h / 2:.1f}) rotate(-90)" '
                 f'text-anchor="middle" fill="{INK}">{escape(text["y"])}</text>')
    if distribution.excluded > 0:
        bx = left + 8
        parts.append(f'<rect class="excluded" x="{bx:g}" y="{y(distribution.excluded):.1f}" '
                     f'width="{gap - 16:g}" height="{top + plot_h - y(distribution.excluded):.1f}" '
                     f'fill="{H2_COLOUR}" fill-opacity="0.35" stroke="{H2_COLOUR}">'
                     f'<title>{escape(text["excluded"])}: {distribution.excluded:.3g}</title>'
                     f'</rect>')
        parts.append(f'<text x="{bx + (gap - 16) / 2:g}" y="{top + plot_h + 16:g}" '
                     f'text-anchor="middle" fill="{INK}">{escape(text["excluded"])}</text>')
    base = top + plot_h
    for name, colour in (("h2", H2_COLOUR), ("h1", H1_COLOUR)):
        bars, outline = [], []
        for edge, mass in zip(edges, masses[name], strict=True):
            if mass < floor:
                continue
            x0, x1, yy = x(edge), x(edge + bw), y(mass)
            bars.append(f"M{x0:.1f},{base:g}V{yy:.1f}H{x1:.1f}V{base:g}Z")
            outline.append(f"M{x0:.1f},{yy:.1f}H{x1:.1f}")
        parts.append(f'<g class="{name}"><title>{escape(text[name])}</title>'
                     f'<path d="{"".join(bars)}" fill="{colour}" fill-opacity="0.3"/>'
                     f'<path d="{"".join(outline)}" fill="none" stroke="{colour}" '
                     f'stroke-width="1.5"/></g>')
    for k, (value, name, dash) in enumerate(((threshold, "threshold", "4 3"),
                                             (observed_lr, "observed", ""))):
        if value is None or not 0 < value < math.inf:
            continue
        xx = x(math.log10(value))
        right_half = xx > left + gap + plot_w / 2
        parts.append(f'<line class="{name}" x1="{xx:.1f}" y1="{top:g}" x2="{xx:.1f}" '
                     f'y2="{base:g}" stroke="{INK}" stroke-width="1.5"'
                     + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        parts.append(f'<text x="{xx + (-4 if right_half else 4):.1f}" y="{top + 12 + 13 * k:g}" '
                     f'text-anchor="{"end" if right_half else "start"}" fill="{INK}">'
                     f'{escape(text[name])}</text>')
    legend_x = left + gap
    for name, colour in (("h1", H1_COLOUR), ("h2", H2_COLOUR)):
        parts.append(f'<rect x="{legend_x:g}" y="{top - 26:g}" width="10" height="10" '
                     f'fill="{colour}" fill-opacity="0.5" stroke="{colour}"/>')
        parts.append(f'<text class="legend" x="{legend_x + 14:g}" y="{top - 17:g}" '
                     f'fill="{INK}">{escape(text[name])}</text>')
        legend_x += 24 + 6.5 * len(text[name])
    parts.append("</svg>")
    return "\n".join(parts)
