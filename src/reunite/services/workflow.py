"""The installation and its workflow: one :class:`Workspace` per data directory.

A workspace is what the API, the CLI and the demo share: the store (SQLite in the data
directory, or ``REUNITE_DATABASE_URL``), the master key, the frequency table the kinship
statistics use (``<data dir>/frequencies.csv``, written by ``reunite init``), the matching
engine and the job runner. The functions here are the workflow steps that need more than
one service: recording a consent or legal order from plain fields, enrolling a profile
from JSON, importing a lab file (GeneMapper/GeneMarker table, CODIS CMF or profile JSON)
by sample name, and withdrawal with the search index told at once.

Sample names in lab files name the person: the person id, ``<case reference>/<person
label>`` for people in a case, or the label of a person outside any case (a mortuary
number). Each profile is held on the person's newest basis that is valid today for the
person's index.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from reunite.config import Settings
from reunite.errors import (
    ConfigurationError,
    ConsentError,
    FileFormatError,
    InputError,
    NotFoundError,
    Problem,
)
from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.profile import Profile
from reunite.governance.consent import Basis, Consent, ConsentScope, LegalOrder, check_basis
from reunite.governance.indices import Index, PersonRole, Purpose
from reunite.governance.roles import Action, Actor
from reunite.io.cmf import read_cmf
from reunite.io.frequencies import read_frequencies, read_frequency_csv
from reunite.io.genemapper import read_genemapper
from reunite.io.profile_json import profile_from_json_data
from reunite.io.result import ReadResult
from reunite.services import enrolment, withdrawal
from reunite.services.audit_service import checked
from reunite.services.batch_import import ImportItem, import_batch
from reunite.services.enrolment import EnrolmentTarget, basis_from_record
from reunite.services.jobs import JobRunner
from reunite.services.matching import MatchingEngine
from reunite.storage import migrate
from reunite.storage.crypto import MasterKey, load_master_key, write_key_file
from reunite.storage.db import create_engine_for, database_url
from reunite.storage.records import BasisRecord, PersonRecord
from reunite.storage.repositories import SqlStore
from reunite.storage.workflow import workflow_transaction

__all__ = [
    "FREQUENCY_FILE",
    "ImportOutcome",
    "Workspace",
    "enrol_json",
    "import_lab_file",
    "install_frequencies",
    "open_workspace",
    "person_bases",
    "prepare_data_dir",
    "read_lab_file",
    "record_consent",
    "record_legal_order",
    "resolve_people",
    "withdraw",
]

FREQUENCY_FILE = "frequencies.csv"
_FREQUENCY_NAME = "frequencies.name"
LAB_FORMATS = ("auto", "genemapper", "cmf", "json")


@dataclass
class Workspace:
    """Everything one installation's services share (see the module docstring)."""

    settings: Settings
    store: SqlStore
    master: MasterKey
    frequencies: FrequencyTable
    engine: MatchingEngine
    jobs: JobRunner = field(default_factory=JobRunner)

    def close(self) -> None:
        """Stop the job runner and release database connections."""
        self.jobs.shutdown()
        self.store.engine.dispose()


def install_frequencies(data_dir: Path, table: FrequencyTable) -> Path:
    """Write ``table`` as the installation's frequency table (long CSV with N)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / FREQUENCY_FILE
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["marker", "allele", "frequency", "N"])
        for marker in table.markers:
            size = table.sample_size(marker)
            for allele in table.alleles(marker):
                writer.writerow([marker, allele.text, repr(table.frequency(marker, allele)),
                                 "" if size is None else repr(size)])
    (data_dir / _FREQUENCY_NAME).write_text(table.name + "\n", encoding="utf-8")
    return path


def _load_frequencies(settings: Settings) -> FrequencyTable:
    path = settings.data_dir / FREQUENCY_FILE
    if not path.is_file():
        raise ConfigurationError("no frequency table in the data directory: run `reunite "
                                 "init --frequencies TABLE`", source=str(path))
    name_file = settings.data_dir / _FREQUENCY_NAME
    name = name_file.read_text(encoding="utf-8").strip() if name_file.is_file() else None
    return read_frequency_csv(path, name=name, min_allele_count=settings.min_allele_count)


def prepare_data_dir(settings: Settings, *, frequencies: Path | FrequencyTable | None = None,
                     population: str | None = None) -> tuple[SqlStore, MasterKey, bool]:
    """Create the data directory, the master key (if none) and the schema; install a table.

    Returns (store, master key, whether a new key was written). Safe to run again.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    created = False
    if settings.master_key is None and not settings.effective_master_key_file.exists():
        write_key_file(settings.effective_master_key_file, MasterKey.generate())
        created = True
    master = load_master_key(settings)
    engine = create_engine_for(database_url(settings))
    migrate.upgrade(engine)
    if isinstance(frequencies, FrequencyTable):
        install_frequencies(settings.data_dir, frequencies)
    elif frequencies is not None:
        install_frequencies(settings.data_dir, read_frequencies(
            frequencies, population=population, min_allele_count=settings.min_allele_count))
    return SqlStore(engine), master, created


def open_workspace(settings: Settings, *, workers: int = 1,
                   backend: str | None = None) -> Workspace:
    """Open an initialised data directory (see ``reunite init``)."""
    master = load_master_key(settings)
    frequencies = _load_frequencies(settings)
    store = SqlStore(create_engine_for(database_url(settings)))
    if migrate.current_revision(store.engine) != migrate.head_revision():
        raise ConfigurationError("the database schema is not up to date: run `reunite init` "
                                 "or `reunite db upgrade`", field="database_url")
    engine = MatchingEngine(store, master, frequencies, threshold=settings.lr_threshold,
                            backend=backend, scheduler=settings.scheduler)
    return Workspace(settings, store, master, frequencies, engine, JobRunner(workers=workers))


def _indices(values: Iterable[str] | None, default: Index) -> frozenset[Index]:
    try:
        return frozenset(Index(v) for v in values) if values else frozenset({default})
    except ValueError as exc:
        raise InputError("unknown index", field="indices", value=list(values or [])) from exc


def _purposes(values: Iterable[str] | None, default: Iterable[Purpose]) -> frozenset[Purpose]:
    try:
        return frozenset(Purpose(v) for v in values) if values else frozenset(default)
    except ValueError as exc:
        raise InputError("unknown purpose", field="purposes", value=list(values or [])) from exc


def _person(store: SqlStore, person_id: str) -> PersonRecord:
    with workflow_transaction(store) as (repos, _):
        return repos.cases.get_person(person_id)


def record_consent(store: SqlStore, actor: Actor, *, person_id: str, signed_by: str,
                   signed_on: date, retention_until: date, review_on: date,
                   indices: Iterable[str] | None = None,
                   purposes: Iterable[str] | None = None,
                   international_sharing: bool = False) -> str:
    """Record a signed consent for a person; the index defaults to the person's own."""
    checked(store, actor, Action.RECORD_BASIS, f"person:{person_id}")
    person = _person(store, person_id)
    basis: Basis = Consent(
        signed_by=signed_by, signed_on=signed_on,
        scope=ConsentScope(_indices(indices, PersonRole(person.role).profile_index),
                           _purposes(purposes, [Purpose.IDENTIFICATION])),
        international_sharing=international_sharing, retention_until=retention_until,
        review_on=review_on)
    return enrolment.record_basis(store, actor, person_id=person_id, basis=basis)


def record_legal_order(store: SqlStore, actor: Actor, *, person_id: str, authority: str,
                       reference: str, issued_on: date, expires_on: date | None = None,
                       indices: Iterable[str] | None = None,
                       purposes: Iterable[str] | None = None) -> str:
    """Record a legal order (unidentified remains) for a person."""
    checked(store, actor, Action.RECORD_BASIS, f"person:{person_id}")
    person = _person(store, person_id)
    basis = LegalOrder(authority=authority, reference=reference, issued_on=issued_on,
                       indices=_indices(indices, PersonRole(person.role).profile_index),
                       purposes=_purposes(purposes, [Purpose.IDENTIFICATION,
                                                     Purpose.COMMINGLING]),
                       expires_on=expires_on)
    return enrolment.record_basis(store, actor, person_id=person_id, basis=basis)


def person_bases(store: SqlStore, actor: Actor, person_id: str) -> list[BasisRecord]:
    """The consents and legal orders recorded for a person (``read-case``)."""
    checked(store, actor, Action.READ_CASE, f"person:{person_id}")
    _person(store, person_id)
    with workflow_transaction(store) as (_, flow):
        return flow.bases_of([person_id]).get(person_id, [])


def _valid_basis(person: PersonRecord, bases: list[BasisRecord], today: date) -> str | None:
    index = PersonRole(person.role).profile_index
    for record in sorted(bases, key=lambda b: (b.signed_on or b.issued_on or date.min, b.id),
                         reverse=True):
        if check_basis(basis_from_record(record), index=index, on=today).allowed:
            return record.id
    return None


def enrol_json(store: SqlStore, master: MasterKey, actor: Actor, *, person_id: str,
               data: Any, kit: str, lab: str, basis_id: str | None = None,
               frequency_table_hash: str | None = None) -> str:
    """Enrol one profile given as profile JSON (``{"id", "genotypes"}``) for a person.

    Without ``basis_id`` the person's newest valid basis is used; the enrolment service
    refuses (and audits) when there is none.
    """
    profile = profile_from_json_data(data, source="profile")
    if basis_id is None:
        person = _person(store, person_id)
        with workflow_transaction(store) as (_, flow):
            bases = flow.bases_of([person_id]).get(person_id, [])
        basis_id = _valid_basis(person, bases, datetime.now(UTC).date())
    return enrolment.enrol_profile(store, master, actor, profile, EnrolmentTarget(
        person_id, basis_id, kit, lab, frequency_table_hash))


def read_lab_file(data: bytes, *, name: str, fmt: str = "auto",
                  unidentified_index: str = Index.UNIDENTIFIED_REMAINS.value) -> ReadResult:
    """Parse a lab file by format (``auto`` decides from the name and the first bytes)."""
    if fmt not in LAB_FORMATS:
        raise InputError("format must be auto, genemapper, cmf or json", field="format",
                         value=fmt)
    head = data.lstrip()[:64]
    if fmt == "auto":
        lower = name.lower()
        if lower.endswith(".xml") or head.startswith(b"<"):
            fmt = "cmf"
        elif lower.endswith(".json") or head.startswith((b"{", b"[")):
            fmt = "json"
        else:
            fmt = "genemapper"
    if fmt == "cmf":
        return read_cmf(data, name=name, unidentified_index=unidentified_index)
    if fmt == "genemapper":
        return read_genemapper(data, name=name)
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FileFormatError(f"not valid JSON: {exc}", source=name) from exc
    items = document if isinstance(document, list) else [document]
    profiles = tuple(profile_from_json_data(item, source=f"{name}[{n}]")
                     for n, item in enumerate(items))
    return ReadResult(name, "json", profiles)


def resolve_people(store: SqlStore, samples: Iterable[str]) -> dict[str, PersonRecord]:
    """Map sample names to people: a person id, ``<case reference>/<label>``, or the label
    of one person recorded outside any case (e.g. a mortuary number; CMF specimen ids are
    at most 24 characters, too short for a person id). Ambiguous labels stay unresolved."""
    names = list(dict.fromkeys(samples))
    found: dict[str, PersonRecord] = {}
    with workflow_transaction(store) as (repos, flow):
        found.update(repos.cases.get_people([n for n in names if "/" not in n]))
        plain = [n for n in names if "/" not in n and n not in found]
        for label, people in flow.people_outside_cases(plain).items():
            if len(people) == 1:
                found[label] = people[0]
        case_ids: dict[str, str | None] = {}
        for name in names:
            if "/" not in name:
                continue
            reference, _, label = name.rpartition("/")
            if reference not in case_ids:
                try:
                    case_ids[reference] = flow.case_by_reference(reference).id
                except NotFoundError:  # reported by the caller as an unknown sample
                    case_ids[reference] = None
            case_id = case_ids[reference]
            if case_id is None:
                continue
            try:
                found[name] = flow.person_by_label(case_id, label)
            except NotFoundError:
                continue
    return found


@dataclass(frozen=True)
class ImportOutcome:
    """What an import stored: profile ids by sample, and the reader's warnings."""

    source: str
    format: str
    profile_ids: dict[str, str]
    warnings: tuple[Problem, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (sample names and ids, never genotypes)."""
        return {"source": self.source, "format": self.format,
                "imported": len(self.profile_ids), "profile_ids": self.profile_ids,
                "warnings": [str(w) for w in self.warnings]}


def import_lab_file(store: SqlStore, master: MasterKey, actor: Actor, data: bytes, *,
                    name: str, kit: str, lab: str, fmt: str = "auto",
                    frequency_table_hash: str | None = None,
                    unidentified_index: str = Index.UNIDENTIFIED_REMAINS.value
                    ) -> ImportOutcome:
    """Import every profile of a lab file, all-or-nothing (:func:`import_batch`).

    Every sample must name an enrolled person with a valid basis; otherwise nothing is
    stored and the error lists each problem with the sample.
    """
    checked(store, actor, Action.IMPORT_PROFILES, f"file:{name}")
    result = read_lab_file(data, name=name, fmt=fmt, unidentified_index=unidentified_index)
    profiles: list[Profile] = list(result.profiles)
    people = resolve_people(store, [p.id for p in profiles])
    problems = [Problem("the sample names no enrolled person (use the person id, "
                        "'<case reference>/<label>' or a unique label)", source=name,
                        sample=p.id, field="sample")
                for p in profiles if p.id not in people]
    if problems:
        raise InputError(f"{len(problems)} of {len(profiles)} samples name no enrolled "
                         "person; nothing was imported", problems=problems, source=name)
    for sample, index in result.indices.items():
        person = people[sample]
        if PersonRole(person.role).profile_index.value != index and not (
                index == Index.REFERENCE_FAMILY.value
                and person.role == PersonRole.RELATIVE.value):
            problems.append(Problem(f"the file puts the sample in {index}, but the person "
                                    f"is {person.role}", source=name, sample=sample,
                                    field="category"))
    if problems:
        raise InputError("samples do not match the people they name; nothing was imported",
                         problems=problems, source=name)
    person_ids = [people[p.id].id for p in profiles]
    with workflow_transaction(store) as (_, flow):
        bases = flow.bases_of(person_ids)
    today = datetime.now(UTC).date()
    items = []
    for profile in profiles:
        person = people[profile.id]
        basis_id = _valid_basis(person, bases.get(person.id, []), today)
        if basis_id is None:
            problems.append(Problem("no valid consent or legal order for this person",
                                    source=name, sample=profile.id, field="basis"))
            continue
        items.append(ImportItem(profile, EnrolmentTarget(person.id, basis_id, kit, lab,
                                                         frequency_table_hash)))
    if problems:
        raise ConsentError(f"{len(problems)} samples have no valid basis; nothing was "
                           "imported", problems=problems, source=name)
    ids = import_batch(store, master, actor, items, batch=name)
    return ImportOutcome(name, result.format,
                         {p.id: pid for p, pid in zip(profiles, ids, strict=True)},
                         result.warnings)


def withdraw(workspace: Workspace, actor: Actor, *, basis_id: str, reason: str) -> list[str]:
    """Withdraw a consent (or revoke an order): expunge its profiles, drop them from search."""
    if not reason.strip():
        raise InputError("a withdrawal needs a reason", field="reason")
    return withdrawal.withdraw_consent(workspace.store, actor, basis_id=basis_id,
                                       reason=reason.strip(),
                                       hooks=[workspace.engine.forget])
