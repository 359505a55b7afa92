"""Backlinks and indexes: mentions of people, claims by and about people, what rests on each source.

Runs after anchoring; everything here is derived from the model, so render only looks things up.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from dossier.anchor import find_mentions
from dossier.cache import CacheStore, digest, fingerprint, version_key
from dossier.model import Annotation, Dossier, Mention
from dossier.text import ArticleText

EntityKey = tuple[str, str]  # (kind, id): ("person", "michael-flynn"); kinds: story article person claim source


@dataclass(frozen=True)
class SharedSource:
    """A source that several outlets' articles rest on, directly or through its `via` chain."""

    source_id: str
    article_ids: tuple[str, ...]


@dataclass
class Index:
    mentions: dict[str, list[Mention]] = field(default_factory=dict)  # person id -> mentions, in reading order
    claims_by: dict[str, list[str]] = field(default_factory=dict)  # claimant id -> claim ids
    claims_about: dict[str, list[str]] = field(default_factory=dict)  # person id -> claim ids
    appearances: dict[str, list[Annotation]] = field(default_factory=dict)  # claim id -> annotations
    attributions: dict[str, list[Annotation]] = field(default_factory=dict)  # source id -> annotations
    claims_resting_on: dict[str, list[str]] = field(default_factory=dict)  # source id -> claim ids (evidence)
    articles_by_outlet: dict[str, list[str]] = field(default_factory=dict)  # outlet id -> article ids
    sources_of: dict[str, list[str]] = field(default_factory=dict)  # source id -> sources that come via it
    co_mentions: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # person -> (other, count)
    corrections: list[Annotation] = field(default_factory=list)
    claims_in_article: dict[str, list[str]] = field(default_factory=dict)  # article id -> claim ids it reports
    claims_by_outlet: dict[str, list[str]] = field(default_factory=dict)  # outlet id -> claim ids its articles report
    corrections_by_outlet: dict[str, list[Annotation]] = field(default_factory=dict)
    shared_sources: dict[str, list[SharedSource]] = field(default_factory=dict)  # story id -> shared sourcing
    backlinks: dict[EntityKey, list[EntityKey]] = field(default_factory=dict)  # entity -> entities referring to it


MENTIONS_CACHE = "mentions"


def _detect_mentions(dossier: Dossier, texts: dict[str, ArticleText], store: CacheStore | None) -> None:
    people = list(dossier.people.values())
    people_key = fingerprint([(person.id, person.names) for person in people]) if store else ""
    for article in dossier.articles.values():
        text = texts[article.id]
        key = digest(version_key(), MENTIONS_CACHE, people_key, text.text) if store else ""
        names = store.get(MENTIONS_CACHE, key) if store else None
        if not isinstance(names, list):
            names = find_mentions(text.text, people)
            if store:
                store.put(MENTIONS_CACHE, key, names)
        found = [
            Mention(person_id, article.id, start, end, text.passage_of(start), None) for person_id, start, end in names
        ]
        for annotation in article.annotations:
            if annotation.kind == "mention" and annotation.anchor and annotation.target:
                anchor = annotation.anchor
                found.append(
                    Mention(annotation.target, article.id, anchor.start, anchor.end, anchor.passage, annotation.id)
                )
        article.mentions = sorted(found, key=lambda m: (m.start, m.end, m.person_id))


def _group(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for key, value in pairs:
        if value not in grouped[key]:
            grouped[key].append(value)
    return dict(grouped)


def _co_mentions(dossier: Dossier) -> dict[str, list[tuple[str, int]]]:
    """People named in the same passage, counted once per passage."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for article in dossier.articles.values():
        by_passage: dict[int, set[str]] = defaultdict(set)
        for mention in article.mentions:
            by_passage[mention.passage].add(mention.person_id)
        for together in by_passage.values():
            for person_id in together:
                counts[person_id].update(other for other in together if other != person_id)
    return {
        person_id: sorted(counter.items(), key=lambda item: (-item[1], item[0]))
        for person_id, counter in counts.items()
    }


def link_entities(dossier: Dossier, texts: dict[str, ArticleText], store: CacheStore | None = None) -> Index:
    """Detect mentions (stored on each article) and build every reverse index render needs.

    With a build cache `store`, an article's mentions are found again only when its text or the people changed.
    """
    _detect_mentions(dossier, texts, store)
    index = Index()
    mentions: dict[str, list[Mention]] = defaultdict(list)
    for story in dossier.stories.values():
        for article_id in story.article_ids:
            for mention in dossier.articles[article_id].mentions:
                mentions[mention.person_id].append(mention)
    index.mentions = dict(mentions)
    claims = list(dossier.claims.values())
    index.claims_by = _group([(c.claimant, c.id) for c in claims])
    index.claims_about = _group([(person_id, c.id) for c in claims for person_id in c.about])
    index.claims_resting_on = _group([(source_id, c.id) for c in claims for source_id in c.evidence])
    annotations = [a for a in dossier.annotations() if a.anchor is not None]
    appearances: dict[str, list[Annotation]] = defaultdict(list)
    attributions: dict[str, list[Annotation]] = defaultdict(list)
    for annotation in annotations:
        if annotation.kind == "claim" and annotation.target:
            appearances[annotation.target].append(annotation)
        if annotation.kind == "source" and annotation.target:
            attributions[annotation.target].append(annotation)
        for source_id in annotation.sources:
            attributions[source_id].append(annotation)
    index.appearances = dict(appearances)
    index.attributions = dict(attributions)
    index.corrections = [a for a in annotations if a.kind == "correction"]
    index.articles_by_outlet = _group([(a.outlet, a.id) for a in dossier.articles.values()])
    index.sources_of = _group([(s.via, s.id) for s in dossier.sources.values() if s.via])
    index.co_mentions = _co_mentions(dossier)
    index.claims_in_article = _group([(a.article_id, a.target) for a in annotations if a.kind == "claim" and a.target])
    index.claims_by_outlet = _group(
        [(dossier.articles[a.article_id].outlet, a.target) for a in annotations if a.kind == "claim" and a.target]
    )
    corrections_by_outlet: dict[str, list[Annotation]] = defaultdict(list)
    for correction in index.corrections:
        corrections_by_outlet[dossier.articles[correction.article_id].outlet].append(correction)
    index.corrections_by_outlet = dict(corrections_by_outlet)
    index.shared_sources = {story_id: _shared_sources(dossier, story_id) for story_id in dossier.stories}
    index.backlinks = _backlinks(dossier)
    return index


def _sources_behind(source_id: str, dossier: Dossier) -> list[str]:
    """The source and every source it came through (its `via` chain), nearest first."""
    chain: list[str] = []
    current: str | None = source_id
    while current and current in dossier.sources and current not in chain:
        chain.append(current)
        current = dossier.sources[current].via
    return chain


def _shared_sources(dossier: Dossier, story_id: str) -> list[SharedSource]:
    """Sources that articles of two or more outlets in the story rest on: readers should know two reports are one."""
    resting_on: dict[str, list[str]] = defaultdict(list)
    for article_id in dossier.stories[story_id].article_ids:
        article = dossier.articles[article_id]
        attributed = {a.target for a in article.annotations if a.kind == "source" and a.anchor and a.target}
        attributed |= {s for a in article.annotations if a.anchor for s in a.sources}
        behind = {b for source_id in attributed for b in _sources_behind(source_id, dossier)}
        for source_id in sorted(behind - {article.outlet}):
            resting_on[source_id].append(article_id)
    shared = []
    for source_id, article_ids in resting_on.items():
        outlets = {dossier.articles[a].outlet for a in article_ids}
        if len(outlets) >= 2:
            shared.append(SharedSource(source_id, tuple(article_ids)))
    # The deepest sources first (anonymous officials before the paper that quoted them).
    return sorted(shared, key=lambda s: (-len(_sources_behind(s.source_id, dossier)), s.source_id))


def _references(dossier: Dossier) -> list[tuple[EntityKey, EntityKey]]:
    """Every (page, page it links to) pair the model implies."""
    refs: list[tuple[EntityKey, EntityKey]] = []
    party = {**{p: "person" for p in dossier.people}, **{s: "source" for s in dossier.sources}}
    for story in dossier.stories.values():
        refs += [(("story", story.id), ("article", a)) for a in story.article_ids]
        refs += [(("story", story.id), ("claim", c)) for c in story.claim_ids]
        refs += [(("story", story.id), ("source", s)) for e in story.timeline for s in e.sources]
    for article in dossier.articles.values():
        me = ("article", article.id)
        refs += [(me, ("story", article.story_id)), (me, ("source", article.outlet))]
        refs += [(me, ("person", m.person_id)) for m in article.mentions]
        for annotation in article.annotations:
            if annotation.target and annotation.kind in ("claim", "source"):
                refs.append((me, (annotation.kind, annotation.target)))
            refs += [(me, ("source", s)) for s in annotation.sources]
    for claim in dossier.claims.values():
        me = ("claim", claim.id)
        refs += [(me, (party[claim.claimant], claim.claimant))] if claim.claimant in party else []
        refs += [(me, ("person", p)) for p in claim.about] + [(me, ("source", s)) for s in claim.evidence]
        refs.append((me, ("story", claim.story_id)))
    for source in dossier.sources.values():
        refs += [(("source", source.id), ("source", source.via))] if source.via else []
        refs += [(("source", source.id), ("person", source.person))] if source.person else []
    return refs


def _backlinks(dossier: Dossier) -> dict[EntityKey, list[EntityKey]]:
    backlinks: dict[EntityKey, list[EntityKey]] = defaultdict(list)
    for source, target in _references(dossier):
        if source != target and source not in backlinks[target]:
            backlinks[target].append(source)
    return {key: sorted(value) for key, value in backlinks.items()}
