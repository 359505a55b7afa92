"""Every link and asset of the published site answers 200, under a sub-path, as GitHub Pages serves a project site.

The crawl starts at the home page and follows every internal link; fragments must name an element of their
page. The sitemap, the feeds and robots.txt must point only at URLs that answer too.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Page, Response

from tests.browser.conftest import SUB_PATH, PublishedSite

pytestmark = pytest.mark.browser

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# Attributes that name another resource: links, assets, and the search UI's files (loaded by dossier.js).
URL_ATTRIBUTES = {"href": ("a", "link"), "src": ("script", "img", "iframe", "source"), "data-ui-script": ("search",),
                  "data-ui-style": ("search",)}  # fmt: skip


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


@dataclass
class Crawl:
    pages: dict[str, BeautifulSoup] = field(default_factory=dict)  # every HTML page reached, by URL
    status: dict[str, int] = field(default_factory=dict)  # every URL fetched
    linked_from: dict[str, set[str]] = field(default_factory=dict)
    fragments: set[tuple[str, str, str]] = field(default_factory=set)  # (page, target, fragment)


def links_of(soup: BeautifulSoup, page_url: str) -> Iterator[str]:
    for attribute, tags in URL_ATTRIBUTES.items():
        for element in soup.find_all(tags):
            value = element.get(attribute)
            if isinstance(value, str) and value.strip():
                yield urljoin(page_url, value.strip())


@pytest.fixture(scope="module")
def crawl(published_site: PublishedSite) -> Crawl:
    """Pages are keyed by their public URL: a link naming index.html (as the site's relative links do, so that
    it works from file://) reaches the same page as its folder URL."""
    found = Crawl()
    queue = [published_site.url]
    while queue:
        url = queue.pop()
        if url in found.status:
            continue
        status, content_type, body = fetch(url)
        found.status[url] = status
        if status != 200 or content_type != "text/html":
            continue
        soup = BeautifulSoup(body, "html.parser")
        found.pages[url] = soup
        for link in links_of(soup, url):
            target, fragment = urldefrag(link)
            target = target.removesuffix("index.html") if target.endswith("/index.html") else target
            if not target.startswith(published_site.url):
                assert urlsplit(target).netloc != urlsplit(published_site.url).netloc, (
                    f"{url} links outside the site: {link}"
                )
                continue  # another site
            found.linked_from.setdefault(target, set()).add(url)
            if fragment:
                found.fragments.add((url, target, fragment))
            queue.append(target)
    return found


def test_every_link_and_asset_answers_200(crawl: Crawl) -> None:
    assert len(crawl.pages) > 40
    broken = {url: status for url, status in crawl.status.items() if status != 200}
    assert not broken, "\n".join(f"{s} {u} (linked from {sorted(crawl.linked_from.get(u, []))[:3]})"
                                 for u, s in broken.items())  # fmt: skip


def test_every_fragment_names_an_element_of_its_page(crawl: Crawl) -> None:
    missing = [
        f"{page} -> {target}#{fragment}"
        for page, target, fragment in sorted(crawl.fragments)
        if target in crawl.pages and crawl.pages[target].find(id=fragment) is None
    ]
    assert not missing, "\n".join(missing)


def test_every_page_is_in_the_sitemap_and_every_sitemap_entry_answers(
    crawl: Crawl, published_site: PublishedSite
) -> None:
    status, _, robots = fetch(published_site.url + "robots.txt")
    assert status == 200
    assert f"Sitemap: {published_site.url}sitemap.xml" in robots.decode().splitlines()
    status, _, body = fetch(published_site.url + "sitemap.xml")
    assert status == 200
    listed = [loc.text for loc in ElementTree.fromstring(body).iter(f"{SITEMAP}loc")]
    assert len(listed) == len(set(listed))
    assert set(listed) == set(crawl.pages) - {published_site.url + "404.html"}


@pytest.mark.parametrize("feed", ["feed.xml", "stories/flynn-kislyak/feed.xml"])
def test_feeds_link_only_to_pages_that_answer(feed: str, crawl: Crawl, published_site: PublishedSite) -> None:
    status, _, body = fetch(published_site.url + feed)
    assert status == 200
    root = ElementTree.fromstring(body)
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == published_site.url + feed
    entries = root.findall(f"{ATOM}entry")
    kinds = {c.get("term") for e in entries for c in e.findall(f"{ATOM}category")}
    assert {"article", "claim"} <= kinds
    for entry in entries:
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        assert link is not None
        assert link.get("href") in crawl.pages, link.get("href")
        assert entry.findtext(f"{ATOM}id") == link.get("href")
    # Every page of the story links to the feeds in its head.
    home = crawl.pages[published_site.url]
    assert home.find("link", rel="alternate", type="application/atom+xml", href="feed.xml") is not None


def test_a_missing_page_gets_the_404_page_with_working_links_and_assets(
    page: Page, published_site: PublishedSite
) -> None:
    """GitHub Pages serves 404.html at any depth, so its links are absolute, from base_url."""
    failed: list[str] = []
    page.on(
        "response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 and not is_document(r) else None
    )
    response = page.goto(published_site.url + "no/such/page/")
    assert response is not None and response.status == 404
    page.get_by_role("link", name="Stories").first.wait_for()
    assert page.locator("link[rel=stylesheet]").first.evaluate("l => l.sheet !== null")
    page.locator("#site-search input").wait_for()
    assert not failed, failed
    page.get_by_role("navigation", name="Site").get_by_role("link", name="People").click()
    assert page.url == published_site.url + "people/"
    assert page.url.startswith(f"http://127.0.0.1:{urlsplit(published_site.url).port}/{SUB_PATH}")


def is_document(response: Response) -> bool:
    return response.request.resource_type == "document"
