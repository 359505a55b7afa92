"""The story's comparison page: its synopsis (compare/synopsis.py) as a reader sees it.

A column per article, a row per fact. Each version of a fact links to its passage in the article, and says whom
it credits; a row names the annotated claims its versions carry, with their verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass

from dossier import urls
from dossier.compare.diff import Chunk
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


@dataclass(frozen=True)
class Version:
    """One article's telling of a row's fact."""

    column: Column
    chunks: tuple[Chunk, ...]  # its text; the changed chunks are what it alone words, when the row is marked
    path: str  # its passage in the article's page
    credits: tuple[str, ...]  # the sources it names for it (source and person ids), in order


@dataclass(frozen=True)
class RowView:
    number: int
    kind: RowKind
    cells: tuple[Version | None, ...]  # one per column; None where the article does not report it
    claims: tuple[Claim, ...]  # the annotated claims its versions carry (shared ones first)
    quote: str | None  # a quotation its versions share word for word
    is_marked: bool  # the versions are close, and what each alone words is marked

    @property
    def versions(self) -> list[Version]:
        return [cell for cell in self.cells if cell]

    @property
    def credits_differ(self) -> bool:
        """Whether the versions credit different sources (one crediting none counts as different)."""
        versions = self.versions
        return len(versions) > 1 and any(v.credits for v in versions) and len({v.credits for v in versions}) > 1


@dataclass(frozen=True)
class SynopsisView:
    story: Story
    columns: tuple[Column, ...]
    rows: tuple[RowView, ...]

    @property
    def shared_rows(self) -> int:
        return sum(1 for row in self.rows if len(row.versions) > 1)


def synopsis_view(synopsis: Synopsis, story: Story, dossier: Dossier, texts: dict[str, ArticleText]) -> SynopsisView:
    articles = [dossier.articles[article_id] for article_id in synopsis.article_ids]
    columns = tuple(
        Column(f"o{slot}", article, dossier.sources.get(article.outlet))
        for slot, article in enumerate(articles, start=1)
    )
    rows = tuple(
        _row_view(number, row, synopsis, columns, dossier, texts) for number, row in enumerate(synopsis.rows, start=1)
    )
    return SynopsisView(story, columns, rows)


def _row_view(
    number: int,
    row: Row,
    synopsis: Synopsis,
    columns: tuple[Column, ...],
    dossier: Dossier,
    texts: dict[str, ArticleText],
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
        cells.append(Version(column, chunks, path, _credits(annotations)))
    claims = tuple(dossier.claims[claim_id] for claim_id in claim_ids if claim_id in dossier.claims)
    is_marked = any(chunk.changed for cell in cells if cell for chunk in cell.chunks)
    return RowView(number, row.kind, tuple(cells), claims, row.quote, is_marked)


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
