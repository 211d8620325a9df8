"""Each role is refused where it must be (403 problem, audited), and the HTTP guards hold:
401 without a token, 429 after repeated failed logins, 413 for oversized bodies, 422
naming the offending field."""

from __future__ import annotations

from typing import Any

import pytest

from support.api_world import PASSWORD, Server

ROLES = {"cw": "case-worker", "lab": "lab-analyst", "rev": "reviewer",
         "dpo": "data-protection-officer", "aud": "auditor"}
CONSENT = {"signed_by": "form", "signed_on": "2026-01-05", "retention_until": "2036-01-05",
           "review_on": "2027-01-05"}


@pytest.fixture(scope="module")
def people(server: Server) -> dict[str, Any]:
    for name, role in ROLES.items():
        r = server.call("admin", "POST", "/users",
                        json={"username": name, "password": PASSWORD, "roles": [role]})
        assert r.status_code == 201, r.text
        server.login(name)
    case = server.call("cw", "POST", "/cases", json={"reference": "MP-R-1"}).json()
    person = server.call("cw", "POST", "/cases/MP-R-1/persons",
                         json={"label": "brother"}).json()
    basis = server.call("cw", "POST", f"/persons/{person['id']}/consents",
                        json=CONSENT).json()
    return {"case": case, "person": person, "basis": basis["id"]}


# (user, method, path, body): each of these must be refused with 403.
REFUSED = [
    ("lab", "POST", "/cases", {"reference": "MP-X"}),
    ("rev", "POST", "/cases", {"reference": "MP-X"}),
    ("admin", "GET", "/cases", None),
    ("aud", "GET", "/candidates", None),
    ("admin", "GET", "/candidates", None),
    ("cw", "POST", "/searches", {"kind": "blind"}),
    ("dpo", "POST", "/searches", {"kind": "blind"}),
    ("cw", "POST", "/users", {"username": "eve", "password": PASSWORD, "roles": ["admin"]}),
    ("lab", "POST", "/api-tokens", {"name": "x"}),
    ("rev", "POST", "/bases/{basis}/withdrawal", {"reason": "no"}),
    ("lab", "POST", "/bases/{basis}/withdrawal", {"reason": "no"}),
    ("lab", "POST", "/audit/verify", None),
    ("cw", "POST", "/retention/expire", None),
    ("admin", "POST", "/persons/{person}/consents", CONSENT),
    ("lab", "POST", "/profiles/expunge", {"profile_ids": ["x"], "authority": "Court",
                                          "reference": "O-1"}),
]


@pytest.mark.parametrize(("user", "method", "path", "body"), REFUSED)
def test_role__refused(server: Server, people: dict[str, Any], user: str, method: str,
                       path: str, body: dict[str, Any] | None) -> None:
    url = path.format(basis=people["basis"], person=people["person"]["id"])

    response = server.call(user, method, url, json=body)

    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:reunite:error:PermissionDenied"


def test_role__reviewer_cannot_decide_without_review_role(server: Server,
                                                          people: dict[str, Any]) -> None:
    response = server.call("cw", "POST", "/candidates/0123/decisions",
                           json={"decision": "confirm", "reason": "x"})

    assert response.status_code == 403


def test_role__refusals_are_audited(server: Server, people: dict[str, Any]) -> None:
    server.call("lab", "POST", "/cases", json={"reference": "MP-AUDIT"})
    verified = server.call("aud", "POST", "/audit/verify")

    assert verified.status_code == 200
    assert verified.json()["valid"] is True


def test_auth__no_token_is_401(server: Server) -> None:
    response = server.call(None, "GET", "/cases")

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["field"] == "authorization"


def test_auth__forged_token_is_401(server: Server) -> None:
    token = server.tokens["admin"]
    body, _, signature = token.partition(".")
    forged = body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + signature

    response = server.call(None, "GET", "/cases",
                           headers={"Authorization": f"Bearer {forged}"})

    assert response.status_code == 401


def test_auth__api_token_acts_as_instrument(server: Server) -> None:
    created = server.call("admin", "POST", "/api-tokens",
                          json={"name": "genemapper-1", "roles": ["lab-analyst"]})
    token = created.json()["token"]

    ok = server.call(None, "GET", "/cases", headers={"Authorization": f"Bearer {token}"})
    refused = server.call(None, "POST", "/cases", json={"reference": "MP-API"},
                          headers={"Authorization": f"Bearer {token}"})
    wrong = server.call(None, "GET", "/cases",
                        headers={"Authorization": f"Bearer {token[:-3]}xyz"})

    assert created.status_code == 201
    assert token.startswith("rnt_genemapper-1.")
    assert ok.status_code == 200
    assert refused.status_code == 403
    assert wrong.status_code == 401


def test_login__rate_limited_after_five_failures(server: Server) -> None:
    codes = [server.call(None, "POST", "/auth/token",
                         data={"username": "nobody", "password": f"wrong-{n}"}).status_code
             for n in range(7)]

    assert codes[:5] == [401] * 5
    assert codes[5:] == [429, 429]


def test_request__too_large_is_413(server: Server) -> None:
    response = server.call("cw", "POST", "/cases", content=b"x" * (17 * 1024 * 1024),
                           headers={"Content-Type": "application/json"})

    assert response.status_code == 413
    assert response.json()["field"] == "body"


def test_request__invalid_field_is_named(server: Server) -> None:
    response = server.call("cw", "POST", "/cases", json={"reference": "", "x": 1})
    problem = response.json()

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert {e["field"] for e in problem["errors"]} == {"reference", "x"}


def test_request__bad_genotype_names_marker(server: Server, people: dict[str, Any]) -> None:
    response = server.call("lab", "POST", f"/persons/{people['person']['id']}/profiles",
                           json={"profile": {"id": "s1", "genotypes": {"TH01": ["9.3", "x!"]}},
                                 "kit": "k", "lab": "l"})
    problem = response.json()

    assert response.status_code == 422
    assert problem["marker"] == "TH01" or any(e.get("marker") == "TH01"
                                              for e in problem.get("errors", []))


def test_expunge__unknown_profile_is_404(server: Server, people: dict[str, Any]) -> None:
    response = server.call("dpo", "POST", "/profiles/expunge", json={
        "profile_ids": ["0" * 32], "authority": "Court", "reference": "O-1"})

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
