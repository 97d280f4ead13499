"""The monthly snapshot job's coordinator (DESIGN §5, §8): list the partners and queue them in
messages of 25 on the snapshot queue (services.fanout); services.monthly is the worker's side.

Apart from services.monthly so that the coordinator function imports what it runs, not the worker's
snapshot metrics, email rendering and archive (bench cold_import_vs_floor_monthly_coordinator).
"""

from scorecard.adapters.partner_repository import PartnerRepository
from scorecard.domain.snapshot import Month
from scorecard.schemas.base import View
from scorecard.schemas.messages import SNAPSHOT_BATCH_SIZE, SnapshotBatchMessage
from scorecard.services.fanout import MessageSender, queue_partners


class MonthlyQueuedView(View):
    month: str
    email: bool
    partners: int
    messages: int
    send_calls: int


def queue_month(
    repository: PartnerRepository, queue: MessageSender, month: Month, *, email: bool = True
) -> MonthlyQueuedView:
    """Page the partner registry (GSI2, never job data) and queue the partners (services.fanout)."""
    queued = queue_partners(
        repository.iter_partner_ids(),
        lambda partner_ids: SnapshotBatchMessage(month=str(month), partner_ids=partner_ids, email=email),
        SNAPSHOT_BATCH_SIZE,
        queue,
    )
    return MonthlyQueuedView(
        month=str(month),
        email=email,
        partners=queued.partners,
        messages=queued.messages,
        send_calls=queued.send_calls,
    )
