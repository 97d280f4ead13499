"""The snapshot email (issue 3): subject, content, email-safe HTML, autoescaping, and the text part
carrying every number of the HTML part."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from html.parser import HTMLParser
from typing import Any

import pytest
from scorecard.adapters.mailer import mime_message
from scorecard.adapters.records import TrendPoint
from scorecard.domain.policy import load_policy
from scorecard.email.notifications import render_part_received
from scorecard.email.snapshot import PRODUCT, render_snapshot, snapshot_context, subject_for
from scorecard.schemas.snapshots import SnapshotDocument, SnapshotLineView

POLICY = load_policy("v1")
XSS = "<script>alert(1)</script>"
URL = "https://snapshots-bucket.s3.amazonaws.com/snapshots/2026-10/acme-01.html?X-Amz-Expires=604800&X-Amz-Signature=0f1e"


def line(
    job_id: str, due: date | None, shipped: date | None, late: int, inspected: int = 0, bad: int = 0
) -> SnapshotLineView:
    return SnapshotLineView(
        job_id=job_id,
        due_date=due,
        shipped_on=shipped,
        days_late=late,
        parts_shipped=inspected or 1,
        parts_inspected=inspected,
        parts_defective=bad,
    )


def document(**changes: Any) -> SnapshotDocument:
    base: dict[str, Any] = {
        "partner_id": "acme-01",
        "month": "2026-10",
        "policy_version": "v1",
        "timezone": "UTC",
        "jobs_on_board": 24,
        "jobs_read": 21,
        "jobs_accepted": 12,
        "parts_shipped": 1340,
        "pct_parts_on_time": 91.4,
        "dpt": 12.3,
        "value_accepted": "48210.50",
        "pct_jobs_on_time": 83.3,
        "monthly_score": 86,
        "grade": "B",
        "jobs_completed": 12,
        "jobs_completed_on_time": 10,
        "late_jobs": [
            line("J-10421", date(2026, 10, 14), date(2026, 10, 19), 5),
            line("J-10507", date(2026, 9, 30), date(2026, 10, 2), 2),
        ],
        "defective_jobs": [line("J-10388", date(2026, 10, 20), date(2026, 10, 18), 0, 200, 3)],
    }
    base.update(changes)
    return SnapshotDocument(**base)


# The eight docs/snapshots.md metrics as the partner reads them (snapshot_wording.j2), for an October
# snapshot.
METRICS_IN_OCTOBER = [
    ("Jobs on Board", "The number of jobs that were pushed to your job board in October."),
    (
        "Jobs Read",
        "The number of jobs you read in October, including any that were visible on the page when you "
        "logged in to view your job board.",
    ),
    (
        "Jobs Accepted",
        "The number of jobs you accepted in October; not necessarily the number you shipped that month.",
    ),
    ("Parts Shipped", "The number of parts you shipped in October, to us or directly to the customer."),
    (
        "% Parts on Time",
        "The percentage of the parts you shipped in October that shipped on time (by their due date).",
    ),
    (
        "DPT",
        "Defects per thousand: defective parts per thousand inspected, of the parts you shipped in October.",
    ),
    ("Value of Jobs Accepted", "The dollar value of the jobs you accepted in October."),
    ("% Jobs on Time", "The percentage of the jobs completed in October that were delivered on time."),
]

TREND = [
    TrendPoint("2025-12", 78, "C"),
    TrendPoint("2026-01", 84, "B"),
    TrendPoint("2026-03", None, None),
    TrendPoint("2026-06", 69, "D"),
    TrendPoint("2026-09", 93, "A"),
]

DOCUMENTS = {
    "graded": document(),
    "not graded": document(
        parts_shipped=0,
        pct_parts_on_time=None,
        dpt=None,
        pct_jobs_on_time=None,
        monthly_score=None,
        grade=None,
        jobs_completed=0,
        jobs_completed_on_time=0,
        late_jobs=[],
        defective_jobs=[],
    ),
    "no inspections": document(dpt=None, monthly_score=83, defective_jobs=[]),
    "many late jobs": document(
        monthly_score=41,
        grade="D",
        late_jobs=[line(f"L-{n}", date(2026, 10, n), date(2026, 10, n + 3), 3) for n in range(1, 16)],
    ),
}


def render(doc: SnapshotDocument, name: str = "Acme Precision", url: str | None = URL) -> Any:
    context = snapshot_context(doc, partner_name=name, trend=TREND, policy=POLICY, html_url=url)
    return render_snapshot(context)


class _Text(HTMLParser):
    """The HTML's text nodes (what a reader sees; attributes such as inline CSS are not text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def parse(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def numbers(text: str) -> set[str]:
    return {match.replace(",", "") for match in NUMBER.findall(text)}


@pytest.mark.parametrize("case", list(DOCUMENTS))
def test_the_text_part_carries_every_number_of_the_html_part(case: str) -> None:
    rendered = render(DOCUMENTS[case])
    html_numbers = numbers(" ".join(parse(rendered.html).parts))
    text_numbers = numbers(rendered.text)
    assert html_numbers, "the HTML part shows numbers"
    assert html_numbers - text_numbers == set()


def test_the_text_part_alone_has_the_whole_snapshot() -> None:
    text = render(DOCUMENTS["graded"]).text
    for expected in (
        "86 / 100",
        "Grade B",
        "A 90–100, B 80–89, C 70–79, D below 70",
        "Jobs on Board: 24",
        "Jobs Read: 21",
        "Jobs Accepted: 12",
        "Parts Shipped: 1,340",
        "% Parts on Time: 91.4%",
        "DPT: 12.3",
        "Value of Jobs Accepted: $48,210.50",
        "% Jobs on Time: 83.3%",
        "- J-10421: due Oct 14, shipped Oct 19, 5 days late",
        "- J-10507: due Sep 30, shipped Oct 2, 2 days late",
        "- J-10388: shipped Oct 18, 3 defective of 200 inspected",
        "November 2025: no snapshot",
        "March 2026: not graded",
        "September 2026: 93 (A)",
        "October 2026: 86 (B)  <- this month",
        URL,
    ):
        assert expected in text
    for label, definition in METRICS_IN_OCTOBER:
        assert label in text and definition in text


def test_subjects() -> None:
    assert subject_for(DOCUMENTS["graded"]) == "Your October 2026 Partner Performance Snapshot — Grade B"
    assert (
        subject_for(DOCUMENTS["not graded"]) == "Your October 2026 Partner Performance Snapshot — Not graded"
    )


def test_a_partner_name_is_escaped_in_html_and_kept_in_text() -> None:
    rendered = render(DOCUMENTS["graded"], name=f"{XSS} & Sons")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons" in rendered.html
    assert "<script" not in rendered.html.lower()
    assert "<script" not in rendered.archive_html.lower()
    assert f"{XSS} & Sons" in rendered.text


def test_job_ids_are_escaped_too() -> None:
    rendered = render(document(late_jobs=[line('"><img src=x onerror=alert(1)>', None, None, 1)]))
    assert "<img" not in rendered.html
    assert "&lt;img src=x onerror=alert(1)&gt;" in rendered.html


@pytest.mark.parametrize("case", list(DOCUMENTS))
def test_the_html_is_email_safe(case: str) -> None:
    rendered = render(DOCUMENTS[case])
    for html in (rendered.html, rendered.archive_html):
        parsed = parse(html)
        assert parsed.tags.isdisjoint({"script", "style", "svg", "img", "link", "iframe", "form", "object"})
        assert "class" not in parsed.attributes  # inline CSS only
        assert "javascript:" not in html.lower()
        assert "max-width:600px" in html
        assert re.search(r"(?:src|href)=\"http://", html) is None


def test_the_trend_has_twelve_months_with_gaps_left_empty() -> None:
    html = render(DOCUMENTS["graded"]).html
    labels = ["Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct"]
    text = " ".join(parse(html).parts)
    assert re.search(r"\s+".join(labels), text), "twelve month labels in order"
    bars = re.findall(r'<td height="(\d+)"', html)
    assert bars == ["78", "84", "69", "93", "86"]  # bar height = the score; gaps and NG draw nothing


def test_the_email_lists_at_most_ten_jobs_the_archive_all() -> None:
    rendered = render(DOCUMENTS["many late jobs"])
    assert rendered.html.count("L-") == 10 and "and 5 more in the online snapshot." in rendered.html
    assert "...and 5 more in the online snapshot." in rendered.text
    assert rendered.archive_html.count("L-") == 15
    assert URL.split("?")[0] not in rendered.archive_html  # the archive does not link to itself


def test_each_part_is_rendered_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Subject, text and HTML of the email, and the archived page: the archive's own subject and
    text part were rendered too, and thrown away."""
    from scorecard.email import render as email_render

    rendered: list[str] = []
    real = email_render.render_template

    def counted(name: str, context: Any, **extra: Any) -> str:
        rendered.append(name)
        return real(name, context, **extra)

    monkeypatch.setattr(email_render, "render_template", counted)
    monkeypatch.setattr("scorecard.email.snapshot.render_template", counted)

    result = render(DOCUMENTS["many late jobs"])

    assert sorted(rendered) == [
        "snapshot_email.html.j2",  # the email's
        "snapshot_email.html.j2",  # the archived page
        "snapshot_email.txt.j2",
        "snapshot_email_subject.txt.j2",
    ]
    assert "<title>" in result.archive_html and result.subject in result.archive_html


def test_score_notes() -> None:
    assert "Nothing shipped in October" in render(DOCUMENTS["not graded"]).text
    shipped_only = document(
        dpt=None, pct_jobs_on_time=None, monthly_score=None, grade=None, jobs_completed=0, late_jobs=[]
    )
    assert "No job was completed and no part inspected in October" in render(shipped_only).text
    assert "the score is your on-time rate alone" in render(DOCUMENTS["no inspections"]).text


def test_the_mime_message_is_multipart_alternative_text_then_html() -> None:
    rendered = render(DOCUMENTS["graded"], name=XSS)
    message = mime_message(
        sender="scorecard@example.com",
        sender_name=PRODUCT,
        to="ops@acme.example",
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        now=datetime(2026, 11, 1, 0, 30, tzinfo=UTC),
    )
    parsed = message_from_bytes(message.as_bytes(), policy=default)
    assert isinstance(parsed, EmailMessage)
    assert parsed.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert parsed["Subject"] == "Your October 2026 Partner Performance Snapshot — Grade B"
    assert parsed["From"] == "Partner Scorecard <scorecard@example.com>"
    plain = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    assert plain.get_content() == rendered.text
    assert html.get_content() == rendered.html


def test_the_part_received_email() -> None:
    email = render_part_received(
        partner_name=XSS, job_id="J-7", received_on=date(2026, 10, 7), parts_shipped=5, due=date(2026, 10, 9)
    )
    assert email.subject == "Job J-7: your parts were received and approved"
    assert "&lt;script&gt;" in email.html and "<script" not in email.html
    assert numbers(" ".join(parse(email.html).parts)) <= numbers(email.text)


def test_the_network_percentile_in_words_in_both_parts() -> None:
    rendered = render(document(network_percentile=72))
    words = "Your last daily score of October was better than 72 % of partners."
    assert words in rendered.text
    assert words in " ".join(parse(rendered.html).parts)
    assert "72" in numbers(rendered.text)
    # no distribution yet: nothing said (never "better than 0 %")
    without = render(document())
    assert "better than" not in without.text
    assert "better than" not in " ".join(parse(without.html).parts)
    # a real 0 is said as such
    assert "better than 0 % of partners" in render(document(network_percentile=0)).text


def test_load_templates_compiles_all_the_snapshot_email_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    """The monthly worker loads the snapshot's templates at init (render.load_templates): its renders
    then read no template source, the one it imports (snapshot_wording.j2) included."""
    import jinja2
    from scorecard.email import render as email_render

    email_render.environment.cache_clear()  # fresh environments: nothing loaded yet
    sources_read: list[str] = []
    source = jinja2.PackageLoader.get_source

    def reading(self: jinja2.PackageLoader, environment: jinja2.Environment, name: str) -> Any:
        sources_read.append(name)
        return source(self, environment, name)

    monkeypatch.setattr(jinja2.PackageLoader, "get_source", reading)
    email_render.load_templates("snapshot_email")
    loaded = sorted(sources_read)
    sources_read.clear()
    render(document())

    assert sources_read == []
    assert loaded == [
        "snapshot_email.html.j2",
        "snapshot_email.txt.j2",
        "snapshot_email_subject.txt.j2",
        "snapshot_wording.j2",
        "snapshot_wording.j2",  # once per environment: the HTML one autoescapes
    ]


def test_counts_read_as_people_write_them() -> None:
    doc = document(late_jobs=[line("J-1", date(2026, 10, 14), date(2026, 10, 15), 1)], late_jobs_total=1)
    text = render(doc).text
    assert "J-1: due Oct 14, shipped Oct 15, 1 day late" in text
    assert "1 days late" not in text
    assert "5 days late" in render(document()).text


def test_a_provisional_partner_is_shown_no_percentile() -> None:
    assert "better than 0 %" in render(document(network_percentile=0)).text
    shown = render(document(network_percentile=0, provisional=True))
    assert "better than" not in shown.text and "better than" not in shown.html


def test_the_success_score_beside_the_monthly_score_the_review_link_and_the_contact() -> None:
    from scorecard.email.snapshot import EmailSettings

    doc = document(success_score=94.8, success_grade="A", tier="elite")
    settings = EmailSettings("https://portal.test/reviews/new?month={month}&src=email", "ps@example.com")
    context = snapshot_context(
        doc, partner_name="Acme", trend=TREND, policy=POLICY, html_url=URL, settings=settings
    )
    rendered = render_snapshot(context)
    assert "Success Score at the end of October: 94.8 (grade A), tier Elite." in rendered.text
    assert "the Success Score weighs your jobs by value over a rolling window" in rendered.text
    assert "https://portal.test/reviews/new?month=2026-10&src=email" in rendered.text
    assert "https://portal.test/reviews/new?month=2026-10&amp;src=email" in rendered.html
    assert "Write to Partner Success: ps@example.com" in rendered.text
    assert "ps@example.com" in rendered.html
    assert "Success Score" not in render(document()).text  # no daily score in the month: no line


def test_overdue_jobs_in_the_email() -> None:
    from scorecard.schemas.snapshots import OverdueLineView

    overdue = [OverdueLineView(job_id="R-3", due_date=date(2026, 10, 20), days_late=11, parts_outstanding=4)]
    rendered = render(document(overdue_jobs=overdue, overdue_jobs_total=1))
    assert "STILL OVERDUE AT THE END OF OCTOBER (1)" in rendered.text
    assert "R-3: due Oct 20, 11 days late, 4 parts not shipped" in rendered.text
    assert "R-3" in rendered.html and "11 days late" in rendered.html


def test_the_restatement_notice() -> None:
    from scorecard.email.snapshot import EmailSettings, render_restatement, restatement_context
    from scorecard.schemas.snapshots import SnapshotChangeView

    doc = document(
        revision=2,
        status="restated",
        reasons=["R-1: inspection of parts shipped in 2026-10: 2 defective of 10 inspected (was 0 of 0)"],
        changes=[SnapshotChangeView(field="grade", before="A", after="C")],
        grade="C",
    )
    notice = render_restatement(
        restatement_context(doc, partner_name=XSS, html_url=URL, settings=EmailSettings())
    )
    assert notice.subject == "Your October 2026 Partner Performance Snapshot was restated — Grade C"
    assert "this is revision 2, replacing revision 1" in notice.text
    assert "- grade: A -> C" in notice.text
    assert "R-1: inspection of parts shipped in 2026-10" in notice.text
    assert XSS not in notice.html and "&lt;script&gt;" in notice.html
