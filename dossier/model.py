"""The in-memory model: plain frozen dataclasses, no I/O.

`validate` builds these from raw records. Each later stage that derives something returns new objects
instead of changing these: `anchor` a dossier whose annotations have their anchors, `link` one whose
articles have their mentions (see dossier/anchor/stage.py, dossier/link.py); `render` only reads them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from dossier.diagnostics import Location
from dossier.slotted import Slotted

SourceKind = Literal["person", "anonymous", "document", "institution", "outlet"]
SOURCE_KINDS: tuple[SourceKind, ...] = ("person", "anonymous", "document", "institution", "outlet")

AnnotationKind = Literal["claim", "source", "correction", "note", "mention"]
AnchorMethod = Literal["exact", "normalised", "fuzzy"]


@dataclass(frozen=True)
class Verdict:
    id: str
    label: str
    description: str
    tone: str  # "true", "mixed", "false" or "unknown": the theme colours by tone, and always shows the label


@dataclass(frozen=True)
class CompareSettings:
    """Thresholds of the comparison view (see docs/format.md for what each means)."""

    match_threshold: float = 0.35
    verbatim_min_words: int = 4
    margin: float = 0.05
    meaning: str = "wordllama"  # the meaning signal's sentence model (compare/meaning.py), "off", or a folder's path


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Config:
    title: str
    description: str
    base_url: str
    language: str
    theme: str
    content_dir: str
    output_dir: str
    verdicts: tuple[Verdict, ...]
    compare: CompareSettings
    raw_html: bool
    location: Location
    publisher: Link | None = None  # who publishes the verdicts (ClaimReview author); the site's title if unset
    cname: str = ""  # the custom domain GitHub Pages serves the site at, written to CNAME
    search: bool = True  # index the built site with Pagefind and show a search box
    # "bundled": a large site's index in bundles, so that a rebuild indexes again only those an edit touched;
    # "single": one index, which a reader's first search fetches less of (see dossier/search.py)
    search_index: str = "bundled"

    def verdict(self, verdict_id: str) -> Verdict | None:
        return next((v for v in self.verdicts if v.id == verdict_id), None)

    @property
    def site_url(self) -> str | None:
        """The absolute URL the site is published at, ending in '/'; None when only a path is known."""
        if self.base_url.startswith(("http://", "https://")):
            return self.base_url
        if self.cname:
            return f"https://{self.cname}{self.base_url}"
        return None


@dataclass(frozen=True)
class Role:
    title: str
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    aliases: tuple[str, ...]
    roles: tuple[Role, ...]
    description: str  # Markdown
    links: tuple[Link, ...]
    location: Location

    @property
    def names(self) -> tuple[str, ...]:
        """Every form by which the text may name this person."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    kind: SourceKind
    description: str  # Markdown
    via: str | None  # the source this one reached the reader through (the officials via the Post)
    person: str | None  # the registered person a named source is
    url: str | None
    date: dt.date | None
    story_id: str | None  # None for the site-wide registry
    location: Location
    archived: str | None = None  # a copy kept by a web archive, should the original change or go


@dataclass(frozen=True)
class Claim:
    id: str
    text: str
    claimant: str  # a person or source id
    about: tuple[str, ...]  # person ids
    verdict: str
    reasoning: str  # Markdown
    evidence: tuple[str, ...]  # source ids
    date: dt.date | None
    is_inference: bool  # the verdict is the editor's inference, not established fact
    story_id: str
    location: Location
    reviewed: dt.date | None = None  # when the editor published the verdict (the story's date of review if unset)


@dataclass(frozen=True)
class TimelineEvent:
    date: dt.date
    text: str  # Markdown, inline
    sources: tuple[str, ...]
    is_inference: bool
    location: Location


@dataclass(frozen=True, slots=True)
class Selector(Slotted):
    """W3C Web Annotation TextQuoteSelector: the quote, and optional context to pick an occurrence."""

    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True, slots=True)
class Anchor(Slotted):
    start: int  # character offsets in the article's plain text
    end: int
    method: AnchorMethod
    confidence: float  # 1.0 for exact and normalised matches
    text_hash: str  # of the article text it was anchored on
    passage: int  # index of the passage (top-level block) the quote starts in


@dataclass(frozen=True)
class Annotation:
    id: str
    kind: AnnotationKind
    selector: Selector
    article_id: str
    target: str | None  # claim, source or person id
    note: str  # Markdown: the editor's note, or the note on a correction
    correct: str  # corrections: the text as it should read
    sources: tuple[str, ...]  # claim appearances: the sourcing the article gives
    location: Location
    anchor: Anchor | None = None  # given by anchor_quotes when the quote is found


@dataclass(frozen=True, slots=True)
class Mention(Slotted):
    person_id: str
    article_id: str
    start: int
    end: int
    passage: int
    annotation_id: str | None  # set for explicit mentions


@dataclass(frozen=True)
class Article:
    id: str
    story_id: str
    title: str
    outlet: str  # source id of kind outlet
    url: str | None
    published: dt.date | None
    updated: dt.date | None
    authors: tuple[str, ...]
    language: str
    inferred: tuple[str, ...]  # front-matter fields the editor inferred rather than read off the page
    is_draft: bool
    body: str  # Markdown
    body_line: int  # the line of the .md file where the body starts
    location: Location
    annotations: tuple[Annotation, ...] = ()
    mentions: tuple[Mention, ...] = ()  # given by link_entities, in reading order
    archived: str | None = None  # a copy kept by a web archive (the Wayback Machine), should the original change or go


@dataclass(frozen=True)
class Story:
    id: str
    title: str
    summary: str  # Markdown
    date: dt.date | None
    timeline: tuple[TimelineEvent, ...]
    is_draft: bool
    location: Location
    reviewed: dt.date | None = None  # when the editor reviewed its claims
    claim_ids: tuple[str, ...] = ()
    source_ids: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dossier:
    """The whole model. Its tables are plain dicts (callers such as importer.py take them as dicts), read only
    by convention: a stage that derives something makes new tables."""

    config: Config
    people: dict[str, Person]
    sources: dict[str, Source]
    stories: dict[str, Story]
    articles: dict[str, Article]
    claims: dict[str, Claim]

    def annotations(self) -> list[Annotation]:
        return [a for article in self.articles.values() for a in article.annotations]


@dataclass(frozen=True)
class PreviousAnchor:
    """Where an annotation stood in the last build (dossier/last_build.py reads it back): the digest of its
    article's text and the words it covered."""

    text_hash: str
    exact_text: str


Entity = TypeVar("Entity")


def replaced(entity: Entity, **changes: Any) -> Entity:
    """dataclasses.replace(entity, **changes) for the model's frozen dataclasses with a __dict__ (articles and
    annotations; the slotted records are made by their class), none of which has a __post_init__ to run, without
    __init__ setting each field through object.__setattr__: a rebuild replaces
    every article twice and every anchored annotation (over 50,000 objects at 5,000 articles)."""
    copy = object.__new__(type(entity))
    vars(copy).update(vars(entity), **changes)
    return copy
