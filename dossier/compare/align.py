"""Align two articles sentence by sentence: the entry point of the comparison."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from dossier.compare.features import Attributed, SentenceFeatures, Side, Vocabulary, describe_sentences
from dossier.compare.language import base_language, detect_language, same_language
from dossier.compare.match import BlockingKeys, Match, all_pairs, blocking_keys, candidate_pairs, choose_one_to_one
from dossier.compare.meaning import OFF, Vectors, cosines, sentence_vectors, tells_sentences_apart
from dossier.compare.score import (
    PairScore,
    PairScorer,
    Signals,
    TermCounts,
    TermWeights,
    count_terms,
    score_pair,
    weigh_counts,
)
from dossier.compare.segment import Sentence, split_sentences
from dossier.compare.words import (
    DEFAULT_SYNONYMS,
    is_name_number,
    number_terms,
    number_value,
    synonym_table,
    token_spans,
)
from dossier.model import CompareSettings
from dossier.slotted import Slotted

PairKind = Literal["verbatim", "claim", "conflict", "paraphrase"]


@dataclass(frozen=True, slots=True)
class Figure(Slotted):
    """A number as a sentence writes it ("18,645", "nine", "2016") and where: offsets into the article's text."""

    text: str
    value: str  # as compared: "18645", "9"
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Conflict(Slotted):
    """Two paired sentences that tell the same fact with different figures: each gives numbers the other does not
    ("18,645 people were buried" against "an estimated 18,000 people remain buried"). A fact-checker reads these
    first."""

    left: tuple[Figure, ...]  # the figures only the left sentence gives
    right: tuple[Figure, ...]


@dataclass(frozen=True, slots=True)
class Attribution(Slotted):
    """Whom each side credits in its sentence: the annotated sources overlapping it."""

    left: tuple[Attributed, ...]
    right: tuple[Attributed, ...]

    @property
    def left_sources(self) -> tuple[str, ...]:
        return _unique_ids(self.left)

    @property
    def right_sources(self) -> tuple[str, ...]:
        return _unique_ids(self.right)

    @property
    def is_attributed(self) -> bool:
        return bool(self.left or self.right)

    @property
    def is_different(self) -> bool:
        return self.left_sources != self.right_sources

    def __reduce__(self) -> tuple[Callable[..., Attribution], tuple[tuple[Attributed, ...], ...]]:
        return attribution_read_back, (self.left, self.right)


NO_ATTRIBUTION = Attribution((), ())


def attribution_read_back(left: tuple[Attributed, ...], right: tuple[Attributed, ...]) -> Attribution:
    """An Attribution unpickled: NO_ATTRIBUTION when neither side credits anyone (most pairs: 5 MB of empty ones
    at 5,000 articles, each its own)."""
    return Attribution(left, right) if left or right else NO_ATTRIBUTION


@dataclass(frozen=True, slots=True)
class Pair(Slotted):
    left: int  # sentence indices
    right: int
    score: float
    kind: PairKind
    shared_quote: str | None  # the left side's words of the quotation both share, if long enough
    shared_claims: tuple[str, ...]
    signals: Signals
    is_ambiguous: bool  # it did not beat the best rival score for either sentence by the margin
    attribution: Attribution
    conflict: Conflict | None = None  # the figures each side gives and the other does not, when both give some


@dataclass(frozen=True, slots=True)
class Alignment(Slotted):
    left_article: str
    right_article: str
    left: Sequence[Sentence]  # a tuple as compared; as a build keeps them, segment.Sentences
    right: Sequence[Sentence]
    pairs: tuple[Pair, ...]  # ordered by left sentence
    unique_left: tuple[int, ...]  # sentences with no counterpart
    unique_right: tuple[int, ...]
    scored_pairs: int  # how many candidate pairs were scored: the cost of the comparison
    left_language: str | None = None  # each article's language ("en"), None when it could not be told
    right_language: str | None = None
    not_compared: str | None = None  # why no sentence was compared ("different languages"), or None
    # The sentence model does not read this side's text (meaning.tells_sentences_apart): paired by words only.
    left_by_words: bool = False
    right_by_words: bool = False


DIFFERENT_LANGUAGES = "different languages"


@dataclass(frozen=True)
class Candidates:
    """Both articles' sentences and the score of every candidate pair, before choosing."""

    left: tuple[Sentence, ...]
    right: tuple[Sentence, ...]
    left_features: tuple[SentenceFeatures, ...]
    right_features: tuple[SentenceFeatures, ...]
    scores: dict[tuple[int, int], PairScore]  # (left index, right index) -> score and its evidence
    cosines: dict[tuple[int, int], float] | None = None  # the meaning signal of each scored pair, if it is on


@dataclass(frozen=True)
class DescribedSide:
    """An article split into sentences and described: the part of a comparison that depends on one side only.

    A story of n articles takes part in n - 1 comparisons; describing each article once saves the rest.
    """

    side: Side
    sentences: tuple[Sentence, ...]
    features: tuple[SentenceFeatures, ...]
    synonyms: tuple[tuple[str, ...], ...]
    term_counts: TermCounts  # for weighing terms over both sides
    blocking: BlockingKeys  # for finding the pairs to score
    meaning: str  # the sentence model (CompareSettings.meaning)
    vectors: Vectors | None  # each sentence's, from that model; None with the signal off or the text unread

    @property
    def is_by_words(self) -> bool:
        """The model was asked for and does not read the text: its sentences are paired by their words only."""
        return self.meaning != OFF and self.vectors is None


def describe_side(
    side: Side, synonyms: Iterable[Iterable[str]] = DEFAULT_SYNONYMS, meaning: str = CompareSettings.meaning
) -> DescribedSide:
    groups = tuple(tuple(group) for group in synonyms)
    sentences = split_sentences(side.text)
    features = tuple(describe_sentences(side, sentences, _vocabulary(groups)))
    vectors = sentence_vectors([sentence.text for sentence in sentences], meaning)
    if vectors is not None and not tells_sentences_apart(vectors):
        vectors = None  # the model does not read this language: its cosines would pair any two sentences
    return DescribedSide(
        side, tuple(sentences), features, groups, count_terms(features), blocking_keys(features), meaning, vectors
    )


@functools.lru_cache(maxsize=8)
def _vocabulary(groups: tuple[tuple[str, ...], ...]) -> Vocabulary:
    return Vocabulary(synonym_table(groups))


def score_candidates(
    left: Side | DescribedSide,
    right: Side | DescribedSide,
    *,
    verbatim_min_words: int = CompareSettings.verbatim_min_words,
    synonyms: Iterable[Iterable[str]] = DEFAULT_SYNONYMS,
    blocking: bool = True,
    meaning: str = CompareSettings.meaning,
) -> Candidates:
    """Score the pairs that share an informative word, or with `blocking=False` every pair."""
    left_side, right_side, weights, pairs = _candidates(left, right, synonyms, blocking, meaning)
    left_features, right_features = left_side.features, right_side.features
    cosine = cosines(left_side.vectors, right_side.vectors, pairs)
    return Candidates(
        left=left_side.sentences,
        right=right_side.sentences,
        left_features=left_features,
        right_features=right_features,
        scores={
            (i, j): score_pair(
                left_features[i], right_features[j], weights, verbatim_min_words, cosine[(i, j)] if cosine else None
            )
            for i, j in pairs
        },
        cosines=cosine,
    )


def _candidates(
    left: Side | DescribedSide,
    right: Side | DescribedSide,
    synonyms: Iterable[Iterable[str]],
    blocking: bool,
    meaning: str,
) -> tuple[DescribedSide, DescribedSide, TermWeights, list[tuple[int, int]]]:
    """Both sides described, the weights of their terms, and the pairs of sentences to score."""
    groups = tuple(tuple(group) for group in synonyms)
    left_side = _described(left, groups, meaning)
    right_side = _described(right, groups, meaning)
    weights = weigh_counts(left_side.term_counts, right_side.term_counts)
    if blocking:
        pairs = candidate_pairs(left_side.blocking, right_side.blocking)
    else:
        pairs = all_pairs(len(left_side.features), len(right_side.features))
    return left_side, right_side, weights, pairs


def _described(side: Side | DescribedSide, groups: tuple[tuple[str, ...], ...], meaning: str) -> DescribedSide:
    if isinstance(side, DescribedSide) and side.synonyms == groups and side.meaning == meaning:
        return side
    return describe_side(side.side if isinstance(side, DescribedSide) else side, groups, meaning)


def compare_sides(
    left: Side | DescribedSide,
    right: Side | DescribedSide,
    settings: CompareSettings,
    *,
    synonyms: Iterable[Iterable[str]] = DEFAULT_SYNONYMS,
    blocking: bool = True,
) -> Alignment:
    """Pair each sentence of one article with at most one of the other's, in any order.

    Articles in two languages are not compared (the words, the stemmer and the sentence model are English's): the
    alignment says so, every sentence unpaired, rather than showing that nothing matched.
    """
    languages = languages_of(left, right)
    if languages[0] and languages[1] and not same_language(languages[0], languages[1]):
        return _not_compared(left, right, languages)
    left_side, right_side, weights, candidates = _candidates(left, right, synonyms, blocking, settings.meaning)
    cosine = cosines(left_side.vectors, right_side.vectors, candidates)
    # Choosing needs only the scores; the evidence (shared words, quotation, figures) is gathered for the chosen.
    scorer = PairScorer(left_side.features, right_side.features, weights, settings.verbatim_min_words, cosine)
    scores = scorer.scores(candidates)
    matches = choose_one_to_one(scores, settings.match_threshold, settings.margin)
    pairs = tuple(
        _pair(match, left_side, right_side, weights, settings, cosine[(match.left, match.right)] if cosine else None)
        for match in matches
    )
    paired_left, paired_right = {p.left for p in pairs}, {p.right for p in pairs}
    return Alignment(
        left_article=left_side.side.article_id,
        right_article=right_side.side.article_id,
        left=left_side.sentences,
        right=right_side.sentences,
        pairs=pairs,
        unique_left=tuple(i for i in range(len(left_side.sentences)) if i not in paired_left),
        unique_right=tuple(j for j in range(len(right_side.sentences)) if j not in paired_right),
        scored_pairs=len(scores),
        left_language=languages[0],
        right_language=languages[1],
        left_by_words=left_side.is_by_words,
        right_by_words=right_side.is_by_words,
    )


def languages_of(left: Side | DescribedSide, right: Side | DescribedSide) -> tuple[str | None, str | None]:
    return side_language(left.side if isinstance(left, DescribedSide) else left), side_language(
        right.side if isinstance(right, DescribedSide) else right
    )


def side_language(side: Side) -> str | None:
    """The article's language: its front matter's, else read from its text; None when it cannot be told."""
    return base_language(side.language) if side.language else detect_language(side.text)


def _not_compared(
    left: Side | DescribedSide, right: Side | DescribedSide, languages: tuple[str | None, str | None]
) -> Alignment:
    left_side = left.side if isinstance(left, DescribedSide) else left
    right_side = right.side if isinstance(right, DescribedSide) else right
    left_sentences, right_sentences = tuple(split_sentences(left_side.text)), tuple(split_sentences(right_side.text))
    return Alignment(
        left_article=left_side.article_id,
        right_article=right_side.article_id,
        left=left_sentences,
        right=right_sentences,
        pairs=(),
        unique_left=tuple(range(len(left_sentences))),
        unique_right=tuple(range(len(right_sentences))),
        scored_pairs=0,
        left_language=languages[0],
        right_language=languages[1],
        not_compared=DIFFERENT_LANGUAGES,
    )


def _pair(
    match: Match,
    left: DescribedSide,
    right: DescribedSide,
    weights: TermWeights,
    settings: CompareSettings,
    meaning: float | None,
) -> Pair:
    left_features, right_features = left.features[match.left], right.features[match.right]
    evidence = score_pair(left_features, right_features, weights, settings.verbatim_min_words, meaning)
    quote = evidence.shared_quote
    is_verbatim = len(quote) >= settings.verbatim_min_words
    conflict = differing_figures(
        left.sentences[match.left], right.sentences[match.right], left_features, right_features
    )
    return Pair(
        left=match.left,
        right=match.right,
        score=match.score,
        kind=_kind(is_verbatim, bool(evidence.shared_claims), conflict is not None),
        shared_quote=left.side.text[quote[0].start : quote[-1].end] if is_verbatim else None,
        shared_claims=evidence.shared_claims,
        signals=evidence.signals,
        is_ambiguous=match.is_ambiguous,
        attribution=Attribution(left_features.attributions, right_features.attributions),
        conflict=conflict,
    )


def _kind(is_verbatim: bool, shares_claims: bool, is_conflict: bool) -> PairKind:
    """The strongest thing the pair shares: a quotation, an annotated claim; else whether its figures differ."""
    if is_verbatim:
        return "verbatim"
    if shares_claims:
        return "claim"
    return "conflict" if is_conflict else "paraphrase"


def differing_figures(
    left: Sentence, right: Sentence, left_features: SentenceFeatures, right_features: SentenceFeatures
) -> Conflict | None:
    """The figures each sentence gives and the other does not, when each gives one (only one side giving a figure
    is a detail the other leaves out, not a conflict)."""
    left_numbers = {term for term in left_features.terms if term[0] == "#"}
    right_numbers = {term for term in right_features.terms if term[0] == "#"}
    if not (left_numbers - right_numbers and right_numbers - left_numbers):
        return None  # most pairs: found from the terms, without reading the sentences again
    left_figures, right_figures = figures(left), figures(right)
    left_values, right_values = {f.value for f in left_figures}, {f.value for f in right_figures}
    left_only = tuple(f for f in left_figures if f.value not in right_values)
    right_only = tuple(f for f in right_figures if f.value not in left_values)
    return Conflict(left_only, right_only) if left_only and right_only else None


def figures(sentence: Sentence) -> tuple[Figure, ...]:
    """The figures a sentence gives, years, times and dates included, in its order, each with the scale or percent
    written after it ("6 million", "5%"); a name's number ("Falcon 9") is none."""
    tokens = token_spans(sentence.text)
    numbers = [position for position, (_, _, key) in enumerate(tokens) if number_value(key) is not None]
    found = []
    for position, (term, last) in sorted(number_terms(sentence.text, tokens, numbers).items()):
        if not is_name_number(term):
            start, end = tokens[position][0], tokens[last][1]
            found.append(Figure(sentence.text[start:end], term[1:], sentence.start + start, sentence.start + end))
    return tuple(found)


def _unique_ids(attributions: tuple[Attributed, ...]) -> tuple[str, ...]:
    return tuple(sorted({a.source_id for a in attributions}))
