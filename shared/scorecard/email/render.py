"""Jinja2 rendering of the emails (templates in scorecard/email/templates, autoescaped for HTML): one
helper renders an email's subject, text part and HTML part from one typed context.

A function that renders in every invocation compiles its templates before SnapStart's snapshot
(`load_templates` in a before-snapshot hook), so no request pays for it; elsewhere on first use.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from jinja2 import Environment


class RenderedEmail(msgspec.Struct, frozen=True):
    subject: str
    text: str
    html: str


# The templates an email's templates `{% import %}`: loaded with them by `load_templates`.
IMPORTED_BY = {
    "snapshot_email": ("snapshot_wording.j2",),
    "snapshot_restated_email": ("snapshot_wording.j2",),
}


@cache
def environment(html: bool) -> Environment:
    """The environment of the HTML templates (autoescaped: partner names and job ids come from
    outside) or of the text ones."""
    from jinja2 import Environment, PackageLoader, StrictUndefined  # loaded with the first template

    return Environment(
        loader=PackageLoader("scorecard.email", "templates"),
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _variables(context: msgspec.Struct) -> dict[str, Any]:
    return msgspec.structs.asdict(context)  # its fields, not recursively: the template reads the values


def render_template(name: str, context: msgspec.Struct, **extra: Any) -> str:
    """One template; `.html.j2` templates are autoescaped."""
    template = environment(name.endswith(".html.j2")).get_template(name)
    return template.render(**_variables(context), **extra)


def email_templates(email: str) -> tuple[str, str, str]:
    """An email's subject, text and HTML templates."""
    return f"{email}_subject.txt.j2", f"{email}.txt.j2", f"{email}.html.j2"


def render_email(email: str, context: msgspec.Struct) -> RenderedEmail:
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
    """Compile these emails' templates (and those they import) now."""
    for email in emails:
        for name in email_templates(email):
            html = name.endswith(".html.j2")
            environment(html).get_template(name)
            for imported in IMPORTED_BY.get(email, ()):
                environment(html).get_template(imported)
