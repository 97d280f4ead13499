"""Export routes: ask for a CSV (the bonus roster of a month, the partners, a partner's jobs), written
in the background, and poll it for its pre-signed link (docs/api.md, Exports)."""

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from scorecard.api.access import allow, caller
from scorecard.api.errors import error_responses
from scorecard.bootstrap import bootstrap
from scorecard.schemas.exports import EXPORT_ID_PATTERN, ExportAccepted, ExportIn, ExportView

exports_router = APIGatewayRouter()

ExportId = Annotated[str, Path(min_length=23, max_length=23, pattern=EXPORT_ID_PATTERN)]


@exports_router.post(
    "/v1/exports",
    summary="Ask for a CSV: a month's bonus roster, the partners, or a partner's jobs (queued; poll GET)",
    tags=["exports"],
    responses={
        202: {"description": "stored and queued", "content": {"application/json": {"model": ExportAccepted}}},
        **error_responses(404, 422, success=False),
    },
)
@allow("ops")
def post_export(body: Annotated[ExportIn, Body()]) -> Response[Any]:
    """Stores the export and queues its first page; the export worker writes the CSV page by page.
    `bonus_roster`: the month must have ended (422 otherwise). `jobs`: an unknown partner is 404."""
    from scorecard.services.exports import start_export  # loaded by these routes only

    boot = bootstrap()
    accepted = start_export(
        body,
        boot.partners,
        boot.scores,
        boot.exports,
        boot.export_queue,
        caller(exports_router).subject,
        boot.clock.now(),
        boot.clock.today(),
    )
    return Response(
        status_code=HTTPStatus.ACCEPTED,
        content_type=content_types.APPLICATION_JSON,
        body=accepted.model_dump(mode="json"),
        headers={"Location": accepted.location},
    )


@exports_router.get(
    "/v1/exports/<export_id>",
    summary="An export's status and, once complete, a pre-signed link to its CSV",
    tags=["exports"],
    responses={
        200: {"description": "the export", "content": {"application/json": {"model": ExportView}}},
        **error_responses(404, 422, success=False),
    },
)
@allow("ops")
def get_export(export_id: ExportId) -> Response[Any]:
    from scorecard.services.exports import export_view  # loaded by these routes only

    boot = bootstrap()
    view = export_view(boot.exports, boot.export_files, export_id, boot.clock.now())
    return Response(
        status_code=HTTPStatus.OK,
        content_type=content_types.APPLICATION_JSON,
        body=view.model_dump(mode="json"),
    )
