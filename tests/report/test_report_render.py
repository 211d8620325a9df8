"""HTML and PDF renderings of the identification report carry every required element."""

from __future__ import annotations

import io

from pypdf import PdfReader

from reunite._version import __version__
from reunite.report.html import render_report_html
from reunite.report.identification import IdentificationReport
from reunite.report.pdf import render_report_pdf
from reunite.web.i18n import translator
from support.report_case import make_report


def test_render_report_html__english(report: IdentificationReport) -> None:
    html = render_report_html(report, translator("en"))

    for needle in ("MP-2026-001", "UHR-17 is Li Wei", "weak support", "ab" * 32,
                   "Test table", "equal, rate 0.002", "0.01", f"reunite {__version__}",
                   "alice", "bob", "2026-11-24", "<svg", "Identification confirmed",
                   'class="mutation"', "FGA"):
        assert needle in html, needle
    assert '<html lang="en">' in html


def test_render_report_html__chinese_and_escaped(report: IdentificationReport) -> None:
    html = render_report_html(report, translator("zh_CN"), lang="zh_CN")

    assert '<html lang="zh-CN">' in html
    assert "身份鉴定报告" in html
    assert "弱支持" in html


def test_render_report_pdf__text(report: IdentificationReport) -> None:
    pdf = render_report_pdf(report, translator("en"))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)

    assert pdf.startswith(b"%PDF")
    for needle in ("Identification report", "MP-2026-001", "H1: UHR-17 is Li Wei",
                   "weak support for H2", "D3S1358", "VWA", "FGA", "0.191", "ab" * 32,
                   "equal, rate 0.002", f"reunite {__version__}", "alice", "bob",
                   "2026-11-25", "A mutation is assumed at: FGA"):
        assert needle in text, needle


def test_render_report_pdf__chinese_builds(report: IdentificationReport) -> None:
    pdf = render_report_pdf(report, translator("zh_CN"), lang="zh_CN")

    assert pdf.startswith(b"%PDF")
    assert b"STSong-Light" in pdf


def test_render_report_html__exclusion_highlighted() -> None:
    html = render_report_html(make_report(mutation=False), translator("en"))

    assert '<tr class="excluded">' in html
    assert "The candidate is excluded at: FGA" in html
    assert "The DNA findings exclude H1" in html
