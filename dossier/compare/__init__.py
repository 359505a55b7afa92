"""Compare how two outlets told the same story, passage by passage: the pure algorithm.

`compare_sides(left, right, settings)` splits both articles into sentences (segment), describes each
sentence (features: content words, quotations, people, numbers, claims, attributions), scores
candidate pairs from several signals (score), chooses a one-to-one matching with a margin rule
(match), and diffs the words of each chosen pair (diff). Matching ignores order: outlets tell the
same facts in different orders.

Cost, for n and m sentences of at most L words: segmenting and describing are O((n + m) L).
Only pairs sharing a blocking key are scored (match.py): a key in at most c = max(10, 2 sqrt(n + m))
sentences proposes at most c pairs per occurrence, so at most c (n + m) L pairs are scored at O(L)
each, instead of n m. Two related news articles share few rare words per sentence, so in practice
the scored pairs grow about linearly with the sentences (measured: see tests/test_compare.py).
Choosing is O(P log P) for P scored pairs, plus one more pass over them for each round in which a
taken pair frees a weaker pair of its rival (rarely more than two).
"""

from dossier.compare.align import (
    Alignment,
    Attribution,
    Candidates,
    Pair,
    PairKind,
    compare_sides,
    score_candidates,
)
from dossier.compare.diff import Chunk, diff_words
from dossier.compare.features import Attributed, Side
from dossier.compare.score import PairScore, Signals
from dossier.compare.segment import Sentence, split_sentences
from dossier.compare.words import DEFAULT_SYNONYMS

__all__ = [
    "DEFAULT_SYNONYMS",
    "Alignment",
    "Attributed",
    "Attribution",
    "Candidates",
    "Chunk",
    "Pair",
    "PairKind",
    "PairScore",
    "Sentence",
    "Side",
    "Signals",
    "compare_sides",
    "diff_words",
    "score_candidates",
    "split_sentences",
]
