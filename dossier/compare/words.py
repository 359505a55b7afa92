"""Words as the comparison sees them: tokens with offsets, content-word stems, numbers, synonyms.

English only for now: the stopword list and the Snowball stemmer are English.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import snowballstemmer


@dataclass(frozen=True)
class Token:
    start: int  # offsets into the article's text
    end: int
    key: str  # lower-cased, quote marks made alike: what the diff and the verbatim test compare


LEFT_DOUBLE, RIGHT_DOUBLE, LOW_DOUBLE = "\u201c", "\u201d", "\u201e"
LEFT_SINGLE, RIGHT_SINGLE = "\u2018", "\u2019"  # the right one is also the typographic apostrophe
QUOTE_MARKS_ALIKE = str.maketrans(
    {RIGHT_SINGLE: "'", LEFT_SINGLE: "'", LEFT_DOUBLE: '"', RIGHT_DOUBLE: '"', LOW_DOUBLE: '"'}
)


# Initialisms (U.S.); names and codes that hold a number but are none, joined by a hyphen to a word (COVID-19,
# F-16) or to another number (737-8: the model, not 737 and 8); times of day (11:59: one figure, not 11 and 59);
# numbers (1,000.5); then words with inner apostrophes (couldn't, Flynn's). Codes glued to letters (G7, A320, 5G,
# 1990s) are words.
# Chinese characters and Japanese kana, written without spaces between words, and Korean syllables, whose words
# take their particles without one (지진이, 지진으로): each is a token (a number glued to one, as in "5日", is a
# number still).
WORDS_UNSPACED = (
    "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
    "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
)


def _combining_marks() -> str:
    """The combining marks (vowel signs, accents) as a regex character class's ranges: Devanagari, Bengali or an
    accent in decomposed text write them inside a word, and `\\w` takes none of them. Not Thai's, Lao's, Khmer's
    or Burmese's: those scripts put no space between words, and a run between spaces cut at its vowel signs falls
    into syllable-like pieces that two reports share (measured: two Thai reports of one earthquake pair their four
    shared facts, two unrelated ones nothing; whole runs pair nothing, single letters pair unrelated reports)."""
    unspaced = (range(0x0E00, 0x0F00), range(0x1000, 0x10A0), range(0x1780, 0x1800))
    found = [c for c in itertools.chain(range(0x0300, 0x1E00), range(0x20D0, 0x2100), range(0xFE20, 0xFE30))
             if unicodedata.category(chr(c)).startswith("M") and not any(c in block for block in unspaced)]  # fmt: skip
    runs = [list(run) for _, run in itertools.groupby(enumerate(found), lambda item: item[1] - item[0])]
    return "".join(f"\\u{run[0][1]:04x}-\\u{run[-1][1]:04x}" for run in runs)


MARKS = _combining_marks()
# A word: letters and digits (not of the scripts above), with the marks written in it.
WORD_RUN = f"[^\\W{WORDS_UNSPACED}]+(?:[{MARKS}]+[^\\W{WORDS_UNSPACED}]*)*"
TIME_OF_DAY = re.compile(r"[0-2]?\d:[0-5]\d")
TOKEN = re.compile(
    r"(?:[A-Za-z]\.){2,}"
    r"|[A-Za-z]\w*+-\d(?:[\w-]*\w)?|\d++-\d(?:[\w-]*\w)?"
    rf"|{TIME_OF_DAY.pattern}(?![\d:])"
    rf"|(?>\d+(?:[.,]\d+)*)(?![^\W\d_{WORDS_UNSPACED}])|[{WORDS_UNSPACED}]"
    rf"|{WORD_RUN}(?:['\u2019]{WORD_RUN})*|[^\w\s]"
)
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")  # a token that is a number: a count, an amount, a year

STOPWORDS = frozenset(
    str.split(
        """a about above after again against all also am an and any are aren't as at be because been before
    being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't
    down during each either else ever every few for from further had hadn't has hasn't have haven't having
    he her here hers herself him himself his how however i if in into is isn't it its itself just least
    less like may me might more most much must mustn't my myself neither no nor not now of off on once
    one only or other others otherwise our ours ourselves out over own per quite rather same shall she
    should shouldn't since so some such than that the their theirs them themselves then there these they
    this those though through thus to too toward towards under until up upon us very via was wasn't we
    were weren't what when where whether which while who whom whose why will with within without won't
    would wouldn't yet you your yours yourself yourselves ago already among another around away back
    still even many"""
    )
)

# Content words so frequent, or so light, that two sentences sharing them share little: light verbs,
# the vocabulary of attribution, vague nouns and adverbs. They weigh little and never count as
# shared words on their own (see score.py).
LIGHT_WORDS = frozenset(
    str.split(
        """say said says tell told ask asked know knew think thought want wanted look looked see saw seem
        get got go went come came make made take took give gave find found use used work call called try
        need feel felt become became leave left put mean meant keep kept let begin began show showed hear
        heard turn turned start started happen happened like believe believed add added help move bring
        brought stand sit hold held set run live provide report reported according statement claim claimed
        official officials source sources news press media thing things time times way day days year years
        people person man men woman women lot lots kind sort part case point fact number place week weeks
        month months today yesterday tomorrow a.m. p.m. something anything everything nothing someone anyone everyone
        end side group really actually also well good new old big little great long high last first next
        much several certain sure real right able likely different whole early later recent recently"""
    )
)

NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        str.split(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
            "sixteen seventeen eighteen nineteen twenty"
        )
    )
    if value > 1  # "one" is more often a pronoun ("no one") than a count
} | {
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "sixty": "60",
    "seventy": "70",
    "eighty": "80",
    "ninety": "90",
    "hundred": "100",
    "thousand": "1000",
    "million": "1000000",
    "billion": "1000000000",
    "dozen": "12",
}

# Words outlets use for the same thing when they attribute: each group counts as one word. Only the vocabulary of
# attribution, the same in any story; what a story is about is the meaning signal's to find (meaning.py).
DEFAULT_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("official", "officials", "source", "sources"),
    ("spokesman", "spokeswoman", "spokesperson", "spokespeople"),
    ("adviser", "advisor"),
)

_STEMMER = snowballstemmer.stemmer("english")


def token_spans(text: str, offset: int = 0) -> list[tuple[int, int, str]]:
    """The tokens as (start, end, key): for loops over every word of an article, where Tokens cost too much."""
    return [(m.start() + offset, m.end() + offset, normal_key(m.group())) for m in TOKEN.finditer(text)]


@lru_cache(maxsize=65536)
def normal_key(token: str) -> str:
    return token.lower().translate(QUOTE_MARKS_ALIKE)


def is_word(key: str) -> bool:
    return key[:1].isalnum()


def number_value(key: str) -> str | None:
    """The number a token stands for ("nine" and "9" alike; a time of day as written, "11:59"), or None."""
    if NUMBER.fullmatch(key):
        return key.replace(",", "")
    if TIME_OF_DAY.fullmatch(key):
        return key
    return NUMBER_WORDS.get(key)


def is_dating(term: str) -> bool:
    """A term for a year ("#2016": a number between 1000 and 2100), a time of day ("#11:59") or a day of a month
    ("#feb-1"): figures that date what a sentence tells, not counts of anything."""
    if not term.startswith("#"):
        return False
    if not term[1:].removesuffix("%").replace(".", "").isdigit():
        return True  # a time or a day of a month; counts are digits with a decimal point at most, or a percent
    return len(term) == 5 and term[1:].isdigit() and 1000 <= int(term[1:]) <= 2100


MONTHS = {
    name: name[:3]
    for name in str.split(
        "january february march april may june july august september october november december "
        "jan feb mar apr jun jul aug sep sept oct nov dec"
    )
}
# Capitalised words a number after them counts or dates rather than names: days, scales whose grade is a detail
# a fact-checker compares ("Category 4", "Level 3"), and currencies written as words ("Rs 500").
NOT_NAMING = frozenset(
    str.split(
        """monday tuesday wednesday thursday friday saturday sunday category level phase stage grade tier class
        magnitude force alert rs rp sh ksh tk"""
    )
)
NAME_WORD = re.compile(r"[A-Z][A-Za-z]*[a-z][A-Za-z]*")  # Falcon, SpaceX; not NASA, not a lower-case word


def number_term(value: str, before: str, gap: str, after: str, after_gap: str, first_word: bool) -> str:
    """The term of a number, read with the words around it: a count or amount ("#9", "#1.5"), a year or time
    ("#2016", "#11:59"), a day of a month ("#feb-1": Feb. 1, 1 February), or the number of a name ("falcon 9":
    Falcon 9, Expedition 69, Boeing 737, Flight 370), which is no figure at all.

    `before` and `after` are the words next to it as written; `gap` and `after_gap` the text between (a date's
    month may end in a full stop, "Feb. 1"). A name's word is capitalised, joined by one space, and not the
    sentence's first word, which is capitalised anyway ("Nearly 300 people").
    """
    if value.isdigit() and len(value) <= 2 and 1 <= int(value) <= 31:  # a long number is no day (nor an int)
        month = MONTHS.get(before.lower()) if gap in (" ", ". ") else None
        month = month or (MONTHS.get(after.lower()) if after_gap == " " else None)
        if month:
            return f"#{month}-{int(value)}"
    if (
        gap == " "
        and not first_word
        and NAME_WORD.fullmatch(before)
        and before.lower() not in NOT_NAMING
        and before.lower() not in STOPWORDS
        and before.lower() not in MONTHS
        and value.replace(".", "").isdigit()
    ):
        return f"{before.lower()} {value}"
    return f"#{value}"


# Written after a count, these belong to it: a scale multiplies it ("6 million" is 6,000,000, as "six million" and
# "6,000,000" are), a percent sign or word makes it a share ("5%", "5 percent", "5 per cent": "#5%").
SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12, "dozen": 12}
PERCENT_WORDS = ("percent", "pct")  # and "%", and "per cent": two words
COUNT = re.compile(r"#\d+(?:\.\d+)?")
MAX_SCALED_DIGITS = 15


def number_terms(
    text: str, tokens: Sequence[tuple[int, int, str]], numbers: Iterable[int]
) -> dict[int, tuple[str, int]]:
    """The term of each number among a sentence's tokens (start, end, key), by its position in `tokens`, read
    with the words around it (number_term), and the position of the figure's last token: a count's scale or
    percent (`count_with_unit`) is part of it, and has no term of its own. `numbers`: the positions of the tokens
    that are numbers."""
    words = [position for position, (_, _, key) in enumerate(tokens) if is_word(key)]
    found: dict[int, tuple[str, int]] = {}
    taken = -1  # the last token a figure took
    for number in numbers:
        start, end, key = tokens[number]
        value = number_value(key)
        if value is None or number <= taken:
            continue
        at = bisect_left(words, number)
        before = words[at - 1] if at > 0 else None
        after = words[at + 1] if at + 1 < len(words) else None
        term = number_term(
            value,
            before=text[tokens[before][0] : tokens[before][1]] if before is not None else "",
            gap=text[tokens[before][1] : start] if before is not None else "",
            after=text[tokens[after][0] : tokens[after][1]] if after is not None else "",
            after_gap=text[end : tokens[after][0]] if after is not None else "",
            first_word=before == words[0],
        )
        term, taken = count_with_unit(text, tokens, number, term)
        found[number] = (term, taken)
    return found


def count_with_unit(text: str, tokens: Sequence[tuple[int, int, str]], number: int, term: str) -> tuple[str, int]:
    """A count's term with the scale or percent written right after it, and the position of its last token."""
    if not COUNT.fullmatch(term) or number + 1 >= len(tokens):
        return term, number
    following = tokens[number + 1 : number + 3]
    gaps = [text[tokens[n][1] : tokens[n + 1][0]] for n in range(number, number + len(following))]
    first = following[0][2]
    if first == "%" and gaps[0] in ("", " ", "\u00a0"):
        return f"{term}%", number + 1
    if gaps[0] != " ":
        return term, number
    if first in PERCENT_WORDS:
        return f"{term}%", number + 1
    if first == "per" and len(following) == 2 and following[1][2] == "cent" and gaps[1] == " ":
        return f"{term}%", number + 2
    if first in SCALES and len(term) <= MAX_SCALED_DIGITS:  # exact within Decimal's 28 digits
        scaled = Decimal(term[1:]) * SCALES[first]
        return f"#{scaled.quantize(1) if scaled == scaled.to_integral() else scaled.normalize()}", number + 1
    return term, number


def is_name_number(term: str) -> bool:
    """A term number_term made for the number of a name ("falcon 9")."""
    return " " in term


def content_term(key: str, synonyms: Mapping[str, str]) -> str | None:
    """The stem a content word counts as, or None for stopwords, numbers and punctuation."""
    bare = key[:-2] if key.endswith("'s") else key
    if not is_word(bare) or bare in STOPWORDS or number_value(bare) is not None:
        return None
    stem = stem_word(bare)
    return synonyms.get(stem, stem)


@lru_cache(maxsize=65536)
def stem_word(word: str) -> str:
    return str(_STEMMER.stemWord(word))


LIGHT_STEMS = frozenset(stem_word(word) for word in LIGHT_WORDS)
# What a report says when someone would not talk ("declined to comment", "did not respond to a request for
# comment", "could not be reached", "did not immediately reply"): every report says it of its own subject, so two
# such sentences tell one fact only of one someone (compare/score.py's _telling_words).
NO_COMMENT_WORDS = str.split(
    """declined declines comment comments commented respond responded response request requests reached immediately
    reply replied"""
)
NO_COMMENT_STEMS = frozenset(stem_word(word) for word in NO_COMMENT_WORDS)


def synonym_table(groups: Iterable[Iterable[str]]) -> dict[str, str]:
    """Map the stem of every word in a group to the stem of the group's first word."""
    table: dict[str, str] = {}
    for group in groups:
        stems = [stem_word(normal_key(word)) for word in group]
        for stem in stems:
            table[stem] = stems[0]
    return table
