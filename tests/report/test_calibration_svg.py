"""The LR-distribution chart: well-formed, accessible, translatable, marks in place."""

from __future__ import annotations

import math

import numpy as np
from defusedxml import ElementTree

from reunite.genetics.pedigree import parent_child
from reunite.report.calibration_svg import lr_distribution_svg
from reunite.stats.calibration import lr_distribution, outcomes_from_table
from reunite.stats.likelihood import KinshipMarker
from reunite.stats.missing_person import missing_person_genotype_table

SVG = "{http://www.w3.org/2000/svg}"


def _distribution():  # type: ignore[no-untyped-def]
    markers = [KinshipMarker(f"M{k}", ("10", "11", "12", "13"),
                             np.array([0.1, 0.2, 0.3, 0.4])) for k in range(6)]
    table = missing_person_genotype_table(
        parent_child("FA", "MP"), "MP", {"FA": {m.name: ("10", "11") for m in markers}},
        markers)
    return lr_distribution(outcomes_from_table(table))


def test_chart_is_well_formed_with_title_desc_and_both_hypotheses() -> None:
    dist = _distribution()

    svg = lr_distribution_svg(dist, title="LR <distribution>", description="A & B",
                              threshold=100.0, observed_lr=10.0)

    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "LR <distribution>"
    assert root.find(f"{SVG}desc").text == "A & B"
    groups = {g.get("class") for g in root.iter(f"{SVG}g")}
    assert {"h1", "h2"} <= groups
    assert root.find(f".//{SVG}rect[@class='excluded']") is not None   # a parent excludes


def test_threshold_and_candidate_lines_sit_at_their_log10_lr() -> None:
    dist = _distribution()
    svg = lr_distribution_svg(dist, title="t", description="d", threshold=100.0,
                              observed_lr=10.0)
    root = ElementTree.fromstring(svg)

    threshold = float(root.find(f".//{SVG}line[@class='threshold']").get("x1"))
    observed = float(root.find(f".//{SVG}line[@class='observed']").get("x1"))
    ticks = {t.text: float(t.get("x")) for t in root.iter(f"{SVG}text")
             if t.text and t.text.lstrip("-").isdigit()}

    assert math.isclose(threshold, ticks["2"], abs_tol=0.11)
    assert math.isclose(observed, ticks["1"], abs_tol=0.11)


def test_labels_are_translatable() -> None:
    svg = lr_distribution_svg(_distribution(), title="t", description="d",
                              labels={"h1": "失踪者 (H1)", "h2": "无关 (H2)",
                                      "excluded": "排除"})

    assert "失踪者 (H1)" in svg
    assert "无关 (H2)" in svg
    assert "missing person" not in svg
