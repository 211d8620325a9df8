"""The basis a profile is held on — a signed consent or a recorded legal order — and its checks.

DESIGN.md, "Purpose and limits": no basis, no storage; the basis says what the profile may
be searched for; withdrawal or retention expiry ends it.

Scope and the GA4GH Data Use Ontology (DUO)
-------------------------------------------
DUO's *permission* terms all describe research (GRU DUO:0000042, HMB DUO:0000006,
DS DUO:0000007, POA DUO:0000011, NRES DUO:0000004). Identifying a missing person is not
research, and granting any of them would allow uses the donor never agreed to, so reunite
maps the purpose to **no** DUO permission: a consent's primary scope is a reunite term,
``reunite:missing-person-identification`` restricted to named indices and purposes.
DUO *modifiers* do fit the limits that go with it, and :meth:`ConsentScope.duo_terms`
lists them so the scope can be exchanged with DUO-aware systems:

==============  =====================================================================
DUO:0000044     NPOA, population origins or ancestry research prohibited (always)
DUO:0000018     NPUNCU, not-for-profit, non-commercial use only (always)
DUO:0000027     PS, project specific restriction: the project is the one case (always)
DUO:0000028     IS, institution specific restriction: the holding institution (always)
DUO:0000026     US, user specific restriction: named roles only (always)
DUO:0000025     TS, time limit on use: the retention date (always; consent has one)
DUO:0000022     GS, geographical restriction: when international sharing is refused
==============  =====================================================================

A legal order carries no DUO terms: its scope is what the order says (authority,
reference, date, the indices it covers), not a consent code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import TypeVar

from reunite.errors import ConsentError, Problem
from reunite.governance.indices import Index, Purpose
from reunite.governance.policy import Decision

__all__ = [
    "ALWAYS_DUO_TERMS",
    "GEOGRAPHICAL_RESTRICTION",
    "REUNITE_PURPOSE_TERM",
    "Basis",
    "Consent",
    "ConsentScope",
    "LegalOrder",
    "check_basis",
    "require_valid_basis",
    "review_due",
]

REUNITE_PURPOSE_TERM = "reunite:missing-person-identification"
"""The primary scope term: DUO has no permission term for a non-research identification."""

ALWAYS_DUO_TERMS: tuple[str, ...] = (
    "DUO:0000044",  # NPOA: no population origins or ancestry research
    "DUO:0000018",  # NPUNCU: not-for-profit, non-commercial use only
    "DUO:0000027",  # PS: limited to the approved project, i.e. this case
    "DUO:0000028",  # IS: limited to the holding institution
    "DUO:0000026",  # US: limited to approved users (roles)
    "DUO:0000025",  # TS: time limit on use (the retention date)
)
GEOGRAPHICAL_RESTRICTION = "DUO:0000022"  # GS: no sharing outside the jurisdiction

_E = TypeVar("_E", bound=Enum)


def _as(kind: type[_E], values: Iterable[_E | str]) -> frozenset[_E]:
    # Already-typed members pass through without the (slow) Enum lookup; a frozenset of
    # them (what the storage readers build) is kept as it is.
    if type(values) is frozenset and all(type(v) is kind for v in values):
        return values
    return frozenset(v if isinstance(v, kind) else kind(v) for v in values)


def _index(index: Index | str) -> Index:
    # Enum(value) costs a Python-level metaclass call even for a member; the batch
    # importer checks one basis per profile.
    return index if type(index) is Index else Index(index)


def _purpose(purpose: Purpose | str) -> Purpose:
    return purpose if type(purpose) is Purpose else Purpose(purpose)


@dataclass(frozen=True)
class ConsentScope:
    """What a consent allows: the indices the profile may be held in and the purposes."""

    indices: frozenset[Index]
    purposes: frozenset[Purpose] = frozenset({Purpose.IDENTIFICATION})

    def __post_init__(self) -> None:
        object.__setattr__(self, "indices", _as(Index, self.indices))
        object.__setattr__(self, "purposes", _as(Purpose, self.purposes))

    def covers(self, index: Index, purpose: Purpose) -> bool:
        """True when both ``index`` and ``purpose`` are in the scope."""
        return Index(index) in self.indices and Purpose(purpose) in self.purposes

    def duo_terms(self, *, international_sharing: bool) -> tuple[str, ...]:
        """The DUO modifier terms that describe this scope (see the module docstring)."""
        terms = list(ALWAYS_DUO_TERMS)
        if not international_sharing:
            terms.append(GEOGRAPHICAL_RESTRICTION)
        return tuple(sorted(terms))


@dataclass(frozen=True)
class Consent:
    """A signed consent: who signed, for what, until when.

    ``signed_by`` is the donor or their guardian (a name or a reference to the signed
    form, never a genotype). ``retention_until`` ends the basis; ``review_on`` is when a
    data-protection officer must look at it again; ``withdrawn_on`` is set on withdrawal.
    """

    signed_by: str
    signed_on: date
    scope: ConsentScope
    international_sharing: bool
    retention_until: date
    review_on: date
    withdrawn_on: date | None = None
    kind: str = field(default="consent", init=False)

    def __post_init__(self) -> None:
        if not isinstance(self.international_sharing, bool):
            raise ConsentError(
                "international_sharing must be True or False",
                field="international_sharing",
                value=self.international_sharing,
            )

    @property
    def duo_terms(self) -> tuple[str, ...]:
        """DUO modifier terms for this consent."""
        return self.scope.duo_terms(international_sharing=self.international_sharing)


@dataclass(frozen=True)
class LegalOrder:
    """A recorded legal order (e.g. a coroner's or court order for remains).

    ``indices`` are the indices the order allows profiles to be held in; ``purposes``
    what they may be searched for. ``expires_on`` is None when the order has no end date.
    """

    authority: str
    reference: str
    issued_on: date
    indices: frozenset[Index]
    purposes: frozenset[Purpose] = frozenset({Purpose.IDENTIFICATION, Purpose.COMMINGLING})
    expires_on: date | None = None
    revoked_on: date | None = None
    kind: str = field(default="legal-order", init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "indices", _as(Index, self.indices))
        object.__setattr__(self, "purposes", _as(Purpose, self.purposes))


Basis = Consent | LegalOrder


def _problems(basis: Basis, index: Index, purposes: Iterable[Purpose], on: date) -> list[Problem]:
    found: list[Problem] = []
    wanted = [_purpose(p) for p in purposes]
    if isinstance(basis, Consent):
        if not basis.signed_by.strip():
            found.append(Problem("consent has no signatory", field="signed_by"))
        if basis.signed_on > on:
            found.append(Problem("consent is signed in the future", field="signed_on",
                                 value=basis.signed_on.isoformat()))
        if basis.withdrawn_on is not None and basis.withdrawn_on <= on:
            found.append(Problem("consent was withdrawn", field="withdrawn_on",
                                 value=basis.withdrawn_on.isoformat()))
        if basis.retention_until < on:
            found.append(Problem("consent retention period has expired",
                                 field="retention_until", value=basis.retention_until.isoformat()))
        if index not in basis.scope.indices:
            found.append(Problem("consent scope does not cover this index", field="scope",
                                 value=index.value))
        found.extend(
            Problem("consent scope does not cover this purpose", field="scope", value=p.value)
            for p in wanted if p not in basis.scope.purposes
        )
    else:
        if not basis.authority.strip() or not basis.reference.strip():
            found.append(Problem("legal order needs an authority and a reference",
                                 field="authority"))
        if basis.issued_on > on:
            found.append(Problem("legal order is dated in the future", field="issued_on",
                                 value=basis.issued_on.isoformat()))
        if basis.revoked_on is not None and basis.revoked_on <= on:
            found.append(Problem("legal order was revoked", field="revoked_on",
                                 value=basis.revoked_on.isoformat()))
        if basis.expires_on is not None and basis.expires_on < on:
            found.append(Problem("legal order has expired", field="expires_on",
                                 value=basis.expires_on.isoformat()))
        if index not in basis.indices:
            found.append(Problem("legal order does not cover this index", field="indices",
                                 value=index.value))
        found.extend(
            Problem("legal order does not cover this purpose", field="purposes", value=p.value)
            for p in wanted if p not in basis.purposes
        )
    return found


def check_basis(
    basis: Basis | None,
    *,
    index: Index,
    on: date,
    purposes: Iterable[Purpose] = (Purpose.IDENTIFICATION,),
) -> Decision:
    """Whether ``basis`` allows holding a profile in ``index`` on day ``on`` for ``purposes``.

    Collects every problem (withdrawn, expired, scope not covering the index or purpose)
    into the reason, so one refusal names them all.
    """
    if basis is None:
        return Decision(False, "no basis: a profile needs a signed consent or a legal order")
    index = _index(index)
    problems = _problems(basis, index, purposes, on)
    if problems:
        return Decision(False, "; ".join(str(p) for p in problems))
    return Decision(True, f"{basis.kind} covers {index.value}")


def require_valid_basis(
    basis: Basis | None,
    *,
    index: Index,
    on: date,
    purposes: Iterable[Purpose] = (Purpose.IDENTIFICATION,),
) -> Decision:
    """:func:`check_basis`, raising :class:`ConsentError` listing every problem when invalid."""
    if basis is None:
        raise ConsentError(
            "no basis: a profile needs a signed consent or a legal order",
            index=Index(index).value,
        )
    problems = _problems(basis, Index(index), purposes, on)
    if problems:
        raise ConsentError(
            f"the {basis.kind} is not a valid basis", problems=problems, index=Index(index).value
        )
    return Decision(True, f"{basis.kind} covers {Index(index).value}")


def review_due(basis: Basis, *, on: date) -> bool:
    """True when a consent's review date has come (legal orders have none)."""
    return isinstance(basis, Consent) and basis.review_on <= on
