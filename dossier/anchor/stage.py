"""The anchoring stage: every annotation of the dossier anchored on its article's text, problems reported."""

from __future__ import annotations

import hashlib

from markdown_it import MarkdownIt

from dossier.anchor.locate import locate_quote
from dossier.anchor.messages import report_match
from dossier.diagnostics import Report
from dossier.model import Anchor, Dossier
from dossier.text import ArticleText, parse_article_text


def anchor_quotes(dossier: Dossier, md: MarkdownIt, report: Report) -> dict[str, ArticleText]:
    """Parse each article's text and anchor each annotation on it; returns the texts by article id."""
    texts: dict[str, ArticleText] = {}
    for article in dossier.articles.values():
        text = parse_article_text(md, article.body, article.body_line)
        texts[article.id] = text
        digest = text_hash(text.text)
        for annotation in article.annotations:
            match = locate_quote(text.text, annotation.selector)
            report_match(annotation, match, text, report)
            if match.status == "found" and match.method is not None:
                annotation.anchor = Anchor(
                    match.start,
                    match.end,
                    match.method,
                    match.confidence,
                    digest,
                    text.passage_of(match.start),
                )
    return texts


def text_hash(text: str) -> str:
    """A short stable hash of the text a quote was anchored on: a changed article shows as a changed hash."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
