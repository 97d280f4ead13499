"""The snapshot email in a real browser engine: Debian's headless Chromium renders it at 600 px (desktop
mail clients' reading pane) and 375 px (a phone), saves screenshots under .local/email-render/, and
the page neither scrolls sideways nor hides the grade.

The email carries no JavaScript. To measure, the test renders a *copy* of the HTML with a small
script appended that writes the layout's sizes into the DOM, then reads them from --dump-dom.
`make test` installs Chromium when it is missing (root + apt-get); where it cannot be installed this
test skips with the reason, it never passes silently.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from datetime import date
from html import escape, unescape
from pathlib import Path
from typing import Any

import pytest
from browser import FLAGS, chromium
from scorecard.adapters.records import TrendPoint
from scorecard.domain.policy import load_policy
from scorecard.email.snapshot import render_snapshot, snapshot_context
from scorecard.schemas.snapshots import SnapshotDocument, SnapshotLineView

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / ".local" / "email-render"
WIDTHS = (600, 375)
HEIGHT = 2400
MEASURE = """
<script>
(function () {
  var frame = document.getElementById("mail");
  function measure() {
    var doc = frame.contentDocument, win = frame.contentWindow;
    var cells = Array.prototype.slice.call(doc.querySelectorAll("td"));
    // the innermost cell whose whole text is the grade letter: the badge itself
    var badge = cells.filter(function (td) { return td.textContent.trim() === %(grade)s; }).pop();
    var box = badge ? badge.getBoundingClientRect() : null;
    var style = badge ? win.getComputedStyle(badge) : null;
    var out = document.createElement("pre");
    out.id = "measure";
    out.textContent = JSON.stringify({
      scrollWidth: doc.documentElement.scrollWidth,
      bodyScrollWidth: doc.body.scrollWidth,
      innerWidth: win.innerWidth,
      title: doc.title,
      grade: box && {left: box.left, right: box.right, width: box.width, height: box.height,
                     color: style.color, background: style.backgroundColor}
    });
    document.body.appendChild(out);
  }
  // Not before the srcdoc document has loaded (the frame starts out as an empty about:blank).
  frame.addEventListener("load", function () {
    if (frame.contentDocument.URL === "about:srcdoc") { measure(); }
  });
})();
</script>
"""


def framed(html: str, width: int, script: str = "") -> str:
    """The email in an iframe exactly `width` px wide: headless Chromium will not make its window
    narrower than 500 px, so a 375 px phone screen is emulated by the frame (an iframe is a viewport
    of its own: percentages and max-width resolve against it, as in a mail client's pane). The
    email's own HTML goes in unchanged; only this wrapper may carry a measuring script."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">'
        f'<iframe id="mail" style="border:0;display:block;width:{width}px;height:{HEIGHT}px" '
        f'srcdoc="{escape(html, quote=True)}"></iframe>{script}</body></html>'
    )


def sample_html() -> str:
    """A realistic month: graded B, late and defective jobs, a patchy trend, a long partner name."""
    line = SnapshotLineView
    document = SnapshotDocument(
        partner_id="acme-01",
        month="2026-10",
        policy_version="v1",
        timezone="UTC",
        jobs_on_board=124,
        jobs_read=118,
        jobs_accepted=57,
        parts_shipped=12840,
        pct_parts_on_time=91.4,
        dpt=12.3,
        value_accepted="1248210.50",
        pct_jobs_on_time=83.3,
        monthly_score=86,
        grade="B",
        jobs_completed=54,
        jobs_completed_on_time=45,
        late_jobs=[
            line(
                job_id="J-1042118",
                due_date=date(2026, 10, 14),
                shipped_on=date(2026, 10, 19),
                days_late=5,
                parts_shipped=40,
                parts_inspected=40,
                parts_defective=0,
            ),
            line(
                job_id="J-1050733",
                due_date=date(2025, 12, 30),
                shipped_on=date(2026, 10, 2),
                days_late=276,
                parts_shipped=10,
                parts_inspected=0,
                parts_defective=0,
            ),
        ],
        defective_jobs=[
            line(
                job_id="J-1038807",
                due_date=date(2026, 10, 20),
                shipped_on=date(2026, 10, 18),
                days_late=0,
                parts_shipped=2000,
                parts_inspected=2000,
                parts_defective=31,
            ),
        ],
    )
    trend = [
        TrendPoint("2025-11", 100, "A"),
        TrendPoint("2025-12", 78, "C"),
        TrendPoint("2026-01", 84, "B"),
        TrendPoint("2026-03", None, None),
        TrendPoint("2026-05", 91, "A"),
        TrendPoint("2026-06", 0, "D"),
        TrendPoint("2026-07", 86, "B"),
        TrendPoint("2026-08", 93, "A"),
        TrendPoint("2026-09", 89, "B"),
    ]
    context = snapshot_context(
        document,
        partner_name="<script>alert(1)</script> Südwest Präzisionsfertigung & Oberflächentechnik GmbH",
        trend=trend,
        policy=load_policy("v1"),
        html_url="https://scorecard-snapshots-123456789012.s3.amazonaws.com/snapshots/2026-10/acme-01.html"
        "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=604800&X-Amz-Signature=" + "0f" * 32,
    )
    return render_snapshot(context).html


def run_chromium(binary: str, width: int, *args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        return subprocess.run(
            [binary, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{HEIGHT}", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def screenshot_and_measure(binary: str, html: str, stem: str, script: str) -> dict[str, Any]:
    """At each width: a screenshot of the framed email, and the DOM dump of a copy carrying the
    measuring `script` (its JSON result in <pre id="measure">)."""
    results: dict[str, Any] = {}
    for width in WIDTHS:
        page = OUT / f"{stem}-{width}-frame.html"
        page.write_text(framed(html, width), encoding="utf-8")
        probe = OUT / f"{stem}-{width}-measure.html"  # the copy with the measuring script
        probe.write_text(framed(html, width, script), encoding="utf-8")
        shot = OUT / f"{stem}-{width}.png"
        shot.unlink(missing_ok=True)
        done = run_chromium(binary, width, f"--screenshot={shot}", page.as_uri())
        assert shot.is_file(), f"no screenshot at {width}px: {done.stderr[-2000:]}"
        dumped = run_chromium(binary, width, "--dump-dom", probe.as_uri())
        found = re.search(r'<pre id="measure">(.*?)</pre>', dumped.stdout, re.S)
        assert found, f"no measurement at {width}px: {dumped.stderr[-2000:]}"
        results[str(width)] = {"png": shot, "measure": json.loads(unescape(found.group(1)))}
    return results


@pytest.fixture(scope="module")
def rendered() -> dict[str, Any]:
    binary = chromium("the email")
    OUT.mkdir(parents=True, exist_ok=True)
    html = sample_html()
    (OUT / "email.html").write_text(html, encoding="utf-8")
    return screenshot_and_measure(binary, html, "email", MEASURE % {"grade": json.dumps("B")})


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_are_saved(rendered: dict[str, Any], width: int) -> None:
    png: Path = rendered[str(width)]["png"]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == width  # IHDR width: the page was laid out at it


@pytest.mark.parametrize("width", WIDTHS)
def test_no_horizontal_overflow(rendered: dict[str, Any], width: int) -> None:
    measure = rendered[str(width)]["measure"]
    assert "Partner Performance Snapshot" in measure["title"]  # the email was measured, not a blank
    assert measure["innerWidth"] == width
    assert measure["scrollWidth"] <= measure["innerWidth"], measure
    assert measure["bodyScrollWidth"] <= measure["innerWidth"], measure


@pytest.mark.parametrize("width", WIDTHS)
def test_the_grade_shows(rendered: dict[str, Any], width: int) -> None:
    grade = rendered[str(width)]["measure"]["grade"]
    assert grade is not None, "no grade badge"
    assert grade["width"] >= 60 and grade["height"] >= 60
    assert grade["left"] >= 0 and grade["right"] <= width
    assert grade["color"] == "rgb(255, 255, 255)"
    assert grade["background"] == "rgb(31, 111, 235)"  # grade B's color


def test_the_email_itself_has_no_script() -> None:
    html = sample_html()
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
