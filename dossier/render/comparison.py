"""The side-by-side comparison page's view of an Alignment: columns of sentences, numbered pairs, uniques."""

from __future__ import annotations

from dataclasses import dataclass

from dossier.compare.align import Alignment, Attribution, Pair
from dossier.compare.diff import Chunk
from dossier.compare.segment import Sentence
from dossier.model import Article

PAIR_COLOURS = 8  # the theme has this many pair colours; the number is always shown too


@dataclass(frozen=True)
class SentenceView:
    sentence: Sentence
    element_id: str  # "l3": side and 1-based sentence number
    pair_number: int | None
    counterpart_id: str | None
    kind: str | None  # verbatim, claim, paraphrase; None when unique to its side

    @property
    def colour(self) -> int:
        return (self.pair_number - 1) % PAIR_COLOURS if self.pair_number else 0


@dataclass(frozen=True)
class ColumnView:
    article: Article
    side: str  # "l" or "r"
    paragraphs: list[list[SentenceView]]


@dataclass(frozen=True)
class PairView:
    number: int
    pair: Pair
    left: SentenceView
    right: SentenceView
    left_diff: tuple[Chunk, ...]
    right_diff: tuple[Chunk, ...]
    attribution: Attribution

    @property
    def colour(self) -> int:
        return self.left.colour


@dataclass(frozen=True)
class ComparisonView:
    left: ColumnView
    right: ColumnView
    pairs: list[PairView]
    unique_left: list[SentenceView]
    unique_right: list[SentenceView]
    counts: dict[str, int]  # pairs of each kind


def _sentence_views(
    sentences: tuple[Sentence, ...], side: str, other: str, partner: dict[int, tuple[int, int, str]]
) -> list[SentenceView]:
    views = []
    for sentence in sentences:
        matched = partner.get(sentence.index)
        views.append(
            SentenceView(
                sentence,
                f"{side}{sentence.index + 1}",
                matched[0] if matched else None,
                f"{other}{matched[1] + 1}" if matched else None,
                matched[2] if matched else None,
            )
        )
    return views


def _paragraphs(views: list[SentenceView]) -> list[list[SentenceView]]:
    paragraphs: dict[int, list[SentenceView]] = {}
    for view in views:
        paragraphs.setdefault(view.sentence.paragraph, []).append(view)
    return [paragraphs[key] for key in sorted(paragraphs)]


def comparison_view(alignment: Alignment, left: Article, right: Article) -> ComparisonView:
    """Number the pairs in the left article's order and lay both articles out whole, each in its own order."""
    left_partner: dict[int, tuple[int, int, str]] = {}
    right_partner: dict[int, tuple[int, int, str]] = {}
    for number, pair in enumerate(alignment.pairs, start=1):
        left_partner[pair.left] = (number, pair.right, pair.kind)
        right_partner[pair.right] = (number, pair.left, pair.kind)
    left_views = _sentence_views(alignment.left, "l", "r", left_partner)
    right_views = _sentence_views(alignment.right, "r", "l", right_partner)
    pairs = [
        PairView(number, pair, left_views[pair.left], right_views[pair.right], pair.left_diff, pair.right_diff,
                 pair.attribution)
        for number, pair in enumerate(alignment.pairs, start=1)
    ]  # fmt: skip
    counts: dict[str, int] = {}
    for pair in alignment.pairs:
        counts[pair.kind] = counts.get(pair.kind, 0) + 1
    return ComparisonView(
        ColumnView(left, "l", _paragraphs(left_views)),
        ColumnView(right, "r", _paragraphs(right_views)),
        pairs,
        [left_views[i] for i in alignment.unique_left],
        [right_views[i] for i in alignment.unique_right],
        counts,
    )
