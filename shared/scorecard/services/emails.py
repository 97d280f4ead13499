"""The emails: the monthly snapshot (multipart text + HTML, also archived as HTML) and the short
part-received notice. Rendered from Jinja2 templates in scorecard/templates with autoescape on for
HTML. Every number is formatted here, once, and handed to both templates as the same string, so the
text part carries exactly the numbers of the HTML part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import cache
from typing import TYPE_CHECKING, Any

from scorecard.adapters.snapshot_repository import TrendPoint
from scorecard.domain.policy import ScoringPolicy
from scorecard.domain.snapshot import Month
from scorecard.snapshot_views import SnapshotDocument, SnapshotLineView

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
TREND_MONTHS = 12
EMAIL_JOB_ROWS = 10  # late/defective jobs listed in the email; the archived page lists them all
LINK_DAYS = 7
PRODUCT = "Partner Scorecard"
DASH = "\u2014"

GRADE_COLORS = {"A": "#1a7f37", "B": "#1f6feb", "C": "#b7791f", "D": "#c62828"}
# Earlier months' bars: the same hues, lighter (solid colors: opacity is unreliable in email clients).
GRADE_TINTS = {"A": "#8cc7a0", "B": "#8fb8f6", "C": "#dcbc8f", "D": "#e39494"}
NO_GRADE_COLOR = "#6b7280"
if TYPE_CHECKING:
    from jinja2 import Environment

CHART_HEIGHT = 100  # px: a bar's height is the score itself


@cache
def _environment(html: bool) -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined  # on first render, not at cold start

    return Environment(
        loader=PackageLoader("scorecard", "templates"),
        autoescape=html,  # the partner name and job ids come from outside: HTML escapes them all
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _render(name: str, context: dict[str, Any]) -> str:
    return _environment(name.endswith(".html.j2")).get_template(name).render(**context)


# -- formatting (one string per value, shared by both parts) ------------------------------------


def month_name(month: Month) -> str:
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


def short_month(month: Month) -> str:
    return MONTH_NAMES[month.month - 1][:3]


def fmt_int(value: int) -> str:
    return f"{value:,}"


def fmt_pct(value: float | None) -> str:
    return DASH if value is None else f"{Decimal(str(value)):.1f}%"


def fmt_decimal(value: float | None) -> str:
    return DASH if value is None else f"{Decimal(str(value)):,.1f}"


def fmt_money(value: str) -> str:
    return f"${Decimal(value):,.2f}"


def fmt_full_day(day: date) -> str:
    return f"{MONTH_NAMES[day.month - 1][:3]} {day.day}, {day.year}"


def fmt_day(day: date | None, month: Month, missing: str = DASH) -> str:
    """'Oct 15'; the year is added when it is not the snapshot's year."""
    if day is None:
        return missing
    text = f"{MONTH_NAMES[day.month - 1][:3]} {day.day}"
    return text if day.year == month.year else f"{text}, {day.year}"


# -- the snapshot email --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Metric:
    label: str
    value: str
    definition: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Band:
    grade: str
    range: str
    color: str
    active: bool


@dataclass(frozen=True, slots=True)
class TrendBar:
    label: str  # "Oct"
    month: str  # "October 2026"
    value: str  # "84", "NG" (snapshot, not graded) or DASH (no snapshot)
    text: str  # the text part's wording
    height: int  # px, 0 when there is no bar
    color: str
    current: bool


@dataclass(frozen=True, slots=True)
class JobRow:
    job_id: str
    due: str
    shipped: str
    days_late: str
    inspected: str
    defective: str


@dataclass(frozen=True, slots=True)
class RenderedSnapshot:
    subject: str
    text: str
    html: str  # the email's HTML part (with the link to the archive)
    archive_html: str  # the page stored in S3 (every job listed, no link to itself)


def subject_for(document: SnapshotDocument) -> str:
    grade = f"Grade {document.grade}" if document.grade else "Not graded"
    return f"Your {month_name(Month.parse(document.month))} Partner Performance Snapshot {DASH} {grade}"


def metric_definitions(month: Month) -> list[tuple[str, str, str]]:
    """(field, label, one-line definition) of the eight §5 metrics, worded for the partner (from the
    partner-facing definitions the snapshot was introduced with)."""
    m = MONTH_NAMES[month.month - 1]
    return [
        ("jobs_on_board", "Jobs on Board", f"The number of jobs that were pushed to your job board in {m}."),
        (
            "jobs_read",
            "Jobs Read",
            f"The number of jobs you read in {m}, including any that were visible on the page when you "
            "logged in to view your job board.",
        ),
        (
            "jobs_accepted",
            "Jobs Accepted",
            f"The number of jobs you accepted in {m}; not necessarily the number you shipped that month.",
        ),
        (
            "parts_shipped",
            "Parts Shipped",
            f"The number of parts you shipped in {m}, to us or directly to the customer.",
        ),
        (
            "pct_parts_on_time",
            "% Parts on Time",
            f"The percentage of the parts you shipped in {m} that shipped on time (by their due date).",
        ),
        (
            "dpt",
            "DPT",
            f"Defects per thousand: defective parts per thousand inspected, of the parts you shipped in {m}.",
        ),
        ("value_accepted", "Value of Jobs Accepted", f"The dollar value of the jobs you accepted in {m}."),
        (
            "pct_jobs_on_time",
            "% Jobs on Time",
            f"The percentage of the jobs completed in {m} that were delivered on time.",
        ),
    ]


def _metrics(document: SnapshotDocument, month: Month) -> list[Metric]:
    values = {
        "jobs_on_board": fmt_int(document.jobs_on_board),
        "jobs_read": fmt_int(document.jobs_read),
        "jobs_accepted": fmt_int(document.jobs_accepted),
        "parts_shipped": fmt_int(document.parts_shipped),
        "pct_parts_on_time": fmt_pct(document.pct_parts_on_time),
        "dpt": fmt_decimal(document.dpt),
        "value_accepted": fmt_money(document.value_accepted),
        "pct_jobs_on_time": fmt_pct(document.pct_jobs_on_time),
    }
    notes = {
        "pct_parts_on_time": None if document.parts_shipped else "No parts shipped.",
        "dpt": None if document.dpt is not None else "No inspected parts.",
        "pct_jobs_on_time": None if document.jobs_completed else "No job completed.",
    }
    return [
        Metric(label, values[name], definition, notes.get(name))
        for name, label, definition in metric_definitions(month)
    ]


def grade_bands(policy: ScoringPolicy, active: str | None) -> list[Band]:
    """'A 90-100, B 80-89, C 70-79, D below 70' from the policy's bands."""
    bands: list[Band] = []
    upper = 100
    for band in policy.grades:
        text = f"below {upper + 1}" if band.min == 0 else f"{band.min}\u2013{upper}"
        bands.append(
            Band(band.grade, text, GRADE_COLORS.get(band.grade, NO_GRADE_COLOR), band.grade == active)
        )
        upper = band.min - 1
    return bands


def _standing_note(document: SnapshotDocument, m: str) -> str:
    """The tier at month end and the monthly bonus (policy v2 rule 5); empty before any daily run."""
    if document.tier is None:
        return ""
    tier = f"Tier at the end of {m}: {document.tier.capitalize()}."
    if document.bonus_eligible:
        return (
            f"{tier} Eligible for the {m} monthly bonus: every daily score of {m} kept you in a bonus tier."
        )
    return f"{tier} Not eligible for the {m} monthly bonus, which needs a bonus tier on every daily score."


def _score_note(document: SnapshotDocument, m: str) -> str:
    if document.monthly_score is None and not document.parts_shipped:
        return f"Nothing shipped in {m}, so there is no score this month."
    if document.monthly_score is None:
        return f"No job was completed and no part inspected in {m}, so there is no score this month."
    if document.dpt is None and document.pct_jobs_on_time is not None:
        return f"No parts shipped in {m} were inspected: the score is your on-time rate alone."
    if document.pct_jobs_on_time is None:
        return f"No job was completed in {m}: the score reflects the quality of the parts shipped."
    return f"Half on-time jobs, half quality (DPT) of the parts shipped in {m}."


def trend_bars(month: Month, points: Sequence[TrendPoint], current: SnapshotDocument) -> list[TrendBar]:
    """The 12 months ending with `month`: stored snapshots, this month's document, gaps left empty."""
    by_month = {point.month: point for point in points}
    by_month[current.month] = TrendPoint(current.month, current.monthly_score, current.grade)
    months = [month]
    while len(months) < TREND_MONTHS:
        months.insert(0, months[0].previous())
    bars: list[TrendBar] = []
    for m in months:
        point = by_month.get(str(m))
        score = None if point is None else point.monthly_score
        if point is None:
            value, text = DASH, "no snapshot"
        elif score is None:
            value, text = "NG", "not graded"
        else:
            value, text = str(score), f"{score} ({point.grade})" if point.grade else str(score)
        bars.append(
            TrendBar(
                label=short_month(m),
                month=month_name(m),
                value=value,
                text=text,
                height=0 if score is None else max(3, min(CHART_HEIGHT, score)),
                color=(GRADE_COLORS if m == month else GRADE_TINTS).get(
                    (point.grade or "") if point else "", NO_GRADE_COLOR
                ),
                current=m == month,
            )
        )
    return bars


def _job_rows(lines: Sequence[SnapshotLineView], month: Month) -> list[JobRow]:
    return [
        JobRow(
            job_id=line.job_id,
            due=fmt_day(line.due_date, month),
            shipped=fmt_day(line.shipped_on, month, "not shipped"),
            days_late=fmt_int(line.days_late),
            inspected=fmt_int(line.parts_inspected),
            defective=fmt_int(line.parts_defective),
        )
        for line in lines
    ]


def snapshot_context(
    document: SnapshotDocument,
    *,
    partner_name: str,
    trend: Sequence[TrendPoint],
    policy: ScoringPolicy,
    html_url: str | None,
) -> dict[str, Any]:
    month = Month.parse(document.month)
    m = MONTH_NAMES[month.month - 1]
    bars = trend_bars(month, trend, document)
    score = DASH if document.monthly_score is None else str(document.monthly_score)
    late, defective = len(document.late_jobs), len(document.defective_jobs)
    if document.monthly_score is None:
        preheader = (
            f"{month_name(month)}: not graded. {fmt_int(late)} late, {fmt_int(defective)} defective jobs."
        )
    else:
        preheader = (
            f"{month_name(month)}: monthly score {score}, grade {document.grade}. "
            f"{fmt_int(late)} late, {fmt_int(defective)} defective jobs."
        )
    return {
        "subject": subject_for(document),
        "preheader": preheader,
        "product": PRODUCT,
        "partner_name": partner_name,
        "partner_id": document.partner_id,
        "month_name": month_name(month),
        "month_only": m,
        "score": score,
        "graded": document.monthly_score is not None,
        "grade": document.grade or "",
        "grade_text": f"Grade {document.grade}" if document.grade else "Not graded",
        "grade_color": GRADE_COLORS.get(document.grade or "", NO_GRADE_COLOR),
        "score_note": _score_note(document, m),
        "standing_note": _standing_note(document, m),
        "score_definition": (
            f"Partner Monthly Score: the % of jobs delivered on time and the DPT of the parts shipped in "
            f"{m}. It reflects {m} only and does not include previous months."
        ),
        "bands": grade_bands(policy, document.grade),
        "metrics": _metrics(document, month),
        "trend": bars,
        "trend_range": f"{bars[0].label} {bars[0].month[-4:]} \u2013 {bars[-1].label} {bars[-1].month[-4:]}",
        "chart_height": CHART_HEIGHT,
        "late_count": fmt_int(late),
        "defective_count": fmt_int(defective),
        "late_jobs": _job_rows(document.late_jobs, month),
        "defective_jobs": _job_rows(document.defective_jobs, month),
        "html_url": html_url,
        "link_days": str(LINK_DAYS),
    }


def _limit(context: dict[str, Any], rows: int | None) -> dict[str, Any]:
    limited = dict(context)
    for name in ("late_jobs", "defective_jobs"):
        all_rows: list[JobRow] = context[name]
        shown = all_rows if rows is None else all_rows[:rows]
        limited[name] = shown
        limited[f"{name}_more"] = fmt_int(len(all_rows) - len(shown)) if len(all_rows) > len(shown) else None
    return limited


def render_snapshot(context: dict[str, Any]) -> RenderedSnapshot:
    email = _limit({**context, "archive": False}, EMAIL_JOB_ROWS)
    archive = _limit({**context, "archive": True, "html_url": None}, None)
    return RenderedSnapshot(
        subject=context["subject"],
        text=_render("snapshot_email.txt.j2", email),
        html=_render("snapshot_email.html.j2", email),
        archive_html=_render("snapshot_email.html.j2", archive),
    )


# -- the part-received notice --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_part_received(
    *, partner_name: str, job_id: str, received_on: date, parts_shipped: int | None, due: date | None
) -> RenderedEmail:
    context = {
        "product": PRODUCT,
        "partner_name": partner_name,
        "job_id": job_id,
        "received_on": fmt_full_day(received_on),
        "parts_shipped": None if parts_shipped is None else fmt_int(parts_shipped),
        "due": None if due is None else fmt_full_day(due),
    }
    subject = f"Job {job_id}: your parts were received and approved"
    context["subject"] = subject
    return RenderedEmail(
        subject,
        _render("part_received_email.txt.j2", context),
        _render("part_received_email.html.j2", context),
    )


def render_demotion_warning(
    *, partner_name: str, tier: str, pending_tier: str, score: float | None, runs_required: int, as_of: date
) -> RenderedEmail:
    context = {
        "product": PRODUCT,
        "partner_name": partner_name,
        "tier": tier.capitalize(),
        "pending_tier": pending_tier.capitalize(),
        "score": None if score is None else fmt_decimal(score),
        "runs_required": runs_required,
        "as_of": fmt_full_day(as_of),
    }
    subject = f"Your {context['tier']} tier is at risk: score {context['score'] or 'n/a'}"
    context["subject"] = subject
    return RenderedEmail(
        subject,
        _render("demotion_warning_email.txt.j2", context),
        _render("demotion_warning_email.html.j2", context),
    )


# -- MIME ------------------------------------------------------------------------------------------


def mime_message(*, sender: str, to: str, subject: str, text: str, html: str, now: datetime) -> EmailMessage:
    """multipart/alternative: text first, HTML last (clients show the last part they can render)."""
    message = EmailMessage()
    message["From"] = Address(PRODUCT, addr_spec=sender)
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message
