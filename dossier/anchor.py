"""Locate each quote in its article's text as an exact character span.

A quote is a W3C TextQuoteSelector (exact text, optional prefix and suffix). It is looked for in three ways,
each only if the one before found nothing: `exact` (as written), `normalised` (whitespace, quote marks, dashes
and Unicode forms made alike, then mapped back to the original offsets) and `fuzzy` (the closest passage, as
Hypothesis re-anchors edited pages). Mentions of people are found by name in the same normalised view.

Everything here is pure: text in, spans out. The normalised view of a text is memoised, so anchoring many
quotes in one article normalises it once.
"""

from __future__ import annotations

import functools
import hashlib
import re
import sys
import unicodedata
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from markdown_it import MarkdownIt
from rapidfuzz import fuzz

from dossier.diagnostics import Report
from dossier.load import PreviousAnchor
from dossier.model import Anchor, AnchorMethod, Annotation, Dossier, Person, Selector
from dossier.text import ArticleText, parse_article_text

QuoteStatus = Literal["found", "ambiguous", "orphaned"]

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
class Candidate:
    start: int  # offsets in the original text
    end: int
    score: float  # 0..1


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote is. `start`/`end` are valid only when found; otherwise 0 and confidence 0.0.

    candidates: found exact/normalised: the one occurrence; ambiguous: every occurrence; fuzzy: the best
    passage first, then competing runners-up; orphaned: the closest passage(s), best first.
    """

    status: QuoteStatus
    method: AnchorMethod | None  # for ambiguous: the step that found the occurrences
    start: int
    end: int
    confidence: float
    candidates: tuple[Candidate, ...]

    @property
    def is_found(self) -> bool:
        return self.status == "found"


def locate_quote(text: str, selector: Selector, *, fuzzy_threshold: float = 0.85) -> QuoteMatch:
    """Find the selector's quote in `text`: exact, then normalised, then fuzzy (see the module docstring).

    Whitespace around the quote is never part of the span. Prefix and suffix choose among occurrences; they
    are compared normalised and without regard to whitespace.
    """
    quote = selector.exact.strip()
    if not quote:
        return _orphaned(())
    context = _Context.of(selector)
    exact_spans = _occurrences(text, quote, context)
    if exact_spans:
        return _decide("exact", exact_spans)
    view = _normalised_view(text)
    normalised_quote = normalise_text(quote).strip()
    if not normalised_quote:
        return _orphaned(())  # nothing but invisible characters
    occurrences = _occurrences(view.text, normalised_quote, context)
    normalised_spans = [view.original_span(start, end) for start, end in occurrences]
    if normalised_spans:
        return _decide("normalised", normalised_spans)
    return _fuzzy_match(view, normalised_quote, context, fuzzy_threshold)


def find_mentions(text: str, people: Iterable[Person]) -> list[tuple[str, int, int]]:
    """(person_id, start, end) of every whole-word occurrence of a name or alias, sorted by start.

    Longest name first and non-overlapping; case-sensitive; a possessive ("Flynn's") mentions the name alone;
    whitespace inside a name may be any run of whitespace. A name shared by two people belongs to the one
    registered first.
    """
    owners = _owners_of(tuple((person.id, person.names) for person in people))
    if not owners:
        return []
    view = _normalised_view(text)
    mentions = []
    for match in _names_pattern(tuple(owners)).finditer(view.text):
        if _is_inside_a_word(view.text, *match.span()):
            continue
        start, end = view.original_span(*match.span())
        mentions.append((owners[match.group()], start, end))
    return mentions


def _is_inside_a_word(text: str, start: int, end: int) -> bool:
    # The regex's \w knows letters, not marks: in Devanagari "राम" is not a word of "रामा".
    return (start > 0 and _is_word_char(text[start - 1])) or (end < len(text) and _is_word_char(text[end]))


def text_hash(text: str) -> str:
    """A short stable hash of the text a quote was anchored on: a changed article shows as a changed hash."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def normalise_text(text: str) -> str:
    """The text as the normalised and fuzzy steps compare it.

    Invisible format characters (soft hyphen, zero-width space, bidi marks) dropped; NFC; every Unicode space
    a plain space; curly and other quote marks straight; dashes "-"; "…" is "..."; a run of spaces is one
    space, and a run of dashes with the spaces around it is one "-": "a — b", "a--b", "a - b" are alike.
    """
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_LOOKALIKES)
    return _RUNS.sub(lambda match: _run_replacement(match.group()), text)


# --- normalisation with a map back to the original offsets ---------------------------------------

# Soft hyphen, zero-width space, bidi marks and controls, word joiner, BOM. Zero-width (non-)joiners stay:
# they make one emoji of several, and change how Persian is written.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+")
_RUNS = re.compile("[ -]{2,}|\u2026")
_ZWJ = "\u200d"  # joins emoji into one (man, ZWJ, woman, ZWJ, girl: a family)
# Escaped, as most of them look like ASCII: curly, low-9, reversed, prime, fullwidth and angle quotation
# marks; hyphen, non-breaking hyphen, figure, en, em, horizontal-bar, minus, two- and three-em, small and
# fullwidth dashes.
_QUOTE_MARKS = {
    '"': "\u201c\u201d\u201e\u201f\u2033\u301d\u301e\uff02\u00ab\u00bb",
    "'": "\u2018\u2019\u201a\u201b\u2032`\u00b4\u2039\u203a",
}
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"


def _lookalike_table() -> dict[int, str]:
    # Every replacement is one character for one, so this step needs no offset map.
    table = {cp: " " for cp in range(0x3001) if chr(cp).isspace()}
    table |= {ord(mark): plain for plain, marks in _QUOTE_MARKS.items() for mark in marks}
    return table | {ord(dash): "-" for dash in _DASHES}


_LOOKALIKES = _lookalike_table()


def _run_replacement(run: str) -> str:
    if run == "\u2026":
        return "..."
    return "-" if "-" in run else " "


# source[source_start:source_end] became output[output_start:output_end]; text between two rewrites is copied
# one character for one. Plain tuples: an NFD text has one rewrite per accented letter.
_Rewrite = tuple[int, int, int, int]  # source_start, source_end, output_start, output_end


@dataclass(frozen=True)
class _OffsetMap:
    rewrites: tuple[_Rewrite, ...] = ()
    output_starts: tuple[int, ...] = ()  # of the rewrites, for bisecting

    def source_start(self, position: int) -> int:
        """Where the output character at `position` starts in the source (a rewrite maps as a whole)."""
        rewrite = self._last_rewrite_at_or_before(position)
        if rewrite is None:
            return position
        source_start, source_end, _, output_end = rewrite
        if position < output_end:
            return source_start
        return source_end + (position - output_end)

    def source_end(self, end: int) -> int:
        """The source offset just after the output character at `end - 1`."""
        if end <= 0:
            return 0
        last = end - 1
        rewrite = self._last_rewrite_at_or_before(last)
        if rewrite is None:
            return end
        _, source_end, _, output_end = rewrite
        if last < output_end:
            return source_end
        return source_end + (last - output_end) + 1

    def _last_rewrite_at_or_before(self, position: int) -> _Rewrite | None:
        index = bisect_right(self.output_starts, position) - 1
        return self.rewrites[index] if index >= 0 else None


@dataclass(frozen=True)
class _NormalisedText:
    original: str
    text: str
    maps: tuple[_OffsetMap, ...]  # in the order they were applied

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        for offset_map in reversed(self.maps):
            start, end = offset_map.source_start(start), offset_map.source_end(end)
        # A rewrite maps as a whole: "-" matched in " — " takes in the spaces around the dash. Drop them.
        while start < end and _is_blank(self.original[start]):
            start += 1
        while end > start and _is_blank(self.original[end - 1]):
            end -= 1
        return start, end


def _is_blank(char: str) -> bool:
    return char.isspace() or _INVISIBLE.match(char) is not None


@functools.lru_cache(maxsize=8)
def _normalised_view(text: str) -> _NormalisedText:
    """normalise_text(text), step by step, keeping each step's offset map."""
    visible, invisible_map = _rewrite(text, _spans(_INVISIBLE, text), lambda _: "")
    composed, nfc_map = _nfc_with_map(visible)
    alike = composed.translate(_LOOKALIKES)
    collapsed, runs_map = _rewrite(alike, _spans(_RUNS, alike), _run_replacement)
    return _NormalisedText(text, collapsed, (invisible_map, nfc_map, runs_map))


def _rewrite(text: str, spans: Iterable[tuple[int, int]], replace: Callable[[str], str]) -> tuple[str, _OffsetMap]:
    """Replace each span (in order, not overlapping) of `text` by `replace` of it, keeping the offset map."""
    pieces: list[str] = []
    rewrites: list[_Rewrite] = []
    copied_up_to = 0
    output_length = 0
    for start, end in spans:
        original = text[start:end]
        replacement = replace(original)
        if replacement == original:
            continue
        pieces += [text[copied_up_to:start], replacement]
        output_start = output_length + start - copied_up_to
        output_length = output_start + len(replacement)
        rewrites.append((start, end, output_start, output_length))
        copied_up_to = end
    if not rewrites:
        return text, _OffsetMap()
    pieces.append(text[copied_up_to:])
    return "".join(pieces), _OffsetMap(tuple(rewrites), tuple(rewrite[2] for rewrite in rewrites))


def _spans(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    return (match.span() for match in pattern.finditer(text))


def _nfc_with_map(text: str) -> tuple[str, _OffsetMap]:
    if unicodedata.is_normalized("NFC", text):
        return text, _OffsetMap()
    return _rewrite(text, _nfc_units(text), functools.partial(unicodedata.normalize, "NFC"))


def _nfc_units(text: str) -> Iterator[tuple[int, int]]:
    """The smallest spans NFC rewrites independently of the rest: a character with the marks that may join it,
    or a character NFC replaces on its own (Ω OHM SIGN)."""
    pending: tuple[int, int] | None = None
    for match in _nfc_piece_pattern().finditer(text):
        start, end = match.span()
        if match.lastgroup == "joiners" and start > 0:
            start -= 1  # the character they join
        if pending and start < pending[1]:
            pending = (pending[0], end)
            continue
        if pending:
            yield pending
        pending = (start, end)
    if pending:
        yield pending


@functools.cache
def _nfc_piece_pattern() -> re.Pattern[str]:
    """Runs of characters that may join the one before, or a character NFC replaces on its own. Built from
    the Unicode tables once, when first needed (0.1 s)."""
    hangul_vowels_and_finals = [*range(0x1161, 0x1176), *range(0x11A8, 0x11C3)]
    joiners = {chr(cp) for cp in hangul_vowels_and_finals}
    replaced_alone = set()
    for cp in range(sys.maxunicode + 1):
        char = chr(cp)
        if unicodedata.combining(char):
            joiners.add(char)
        decomposition = unicodedata.decomposition(char)
        if not decomposition or decomposition.startswith("<"):
            continue
        parts = decomposition.split()
        if len(parts) == 2:
            joiners.add(chr(int(parts[1], 16)))  # second of a canonical pair, even with combining class 0
        if unicodedata.normalize("NFC", char) != char:
            replaced_alone.add(char)
    return re.compile(f"(?P<joiners>[{_char_class(joiners)}]+)|[{_char_class(replaced_alone)}]")


def _char_class(chars: set[str]) -> str:
    """A character class body written as ranges: a long list of single code points is slow to match."""
    ranges: list[list[int]] = []
    for code in sorted(map(ord, chars)):
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(
        re.escape(chr(low)) if low == high else f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in ranges
    )


# --- exact and normalised occurrences -------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """The selector's prefix and suffix, normalised and without spaces, so whitespace never decides."""

    prefix: str
    suffix: str

    @classmethod
    def of(cls, selector: Selector) -> _Context:
        return cls(_squeeze(normalise_text(selector.prefix)), _squeeze(normalise_text(selector.suffix)))

    @property
    def is_given(self) -> bool:
        return bool(self.prefix or self.suffix)


def _squeeze(text: str) -> str:
    return text.replace(" ", "")


def _occurrences(text: str, quote: str, context: _Context) -> list[tuple[int, int]]:
    """Every occurrence of `quote` (overlapping ones too) made of whole characters that the context fits."""
    spans = []
    start = text.find(quote)
    while start >= 0:
        end = start + len(quote)
        if not _splits_a_character(text, start, end) and _context_fits(text, start, end, context):
            spans.append((start, end))
        start = text.find(quote, start + 1)
    return spans


def _splits_a_character(text: str, start: int, end: int) -> bool:
    """Whether the span cuts a letter from its accents ("e" in a decomposed "é") or an emoji sequence."""
    return _continues_character(text, start) or _continues_character(text, end)


def _continues_character(text: str, i: int) -> bool:
    if not 0 < i < len(text):
        return False
    char = text[i]
    is_skin_tone = "\U0001f3fb" <= char <= "\U0001f3ff"
    return unicodedata.category(char).startswith("M") or is_skin_tone or _ZWJ in (char, text[i - 1])


def _context_fits(text: str, start: int, end: int, context: _Context) -> bool:
    before = _squeezed_before(text, start, len(context.prefix)) if context.prefix else ""
    after = _squeezed_after(text, end, len(context.suffix)) if context.suffix else ""
    return before.endswith(context.prefix) and after.startswith(context.suffix)


def _squeezed_before(text: str, position: int, size: int) -> str:
    """The normalised, space-less text before `position`: at least `size` characters of it if there are."""
    width = size + 16
    while True:
        window_start = max(0, position - width)
        squeezed = _squeeze(normalise_text(text[window_start:position]))
        if len(squeezed) >= size or window_start == 0:
            return squeezed
        width *= 2  # a window that was mostly whitespace


def _squeezed_after(text: str, position: int, size: int) -> str:
    width = size + 16
    while True:
        window_end = min(len(text), position + width)
        squeezed = _squeeze(normalise_text(text[position:window_end]))
        if len(squeezed) >= size or window_end == len(text):
            return squeezed
        width *= 2


def _decide(method: AnchorMethod, spans: list[tuple[int, int]]) -> QuoteMatch:
    candidates = tuple(Candidate(start, end, 1.0) for start, end in spans)
    if len(candidates) > 1:
        return QuoteMatch("ambiguous", method, 0, 0, 0.0, candidates)
    only = candidates[0]
    return QuoteMatch("found", method, only.start, only.end, 1.0, candidates)


def _orphaned(candidates: tuple[Candidate, ...]) -> QuoteMatch:
    return QuoteMatch("orphaned", None, 0, 0, 0.0, candidates)


# --- fuzzy ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Passage:
    start: int  # offsets in the normalised text
    end: int
    score: float


def _fuzzy_match(view: _NormalisedText, quote: str, context: _Context, threshold: float) -> QuoteMatch:
    passages = _closest_passages(view.text, quote, context)
    candidates = tuple(Candidate(*view.original_span(p.start, p.end), p.score) for p in passages)
    if not candidates or _is_too_short_for_fuzzy(quote) or candidates[0].score < threshold:
        return _orphaned(candidates)
    best = candidates[0]
    return QuoteMatch("found", "fuzzy", best.start, best.end, best.score, candidates)


def _is_too_short_for_fuzzy(quote: str) -> bool:
    if len(quote) < FUZZY_MIN_CHARS:
        return True
    return len(quote.split()) < FUZZY_MIN_WORDS and len(quote) < FUZZY_MIN_CHARS_UNSPACED


def _closest_passages(text: str, quote: str, context: _Context) -> list[_Passage]:
    """The best passage and its runners-up: search each region, then what is left of it either side of its
    best passage, so a second near-copy of the quote shows up as a competitor."""
    pending = deque(_search_regions(text, quote))
    passages: list[_Passage] = []
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


def _best_passage_in(text: str, quote: str, low: int, high: int, context: _Context) -> _Passage | None:
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
    return _Passage(start, end, score)


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
    return _is_word_char(text[i - 1]) and _is_word_char(text[i])


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.category(char).startswith("M")


def _context_similarity(text: str, start: int, end: int, context: _Context) -> float:
    similarities = []
    if context.prefix:
        before = _squeezed_before(text, start, len(context.prefix))[-len(context.prefix) :]
        similarities.append(fuzz.ratio(context.prefix, before) / 100)
    if context.suffix:
        after = _squeezed_after(text, end, len(context.suffix))[: len(context.suffix)]
        similarities.append(fuzz.ratio(context.suffix, after) / 100)
    return sum(similarities) / len(similarities)


def _best_and_runners_up(passages: list[_Passage]) -> list[_Passage]:
    ranked = sorted(passages, key=lambda p: (-p.score, p.start))
    chosen: list[_Passage] = []
    for passage in ranked:
        if chosen and passage.score < chosen[0].score - RUNNER_UP_MARGIN:
            break
        if not any(passage.start < other.end and other.start < passage.end for other in chosen):
            chosen.append(passage)
    return chosen[: 1 + MAX_RUNNERS_UP]


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


# --- mentions -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _owners_of(people: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, str]:
    """_owners_by_name, once per registry rather than once per article."""
    owners: dict[str, str] = {}
    for person_id, names in people:
        for name in names:
            key = normalise_text(name).strip()
            if key:
                owners.setdefault(key, person_id)
    return owners


@functools.lru_cache(maxsize=32)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so at any position "Michael Flynn" wins over "Flynn". Never after a letter and an
    # apostrophe ("O'Flynn" is not Flynn); a possessive's "'s" follows the name, outside the span.
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?<!\w')(?:{alternatives})(?!\w)")


# --- the stage: anchor every annotation of the dossier, reporting what could not be anchored cleanly -----

QUOTE_SHOWN = 70
CONTEXT_WORDS = 3
# Below this similarity the "closest passage" of an orphaned quote is noise, not a hint.
CLOSEST_WORTH_SHOWING = 0.6


def _shown(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_SHOWN else flat[: QUOTE_SHOWN - 1] + "…"


def _in_context(text: str, start: int, end: int) -> str:
    """The occurrence with a few words either side, the occurrence itself in [brackets]."""
    before = text[:start].split()[-CONTEXT_WORDS:]
    after = text[end:].split()[:CONTEXT_WORDS]
    return " ".join([*before, f"[{_shown(text[start:end])}]", *after])


def _report_match(annotation: Annotation, match: QuoteMatch, text: ArticleText, report: Report) -> None:
    quote = _shown(annotation.selector.exact)
    if match.status == "ambiguous":
        places = "; ".join(
            f'line {text.line_of(c.start)}: "{_in_context(text.text, c.start, c.end)}"' for c in match.candidates
        )
        report.error(
            annotation.location,
            f'the quote "{quote}" occurs {len(match.candidates)} times ({places}); '
            "add a prefix or suffix to choose one",
        )
    elif match.status == "orphaned":
        closest = match.candidates[0] if match.candidates else None
        hint = (
            f"; the closest passage (line {text.line_of(closest.start)}, {closest.score:.0%} alike) reads: "
            f'"{_shown(text.text[closest.start : closest.end])}"'
            if closest and closest.score >= CLOSEST_WORTH_SHOWING
            else "; nothing in the article comes close"
        )
        report.error(annotation.location, f'the quote "{quote}" is not in the article{hint}')
    elif match.method == "fuzzy":
        found = f'"{_shown(text.text[match.start : match.end])}" (line {text.line_of(match.start)})'
        others = [c for c in match.candidates if (c.start, c.end) != (match.start, match.end)]
        competing = "".join(
            f'; also close ({c.score:.0%}, line {text.line_of(c.start)}): "{_shown(text.text[c.start : c.end])}"'
            for c in others
        )
        report.warning(
            annotation.location,
            f'the quote "{quote}" is not in the article as written; anchored to the closest text, '
            f"{match.confidence:.0%} alike: {found}{competing}. Copy the text from the article to silence this",
        )


def anchor_quotes(dossier: Dossier, md: MarkdownIt, report: Report) -> dict[str, ArticleText]:
    """Parse each article's text and anchor each annotation on it; returns the texts by article id."""
    texts: dict[str, ArticleText] = {}
    for article in dossier.articles.values():
        text = parse_article_text(md, article.body, article.body_line)
        texts[article.id] = text
        digest = text_hash(text.text)
        for annotation in article.annotations:
            match = locate_quote(text.text, annotation.selector)
            _report_match(annotation, match, text, report)
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


def report_moved_anchors(
    dossier: Dossier, texts: dict[str, ArticleText], previous: Mapping[tuple[str, str], PreviousAnchor], report: Report
) -> None:
    """Warn where an article's text changed since the last build and an annotation now covers other words."""
    for article in dossier.articles.values():
        text = texts[article.id].text
        for annotation in article.annotations:
            before = previous.get((article.id, annotation.id))
            anchor = annotation.anchor
            if before is None or anchor is None or before.text_hash == anchor.text_hash:
                continue
            now = text[anchor.start : anchor.end]
            if now != before.exact_text:
                was, method = _shown(before.exact_text), f"{anchor.method}, {anchor.confidence:.0%}"
                report.warning(
                    annotation.location,
                    f'the article changed since the last build and this annotation moved: it was on "{was}", '
                    f'it is now on "{_shown(now)}" ({method}); check it still says what you meant',
                )
