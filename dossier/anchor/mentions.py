"""Mentions of people: every whole-word occurrence of a registered name or alias, in the normalised view."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from dossier.anchor.normalise import normalised_view
from dossier.model import Person
from dossier.normal_form import is_word_char, normalise_text


def find_mentions(text: str, people: Iterable[Person]) -> list[tuple[str, int, int]]:
    """(person_id, start, end) of every whole-word occurrence of a name or alias, sorted by start.

    Longest name first and non-overlapping; case-sensitive; a possessive ("Flynn's") mentions the name alone;
    whitespace inside a name may be any run of whitespace. A name shared by two people belongs to the one
    registered first.
    """
    owners = _owners_of(tuple((person.id, person.names) for person in people))
    if not owners:
        return []
    view = normalised_view(text)
    mentions = []
    for match in _names_pattern(tuple(owners)).finditer(view.text):
        if _is_inside_a_word(view.text, *match.span()):
            continue
        start, end = view.original_span(*match.span())
        mentions.append((owners[match.group()], start, end))
    return mentions


def _is_inside_a_word(text: str, start: int, end: int) -> bool:
    # The regex's \w knows letters, not marks: in Devanagari "राम" is not a word of "रामा".
    return (start > 0 and is_word_char(text[start - 1])) or (end < len(text) and is_word_char(text[end]))


@functools.lru_cache(maxsize=8)
def _owners_of(people: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, str]:
    """Each normalised name's person (the first registered), once per registry rather than once per article."""
    owners: dict[str, str] = {}
    for person_id, names in people:
        for name in names:
            key = normalise_text(name).strip()
            if key:
                owners.setdefault(key, person_id)
    return owners


@functools.lru_cache(maxsize=32)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so at any position "Michael Flynn" wins over "Flynn". Never after a letter and an
    # apostrophe ("O'Flynn" is not Flynn); a possessive's "'s" follows the name, outside the span.
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?<!\w')(?:{alternatives})(?!\w)")
