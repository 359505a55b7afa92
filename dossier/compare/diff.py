"""A word-level diff of two paired sentences, cleaned up to read as changed phrases.

difflib aligns the two word sequences. Then an unchanged stretch between two changes becomes part
of one changed phrase when each change around it is more than twice its length (a word or two
that happen to match amid a rewrite mislead; diff-match-patch's semantic cleanup has the same
idea, less strict), or when it is one or two short or stop words: "the penalties on Russia"
against "new sanctions on Moscow" is one changed phrase, not three changed words.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import NamedTuple

from dossier.compare.words import STOPWORDS, Token, is_word, tokenize

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


def diff_words(left: str, right: str) -> tuple[tuple[Chunk, ...], tuple[Chunk, ...]]:
    """Chunks of each text, in order; joined, each side's chunks give back its text exactly."""
    # Words only: punctuation and quotation marks go with the words around them, so moving a quote
    # mark ("not to overreact" against not to "overreact") changes nothing.
    left_words = [t for t in tokenize(left) if is_word(t.key)]
    right_words = [t for t in tokenize(right) if is_word(t.key)]
    matcher = SequenceMatcher(None, [t.key for t in left_words], [t.key for t in right_words], autojunk=False)
    runs = [_Run(tag == "equal", range(i1, i2), range(j1, j2)) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]
    runs = _absorb_slight_equalities(runs, left_words)
    left_changed = [True] * len(left_words)
    right_changed = [True] * len(right_words)
    for run in runs:
        if run.is_equal:
            for i in run.left:
                left_changed[i] = False
            for j in run.right:
                right_changed[j] = False
    return _chunks(left, left_words, left_changed), _chunks(right, right_words, right_changed)


def _absorb_slight_equalities(runs: list[_Run], left_words: list[Token]) -> list[_Run]:
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


def _is_slight(run: _Run, before: _Run, after: _Run, left_words: list[Token]) -> bool:
    if 2 * run.size < min(before.size, after.size):
        return True
    words = [left_words[i].key for i in run.left]
    return len(words) <= MAX_BRIDGED_WORDS and all(w in STOPWORDS or len(w) <= SHORT_WORD for w in words)


def _chunks(text: str, words: list[Token], changed: list[bool]) -> tuple[Chunk, ...]:
    pieces: list[Chunk] = []
    position = 0
    for word, is_changed in zip(words, changed, strict=True):
        # What lies between words (spaces, punctuation) is unchanged, unless inside a changed phrase.
        between = text[position : word.start]
        if is_changed and pieces and pieces[-1].changed:
            pieces[-1] = Chunk(pieces[-1].text + between + text[word.start : word.end], True)
        else:
            _append(pieces, Chunk(between, False))
            _append(pieces, Chunk(text[word.start : word.end], is_changed))
        position = word.end
    _append(pieces, Chunk(text[position:], False))
    return tuple(pieces)


def _append(pieces: list[Chunk], chunk: Chunk) -> None:
    """Add a chunk, joining it to the last one if they are alike."""
    if not chunk.text:
        return
    if pieces and pieces[-1].changed == chunk.changed:
        pieces[-1] = Chunk(pieces[-1].text + chunk.text, chunk.changed)
    else:
        pieces.append(chunk)
