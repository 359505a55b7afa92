"""The passages closest to a quote that is not in the text as written, as Hypothesis re-anchors edited pages.

Runs on the normalised view of the text: offsets here are the view's. A long text is searched only around
the quote's rarest words, so the cost stays bounded however long the article is.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from dossier.anchor.context import Context, squeezed_after, squeezed_before
from dossier.normal_form import is_word_char

# Shorter quotes never match fuzzily: a handful of characters is close to too many passages.
FUZZY_MIN_CHARS = 12
FUZZY_MIN_WORDS = 3
FUZZY_MIN_CHARS_UNSPACED = 36  # scripts written without spaces (Chinese, Japanese, Thai) have long "words"
RUNNER_UP_MARGIN = 0.1  # a passage this close to the best one is reported as a competitor
MAX_RUNNERS_UP = 3
CONTEXT_WEIGHT = 0.1  # share of a fuzzy score that comes from the prefix and suffix

# Fuzzy search cost is about (characters searched) x (quote length); past this, search around rare words only.
_FULL_SCAN_BUDGET = 1_000_000_000
_SEARCH_BUDGET = 3 * _FULL_SCAN_BUDGET
_MAX_ALIGNMENTS = 16
_ANCHOR_WORDS = 4  # the rarest words of the quote that place candidate regions
_ANCHOR_WORDS_COUNTED = 12
_ANCHOR_WORD_MAX_LEN = 12  # long runs (unspaced scripts) are cut into pieces, so a typo spoils only one
_MAX_POSITIONS_PER_WORD = 5_000
_MAX_REGIONS = 8
_MAX_SNAP_SLACK = 24


@dataclass(frozen=True)
class Passage:
    start: int  # offsets in the normalised text
    end: int
    score: float  # 0..1


def is_too_short_for_fuzzy(quote: str) -> bool:
    if len(quote) < FUZZY_MIN_CHARS:
        return True
    return len(quote.split()) < FUZZY_MIN_WORDS and len(quote) < FUZZY_MIN_CHARS_UNSPACED


def closest_passages(text: str, quote: str, context: Context) -> list[Passage]:
    """The best passage and its runners-up: search each region, then what is left of it either side of its
    best passage, so a second near-copy of the quote shows up as a competitor."""
    pending = deque(_search_regions(text, quote))
    passages: list[Passage] = []
    budget = _SEARCH_BUDGET
    least_remainder = max(1, len(quote) // 2)
    for _ in range(_MAX_ALIGNMENTS):
        if not pending or budget <= 0:
            break
        low, high = pending.popleft()
        budget -= (high - low) * len(quote)
        passage = _best_passage_in(text, quote, low, high, context)
        if passage is None:
            continue
        passages.append(passage)
        remainders = ((low, passage.start), (passage.end, high))
        pending.extend(region for region in remainders if region[1] - region[0] >= least_remainder)
    return _best_and_runners_up(passages)


def _search_regions(text: str, quote: str) -> list[tuple[int, int]]:
    if not text:
        return []
    if len(text) * len(quote) <= _FULL_SCAN_BUDGET:
        return [(0, len(text))]
    return _regions_around_rare_words(text, quote)


def _best_passage_in(text: str, quote: str, low: int, high: int, context: Context) -> Passage | None:
    alignment = fuzz.partial_ratio_alignment(quote, text[low:high])
    if alignment is None:
        return None
    aligned = (low + alignment.dest_start, low + alignment.dest_end)
    start, end = _snap_to_words(text, quote, aligned, (low, high))
    if not text[start:end].strip():
        return None
    score = fuzz.ratio(quote, text[start:end]) / 100
    if context.is_given:
        score = (1 - CONTEXT_WEIGHT) * score + CONTEXT_WEIGHT * _context_similarity(text, start, end, context)
    return Passage(start, end, score)


def _snap_to_words(text: str, quote: str, aligned: tuple[int, int], region: tuple[int, int]) -> tuple[int, int]:
    """Of the word boundaries near the aligned span, the pair whose passage is closest to the quote.

    The alignment is exactly as long as the quote; the passage may be a little longer or shorter, and should
    neither cut a word nor begin or end with a space.
    """
    (start, end), (low, high) = aligned, region
    slack = min(_MAX_SNAP_SLACK, max(3, len(quote) // 8))
    starts = [i for i in range(max(low, start - slack), min(high, start + slack + 1)) if _starts_word(text, i)]
    ends = [j for j in range(max(low + 1, end - slack), min(high, end + slack) + 1) if _ends_word(text, j)]
    pairs = [(s, e) for s in starts for e in ends if s < e]
    if not pairs:
        return start, end

    def closeness(pair: tuple[int, int]) -> tuple[float, int, int]:
        s, e = pair
        return fuzz.ratio(quote, text[s:e]), -abs(s - start) - abs(e - end), -s

    return max(pairs, key=closeness)


def _starts_word(text: str, i: int) -> bool:
    return text[i] != " " and (i == 0 or not _inside_word(text, i))


def _ends_word(text: str, j: int) -> bool:
    return text[j - 1] != " " and (j == len(text) or not _inside_word(text, j))


def _inside_word(text: str, i: int) -> bool:
    """Whether a cut before text[i] would split a word."""
    return is_word_char(text[i - 1]) and is_word_char(text[i])


def _context_similarity(text: str, start: int, end: int, context: Context) -> float:
    similarities = []
    if context.prefix:
        before = squeezed_before(text, start, len(context.prefix))[-len(context.prefix) :]
        similarities.append(fuzz.ratio(context.prefix, before) / 100)
    if context.suffix:
        after = squeezed_after(text, end, len(context.suffix))[: len(context.suffix)]
        similarities.append(fuzz.ratio(context.suffix, after) / 100)
    return sum(similarities) / len(similarities)


def _best_and_runners_up(passages: list[Passage]) -> list[Passage]:
    ranked = sorted(passages, key=lambda p: (-p.score, p.start))
    chosen: list[Passage] = []
    for passage in ranked:
        if chosen and passage.score < chosen[0].score - RUNNER_UP_MARGIN:
            break
        if not any(passage.start < other.end and other.start < passage.end for other in chosen):
            chosen.append(passage)
    return chosen[: 1 + MAX_RUNNERS_UP]


# --- where to search a long text: around the quote's rarest words -----------------------------------------


@dataclass
class _Cluster:
    """Expected quote starts that lie close together, and which of the quote's words put them there."""

    first: int
    last: int
    words: set[str] = field(default_factory=set)


def _regions_around_rare_words(text: str, quote: str) -> list[tuple[int, int]]:
    """Regions where several of the quote's rarest words sit where the quote would put them.

    A typo spoils one word, not all, so a passage with a typo still gets votes from the others.
    """
    expected_starts = sorted(
        (position - offset, word)
        for offset, word in _rarest_words(text, quote)
        for position in _positions(text, word, _MAX_POSITIONS_PER_WORD)
    )
    clusters: list[_Cluster] = []
    for start, word in expected_starts:
        if not clusters or start - clusters[-1].first > len(quote) // 4 + 8:
            clusters.append(_Cluster(start, start))
        clusters[-1].last = start
        clusters[-1].words.add(word)
    strongest = sorted(clusters, key=lambda c: (-len(c.words), c.first))[:_MAX_REGIONS]
    slack = len(quote) // 4 + 16
    regions = [(max(0, c.first - slack), min(len(text), c.last + len(quote) + slack)) for c in strongest]
    return _merge_regions(regions)


def _rarest_words(text: str, quote: str) -> list[tuple[int, str]]:
    """(offset in the quote, word) of the quote's rarest words that occur in the text at all."""
    pieces: dict[str, int] = {}
    for match in re.finditer(r"\w{3,}", quote):
        for cut in range(match.start(), match.end(), _ANCHOR_WORD_MAX_LEN):
            piece = match.group()[cut - match.start() : cut - match.start() + _ANCHOR_WORD_MAX_LEN]
            if len(piece) >= 3:
                pieces.setdefault(piece, cut)
    longest = sorted(pieces, key=lambda piece: (-len(piece), pieces[piece]))[:_ANCHOR_WORDS_COUNTED]
    counted = sorted((text.count(piece), pieces[piece], piece) for piece in longest)
    return [(offset, piece) for count, offset, piece in counted if count][:_ANCHOR_WORDS]


def _positions(text: str, word: str, limit: int) -> list[int]:
    positions: list[int] = []
    position = text.find(word)
    while position >= 0 and len(positions) < limit:
        positions.append(position)
        position = text.find(word, position + 1)
    return positions


def _merge_regions(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for low, high in sorted(regions):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        else:
            merged.append((low, high))
    return merged
