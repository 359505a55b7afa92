"""Which pages the site has, and what each template is given. Writes nothing."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it.common.utils import escapeHtml

from dossier import urls
from dossier.compare.align import Alignment
from dossier.compare.stage import PairKey
from dossier.compare.synopsis import synopsis_of
from dossier.link import EntityKey, Index
from dossier.model import Annotation, Article, Claim, Dossier, Mention, Person, Source, Story, Verdict
from dossier.render.body import RenderedPassage, Span, render_body
from dossier.render.comparison import SynopsisView, synopsis_view
from dossier.render.data import claim_review
from dossier.render.pictures import Picture, chain_picture, network_picture, timeline_picture
from dossier.render.translations import ENGLISH, Translations
from dossier.text import ArticleText

# How much text either side of a quote a keyword-in-context snippet shows. A person's page lists every mention,
# so its snippets are shorter: a few words either side of a name place it, and more repeat the article's text.
CONTEXT_CHARS = 80
MENTION_CONTEXT_CHARS = 50
# The corrections log shows an outlet's newest corrections (its page lists them all), the corrections feed the
# newest of all, as the site feed does: both grew with the dossier, and every correction edit made them again.
CORRECTIONS_PER_OUTLET = 10
CORRECTIONS_FEED_ENTRIES = 100


@dataclass(frozen=True)
class Page:
    path: str
    template: str
    title: str
    kind: str
    context: dict[str, Any] = field(default_factory=dict)


# What each kind of annotation is called where readers see it: on the control beside its highlight, in its note
# (in English: a catalog translates each, render/translations.py).
KIND_WORDS = {"claim": "claim", "source": "source", "correction": "correction", "note": "editor's note",
              "mention": "person"}  # fmt: skip


@dataclass(frozen=True)
class Note:
    """An annotation as the margin shows it, numbered in reading order."""

    number: int
    annotation: Annotation
    claim: Claim | None
    verdict: Verdict | None
    source: Source | None
    person: Person | None
    words: Translations = ENGLISH

    @property
    def kind_word(self) -> str:
        return self.words.gettext(KIND_WORDS[self.annotation.kind])

    @property
    def control_text(self) -> str:
        """What the control at the start of the highlight says: its kind and number."""
        return self.words.say("%(kind)s %(number)s", kind=self.kind_word, number=self.number)

    @property
    def control_name(self) -> str:
        """The control's accessible name: its visible words first (WCAG 2.5.3), then what the note holds."""
        if self.verdict:
            return self.words.say(
                "%(highlight)s, rated %(verdict)s", highlight=self.control_text, verdict=self.verdict.label
            )
        named = self.source.name if self.source else self.person.name if self.person else None
        if named is not None:
            return self.words.say("%(highlight)s: %(name)s", highlight=self.control_text, name=named)
        return self.control_text


@dataclass(frozen=True)
class SourceGroup:
    """A source as the margin lists it once per passage, with the numbers of the highlights that credit it."""

    source: Source
    notes: list[Note]


@dataclass(frozen=True)
class PassageView:
    index: int
    anchor: str  # the id of its element, "p3"
    html: str
    notes: list[Note]  # the notes of the highlights that start in it

    @property
    def cards(self) -> list[Note]:
        """Its notes but the plain sources, which the margin lists together (`source_groups`)."""
        return [n for n in self.notes if not _is_plain_source(n)]

    @property
    def source_groups(self) -> list[SourceGroup]:
        """The plain sources it credits, each once however often it is credited, in order of first credit."""
        groups: dict[str, SourceGroup] = {}
        for note in self.notes:
            if _is_plain_source(note):
                assert note.source is not None
                groups.setdefault(note.source.id, SourceGroup(note.source, [])).notes.append(note)
        return list(groups.values())


def _is_plain_source(note: Note) -> bool:
    """A source highlight without a note of its own: all its note would say is the source's name."""
    return note.source is not None and not note.annotation.note


@dataclass(frozen=True)
class Snippet:
    """A keyword in context: the text before, each match with the text up to the next one, the text after."""

    before: str
    matches: tuple[tuple[str, str], ...]  # (match, the text between it and the next match: "" after the last)
    after: str


@dataclass(frozen=True)
class Appearance:
    """One place in an article: for lists of mentions and appearances."""

    article: Article
    path: str  # output path with #fragment
    snippet: Snippet

    @property
    def count(self) -> int:
        """How many mentions or appearances the place shows (nearby mentions share one snippet)."""
        return len(self.snippet.matches)


def snippet(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> Snippet:
    """The text around [start, end), cut at word boundaries, within its passage."""
    return spans_snippet(text, [(start, end)], width)


def spans_snippet(text: str, spans: Sequence[tuple[int, int]], width: int = CONTEXT_CHARS) -> Snippet:
    """The text around spans of one passage (in order, apart), each marked: one snippet where each span's own
    would overlap the next's and repeat its words."""
    start, end = spans[0][0], spans[-1][1]
    matches = tuple(
        (text[s:e], text[e : spans[i + 1][0]] if i + 1 < len(spans) else "") for i, (s, e) in enumerate(spans)
    )
    passage_start = text.rfind("\n\n", 0, start) + 1 if text.rfind("\n\n", 0, start) >= 0 else 0
    passage_end = text.find("\n\n", end)
    passage_end = len(text) if passage_end < 0 else passage_end
    left = max(passage_start, start - width)
    right = min(passage_end, end + width)
    before, after = text[left:start], text[end:right]
    # Cut at a space, where there is one; in a script written without spaces (Chinese) wherever the width ends.
    if left > passage_start:
        before = "…" + (before[before.index(" ") + 1 :] if " " in before else before)
    if right < passage_end:
        after = (after[: after.rindex(" ")] if " " in after else after) + "…"
    return Snippet(" ".join(before.split()) + (" " if before[-1:].isspace() else ""), matches, after)


def nearby_mentions(mentions: list[Mention], width: int = CONTEXT_CHARS) -> list[list[Mention]]:
    """Mentions in runs that one snippet shows: in the same passage, each close enough after the one before
    that their snippets would overlap."""
    runs: list[list[Mention]] = []
    for mention in mentions:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and (last.article_id, last.passage) == (mention.article_id, mention.passage)
            and last.end <= mention.start <= last.end + 2 * width
        ):
            runs[-1].append(mention)
        else:
            runs.append([mention])
    return runs


def _plain_inline(markdown: str) -> str:
    """Inline Markdown as plain words, for picture labels: links keep their text, emphasis marks go."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return " ".join(re.sub(r"[*_`]", "", text).split())


class SiteBuilder:
    """Assembles pages from the model, the anchored texts and the indexes."""

    def __init__(
        self,
        dossier: Dossier,
        texts: dict[str, ArticleText],
        index: Index,
        alignments: Mapping[PairKey, Alignment],
        md: Any,
        words: Translations = ENGLISH,
    ) -> None:
        self.dossier = dossier
        self.texts = texts
        self.index = index
        self.alignments = alignments
        self.md = md
        self.words = words  # the theme's words in the site's language, for those made here

    # --- article bodies -------------------------------------------------------------------------

    def notes_of(self, article: Article) -> list[Note]:
        """The numbered notes, in reading order. An explicit mention without a note has none: its highlight is a
        link to the person and says whom it names (a note saying only that would be filler)."""
        anchored = sorted(
            (a for a in article.annotations if a.anchor and (a.kind != "mention" or a.note)),
            key=lambda a: (a.anchor.start, a.anchor.end, a.id),  # type: ignore[union-attr]
        )
        notes: list[Note] = []
        for number, annotation in enumerate(anchored, start=1):
            target = annotation.target or ""
            claim = self.dossier.claims.get(target) if annotation.kind == "claim" else None
            source = self.dossier.sources.get(target) if annotation.kind == "source" else None
            notes.append(
                Note(
                    number,
                    annotation,
                    claim,
                    self.dossier.config.verdict(claim.verdict) if claim else None,
                    source,
                    self.dossier.people.get(target) if annotation.kind == "mention" else None,
                    self.words,
                )
            )
        return notes

    def spans_of(self, article: Article, notes: list[Note]) -> list[Span]:
        page = urls.path_for(article)
        spans = [self._annotation_span(page, note, order) for order, note in enumerate(notes)]
        numbered = {n.annotation.id for n in notes}
        for annotation in article.annotations:
            if annotation.kind == "mention" and annotation.anchor and annotation.id not in numbered:
                spans.append(self._explicit_mention_span(page, annotation, len(notes)))
        explicit = {a.id for a in article.annotations if a.kind == "mention"}
        for mention in article.mentions:
            if mention.annotation_id in explicit:
                continue
            href = urls.relative_url(page, urls.person_path(mention.person_id))
            spans.append(
                Span(mention.start, mention.end, f'<a class="mention" href="{escapeHtml(href)}">', "</a>",
                     is_link=True, order=len(notes) + 1)
            )  # fmt: skip
        return spans

    def _explicit_mention_span(self, page: str, annotation: Annotation, order: int) -> Span:
        """A phrase the editor says names a person: a link to them, followed by their name where it does not."""
        anchor = annotation.anchor
        person = self.dossier.people.get(annotation.target or "")
        assert anchor is not None and person is not None
        href = escapeHtml(urls.relative_url(page, urls.path_for(person)))
        data = f'data-annotation="{annotation.id}"'
        quoted = annotation.selector.exact.casefold()
        names_them = any(name.casefold() in quoted for name in person.names)
        who = "" if names_them else f'<span class="mention-who"> [{escapeHtml(person.name)}]</span>'
        return Span(anchor.start, anchor.end, f'<a class="mention explicit" href="{href}" {data}>', "</a>",
                    f'<a class="mention explicit" id="{annotation.id}" href="{href}" {data}>', after=who,
                    is_link=True, order=order)  # fmt: skip

    def _annotation_span(self, page: str, note: Note, order: int) -> Span:
        annotation = note.annotation
        anchor = annotation.anchor
        assert anchor is not None
        # Neither the label nor a correction's fix is the article's words: the search index leaves them out (the
        # note holds the fix), so that a phrase of the text is found whole and its excerpt reads as printed.
        control = (
            f'<a class="hl-ref ref-{annotation.kind}" href="#note-{annotation.id}" id="ref-{annotation.id}"'
            f' aria-label="{escapeHtml(note.control_name)}" data-pagefind-ignore>{escapeHtml(note.control_text)}</a>'
        )
        data = f'data-annotation="{annotation.id}" data-note="{note.number}"'
        if annotation.kind == "correction":
            inserted = f'<ins class="correction" data-pagefind-ignore>{escapeHtml(annotation.correct)}</ins>'
            return Span(anchor.start, anchor.end, f'<del class="correction" {data}>', "</del>",
                        f'<del class="correction" id="{annotation.id}" {data}>', control, inserted,
                        order=order)  # fmt: skip
        if annotation.kind == "mention" and note.person:
            href = escapeHtml(urls.relative_url(page, urls.path_for(note.person)))
            return Span(anchor.start, anchor.end, f'<a class="mention explicit" href="{href}" {data}>', "</a>",
                        f'<a class="mention explicit" id="{annotation.id}" href="{href}" {data}>', control,
                        is_link=True, order=order)  # fmt: skip
        tone = f" tone-{note.verdict.tone}" if note.verdict else ""
        classes = f"hl hl-{annotation.kind}{tone}"
        return Span(anchor.start, anchor.end, f'<mark class="{classes}" {data}>', "</mark>",
                    f'<mark class="{classes}" id="{annotation.id}" {data}>', control, order=order)  # fmt: skip

    def passages_of(self, article: Article, notes: list[Note]) -> list[PassageView]:
        text = self.texts[article.id]
        rendered: list[RenderedPassage] = render_body(self.md, text, self.spans_of(article, notes))
        notes_by_passage: dict[int, list[Note]] = {}
        for note in notes:
            anchor = note.annotation.anchor
            assert anchor is not None
            notes_by_passage.setdefault(text.passage_of(anchor.start), []).append(note)
        return [
            PassageView(p.index, urls.passage_fragment(p.index) if p.index >= 0 else "", p.html,
                        notes_by_passage.get(p.index, []))
            for p in rendered
        ]  # fmt: skip

    # --- places in the text ------------------------------------------------------------------

    def mention_places(self, mentions: list[Mention]) -> list[Appearance]:
        return [
            Appearance(
                self.dossier.articles[run[0].article_id],
                urls.path_for(run[0], self.dossier.articles),
                spans_snippet(
                    self.texts[run[0].article_id].text, [(m.start, m.end) for m in run], MENTION_CONTEXT_CHARS
                ),
            )
            for run in nearby_mentions(mentions, MENTION_CONTEXT_CHARS)
        ]

    def annotation_places(self, annotations: list[Annotation]) -> list[Appearance]:
        places = []
        for annotation in annotations:
            anchor = annotation.anchor
            assert anchor is not None
            places.append(
                Appearance(
                    self.dossier.articles[annotation.article_id],
                    urls.path_for(annotation, self.dossier.articles),
                    snippet(self.texts[annotation.article_id].text, anchor.start, anchor.end),
                )
            )
        return places

    # --- links back ----------------------------------------------------------------------------

    def entity(self, key: EntityKey) -> Any:
        kind, entity_id = key
        tables: dict[str, dict[str, Any]] = {
            "story": self.dossier.stories, "article": self.dossier.articles, "person": self.dossier.people,
            "claim": self.dossier.claims, "source": self.dossier.sources,
        }  # fmt: skip
        return tables[kind].get(entity_id)

    def backlinks_of(self, kind: str, entity_id: str, shown: Iterable[Any] = ()) -> list[tuple[str, Any]]:
        """(kind, entity) of every page that refers to this one but those the page already links to (`shown`):
        a list of links the reader has just read is padding."""
        seen = {(type(e), e.id) for e in shown if e is not None}
        found = [(k, self.entity((k, i))) for k, i in self.index.backlinks.get((kind, entity_id), [])]
        return [(k, e) for k, e in found if e is not None and (type(e), e.id) not in seen]

    # --- pages ---------------------------------------------------------------------------------

    def page_plan(self) -> list[tuple[str, Callable[[], Page]]]:
        """Every page's output path, in order, with what builds it: a page can be skipped without building it.

        Each builder looks up what it needs itself (through `self.dossier` and `self.index`), so what a
        page reads can be recorded while it is built (see render/incremental.py).
        """
        dossier = self.dossier
        plan: list[tuple[str, Callable[[], Page]]] = [(urls.HOME, self.home_page)]
        for story in self.sorted_stories():
            plan.append((urls.story_path(story.id), functools.partial(self.story_page_of, story.id)))
            for article_id in story.article_ids:
                path = urls.path_for(dossier.articles[article_id])
                plan.append((path, functools.partial(self.article_page_of, article_id, story.id)))
            if len(story.article_ids) > 1:  # one page for the story however many articles: not one per pair
                plan.append((urls.synopsis_path(story.id), functools.partial(self.compare_page_of, story.id)))
        plan.append((urls.PEOPLE_INDEX, self.people_page))
        for person in self.sorted_people():
            plan.append((urls.path_for(person), functools.partial(self.person_page_of, person.id)))
        plan.append((urls.CLAIMS_INDEX, self.claims_page))
        for claim in list(dossier.claims.values()):
            plan.append((urls.path_for(claim), functools.partial(self.claim_page_of, claim.id)))
        plan.append((urls.SOURCES_INDEX, self.sources_page))
        for source in self.sorted_sources():
            plan.append((urls.path_for(source), functools.partial(self.source_page_of, source.id)))
        plan.append((urls.CORRECTIONS_INDEX, self.corrections_page))
        if dossier.config.site_url is not None:  # a feed needs absolute URLs: made only when the address is known
            plan.append((urls.CORRECTIONS_FEED, self.corrections_feed))
        plan.append(
            ("404.html", lambda: Page("404.html", "404.html", self.words.gettext("Page not found"), "not-found"))
        )
        return plan

    def sorted_stories(self) -> list[Story]:
        return sorted(self.dossier.stories.values(), key=lambda s: (s.date is None, s.date, s.id))

    def sorted_people(self) -> list[Person]:
        return sorted(self.dossier.people.values(), key=lambda p: p.name)

    def sorted_sources(self) -> list[Source]:
        return sorted(self.dossier.sources.values(), key=lambda s: (s.kind, s.name))

    def home_page(self) -> Page:
        return Page(urls.HOME, "index.html", self.dossier.config.title, "home", {"stories": self.sorted_stories()})

    def people_page(self) -> Page:
        people = self.sorted_people()
        counts = {p.id: len(self.index.mentions.get(p.id, [])) for p in people}
        return Page(
            urls.PEOPLE_INDEX,
            "people.html",
            self.words.gettext("People"),
            "people",
            {"people": people, "mention_counts": counts},
        )

    def claims_page(self) -> Page:
        claims = list(self.dossier.claims.values())
        return Page(urls.CLAIMS_INDEX, "claims.html", self.words.gettext("Claims"), "claims", {"claims": claims})

    def sources_page(self) -> Page:
        return Page(
            urls.SOURCES_INDEX,
            "sources.html",
            self.words.gettext("Sources"),
            "sources",
            {"sources": self.sorted_sources()},
        )

    def story_page_of(self, story_id: str) -> Page:
        return self.story_page(self.dossier.stories[story_id])

    def article_page_of(self, article_id: str, story_id: str) -> Page:
        return self.article_page(self.dossier.articles[article_id], self.dossier.stories[story_id])

    def compare_page_of(self, story_id: str) -> Page:
        return self.compare_page(self.dossier.stories[story_id])

    def person_page_of(self, person_id: str) -> Page:
        return self.person_page(self.dossier.people[person_id])

    def claim_page_of(self, claim_id: str) -> Page:
        return self.claim_page(self.dossier.claims[claim_id])

    def source_page_of(self, source_id: str) -> Page:
        return self.source_page(self.dossier.sources[source_id])

    def newest_corrections(self, corrections: list[Annotation], count: int) -> list[tuple[Annotation, Appearance]]:
        """The `count` newest of `corrections` (by their article's date), each with its place; undated ones last."""
        in_order = sorted(corrections, key=lambda c: (c.article_id, c.id))
        newest = sorted(in_order, key=lambda c: self.correction_date(c) or dt.date.min, reverse=True)[:count]
        return list(zip(newest, self.annotation_places(newest), strict=True))

    def correction_date(self, correction: Annotation) -> dt.date | None:
        """When a correction was published, as far as the content says: its article's date, else its story's."""
        article = self.dossier.articles[correction.article_id]
        dated = article.updated or article.published
        if dated is not None:
            return dated
        story = self.dossier.stories.get(article.story_id)
        return (story.reviewed or story.date) if story is not None else None

    def corrections_page(self) -> Page:
        """Each outlet's corrections, newest first, at most CORRECTIONS_PER_OUTLET of them: the outlet's page lists
        them all. A log of every correction grew with the dossier and was made again at each edit of one."""
        by_outlet, totals = [], {}
        for outlet_id, found in sorted(self.index.corrections_by_outlet.items()):
            outlet = self.dossier.sources.get(outlet_id)
            if outlet is not None:
                by_outlet.append((outlet, self.newest_corrections(found, CORRECTIONS_PER_OUTLET)))
                totals[outlet_id] = len(found)
        feed_path = urls.CORRECTIONS_FEED if self.dossier.config.site_url is not None else None
        context = {"by_outlet": by_outlet, "totals": totals, "feed_path": feed_path}
        return Page(
            urls.CORRECTIONS_INDEX, "corrections.html", self.words.gettext("Corrections"), "corrections", context
        )

    def corrections_feed(self) -> Page:
        """The newest CORRECTIONS_FEED_ENTRIES corrections of every outlet, as the site feed keeps its newest."""
        outlets = self.dossier.sources
        every = [c for outlet_id, found in self.index.corrections_by_outlet.items() if outlet_id in outlets
                 for c in found]  # fmt: skip
        entries = [
            (outlets[self.dossier.articles[c.article_id].outlet], c, place, self.correction_date(c))
            for c, place in self.newest_corrections(every, CORRECTIONS_FEED_ENTRIES)
        ]
        context = {"entries": entries, "feed_path": urls.CORRECTIONS_FEED, "updated": self.newest_date()}
        title = self.words.say("Corrections · %(site)s", site=self.dossier.config.title)
        return Page(urls.CORRECTIONS_FEED, "corrections.xml", title, "feed", context)

    def newest_date(self) -> str:
        """The newest date in the content: feeds are dated by their content, never by the clock."""
        dates = [d for a in self.dossier.articles.values() for d in (a.published, a.updated) if d]
        dates += [d for s in self.dossier.stories.values() for d in (s.date, s.reviewed) if d]
        return max(dates).isoformat() if dates else "1970-01-01"

    def synopsis(self, story: Story) -> SynopsisView:
        return synopsis_view(synopsis_of(story.article_ids, self.alignments), story, self.dossier, self.texts)

    def timeline(self, story: Story) -> Picture:
        rows: list[tuple[dt.date, str, str, bool, Any]] = [
            (e.date, _plain_inline(e.text), "event", e.is_inference, None) for e in story.timeline
        ]
        for article_id in story.article_ids:
            article = self.dossier.articles[article_id]
            if article.published:
                outlet = self.dossier.sources.get(article.outlet)
                label = f"{outlet.name if outlet else article.outlet}: {article.title}"
                rows.append((article.published, label, "article", False, article))
        return timeline_picture(self.words.say("Timeline of %(story)s", story=story.title), rows, self.words)

    def claim_matrix(self, story: Story) -> list[tuple[Claim, list[list[Annotation]]]]:
        """For each claim of the story, its appearances in each article (empty where the article lacks it)."""
        matrix = []
        for claim_id in story.claim_ids:
            appearances = self.index.appearances.get(claim_id, [])
            cells = [[a for a in appearances if a.article_id == article_id] for article_id in story.article_ids]
            matrix.append((self.dossier.claims[claim_id], cells))
        return matrix

    def story_page(self, story: Story) -> Page:
        articles = [self.dossier.articles[a] for a in story.article_ids]
        claims = [self.dossier.claims[c] for c in story.claim_ids]
        return Page(
            urls.story_path(story.id), "story.html", story.title, "story",
            {"story": story, "articles": articles, "claims": claims,
             "comparison": urls.synopsis_path(story.id) if len(articles) > 1 else None,
             "timeline_picture": self.timeline(story) if story.timeline else None,
             "matrix": self.claim_matrix(story),
             "note_counts": {a.id: len(self.notes_of(a)) for a in articles},  # as each article page numbers them
             "shared_sources": self.index.shared_sources.get(story.id, []),
             "backlinks": self.backlinks_of("story", story.id, [*articles, *claims])},
        )  # fmt: skip

    def compare_page(self, story: Story) -> Page:
        title = self.words.say("Side by side: %(story)s", story=story.title)
        return Page(urls.synopsis_path(story.id), "compare.html", title, "compare",
                    {"story": story, "synopsis": self.synopsis(story)})  # fmt: skip

    def article_page(self, article: Article, story: Story) -> Page:
        notes = self.notes_of(article)
        others = [self.dossier.articles[a] for a in story.article_ids if a != article.id]
        in_notes = [e for n in notes for e in (n.claim, n.source, n.person)]
        return Page(
            urls.path_for(article), "article.html", article.title, "article",
            {"article": article, "story": story, "outlet": self.dossier.sources.get(article.outlet),
             "passages": self.passages_of(article, notes), "notes": notes, "other_articles": others,
             "backlinks": self.backlinks_of("article", article.id, [story, *others, *in_notes])},
        )  # fmt: skip

    def person_page(self, person: Person) -> Page:
        mentions = self.index.mentions.get(person.id, [])
        by_story: dict[str, dict[str, list[Appearance]]] = {}
        for place in self.mention_places(mentions):
            by_story.setdefault(place.article.story_id, {}).setdefault(place.article.id, []).append(place)
        mention_groups = [
            (self.dossier.stories[story_id], [(self.dossier.articles[a], places) for a, places in articles.items()])
            for story_id, articles in by_story.items()
        ]
        claims = self.dossier.claims
        co_mentions = [(self.dossier.people[p], n) for p, n in self.index.co_mentions.get(person.id, [])]
        neighbours = [(p, p.name, n) for p, n in co_mentions]
        network = network_picture(person, person.name, len(mentions), neighbours, self.words)
        claims_by = [claims[c] for c in self.index.claims_by.get(person.id, [])]
        claims_about = [claims[c] for c in self.index.claims_about.get(person.id, [])]
        shown = [*claims_by, *claims_about, *(p for p, _ in co_mentions)]
        shown += [e for story, articles in mention_groups for e in (story, *(a for a, _ in articles))]
        return Page(
            urls.path_for(person), "person.html", person.name, "person",
            {"person": person, "mention_groups": mention_groups, "mention_count": len(mentions),
             "claims_by": claims_by, "claims_about": claims_about,
             "co_mentions": co_mentions, "network": network if co_mentions else None,
             "backlinks": self.backlinks_of("person", person.id, shown)},
        )  # fmt: skip

    def claimant_name(self, claim: Claim) -> str:
        who = self.dossier.people.get(claim.claimant) or self.dossier.sources.get(claim.claimant)
        return who.name if who else claim.claimant

    def claim_title(self, claim: Claim) -> str:
        """The verdict first, then who said what, in quotation marks: a tab, a search result or a share card
        never states a claim as the site's own words, a false one least of all."""
        verdict = self.dossier.config.verdict(claim.verdict)
        label = verdict.label if verdict else claim.verdict
        return f"{label}: {self.claimant_name(claim)} said “{claim.text}”"

    def claim_page(self, claim: Claim) -> Page:
        appearances = self.index.appearances.get(claim.id, [])
        return Page(
            urls.path_for(claim), "claim.html", self.claim_title(claim), "claim",
            {"claim": claim, "story": self.dossier.stories.get(claim.story_id), "claimant": self.claimant_name(claim),
             "appearances": list(zip(appearances, self.annotation_places(appearances), strict=True)),
             "claim_review": claim_review(claim, self.dossier, appearances)},
        )  # fmt: skip

    def source_chain(self, source: Source) -> list[Source]:
        chain: list[Source] = []
        current = source.via
        while current and current in self.dossier.sources and len(chain) < len(self.dossier.sources):
            chain.append(self.dossier.sources[current])
            current = self.dossier.sources[current].via
        return chain

    def chain_picture_of(self, source: Source, chain: list[Source], attributions: list[Annotation]) -> Picture | None:
        """The source, what it reached readers through, and the outlets that reported it."""
        reporters: list[Source] = []
        for annotation in attributions:
            outlet = self.dossier.sources.get(self.dossier.articles[annotation.article_id].outlet)
            if outlet and outlet not in reporters and outlet is not source and outlet not in chain:
                reporters.append(outlet)
        columns = [[(s.name, s)] for s in (source, *chain)]
        if reporters:
            columns.append([(outlet.name, outlet) for outlet in reporters])
        if len(columns) < 2:
            return None
        return chain_picture(self.words.say("How %(source)s reached readers", source=source.name), columns)

    def source_page(self, source: Source) -> Page:
        attributions = self.index.attributions.get(source.id, [])
        chain = self.source_chain(source)
        claims = self.dossier.claims
        corrections = self.index.corrections_by_outlet.get(source.id, [])
        context: dict[str, Any] = {
            "source": source, "chain": chain, "chain_picture": self.chain_picture_of(source, chain, attributions),
            "attributions": list(zip(attributions, self.annotation_places(attributions), strict=True)),
            "claims_resting": [claims[c] for c in self.index.claims_resting_on.get(source.id, [])],
            "claims_by": [claims[c] for c in self.index.claims_by.get(source.id, [])],
            "via_this": [self.dossier.sources[s] for s in self.index.sources_of.get(source.id, [])],
            "articles": [self.dossier.articles[a] for a in self.index.articles_by_outlet.get(source.id, [])],
            "claims_reported": [claims[c] for c in self.index.claims_by_outlet.get(source.id, [])],
            "corrections": list(zip(corrections, self.annotation_places(corrections), strict=True)),
        }  # fmt: skip
        shown = [*chain, *(place.article for _, place in context["attributions"] + context["corrections"])]
        for listed in ("claims_resting", "claims_by", "via_this", "articles", "claims_reported"):
            shown += context[listed]
        context["backlinks"] = self.backlinks_of("source", source.id, shown)
        return Page(urls.path_for(source), "source.html", source.name, "source", context)
