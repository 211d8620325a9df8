"""What a reader returns: the profiles, the samples it skipped, and every problem it found.

Readers collect every problem before deciding anything (STYLE rule 7, after pedtools'
``validatePed``). The rule for lab files is all-or-nothing: if any problem is an *error*,
nothing is imported and a :class:`~reunite.errors.FileFormatError` lists them all — unless
the caller asks to skip bad samples, in which case the clean samples are returned and the
bad ones are listed in :attr:`ReadResult.skipped`. Problems that concern the whole file
(encoding, header, schema, truncation) can never be skipped. *Warnings* (an off-ladder
allele kept as such, an untyped marker) never block an import; they are reported.

Each :class:`~reunite.errors.Problem` carries ``extra["code"]`` (one of the ``CODE_*``
constants, for counting and for scripts) and ``extra["severity"]`` (``"error"`` or
``"warning"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reunite.errors import FileFormatError, PossibleMixtureError, Problem
from reunite.genetics.profile import Profile

__all__ = [
    "CODE_ASSUMED_SEX",
    "CODE_BAD_ALLELE",
    "CODE_DUPLICATE_MARKER",
    "CODE_DUPLICATE_SAMPLE",
    "CODE_EMPTY_SAMPLE",
    "CODE_ENCODING",
    "CODE_HEADER",
    "CODE_NO_CALL",
    "CODE_OFF_LADDER",
    "CODE_POSSIBLE_MIXTURE",
    "CODE_REFUSED_CATEGORY",
    "CODE_ROW",
    "CODE_SCHEMA",
    "CODE_TRUNCATED",
    "CODE_UNKNOWN_MARKER",
    "CODE_UNSAFE_XML",
    "CODE_UNUSED_SETTING",
    "MAX_PROBLEMS",
    "ProblemLog",
    "ReadResult",
    "SkippedSample",
    "problem_code",
    "problem_severity",
]

CODE_ENCODING = "encoding"
CODE_TRUNCATED = "truncated"
CODE_HEADER = "header"
CODE_ROW = "row"
CODE_SCHEMA = "schema"
CODE_UNSAFE_XML = "unsafe-xml"
CODE_UNKNOWN_MARKER = "unknown-marker"
CODE_DUPLICATE_MARKER = "duplicate-marker"
CODE_DUPLICATE_SAMPLE = "duplicate-sample"
CODE_POSSIBLE_MIXTURE = "possible-mixture"
CODE_BAD_ALLELE = "bad-allele"
CODE_EMPTY_SAMPLE = "empty-sample"
CODE_REFUSED_CATEGORY = "refused-category"
CODE_OFF_LADDER = "off-ladder"
CODE_NO_CALL = "no-call"
CODE_UNUSED_SETTING = "unused-setting"
CODE_ASSUMED_SEX = "assumed-sex"

_ERROR = "error"
_WARNING = "warning"

MAX_PROBLEMS = 10_000
"""Problems kept per file; further ones are counted in one closing problem."""


def problem_code(problem: Problem) -> str:
    """The ``CODE_*`` of ``problem`` (``"other"`` for problems made elsewhere)."""
    return str(problem.extra.get("code", "other"))


def problem_severity(problem: Problem) -> str:
    """``"error"`` or ``"warning"``; problems made elsewhere count as errors."""
    return str(problem.extra.get("severity", _ERROR))


@dataclass(frozen=True)
class SkippedSample:
    """A sample left out because it had errors (only when bad samples are skipped)."""

    sample: str
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class ReadResult:
    """Profiles read from one file, with what was skipped and every problem found.

    ``indices`` maps a profile id to the reunite index its source category maps to, where
    the format says (CODIS CMF specimen categories); other formats leave it empty and the
    caller chooses the index at enrolment.
    """

    source: str
    format: str
    profiles: tuple[Profile, ...]
    skipped: tuple[SkippedSample, ...] = ()
    problems: tuple[Problem, ...] = ()
    indices: Mapping[str, str] = field(default_factory=dict, hash=False)

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that are errors (each made its sample skipped)."""
        return tuple(p for p in self.problems if problem_severity(p) == _ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The problems that did not block the import."""
        return tuple(p for p in self.problems if problem_severity(p) == _WARNING)


class ProblemLog:
    """Collects problems while a file is read, then decides what may be imported."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._problems: list[Problem] = []
        self._bad_samples: dict[str, None] = {}
        self._fatal = False
        self._dropped = 0

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem so far, in the order found (see :data:`MAX_PROBLEMS`)."""
        return tuple(self._problems + self._summary())

    @property
    def has_fatal(self) -> bool:
        """True once a problem concerning the whole file was recorded."""
        return self._fatal

    def is_bad(self, sample: str) -> bool:
        """True if ``sample`` has an error."""
        return sample in self._bad_samples

    def error(
        self,
        code: str,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
        sample: str | None = None,
        marker: str | None = None,
        value: Any = None,
    ) -> None:
        """Record an error; without ``sample`` it concerns the whole file (never skippable)."""
        self._add(_ERROR, code, message, line=line, field=field, sample=sample,
                  marker=marker, value=value)
        if sample is None:
            self._fatal = True
        else:
            self._bad_samples.setdefault(sample, None)

    def warning(
        self,
        code: str,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
        sample: str | None = None,
        marker: str | None = None,
        value: Any = None,
    ) -> None:
        """Record a problem that does not block the import."""
        self._add(_WARNING, code, message, line=line, field=field, sample=sample,
                  marker=marker, value=value)

    def _add(self, severity: str, code: str, message: str, **where: Any) -> None:
        # A hostile or systematically broken file can hold millions of problems; the
        # first MAX_PROBLEMS are kept (the rest counted) so memory and messages stay bounded.
        if len(self._problems) >= MAX_PROBLEMS:
            self._dropped += 1
            return
        self._problems.append(Problem(message, source=self.source,
                                      extra={"code": code, "severity": severity}, **where))

    def _summary(self) -> list[Problem]:
        if not self._dropped:
            return []
        return [Problem(f"{self._dropped} more problems not listed (the first {MAX_PROBLEMS} "
                        "are)", source=self.source,
                        extra={"code": "truncated-list", "severity": _ERROR})]

    def raise_if_fatal(self) -> None:
        """Raise now if the file as a whole cannot be read (nothing more to learn)."""
        if self._fatal:
            self._raise()

    def _raise(self) -> None:
        errors = [p for p in self.problems if problem_severity(p) == _ERROR]
        cls = (PossibleMixtureError
               if any(problem_code(p) == CODE_POSSIBLE_MIXTURE for p in errors)
               else FileFormatError)
        n = len(errors) - bool(self._dropped) + self._dropped
        raise cls(f"{n} problem{'s' if n != 1 else ''} found; nothing was imported",
                  source=self.source, problems=errors)

    def finish(
        self,
        profiles: list[Profile],
        *,
        format: str,
        skip_bad: bool,
        indices: Mapping[str, str] | None = None,
    ) -> ReadResult:
        """The result, or a FileFormatError listing every error (see the module docstring).

        ``profiles`` are those built from samples without errors, in file order.
        """
        if self._fatal or (self._bad_samples and not skip_bad):
            self._raise()
        by_sample: dict[str, list[Problem]] = {s: [] for s in self._bad_samples}
        for problem in self._problems:
            if problem_severity(problem) == _ERROR and problem.sample in by_sample:
                by_sample[problem.sample].append(problem)
        kept = tuple(p for p in profiles if p.id not in self._bad_samples)
        kept_ids = {p.id for p in kept}
        return ReadResult(
            source=self.source,
            format=format,
            profiles=kept,
            skipped=tuple(SkippedSample(s, tuple(ps)) for s, ps in by_sample.items()),
            problems=self.problems,
            indices={k: v for k, v in (indices or {}).items() if k in kept_ids},
        )
