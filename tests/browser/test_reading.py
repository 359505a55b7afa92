"""The reader's experience in a real browser: pages load cleanly, annotations show and toggle, search works,
and each page type is screenshot at desktop and phone widths (test-artifacts/screenshots/)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import ConsoleMessage, Page, Response, expect

from dossier import search
from dossier.pipeline import BuildOptions, build_project
from tests.browser.conftest import PAGE_TYPES, SUB_PATH, PublishedSite
from tests.conftest import copy_example

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}


@dataclass
class Problems:
    """What went wrong while pages loaded: console errors, uncaught exceptions, failed requests."""

    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.console or self.failed)


@pytest.fixture
def problems(page: Page) -> Iterator[Problems]:
    found = Problems()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            found.console.append(f"{message.text} ({message.location.get('url')})")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            found.failed.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: found.console.append(f"uncaught: {error}"))
    page.on("response", on_response)
    page.on("requestfailed", lambda request: found.failed.append(f"{request.failure} {request.url}"))
    yield found


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_every_page_type_loads_without_console_errors(
    kind: str, page: Page, problems: Problems, published_site: PublishedSite
) -> None:
    response = page.goto(published_site.url_of(PAGE_TYPES[kind]))
    assert response is not None and response.status == 200
    expect(page.locator("h1").first).to_be_visible()
    expect(page.locator("#site-search input")).to_be_visible()  # dossier.js ran and loaded Pagefind's UI
    page.wait_for_load_state("networkidle")
    assert not problems, problems


def test_highlights_and_margin_notes_show_and_the_toggle_hides_them(
    page: Page, problems: Problems, published_site: PublishedSite
) -> None:
    page.goto(published_site.url_of(PAGE_TYPES["article"]))
    highlight = page.locator("mark.hl-claim").first
    note = page.locator(".notes .note").first
    expect(highlight).to_be_visible()
    expect(note).to_be_visible()
    shown = highlight.evaluate("el => getComputedStyle(el).backgroundColor")
    assert shown != "rgba(0, 0, 0, 0)", "a claim highlight has no background"
    # On a wide screen the notes sit in the margin, beside their passage's text.
    text_box = page.locator(".passage-text").first.bounding_box()
    note_box = page.locator(".passage .notes").first.bounding_box()
    assert text_box and note_box and note_box["x"] >= text_box["x"] + text_box["width"]

    toggle = page.get_by_label("Show annotations")
    toggle.uncheck()
    expect(note).to_be_hidden()
    assert highlight.evaluate("el => getComputedStyle(el).backgroundColor") == "rgba(0, 0, 0, 0)"
    page.reload()  # the choice is remembered
    expect(page.get_by_label("Show annotations")).not_to_be_checked()
    expect(page.locator(".notes .note").first).to_be_hidden()

    page.get_by_label("Show annotations").check()
    expect(page.locator(".notes .note").first).to_be_visible()
    assert page.locator("mark.hl-claim").first.evaluate("el => getComputedStyle(el).backgroundColor") == shown
    assert not problems, problems


def test_margin_notes_stack_under_their_passage_on_a_phone(page: Page, published_site: PublishedSite) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(published_site.url_of(PAGE_TYPES["article"]))
    text_box = page.locator(".passage-text").first.bounding_box()
    note_box = page.locator(".passage .notes").first.bounding_box()
    assert text_box and note_box and note_box["y"] >= text_box["y"] + text_box["height"] - 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways on a phone"


def test_highlights_and_notes_light_each_other_up(page: Page, published_site: PublishedSite) -> None:
    page.goto(published_site.url_of(PAGE_TYPES["article"]))
    highlight = page.locator("mark.hl-claim[data-annotation]").first
    annotation_id = highlight.get_attribute("data-annotation")
    highlight.hover()
    expect(page.locator(f'.note[data-annotation="{annotation_id}"]')).to_have_class(re.compile(r"\bis-active\b"))


def test_search_finds_michael_flynn_typed_as_a_person(
    page: Page, problems: Problems, published_site: PublishedSite
) -> None:
    page.goto(published_site.url_of(PAGE_TYPES["claims"]))  # any page: the box is on every one
    box = page.get_by_role("search").locator("input")
    box.fill("Michael Flynn")
    result = page.locator(".pagefind-ui__result-link", has_text="Person: Michael Flynn")
    expect(result).to_be_visible(timeout=10_000)
    assert result.get_attribute("href") == f"/{SUB_PATH}people/michael-flynn/"
    result.click()
    expect(page).to_have_url(published_site.url_of("people/michael-flynn/index.html"))
    assert not problems, problems


@pytest.fixture(scope="module")
def site_in_spanish(published_site: PublishedSite) -> Iterator[PublishedSite]:
    """The example again, beside the published one, in a site whose language is Spanish (its articles English)."""
    www = published_site.folder.parent
    url = published_site.url.replace(SUB_PATH, "es/")
    project = copy_example(www.parent / "project-es")
    config = project / "dossier.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("\nlanguage: en\n", "\nlanguage: es\n"), "utf-8")
    for article in (project / "content").rglob("*.md"):
        text = article.read_text(encoding="utf-8")
        article.write_text(text.replace("\noutlet:", "\nlanguage: en\noutlet:", 1), encoding="utf-8")
    built = build_project(project, BuildOptions(output_dir=www / "es", base_url=url))
    assert not built.report.has_errors and built.output_dir is not None
    yield PublishedSite(built.output_dir, url)


def test_a_site_in_spanish_searches_in_spanish(page: Page, problems: Problems, site_in_spanish: PublishedSite) -> None:
    """The search box's label and placeholder, and the kind of each result, are the theme's words in the site's
    language (dossier.js reads them off the page); Pagefind's own words follow the page's language."""
    page.goto(site_in_spanish.url_of(PAGE_TYPES["claims"]))
    box = page.get_by_label("Buscar en el dossier")
    expect(box).to_have_attribute("placeholder", "Buscar en el dossier")
    box.fill("Michael Flynn")
    results = page.locator(".pagefind-ui__result-inner > .pagefind-ui__result-title > a")  # not a page's headings
    expect(results.first).to_be_visible(timeout=10_000)
    kinds = {text.split(":")[0] for text in results.all_inner_texts()}
    assert kinds and kinds <= {"Historia", "Artículo", "Persona", "Afirmación", "Fuente"}, kinds
    expect(page.locator(".pagefind-ui__message")).to_contain_text("resultados")  # Pagefind's own, in Spanish
    expect(page.locator(".pagefind-ui__result-tag")).to_have_count(0)  # no "Type: person": the title says it
    assert not problems, problems


@pytest.fixture(scope="module")
def site_in_bundles(published_site: PublishedSite) -> Iterator[PublishedSite]:
    """The example again, beside the published one, with its index in bundles of 2 pages (dossier/search.py)."""
    www = published_site.folder.parent
    url = published_site.url.replace(SUB_PATH, "in-bundles/")
    project = copy_example(www.parent / "project-in-bundles")
    with mock.patch.object(search, "PAGES_PER_SHARD", 2):
        built = build_project(project, BuildOptions(output_dir=www / "in-bundles", base_url=url))
    assert not built.report.has_errors and built.output_dir is not None
    yield PublishedSite(built.output_dir, url)


def test_search_finds_pages_in_every_bundle_of_a_large_index(
    page: Page, problems: Problems, site_in_bundles: PublishedSite
) -> None:
    """Results come from the merged bundles too: a person whose page is in one of them is found."""
    index = site_in_bundles.folder / search.INDEX_FOLDER
    shards = json.loads((index / search.SHARDS_FILE).read_text(encoding="utf-8"))
    assert len(shards["merged"]) >= 2
    people = [
        path for path in search.indexed_pages(site_in_bundles.folder)
        if path.startswith("people/") and search.shard_of(path, shards["shards"]) != shards["first"]
    ]  # fmt: skip
    assert people, "no person page in a merged bundle"
    person_page = people[0]
    name = BeautifulSoup((site_in_bundles.folder / person_page).read_text(encoding="utf-8"), "html.parser").h1
    assert name is not None
    page.goto(site_in_bundles.url_of("claims/index.html"))
    page.get_by_role("search").locator("input").fill(name.get_text(strip=True))
    result = page.locator(".pagefind-ui__result-link", has_text=f"Person: {name.get_text(strip=True)}")
    expect(result.first).to_be_visible(timeout=10_000)
    result.first.click()
    expect(page).to_have_url(site_in_bundles.url_of(person_page))
    assert not problems, problems


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_screenshot_at_desktop_and_phone_widths(
    kind: str, page: Page, published_site: PublishedSite, screenshots: Path
) -> None:
    """For people to look at (test-artifacts/screenshots/), and proof that nothing scrolls sideways on a phone."""
    page.goto(published_site.url_of(PAGE_TYPES[kind]))
    page.locator("#site-search input").wait_for()
    for name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=screenshots / f"{kind}-{name}.png", full_page=True, animations="disabled")
        overflow = page.evaluate("document.documentElement.scrollWidth") - width
        assert overflow <= 0, f"{kind} scrolls sideways by {overflow}px at {width}px"


def test_keyboard_users_get_a_skip_link_and_a_visible_focus(page: Page, published_site: PublishedSite) -> None:
    page.goto(published_site.url_of(PAGE_TYPES["article"]))
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    for _ in range(3):  # into the article: each focused link shows an outline
        page.keyboard.press("Tab")
        outline = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; }"
        )
        assert outline[0] != "none" and outline[1] != "0px", outline


def test_opened_from_disk_the_site_works_without_a_search_box(
    page: Page, problems: Problems, published_site: PublishedSite
) -> None:
    """file:// (the README's first step): relative links work; search, which needs http, is not offered."""
    page.goto((published_site.folder / PAGE_TYPES["article"]).as_uri())
    expect(page.locator("mark.hl-claim").first).to_be_visible()
    expect(page.locator("#site-search")).to_have_count(0)
    page.get_by_role("navigation", name="Site").get_by_role("link", name="People").click()
    expect(page).to_have_url((published_site.folder / "people" / "index.html").as_uri())
    expect(page.locator("h1")).to_have_text("People")
    assert not problems, problems
