"""Where a quote is in a text: exact, then normalised, then (for a quote with an ellipsis) its parts, then fuzzy,
each only if the ones before found nothing.

A prefix or suffix chooses among occurrences. When it fits none but the quote is there, the quote is anchored
where it is (of several occurrences, where the context is clearly most alike) and the match says which part of
the context no longer fits, instead of sending the quote to the fuzzy step as if its own words were wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from dossier.anchor.budget import MAX_ELIDED_PARTS, MAX_FUZZY_QUOTE, Budget
from dossier.anchor.context import NO_CONTEXT, Context, context_similarity, misfits
from dossier.anchor.elision import elided_parts, elided_spans, first_part_out_of_place
from dossier.anchor.exact import Occurrences, occurrences
from dossier.anchor.fuzzy import CONTEXT_WEIGHT, RUNNER_UP_MARGIN, closest_passages, is_too_short_for_fuzzy
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
class TooMany:
    """The quote (or a part of an elided one) occurs more than MAX_OCCURRENCES times; the first are listed."""


@dataclass(frozen=True)
class OverBudget:
    """The build's budget for this kind of work was spent before the quote could be looked for."""

    work: Literal["occurrences", "fuzzy"]


@dataclass(frozen=True)
class StaleContext:
    """The quote is in the text, but its prefix or suffix fits no occurrence of it."""

    misfits: tuple[str, ...]  # "prefix", "suffix": those that do not fit where the quote was anchored
    occurrences: int  # of the quote without its context


@dataclass(frozen=True)
class MisplacedPart:
    """An elided quote whose part (by index) is not in the text after the parts before it, or not at all."""

    index: int
    is_in_text: bool


@dataclass(frozen=True)
class TooManyParts:
    """An elided quote with more than MAX_ELIDED_PARTS parts: not looked for part by part."""

    parts: int


@dataclass(frozen=True)
class TooLongForFuzzy:
    """The quote is longer than MAX_FUZZY_QUOTE and not in the text as written: it was not searched fuzzily."""


Reason = TooMany | OverBudget | StaleContext | MisplacedPart | TooManyParts | TooLongForFuzzy


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote is. `start`/`end` are valid only when found; otherwise 0 and confidence 0.0.

    candidates: found exact/normalised: the one occurrence; ambiguous: every occurrence (the first
    MAX_OCCURRENCES); fuzzy: the best passage first, then competing runners-up; orphaned: the closest
    passage(s), best first. `reason` says what the editor should hear beyond the status.
    """

    status: QuoteStatus
    method: AnchorMethod | None  # for ambiguous: the step that found the occurrences
    start: int
    end: int
    confidence: float
    candidates: tuple[Candidate, ...]
    reason: Reason | None = None

    @property
    def is_found(self) -> bool:
        return self.status == "found"


@dataclass(frozen=True)
class _Found:
    method: AnchorMethod
    occurrences: Occurrences  # spans in the original text


# Finds a quote's spans with a given context: the quote itself, or the parts of an elided one.
_Finder = Callable[[Context], _Found]


def locate_quote(
    text: str, selector: Selector, *, fuzzy_threshold: float = 0.85, budget: Budget | None = None
) -> QuoteMatch:
    """Find the selector's quote in `text` (see the module's docstring), spending from `budget` (a build's
    budget; by default a whole one for this quote).

    Whitespace around the quote is never part of the span. Prefix and suffix choose among occurrences; they
    are compared normalised and without regard to whitespace.
    """
    budget = budget if budget is not None else Budget()
    quote = selector.exact.strip()
    normalised_quote = normalise_text(quote).strip()
    if not normalised_quote:
        return _orphaned(())  # empty, or nothing but invisible characters
    context = Context.of(selector)
    view = normalised_view(text)
    match = _anchored(text, context, lambda around: _quote_found(view, quote, normalised_quote, around, budget))
    if match:
        return match
    parts = elided_parts(quote)
    if len(parts) > MAX_ELIDED_PARTS:
        return _orphaned((), TooManyParts(len(parts)))
    if parts:
        match = _anchored(text, context, lambda around: _parts_found(view, parts, around, budget))
        return match or _orphaned((), MisplacedPart(*first_part_out_of_place(view.text, _normalised(parts), budget)))
    return _fuzzy_match(view, normalised_quote, context, fuzzy_threshold, budget)


def _anchored(text: str, context: Context, find: _Finder) -> QuoteMatch | None:
    """The match with the context; else, with a context given, where the quote is without it."""
    found = find(context)
    if found.occurrences.spans or found.occurrences.stopped:
        return _decided(found)
    if context.is_given:
        bare = find(NO_CONTEXT)
        if bare.occurrences.spans or bare.occurrences.stopped:
            return _with_stale_context(text, bare, context)
    return None


def _quote_found(view: NormalisedText, quote: str, normalised_quote: str, context: Context, budget: Budget) -> _Found:
    exact = occurrences(view.original, quote, context, budget)
    if exact.spans or exact.stopped:
        return _Found("exact", exact)
    return _Found("normalised", _mapped_back(view, occurrences(view.text, normalised_quote, context, budget)))


def _parts_found(view: NormalisedText, parts: list[str], context: Context, budget: Budget) -> _Found:
    exact = elided_spans(view.original, parts, context, budget)
    if exact.spans or exact.stopped:
        return _Found("exact", exact)
    return _Found("normalised", _mapped_back(view, elided_spans(view.text, _normalised(parts), context, budget)))


def _normalised(parts: list[str]) -> list[str]:
    return [normalise_text(part).strip() or part for part in parts]


def _mapped_back(view: NormalisedText, found: Occurrences) -> Occurrences:
    return Occurrences([view.original_span(start, end) for start, end in found.spans], found.stopped)


def _decided(found: _Found) -> QuoteMatch:
    spans, stopped = found.occurrences.spans, found.occurrences.stopped
    if stopped == "build":
        return _orphaned((), OverBudget("occurrences"))
    candidates = tuple(Candidate(start, end, 1.0) for start, end in spans)
    if stopped == "quote":
        return QuoteMatch("ambiguous", found.method, 0, 0, 0.0, candidates, TooMany())
    if len(candidates) > 1:
        return QuoteMatch("ambiguous", found.method, 0, 0, 0.0, candidates)
    only = candidates[0]
    return QuoteMatch("found", found.method, only.start, only.end, 1.0, candidates)


def _with_stale_context(text: str, found: _Found, context: Context) -> QuoteMatch:
    """The quote is there, but its context fits none of its occurrences: anchored where the context is clearly
    most alike (the only occurrence, or one ahead of the others by RUNNER_UP_MARGIN), else ambiguous."""
    if found.occurrences.stopped:
        return _decided(found)
    spans = found.occurrences.spans
    given = tuple(part for part, written in (("prefix", context.prefix), ("suffix", context.suffix)) if written)
    scored = sorted(((context_similarity(text, *span, context), span) for span in spans), key=lambda s: -s[0])
    best, (start, end) = scored[0]
    if len(scored) > 1 and best - scored[1][0] < RUNNER_UP_MARGIN:
        every = tuple(Candidate(*span, 1.0) for span in spans)
        return QuoteMatch("ambiguous", found.method, 0, 0, 0.0, every, StaleContext(given, len(spans)))
    confidence = (1 - CONTEXT_WEIGHT) + CONTEXT_WEIGHT * best
    stale = StaleContext(misfits(text, start, end, context) or given, len(spans))
    return QuoteMatch("found", found.method, start, end, confidence, (Candidate(start, end, confidence),), stale)


def _orphaned(candidates: tuple[Candidate, ...], reason: Reason | None = None) -> QuoteMatch:
    return QuoteMatch("orphaned", None, 0, 0, 0.0, candidates, reason)


def _fuzzy_match(view: NormalisedText, quote: str, context: Context, threshold: float, budget: Budget) -> QuoteMatch:
    if len(quote) > MAX_FUZZY_QUOTE:
        return _orphaned((), TooLongForFuzzy())
    search = closest_passages(view.text, quote, context, budget)
    if search.ran_out:
        return _orphaned((), OverBudget("fuzzy"))
    candidates = tuple(Candidate(*view.original_span(p.start, p.end), p.score) for p in search.passages)
    if not candidates or is_too_short_for_fuzzy(quote) or candidates[0].score < threshold:
        return _orphaned(candidates)
    best = candidates[0]
    return QuoteMatch("found", "fuzzy", best.start, best.end, best.score, candidates)
