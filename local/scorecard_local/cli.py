"""`scorecard` command line: `scorecard local` (the local stack) and `scorecard token` (local JWTs)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta

from scorecard.auth import LOCAL_DEV_SECRET, issue_token


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
            ttl=timedelta(hours=args.hours),
        )
    )
    return 0


def _local(args: argparse.Namespace) -> int:
    from scorecard_local.run import serve

    return serve(host=args.host, port=args.port, demo=not args.no_demo, verbose=args.verbose)


def main(argv: list[str] | None = None) -> int:
    import os

    parser = argparse.ArgumentParser(prog="scorecard", description="Partner Scorecard tools")
    commands = parser.add_subparsers(dest="command", required=True)

    token = commands.add_parser("token", help="print a bearer token for the local stack")
    token.add_argument("--role", choices=["ops", "service", "partner"], required=True)
    token.add_argument("--partner", help="partner id (required for --role partner)")
    token.add_argument("--hours", type=float, default=12.0, help="lifetime (default 12 h)")
    token.add_argument(
        "--secret", default=os.environ.get("SCORECARD_JWT_SECRET", LOCAL_DEV_SECRET), help=argparse.SUPPRESS
    )
    token.set_defaults(run=_token)

    local = commands.add_parser("local", help="serve the API locally on moto, with a demo network")
    local.add_argument("--host", default="127.0.0.1")
    local.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    local.add_argument("--no-demo", action="store_true", help="start empty")
    local.add_argument("--verbose", action="store_true", help="log every request")
    local.set_defaults(run=_local)

    args = parser.parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
