"""Jinja2 rendering of the emails (templates in scorecard/templates, autoescaped for HTML): one helper
renders an email's subject, text part and HTML part from one typed context."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import DataclassInstance
    from jinja2 import Environment


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


# The templates an email's templates `{% import %}`: loaded with them by `load_templates`.
IMPORTED_BY = {"snapshot_email": ("snapshot_wording.j2",)}


@cache
def _environment(html: bool) -> Environment:
    # Imported here: a function that never renders (the API, ingestion, the daily run) never imports
    # Jinja2; one that renders in every invocation loads its templates at init (load_templates).
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(
        loader=PackageLoader("scorecard", "templates"),
        autoescape=html,  # the partner name and job ids come from outside: HTML escapes them all
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _variables(context: DataclassInstance) -> dict[str, Any]:
    return {f.name: getattr(context, f.name) for f in fields(context)}


def render_template(name: str, context: DataclassInstance, **extra: Any) -> str:
    """One template; `.html.j2` templates are autoescaped."""
    template = _environment(name.endswith(".html.j2")).get_template(name)
    return template.render(**_variables(context), **extra)


def email_templates(email: str) -> tuple[str, str, str]:
    """An email's subject, text and HTML templates."""
    return f"{email}_subject.txt.j2", f"{email}.txt.j2", f"{email}.html.j2"


def render_email(email: str, context: DataclassInstance) -> RenderedEmail:
    """<email>_subject.txt.j2, <email>.txt.j2 and <email>.html.j2 from one context (the subject is
    also the HTML page's title)."""
    subject_template, text_template, html_template = email_templates(email)
    subject = render_template(subject_template, context).strip()
    return RenderedEmail(
        subject,
        render_template(text_template, context, subject=subject),
        render_template(html_template, context, subject=subject),
    )


def load_templates(*emails: str) -> None:
    """Import Jinja2 and compile these emails' templates (and those they import) now. A function that
    renders them in every invocation calls this at import, so that the work is done at init, inside
    the SnapStart snapshot, and not again by the first request of every restored environment."""
    for email in emails:
        for name in email_templates(email):
            html = name.endswith(".html.j2")
            _environment(html).get_template(name)
            for imported in IMPORTED_BY.get(email, ()):
                _environment(html).get_template(imported)
