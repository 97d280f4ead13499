"""The operations dashboard (template.yaml OperationsDashboard) reads what the functions really emit:
its body is parsed from the template here, and the real handlers (ingest, api, the daily coordinator
and worker, the monthly coordinator and worker) run with metrics on, so the EMF records they print
name exactly the metrics the dashboard reads, in its namespace and dimension. Every dead-letter queue
of the template is on it; every alarm has a runbook entry in docs/operations.md."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cfn_yaml import dead_letter_queues, of_type, read_template
from integration_support import NOW, Lambdas, append_raw_event, handler, queue_arn, retarget
from lambda_events import api_event, sample_body
from mail_support import MailEnv, drain_snapshots, outbox, provision_mail
from scorecard.adapters.mailer import SendRejected, SesMailer
from scorecard.platform import observability, settings
from scorecard.platform.observability import METRIC_NAMES, PARTNERS_BY_GRADE
from scorecard_local.queues import drain_queue, make_visible

ROOT = Path(__file__).resolve().parents[2]
ACME, BROKEN = "acme-01", "broken-01"


# ---- the dashboard, as CloudFormation would render it ----------------------------------------------


def render(template: dict[str, Any], webhook: bool) -> dict[str, Any]:
    """DashboardBody with its Fn::Sub resolved: `${AWS::Region}` and `${Resource.Attribute}` become
    placeholders, the variables their branch of `HasWebhook`; the result must be JSON."""
    text, variables = template["Resources"]["OperationsDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]

    def value(spec: Any) -> str:
        if isinstance(spec, dict) and "Fn::If" in spec:
            condition, then, otherwise = spec["Fn::If"]
            assert condition == "HasWebhook"
            return value(then if webhook else otherwise)
        if isinstance(spec, dict) and "Fn::Sub" in spec:
            return substitute(spec["Fn::Sub"], {})
        assert isinstance(spec, str), spec
        return spec

    def substitute(source: str, names: dict[str, str]) -> str:
        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in names:
                return names[name]
            if name == "AWS::Region":
                return "us-east-1"
            resource, _, attribute = name.partition(".")
            assert resource in template["Resources"] and attribute == "QueueName", name
            return f"<{resource}>"

        return re.sub(r"\$\{([^}]+)\}", one, source)

    rendered = substitute(text, {name: value(spec) for name, spec in variables.items()})
    body: dict[str, Any] = json.loads(rendered)
    return body


def metric_rows(body: dict[str, Any]) -> list[tuple[str, str, tuple[tuple[str, str], ...]]]:
    """(namespace, name, dimensions) of every metric the widgets read (expressions left out)."""
    rows = []
    for widget in body["widgets"]:
        for row in widget.get("properties", {}).get("metrics", []):
            if isinstance(row[0], dict):
                continue
            parts = [part for part in row if not isinstance(part, dict)]
            namespace, name, *dimensions = parts
            rows.append((namespace, name, tuple(zip(dimensions[::2], dimensions[1::2], strict=True))))
    return rows


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return read_template()


def powertools(template: dict[str, Any]) -> tuple[str, str]:
    """The namespace and service every function's metrics carry (template Globals)."""
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    return variables["POWERTOOLS_METRICS_NAMESPACE"], variables["POWERTOOLS_SERVICE_NAME"]


def test_the_dashboard_reads_exactly_the_metric_names_the_code_defines(template: dict[str, Any]) -> None:
    namespace, service = powertools(template)
    rows = metric_rows(render(template, webhook=False))
    ours = {name for ns, name, _ in rows if ns == namespace}
    assert ours == METRIC_NAMES
    assert {dimensions for ns, _, dimensions in rows if ns == namespace} == {(("service", service),)}
    assert {ns for ns, _, _ in rows} == {namespace, "AWS/SQS"}


@pytest.mark.parametrize("webhook", [False, True])
def test_the_dashboard_shows_every_dead_letter_queue(template: dict[str, Any], webhook: bool) -> None:
    rows = metric_rows(render(template, webhook))
    depths = {
        dims[0][1]
        for ns, name, dims in rows
        if (ns, name) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    }
    queues = dead_letter_queues(template)
    conditional = {q for q in queues if template["Resources"][q].get("Condition") == "HasWebhook"}
    assert conditional == {"WebhookDeadLetterQueue"}
    expected = queues if webhook else queues - conditional
    assert depths == {f"<{queue}>" for queue in expected}


def test_every_alarm_has_a_runbook_entry(template: dict[str, Any]) -> None:
    runbook = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    section = runbook.split("## Alarms and runbook", 1)[1].split("\n## ", 1)[0]
    missing = [alarm for alarm in of_type(template, "AWS::CloudWatch::Alarm") if f"`{alarm}`" not in section]
    assert missing == []


# ---- what the handlers emit ------------------------------------------------------------------------


def emf_records(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{") and '"_aws"' in line]


def values(records: list[dict[str, Any]]) -> dict[str, list[float]]:
    """Every value of every metric, in the order printed."""
    found: dict[str, list[float]] = {}
    for record in records:
        for definition in record["_aws"]["CloudWatchMetrics"]:
            for metric in definition["Metrics"]:
                value = record[metric["Name"]]
                found.setdefault(metric["Name"], []).extend(value if isinstance(value, list) else [value])
    return found


@pytest.fixture
def metrics_on(template: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """EMF on, and the service name the template gives every function (Powertools reads it when
    observability is imported, which in this process happened long before)."""
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    monkeypatch.delenv("POWERTOOLS_DEV", raising=False)
    _, service = powertools(template)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", service)
    monkeypatch.setattr(observability.metrics, "service", service)
    yield


def test_the_functions_emit_every_metric_the_dashboard_reads(
    lambdas: Lambdas,
    table: str,
    template: dict[str, Any],
    metrics_on: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mail: MailEnv = provision_mail(table, monkeypatch)
    events = sample_body("api_post_events")["events"]
    invalid = sample_body("api_post_events_invalid")["events"]
    capsys.readouterr()

    # Ingestion: recorded, the same batch again (duplicates), one event changed (conflict), a batch
    # refused whole (rejected: each of its events), and the same partner's events for BROKEN.
    assert lambdas.ingest(api_event("api_post_events"))["statusCode"] == 200
    assert lambdas.ingest(api_event("api_post_events"))["statusCode"] == 200
    changed = {**events[0], "occurred_at": "2026-10-05T09:31:00Z"}
    assert changed != events[0]
    assert lambdas.ingest(api_event("api_post_events", body={"events": [changed]}))["statusCode"] == 409
    assert lambdas.ingest(api_event("api_post_events_invalid"))["statusCode"] == 422
    assert lambdas.ingest(api_event("api_post_events", raw_body="{not json"))["statusCode"] == 400
    assert (
        lambdas.ingest(api_event("api_post_events", body={"events": retarget(events, BROKEN)}))["statusCode"]
        == 200
    )
    append_raw_event(table, BROKEN, "J-101")  # BROKEN's J-101 cannot be read: scoring it fails

    # A review, requested now and still open when the daily coordinator runs two hours later.
    assert lambdas.api(api_event("api_put_partner"))["statusCode"] in (200, 201)
    assert lambdas.api(api_event("api_post_review"))["statusCode"] == 201
    monkeypatch.setattr(settings, "utc_now", lambda: NOW + timedelta(hours=2))
    daily_queue = os.environ["DAILY_QUEUE_URL"]
    handler("daily")({"as_of": "2026-11-01"})
    drain_queue(daily_queue, queue_arn(daily_queue), handler("daily_worker"), batch_size=1)

    # The month: ACME's snapshot email is refused once (the message of both partners fails, each is
    # split off alone), then sent; BROKEN's snapshot fails.
    real_send = SesMailer.send
    refusals: list[str] = []

    def refuse_once(self: SesMailer, message: Any) -> str:
        if not refusals:
            refusals.append(str(message["To"]))
            raise SendRejected("MessageRejected: address blacklisted")
        return real_send(self, message)

    monkeypatch.setattr(SesMailer, "send", refuse_once)
    handler("monthly_coordinator")({"month": "2026-10"})
    first = drain_snapshots(mail)
    make_visible(mail.snapshot_queue, first.failed_receipts)
    drain_snapshots(mail)
    assert refusals == ["quality@acme-precision.example"]
    assert [email["to"] for email in outbox()] == ["quality@acme-precision.example"]

    records = emf_records(capsys.readouterr().out)
    namespace, service = powertools(template)
    for record in records:
        (definition,) = record["_aws"]["CloudWatchMetrics"]
        assert (definition["Namespace"], definition["Dimensions"]) == (namespace, [["service"]])
        assert record["service"] == service
    emitted = values(records)
    dashboard = {name for ns, name, _ in metric_rows(render(template, webhook=False)) if ns == namespace}
    assert set(emitted) == dashboard

    # What each one says, worked out from the inputs above.
    assert sum(emitted["EventsRecorded"]) == 2 * len(events)  # ACME's, then BROKEN's
    assert sum(emitted["EventsDuplicate"]) == len(events)
    assert sum(emitted["EventsConflict"]) == 1
    assert emitted["EventsRejected"] == [float(len(invalid)), 1.0]  # the invalid batch; the unreadable body
    assert sum(emitted["PartnersScored"]) == 1  # ACME; BROKEN fails in the batch, then alone
    assert sum(emitted["PartnersFailed"]) == 1
    # ACME scores 74.2 as of 1 November under v1 (test_daily.py): grade C.
    grades = {grade: sum(emitted[name]) for grade, name in PARTNERS_BY_GRADE.items()}
    assert grades == {"A": 0, "B": 0, "C": 1, "D": 0}
    # The batch of both, then BROKEN alone (failed batches are timed too).
    assert len(emitted["DailyBatchDuration"]) == 2 and all(ms > 0 for ms in emitted["DailyBatchDuration"])
    assert emitted["ReviewQueueOldestAge"] == [7200.0]  # requested at NOW, measured at NOW + 2 h
    # The message of both fails whole (counted when alone): ACME alone is archived; BROKEN alone
    # fails on each of its two receives.
    assert emitted["SnapshotsArchived"] == [0.0, 1.0]
    assert emitted["SnapshotsFailed"] == [1.0, 1.0]
    assert (sum(emitted["EmailsSent"]), sum(emitted["EmailsFailed"])) == (1, 1)


def test_a_batch_too_large_to_read_again_is_one_rejected_event(
    lambdas: Lambdas, template: dict[str, Any], metrics_on: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from scorecard.api.resolver import MAX_BODY_BYTES

    capsys.readouterr()
    body = json.dumps({"events": [], "pad": "x" * MAX_BODY_BYTES})
    assert lambdas.ingest(api_event("api_post_events", raw_body=body))["statusCode"] == 413
    assert values(emf_records(capsys.readouterr().out)) == {"EventsRejected": [1.0]}
    assert lambdas.ingest(api_event("api_post_events", content_type="text/csv"))["statusCode"] == 415
    # A 415 body is still JSON: its events are counted.
    count = len(sample_body("api_post_events")["events"])
    assert values(emf_records(capsys.readouterr().out)) == {"EventsRejected": [float(count)]}
