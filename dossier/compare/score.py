"""How alike two sentences are, from several signals, each between 0 and 1.

Content signals can make a match: the rarity-weighted overlap of content words, quotation marks
around the same words in both, the same annotated claim in both. Corroborating signals (the same
registered people, the same numbers) only add to a pair that already shares content: every story
about Flynn names Flynn, so a pair that shares only names is not a match.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher

from dossier.compare.features import SentenceFeatures
from dossier.compare.words import LIGHT_STEMS, NO_COMMENT_STEMS, Token, is_dating
from dossier.slotted import Slotted, values_of

QUOTE_WEIGHT = 0.6  # the same words quoted in both: strong, but one shared quoted word is not proof
QUOTATION_SHARE = 0.5  # of the shorter of two quotations, that a run both quote must be to make them one quotation
# The meaning signal: the cosine of two sentences' vectors (meaning.py) counts from MEANING_FLOOR up (sentences on
# one subject reach about 0.6 whatever they say), rising to MEANING_WEIGHT at 1, and only for a pair that shares a
# telling word: it finds the same fact in other words, it does not pair two sentences on a subject alone.
MEANING_FLOOR = 0.55
MEANING_WEIGHT = 0.7
CLAIM_WEIGHT = 0.6  # an editor annotated the same claim in both: a match by itself
PEOPLE_WEIGHT = 0.3
NUMBERS_WEIGHT = 0.5
SLIGHT_WEIGHT = 0.5  # names, years, times, dates and light words weigh half as much as other words as rare
# The lexical signal counts in full only once a pair shares this many telling words (neither
# names nor light words): two short sentences that share one word share a coincidence.
TELLING_WORDS_FOR_LEXICAL = 2
# Corroboration counts in full only once the content signals reach this much, and the pair shares
# this many telling words: a name and a count cannot rescue one shared word ("Flynn met nine
# ambassadors" is not "Nine days later, Flynn resigned").
CONTENT_FOR_FULL_CORROBORATION = 0.3
TELLING_WORDS_FOR_CORROBORATION = 3
# Two sentences mostly inside quotation marks (at least this share of their words: a quotation and who said it)
# that share no quotation and few quoted words (a quote signal under half) are two statements, even of one
# speaker on one subject: what else they share is the attribution ("said Chris Carmichael, NASA Stennis
# Autonomous Systems Laboratory Branch Chief") and the subject, which the lexical and meaning signals would take
# for one fact. Only the quoted words count then.
MOSTLY_QUOTED = 0.35


@dataclass(frozen=True, slots=True)
class Signals(Slotted):
    lexical: float  # cosine of the content words and agreeing numbers, each weighted by its rarity
    quote: float  # 1 for a shared quotation of verbatim_min_words; else the share of quoted words both quote
    claim: float  # 1 when the same annotated claim is in both
    people: float  # Dice overlap of the registered people named
    numbers: float  # Dice overlap of the counts and amounts
    meaning: float = 0.0  # cosine of the two sentences' vectors (meaning.py); 0 with the signal off

    def items(self) -> Iterator[tuple[str, float]]:
        yield from asdict(self).items()

    def __reduce__(self) -> tuple[Callable[..., Signals], tuple[float, ...]]:
        return signals_read_back, values_of(self)


def signals_read_back(*values: float) -> Signals:
    """Signals unpickled (from a worker, from the build cache), every 0 one object and every 1 another: three in
    four of the signals are 0 or 1 (1,000 articles of benchmarks/generate.py), and a build holds the signals of
    each of the hundred thousand pairs of 5,000 articles (11 MB of floats, each 0 otherwise its own)."""
    return Signals(*map(_one_of_each, values))


def _one_of_each(value: float) -> float:
    if value == 1.0:
        return 1.0
    if value == 0.0 and math.copysign(1.0, value) > 0:  # not -0.0, which prints otherwise
        return 0.0
    return value


@dataclass(frozen=True, slots=True)
class PairScore(Slotted):
    score: float
    signals: Signals
    shared_words: tuple[str, ...]  # content-word stems both share, heaviest first
    shared_people: tuple[str, ...]
    shared_numbers: tuple[str, ...]
    shared_claims: tuple[str, ...]
    shared_quote: tuple[Token, ...]  # the left side's words of the longest quotation both share


@dataclass(frozen=True)
class TermWeights:
    weight: dict[str, float]  # term -> rarity
    slight: frozenset[str]  # names, years, times, dates and light words: weighed down, never telling
    names: frozenset[str] = frozenset()  # of the slight, the words of names (capitalised more often than not)
    # Per-sentence sums, memoised: a sentence is scored against many others under the same weights.
    _norms: dict[frozenset[str], float] = field(default_factory=dict, compare=False, repr=False)
    _telling: dict[frozenset[str], frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    def norm(self, terms: frozenset[str]) -> float:
        """The sum of the squared weights of `terms` (fsum: no dependence on set order)."""
        found = self._norms.get(terms)
        if found is None:
            found = self._norms[terms] = math.fsum(self.weight[t] ** 2 for t in terms)
        return found

    def telling(self, quoted_terms: frozenset[str]) -> frozenset[str]:
        """Quoted terms, less slight words and numbers (the numbers signal counts those)."""
        found = self._telling.get(quoted_terms)
        if found is None:
            found = self._telling[quoted_terms] = frozenset(
                t for t in quoted_terms - self.slight if not t.startswith("#")
            )
        return found


@dataclass(frozen=True)
class TermCounts:
    """How many of one article's sentences use each term, and write it capitalised: what weighing needs of a side."""

    sentences: int
    terms: Counter[str]
    capitalised: Counter[str]
    lowercased: Counter[str]  # in how many sentences each term is written in lower case where case tells
    dating: frozenset[str]  # the terms that are years, times or dates ("#2016", "#11:59", "#feb-1")


def count_terms(features: Sequence[SentenceFeatures]) -> TermCounts:
    terms = Counter(term for sentence in features for term in sentence.terms)
    return TermCounts(
        sentences=len(features),
        terms=terms,
        capitalised=Counter(term for sentence in features for term in sentence.capitalised),
        lowercased=Counter(term for sentence in features if sentence.is_cased for term in _lowercased(sentence)),
        dating=frozenset([term for term in terms if is_dating(term)]),
    )


def _lowercased(sentence: SentenceFeatures) -> list[str]:
    """The words a sentence writes in lower case: those past its first not written with a capital."""
    return [
        term
        for term in sentence.word_terms
        if term not in sentence.capitalised and term != sentence.first_term and " " not in term
    ]


def weigh_terms(features: Sequence[SentenceFeatures]) -> TermWeights:
    """Inverse sentence frequency over both articles: a word in every sentence weighs nothing.

    Words the articles mostly capitalise (Washington Post, Kremlin, Lieutenant General) are names,
    years, times and dates ("#2016", "#11:59", "#feb-1") date the story, and light words (said, officials, time)
    could be in any sentence: all are slight, weighing SLIGHT_WEIGHT of a word as rare. Counts ("#9") weigh in
    full.
    """
    return weigh_counts(count_terms(features))


def weigh_counts(*sides: TermCounts) -> TermWeights:
    """weigh_terms over the sentences of all the sides, from each side's counts (a side is counted once, however
    many comparisons it takes part in)."""
    frequency: dict[str, int] = {}
    capitalised: dict[str, int] = {}
    lowercased: dict[str, int] = {}
    for side in sides:
        for term, found_in in side.terms.items():
            frequency[term] = frequency.get(term, 0) + found_in
        for term, found_in in side.capitalised.items():
            capitalised[term] = capitalised.get(term, 0) + found_in
        for term, found_in in side.lowercased.items():
            lowercased[term] = lowercased.get(term, 0) + found_in
    # Slight: light words, years and times, and words written capitalised more often than not where the case
    # tells (a name's words: "Matthew Dominick", first in one sentence and in a list of names in another).
    names = frozenset([term for term, found_in in capitalised.items() if found_in > lowercased.get(term, 0)])
    slight = frozenset((frequency.keys() & LIGHT_STEMS) | {term for side in sides for term in side.dating} | names)
    count = sum(side.sentences for side in sides)
    # A term's rarity depends only on how many sentences use it: one logarithm for each such number.
    rarity = {found_in: math.log((count + 1) / found_in) for found_in in set(frequency.values())}
    return TermWeights(
        weight={
            term: rarity[found_in] * (SLIGHT_WEIGHT if term in slight else 1.0) for term, found_in in frequency.items()
        },
        slight=slight,
        names=names,
    )


def score_pair(
    left: SentenceFeatures,
    right: SentenceFeatures,
    weights: TermWeights,
    verbatim_min_words: int,
    meaning: float | None = None,
) -> PairScore:
    """The pair's score and its evidence; `meaning`: the cosine of its sentences' vectors, None with the signal off."""
    shared_words = left.terms & right.terms
    telling = _telling_words(shared_words, weights.slight, weights.names)
    shared_quote = longest_shared_quotation(left, right)
    quote = _quote(left, right, weights, shared_quote, verbatim_min_words)
    statements = are_two_statements(left, right, quote) or left.is_label != right.is_label
    signals = Signals(
        lexical=0.0 if statements else _lexical(left, right, weights, telling, meaning),
        quote=quote,
        claim=_claim(left, right),
        people=_dice(left.people, right.people),
        numbers=_dice(left.numbers, right.numbers),
        meaning=0.0 if statements or meaning is None else meaning,
    )
    return PairScore(
        score=combine(signals, telling),
        signals=signals,
        shared_words=tuple(sorted(shared_words, key=lambda term: (-weights.weight[term], term))),
        shared_people=tuple(sorted(left.people & right.people)),
        shared_numbers=tuple(sorted(left.numbers & right.numbers)),
        shared_claims=tuple(sorted(left.claims & right.claims)),
        shared_quote=shared_quote,
    )


class PairScorer:
    """score_pair(...).score, the same to the last bit, for pairs of two articles' sentences, without the evidence.

    Choosing needs the score of every candidate pair, but only the chosen few need their evidence (shared words
    sorted by weight, the shared quotation). What depends on one sentence (the sum of its squared weights) is
    worked out once, not once per pair, and once no content signal counts the rest is not looked at: the
    score is 0 then, whatever corroborates (see combine). tests/test_compare.py checks both agree.
    """

    def __init__(
        self,
        left: Sequence[SentenceFeatures],
        right: Sequence[SentenceFeatures],
        weights: TermWeights,
        verbatim_min_words: int,
        cosines: dict[tuple[int, int], float] | None = None,
    ) -> None:
        self.left, self.right = left, right
        self.cosines = cosines  # the meaning signal of each pair to score (meaning.cosines), if it is on
        self.weights = weights
        self.verbatim_min_words = verbatim_min_words
        self.square = {term: weight**2 for term, weight in weights.weight.items()}
        self.left_norms = [self._norm(sentence.word_terms) for sentence in left]
        self.right_norms = [self._norm(sentence.word_terms) for sentence in right]
        # The quote signal of a pair in which a side quotes nothing (see _quote: no words shared, none quoted).
        self.unquoted = 1.0 if verbatim_min_words <= 0 else 0.0

    def _norm(self, terms: frozenset[str]) -> float:
        return math.fsum(map(self.square.__getitem__, terms))  # as TermWeights.norm

    def scores(self, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], float]:
        """The score of each pair (left index, right index). One loop for all pairs, with what it reads in locals:
        it runs some hundred times per comparison."""
        left_sentences, right_sentences = self.left, self.right
        left_norms, right_norms = self.left_norms, self.right_norms
        square, slight, names, weights = self.square, self.weights.slight, self.weights.names, self.weights
        verbatim_min_words, unquoted = self.verbatim_min_words, self.unquoted
        cosines = self.cosines
        fsum = math.fsum
        found: dict[tuple[int, int], float] = {}
        for pair in pairs:
            i, j = pair
            left, right = left_sentences[i], right_sentences[j]
            shared = left.terms & right.terms
            telling = _telling_words(shared, slight, names)
            if left.wording == right.wording:
                lexical = 1.0  # as _lexical
            elif cosines is not None and telling <= TELLING_WORDS_FOR_LEXICAL and cosines[pair] < MEANING_FLOOR:
                lexical = 0.0  # as _lexical: a word or two in common, and the meaning disagrees
            elif telling:
                agreed = fsum([square[t] for t in shared if t[0] == "#"])  # as _wording_cosine
                shared_sum = fsum([square[t] for t in shared])
                cosine = _cosine(shared_sum, left_norms[i] + agreed, right_norms[j] + agreed)
                lexical = cosine * min(1.0, telling / TELLING_WORDS_FOR_LEXICAL)
            else:
                lexical = 0.0  # no words shared but slight ones: the cosine counts for nothing (times 0)
            if left.quotations and right.quotations:
                quote = _quote(left, right, weights, longest_shared_quotation(left, right), verbatim_min_words)
                statements = are_two_statements(left, right, quote)
            else:
                quote, statements = unquoted, False
            if statements or left.is_label != right.is_label:  # as score_pair: the words count for nothing
                statements, lexical = True, 0.0
            claim = _claim(left, right) if left.claims else 0.0
            if lexical == 0.0 and quote == 0.0 and claim == 0.0:
                found[pair] = 0.0
            else:
                people, numbers = _dice(left.people, right.people), _dice(left.numbers, right.numbers)
                meaning = cosines[pair] if cosines and not statements else 0.0
                found[pair] = combine_values(lexical, quote, claim, people, numbers, telling, meaning)
        return found


def combine(signals: Signals, telling_words: int) -> float:
    return combine_values(
        signals.lexical, signals.quote, signals.claim, signals.people, signals.numbers, telling_words, signals.meaning
    )


def combine_values(
    lexical: float,
    quote: float,
    claim: float,
    people: float,
    numbers: float,
    telling_words: int,
    meaning: float = 0.0,
) -> float:
    # Noisy-or: each signal alone can raise the score, several together raise it more (1 less the chance
    # that every one misses; multiplied left to right, as the scores have always been).
    content = 1.0 - (1.0 - lexical) * (1.0 - QUOTE_WEIGHT * quote) * (1.0 - CLAIM_WEIGHT * claim)
    if telling_words and meaning > MEANING_FLOOR:
        content = 1.0 - (1.0 - content) * (1.0 - MEANING_WEIGHT * (meaning - MEANING_FLOOR) / (1.0 - MEANING_FLOOR))
    corroboration = 1.0 - (1.0 - PEOPLE_WEIGHT * people) * (1.0 - NUMBERS_WEIGHT * numbers)
    gate = min(1.0, content / CONTENT_FOR_FULL_CORROBORATION)
    gate *= min(1.0, telling_words / TELLING_WORDS_FOR_CORROBORATION)
    return content + (1.0 - content) * corroboration * gate


def _telling_words(shared: frozenset[str], slight: frozenset[str], names: frozenset[str]) -> int:
    """How many shared terms tell what a sentence is about: not slight (names, dates, light words). A shared count
    tells only beside a shared word ("nine current and former officials", "nine former and current sources"),
    never alone ("2." against "any one or any two"); a refusal to comment tells only of a name both share
    ("Avigilon declined to comment" is not "Microsoft, Amazon, and Google all declined to comment")."""
    telling = shared - slight
    words = sum(1 for term in telling if term[0] != "#")
    if not words or (telling <= NO_COMMENT_STEMS and names.isdisjoint(shared)):
        return 0
    return len(telling)


def _lexical(
    left: SentenceFeatures, right: SentenceFeatures, weights: TermWeights, telling: int, meaning: float | None
) -> float:
    if left.wording == right.wording:
        return 1.0  # the same words in the same order are a match, however light the words
    if meaning is not None and telling <= TELLING_WORDS_FOR_LEXICAL and meaning < MEANING_FLOOR:
        # A word or two in common tell that two sentences are about one fact only where their meaning agrees:
        # "eye-opening candor" and "eyeing that seat", "emails were sent" and "questions could be sent via
        # email", of unrelated stories, scored 0.35 and 0.37 with cosines of 0.20 and 0.26. Of the labelled
        # set's pairs found, each one of two telling words or fewer has a cosine of 0.74 or more.
        return 0.0
    return _wording_cosine(left, right, weights) * min(1.0, telling / TELLING_WORDS_FOR_LEXICAL)


def _wording_cosine(left: SentenceFeatures, right: SentenceFeatures, weights: TermWeights) -> float:
    """The weighted cosine of the words and of the numbers both give. A number only one gives ("18,645 people
    were buried" against "18,000 people remain buried") is a detail told differently, for the numbers signal and
    the conflict to show: it does not make the two less alike."""
    shared = left.terms & right.terms
    if not shared:
        return 0.0
    agreed = math.fsum(weights.weight[t] ** 2 for t in shared if t[0] == "#")  # fsum: no dependence on set order
    shared_sum = math.fsum(weights.weight[t] ** 2 for t in shared)
    return _cosine(shared_sum, weights.norm(left.word_terms) + agreed, weights.norm(right.word_terms) + agreed)


def _cosine(shared: float, left_norm: float, right_norm: float) -> float:
    """The weighted cosine from the sums of the squared weights of the shared terms and of each side's."""
    if shared == 0.0:
        return 0.0
    return min(1.0, shared / math.sqrt(left_norm * right_norm))


def _quote(
    left: SentenceFeatures,
    right: SentenceFeatures,
    weights: TermWeights,
    shared_quote: tuple[Token, ...],
    verbatim_min_words: int,
) -> float:
    return 1.0 if len(shared_quote) >= verbatim_min_words else _quoted_share(left, right, weights)


def are_two_statements(left: SentenceFeatures, right: SentenceFeatures, quote: float) -> bool:
    """Whether two sentences are mostly quotations that share little of what they quote (see MOSTLY_QUOTED)."""
    return quote < 0.5 and _is_mostly_quoted(left) and _is_mostly_quoted(right)


def _is_mostly_quoted(sentence: SentenceFeatures) -> bool:
    quoted = sum(map(len, sentence.quotations))
    return quoted > 0 and quoted >= MOSTLY_QUOTED * len(sentence.wording)


def _claim(left: SentenceFeatures, right: SentenceFeatures) -> float:
    return 1.0 if left.claims & right.claims else 0.0


def _quoted_share(left: SentenceFeatures, right: SentenceFeatures, weights: TermWeights) -> float:
    """How much of the shorter quotation's telling words the other quotes too."""
    if not left.quoted_terms or not right.quoted_terms:
        return 0.0
    left_quoted, right_quoted = _telling_quoted(left, weights), _telling_quoted(right, weights)
    shared = math.fsum(weights.weight[t] for t in left_quoted & right_quoted)
    if shared == 0.0:
        return 0.0
    smaller = min(math.fsum(weights.weight[t] for t in left_quoted), math.fsum(weights.weight[t] for t in right_quoted))
    # One word quoted in both is as often a coincidence ("matter", "kids") as a shared source
    # ("overreact"): the lexical signal counts it; this one wants a phrase.
    breadth = min(1.0, (len(left_quoted & right_quoted) - 1) / 2)
    return min(1.0, shared / smaller) * breadth


def _telling_quoted(sentence: SentenceFeatures, weights: TermWeights) -> frozenset[str]:
    """Quoted terms, less slight words and numbers (the numbers signal counts those)."""
    return weights.telling(sentence.quoted_terms)


def _dice(left: frozenset[str], right: frozenset[str]) -> float:
    if not left or not right:
        return 0.0
    return 2 * len(left & right) / (len(left) + len(right))


def longest_shared_quotation(left: SentenceFeatures, right: SentenceFeatures) -> tuple[Token, ...]:
    """The longest run of words quoted in both that is most of one of the two quotations, as the left side's tokens
    (first found on ties).

    A phrase two different quotations both hold ("the fundamental right to marry", in two passages of one ruling)
    is a phrase both quote, not the same quotation: the run must be at least QUOTATION_SHARE of the shorter one.
    """
    best: tuple[Token, ...] = ()
    for left_quote in left.quotations:
        for right_quote in right.quotations:
            left_keys = [t.key for t in left_quote]
            right_keys = [t.key for t in right_quote]
            matcher = SequenceMatcher(None, left_keys, right_keys, autojunk=False)
            match = matcher.find_longest_match(0, len(left_keys), 0, len(right_keys))
            if match.size > len(best) and match.size >= QUOTATION_SHARE * min(len(left_keys), len(right_keys)):
                best = left_quote[match.a : match.a + match.size]
    return best
