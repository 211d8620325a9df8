"""Engines: SQLite pragmas, URL handling, repositories' conflicts and round trips."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from reunite.config import load_settings
from reunite.errors import ConflictError, NotFoundError
from reunite.storage.db import create_engine_for, database_url, normalise_url, with_schema
from reunite.storage.records import BasisRecord, CaseRecord, PersonRecord, UserRecord
from reunite.storage.repositories import SqlStore


def test_sqlite_pragmas(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'sub' / 'r.sqlite3'}")
    with engine.connect() as connection:
        values = [connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                  for name in ("journal_mode", "foreign_keys", "secure_delete")]
    engine.dispose()

    assert values == ["wal", 1, 1]


def test_urls(tmp_path: Path) -> None:
    settings = load_settings({"REUNITE_DATA_DIR": str(tmp_path)})

    assert database_url(settings) == f"sqlite:///{tmp_path.resolve() / 'reunite.sqlite3'}"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x") == "sqlite:///x"
    assert with_schema("postgresql://u@h/db", "s1") == (
        "postgresql+psycopg://u@h/db?options=-csearch_path%3Ds1")


def test_case_and_person_conflicts(store: SqlStore) -> None:
    with store.transaction() as repos:
        repos.cases.add_case(CaseRecord("c1", "MP-1", date(2026, 1, 1)))
        repos.cases.add_person(PersonRecord("p1", "c1", "relative", "mother"))
    with pytest.raises(ConflictError), store.transaction() as repos:
        repos.cases.add_case(CaseRecord("c2", "MP-1", date(2026, 1, 1)))
    with pytest.raises(ConflictError), store.transaction() as repos:
        repos.cases.add_person(PersonRecord("p2", "c1", "relative", "mother"))
    with pytest.raises(NotFoundError), store.transaction() as repos:
        repos.cases.get_case("nope")


def test_basis_round_trip(store: SqlStore) -> None:
    consent = BasisRecord("b1", "p1", "consent", ("reference-family",), ("identification",),
                          signed_by="form 7", signed_on=date(2026, 1, 2),
                          duo_terms=("DUO:0000022", "DUO:0000044"), international_sharing=False,
                          retention_until=date(2036, 1, 2), review_on=date(2027, 1, 2))
    order = BasisRecord("b2", "p1", "legal-order", ("unidentified-remains",),
                        ("commingling", "identification"), authority="Coroner",
                        order_reference="CO-1", issued_on=date(2026, 2, 1))
    with store.transaction() as repos:
        repos.cases.add_case(CaseRecord("c1", "MP-1", date(2026, 1, 1)))
        repos.cases.add_person(PersonRecord("p1", "c1", "relative", "mother"))
        repos.bases.add_many([consent, order])

    with store.transaction() as repos:
        assert repos.bases.get("b1") == consent
        assert repos.bases.get_many(["b2", "zz"]) == {"b2": order}
        repos.bases.end("b1", on=date(2026, 5, 5))
        repos.bases.end("b2", on=date(2026, 5, 6))
    with store.transaction() as repos:
        assert repos.bases.get("b1").withdrawn_on == date(2026, 5, 5)
        assert repos.bases.get("b2").revoked_on == date(2026, 5, 6)
        assert repos.bases.expired(date(2036, 1, 3)) == ["b1"]


def test_users(store: SqlStore, engine: Engine) -> None:
    from argon2 import PasswordHasher

    hashed = PasswordHasher().hash("correct horse")
    with store.transaction() as repos:
        repos.users.add(UserRecord("ana", hashed, frozenset({"lab-analyst", "reviewer"})))
    with store.transaction() as repos:
        user = repos.users.get("ana")
    with pytest.raises(ConflictError), store.transaction() as repos:
        repos.users.add(UserRecord("ana", hashed, frozenset()))

    assert user.roles == {"lab-analyst", "reviewer"}
    assert PasswordHasher().verify(user.password_hash, "correct horse")
    with engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT password_hash FROM app_user").scalar()
    assert "correct horse" not in str(stored)
