"""What the comparison knows about each sentence: its content words, quotations, people, numbers,
annotated claims and attributions."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from dossier.compare.segment import PARAGRAPH_BREAK, Sentence
from dossier.compare.words import (
    LEFT_DOUBLE,
    LEFT_SINGLE,
    RIGHT_DOUBLE,
    RIGHT_SINGLE,
    Token,
    content_term,
    is_word,
    is_year,
    number_value,
    tokenize,
)

QUOTE_MARKS = f'"{LEFT_DOUBLE}{RIGHT_DOUBLE}{LEFT_SINGLE}{RIGHT_SINGLE}'

Span = tuple[int, int, str]  # (start, end, id): offsets into the article's text


@dataclass(frozen=True)
class Side:
    """One article, as the comparison needs it."""

    article_id: str
    text: str  # the article's plain text; paragraphs separated by a blank line
    # person id -> names and aliases, matched as whole words, case and all ("Flynn", "Flynn's")
    people: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    claims: tuple[Span, ...] = ()  # annotated claim spans
    sources: tuple[Span, ...] = ()  # annotated source attributions


@dataclass(frozen=True)
class Attributed:
    source_id: str
    text: str  # the words of the article that attribute: 'Nine "current and former officials'


@dataclass(frozen=True)
class SentenceFeatures:
    tokens: tuple[Token, ...]
    wording: tuple[str, ...]  # the words, lower-cased, without punctuation
    terms: frozenset[str]  # content-word stems and numbers ("#9"), registered people's names left out
    capitalised: frozenset[str]  # terms written with a capital past the first word: words of names
    quoted_terms: frozenset[str]  # terms inside quotation marks
    quotations: tuple[tuple[Token, ...], ...]  # the words of each quoted stretch, for verbatim runs
    people: frozenset[str]  # registered person ids named
    numbers: frozenset[str]  # counts and amounts, years left out
    claims: frozenset[str]
    attributions: tuple[Attributed, ...]


def describe_sentences(side: Side, sentences: list[Sentence], synonyms: Mapping[str, str]) -> list[SentenceFeatures]:
    quotations = find_quotations(side.text)
    names = find_names(side.text, side.people)
    terms: dict[str, str | None] = {}  # an article repeats its words: stem each once
    return [_describe(side, sentence, quotations, names, synonyms, terms) for sentence in sentences]


def _describe(
    side: Side,
    sentence: Sentence,
    quotations: list[tuple[int, int]],
    names: list[Span],
    synonyms: Mapping[str, str],
    terms_seen: dict[str, str | None],
) -> SentenceFeatures:
    tokens = tuple(tokenize(sentence.text, sentence.start))
    named = list(_overlapping(names, sentence))
    quoted = [_clip(span, sentence) for span in quotations if _overlaps(span, sentence)]
    # Names are matched as people, not as words; "Trump's" starts inside the name "Trump".
    term_of = {}
    for t in tokens:
        if named and _starts_inside_any(t, named):
            continue
        if t.key not in terms_seen:
            terms_seen[t.key] = _term(t.key, synonyms)
        term_of[t] = terms_seen[t.key]
    terms = frozenset(term for term in term_of.values() if term is not None)
    return SentenceFeatures(
        tokens=tokens,
        wording=tuple(t.key for t in tokens if is_word(t.key)),
        terms=terms or _stopword_terms(tokens),
        capitalised=_capitalised_terms(side.text, term_of),
        quoted_terms=frozenset(term for t, term in term_of.items() if term is not None and _inside_any(t, quoted)),
        quotations=tuple(_quoted_words(tokens, span) for span in quoted),
        people=frozenset(person_id for _, _, person_id in named),
        numbers=frozenset(term[1:] for term in terms if term.startswith("#") and not is_year(term)),
        claims=frozenset(claim_id for _, _, claim_id in _overlapping(side.claims, sentence)),
        attributions=tuple(
            Attributed(source_id, side.text[start:end])
            for start, end, source_id in sorted(_overlapping(side.sources, sentence))
        ),
    )


def _term(key: str, synonyms: Mapping[str, str]) -> str | None:
    number = number_value(key)
    return f"#{number}" if number is not None else content_term(key, synonyms)


def _stopword_terms(tokens: tuple[Token, ...]) -> frozenset[str]:
    """A sentence of stopwords only ("So it was.") still needs something to be matched by."""
    return frozenset(t.key for t in tokens if is_word(t.key))


def _capitalised_terms(text: str, term_of: dict[Token, str | None]) -> frozenset[str]:
    words = [(t, term) for t, term in term_of.items() if is_word(t.key)][1:]  # a first word has its capital anyway
    capitalised = [term for t, term in words if term is not None and text[t.start].isupper()]
    if 2 * len(capitalised) > len(words):
        return frozenset()  # a title in title case says nothing about which words are names
    return frozenset(capitalised)


def _quoted_words(tokens: tuple[Token, ...], span: tuple[int, int]) -> tuple[Token, ...]:
    return tuple(t for t in tokens if is_word(t.key) and _inside(t, span))


def _overlapping(spans: Iterable[Span], sentence: Sentence) -> Iterator[Span]:
    return (span for span in spans if span[0] < sentence.end and span[1] > sentence.start)


def _overlaps(span: tuple[int, int], sentence: Sentence) -> bool:
    return span[0] < sentence.end and span[1] > sentence.start


def _clip(span: tuple[int, int], sentence: Sentence) -> tuple[int, int]:
    return max(span[0], sentence.start), min(span[1], sentence.end)


def _inside(token: Token, span: tuple[int, int]) -> bool:
    return span[0] <= token.start and token.end <= span[1]


def _inside_any(token: Token, spans: list[tuple[int, int]]) -> bool:
    return any(_inside(token, span) for span in spans)


def _starts_inside_any(token: Token, spans: list[Span]) -> bool:
    return any(start <= token.start < end for start, end, _ in spans)


def find_names(text: str, people: Mapping[str, tuple[str, ...]]) -> list[Span]:
    """Where each registered person is named: whole words, possessives included, longest name first."""
    pattern, ids_by_name = _names_pattern(tuple((person_id, tuple(names)) for person_id, names in people.items()))
    if pattern is None:
        return []
    return [
        (match.start(), match.end(), person_id)
        for match in pattern.finditer(text)
        for person_id in ids_by_name[match.group()]
    ]


@functools.lru_cache(maxsize=16)
def _names_pattern(
    people: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[re.Pattern[str] | None, dict[str, list[str]]]:
    """One pattern for every name of every person (built once per registry, not once per article)."""
    ids_by_name: dict[str, list[str]] = {}
    for person_id, names in sorted(people):
        for name in names:
            if name.strip():
                ids_by_name.setdefault(name.strip(), []).append(person_id)
    if not ids_by_name:
        return None, ids_by_name
    longest_first = sorted(ids_by_name, key=lambda name: (-len(name), name))
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, longest_first)) + r")(?!\w)"), ids_by_name


def find_quotations(text: str) -> list[tuple[int, int]]:
    """The spans inside quotation marks, straight or curly, double or curly single.

    Quotes never run past a paragraph; one left open runs to the paragraph's end, as a quotation
    that goes on in the next paragraph is written. A curly apostrophe (Flynn's, Years') is no mark.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in PARAGRAPH_BREAK.finditer(text):
        spans.extend(_paragraph_quotations(text, start, match.start()))
        start = match.end()
    spans.extend(_paragraph_quotations(text, start, len(text)))
    return spans


def _paragraph_quotations(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    opened_at: int | None = None
    closing = ""
    for position in range(start, end):
        mark = text[position]
        if mark not in QUOTE_MARKS:
            continue
        if opened_at is None:
            closing = _closing_mark(text, position, start)
            if closing:
                opened_at = position + 1
        elif mark == closing and _can_close(text, position, end):
            spans.append((opened_at, position))
            opened_at = None
    if opened_at is not None:
        spans.append((opened_at, end))
    return spans


def _closing_mark(text: str, position: int, paragraph_start: int) -> str:
    """The mark that closes a quotation opened at position, or "" if the mark opens none."""
    mark = text[position]
    before = text[position - 1] if position > paragraph_start else " "
    if mark == LEFT_DOUBLE:
        return RIGHT_DOUBLE
    if mark == LEFT_SINGLE and not before.isalnum():
        return RIGHT_SINGLE
    if mark == '"' and (before.isspace() or before in "([{/-\u2013\u2014"):  # after a space, bracket, dash
        return '"'
    return ""


def _can_close(text: str, position: int, end: int) -> bool:
    after = text[position + 1] if position + 1 < end else " "
    return text[position] != RIGHT_SINGLE or not after.isalpha()  # Flynn's: an apostrophe
