"""One list of event types (issue 7): every model is in the Event union once, names its aggregate
kind, and a fold that misses a type does not type-check."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args

import pytest
from scorecard.adapters import keys
from scorecard.adapters.event_store import aggregate_of
from scorecard.domain import events as event_module
from scorecard.domain.events import (
    EVENT_ADAPTER,
    ActivityEvent,
    ActivityEventBase,
    AggregateKind,
    JobEvent,
    JobEventBase,
    RequestEvent,
    RequestEventBase,
)

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "shared" / "scorecard" / "domain"


def _concrete_models() -> set[type[Any]]:
    bases = {JobEventBase, RequestEventBase, ActivityEventBase}
    found: set[type[Any]] = set()
    for base in bases:
        found |= {m for m in base.__subclasses__() if m.__module__ == event_module.__name__}
    return found


def test_every_event_model_is_in_exactly_one_union_under_its_aggregate_kind() -> None:
    unions = {
        AggregateKind.JOB: (set(get_args(JobEvent)), JobEventBase),
        AggregateKind.REQUEST: (set(get_args(RequestEvent)), RequestEventBase),
        AggregateKind.ACTIVITY: (set(get_args(ActivityEvent)), ActivityEventBase),
    }
    listed = [model for members, _ in unions.values() for model in members]
    assert len(listed) == len(set(listed))
    assert set(listed) == _concrete_models()
    for kind, (members, base) in unions.items():
        for model in members:
            assert issubclass(model, base)
            assert model.aggregate is kind


@pytest.mark.parametrize(
    ("raw", "sk"),
    [
        ({"type": "job.read", "job_id": "J-1"}, "JOB#J-1"),
        ({"type": "partner.update_requested", "request_id": "R-1", "job_id": "J-1"}, "REQ#R-1"),
        ({"type": "partner.update_responded", "request_id": "R-1"}, "REQ#R-1"),
        ({"type": "partner.logged_in", "job_id": "J-1"}, "ACT#2026-09"),  # UTC month of 2026-09-30T23:30Z
        ({"type": "partner.capacity_updated"}, "ACT#2026-09"),
    ],
)
def test_storage_routes_by_the_aggregate_kind(raw: dict[str, Any], sk: str) -> None:
    event = EVENT_ADAPTER.validate_python(
        {"event_id": "e-1", "partner_id": "P-1", "occurred_at": "2026-10-01T01:30:00+02:00", **raw}
    )
    aggregate = aggregate_of(event)
    assert aggregate.sk == sk
    assert aggregate.indexed == (not sk.startswith(keys.ACTIVITY_PREFIX))


def _without_case(source: str, pattern: str) -> str:
    """`source` with the `case <pattern>:` block of the fold removed."""
    lines = source.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"case {pattern}:")
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while len(lines[end]) - len(lines[end].lstrip()) > indent or not lines[end].strip():
        end += 1
    return "".join(lines[:start] + lines[end:])


@pytest.mark.parametrize(
    ("module", "case", "missing"),
    [
        ("jobs", "JobShipped()", "JobShipped"),
        ("requests", "PartnerUpdateResponded()", "PartnerUpdateResponded"),
    ],
)
def test_mypy_names_a_fold_that_misses_an_event_type(
    module: str, case: str, missing: str, tmp_path: Path
) -> None:
    mypy_api = pytest.importorskip("mypy.api")
    source = (DOMAIN / f"{module}.py").read_text(encoding="utf-8")
    complete = tmp_path / f"fold_probe_complete_{module}.py"
    complete.write_text(source, encoding="utf-8")
    probe = tmp_path / f"fold_probe_missing_{module}.py"
    probe.write_text(_without_case(source, case), encoding="utf-8")

    stdout, _, status = mypy_api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            "--follow-imports=silent",
            str(complete),
            str(probe),
        ]
    )

    assert status == 1, stdout
    errors = [line for line in stdout.splitlines() if ": error:" in line]
    assert errors, stdout
    assert all(line.startswith(str(probe)) for line in errors), stdout  # the complete copy is clean
    assert any(
        re.search(rf'Argument 1 to "assert_never" has incompatible type "{missing}"', line) for line in errors
    ), stdout
