"""The email templates ship precompiled (scorecard/compiled_templates, email_render.compile_templates):
the committed modules are exactly what the .j2 sources compile to now, and rendering through them
gives what rendering the sources gives, for every template, in both environments."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import jinja2
import pytest
from scorecard.services import email_render
from scorecard.services.email_render import COMPILED_TEMPLATES, RenderedEmail, compile_templates
from scorecard.services.emails import RenderedSnapshot, render_snapshot, snapshot_context
from scorecard.services.notification_emails import (
    OverdueReviewRow,
    render_demotion_warning,
    render_overdue_digest,
    render_part_received,
    render_review_resolved,
)
from test_snapshot_email import DOCUMENTS, POLICY, TREND, URL, XSS

# Each renders one email (all its templates, and those they import) through email_render._environment.
EMAILS: dict[str, Callable[[], RenderedEmail | RenderedSnapshot]] = {
    **{
        f"snapshot, {case}": lambda doc=doc: render_snapshot(  # type: ignore[misc]
            snapshot_context(doc, partner_name=XSS, trend=TREND, policy=POLICY, html_url=URL)
        )
        for case, doc in DOCUMENTS.items()
    },
    "part received": lambda: render_part_received(
        partner_name=XSS, job_id="J-<7>", received_on=date(2026, 10, 7), parts_shipped=5, due=None
    ),
    "demotion warning": lambda: render_demotion_warning(
        partner_name=XSS,
        tier="elite",
        pending_tier="preferred",
        score=84.25,
        runs_required=3,
        as_of=date(2026, 10, 7),
    ),
    "review resolved": lambda: render_review_resolved(
        partner_name=XSS,
        review_id="rv-1",
        decision="adjusted",
        resolved_on=date(2026, 10, 7),
        note="J-1 & J-2 <excluded>",
        excluded_job_ids=["J-1", "J-2"],
        score_before=71.5,
        score_after=78.0,
    ),
    "overdue digest": lambda: render_overdue_digest(
        [OverdueReviewRow("rv-1", XSS, "Oct 1, 2026", "6", "open")], due_business_days=5
    ),
}


def stored(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.glob("*/tmpl_*.py"))}


def test_the_committed_modules_are_what_the_sources_compile_to_now(tmp_path: Path) -> None:
    compile_templates(tmp_path)
    generated = stored(tmp_path)

    # every template, in both environments (html: autoescaped; text)
    sources = email_render.source_environment(False).list_templates(extensions=["j2"])
    assert len(sources) >= 16
    assert set(generated) == {
        f"{folder}/{jinja2.ModuleLoader.get_module_filename(name)}"
        for folder in ("html", "text")
        for name in sources
    }
    assert stored(COMPILED_TEMPLATES) == generated, "templates changed: run `make templates` and commit"


def test_compile_templates_removes_the_modules_of_deleted_templates(tmp_path: Path) -> None:
    stale = tmp_path / "html" / "tmpl_0000000000000000000000000000000000000000.py"
    stale.parent.mkdir()
    stale.write_text("name = 'deleted.j2'\n")

    compile_templates(tmp_path)

    assert not stale.exists()
    assert stored(tmp_path) == stored(COMPILED_TEMPLATES)


def source_environments() -> dict[bool, jinja2.Environment]:
    return {html: email_render.source_environment(html) for html in (False, True)}


def html_parts(result: RenderedEmail | RenderedSnapshot) -> list[str]:
    """The HTML a render made: the email's part, and a snapshot's archived page."""
    return [result.html, result.archive_html] if isinstance(result, RenderedSnapshot) else [result.html]


@pytest.mark.parametrize("email", sorted(EMAILS))
def test_an_email_renders_the_same_from_the_modules_and_from_the_sources(
    email: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    precompiled = EMAILS[email]()
    monkeypatch.setattr(email_render, "_environment", source_environments().__getitem__)
    from_sources = EMAILS[email]()

    assert precompiled == from_sources
    for html in html_parts(precompiled):  # autoescaped in HTML only
        assert "&lt;script&gt;" in html and "<script" not in html
    assert "<script>" in precompiled.text


def test_the_emails_above_render_every_template_in_both_environments(monkeypatch: pytest.MonkeyPatch) -> None:
    environments = source_environments()
    monkeypatch.setattr(email_render, "_environment", environments.__getitem__)
    for render in EMAILS.values():
        render()

    loaded = {html: {name for _, name in env.cache or ()} for html, env in environments.items()}
    templates = set(environments[False].list_templates(extensions=["j2"]))
    assert loaded[True] == {name for name in templates if not name.endswith("txt.j2")}
    assert loaded[False] == {name for name in templates if not name.endswith(".html.j2")}


def test_the_precompiled_environment_keeps_strict_undefined_and_autoescape() -> None:
    html = email_render._environment(True).get_template("part_received_email.html.j2")
    text = email_render._environment(False).get_template("part_received_email.txt.j2")

    with pytest.raises(jinja2.UndefinedError):
        text.render()
    assert email_render._environment(True).autoescape is True
    assert email_render._environment(False).autoescape is False
    assert isinstance(email_render._environment(True).loader, jinja2.ModuleLoader)
    assert (
        html.render(
            product="P",
            partner_name="<b>",
            job_id="J",
            received_on="d",
            parts_shipped=None,
            due=None,
            subject="s",
        ).count("&lt;b&gt;")
        >= 1
    )
