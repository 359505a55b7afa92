"""The story's comparison in a real browser, at a desktop's and a phone's width, light and dark: the rows line
up across the columns, a phone gets one fact at a time with each version under it, nothing is cut or scrolls
sideways, every target is at least 24 by 24 CSS px, and the outlet choices work without JavaScript."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from dossier import urls
from dossier.pipeline import BuildOptions, build_project
from tests.browser.cases_site import cases_site
from tests.browser.conftest import PAGE_TYPES, PublishedSite
from tests.compare_cases import (
    BY_WORDS,
    CHINESE,
    CLOSE_CONFLICT,
    CONFLICT,
    LANGUAGES,
    MANY,
    MANY_OUTLETS,
    OUTLETS,
    RIGHT_TO_LEFT,
    UNRELATED,
    page_of,
    write_cases,
)

pytestmark = pytest.mark.browser
__all__ = ["cases_site"]  # a fixture the tests below use

DESKTOP, PHONE = (1366, 900), (390, 844)
SCHEMES: tuple[Literal["light"], Literal["dark"]] = ("light", "dark")


@pytest.fixture(params=[(scheme, js) for scheme in SCHEMES for js in (True, False)], ids=lambda p: f"{p[0]}-js{p[1]}")
def comparison(request: pytest.FixtureRequest, browser: Browser, published_site: PublishedSite) -> Iterator[Page]:
    """The comparison page in a colour scheme, with JavaScript on and off."""
    scheme, javascript = request.param
    viewport: ViewportSize = {"width": DESKTOP[0], "height": DESKTOP[1]}
    context = browser.new_context(color_scheme=scheme, java_script_enabled=javascript, viewport=viewport)
    page = context.new_page()
    page.goto(published_site.url_of(PAGE_TYPES["compare"]))
    yield page
    context.close()


def set_width(page: Page, size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})


def test_on_a_desktop_each_rows_versions_start_level_in_their_outlets_columns(comparison: Page) -> None:
    set_width(comparison, DESKTOP)
    geometry = comparison.evaluate(
        """() => {
        const lefts = cells => [...cells].map(cell => Math.round(cell.getBoundingClientRect().left));
        return {
            head: lefts(document.querySelectorAll('.synopsis-head > .version')),
            rows: [...document.querySelectorAll('.synopsis-rows > .fact')].map(row => {
                const cells = row.querySelectorAll('.versions > div');
                return {lefts: lefts(cells), tops: [...row.querySelectorAll('.versions > .version')]
                    .map(cell => Math.round(cell.getBoundingClientRect().top))};
            }),
        };
    }"""
    )
    assert len(geometry["head"]) == 2 and geometry["head"][0] < geometry["head"][1]
    shared = [row for row in geometry["rows"] if len(row["tops"]) > 1]
    assert len(shared) >= 4
    for row in geometry["rows"]:
        assert row["lefts"] == geometry["head"], "a row's cells are not under their outlets' names"
        assert max(row["tops"]) - min(row["tops"]) <= 1, "a row's versions do not start level"


def test_on_a_phone_one_fact_at_a_time_each_version_under_it_named(comparison: Page) -> None:
    set_width(comparison, PHONE)
    expect(comparison.locator(".synopsis-head")).to_be_hidden()
    stacked = comparison.evaluate(
        """() => [...document.querySelectorAll('.synopsis-rows > .fact')].map(row => {
        const about = row.querySelector('.fact-about').getBoundingClientRect();
        const versions = [...row.querySelectorAll('.versions > .version')].map(version => {
            const box = version.getBoundingClientRect(), name = version.querySelector('.outlet-name');
            return {top: box.top, bottom: box.bottom, named: name.getBoundingClientRect().height > 1,
                    name: name.textContent};
        });
        return {aboutBottom: about.bottom, tag: row.querySelector('.fact-about .tag').textContent, versions};
    })"""
    )
    for row in stacked:
        versions = row["versions"]
        assert versions[0]["top"] >= row["aboutBottom"] - 1
        assert all(later["top"] >= earlier["bottom"] - 1 for earlier, later in itertools.pairwise(versions))
        if row["tag"].startswith("Only in "):  # the tag names the one outlet: its version is not named again
            (version,) = versions
            assert row["tag"] == f"Only in {version['name']}" and not version["named"]
        else:
            assert all(version["named"] for version in versions)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_nothing_scrolls_sideways_or_is_cut_and_every_target_is_24px(comparison: Page, size: tuple[int, int]) -> None:
    set_width(comparison, size)
    assert comparison.evaluate("document.documentElement.scrollWidth") <= size[0]
    cut = comparison.evaluate(
        """(width) => [...document.querySelectorAll('main *')].filter(el => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && (box.right > width + 0.5 || box.left < -0.5);
    }).map(el => el.outerHTML.slice(0, 80))""",
        size[0],
    )
    assert not cut, cut
    small = comparison.evaluate(
        """() => [...document.querySelectorAll('main a, main input, main label')].filter(el => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && (box.width < 24 || box.height < 24);
    }).map(el => el.outerHTML.slice(0, 80))"""
    )
    assert not small, small


def test_unticking_an_outlet_hides_its_column_with_or_without_javascript(comparison: Page) -> None:
    set_width(comparison, DESKTOP)
    week = comparison.locator(".synopsis-rows .version.o2")
    expect(week.first).to_be_visible()
    comparison.get_by_label("The Week").uncheck()
    expect(week.first).to_be_hidden()
    expect(comparison.locator(".synopsis-head .o2")).to_be_hidden()
    moscow = comparison.locator(".synopsis-rows .version.o1").first
    width = moscow.evaluate("el => el.getBoundingClientRect().width")
    assert width > 0.8 * comparison.locator(".versions").first.evaluate("el => el.getBoundingClientRect().width")
    comparison.get_by_label("The Week").check()
    expect(week.first).to_be_visible()


VISIBLE_ROWS = """() => [...document.querySelectorAll('.synopsis-rows > .fact')]
    .filter(row => row.getBoundingClientRect().height > 0)
    .map(row => [...row.querySelectorAll('.versions > .version')].filter(v => v.getBoundingClientRect().height > 0)
        .length)"""


def test_only_the_facts_more_than_one_outlet_reports_with_or_without_javascript(comparison: Page) -> None:
    every_row = comparison.evaluate(VISIBLE_ROWS)
    shared = [row for row in every_row if row > 1]
    assert 0 < len(shared) < len(every_row)
    comparison.get_by_label("Only the facts that more than one outlet reports").check()
    assert comparison.evaluate(VISIBLE_ROWS) == shared
    comparison.get_by_label("Only the facts that more than one outlet reports").uncheck()
    assert comparison.evaluate(VISIBLE_ROWS) == every_row


def test_with_no_outlet_ticked_the_page_says_so_instead_of_a_blank_with_or_without_javascript(
    comparison: Page,
) -> None:
    notice = comparison.locator(".empty-choice.no-outlet")
    expect(notice).to_be_hidden()
    for name in ("The Week", "The Moscow Times"):
        comparison.get_by_label(name).uncheck()
    expect(notice).to_be_visible()
    assert comparison.evaluate(VISIBLE_ROWS) == []
    comparison.get_by_label("The Week").check()
    expect(notice).to_be_hidden()
    assert comparison.evaluate(VISIBLE_ROWS)


def test_with_javascript_the_shared_facts_are_those_the_ticked_outlets_share_and_the_choice_is_kept(
    browser: Browser, cases_site: PublishedSite
) -> None:
    """With outlets unticked, a fact only one of the ticked ones reports is not "shared" among those shown."""
    context = browser.new_context(viewport={"width": DESKTOP[0], "height": DESKTOP[1]})
    page = context.new_page()
    page.goto(cases_site.url_of(page_of(MANY)))
    for outlet in MANY_OUTLETS[2:]:
        page.get_by_label(OUTLETS[outlet], exact=True).uncheck()
    assert page.evaluate(VISIBLE_ROWS) == [2, 1, 1]  # the shared fact and the two outlets' own
    page.get_by_label("Only the facts that more than one outlet reports").check()
    assert page.evaluate(VISIBLE_ROWS) == [2]
    expect(page).to_have_url(re.compile(r"#outlets=o\d+,o\d+&shared$"))
    page.reload()
    expect(page.get_by_label("Only the facts that more than one outlet reports")).to_be_checked()
    assert page.evaluate(VISIBLE_ROWS) == [2]
    nothing_shared = page.locator(".empty-choice.none-shared")
    expect(nothing_shared).to_be_hidden()
    page.get_by_label(OUTLETS[MANY_OUTLETS[1]], exact=True).uncheck()
    assert page.evaluate(VISIBLE_ROWS) == []  # the fact all report is told by one of the outlets shown
    expect(nothing_shared).to_be_visible()  # and the page says why it is empty
    for outlet in MANY_OUTLETS[1:]:
        page.get_by_label(OUTLETS[outlet], exact=True).check()
    expect(page).to_have_url(re.compile(r"#shared$"))
    assert page.evaluate(VISIBLE_ROWS) == [len(MANY_OUTLETS)]
    expect(nothing_shared).to_be_hidden()
    page.get_by_label("Only the facts that more than one outlet reports").uncheck()
    expect(page).not_to_have_url(re.compile("#"))
    context.close()


def test_with_javascript_rows_no_ticked_outlet_reports_go_and_the_choice_is_kept_in_the_address(
    page: Page, published_site: PublishedSite
) -> None:
    page.goto(published_site.url_of(PAGE_TYPES["compare"]))
    only_week = page.locator(".fact", has=page.locator(".versions > .o1:empty"))
    assert only_week.count() >= 1
    page.get_by_label("The Week").uncheck()
    expect(only_week.first).to_be_hidden()
    expect(page).to_have_url(re.compile(r"#outlets=o1$"))
    page.reload()
    expect(page.get_by_label("The Week")).not_to_be_checked()
    expect(only_week.first).to_be_hidden()
    page.get_by_label("The Week").check()
    expect(only_week.first).to_be_visible()
    expect(page).not_to_have_url(re.compile("#"))


def test_screenshots_of_the_comparison(browser: Browser, published_site: PublishedSite, screenshots: Path) -> None:
    """For people to look at (test-artifacts/screenshots/compare-*.png)."""
    for scheme in SCHEMES:
        for name, (width, height) in (("desktop", DESKTOP), ("phone", PHONE)):
            context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": height})
            page = context.new_page()
            page.goto(published_site.url_of(PAGE_TYPES["compare"]))
            page.screenshot(path=screenshots / f"compare-{name}-{scheme}.png", full_page=True, animations="disabled")
            context.close()


# --- Where a comparison falls short (tests/compare_cases.py), at a desktop's and a phone's width


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def case_page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    yield context.new_page()
    context.close()


def assert_nothing_scrolls_sideways(page: Page) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width


FIGURES = {  # the figures each conflict case marks, in the page's order, and what its row says of them
    CONFLICT: (("18,645", "18,000"), "The Gazette gives 18,645; The <Herald> gives 18,000."),
    CLOSE_CONFLICT: (("35", "35", "30"), "The Courier and The Gazette give 35; The <Herald> gives 30."),
}


@pytest.mark.parametrize("story_id", FIGURES)
def test_differing_figures_are_marked_visibly_and_named_for_screen_readers(
    story_id: str, case_page: Page, cases_site: PublishedSite
) -> None:
    figures, note = FIGURES[story_id]
    case_page.goto(cases_site.url_of(page_of(story_id)))
    marks = case_page.locator(".synopsis-rows mark.differs")
    expect(marks).to_have_count(len(figures))
    for mark, figure in zip(marks.all(), figures, strict=True):
        mark.scroll_into_view_if_needed()
        expect(mark).to_be_visible()
        expect(mark).to_be_in_viewport()
        expect(mark).to_have_text(f"figure that differs: {figure}")  # as a screen reader reads it
        hidden = mark.locator(".visually-hidden").bounding_box()
        assert hidden is not None and hidden["width"] <= 1  # seen is the figure alone
        style = mark.evaluate("el => [getComputedStyle(el).fontWeight, getComputedStyle(el).borderTopWidth]")
        assert int(style[0]) >= 700 and style[1] != "0px"  # more than a colour tells it apart
    expect(case_page.locator(".figures-note")).to_have_text(note)
    assert_nothing_scrolls_sideways(case_page)


def test_an_article_in_another_language_is_said_to_be_not_compared(case_page: Page, cases_site: PublishedSite) -> None:
    case_page.goto(cases_site.url_of(page_of(LANGUAGES)))
    notice = case_page.locator("#not-compared")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("El Diario is in Spanish")
    first_row = case_page.locator(".synopsis-rows > .fact").first
    assert notice.bounding_box()["y"] < first_row.bounding_box()["y"]  # type: ignore[index]
    expect(case_page.locator(".told", has_text="Un terremoto de magnitud 7,2")).to_be_visible()
    expect(case_page.locator(".told", has_text="A powerful earthquake struck")).to_be_visible()
    assert_nothing_scrolls_sideways(case_page)


def test_arabic_runs_right_to_left_in_its_column_and_its_page_while_the_site_around_it_runs_left_to_right(
    case_page: Page, cases_site: PublishedSite
) -> None:
    direction = "el => getComputedStyle(el).direction"
    case_page.goto(cases_site.url_of(page_of(RIGHT_TO_LEFT)))
    arabic = case_page.locator(".told[lang=ar]").first
    expect(arabic).to_be_visible()
    assert arabic.evaluate(direction) == "rtl"
    assert case_page.locator(".told:not([lang])").first.evaluate(direction) == "ltr"
    assert case_page.locator(".site-header").evaluate(direction) == "ltr"
    assert_nothing_scrolls_sideways(case_page)
    case_page.goto(cases_site.url_of(urls.article_path(RIGHT_TO_LEFT, f"{RIGHT_TO_LEFT}-akhbar")))
    passage = case_page.locator(".passage-text").first
    assert passage.evaluate(direction) == "rtl"
    first_letter_from_the_right = passage.evaluate(
        """el => { const text = el.querySelector("p").firstChild, range = document.createRange();
        range.setStart(text, 0); range.setEnd(text, 1);
        return el.getBoundingClientRect().right - range.getBoundingClientRect().right; }"""
    )
    assert 0 <= first_letter_from_the_right < 2  # the sentence starts at the right edge
    assert case_page.locator("main .article-header .kicker").evaluate(direction) == "ltr"
    assert_nothing_scrolls_sideways(case_page)


def test_a_correction_to_arabic_words_reads_from_the_error_to_the_fix(page: Page, tmp_path: Path) -> None:
    """Each side of "error → fix" runs right to left on its own; the arrow between them is the site's, pointing from
    the error to the fix (the whole link set right to left put the fix first, the arrow pointing back at the error)."""
    project = write_cases(tmp_path / "project")
    sidecar = project / "content" / RIGHT_TO_LEFT / f"{RIGHT_TO_LEFT}-akhbar.yaml"
    sidecar.write_text("corrections:\n  - quote: 93 شخصا\n    correct: 94 شخصا\n", encoding="utf-8")
    built = build_project(project, BuildOptions(search=False))
    assert built.output_dir is not None and not built.report.has_errors
    for path in (urls.CORRECTIONS_INDEX, "sources/akhbar/index.html"):
        page.goto((built.output_dir / path).as_uri())
        link = page.locator("a", has=page.locator("del"))
        assert link.evaluate("e => getComputedStyle(e).direction") == "ltr"
        error, fix = link.locator("del[lang=ar][dir=rtl]").bounding_box(), link.locator("ins[lang=ar]").bounding_box()
        assert error is not None and fix is not None and error["x"] + error["width"] <= fix["x"], path


@pytest.mark.parametrize(
    ("word", "article"),
    [("terremoto", f"{LANGUAGES}-diario"), ("الفلبين", f"{RIGHT_TO_LEFT}-akhbar")],
    ids=["spanish", "arabic"],
)
def test_a_search_from_a_page_in_english_finds_articles_in_other_languages(
    word: str, article: str, page: Page, cases_site: PublishedSite
) -> None:
    """Pagefind searches only the index of the page's `<html lang>`: article pages in their articles' languages
    (the Arabic one's front matter says `ar`) were found only from pages in the same language."""
    story = article.rsplit("-", 1)[0]
    page.goto(cases_site.url_of(page_of(UNRELATED)))
    page.get_by_role("search").locator("input").fill(word)
    result = page.locator(".pagefind-ui__result-link").first
    expect(result).to_be_visible(timeout=10_000)
    href = result.get_attribute("href")
    assert href is not None and href.rstrip("/").endswith(f"/{story}/{article}")


def test_articles_that_share_no_passage_say_so(case_page: Page, cases_site: PublishedSite) -> None:
    case_page.goto(cases_site.url_of(page_of(UNRELATED)))
    notice = case_page.locator("#nothing-matched")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("No passage of these articles tells the same fact", ignore_case=True)
    expect(case_page.locator("main")).not_to_contain_text("()")
    assert_nothing_scrolls_sideways(case_page)


SHOWN_CELLS = """() => [...document.querySelectorAll('.synopsis-rows > .fact')].map(row =>
    [...row.querySelectorAll('.versions > div')].filter(cell => cell.getBoundingClientRect().height > 0).map(cell => {
        const box = cell.getBoundingClientRect(), name = cell.querySelector('.outlet-name');
        return {isVersion: cell.classList.contains('version'), left: Math.round(box.left), top: Math.round(box.top),
                width: box.width, named: name !== null && name.getBoundingClientRect().height > 1};
    }))"""


def test_more_outlets_than_fit_side_by_side_show_each_fact_by_those_that_report_it_each_named(
    case_page: Page, cases_site: PublishedSite
) -> None:
    """Seven outlets have no room for a column each (the page is at most 96rem wide): no head of columns, no
    blank cells; a fact's versions side by side as they fit (stacked on a phone), each named, but where the
    tag ("Only in <outlet>") names the one outlet."""
    case_page.goto(cases_site.url_of(page_of(MANY)))
    expect(case_page.locator(".synopsis-head")).to_be_hidden()
    rows = case_page.evaluate(SHOWN_CELLS)
    assert [len(row) for row in rows] == [len(MANY_OUTLETS)] + [1] * len(MANY_OUTLETS)
    assert all(cell["isVersion"] for row in rows for cell in row)
    assert all(cell["named"] for cell in rows[0])  # the fact they all tell
    assert not any(cell["named"] for row in rows[1:] for cell in row)  # each "Only in <outlet>", said once
    shared, width = rows[0], case_page.viewport_size["width"] if case_page.viewport_size else 0
    on_first_line = [cell for cell in shared if cell["top"] == shared[0]["top"]]
    if width >= DESKTOP[0]:
        assert 3 <= len(on_first_line) < len(shared)  # side by side, wrapping where the line is full
        assert all(cell["width"] >= 20 * 16 - 1 for cell in shared)  # never narrower than a readable measure
    else:
        assert len(on_first_line) == 1  # a phone stacks them
    assert_nothing_scrolls_sideways(case_page)


def test_ticking_as_few_outlets_as_fit_gives_them_a_column_each(browser: Browser, cases_site: PublishedSite) -> None:
    context = browser.new_context(viewport={"width": DESKTOP[0], "height": DESKTOP[1]})
    page = context.new_page()
    page.goto(cases_site.url_of(page_of(MANY)))
    for outlet in MANY_OUTLETS[2:]:
        page.get_by_label(OUTLETS[outlet], exact=True).uncheck()
    expect(page.locator(".synopsis-head")).to_be_visible()
    head = page.evaluate(
        """() => [...document.querySelectorAll('.synopsis-head > .version')]
        .filter(cell => cell.getBoundingClientRect().height > 0)
        .map(cell => Math.round(cell.getBoundingClientRect().left))"""
    )
    rows = [row for row in page.evaluate(SHOWN_CELLS) if row]  # the rows no ticked outlet reports are hidden
    assert len(head) == 2 and len(rows) == 3  # the shared fact and the two outlets' own
    assert all([cell["left"] for cell in row] == head for row in rows), "a row's cells are not under their outlets"
    assert not any(cell["named"] for row in rows for cell in row)  # the head names them
    # The story is built without blanks (more outlets than fit): compare.js made one a row for the ticked outlet
    # that does not report its fact, and takes them away when more are ticked than fit.
    ticked_cells = page.evaluate(
        """() => [...document.querySelectorAll('.synopsis-rows .versions')].map(row => [...row.children]
        .filter(cell => !cell.classList.contains('is-unticked')).map(cell => cell.className.replace('version ', '')))"""
    )
    ticked = page.evaluate("() => [...document.querySelectorAll('.outlet-choice :checked')].map(b => b.id.slice(5))")
    assert len(ticked) == 2 and ticked_cells == [ticked] * (len(MANY_OUTLETS) + 1)  # a cell each, in their order
    blanks = page.locator(".synopsis-rows .versions > div:not(.version)")
    for outlet in MANY_OUTLETS[2:]:
        page.get_by_label(OUTLETS[outlet], exact=True).check()
    expect(page.locator(".synopsis-head")).to_be_hidden()
    expect(blanks).to_have_count(0)
    context.close()


def test_screenshots_of_the_cases(browser: Browser, cases_site: PublishedSite, screenshots: Path) -> None:
    """For people to look at (test-artifacts/screenshots/compare-case-*.png)."""
    for story_id in (CONFLICT, CLOSE_CONFLICT, LANGUAGES, RIGHT_TO_LEFT, CHINESE, BY_WORDS, UNRELATED, MANY):
        for name, (width, height) in (("desktop", DESKTOP), ("phone", PHONE)):
            for scheme in SCHEMES:
                context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": height})
                page = context.new_page()
                page.goto(cases_site.url_of(page_of(story_id)))
                shot = screenshots / f"compare-case-{story_id}-{name}-{scheme}.png"
                page.screenshot(path=shot, full_page=True, animations="disabled")
                context.close()
