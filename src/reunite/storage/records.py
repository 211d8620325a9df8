"""Plain values the repositories take and return (frozen; no ORM objects leak out)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reunite.storage.crypto import Sealed

__all__ = [
    "AuditRecord",
    "BasisRecord",
    "CandidateRecord",
    "CaseRecord",
    "DecisionRecord",
    "PersonRecord",
    "ProfileRef",
    "SampleRecord",
    "StoredProfile",
    "UserRecord",
]


@dataclass(frozen=True)
class CaseRecord:
    """A missing-person case. ``status`` is ``open`` or ``closed``."""

    id: str
    reference: str
    opened_on: date
    status: str = "open"
    missing_since: date | None = None
    closed_on: date | None = None
    retention_until: date | None = None
    description: str = ""


@dataclass(frozen=True)
class PersonRecord:
    """A person; ``father_id`` / ``mother_id`` place a relative in the case pedigree."""

    id: str
    case_id: str | None
    role: str  # a reunite.governance.indices.PersonRole value
    label: str
    father_id: str | None = None
    mother_id: str | None = None
    relationship: str = ""


@dataclass(frozen=True)
class SampleRecord:
    """A physical sample."""

    id: str
    person_id: str
    kind: str
    collected_on: date
    collector: str
    lab_reference: str = ""


@dataclass(frozen=True)
class StoredProfile:
    """An encrypted profile as stored: metadata in clear, genotypes sealed."""

    id: str
    person_id: str
    basis_id: str
    index: str  # a reunite.governance.indices.Index value
    kit: str
    lab: str
    frequency_table_hash: str | None
    sealed: Sealed
    created_at: datetime
    sample_id: str | None = None


@dataclass(frozen=True)
class UserRecord:
    """A user account (the password only as its argon2 hash)."""

    username: str
    password_hash: str
    roles: frozenset[str]
    active: bool = True


@dataclass(frozen=True)
class BasisRecord:
    """A basis as stored: consent fields or legal-order fields (the others are None).

    ``indices`` and ``purposes`` hold the Index and Purpose values of the scope.
    """

    id: str
    person_id: str
    kind: str
    indices: tuple[str, ...]
    purposes: tuple[str, ...]
    signed_by: str | None = None
    signed_on: date | None = None
    duo_terms: tuple[str, ...] = ()
    international_sharing: bool | None = None
    retention_until: date | None = None
    review_on: date | None = None
    withdrawn_on: date | None = None
    authority: str | None = None
    order_reference: str | None = None
    issued_on: date | None = None
    expires_on: date | None = None
    revoked_on: date | None = None


@dataclass(frozen=True)
class AuditRecord:
    """One stored audit event with its chain hashes."""

    seq: int
    at: datetime
    actor: str
    action: str
    record: str | None
    reason: str
    outcome: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ProfileRef:
    """A profile's clear metadata: enough to decide whether to load and decrypt it."""

    id: str
    person_id: str
    basis_id: str
    index: str


@dataclass(frozen=True)
class CandidateRecord:
    """A stored match candidate; ``details`` is the JSON provenance (per-marker LRs...)."""

    id: str
    query_profile_id: str
    target_profile_id: str
    case_id: str | None
    purpose: str
    log10_lr: float
    details: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class DecisionRecord:
    """One reviewer's decision on a candidate."""

    candidate_id: str
    reviewer: str
    decision: str
    reason: str
    decided_at: datetime
