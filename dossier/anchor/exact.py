"""Every occurrence of a quote in a text (the original or its normalised view) that the context fits."""

from __future__ import annotations

import unicodedata

from dossier.anchor.context import Context, context_fits

_ZWJ = "\u200d"  # joins emoji into one (man, ZWJ, woman, ZWJ, girl: a family)


def occurrences(text: str, quote: str, context: Context) -> list[tuple[int, int]]:
    """Every occurrence of `quote` (overlapping ones too) made of whole characters that the context fits."""
    spans = []
    start = text.find(quote)
    while start >= 0:
        end = start + len(quote)
        if not _splits_a_character(text, start, end) and context_fits(text, start, end, context):
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
