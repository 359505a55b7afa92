"""The passages closest to a quote that is not in the text as written, as Hypothesis re-anchors edited pages.

Runs on the normalised view of the text: offsets here are the view's. A long text is searched only around
the quote's rarest words, and a long quote is placed by its two ends instead of being aligned whole (whose cost
grows with the cube of its length: a 3,000-character quote took 5 s); all within the budgets of budget.py.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from dossier.anchor.budget import FUZZY_WORK_PER_QUOTE, Budget
from dossier.anchor.context import Context, context_similarity
from dossier.normal_form import is_word_char

# Shorter quotes never match fuzzily: a handful of characters is close to too many passages.
FUZZY_MIN_CHARS = 12
FUZZY_MIN_WORDS = 3
FUZZY_MIN_CHARS_UNSPACED = 36  # scripts written without spaces (Chinese, Japanese, Thai) have long "words"
RUNNER_UP_MARGIN = 0.1  # a passage this close to the best one is reported as a competitor
MAX_RUNNERS_UP = 3
CONTEXT_WEIGHT = 0.1  # share of a fuzzy score that comes from the prefix and suffix
LONG_QUOTE = 64  # characters: a longer quote is placed by its ends (_long_passage_in)

# rapidfuzz compares 64 characters in one machine word: a quote's end of this length aligns in one pass.
_WORD_BITS = 64
# A text longer than this is searched only around the quote's rarest words.
_FULL_SCAN_CHARACTERS = 20_000
# Budget units, about a nanosecond each at worst (rapidfuzz is 30 times slower on text of a few repeated
# characters than on prose, and budgets must hold for any text): counting the quote's words costs this much a
# character of the text, finding where the rarest are this much a place, aligning up to 64 characters of the
# quote over a region this much a character of it for each character aligned, placing a passage this much
# besides (snapping it to words), and scoring it this much a 64-character block compared.
_RARE_WORDS_WORK = 48
_POSITION_WORK = 300
_ALIGNMENT_WORK = 3
_PASSAGE_WORK = 400_000
_SCORING_WORK = 2
_MAX_ALIGNMENTS = 16
_ANCHOR_WORDS = 4  # the rarest words of the quote that place candidate regions
_ANCHOR_WORDS_COUNTED = 12  # at a time: when none of them is in the text, the next ones
_MAX_WORDS_COUNTED = 36
_ANCHOR_WORD_MAX_LEN = 12  # long runs (unspaced scripts) are cut into pieces, so a typo spoils only one
_MAX_POSITIONS_PER_WORD = 5_000
_MAX_REGIONS = 8
_MAX_SNAP_SLACK = 24


@dataclass(frozen=True)
class Passage:
    start: int  # offsets in the normalised text
    end: int
    score: float  # 0..1


@dataclass(frozen=True)
class Search:
    """The closest passages found, and whether the build's budget ran out before the search was done."""

    passages: list[Passage]
    ran_out: bool = False


@dataclass
class _Allowance:
    """The work one quote's search may still do: its own share, within what is left of the build's."""

    budget: Budget
    left: int = FUZZY_WORK_PER_QUOTE
    ran_out: bool = False  # the build's budget, not the quote's share

    def spend(self, work: int) -> bool:
        """Take `work` when both allow it; else take nothing and say so."""
        if work > self.budget.fuzzy_work:
            self.ran_out = True
        if self.ran_out or work > self.left:
            return False
        self.left -= work
        self.budget.fuzzy_work -= work
        return True


def alignment_work(quote_length: int, width: int) -> int:
    """About how much work placing a quote in `width` characters of text costs at worst (budget.py's units): its
    words aligned over them (a long quote's two ends), then the passage scored whole."""
    aligned = min(quote_length, _WORD_BITS) * (1 if quote_length <= LONG_QUOTE else 2)
    scoring = _SCORING_WORK * quote_length * -(-quote_length // _WORD_BITS)
    return _PASSAGE_WORK + _ALIGNMENT_WORK * aligned * width + scoring


def is_too_short_for_fuzzy(quote: str) -> bool:
    if len(quote) < FUZZY_MIN_CHARS:
        return True
    return len(quote.split()) < FUZZY_MIN_WORDS and len(quote) < FUZZY_MIN_CHARS_UNSPACED


def closest_passages(text: str, quote: str, context: Context, budget: Budget) -> Search:
    """The best passage and its runners-up: search each region, then what is left of it either side of its
    best passage, so a second near-copy of the quote shows up as a competitor."""
    allowance = _Allowance(budget)
    pending = deque(_search_regions(text, quote, allowance))
    passages: list[Passage] = []
    least_remainder = max(1, len(quote) // 2)
    for _ in range(_MAX_ALIGNMENTS):
        if not pending:
            break
        low, high = pending.popleft()
        if not allowance.spend(alignment_work(len(quote), high - low)):
            break
        passage = _best_passage_in(text, quote, low, high, context)
        if passage is None:
            continue
        passages.append(passage)
        remainders = ((low, passage.start), (passage.end, high))
        pending.extend(region for region in remainders if region[1] - region[0] >= least_remainder)
    return Search(_best_and_runners_up(passages), allowance.ran_out)


def _search_regions(text: str, quote: str, allowance: _Allowance) -> list[tuple[int, int]]:
    if not text:
        return []
    if len(text) <= _FULL_SCAN_CHARACTERS:
        return [(0, len(text))]
    pieces = _pieces(quote)
    candidates = _spread_longest(pieces, len(quote))
    rarest: list[tuple[int, str, int]] = []
    for first in range(0, min(len(candidates), _MAX_WORDS_COUNTED), _ANCHOR_WORDS_COUNTED):
        if not allowance.spend(_RARE_WORDS_WORK * len(text)):  # a pass over the text for each word counted
            return []
        rarest = _rarest_words(text, candidates[first : first + _ANCHOR_WORDS_COUNTED], pieces)
        if rarest:
            break
    if not rarest:
        return []  # none of the quote's words is in the text: nothing comes close
    if not allowance.spend(_POSITION_WORK * sum(min(count, _MAX_POSITIONS_PER_WORD) for _, _, count in rarest)):
        return []
    return _regions_around(text, quote, rarest)


def _best_passage_in(text: str, quote: str, low: int, high: int, context: Context) -> Passage | None:
    if len(quote) > LONG_QUOTE:
        placed = _long_passage_in(text, quote, low, high)
    else:
        placed = _short_passage_in(text, quote, low, high)
    if placed is None or not text[placed[0] : placed[1]].strip():
        return None
    start, end = placed
    score = fuzz.ratio(quote, text[start:end]) / 100
    if context.is_given:
        score = (1 - CONTEXT_WEIGHT) * score + CONTEXT_WEIGHT * context_similarity(text, start, end, context)
    return Passage(start, end, score)


def _short_passage_in(text: str, quote: str, low: int, high: int) -> tuple[int, int] | None:
    alignment = fuzz.partial_ratio_alignment(quote, text[low:high])
    if alignment is None:
        return None
    aligned = (low + alignment.dest_start, low + alignment.dest_end)
    return _snap_to_words(text, quote, aligned, (low, high))


def _long_passage_in(text: str, quote: str, low: int, high: int) -> tuple[int, int] | None:
    """A long quote placed by its ends: its first words where they align best in the region, its last words
    where they align best about a quote's length further on. Aligning the whole quote would cost about the
    cube of its length; this costs about the region's length, and the passage found is then scored whole."""
    head, tail = quote[:_WORD_BITS], quote[-_WORD_BITS:]
    first = fuzz.partial_ratio_alignment(head, text[low:high])
    if first is None:
        return None
    start = _snap_start(text, head, low + first.dest_start, low + first.dest_end)
    slack = len(quote) // 4 + 16
    tail_low = max(start, start + len(quote) - len(tail) - slack)
    tail_high = min(len(text), start + len(quote) + slack)
    if tail_low >= tail_high:
        return None  # the text ends before the quote's last words could: no passage starts here
    last = fuzz.partial_ratio_alignment(tail, text[tail_low:tail_high])
    if last is None:
        return None
    end = _snap_end(text, tail, tail_low + last.dest_start, tail_low + last.dest_end)
    return (start, end) if start < end else None


def _snap_start(text: str, head: str, aligned: int, head_end: int) -> int:
    """Of the word starts near `aligned`, the one from which the text up to the head's end is closest to it."""
    low, high = max(0, aligned - _MAX_SNAP_SLACK), min(head_end, aligned + _MAX_SNAP_SLACK + 1)
    starts = [i for i in range(low, high) if _starts_word(text, i)]

    def closeness(start: int) -> tuple[float, int]:
        return fuzz.ratio(head, text[start:head_end]), -abs(start - aligned)

    return max(starts, key=closeness, default=aligned)


def _snap_end(text: str, tail: str, tail_start: int, aligned: int) -> int:
    """Of the word ends near `aligned`, the one up to which the text from the tail's start is closest to it."""
    low, high = max(tail_start + 1, aligned - _MAX_SNAP_SLACK), min(len(text), aligned + _MAX_SNAP_SLACK)
    ends = [j for j in range(low, high + 1) if _ends_word(text, j)]

    def closeness(end: int) -> tuple[float, int]:
        return fuzz.ratio(tail, text[tail_start:end]), -abs(end - aligned)

    return max(ends, key=closeness, default=aligned)


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


def _regions_around(text: str, quote: str, rarest: list[tuple[int, str, int]]) -> list[tuple[int, int]]:
    """Regions where several of the quote's rarest words sit where the quote would put them.

    A typo spoils one word, not all, so a passage with a typo still gets votes from the others.
    """
    expected_starts = sorted(
        (position - offset, word)
        for offset, word, _ in rarest
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


def _pieces(quote: str) -> dict[str, int]:
    """The quote's words of three characters or more (long runs cut in pieces), each with its first offset."""
    pieces: dict[str, int] = {}
    for match in re.finditer(r"\w{3,}", quote):
        for cut in range(match.start(), match.end(), _ANCHOR_WORD_MAX_LEN):
            piece = match.group()[cut - match.start() : cut - match.start() + _ANCHOR_WORD_MAX_LEN]
            if len(piece) >= 3:
                pieces.setdefault(piece, cut)
    return pieces


def _rarest_words(text: str, candidates: list[str], pieces: dict[str, int]) -> list[tuple[int, str, int]]:
    """(offset in the quote, word, occurrences in the text) of the rarest candidates that are in it at all."""
    counted = sorted((text.count(piece), pieces[piece], piece) for piece in candidates)
    return [(offset, piece, count) for count, offset, piece in counted if count][:_ANCHOR_WORDS]


def _spread_longest(pieces: dict[str, int], quote_length: int) -> list[str]:
    """The longest piece in each stretch of the quote, then the others, longest first: typos (or a lost space
    that joins two words) spoil the longest words most, but seldom in every stretch of a quote."""
    by_length = sorted(pieces, key=lambda piece: (-len(piece), pieces[piece]))
    longest_in_stretch: dict[int, str] = {}
    for piece in by_length:
        longest_in_stretch.setdefault(pieces[piece] * _ANCHOR_WORDS_COUNTED // max(1, quote_length), piece)
    chosen = sorted(longest_in_stretch.values(), key=lambda piece: pieces[piece])
    return chosen + [piece for piece in by_length if piece not in chosen]


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
