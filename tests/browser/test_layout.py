"""Every reader's page at a desktop and a phone width, light and dark: nothing scrolls sideways or is cut off,
every target is at least 24x24 px (WCAG 2.2 2.5.8), SVG text never renders below 11 px; and the story page's
timeline, which a phone reaches at once and whose spacing follows a time scale."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Literal

import pytest
from playwright.sync_api import Page, expect

from dossier import urls
from tests.browser.cases_site import right_to_left_site
from tests.browser.conftest import PAGE_TYPES, PublishedSite
from tests.compare_cases import MANY, RIGHT_TO_LEFT, page_of

pytestmark = pytest.mark.browser
__all__ = ["right_to_left_site"]  # a fixture the tests below use

# The comparison view is another piece of work (issue 16's comparison part), tested with it.
READER_PAGES = {kind: path for kind, path in PAGE_TYPES.items() if kind != "compare"}
WIDTHS = (1366, 390)
Scheme = Literal["light", "dark"]

PROBLEMS = """(width) => {
    const found = [];
    const visible = e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden';
    for (const e of document.querySelectorAll('main *, header *')) {
        if (!visible(e) || e.closest('.visually-hidden, .skip-link')) continue;
        const r = e.getBoundingClientRect();
        if (r.right > width + 0.5 || r.left < -0.5) found.push(`cut: ${e.tagName}.${e.className} ${r.left}-${r.right}`);
    }
    for (const e of document.querySelectorAll('a[href], summary, input, button')) {
        if (!visible(e) || e.closest('.skip-link')) continue;
        const r = e.getBoundingClientRect();
        const name = e.textContent.trim().slice(0, 30);
        if (r.width < 24 || r.height < 24) found.push(`small: "${name}" ${r.width}x${r.height}`);
    }
    for (const t of document.querySelectorAll('svg text')) {
        const svg = t.ownerSVGElement, scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        const size = parseFloat(getComputedStyle(t).fontSize) * scale;
        if (size < 11) found.push(`tiny: "${t.textContent.slice(0, 30)}" ${size.toFixed(1)}px`);
        const box = t.getBBox();
        if (box.x < 0 || box.x + box.width > svg.viewBox.baseVal.width) found.push(`cut: "${t.textContent}"`);
    }
    const scrolled = document.documentElement.scrollWidth;
    if (scrolled > width) found.push(`scrolls sideways: ${scrolled}`);
    return found;
}"""


@pytest.mark.parametrize("scheme", ("light", "dark"))
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", READER_PAGES)
def test_nothing_is_cut_every_target_is_24_px_and_svg_text_is_11_px_or_more(
    kind: str, width: int, scheme: Scheme, page: Page, published_site: PublishedSite
) -> None:
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(published_site.url_of(READER_PAGES[kind]))
    page.locator("#site-search input").wait_for()
    assert page.evaluate(PROBLEMS, width) == []


def test_a_phone_reaches_the_timeline_from_the_top_of_the_story(page: Page, published_site: PublishedSite) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(published_site.url_of(PAGE_TYPES["story"]))
    link = page.get_by_role("navigation", name="On this page").get_by_role("link", name="Timeline")
    expect(link).to_be_in_viewport()
    link.click()
    expect(page.locator(".timeline-picture")).to_be_in_viewport()


def test_the_timeline_spaces_dates_by_a_time_scale_and_breaks_long_gaps(
    page: Page, published_site: PublishedSite
) -> None:
    page.goto(published_site.url_of(PAGE_TYPES["story"]))
    entries = page.evaluate(
        """() => [...document.querySelectorAll('.timeline-picture g.entry')].map(g => {
            const box = g.getBoundingClientRect();
            return [g.querySelector('text.date').textContent, box.top, box.bottom];
        })"""
    )
    rows = [(dt.datetime.strptime(text, "%d %B %Y").date(), top, bottom) for text, top, bottom in entries]
    # the space between one entry and the next, by the days between them
    gaps = sorted(((b - a).days, top - bottom) for (a, _, bottom), (b, top, _) in itertools.pairwise(rows))
    one_day = max(space for days, space in gaps if days == 1)
    two_weeks = min(space for days, space in gaps if days >= 14)
    ten_months = gaps[-1]
    assert ten_months[0] > 280 and one_day < two_weeks < ten_months[1], gaps
    breaks = page.locator(".timeline-picture .gap-label")
    expect(breaks).to_have_count(1)  # only the ten months are a break
    expect(breaks).to_have_text("10 months later")


RIGHT_TO_LEFT_PAGES = {
    "home": urls.HOME,
    "article": urls.article_path(RIGHT_TO_LEFT, f"{RIGHT_TO_LEFT}-akhbar"),
    "compare": page_of(RIGHT_TO_LEFT),
    "compare, seven outlets": page_of(MANY),
    "people": urls.PEOPLE_INDEX,
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", RIGHT_TO_LEFT_PAGES)
def test_a_site_in_a_right_to_left_language_is_laid_out_right_to_left_and_fits(
    kind: str, width: int, page: Page, right_to_left_site: PublishedSite
) -> None:
    """The theme sets its sides by where a line starts, not by left and right: an Arabic site's pages mirror
    (the skip link, set off the page's left, made them scroll sideways by a thousand pixels)."""
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(right_to_left_site.url_of(RIGHT_TO_LEFT_PAGES[kind]))
    page.locator("#site-search input").wait_for()
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.evaluate(PROBLEMS, width) == []
    title = page.locator(".site-title").bounding_box()
    assert title is not None and title["x"] + title["width"] > width * 0.7  # the site's name starts at the right
    if kind.startswith("compare"):
        fact = page.locator(".synopsis-rows > .fact").first
        sides = fact.evaluate("e => [getComputedStyle(e).borderRightWidth, getComputedStyle(e).borderLeftWidth]")
        assert sides == ["5px", "0px"]  # the kind's bar where a line starts
    if kind == "article" and width > 1000:
        text, notes = page.locator(".passage-text").first.bounding_box(), page.locator(".highlight-key").bounding_box()
        assert text is not None and notes is not None and notes["x"] < text["x"]  # the margin on the left
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_in_viewport()
