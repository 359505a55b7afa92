"""The files a published site needs besides its pages: feeds, sitemap, robots.txt, .nojekyll, CNAME.

Everything here is derived from the content, never from the clock: a feed's `updated` is the newest date the
content gives, so two builds of the same content are byte-identical. Feeds and the sitemap need absolute URLs;
they are made only when the site knows where it is published (`Config.site_url`: an absolute `base_url`, or
a `cname`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import jinja2

from dossier import urls
from dossier.diagnostics import Location, Report
from dossier.model import Article, Claim, Dossier, Story
from dossier.render.output import Output
from dossier.render.pages import Page

FEED_TEMPLATE = "feed.xml"
SITEMAP_TEMPLATE = "sitemap.xml"
ROBOTS_TEMPLATE = "robots.txt"
NOT_INDEXED = frozenset({"404.html"})
EPOCH = dt.date(1970, 1, 1)  # a feed's date when the content gives none at all: fixed, never the clock
# The site feed's newest entries: a feed reader needs what is new, and each story's feed keeps all of its own
# (every entry of a large dossier made the site feed a megabyte and a half at 1,000 articles).
SITE_FEED_ENTRIES = 100


@dataclass(frozen=True)
class FeedEntry:
    """One entry of an Atom feed: an article, or a claim with its verdict."""

    kind: Literal["article", "claim"]
    title: str
    url: str  # absolute; also the entry's id
    updated: dt.date
    published: dt.date | None
    story: Story
    article: Article | None = None
    claim: Claim | None = None


@dataclass(frozen=True)
class Feed:
    title: str
    url: str  # where the feed itself is published
    page_url: str  # the HTML page it follows; also the feed's id
    updated: dt.date
    entries: list[FeedEntry]


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: dt.date | None


def _newest(dates: list[dt.date | None]) -> dt.date | None:
    known = [d for d in dates if d is not None]
    return max(known) if known else None


def article_date(article: Article) -> dt.date | None:
    return article.updated or article.published


def claim_date(dossier: Dossier, claim: Claim) -> dt.date | None:
    """When the verdict was published (the claim's or its story's review date), else when the claim was made."""
    story = dossier.stories.get(claim.story_id)
    return claim.reviewed or (story.reviewed if story else None) or claim.date


def story_date(dossier: Dossier, story: Story) -> dt.date | None:
    """The newest date anywhere in a story: its own, its articles', its claims' and its timeline's."""
    return _newest(
        [
            story.date,
            *(article_date(dossier.articles[a]) for a in story.article_ids),
            *(claim_date(dossier, dossier.claims[c]) for c in story.claim_ids),
            *(event.date for event in story.timeline),
        ]
    )


def content_dates(dossier: Dossier) -> dict[str, dt.date]:
    """The last-modified date the content gives for each page that has one, by output path."""
    dates: dict[str, dt.date | None] = {}
    for story in dossier.stories.values():
        dates[urls.story_path(story.id)] = story_date(dossier, story)
    for article in dossier.articles.values():
        dates[urls.path_for(article)] = article_date(article)
    for claim in dossier.claims.values():
        dates[urls.path_for(claim)] = claim_date(dossier, claim)
    dates[urls.HOME] = _newest([dates[urls.story_path(s)] for s in dossier.stories])
    return {path: date for path, date in dates.items() if date is not None}


def _entries(dossier: Dossier, story: Story, site_url: str) -> list[FeedEntry]:
    """A story's articles and claims; an undated one takes the story's newest date."""
    fallback = story_date(dossier, story)
    entries: list[FeedEntry] = []
    for article_id in story.article_ids:
        article = dossier.articles[article_id]
        updated = article_date(article) or fallback
        if updated is not None:
            url = urls.absolute_url(site_url, urls.path_for(article))
            entries.append(FeedEntry("article", article.title, url, updated, article.published, story, article=article))
    for claim_id in story.claim_ids:
        claim = dossier.claims[claim_id]
        updated = claim_date(dossier, claim) or fallback
        if updated is not None:
            url = urls.absolute_url(site_url, urls.path_for(claim))
            published = claim.reviewed or story.reviewed
            entries.append(FeedEntry("claim", claim.text, url, updated, published, story, claim=claim))
    return entries


def _newest_first(entries: list[FeedEntry]) -> list[FeedEntry]:
    by_id = sorted(entries, key=lambda e: e.url)
    return sorted(by_id, key=lambda e: e.updated, reverse=True)


def newest_date(dossier: Dossier) -> dt.date:
    """The newest date the content gives anywhere: a feed's date when it has no entries."""
    return max(content_dates(dossier).values(), default=EPOCH)


def story_feed(dossier: Dossier, story: Story, site_url: str, newest: Callable[[], dt.date]) -> Feed:
    """A story's feed: all of its entries, newest first; without any, it is dated `newest()`."""
    entries = _newest_first(_entries(dossier, story, site_url))
    path = urls.story_feed_path(story.id)
    return Feed(
        f"{story.title} · {dossier.config.title}",
        urls.absolute_url(site_url, path),
        urls.absolute_url(site_url, urls.story_path(story.id)),
        entries[0].updated if entries else newest(),
        entries,
    )


def feeds(dossier: Dossier, site_url: str, site_entries: int = SITE_FEED_ENTRIES) -> dict[str, Feed]:
    """The site-wide feed (its newest `site_entries`) and one per story (all of the story's), by output path.

    Undated entries are left out. A feed without entries is still made (pages link to it), dated by the
    newest date of the dossier.
    """
    newest = functools.cache(lambda: newest_date(dossier))
    found: dict[str, Feed] = {}
    everything: list[FeedEntry] = []
    for story in sorted(dossier.stories.values(), key=lambda s: s.id):
        feed = found[urls.story_feed_path(story.id)] = story_feed(dossier, story, site_url, newest)
        everything.extend(feed.entries)
    entries = _newest_first(everything)[:site_entries]
    found[urls.ATOM_FEED] = Feed(
        dossier.config.title,
        urls.absolute_url(site_url, urls.ATOM_FEED),
        urls.absolute_url(site_url, urls.HOME),
        entries[0].updated if entries else newest(),
        entries,
    )
    return dict(sorted(found.items()))


def story_feed_plan(dossier: Dossier) -> list[tuple[str, Callable[[], Page]]]:
    """Each story's feed as a page for render.incremental.render_pages: its path, and what makes it from
    `dossier` (as pages see it, so that what the feed reads is noted and an unchanged feed is kept). None
    without a site_url, where there are no feeds."""
    site_url = dossier.config.site_url
    if not site_url:
        return []

    def make(story_id: str) -> Page:
        feed = story_feed(dossier, dossier.stories[story_id], site_url, lambda: newest_date(dossier))
        return Page(urls.story_feed_path(story_id), FEED_TEMPLATE, feed.title, "feed", {"feed": feed})

    story_ids = sorted(dossier.stories)
    return [(urls.story_feed_path(story_id), functools.partial(make, story_id)) for story_id in story_ids]


def sitemap(page_paths: list[str], dates: dict[str, dt.date], site_url: str) -> list[SitemapEntry]:
    return [
        SitemapEntry(urls.absolute_url(site_url, path), dates.get(path))
        for path in page_paths
        if path.endswith(".html") and path not in NOT_INDEXED
    ]


# Renders a file unless the cache holds the bytes rendered from the same (template, title, context) value.
Memo = Callable[[str, object, Callable[[], bytes | None]], bytes | None]


def site_files(
    dossier: Dossier,
    env: jinja2.Environment,
    paths: list[str],
    report: Report,
    memo: Memo | None = None,
    with_story_feeds: bool = True,
) -> list[Output]:
    """The extra files of a published site, given the paths of the files made so far; template errors are
    reported. `memo` may keep each rendered file under a digest of its inputs. Without `with_story_feeds`, the
    stories' feeds are left to the caller (as pages: story_feed_plan)."""
    extra = [Output(".nojekyll", b"")]  # GitHub Pages: serve the files as they are, without Jekyll

    def render(template: str, path: str, title: str, **context: object) -> None:
        def make() -> bytes | None:
            page = Page(path, template, title, template.partition(".")[0])
            try:
                text = env.get_template(template).render(page=page, **context)
            except jinja2.TemplateError as error:
                where = Location(getattr(error, "filename", None) or template, getattr(error, "lineno", None) or 1, 1)
                report.error(where, f"template error rendering {path}: {error}")
                return None
            return text.encode("utf-8")

        data = memo(path, (template, title, sorted(context.items())), make) if memo else make()
        if data is not None:
            extra.append(Output(path, data))

    config = dossier.config
    if config.cname:
        extra.append(Output("CNAME", f"{config.cname}\n".encode()))
    site_url = config.site_url
    if site_url:
        for path, feed in feeds(dossier, site_url).items():
            if with_story_feeds or path == urls.ATOM_FEED:
                render(FEED_TEMPLATE, path, feed.title, feed=feed)
        entries = sitemap(paths, content_dates(dossier), site_url)
        render(SITEMAP_TEMPLATE, urls.SITEMAP, "Sitemap", entries=entries)
    sitemap_url = urls.absolute_url(site_url, urls.SITEMAP) if site_url else None
    render(ROBOTS_TEMPLATE, urls.ROBOTS, "robots.txt", sitemap_url=sitemap_url)
    return extra
