"""An outside fuzzer against our own OpenAPI document: schemathesis generates requests for every
operation of the local server's `/v1/openapi.json`, for each role, and checks that no answer is a
server error and that every answer conforms to the document (issue 8, DESIGN §6).

Bounded and deterministic: a fixed number of examples per operation, derandomized, no shrinking
deadline, so the run takes the same time and finds the same things every time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from local_process import local_server
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from scorecard.auth import LOCAL_DEV_SECRET, Role, issue_token

pytestmark = pytest.mark.e2e

EXAMPLES_PER_OPERATION = 25
# A partner token names one partner; the fuzzer's path parameters mostly name others (403), so the
# partner run also covers the "not yours" branch of every partner route.
ROLES: dict[str, tuple[Role, str | None]] = {
    "ops": ("ops", None),
    "service": ("service", None),
    "partner": ("partner", "fuzz-partner"),
}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with local_server(tmp_path_factory.mktemp("schemathesis-server")) as base:
        yield base


def _operations(base: str) -> list[Any]:
    schema = schemathesis.openapi.from_url(base + "/v1/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("role", sorted(ROLES))
def test_fuzzer_finds_no_server_error_and_no_schema_violation(base_url: str, role: str) -> None:
    role_name, partner_id = ROLES[role]
    bearer = issue_token(role_name, partner_id, secret=LOCAL_DEV_SECRET, now=datetime.now(UTC))
    headers = {"Authorization": f"Bearer {bearer}"}
    operations = _operations(base_url)
    assert len(operations) >= 10, "the document lists every route"
    failures: list[str] = []

    for operation in operations:
        try:
            _fuzz(operation, base_url, headers)()
        # Collect every operation's finding, then fail once. Schemathesis raises its findings as a
        # FailureGroup, a BaseExceptionGroup that `except Exception` would let through at the first.
        except (Exception, BaseExceptionGroup) as failure:
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}")

    assert not failures, "\n\n".join(failures)


def _fuzz(operation: Any, base_url: str, headers: dict[str, str]) -> Any:
    """A bounded, deterministic hypothesis test of one operation."""

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def fuzz(case: Any) -> None:
        case.call_and_validate(
            base_url=base_url,
            headers=headers,
            checks=[not_a_server_error, response_schema_conformance],
            timeout=30,
        )

    return fuzz
