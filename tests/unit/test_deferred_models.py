"""Deferred pydantic models (scorecard.deferred): a handler builds at init, inside the SnapStart
snapshot, the models every one of its invocations validates, and leaves the others to first use."""

from __future__ import annotations
import __future__

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, TypeAdapter
from scorecard.deferred import build_at_init, is_built

ROOT = Path(__file__).resolve().parents[2]

# The groups of deferred models, each "module:name" (a model, an adapter or a tuple of them).
GROUPS: dict[str, list[str]] = {
    "event_models": ["scorecard.domain.events:EVENT_MODELS"],
    "stored_events": ["scorecard.domain.events:STORED_EVENT_PARSING"],
    "event_batch": ["scorecard.domain.events:EventBatch"],
    "ingest_result": ["scorecard.ingest_views:EventResultView", "scorecard.ingest_views:IngestResultView"],
    "daily_message": ["scorecard.messages.batches:DailyBatchMessage"],
    "daily_views": ["scorecard.views:DAILY_SCORE_VIEWS"],
    "backtest_messages": ["scorecard.messages.backtests:BACKTEST_MESSAGES"],
    "backtest_batch": ["scorecard.backtest_views:BACKTEST_BATCH_MODELS"],
    "snapshot_message": ["scorecard.messages.batches:SnapshotBatchMessage"],
    "monthly_queued": ["scorecard.services.monthly_queue:MonthlyQueuedView"],
    "snapshot_document": [
        "scorecard.snapshot_document:SnapshotLineView",
        "scorecard.snapshot_document:SnapshotDocument",
    ],
    "notifications": ["scorecard.messages.notifications:NOTIFICATION_MESSAGES"],
    "request_bodies": [
        "scorecard.views:ProfileIn",
        "scorecard.views:ProfilePatch",
        "scorecard.views:ReviewIn",
        "scorecard.views:ResolutionIn",
        "scorecard.views:PickupIn",
        "scorecard.policy_views:PolicyVersionIn",
        "scorecard.policy_views:AdoptionIn",
        "scorecard.backtest_views:BacktestIn",
        "scorecard.api.policy_routes:SimulationIn",
    ],
}

# handler -> the groups it must have built once its module is imported (every other one it must not:
# the API builds each route's models on the route's first request)
BUILT_AT_INIT: dict[str, set[str]] = {
    "api": set(),
    "authorizer": set(),
    "backtest_worker": {"backtest_messages", "stored_events", "backtest_batch"},
    "daily": {"daily_message"},
    "daily_worker": {"daily_message", "stored_events", "daily_views"},
    "ingest": {"event_models", "stored_events", "event_batch", "ingest_result"},
    "jwt_rotation": set(),
    "monthly_coordinator": {"snapshot_message", "monthly_queued"},
    "monthly_worker": {"snapshot_message", "stored_events", "snapshot_document"},
    "notification_worker": {"notifications", "stored_events"},
}

# handler -> the email templates it loads at import (it renders them in every invocation); the others
# must not even import Jinja2.
TEMPLATES_AT_INIT: dict[str, set[str]] = {
    "monthly_worker": {
        "snapshot_email_subject.txt.j2",
        "snapshot_email.txt.j2",
        "snapshot_email.html.j2",
        "snapshot_wording.j2",
    },
    "notification_worker": {
        "part_received_email_subject.txt.j2",
        "part_received_email.txt.j2",
        "part_received_email.html.j2",
    },
}

# Run in a fresh interpreter: which groups are fully built after `import app` (and which partly).
_PROBE = """
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
import app
from scorecard.deferred import is_built
state = {}
for group, names in json.loads(sys.argv[2]).items():
    targets = []
    for name in names:
        module, attr = name.split(":")
        value = getattr(importlib.import_module(module), attr)
        targets.extend(value if isinstance(value, tuple) else [value])
    flags = [is_built(t) for t in targets]
    state[group] = all(flags) if all(flags) or not any(flags) else "partly"
templates = set()
if "jinja2" in sys.modules:
    from scorecard.services.email_render import _environment
    templates = {key[1] for html in (False, True) for key in _environment(html).cache.keys()}
print(json.dumps({"built": state, "jinja2": "jinja2" in sys.modules, "templates": sorted(templates)}))
"""


def test_every_handler_is_listed() -> None:
    assert set(BUILT_AT_INIT) == {p.name for p in (ROOT / "functions").iterdir() if (p / "app.py").exists()}


@pytest.mark.parametrize("handler", sorted(BUILT_AT_INIT))
def test_a_handler_builds_at_init_what_every_invocation_uses_and_nothing_else(handler: str) -> None:
    env = {"PATH": "/usr/bin:/bin", "TABLE_NAME": "t", "AWS_REGION": "us-east-1"}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(ROOT / "functions" / handler), json.dumps(GROUPS)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    built = probe["built"]
    assert {name for name, flag in built.items() if flag is True} == BUILT_AT_INIT[handler]
    assert "partly" not in built.values()
    assert probe["jinja2"] is (handler in TEMPLATES_AT_INIT)
    assert set(probe["templates"]) == TEMPLATES_AT_INIT.get(handler, set())


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


def test_no_module_that_defines_models_postpones_its_annotations() -> None:
    """pydantic evaluates string annotations again for every field of every model class (about a
    sixth of the classes' creation, on every cold start): modules defining models keep theirs
    evaluated (scorecard.deferred)."""
    import scorecard

    postponed, checked = [], 0
    for info in pkgutil.walk_packages(scorecard.__path__, "scorecard."):
        module = importlib.import_module(info.name)
        defines_models = any(
            isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == info.name
            for value in vars(module).values()
        )
        if defines_models:
            checked += 1
            if getattr(module, "annotations", None) is __future__.annotations:
                postponed.append(info.name)
    assert checked >= 15  # the views, messages, events, policy and settings modules at least
    assert postponed == []
