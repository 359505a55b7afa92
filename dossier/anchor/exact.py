"""Every occurrence of a quote in a text (the original or its normalised view) that the context fits."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from dossier.anchor.budget import MAX_OCCURRENCES, Budget
from dossier.anchor.context import Context, context_fits

_ZWJ = "\u200d"  # joins emoji into one (man, ZWJ, woman, ZWJ, girl: a family)

Stop = Literal["quote", "build"]  # why a search ended before the end of the text: which budget it reached


@dataclass(frozen=True)
class Occurrences:
    """The spans found, in order; `stopped` says which budget ended the search early, if one did."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    stopped: Stop | None = None


def occurrences(text: str, quote: str, context: Context, budget: Budget) -> Occurrences:
    """Every occurrence of `quote` (overlapping ones too) made of whole characters that the context fits; the
    search stops after MAX_OCCURRENCES of them, or when the build's budget is spent."""
    spans: list[tuple[int, int]] = []
    examined = 0
    start = text.find(quote)
    while start >= 0:
        if examined == MAX_OCCURRENCES or budget.occurrences == 0:
            return Occurrences(spans, "quote" if examined == MAX_OCCURRENCES else "build")
        examined += 1
        budget.occurrences -= 1
        end = start + len(quote)
        if not _splits_a_character(text, start, end) and context_fits(text, start, end, context):
            spans.append((start, end))
        start = text.find(quote, start + 1)
    return Occurrences(spans)


def _splits_a_character(text: str, start: int, end: int) -> bool:
    """Whether the span cuts a letter from its accents ("e" in a decomposed "é") or an emoji sequence."""
    return _continues_character(text, start) or _continues_character(text, end)


def _continues_character(text: str, i: int) -> bool:
    if not 0 < i < len(text):
        return False
    char = text[i]
    is_skin_tone = "\U0001f3fb" <= char <= "\U0001f3ff"
    return unicodedata.category(char).startswith("M") or is_skin_tone or _ZWJ in (char, text[i - 1])
