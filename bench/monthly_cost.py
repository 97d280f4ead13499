"""`BENCH monthly_ratio`: the monthly snapshot run per partner against the bare S3 and SES requests it
sends, side by side on moto in one run (issue 20, goal <= 1.3); `monthly_ms_per_partner`; and, as
daily_ratio measures the daily run, `monthly_vs_all_calls`: the same run against every DynamoDB, S3
and SES request it sends.

Ours: the coordinator queues the registry (services.monthly.queue_month), then each message is
worked as the monthly worker works it (services.monthly.process_snapshot_message): per partner the
month is assembled (the message's profiles, the evidence, the month's history points, the 12-month
trend), the snapshot computed, the email's text and HTML and the archived page rendered, the JSON
and HTML put to S3, the record saved, the once-only claim taken, the email sent through SES and the
claim marked sent. Baselines: requests ours sent, captured as ours sent them (the same bytes, the
same count, in order) and replayed in a bare loop: its S3 puts and SES sends ("bare"), or every
request but SQS ("all").

The network is in a steady state first, untimed: 30 jobs a partner, a profile with an address, the
month's 31 daily history points and 11 earlier snapshots (the trend). An untimed run of ours records
the requests; then runs go ours, bare, claimed, all, all, claimed, bare, ours ("claimed": the bare
requests and the claim's two writes, in order). The month's records and claims are cleared before
each run of ours and each replay that writes them, so each publishes revision 1, claims and sends
again. SES is unpaced here: the pacing is a wait, costed on paper in docs/performance.md. The write
and read units come from one more message under bench/run.py's capacity meter.

`python -m bench.monthly_cost` runs it alone (BENCH_QUICK=1: fewer partners); bench/run.py calls
`bench_monthly(report)`.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.fixtures import capacity_meter, load_network, moto_table, partner_id

QUICK = os.environ.get("BENCH_QUICK") == "1"
PARTNERS = 50 if QUICK else 100  # messages of 25
JOBS = 30
MONTH = "2026-10"  # bench.fixtures' jobs run from late September to AS_OF (2026-11-20)
TREND_MONTHS = 11  # earlier snapshots a partner of a year has
SENDER = "scorecard@bench.example"
GOAL = "<= 1.3"

Report = Callable[[str, float | str, str], None]


class _Calls:
    """Every DynamoDB, S3 and SES request sent while `capturing`, in order: (service, operation, the
    parameters as the caller passed them: the same bytes). SQS is left out, as from daily_ratio."""

    def __init__(self) -> None:
        from scorecard.adapters.aws import client

        self.capturing = False
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        # The operations ours sends (a pre-signed link builds GetObject's parameters and sends none).
        for service, event in (("dynamodb", ""), ("s3", ".PutObject"), ("ses", ".SendRawEmail")):
            client(service).meta.events.register(
                f"before-parameter-build.{service}{event}", functools.partial(self._record, service)
            )

    def _record(self, service: str, params: dict[str, Any], model: Any, **_: Any) -> None:
        if self.capturing:
            self.calls.append((service, model.name, copy.deepcopy(params)))

    def count(self, service: str, operation: str | None = None) -> int:
        return sum(s == service and operation in (None, o) for s, o, _ in self.calls)

    def of(self, *services: str) -> list[tuple[str, str, dict[str, Any]]]:
        return [call for call in self.calls if call[0] in services]


def bench_monthly(report: Report) -> None:
    from scorecard.adapters.aws import client
    from scorecard.adapters.evidence_repository import EvidenceRepository
    from scorecard.adapters.mail_claims import MailClaims
    from scorecard.adapters.mailer import Pacer, SesMailer
    from scorecard.adapters.partner_repository import PartnerRepository
    from scorecard.adapters.policy_repository import PolicyRepository
    from scorecard.adapters.queue import SqsQueue
    from scorecard.adapters.score_repository import ScoreRepository
    from scorecard.adapters.snapshot_archive import SnapshotArchive
    from scorecard.adapters.snapshot_repository import SnapshotRepository
    from scorecard.domain.policy import DEFAULT_POLICY_VERSION
    from scorecard.services.mail_once import MailOut
    from scorecard.services.monthly import MonthlyDeps
    from scorecard.services.policies import PolicyCatalog

    with moto_table() as table:
        load_network(table, range(PARTNERS), JOBS)
        bucket = _provision()
        sqs = client("sqs")
        queue = SqsQueue(sqs.create_queue(QueueName="bench-monthly")["QueueUrl"])
        deps = MonthlyDeps(
            partners=PartnerRepository(table),
            evidence=EvidenceRepository(table),
            scores=ScoreRepository(table),
            snapshots=SnapshotRepository(table),
            archive=SnapshotArchive(bucket),
            policies=PolicyCatalog(PolicyRepository(table), DEFAULT_POLICY_VERSION),
            mail=MailOut(
                claims=MailClaims(table),
                mailer=SesMailer(SENDER, Pacer(0.0)),
                sender=SENDER,
                clock=lambda: datetime.now(UTC),
                lease=timedelta(minutes=15),
            ),
        )
        _steady_state(table, deps)
        calls = _Calls()

        calls.capturing = True  # untimed: copying every request's parameters is the bench's cost
        recorded = run_ours_monthly(deps, queue)
        calls.capturing = False
        assert recorded == PARTNERS, recorded
        assert (calls.count("s3"), calls.count("ses")) == (2 * PARTNERS, PARTNERS), calls.calls[:3]
        s3_kb = sum(len(params["Body"]) for _, _, params in calls.of("s3")) / PARTNERS / 1024
        bare, every = calls.of("s3", "ses"), calls.calls
        # ours, bare, claimed, all, all, claimed, bare, ours: each side's total carries the same share
        # of a machine that speeds up or slows down during the step (daily_ratio's reasoning).
        claimed = [call for call in every if call[0] != "dynamodb" or _is_claim(call[2])]
        assert len(claimed) - len(bare) == 2 * PARTNERS, len(claimed)  # claim, then mark it sent
        _clear_month(table)
        ours_first, sent = _timed(lambda: run_ours_monthly(deps, queue))
        assert sent == PARTNERS, sent
        baseline = _timed(lambda: replay(bare))[0]
        _clear_month(table)  # the record and the claims are conditional writes: a clean slate
        floor = _timed(lambda: replay(claimed))[0]
        all_calls = 0.0
        for _ in range(2):
            _clear_month(table)
            all_calls += _timed(lambda: replay(every))[0]
        _clear_month(table)
        floor += _timed(lambda: replay(claimed))[0]
        baseline += _timed(lambda: replay(bare))[0]
        _clear_month(table)
        ours_again, resent = _timed(lambda: run_ours_monthly(deps, queue))
        assert resent == PARTNERS, resent
        ours = ours_first + ours_again
        requests = calls.count("dynamodb") / PARTNERS
        mix = {
            op: calls.count("dynamodb", op) / PARTNERS
            for op in sorted({o for s, o, _ in calls.of("dynamodb")})
        }
        _clear_month(table)
        units = _metered(table, deps)
    per = 2 * PARTNERS  # each side ran twice
    report("monthly_ours_s", ours, "")
    report("monthly_baseline_s", baseline, "")
    report("monthly_ratio", ours / baseline, f"{GOAL} (vs its S3 puts and SES sends alone)")
    report(
        "monthly_claimed_floor_ratio",
        floor / baseline,
        "(its S3 puts, SES sends and the claim's two writes alone, replayed: the least a worker that "
        "claims before it sends can measure here, before it reads or renders anything)",
    )
    report("monthly_ms_per_partner", 1000 * ours / per, "")
    report("monthly_s3_ses_ms_per_partner", 1000 * baseline / per, "(the bare replay)")
    report(
        "monthly_dynamodb_ms_per_partner",
        1000 * (all_calls - baseline) / per,
        "(its DynamoDB requests, replayed)",
    )
    report(
        "monthly_own_ms_per_partner", 1000 * (ours - all_calls) / per, "(ours less every request it sends)"
    )
    report(
        "monthly_vs_all_calls", ours / all_calls, f"{GOAL} (vs every DynamoDB, S3 and SES request it sends)"
    )
    report("monthly_dynamodb_requests_per_partner", requests, "")
    report("monthly_dynamodb_request_mix", json.dumps({op: round(n, 3) for op, n in mix.items()}), "")
    report("monthly_wru_per_partner", units[0], "")
    report("monthly_rru_per_partner", units[1], "")
    report("monthly_units_per_partner", json.dumps(units[3]), "")
    report("monthly_s3_kb_per_partner", s3_kb, "(the JSON and the HTML page)")
    report("monthly_email_kb", units[2], "(the raw MIME message)")


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def run_ours_monthly(deps: Any, queue: Any) -> int:
    """The coordinator, then every message as the worker works it; the number of emails sent."""
    from scorecard.adapters.aws import client
    from scorecard.domain.snapshot import Month
    from scorecard.schemas.messages import SnapshotBatchMessage
    from scorecard.services.monthly import process_snapshot_message, queue_month

    sqs = client("sqs")
    queue_month(deps.partners, queue, Month.parse(MONTH))
    sent = 0
    while messages := sqs.receive_message(QueueUrl=queue.url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            batch = SnapshotBatchMessage.model_validate_json(message["Body"])
            outcomes = process_snapshot_message(deps, batch, queue)
            sent += sum(outcome.email == "sent" for outcome in outcomes)
            sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=message["ReceiptHandle"])
    return sent


def replay(calls: list[tuple[str, str, dict[str, Any]]]) -> int:
    """The floor: requests ours sent, again, in the same order, with nothing else."""
    from botocore import xform_name
    from scorecard.adapters.aws import client

    for service, operation, params in calls:
        getattr(client(service), xform_name(operation))(**params)
    return len(calls)


def _provision() -> str:
    """The snapshot bucket as template.yaml declares it (versioned, encrypted) and the verified
    sender; the bucket's name."""
    from scorecard.adapters.aws import client
    from scorecard_local.template_resources import LocalResources, create_buckets
    from scorecard_local.template_tables import find_template, load_template

    resources = LocalResources()
    create_buckets(client("s3"), load_template(find_template()), "bench", resources)
    client("ses").verify_email_identity(EmailAddress=SENDER)
    return resources.refs["SnapshotBucket"]


def _steady_state(table: str, deps: Any) -> None:
    """Untimed: each partner's profile with an address, the month's 31 daily history points and the
    11 snapshots before it (the trend). The first partner's month is scored and snapshotted for real
    (its last day by the daily run, the month without email); every partner gets copies of those
    items, a history point a day and a snapshot record a month."""
    from scorecard.adapters import keys
    from scorecard.adapters.aws import client
    from scorecard.adapters.dynamodb import batch_writer
    from scorecard.adapters.records import PartnerProfile
    from scorecard.domain.snapshot import Month
    from scorecard.services.daily import score_partners
    from scorecard.services.monthly import snapshot_partner

    month = Month.parse(MONTH)
    now = datetime.now(UTC)
    ids = [partner_id(n) for n in range(PARTNERS)]
    for pid in ids:
        deps.partners.put_profile(PartnerProfile(pid, f"{pid} Works", f"{pid}@bench.example", "UTC", now))
    policy = deps.policies.active_on(month.last_day)
    score_partners(deps.evidence, deps.scores, ids[:1], month.last_day, policy, now)
    snapshot_partner(deps, ids[0], month, policy, email=False)

    def item_of(sk: str) -> dict[str, Any]:
        key = {"PK": {"S": keys.partner_pk(ids[0])}, "SK": {"S": sk}}
        return dict(client("dynamodb").get_item(TableName=table, Key=key)["Item"])

    point, record = item_of(keys.history_sk(month.last_day)), item_of(keys.snapshot_sk(MONTH))
    with batch_writer(table) as batch:
        for pid in ids:
            pk = {"S": keys.partner_pk(pid)}
            for day in range(1, month.last_day.day + 1):
                on = date(month.year, month.month, day)
                text = point["point"]["S"].replace(month.last_day.isoformat(), on.isoformat())
                batch.put_item(
                    Item={**point, "PK": pk, "SK": {"S": keys.history_sk(on)}, "point": {"S": text}}
                )
            earlier = month
            for _ in range(TREND_MONTHS):
                earlier = earlier.previous()
                batch.put_item(
                    Item={
                        **record,
                        "PK": pk,
                        "SK": {"S": keys.snapshot_sk(str(earlier))},
                        "partner_id": {"S": pid},
                        "month": {"S": str(earlier)},
                    }
                )


def _metered(table: str, deps: Any) -> tuple[float, float, float, dict[str, float]]:
    """Untimed: one message of the month again (its claims cleared) under the capacity meter: write
    and read units per partner, the email's size in KB, and the units per kind of item."""
    from scorecard.schemas.messages import SNAPSHOT_BATCH_SIZE, SnapshotBatchMessage
    from scorecard.services.monthly import snapshot_batch

    partners = [partner_id(n) for n in range(SNAPSHOT_BATCH_SIZE)]
    calls = _Calls()
    calls.capturing = True
    with capacity_meter(table) as meter:
        work = snapshot_batch(deps, SnapshotBatchMessage(month=MONTH, partner_ids=partners))
    calls.capturing = False
    assert not work.failed and meter.failed == 0, (work.failed, meter.failed)
    sizes = [len(params["RawMessage"]["Data"]) for _, _, params in calls.of("ses")]
    count = len(partners)
    units = {
        label: round(value / count, 3) for label, value in sorted(meter.units.items(), key=lambda kv: -kv[1])
    }
    return meter.wru / count, meter.rru / count, sum(sizes) / len(sizes) / 1024, units


def _is_claim(params: dict[str, Any]) -> bool:
    """A write of the month's once-only email claim (taking it, marking it sent)."""
    from scorecard.adapters import keys

    claim = keys.mail_claim_sk(keys.MAIL_KIND_SNAPSHOT, MONTH)
    return "UpdateExpression" in params and params["Key"]["SK"]["S"] == claim


def _clear_month(table: str) -> None:
    """Untimed: forget the month's snapshot records and email claims (both conditional writes), so
    that the next run publishes revision 1 and sends again, as the first did."""
    from scorecard.adapters import keys
    from scorecard.adapters.aws import client

    dynamodb = client("dynamodb")
    for n in range(PARTNERS):
        pk = {"S": keys.partner_pk(partner_id(n))}
        for sk in (keys.snapshot_sk(MONTH), keys.mail_claim_sk(keys.MAIL_KIND_SNAPSHOT, MONTH)):
            dynamodb.delete_item(TableName=table, Key={"PK": pk, "SK": {"S": sk}})


def main() -> int:
    def report(name: str, value: float | str, goal: str = "") -> None:
        text = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"BENCH {name} {text}" + (f"  (goal {goal})" if goal else ""), flush=True)

    bench_monthly(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
