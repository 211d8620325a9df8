"""``POST /imports`` reads every format ``reunite import`` reads, through the one reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reunite.genetics.profile import Genotype, Profile
from reunite.io.formats import WRITE_FORMATS, write_profiles
from support.api_world import PASSWORD, Server

GENOTYPES = {"TH01": Genotype("6", "9.3"), "vWA": Genotype("16", "17"),
             "D8S1179": Genotype("13", "13")}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


@pytest.fixture(scope="module")
def users(server: Server) -> None:
    for name, role in (("cw-i", "case-worker"), ("lab-i", "lab-analyst")):
        ok(server.call("admin", "POST", "/users",
                       json={"username": name, "password": PASSWORD, "roles": [role]}), 201)
        server.login(name)


@pytest.mark.parametrize("fmt", WRITE_FORMATS)
def test_imports__every_format(server: Server, users: None, fmt: str, tmp_path: Path) -> None:
    label = f"FMT-{fmt}"
    person = ok(server.call("cw-i", "POST", "/persons",
                            json={"label": label, "role": "unidentified-remains"}), 201)
    ok(server.call("cw-i", "POST", f"/persons/{person['id']}/legal-orders", json={
        "authority": "Coroner", "reference": f"CO-{fmt}", "issued_on": "2026-02-01"}), 201)
    path = tmp_path / f"plate.{fmt}"
    write_profiles([Profile(label, GENOTYPES)], path, format=fmt,  # type: ignore[arg-type]
                   cmf_header={"categories": "Unidentified Person", "source_lab": "LAB",
                               "destination_ori": "ORI", "submitted_by": "lab"})

    imported = ok(server.call("lab-i", "POST", "/imports",
                              files={"file": (path.name, path.read_bytes())},
                              data={"kit": "Identifiler", "lab": "Lab A"}), 201)

    assert imported["format"] == ("genemapper" if fmt == "genemarker" else fmt)
    assert list(imported["profile_ids"]) == [label]


def test_imports__a_named_format_is_used(server: Server, users: None, tmp_path: Path) -> None:
    path = tmp_path / "export.txt"  # a Familias file without its .fam suffix
    write_profiles([Profile("FMT-named", GENOTYPES)], path, format="familias")
    person = ok(server.call("cw-i", "POST", "/persons",
                            json={"label": "FMT-named", "role": "unidentified-remains"}), 201)
    ok(server.call("cw-i", "POST", f"/persons/{person['id']}/legal-orders", json={
        "authority": "Coroner", "reference": "CO-named", "issued_on": "2026-02-01"}), 201)

    imported = ok(server.call("lab-i", "POST", "/imports",
                              files={"file": (path.name, path.read_bytes())},
                              data={"kit": "k", "lab": "l", "format": "familias"}), 201)
    unknown = server.call("lab-i", "POST", "/imports",
                          files={"file": (path.name, path.read_bytes())},
                          data={"kit": "k", "lab": "l", "format": "excel"})

    assert imported["format"] == "familias"
    assert unknown.status_code == 422
