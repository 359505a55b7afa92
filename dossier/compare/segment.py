"""Split an article's plain text into sentences, with exact character offsets.

A paragraph break (a blank line) always ends a sentence, so a title line without a full stop stays
on its own. Inside a paragraph a sentence ends at `.`, `!`, `?` or `…` (or another script's: the Arabic question
mark, the Urdu full stop, the Devanagari danda) with any closing quotes or brackets glued to it, when the next word
starts like a sentence: a capital, a digit, an opening quote, or a letter of a script without capitals. A full stop
that ends an abbreviation does not end the sentence. Chinese and Japanese full stops, exclamation and question
marks end a sentence wherever they stand: those scripts put no space after them; so do the Burmese and Khmer full
stops. Thai and Lao have no full stop: a space between two of their letters ends a sentence (or a clause), as
their writers use it; a space beside a number or a Latin word does not.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload

from dossier.slotted import Slotted


@dataclass(frozen=True, slots=True)
class Sentence(Slotted):
    index: int  # position among the article's sentences
    start: int  # character offsets into the article's text: source[start:end] == self.text
    end: int
    paragraph: int  # index of the paragraph it belongs to
    # The article's whole text, one string its sentences share rather than a copy of each one's words: a build
    # holds every article's sentences for the comparison pages (about 40 MB of copies at 5,000 articles).
    source: str = field(repr=False)

    @property
    def text(self) -> str:
        return self.source[self.start : self.end]

    def __repr__(self) -> str:
        return f"Sentence({self.index}, {self.start}-{self.end}, paragraph {self.paragraph}: {self.text!r})"


class Sentences(Sequence[Sentence]):
    """An article's sentences held as numbers (each one's start, end and paragraph, in one array) on the article's
    text: a Sentence is made when one is read. A build holds every compared article's sentences while it renders
    the pages; as objects (a Sentence and its offsets) they took about 27 MB at 5,000 articles, as numbers 3."""

    __slots__ = ("_numbers", "source")

    def __init__(self, source: str, sentences: Iterable[Sentence]) -> None:
        numbers = [number for s in sentences for number in (s.start, s.end, s.paragraph)]
        self.source = source
        # Four bytes a number where the text allows (offsets below 2**32: any article a build reads), else eight.
        self._numbers = array("I" if max(numbers, default=0) < 2**32 else "Q", numbers)

    def __len__(self) -> int:
        return len(self._numbers) // 3

    @overload
    def __getitem__(self, index: int) -> Sentence: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Sentence, ...]: ...

    def __getitem__(self, index: int | slice) -> Sentence | tuple[Sentence, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("sentence index out of range")
        start, end, paragraph = self._numbers[3 * index : 3 * index + 3]
        return Sentence(index, start, end, paragraph, self.source)

    def __iter__(self) -> Iterator[Sentence]:
        numbers, source = self._numbers, self.source
        for index in range(len(self)):
            yield Sentence(index, numbers[3 * index], numbers[3 * index + 1], numbers[3 * index + 2], source)

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence of the same sentences (a tuple of them too)."""
        if isinstance(other, Sentences):
            return self._numbers == other._numbers and self.source == other.source  # any two array types
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))  # as a tuple of the same sentences hashes

    def __repr__(self) -> str:
        return f"Sentences({list(self)!r})"


PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")  # a blank line, spaces or \r allowed
# A terminator (and the Arabic, Urdu, Devanagari, Armenian and Ethiopic ones), the closing quotes and brackets glued
# to it, and the whitespace that must follow; or a Chinese or Japanese one (full stop, exclamation and question
# marks, full width and half width) and its closing marks.
CLOSING_MARKS = "\"'\u201d\u2019)\\]\u300d\u300f\uff09"  # quotes, brackets, corner brackets
WIDE_STOPS = "\u3002\uff01\uff1f\uff61\u104b\u17d4"  # and the Burmese and Khmer full stops
UNPUNCTUATED = "\u0e00-\u0eff"  # Thai and Lao
SPACE_BETWEEN_UNPUNCTUATED = re.compile(f"(?<=[{UNPUNCTUATED}]) +(?=[{UNPUNCTUATED}])")
TERMINATOR = re.compile(
    f"[.!?\u2026\u061f\u06d4\u0964\u0965\u0589\u1362]+[{CLOSING_MARKS}]*(?=\\s)|[{WIDE_STOPS}]+[{CLOSING_MARKS}]*"
)
OPENING_MARKS = "\"'\u201c\u2018([\u2014\u2013-\u300c\u300e\uff08"  # quotes, brackets, dashes, corner brackets
LAST_WORD = re.compile(r"[\w.&'\u2019-]+$")
LAST_WORD_WINDOW = 32  # characters: longer than most words
INITIALS = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]|[A-Z]")

# Abbreviations a full stop never ends a sentence after: titles and ranks come before a name.
TITLES = frozenset(
    str.split(
        "mr mrs ms mx dr prof rev hon fr sr st mt ft gen lt col maj capt cmdr adm sgt cpl pvt gov sen rep "
        "pres supt det insp messrs vs v"
    )
)
# Abbreviations that precede a number: "Jan. 20", "No. 10".
BEFORE_NUMBER = frozenset(str.split("jan feb mar apr jun jul aug sep sept oct nov dec no nos art fig vol p pp"))
# Capitalised words that begin sentences far more often than they continue a name ("U.S. The ...").
SENTENCE_OPENERS = frozenset(
    str.split(
        "the a an he she it they we i you this that these those there but and or so yet in on at as if "
        "when while after before since although however meanwhile his her its their our my what who why "
        "how where some many most all no not for from with by to"
    )
)


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    for paragraph, (start, end) in enumerate(_paragraph_spans(text)):
        for sentence_start, sentence_end in _sentence_spans(text, start, end):
            sentences.append(
                Sentence(
                    index=len(sentences),
                    start=sentence_start,
                    end=sentence_end,
                    paragraph=paragraph,
                    source=text,
                )
            )
    return sentences


def _paragraph_spans(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in PARAGRAPH_BREAK.finditer(text):
        yield from _stripped(text, start, match.start())
        start = match.end()
    yield from _stripped(text, start, len(text))


def _stripped(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The span without its surrounding whitespace, if anything is left."""
    chunk = text[start:end]
    leading = len(chunk) - len(chunk.lstrip())
    trailing = len(chunk) - len(chunk.rstrip())
    if leading < len(chunk):
        yield start + leading, end - trailing


def _sentence_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    paragraph = text[start:end]
    sentence_start = 0
    for match in TERMINATOR.finditer(paragraph):
        next_start = _skip_space(paragraph, match.end())
        if _ends_sentence(paragraph, match, next_start):
            yield from _unpunctuated_spans(text, start + sentence_start, start + match.end())
            sentence_start = next_start
    yield from _unpunctuated_spans(text, start + sentence_start, end)


def _unpunctuated_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The span, cut where a space stands between two Thai or Lao letters."""
    for space in SPACE_BETWEEN_UNPUNCTUATED.finditer(text, start, end):
        yield from _stripped(text, start, space.start())
        start = space.end()
    yield from _stripped(text, start, end)


def _skip_space(paragraph: str, position: int) -> int:
    while position < len(paragraph) and paragraph[position].isspace():
        position += 1
    return position


def _ends_sentence(paragraph: str, terminator: re.Match[str], next_start: int) -> bool:
    if terminator.group()[0] in WIDE_STOPS:
        return True
    next_text = paragraph[next_start:]
    if not _starts_like_sentence(next_text):
        return False
    if terminator.group() != ".":
        return True  # "?", "!", "…", or a full stop inside a closing quote: "... came up." Kislyak
    last_word = _last_word(paragraph, terminator.start())
    if last_word is None:
        return True
    return not _is_abbreviation(last_word.group().lstrip("'\u2019-"), next_text)


def _last_word(paragraph: str, end: int) -> re.Match[str] | None:
    """LAST_WORD.search(paragraph, 0, end), without scanning the paragraph from its start at every full stop.

    A match found in a window is the one a search from 0 finds, unless it starts at the window's edge: then
    the word may go on to the left.
    """
    window_start = max(0, end - LAST_WORD_WINDOW)
    found = LAST_WORD.search(paragraph, window_start, end)
    if found is not None and found.start() == window_start and window_start > 0:
        return LAST_WORD.search(paragraph, 0, end)
    return found


def _starts_like_sentence(next_text: str) -> bool:
    first = next_text.lstrip(OPENING_MARKS)[:1]
    return first.isupper() or first.isdigit() or (first.isalpha() and not first.islower())  # no capitals: ع, 地


def _is_abbreviation(word: str, next_text: str) -> bool:
    bare = word.lower()
    if bare in TITLES:
        return True
    if bare in BEFORE_NUMBER and next_text[:1].isdigit():
        return True
    if INITIALS.fullmatch(word):
        # "U.S. Army", "John F. Kennedy" go on; "... in the U.S. The next day" ends.
        return _first_word(next_text).lower() not in SENTENCE_OPENERS
    return False


def _first_word(text: str) -> str:
    match = re.match(r"\W*(\w+)", text)
    return match.group(1) if match else ""
