"""The documentation stays honest cheaply: the README stays a newcomer's page, every document it
links exists, and the docs speak in the project's own words (no citations of documents outside the
repository)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
MAX_README_LINES = 200
# Markdown links [text](target): the target up to a closing parenthesis, without an anchor.
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _documents() -> list[Path]:
    """README.md and every text document under docs/."""
    return [README, *sorted(p for p in DOCS.iterdir() if p.suffix in (".md", ".json"))]


def _local_links(document: Path) -> list[str]:
    return [t for t in LINK.findall(document.read_text(encoding="utf-8")) if "://" not in t]


def test_the_readme_is_at_most_200_lines() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_README_LINES, f"README.md has {len(lines)} lines; move detail into docs/"


def test_every_document_the_readme_links_exists_and_every_doc_is_linked() -> None:
    linked = {(ROOT / target).resolve() for target in _local_links(README)}
    assert all(path.exists() for path in linked), sorted(str(p) for p in linked if not p.exists())
    # The README is the way in: each docs/*.md must be reachable from it.
    assert {p.resolve() for p in DOCS.glob("*.md")} <= linked


@pytest.mark.parametrize("document", [p for p in _documents() if p.suffix == ".md"], ids=lambda p: p.name)
def test_links_between_documents_resolve(document: Path) -> None:
    missing = [t for t in _local_links(document) if not (document.parent / t).exists()]
    assert not missing, f"{document.name} links to missing files: {missing}"


@pytest.mark.parametrize("document", _documents(), ids=lambda p: p.name)
def test_the_docs_cite_nothing_outside_the_repository(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    assert "DESIGN" not in text, f"{document.name} cites a design document the repository does not have"
    assert "../shared" not in text, f"{document.name} points outside the repository"
