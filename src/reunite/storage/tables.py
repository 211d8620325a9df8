"""The database schema as SQLAlchemy 2 typed ORM classes (the migrations must agree).

Design notes:

- No column records a person's sex, ethnicity or address, so no query can select by them;
  a relative's place in the case pedigree is ``father_id`` / ``mother_id``.
- Genotypes exist only as ``profile.ciphertext``; the data key that opens them is in
  ``data_key`` wrapped by the master key (see :mod:`reunite.storage.crypto`).
- Every profile names its ``basis``; a profile cannot outlive it (``ON DELETE RESTRICT``).
- Derived rows (match candidates, their review decisions) cascade on profile deletion,
  so expungement leaves nothing derived from the genotype.
- ``audit_event`` is append-only: the migration installs triggers refusing UPDATE and
  DELETE, and ``audit_head`` holds the last hash so a truncated tail is detectable.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from reunite.storage.db import metadata

__all__ = [
    "AuditEventRow",
    "AuditHeadRow",
    "Base",
    "BasisRow",
    "CaseRow",
    "CustodyEventRow",
    "DataKeyRow",
    "MatchCandidateRow",
    "PersonRow",
    "ProfileRow",
    "ReviewDecisionRow",
    "SampleRow",
    "UserRoleRow",
    "UserRow",
]

_ID = 32  # uuid4 hex


class Base(DeclarativeBase):
    """Declarative base carrying the naming convention."""

    metadata = metadata()


class CaseRow(Base):
    """A missing-person case."""

    __tablename__ = "case"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    opened_on: Mapped[date] = mapped_column(Date)
    missing_since: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    retention_until: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")


class PersonRow(Base):
    """A person in a case: missing, relative (with pedigree links), unidentified, or staff."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("case_id", "label"),)

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("case.id", ondelete="RESTRICT"),
                                                index=True)
    role: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(64))
    father_id: Mapped[str | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    mother_id: Mapped[str | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    relationship: Mapped[str] = mapped_column(String(64), default="")


class SampleRow(Base):
    """A physical sample taken from a person."""

    __tablename__ = "sample"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[str] = mapped_column(String(32))
    collected_on: Mapped[date] = mapped_column(Date)
    collector: Mapped[str] = mapped_column(String(128))
    lab_reference: Mapped[str] = mapped_column(String(64), default="")


class CustodyEventRow(Base):
    """One hand-over or handling step in a sample's chain of custody."""

    __tablename__ = "custody_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sample_id: Mapped[str] = mapped_column(ForeignKey("sample.id", ondelete="CASCADE"),
                                           index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(32))
    from_party: Mapped[str] = mapped_column(String(128), default="")
    to_party: Mapped[str] = mapped_column(String(128), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class BasisRow(Base):
    """The basis a person's profile is held on: a consent or a legal order."""

    __tablename__ = "basis"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"),
                                           index=True)
    kind: Mapped[str] = mapped_column(String(16))
    indices: Mapped[str] = mapped_column(String(200))  # space-separated Index values
    purposes: Mapped[str] = mapped_column(String(100))  # space-separated Purpose values
    # consent
    signed_by: Mapped[str | None] = mapped_column(String(200))
    signed_on: Mapped[date | None] = mapped_column(Date)
    duo_terms: Mapped[str | None] = mapped_column(String(200))
    international_sharing: Mapped[bool | None] = mapped_column(Boolean)
    retention_until: Mapped[date | None] = mapped_column(Date)
    review_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    # legal order
    authority: Mapped[str | None] = mapped_column(String(200))
    order_reference: Mapped[str | None] = mapped_column(String(100))
    issued_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    revoked_on: Mapped[date | None] = mapped_column(Date)


class DataKeyRow(Base):
    """A per-profile data key, stored only wrapped by the master key."""

    __tablename__ = "data_key"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    master_key_id: Mapped[str] = mapped_column(String(16))
    nonce: Mapped[bytes] = mapped_column(LargeBinary(12))
    wrapped: Mapped[bytes] = mapped_column(LargeBinary(64))


class ProfileRow(Base):
    """An encrypted STR profile of one person, in one index, held on one basis."""

    __tablename__ = "profile"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"),
                                           index=True)
    sample_id: Mapped[str | None] = mapped_column(ForeignKey("sample.id", ondelete="SET NULL"))
    basis_id: Mapped[str] = mapped_column(ForeignKey("basis.id", ondelete="RESTRICT"),
                                          index=True)
    # Not indexed: five values only, and loading an index reads most rows anyway.
    index: Mapped[str] = mapped_column(String(32))
    kit: Mapped[str] = mapped_column(String(64))
    lab: Mapped[str] = mapped_column(String(128))
    frequency_table_hash: Mapped[str | None] = mapped_column(String(64))
    data_key_id: Mapped[str] = mapped_column(ForeignKey("data_key.id", ondelete="RESTRICT"),
                                             unique=True)
    nonce: Mapped[bytes] = mapped_column(LargeBinary(12))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MatchCandidateRow(Base):
    """A candidate found by a search, waiting for review."""

    __tablename__ = "match_candidate"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    query_profile_id: Mapped[str] = mapped_column(
        ForeignKey("profile.id", ondelete="CASCADE"), index=True)
    target_profile_id: Mapped[str] = mapped_column(
        ForeignKey("profile.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(32))
    log10_lr: Mapped[float] = mapped_column(Float)
    provenance: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewDecisionRow(Base):
    """A reviewer's decision on a candidate."""

    __tablename__ = "review_decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("match_candidate.id", ondelete="CASCADE"), index=True)
    reviewer: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UserRow(Base):
    """A user account; the password is stored only as an argon2id hash."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UserRoleRow(Base):
    """A role granted to a user."""

    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"),
                                         primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class AuditEventRow(Base):
    """One hash-chained audit event (append-only)."""

    __tablename__ = "audit_event"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    record: Mapped[str | None] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHeadRow(Base):
    """The last event's sequence number and hash (one row): serialises appenders."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
