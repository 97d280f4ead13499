"""`make run`: start the local stack, seed the demo network, run the daily job, print where to look."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, date, datetime, timedelta
from typing import Any

from scorecard.auth.tokens import SECRET_ENV, issue_token

from scorecard_local.stack import LocalStack

HISTORY_DAYS = 3  # daily runs replayed at startup, so score history and hysteresis have points
# ... and the last days of last month, so its snapshots carry a tier and a bonus eligibility (every
# daily run of the month in a bonus tier) without replaying the whole month at each start.
MONTH_END_DAYS = 3


def startup_days(today: date) -> list[date]:
    """The days the demo scores at start-up, oldest first (a tier state carries from one to the next)."""
    month_end = today.replace(day=1) - timedelta(days=1)
    days = {month_end - timedelta(days=back) for back in range(MONTH_END_DAYS)}
    days |= {today - timedelta(days=back) for back in range(HISTORY_DAYS)}
    return sorted(days)


LIVE_WINDOW = timedelta(hours=24)


def _token(role: str, partner_id: str | None = None) -> str:
    # Signed with the key the stack verifies against (SCORECARD_JWT_SECRET once the stack started).
    secret = os.environ[SECRET_ENV]
    return issue_token(role, partner_id, secret=secret, now=datetime.now(UTC))  # type: ignore[arg-type]


def seed_demo(stack: LocalStack, today: date) -> dict[str, Any]:
    """Profiles through the API (PUT /v1/partners), history through the bulk importer, a few live
    events through POST /v1/events, then the daily job for the last few days."""
    from scorecard.adapters.bulk_import import BulkImporter
    from scorecard.bootstrap import bootstrap

    from scorecard_local.demo import demo_network

    network = demo_network(today)
    ops = {"authorization": f"Bearer {_token('ops')}", "content-type": "application/json"}
    for partner in network.partners:
        body = json.dumps({"name": partner.name, "email": partner.email, "timezone": partner.timezone})
        result = stack.http("PUT", f"/v1/partners/{partner.partner_id}", {}, ops, body.encode())
        if result.status not in (200, 201):
            raise RuntimeError(f"seeding profile {partner.partner_id}: {result.status} {result.body!r}")
    now = datetime.now(UTC)
    happened = [e for e in network.events if e.occurred_at <= now]  # the rest of today has not happened yet
    live = [e for e in happened if e.occurred_at > now - LIVE_WINDOW]  # the last day goes through the API
    history = [e for e in happened if e.occurred_at <= now - LIVE_WINDOW]
    with stack.lock:
        recorded, _ = BulkImporter(bootstrap().table).import_events(history, now)
    for start in range(0, len(live), 500):
        chunk = [json.loads(e.model_dump_json()) for e in live[start : start + 500]]
        result = stack.http("POST", "/v1/events", {}, ops, json.dumps({"events": chunk}).encode())
        if result.status != 200:
            raise RuntimeError(f"posting live demo events: {result.status} {result.body!r}")
    for day in startup_days(today):
        stack.run_daily(day)
    return {
        "partners": len(network.partners),
        "events": len(network.events),
        "imported": recorded,
        "live": len(live),
    }


BACKFILL_MONTHS = 5  # earlier demo months archived without email, so the email's trend has points


def run_monthly_demo(stack: LocalStack, today: date) -> str:
    """The monthly job for last month (after a silent backfill of the months before it), every email
    written to .local/outbox/; returns what to print."""
    from scorecard.domain.snapshot import Month

    from scorecard_local import mail_stack

    last = Month.of(today).previous()
    earlier = [last]
    for _ in range(BACKFILL_MONTHS):
        earlier.insert(0, earlier[0].previous())
    for month in earlier[:-1]:
        stack.run_monthly(str(month), email=False)
    report = stack.run_monthly(str(last))
    stack.poll_queues()  # part-received notices of today's live events
    paths = mail_stack.save_outbox(stack)
    emails = mail_stack.outbox(stack)
    snapshot = next(
        (path for path, email in zip(paths, emails, strict=True) if "Snapshot" in email["subject"]), None
    )
    lines = [
        f"Monthly snapshots for {last}: {report['coordinator']['partners']} partners archived, "
        f"{report['emails_sent']} emailed ({BACKFILL_MONTHS} earlier months archived without email).",
        f"{len(paths)} emails written to {paths[0].parent if paths else stack.root / '.local' / 'outbox'}/",
    ]
    if snapshot is not None:
        lines.append(f"Open one:  {snapshot.resolve()}")
    return "\n".join(lines)


BACKTEST_DAYS = 30


def run_backtest_demo(stack: LocalStack, today: date, base: str) -> str:
    """A backtest of v1 (the candidate) against the version in force (v3) over the last 30 days, driven
    through the local queues like every other run; returns what to print."""
    ops = {"authorization": f"Bearer {_token('ops')}", "content-type": "application/json"}
    first, last = today - timedelta(days=BACKTEST_DAYS), today - timedelta(days=1)
    body = json.dumps({"version": "v1", "from": first.isoformat(), "to": last.isoformat()})
    started = stack.http("POST", "/v1/policy/backtests", {}, ops, body.encode())
    if started.status != 202:
        raise RuntimeError(f"starting the demo backtest: {started.status} {started.body!r}")
    location = json.loads(started.body)["location"]
    stack.poll_queues()  # the plan, then its batches (the request already drained once)
    view = json.loads(stack.http("GET", location, {}, ops, b"").body)
    in_force = sorted({day["active_version"] for day in view["days"]})
    return (
        f"Backtest of v1 against {', '.join(in_force)} (in force) over {first}..{last}: {view['status']}, "
        f"{view['progress']['partners_done']} partners x {len(view['days'])} days; on {last} "
        f"{view['grade_changes']} would change grade and {view['tier_changes']} tier.\n"
        f'See it:    curl -H "Authorization: Bearer $TOKEN" {base}{location}'
    )


def summary_table(stack: LocalStack) -> str:
    ops = {"authorization": f"Bearer {_token('ops')}"}
    result = stack.http("GET", "/v1/partners", {"limit": ["1000"]}, ops, b"")
    partners = json.loads(result.body)["partners"]
    lines = [f"{'partner':<24} {'name':<40} {'score':>6} {'grade':>5}  {'tier':<10} note"]
    lines.append("-" * len(lines[0]))
    for p in partners:
        score = "-" if p["score"] is None else f"{p['score']:.1f}"
        note = "provisional" if p["provisional"] else ("no score" if p["score"] is None else "")
        lines.append(
            f"{p['partner_id']:<24} {(p['name'] or '')[:40]:<40} {score:>6} {p['grade'] or '-':>5}  "
            f"{p['tier'] or '-':<10} {note}"
        )
    return "\n".join(lines)


def where_to_look(base: str, partner_id: str | None) -> str:
    ops = _token("ops")
    partner = f"/v1/partners/{partner_id}" if partner_id else "/v1/partners/<id>"
    return f"""
Partner Scorecard is running locally (every AWS service emulated in-process by moto).

  API        {base}/v1
  OpenAPI    {base}/v1/openapi.json
  Docs       {base}/v1/docs   (Swagger UI: try every route in the browser)
  Run daily  curl -X POST '{base}/_local/run/daily?date=YYYY-MM-DD'
  Monthly    curl -X POST '{base}/_local/run/monthly?month=YYYY-MM'
  Backtest   curl -X POST -H "Authorization: Bearer $TOKEN" {base}/v1/policy/backtests \\
                  -d '{{"version": "v1", "from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}}'   (then GET its location)
  Export     curl -X POST -H "Authorization: Bearer $TOKEN" {base}/v1/exports \\
                  -d '{{"kind": "bonus_roster", "month": "YYYY-MM"}}'   (GET its location: url)
  Outbox     curl {base}/_local/outbox   (every email sent: to, subject, text, html)

  Tokens     scorecard token --role ops | service | partner --partner ID   (.venv/bin/scorecard)
  ops token  {ops}

  Try:
    curl -H "Authorization: Bearer $TOKEN" {base}/v1/partners
    curl -H "Authorization: Bearer $TOKEN" {base}{partner}/score
    curl -H "Authorization: Bearer $TOKEN" '{base}{partner}/jobs?filter=late'

Press Ctrl-C to stop.
"""


def serve(
    *, host: str, port: int, demo: bool, verbose: bool = False, request_deadline: float | None = None
) -> int:
    from scorecard_local.http_server import REQUEST_DEADLINE_SECONDS, make_server
    from scorecard_local.template_tables import find_template

    stack = LocalStack(find_template().parent)
    stack.verbose = verbose
    stack.start()
    try:
        server = make_server(stack, host, port, request_deadline=request_deadline or REQUEST_DEADLINE_SECONDS)
    except OSError as error:
        print(f"cannot listen on {host}:{port}: {error} (set PORT to use another port)", file=sys.stderr)
        return 1
    base = f"http://{host}:{server.server_address[1]}"
    first_partner = None
    if demo:
        today = datetime.now(UTC).date()
        seeded = seed_demo(stack, today)
        print(
            f"Seeded {seeded['partners']} partners and {seeded['events']} events "
            f"({seeded['live']} of the last 24 h through POST /v1/events); "
            f"daily job run for the last {HISTORY_DAYS} days and the last {MONTH_END_DAYS} of last month."
        )
        print()
        table = summary_table(stack)
        print(table)
        print()
        print(run_monthly_demo(stack, today))
        print()
        print(run_backtest_demo(stack, today, base))
        rows = table.splitlines()[2:]
        first_partner = rows[0].split()[0] if rows else None
    print(where_to_look(base, first_partner), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        stack.stop()
    return 0
