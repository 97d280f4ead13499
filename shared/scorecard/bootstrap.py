"""The composition root: builds repositories, queues, mailer, bus, clock and policy from one Settings,
once per cold start, and hands them to handlers and routes (nothing else reads the environment).

Each component is built on first use (a cached property), so a function pays only for what it needs
at cold start: the ingest function never imports the mailer. `bootstrap()` caches one Bootstrap per
distinct Settings: in Lambda the environment never changes, so it is built once; the local stack and
the tests change variables between invocations and get the matching Bootstrap without any reset
(`reset()` forgets them all, e.g. after replacing a module-level cache such as mailer.pacer_for).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

import msgspec

from scorecard.domain.policy import ScoringPolicy, load_policy
from scorecard.platform import settings
from scorecard.platform.settings import Settings

if TYPE_CHECKING:
    from scorecard.adapters.backtest_repository import BacktestRepository
    from scorecard.adapters.distribution_repository import DistributionRepository
    from scorecard.adapters.event_bus import EventBridgePublisher
    from scorecard.adapters.event_store import DynamoEventStore
    from scorecard.adapters.mail_claims import MailClaims
    from scorecard.adapters.partner_repository import PartnerRepository
    from scorecard.adapters.queue import SqsQueue
    from scorecard.adapters.receipt_notifier import SqsReceiptNotifier
    from scorecard.adapters.review_repository import ReviewRepository
    from scorecard.adapters.snapshot_archive import SnapshotArchive
    from scorecard.adapters.snapshot_repository import SnapshotRepository
    from scorecard.services.mail_once import Mailer, MailOut
    from scorecard.services.monthly import MonthlyDeps
    from scorecard.services.notifications import NotificationDeps
    from scorecard.services.policy_catalog import PolicyCatalog
    from scorecard.services.policy_versions import PolicyVersions


class Clock(msgspec.Struct, frozen=True):
    """Now, and today in the policy timezone: the one place either is computed."""

    policy: ScoringPolicy

    def now(self) -> datetime:
        return settings.utc_now()  # late-bound: tests freeze time by replacing settings.utc_now

    def today(self) -> date:
        return self.policy.local_date(self.now())


class Bootstrap:
    """Every component a handler or route needs, built from `config` on first use."""

    def __init__(self, config: Settings) -> None:
        self.settings = config

    @cached_property
    def policy(self) -> ScoringPolicy:
        """The deployment's default version (POLICY_VERSION): the clock's timezone, and the version in
        force until ops adopt another. What scores a given day is `policies.active_on(day)`."""
        return load_policy(self.settings.policy_version)

    @cached_property
    def policies(self) -> PolicyCatalog:
        from scorecard.adapters.policy_repository import PolicyRepository
        from scorecard.services.policy_catalog import PolicyCatalog

        return PolicyCatalog(PolicyRepository(self.table), self.settings.policy_version)

    @cached_property
    def policy_versions(self) -> PolicyVersions:
        """The catalog with what the policy-version routes do (add, adopt, list): the API's only."""
        from scorecard.adapters.policy_repository import PolicyRepository
        from scorecard.services.policy_versions import PolicyVersions

        return PolicyVersions(PolicyRepository(self.table), self.settings.policy_version)

    @cached_property
    def clock(self) -> Clock:
        return Clock(self.policy)

    @cached_property
    def table(self) -> str:
        return self.settings.required("table_name")

    # -- repositories ----------------------------------------------------------------------------

    @cached_property
    def partners(self) -> PartnerRepository:
        from scorecard.adapters.partner_repository import PartnerRepository

        return PartnerRepository(self.table)

    @cached_property
    def distributions(self) -> DistributionRepository:
        from scorecard.adapters.distribution_repository import DistributionRepository

        return DistributionRepository(self.table)

    @cached_property
    def backtests(self) -> BacktestRepository:
        from scorecard.adapters.backtest_repository import BacktestRepository

        return BacktestRepository(self.table)

    @cached_property
    def events(self) -> DynamoEventStore:
        from scorecard.adapters.event_store import DynamoEventStore

        return DynamoEventStore(self.table)

    @cached_property
    def reviews(self) -> ReviewRepository:
        from scorecard.adapters.review_repository import ReviewRepository

        return ReviewRepository(self.table)

    @cached_property
    def snapshots(self) -> SnapshotRepository:
        from scorecard.adapters.snapshot_repository import SnapshotRepository

        return SnapshotRepository(self.table)

    @cached_property
    def mail_claims(self) -> MailClaims:
        from scorecard.adapters.mail_claims import MailClaims

        return MailClaims(self.table)

    @cached_property
    def archive(self) -> SnapshotArchive:
        from scorecard.adapters.snapshot_archive import SnapshotArchive

        return SnapshotArchive(self.settings.required("snapshot_bucket"), self.settings.snapshot_url_endpoint)

    # -- queues, bus, notifiers ------------------------------------------------------------------

    @cached_property
    def daily_queue(self) -> SqsQueue:
        from scorecard.adapters.queue import SqsQueue

        return SqsQueue(self.settings.required("daily_queue_url"))

    @cached_property
    def backtest_queue(self) -> SqsQueue:
        from scorecard.adapters.queue import SqsQueue

        return SqsQueue(self.settings.required("backtest_queue_url"))

    @cached_property
    def snapshot_queue(self) -> SqsQueue:
        from scorecard.adapters.queue import SqsQueue

        return SqsQueue(self.settings.required("snapshot_queue_url"))

    @cached_property
    def notifier(self) -> SqsReceiptNotifier | None:
        """Part-received notices and demotion warnings, or None without NOTIFICATION_QUEUE_URL."""
        url = self.settings.notification_queue_url
        if url is None:
            return None
        from scorecard.adapters.queue import SqsQueue
        from scorecard.adapters.receipt_notifier import SqsReceiptNotifier

        return SqsReceiptNotifier(SqsQueue(url))

    @cached_property
    def publisher(self) -> EventBridgePublisher | None:
        """Score events go to EVENT_BUS_NAME, or nowhere where no bus is configured."""
        bus = self.settings.event_bus_name
        if bus is None:
            return None
        from scorecard.adapters.event_bus import EventBridgePublisher

        return EventBridgePublisher(bus)

    # -- email -----------------------------------------------------------------------------------

    @cached_property
    def mailer(self) -> Mailer:
        from scorecard.adapters.mailer import SesMailer, pacer_for

        pacer = pacer_for(self.settings.ses_max_send_rate, self.settings.ses_senders)
        return SesMailer(self.settings.required("sender_email"), pacer)

    @cached_property
    def mail(self) -> MailOut:
        from scorecard.services.mail_once import MailOut

        return MailOut(
            claims=self.mail_claims,
            mailer=self.mailer,
            sender=self.settings.required("sender_email"),
            clock=self.clock.now,
            lease=timedelta(seconds=self.settings.mail_claim_lease_seconds),
        )

    @cached_property
    def monthly(self) -> MonthlyDeps:
        from scorecard.services.monthly import MonthlyDeps

        return MonthlyDeps(
            partners=self.partners,
            snapshots=self.snapshots,
            archive=self.archive,
            policies=self.policies,
            mail=self.mail,
        )

    @cached_property
    def notifications(self) -> NotificationDeps:
        from scorecard.services.notifications import NotificationDeps

        return NotificationDeps(partners=self.partners, policy=self.policy, mail=self.mail)


@lru_cache(maxsize=8)
def _bootstrap_for(config: Settings) -> Bootstrap:
    return Bootstrap(config)


def bootstrap() -> Bootstrap:
    """The Bootstrap of the current environment (built once per distinct Settings)."""
    return _bootstrap_for(settings.current())


def reset() -> None:
    """Forget every built Bootstrap (the next call builds afresh)."""
    _bootstrap_for.cache_clear()
