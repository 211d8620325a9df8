"""Suite-wide fixtures: where ../shared is, the PostgreSQL URL, and --skip-slow."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.shared_paths import DATA_DIR, REFERENCE_CASES_DIR, REPO_ROOT, SHARED_DIR

__all__ = ["DATA_DIR", "REFERENCE_CASES_DIR", "REPO_ROOT", "SHARED_DIR"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--skip-slow", action="store_true", help="skip tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--skip-slow"):
        skip = pytest.mark.skip(reason="--skip-slow given")
        for item in items:
            if "slow" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``: the real public data sets, read in place (never copied)."""
    if not DATA_DIR.is_dir():
        pytest.skip(f"shared data not found at {DATA_DIR} (set REUNITE_SHARED_DIR)")
    return DATA_DIR


@pytest.fixture(scope="session")
def reference_cases_dir() -> Path:
    """``../shared/reference-cases``: kinship answers computed with the R pedsuite."""
    if not REFERENCE_CASES_DIR.is_dir():
        pytest.skip(f"reference cases not found at {REFERENCE_CASES_DIR}")
    return REFERENCE_CASES_DIR


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The PostgreSQL test database from ``REUNITE_TEST_PG_URL``; skips when unset."""
    url = os.environ.get("REUNITE_TEST_PG_URL")
    if not url:
        pytest.skip("REUNITE_TEST_PG_URL is not set: PostgreSQL tests need a server")
    return url
