"""A selector's prefix and suffix as matching compares them, and whether the text around a span fits them.

Both are compared normalised and without spaces, so whitespace never decides between occurrences.
"""

from __future__ import annotations

from dataclasses import dataclass

from dossier.model import Selector
from dossier.normal_form import normalise_text


@dataclass(frozen=True)
class Context:
    """The selector's prefix and suffix, normalised and without spaces, so whitespace never decides."""

    prefix: str
    suffix: str

    @classmethod
    def of(cls, selector: Selector) -> Context:
        return cls(_squeeze(normalise_text(selector.prefix)), _squeeze(normalise_text(selector.suffix)))

    @property
    def is_given(self) -> bool:
        return bool(self.prefix or self.suffix)


def _squeeze(text: str) -> str:
    return text.replace(" ", "")


def context_fits(text: str, start: int, end: int, context: Context) -> bool:
    before = squeezed_before(text, start, len(context.prefix)) if context.prefix else ""
    after = squeezed_after(text, end, len(context.suffix)) if context.suffix else ""
    return before.endswith(context.prefix) and after.startswith(context.suffix)


def squeezed_before(text: str, position: int, size: int) -> str:
    """The normalised, space-less text before `position`: at least `size` characters of it if there are."""
    width = size + 16
    while True:
        window_start = max(0, position - width)
        squeezed = _squeeze(normalise_text(text[window_start:position]))
        if len(squeezed) >= size or window_start == 0:
            return squeezed
        width *= 2  # a window that was mostly whitespace


def squeezed_after(text: str, position: int, size: int) -> str:
    width = size + 16
    while True:
        window_end = min(len(text), position + width)
        squeezed = _squeeze(normalise_text(text[position:window_end]))
        if len(squeezed) >= size or window_end == len(text):
            return squeezed
        width *= 2
