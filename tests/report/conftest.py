"""Fixtures of the report tests."""

from __future__ import annotations

import pytest
from report_case import TWO_CONFIRMATIONS, make_report

from reunite.report.identification import IdentificationReport


@pytest.fixture
def report() -> IdentificationReport:
    return make_report(reviews=TWO_CONFIRMATIONS)
