"""The installation's search settings reach ``POST /searches``, a request may override them,
and the stored candidate records the settings it was found with.

The server runs with ``REUNITE_THETA=0.03`` and ``REUNITE_MUTATION_RATE_MALE=0.004`` in its
environment (a config file would do the same: both go through ``reunite.config``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from reunite.genetics.pedigree import nuclear_family
from reunite.genetics.profile import Genotype, Profile
from reunite.io.genemapper import format_genemapper
from reunite.simulate import simulate_families
from support.api_world import MARKERS, PASSWORD, Server, running_server, synthetic_table

CONSENT = {"signed_by": "form", "signed_on": "2026-01-05", "retention_until": "2036-01-05",
           "review_on": "2027-01-05"}
CONFIGURED = {"REUNITE_THETA": "0.03", "REUNITE_MUTATION_RATE_MALE": "0.004"}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def search(server: Server, body: dict[str, Any]) -> dict[str, Any]:
    job = ok(server.call("lab", "POST", "/searches", json=body), 202)
    deadline = time.monotonic() + 120
    while job["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
        job = ok(server.call("lab", "GET", f"/jobs/{job['id']}"))
    assert job["status"] == "done", job
    return dict(job["result"])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("api-settings"),
                        environment=CONFIGURED) as running:
        for name, role in (("cw", "case-worker"), ("lab", "lab-analyst"),
                           ("rev", "reviewer")):
            ok(running.call("admin", "POST", "/users",
                            json={"username": name, "password": PASSWORD, "roles": [role]}),
               201)
            running.login(name)
        ok(running.call("cw", "POST", "/cases", json={"reference": "MP-S"}), 201)
        father, mother = (ok(running.call("cw", "POST", "/cases/MP-S/persons",
                                          json={"label": label}), 201)
                          for label in ("father", "mother"))
        ok(running.call("cw", "POST", "/cases/MP-S/persons", json={
            "label": "missing", "role": "missing", "father_id": father["id"],
            "mother_id": mother["id"]}), 201)
        for parent in (father, mother):
            ok(running.call("cw", "POST", f"/persons/{parent['id']}/consents", json=CONSENT),
               201)
        remains = ok(running.call("cw", "POST", "/persons",
                                  json={"label": "R-S", "role": "unidentified-remains"}), 201)
        ok(running.call("cw", "POST", f"/persons/{remains['id']}/legal-orders", json={
            "authority": "Coroner", "reference": "CO-S", "issued_on": "2026-02-01"}), 201)
        family = simulate_families(nuclear_family(["MP"], father="FA", mother="MO"),
                                   synthetic_table(), markers=MARKERS, seed=21)

        def profile(sample: str, person: str) -> Profile:
            return Profile(sample, {m: Genotype(a, b) for m, (a, b) in
                                    family.genotype_texts(0, person).items()})

        lab_file = format_genemapper([profile("MP-S/father", "FA"),
                                      profile("MP-S/mother", "MO"), profile("R-S", "MP")])
        ok(running.call("lab", "POST", "/imports",
                        files={"file": ("plate.txt", lab_file.encode())},
                        data={"kit": "Identifiler", "lab": "Lab A"}), 201)
        yield running


def test_search__the_installation_settings_reach_it_and_the_candidate_records_them(
        server: Server) -> None:
    configured = search(server, {"kind": "screen", "case": "MP-S", "threshold": 10})
    plain = search(server, {"kind": "screen", "case": "MP-S", "threshold": 10, "theta": 0,
                            "mutation_rate_male": 0.001})
    candidate = ok(server.call("rev", "GET", f"/candidates/{configured['candidate_ids'][0]}"))

    assert configured["settings"]["theta"] == 0.03
    assert configured["settings"]["mutation"]["male"] == {"model": "equal", "rate": 0.004}
    assert plain["settings"]["theta"] == 0.0
    assert configured["hits"][0]["log10_lr"] != plain["hits"][0]["log10_lr"]
    assert candidate["settings"] == configured["settings"]
    assert candidate["provenance"]["parameters"]["settings"] == configured["settings"]
    assert candidate["log10_lr"] == pytest.approx(configured["hits"][0]["log10_lr"],
                                                  rel=1e-12)


@pytest.mark.parametrize(("body", "field"), [
    ({"theta": 1.5}, "theta"), ({"mutation_model": "random"}, "mutation_model"),
    ({"mutation_rate": -0.1}, "mutation_rate"), ({"k": 0}, "k"),
    ({"mutation_model": "none", "mutation_rate": 0.01}, "mutation_rate"),
])
def test_search__bad_settings_are_refused_naming_the_field(server: Server,
                                                           body: dict[str, Any],
                                                           field: str) -> None:
    response = server.call("lab", "POST", "/searches",
                           json={"kind": "screen", "case": "MP-S", **body})

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in str(response.json().get("field"))
