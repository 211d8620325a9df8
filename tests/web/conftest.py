"""Fixtures of the web tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.web_setup import make_workspace
from support.web_world import World


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    workspace, remains = make_workspace(tmp_path / "data")
    try:
        yield World(workspace, remains)
    finally:
        workspace.close()
