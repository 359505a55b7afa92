"""Where a quote is in a text: exact, then normalised, then fuzzy, each only if the one before found nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dossier.anchor.context import Context
from dossier.anchor.exact import occurrences
from dossier.anchor.fuzzy import closest_passages, is_too_short_for_fuzzy
from dossier.anchor.normalise import NormalisedText, normalised_view
from dossier.model import AnchorMethod, Selector
from dossier.normal_form import normalise_text

QuoteStatus = Literal["found", "ambiguous", "orphaned"]


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
    """Find the selector's quote in `text`: exact, then normalised, then fuzzy (see dossier/anchor/__init__.py).

    Whitespace around the quote is never part of the span. Prefix and suffix choose among occurrences; they
    are compared normalised and without regard to whitespace.
    """
    quote = selector.exact.strip()
    if not quote:
        return _orphaned(())
    context = Context.of(selector)
    exact_spans = occurrences(text, quote, context)
    if exact_spans:
        return _decide("exact", exact_spans)
    view = normalised_view(text)
    normalised_quote = normalise_text(quote).strip()
    if not normalised_quote:
        return _orphaned(())  # nothing but invisible characters
    found = occurrences(view.text, normalised_quote, context)
    normalised_spans = [view.original_span(start, end) for start, end in found]
    if normalised_spans:
        return _decide("normalised", normalised_spans)
    return _fuzzy_match(view, normalised_quote, context, fuzzy_threshold)


def _decide(method: AnchorMethod, spans: list[tuple[int, int]]) -> QuoteMatch:
    candidates = tuple(Candidate(start, end, 1.0) for start, end in spans)
    if len(candidates) > 1:
        return QuoteMatch("ambiguous", method, 0, 0, 0.0, candidates)
    only = candidates[0]
    return QuoteMatch("found", method, only.start, only.end, 1.0, candidates)


def _orphaned(candidates: tuple[Candidate, ...]) -> QuoteMatch:
    return QuoteMatch("orphaned", None, 0, 0, 0.0, candidates)


def _fuzzy_match(view: NormalisedText, quote: str, context: Context, threshold: float) -> QuoteMatch:
    passages = closest_passages(view.text, quote, context)
    candidates = tuple(Candidate(*view.original_span(p.start, p.end), p.score) for p in passages)
    if not candidates or is_too_short_for_fuzzy(quote) or candidates[0].score < threshold:
        return _orphaned(candidates)
    best = candidates[0]
    return QuoteMatch("found", "fuzzy", best.start, best.end, best.score, candidates)
