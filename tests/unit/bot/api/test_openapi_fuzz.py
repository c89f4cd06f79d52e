"""The public API fuzzed from its own OpenAPI schema: no undocumented status, no 5xx, no schema mismatch.

Schemathesis generates valid and invalid requests for every operation and sends them to the real
gateway app (a FakeRasa behind it); a third share of the valid ones name a known municipality and
session, so the fuzzer gets past the guards into the handlers. Run with Rasa answering, and again
for the operations that talk to Rasa with Rasa down, where the documented 503 of POST /api/v1/chat
is allowed. The health check always finds the (closed) action server down: its documented 503.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import BaseSchema, Case, CheckContext, CheckFunction, GenerationMode, Response
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bot.main import create_app
from bot.sessions import SqlSessionStore, make_engine
from core.settings import Settings
from tests.fakes import FakeRasa

# Every operation of the schema, each its own test; test_every_operation_is_fuzzed catches a new one.
OPERATIONS = [
    ("POST", "/api/v1/chat"),
    ("GET", "/api/v1/chat/{session_id}/history"),
    ("GET", "/api/v1/health"),
    ("GET", "/api/v1/municipalities/{slug}"),
    ("GET", "/widget.js"),
    ("GET", "/"),
]
# The others never reach Rasa, so Rasa being down changes nothing for them.
TALKS_TO_RASA = [("POST", "/api/v1/chat"), ("GET", "/api/v1/health")]
KNOWN_MUNICIPALITY = "kalundborg"
FUZZ = hypothesis_settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fuzzed_schema(settings: Settings, rasa: FakeRasa) -> tuple[BaseSchema, str]:
    """The real app's schema and a known session; rate limits raised so requests reach the handlers."""
    app_settings = settings.model_copy(
        update={"action_port": closed_port(), "rate_limit_per_client": 100_000, "rate_limit_per_session": 100_000}
    )
    sessions = SqlSessionStore(make_engine(app_settings.gateway_database_url))
    session_id = sessions.create(KNOWN_MUNICIPALITY).id
    app = create_app(app_settings, rasa=rasa, sessions=sessions)
    return schemathesis.openapi.from_asgi("/openapi.json", app), session_id


def with_known_values(session_id: str) -> Callable[[Case], Case]:
    """A valid case made to name the known municipality and session, so it is not refused at the door."""

    def known(case: Case) -> Case:
        for part in (case.body, case.query, case.path_parameters):
            if isinstance(part, dict):
                for key, value in {"municipality": KNOWN_MUNICIPALITY, "slug": KNOWN_MUNICIPALITY}.items():
                    if key in part:
                        part[key] = value
                if "session_id" in part:
                    part["session_id"] = session_id
        return case

    return known


def no_server_error(allowed_paths: set[str]) -> CheckFunction:
    """A check: any 5xx fails, except a 503 the schema documents for one of ``allowed_paths``."""

    def check(ctx: CheckContext, response: Response, case: Case) -> None:
        allowed = response.status_code == 503 and case.path in allowed_paths
        assert response.status_code < 500 or allowed, f"{case.operation.label} answered {response.status_code}"

    return check


CONFORMANCE: list[CheckFunction] = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def fuzz(settings: Settings, method: str, path: str, rasa: FakeRasa, allowed_503: set[str]) -> None:
    schema, session_id = fuzzed_schema(settings, rasa)
    operation = schema[path][method]
    valid = operation.as_strategy(GenerationMode.POSITIVE)
    # Valid requests, valid ones past the guards, and invalid ones (wrong types, missing fields, no JSON).
    cases = st.one_of(valid, valid.map(with_known_values(session_id)), operation.as_strategy(GenerationMode.NEGATIVE))
    checks = [no_server_error(allowed_503), *CONFORMANCE]

    @FUZZ
    @given(cases)
    def answers_as_documented(case: Case) -> None:
        case.validate_response(case.call(), checks=checks)

    answers_as_documented()


def test_every_operation_is_fuzzed(settings: Settings) -> None:
    schema, _ = fuzzed_schema(settings, FakeRasa())
    assert sorted((op.ok().method.upper(), op.ok().path) for op in schema.get_all_operations()) == sorted(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_operation_answers_as_documented(settings: Settings, method: str, path: str) -> None:
    fuzz(settings, method, path, FakeRasa(), allowed_503={"/api/v1/health"})


@pytest.mark.parametrize(("method", "path"), TALKS_TO_RASA)
def test_operation_answers_as_documented_with_rasa_down(settings: Settings, method: str, path: str) -> None:
    fuzz(settings, method, path, FakeRasa(fail=True), allowed_503={"/api/v1/chat", "/api/v1/health"})
