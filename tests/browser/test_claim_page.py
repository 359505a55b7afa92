"""A claim page as fact-checkers lead: a large verdict in words, who said it, the claim in quotation marks."""

from __future__ import annotations

from typing import Literal

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PAGE_TYPES, PublishedSite

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ("light", "dark"))
@pytest.mark.parametrize("width", (1366, 390))
def test_the_verdict_is_large_and_in_words_above_who_said_the_claim(
    width: int, scheme: Literal["light", "dark"], page: Page, published_site: PublishedSite
) -> None:
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(published_site.url_of(PAGE_TYPES["claim"]))
    headline = page.locator("h1")
    verdict = headline.locator(".claim-verdict")
    expect(verdict).to_have_text("False:")  # the colon is for screen readers, between verdict and claimant
    size = float(verdict.evaluate("el => getComputedStyle(el).fontSize").removesuffix("px"))
    assert size >= 28, f"the verdict is {size}px"
    expect(headline.locator(".claim-said")).to_have_text("Michael Flynn said")
    expect(headline.locator("q")).to_be_visible()
    quote_marks = headline.locator("q").evaluate("el => getComputedStyle(el, '::before').content")
    assert quote_marks not in ("none", "normal", '""'), "the claim is not shown in quotation marks"
    assert page.title().startswith("False: Michael Flynn said “")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
