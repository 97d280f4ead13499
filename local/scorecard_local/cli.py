"""`scorecard` command line: `scorecard local` (the local stack), `scorecard token` (short-lived JWTs)
and `scorecard rebuild` (a partner's projections replayed from its recorded events)."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime, timedelta

from scorecard.auth.tokens import DEFAULT_TTL, LOCAL_DEV_SECRET, MAX_TTL, SECRET_ENV, issue_token

_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smh])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours"}


def duration(text: str) -> timedelta:
    """`90m`, `2h`, `3600s` -> a timedelta in (0, MAX_TTL]: tokens live a day at most (docs/api.md)."""
    match = _DURATION.fullmatch(text.strip().lower())
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration like 30m, 2h or 3600s")
    ttl = timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})
    if not timedelta(0) < ttl <= MAX_TTL:
        raise argparse.ArgumentTypeError(f"the lifetime must be above 0 and at most {MAX_TTL}")
    return ttl


def _token(args: argparse.Namespace) -> int:
    if args.role == "partner" and not args.partner:
        print("scorecard token: --partner ID is required with --role partner", file=sys.stderr)
        return 2
    print(
        issue_token(
            args.role,
            args.partner if args.role == "partner" else None,
            secret=args.secret,
            now=datetime.now(UTC),
            ttl=args.ttl,
        )
    )
    return 0


def seconds(text: str) -> float:
    """A positive, finite number of seconds."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def _local(args: argparse.Namespace) -> int:
    from scorecard_local.run import serve

    return serve(
        host=args.host,
        port=args.port,
        demo=not args.no_demo,
        verbose=args.verbose,
        request_deadline=args.request_deadline,
    )


def _rebuild(args: argparse.Namespace) -> int:
    """Against the table of the environment (TABLE_NAME, POLICY_VERSION, AWS credentials), as the
    functions see it. Exit 0 when the latest score is reproduced (or there is none), 1 otherwise."""
    from scorecard.adapters.bulk_import import ProjectionRebuilder
    from scorecard.bootstrap import bootstrap
    from scorecard.services.rebuild import rebuild_partner

    boot = bootstrap()
    report = rebuild_partner(
        args.partner,
        ProjectionRebuilder(boot.table),
        boot.evidence,
        boot.scores,
        boot.reviews,
        boot.policies,
        boot.clock.now(),
    )
    print(f"{report.partner_id}: {report.events} events replayed into table {boot.table}")
    if report.stored_score is None:
        print("no stored score to compare")
        return 0
    stored, recomputed = report.stored_score, report.recomputed_score
    print(f"stored score as of {stored.as_of}: {stored.score} {stored.grade} {stored.tier}")
    if recomputed is not None:
        figures = f"{recomputed.score} {recomputed.grade} {recomputed.tier}"
        print(f"recomputed from the rebuilt projections: {figures}")
    print("score reproduced" if report.score_reproduced else "score NOT reproduced")
    return 0 if report.score_reproduced else 1


def main(argv: list[str] | None = None) -> int:
    import os

    parser = argparse.ArgumentParser(prog="scorecard", description="Partner Scorecard tools")
    commands = parser.add_subparsers(dest="command", required=True)

    token = commands.add_parser("token", help="print a bearer token (signed with SCORECARD_JWT_SECRET)")
    token.add_argument("--role", choices=["ops", "service", "partner"], required=True)
    token.add_argument("--partner", help="partner id (required for --role partner)")
    token.add_argument(
        "--ttl",
        type=duration,
        default=DEFAULT_TTL,
        help=f"lifetime, e.g. 30m, 2h (default {DEFAULT_TTL}, at most {MAX_TTL})",
    )
    # The plain key or the key set JSON of the secret (the current key signs); the local stack's
    # key when unset, which is also what the local stack verifies against when unset.
    token.add_argument(
        "--secret", default=os.environ.get(SECRET_ENV) or LOCAL_DEV_SECRET, help=argparse.SUPPRESS
    )
    token.set_defaults(run=_token)

    local = commands.add_parser("local", help="serve the API locally on moto, with a demo network")
    local.add_argument("--host", default="127.0.0.1")
    local.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    local.add_argument("--no-demo", action="store_true", help="start empty")
    local.add_argument("--verbose", action="store_true", help="log every request")
    local.add_argument(
        "--request-deadline",
        type=seconds,
        default=os.environ.get("LOCAL_REQUEST_DEADLINE"),
        help="seconds a request's headers and body have to arrive in (default 10; 408 past it)",
    )
    local.set_defaults(run=_local)

    rebuild = commands.add_parser(
        "rebuild", help="replay a partner's recorded events into its projections (table of TABLE_NAME)"
    )
    rebuild.add_argument("--partner", required=True, help="partner id")
    rebuild.set_defaults(run=_rebuild)

    args = parser.parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
