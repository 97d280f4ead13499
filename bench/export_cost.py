"""`BENCH export_roster_vs_reads`: a month's bonus roster export of N partners on moto, next to the
DynamoDB reads it cannot avoid, measured side by side (docs/performance.md, "The bonus roster at
100,000 partners").

Export: POST's service call, then every ExportQueue message handed to the worker's service
(services.exports.handle_page: a registry page of 500, one BatchGetItem per 100 snapshot records, the
CSV part put to S3, the conditional update, the next page queued), and the parts put together (a
multipart upload). Reads: the same registry pages and snapshot BatchGetItems in a bare loop, nothing
else. A second, metered run (scorecard_local.capacity) counts the read and write units and the
requests per partner; it is not timed (the meter re-reads what each call read).

`python -m bench.export_cost` (BENCH_QUICK=1: 200 partners; default 2,000).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bench.fixtures import moto_table

QUICK = os.environ.get("BENCH_QUICK") == "1"
PARTNERS = 200 if QUICK else 2000
MONTH = "2026-10"
LATE_LINES = 3  # late jobs listed in each snapshot (the stored record keeps up to 100)
GOAL = "<= 2 (the export adds CSV, S3 and SQS to its reads)"

Report = Callable[[str, float | str, str], None]


def _seed(table: str, partners: int) -> None:
    """Profiles and one final October snapshot each, as the monthly run stores them."""
    from scorecard.adapters.partner_repository import PartnerRepository
    from scorecard.adapters.records import PartnerProfile, SnapshotRecord
    from scorecard.adapters.snapshot_repository import SnapshotRepository
    from scorecard.schemas.snapshots import SnapshotDocument, SnapshotLineView

    profiles, snapshots = PartnerRepository(table), SnapshotRepository(table)
    now = datetime(2026, 11, 1, 0, 30, tzinfo=UTC)
    for n in range(partners):
        partner_id = f"bp{n:06d}"
        profiles.put_profile(
            PartnerProfile(partner_id, f"Partner {n}, Ltd", f"{partner_id}@example.com", "UTC", now)
        )
        lines = [
            SnapshotLineView.model_validate(
                {
                    "job_id": f"J{n}-{j}",
                    "due_date": "2026-10-10",
                    "shipped_on": "2026-10-12",
                    "days_late": 2,
                    "parts_shipped": 10,
                    "parts_inspected": 10,
                    "parts_defective": 0,
                }
            )
            for j in range(LATE_LINES)
        ]
        document = SnapshotDocument(
            partner_id=partner_id,
            month=MONTH,
            policy_version="v2",
            timezone="UTC",
            jobs_on_board=12,
            jobs_read=12,
            jobs_accepted=10,
            parts_shipped=100,
            pct_parts_on_time=90.0,
            dpt=10.0,
            value_accepted=f"{1000 + n}.50",
            pct_jobs_on_time=70.0,
            monthly_score=84,
            grade="B",
            jobs_completed=10,
            jobs_completed_on_time=7,
            tier="elite" if n % 3 == 0 else "preferred",
            bonus_eligible=n % 3 == 0,
            days_scored=31,
            days_in_bonus_tier=31 if n % 3 == 0 else 12,
            network_percentile=n % 100,
            late_jobs=lines,
            defective_jobs=[],
        )
        snapshots.save(
            SnapshotRecord(
                document,
                f"snapshots/{MONTH}/{partner_id}.json",
                f"snapshots/{MONTH}/{partner_id}.html",
                now,
                f"{partner_id}@example.com",
            )
        )


def _run_export(deps: Any, queue_url: str) -> dict[str, Any]:
    """POST, then the queue drained into the worker's service, as Lambda's poller would."""
    from scorecard.adapters.aws import client
    from scorecard.schemas.exports import BonusRosterExportIn
    from scorecard.schemas.messages import ExportPageMessage
    from scorecard.services.exports import export_view, handle_page, start_export

    now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    accepted = start_export(
        BonusRosterExportIn(kind="bonus_roster", month=MONTH),
        deps.partners,
        deps.scores,
        deps.exports,
        deps.queue,
        "bench",
        now,
        now.date(),
    )
    sqs = client("sqs")
    messages = 0
    while found := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=1).get("Messages", []):
        (message,) = found
        handle_page(ExportPageMessage.model_validate_json(message["Body"]), deps)
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        messages += 1
    view = export_view(deps.exports, deps.files, accepted.id, now)
    assert view.status == "complete" and view.rows == PARTNERS, view
    record = deps.exports.get(accepted.id)
    size = len(deps.files.read(record.object_key))
    return {"messages": messages, "bytes": size}


def _reads_only(table: str) -> int:
    """The reads the roster cannot do without: registry pages and the snapshot records."""
    from scorecard.adapters.partner_repository import PartnerRepository
    from scorecard.adapters.snapshot_repository import SnapshotRepository
    from scorecard.services.exports import PARTNERS_PER_PAGE

    partners, snapshots = PartnerRepository(table), SnapshotRepository(table)
    cursor: str | None = None
    found = 0
    while True:
        profiles, cursor = partners.registry_page(PARTNERS_PER_PAGE, cursor)
        found += len(snapshots.latest_snapshots(MONTH, [p.partner_id for p in profiles]))
        if cursor is None:
            return found


def _cpu_per_partner(table: str) -> float:
    """Seconds of our own code per partner, no AWS call: the stored snapshot items (read once,
    beforehand) parsed into records, shaped into roster rows and encoded as CSV, best of 3."""
    from scorecard.adapters import keys
    from scorecard.adapters.dynamodb import batch_get_items
    from scorecard.adapters.export_files import encode_rows
    from scorecard.adapters.partner_repository import PartnerRepository
    from scorecard.adapters.records import LatestSnapshot
    from scorecard.adapters.snapshot_repository import _snapshot
    from scorecard.services.exports import roster_row

    profiles, _ = PartnerRepository(table).registry_page(PARTNERS, None)
    items = batch_get_items(
        table,
        [
            {"PK": {"S": keys.partner_pk(p.partner_id)}, "SK": {"S": keys.snapshot_sk(MONTH)}}
            for p in profiles
        ],
    )
    by_partner = {item["partner_id"]["S"]: item for item in items}
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        rows = [roster_row(p, LatestSnapshot(_snapshot(by_partner[p.partner_id]), 1)) for p in profiles]
        encode_rows(rows)
        best = min(best, time.perf_counter() - started)
    return best / len(profiles)


def bench_export(report: Report) -> None:
    from scorecard.adapters.aws import client
    from scorecard.adapters.evidence_repository import EvidenceRepository
    from scorecard.adapters.export_files import CsvExportFiles
    from scorecard.adapters.export_repository import ExportRepository
    from scorecard.adapters.partner_repository import PartnerRepository
    from scorecard.adapters.queue import SqsQueue
    from scorecard.adapters.score_repository import ScoreRepository
    from scorecard.adapters.snapshot_repository import SnapshotRepository
    from scorecard.domain.policy import load_policy
    from scorecard.services.exports import ExportDeps
    from scorecard_local.capacity import CapacityMeter, schemas_from_template
    from scorecard_local.template_tables import find_template, load_template

    class Fixed:
        def active_on(self, day: Any) -> Any:
            return load_policy()

    with moto_table() as table:
        _seed(table, PARTNERS)
        client("s3").create_bucket(Bucket="bench-exports")
        queue_url = client("sqs").create_queue(QueueName="bench-exports")["QueueUrl"]
        deps = ExportDeps(
            exports=ExportRepository(table),
            files=CsvExportFiles("bench-exports"),
            partners=PartnerRepository(table),
            scores=ScoreRepository(table),
            snapshots=SnapshotRepository(table),
            evidence=EvidenceRepository(table),
            policies=Fixed(),
            queue=SqsQueue(queue_url),
            clock=lambda: datetime.now(UTC),
        )
        # Side by side, alternating, twice each: export, reads, reads, export.
        export_s: list[float] = []
        reads_s: list[float] = []
        shape: dict[str, Any] = {}
        for step in ("export", "reads", "reads", "export"):
            started = time.perf_counter()
            if step == "export":
                shape = _run_export(deps, queue_url)
                export_s.append(time.perf_counter() - started)
            else:
                assert _reads_only(table) == PARTNERS
                reads_s.append(time.perf_counter() - started)

        cpu_s = _cpu_per_partner(table)
        schemas = schemas_from_template(load_template(find_template()), {"ScorecardTable": table})
        with CapacityMeter(client("dynamodb"), schemas) as meter:
            _run_export(deps, queue_url)
            rru, wru = meter.rru, meter.wru
            calls = dict(meter.calls)
            read_bytes = dict(meter.read_bytes)

    export_ms = min(export_s) * 1000 / PARTNERS
    reads_ms = min(reads_s) * 1000 / PARTNERS
    report("export_roster_s", min(export_s), f"{PARTNERS} partners, {shape['messages']} messages")
    report("export_roster_ms_per_partner", export_ms, "POST to complete, moto in-process")
    report("export_reads_ms_per_partner", reads_ms, "registry pages + snapshot BatchGetItems only")
    report("export_roster_vs_reads", export_ms / reads_ms, GOAL)
    report("export_bytes_per_row", shape["bytes"] / PARTNERS, "the CSV, header included")
    report("export_rru_per_partner", rru / PARTNERS, "read units billed (scorecard_local.capacity)")
    report("export_wru_per_partner", wru / PARTNERS, "write units billed: the export item's updates")
    report("export_cpu_ms_per_partner", cpu_s * 1000, "parse the snapshot record, shape the row, encode CSV")
    report("export_dynamodb_calls", str(calls), f"for {PARTNERS} partners")
    report("export_read_bytes_per_partner", str({k: round(v / PARTNERS) for k, v in read_bytes.items()}), "")


def main() -> int:
    def report(name: str, value: float | str, goal: str = "") -> None:
        text = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"BENCH {name} {text}  {goal}", flush=True)

    bench_export(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
