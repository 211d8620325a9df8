"""Repositories over one SQLAlchemy session, and the :class:`SqlStore` that opens them.

Services receive a store and work inside ``store.transaction()``, the one transaction style:
everything written in one ``with`` block commits together or not at all (a candidate, its
review decision and their audit events, say). Repositories never log or print genotypes;
profiles travel as :class:`~reunite.storage.records.StoredProfile` with the genotypes sealed,
or as :class:`~reunite.storage.records.ProfileRef` (ids only, so the search index can tell
what changed before it decrypts anything).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, TypeVar, cast

import sqlalchemy.exc
from sqlalchemy import Engine, Table, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from reunite.errors import ConflictError, NotFoundError
from reunite.storage.crypto import Sealed, WrappedKey
from reunite.storage.db import is_sqlite, session_factory
from reunite.storage.records import (
    AuditRecord,
    BasisRecord,
    CandidateRecord,
    CaseRecord,
    DecisionRecord,
    PersonRecord,
    ProfileRef,
    SampleRecord,
    StoredProfile,
    UserRecord,
)
from reunite.storage.tables import (
    AuditEventRow,
    AuditHeadRow,
    Base,
    BasisRow,
    CaseRow,
    CustodyEventRow,
    DataKeyRow,
    MatchCandidateRow,
    PersonRow,
    ProfileRow,
    ReviewDecisionRow,
    SampleRow,
    UserRoleRow,
    UserRow,
)

__all__ = [
    "AuditLog",
    "BasisRepository",
    "CandidateRepository",
    "CaseRepository",
    "ProfileRepository",
    "Repositories",
    "SqlStore",
    "UserRepository",
]

_T = TypeVar("_T")
_CHUNK = 500  # bound IN (...) lists well below SQLite's variable limit
_BULK_CHUNK = 5000  # SQLite >= 3.32 allows 32766 variables, psycopg 65535


def _table(row: type[Base]) -> Table:
    # Core inserts of plain rows: executemany without the ORM's per-object bookkeeping.
    return cast(Table, row.__table__)


_AUDIT_COLUMNS = ("seq", "at", "actor", "action", "record", "reason", "outcome", "prev_hash",
                  "hash")


@lru_cache(maxsize=64)
def _sqlite_datetime(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _bulk_insert(session: Session, table: Table, columns: Sequence[str],
                 rows: list[tuple[Any, ...]]) -> None:
    """One driver-level executemany: the import hot path (DESIGN: >= 20,000 profiles/s).

    SQLAlchemy's per-value bind processing costs more than the insert itself here, so
    values go to the driver as tuples. Datetimes are written for SQLite in exactly the
    format SQLAlchemy's DateTime type writes and reads (naive UTC, microseconds).
    """
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name == "sqlite":
        stamps = [i for i, v in enumerate(rows[0]) if isinstance(v, datetime)] if rows else []
        if len(stamps) == 1:
            # The batch paths carry one timestamp column: splice it without list copies.
            i = stamps[0]
            rows = [(*row[:i], _sqlite_datetime(row[i]), *row[i + 1:]) for row in rows]
        elif stamps:
            converted: list[tuple[Any, ...]] = []
            for row in rows:
                values = list(row)
                for i in stamps:
                    values[i] = _sqlite_datetime(values[i])
                converted.append(tuple(values))
            rows = converted
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    quote = dialect.identifier_preparer.quote
    statement = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
                 f"VALUES ({', '.join(mark for _ in columns)})")
    connection.exec_driver_sql(statement, rows)


_PERSON_COLUMNS = ("id", "case_id", "role", "label", "father_id", "mother_id", "relationship")
_BASIS_COLUMNS = tuple(f.name for f in fields(BasisRecord))


def _bulk_select(session: Session, table: Table, columns: Sequence[str],
                 keys: Sequence[str]) -> list[tuple[Any, ...]]:
    """Rows whose ``id`` is in ``keys``, as driver tuples (the batch-import look-up path)."""
    connection = session.connection()
    dialect = connection.dialect
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    quote = dialect.identifier_preparer.quote
    head = f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table.name)} WHERE id IN "
    rows: list[tuple[Any, ...]] = []
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), _BULK_CHUNK):
        chunk = unique[start:start + _BULK_CHUNK]
        cursor = connection.connection.cursor()  # the driver's own cursor: no Row objects
        try:
            cursor.execute(f"{head}({', '.join(mark for _ in chunk)})", tuple(chunk))
            rows.extend(cursor.fetchall())
        finally:
            cursor.close()
    return rows


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


class CaseRepository:
    """Cases, people, samples and chain-of-custody events."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def _flush(self, what: str, **context: Any) -> None:
        try:
            self._s.flush()
        except sqlalchemy.exc.IntegrityError as exc:
            raise ConflictError(f"{what} conflicts with a stored record", **context) from exc

    def add_case(self, case: CaseRecord) -> None:
        """Store a new case; :class:`ConflictError` if the reference is taken."""
        self._s.add(CaseRow(
            id=case.id, reference=case.reference, status=case.status, opened_on=case.opened_on,
            missing_since=case.missing_since, closed_on=case.closed_on,
            retention_until=case.retention_until, description=case.description,
        ))
        self._flush("case", case=case.reference)

    def get_case(self, case_id: str) -> CaseRecord:
        """The case ``case_id``; :class:`NotFoundError` if there is none."""
        row = self._s.get(CaseRow, case_id)
        if row is None:
            raise NotFoundError("no such case", case=case_id)
        return _case(row)

    def case_by_reference(self, reference: str) -> CaseRecord:
        """The case with ``reference``; :class:`NotFoundError` if there is none."""
        row = self._s.scalar(select(CaseRow).where(CaseRow.reference == reference))
        if row is None:
            raise NotFoundError("no such case", case=reference)
        return _case(row)

    def list_cases(self, *, limit: int = 100, offset: int = 0) -> list[CaseRecord]:
        """Cases by reference, a page at a time."""
        rows = self._s.scalars(select(CaseRow).order_by(CaseRow.reference)
                               .limit(limit).offset(offset))
        return [_case(r) for r in rows]

    def close_case(self, case_id: str, *, on: date, retention_until: date) -> None:
        """Mark a case closed; its profiles may be kept until ``retention_until``."""
        self.get_case(case_id)
        self._s.execute(update(CaseRow).where(CaseRow.id == case_id).values(
            status="closed", closed_on=on, retention_until=retention_until))

    def closed_past_retention(self, on: date) -> list[str]:
        """Ids of closed cases whose retention date is before ``on``."""
        rows = self._s.scalars(select(CaseRow.id).where(
            CaseRow.status == "closed", CaseRow.retention_until < on))
        return list(rows)

    def statuses(self, case_ids: Iterable[str | None]) -> dict[str, str]:
        """Status (``open`` / ``closed``) of each existing case among ``case_ids``."""
        wanted = [c for c in dict.fromkeys(case_ids) if c is not None]
        found: dict[str, str] = {}
        for chunk in _chunks(wanted):
            for case_id, status in self._s.execute(
                    select(CaseRow.id, CaseRow.status).where(CaseRow.id.in_(chunk))):
                found[case_id] = status
        return found

    def add_person(self, person: PersonRecord) -> None:
        """Store a person."""
        self._s.add(PersonRow(
            id=person.id, case_id=person.case_id, role=person.role,
            label=person.label, father_id=person.father_id, mother_id=person.mother_id,
            relationship=person.relationship,
        ))
        self._flush("person (label already used in this case?)", case=person.case_id,
                    value=person.label)

    def add_people(self, people: Sequence[PersonRecord]) -> None:
        """Store several people of already-opened cases in one statement."""
        if people:
            self._s.execute(insert(_table(PersonRow)), [
                {"id": p.id, "case_id": p.case_id, "role": p.role,
                 "label": p.label, "father_id": p.father_id, "mother_id": p.mother_id,
                 "relationship": p.relationship} for p in people])

    def get_person(self, person_id: str) -> PersonRecord:
        """The person ``person_id``; :class:`NotFoundError` if there is none."""
        row = self._s.get(PersonRow, person_id)
        if row is None:
            raise NotFoundError("no such person", person=person_id)
        return _person(row)

    def get_people(self, person_ids: Sequence[str]) -> dict[str, PersonRecord]:
        """People by id (missing ids are simply absent)."""
        rows = _bulk_select(self._s, _table(PersonRow), _PERSON_COLUMNS, person_ids)
        return {row[0]: PersonRecord(*row) for row in rows}

    def people_in_case(self, case_id: str) -> list[PersonRecord]:
        """Everyone recorded in a case."""
        rows = self._s.scalars(select(PersonRow).where(PersonRow.case_id == case_id)
                               .order_by(PersonRow.label))
        return [_person(r) for r in rows]

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
        for chunk in _chunks(list(dict.fromkeys(labels))):
            rows = self._s.scalars(select(PersonRow).where(
                PersonRow.case_id.is_(None), PersonRow.label.in_(chunk)))
            for row in rows:
                found.setdefault(row.label, []).append(_person(row))
        return found

    def add_sample(self, sample: SampleRecord) -> None:
        """Store a sample."""
        self._s.add(SampleRow(
            id=sample.id, person_id=sample.person_id, kind=sample.kind,
            collected_on=sample.collected_on, collector=sample.collector,
            lab_reference=sample.lab_reference,
        ))
        self._s.flush()

    def add_custody_event(self, sample_id: str, *, at: datetime, action: str,
                          from_party: str = "", to_party: str = "", note: str = "") -> None:
        """Append a step to a sample's chain of custody."""
        self._s.add(CustodyEventRow(sample_id=sample_id, at=at, action=action,
                                    from_party=from_party, to_party=to_party, note=note))
        self._s.flush()

    def custody_events(self, sample_id: str) -> list[tuple[datetime, str, str, str]]:
        """(at, action, from, to) for a sample, oldest first."""
        rows = self._s.scalars(select(CustodyEventRow).where(
            CustodyEventRow.sample_id == sample_id).order_by(CustodyEventRow.id))
        return [(r.at, r.action, r.from_party, r.to_party) for r in rows]


def _case(row: CaseRow) -> CaseRecord:
    return CaseRecord(row.id, row.reference, row.opened_on, row.status, row.missing_since,
                      row.closed_on, row.retention_until, row.description)


def _person(row: PersonRow) -> PersonRecord:
    return PersonRecord(row.id, row.case_id, row.role, row.label, row.father_id,
                        row.mother_id, row.relationship)


class BasisRepository:
    """Consents and legal orders (the ``ConsentRepository`` of STYLE.md)."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, basis: BasisRecord) -> None:
        """Store the basis a person's profile will be held on."""
        self.add_many([basis])

    def add_many(self, bases: Sequence[BasisRecord]) -> None:
        """Store several bases in one statement."""
        if bases:
            self._s.execute(insert(_table(BasisRow)), [_basis_values(b) for b in bases])

    def get(self, basis_id: str) -> BasisRecord:
        """The basis ``basis_id``; :class:`NotFoundError` if there is none."""
        row = self._s.get(BasisRow, basis_id)
        if row is None:
            raise NotFoundError("no such basis", basis=basis_id)
        return _basis(row)

    def get_many(self, basis_ids: Sequence[str]) -> dict[str, BasisRecord]:
        """Bases by id (missing ids are simply absent)."""
        rows = _bulk_select(self._s, _table(BasisRow), _BASIS_COLUMNS, basis_ids)
        return {row[0]: _basis_from_tuple(row) for row in rows}

    def for_persons(self, person_ids: Sequence[str]) -> dict[str, list[BasisRecord]]:
        """Every basis recorded for each person (oldest id order)."""
        found: dict[str, list[BasisRecord]] = {}
        for chunk in _chunks(list(dict.fromkeys(person_ids))):
            rows = self._s.scalars(select(BasisRow).where(BasisRow.person_id.in_(chunk))
                                   .order_by(BasisRow.id))
            for row in rows:
                found.setdefault(row.person_id, []).append(_basis(row))
        return found

    def end(self, basis_id: str, *, on: date) -> None:
        """Record a consent's withdrawal or a legal order's revocation on ``on``."""
        row = self._s.get(BasisRow, basis_id)
        if row is None:
            raise NotFoundError("no such basis", basis=basis_id)
        if row.kind == "consent":
            row.withdrawn_on = on
        else:
            row.revoked_on = on
        self._s.flush()

    def expired(self, on: date) -> list[str]:
        """Ids of bases whose retention or expiry date is before ``on``."""
        rows = self._s.scalars(select(BasisRow.id).where(
            (BasisRow.retention_until < on) | (BasisRow.expires_on < on)))
        return list(rows)


_LIST_FIELDS = ("indices", "purposes", "duo_terms")
_LIST_POSITIONS = tuple(_BASIS_COLUMNS.index(name) for name in _LIST_FIELDS)
_DATE_POSITIONS = tuple(i for i, name in enumerate(_BASIS_COLUMNS)
                        if name.endswith("_on") or name.endswith("_until"))
_BOOL_POSITION = _BASIS_COLUMNS.index("international_sharing")


def _basis_values(basis: BasisRecord) -> dict[str, Any]:
    values = {f.name: getattr(basis, f.name) for f in fields(basis)}
    for name in _LIST_FIELDS:
        values[name] = " ".join(values[name]) if name != "duo_terms" or values[name] else None
    return values


@lru_cache(maxsize=4096)
def _iso_date(text: str) -> date:
    # Bases of one batch share a few dates (signing days, retention ends).
    return date.fromisoformat(text)


def _basis_from_tuple(row: tuple[Any, ...]) -> BasisRecord:
    # Driver values: SQLite gives dates as ISO text and booleans as 0/1.
    values = list(row)
    for position in _LIST_POSITIONS:
        text = values[position]
        values[position] = tuple(text.split()) if text else ()
    for position in _DATE_POSITIONS:
        if type(values[position]) is str:
            values[position] = _iso_date(values[position])
    if values[_BOOL_POSITION] is not None:
        values[_BOOL_POSITION] = bool(values[_BOOL_POSITION])
    return BasisRecord(*values)


def _basis(row: Any) -> BasisRecord:
    values = {f.name: getattr(row, f.name) for f in fields(BasisRecord)}
    for name in _LIST_FIELDS:
        values[name] = tuple((values[name] or "").split())
    return BasisRecord(**values)


class ProfileRepository:
    """Encrypted profiles and their wrapped data keys."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, profile: StoredProfile) -> None:
        """Store one profile and its wrapped data key."""
        self.add_many([profile])

    def add_many(self, profiles: Sequence[StoredProfile]) -> None:
        """Store many profiles with two executemany inserts (same transaction)."""
        if not profiles:
            return
        _bulk_insert(self._s, _table(DataKeyRow), ("id", "master_key_id", "nonce", "wrapped"), [
            (p.sealed.data_key.key_id, p.sealed.data_key.master_key_id,
             p.sealed.data_key.nonce, p.sealed.data_key.wrapped) for p in profiles])
        _bulk_insert(self._s, _table(ProfileRow), (
            "id", "person_id", "sample_id", "basis_id", "index", "kit", "lab",
            "frequency_table_hash", "data_key_id", "nonce", "ciphertext", "created_at"), [
            (p.id, p.person_id, p.sample_id, p.basis_id, p.index, p.kit, p.lab,
             p.frequency_table_hash, p.sealed.data_key.key_id, p.sealed.nonce,
             p.sealed.ciphertext, p.created_at) for p in profiles])

    def _select(self) -> Any:
        return select(ProfileRow, DataKeyRow).join(DataKeyRow,
                                                   ProfileRow.data_key_id == DataKeyRow.id)

    def get(self, profile_id: str) -> StoredProfile:
        """The profile ``profile_id``; :class:`NotFoundError` if absent or expunged."""
        found = self._s.execute(self._select().where(ProfileRow.id == profile_id)).first()
        if found is None:
            raise NotFoundError("no such profile (never stored, or expunged)",
                                profile=profile_id)
        return _stored(found[0], found[1])

    def get_many(self, profile_ids: Sequence[str]) -> list[StoredProfile]:
        """Sealed profiles by id (expunged ids are simply absent)."""
        out: list[StoredProfile] = []
        for chunk in _chunks(list(dict.fromkeys(profile_ids))):
            rows = self._s.execute(self._select().where(ProfileRow.id.in_(chunk)))
            out.extend(_stored(p, k) for p, k in rows)
        return out

    def refs(self, *, index: str | None = None,
             person_ids: Sequence[str] | None = None) -> list[ProfileRef]:
        """(id, person, basis, index) of the profiles in ``index`` or of ``person_ids``."""
        query = select(ProfileRow.id, ProfileRow.person_id, ProfileRow.basis_id,
                       ProfileRow.index)
        if index is not None:
            query = query.where(ProfileRow.index == index)
        if person_ids is None:
            return [ProfileRef(*r) for r in self._s.execute(query.order_by(ProfileRow.id))]
        out: list[ProfileRef] = []
        for chunk in _chunks(list(dict.fromkeys(person_ids))):
            out.extend(ProfileRef(*r) for r in self._s.execute(
                query.where(ProfileRow.person_id.in_(chunk))))
        return out

    def index_fingerprint(self, index: str) -> tuple[int, str]:
        """(count, greatest id) of an index: changes whenever a profile comes or goes."""
        count, last = self._s.execute(select(func.count(), func.max(ProfileRow.id))
                                      .where(ProfileRow.index == index)).one()
        return int(count or 0), str(last or "")

    def in_index(self, index: str) -> Iterator[StoredProfile]:
        """Every profile in ``index``, for building the search engine's matrix."""
        rows = self._s.execute(self._select().where(ProfileRow.index == index)
                               .order_by(ProfileRow.id))
        for profile_row, key_row in rows:
            yield _stored(profile_row, key_row)

    def ids_for_basis(self, basis_id: str) -> list[str]:
        """Ids of the profiles held on a basis."""
        return list(self._s.scalars(select(ProfileRow.id).where(ProfileRow.basis_id == basis_id)))

    def ids_for_case(self, case_id: str) -> list[str]:
        """Ids of the profiles of everyone in a case."""
        return list(self._s.scalars(select(ProfileRow.id).join(
            PersonRow, PersonRow.id == ProfileRow.person_id).where(PersonRow.case_id == case_id)))

    def count(self) -> int:
        """How many profiles are stored."""
        return int(self._s.scalar(select(func.count()).select_from(ProfileRow)) or 0)

    def delete(self, profile_id: str) -> tuple[str, str]:
        """Delete the ciphertext and its data key; return (profile id, index) for the hooks."""
        row = self._s.get(ProfileRow, profile_id)
        if row is None:
            raise NotFoundError("no such profile (never stored, or expunged)",
                                profile=profile_id)
        key_id, index = row.data_key_id, row.index
        self._s.execute(delete(ProfileRow).where(ProfileRow.id == profile_id))
        self._s.execute(delete(DataKeyRow).where(DataKeyRow.id == key_id))
        self._s.expunge_all()
        return profile_id, index

    def wrapped_keys(self) -> list[WrappedKey]:
        """Every wrapped data key (for rotation)."""
        rows = self._s.scalars(select(DataKeyRow).order_by(DataKeyRow.id))
        return [WrappedKey(r.id, r.master_key_id, r.nonce, r.wrapped) for r in rows]

    def master_key_ids(self) -> set[str]:
        """The ids of the master keys that wrap the stored data keys (one, normally)."""
        return set(self._s.scalars(select(DataKeyRow.master_key_id).distinct()))

    def replace_wrapped_keys(self, keys: Iterable[WrappedKey]) -> int:
        """Store re-wrapped data keys; returns how many were replaced."""
        values = [{"k": k.key_id, "m": k.master_key_id, "n": k.nonce, "w": k.wrapped}
                  for k in keys]
        if values:
            self._s.execute(
                text("UPDATE data_key SET master_key_id = :m, nonce = :n, wrapped = :w "
                     "WHERE id = :k"), values)
        return len(values)


def _stored(row: ProfileRow, key: DataKeyRow) -> StoredProfile:
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return StoredProfile(
        id=row.id, person_id=row.person_id, basis_id=row.basis_id, index=row.index,
        kit=row.kit, lab=row.lab, frequency_table_hash=row.frequency_table_hash,
        sealed=Sealed(WrappedKey(key.id, key.master_key_id, key.nonce, key.wrapped),
                      row.nonce, row.ciphertext),
        created_at=created, sample_id=row.sample_id,
    )


class AuditLog:
    """The append-only audit table: insert and read, no update or delete method.

    Hashing is done by the caller (``reunite.services.audit_service``) with
    :mod:`reunite.governance.audit`; this class only stores and serialises.
    """

    def __init__(self, session: Session) -> None:
        self._s = session

    def lock_head(self) -> tuple[int, str | None]:
        """The last (seq, hash), locking the head row so concurrent appenders wait.

        The hash is None when the head row is missing (a schema built without the
        migration's seed row); :meth:`set_head` then creates it.
        """
        head = self._s.execute(select(AuditHeadRow).where(AuditHeadRow.id == 1)
                               .with_for_update()).scalar_one_or_none()
        return (0, None) if head is None else (head.seq, head.hash)

    def insert(self, records: Sequence[AuditRecord]) -> None:
        """Insert chained events (one multi-row statement)."""
        self.insert_rows([(r.seq, r.at, r.actor, r.action, r.record, r.reason, r.outcome,
                           r.prev_hash, r.hash) for r in records])

    def insert_rows(self, rows: list[tuple[int, datetime, str, str, str | None, str, str,
                                           str, str]]) -> None:
        """Insert chained events given as tuples in :class:`AuditRecord` field order."""
        if rows:
            _bulk_insert(self._s, _table(AuditEventRow), _AUDIT_COLUMNS, list(rows))

    def set_head(self, seq: int, hash: str) -> None:
        """Record the new last event."""
        done = self._s.execute(update(AuditHeadRow).where(AuditHeadRow.id == 1)
                               .values(seq=seq, hash=hash))
        if getattr(done, "rowcount", 1) == 0:
            self._s.add(AuditHeadRow(id=1, seq=seq, hash=hash))
            self._s.flush()

    def records(self) -> list[AuditRecord]:
        """All events in sequence order."""
        rows = self._s.scalars(select(AuditEventRow).order_by(AuditEventRow.seq))
        return [AuditRecord(r.seq, r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC), r.actor,
                            r.action, r.record, r.reason, r.outcome, r.prev_hash, r.hash)
                for r in rows]

    def head(self) -> str | None:
        """The hash recorded as the chain's last (None when the log was never written)."""
        row = self._s.get(AuditHeadRow, 1)
        return None if row is None else row.hash


class UserRepository:
    """User accounts and their roles."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, user: UserRecord) -> None:
        """Create a user; :class:`ConflictError` if the name is taken."""
        if self._s.scalar(select(UserRow.id).where(UserRow.username == user.username)):
            raise ConflictError("user exists", user=user.username)
        row = UserRow(username=user.username, password_hash=user.password_hash,
                      active=user.active, created_at=datetime.now(UTC))
        self._s.add(row)
        self._s.flush()
        self._s.add_all(UserRoleRow(user_id=row.id, role=r) for r in sorted(user.roles))
        self._s.flush()

    def get(self, username: str) -> UserRecord:
        """The user ``username``; :class:`NotFoundError` if there is none."""
        row = self._s.scalar(select(UserRow).where(UserRow.username == username))
        if row is None:
            raise NotFoundError("no such user", user=username)
        roles = self._s.scalars(select(UserRoleRow.role).where(UserRoleRow.user_id == row.id))
        return UserRecord(row.username, row.password_hash, frozenset(roles), row.active)

    def count(self) -> int:
        """How many user accounts exist (0 on a fresh installation)."""
        return int(self._s.scalar(select(func.count()).select_from(UserRow)) or 0)

    def set_active(self, username: str, active: bool) -> None:
        """Enable or disable an account (API tokens are revoked this way)."""
        done = self._s.execute(update(UserRow).where(UserRow.username == username)
                               .values(active=active))
        if getattr(done, "rowcount", 1) == 0:
            raise NotFoundError("no such user", user=username)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _candidate(row: MatchCandidateRow) -> CandidateRecord:
    try:
        details = json.loads(row.provenance or "{}")
    except ValueError:  # a hand-edited row: show it, do not fail the listing
        details = {}
    return CandidateRecord(row.id, row.query_profile_id, row.target_profile_id, row.case_id,
                           row.purpose, float(row.log10_lr), details, _utc(row.created_at))


class CandidateRepository:
    """Match candidates and the review decisions on them."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def add_many(self, candidates: Sequence[CandidateRecord]) -> None:
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
        for chunk in _chunks(list(dict.fromkeys(case_ids))):
            rows = self._s.execute(select(MatchCandidateRow.case_id,
                                          MatchCandidateRow.target_profile_id)
                                   .where(MatchCandidateRow.case_id.in_(chunk)))
            out.update((str(c), str(t)) for c, t in rows)
        return out

    def get(self, candidate_id: str) -> CandidateRecord:
        """One candidate; :class:`NotFoundError` if absent (or expunged with its profile)."""
        row = self._s.get(MatchCandidateRow, candidate_id)
        if row is None:
            raise NotFoundError("no such candidate", candidate=candidate_id)
        return _candidate(row)

    def list_candidates(self, *, case_id: str | None = None,
                        min_log10_lr: float | None = None,
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
        for chunk in _chunks(list(dict.fromkeys(candidate_ids))):
            rows = self._s.scalars(select(ReviewDecisionRow).where(
                ReviewDecisionRow.candidate_id.in_(chunk)).order_by(ReviewDecisionRow.id))
            for r in rows:
                out.setdefault(r.candidate_id, []).append(DecisionRecord(
                    r.candidate_id, r.reviewer, r.decision, r.reason, _utc(r.decided_at)))
        return out


@dataclass(frozen=True)
class Repositories:
    """The repositories of one transaction."""

    cases: CaseRepository
    bases: BasisRepository
    profiles: ProfileRepository
    audit: AuditLog
    users: UserRepository
    candidates: CandidateRepository

    @classmethod
    def of(cls, session: Session) -> Repositories:
        """Every repository, bound to ``session``."""
        return cls(CaseRepository(session), BasisRepository(session),
                   ProfileRepository(session), AuditLog(session), UserRepository(session),
                   CandidateRepository(session))


class SqlStore:
    """Opens transactions on an engine and hands out the repositories bound to them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = session_factory(engine)

    @contextmanager
    def transaction(self) -> Iterator[Repositories]:
        """One all-or-nothing unit of work: commits on success, rolls back on any error."""
        with self._sessions.begin() as session:
            yield Repositories.of(session)

    def purge_residue(self) -> None:
        """Make deleted rows unrecoverable from the database files.

        SQLite (``secure_delete`` already zeroes freed cells): checkpoint and truncate the
        WAL, which still holds page images written before the deletion. PostgreSQL: VACUUM
        the two tables, so dead tuples holding ciphertext and wrapped keys are reclaimed.
        """
        if is_sqlite(self.engine):
            # On the driver connection, outside any transaction (a checkpoint cannot run
            # inside the BEGIN IMMEDIATE the engine would open).
            raw = self.engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                cursor.close()
            finally:
                raw.close()
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM profile, data_key")
