"""A story's comparison as a synopsis: the pairwise alignments of its articles grouped into rows, one per fact.

A row holds, for each article of the story, the sentences that tell its fact (none where the article does not
report it). Rows are made from the pairwise matches, strongest first: two matched sentences go in one row, and
so, transitively, do the sentences matched with either. A row holds at most one sentence of each article, so a
match that would put a second sentence of an article in a row (it was matched, in some other pair of articles,
to a sentence already matched elsewhere) is set aside: the stronger matches made the row. A sentence no match
joined is a row of its own, together with the unmatched sentences right after it in its paragraph: a passage one
outlet alone reports reads as one.

A row's kind is the most telling thing its matches show, in this order: its figures differ (some match gives
numbers the other side does not: a fact-checker reads these first, and a claim or a quotation the row shares is
still named beside it), its sentences share an annotated claim, a quotation, or only the fact (paraphrase); a
row no match joined is a single outlet's.

Two articles in different languages are not compared (align.py): the synopsis keeps each article's language and
the pairs of articles left uncompared, so that the page can say why their sentences stand alone.

Rows follow the first article's order. A row the first article has no part in comes, in the first article that
has a part in it, right after the row of the sentence before it (or, at that article's start, right before the
row of its first sentence already placed): each outlet's passages stay beside their neighbours.

What differs is marked only where the tellings are close: in a row of several versions, each version's words
that no other version of the row uses (the word diffs of diff.py, taken against every other version) are marked
when that leaves most of every version unmarked. A paraphrase differs nearly everywhere, so marking it would
show nothing: its row is left unmarked, and says that each outlet words it its own way.

Cost: the matches of a story of n articles, m sentences each, are at most m n (n - 1) / 2; grouping sorts them
once and joins in near-constant time each; ordering inserts each row once into a list of the rows placed. The
diffs of a row of k versions are k (k - 1) / 2, of sentences.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from dossier.compare.align import Alignment, Figure, Pair
from dossier.compare.diff import Chunk, Words, diff_texts, text_chunks, words_of
from dossier.compare.segment import Sentence

RowKind = Literal["conflict", "claim", "verbatim", "paraphrase", "single"]
# The most of a version's words that may be marked as its own: more, and the marks would show nothing.
MARKED_SHARE = 0.4

Node = tuple[int, int]  # (the article's position in the story, the sentence's index in the article)


@dataclass(frozen=True)
class Link:
    """A pairwise match between two articles of the story: `articles` are their positions, `pair` the match
    (its `left` sentence is in the first of them)."""

    articles: tuple[int, int]
    pair: Pair

    @property
    def nodes(self) -> tuple[Node, Node]:
        return (self.articles[0], self.pair.left), (self.articles[1], self.pair.right)


@dataclass(frozen=True)
class Row:
    cells: tuple[tuple[int, ...], ...]  # for each article, in the story's order, its sentences' indices in this row
    links: tuple[Link, ...]  # the matches inside the row, strongest first
    kind: RowKind  # conflict: linked sentences give different figures; else claim, verbatim, paraphrase, single
    claims: tuple[str, ...]  # the annotated claims the linked sentences share
    quote: str | None  # the longest quotation linked sentences share word for word, if any
    figures: tuple[tuple[Figure, ...], ...] = ()  # for each article, the figures of its version another contradicts

    @property
    def articles(self) -> tuple[int, ...]:
        """The positions of the articles that report it."""
        return tuple(position for position, cell in enumerate(self.cells) if cell)


@dataclass(frozen=True)
class Synopsis:
    article_ids: tuple[str, ...]
    sentences: tuple[Sequence[Sentence], ...]  # each article's, as every comparison splits it
    rows: tuple[Row, ...]
    set_aside: tuple[Link, ...]  # matches that would have put two sentences of one article in a row
    languages: tuple[str | None, ...] = ()  # each article's language ("en"), None where it could not be told
    not_compared: tuple[tuple[int, int], ...] = ()  # the pairs of articles (positions) in different languages
    by_words: tuple[bool, ...] = ()  # each article's: compared by its words only (the model does not read it)


def synopsis_of(article_ids: Sequence[str], alignments: Mapping[tuple[str, str], Alignment]) -> Synopsis:
    """The synopsis of a story of two or more articles, from the alignment of each pair (keyed in story order)."""
    sentences: list[Sequence[Sentence] | None] = [None] * len(article_ids)
    languages: list[str | None] = [None] * len(article_ids)
    by_words = [False] * len(article_ids)
    links, not_compared = [], []
    for (left, right), (left_id, right_id) in zip(
        itertools.combinations(range(len(article_ids)), 2), itertools.combinations(article_ids, 2), strict=True
    ):
        alignment = alignments[(left_id, right_id)]
        sentences[left], sentences[right] = alignment.left, alignment.right
        languages[left] = languages[left] or alignment.left_language
        languages[right] = languages[right] or alignment.right_language
        by_words[left] = by_words[left] or alignment.left_by_words
        by_words[right] = by_words[right] or alignment.right_by_words
        links += [Link((left, right), pair) for pair in alignment.pairs]
        if alignment.not_compared is not None:
            not_compared.append((left, right))
    if any(found is None for found in sentences):
        raise ValueError("a synopsis needs two articles or more")
    told = tuple(found or () for found in sentences)
    groups, set_aside = _group(links)
    rows = _ordered(_with_passages(groups, told), told)
    return Synopsis(
        tuple(article_ids),
        told,
        tuple(_row(group, told) for group in rows),
        tuple(set_aside),
        tuple(languages),
        tuple(not_compared),
        tuple(by_words),
    )


@dataclass(eq=False)  # groups are told apart by identity
class _Group:
    nodes: list[Node]
    links: list[Link]

    @property
    def articles(self) -> set[int]:
        return {article for article, _ in self.nodes}


def _strongest_first(link: Link) -> tuple[float, tuple[int, int], int, int]:
    return -link.pair.score, link.articles, link.pair.left, link.pair.right


def _group(links: list[Link]) -> tuple[list[_Group], list[Link]]:
    """Matched sentences joined into groups, strongest match first; a match that would put two sentences of one
    article in a group is set aside."""
    group_of: dict[Node, _Group] = {}
    set_aside = []
    for link in sorted(links, key=_strongest_first):
        first, second = (group_of.get(node) for node in link.nodes)
        if first is not None and first is second:
            first.links.append(link)  # in one row already, through other matches
            continue
        joined = [group for group in (first, second) if group is not None]
        alone = [node for node in link.nodes if node not in group_of]
        articles = [article for group in joined for article in group.articles] + [article for article, _ in alone]
        if len(articles) != len(set(articles)):
            set_aside.append(link)
            continue
        nodes = [node for group in joined for node in group.nodes] + alone
        merged = _Group(
            nodes, sorted([link, *(found for group in joined for found in group.links)], key=_strongest_first)
        )
        for node in nodes:
            group_of[node] = merged
    return list(dict.fromkeys(group_of.values())), set_aside


def _with_passages(groups: list[_Group], sentences: tuple[Sequence[Sentence], ...]) -> dict[Node, _Group]:
    """Each sentence's group: the matched ones', and for the others a group of the unmatched sentences that follow
    each other in one paragraph."""
    group_of = {node: group for group in groups for node in group.nodes}
    for article, told in enumerate(sentences):
        run: _Group | None = None  # the unmatched sentences just before, in this paragraph
        paragraph = -1
        for sentence in told:
            node = (article, sentence.index)
            if node in group_of:
                run = None
                continue
            if run is not None and sentence.paragraph == paragraph:
                run.nodes.append(node)
            else:
                run, paragraph = _Group([node], []), sentence.paragraph
            group_of[node] = run
    return group_of


def _ordered(group_of: dict[Node, _Group], sentences: tuple[Sequence[Sentence], ...]) -> list[_Group]:
    """The groups in the first article's order, each other one placed beside its neighbours in its own article."""
    order: list[_Group] = []
    placed: set[_Group] = set()
    for article, told in enumerate(sentences):
        previous: _Group | None = None  # the group of the sentence before, once one already placed is met
        leading: list[_Group] = []  # new groups before the article's first group already placed
        for sentence in told:
            group = group_of[(article, sentence.index)]
            if group is previous or group in leading:
                continue  # the next sentence of a passage
            is_new = group not in placed
            if is_new and previous is None:
                leading.append(group)
            else:
                if previous is None:  # the first one already placed: the new ones before it go before it
                    at = _position(order, group)
                    order[at:at] = leading
                    leading = []
                elif is_new:
                    order.insert(_position(order, previous) + 1, group)
                previous = group
            placed.add(group)
        order += leading
    return order


def _position(order: list[_Group], group: _Group) -> int:
    return next(at for at, found in enumerate(order) if found is group)


def _row(group: _Group, sentences: tuple[Sequence[Sentence], ...]) -> Row:
    cells: list[list[int]] = [[] for _ in sentences]
    for article, index in group.nodes:
        cells[article].append(index)
    claims = sorted({claim for link in group.links for claim in link.pair.shared_claims})
    quotes = [link.pair.shared_quote for link in group.links if link.pair.shared_quote]
    figures = _differing_figures(group.links, len(sentences))
    return Row(
        cells=tuple(tuple(sorted(cell)) for cell in cells),
        links=tuple(group.links),
        kind=_row_kind(any(figures), bool(claims), bool(quotes), bool(group.links)),
        claims=tuple(claims),
        quote=max(quotes, key=lambda quote: (len(quote), quote), default=None),
        figures=figures,
    )


def _row_kind(figures_differ: bool, shares_claims: bool, shares_a_quote: bool, is_matched: bool) -> RowKind:
    """The most telling thing the row shows (the module's docstring gives the order and why)."""
    if figures_differ:
        return "conflict"
    if shares_claims:
        return "claim"
    if shares_a_quote:
        return "verbatim"
    return "paraphrase" if is_matched else "single"


def _differing_figures(links: Sequence[Link], articles: int) -> tuple[tuple[Figure, ...], ...]:
    """For each article, the figures of its sentence that some other article's sentence in the row contradicts,
    in the text's order, each once (a figure two others contradict is one figure)."""
    found: list[dict[int, Figure]] = [{} for _ in range(articles)]
    for link in links:
        conflict = link.pair.conflict
        if conflict is None:
            continue
        for article, figures in zip(link.articles, (conflict.left, conflict.right), strict=True):
            found[article].update((figure.start, figure) for figure in figures)
    return tuple(tuple(figures[start] for start in sorted(figures)) for figures in found)


def row_differences(synopsis: Synopsis, row: Row) -> tuple[tuple[Chunk, ...], ...] | None:
    """Each version of a row of matched sentences (in its articles' order) as chunks, the words that none of
    the others uses marked; None when that would mark more than MARKED_SHARE of a version, or the row has one."""
    if not row.links:
        return None
    texts = [synopsis.sentences[article][row.cells[article][0]].text for article in row.articles]
    words = [words_of(text) for text in texts]  # each text split once, however many it is diffed with
    own: list[list[tuple[int, int]] | None] = [None] * len(texts)
    for first, second in itertools.combinations(range(len(texts)), 2):
        chunks = diff_texts(words[first], words[second])
        for position, side in ((first, chunks[0]), (second, chunks[1])):
            changed = _changed_spans(side)
            found = own[position]
            own[position] = changed if found is None else _intersection(found, changed)
    marked = [spans or [] for spans in own]
    if any(_marked_share(found, spans) > MARKED_SHARE for found, spans in zip(words, marked, strict=True)):
        return None
    return tuple(text_chunks(text, spans) for text, spans in zip(texts, marked, strict=True))


def _changed_spans(chunks: tuple[Chunk, ...]) -> list[tuple[int, int]]:
    spans, position = [], 0
    for chunk in chunks:
        if chunk.changed:
            spans.append((position, position + len(chunk.text)))
        position += len(chunk.text)
    return spans


def _intersection(first: list[tuple[int, int]], second: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Where two sorted lists of disjoint spans overlap."""
    found, i, j = [], 0, 0
    while i < len(first) and j < len(second):
        start, end = max(first[i][0], second[j][0]), min(first[i][1], second[j][1])
        if start < end:
            found.append((start, end))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return found


def _marked_share(words: Words, spans: list[tuple[int, int]]) -> float:
    """The share of the words inside the spans (which begin and end at words: see diff.py's chunks)."""
    if not words.spans:
        return 0.0
    marked, at = 0, 0
    for start, end in words.spans:
        while at < len(spans) and spans[at][1] < end:
            at += 1
        if at < len(spans) and spans[at][0] <= start:
            marked += 1
    return marked / len(words.spans)
