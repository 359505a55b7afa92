"""The normalised view of a text: made alike for matching, with a map back to the original offsets.

The steps are those of dossier.normal_form.normalise_text: drop invisible characters, compose Unicode (NFC), make
look-alike characters one (spaces, quote marks, dashes) and collapse runs; here each step that changes lengths
keeps a map, so a span found in the view maps back to the original text.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from dossier.normal_form import INVISIBLE, LOOKALIKES, RUNS, run_replacement

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
class NormalisedText:
    original: str
    text: str
    maps: tuple[_OffsetMap, ...]  # in the order they were applied

    @classmethod
    def as_written(cls, text: str) -> NormalisedText:
        """A view that changes nothing."""
        return cls(text, text, ())

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
    return char.isspace() or INVISIBLE.match(char) is not None


@functools.lru_cache(maxsize=8)
def normalised_view(text: str) -> NormalisedText:
    """`view_of(text)`, memoised: anchoring many quotes in one article normalises it once."""
    return view_of(text)


def view_of(text: str) -> NormalisedText:
    """normalise_text(text), step by step, keeping each step's offset map."""
    visible, invisible_map = _rewrite(text, _spans(INVISIBLE, text), lambda _: "")
    composed, nfc_map = _nfc_with_map(visible)
    alike = composed.translate(LOOKALIKES)
    collapsed, runs_map = _rewrite(alike, _spans(RUNS, alike), run_replacement)
    return NormalisedText(text, collapsed, (invisible_map, nfc_map, runs_map))


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
