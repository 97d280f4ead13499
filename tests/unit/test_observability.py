"""The Tracer is lazy: no handler imports the X-Ray SDK (~290 ms of botocore patching) at import,
and it is built only on an invocation inside Lambda with tracing on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from scorecard.platform import observability

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = sorted(p.name for p in (ROOT / "functions").iterdir() if (p / "app.py").exists())


def test_no_handler_imports_the_xray_sdk() -> None:
    code = (
        "import sys\n"
        f"for name in {HANDLERS!r}:\n"
        f"    sys.path.insert(0, {str(ROOT / 'functions')!r} + '/' + name)\n"
        "    __import__('app'); sys.modules.pop('app'); sys.path.pop(0)\n"
        "print(sorted(m for m in sys.modules if m.startswith('aws_xray_sdk')))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "TABLE_NAME": "t", "AWS_REGION": "us-east-1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "[]"


class FakeTracer:
    def __init__(self) -> None:
        self.wrapped: list[Any] = []

    def capture_lambda_handler(self, handler: Any) -> Any:
        self.wrapped.append(handler)
        return lambda event, context: ("traced", handler(event, context))


@pytest.mark.parametrize(
    ("env", "traced"),
    [
        ({}, False),  # not in Lambda (tests, the local stack)
        ({"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "true"}, False),
        ({"LAMBDA_TASK_ROOT": "/var/task"}, True),
    ],
)
def test_the_tracer_is_built_only_where_tracing_is_on(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], traced: bool
) -> None:
    for name in ("LAMBDA_TASK_ROOT", "POWERTOOLS_TRACE_DISABLED"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    fake = FakeTracer()
    monkeypatch.setattr(observability, "tracer", lambda: fake)

    @observability.traced
    def handler(event: Any, context: Any) -> str:
        return f"handled {event}"

    expected: Any = ("traced", "handled 1") if traced else "handled 1"
    assert handler(1, None) == expected
    assert handler(1, None) == expected
    assert len(fake.wrapped) == (1 if traced else 0)  # decided and wrapped once


def test_a_metric_per_grade_and_every_name_in_the_one_list() -> None:
    from typing import get_args

    from scorecard.domain.policy import Grade

    assert list(observability.PARTNERS_BY_GRADE) == list(get_args(Grade))
    names = [value for key, value in vars(observability).items() if key.isupper() and isinstance(value, str)]
    assert set(names) | set(observability.PARTNERS_BY_GRADE.values()) == observability.METRIC_NAMES
