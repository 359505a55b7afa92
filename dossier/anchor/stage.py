"""The anchoring stage: every annotation of the dossier anchored on its article's text, problems reported."""

from __future__ import annotations

import dataclasses
import hashlib

from markdown_it import MarkdownIt

from dossier.anchor.budget import Budget
from dossier.anchor.locate import locate_quote
from dossier.anchor.messages import report_match
from dossier.diagnostics import Report
from dossier.model import Anchor, Annotation, Article, Dossier
from dossier.text import ArticleText, parse_article_text


def anchor_quotes(dossier: Dossier, md: MarkdownIt, report: Report) -> tuple[Dossier, dict[str, ArticleText]]:
    """Parse each article's text and anchor each annotation on it. Returns a new dossier, whose annotations
    have their anchors (those whose quote was found), and the texts by article id."""
    texts: dict[str, ArticleText] = {}
    articles: dict[str, Article] = {}
    budget = Budget()  # what the whole build may spend on quotes that occur very often and on fuzzy search
    for article_id, article in dossier.articles.items():
        text = texts[article_id] = parse_article_text(md, article.body, article.body_line)
        digest = text_hash(text.text)
        annotations = tuple(_anchored(annotation, text, digest, budget, report) for annotation in article.annotations)
        articles[article_id] = dataclasses.replace(article, annotations=annotations)
    return dataclasses.replace(dossier, articles=articles), texts


def _anchored(annotation: Annotation, text: ArticleText, digest: str, budget: Budget, report: Report) -> Annotation:
    """The annotation with its anchor when its quote was found in `text` (whose text_hash is `digest`)."""
    match = locate_quote(text.text, annotation.selector, budget=budget)
    report_match(annotation, match, text, report)
    if match.status != "found" or match.method is None:
        return annotation
    anchor = Anchor(match.start, match.end, match.method, match.confidence, digest, text.passage_of(match.start))
    return dataclasses.replace(annotation, anchor=anchor)


def text_hash(text: str) -> str:
    """A short stable hash of the text a quote was anchored on: a changed article shows as a changed hash."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
