"""Identification report value: per-marker LRs (hand-computed), exclusions, mutations, reviews."""

from __future__ import annotations

import math
from datetime import date

import pytest

from reunite._version import __version__
from reunite.report.html import lr_html
from reunite.report.identification import Review, format_genotype, format_log10_lr, format_lr
from support.report_case import TWO_CONFIRMATIONS, make_report


def test_build__per_marker_lr_and_exclusion_without_mutation() -> None:
    report = make_report(mutation=False)
    rows = {m.marker: m for m in report.markers}

    # P(10/12 | 10/11 x 12/13) = 1/4 against 2·0.1·0.3; P(12/13 | 12/12 x 13/13) = 1 against
    # 2·0.3·0.4; FGA: the mother is 11/11, the candidate has no 11 -> exclusion.
    assert math.isclose(0.25 / 0.06, rows["D3S1358"].lr, rel_tol=1e-12)
    assert math.isclose(1.0 / 0.24, rows["VWA"].lr, rel_tol=1e-12)
    assert rows["FGA"].excluded
    assert report.exclusions == ("FGA",)
    assert report.total_lr == 0.0
    assert report.verbal.key == "exclusion"
    assert report.mutations == ()
    assert rows["D3S1358"].relatives == ("10/11", "12/13")
    assert rows["D3S1358"].candidate == "10/12"


def test_build__mutation_assumed_where_mendel_fails() -> None:
    report = make_report(mutation=True)

    assert report.mutations == ("FGA",)
    assert report.exclusions == ()
    assert report.total_lr > 0
    assert report.relatives == ("Father", "Mother")
    assert report.missing_person == "Li Wei"
    assert __version__ == report.software_version


def test_confirmed__needs_two_different_reviewers_and_no_rejection() -> None:
    same_twice = (Review("alice", "confirmed", date(2026, 1, 1)),
                  Review("alice", "confirmed", date(2026, 1, 2)))
    rejected = (*TWO_CONFIRMATIONS, Review("carol", "rejected", date(2026, 1, 3), "no"))

    assert make_report(reviews=TWO_CONFIRMATIONS).confirmed
    assert not make_report(reviews=TWO_CONFIRMATIONS[:1]).confirmed
    assert not make_report(reviews=same_twice).confirmed
    assert not make_report(reviews=rejected).confirmed


@pytest.mark.parametrize(("value", "text"), [
    (0.0, "0"), (math.inf, "∞"), (math.nan, "NaN"), (None, "NaN"), (4.1666, "4.17"),
    (123456.0, "123,456"), (2.5e7, "2.50 × 10^7"), (1.5e-5, "1.50 × 10^-5"),
])
def test_format_lr(value: float | None, text: str) -> None:
    assert text == format_lr(value)


def test_format_genotype() -> None:
    assert format_genotype(("12", "14")) == "12/14"
    assert format_genotype(("9.3", None)) == "9.3/?"
    assert format_genotype(None) == "–"
    assert format_genotype((None, None)) == "–"


@pytest.mark.parametrize(("log10", "text"), [
    (None, "0"), (0.0, "1"), (2.0, "100"), (11.928, "8.47 × 10^11"), (400.5, "3.16 × 10^400"),
    (6.99999, "1.00 × 10^7"),
])
def test_format_log10_lr(log10: float | None, text: str) -> None:
    assert format_log10_lr(log10) == text


def test_lr_html__superscript_and_escaped() -> None:
    assert str(lr_html("8.47 × 10^11")) == "8.47 × 10<sup>11</sup>"
    assert str(lr_html("<b>")) == "&lt;b&gt;"
