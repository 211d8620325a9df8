"""A fresh installation for the web tests: data directory, users, an unidentified person.

Used in-process (TestClient) and by ``serve_web.py`` (the uvicorn server the browser tests
drive). Genotypes are made so the screen finds the remains with a large LR: the father is
10/11 and the mother 12/13 at every marker, the remains 10/12 — per marker
LR = P(10/12 | parents) / P(10/12) = (1/4) / (2 · 0.10 · 0.20) = 6.25.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reunite.config import Settings, load_settings
from reunite.genetics.frequencies import FrequencyTable
from reunite.governance.indices import PersonRole
from reunite.governance.roles import Actor, Role
from reunite.services.auth import create_first_admin, create_user
from reunite.services.bases import record_legal_order
from reunite.services.cases import add_unidentified_person
from reunite.services.workspace import Workspace, open_workspace, prepare_data_dir

MARKERS = ("D3S1358", "VWA", "FGA", "D8S1179", "D21S11", "D18S51", "D5S818", "D13S317",
           "D7S820", "D16S539", "TH01", "TPOX", "CSF1PO", "D2S1338", "D19S433")
ALLELES = {"10": 0.10, "11": 0.15, "12": 0.20, "13": 0.25, "14": 0.20, "15": 0.10}
PASSWORD = "correct horse battery"
USERS = {"carla": Role.CASE_WORKER, "lars": Role.LAB_ANALYST, "rita": Role.REVIEWER,
         "rob": Role.REVIEWER, "dora": Role.DATA_PROTECTION_OFFICER}
REMAINS_LABEL = "UHR-2026-7"


def frequency_table() -> FrequencyTable:
    return FrequencyTable("web-test table", {m: dict(ALLELES) for m in MARKERS},
                          dict.fromkeys(MARKERS, 1000.0))


def lab_file(case_reference: str, remains_sample: str, *, bad_allele: bool = False) -> str:
    """A GeneMapper long table: father, mother and the remains."""
    lines = ["Sample Name\tMarker\tAllele 1\tAllele 2"]
    samples = ((f"{case_reference}/Father", "10", "11"), (f"{case_reference}/Mother", "12", "13"),
               (remains_sample, "10", "XX" if bad_allele else "12"))
    for sample, a, b in samples:
        lines.extend(f"{sample}\t{marker}\t{a}\t{b}" for marker in MARKERS)
    return "\n".join(lines) + "\n"


def settings_for(data_dir: Path) -> Settings:
    return load_settings({"REUNITE_DATA_DIR": str(data_dir)})


def prepare(data_dir: Path) -> str:
    """Initialise ``data_dir``: table, users, remains with a legal order; the remains' id."""
    store, _, _ = prepare_data_dir(settings_for(data_dir), frequencies=frequency_table())
    create_first_admin(store, username="admin", password=PASSWORD)
    admin = Actor.of("admin", [Role.ADMIN])
    for name, role in USERS.items():
        create_user(store, admin, username=name, password=PASSWORD, roles=[role])
    # Remains arrive with a coroner's order; the lab analyst's file then carries the profile.
    dpo = Actor.of("setup-dpo", [Role.DATA_PROTECTION_OFFICER, Role.CASE_WORKER])
    remains = add_unidentified_person(store, dpo, label=REMAINS_LABEL,
                                      role=PersonRole.UNIDENTIFIED_REMAINS)
    record_legal_order(store, dpo, person_id=remains.id, authority="Coroner of Testshire",
                       reference="CO-2026-44", issued_on=date(2026, 1, 5))
    store.engine.dispose()
    return remains.id


def make_workspace(data_dir: Path) -> tuple[Workspace, str]:
    """A ready installation (opened in this process) and the remains' person id."""
    remains = prepare(data_dir)
    return open_workspace(settings_for(data_dir)), remains
