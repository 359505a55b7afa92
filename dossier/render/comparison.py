"""The story's comparison page: its synopsis (compare/synopsis.py) as a reader sees it.

A column per article, a row per fact. Each version of a fact links to its passage in the article, and says whom
it credits; a row names the annotated claims its versions carry, with their verdicts, and the figures its versions
give differently (each marked where it stands). Above the rows the page says when articles in different
languages were not compared, and when nothing matched at all: never a page where nothing lines up unexplained.
"""

from __future__ import annotations

import collections
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from dossier import urls
from dossier.compare.align import Figure
from dossier.compare.diff import Chunk
from dossier.compare.language import base_language, is_script, same_language
from dossier.compare.synopsis import Row, RowKind, Synopsis, row_differences
from dossier.model import Annotation, Article, Claim, Dossier, Source, Story
from dossier.text import ArticleText


@dataclass(frozen=True)
class Column:
    slot: str  # "o1", "o2", ...: the class of its cells, and the id of its checkbox is "show-" + slot
    article: Article
    outlet: Source | None

    @property
    def name(self) -> str:
        return self.outlet.name if self.outlet else self.article.outlet


# How a piece of a version is marked: "own", words no other version of the row uses; "differs", a figure another
# version gives differently.
Mark = Literal["own", "differs"] | None
WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Piece:
    text: str
    mark: Mark


@dataclass(frozen=True)
class Version:
    """One article's telling of a row's fact."""

    column: Column
    pieces: tuple[Piece, ...]  # its text, what it alone words and the figures others give differently marked
    path: str  # its passage in the article's page
    credits: tuple[str, ...]  # the sources it names for it (source and person ids), in order
    differing: tuple[str, ...] = ()  # the figures it gives that another version gives differently, as written


@dataclass(frozen=True)
class RowView:
    number: int
    kind: RowKind
    cells: tuple[Version | None, ...]  # one per column; None where the article does not report it
    claims: tuple[Claim, ...]  # the annotated claims its versions carry (shared ones first)
    quote: str | None  # a quotation its versions share word for word
    is_marked: bool  # the versions are close, and what each alone words is marked
    is_word_for_word: bool = False  # two versions or more, all in the same words (case and punctuation aside)
    is_uncompared: bool = False  # one article's passage, and that article was compared with no other (languages)

    @property
    def versions(self) -> list[Version]:
        return [cell for cell in self.cells if cell]

    @property
    def differing(self) -> list[tuple[list[Column], tuple[str, ...]]]:
        """Which outlets give which of the figures that differ: the outlets that give the same ones together, in the
        columns' order."""
        outlets: dict[tuple[str, ...], list[Column]] = {}
        for version in self.versions:
            if version.differing:
                outlets.setdefault(version.differing, []).append(version.column)
        return [(columns, figures) for figures, columns in outlets.items()]

    @property
    def credits_differ(self) -> bool:
        """Whether the versions credit different sources (one crediting none counts as different)."""
        versions = self.versions
        return len(versions) > 1 and any(v.credits for v in versions) and len({v.credits for v in versions}) > 1


@dataclass(frozen=True)
class LanguageGap:
    """Articles not compared with the others because they are in another language (compare/language.py)."""

    apart: tuple[tuple[Column, str], ...]  # each article in another language than most, with that language's tag
    language: str  # the language most of the story's articles are in (a tag: the page names it in its language)
    others: tuple[Column, ...]  # the articles in it


@dataclass(frozen=True)
class SynopsisView:
    story: Story
    columns: tuple[Column, ...]
    rows: tuple[RowView, ...]
    language_gap: LanguageGap | None = None  # when some articles were not compared for their language
    by_words: tuple[Column, ...] = ()  # the articles compared by their words only: the model does not read them

    @property
    def shared_rows(self) -> int:
        return sum(1 for row in self.rows if len(row.versions) > 1)

    @property
    def nothing_matched(self) -> bool:
        """No passage of one article was matched with another's, though some articles were compared."""
        return self.shared_rows == 0 and any(not row.is_uncompared for row in self.rows)


def synopsis_view(synopsis: Synopsis, story: Story, dossier: Dossier, texts: dict[str, ArticleText]) -> SynopsisView:
    articles = [dossier.articles[article_id] for article_id in synopsis.article_ids]
    columns = tuple(
        Column(f"o{slot}", article, dossier.sources.get(article.outlet))
        for slot, article in enumerate(articles, start=1)
    )
    uncompared = _uncompared_articles(synopsis)
    rows = tuple(
        _row_view(number, row, synopsis, columns, dossier, texts, uncompared)
        for number, row in enumerate(synopsis.rows, start=1)
    )
    gap = _language_gap(synopsis, columns, base_language(dossier.config.language))
    by_words = tuple(column for column, is_by_words in zip(columns, synopsis.by_words, strict=True) if is_by_words)
    return SynopsisView(story, columns, rows, gap, by_words)


def _uncompared_articles(synopsis: Synopsis) -> set[int]:
    """The articles (positions) compared with no other: each pair they are in was left out for its languages."""
    pairs = len(synopsis.article_ids) - 1
    left_out = collections.Counter(article for pair in synopsis.not_compared for article in pair)
    return {article for article, count in left_out.items() if count == pairs}


def _language_gap(synopsis: Synopsis, columns: tuple[Column, ...], site_language: str) -> LanguageGap | None:
    """Which articles stand apart for their language, and the language most of the others are in (on a tie the
    site's, then the first article's)."""
    if not synopsis.not_compared:
        return None
    known = [language for language in synopsis.languages if language]
    # The main language is a language, never a script read from a text ("Latn" would take in English and Spanish
    # alike): the articles' languages, and the site's where a script read from a text may be in it. A script
    # counts with each language written in it.
    candidates = [language for language in known if not is_script(language)]
    if any(same_language(site_language, language) for language in known):
        candidates.append(site_language)
    candidates = list(dict.fromkeys(candidates)) or known
    counts = {language: sum(same_language(language, other) for other in known) for language in candidates}
    main = max(
        counts,
        key=lambda language: (counts[language], language == site_language, -candidates.index(language)),
    )
    apart = tuple(
        (column, language)
        for column, language in zip(columns, synopsis.languages, strict=True)
        if language and not same_language(language, main)
    )
    others = tuple(
        column
        for column, language in zip(columns, synopsis.languages, strict=True)
        if language and same_language(language, main)
    )
    return LanguageGap(apart, main, others)


def _row_view(
    number: int,
    row: Row,
    synopsis: Synopsis,
    columns: tuple[Column, ...],
    dossier: Dossier,
    texts: dict[str, ArticleText],
    uncompared: set[int],
) -> RowView:
    differences = iter(row_differences(synopsis, row) or ())
    cells: list[Version | None] = []
    claim_ids = list(row.claims)
    for position, column in enumerate(columns):
        indices = row.cells[position]
        if not indices:
            cells.append(None)
            continue
        told = synopsis.sentences[position]
        start, end = told[indices[0]].start, told[indices[-1]].end
        text = texts[column.article.id]
        annotations = _overlapping(column.article, start, end)
        claim_ids += [a.target for a in annotations if a.kind == "claim" and a.target and a.target not in claim_ids]
        path = f"{urls.path_for(column.article)}#{urls.passage_fragment(text.passage_of(start))}"
        chunks = next(differences, None) or (Chunk(text.text[start:end], False),)
        figures = row.figures[position] if row.figures else ()
        pieces = _pieces(chunks, [(figure.start - start, figure.end - start) for figure in figures])
        cells.append(Version(column, pieces, path, _credits(annotations), _figure_texts(figures)))
    claims = tuple(dossier.claims[claim_id] for claim_id in claim_ids if claim_id in dossier.claims)
    is_marked = any(piece.mark == "own" for cell in cells if cell for piece in cell.pieces)
    is_uncompared = not row.links and set(row.articles) <= uncompared
    return RowView(
        number, row.kind, tuple(cells), claims, row.quote, is_marked, _is_word_for_word(cells), is_uncompared
    )


def _is_word_for_word(cells: list[Version | None]) -> bool:
    told = [cell for cell in cells if cell]
    if len(told) < 2:
        return False
    wordings = {tuple(WORDS.findall("".join(piece.text for piece in cell.pieces).lower())) for cell in told}
    return len(wordings) == 1


def _pieces(chunks: tuple[Chunk, ...], figures: list[tuple[int, int]]) -> tuple[Piece, ...]:
    """The version's chunks as pieces, each differing figure (spans into the version's text) marked over any other
    mark: that a figure differs says more than that its words are the outlet's own."""
    pieces: list[Piece] = []
    at = 0
    for chunk in chunks:
        chunk_end = at + len(chunk.text)
        mark: Mark = "own" if chunk.changed else None
        cut = at
        for start, end in figures:
            start, end = max(start, at), min(end, chunk_end)
            if start >= end:
                continue
            pieces += [
                Piece(chunk.text[cut - at : start - at], mark),
                Piece(chunk.text[start - at : end - at], "differs"),
            ]
            cut = end
        pieces.append(Piece(chunk.text[cut - at :], mark))
        at = chunk_end
    return _joined(piece for piece in pieces if piece.text)


def _joined(pieces: Iterable[Piece]) -> tuple[Piece, ...]:
    """Neighbouring pieces of one mark as one (a figure the word diff cut in two is one mark)."""
    joined: list[Piece] = []
    for piece in pieces:
        if joined and joined[-1].mark == piece.mark:
            joined[-1] = Piece(joined[-1].text + piece.text, piece.mark)
        else:
            joined.append(piece)
    return tuple(joined)


def _figure_texts(figures: tuple[Figure, ...]) -> tuple[str, ...]:
    """The figures as written, each once."""
    return tuple(dict.fromkeys(figure.text for figure in figures))


def _overlapping(article: Article, start: int, end: int) -> list[Annotation]:
    """The article's anchored annotations that overlap [start, end), in the text's order."""
    found = [a for a in article.annotations if a.anchor and a.anchor.start < end and a.anchor.end > start]
    return sorted(found, key=lambda a: (a.anchor.start, a.anchor.end, a.id))  # type: ignore[union-attr]


def _credits(annotations: list[Annotation]) -> tuple[str, ...]:
    """Whom a version credits: its annotated sources, and the sourcing its claims are given."""
    named: list[str] = []
    for annotation in annotations:
        found = [annotation.target] if annotation.kind == "source" and annotation.target else []
        for source_id in (*found, *(annotation.sources if annotation.kind == "claim" else ())):
            if source_id not in named:
                named.append(source_id)
    return tuple(named)
