"""Backlinks and indexes: mentions of people, claims by and about people, what rests on each source.

Runs after anchoring; everything here is derived from the model, so render only looks things up.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from dossier.anchor import find_mentions
from dossier.model import Annotation, Dossier, Mention
from dossier.text import ArticleText


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


def _detect_mentions(dossier: Dossier, texts: dict[str, ArticleText]) -> None:
    people = list(dossier.people.values())
    for article in dossier.articles.values():
        text = texts[article.id]
        found = [
            Mention(person_id, article.id, start, end, text.passage_of(start), None)
            for person_id, start, end in find_mentions(text.text, people)
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


def link_entities(dossier: Dossier, texts: dict[str, ArticleText]) -> Index:
    """Detect mentions (stored on each article) and build every reverse index render needs."""
    _detect_mentions(dossier, texts)
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
    return index
