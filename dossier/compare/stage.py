"""The comparison stage: every pair of articles of every story, aligned sentence by sentence."""

from __future__ import annotations

import itertools

from dossier.compare.align import Alignment, compare_sides
from dossier.compare.features import Side
from dossier.model import Article, Dossier
from dossier.text import ArticleText

PairKey = tuple[str, str]  # (left article id, right article id), in the story's order


def side_of(article: Article, text: ArticleText, dossier: Dossier) -> Side:
    """The article as the comparison sees it: its text, the people it may name, its annotated claims and sources."""
    spans: dict[str, list[tuple[int, int, str]]] = {"claim": [], "source": []}
    for annotation in article.annotations:
        if annotation.anchor and annotation.target and annotation.kind in spans:
            spans[annotation.kind].append((annotation.anchor.start, annotation.anchor.end, annotation.target))
    return Side(
        article_id=article.id,
        text=text.text,
        people={person.id: person.names for person in dossier.people.values()},
        claims=tuple(spans["claim"]),
        sources=tuple(spans["source"]),
    )


def compare_stories(dossier: Dossier, texts: dict[str, ArticleText]) -> dict[PairKey, Alignment]:
    """Alignments for each pair of articles within each story (n articles: n (n - 1) / 2 pairs)."""
    sides = {article.id: side_of(article, texts[article.id], dossier) for article in dossier.articles.values()}
    alignments: dict[PairKey, Alignment] = {}
    for story in dossier.stories.values():
        for left, right in itertools.combinations(story.article_ids, 2):
            alignments[(left, right)] = compare_sides(sides[left], sides[right], dossier.config.compare)
    return alignments
