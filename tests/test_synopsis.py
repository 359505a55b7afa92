"""The story-level synopsis: pairwise alignments grouped into rows, one per fact, in the outlets' order."""

from __future__ import annotations

import itertools
from dataclasses import replace

from dossier.compare import Alignment, Side, compare_sides
from dossier.compare.align import Attribution, Conflict, Figure, Pair
from dossier.compare.score import Signals
from dossier.compare.segment import split_sentences
from dossier.compare.synopsis import Row, Synopsis, row_differences, synopsis_of
from dossier.model import CompareSettings
from tests.compare_cases import QUAKE_ENGLISH, QUAKE_SPANISH

SIDES = {
    "a": Side(
        "a",
        "The minister resigned on Tuesday after a week of protests in the capital.\n\n"
        'She said she had "lost the confidence of the house and of the country".\n\n'
        "Parliament will vote on a successor next month.",
    ),
    "b": Side(
        "b",
        "Protests had gone on in the capital for a whole week.\n\n"
        "The minister resigned on Tuesday after a week of protests in the capital city.\n\n"
        '"I have lost the confidence of the house and of the country," she told reporters.',
    ),
    "c": Side(
        "c",
        "The minister resigned on Tuesday after seven days of protests.\n\n"
        "The weather was fine.\n\n"
        "Her party will choose a new leader.",
    ),
}


def three_outlets() -> Synopsis:
    alignments = {
        (left, right): compare_sides(SIDES[left], SIDES[right], CompareSettings())
        for left, right in itertools.combinations(SIDES, 2)
    }
    return synopsis_of(list(SIDES), alignments)


def row_texts(synopsis: Synopsis, row: Row) -> list[str | None]:
    """Each article's part of the row, or None where it does not report it."""
    return [
        " ".join(synopsis.sentences[article][index].text for index in cell) if cell else None
        for article, cell in enumerate(row.cells)
    ]


def test_one_fact_told_by_three_outlets_is_one_row_across_three_columns() -> None:
    synopsis = three_outlets()
    (resigned,) = [row for row in synopsis.rows if row.articles == (0, 1, 2)]
    texts = row_texts(synopsis, resigned)
    assert all(text and "resigned on Tuesday" in text for text in texts)


def test_a_shared_quotation_is_named_and_the_outlet_that_lacks_it_is_blank() -> None:
    synopsis = three_outlets()
    (quoted,) = [row for row in synopsis.rows if row.kind == "verbatim"]
    assert quoted.quote == "lost the confidence of the house and of the country"
    assert quoted.articles == (0, 1)


def test_rows_keep_each_outlets_order_and_neighbours() -> None:
    texts = [row_texts(three_outlets(), row) for row in three_outlets().rows]
    firsts = [next(text for text in row if text) for row in texts]
    # b's opening comes before the fact it precedes in b; c's own passages follow the fact they follow in c.
    assert firsts[0].startswith("Protests had gone on")
    assert firsts[1].startswith("The minister resigned")
    assert firsts[2:4] == ["The weather was fine.", "Her party will choose a new leader."]
    assert firsts[-1].startswith("Parliament will vote")
    every_sentence = sorted((a, i) for row in three_outlets().rows for a, cell in enumerate(row.cells) for i in cell)
    assert every_sentence == sorted((a, s.index) for a, told in enumerate(three_outlets().sentences) for s in told)


def test_only_the_words_no_other_outlet_uses_are_marked() -> None:
    synopsis = three_outlets()
    (resigned,) = [row for row in synopsis.rows if row.articles == (0, 1, 2)]
    differences = row_differences(synopsis, resigned)
    assert differences is not None
    marked = [[chunk.text for chunk in chunks if chunk.changed] for chunks in differences]
    assert marked == [[], ["city"], ["seven days"]]


def pair(left: int, right: int, score: float) -> Pair:
    return Pair(
        left, right, score, "paraphrase", None, (), Signals(score, 0, 0, 0, 0), False, Attribution((), ()),
    )  # fmt: skip


def alignment(left_id: str, right_id: str, *pairs: Pair) -> Alignment:
    sentences = tuple(split_sentences("One.\n\nTwo.\n\nThree."))
    return Alignment(left_id, right_id, sentences, sentences, tuple(pairs), (), (), scored_pairs=len(pairs))


def test_a_weaker_match_that_would_put_two_sentences_of_one_outlet_in_a_row_is_set_aside() -> None:
    alignments = {
        ("a", "b"): alignment("a", "b", pair(0, 0, 0.9)),
        ("b", "c"): alignment("b", "c", pair(0, 0, 0.8)),
        ("a", "c"): alignment("a", "c", pair(0, 1, 0.7)),  # a0 is c0's already, through b0
    }
    synopsis = synopsis_of(["a", "b", "c"], alignments)
    assert synopsis.rows[0].cells == ((0,), (0,), (0,))
    assert [link.nodes for link in synopsis.set_aside] == [((0, 0), (2, 1))]
    assert ((), (), (1,)) in [row.cells for row in synopsis.rows]  # c1 stays, as a row of its own


def test_versions_that_differ_nearly_everywhere_are_left_unmarked() -> None:
    left = tuple(split_sentences("Officials confirmed the talks late on Monday evening."))
    right = tuple(split_sentences("Nobody in government denied that the talks happened."))
    far_apart = Alignment("a", "b", left, right, (pair(0, 0, 0.5),), (), (), scored_pairs=1)
    synopsis = synopsis_of(["a", "b"], {("a", "b"): far_apart})
    assert synopsis.rows[0].cells == ((0,), (0,))
    assert row_differences(synopsis, synopsis.rows[0]) is None


def test_figures_that_differ_make_the_row_say_so_even_when_it_shares_a_claim() -> None:
    left = tuple(split_sentences("Rescuers said 18,645 people were buried."))
    right = tuple(split_sentences("An estimated 18,000 people remain buried."))
    conflict = Conflict((Figure("18,645", "18645", 14, 20),), (Figure("18,000", "18000", 13, 19),))
    claimed = replace(pair(0, 0, 0.8), kind="claim", shared_claims=("toll",), conflict=conflict)
    synopsis = synopsis_of(["a", "b"], {("a", "b"): Alignment("a", "b", left, right, (claimed,), (), (), 1)})
    (row,) = synopsis.rows
    assert (row.kind, row.claims) == ("conflict", ("toll",))
    assert row.figures == (conflict.left, conflict.right)
    plain = synopsis_of(["a", "b"], {("a", "b"): Alignment("a", "b", left, right, (pair(0, 0, 0.8),), (), (), 1)})
    assert plain.rows[0].kind == "paraphrase" and plain.rows[0].figures == ((), ())


def test_the_synopsis_keeps_each_articles_language_and_the_pairs_not_compared() -> None:
    sides = {"en": Side("en", QUAKE_ENGLISH), "es": Side("es", QUAKE_SPANISH), "en2": Side("en2", QUAKE_ENGLISH)}
    alignments = {
        (left, right): compare_sides(sides[left], sides[right], CompareSettings())
        for left, right in itertools.combinations(sides, 2)
    }
    synopsis = synopsis_of(list(sides), alignments)
    assert synopsis.languages == ("en", "es", "en")
    assert synopsis.not_compared == ((0, 1), (1, 2))
    assert [row.articles for row in synopsis.rows if 1 in row.articles] == [(1,), (1,)]  # told alone, all of it
