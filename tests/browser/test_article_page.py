"""The annotated article as readers get it: notes that do not pull the text apart, highlights that say what they
are and lead to their notes by click, tap and keyboard, a key, and all of it without JavaScript."""

from __future__ import annotations

from typing import Literal

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PublishedSite

pytestmark = pytest.mark.browser

ARTICLES = ("stories/flynn-kislyak/the-week/index.html", "stories/flynn-kislyak/the-moscow-times/index.html")
SCHEMES: tuple[Literal["light", "dark"], ...] = ("light", "dark")

# The article's body as tall as it is, and as tall as its text alone (the margin notes taken out).
BODY_HEIGHTS = """() => {
    const body = document.querySelector('.article .body');
    const shown = body.getBoundingClientRect().height;
    const notes = [...document.querySelectorAll('.notes')];
    notes.forEach(n => { n.style.display = 'none'; });
    const alone = body.getBoundingClientRect().height;
    notes.forEach(n => { n.style.display = ''; });
    return [shown, alone];
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("path", ARTICLES)
def test_at_1366_px_the_notes_make_the_text_block_at_most_a_quarter_taller(
    path: str, scheme: Literal["light", "dark"], page: Page, published_site: PublishedSite
) -> None:
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(published_site.url_of(path))
    shown, alone = page.evaluate(BODY_HEIGHTS)
    assert shown <= 1.25 * alone, f"{path}: the text block is {shown:.0f}px for {alone:.0f}px of text"
    # and the notes are in the margin, beside the text
    text = page.locator(".passage-text").first.bounding_box()
    notes = page.locator(".notes").first.bounding_box()
    assert text and notes and notes["x"] >= text["x"] + text["width"]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", (1366, 390))
def test_every_highlight_says_what_it_is_in_words_and_every_target_is_24_px(
    width: int, scheme: Literal["light", "dark"], page: Page, published_site: PublishedSite
) -> None:
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(published_site.url_of(ARTICLES[0]))
    highlights = page.locator(".passage-text [data-note][id]")  # the first piece of each numbered highlight
    count = highlights.count()
    assert count > 10
    for index in range(count):
        highlight = highlights.nth(index)
        annotation_id = highlight.get_attribute("id")
        control = page.locator(f"#ref-{annotation_id}")
        words = control.inner_text()
        assert words.split()[0] in ("claim", "source", "editor's", "correction"), words
        assert (control.get_attribute("aria-label") or "").startswith(words)
        box = control.bounding_box()
        assert box and box["width"] >= 24 and box["height"] >= 24, f"{words}: {box}"
    small = page.evaluate(
        """() => [...document.querySelectorAll('a, summary, input, button')]
        .filter(e => e.getClientRects().length && !e.closest('svg'))
        .map(e => [e.textContent.trim().slice(0, 40), e.getBoundingClientRect()])
        .filter(([, r]) => r.width < 24 || r.height < 24).map(([t, r]) => `${t}: ${r.width}x${r.height}`)"""
    )
    assert not small, small
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_keyboard_reaches_a_highlight_and_opens_its_note(page: Page, published_site: PublishedSite) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(published_site.url_of(ARTICLES[0]))
    control = page.locator("a.hl-ref.ref-claim").first
    for _ in range(60):
        page.keyboard.press("Tab")
        if control.evaluate("el => el === document.activeElement"):
            break
    expect(control).to_be_focused()
    page.keyboard.press("Enter")
    note_body = page.locator(str(control.get_attribute("href")))
    expect(note_body).to_be_visible()
    expect(note_body).to_be_in_viewport()
    expect(note_body.locator(".verdict, a").first).to_be_visible()


@pytest.mark.parametrize("media", ("screen", "print"))
@pytest.mark.parametrize("width", (1366, 390))
def test_an_open_claim_note_shows_the_claims_words(
    width: int, media: Literal["screen", "print"], page: Page, published_site: PublishedSite
) -> None:
    """The note's body links to the claim's page without repeating its words: the summary line keeps them."""
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(media=media)
    page.goto(published_site.url_of(ARTICLES[0]))
    notes = page.locator("details.note-claim")
    assert notes.count() > 0
    for index in range(notes.count()):
        note = notes.nth(index)
        note.evaluate("details => { details.open = true; }")
        shown = " ".join(note.inner_text().split())  # what is rendered: innerText leaves out what CSS hides
        claim_words = " ".join(str(note.locator(".note-gist").text_content()).split())
        which = note.get_attribute("data-annotation")
        assert claim_words and claim_words in shown, f"{which}: the open note does not show {claim_words!r}"


def test_a_tap_on_a_highlight_opens_its_note_on_a_phone(browser: Browser, published_site: PublishedSite) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(published_site.url_of(ARTICLES[1]))
    control = page.locator("a.hl-ref.ref-claim").nth(1)
    control.tap()
    expect(page.locator(str(control.get_attribute("href")))).to_be_in_viewport()
    context.close()


def test_a_tap_on_highlighted_words_opens_the_note_of_the_innermost_highlight(
    browser: Browser, published_site: PublishedSite
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(published_site.url_of(ARTICLES[0]))
    highlight = page.locator("#claim-spokesman-no-recollection")  # "had no recollection of discussing sanctions"
    highlight.scroll_into_view_if_needed()
    x, y = highlight.evaluate("el => { const r = el.getClientRects()[0]; return [r.left + 12, r.top + r.height / 2]; }")
    page.touchscreen.tap(x, y)
    note_body = page.locator(f"#note-{highlight.get_attribute('id')}")
    expect(note_body).to_be_visible()
    expect(note_body).to_be_in_viewport()
    context.close()


@pytest.mark.parametrize("width", (1366, 390))
def test_without_javascript_annotations_are_readable_and_open_from_their_highlights(
    width: int, browser: Browser, published_site: PublishedSite
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": 844})
    page = context.new_page()
    page.goto(published_site.url_of(ARTICLES[0]))
    expect(page.locator(".annotation-toggle")).to_be_hidden()  # a toggle that could do nothing is not offered
    expect(page.locator(".highlight-key li").first).to_be_visible()
    expect(page.locator(".notes .note").first).to_be_visible()
    for kind in ("claim", "note", "correction"):
        control = page.locator(f"a.hl-ref.ref-{kind}").first
        control.click()
        note_body = page.locator(str(control.get_attribute("href")))
        expect(note_body).to_be_visible()
    source = page.locator("a.hl-ref.ref-source").first
    source.click()
    expect(page.locator(str(source.get_attribute("href")))).to_be_in_viewport()
    context.close()


def test_each_article_carries_a_key_and_links_to_the_other_outlets_accounts(
    page: Page, published_site: PublishedSite
) -> None:
    for path, other in zip(ARTICLES, reversed(ARTICLES), strict=True):
        page.goto(published_site.url_of(path))
        key = page.locator(".highlight-key")
        expect(key).to_be_visible()
        for words in ("claim", "source", "editor's note", "correction"):
            expect(key.locator(".hl-ref", has_text=words)).to_be_visible()
        accounts = page.get_by_role("navigation", name="Other accounts of this story")
        accounts.get_by_role("link").first.click()
        expect(page).to_have_url(published_site.url + other)
