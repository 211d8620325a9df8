"""``reunite rmp``: placeholder registration, replaced by the real command (issue 3)."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
