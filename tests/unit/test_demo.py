"""The demo network (scorecard_local.demo): deterministic, valid per docs/api.md, causally ordered, and
rich enough that scoring it (docs/scoring.md) spreads over grades and tiers and hits every rule."""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from statistics import median
from zoneinfo import ZoneInfo

import pytest
from scorecard.domain.events import (
    EVENT_ADAPTER,
    MAX_EVENTS_PER_BATCH,
    Event,
    EventBatch,
    JobAccepted,
    JobCancelled,
    JobDocumentUploaded,
    JobDueDateChanged,
    JobInspected,
    JobOffered,
    JobRead,
    JobReceived,
    JobRejected,
    JobShipped,
    JobStatusUpdated,
    PartnerCapacityUpdated,
    PartnerLoggedIn,
    PartnerUpdateRequested,
    PartnerUpdateResponded,
)
from scorecard.domain.grading import tier_for
from scorecard.domain.jobs import JobState, fold_job
from scorecard.domain.policy import ScoringPolicy, Tier, load_policy
from scorecard.domain.requests import UpdateRequest, fold_request
from scorecard.domain.scoring import ScoreResult, compute_success_score
from scorecard.domain.window import day_end
from scorecard_local.demo import ARCHETYPES, XSS_NAME, DemoNetwork, demo_network

TODAY = date(2026, 3, 15)
END = datetime(2026, 3, 16, tzinfo=UTC)  # the end of TODAY (exclusive)
POLICY: ScoringPolicy = load_policy("v1")
UTC_ZONE = ZoneInfo("UTC")

EVENT_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
ENTITY_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
JOB_ID = re.compile(r"^J-\d{5}$")
NCMR_ID = re.compile(r"^NCMR-\d{4}-\d{4}$")


@dataclass(frozen=True)
class Scored:
    profile: str
    jobs: tuple[JobState, ...]
    requests: tuple[UpdateRequest, ...]
    result: ScoreResult

    @property
    def tier(self) -> Tier | None:
        score = self.result.score
        return None if score is None else tier_for(score, self.result.provisional, POLICY)


def job_events(network: DemoNetwork) -> dict[tuple[str, str], list[Event]]:
    grouped: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for event in network.events:
        if event.type.startswith("job."):
            assert event.job_id is not None
            grouped[(event.partner_id, event.job_id)].append(event)
    return grouped


def request_events(network: DemoNetwork) -> dict[tuple[str, str], list[Event]]:
    grouped: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for event in network.events:
        if isinstance(event, PartnerUpdateRequested | PartnerUpdateResponded):
            grouped[(event.partner_id, event.request_id)].append(event)
    return grouped


def score_network(network: DemoNetwork, today: date) -> dict[str, Scored]:
    """Fold every job and update request as of the end of `today` and score each partner."""
    until = day_end(today, POLICY.zone)
    jobs: dict[str, list[JobState]] = defaultdict(list)
    requests: dict[str, list[UpdateRequest]] = defaultdict(list)
    for (partner_id, job_id), events in job_events(network).items():
        jobs[partner_id].append(fold_job(partner_id, job_id, events, until=until))
    for (partner_id, request_id), events in request_events(network).items():
        requests[partner_id].append(fold_request(request_id, events, until=until))
    return {
        p.partner_id: Scored(
            p.profile,
            tuple(jobs[p.partner_id]),
            tuple(requests[p.partner_id]),
            compute_success_score(jobs[p.partner_id], requests[p.partner_id], today, POLICY),
        )
        for p in network.partners
    }


@pytest.fixture(scope="module")
def network() -> DemoNetwork:
    return demo_network(TODAY)


@pytest.fixture(scope="module")
def scored(network: DemoNetwork) -> dict[str, Scored]:
    return score_network(network, TODAY)


@pytest.fixture(scope="module")
def jobs(scored: dict[str, Scored]) -> list[JobState]:
    return [job for s in scored.values() for job in s.jobs]


# ---- determinism, shape, validity -------------------------------------------------------------------


def test_same_arguments_give_the_same_network(network: DemoNetwork) -> None:
    again = demo_network(TODAY)
    assert again == network
    assert [e.model_dump() for e in again.events] == [e.model_dump() for e in network.events]


def test_seed_and_date_change_the_network(network: DemoNetwork) -> None:
    assert demo_network(TODAY, seed=7).events != network.events
    shifted = demo_network(TODAY + timedelta(days=1))
    assert max(e.occurred_at for e in shifted.events) > max(e.occurred_at for e in network.events)


def test_generation_is_fast() -> None:
    started = time.perf_counter()
    demo_network(TODAY)
    assert time.perf_counter() - started < 10  # about 0.2 s alone; generous for a shared, loaded machine


def test_size_is_what_the_local_stack_can_ingest(network: DemoNetwork) -> None:
    assert 4_000 <= len(network.events) < 10_000
    assert len(network.partners) == 36


def test_partners(network: DemoNetwork) -> None:
    partners = network.partners
    ids = [p.partner_id for p in partners]
    assert len(set(ids)) == len(ids)
    assert all(ENTITY_ID.match(i) for i in ids)
    assert [p.name for p in partners].count(XSS_NAME) == 1
    assert XSS_NAME == '<script>alert("x")</script> Fabrication'
    assert len({p.name for p in partners}) == len(partners)
    assert 2 <= sum(p.email is None for p in partners) <= 3
    assert all(re.match(r"^ops@[a-z0-9-]+\.example$", p.email) for p in partners if p.email)
    for p in partners:
        ZoneInfo(p.timezone)  # a real IANA zone
    assert {"America/Chicago", "America/New_York", "Europe/Berlin", "UTC"} <= {p.timezone for p in partners}
    assert {p.profile for p in partners} == set(ARCHETYPES)


def test_every_event_revalidates_as_ingestion_would(network: DemoNetwork) -> None:
    context = {"now": END}
    dumped = [e.model_dump(mode="json") for e in network.events]
    for event, data in zip(network.events, dumped, strict=True):
        assert EVENT_ADAPTER.validate_python(data, context=context) == event
    for start in range(0, len(dumped), MAX_EVENTS_PER_BATCH):
        batch = EventBatch.model_validate(
            {"events": dumped[start : start + MAX_EVENTS_PER_BATCH]}, context=context
        )
        assert len(batch.events) == len(dumped[start : start + MAX_EVENTS_PER_BATCH])


def test_event_ids_are_unique_and_well_formed(network: DemoNetwork) -> None:
    ids = [e.event_id for e in network.events]
    assert len(set(ids)) == len(ids)
    assert all(EVENT_ID.match(i) for i in ids)
    assert all(i.startswith(e.partner_id + ":") for i, e in zip(ids, network.events, strict=True))


def test_events_are_aware_ordered_and_end_with_today(network: DemoNetwork) -> None:
    events = network.events
    assert all(e.occurred_at.utcoffset() is not None for e in events)
    assert all(e.occurred_at < END for e in events)
    assert list(events) == sorted(events, key=lambda e: (e.occurred_at, e.event_id))
    assert min(e.occurred_at for e in events) >= datetime(2025, 8, 15, tzinfo=UTC)  # 7 months back
    assert max(e.occurred_at for e in events) >= END - timedelta(days=2)  # history runs up to today


def test_job_ids_are_globally_unique(network: DemoNetwork) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for (partner_id, job_id), _ in job_events(network).items():
        owners[job_id].add(partner_id)
    assert all(JOB_ID.match(job_id) for job_id in owners)
    assert all(len(partners) == 1 for partners in owners.values())


def test_offers_carry_realistic_values(network: DemoNetwork) -> None:
    offers = [e for e in network.events if isinstance(e, JobOffered)]
    assert all(Decimal("50") <= o.value <= Decimal("25000") for o in offers)
    assert all(o.value == o.value.quantize(Decimal("0.01")) for o in offers)
    assert all(1 <= o.part_count <= 500 for o in offers)
    assert all(o.due_date > o.occurred_at.date() for o in offers)
    assert max(o.part_count for o in offers) >= 200
    assert min(o.value for o in offers) < 200 < 10_000 < max(o.value for o in offers)


# ---- causality ----------------------------------------------------------------------------------------


def _times(events: list[Event], kind: type) -> list[datetime]:
    return [e.occurred_at for e in events if isinstance(e, kind)]


def test_each_job_unfolds_in_causal_order(network: DemoNetwork) -> None:
    for key, events in job_events(network).items():
        events = sorted(events, key=lambda e: e.occurred_at)
        assert isinstance(events[0], JobOffered), key
        assert sum(isinstance(e, JobOffered) for e in events) == 1, key
        offered = events[0].occurred_at
        assert all(e.occurred_at > offered for e in events[1:]), key
        read = _times(events, JobRead)
        answered = _times(events, JobAccepted) + _times(events, JobRejected)
        accepted = _times(events, JobAccepted)
        statuses = _times(events, JobStatusUpdated)
        documents = _times(events, JobDocumentUploaded)
        shipped = _times(events, JobShipped)
        inspected = _times(events, JobInspected)
        received = _times(events, JobReceived)
        cancelled = _times(events, JobCancelled)
        changes = _times(events, JobDueDateChanged)
        assert len(read) <= 1 and len(answered) <= 1 and len(received) <= 1 and len(cancelled) <= 1, key
        if answered:
            assert read and read[0] < answered[0], key
        for later in (statuses, documents, shipped, cancelled, changes):
            if later:
                assert accepted and accepted[0] < min(later), key
        if shipped:
            assert max(statuses + documents + changes, default=offered) < shipped[0], key
            assert not cancelled, key
        if inspected:
            assert shipped and max(shipped) < min(inspected), key
        if received:
            assert shipped and max(shipped + inspected) < received[0], key


def test_update_requests_pair_up(network: DemoNetwork) -> None:
    grouped = request_events(network)
    assert grouped
    job_ids = {job_id for _, job_id in job_events(network)}
    for key, events in grouped.items():
        requested = [e for e in events if isinstance(e, PartnerUpdateRequested)]
        responded = [e for e in events if isinstance(e, PartnerUpdateResponded)]
        assert len(requested) == 1 and len(responded) <= 1, key
        assert requested[0].job_id in job_ids
        if responded:
            assert requested[0].occurred_at < responded[0].occurred_at, key


# ---- the scenarios the network must contain -------------------------------------------------------


def test_shipments_never_exceed_the_parts_ordered(jobs: list[JobState]) -> None:
    for job in jobs:
        assert job.part_count is not None
        assert job.parts_shipped <= job.part_count, job.job_id
        completion = job.completion(UTC_ZONE)
        if job.shipments and completion is not None:
            assert job.parts_shipped == job.part_count, job.job_id
    # a partial shipment still under way at the end of today (the rest ships later)
    assert any(0 < job.parts_shipped < (job.part_count or 0) for job in jobs)


def test_late_and_on_time_jobs(jobs: list[JobState]) -> None:
    completions = [c for c in (job.completion(UTC_ZONE) for job in jobs) if c and c.via == "shipment"]
    late = [c for c in completions if not c.on_time]
    assert len(late) >= 20
    assert len(completions) - len(late) >= 100
    assert max(c.days_late for c in late) >= 7


def test_defective_inspections_carry_ncmr_and_report(network: DemoNetwork) -> None:
    inspections = [e for e in network.events if isinstance(e, JobInspected)]
    defective = [e for e in inspections if e.parts_defective]
    assert len(defective) >= 10
    assert any(e.parts_defective == 0 for e in inspections)
    ncmrs = [e.ncmr_id for e in defective]
    assert all(n is not None and NCMR_ID.match(n) for n in ncmrs)
    assert len(set(ncmrs)) == len(ncmrs)
    assert all(e.ncmr_id is None for e in inspections if not e.parts_defective)
    for e in defective:
        assert e.report_url is not None
        assert re.fullmatch(rf"https://reports\.example/insp/{e.job_id}(-\d)?\.pdf", e.report_url)


def test_partial_shipments(jobs: list[JobState]) -> None:
    counts = [len(job.shipments) for job in jobs if job.shipments]
    assert any(n == 2 for n in counts)
    assert any(n == 3 for n in counts)
    assert max(counts) <= 3


def test_due_date_changes(jobs: list[JobState]) -> None:
    by_customer = [j for j in jobs if any(c.changed_by == "customer" for c in j.due_date_changes)]
    by_partner = [j for j in jobs if any(c.changed_by == "partner" for c in j.due_date_changes)]
    assert by_customer and by_partner
    for job in by_customer:
        assert job.offered_due_date is not None and job.due_date is not None
        assert job.due_date > job.offered_due_date  # the customer moved it later
    for job in by_partner:  # a partner-asked extension moves nothing
        customer = [c.due_date for c in job.due_date_changes if c.changed_by == "customer"]
        assert job.due_date == (customer[-1] if customer else job.offered_due_date)
        assert any(c.due_date > (job.due_date or c.due_date) for c in job.due_date_changes)
    assert any(j.due_date == j.offered_due_date for j in by_partner)


def test_cancellations(jobs: list[JobState]) -> None:
    by_partner = [j for j in jobs if j.cancelled_by == "partner"]
    by_customer = [j for j in jobs if j.cancelled_by == "customer"]
    assert by_customer and all(j.voided_by_other_party for j in by_customer)
    assert by_partner
    for job in by_partner:
        completion = job.completion(UTC_ZONE)
        assert completion is not None and completion.via == "partner_cancellation" and not completion.on_time


def test_documents_status_updates_and_engagement(network: DemoNetwork, jobs: list[JobState]) -> None:
    requiring = [j for j in jobs if j.required_documents and j.shipments]
    assert any(j.all_documents_uploaded for j in requiring)
    assert any(j.documents and not j.all_documents_uploaded for j in requiring)
    assert any(not j.documents for j in requiring)
    assert any(j.status_updates for j in jobs) and any(j.shipments and not j.status_updates for j in jobs)
    assert any(j.first_read_at is None for j in jobs)  # unread offers
    assert any(j.first_read_at is not None and j.answered_at is None for j in jobs)  # read, unanswered
    assert any(j.rejected_at is not None for j in jobs)
    assert any(j.received_at is not None for j in jobs)
    assert any(s.direct_to_customer for j in jobs for s in j.shipments)
    assert any(isinstance(e, PartnerLoggedIn) for e in network.events)
    assert any(isinstance(e, PartnerCapacityUpdated) for e in network.events)
    rejected = [e for e in network.events if isinstance(e, JobRejected)]
    assert any(e.feedback for e in rejected) and any(e.feedback is None for e in rejected)


def test_update_requests_answered_in_and_out_of_time(scored: dict[str, Scored]) -> None:
    limit = timedelta(hours=POLICY.update_response_hours)
    requests = [r for s in scored.values() for r in s.requests]
    assert any(r.answered_within(limit) for r in requests)
    assert any(r.responded_at is not None and not r.answered_within(limit) for r in requests)
    assert any(r.responded_at is None for r in requests)
    fast = {p: [r.answered_within(limit) for r in s.requests] for p, s in scored.items() if s.requests}
    share = {p: sum(v) / len(v) for p, v in fast.items()}
    by_profile: dict[str, list[float]] = defaultdict(list)
    for partner_id, value in share.items():
        by_profile[scored[partner_id].profile].append(value)
    assert median(by_profile["excellent"]) > median(by_profile["slow-responder"])


# ---- scoring the network --------------------------------------------------------------------------


def _by_profile(scored: dict[str, Scored]) -> dict[str, list[Scored]]:
    grouped: dict[str, list[Scored]] = defaultdict(list)
    for s in scored.values():
        grouped[s.profile].append(s)
    return grouped


def test_archetypes_shape_the_scores(scored: dict[str, Scored]) -> None:
    profiles = _by_profile(scored)
    assert all(s.result.score is None for s in profiles["dormant"])
    for s in profiles["new"]:
        completed = [j for j in s.jobs if j.completion(UTC_ZONE) is not None]
        assert 1 <= len(completed) < 10
        assert s.result.score is not None and s.result.provisional
        assert s.tier != "elite"  # a provisional score cannot reach the top tier

    def mid(profile: str) -> Decimal:
        return Decimal(median(s.result.score for s in profiles[profile] if s.result.score is not None))

    assert mid("excellent") >= 95
    assert mid("excellent") > mid("good") > mid("late-shipper")
    assert mid("good") > mid("declining")
    assert mid("declining") < 70
    assert all(s.tier == "elite" for s in profiles["excellent"])


def _spread(scored: dict[str, Scored]) -> Iterator[str]:
    yield from (f"{pid}: {s.profile} {s.result.score} {s.result.grade} {s.tier}" for pid, s in scored.items())


@pytest.mark.parametrize(("today", "seed"), [(TODAY, 2026), (date(2025, 7, 1), 1), (date(2026, 12, 31), 42)])
def test_scores_spread_over_grades_and_tiers(today: date, seed: int) -> None:
    network = demo_network(today, seed=seed)
    scored = score_network(network, today)
    results = [s.result for s in scored.values()]
    detail = "\n".join(_spread(scored))
    assert len({r.grade for r in results if r.grade is not None}) >= 3, detail
    assert {r.grade for r in results} >= {"A", "B", "C", "D"}, detail
    assert any(r.provisional for r in results), detail
    assert any(r.score is None for r in results), detail
    tiers = {s.tier for s in scored.values() if s.tier is not None}
    assert len(tiers) >= 3, detail
    assert tiers == {"elite", "preferred", "standard", "probation"}, detail


@pytest.mark.parametrize(("partners", "months"), [(1, 1), (5, 2), (9, 12), (80, 7)])
def test_other_sizes(partners: int, months: int) -> None:
    network = demo_network(TODAY, partners=partners, months=months)
    assert len(network.partners) == partners
    assert len({p.partner_id for p in network.partners}) == partners
    assert [p.name for p in network.partners].count(XSS_NAME) == 1
    assert len({e.event_id for e in network.events}) == len(network.events)
    assert all(e.occurred_at < END for e in network.events)
    context = {"now": END}
    for event in network.events:
        EVENT_ADAPTER.validate_python(event.model_dump(mode="json"), context=context)


def test_rejects_empty_networks() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        demo_network(TODAY, partners=0)


def test_every_multi_line_command_in_the_run_banner_continues_with_a_backslash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`make run` prints commands to paste; one split over two lines without its backslash ran as
    two broken commands (the export's, found in the printout)."""
    from scorecard_local import run

    monkeypatch.setenv(run.SECRET_ENV, "x" * 32)
    lines = run.where_to_look("http://127.0.0.1:8000", "acme-01").splitlines()
    continued = [(line, after) for line, after in pairwise(lines) if after.startswith(" " * 18)]
    assert len(continued) == 2  # the backtest's and the export's POST bodies
    assert all(line.endswith(" \\") for line, _ in continued), continued
