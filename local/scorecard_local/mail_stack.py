"""The local stack's monthly snapshots and email (issue 3): the bucket, queues and SES sender of
template.yaml created in moto, each function's template environment applied around its invocation,
SQS event sources drained into their functions (the local stand-in for Lambda's pollers), the
monthly run, and the outbox.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scorecard.adapters.aws import client

from scorecard_local.outbox import sent_emails, write_outbox
from scorecard_local.queues import DrainReport, Invoke, drain_queue
from scorecard_local.template_resources import (
    LocalResources,
    SqsEventSource,
    create_buckets,
    create_queues,
    function_environment,
    functions_by_code_uri,
    parameter_values,
    sqs_event_sources,
)
from scorecard_local.template_tables import load_template

if TYPE_CHECKING:
    from scorecard_local.stack import LocalStack

log = logging.getLogger(__name__)

PREFIX = "scorecard-local"
DEFAULT_SENDER = "scorecard@example.com"
# moto has no sending quota: pace the local workers faster than SES's default 14/s so the demo's
# monthly run takes a second, not ten. The pacing code path is the same.
LOCAL_SEND_RATE = "200"
# A message a local worker failed comes back after this long (the template's 30 minutes would
# hide it for the rest of a demo session).
LOCAL_VISIBILITY_TIMEOUT = 30


@cache
def _template(path: Path) -> dict[str, Any]:
    return load_template(path)


def provision(stack: LocalStack) -> LocalResources:
    """Create the template's queues and buckets, verify the SES sender; return what `!Ref` resolves to."""
    template = _template(stack.template)
    resources = LocalResources()
    create_queues(client("sqs"), template, PREFIX, resources)
    create_buckets(client("s3"), template, PREFIX, resources)
    parameters = parameter_values(
        template,
        {
            "SenderEmail": os.environ.get("SENDER_EMAIL") or DEFAULT_SENDER,
            "SesMaxSendRate": LOCAL_SEND_RATE,
        },
    )
    resources.refs.update(parameters)
    client("ses").verify_email_identity(EmailAddress=parameters["SenderEmail"])
    return resources


@contextlib.contextmanager
def function_env(stack: LocalStack, code_uri: str, overrides: dict[str, str]) -> Iterator[None]:
    """The function's template environment for the duration of one invocation (Lambda gives each
    function its own; the local stack shares one process). Names the stack was started with win."""
    template = _template(stack.template)
    by_code_uri = functions_by_code_uri(template)
    logical_id = by_code_uri.get(code_uri) or by_code_uri.get(code_uri.rstrip("/") + "/")
    resources: LocalResources | None = getattr(stack, "resources", None)
    if logical_id is None or resources is None:
        yield
        return
    variables = function_environment(template, logical_id, resources.refs)
    variables.update({name: overrides[name] for name in variables if name in overrides})
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _invoker(stack: LocalStack, source: SqsEventSource) -> Invoke:
    def invoke(event: dict[str, Any]) -> Any:
        return stack.invoke(source.code_uri, event, source.function)

    return invoke


def poll_queues(stack: LocalStack, only: str | None = None) -> dict[str, DrainReport]:
    """Drain every queue a function consumes (template `Type: SQS` events) into that function, as
    Lambda's pollers would; `only` limits it to one queue's logical id."""
    resources: LocalResources | None = getattr(stack, "resources", None)
    if resources is None:
        return {}
    reports: dict[str, DrainReport] = {}
    for source in sqs_event_sources(_template(stack.template)):
        if only is not None and source.queue != only:
            continue
        reports[source.function] = drain_queue(
            resources.refs[source.queue],
            resources.queue_arns[source.queue],
            _invoker(stack, source),
            batch_size=source.batch_size,
            visibility_timeout=LOCAL_VISIBILITY_TIMEOUT,
        )
    return reports


def poll_quietly(stack: LocalStack) -> None:
    """After each local API request: a poller problem is logged, never the request's failure."""
    try:
        poll_queues(stack)
    except Exception:
        log.exception("draining the local queues failed")


def run_monthly(stack: LocalStack, month: str, *, email: bool = True) -> dict[str, Any]:
    """What the monthly schedule does: the coordinator queues the partners, then the snapshot queue
    is drained into the worker (failed partners, split off into messages of their own, included)."""
    before = len(outbox(stack))
    queued = stack.invoke(
        stack.function_code_uri("MonthlyCoordinatorFunction"),
        {"month": month, "email": email},
        "monthly-coordinator",
    )
    drained = poll_queues(stack, only="SnapshotQueue").get("MonthlyWorkerFunction", DrainReport())
    return {
        "coordinator": queued,
        "worker": {
            "messages": drained.received,
            "succeeded": drained.succeeded,
            "failed": drained.failed,
            "invocations": drained.invocations,
        },
        "emails_sent": len(outbox(stack)) - before,
    }


def outbox(stack: LocalStack) -> list[dict[str, Any]]:
    from scorecard_local.stack import ACCOUNT, REGION

    return sent_emails(ACCOUNT, REGION)


def save_outbox(stack: LocalStack) -> list[Path]:
    """Every email sent so far as .local/outbox/<n>-<to>.html."""
    return write_outbox(stack.root / ".local" / "outbox", outbox(stack))
