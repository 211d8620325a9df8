"""Fixtures of the report tests."""

from __future__ import annotations

import pytest

from reunite.report.identification import IdentificationReport
from support.report_case import TWO_CONFIRMATIONS, make_report


@pytest.fixture
def report() -> IdentificationReport:
    return make_report(reviews=TWO_CONFIRMATIONS)
