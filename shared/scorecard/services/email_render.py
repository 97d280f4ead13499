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


def _variables(context: DataclassInstance) -> dict[str, Any]:
    return {f.name: getattr(context, f.name) for f in fields(context)}


def render_template(name: str, context: DataclassInstance, **extra: Any) -> str:
    """One template; `.html.j2` templates are autoescaped."""
    template = _environment(name.endswith(".html.j2")).get_template(name)
    return template.render(**_variables(context), **extra)


def render_email(email: str, context: DataclassInstance) -> RenderedEmail:
    """<email>_subject.txt.j2, <email>.txt.j2 and <email>.html.j2 from one context (the subject is
    also the HTML page's title)."""
    subject = render_template(f"{email}_subject.txt.j2", context).strip()
    return RenderedEmail(
        subject,
        render_template(f"{email}.txt.j2", context, subject=subject),
        render_template(f"{email}.html.j2", context, subject=subject),
    )
