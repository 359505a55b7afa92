"""Backlinks and indexes: mentions of people, claims by and about people, what rests on each source.

Runs after anchoring; everything here is derived from the model, so render only looks things up.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from dossier.anchor import find_mentions
from dossier.cache import CacheStore, digest, fingerprint, version_key
from dossier.model import Annotation, Article, Dossier, Mention, Person, replaced
from dossier.text import ArticleText

EntityKey = tuple[str, str]  # (kind, id): ("person", "michael-flynn"); kinds: story article person claim source


@dataclass(frozen=True)
class SharedSource:
    """A source that several outlets' articles rest on, directly or through its `via` chain."""

    source_id: str
    article_ids: tuple[str, ...]


@dataclass(frozen=True)
class Index:
    """What render looks up, built once by `link_entities`; its dicts and lists are read only by convention
    (render reads them through recording dicts and lists: render/incremental.py)."""

    mentions: dict[str, list[Mention]]  # person id -> mentions, in reading order
    claims_by: dict[str, list[str]]  # claimant id -> claim ids
    claims_about: dict[str, list[str]]  # person id -> claim ids
    appearances: dict[str, list[Annotation]]  # claim id -> annotations
    attributions: dict[str, list[Annotation]]  # source id -> annotations
    claims_resting_on: dict[str, list[str]]  # source id -> claim ids (evidence)
    articles_by_outlet: dict[str, list[str]]  # outlet id -> article ids
    sources_of: dict[str, list[str]]  # source id -> sources that come via it
    co_mentions: dict[str, list[tuple[str, int]]]  # person -> (other, count)
    corrections: list[Annotation]
    claims_by_outlet: dict[str, list[str]]  # outlet id -> claim ids its articles report
    corrections_by_outlet: dict[str, list[Annotation]]
    shared_sources: dict[str, list[SharedSource]]  # story id -> shared sourcing
    backlinks: dict[EntityKey, list[EntityKey]]  # entity -> entities referring to it


MENTIONS_CACHE = "mentions"
MentionRow = tuple[str, int, int, int, str | None]  # a Mention's fields but its article's id, in their order
# An article's mentions as its story's entry in the build cache keeps them (dossier/story_results.py): its key in
# MENTIONS_CACHE, and the mentions.
KeptMentions = tuple[str, tuple[MentionRow, ...]]


def people_key(dossier: Dossier) -> str:
    """A digest of what finding mentions reads of the people: their ids and names, in order."""
    return fingerprint([(person.id, person.names) for person in dossier.people.values()])


def link_entities(
    dossier: Dossier,
    texts: dict[str, ArticleText],
    store: CacheStore | None = None,
    mention_keys: dict[str, str] | None = None,
    kept: Mapping[str, KeptMentions] | None = None,
) -> tuple[Dossier, Index]:
    """Detect mentions and build every reverse index render needs. Returns a new dossier, whose articles have
    their mentions, and its index.

    With a build cache `store`, an article's mentions are found again only when its text or the people changed;
    `mention_keys`, when given, is filled with each article's key in the cache (its text and the people's names).
    `kept` holds the mentions of articles whose text, anchors and people are those they were found with.
    """
    people = list(dossier.people.values())
    people_digest = people_key(dossier) if store else ""
    articles: dict[str, Article] = {}
    for article_id, article in dossier.articles.items():
        found = kept.get(article_id) if kept else None
        if found is None:
            text = texts[article_id]
            key = digest(version_key(), MENTIONS_CACHE, people_digest, text.text) if store else ""
            mentions = _mentions_in(article, _names_found(text, people, key, store), text)
        else:
            key, rows = found
            mentions = tuple(Mention(p, article_id, start, end, passage, a) for p, start, end, passage, a in rows)
        if mention_keys is not None:
            mention_keys[article_id] = key
        articles[article_id] = replaced(article, mentions=mentions)
    linked = dataclasses.replace(dossier, articles=articles)
    return linked, _index_of(linked)


def mention_rows(article: Article) -> tuple[MentionRow, ...]:
    """The article's mentions as KeptMentions keeps them."""
    return tuple((m.person_id, m.start, m.end, m.passage, m.annotation_id) for m in article.mentions)


def are_mention_rows(rows: Any) -> TypeGuard[tuple[MentionRow, ...]]:
    """Whether a cache entry holds mentions in the shape `mention_rows` gives them; checked column by column, in C
    (a rebuild checks some 100,000 rows at 5,000 articles)."""
    if not (type(rows) is tuple and set(map(type, rows)) <= {tuple} and set(map(len, rows)) <= {5}):
        return False
    kinds: tuple[set[type], ...] = ({str}, {int}, {int}, {int}, {str, type(None)})
    columns = zip(*rows, strict=True)
    return all(set(map(type, column)) <= kind for column, kind in zip(columns, kinds, strict=False))


def _names_found(
    text: ArticleText, people: list[Person], key: str, store: CacheStore | None
) -> list[tuple[str, int, int]]:
    """find_mentions, taken from the build cache (under `key`) when this text and these people were seen before."""
    if store is None:
        return find_mentions(text.text, people)
    names = store.get(MENTIONS_CACHE, key)
    if not isinstance(names, list):
        names = find_mentions(text.text, people)
        store.put(MENTIONS_CACHE, key, names)
    return names


def _mentions_in(article: Article, names: list[tuple[str, int, int]], text: ArticleText) -> tuple[Mention, ...]:
    """The people the article names, and those its annotations say it mentions, in reading order."""
    found = [
        Mention(person_id, article.id, start, end, text.passage_of(start), None) for person_id, start, end in names
    ]
    for annotation in article.annotations:
        if annotation.kind == "mention" and annotation.anchor and annotation.target:
            anchor = annotation.anchor
            found.append(
                Mention(annotation.target, article.id, anchor.start, anchor.end, anchor.passage, annotation.id)
            )
    return tuple(sorted(found, key=lambda m: (m.start, m.end, m.person_id)))


def _index_of(dossier: Dossier) -> Index:
    claims = list(dossier.claims.values())
    annotations = [a for a in dossier.annotations() if a.anchor is not None]
    claimed = [(a.target, a) for a in annotations if a.kind == "claim" and a.target]  # (claim id, annotation)
    corrections = [a for a in annotations if a.kind == "correction"]
    outlet_of = {article_id: article.outlet for article_id, article in dossier.articles.items()}
    return Index(
        mentions=_mentions_by_person(dossier),
        claims_by=_group([(c.claimant, c.id) for c in claims]),
        claims_about=_group([(person_id, c.id) for c in claims for person_id in c.about]),
        appearances=_grouped_all(claimed),
        attributions=_attributions(annotations),
        claims_resting_on=_group([(source_id, c.id) for c in claims for source_id in c.evidence]),
        articles_by_outlet=_group([(a.outlet, a.id) for a in dossier.articles.values()]),
        sources_of=_group([(s.via, s.id) for s in dossier.sources.values() if s.via]),
        co_mentions=_co_mentions(dossier),
        corrections=corrections,
        claims_by_outlet=_group([(outlet_of[a.article_id], claim_id) for claim_id, a in claimed]),
        corrections_by_outlet=_grouped_all([(outlet_of[c.article_id], c) for c in corrections]),
        shared_sources={story_id: _shared_sources(dossier, story_id) for story_id in dossier.stories},
        backlinks=_backlinks(dossier),
    )


def _mentions_by_person(dossier: Dossier) -> dict[str, list[Mention]]:
    """Each person's mentions, story by story in the stories' order of articles."""
    mentions: dict[str, list[Mention]] = defaultdict(list)
    for story in dossier.stories.values():
        for article_id in story.article_ids:
            for mention in dossier.articles[article_id].mentions:
                mentions[mention.person_id].append(mention)
    return dict(mentions)


def _attributions(annotations: list[Annotation]) -> dict[str, list[Annotation]]:
    """Each source's annotations: those that attribute a passage to it, and claims sourced to it."""
    pairs = []
    for annotation in annotations:
        if annotation.kind == "source" and annotation.target:
            pairs.append((annotation.target, annotation))
        pairs += [(source_id, annotation) for source_id in annotation.sources]
    return _grouped_all(pairs)


def _group(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Values by key, in order, each value once."""
    grouped: dict[str, dict[str, None]] = defaultdict(dict)  # a dict's keys: in order, each once, looked up at once
    for key, value in pairs:
        grouped[key][value] = None
    return {key: list(values) for key, values in grouped.items()}


def _grouped_all(pairs: list[tuple[str, Annotation]]) -> dict[str, list[Annotation]]:
    """Annotations by key, in order."""
    grouped: dict[str, list[Annotation]] = defaultdict(list)
    for key, annotation in pairs:
        grouped[key].append(annotation)
    return dict(grouped)


def _co_mentions(dossier: Dossier) -> dict[str, list[tuple[str, int]]]:
    """People named in the same passage, counted once per passage; every person named has an entry (empty when
    named alone)."""
    named: dict[str, None] = {}
    pairs: Counter[tuple[str, str]] = Counter()  # (person, other): counted in C, not person by person
    for article in dossier.articles.values():
        by_passage: dict[int, set[str]] = defaultdict(set)
        for mention in article.mentions:
            by_passage[mention.passage].add(mention.person_id)
        for together in by_passage.values():
            named.update(dict.fromkeys(together))
            if len(together) > 1:
                pairs.update(itertools.permutations(together, 2))
    counts: dict[str, list[tuple[str, int]]] = {person_id: [] for person_id in named}
    for (person_id, other), count in pairs.items():
        counts[person_id].append((other, count))
    for together_with in counts.values():
        together_with.sort(key=lambda item: (-item[1], item[0]))
    return counts


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
        # Each person once, in reading order: an article names each of its people many times.
        refs += [(me, ("person", person_id)) for person_id in dict.fromkeys(m.person_id for m in article.mentions)]
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
    # Each target's sources as the keys of a dict (each once): a person named in 1,000 articles is not looked up
    # in a list of 1,000 for each mention.
    backlinks: dict[EntityKey, dict[EntityKey, None]] = defaultdict(dict)
    for source, target in _references(dossier):
        if source != target:
            backlinks[target][source] = None
    return {key: sorted(value) for key, value in backlinks.items()}
