"""Schemathesis against the live OpenAPI schema: no input makes the server answer 5xx.

Bounded: a few generated requests per operation (examples and fuzzed bodies, query
strings and paths), as a user holding every role, so requests get past authentication
and reach the services.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from support.api_world import PASSWORD, Server

ALL_ROLES = ["case-worker", "lab-analyst", "reviewer", "data-protection-officer", "admin",
             "auditor"]


@pytest.fixture(scope="module")
def api_schema(server: Server) -> Any:
    response = server.call("admin", "POST", "/users", json={
        "username": "fuzz", "password": PASSWORD, "roles": ALL_ROLES})
    assert response.status_code == 201, response.text
    server.login("fuzz")
    return schemathesis.openapi.from_url(f"{server.url}/openapi.json")


def test_api__no_input_gives_a_server_error(api_schema: Any, server: Server) -> None:
    headers = {"Authorization": f"Bearer {server.tokens['fuzz']}"}
    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            response = case.call(headers=headers, timeout=30)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> "
                                f"{response.status_code} {response.text[:200]}")

        run()

    assert operations >= 15
    assert failures == [], "\n".join(sorted(set(failures)))
