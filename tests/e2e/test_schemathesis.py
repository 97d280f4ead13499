"""An outside fuzzer against our own OpenAPI document: schemathesis generates requests for every
operation of the local server's `/v1/openapi.json`, for each role, and checks that no answer is a
server error and that every answer conforms to the document (issue 8, docs/api.md).

Bounded and deterministic: a fixed number of examples per operation, derandomized, no shrinking
deadline, so the run takes the same time and finds the same things every time.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from local_process import local_server
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from scorecard.auth.tokens import LOCAL_DEV_SECRET, Role, issue_token

pytestmark = pytest.mark.e2e

EXAMPLES_PER_OPERATION = 25
OWN_PARTNER = "fuzz-partner"
# A partner token names one partner; the fuzzer's path parameters mostly name others (403), so the
# partner run covers the "not yours" branch of every partner route. The "partner-own" run pins
# `partner_id` to the token's partner (seeded with a profile, a shipped job and a daily score), so
# the partner's own routes are fuzzed past the access check too.
ROLES: dict[str, tuple[Role, str | None, bool]] = {
    "ops": ("ops", None, False),
    "service": ("service", None, False),
    "partner": ("partner", OWN_PARTNER, False),
    "partner-own": ("partner", OWN_PARTNER, True),
}


def _send(base: str, method: str, path: str, body: Any = None) -> None:
    bearer = issue_token("ops", None, secret=LOCAL_DEV_SECRET, now=datetime.now(UTC))
    request = urllib.request.Request(
        base + path,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status in (200, 201), (method, path, response.status)


def _seed_own_partner(base: str) -> None:
    today = datetime.now(UTC).date()
    offered = datetime.now(UTC) - timedelta(days=3)
    job = {"partner_id": OWN_PARTNER, "job_id": "FZ-1"}
    _send(base, "PUT", f"/v1/partners/{OWN_PARTNER}", {"name": "Fuzz Works", "email": "fuzz@example.com"})
    _send(
        base,
        "POST",
        "/v1/events",
        {
            "events": [
                {
                    **job,
                    "event_id": "FZ-1:offered",
                    "type": "job.offered",
                    "occurred_at": offered.isoformat(),
                    "value": "100.00",
                    "part_count": 2,
                    "due_date": today.isoformat(),
                },
                {
                    **job,
                    "event_id": "FZ-1:shipped",
                    "type": "job.shipped",
                    "occurred_at": (offered + timedelta(days=1)).isoformat(),
                    "parts_shipped": 2,
                },
            ]
        },
    )
    _send(base, "POST", f"/_local/run/daily?date={today.isoformat()}")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with local_server(tmp_path_factory.mktemp("schemathesis-server")) as base:
        _seed_own_partner(base)
        yield base


def _operations(base: str) -> list[Any]:
    schema = schemathesis.openapi.from_url(base + "/v1/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("role", sorted(ROLES))
def test_fuzzer_finds_no_server_error_and_no_schema_violation(base_url: str, role: str) -> None:
    role_name, partner_id, own = ROLES[role]
    bearer = issue_token(role_name, partner_id, secret=LOCAL_DEV_SECRET, now=datetime.now(UTC))
    headers = {"Authorization": f"Bearer {bearer}"}
    operations = _operations(base_url)
    assert len(operations) >= 10, "the document lists every route"
    failures: list[str] = []

    for operation in operations:
        try:
            _fuzz(operation, base_url, headers, partner_id if own else None)()
        # Collect every operation's finding, then fail once. Schemathesis raises its findings as a
        # FailureGroup, a BaseExceptionGroup that `except Exception` would let through at the first.
        except (Exception, BaseExceptionGroup) as failure:
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}")

    assert not failures, "\n\n".join(failures)


def _fuzz(operation: Any, base_url: str, headers: dict[str, str], own_partner: str | None) -> Any:
    """A bounded, deterministic hypothesis test of one operation (`partner_id` in the path pinned
    to `own_partner` when given)."""

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def fuzz(case: Any) -> None:
        if own_partner is not None and "partner_id" in (case.path_parameters or {}):
            case.path_parameters["partner_id"] = own_partner
        case.call_and_validate(
            base_url=base_url,
            headers=headers,
            checks=[not_a_server_error, response_schema_conformance],
            timeout=30,
        )

    return fuzz
