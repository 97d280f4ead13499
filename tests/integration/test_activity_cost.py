"""Issue 20 item 1: an activity event (login, capacity update, metric) costs a bounded number of write
units wherever it falls in its month, and the daily read of activity stays small. Before, each one
updated the month's activity item in a transaction, which DynamoDB bills twice on the larger of the
item before and after: login #3,000 of a month cost 112 WRU and more. Measured with the project's
CapacityMeter (DynamoDB's billing rules applied to the calls made against moto) on the template's
table, with the largest ids the schema allows, so every item is as large as it can be."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from scorecard.adapters.aws import client
from scorecard.adapters.bulk_import import BulkImporter
from scorecard.adapters.event_store import DynamoEventStore
from scorecard.adapters.evidence_repository import EvidenceRepository
from scorecard.domain.events import EVENT_ADAPTER, Event
from scorecard.domain.policy import ScoringPolicy, load_policy
from scorecard.services.scoring import load_evidence
from scorecard_local.capacity import CapacityMeter, schemas_from_template
from scorecard_local.template_tables import find_template, load_template

PARTNER = "p" * 64  # the longest partner id (and the longest event ids below): the largest items
RECEIVED = datetime(2026, 11, 2, tzinfo=UTC)
OCTOBER = datetime(2026, 10, 1, tzinfo=UTC)
QUARTER = timedelta(minutes=15)
FULL_DAY = date(2026, 10, 30)  # a login and a capacity update in each of its 96 quarter-hours


def event_id(label: str) -> str:
    return label.ljust(128, "x")


def activity(kind: str, label: str, at: datetime, **fields: Any) -> Event:
    return EVENT_ADAPTER.validate_python(
        {
            "event_id": event_id(label),
            "type": kind,
            "partner_id": PARTNER,
            "job_id": "j" * 64,
            "occurred_at": at.isoformat(),
            **fields,
        }
    )


def login(n: int, at: datetime) -> Event:
    return activity("partner.logged_in", f"login-{n}", at)


def capacity(n: int, at: datetime) -> Event:
    return activity("partner.capacity_updated", f"capacity-{n}", at)


def metric(n: int, at: datetime) -> Event:
    return activity(
        "partner.metric_recorded",
        f"metric-{n}",
        at,
        metric="m" + "x" * 31,
        value="-123456.789012345678",
        period="2026-10",
    )


def busy_october() -> list[Event]:
    """2,999 logins (one in every quarter-hour of October, then 23 more), a capacity update in every
    quarter-hour of FULL_DAY and a metric a day."""
    quarters = [OCTOBER + QUARTER * n for n in range(31 * 96)]
    logins = [login(n + 1, at) for n, at in enumerate(quarters)]
    logins += [login(2977 + n, quarters[n] + timedelta(minutes=5)) for n in range(23)]
    day = datetime.combine(FULL_DAY, datetime.min.time(), UTC)
    updates = [capacity(n, day + QUARTER * n) for n in range(96)]
    metrics = [metric(n, OCTOBER + timedelta(days=n, hours=9)) for n in range(31)]
    return [*logins, *updates, *metrics]


@contextmanager
def metered(table: str) -> Iterator[CapacityMeter]:
    """A CapacityMeter on the shared client, the table's schema read from template.yaml."""
    schemas = schemas_from_template(load_template(find_template()), {"ScorecardTable": table})
    with CapacityMeter(client("dynamodb"), schemas) as meter:
        yield meter


def test_every_activity_event_costs_at_most_three_write_units_wherever_it_falls(table: str) -> None:
    BulkImporter(table).import_events(busy_october(), RECEIVED)
    store = DynamoEventStore(table)
    # the store has registered the partner (a first event's extra write), as for the partners of the
    # ingest benchmark
    assert store.record(login(0, datetime(2026, 9, 1, tzinfo=UTC)), RECEIVED) == "recorded"
    late = datetime.combine(FULL_DAY, datetime.min.time(), UTC) + timedelta(hours=23, minutes=50)
    measured = {
        "login #3,000 of October": login(3000, late),
        "a capacity update on the full day": capacity(96, late),
        "metric #32 of October": metric(31, late),
        "login #1 of November": login(5001, datetime(2026, 11, 1, 8, tzinfo=UTC)),
    }
    costs: dict[str, float] = {}
    units: dict[str, dict[str, float]] = {}
    for label, event in measured.items():
        with metered(table) as meter:
            assert store.record(event, RECEIVED) == "recorded"
        costs[label] = meter.wru
        units[label] = dict(meter.units)
    # before: the month item (64 KB of events, 2,976 quarter-hours and the day counters), twice in a
    # transaction: 172 WRU for October's login and capacity update, 174 for its metric, and 4 for
    # November's first login (a marker and a new month item, each twice)
    assert all(cost <= 3 for cost in costs.values()), costs
    # a login: its marker, its own item (never read by scoring) and its day's quarter-hours
    assert units["login #3,000 of October"] == {"EVENT": 1, "ACTE": 1, "ACTD": 1}
    assert units["metric #32 of October"] == {"EVENT": 1, "ACT": 1}


def test_a_duplicate_activity_event_rewrites_nothing(table: str) -> None:
    """A re-sent event fails its marker's condition (billed by DynamoDB as a write of the marker) and
    reads whether its own item is there: it is, so nothing is written again."""
    store = DynamoEventStore(table)
    event = login(1, OCTOBER)
    assert store.record(event, RECEIVED) == "recorded"
    with metered(table) as meter:
        assert store.record(event, RECEIVED) == "duplicate"
    assert (meter.wru, meter.rru) == (1, 1), dict(meter.units)


SIGNALS = ScoringPolicy.model_validate(
    load_policy("v2").model_dump()
    | {
        "extra_weights": {"nps": "0.1"},
        "signals": [
            {"name": "m" + "x" * 31, "source": "metric", "component": "nps"},
            {"name": "capacity_current", "source": "capacity_current", "component": "engagement"},
            {"name": "active_weeks", "source": "active_weeks", "component": "engagement"},
        ],
    }
)


def test_the_daily_read_of_activity_reads_four_weeks_of_quarter_hours_and_the_metrics(table: str) -> None:
    """A daily score under a policy declaring signals reads the partner's activity: what the signals
    look at (the 4 weeks before the day scored of logins and capacity updates, as quarter-hours; the
    metrics since the window can start), not every login."""
    BulkImporter(table).import_events(busy_october(), RECEIVED, record_markers=False)
    day = date(2026, 10, 31)
    with metered(table) as meter:
        evidence = load_evidence(EvidenceRepository(table), PARTNER, day, day, [SIGNALS])
    events = [EVENT_ADAPTER.validate_json(raw) for aggregate in evidence.activity for raw in aggregate.events]
    presence = [e for e in events if e.type != "partner.metric_recorded"]
    # every quarter-hour of Oct 3..31 (the 4 weeks ending on the 31st, America/New_York, begin at
    # Oct 4 04:00Z; the UTC days read begin on the 4th) with a login, and FULL_DAY's capacity updates
    assert len([e for e in presence if e.type == "partner.logged_in"]) == 28 * 96
    assert len([e for e in presence if e.type == "partner.capacity_updated"]) == 96
    assert len([e for e in events if e.type == "partner.metric_recorded"]) == 31
    # eventually consistent reads, 0.5 RRU per 4 KB of a page: the evidence query (the profile only)
    # 0.5; the metrics, 31 items of 711 bytes = 22,041 bytes -> 6 blocks = 3.0; the presence, 28 day
    # items (Oct 4..31) = 27 x 294 + 500 (FULL_DAY, both sets full) = 8,438 bytes -> 3 blocks = 1.5.
    # A day item: PK 2+72, SK 2+15, slots_login 11 + 96 x 2, slots_capacity 14 + 96 x 2.
    assert meter.read_bytes == {"PROFILE": 249, "ACT": 31 * 711, "ACTD": 27 * 294 + 500}
    assert meter.rru == 0.5 + 3.0 + 1.5, dict(meter.units)
