"""Compare how two outlets told the same story, sentence by sentence: the pure algorithm, no I/O but reading the
sentence model's two files once per process (meaning.py).

`compare_sides(left, right, settings)` splits both articles into sentences (segment.py), describes
each sentence (features.py: content words, quotations, people, numbers, claims, attributions; meaning.py:
a vector of what it means), scores candidate pairs from several signals (score.py), chooses a one-to-one
matching with a margin rule (match.py), and finds the figures each chosen pair gives differently. Matching
ignores order: outlets tell the same facts in different orders. The words a version alone uses are marked per
row of a story's synopsis (synopsis.py, with diff.py), not per pair. `score_candidates` stops before choosing, for
explaining a comparison or tuning it.

How cost grows, for n and m sentences of at most L words. Segmenting and describing are
O((n + m) L), once per article however many comparisons it takes part in (`describe_side`; the
blocking keys and term counts are kept with it). Only pairs that share a blocking key are scored,
each at O(L) (match.py): a key found in at most c = max(10, 2 sqrt(n + m)) sentences proposes at
most c partners per occurrence, so at most c (n + m) L pairs are scored where all pairs would be
n m; in the worst case that grows as n^1.5, and for two articles that share little it grows about
linearly. Every candidate gets its score alone (score.PairScorer, the same to the last bit as
score_pair's); only the chosen pairs get their evidence. Choosing sorts the P
scored pairs once, O(P log P), then passes over them once per round in which taking pairs frees a
weaker pair of its rival (rarely more than two rounds).

Measured on one core (process time; on a shared machine, so the best of several runs, each in a
fresh process, alternating with the code as it was before it was tuned for speed). The benchmark
dossier (benchmarks/generate.py), its first 40 stories: 400 pairs of articles of about 43
sentences, 3.3 ms per pair, describing included (10.3 ms before; medians 3.7 and 11.1 ms). The
tests' generated retellings (tests/test_compare.py `_long_article`: the second article shuffled, a
fifth of its words dropped; both sides described in each call): 40 sentences each 7 ms (470 of
1,600 pairs scored; 17 ms before), 100 each 22 ms, 200 each 51 ms, 400 each 0.16 s (18,000 of
160,000 pairs scored; 0.33 s before; scoring all pairs takes 0.7 s and chooses the same pairs).

The meaning signal (meaning.py) adds a sentence vector per sentence, an average of token vectors, and a dot
product per scored pair: on the benchmark's stories (`python -m benchmarks.compare_cost`), 3.8 ms per pair against
2.9 ms without it (4.3 ms in a fresh process, whose word cache is empty), and 0.1 s to load the model once.
"""

from dossier.compare.align import (
    Alignment,
    Attribution,
    Candidates,
    Conflict,
    Figure,
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
    "Conflict",
    "Figure",
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
