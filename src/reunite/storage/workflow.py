"""Queries the service workflow needs beyond :mod:`reunite.storage.repositories`.

Match candidates and their review decisions, look-ups by case reference and label, the
bases of a person, the (id, basis) pairs of an index without ciphertexts (so the search
engine can tell what changed before it decrypts anything), users by count and activity.
:func:`workflow_transaction` opens ONE session and hands out both the standard
:class:`~reunite.storage.repositories.Repositories` and a :class:`WorkflowRepository`, so
a candidate, its review decision and their audit events commit together. Like the other
repositories, nothing here logs or returns a genotype in clear.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from reunite.errors import NotFoundError
from reunite.storage.db import session_factory
from reunite.storage.records import BasisRecord, CaseRecord, PersonRecord, StoredProfile
from reunite.storage.repositories import (
    AuditLog,
    BasisRepository,
    CaseRepository,
    ProfileRepository,
    Repositories,
    SqlStore,
    UserRepository,
    _basis,
    _person,
    _stored,
)
from reunite.storage.tables import (
    BasisRow,
    CaseRow,
    DataKeyRow,
    MatchCandidateRow,
    PersonRow,
    ProfileRow,
    ReviewDecisionRow,
    UserRow,
)

__all__ = [
    "CandidateRecord",
    "DecisionRecord",
    "ProfileRef",
    "WorkflowRepository",
    "workflow_transaction",
]

_CHUNK = 500


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


@dataclass(frozen=True)
class ProfileRef:
    """A profile's clear metadata: enough to decide whether to load and decrypt it."""

    id: str
    person_id: str
    basis_id: str
    index: str


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _candidate(row: MatchCandidateRow) -> CandidateRecord:
    try:
        details = json.loads(row.provenance or "{}")
    except ValueError:  # a hand-edited row: show it, do not fail the listing
        details = {}
    return CandidateRecord(row.id, row.query_profile_id, row.target_profile_id, row.case_id,
                           row.purpose, float(row.log10_lr), details, _utc(row.created_at))


class WorkflowRepository:
    """Candidates, decisions and the look-ups of the service workflow (one session)."""

    def __init__(self, session: Session) -> None:
        self._s = session

    # ------------------------------------------------------------------ cases and people
    def case_by_reference(self, reference: str) -> CaseRecord:
        """The case with ``reference``; :class:`NotFoundError` if there is none."""
        row = self._s.scalar(select(CaseRow).where(CaseRow.reference == reference))
        if row is None:
            raise NotFoundError("no such case", case=reference)
        return CaseRecord(row.id, row.reference, row.opened_on, row.status, row.missing_since,
                          row.closed_on, row.retention_until, row.description)

    def cases(self, *, limit: int = 100, offset: int = 0) -> list[CaseRecord]:
        """Cases by reference, a page at a time."""
        rows = self._s.scalars(select(CaseRow).order_by(CaseRow.reference)
                               .limit(limit).offset(offset))
        return [CaseRecord(r.id, r.reference, r.opened_on, r.status, r.missing_since,
                           r.closed_on, r.retention_until, r.description) for r in rows]

    def person_by_label(self, case_id: str, label: str) -> PersonRecord:
        """The person labelled ``label`` in a case."""
        row = self._s.scalar(select(PersonRow).where(PersonRow.case_id == case_id,
                                                     PersonRow.label == label))
        if row is None:
            raise NotFoundError("no such person in the case", case=case_id, value=label)
        return _person(row)

    def people_outside_cases(self, labels: Sequence[str]) -> dict[str, list[PersonRecord]]:
        """People recorded outside any case (unidentified, staff) by label."""
        found: dict[str, list[PersonRecord]] = {}
        wanted = list(dict.fromkeys(labels))
        for start in range(0, len(wanted), _CHUNK):
            rows = self._s.scalars(select(PersonRow).where(
                PersonRow.case_id.is_(None), PersonRow.label.in_(wanted[start:start + _CHUNK])))
            for row in rows:
                found.setdefault(row.label, []).append(_person(row))
        return found

    def bases_of(self, person_ids: Sequence[str]) -> dict[str, list[BasisRecord]]:
        """Every basis recorded for each person (oldest id order)."""
        found: dict[str, list[BasisRecord]] = {}
        ids = list(dict.fromkeys(person_ids))
        for start in range(0, len(ids), _CHUNK):
            rows = self._s.scalars(select(BasisRow).where(
                BasisRow.person_id.in_(ids[start:start + _CHUNK])).order_by(BasisRow.id))
            for row in rows:
                found.setdefault(row.person_id, []).append(_basis(row))
        return found

    def profile_refs(self, *, index: str | None = None,
                     person_ids: Sequence[str] | None = None) -> list[ProfileRef]:
        """(id, person, basis, index) of the profiles in ``index`` or of ``person_ids``."""
        query = select(ProfileRow.id, ProfileRow.person_id, ProfileRow.basis_id,
                       ProfileRow.index)
        if index is not None:
            query = query.where(ProfileRow.index == index)
        if person_ids is None:
            return [ProfileRef(*r) for r in self._s.execute(query.order_by(ProfileRow.id))]
        out: list[ProfileRef] = []
        ids = list(dict.fromkeys(person_ids))
        for start in range(0, len(ids), _CHUNK):
            chunk = query.where(ProfileRow.person_id.in_(ids[start:start + _CHUNK]))
            out.extend(ProfileRef(*r) for r in self._s.execute(chunk))
        return out

    def index_fingerprint(self, index: str) -> tuple[int, str]:
        """(count, greatest id) of an index: changes whenever a profile comes or goes."""
        count, last = self._s.execute(select(func.count(), func.max(ProfileRow.id))
                                      .where(ProfileRow.index == index)).one()
        return int(count or 0), str(last or "")

    def profiles_by_id(self, profile_ids: Sequence[str]) -> list[StoredProfile]:
        """Sealed profiles by id (expunged ids are simply absent)."""
        out: list[StoredProfile] = []
        ids = list(dict.fromkeys(profile_ids))
        for start in range(0, len(ids), _CHUNK):
            rows = self._s.execute(
                select(ProfileRow, DataKeyRow)
                .join(DataKeyRow, ProfileRow.data_key_id == DataKeyRow.id)
                .where(ProfileRow.id.in_(ids[start:start + _CHUNK])))
            out.extend(_stored(p, k) for p, k in rows)
        return out

    # ------------------------------------------------------------------ users
    def count_users(self) -> int:
        """How many user accounts exist (0 on a fresh installation)."""
        return int(self._s.scalar(select(func.count()).select_from(UserRow)) or 0)

    def set_user_active(self, username: str, active: bool) -> None:
        """Enable or disable an account (API tokens are revoked this way)."""
        done = self._s.execute(update(UserRow).where(UserRow.username == username)
                               .values(active=active))
        if getattr(done, "rowcount", 1) == 0:
            raise NotFoundError("no such user", user=username)

    # ------------------------------------------------------------------ candidates
    def add_candidates(self, candidates: Sequence[CandidateRecord]) -> None:
        """Store candidates (one multi-row insert)."""
        if candidates:
            self._s.execute(insert(MatchCandidateRow), [
                {"id": c.id, "query_profile_id": c.query_profile_id,
                 "target_profile_id": c.target_profile_id, "case_id": c.case_id,
                 "purpose": c.purpose, "log10_lr": c.log10_lr,
                 "provenance": json.dumps(c.details, sort_keys=True, allow_nan=False),
                 "created_at": c.created_at} for c in candidates])

    def existing_pairs(self, case_ids: Sequence[str]) -> set[tuple[str, str]]:
        """(case id, target profile id) of the candidates already stored for these cases."""
        out: set[tuple[str, str]] = set()
        ids = list(dict.fromkeys(case_ids))
        for start in range(0, len(ids), _CHUNK):
            rows = self._s.execute(select(MatchCandidateRow.case_id,
                                          MatchCandidateRow.target_profile_id)
                                   .where(MatchCandidateRow.case_id.in_(
                                       ids[start:start + _CHUNK])))
            out.update((str(c), str(t)) for c, t in rows)
        return out

    def candidate(self, candidate_id: str) -> CandidateRecord:
        """One candidate; :class:`NotFoundError` if absent (or expunged with its profile)."""
        row = self._s.get(MatchCandidateRow, candidate_id)
        if row is None:
            raise NotFoundError("no such candidate", candidate=candidate_id)
        return _candidate(row)

    def candidates(self, *, case_id: str | None = None, min_log10_lr: float | None = None,
                   limit: int = 100, offset: int = 0) -> list[CandidateRecord]:
        """Candidates, strongest first."""
        query = select(MatchCandidateRow)
        if case_id is not None:
            query = query.where(MatchCandidateRow.case_id == case_id)
        if min_log10_lr is not None:
            query = query.where(MatchCandidateRow.log10_lr >= min_log10_lr)
        query = query.order_by(MatchCandidateRow.log10_lr.desc(), MatchCandidateRow.id)
        return [_candidate(r) for r in self._s.scalars(query.limit(limit).offset(offset))]

    def add_decision(self, decision: DecisionRecord) -> None:
        """Append a review decision."""
        self._s.add(ReviewDecisionRow(candidate_id=decision.candidate_id,
                                      reviewer=decision.reviewer, decision=decision.decision,
                                      reason=decision.reason, decided_at=decision.decided_at))
        self._s.flush()

    def decisions(self, candidate_ids: Sequence[str]) -> dict[str, list[DecisionRecord]]:
        """Decisions per candidate, oldest first."""
        out: dict[str, list[DecisionRecord]] = {}
        ids = list(dict.fromkeys(candidate_ids))
        for start in range(0, len(ids), _CHUNK):
            rows = self._s.scalars(select(ReviewDecisionRow).where(
                ReviewDecisionRow.candidate_id.in_(ids[start:start + _CHUNK]))
                .order_by(ReviewDecisionRow.id))
            for r in rows:
                out.setdefault(r.candidate_id, []).append(DecisionRecord(
                    r.candidate_id, r.reviewer, r.decision, r.reason, _utc(r.decided_at)))
        return out


@contextmanager
def workflow_transaction(store: SqlStore) -> Iterator[tuple[Repositories, WorkflowRepository]]:
    """One all-or-nothing unit of work with the standard repositories and the workflow one."""
    with session_factory(store.engine).begin() as session:
        yield (Repositories(CaseRepository(session), BasisRepository(session),
                            ProfileRepository(session), AuditLog(session),
                            UserRepository(session)),
               WorkflowRepository(session))
