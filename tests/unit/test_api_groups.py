"""The API function's route groups (scorecard.api.resolvers.api_group): every route is served by the
resolver of the group that holds it, and a request imports only its group's routes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from scorecard.api.resolvers import API_GROUPS, ApiGroup, all_routers, api_group, api_group_routers

ROOT = Path(__file__).resolve().parents[2]


def _paths(group: ApiGroup) -> list[str]:
    return [rule for router in api_group_routers(group) for (rule, *_) in router._routes]


@pytest.mark.parametrize("group", API_GROUPS)
def test_every_route_of_a_group_is_sent_to_that_group(group: ApiGroup) -> None:
    paths = _paths(group)
    assert paths
    for rule in paths:
        request_path = re.sub(r"<[^>]+>", "acme-01", rule)  # /v1/partners/<partner_id> -> a request's path
        assert (api_group(rule), api_group(request_path)) == (group, group)


def test_the_groups_and_ingestion_are_the_whole_api() -> None:
    grouped = [router for group in API_GROUPS for router in api_group_routers(group)]
    assert all_routers()[1:] == grouped
    assert [rule for (rule, *_) in all_routers()[0]._routes] == ["/v1/events"]


def test_paths_of_no_route_go_to_the_partners_group() -> None:
    assert [api_group(p) for p in ("", "/", "/v1", "/v1/nothing", "/v1/openapi.json")] == ["partners"] * 5
    # a partner whose id is a group's name is still a partner
    assert api_group("/v1/partners/policy/score") == "partners"
    assert api_group("/v1/partners/reviews") == "partners"


def test_the_api_function_imports_only_the_partners_group_at_init() -> None:
    code = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(ROOT / 'functions' / 'api')!r})\n"
        "import app\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('scorecard.api.'))))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "TABLE_NAME": "t", "AWS_REGION": "us-east-1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "scorecard.api.routes" in loaded
    assert not loaded & {
        "scorecard.api.snapshot_routes",
        "scorecard.api.review_routes",
        "scorecard.api.policy_routes",
        "scorecard.api.event_routes",
    }
