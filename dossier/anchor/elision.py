"""Quotes with an elision: "The reason for the energy shortfall is high heat … stay cool." quotes the article's
words before and after the ellipsis, and leaves out what lies between them.

An ellipsis (`…`, `...`, `. . .`, each also in square brackets) cuts a quote that is not in the article as
written into parts. Each part must be in the article as written (or normalised), in the quote's order; the
quote is anchored as one span from the start of the first part to the end of the last, what was left out
included. The prefix must fit before the first part and the suffix after the last. Where the parts could be
placed in several ways, only the tightest count: for each place where the last part can end, the placing whose
first part starts latest. A quote that begins or ends with an ellipsis is the rest of it.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from dossier.anchor.budget import Budget
from dossier.anchor.context import Context
from dossier.anchor.exact import Occurrences, occurrences

ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:…|\.(?:\s?\.){2,})\s*\]|…|\.(?:\s?\.){2,})\s*")


def elided_parts(quote: str) -> list[str]:
    """The parts an ellipsis cuts `quote` into; [] when it has no ellipsis (or nothing but ellipses)."""
    if not ELLIPSIS.search(quote):
        return []
    return [part for part in (piece.strip() for piece in ELLIPSIS.split(quote)) if part]


def elided_spans(text: str, parts: list[str], context: Context, budget: Budget) -> Occurrences:
    """The tightest spans of `text` holding every part in order, the context fitting around them."""
    found = []
    for index, part in enumerate(parts):
        is_first, is_last = index == 0, index == len(parts) - 1
        around = Context(context.prefix if is_first else "", context.suffix if is_last else "")
        spans = occurrences(text, part, around, budget)
        if spans.stopped:
            return Occurrences([], spans.stopped)
        found.append(spans.spans)
    return Occurrences(_tightest(found))


def _tightest(spans_by_part: list[list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """Of the placings that end at one place, the one whose first part starts latest (occurrences come in
    order, so a later start replaces an earlier one)."""
    starts_by_part = [[start for start, _ in spans] for spans in spans_by_part]
    start_for_end: dict[int, int] = {}
    for first_start, first_end in spans_by_part[0]:
        end = _nearest_placing_end(first_end, spans_by_part[1:], starts_by_part[1:])
        if end is not None:
            start_for_end[end] = first_start
    return sorted((start, end) for end, start in start_for_end.items())


def _nearest_placing_end(
    reached: int, spans_by_part: list[list[tuple[int, int]]], starts_by_part: list[list[int]]
) -> int | None:
    """Where the parts end when each is taken at its first occurrence after the one before; None if one is
    not there."""
    for spans, starts in zip(spans_by_part, starts_by_part, strict=True):
        following = bisect_left(starts, reached)
        if following == len(spans):
            return None
        reached = spans[following][1]
    return reached


def first_part_out_of_place(text: str, parts: list[str], budget: Budget) -> tuple[int, bool]:
    """The index of the first part that does not follow the parts before it in `text`, and whether it is in
    `text` at all."""
    reached = 0
    for index, part in enumerate(parts):
        spans = occurrences(text, part, Context("", ""), budget).spans
        ends = [end for start, end in spans if start >= reached]
        if not ends:
            return index, bool(spans)
        reached = min(ends)
    return len(parts) - 1, True  # all in place after all (a budget cut the search short): blame the last
