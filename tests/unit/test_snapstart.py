"""SnapStart's after-restore hook (scorecard/snapstart.py): restored environments must not share the
`random` generator's state that botocore's retry backoff and our jitter draw from."""

from __future__ import annotations

import random
import sys
import types

import pytest
from scorecard.platform.snapstart import register_hooks, reseed_random


def test_a_restored_environment_draws_other_numbers_than_the_snapshot_would() -> None:
    random.seed(7)
    from_the_snapshot = [random.random() for _ in range(3)]
    random.seed(7)  # the state every environment resumed from the same snapshot starts with
    reseed_random()
    assert [random.random() for _ in range(3)] != from_the_snapshot


def test_the_hook_is_registered_where_the_runtime_provides_the_library(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registered: list[object] = []
    library = types.ModuleType("snapshot_restore_py")
    library.register_after_restore = registered.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", library)
    assert register_hooks() is True
    assert registered == [reseed_random]


def test_outside_lambda_there_is_nothing_to_register(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)  # import fails as off Lambda
    assert register_hooks() is False
