"""Mentions of people: every whole-word occurrence of a registered name or alias, in the normalised view."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from dossier.anchor.normalise import normalised_view
from dossier.model import Person
from dossier.normal_form import UNSPACED_SCRIPTS, is_unspaced, is_word_char, normalise_text


def find_mentions(text: str, people: Iterable[Person]) -> list[tuple[str, int, int]]:
    """(person_id, start, end) of every whole-word occurrence of a name or alias, sorted by start. In a script
    written without spaces (Chinese, Japanese, Thai...) every occurrence is one.

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
    return (start > 0 and _joins(text[start - 1], text[start])) or (
        end < len(text) and _joins(text[end - 1], text[end])
    )


def _joins(before: str, after: str) -> bool:
    """Whether two characters side by side are of one word: word characters, neither of a script written without
    spaces (in Chinese "习近平指示" names 习近平, with no space to tell where the name ends)."""
    return is_word_char(before) and is_word_char(after) and not (is_unspaced(before) or is_unspaced(after))


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
    # Never after a letter and an apostrophe ("O'Flynn" is not Flynn); a possessive's "'s" follows the name,
    # outside the span.
    # A word character next to a name ends it only outside the scripts written without spaces; whether the name's
    # own first or last character is of one is left to _is_inside_a_word.
    return re.compile(rf"(?<![^\W{UNSPACED_SCRIPTS}])(?<!\w')(?:{_trie_pattern(names)})(?![^\W{UNSPACED_SCRIPTS}])")


# The names as a trie ("Mi(?:chael(?: Flynn)?|ke)"), not one alternative per name: the regex engine would try
# every alternative at every position (10,000 names over a 1 MB article took 17 s); a trie costs a step per
# character some name starts with. At each branch the longer names come before the one ending there, so at any
# position the longest name that ends a word wins: "Michael Flynn" over "Michael", as alternatives sorted
# longest first did.
_END = ""  # a key no character makes: a name ends at this node
_MAX_NESTING = 40  # deeper, the regex compiler's recursion runs out: what lies below is listed as alternatives
_Trie = dict[str, "_Trie"]


def _trie_pattern(names: Iterable[str]) -> str:
    trie: _Trie = {}
    for name in names:
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[_END] = {}
    return _alternatives(trie, 0)


def _alternatives(node: _Trie, nesting: int) -> str:
    """A regex for the names below `node`, the longer first wherever two share a beginning."""
    if nesting >= _MAX_NESTING:
        return "|".join(re.escape(rest) for rest in sorted(_endings(node), key=len, reverse=True))
    branches = []
    for char in sorted(key for key in node if key != _END):
        run, below = [char], node[char]
        while len(below) == 1 and _END not in below:  # no branch and no name ends: one literal run
            ((char, below),) = below.items()
            run.append(char)
        rest = "" if list(below) == [_END] else f"(?:{_alternatives(below, nesting + 1)})"
        branches.append(re.escape("".join(run)) + (f"{rest}?" if rest and _END in below else rest))
    return "|".join(branches)


def _endings(node: _Trie) -> list[str]:
    """Every name's remainder below `node` ("" for a name that ends there)."""
    endings, pending = [], [("", node)]
    while pending:
        prefix, here = pending.pop()
        endings += [prefix] if _END in here else []
        pending += [(prefix + char, below) for char, below in here.items() if char != _END]
    return endings
