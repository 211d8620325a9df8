"""The import QC report: what a file would give, sample by sample, and every problem found.

Built from a :class:`~reunite.io.result.ReadResult` (read with bad samples skipped, so the
report can say what the clean part holds) or from the error of a file that could not be
read at all. ``importable`` is what an import would store under the all-or-nothing rule:
everything clean when the file has no error, nothing when it has one and bad samples are
not skipped, the clean samples when they are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reunite.errors import Problem, ReuniteError
from reunite.io.result import ReadResult, problem_code, problem_severity

__all__ = ["ImportReport", "SampleReport", "import_report", "report_for_unreadable"]


@dataclass(frozen=True)
class SampleReport:
    """One sample: ``status`` ``ok`` or ``bad``, typed markers, index, its problems."""

    sample: str
    status: str
    n_markers: int
    index: str | None
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class ImportReport:
    """Counts and per-sample detail for one file; ``importable`` honours ``skip_bad``."""

    source: str
    format: str
    skip_bad: bool
    samples: tuple[SampleReport, ...]
    problems: tuple[Problem, ...]
    readable: bool = True

    @property
    def n_errors(self) -> int:
        """Problems that block their sample (or the file)."""
        return sum(problem_severity(p) == "error" for p in self.problems)

    @property
    def n_warnings(self) -> int:
        """Problems that do not block anything."""
        return sum(problem_severity(p) == "warning" for p in self.problems)

    @property
    def by_code(self) -> Mapping[str, int]:
        """Problem counts by code (``possible-mixture``, ``unknown-marker``…)."""
        return dict(Counter(problem_code(p) for p in self.problems))

    @property
    def importable(self) -> tuple[str, ...]:
        """Ids an import would store: see the module docstring."""
        if not self.readable or (self.n_errors and not self.skip_bad):
            return ()
        return tuple(s.sample for s in self.samples if s.status == "ok")

    @property
    def skipped(self) -> tuple[str, ...]:
        """Ids of samples with errors."""
        return tuple(s.sample for s in self.samples if s.status == "bad")

    def to_json_data(self) -> dict[str, Any]:
        """A JSON-ready dictionary (for ``--json`` output and the API)."""
        return {
            "source": self.source,
            "format": self.format,
            "readable": self.readable,
            "skip_bad": self.skip_bad,
            "counts": {"samples": len(self.samples), "importable": len(self.importable),
                       "skipped": len(self.skipped), "errors": self.n_errors,
                       "warnings": self.n_warnings, "by_code": dict(self.by_code)},
            "importable": list(self.importable),
            "skipped": list(self.skipped),
            "samples": [{"sample": s.sample, "status": s.status, "markers": s.n_markers,
                         "index": s.index, "problems": [_problem(p) for p in s.problems]}
                        for s in self.samples],
            "problems": [_problem(p) for p in self.problems],
        }


def _problem(problem: Problem) -> dict[str, Any]:
    value = problem.value
    if isinstance(value, bytes):
        value = value.hex()
    elif value is not None and not isinstance(value, str | int | float | bool):
        value = str(value)
    return {"code": problem_code(problem), "severity": problem_severity(problem),
            "message": problem.message, "source": problem.source, "line": problem.line,
            "field": problem.field, "sample": problem.sample, "marker": problem.marker,
            "value": value, "text": str(problem)}


def import_report(result: ReadResult, *, skip_bad: bool) -> ImportReport:
    """The report of a file read with bad samples skipped."""
    by_sample: dict[str, list[Problem]] = {}
    for problem in result.problems:
        if problem.sample is not None:
            by_sample.setdefault(problem.sample, []).append(problem)
    samples = [SampleReport(p.id, "ok", len(p.genotypes), result.indices.get(p.id),
                            tuple(by_sample.get(p.id, ()))) for p in result.profiles]
    samples += [SampleReport(s.sample, "bad", 0, None, tuple(by_sample.get(s.sample, ())))
                for s in result.skipped]
    return ImportReport(result.source, result.format, skip_bad, tuple(samples),
                        result.problems)


def report_for_unreadable(error: ReuniteError, *, source: str, format: str) -> ImportReport:
    """The report of a file that could not be read at all (encoding, header, XML…)."""
    problems = error.problems or (Problem(error.message, source=source,
                                          line=error.context.get("line"),
                                          field=error.context.get("field"),
                                          value=error.context.get("value"),
                                          extra={"code": str(error.context.get("code", "file")),
                                                 "severity": "error"}),)
    return ImportReport(source, format, False, (), tuple(problems), readable=False)
