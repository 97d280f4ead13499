"""The review resolution email in headless Chromium, as the snapshot email is checked
(test_email_render.py): rendered at 600 and 375 px, no sideways scroll, and both scores visible
inside the viewport. A long unbroken note and job id must wrap, not widen the page."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from browser import chromium
from scorecard.email.notifications import render_review_resolved
from test_email_render import OUT, WIDTHS, screenshot_and_measure

pytestmark = pytest.mark.e2e

MEASURE = """
<script>
(function () {
  var frame = document.getElementById("mail");
  function measure() {
    var doc = frame.contentDocument, win = frame.contentWindow;
    var divs = Array.prototype.slice.call(doc.querySelectorAll("div"));
    function box(text) {
      var el = divs.filter(function (d) { return d.textContent.trim() === text; }).pop();
      if (!el) { return null; }
      var r = el.getBoundingClientRect();
      return {left: r.left, right: r.right, width: r.width, height: r.height};
    }
    var out = document.createElement("pre");
    out.id = "measure";
    out.textContent = JSON.stringify({
      scrollWidth: doc.documentElement.scrollWidth,
      bodyScrollWidth: doc.body.scrollWidth,
      innerWidth: win.innerWidth,
      title: doc.title,
      before: box(%(before)s),
      after: box(%(after)s)
    });
    document.body.appendChild(out);
  }
  frame.addEventListener("load", function () {
    if (frame.contentDocument.URL === "about:srcdoc") { measure(); }
  });
})();
</script>
"""


def sample() -> Any:
    return render_review_resolved(
        partner_name="Südwest Präzisionsfertigung & Oberflächentechnik GmbH <b>",
        review_id="rv-0123456789abcdef0123",
        decision="adjusted",
        resolved_on=date(2026, 11, 3),
        note="Confirmed with the account manager: the customer changed the drawing twice. "
        "Reference: " + "X" * 120,
        excluded_job_ids=["J-1042118", "J-" + "9" * 60],
        score_before=74.2,
        score_after=88.6,
    )


@pytest.fixture(scope="module")
def rendered() -> dict[str, Any]:
    binary = chromium("the review resolution email")
    OUT.mkdir(parents=True, exist_ok=True)
    html = sample().html
    script = MEASURE % {"before": json.dumps("74.2"), "after": json.dumps("88.6")}
    return screenshot_and_measure(binary, html, "review-email", script)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_review_email_renders_without_overflow(rendered: dict[str, Any], width: int) -> None:
    result = rendered[str(width)]
    assert result["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    measure = result["measure"]
    assert "score adjusted" in measure["title"]  # the email was measured, not a blank page
    assert measure["innerWidth"] == width
    assert measure["scrollWidth"] <= width, measure
    assert measure["bodyScrollWidth"] <= width, measure
    for score in ("before", "after"):
        box = measure[score]
        assert box is not None, f"score {score} not shown"
        assert box["height"] > 0 and box["left"] >= 0 and box["right"] <= width


def test_both_parts_carry_the_decision_note_and_scores() -> None:
    email = sample()
    assert email.subject == "Your score review: score adjusted (74.2 \u2192 88.6)"
    for part in (email.text, email.html):
        assert "74.2" in part and "88.6" in part
        assert "Adjusted" in part and "the customer changed the drawing twice" in part
        assert "J-1042118" in part
    assert "&lt;b&gt;" in email.html and "<b>" not in email.html.split("<body", 1)[1].replace("<br", "")
    assert "<script" not in email.html.lower()
