"""Lab files into the store by sample name, all or nothing, each on the person's own basis."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reunite.errors import ConsentError, InputError, PermissionDenied
from reunite.genetics.profile import Genotype, Profile
from reunite.governance.roles import Actor, Role
from reunite.io.cmf import format_cmf
from reunite.io.formats import WRITE_FORMATS, write_profiles
from reunite.io.genemapper import format_genemapper
from reunite.services import bases, cases, enrolment, importing
from reunite.services.enrolment import record_basis
from reunite.storage.crypto import MasterKey
from reunite.storage.repositories import SqlStore
from support.service_world import SETUP, remains_order

LAB = Actor.of("lab", [Role.LAB_ANALYST])
TH01 = {"TH01": Genotype("6", "9.3"), "vWA": Genotype("16", "17")}


@pytest.fixture
def people(store: SqlStore) -> dict[str, str]:
    cases.open_case(store, SETUP, reference="MP-W")
    mother = cases.add_case_person(store, SETUP, case="MP-W", label="mother")
    unconsented = cases.add_case_person(store, SETUP, case="MP-W", label="aunt")
    bases.record_consent(store, SETUP, person_id=mother.id, signed_by="form",
                            signed_on=date(2026, 1, 1), retention_until=date(2036, 1, 1),
                            review_on=date(2027, 1, 1))
    remains = cases.add_unidentified_person(store, SETUP, label="MORT-1",
                                            role="unidentified-remains")
    record_basis(store, SETUP, person_id=remains.id, basis=remains_order())
    return {"mother": mother.id, "aunt": unconsented.id, "remains": remains.id}


def _count(store: SqlStore) -> int:
    with store.transaction() as repos:
        return repos.profiles.count()


def test_import__genemapper_by_case_label_and_cmf_by_mortuary_label(
        store: SqlStore, master: MasterKey, people: dict[str, str]) -> None:
    table = format_genemapper([Profile("MP-W/mother", TH01)]).encode()
    cmf = format_cmf([Profile("MORT-1", TH01)], categories="Unidentified Person",
                     source_lab="LAB", destination_ori="ORI", submitted_by="lab")

    first = importing.import_lab_file(store, master, LAB, table, name="plate.txt", kit="k",
                                     lab="l")
    second = importing.import_lab_file(store, master, LAB, cmf, name="remains.xml", kit="k",
                                      lab="l")

    assert (first.format, list(first.profile_ids)) == ("genemapper", ["MP-W/mother"])
    assert (second.format, list(second.profile_ids)) == ("cmf", ["MORT-1"])
    assert _count(store) == 2


def test_import__unknown_sample_stores_nothing(store: SqlStore, master: MasterKey,
                                               people: dict[str, str]) -> None:
    table = format_genemapper([Profile("MP-W/mother", TH01), Profile("MP-W/nobody", TH01),
                               Profile("MP-X/mother", TH01)]).encode()

    with pytest.raises(InputError) as err:
        importing.import_lab_file(store, master, LAB, table, name="plate.txt", kit="k",
                                 lab="l")

    assert [p.sample for p in err.value.problems] == ["MP-W/nobody", "MP-X/mother"]
    assert _count(store) == 0


def test_import__person_without_basis_stores_nothing(store: SqlStore, master: MasterKey,
                                                     people: dict[str, str]) -> None:
    table = format_genemapper([Profile("MP-W/mother", TH01),
                               Profile("MP-W/aunt", TH01)]).encode()

    with pytest.raises(ConsentError) as err:
        importing.import_lab_file(store, master, LAB, table, name="plate.txt", kit="k",
                                 lab="l")

    assert [p.sample for p in err.value.problems] == ["MP-W/aunt"]
    assert _count(store) == 0


def test_import__cmf_category_must_match_the_person(store: SqlStore, master: MasterKey,
                                                    people: dict[str, str]) -> None:
    cmf = format_cmf([Profile("MORT-1", TH01)], categories="Staff", source_lab="LAB",
                     destination_ori="ORI", submitted_by="lab")

    with pytest.raises(InputError, match="naming enrolled persons") as err:
        importing.import_lab_file(store, master, LAB, cmf, name="x.xml", kit="k", lab="l")

    assert err.value.problems[0].sample == "MORT-1"


def test_enrol_json__uses_the_persons_valid_basis(store: SqlStore, master: MasterKey,
                                                  people: dict[str, str]) -> None:
    data = {"id": "lab-1", "genotypes": {"TH01": ["6", "9.3"]}}

    enrolment.enrol_json(store, master, SETUP, person_id=people["mother"], data=data,
                        kit="k", lab="l")
    with pytest.raises(ConsentError):
        enrolment.enrol_json(store, master, SETUP, person_id=people["aunt"], data=data,
                            kit="k", lab="l")

    assert _count(store) == 1


@pytest.mark.parametrize("fmt", WRITE_FORMATS)
def test_import__every_format_the_reader_reads(store: SqlStore, master: MasterKey,
                                               people: dict[str, str], fmt: str,
                                               tmp_path: Path) -> None:
    path = tmp_path / f"plate.{fmt}"
    write_profiles([Profile("MP-W/mother", TH01)], path, format=fmt,  # type: ignore[arg-type]
                   cmf_header={"categories": "Biological Mother", "source_lab": "LAB",
                               "destination_ori": "ORI", "submitted_by": "lab"})

    outcome = importing.import_lab_file(store, master, LAB, path.read_bytes(),
                                        name=path.name, kit="k", lab="l")

    assert (outcome.format, list(outcome.profile_ids)) == (
        "genemapper" if fmt == "genemarker" else fmt, ["MP-W/mother"])
    assert _count(store) == 1


def test_import__permission_checked_before_the_file_is_read(
        store: SqlStore, master: MasterKey, people: dict[str, str]) -> None:
    reviewer = Actor.of("rev", [Role.REVIEWER])

    with pytest.raises(PermissionDenied):
        importing.import_lab_file(store, master, reviewer, b"not a lab file", name="x.txt",
                                  kit="k", lab="l")

    assert _count(store) == 0
