"""What the comparison knows about each sentence: its content words, quotations, people, numbers,
annotated claims and attributions."""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from dossier.compare.segment import PARAGRAPH_BREAK, Sentence
from dossier.compare.words import (
    LEFT_DOUBLE,
    LEFT_SINGLE,
    RIGHT_DOUBLE,
    RIGHT_SINGLE,
    TOKEN,
    Token,
    content_term,
    is_dating,
    is_name_number,
    is_word,
    normal_key,
    number_terms,
    number_value,
)
from dossier.normal_form import UNSPACED_SCRIPTS
from dossier.slotted import Slotted

QUOTE_MARKS = f'"{LEFT_DOUBLE}{RIGHT_DOUBLE}{LEFT_SINGLE}{RIGHT_SINGLE}'
QUOTE_MARK = re.compile(f"[{QUOTE_MARKS}]")
MAX_QUOTATIONS = 20  # of one sentence, that the comparison reads (see _describe)

Span = tuple[int, int, str]  # (start, end, id): offsets into the article's text
_Meaning = tuple[str, str | None, bool]  # (key, term, is a word): what a token counts as
_Token = tuple[int, int, _Meaning]  # (start, end, meaning): a Token and what it counts as


@dataclass(frozen=True)
class Side:
    """One article, as the comparison needs it."""

    article_id: str
    text: str  # the article's plain text; paragraphs separated by a blank line
    # person id -> names and aliases, matched as whole words, case and all ("Flynn", "Flynn's")
    people: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    claims: tuple[Span, ...] = ()  # annotated claim spans
    sources: tuple[Span, ...] = ()  # annotated source attributions
    language: str | None = None  # as the article's front matter gives it; None: read from its text (language.py)


@dataclass(frozen=True, slots=True)
class Attributed(Slotted):
    source_id: str
    text: str  # the words of the article that attribute: 'Nine "current and former officials'


@dataclass(frozen=True)
class SentenceFeatures:
    wording: tuple[str, ...]  # the words, lower-cased, without punctuation
    terms: frozenset[str]  # content-word stems and numbers ("#9"), registered people's names left out
    word_terms: frozenset[str]  # the terms less the numbers: what the wording signal compares
    capitalised: frozenset[str]  # terms written with a capital past the first word: words of names
    # Whether the sentence's case tells names from words (not in title case, nor a name alone), and the first
    # word's term, whose capital tells nothing: what weighing needs to count the terms written in lower case.
    is_cased: bool
    first_term: str | None
    is_label: bool  # a line that states nothing: a heading, a list's item, a credit (is_label)
    quoted_terms: frozenset[str]  # terms inside quotation marks
    quotations: tuple[tuple[Token, ...], ...]  # the words of each quoted stretch, for verbatim runs
    people: frozenset[str]  # registered person ids named
    numbers: frozenset[str]  # counts and amounts; years, times and dates left out (words.is_dating)
    claims: frozenset[str]
    attributions: tuple[Attributed, ...]


class Vocabulary:
    """What each token counts as under one synonym table: its key, its term (None for stopwords, numbers aside,
    and punctuation) and whether it is a word. Articles share most of their words, so it is kept across articles."""

    MAX_TOKENS = 200_000  # a long `dossier serve` session meets new words; start again past this many

    def __init__(self, synonyms: Mapping[str, str]) -> None:
        self.synonyms = synonyms
        self.known: dict[str, _Meaning] = {}  # token -> (key, term, is a word)

    def learn(self, token: str) -> _Meaning:
        if len(self.known) >= self.MAX_TOKENS:
            self.known.clear()
        key = normal_key(token)
        found = self.known[token] = (key, _term(key, self.synonyms), is_word(key))
        return found


def describe_sentences(side: Side, sentences: list[Sentence], vocabulary: Vocabulary) -> list[SentenceFeatures]:
    quotations = _InTextOrder(find_quotations(side.text))
    names = _InTextOrder(find_names(side.text, side.people))
    expansions = _InTextOrder(find_expansions(side.text))
    return [_describe(side, sentence, quotations, names, expansions, vocabulary) for sentence in sentences]


# List comprehensions rather than generator expressions below: in these loops, over every word of every
# article, a generator's cost for each item shows.
def _describe(
    side: Side,
    sentence: Sentence,
    quotations: _InTextOrder[tuple[int, int]],
    names: _InTextOrder[Span],
    expansions: _InTextOrder[Span],
    vocabulary: Vocabulary,
) -> SentenceFeatures:
    # Tokens as tuples, not Tokens: these loops run for every word of every article.
    known = vocabulary.known
    tokens = [  # (start, end, (key, term, is a word)); matching in the article's text gives its offsets
        (match.start(), match.end(), known.get(match.group()) or vocabulary.learn(match.group()))
        for match in TOKEN.finditer(side.text, sentence.start, sentence.end)
    ]
    numbers = [position for position, (_, _, (_, term, _)) in enumerate(tokens) if term and term[0] == "#"]
    if numbers:
        tokens = _with_number_terms(side.text, tokens, numbers)
    named = names.overlapping(sentence)
    # A sentence's first MAX_QUOTATIONS quotations: each is compared with each of another's, and its words found
    # among the sentence's (a sentence of 5,000 one-word quotations took minutes).
    quoted = [_clip(span, sentence) for span in quotations.overlapping(sentence)[:MAX_QUOTATIONS]]
    # Names are matched as people, not as words; "Trump's" starts inside the name "Trump".
    # An acronym's spelt-out name says what the acronym says: two articles that spell out NOAA share no fact by it.
    unsaid = sorted(named + expansions.overlapping(sentence)) if named else expansions.overlapping(sentence)
    termed = _outside(tokens, unsaid) if unsaid else tokens
    wording = tuple([key for _, _, (key, _, is_a_word) in tokens if is_a_word])
    # A sentence of stopwords only ("So it was.") still needs something to be matched by.
    terms = frozenset([term for _, _, (_, term, _) in termed if term is not None]) or frozenset(wording)
    capitalised, is_cased, first_term = _cased_terms(side.text, termed)
    return SentenceFeatures(
        wording=wording,
        terms=terms,
        word_terms=frozenset([term for term in terms if not term.startswith("#")]),
        capitalised=capitalised | {term for term in terms if is_name_number(term)} if numbers else capitalised,
        is_cased=is_cased,
        first_term=first_term,
        is_label=is_label(sentence.text, len(wording)),
        quoted_terms=frozenset(
            [term for start, end, (_, term, _) in termed if term is not None and _inside_any(start, end, quoted)]
        )
        if quoted
        else frozenset(),
        quotations=tuple([_quoted_words(tokens, span) for span in quoted]),
        people=frozenset([person_id for _, _, person_id in named]),
        numbers=frozenset([term[1:] for term in terms if term.startswith("#") and not is_dating(term)]),
        claims=frozenset([claim_id for _, _, claim_id in _overlapping(side.claims, sentence)])
        if side.claims
        else frozenset(),
        attributions=tuple(
            [
                Attributed(source_id, side.text[start:end])
                for start, end, source_id in sorted(_overlapping(side.sources, sentence))
            ]
        ),
    )


LABEL_WORDS = 8  # the most words of a line without a full stop that is a label rather than a sentence
SENTENCE_END = re.compile(r"[.!?:;\u2026][\"'\u201d\u2019)\]]*\s*$")


def is_label(text: str, words: int) -> bool:
    """Whether a sentence is a short line without the mark that ends a sentence, nor a figure: a heading ("Launch
    coverage"), a list's item ("NASA astronaut Matthew Dominick"), a credit. It names a subject and tells nothing
    of it, so it is paired only with another label, never with a sentence that tells something of that subject.
    A line with a figure tells something ("1 a.m. - NASA TV arrival coverage begins", "Deaths: 300")."""
    return words <= LABEL_WORDS and SENTENCE_END.search(text) is None and not any(map(str.isdigit, text))


_SpanT = TypeVar("_SpanT", tuple[int, int], Span)


class _InTextOrder(Generic[_SpanT]):
    """Spans that do not overlap, in the text's order (quotations, names; a name found for two people is
    there twice), so those overlapping a sentence are a slice, found by bisection rather than by looking at
    every span for every sentence."""

    def __init__(self, spans: list[_SpanT]) -> None:
        self.spans: list[_SpanT] = spans
        self.starts: list[int] = [span[0] for span in spans]
        self.ends: list[int] = [span[1] for span in spans]  # in order too: the spans do not overlap

    def overlapping(self, sentence: Sentence) -> list[_SpanT]:
        first = bisect_right(self.ends, sentence.start)  # the first span that ends after the sentence starts
        return self.spans[first : bisect_left(self.starts, sentence.end, first)]


def _term(key: str, synonyms: Mapping[str, str]) -> str | None:
    number = number_value(key)
    return f"#{number}" if number is not None else content_term(key, synonyms)


def _with_number_terms(text: str, tokens: list[_Token], numbers: list[int]) -> list[_Token]:
    """The tokens, each number's term read with the words around it: a date's day ("Feb. 1") dates, a name's
    number ("Falcon 9") names (words.number_term), a scale or percent after a count is part of it and no term of
    its own ("6 million", "80 percent": words.count_with_unit)."""
    read = number_terms(text, [(start, end, key) for start, end, (key, _, _) in tokens], numbers)
    kept = list(tokens)
    for position, (term, last) in read.items():
        start, end, (key, _, is_a_word) = tokens[position]
        kept[position] = (start, end, (key, term, is_a_word))
        for unit in range(position + 1, last + 1):
            start, end, (key, _, is_a_word) = tokens[unit]
            kept[unit] = (start, end, (key, None, is_a_word))
    return kept


def _cased_terms(text: str, termed: list[_Token]) -> tuple[frozenset[str], bool, str | None]:
    """The terms written with a capital past the first word (a first word is capitalised anyway), whether the
    sentence writes any word in lower case (one that does not, in title case or a name alone, says nothing about
    which words are names), and the first word's term."""
    words = [(start, term) for start, _, (_, term, is_a_word) in termed if is_a_word]
    if not words:
        return frozenset(), False, None
    content = [(start, term) for start, term in words[1:] if term is not None and term[0] != "#" and " " not in term]
    capitalised = [term for start, term in content if text[start].isupper()]
    if len(capitalised) == len(content):
        return frozenset(), False, words[0][1]
    return frozenset(capitalised), True, words[0][1]


def _quoted_words(tokens: list[_Token], span: tuple[int, int]) -> tuple[Token, ...]:
    return tuple(
        Token(start, end, key)
        for start, end, (key, _, is_a_word) in tokens
        if is_a_word and span[0] <= start and end <= span[1]
    )


def _outside(tokens: list[_Token], names: list[Span]) -> list[_Token]:
    """The tokens that do not start inside a name; names are in the text's order, as find_names gives them."""
    starts = [token[0] for token in tokens]
    kept: list[_Token] = []
    position = 0  # the first token after the names so far
    for name_start, name_end, _ in names:
        first = bisect_left(starts, name_start)
        kept += tokens[position:first]
        position = max(position, bisect_left(starts, name_end))
    kept += tokens[position:]
    return kept


def _overlapping(spans: Iterable[Span], sentence: Sentence) -> Iterator[Span]:
    return (span for span in spans if span[0] < sentence.end and span[1] > sentence.start)


def _clip(span: tuple[int, int], sentence: Sentence) -> tuple[int, int]:
    return max(span[0], sentence.start), min(span[1], sentence.end)


def _inside_any(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(span_start <= start and end <= span_end for span_start, span_end in spans)


def find_names(text: str, people: Mapping[str, tuple[str, ...]]) -> list[Span]:
    """Where each registered person is named: whole words (in a script written without spaces, wherever the name
    stands), possessives included, longest name first."""
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
    # Longest first; grouped by first character, which keeps that order among the names that can match at a
    # position and spares the regex engine trying hundreds of names at each one (ten times faster for 600).
    by_first: dict[str, list[str]] = {}
    for name in sorted(ids_by_name, key=lambda name: (-len(name), name)):
        by_first.setdefault(name[0], []).append(name)
    alternatives = "|".join(
        re.escape(first) + "(?:" + "|".join(re.escape(name[1:]) for name in names) + ")"
        for first, names in by_first.items()
    )
    first_characters = "".join(map(re.escape, by_first))
    # A name ends at a word's end, or anywhere in a script written without spaces (dossier/anchor/mentions.py).
    edge = rf"[^\W{UNSPACED_SCRIPTS}]"
    return re.compile(rf"(?<!{edge})(?=[{first_characters}])(?:{alternatives})(?!{edge})"), ids_by_name


_ACRONYM = r"[A-Z][A-Z0-9&]*[A-Z0-9](?:-[A-Z0-9]+)?"
_NAME_JOINERS = frozenset(["and", "of", "for", "the", "on", "in", "de", "del", "du", "la", "at", "to", "&"])
_NAME_WORD = r"[A-Z][\w'\u2019.-]*"
# Each found only inside a parenthesis or in the few words before one, so the work is linear in the text
# (a regex for the name before an acronym, tried at every capital, took quadratic time on title-case text).
_PARENTHESIS = re.compile(r"\(([^()\n]{2,200})\)")
_SPELT_OUT = re.compile(rf"{_NAME_WORD}(?:\s+(?:(?:{'|'.join(sorted(_NAME_JOINERS))})\s+)*{_NAME_WORD})+")
_ACRONYM_ALONE = re.compile(_ACRONYM)
_ACRONYM_BEFORE = re.compile(rf"(?<![\w-])({_ACRONYM})(?:['\u2019]s)?\s*$")
_WORD_BEFORE = re.compile(r"\S+")
_NAME_WORD_ALONE = re.compile(_NAME_WORD)
BEFORE_WINDOW = 200  # characters looked at before a parenthesis for an acronym or the name it spells out


def find_expansions(text: str) -> list[Span]:
    """Where an acronym is spelt out beside it, in the text's order: the words of the name, not the acronym.

    Either "NOAA's (National Oceanic ...)" or "National Oceanic ... (NOAA)". The name must start with the
    acronym's first letter; written before the acronym, it is the last of the capitalised words before it, as
    many as the acronym has letters ("Kislyak and the Federal Bureau of Investigation (FBI)" spells out
    "Federal Bureau of Investigation").
    """
    found: list[Span] = []
    for parenthesis in _PARENTHESIS.finditer(text):
        inside, opening = parenthesis.group(1), parenthesis.start()
        window = text[max(0, opening - BEFORE_WINDOW) : opening]
        if _SPELT_OUT.fullmatch(inside):
            acronym = _ACRONYM_BEFORE.search(window[-40:])
            if acronym and acronym.group(1)[0] == inside[0]:
                found.append((parenthesis.start(1), parenthesis.end(1), ""))
        elif _ACRONYM_ALONE.fullmatch(inside):
            start = _name_before(window, inside)
            if start is not None:
                found.append((opening - len(window) + start, opening - len(window) + len(window.rstrip()), ""))
    return found


def _name_before(window: str, acronym: str) -> int | None:
    """Where, in `window` (the text before an acronym's parenthesis), the name it spells out starts: its last
    capitalised words, as many as the acronym has letters, joiners ("of", "and") between them allowed."""
    letters = sum(1 for character in acronym if character.isalpha())
    words = list(_WORD_BEFORE.finditer(window))
    start = None
    for word in reversed(words):
        if _NAME_WORD_ALONE.fullmatch(word.group()) and letters > 0:
            start, letters = word.start(), letters - 1
        elif word.group() not in _NAME_JOINERS or letters == 0:
            break
    if start is None or window[start] != acronym[0]:
        return None
    return start


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
    for found in QUOTE_MARK.finditer(text, start, end):
        position, mark = found.start(), found.group()
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
