"""Provenance: what every result carries so a reviewer can say how it was computed.

Modelled on the msprime/tskit provenance records: software and version, the parameters
(θ, mutation model, thresholds), the frequency table's name and content hash, and the
environment. Timing lives here too, and is excluded from equality so two runs of the same
question compare equal.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from reunite._version import __version__

__all__ = ["Provenance", "make_provenance"]


@dataclass(frozen=True)
class Provenance:
    """How a result was produced. ``parameters`` is a sorted tuple of (name, value) pairs."""

    software: str
    version: str
    command: str
    parameters: tuple[tuple[str, Any], ...] = ()
    frequency_table: str | None = None
    frequency_table_hash: str | None = None
    environment: tuple[tuple[str, str], ...] = ()
    created_at: str = field(default="", compare=False)
    elapsed_seconds: float | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "software": self.software,
            "version": self.version,
            "command": self.command,
            "parameters": dict(self.parameters),
            "frequency_table": self.frequency_table,
            "frequency_table_hash": self.frequency_table_hash,
            "environment": dict(self.environment),
            "created_at": self.created_at,
            "elapsed_seconds": self.elapsed_seconds,
        }


def make_provenance(
    command: str,
    parameters: Mapping[str, Any] | None = None,
    *,
    frequency_table: str | None = None,
    frequency_table_hash: str | None = None,
    elapsed_seconds: float | None = None,
) -> Provenance:
    """Provenance for a result computed now by this process."""
    return Provenance(
        software="reunite",
        version=__version__,
        command=command,
        parameters=tuple(sorted((parameters or {}).items())),
        frequency_table=frequency_table,
        frequency_table_hash=frequency_table_hash,
        environment=(
            ("python", sys.version.split()[0]),
            ("platform", platform.platform()),
        ),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        elapsed_seconds=elapsed_seconds,
    )
