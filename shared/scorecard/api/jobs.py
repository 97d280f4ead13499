"""Job routes: the jobs that count toward a partner's score, its running record, and one job's story."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from scorecard.api.access import allow
from scorecard.api.errors import error_responses
from scorecard.api.params import JobId, PartnerId
from scorecard.bootstrap import bootstrap
from scorecard.domain.calendar import IsoDate
from scorecard.schemas.jobs import JobDetailView, JobListView
from scorecard.services import jobs as job_service

jobs_router = APIGatewayRouter()


@jobs_router.get(
    "/v1/partners/<partner_id>/jobs",
    summary="Jobs that count toward the score, or the running record of every late / defective job",
    tags=["jobs"],
    responses=error_responses(404, 422),
)
@allow("partner", "ops", "service")
def get_jobs(
    partner_id: PartnerId,
    job_filter: Annotated[Literal["late", "defective", "all"], Query(alias="filter")] = "all",
    as_of: Annotated[
        IsoDate | None, Query(description="score date; default: latest scored day, else today")
    ] = None,
    scope: Annotated[
        job_service.JobScope,
        Query(
            description="`window` (default): the jobs of the score window as of `as_of`. `all`: the "
            "running record, every job recorded up to `as_of` that `filter` takes (`filter=all`: "
            "every job), in the window or not, most recent first by the job's latest event (a late "
            "job's last shipment or a later inspection; an overdue job's last event), each with "
            "`counts` (it affects the score as of `as_of`) and, when it counts, `score_effect`; "
            "paged with `limit` and `cursor`"
        ),
    ] = "window",
    limit: Annotated[int, Query(ge=1, le=100, description="scope=all: jobs per page at most")] = 50,
    cursor: Annotated[
        str | None,
        Query(min_length=1, max_length=160, description="scope=all: the `next_cursor` of the previous page"),
    ] = None,
) -> JobListView:
    boot = bootstrap()
    as_of = as_of or job_service.judged_day(boot.scores, partner_id, boot.clock.today())
    policy = boot.policies.active_on(as_of)  # the version that scored that day
    return job_service.job_list(
        boot.evidence, partner_id, job_filter, scope, as_of, policy, limit=limit, cursor=cursor
    )


@jobs_router.get(
    "/v1/partners/<partner_id>/jobs/<job_id>",
    summary="One job: timeline, shipments, inspections",
    tags=["jobs"],
    responses=error_responses(404, 422),
)
@allow("partner", "ops", "service")
def get_job(partner_id: PartnerId, job_id: JobId) -> JobDetailView:
    boot = bootstrap()
    today = boot.clock.today()
    return job_service.job_story(boot.evidence, boot.scores, partner_id, job_id, boot.policies, today)
