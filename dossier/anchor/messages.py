"""What anchoring tells the editor: a quote that occurs more than once, one not found, one found only roughly,
and an annotation that moved because its article changed since the last build."""

from __future__ import annotations

from collections.abc import Mapping

from dossier.anchor.locate import QuoteMatch
from dossier.diagnostics import Report
from dossier.model import Annotation, Dossier, PreviousAnchor
from dossier.text import ArticleText

QUOTE_SHOWN = 70
CONTEXT_WORDS = 3
# Below this similarity the "closest passage" of an orphaned quote is noise, not a hint.
CLOSEST_WORTH_SHOWING = 0.6


def report_match(annotation: Annotation, match: QuoteMatch, text: ArticleText, report: Report) -> None:
    """An error for an ambiguous or orphaned quote, a warning for a fuzzy match; nothing for a clean one."""
    quote = _shown(annotation.selector.exact)
    if match.status == "ambiguous":
        places = "; ".join(
            f'line {text.line_of(c.start)}: "{_in_context(text.text, c.start, c.end)}"' for c in match.candidates
        )
        report.error(
            annotation.location,
            f'the quote "{quote}" occurs {len(match.candidates)} times ({places}); '
            "add a prefix or suffix to choose one",
        )
    elif match.status == "orphaned":
        closest = match.candidates[0] if match.candidates else None
        hint = (
            f"; the closest passage (line {text.line_of(closest.start)}, {closest.score:.0%} alike) reads: "
            f'"{_shown(text.text[closest.start : closest.end])}"'
            if closest and closest.score >= CLOSEST_WORTH_SHOWING
            else "; nothing in the article comes close"
        )
        report.error(annotation.location, f'the quote "{quote}" is not in the article{hint}')
    elif match.method == "fuzzy":
        found = f'"{_shown(text.text[match.start : match.end])}" (line {text.line_of(match.start)})'
        others = [c for c in match.candidates if (c.start, c.end) != (match.start, match.end)]
        competing = "".join(
            f'; also close ({c.score:.0%}, line {text.line_of(c.start)}): "{_shown(text.text[c.start : c.end])}"'
            for c in others
        )
        report.warning(
            annotation.location,
            f'the quote "{quote}" is not in the article as written; anchored to the closest text, '
            f"{match.confidence:.0%} alike: {found}{competing}. Copy the text from the article to silence this",
        )


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
                was, method = _shown(before.exact_text), f"{anchor.method}, {anchor.confidence:.0%}"
                report.warning(
                    annotation.location,
                    f'the article changed since the last build and this annotation moved: it was on "{was}", '
                    f'it is now on "{_shown(now)}" ({method}); check it still says what you meant',
                )


def _shown(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_SHOWN else flat[: QUOTE_SHOWN - 1] + "…"


def _in_context(text: str, start: int, end: int) -> str:
    """The occurrence with a few words either side, the occurrence itself in [brackets]."""
    before = text[:start].split()[-CONTEXT_WORDS:]
    after = text[end:].split()[:CONTEXT_WORDS]
    return " ".join([*before, f"[{_shown(text[start:end])}]", *after])
