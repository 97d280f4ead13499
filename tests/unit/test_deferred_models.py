"""Deferred pydantic models (scorecard.deferred): a handler builds at init, inside the SnapStart
snapshot, the models every one of its invocations validates, and leaves the others to first use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, TypeAdapter
from scorecard.deferred import build_at_init, is_built

ROOT = Path(__file__).resolve().parents[2]

# handler -> the groups of deferred models it must have built once its module is imported
BUILT_AT_INIT: dict[str, set[str]] = {
    "api": set(),
    "authorizer": set(),
    "backtest_worker": {"events"},
    "daily": set(),
    "daily_worker": {"events"},
    "ingest": {"events", "event_batch"},
    "jwt_rotation": set(),
    "monthly_coordinator": set(),
    "monthly_worker": {"events"},
    "notification_worker": set(),
}

# Run in a fresh interpreter: which groups are fully built after `import app` (and which partly).
_PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import app
from scorecard.deferred import is_built
from scorecard.domain.events import EVENT_VALIDATION, EventBatch
groups = {"events": EVENT_VALIDATION, "event_batch": (EventBatch,)}
built = {name: [is_built(t) for t in targets] for name, targets in groups.items()}
state = {name: all(flags) if all(flags) or not any(flags) else "partly" for name, flags in built.items()}
print(json.dumps(state))
"""


def test_every_handler_is_listed() -> None:
    assert set(BUILT_AT_INIT) == {p.name for p in (ROOT / "functions").iterdir() if (p / "app.py").exists()}


@pytest.mark.parametrize("handler", sorted(BUILT_AT_INIT))
def test_a_handler_builds_at_init_what_every_invocation_validates_and_nothing_else(handler: str) -> None:
    env = {"PATH": "/usr/bin:/bin", "TABLE_NAME": "t", "AWS_REGION": "us-east-1"}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(ROOT / "functions" / handler)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    built = json.loads(out.stdout.strip().splitlines()[-1])
    assert {name for name, flag in built.items() if flag is True} == BUILT_AT_INIT[handler]
    assert "partly" not in built.values()


class _Deferred(BaseModel):
    model_config = ConfigDict(defer_build=True)

    count: int


class _Holder(BaseModel):
    model_config = ConfigDict(defer_build=True)

    items: list[_Deferred]


def test_build_at_init_builds_deferred_models_and_adapters_which_then_validate() -> None:
    adapter = TypeAdapter(list[_Holder], config=ConfigDict(defer_build=True))
    assert not is_built(_Deferred) and not is_built(_Holder) and not is_built(adapter)

    build_at_init(_Deferred, _Holder, adapter)

    assert is_built(_Deferred) and is_built(_Holder) and is_built(adapter)
    assert adapter.validate_python([{"items": [{"count": "3"}]}]) == [_Holder(items=[_Deferred(count=3)])]
    build_at_init(_Deferred)  # already built: left as it is
    assert is_built(_Deferred)
