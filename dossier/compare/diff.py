"""A word-level diff of two paired sentences, cleaned up to read as changed phrases.

difflib aligns the two word sequences. Then an unchanged stretch between two changes becomes part
of one changed phrase when each change around it is more than twice its length (a word or two
that happen to match amid a rewrite mislead; diff-match-patch's semantic cleanup has the same
idea, less strict), or when it is one or two short or stop words: "the penalties on Russia"
against "new sanctions on Moscow" is one changed phrase, not three changed words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import NamedTuple

from dossier.compare.words import STOPWORDS, is_word, token_spans

MAX_BRIDGED_WORDS = 2
SHORT_WORD = 3  # letters


class Chunk(NamedTuple):
    text: str
    changed: bool


@dataclass(frozen=True)
class _Run:
    """A stretch of the alignment: words left[start:stop] against right[start:stop]."""

    is_equal: bool
    left: range
    right: range

    @property
    def size(self) -> int:
        return max(len(self.left), len(self.right))


@dataclass(frozen=True)
class Words:
    """A text's words, as the diff compares them: their keys, and where each is."""

    text: str
    keys: Sequence[str]
    spans: Sequence[tuple[int, int]]  # (start, end) of each word, counted from `offset` characters before text
    offset: int = 0  # where text starts in what the spans count in (the article, for a sentence's words)


def diff_words(left: str, right: str) -> tuple[tuple[Chunk, ...], tuple[Chunk, ...]]:
    """Chunks of each text, in order; joined, each side's chunks give back its text exactly."""
    return diff_texts(words_of(left), words_of(right))


def words_of(text: str) -> Words:
    # Words only: punctuation and quotation marks go with the words around them, so moving a quote
    # mark ("not to overreact" against not to "overreact") changes nothing.
    words = [(start, end, key) for start, end, key in token_spans(text) if is_word(key)]
    return Words(text, tuple(key for _, _, key in words), tuple((start, end) for start, end, _ in words))


def diff_texts(left: Words, right: Words) -> tuple[tuple[Chunk, ...], tuple[Chunk, ...]]:
    """diff_words for texts already split into words (a sentence's words are known from describing it)."""
    if left.keys == right.keys:
        return _chunks(left, []), _chunks(right, [])  # what difflib finds: one unchanged run
    matcher = SequenceMatcher(None, left.keys, right.keys, autojunk=False)
    runs = [_Run(tag == "equal", range(i1, i2), range(j1, j2)) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]
    runs = _absorb_slight_equalities(runs, left.keys)
    changed = [run for run in runs if not run.is_equal]
    return _chunks(left, [run.left for run in changed]), _chunks(right, [run.right for run in changed])


def _absorb_slight_equalities(runs: list[_Run], left_words: Sequence[str]) -> list[_Run]:
    """Merge each slight unchanged run, with the changes around it, into one change, until none is left.

    difflib's runs alternate between equal and changed, so an inner equal run lies between two changes.
    """
    runs = list(runs)
    position = 1
    while position < len(runs) - 1:
        before, run, after = runs[position - 1 : position + 2]
        if run.is_equal and _is_slight(run, before, after, left_words):
            merged = _Run(False, range(before.left.start, after.left.stop), range(before.right.start, after.right.stop))
            runs[position - 1 : position + 2] = [merged]
            position = max(1, position - 1)  # the bigger change may now absorb the run before it
        else:
            position += 1
    return runs


def _is_slight(run: _Run, before: _Run, after: _Run, left_words: Sequence[str]) -> bool:
    if 2 * run.size < min(before.size, after.size):
        return True
    words = [left_words[i] for i in run.left]
    return len(words) <= MAX_BRIDGED_WORDS and all(w in STOPWORDS or len(w) <= SHORT_WORD for w in words)


def _chunks(words: Words, changed_runs: list[range]) -> tuple[Chunk, ...]:
    """The text cut into unchanged and changed chunks; a changed chunk runs from the first word of a run of
    changed words to its last, with what lies between them. Runs of changed words are never adjacent (difflib
    puts an unchanged run between any two changes), so chunks alternate."""
    spans, offset = words.spans, words.offset
    changed = [(spans[run.start][0] - offset, spans[run.stop - 1][1] - offset) for run in changed_runs if run]
    return text_chunks(words.text, changed)  # an empty run: words added on the other side only


def text_chunks(text: str, changed: list[tuple[int, int]]) -> tuple[Chunk, ...]:
    """The text cut into chunks, the sorted, disjoint character spans `changed` marked as changed."""
    pieces: list[Chunk] = []
    position = 0
    for start, end in changed:
        if position < start:
            pieces.append(Chunk(text[position:start], False))
        pieces.append(Chunk(text[start:end], True))
        position = end
    if position < len(text):
        pieces.append(Chunk(text[position:], False))
    return tuple(pieces)
