"""The local stack: every AWS service emulated in-process by moto, HTTP requests turned into API
Gateway proxy events and handed to the same handler functions Lambda runs (loaded from functions/).

The tables, queues, bucket and SES sender of template.yaml are created in moto; each function runs
with its template environment applied around its invocation; queued messages are drained into their
SQS-triggered functions (the local stand-in for Lambda's pollers), which is how the scheduled runs
go: coordinator, then the worker drains the queue, as in AWS.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from scorecard.adapters.aws import client
from scorecard.auth.tokens import LOCAL_DEV_SECRET, SECRET_ENV

from scorecard_local import daily_run, webhooks
from scorecard_local.api_routes import ApiRoute, api_routes, authorizer_code_uri
from scorecard_local.outbox import sent_emails
from scorecard_local.queues import DrainReport, drain_queue
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

LOCAL_TABLE = "scorecard-local"
REGION = "us-east-1"
ACCOUNT = "123456789012"
STAGE = "prod"

Handler = Callable[[dict[str, Any], Any], Any]

log = logging.getLogger(__name__)

RESOURCE_PREFIX = "scorecard-local"
DEFAULT_SENDER = "scorecard@example.com"
# moto has no sending quota: pace the local workers faster than SES's default 14/s so the demo's
# monthly run takes a second, not ten. The pacing code path is the same.
LOCAL_SEND_RATE = "200"
# A message a local worker failed comes back after this long (the template's 30 minutes would
# hide it for the rest of a demo session).
LOCAL_VISIBILITY_TIMEOUT = 30
# The function of an SQS-triggered handler module that also returns each record's result (the
# daily run's figures are summed from them; services.fanout.WorkerRun).
WORKER_RESULTS = "process_batch"


@cache
def _template(path: Path) -> dict[str, Any]:
    return load_template(path)


@dataclass
class LambdaContext:
    """Enough of Lambda's context object for Powertools."""

    function_name: str
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return 900_000


@dataclass(frozen=True)
class HttpResult:
    status: int
    headers: dict[str, str]
    body: bytes


def _json_result(status: int, payload: Any) -> HttpResult:
    return HttpResult(status, {"Content-Type": "application/json"}, json.dumps(payload, default=str).encode())


def _error(status: int, code: str, message: str) -> HttpResult:
    return _json_result(status, {"error": {"code": code, "message": message, "details": None}})


LOCAL_ENV = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "TABLE_NAME": LOCAL_TABLE,
    "POLICY_VERSION": "v3",
    "POWERTOOLS_SERVICE_NAME": "scorecard",
    "POWERTOOLS_METRICS_NAMESPACE": "Scorecard",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",  # no EMF lines on the console (CloudWatch reads them in AWS)
}


class LocalStack:
    """moto + the Lambda handlers, callable with plain HTTP-ish arguments. Thread-safe: requests are
    handled one at a time (moto's backends are not built for concurrency)."""

    def __init__(self, root: Path, *, env: Mapping[str, str] | None = None) -> None:
        self.outbox_written = 0  # emails already written to .local/outbox (mail_stack)
        self.root = root
        self.template = root / "template.yaml"
        # The signing key the caller's shell names (as `scorecard token` reads it), else the local one.
        secret = os.environ.get(SECRET_ENV) or LOCAL_DEV_SECRET
        self._env = {**LOCAL_ENV, SECRET_ENV: secret, **(env or {})}
        self.lock = threading.RLock()
        self._modules: dict[str, ModuleType] = {}
        self._mock: Any = None
        self.routes: list[ApiRoute] = []
        self.verbose = False
        self._overrides = dict(env or {})
        self.resources: LocalResources | None = None  # queues, bucket, SES sender, parameters
        self.authorizer: tuple[str, str] | None = None  # CodeUri and Handler of the API's authorizer
        self.webhook: webhooks.WebhookDelivery | None = None  # with SCORECARD_WEBHOOK_URL only

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        os.environ.update(self._env)
        os.environ.setdefault(
            "POWERTOOLS_LOG_LEVEL", "WARNING"
        )  # one JSON log line per request is noise here
        from moto import mock_aws
        from scorecard.adapters.aws import client, reset_clients

        from scorecard_local import moto_patches
        from scorecard_local.template_tables import create_tables

        moto_patches.install()
        reset_clients()
        self._mock = mock_aws()
        self._mock.start()
        create_tables(client("dynamodb"), self.template, {"ScorecardTable": os.environ["TABLE_NAME"]})
        self.routes = api_routes(self.template)
        # Read once: parsing template.yaml costs ~90 ms, which every authorized request used to pay.
        self.authorizer = authorizer_code_uri(self.template)
        self.resources = self._provision()
        if self.webhook is not None:
            self.webhook.start()

    def stop(self) -> None:
        if self.webhook is not None:
            self.webhook.stop()
            self.webhook = None
        if self._mock is not None:
            self._mock.stop()
            self._mock = None

    # -- handlers ------------------------------------------------------------------------------

    def handler(self, code_uri: str, handler: str = "app.lambda_handler") -> Handler:
        """The handler function of a functions/<dir>/ folder, loaded once like Lambda does."""
        module_file, _, function = handler.rpartition(".")
        path = (self.root / code_uri / f"{module_file}.py").resolve()
        key = str(path)
        if key not in self._modules:
            name = "scorecard_function_" + path.parent.name
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None:
                raise ImportError(path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            self._modules[key] = module
        found: Handler = getattr(self._modules[key], function)
        return found

    def invoke(
        self,
        code_uri: str,
        event: dict[str, Any],
        function_name: str = "local",
        handler: str = "app.lambda_handler",
    ) -> Any:
        with self.lock, self._function_env(code_uri):
            return self.handler(code_uri, handler)(event, LambdaContext(function_name))

    def function_code_uri(self, logical_id: str) -> str:
        resource = load_template(self.template)["Resources"][logical_id]
        return str(resource["Properties"]["CodeUri"])

    # -- resources and environment -------------------------------------------------------------

    def _provision(self) -> LocalResources:
        """Create the template's queues and buckets, verify the SES sender; return what `!Ref`
        resolves to."""
        template = _template(self.template)
        resources = LocalResources()
        webhook = webhooks.WebhookConfig.from_env(os.environ)
        conditions = {webhooks.CONDITION: webhook is not None}
        create_queues(client("sqs"), template, RESOURCE_PREFIX, resources, conditions)
        create_buckets(client("s3"), template, RESOURCE_PREFIX, resources)
        parameters = parameter_values(
            template,
            {
                "SenderEmail": os.environ.get("SENDER_EMAIL") or DEFAULT_SENDER,
                "SesMaxSendRate": LOCAL_SEND_RATE,
            },
        )
        resources.refs.update(parameters)
        client("ses").verify_email_identity(EmailAddress=parameters["SenderEmail"])
        if webhook is not None:  # the score bus too: without a webhook nothing is published locally
            target = webhooks.provision(template, RESOURCE_PREFIX, resources, webhook)
            self.webhook = webhooks.WebhookDelivery(target, self.lock, ACCOUNT)
        return resources

    @contextlib.contextmanager
    def _function_env(self, code_uri: str) -> Iterator[None]:
        """The function's template environment for the duration of one invocation (Lambda gives each
        function its own; the local stack shares one process). Names the stack was started with win."""
        template = _template(self.template)
        by_code_uri = functions_by_code_uri(template)
        logical_id = by_code_uri.get(code_uri) or by_code_uri.get(code_uri.rstrip("/") + "/")
        if logical_id is None or self.resources is None:
            yield
            return
        variables = function_environment(template, logical_id, self.resources.refs)
        variables.update({name: self._overrides[name] for name in variables if name in self._overrides})
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

    # -- queues and the scheduled runs ---------------------------------------------------------

    def _event_source(self, queue: str) -> SqsEventSource:
        return next(s for s in sqs_event_sources(_template(self.template)) if s.queue == queue)

    def drain(self, only: str | None = None) -> dict[str, DrainReport]:
        """Drain every queue a function consumes (template `Type: SQS` events) into that function, as
        Lambda's pollers would; `only` limits it to one queue's logical id. Reports by function."""
        if self.resources is None:
            return {}
        resources = self.resources
        reports: dict[str, DrainReport] = {}
        with self.lock:
            for source in sqs_event_sources(_template(self.template)):
                if only is not None and source.queue != only:
                    continue

                def invoke(event: dict[str, Any], source: SqsEventSource = source) -> Any:
                    return self.invoke(source.code_uri, event, source.function, source.handler)

                reports[source.function] = drain_queue(
                    resources.refs[source.queue],
                    resources.queue_arns[source.queue],
                    invoke,
                    batch_size=source.batch_size,
                    visibility_timeout=LOCAL_VISIBILITY_TIMEOUT,
                )
        return reports

    def poll_queues(self) -> None:
        """After each local API request: a poller problem is logged, never the request's failure."""
        try:
            self.drain()
        except Exception:
            log.exception("draining the local queues failed")
        if self.webhook is not None:
            self.webhook.wake()  # score and review events the request published

    def run_daily(self, as_of: date) -> dict[str, Any]:
        """What the daily schedule does, for the end of day `as_of`: the coordinator queues the
        registry, the worker drains DailyQueue (as in AWS); the figures are what the workers did."""
        if self.resources is None:
            raise RuntimeError("the local stack is not started")
        source = self._event_source("DailyQueue")
        module = source.handler.rpartition(".")[0]

        def worker(event: dict[str, Any]) -> Any:
            return self.invoke(source.code_uri, event, source.function, f"{module}.{WORKER_RESULTS}")

        with self.lock:
            report = daily_run.run_daily(
                lambda event: self.invoke(self.function_code_uri("DailyFunction"), event, "daily"),
                worker,
                {"as_of": as_of.isoformat()},
                queue_url=self.resources.refs[source.queue],
                queue_arn=self.resources.queue_arns[source.queue],
                batch_size=source.batch_size,
                visibility_timeout=LOCAL_VISIBILITY_TIMEOUT,
            )
        self.poll_queues()  # what the run queued: demotion warnings, restatement notices
        return report.model_dump(mode="json")

    def run_monthly(self, month: str, *, email: bool = True) -> dict[str, Any]:
        """What the monthly schedule does for `month` (YYYY-MM): the coordinator queues the partners,
        then the snapshot queue is drained into the worker (failed partners, split off into messages
        of their own, included)."""
        with self.lock:
            before = len(sent_emails(ACCOUNT, REGION))
            queued = self.invoke(
                self.function_code_uri("MonthlyCoordinatorFunction"),
                {"month": month, "email": email},
                "monthly-coordinator",
            )
            drained = self.drain(only="SnapshotQueue").get("MonthlyWorkerFunction", DrainReport())
            sent = len(sent_emails(ACCOUNT, REGION)) - before
        if self.webhook is not None:
            self.webhook.wake()
        return {
            "coordinator": queued,
            "worker": {
                "messages": drained.received,
                "succeeded": drained.succeeded,
                "failed": drained.failed,
                "invocations": drained.invocations,
            },
            "emails_sent": sent,
        }

    # -- HTTP ----------------------------------------------------------------------------------

    def http(
        self,
        method: str,
        path: str,
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        body: bytes,
        source_ip: str = "127.0.0.1",
    ) -> HttpResult:
        """What API Gateway would do for this request: route, authorize, invoke, answer."""
        allowed = [route for route in self.routes if route.pattern.fullmatch(path)]
        route = next((r for r in allowed if r.method == method), None)
        if route is None:
            if allowed:
                return _error(405, "method_not_allowed", f"{method} is not allowed on {path}")
            return _error(404, "not_found", f"no route {method} {path}")
        params = route.match(method, path) or {}
        authorizer: dict[str, str] | None = None
        if not route.public:
            denied, authorizer = self._authorize(headers.get("authorization"), method, path)
            if denied is not None:
                return denied
        event = {
            "resource": route.resource,
            "path": path,
            "httpMethod": method,
            "headers": dict(headers),
            "multiValueHeaders": {k: [v] for k, v in headers.items()},
            "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
            "multiValueQueryStringParameters": {k: list(v) for k, v in query.items()} or None,
            "pathParameters": params or None,
            "stageVariables": None,
            "requestContext": {
                "resourcePath": route.resource,
                "httpMethod": method,
                # The local server answers at its root, as API Gateway does behind a custom domain
                # (no stage in the path): Powertools' Swagger UI takes its server URL from here.
                "path": path,
                "stage": STAGE,
                "requestId": str(uuid.uuid4()),
                "accountId": ACCOUNT,
                "identity": {"sourceIp": source_ip},
                "authorizer": authorizer,
            },
            "body": body.decode("utf-8", errors="replace") if body else None,
            "isBase64Encoded": False,
        }
        response = self.invoke(route.code_uri, event, route.function)
        self.poll_queues()  # e.g. a job.received just posted is emailed before the response
        headers_out = {k: str(v) for k, v in (response.get("headers") or {}).items()}
        for name, values in (response.get("multiValueHeaders") or {}).items():
            headers_out.setdefault(name, ", ".join(str(v) for v in values))
        raw = response.get("body") or ""
        data = raw.encode() if isinstance(raw, str) else bytes(raw)
        if response.get("isBase64Encoded"):
            import base64

            data = base64.b64decode(data)
        return HttpResult(int(response["statusCode"]), headers_out, data)

    def _authorize(
        self, header: str | None, method: str, path: str
    ) -> tuple[HttpResult | None, dict[str, str] | None]:
        if not header:
            return _error(401, "unauthorized", "missing Authorization header"), None
        code_uri, _ = self.authorizer or authorizer_code_uri(self.template)
        method_arn = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:local/{STAGE}/{method}{path}"
        try:
            answer = self.invoke(
                code_uri,
                {"type": "TOKEN", "authorizationToken": header, "methodArn": method_arn},
                "authorizer",
            )
        except Exception:  # the authorizer's "Unauthorized" is API Gateway's 401
            return _error(401, "unauthorized", "invalid or expired token"), None
        statements = answer.get("policyDocument", {}).get("Statement", [])
        if not any(s.get("Effect") == "Allow" for s in statements):
            return _error(403, "forbidden", "access denied"), None
        return None, {k: str(v) for k, v in (answer.get("context") or {}).items()}
