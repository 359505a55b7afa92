"""Which sentence pairs to score, and a one-to-one choice among the scored pairs.

Blocking: a sentence is only scored against sentences that share a key with it: a content word, a
registered person, a number or two quoted words in a row found in at most `blocking_cap(n)`
sentences, or an annotated claim.
Keys found everywhere ("Flynn", "sanctions") would pair everything with everything and decide
nothing. A sentence whose words are all that common keys on its two rarest words instead.
Those rarest words, and a claim both articles quote, may still be in every sentence (a list of identical lines,
a claim annotated on each): there a sentence takes the NEAREST_PARTNERS sentences nearest to where it stands.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise, product

from dossier.compare.features import SentenceFeatures

FALLBACK_KEYS = 2
# The most partners a sentence takes through one of its rarest words or a shared claim, nearest first: 8,000
# identical sentences on each side were 64 million pairs to score (30 GB of vectors for the meaning signal).
NEAREST_PARTNERS = 20
# The most pairs informative keys propose, per sentence of both articles, rarest keys first: real articles
# propose at most 8 (benchmarks/compare_eval, its eleven unrelated articles, the benchmark's), but one written so
# that many words are each in nearly `blocking_cap` sentences proposed pairs by the million (4,000 sentences a
# side: 14 s and 1 GB).
PAIRS_PER_SENTENCE = 30


@dataclass(frozen=True)
class Match:
    left: int
    right: int
    score: float
    runner_up: float  # the best competing score for either sentence when the pair was chosen
    is_ambiguous: bool  # it did not beat the runner-up by the margin


def blocking_cap(sentence_count: int) -> int:
    """The most sentences a key may occur in and still propose pairs."""
    return max(10, math.ceil(2 * math.sqrt(sentence_count)))


@dataclass(frozen=True)
class BlockingKeys:
    """One article's blocking keys, sentence by sentence: the part of blocking that depends on one side only."""

    keys: tuple[frozenset[str], ...]  # of each sentence
    index: dict[str, list[int]]  # key -> the sentences that have it (how many: the key's frequency)


def blocking_keys(features: Sequence[SentenceFeatures]) -> BlockingKeys:
    keys = tuple([_keys(f) for f in features])
    return BlockingKeys(keys=keys, index=_index(keys))


def candidate_pairs(left: BlockingKeys, right: BlockingKeys) -> list[tuple[int, int]]:
    """The pairs of sentences that share an informative key, and those proposed by sentences that have none.

    Each sentence proposes its partners through its informative keys: taken together, that is every pair of
    a left and a right sentence that share an informative key, and looking at the keys both articles have
    finds those pairs without looking at each sentence's keys.
    """
    frequency = _Frequency(left.index, right.index)
    left_count, right_count = len(left.keys), len(right.keys)
    cap = blocking_cap(left_count + right_count)
    budget = PAIRS_PER_SENTENCE * (left_count + right_count)
    pairs: set[tuple[int, int]] = set()
    for key in sorted(left.index.keys() & right.index.keys(), key=lambda key: (frequency[key], key)):
        left_sentences, right_sentences = left.index[key], right.index[key]
        if len(left_sentences) + len(right_sentences) <= cap:
            if len(pairs) + len(left_sentences) * len(right_sentences) <= budget:
                pairs.update(product(left_sentences, right_sentences))
        elif key.startswith("claim:"):
            for i in left_sentences:
                pairs.update((i, j) for j in _nearest(right_sentences, i, left_count, right_count))
            for j in right_sentences:
                pairs.update((i, j) for i in _nearest(left_sentences, j, right_count, left_count))
    for i in _without_informative_keys(left, frequency, cap):
        for key in _blocking_keys(left.keys[i], frequency, cap):
            pairs.update((i, j) for j in _nearest(right.index.get(key, []), i, left_count, right_count))
    for j in _without_informative_keys(right, frequency, cap):  # a common-words sentence looks for itself
        for key in _blocking_keys(right.keys[j], frequency, cap):
            pairs.update((i, j) for i in _nearest(left.index.get(key, []), j, right_count, left_count))
    return sorted(pairs)


def _nearest(others: list[int], position: int, count: int, other_count: int) -> list[int]:
    """Of `others`, sorted positions in an article of `other_count` sentences, the NEAREST_PARTNERS nearest to
    where `position` stands in its own article of `count` (articles tell a story in much the same order)."""
    if len(others) <= NEAREST_PARTNERS:
        return others
    expected = position * other_count / max(count, 1)
    at = bisect_left(others, expected)
    window = others[max(0, at - NEAREST_PARTNERS) : at + NEAREST_PARTNERS]  # holds the nearest, on either side
    return sorted(window, key=lambda other: (abs(other - expected), other))[:NEAREST_PARTNERS]


class _Frequency:
    """How many sentences of both articles have a key, from each article's index, without merging them."""

    def __init__(self, left: dict[str, list[int]], right: dict[str, list[int]]) -> None:
        self.left, self.right = left, right

    def __getitem__(self, key: str) -> int:
        return len(self.left.get(key, ())) + len(self.right.get(key, ()))


def _without_informative_keys(side: BlockingKeys, frequency: _Frequency, cap: int) -> list[int]:
    left, right = frequency.left, frequency.right
    return [
        position
        for position, keys in enumerate(side.keys)  # most keys are informative: looking usually stops at the first
        if not any(len(left.get(key, ())) + len(right.get(key, ())) <= cap or key.startswith("claim:") for key in keys)
    ]


def _index(sentence_keys: Sequence[frozenset[str]]) -> dict[str, list[int]]:
    index: defaultdict[str, list[int]] = defaultdict(list)
    for position, keys in enumerate(sentence_keys):
        for key in keys:
            index[key].append(position)
    return index


def all_pairs(left_count: int, right_count: int) -> list[tuple[int, int]]:
    return [(i, j) for i in range(left_count) for j in range(right_count)]


def _keys(features: SentenceFeatures) -> frozenset[str]:
    return frozenset(
        [f"word:{t}" for t in features.terms]
        + [f"person:{p}" for p in features.people]
        + [f"number:{n}" for n in features.numbers]
        + [f"claim:{c}" for c in features.claims]
        # Word pairs inside quotation marks: a quotation both share, even of stopwords, shares one.
        + [f"quoted:{a.key} {b.key}" for quote in features.quotations for a, b in pairwise(quote)]
    )


def _informative_keys(keys: frozenset[str], frequency: _Frequency, cap: int) -> list[str]:
    return sorted(key for key in keys if frequency[key] <= cap or key.startswith("claim:"))


def _blocking_keys(keys: frozenset[str], frequency: _Frequency, cap: int) -> list[str]:
    """The informative keys, or failing those the rarest few."""
    rarest_first = sorted(keys, key=lambda key: (frequency[key], key))
    return _informative_keys(keys, frequency, cap) or rarest_first[:FALLBACK_KEYS]


def choose_one_to_one(scores: dict[tuple[int, int], float], threshold: float, margin: float) -> list[Match]:
    """Greedy from the best score down, with a margin rule.

    A pair is taken when it clears the threshold and beats its runner-up (the best other still-free
    pair of either of its sentences) by the margin. When it does not, the two are weighed one step
    ahead: each is credited with the best partner left for the sentence the other would take, so a
    title that matches a lede slightly less well than the next sentence does can take the lede and
    leave that sentence its own match. The winner is taken if it clears the threshold by the margin,
    and marked ambiguous. A weak pair with a close rival is left, and looked at again once other
    pairs are taken, which may free it of its rival. Ties go to the lower indices.
    """
    # Every pair as (-score, i, j), sorted once: best first, ties to the lower indices; negating is exact.
    best_first = sorted([(-score, i, j) for (i, j), score in scores.items()])
    ranked = [(-negated, i, j) for negated, i, j in best_first if -negated >= threshold]
    rivals = _Rivals(best_first, threshold)
    chosen: list[Match] = []
    while True:
        taken = _greedy_pass(ranked, rivals, margin, strong=threshold + margin)
        if not taken:
            return sorted(chosen, key=lambda match: (match.left, match.right))
        chosen.extend(taken)


def _greedy_pass(ranked: list[tuple[float, int, int]], rivals: _Rivals, margin: float, strong: float) -> list[Match]:
    taken: list[Match] = []
    for score, i, j in ranked:
        if rivals.is_taken(i, j):
            continue
        rival = rivals.best_rival(i, j)
        if rival is None or score - rival[0] >= margin:
            taken.append(rivals.take((score, i, j), runner_up=rival[0] if rival else 0.0, is_ambiguous=False))
            continue
        pair = (score, i, j)
        preferred, other = (rival, pair) if rivals.is_better_ahead(rival, pair) else (pair, rival)
        if preferred[0] >= strong:
            taken.append(rivals.take(preferred, runner_up=other[0], is_ambiguous=True))
    return taken


class _Rivals:
    """Each sentence's scored partners, best first, and which sentences are already taken."""

    def __init__(self, best_first: list[tuple[float, int, int]], threshold: float) -> None:
        """`best_first`: every scored pair as (-score, left, right), sorted."""
        self.threshold = threshold
        # Each sentence's partners as (-score, index), in the order of best_first: best first, lower index first.
        self.by_left: defaultdict[int, list[tuple[float, int]]] = defaultdict(list)
        self.by_right: defaultdict[int, list[tuple[float, int]]] = defaultdict(list)
        for negated, i, j in best_first:
            self.by_left[i].append((negated, j))
            self.by_right[j].append((negated, i))
        self.taken_left: set[int] = set()
        self.taken_right: set[int] = set()

    def is_taken(self, i: int, j: int) -> bool:
        return i in self.taken_left or j in self.taken_right

    def take(self, pair: tuple[float, int, int], runner_up: float, is_ambiguous: bool) -> Match:
        score, i, j = pair
        self.taken_left.add(i)
        self.taken_right.add(j)
        return Match(i, j, score, runner_up, is_ambiguous)

    def best_rival(self, i: int, j: int) -> tuple[float, int, int] | None:
        """The best other free pair of sentence i or of sentence j, as (score, left, right)."""
        left_rival = self._best_right_for(i, excluding=j)
        right_rival = self._best_left_for(j, excluding=i)
        found = [(s, i, other) for s, other in [left_rival] if s is not None]
        found += [(s, other, j) for s, other in [right_rival] if s is not None]
        return min(found, key=lambda rival: (-rival[0], rival[1], rival[2]), default=None)

    def is_better_ahead(self, rival: tuple[float, int, int], pair: tuple[float, int, int]) -> bool:
        """Whether taking the rival instead of the pair leaves more score, one step ahead."""
        return self._with_displaced(rival, pair) > self._with_displaced(pair, rival)

    def _with_displaced(self, taken: tuple[float, int, int], other: tuple[float, int, int]) -> float:
        """The taken pair's score plus the best partner left for the sentence it takes from the other."""
        score, i, j = taken
        if other[1] == i:  # they share the left sentence: the other's right sentence looks elsewhere
            best = self._best_left_for(other[2], excluding=i)[0]
        else:
            best = self._best_right_for(other[1], excluding=j)[0]
        return score + (best if best is not None and best >= self.threshold else 0.0)

    def _best_right_for(self, i: int, excluding: int) -> tuple[float | None, int]:
        return next(((-s, j) for s, j in self.by_left[i] if j != excluding and j not in self.taken_right), (None, -1))

    def _best_left_for(self, j: int, excluding: int) -> tuple[float | None, int]:
        return next(((-s, i) for s, i in self.by_right[j] if i != excluding and i not in self.taken_left), (None, -1))
