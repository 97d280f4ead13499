"""Backtest routes: replay a candidate policy over past days next to the versions in force (queued,
never blocking the API), and read a backtest's progress and results."""

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from scorecard.api.access import allow, caller
from scorecard.api.errors import error_responses
from scorecard.bootstrap import bootstrap
from scorecard.schemas.backtests import BacktestAccepted, BacktestIn, BacktestView

backtests_router = APIGatewayRouter()

BacktestId = Annotated[str, Path(min_length=23, max_length=23, pattern=r"^bt-[0-9a-f]{20}$")]


@backtests_router.post(
    "/v1/policy/backtests",
    summary="Replay a candidate over past days next to the versions in force (queued; poll GET)",
    tags=["policy"],
    responses={
        202: {
            "description": "stored and queued",
            "content": {"application/json": {"model": BacktestAccepted}},
        },
        **error_responses(413, 422, success=False),
    },
)
@allow("ops")
def post_backtest(body: Annotated[BacktestIn, Body()]) -> Response[Any]:
    """Stores the backtest (the candidate inline) and queues one plan message: the backtest worker
    pages the registry and replays the partners in batches; nothing is scored in this call."""
    from scorecard.services.backtests import start_backtest  # loaded by these routes only

    boot = bootstrap()
    accepted = start_backtest(
        body,
        boot.policies,
        boot.backtests,
        boot.backtest_queue,
        caller(backtests_router).subject,
        boot.clock.now(),
        boot.clock.today(),
    )
    return Response(
        status_code=HTTPStatus.ACCEPTED,
        content_type=content_types.APPLICATION_JSON,
        body=accepted.model_dump(mode="json", by_alias=True),
        headers={"Location": accepted.location},
    )


@backtests_router.get(
    "/v1/policy/backtests/<backtest_id>",
    summary="A backtest's progress, per-day grade and tier distributions, and who would change",
    tags=["policy"],
    responses={
        200: {"description": "the backtest", "content": {"application/json": {"model": BacktestView}}},
        **error_responses(404, 422, success=False),
    },
)
@allow("ops")
def get_backtest(backtest_id: BacktestId) -> Response[Any]:
    from scorecard.services.backtests import backtest_view  # loaded by these routes only

    view = backtest_view(bootstrap().backtests, backtest_id)
    return Response(
        status_code=HTTPStatus.OK,
        content_type=content_types.APPLICATION_JSON,
        body=view.model_dump(mode="json", by_alias=True),
    )
