"""The composition root: builds repositories, queues, mailer, bus, clock and policy from one Settings
and hands them to handlers and routes (nothing else reads the environment).

Each component is built, and its module imported, on first use (a cached property): a function
loads the adapters and services it uses, not every one of the stack. `bootstrap()` caches one Bootstrap per
distinct Settings: in Lambda the environment never changes, so it is built once; the local stack and
the tests change variables between invocations and get the matching Bootstrap without any reset
(`reset()` forgets them all, e.g. after replacing a module-level cache such as mailer.pacer_for).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from email.message import EmailMessage
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

import msgspec

from scorecard.domain.policy import ScoringPolicy, load_policy
from scorecard.platform import settings
from scorecard.platform.settings import Settings

if TYPE_CHECKING:  # each component's module is imported when the component is built
    from scorecard.adapters.backtest_repository import BacktestRepository
    from scorecard.adapters.distribution_repository import DistributionRepository
    from scorecard.adapters.event_bus import EventBridgePublisher
    from scorecard.adapters.event_store import DynamoEventStore
    from scorecard.adapters.evidence_repository import EvidenceRepository
    from scorecard.adapters.export_files import CsvExportFiles
    from scorecard.adapters.export_repository import ExportRepository
    from scorecard.adapters.mail_claims import MailClaims
    from scorecard.adapters.mailer import SesMailer
    from scorecard.adapters.notifier import SqsNotifier
    from scorecard.adapters.partner_repository import PartnerRepository
    from scorecard.adapters.queue import SqsQueue
    from scorecard.adapters.review_repository import ReviewRepository
    from scorecard.adapters.score_repository import ScoreRepository
    from scorecard.adapters.snapshot_archive import SnapshotArchive
    from scorecard.adapters.snapshot_repository import SnapshotRepository
    from scorecard.ports import RestatementNotifier
    from scorecard.services.backtests import BacktestDeps
    from scorecard.services.exports import ExportDeps
    from scorecard.services.mail_once import MailOut
    from scorecard.services.monthly import MonthlyDeps, SnapshotRestater
    from scorecard.services.notifications import NotificationDeps
    from scorecard.services.policies import PolicyCatalog, PolicyVersions


class Clock(msgspec.Struct, frozen=True):
    """Now, and today in the policy timezone: the one place either is computed."""

    policy: ScoringPolicy

    def now(self) -> datetime:
        return settings.utc_now()  # late-bound: tests freeze time by replacing settings.utc_now

    def today(self) -> date:
        return self.policy.local_date(self.now())


class _QueuedOnly:
    """The daily worker's mailer: it hands its notices to the notification queue and sends nothing."""

    def send(self, message: EmailMessage) -> str:
        raise RuntimeError("the daily worker queues its notices; it never sends email")


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
        from scorecard.services.policies import PolicyCatalog

        return PolicyCatalog(PolicyRepository(self.table), self.settings.policy_version)

    @cached_property
    def policy_versions(self) -> PolicyVersions:
        """The catalog with what the policy-version routes do (add, adopt, list)."""
        from scorecard.adapters.policy_repository import PolicyRepository
        from scorecard.services.policies import PolicyVersions

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
    def evidence(self) -> EvidenceRepository:
        from scorecard.adapters.evidence_repository import EvidenceRepository

        return EvidenceRepository(self.table)

    @cached_property
    def scores(self) -> ScoreRepository:
        from scorecard.adapters.score_repository import ScoreRepository

        return ScoreRepository(self.table)

    @cached_property
    def distributions(self) -> DistributionRepository:
        from scorecard.adapters.distribution_repository import DistributionRepository

        return DistributionRepository(self.table)

    @cached_property
    def backtests(self) -> BacktestRepository:
        from scorecard.adapters.backtest_repository import BacktestRepository

        return BacktestRepository(self.table)

    @cached_property
    def exports(self) -> ExportRepository:
        from scorecard.adapters.export_repository import ExportRepository

        return ExportRepository(self.table)

    @cached_property
    def export_files(self) -> CsvExportFiles:
        from scorecard.adapters.export_files import CsvExportFiles

        return CsvExportFiles(self.settings.required("export_bucket"), self.settings.snapshot_url_endpoint)

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
    def export_queue(self) -> SqsQueue:
        from scorecard.adapters.queue import SqsQueue

        return SqsQueue(self.settings.required("export_queue_url"))

    @cached_property
    def snapshot_queue(self) -> SqsQueue:
        from scorecard.adapters.queue import SqsQueue

        return SqsQueue(self.settings.required("snapshot_queue_url"))

    @cached_property
    def notifier(self) -> SqsNotifier | None:
        """Part-received notices, demotion warnings and review resolutions, or None without
        NOTIFICATION_QUEUE_URL."""
        from scorecard.adapters.notifier import SqsNotifier
        from scorecard.adapters.queue import SqsQueue

        url = self.settings.notification_queue_url
        return None if url is None else SqsNotifier(SqsQueue(url))

    @cached_property
    def publisher(self) -> EventBridgePublisher | None:
        """Score events go to EVENT_BUS_NAME, or nowhere where no bus is configured."""
        from scorecard.adapters.event_bus import EventBridgePublisher

        bus = self.settings.event_bus_name
        return None if bus is None else EventBridgePublisher(bus)

    # -- email -----------------------------------------------------------------------------------

    @cached_property
    def mailer(self) -> SesMailer:
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

    # -- what the workers are handed ---------------------------------------------------------------

    @cached_property
    def monthly(self) -> MonthlyDeps:
        return self._monthly_deps(self.mail)

    def _monthly_deps(self, mail: MailOut, notices: RestatementNotifier | None = None) -> MonthlyDeps:
        """The monthly run's stores, archive, policies and bus, with `mail` (and `notices`) as given:
        the monthly worker sends through SES, the daily run's restater only queues notices."""
        from scorecard.email.snapshot import EmailSettings
        from scorecard.services.monthly import MonthlyDeps

        return MonthlyDeps(
            partners=self.partners,
            evidence=self.evidence,
            scores=self.scores,
            snapshots=self.snapshots,
            archive=self.archive,
            policies=self.policies,
            mail=mail,
            publisher=self.publisher,
            email=EmailSettings(self.settings.review_url_template, self.settings.partner_success_contact),
            notices=notices,
        )

    @cached_property
    def restater(self) -> SnapshotRestater | None:
        """The daily run's restatement of open snapshots: archive and records here, notices queued for
        the notification worker (it sends none itself). None without a bucket or a notification queue."""
        from scorecard.services.mail_once import MailOut
        from scorecard.services.monthly import SnapshotRestater

        if not self.settings.snapshot_bucket or self.notifier is None:
            return None
        mail = MailOut(
            claims=self.mail_claims,
            mailer=_QueuedOnly(),
            sender="",
            clock=self.clock.now,
            lease=timedelta(seconds=self.settings.mail_claim_lease_seconds),
        )
        return SnapshotRestater(self._monthly_deps(mail, notices=self.notifier))

    @cached_property
    def notifications(self) -> NotificationDeps:
        from scorecard.services.notifications import NotificationDeps

        return NotificationDeps(
            partners=self.partners, evidence=self.evidence, policy=self.policy, mail=self.mail
        )

    @cached_property
    def backtest_worker(self) -> BacktestDeps:
        from scorecard.services.backtests import BacktestDeps

        return BacktestDeps(
            backtests=self.backtests,
            versions=self.policies,
            partners=self.partners,
            evidence=self.evidence,
            scores=self.scores,
            queue=self.backtest_queue,
        )

    @cached_property
    def export_worker(self) -> ExportDeps:
        from scorecard.services.exports import ExportDeps

        return ExportDeps(
            exports=self.exports,
            files=self.export_files,
            partners=self.partners,
            scores=self.scores,
            snapshots=self.snapshots,
            evidence=self.evidence,
            policies=self.policies,
            queue=self.export_queue,
            clock=self.clock.now,
        )


@lru_cache(maxsize=8)
def _bootstrap_for(config: Settings) -> Bootstrap:
    return Bootstrap(config)


def bootstrap() -> Bootstrap:
    """The Bootstrap of the current environment (built once per distinct Settings)."""
    return _bootstrap_for(settings.current())


def reset() -> None:
    """Forget every built Bootstrap (the next call builds afresh)."""
    _bootstrap_for.cache_clear()
