"""Schemathesis against the real server's /openapi.json with every check it has (positive
and negative data acceptance included, none excluded), as a supervisor and as an agent, on
SQLite and on PostgreSQL: no 5xx, and every answer conforms to the schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation

from revisit_tui.domain.models import Role

PERSONAS = (Role.SUPERVISOR, Role.AGENT)


@pytest.fixture(scope="module")
def fuzzed_server(db_url: str, persona: Role, live_server_for: Any) -> Iterator[Any]:
    live = live_server_for(db_url)
    live.persona = persona
    tag = persona.value  # the two personas' servers share the module's database
    live.tokens = {
        Role.AGENT: live.add_agent(f"agent-{tag}"),
        Role.SUPERVISOR: live.add_agent(f"boss-{tag}", role=Role.SUPERVISOR),
        Role.SMS_GATEWAY: live.add_service(f"gateway-{tag}", Role.SMS_GATEWAY),
        Role.ONLINE_SERVICE: live.add_service(f"online-{tag}", Role.ONLINE_SERVICE),
    }
    with live.process:
        yield live


@pytest.fixture(scope="module", params=PERSONAS, ids=lambda role: role.value)
def persona(request: pytest.FixtureRequest) -> Role:
    role: Role = request.param
    return role


# Every check runs with its defaults, but for one status: the contract answers 422 to a request
# the schema admits and a rule beyond the schema refuses (ended_at before started_at, a task or
# customer that does not exist in a body, a cursor this server did not make, an SMS in the
# customer's rest hours), and names the field; positive data acceptance is told so.
CHECKS = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
"""


@pytest.fixture(scope="module")
def api_schema(fuzzed_server: Any) -> Any:
    config = schemathesis.config.SchemathesisConfig.from_str(CHECKS)
    return schemathesis.openapi.from_url(fuzzed_server.url + "/openapi.json", config=config)


schema = schemathesis.pytest.from_fixture("api_schema")


def role_for(path: str, persona: Role) -> Role:
    """The services call their own endpoints; everything else is called as the persona."""
    if path.startswith("/v1/sms/"):
        return Role.SMS_GATEWAY
    if path == "/v1/online-answers":
        return Role.ONLINE_SERVICE
    return persona


@schema.parametrize()
@pytest.mark.timeout(900)  # all operations of one persona on one database
@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_api_conforms_to_its_schema(case: Any, fuzzed_server: Any) -> None:
    token = fuzzed_server.tokens[role_for(case.path, fuzzed_server.persona)]
    # a case that mutates the headers may have dropped Authorization on purpose: keep it so
    headers = {} if _mutates_headers(case) else {"Authorization": f"Bearer {token}"}
    case.call_and_validate(base_url=fuzzed_server.url, headers=headers)


def _mutates_headers(case: Any) -> bool:
    return case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
