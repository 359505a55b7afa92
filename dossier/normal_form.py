"""The form in which quotes, names and texts are compared: made alike, so that how a text was typed (curly or
straight quote marks, a dash or two hyphens, a non-breaking space, NFC or NFD) never decides a match.

`normalise_text` is the whole of it; anchor/normalise.py applies the same steps one by one, keeping a map back
to the original offsets, and validation compares people's names and aliases in this form.
"""

from __future__ import annotations

import re
import unicodedata


def normalise_text(text: str) -> str:
    """The text as the normalised and fuzzy steps compare it.

    Invisible format characters (soft hyphen, zero-width space, bidi marks) dropped; NFC; every Unicode space
    a plain space; curly and other quote marks straight; dashes "-"; "…" is "..."; a run of spaces is one
    space, and a run of dashes with the spaces around it is one "-": "a — b", "a--b", "a - b" are alike.
    """
    text = INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = text.translate(LOOKALIKES)
    return RUNS.sub(lambda match: run_replacement(match.group()), text)


def is_word_char(char: str) -> bool:
    """A letter, digit, "_" or combining mark: a vowel sign (Devanagari) belongs to the word it is in."""
    return char.isalnum() or char == "_" or unicodedata.category(char).startswith("M")


# The scripts written without spaces between words (Chinese characters, Japanese kana, Thai, Lao, Khmer, Burmese),
# and Korean's, whose words take their particles without one (윤석열이), as a regex character class's ranges: a
# word of one may begin or end next to any letter.
UNSPACED_SCRIPTS = (
    "\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f"
)
_UNSPACED = re.compile(f"[{UNSPACED_SCRIPTS}]")


def is_unspaced(char: str) -> bool:
    """A character of a script written without spaces between words."""
    return _UNSPACED.match(char) is not None


# Soft hyphen, zero-width space, bidi marks and controls, word joiner, BOM. Zero-width (non-)joiners stay:
# they make one emoji of several, and change how Persian is written.
INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+")
RUNS = re.compile("[ -]{2,}|\u2026")
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


LOOKALIKES = _lookalike_table()


def run_replacement(run: str) -> str:
    if run == "\u2026":
        return "..."
    return "-" if "-" in run else " "
