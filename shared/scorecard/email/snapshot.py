"""The monthly snapshot email's context (text + HTML, also archived as HTML); the other emails' are in
services/notification_emails (kept apart: the notification worker imports only those). Each email has
one typed context of pre-formatted values (email_format), rendered by email_render from
scorecard/templates, where the partner-facing wording lives (snapshot_wording.j2 for the snapshot).
MIME building is the mailer adapter's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import msgspec

from scorecard.adapters.records import TrendPoint
from scorecard.domain.policy import ScoringPolicy
from scorecard.domain.snapshot import Month
from scorecard.email.format import (
    DASH,
    PRODUCT,
    fmt_day,
    fmt_decimal,
    fmt_int,
    fmt_money,
    fmt_pct,
    month_name,
    month_only,
    short_month,
)
from scorecard.email.render import RenderedEmail, email_templates, render_email, render_template
from scorecard.schemas.snapshots import OverdueLineView, SnapshotDocument, SnapshotLineView, SnapshotMetric

TREND_MONTHS = 12
EMAIL_JOB_ROWS = 10  # late/defective jobs listed in the email; the archived page lists them all
LINK_DAYS = 7

GRADE_COLORS = {"A": "#1a7f37", "B": "#1f6feb", "C": "#b7791f", "D": "#c62828"}
# Earlier months' bars: the same hues, lighter (solid colors: opacity is unreliable in email clients).
GRADE_TINTS = {"A": "#8cc7a0", "B": "#8fb8f6", "C": "#dcbc8f", "D": "#e39494"}
NO_GRADE_COLOR = "#6b7280"
CHART_HEIGHT = 100  # px: a bar's height is the score itself

# What the score note says (snapshot_wording.j2 score_note): why there is no score, or what it weighs.
ScoreCase = Literal["nothing_shipped", "no_evidence", "on_time_only", "quality_only", "both"]


# -- the snapshot email --------------------------------------------------------------------------


class Metric(msgspec.Struct, frozen=True):
    name: SnapshotMetric  # label and definition: snapshot_wording.j2
    value: str
    absent: bool = False  # no evidence for it this month (the template says why)


class Band(msgspec.Struct, frozen=True):
    grade: str
    range: str
    color: str
    active: bool


class TrendBar(msgspec.Struct, frozen=True):
    label: str  # "Oct"
    month: str  # "October 2026"
    kind: Literal["none", "ungraded", "graded"]  # no snapshot; a snapshot without a score; a score
    value: str  # "84", "NG" (snapshot, not graded) or DASH (no snapshot)
    grade: str | None
    height: int  # px, 0 when there is no bar
    color: str
    current: bool


class DefectCount(msgspec.Struct, frozen=True):
    category: str  # "Surface finish"
    parts: str  # "3"


def defect_counts(document: SnapshotDocument) -> list[DefectCount]:
    """The month's itemised defective parts per category, in the document's (category list) order."""
    return [
        DefectCount(category.replace("_", " ").capitalize(), fmt_int(parts))
        for category, parts in document.defects_by_category.items()
    ]


class JobRow(msgspec.Struct, frozen=True):
    job_id: str
    due: str
    shipped: str
    days_late: str
    inspected: str
    defective: str
    late_text: str = ""  # "1 day late", "3 days late"


class OverdueRow(msgspec.Struct, frozen=True):
    job_id: str
    due: str
    days_late: str
    late_text: str  # "12 days late"
    outstanding: str  # "4 parts"


DEFAULT_REVIEW_URL = "https://portal.example.com/scorecard/reviews/new?month={month}"
DEFAULT_CONTACT = "partner-success@example.com"


class EmailSettings(msgspec.Struct, frozen=True):
    """From the stack's settings: where a partner asks for a review of a month ({month} is replaced by
    YYYY-MM) and the Partner Success contact."""

    review_url_template: str = DEFAULT_REVIEW_URL
    contact: str = DEFAULT_CONTACT

    def review_url(self, month: str) -> str:
        return self.review_url_template.replace("{month}", month)


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 day', '3 days', '1,200 parts': counts as people write them."""
    return f"{fmt_int(count)} {one if count == 1 else (many or one + 's')}"


class SnapshotContext(msgspec.Struct, frozen=True):
    """Every variable of snapshot_email.{txt,html}.j2, formatted."""

    product: str
    partner_name: str
    partner_id: str
    month_name: str  # "October 2026"
    month_only: str  # "October"
    score: str
    graded: bool
    grade: str  # "" when not graded
    grade_color: str
    score_case: ScoreCase
    tier: str | None  # "Elite": the tier at month end (policy v2 rule 5); None before any daily run
    bonus_eligible: bool  # every daily run of the month placed the partner in a bonus tier
    network_percentile: int | None  # peer standing of the month's last daily score; None without one
    bands: list[Band]
    metrics: list[Metric]
    trend: list[TrendBar]
    trend_range: str
    chart_height: int
    late_count: str
    defective_count: str
    late_jobs: list[JobRow]
    defective_jobs: list[JobRow]
    html_url: str | None
    link_days: str
    archive: bool = False  # the page archived in S3: every job listed, no link to itself
    late_jobs_more: str | None = None  # rows left out of the email ("and 5 more")
    defective_jobs_more: str | None = None
    defects_by_category: list[DefectCount] = msgspec.field(default_factory=list)  # empty: none itemised
    overdue_count: str = "0"
    overdue_jobs: list[OverdueRow] = msgspec.field(default_factory=list)
    overdue_jobs_more: str | None = None
    success_score: str | None = None  # "94.8": the Success Score of the month's last daily run
    success_grade: str = ""
    review_url: str = ""
    contact: str = DEFAULT_CONTACT
    revision: int = 1
    restated: bool = False


class RenderedSnapshot(msgspec.Struct, frozen=True):
    subject: str
    text: str
    html: str  # the email's HTML part (with the link to the archive)
    archive_html: str  # the page stored in S3 (every job listed, no link to itself)


class _SubjectContext(msgspec.Struct, frozen=True):
    month_name: str
    grade: str


def subject_for(document: SnapshotDocument) -> str:
    context = _SubjectContext(month_name(Month.parse(document.month)), document.grade or "")
    return render_template("snapshot_email_subject.txt.j2", context).strip()


def _metrics(document: SnapshotDocument) -> list[Metric]:
    return [
        Metric("jobs_on_board", fmt_int(document.jobs_on_board)),
        Metric("jobs_read", fmt_int(document.jobs_read)),
        Metric("jobs_accepted", fmt_int(document.jobs_accepted)),
        Metric("parts_shipped", fmt_int(document.parts_shipped)),
        Metric("pct_parts_on_time", fmt_pct(document.pct_parts_on_time), absent=not document.parts_shipped),
        Metric("dpt", fmt_decimal(document.dpt), absent=document.dpt is None),
        Metric("value_accepted", fmt_money(document.value_accepted)),
        Metric("pct_jobs_on_time", fmt_pct(document.pct_jobs_on_time), absent=not document.jobs_completed),
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


def _score_case(document: SnapshotDocument) -> ScoreCase:
    if document.monthly_score is None and not document.parts_shipped:
        return "nothing_shipped"
    if document.monthly_score is None:
        return "no_evidence"
    if document.dpt is None and document.pct_jobs_on_time is not None:
        return "on_time_only"
    if document.pct_jobs_on_time is None:
        return "quality_only"
    return "both"


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
        kind: Literal["none", "ungraded", "graded"]
        if point is None:
            kind, value = "none", DASH
        elif score is None:
            kind, value = "ungraded", "NG"
        else:
            kind, value = "graded", str(score)
        bars.append(
            TrendBar(
                label=short_month(m),
                month=month_name(m),
                kind=kind,
                value=value,
                grade=None if point is None else point.grade,
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
            late_text=plural(line.days_late, "day") + " late",
        )
        for line in lines
    ]


def _overdue_rows(lines: Sequence[OverdueLineView], month: Month) -> list[OverdueRow]:
    return [
        OverdueRow(
            job_id=line.job_id,
            due=fmt_day(line.due_date, month),
            days_late=fmt_int(line.days_late),
            late_text=plural(line.days_late, "day") + " late",
            outstanding=plural(line.parts_outstanding, "part"),
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
    settings: EmailSettings | None = None,
) -> SnapshotContext:
    month = Month.parse(document.month)
    settings = settings or EmailSettings()
    bars = trend_bars(month, trend, document)
    return SnapshotContext(
        product=PRODUCT,
        partner_name=partner_name,
        partner_id=document.partner_id,
        month_name=month_name(month),
        month_only=month_only(month),
        score=DASH if document.monthly_score is None else str(document.monthly_score),
        graded=document.monthly_score is not None,
        grade=document.grade or "",
        grade_color=GRADE_COLORS.get(document.grade or "", NO_GRADE_COLOR),
        score_case=_score_case(document),
        tier=None if document.tier is None else document.tier.capitalize(),
        bonus_eligible=document.bonus_eligible,
        # a provisional score has no standing among partners worth telling
        network_percentile=None if document.provisional else document.network_percentile,
        bands=grade_bands(policy, document.grade),
        metrics=_metrics(document),
        trend=bars,
        trend_range=f"{bars[0].label} {bars[0].month[-4:]} \u2013 {bars[-1].label} {bars[-1].month[-4:]}",
        chart_height=CHART_HEIGHT,
        late_count=fmt_int(max(document.late_jobs_total, len(document.late_jobs))),
        defective_count=fmt_int(max(document.defective_jobs_total, len(document.defective_jobs))),
        late_jobs=_job_rows(document.late_jobs, month),
        defective_jobs=_job_rows(document.defective_jobs, month),
        defects_by_category=defect_counts(document),
        html_url=html_url,
        link_days=str(LINK_DAYS),
        overdue_count=fmt_int(max(document.overdue_jobs_total, len(document.overdue_jobs))),
        overdue_jobs=_overdue_rows(document.overdue_jobs, month),
        success_score=None if document.success_score is None else f"{document.success_score:.1f}",
        success_grade=document.success_grade or "",
        review_url=settings.review_url(document.month),
        contact=settings.contact,
        revision=document.revision,
        restated=document.revision > 1,
    )


def _more(all_rows: list[JobRow], shown: list[JobRow]) -> str | None:
    return fmt_int(len(all_rows) - len(shown)) if len(all_rows) > len(shown) else None


def _more_than(total: str, shown: int) -> str | None:
    count = int(total.replace(",", ""))
    return fmt_int(count - shown) if count > shown else None


def _limited(context: SnapshotContext, rows: int) -> SnapshotContext:
    """The email lists `rows` jobs of each list; "and N more" counts from the month's totals."""
    late, defective, overdue = (
        context.late_jobs[:rows],
        context.defective_jobs[:rows],
        context.overdue_jobs[:rows],
    )
    return msgspec.structs.replace(
        context,
        late_jobs=late,
        defective_jobs=defective,
        overdue_jobs=overdue,
        late_jobs_more=_more_than(context.late_count, len(late)),
        defective_jobs_more=_more_than(context.defective_count, len(defective)),
        overdue_jobs_more=_more_than(context.overdue_count, len(overdue)),
    )


def render_snapshot(context: SnapshotContext) -> RenderedSnapshot:
    email = render_email("snapshot_email", _limited(context, EMAIL_JOB_ROWS))
    archived = msgspec.structs.replace(context, archive=True, html_url=None)
    # The archived page is the HTML alone (its subject is the email's): every job; "more" from totals.
    archive_html = render_template(
        email_templates("snapshot_email")[2], _limited(archived, 10**9), subject=email.subject
    )
    return RenderedSnapshot(
        subject=email.subject, text=email.text, html=email.html, archive_html=archive_html
    )


# -- the restatement notice ---------------------------------------------------------------------------


class RestatementContext(msgspec.Struct, frozen=True):
    """Every variable of snapshot_restated_email.{txt,html}.j2, formatted."""

    product: str
    partner_name: str
    month_name: str
    month_only: str
    revision: int
    previous_revision: int
    score: str
    grade: str
    bonus_eligible: bool
    changes: list[tuple[str, str, str]]  # (field, before, after), formatted
    reasons: list[str]
    html_url: str | None
    review_url: str
    contact: str


def _shown(value: object) -> str:
    if value is None:
        return DASH
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def restatement_context(
    document: SnapshotDocument, *, partner_name: str, html_url: str | None, settings: EmailSettings
) -> RestatementContext:
    month = Month.parse(document.month)
    return RestatementContext(
        product=PRODUCT,
        partner_name=partner_name,
        month_name=month_name(month),
        month_only=month_only(month),
        revision=document.revision,
        previous_revision=document.revision - 1,
        score=DASH if document.monthly_score is None else str(document.monthly_score),
        grade=document.grade or "",
        bonus_eligible=document.bonus_eligible,
        changes=[(c.field, _shown(c.before), _shown(c.after)) for c in document.changes],
        reasons=list(document.reasons),
        html_url=html_url,
        review_url=settings.review_url(document.month),
        contact=settings.contact,
    )


def render_restatement(context: RestatementContext) -> RenderedEmail:
    return render_email("snapshot_restated_email", context)
