"""The demo pipeline: a whole missing-persons unit, simulated, run end to end.

What it does, in order (each phase timed):

1. a fresh data directory (SQLite), master key, schema, demo users, the frequency table
   (real NIST 1036 when the shared data are present, otherwise a labelled synthetic one);
2. ``cases`` missing-person cases with varied family references, cycling through four
   pedigrees: both parents typed; one sibling typed; a grandfather and an uncle typed; a
   spouse and two children typed. Families are simulated by gene dropping with the
   female and male mutation models the search scores with (the installation's search
   settings: ``REUNITE_MUTATION_*`` or the config file);
3. ``unidentified`` unidentified remains, of whom about half are missing persons of the
   cases (the simulation keeps the truth) and the rest unrelated; a third of each group
   degraded to 10 typed loci; plus ``background`` unrelated remains;
4. lab files: a GeneMapper long table of the family references (sample names
   ``<case>/<label>``), a CODIS CMF file of the unidentified, GeneMapper wide tables of the
   background (10,000 per plate), then imported with
   :func:`reunite.services.importing.import_lab_file` — the code ``POST /imports`` and the
   web lab upload run;
5. the blind search (every case against every unidentified profile) through the database
   search use case (:func:`reunite.services.searches.run_search`) and its policy gate,
   with the installation's search settings (θ, mutation models, minimum allele count, LR
   threshold, k); candidates at or above the LR threshold are stored;
6. the candidates are scored against the truth: identifications found, their LRs, false
   positives at the threshold.

Setting up cases and people uses the storage repositories in one transaction per case (and
one per 5,000 remains, each with its own legal order) rather than one HTTP-sized call per
person: the same records, audited person by person, in seconds instead of minutes.
"""

from __future__ import annotations

import secrets
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from reunite.config import Settings
from reunite.errors import ConfigurationError
from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.kits import get_kit
from reunite.genetics.pedigree import Pedigree, Person
from reunite.genetics.profile import Genotype, Profile
from reunite.governance.consent import Consent, ConsentScope, LegalOrder
from reunite.governance.indices import Index, PersonRole, Purpose
from reunite.governance.roles import Actor, Role
from reunite.io.cmf import format_cmf
from reunite.io.genemapper import format_genemapper
from reunite.search.settings import SearchSettings
from reunite.services import auth
from reunite.services.audit_service import AuditEntry, append_audit
from reunite.services.enrolment import basis_to_record, new_id
from reunite.services.importing import import_lab_file
from reunite.services.searches import SearchRequest, run_search
from reunite.services.workspace import open_workspace, prepare_data_dir
from reunite.simulate import SimulatedProfiles, degrade, simulate_families, simulate_unrelated
from reunite.storage.records import CaseRecord, PersonRecord
from reunite.storage.repositories import SqlStore

__all__ = ["DEMO_MARKER", "FAMILY_SHAPES", "DemoResult", "FamilyShape", "register_cases",
           "register_remains", "run_demo"]

DEMO_MARKER = ".reunite-demo"
"""File that marks a data directory as the demo's own (the demo only ever wipes those)."""
_PLATE = 10_000
_REMAINS_CHUNK = 5_000
Step = Callable[[str, float], None]


@dataclass(frozen=True)
class FamilyShape:
    """A family pedigree: ids, parents, the missing person and who is typed."""

    name: str
    persons: tuple[tuple[str, str | None, str | None, str], ...]  # id, father, mother, sex
    typed: tuple[str, ...]
    missing: str = "MP"

    @property
    def pedigree(self) -> Pedigree:
        """The pedigree of the shape."""
        return Pedigree(tuple(Person(*p) for p in self.persons))


FAMILY_SHAPES: tuple[FamilyShape, ...] = (
    FamilyShape("both parents", (("FA", None, None, "male"), ("MO", None, None, "female"),
                                 ("MP", "FA", "MO", "unknown")), ("FA", "MO")),
    FamilyShape("one sibling", (("FA", None, None, "male"), ("MO", None, None, "female"),
                                ("MP", "FA", "MO", "unknown"), ("SIB", "FA", "MO", "unknown")),
                ("SIB",)),
    FamilyShape("grandfather and uncle", (
        ("GF", None, None, "male"), ("GM", None, None, "female"), ("MPF", "GF", "GM", "male"),
        ("UN", "GF", "GM", "male"), ("MPM", None, None, "female"),
        ("MP", "MPF", "MPM", "unknown")), ("GF", "UN")),
    FamilyShape("spouse and children", (
        ("MP", None, None, "male"), ("SP", None, None, "female"), ("C1", "MP", "SP", "unknown"),
        ("C2", "MP", "SP", "unknown")), ("SP", "C1", "C2")),
)


@dataclass
class DemoResult:
    """What the demo did and found (no genotypes)."""

    data_dir: Path
    frequency_table: str
    synthetic: bool
    cases: int
    unidentified: int
    background: int
    missing_among_unidentified: int
    degraded_missing: int
    settings: SearchSettings
    identifications: list[dict[str, Any]] = field(default_factory=list)
    false_positives: list[dict[str, Any]] = field(default_factory=list)
    missed: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    profiles_stored: int = 0
    credentials: dict[str, str] = field(default_factory=dict)
    truth: dict[str, str] = field(default_factory=dict)  # unidentified person -> case ref

    @property
    def threshold(self) -> float:
        """The LR threshold of the stored candidates."""
        return self.settings.lr_threshold

    @property
    def true_positives(self) -> int:
        """Identifications that are right (the simulation knows)."""
        return len(self.identifications)

    def by_shape(self) -> dict[str, tuple[int, int]]:
        """Per family shape: (found, missing persons among the unidentified)."""
        out: dict[str, list[int]] = {s.name: [0, 0] for s in FAMILY_SHAPES}
        for item in self.identifications:
            out[item["family"]][0] += 1
            out[item["family"]][1] += 1
        for item in self.missed:
            out[item["family"]][1] += 1
        return {k: (v[0], v[1]) for k, v in out.items()}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "data_dir": str(self.data_dir), "frequency_table": self.frequency_table,
            "synthetic": self.synthetic, "cases": self.cases,
            "unidentified": self.unidentified, "background": self.background,
            "missing_among_unidentified": self.missing_among_unidentified,
            "degraded_missing": self.degraded_missing, "threshold": self.threshold,
            "settings": self.settings.to_provenance(),
            "identifications": self.identifications,
            "true_positives": self.true_positives,
            "false_positives": self.false_positives, "missed": self.missed,
            "by_family_shape": {k: {"found": f, "present": n}
                                for k, (f, n) in self.by_shape().items()},
            "profiles_stored": self.profiles_stored, "timings_seconds": self.timings,
        }


def _fresh_dir(data_dir: Path) -> None:
    if data_dir.exists() and any(data_dir.iterdir()):
        if not (data_dir / DEMO_MARKER).exists():
            raise ConfigurationError("the demo needs a fresh data directory and this one "
                                     "holds other data; choose another --data-dir",
                                     source=str(data_dir))
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / DEMO_MARKER).write_text("created by `reunite demo`; safe to delete\n")


_GENOTYPES: dict[tuple[str, str], Genotype] = {}


def _genotype(a: str, b: str) -> Genotype:
    # Genotypes are frozen values and repeat endlessly across 100,000 profiles: parse each
    # allele pair once.
    found = _GENOTYPES.get((a, b))
    if found is None:
        found = _GENOTYPES[(a, b)] = Genotype(a, b)
    return found


def _profile(sample: str, profiles: SimulatedProfiles, row: int) -> Profile:
    return Profile(sample, {m: _genotype(a, b)
                            for m, (a, b) in profiles.genotype_texts(row).items()})


def register_cases(store: SqlStore, actor: Actor, shapes: Sequence[FamilyShape],
                    today: date) -> list[tuple[str, str, dict[str, str]]]:
    """One transaction per case: the case, its people, a consent per typed relative."""
    consent_scope = ConsentScope(frozenset({Index.REFERENCE_FAMILY}),
                                 frozenset({Purpose.IDENTIFICATION}))
    out = []
    for n, shape in enumerate(shapes):
        reference = f"MP-DEMO-{n + 1:04d}"
        case_id = new_id()
        ids = {p[0]: new_id() for p in shape.persons}
        people = [PersonRecord(ids[pid], case_id, (PersonRole.MISSING if pid == shape.missing
                                                   else PersonRole.RELATIVE).value,
                               pid, ids.get(father or ""), ids.get(mother or ""))
                  for pid, father, mother, _ in shape.persons]
        bases = [basis_to_record(Consent(
            signed_by=f"consent form {reference}/{pid}", signed_on=today - timedelta(days=30),
            scope=consent_scope, international_sharing=False,
            retention_until=today + timedelta(days=3650),
            review_on=today + timedelta(days=365)), basis_id=new_id(), person_id=ids[pid])
            for pid in shape.typed]
        with store.transaction() as repos:
            repos.cases.add_case(CaseRecord(case_id, reference, today,
                                            description=f"demo: {shape.name} typed"))
            repos.cases.add_people(people)
            repos.bases.add_many(bases)
            append_audit(repos, [AuditEntry(actor.name, "open-case", f"case:{case_id}",
                                            f"opened case {reference}")]
                         + [AuditEntry(actor.name, "add-person", f"person:{p.id}",
                                       f"{p.role} {p.label!r} in case {case_id}")
                            for p in people]
                         + [AuditEntry(actor.name, "record-basis", f"basis:{b.id}",
                                       f"consent for person {b.person_id}") for b in bases])
        out.append((case_id, reference, ids))
    return out


def register_remains(store: SqlStore, actor: Actor, labels: Sequence[str],
                     today: date) -> list[tuple[str, str]]:
    """Unidentified remains, each with its own coroner's order (mass-fatality intake).

    Returns (person id, basis id) per label, in order.
    """
    ids: list[tuple[str, str]] = []
    for start in range(0, len(labels), _REMAINS_CHUNK):
        chunk = labels[start:start + _REMAINS_CHUNK]
        people = [PersonRecord(new_id(), None, PersonRole.UNIDENTIFIED_REMAINS.value, label)
                  for label in chunk]
        bases = [basis_to_record(LegalOrder(
            authority="Demo coroner", reference=f"CO-{p.label}",
            issued_on=today - timedelta(days=10),
            indices=frozenset({Index.UNIDENTIFIED_REMAINS})), basis_id=new_id(),
            person_id=p.id) for p in people]
        with store.transaction() as repos:
            repos.cases.add_people(people)
            repos.bases.add_many(bases)
            append_audit(repos, [AuditEntry(actor.name, "add-person", f"person:{p.id}",
                                            f"unidentified-remains {p.label!r}")
                                 for p in people]
                         + [AuditEntry(actor.name, "record-basis", f"basis:{b.id}",
                                       f"legal order for person {b.person_id}")
                            for b in bases])
        ids.extend((p.id, b.id) for p, b in zip(people, bases, strict=True))
    return ids


def run_demo(settings: Settings, table: FrequencyTable, *, synthetic: bool,
             cases: int = 300, unidentified: int = 200, background: int = 100_000,
             seed: int = 2026, step: Step | None = None) -> DemoResult:
    """Run the whole demo into ``settings.data_dir`` (see the module docstring).

    The search settings are ``settings``' (:func:`reunite.services.settings.search_settings`).
    """
    report = step or (lambda _m, _f: None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    rng = np.random.default_rng(seed)
    today = datetime.now(UTC).date()
    _fresh_dir(settings.data_dir)
    report("installing: master key, schema, users, frequency table", 0.02)
    store, _, _ = prepare_data_dir(settings, frequencies=table)
    credentials = {name: secrets.token_urlsafe(12) for name in
                   ("admin", "caseworker", "lab", "reviewer1", "reviewer2", "dpo")}
    auth.create_first_admin(store, username="admin", password=credentials["admin"])
    admin = Actor.of("admin", [Role.ADMIN])
    for name, role in (("caseworker", Role.CASE_WORKER), ("lab", Role.LAB_ANALYST),
                       ("reviewer1", Role.REVIEWER), ("reviewer2", Role.REVIEWER),
                       ("dpo", Role.DATA_PROTECTION_OFFICER)):
        auth.create_user(store, admin, username=name, password=credentials[name],
                         roles=[role])
    store.engine.dispose()
    workspace = open_workspace(settings)
    search = workspace.search_settings
    caseworker = Actor.of("caseworker", [Role.CASE_WORKER])
    lab = Actor.of("lab", [Role.LAB_ANALYST])
    markers = [m for m in get_kit("CODIS").markers if m in table.markers] or list(
        table.markers)
    lap("install")

    # ---------------------------------------------------------------- simulate
    report(f"simulating {cases} families, {unidentified} unidentified, "
           f"{background} background profiles", 0.05)
    shapes = [FAMILY_SHAPES[n % len(FAMILY_SHAPES)] for n in range(cases)]
    simulated = {}
    for s, shape in enumerate(FAMILY_SHAPES):
        count = sum(1 for x in shapes if x is shape)
        simulated[shape.name] = simulate_families(
            shape.pedigree, table, n_families=count, markers=markers,
            mutation=search.mutation_model, seed=seed + 10 + s)
    n_found = min(cases, unidentified // 2)
    found_cases = sorted(rng.choice(cases, size=n_found, replace=False).tolist())
    degraded_rows = set(rng.choice(unidentified, size=unidentified // 3,
                                   replace=False).tolist())
    unrelated = simulate_unrelated(table, unidentified - n_found, markers=markers,
                                   seed=seed + 1)
    back = simulate_unrelated(table, background, markers=markers, seed=seed + 2)
    lap("simulate")

    # ---------------------------------------------------------------- people and bases
    report("opening cases and recording consents and legal orders", 0.12)
    registered = register_cases(workspace.store, caseworker, shapes, today)
    remains_ids = [p for p, _ in register_remains(
        workspace.store, caseworker, [f"UP-{n + 1:05d}" for n in range(unidentified)], today)]
    background_ids = [p for p, _ in register_remains(
        workspace.store, caseworker, [f"BG-{n + 1:06d}" for n in range(background)], today)]
    lap("cases and people")

    # ---------------------------------------------------------------- lab files
    report("writing lab files (GeneMapper, CMF)", 0.2)
    files = settings.data_dir / "lab-files"
    files.mkdir()
    position = {shape.name: 0 for shape in FAMILY_SHAPES}
    family_row: list[int] = []
    references: list[Profile] = []
    for (_, reference, _), shape in zip(registered, shapes, strict=True):
        row = position[shape.name]
        position[shape.name] += 1
        family_row.append(row)
        sims = simulated[shape.name]
        for pid in shape.typed:
            references.append(_profile(f"{reference}/{pid}", sims.person(pid), row))
    (files / "family-references.genemapper.txt").write_text(
        format_genemapper(references), encoding="utf-8", newline="")
    truth: dict[str, int] = {}  # unidentified person id -> case number
    unidentified_profiles: list[Profile] = []
    slots = rng.permutation(unidentified)
    other = 0
    for slot_number, slot in enumerate(slots):
        person_id = remains_ids[int(slot)]
        if slot_number < n_found:
            case_number = found_cases[slot_number]
            shape = shapes[case_number]
            source = simulated[shape.name].person(shape.missing)
            row = family_row[case_number]
            truth[person_id] = case_number
        else:
            source, row = unrelated, other
            other += 1
        one = source.select([row])
        if int(slot) in degraded_rows:
            one = degrade(one, keep_markers=min(10, len(markers)), seed=seed + 100 + int(slot))
        # CMF specimen ids hold 24 characters: the sample is the mortuary label.
        unidentified_profiles.append(_profile(f"UP-{int(slot) + 1:05d}", one, 0))
    (files / "unidentified.cmf.xml").write_bytes(format_cmf(
        unidentified_profiles, categories="Unidentified Person", source_lab="DEMOLAB",
        destination_ori="DEMO00000", submitted_by="lab"))
    plates = []
    for start in range(0, background, _PLATE):
        rows = range(start, min(background, start + _PLATE))
        plate = files / f"background-plate-{start // _PLATE + 1:03d}.genemapper.txt"
        plate.write_text(format_genemapper(
            [_profile(background_ids[r], back, r) for r in rows], layout="wide"),
            encoding="utf-8", newline="")
        plates.append(plate)
    lap("write lab files")

    # ---------------------------------------------------------------- import
    stored = 0
    all_files = [files / "family-references.genemapper.txt", files / "unidentified.cmf.xml",
                 *plates]
    for n, path in enumerate(all_files):
        report(f"importing {path.name}", 0.25 + 0.35 * n / len(all_files))
        outcome = import_lab_file(workspace.store, workspace.master, lab, path.read_bytes(),
                                  name=path.name, kit="CODIS core", lab="DEMOLAB",
                                  frequency_table_hash=table.content_hash)
        stored += len(outcome.profile_ids)
    lap("import (read, check basis, encrypt, store)")

    # ---------------------------------------------------------------- blind search
    report("building the search index (decrypting in memory)", 0.62)
    workspace.index.matrix(Index.UNIDENTIFIED_REMAINS)
    lap("index (decrypt once)")

    def searching(fraction: float, message: str) -> None:
        report(message, 0.65 + 0.33 * fraction)

    run_search(workspace.index, lab,
               SearchRequest("blind", target_indices=(Index.UNIDENTIFIED_REMAINS,)),
               settings=search, progress=searching)
    lap("blind search (all cases × all unidentified)")

    # ---------------------------------------------------------------- score against truth
    case_ids = {case_id: n for n, (case_id, _, _) in enumerate(registered)}
    slot_of = {pid: n for n, pid in enumerate(remains_ids)}
    label_of = {pid: f"UP-{n + 1:05d}" for n, pid in enumerate(remains_ids)}
    with workspace.store.transaction() as repos:
        candidates = repos.candidates.list_candidates(limit=100_000)
        profile_person = {r.id: r.person_id for r in
                          repos.profiles.refs(index=Index.UNIDENTIFIED_REMAINS.value)}
    result = DemoResult(settings.data_dir, table.name, synthetic, cases, unidentified,
                        background, n_found,
                        sum(1 for pid in truth if slot_of[pid] in degraded_rows),
                        search, timings=timings, profiles_stored=stored,
                        credentials=credentials)
    result.truth = {person: registered[n][1] for person, n in truth.items()}
    found: set[str] = set()
    for c in candidates:
        person = profile_person.get(c.target_profile_id)
        case_number = case_ids.get(str(c.case_id))
        entry = {"case": registered[case_number][1] if case_number is not None else None,
                 "family": shapes[case_number].name if case_number is not None else None,
                 "unidentified_person": person, "log10_lr": round(c.log10_lr, 2),
                 "label": label_of.get(str(person)),
                 "degraded": slot_of.get(str(person), -1) in degraded_rows}
        if person is not None and truth.get(person) == case_number:
            result.identifications.append(entry)
            found.add(person)
        else:
            result.false_positives.append(entry)
    for person, case_number in truth.items():
        if person not in found:
            result.missed.append({"case": registered[case_number][1],
                                  "family": shapes[case_number].name,
                                  "unidentified_person": person,
                                  "label": label_of[person],
                                  "degraded": slot_of[person] in degraded_rows})
    result.identifications.sort(key=lambda e: -e["log10_lr"])
    workspace.close()
    timings["total"] = round(sum(timings.values()), 3)
    report("done", 1.0)
    return result
