"""Pairing a lab file's samples with enrolled persons before a batch import."""

from __future__ import annotations

import pytest

from reunite.errors import InputError
from reunite.genetics.profile import Genotype, Profile
from reunite.governance.indices import Index, PersonRole
from reunite.io.cmf import read_cmf
from reunite.io.genemapper import read_genemapper
from reunite.io.result import ReadResult
from reunite.services.enrolment import add_person, read_profile, record_basis
from reunite.services.importing import (
    SampleTarget,
    import_named_samples,
    import_read_result,
    plan_import,
)
from reunite.storage.crypto import MasterKey
from reunite.storage.repositories import SqlStore
from support.service_world import LAB, SETUP, World, consent_for

RESULT = ReadResult("plate7.txt", "genemapper", (
    Profile("S1", {"vWA": Genotype("14", "15")}), Profile("S2", {"vWA": Genotype("16", "16")})))


def test_plan_import__every_sample_has_its_person() -> None:
    items = plan_import(RESULT, {"S1": SampleTarget("p-1", "b-1"),
                                 "S2": SampleTarget("p-2", None)}, kit="GlobalFiler", lab="L")

    assert [(i.profile.id, i.target.person_id, i.target.basis_id) for i in items] == [
        ("S1", "p-1", "b-1"), ("S2", "p-2", None)]
    assert {i.target.kit for i in items} == {"GlobalFiler"}


def test_plan_import__missing_and_stray_targets_are_all_listed() -> None:
    with pytest.raises(InputError, match="pairing samples") as info:
        plan_import(RESULT, {"S1": SampleTarget("p-1", "b-1"),
                             "S9": SampleTarget("p-9", "b-9")}, kit="k", lab="L")

    assert [(p.sample, p.message) for p in info.value.problems] == [
        ("S2", "no enrolled person named for this sample"),
        ("S9", "a target names a sample that is not imported from the file")]


def test_import_read_result__genemapper_file_into_the_database(
    store: SqlStore, master: MasterKey, world: World
) -> None:
    text = ("Sample Name\tMarker\tAllele 1\tAllele 2\n"
            "S1\tTH01\t6\t9.3\nS1\tvWA\t17\t\nS2\tTH01\t7\t8\n")
    result = read_genemapper(text.encode(), name="plate7.txt")
    targets = {}
    for sample in ("S1", "S2"):
        person = add_person(store, SETUP, case_id=world.case_id, role=PersonRole.RELATIVE,
                            label=sample)
        basis = record_basis(store, SETUP, person_id=person,
                             basis=consent_for(Index.REFERENCE_FAMILY))
        targets[sample] = SampleTarget(person, basis)

    ids = import_read_result(store, master, LAB, result, targets, kit="GlobalFiler",
                             lab="L", batch="plate-7")

    assert [read_profile(store, master, LAB, pid, reason="QC") for pid in ids] == list(
        result.profiles)


def _cmf_for(*specimens: tuple[str, str]) -> bytes:
    body = "".join(
        f"<SPECIMEN><SPECIMENID>{sid}</SPECIMENID><SPECIMENCATEGORY>{cat}</SPECIMENCATEGORY>"
        "<LOCUS><LOCUSNAME>TH01</LOCUSNAME><READINGBY>a</READINGBY>"
        "<READINGDATETIME>2026-01-02T03:04:05</READINGDATETIME>"
        "<ALLELE><ALLELEVALUE>6</ALLELEVALUE></ALLELE>"
        "<ALLELE><ALLELEVALUE>9.3</ALLELEVALUE></ALLELE></LOCUS></SPECIMEN>"
        for sid, cat in specimens)
    return ('<?xml version="1.0"?><CODISImportFile xmlns="urn:CODISImportFile-schema">'
            "<HEADERVERSION>3.2</HEADERVERSION><MESSAGETYPE>Import</MESSAGETYPE>"
            "<DESTINATIONORI>X</DESTINATIONORI><SOURCELAB>X</SOURCELAB>"
            "<SUBMITBYUSERID>a</SUBMITBYUSERID><SUBMITDATETIME>2026-01-02T03:04:05"
            f"</SUBMITDATETIME>{body}</CODISImportFile>").encode()


def test_import_named_samples__cmf_categories_match_roles(
    store: SqlStore, master: MasterKey, world: World  # world: the case and its people
) -> None:
    relative = f"MP-2026-001/{PersonRole.RELATIVE.value}"  # CMF ids are at most 24 long
    result = read_cmf(_cmf_for((relative, "Biological Mother"),
                               ("MP-2026-001/missing", "Missing Person")), name="c.xml")

    ids = import_named_samples(store, master, LAB, result, kit="k", lab="L")

    assert set(ids) == {relative, "MP-2026-001/missing"}
    assert read_profile(store, master, LAB, ids[relative], reason="QC") == result.profiles[0]


def test_import_named_samples__every_problem_listed_nothing_stored(
    store: SqlStore, master: MasterKey, world: World
) -> None:
    relative = f"MP-2026-001/{PersonRole.RELATIVE.value}"
    result = read_cmf(_cmf_for((relative, "Missing Person"), ("nobody", "Staff")),
                      name="c.xml")
    with pytest.raises(InputError) as info:
        import_named_samples(store, master, LAB, result, kit="k", lab="L")

    assert [(p.sample, p.field) for p in info.value.problems] == [
        ("nobody", "sample"), (relative, "category")]
    with store.transaction() as repos:
        assert repos.profiles.count() == 0
