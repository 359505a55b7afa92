"""A selector's prefix and suffix as matching compares them, and whether the text around a span fits them.

Both are compared normalised and without spaces, so whitespace never decides between occurrences, and only
their MAX_CONTEXT_CHARACTERS nearest the quote: a context long enough to fill the article would otherwise be
compared at every occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from dossier.anchor.budget import MAX_CONTEXT_CHARACTERS
from dossier.model import Selector
from dossier.normal_form import normalise_text


@dataclass(frozen=True)
class Context:
    """The selector's prefix and suffix, normalised and without spaces, so whitespace never decides."""

    prefix: str
    suffix: str

    @classmethod
    def of(cls, selector: Selector) -> Context:
        prefix = _squeeze(normalise_text(selector.prefix))[-MAX_CONTEXT_CHARACTERS:]
        return cls(prefix, _squeeze(normalise_text(selector.suffix))[:MAX_CONTEXT_CHARACTERS])

    @property
    def is_given(self) -> bool:
        return bool(self.prefix or self.suffix)


NO_CONTEXT = Context("", "")


def _squeeze(text: str) -> str:
    return text.replace(" ", "")


def context_fits(text: str, start: int, end: int, context: Context) -> bool:
    return not misfits(text, start, end, context)


def misfits(text: str, start: int, end: int, context: Context) -> tuple[str, ...]:
    """Which of "prefix" and "suffix" the text around text[start:end] does not fit."""
    wrong = []
    if context.prefix and not squeezed_before(text, start, len(context.prefix)).endswith(context.prefix):
        wrong.append("prefix")
    if context.suffix and not squeezed_after(text, end, len(context.suffix)).startswith(context.suffix):
        wrong.append("suffix")
    return tuple(wrong)


def context_similarity(text: str, start: int, end: int, context: Context) -> float:
    """How alike (0 to 1) the text around text[start:end] is to the prefix and suffix given."""
    similarities = []
    if context.prefix:
        before = squeezed_before(text, start, len(context.prefix))[-len(context.prefix) :]
        similarities.append(fuzz.ratio(context.prefix, before) / 100)
    if context.suffix:
        after = squeezed_after(text, end, len(context.suffix))[: len(context.suffix)]
        similarities.append(fuzz.ratio(context.suffix, after) / 100)
    return sum(similarities) / len(similarities) if similarities else 1.0


# A window wider than this many times what it must hold is mostly whitespace; in the normalised view, where a
# run of spaces is one, a window never needs more. Capping it keeps each occurrence's check short.
_MOSTLY_SPACE = 4


def squeezed_before(text: str, position: int, size: int) -> str:
    """The normalised, space-less text before `position`: at least `size` characters of it if there are, within
    a window a few times that size."""
    width = size + 16
    while True:
        window_start = max(0, position - width)
        squeezed = _squeeze(normalise_text(text[window_start:position]))
        if len(squeezed) >= size or window_start == 0 or width > _MOSTLY_SPACE * size + 64:
            return squeezed
        width *= 2  # a window that was mostly whitespace


def squeezed_after(text: str, position: int, size: int) -> str:
    width = size + 16
    while True:
        window_end = min(len(text), position + width)
        squeezed = _squeeze(normalise_text(text[position:window_end]))
        if len(squeezed) >= size or window_end == len(text) or width > _MOSTLY_SPACE * size + 64:
            return squeezed
        width *= 2
