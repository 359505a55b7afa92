"""What anchoring tells the editor: a quote that occurs more than once, one not found, one found only roughly,
one whose prefix or suffix no longer fits, one a build had no budget left for, and an annotation that moved
because its article changed since the last build.

Where a quote and the text found differ, both are shown from a little before their first difference, cut
alike: two cut strings that look the same would hide what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping

from dossier.anchor.budget import (
    MAX_CONTEXT_CHARACTERS,
    MAX_ELIDED_PARTS,
    MAX_FUZZY_QUOTE,
    MAX_OCCURRENCES,
    MAX_OCCURRENCES_PER_BUILD,
)
from dossier.anchor.elision import elided_parts
from dossier.anchor.locate import (
    Candidate,
    MisplacedPart,
    OverBudget,
    QuoteMatch,
    StaleContext,
    TooLongForFuzzy,
    TooMany,
    TooManyParts,
)
from dossier.anchor.normalise import NormalisedText, view_of
from dossier.diagnostics import Report
from dossier.model import Annotation, Dossier, PreviousAnchor, Selector
from dossier.text import ArticleText

QUOTE_SHOWN = 70
CONTEXT_WORDS = 3
CONTEXT_WINDOW = 40 * CONTEXT_WORDS  # characters either side in which to find them
OCCURRENCES_IN_CONTEXT = 3  # an ambiguous quote's occurrences shown with the words around them; more by line
# Below this similarity the "closest passage" of an orphaned quote is noise, not a hint.
CLOSEST_WORTH_SHOWING = 0.6
DIFFERENCE_BEFORE = 30  # characters shown before the first difference between a quote and the text found
DIFFERENCE_AFTER = 30
WORD_SLACK = 20  # characters a window may grow by to take in a whole word


def report_match(annotation: Annotation, match: QuoteMatch, text: ArticleText, report: Report) -> None:
    """An error for an ambiguous or orphaned quote, a warning for a fuzzy match or a stale prefix or suffix;
    nothing for a clean one."""
    quote = _shown(annotation.selector.exact)
    reason = match.reason
    if isinstance(reason, OverBudget):
        report.error(annotation.location, _over_budget(quote, reason))
    elif match.status == "ambiguous":
        report.error(annotation.location, _ambiguous(annotation.selector, match, text))
    elif match.status == "orphaned":
        report.error(annotation.location, _orphaned(annotation.selector, match, text))
    elif isinstance(reason, StaleContext):
        report.warning(annotation.location, _stale_context(annotation.selector, match, reason, text))
    elif match.method == "fuzzy":
        report.warning(annotation.location, _fuzzy(quote, annotation.selector.exact, match, text))


def _over_budget(quote: str, reason: OverBudget) -> str:
    if reason.work == "occurrences":
        return (
            f'the quote "{quote}" was not looked for: this build already went through the '
            f"{MAX_OCCURRENCES_PER_BUILD:,} occurrences of quotes a build may (quotes that occur very often cost the "
            "most); quote longer passages, so that each occurs once"
        )
    return (
        f'the quote "{quote}" is not in the article as written, and this build has done all the searching for '
        "near-misses a build may (a few seconds' worth): copy this quote, and the other near-misses, from the "
        "articles"
    )


def _ambiguous(selector: Selector, match: QuoteMatch, text: ArticleText) -> str:
    quote, count = _shown(selector.exact), len(match.candidates)
    if isinstance(match.reason, TooMany):
        what = "has a part that occurs" if elided_parts(selector.exact) else "occurs"
        return (
            f'the quote "{quote}" {what} more than {MAX_OCCURRENCES:,} times ({_lines(match.candidates, text)}, …); '
            "quote a longer passage"
        )
    if count <= OCCURRENCES_IN_CONTEXT:
        places = "; ".join(
            f'line {text.line_of(c.start)}: "{_in_context(text.text, c.start, c.end)}"' for c in match.candidates
        )
    else:
        shown = match.candidates[:OCCURRENCES_IN_CONTEXT]
        places = f"{_lines(shown, text)}, … and {count - OCCURRENCES_IN_CONTEXT:,} more"
    if isinstance(match.reason, StaleContext):
        return (
            f'the quote "{quote}" occurs {count:,} times and its {_context_named(selector, match.reason)} '
            f"{_do(match.reason, 'fits')} none of them ({places}); correct the {' and '.join(match.reason.misfits)}"
        )
    return f'the quote "{quote}" occurs {count:,} times ({places}); add a prefix or suffix to choose one'


def _lines(candidates: tuple[Candidate, ...], text: ArticleText) -> str:
    lines = [str(text.line_of(c.start)) for c in candidates[:OCCURRENCES_IN_CONTEXT]]
    return ("line " if len(lines) == 1 else "lines ") + ", ".join(lines)


def _orphaned(selector: Selector, match: QuoteMatch, text: ArticleText) -> str:
    quote = _shown(selector.exact)
    if isinstance(match.reason, MisplacedPart):
        return _misplaced_part(selector, match.reason)
    if isinstance(match.reason, TooManyParts):
        return (
            f'the quote "{quote}" leaves text out in {match.reason.parts - 1:,} places; a quote may leave it out in '
            f"at most {MAX_ELIDED_PARTS - 1}: quote fewer, longer passages"
        )
    if isinstance(match.reason, TooLongForFuzzy):
        return (
            f'the quote "{quote}" is not in the article as written, and a quote of {len(selector.exact.strip()):,} '
            f"characters is not searched for near-misses (at most {MAX_FUZZY_QUOTE:,}): copy it from the article"
        )
    closest = match.candidates[0] if match.candidates else None
    if closest is None or closest.score < CLOSEST_WORTH_SHOWING:
        return f'the quote "{quote}" is not in the article; nothing in the article comes close'
    passage = text.text[closest.start : closest.end]
    where = f"line {text.line_of(closest.start)}, {closest.score:.0%} alike"
    difference = _difference(selector.exact, passage)
    found = f"differs from it here: {difference}" if difference else f'reads: "{_shown(passage)}"'
    return f'the quote "{quote}" is not in the article; the closest passage ({where}) {found}'


def _misplaced_part(selector: Selector, reason: MisplacedPart) -> str:
    parts = elided_parts(selector.exact)
    part = _shown(parts[reason.index])
    if reason.index == 0 or not reason.is_in_text:
        where = "is not in it"
    else:
        where = f'does not come after "{_shown(parts[reason.index - 1])}" in it'
    return (
        f'the quote "{_shown(selector.exact)}" is not in the article: its part "{part}" {where}; each part '
        "between ellipses must be the article's own words, in the article's order"
    )


def _stale_context(selector: Selector, match: QuoteMatch, reason: StaleContext, text: ArticleText) -> str:
    """Which of the prefix and suffix does not fit, and what the article has there instead."""
    has = []
    if "prefix" in reason.misfits:
        before = _words_before(text.text, match.start, min(len(selector.prefix), MAX_CONTEXT_CHARACTERS))
        has.append(f'"{_shown_end(before)}" just before it')
    if "suffix" in reason.misfits:
        after = _words_after(text.text, match.end, min(len(selector.suffix), MAX_CONTEXT_CHARACTERS))
        has.append(f'"{_shown(after)}" just after it')
    if reason.occurrences == 1:
        anchored = "there all the same"
    else:
        anchored = f"to the one of its {reason.occurrences:,} occurrences whose context is most alike"
    return (
        f"the {_context_named(selector, reason)} {_do(reason, 'does')} not fit the quote "
        f'"{_shown(selector.exact)}" (line {text.line_of(match.start)}): the article has {" and ".join(has)}; '
        f"anchored {anchored}. Update the {' and '.join(reason.misfits)} to silence this"
    )


def _words_before(text: str, position: int, size: int) -> str:
    """About `size` characters before `position`, from the start of a word."""
    start = max(0, position - size)
    while start > 0 and not text[start - 1].isspace() and position - start < size + WORD_SLACK:
        start -= 1
    return text[start:position]


def _words_after(text: str, position: int, size: int) -> str:
    """About `size` characters after `position`, to the end of a word."""
    end = min(len(text), position + size)
    while end < len(text) and not text[end].isspace() and end - position < size + WORD_SLACK:
        end += 1
    return text[position:end]


def _do(reason: StaleContext, singular: str) -> str:
    """The verb for the prefix, the suffix, or both."""
    return singular if len(reason.misfits) == 1 else {"does": "do", "fits": "fit"}[singular]


def _context_named(selector: Selector, reason: StaleContext) -> str:
    """'prefix "…"', 'suffix "…"' or both, as the editor wrote them."""
    written = {"prefix": _shown_end(selector.prefix), "suffix": _shown(selector.suffix)}
    return " and the ".join(f'{part} "{written[part]}"' for part in reason.misfits)


def _fuzzy(quote: str, exact: str, match: QuoteMatch, text: ArticleText) -> str:
    found = text.text[match.start : match.end]
    others = [c for c in match.candidates if (c.start, c.end) != (match.start, match.end)]
    competing = "".join(
        f'; also close ({c.score:.0%}, line {text.line_of(c.start)}): "{_shown(text.text[c.start : c.end])}"'
        for c in others
    )
    line, alike = text.line_of(match.start), f"{match.confidence:.0%} alike"
    difference = _difference(exact, found)
    anchored = (
        f"{alike} (line {line}), which differs from it here: {difference}"
        if difference
        else (f'{alike}: "{_shown(found)}" (line {line})')
    )
    return (
        f'the quote "{quote}" is not in the article as written; anchored to the closest text, {anchored}'
        f"{competing}. Copy the text from the article to silence this"
    )


def _difference(quote: str, found: str) -> str | None:
    """'quote "…", article "…"' around where the two first differ; None when both are short enough to show
    whole, and so to compare at a glance."""
    if max(len(" ".join(quote.split())), len(" ".join(found.split()))) <= QUOTE_SHOWN:
        return None
    ours, theirs = differing_windows(quote, found)
    return f'quote "{ours}", article "{theirs}"'


def differing_windows(first: str, second: str) -> tuple[str, str]:
    """Both texts as written (spaces made one): whole when short, else from a little before where they first
    differ (as compared: normalised) to a little after, cut alike, so that the two never look the same."""
    ours, theirs = view_of(" ".join(first.split())), view_of(" ".join(second.split()))
    if max(len(ours.original), len(theirs.original)) <= QUOTE_SHOWN:
        return ours.original, theirs.original
    if ours.text == theirs.text:  # alike once normalised: where they differ as written
        ours, theirs = NormalisedText.as_written(ours.original), NormalisedText.as_written(theirs.original)
    pairs = zip(ours.text, theirs.text, strict=False)
    differs = next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(ours.text), len(theirs.text)))
    start = max(0, differs - DIFFERENCE_BEFORE)
    if start:
        start = ours.text.find(" ", start, differs) + 1 or start  # at a word's start, when there is one
    return _window(ours, start, differs), _window(theirs, start, differs)


def _window(view: NormalisedText, start: int, differs: int) -> str:
    """The original text of view.text[start:differs + DIFFERENCE_AFTER], with "…" where it is cut."""
    end = min(len(view.text), differs + DIFFERENCE_AFTER)
    if end < len(view.text):
        end = max(view.text.rfind(" ", differs + 1, end), differs + 1)  # at a word's end, when there is one
    original_start, original_end = view.original_span(start, end)
    cut_before = "…" if original_start > 0 else ""
    cut_after = "…" if original_end < len(view.original) else ""
    return cut_before + view.original[original_start:original_end] + cut_after


def report_moved_anchors(
    dossier: Dossier, texts: dict[str, ArticleText], previous: Mapping[tuple[str, str], PreviousAnchor], report: Report
) -> None:
    """Warn where an article's text changed since the last build and an annotation now covers other words."""
    for article in dossier.articles.values():
        text = texts[article.id].text
        for annotation in article.annotations:
            before = previous.get((article.id, annotation.id))
            anchor = annotation.anchor
            if before is None or anchor is None or before.text_hash == anchor.text_hash:
                continue
            now = text[anchor.start : anchor.end]
            if now != before.exact_text:
                method = f"{anchor.method}, {anchor.confidence:.0%}"
                was, is_now = differing_windows(before.exact_text, now)
                report.warning(
                    annotation.location,
                    f'the article changed since the last build and this annotation moved: it was on "{was}", '
                    f'it is now on "{is_now}" ({method}); check it still says what you meant',
                )


def _shown(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_SHOWN else flat[: QUOTE_SHOWN - 1] + "…"


def _shown_end(text: str) -> str:
    """The end of the text (what lies nearest what follows it), cut at the start when long."""
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_SHOWN else "…" + flat[-(QUOTE_SHOWN - 1) :]


def _in_context(text: str, start: int, end: int) -> str:
    """The occurrence with a few words either side, the occurrence itself in [brackets]. Only a window either
    side is split into words: splitting all the text before each of thousands of occurrences was quadratic."""
    before = text[max(0, start - CONTEXT_WINDOW) : start].split()[-CONTEXT_WORDS:]
    after = text[end : end + CONTEXT_WINDOW].split()[:CONTEXT_WORDS]
    return " ".join([*before, f"[{_shown(text[start:end])}]", *after])
