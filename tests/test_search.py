"""The search index covers each text once: Pagefind reads only the entity pages, and on them only what no other
page holds (dossier/search.py, the `data-pagefind-*` attributes of the default theme)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from dossier.pipeline import BuildOptions, build_project
from dossier.search import ENTRY_FILE, INDEX_FOLDER, pagefind_binary
from tests.conftest import copy_example


def built_site(project: Path, search: bool) -> Path:
    built = build_project(project, BuildOptions(search=search))
    assert not built.report.has_errors, "\n".join(map(str, built.report.sorted()))
    assert built.output_dir is not None
    return built.output_dir


def is_indexed(element: Tag) -> bool:
    """Inside a `data-pagefind-body` and outside every `data-pagefind-ignore`, as Pagefind reads a page."""
    ancestors = [element, *element.parents]
    in_body = any(a.has_attr("data-pagefind-body") for a in ancestors if isinstance(a, Tag))
    return in_body and not any(a.has_attr("data-pagefind-ignore") for a in ancestors if isinstance(a, Tag))


def elements(site: Path, pattern: str, selector: str) -> list[Tag]:
    found: list[Tag] = []
    for page in sorted(site.glob(pattern)):
        found += BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select(selector)
    return found


def test_text_that_another_page_holds_is_left_out_of_the_index(tmp_path: Path) -> None:
    site = built_site(copy_example(tmp_path), search=False)
    repeats = {
        "people/*/index.html": "a.snippet, ul.claims li, ul.co-mentions li",  # mentions in context, claim lines
        "claims/*/index.html": "ul.appearances blockquote",  # the quote, as each article has it
        "sources/*/index.html": "ul.claims li, ul.appearances li",
        "stories/*/index.html": "ul.cards h3, ul.claim-reports li",  # article titles, claim lines
        "*/*/index.html": "section.backlinks li",
    }
    for pattern, selector in repeats.items():
        found = elements(site, pattern, selector)
        assert found, f"nothing matches {selector!r} in {pattern}: the test no longer looks at anything"
        assert not [e for e in found if is_indexed(e)], f"{selector!r} in {pattern} is indexed"
    # What only these pages hold stays searchable: a person's name, a claim's words, an article's text.
    owned = {
        "people/*/index.html": "h1",
        "claims/*/index.html": "q.claim-quote",
        "stories/*/*/index.html": ".passage-text",
        "stories/*/index.html": "div.summary",
    }
    for pattern, selector in owned.items():
        found = elements(site, pattern, selector)
        assert found and all(is_indexed(e) for e in found), f"{selector!r} in {pattern} is not indexed"


def test_pagefind_reads_only_the_entity_pages(tmp_path: Path) -> None:
    """A page outside the entity pages is not indexed, even one marked `data-pagefind-body` (here a static
    file): Pagefind is given only the entity pages' paths, and never parses the comparisons and lists."""
    if pagefind_binary() is None:
        pytest.skip("Pagefind is not installed")
    project = copy_example(tmp_path)
    (project / "static").mkdir(exist_ok=True)
    (project / "static" / "extra.html").write_text(
        "<!DOCTYPE html><html lang='en'><body><main data-pagefind-body>Not a dossier page</main></body></html>",
        encoding="utf-8",
    )
    site = built_site(project, search=True)
    assert (site / "extra.html").is_file()
    entry = json.loads((site / INDEX_FOLDER / ENTRY_FILE).read_text(encoding="utf-8"))
    indexed = sum(language["page_count"] for language in entry["languages"].values())
    entity_pages = [
        page
        for pattern in (
            "stories/*/index.html",
            "stories/*/*/index.html",
            "people/*/index.html",
            "claims/*/index.html",
            "sources/*/index.html",
        )
        for page in site.glob(pattern)
    ]
    assert indexed == len(entity_pages) > 0
