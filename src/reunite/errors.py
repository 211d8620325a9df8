"""One exception tree for all of reunite.

Every error carries structured context (where it came from and which value was wrong)
as attributes, not only as text, so the CLI, the API and the tests can read it::

    ReuniteError
    ├── InputError                      bad data from a user, a file or a caller  (exit 2, HTTP 422)
    │   ├── AlleleError                 an allele designation that is not one
    │   ├── MarkerError                 an unknown or misused marker name
    │   ├── ProfileError                an impossible genotype or profile
    │   ├── FrequencyTableError         a frequency table that cannot be used
    │   ├── PedigreeError               a malformed pedigree (lists every problem)
    │   ├── MutationModelError          an unknown model or impossible parameters
    │   ├── CaseError                   a kinship case that does not hold together
    │   └── FileFormatError             a file that cannot be parsed (file, line, sample, marker)
    │       └── PossibleMixtureError    more alleles than a single source can have
    ├── GovernanceError                 refused by policy                         (exit 3, HTTP 403)
    │   ├── ConsentError                no valid basis (consent or legal order)
    │   ├── PurposeNotPermitted         a search between indices the matrix forbids
    │   └── PermissionDenied            the actor's role may not do this
    ├── AuthenticationError             unknown user or bad credentials           (exit 3, HTTP 401)
    ├── NotFoundError                   no such record                            (exit 4, HTTP 404)
    ├── ConflictError                   record exists or in the wrong state       (exit 5, HTTP 409)
    ├── IntegrityError                  tampered audit chain, undecryptable data  (exit 6, HTTP 500)
    │   ├── AuditChainError
    │   └── KeyManagementError
    └── ConfigurationError              settings that cannot work                 (exit 7)

The mapping of these classes to exit codes lives in :data:`EXIT_CODES` (used by the CLI),
and the mapping to HTTP status codes in ``reunite.api``; nowhere else.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

__all__ = [
    "EXIT_CODES",
    "AlleleError",
    "AuditChainError",
    "AuthenticationError",
    "CaseError",
    "ConfigurationError",
    "ConflictError",
    "ConsentError",
    "FileFormatError",
    "FrequencyTableError",
    "GovernanceError",
    "InputError",
    "IntegrityError",
    "KeyManagementError",
    "MarkerError",
    "MutationModelError",
    "NotFoundError",
    "PedigreeError",
    "PermissionDenied",
    "PossibleMixtureError",
    "Problem",
    "ProfileError",
    "PurposeNotPermitted",
    "ReuniteError",
    "exit_code_for",
]


@dataclass(frozen=True)
class Problem:
    """One problem found while validating: what is wrong and where.

    Validators collect every problem before raising, so one error can list them all.
    """

    message: str
    source: str | None = None
    line: int | None = None
    field: str | None = None
    sample: str | None = None
    marker: str | None = None
    value: Any = None
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __str__(self) -> str:
        where = _describe_location(
            source=self.source,
            line=self.line,
            field=self.field,
            sample=self.sample,
            marker=self.marker,
        )
        text = self.message
        if self.value is not None and "value" not in self.extra:
            text = f"{text} (value {self.value!r})"
        return f"{where}: {text}" if where else text


def _describe_location(**parts: Any) -> str:
    labels = {"source": "", "line": "line ", "field": "field ", "sample": "sample ",
              "marker": "marker "}
    bits = []
    for key, label in labels.items():
        value = parts.get(key)
        if value is not None:
            bits.append(f"{label}{value}")
    return ", ".join(bits)


class ReuniteError(Exception):
    """Base of every error reunite raises on purpose.

    ``context`` holds the structured facts (file, line, field, sample, marker, value...);
    the same facts are available as attributes, e.g. ``err.value`` or ``err.marker``.
    ``problems`` lists every problem when several were collected.
    """

    def __init__(
        self,
        message: str,
        *,
        problems: tuple[Problem, ...] | list[Problem] = (),
        **context: Any,
    ) -> None:
        self.message = message
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.context: dict[str, Any] = dict(context)
        super().__init__(self._render())

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes not set normally: expose context keys, else None for
        # the common location fields so callers can read err.line without try/except.
        context = self.__dict__.get("context", {})
        if name in context:
            return context[name]
        if name in {"source", "line", "field", "sample", "marker", "value", "case", "path"}:
            return None
        raise AttributeError(name)

    def _render(self) -> str:
        where = _describe_location(
            source=self.context.get("source"),
            line=self.context.get("line"),
            field=self.context.get("field"),
            sample=self.context.get("sample"),
            marker=self.context.get("marker"),
        )
        text = self.message
        if "case" in self.context and self.context["case"] is not None:
            text = f"case {self.context['case']!r}: {text}"
        if where:
            text = f"{where}: {text}"
        if "value" in self.context and self.context["value"] is not None:
            text = f"{text} (value {self.context['value']!r})"
        if self.problems:
            text += "".join(f"\n  - {p}" for p in self.problems)
        return text


class InputError(ReuniteError):
    """Data given to reunite is wrong; nothing was changed because of it."""


class AlleleError(InputError):
    """An allele designation that reunite cannot read."""


class MarkerError(InputError):
    """An unknown marker name, or a marker used where it does not belong."""


class ProfileError(InputError):
    """A genotype or profile that cannot exist as given."""


class FrequencyTableError(InputError):
    """A frequency table that is malformed or unusable for the question."""


class PedigreeError(InputError):
    """A pedigree that is not a valid family tree; ``problems`` lists every defect."""


class MutationModelError(InputError):
    """An unknown mutation model, or parameters outside their range."""


class CaseError(InputError):
    """A kinship case whose parts do not agree (names the case, field and value)."""


class FileFormatError(InputError):
    """A file that cannot be parsed; names the file, line (or XML path), sample, marker, value."""


class PossibleMixtureError(FileFormatError):
    """More alleles at a marker than one person can carry: a possible mixture, not guessed."""


class GovernanceError(ReuniteError):
    """Refused by the governance policy; an audit event records the refusal."""


class ConsentError(GovernanceError):
    """No valid basis (consent or legal order) covers the action."""


class PurposeNotPermitted(GovernanceError):  # noqa: N818 -- reads as a verdict, as in STYLE.md
    """A search between two indices that the search matrix does not allow."""


class PermissionDenied(GovernanceError):  # noqa: N818 -- reads as a verdict, as in STYLE.md
    """The actor's role does not grant this action."""


class AuthenticationError(ReuniteError):
    """Unknown user, wrong password, or an expired or revoked token."""


class NotFoundError(ReuniteError):
    """The requested record does not exist (or was expunged)."""


class ConflictError(ReuniteError):
    """The record already exists, or is not in a state that allows the action."""


class IntegrityError(ReuniteError):
    """Stored data failed an integrity check."""


class AuditChainError(IntegrityError):
    """The audit hash chain is broken; ``event`` names the first bad event."""


class KeyManagementError(IntegrityError):
    """A key is missing, wrong, or cannot unwrap a data key."""


class ConfigurationError(ReuniteError):
    """Settings that cannot work (bad path, bad URL, missing master key...)."""


EXIT_CODES: dict[type[ReuniteError], int] = {
    InputError: 2,
    GovernanceError: 3,
    AuthenticationError: 3,
    NotFoundError: 4,
    ConflictError: 5,
    IntegrityError: 6,
    ConfigurationError: 7,
    ReuniteError: 1,
}


def exit_code_for(error: ReuniteError) -> int:
    """Exit status for ``error``: the entry of its nearest class in :data:`EXIT_CODES`."""
    for cls in type(error).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return 1
