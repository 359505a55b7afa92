"""The comparison: sentence splitting, scoring, one-to-one matching and word diffs.

The example is two outlets' account of Flynn's talks with Kislyak (tests/fixtures/compare/: The Week's
title line and body, and The Moscow Times' body, without the pages' furniture).
"""

from __future__ import annotations

import io
import json
import os
import pickle
import random
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.compare_eval.evaluate import unrelated_texts
from dossier import cache as cache_module
from dossier.compare import (
    Alignment,
    Candidates,
    Chunk,
    Pair,
    Sentence,
    Side,
    compare_sides,
    diff_words,
    score_candidates,
    split_sentences,
    stage,
)
from dossier.compare.align import NO_ATTRIBUTION, Attribution, describe_side, figures
from dossier.compare.features import Attributed, find_expansions, find_names, find_quotations
from dossier.compare.language import detect_language, same_language
from dossier.compare.meaning import shipped_files, shipped_model, tells_sentences_apart
from dossier.compare.score import PairScorer, Signals, combine_values, weigh_terms
from dossier.compare.segment import Sentences
from dossier.compare.stage import SharedSentences, bare
from dossier.compare.words import STOPWORDS, TOKEN, stem_word
from dossier.model import CompareSettings
from dossier.pipeline import BuildOptions, build_project, check_project
from dossier.text import make_markdown, parse_article_text
from tests.compare_cases import QUAKE_ARABIC, QUAKE_RIBAO, QUAKE_WANBAO
from tests.conftest import copy_example
from tests.script_cases import RELATED_IN, UNRELATED_IN
from tests.security.project import small_project

FIXTURES = Path(__file__).parent / "fixtures" / "compare"
SETTINGS = CompareSettings()
PEOPLE = {  # as in content/people.yaml: a name and its aliases
    "michael-flynn": ("Michael Flynn", "Flynn", "Michael T. Flynn", "Mike Flynn"),
    "sergey-kislyak": ("Sergey Kislyak", "Kislyak", "Sergei Kislyak"),
    "mike-pence": ("Mike Pence", "Pence"),
    "donald-trump": ("Donald Trump", "Trump"),
    "barack-obama": ("Barack Obama", "Obama"),
    "vladimir-putin": ("Vladimir Putin", "Putin"),
    "keith-kellogg": ("Keith Kellogg", "Kellogg"),
    "sean-spicer": ("Sean Spicer", "Spicer"),
}
# Some of the annotations of content/flynn-kislyak/*.yaml, as (quote, id).
WEEK_CLAIMS = (
    (
        "have said Michael Flynn, President Trump's national security adviser, never spoke",
        "pence-repeated-denial",
    ),
    ("Flynn and Sergey Kislyak did privately discuss the sanctions", "sanctions-were-discussed"),
    ("had no recollection of discussing sanctions", "spokesman-no-recollection"),
    ('Flynn urged Russia "not to overreact to the penalties,"', "flynn-urged-no-overreaction"),
)
TIMES_CLAIMS = (
    ("Those claims were then repeated by top U.S. officials", "pence-repeated-denial"),
    ("he secretly discussed sanctions with Russia's ambassador", "sanctions-were-discussed"),
    ("had no recollection of discussing sanctions", "spokesman-no-recollection"),
    ('Flynn urged Russian diplomats not to "overreact" to sanctions', "flynn-urged-no-overreaction"),
)
WEEK_SOURCES = (
    ('Nine "current and former officials', "nine-officials"),
    ("Two of the officials", "two-officials"),
)
TIMES_SOURCES = (
    ("The Washington Post newspaper", "washington-post"),
    ("nine former and current government sources", "nine-officials"),
    ("Two Washington Post sources", "two-officials"),
)


def fixture_text(name: str) -> str:
    return (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


def spans(text: str, quotes: tuple[tuple[str, str], ...]) -> tuple[tuple[int, int, str], ...]:
    """Where each quote is, as an annotation anchored by the anchor stage would be."""
    found = []
    for quote, target in quotes:
        start = text.index(quote)
        found.append((start, start + len(quote), target))
    return tuple(found)


def the_week(with_claims: bool = False) -> Side:
    text = fixture_text("the-week")
    claims = spans(text, WEEK_CLAIMS) if with_claims else ()
    return Side("the-week", text, PEOPLE, claims, spans(text, WEEK_SOURCES))


def the_moscow_times(with_claims: bool = False) -> Side:
    text = fixture_text("moscow-times")
    claims = spans(text, TIMES_CLAIMS) if with_claims else ()
    return Side("the-moscow-times", text, PEOPLE, claims, spans(text, TIMES_SOURCES))


@pytest.fixture(scope="module")
def example() -> Alignment:
    return compare_sides(the_week(), the_moscow_times(), SETTINGS)


def week(alignment: Alignment, fragment: str) -> int:
    return only_index(alignment.left, fragment)


def times(alignment: Alignment, fragment: str) -> int:
    return only_index(alignment.right, fragment)


def only_index(sentences: Sequence[Sentence], fragment: str) -> int:
    found = [s.index for s in sentences if fragment in s.text]
    assert len(found) == 1, (fragment, found)
    return found[0]


def pair_of_left(alignment: Alignment, left: int) -> Pair | None:
    return next((p for p in alignment.pairs if p.left == left), None)


# Sentences


def test_a_title_line_without_a_full_stop_is_a_sentence_of_its_own() -> None:
    text = "Flynn resigns over Russia calls\n\nMichael Flynn resigned on Monday. He apologised."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Flynn resigns over Russia calls",
        "Michael Flynn resigned on Monday.",
        "He apologised.",
    ]
    assert [s.paragraph for s in sentences] == [0, 1, 1]


def test_a_full_stop_inside_a_closing_quote_ends_the_sentence_after_the_quote() -> None:
    text = 'His spokesman said Flynn "couldn\'t be certain that the topic never came up." Kislyak confirmed.'
    assert [s.text for s in split_sentences(text)] == [
        'His spokesman said Flynn "couldn\'t be certain that the topic never came up."',
        "Kislyak confirmed.",
    ]


def test_a_quotation_ending_in_a_question_mark_goes_on_when_lower_case_follows() -> None:
    text = "\u201cWhy now?\u201d he asked. Nobody answered."
    assert [s.text for s in split_sentences(text)] == ["\u201cWhy now?\u201d he asked.", "Nobody answered."]


def test_a_new_quotation_starts_a_new_sentence() -> None:
    text = 'The letter read. "These calls were standard practice," he wrote.'
    assert len(split_sentences(text)) == 2


@pytest.mark.parametrize(
    "text",
    [
        "Flynn, a retired U.S. Army lieutenant general, twice told the Post.",
        "Lt. Gen. Michael Flynn resigned on Monday.",
        "Mr. Flynn met Dr. Smith and Gov. Jones.",
        "Michael T. Flynn pleaded guilty.",
        "The calls began on Dec. 29 and ended by Jan. 20 after the inauguration.",
        "He cited No. 10 and the U.K. Foreign Office.",
    ],
)
def test_abbreviations_do_not_end_a_sentence(text: str) -> None:
    assert [s.text for s in split_sentences(text)] == [text]


@pytest.mark.parametrize(
    "text",
    [
        "Obama accused the Kremlin of interfering in the U.S. elections. President Putin refused.",
        "He moved to the U.S. The move was quiet.",
        "The calls ended on Jan. 20. Then the denials began.",
    ],
)
def test_an_abbreviation_at_the_end_of_a_sentence_still_ends_it(text: str) -> None:
    assert len(split_sentences(text)) == 2


def test_the_example_articles_split_as_a_reader_would() -> None:
    week_sentences = split_sentences(fixture_text("the-week"))
    times_sentences = split_sentences(fixture_text("moscow-times"))
    assert len(week_sentences) == 9  # the title line and eight sentences
    assert len(times_sentences) == 21
    assert week_sentences[0].text.startswith("Report: Despite denials")
    assert week_sentences[3].text.endswith(
        '"indicated that while he had no recollection of discussing '
        "sanctions, he couldn't be certain that the topic never came up.\""
    )


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab .!?\"'\u201c\u201dUS\n", max_size=80))
def test_sentences_are_exact_ordered_spans_covering_all_the_text(text: str) -> None:
    sentences = split_sentences(text)
    position = 0
    for index, sentence in enumerate(sentences):
        assert sentence.index == index
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip() != ""
        assert text[position : sentence.start].strip() == ""  # nothing but space was left out
        position = sentence.end
    assert text[position:].strip() == ""


# Quotations


def test_quotations_straight_and_curly_but_not_apostrophes() -> None:
    text = 'Flynn\u2019s aide said \u201cno recollection\u201d and "came up" at the New Years\u2019 party.'
    assert [text[start:end] for start, end in find_quotations(text)] == ["no recollection", "came up"]


def test_a_quotation_left_open_runs_to_the_end_of_its_paragraph_only() -> None:
    text = '"Unfortunately, I briefed others.\n\nHe wrote.'
    assert [text[start:end] for start, end in find_quotations(text)] == ["Unfortunately, I briefed others."]


# Diffs


def changed(chunks: tuple[Chunk, ...]) -> list[str]:
    return [chunk.text for chunk in chunks if chunk.changed]


def test_a_diff_gives_back_each_text_exactly() -> None:
    left, right = "Two of the officials said so.", "Two Washington Post sources also claimed that."
    left_chunks, right_chunks = diff_words(left, right)
    assert "".join(c.text for c in left_chunks) == left
    assert "".join(c.text for c in right_chunks) == right


def test_changes_separated_by_a_stopword_read_as_one_changed_phrase() -> None:
    left_chunks, right_chunks = diff_words(
        "Flynn discussed the penalties on Russia today.", "Flynn discussed new sanctions on Moscow today."
    )
    assert changed(left_chunks) == ["the penalties on Russia"]
    assert changed(right_chunks) == ["new sanctions on Moscow"]


def test_changes_separated_by_a_content_word_stay_apart() -> None:
    left_chunks, _ = diff_words("Officials said Flynn urged Russia", "Sources said Flynn urged Moscow")
    assert changed(left_chunks) == ["Officials", "Russia"]


def test_a_word_or_two_that_match_amid_a_rewrite_read_as_part_of_the_change() -> None:
    week = split_sentences(fixture_text("the-week"))[1].text
    times = split_sentences(fixture_text("moscow-times"))[1].text
    left_chunks, right_chunks = diff_words(week, times)
    # "President Trump's" is in both, but in The Week it names whose adviser Flynn was.
    assert [c.text for c in left_chunks if not c.changed] == [" inauguration."]
    assert [c.text for c in right_chunks if not c.changed] == [" inauguration."]


def test_moving_quotation_marks_changes_no_word() -> None:
    left_chunks, right_chunks = diff_words(
        'Flynn urged Russia "not to overreact to" them', 'Flynn urged Russia not to "overreact" to them'
    )
    assert changed(left_chunks) == changed(right_chunks) == []


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab c.,\"'", max_size=40), st.text(alphabet="ab c.,\"'", max_size=40))
def test_diff_chunks_rejoin_and_changes_start_and_end_with_a_word(left: str, right: str) -> None:
    for text, chunks in zip((left, right), diff_words(left, right), strict=True):
        assert "".join(c.text for c in chunks) == text
        for chunk in chunks:
            if chunk.changed:  # a word; "U.S." ends with its full stop
                assert chunk.text[0].isalnum() and (chunk.text[-1].isalnum() or chunk.text.endswith("."))
                assert chunk.text == chunk.text.strip()


# The example: what a careful reader pairs


def test_the_spokesmans_statement_is_a_verbatim_pair(example: Alignment) -> None:
    pair = pair_of_left(example, week(example, "his spokesman told the paper"))
    assert pair is not None
    assert pair.right == times(example, "Flynn's spokesperson said")
    assert pair.kind == "verbatim"
    assert pair.shared_quote is not None and "no recollection of discussing sanctions" in pair.shared_quote


def test_not_to_overreact_is_a_paraphrase(example: Alignment) -> None:
    pair = pair_of_left(example, week(example, "not to overreact to the penalties"))
    assert pair is not None
    assert pair.right == times(example, 'not to "overreact" to sanctions')
    assert pair.kind == "paraphrase"
    evidence = score_candidates(the_week(), the_moscow_times()).scores[pair.left, pair.right]
    assert "overreact" in evidence.shared_words and "sanction" in evidence.shared_words  # penalties = sanctions
    assert evidence.shared_numbers == ("2",)  # "Two of the officials", "Two Washington Post sources"


def test_the_denial_is_paired_with_a_moscow_times_denial(example: Alignment) -> None:
    pair = pair_of_left(example, week(example, "Members of the Trump administration"))
    assert pair is not None
    assert pair.right in (
        times(example, "Flynn repeatedly told the press"),
        times(example, "Those claims were then repeated"),
    )


def test_nine_officials_are_a_paraphrase_with_an_attribution_note(example: Alignment) -> None:
    pair = pair_of_left(example, week(example, 'Nine "current and former officials'))
    assert pair is not None
    assert pair.right == times(example, "nine former and current government sources")
    assert pair.kind == "paraphrase"
    assert pair.attribution.left_sources == ("nine-officials",)
    assert pair.attribution.right_sources == ("nine-officials", "washington-post")
    assert pair.attribution.is_different
    assert [a.text for a in pair.attribution.right] == [
        "The Washington Post newspaper",
        "nine former and current government sources",
    ]


def test_sentences_no_other_outlet_told_stay_unpaired(example: Alignment) -> None:
    assert week(example, "the Logan Act") in example.unique_left
    for fragment in (
        "Keith Kellogg",
        "gala dinner in Moscow",
        "inadvertently briefed the Vice President-elect",  # the resignation letter, via CNN
        "In the course of my duties",
        "These calls were to facilitate",
        "Such calls are standard practice",
        "Unfortunately, because of the fast pace",
        "I have sincerely apologized",
    ):
        assert times(example, fragment) in example.unique_right, fragment


def test_every_pair_clears_the_threshold_and_the_unpaired_fall_well_short(example: Alignment) -> None:
    scores = score_candidates(the_week(), the_moscow_times(), blocking=False).scores
    unpaired = {("left", i) for i in example.unique_left} | {("right", j) for j in example.unique_right}
    expected = [
        (week(example, "his spokesman told the paper"), times(example, "Flynn's spokesperson said")),
        (week(example, "not to overreact"), times(example, 'not to "overreact"')),
        (week(example, "Members of the Trump administration"), times(example, "Flynn repeatedly told")),
        (week(example, 'Nine "current'), times(example, "nine former and current")),
    ]
    weakest_match = min(scores[pair].score for pair in expected)
    # The best score of a sentence that has no counterpart, with any sentence of the other article.
    best_unpaired = max(
        evidence.score for (i, j), evidence in scores.items() if ("left", i) in unpaired and ("right", j) in unpaired
    )
    assert weakest_match >= SETTINGS.match_threshold + 0.03
    assert best_unpaired <= SETTINGS.match_threshold - 0.05
    assert all(p.score >= SETTINGS.match_threshold for p in example.pairs)


def test_a_name_and_a_count_do_not_make_one_shared_word_a_match() -> None:
    left = Side("a", "Flynn met nine ambassadors in Vienna. The talks were secret. Pence denied it.", PEOPLE)
    right = Side("b", "Nine days later, Flynn resigned. Kislyak left Washington. The Kremlin said nothing.", PEOPLE)
    assert compare_sides(left, right, SETTINGS).pairs == ()


def test_a_shared_count_without_a_shared_word_is_not_a_match() -> None:
    """A list's number ("2.") and a sentence that says "two" share a count and nothing else."""
    left = Side("a", "Three changes came first.\n\n2.\n\nThe rest followed in the spring.")
    right = Side("b", "They had two children.")
    assert compare_sides(left, right, SETTINGS).pairs == ()


def test_a_pair_that_only_shares_names_is_not_a_match() -> None:
    left = Side("a", "Flynn told The Washington Post that officials were wrong.", PEOPLE)
    right = Side("b", "Officials at The Washington Post praised Flynn for his garden.", PEOPLE)
    assert compare_sides(left, right, SETTINGS).pairs == ()


def test_blocking_finds_the_pairs_that_scoring_every_pair_finds(example: Alignment) -> None:
    everything = compare_sides(the_week(), the_moscow_times(), SETTINGS, blocking=False)
    assert [(p.left, p.right) for p in example.pairs] == [(p.left, p.right) for p in everything.pairs]
    assert example.scored_pairs < everything.scored_pairs == len(example.left) * len(example.right)


def test_annotated_claims_make_claim_pairs() -> None:
    alignment = compare_sides(the_week(with_claims=True), the_moscow_times(with_claims=True), SETTINGS)
    overreact = pair_of_left(alignment, week(alignment, "not to overreact"))
    assert overreact is not None and overreact.kind == "claim"
    assert overreact.shared_claims == ("flynn-urged-no-overreaction",)
    denial = pair_of_left(alignment, week(alignment, "Members of the Trump administration"))
    assert denial is not None and denial.shared_claims == ("pence-repeated-denial",)
    assert denial.right == times(alignment, "Those claims were then repeated")
    spokesman = pair_of_left(alignment, week(alignment, "his spokesman told the paper"))
    assert spokesman is not None and spokesman.kind == "verbatim"  # verbatim wins over claim


def test_a_shared_quotation_is_verbatim_from_verbatim_min_words() -> None:
    left = Side("a", 'The aide said it was "a smooth transition" for all.')
    right = Side("b", 'Officials called the handover "a smooth transition" on Monday.')
    assert compare_sides(left, right, CompareSettings(verbatim_min_words=3)).pairs[0].kind == "verbatim"
    assert compare_sides(left, right, CompareSettings(verbatim_min_words=4)).pairs[0].kind == "paraphrase"


def test_attributions_that_match_do_not_differ() -> None:
    text = "Two officials said the sanctions were explicit and illegal."
    left = Side("a", text, sources=((0, 13, "two-officials"),))
    right = Side("b", "Two sources said sanctions were explicit and illegal.", sources=((0, 11, "two-officials"),))
    pair = compare_sides(left, right, SETTINGS).pairs[0]
    assert pair.attribution.is_attributed and not pair.attribution.is_different


def test_the_same_input_gives_the_same_output_whatever_the_hash_seed() -> None:
    program = (
        "import sys; sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2]);"
        "import test_compare as t;"
        "print(repr(t.compare_sides(t.the_week(True), t.the_moscow_times(True), t.SETTINGS)))"
    )
    outputs = set()
    for seed in ("0", "1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", program, str(Path(__file__).parent.parent), str(Path(__file__).parent)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1


# Properties, on generated articles


def _vocabulary(seed: int, size: int) -> list[str]:
    """Made-up content words, each with its own stem, none a stopword."""
    syllables = ["ba", "ko", "ri", "tu", "ne", "sa", "lo", "mi", "de", "pu", "ga", "vo", "zi", "fe"]
    rng = random.Random(seed)
    words: dict[str, str] = {}
    while len(words) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in STOPWORDS:
            words.setdefault(stem_word(word), word)
    return sorted(words.values())


VOCABULARY = _vocabulary(seed=1, size=300)
OTHER_VOCABULARY = sorted(set(_vocabulary(seed=2, size=400)) - set(VOCABULARY))


@st.composite
def articles(draw: st.DrawFn, vocabulary: list[str] = VOCABULARY) -> list[list[str]]:
    """Paragraphs of sentences of three to nine different words; no two sentences share them all."""
    sentences = draw(
        st.lists(
            st.lists(st.sampled_from(vocabulary), min_size=3, max_size=9, unique=True),
            min_size=1,
            max_size=10,
            unique_by=frozenset,
        )
    )
    sizes = draw(st.lists(st.integers(1, 3), min_size=len(sentences), max_size=len(sentences)))
    paragraphs: list[list[str]] = []
    for words, size in zip(sentences, sizes, strict=True):
        if not paragraphs or len(paragraphs[-1]) >= size:
            paragraphs.append([])
        paragraphs[-1].append(" ".join(words).capitalize() + ".")
    return paragraphs


def as_text(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(sentences) for sentences in paragraphs)


PROPERTY_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(articles())
def test_an_article_compared_with_itself_pairs_every_sentence_with_itself(
    paragraphs: list[list[str]],
) -> None:
    side = Side("a", as_text(paragraphs))
    alignment = compare_sides(side, side, SETTINGS)
    assert [(p.left, p.right) for p in alignment.pairs] == [(s.index, s.index) for s in alignment.left]
    assert all(p.kind == "paraphrase" and p.score == pytest.approx(1.0) for p in alignment.pairs)


@PROPERTY_SETTINGS
@given(articles(), st.randoms(use_true_random=False))
def test_shuffled_paragraphs_still_pair_every_sentence_with_its_original(
    paragraphs: list[list[str]], rng: random.Random
) -> None:
    shuffled = paragraphs[:]
    rng.shuffle(shuffled)
    alignment = compare_sides(Side("a", as_text(paragraphs)), Side("b", as_text(shuffled)), SETTINGS)
    assert len(alignment.pairs) == len(alignment.left) == len(alignment.right)
    for pair in alignment.pairs:
        assert alignment.left[pair.left].text == alignment.right[pair.right].text


@PROPERTY_SETTINGS
@given(articles(), articles(OTHER_VOCABULARY), st.randoms(use_true_random=False))
def test_unrelated_articles_that_share_names_and_numbers_pair_nothing(
    left: list[list[str]], right: list[list[str]], rng: random.Random
) -> None:
    def with_names_and_numbers(paragraphs: list[list[str]]) -> str:
        extras = ["Flynn", "Kislyak and Pence", "in 2016", "nine", "The Washington Post", "2"]
        return as_text([[f"{s[:-1]} {rng.choice(extras)}." for s in sentences] for sentences in paragraphs])

    alignment = compare_sides(
        Side("a", with_names_and_numbers(left), PEOPLE),
        Side("b", with_names_and_numbers(right), PEOPLE),
        SETTINGS,
    )
    assert alignment.pairs == ()


@PROPERTY_SETTINGS
@given(articles(), st.randoms(use_true_random=False))
def test_blocking_changes_nothing_on_a_retold_article(paragraphs: list[list[str]], rng: random.Random) -> None:
    retold = [[" ".join(w for w in s.split() if rng.random() > 0.3) or s for s in p] for p in paragraphs]
    rng.shuffle(retold)
    left, right = Side("a", as_text(paragraphs)), Side("b", as_text(retold))
    blocked = compare_sides(left, right, SETTINGS)
    everything = compare_sides(left, right, SETTINGS, blocking=False)
    assert blocked.pairs == everything.pairs


# Cost


def test_scored_pairs_grow_far_slower_than_all_pairs() -> None:
    small, large = _long_article(40, seed=3), _long_article(400, seed=3)
    small_alignment = compare_sides(Side("a", small[0]), Side("b", small[1]), SETTINGS)
    large_alignment = compare_sides(Side("a", large[0]), Side("b", large[1]), SETTINGS)
    all_large = len(large_alignment.left) * len(large_alignment.right)
    assert large_alignment.scored_pairs < all_large / 5
    assert len(large_alignment.pairs) >= 0.9 * len(large_alignment.left)
    assert small_alignment.scored_pairs < len(small_alignment.left) * len(small_alignment.right)


def _long_article(sentence_count: int, seed: int) -> tuple[str, str]:
    """An article of Zipf-distributed words, and a retelling: paragraphs shuffled, words dropped."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(seed=seed, size=2000)
    weights = [1 / rank for rank in range(1, len(vocabulary) + 1)]
    sentences = [
        " ".join(rng.choices(vocabulary, weights, k=rng.randint(8, 25))).capitalize() + "."
        for _ in range(sentence_count)
    ]
    paragraphs = [sentences[i : i + 3] for i in range(0, sentence_count, 3)]
    retold = [[_retell(sentence, rng) for sentence in paragraph] for paragraph in paragraphs]
    rng.shuffle(retold)
    return as_text(paragraphs), as_text(retold)


def _retell(sentence: str, rng: random.Random) -> str:
    words = [word for word in sentence.lower().rstrip(".").split() if rng.random() > 0.2]
    return " ".join(words or ["so"]).capitalize() + "."


# What is computed only for speed gives what the plain computation gives, to the last bit


def _scores_without_evidence(candidates: Candidates, verbatim_min_words: int) -> dict[tuple[int, int], float]:
    weights = weigh_terms([*candidates.left_features, *candidates.right_features])
    scorer = PairScorer(
        candidates.left_features, candidates.right_features, weights, verbatim_min_words, candidates.cosines
    )
    return scorer.scores(candidates.scores)


@pytest.mark.parametrize("verbatim_min_words", [0, 1, 4])
def test_scores_without_evidence_are_the_scores_to_the_last_bit(verbatim_min_words: int) -> None:
    long_left, long_right = _long_article(60, seed=5)
    for left, right in [
        (the_week(True), the_moscow_times(True)),
        (the_moscow_times(), the_week()),
        (Side("a", long_left), Side("b", long_right)),
    ]:
        candidates = score_candidates(left, right, verbatim_min_words=verbatim_min_words, blocking=False)
        expected = {pair: evidence.score for pair, evidence in candidates.scores.items()}
        assert _scores_without_evidence(candidates, verbatim_min_words) == expected


@PROPERTY_SETTINGS
@given(articles(), articles(), st.randoms(use_true_random=False))
def test_scores_without_evidence_agree_on_generated_articles(
    left: list[list[str]], right: list[list[str]], rng: random.Random
) -> None:
    extras = ["Flynn", "Kislyak and Pence", "in 2016", "nine", '"a smooth transition"', "2", ""]

    def with_extras(paragraphs: list[list[str]]) -> str:
        return as_text([[f"{s[:-1]} {rng.choice(extras)}." for s in sentences] for sentences in paragraphs])

    candidates = score_candidates(
        Side("a", with_extras(left), PEOPLE), Side("b", with_extras(right), PEOPLE), blocking=False
    )
    expected = {pair: evidence.score for pair, evidence in candidates.scores.items()}
    assert _scores_without_evidence(candidates, SETTINGS.verbatim_min_words) == expected


def test_codes_that_hold_a_number_are_words_not_numbers() -> None:
    side = describe_side(Side("a", "The 737-8 MAX, a G7 summit, 5G masts, COVID-19 and F-16s: 18,645 people in 1990."))
    (sentence,) = side.features
    assert sentence.numbers == {"18645"}  # a year dates the story: it is no count
    assert {"737-8", "g7", "5g", "covid-19", "f-16s"} <= sentence.terms


def test_times_dates_and_the_numbers_of_names_are_no_counts() -> None:
    text = (
        "The Expedition 69 crew met at 11:59 p.m. on Feb. 1 and 13 April beside a Falcon 9 with 12 engines. "
        "Nearly 300 people watched a Category 4 storm bring 16.8 centimetres of rain."
    )
    first, second = describe_side(Side("a", text)).features
    assert first.numbers == {"12"}  # only the engines are counted
    assert {"#11:59", "#feb-1", "#apr-13", "expedition 69", "falcon 9"} <= first.terms
    assert {"expedition 69", "falcon 9"} <= first.capitalised  # a name's number is a word of the name
    assert second.numbers == {"300", "4", "16.8"}  # a first word is capitalised anyway; a category is a figure
    (sentence, other) = split_sentences(text)
    assert [f.text for f in figures(sentence)] == ["11:59", "1", "13", "12"]
    assert [f.value for f in figures(sentence)] == ["11:59", "feb-1", "apr-13", "12"]
    assert [f.text for f in figures(other)] == ["300", "4", "16.8"]


def test_a_scale_or_percent_written_after_a_count_is_part_of_it() -> None:
    """As a reader reads them: "6 million" is 6,000,000 whichever way it is written, "5%" a share, never the count
    5 or 6 and a million; the figure a conflict marks is the whole of it."""
    text = (
        "Claims topped 6 million, six million or 6,000,000 again. "
        "Rates rose 5%, 5 percent or 5 per cent, and 6 after that. "
        "Revenue was $94.8 billion, two hundred times 2.5 thousand."
    )
    counts, shares, amounts = describe_side(Side("a", text)).features
    assert counts.numbers == {"6000000"} and "#1000000" not in counts.terms
    assert shares.numbers == {"5%", "6"} and "percent" not in shares.terms and "cent" not in shares.terms
    assert amounts.numbers == {"94800000000", "200", "2500"}
    first, second, third = split_sentences(text)
    assert [f.text for f in figures(first)] == ["6 million", "six million", "6,000,000"]
    assert [f.text for f in figures(second)] == ["5%", "5 percent", "5 per cent", "6"]
    assert [(f.text, f.value) for f in figures(third)][:2] == [("94.8 billion", "94800000000"), ("two hundred", "200")]
    left = Side("a", "Revenue rose 5% to $94.8 billion in the quarter, the company said on Monday.")
    right = Side("b", "Revenue rose 6 percent to $94.8 billion in the quarter, the company said.")
    (pair,) = compare_sides(left, right, SETTINGS).pairs
    assert pair.conflict is not None
    assert ([f.text for f in pair.conflict.left], [f.text for f in pair.conflict.right]) == (["5%"], ["6 percent"])


def test_a_number_too_long_to_be_a_day_or_to_scale_is_read_as_written() -> None:
    """Hostile text: a number of 5,000 digits (past Python's int conversion limit), one of 30 before a scale (past
    Decimal's 28 digits)."""
    huge, long = "1" * 5000, "9" * 30
    text = f"The count was {huge} on Feb. 3, and {long} million later."
    (sentence,) = describe_side(Side("a", text)).features
    assert {huge, long} <= sentence.numbers
    compare_sides(Side("a", text), Side("b", text), SETTINGS)


FIGURE_PIECES = st.sampled_from(
    ["Feb.", "13", "April", "11:59", "p.m.", "Falcon", "9", "Nearly", "300", "16.8", "1,000", "Category", "(",
     ")", "NOAA", "National", "Oceanic", "and", "of", "the", "FBI", "Expedition", "69", "nine", ",", ".", ":",
     "99:99", "1:2:3", "24:00", "-", "2029", "May", "million", "%", "percent", "per", "cent", "hundred",
     "99999999999999999999"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(FIGURE_PIECES, max_size=40), st.lists(FIGURE_PIECES, max_size=40))
def test_figures_and_spelt_out_acronyms_are_spans_of_the_text_whatever_it_holds(
    left_words: list[str], right_words: list[str]
) -> None:
    """Names' numbers, times, dates and acronyms read from any mix of them: never an error, every figure and every
    spelt-out name a span of the text, and a comparison of the two texts that runs to the end."""
    left, right = " ".join(left_words), " ".join(right_words)
    for text in (left, right):
        for sentence in split_sentences(text):
            for figure in figures(sentence):
                assert text[figure.start : figure.end] == figure.text and figure.value
        for start, end, _ in find_expansions(text):
            assert 0 <= start < end <= len(text) and text[start].isupper()
    compare_sides(Side("a", left), Side("b", right), SETTINGS)


def test_a_shared_deadline_does_not_make_two_sentences_one_fact() -> None:
    """Two deadlines of one media advisory: the same time of day, two days, two groups of people."""
    left = Side("a", "Media interested in the June 6 event must RSVP by 11:59 p.m. on Wednesday, May 29.")
    right = Side("b", "International media without U.S. citizenship must apply by 11:59 p.m., Tuesday, May 28.")
    assert compare_sides(left, right, SETTINGS).pairs == ()


def test_a_different_time_or_day_of_the_same_event_is_a_conflict() -> None:
    left = Side("a", "The launch of the Falcon 9 rocket from Cape Canaveral is set for 10:53 p.m. on Feb. 1.")
    right = Side("b", "The Falcon 9 rocket is due to launch from Cape Canaveral at 11:04 p.m. on Feb. 2.")
    (pair,) = compare_sides(left, right, SETTINGS).pairs
    assert pair.kind == "conflict" and pair.conflict is not None
    assert [f.text for f in pair.conflict.left] == ["10:53", "1"]
    assert [f.text for f in pair.conflict.right] == ["11:04", "2"]


@pytest.mark.parametrize(
    ("text", "spelt_out"),
    [
        ("NOAA\u2019s (National Oceanic and Atmospheric Administration\u2019s) satellite", "National Oceanic"),
        ("the CLPS (Commercial Lunar Payload Services) initiative", "Commercial Lunar Payload Services"),
        ("Kislyak and the Federal Bureau of Investigation (FBI) said", "Federal Bureau of Investigation"),
        ("Flynn (pictured) met Kislyak (right)", None),
        ("the BBC (British Broadcasting Corporation) and ESA (Gaia Mission Team)", "British Broadcasting"),
    ],
)
def test_an_acronym_spelt_out_beside_it_is_found(text: str, spelt_out: str | None) -> None:
    found = [text[start:end] for start, end, _ in find_expansions(text)]
    if spelt_out is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0].startswith(spelt_out)  # "ESA (Gaia ...)": not ESA's initial


def test_two_sentences_that_spell_out_the_same_acronyms_are_not_one_fact_by_it() -> None:
    left = Side(
        "a",
        "NASA will host a media day to view NOAA\u2019s (National Oceanic and Atmospheric Administration\u2019s) "
        "GOES-U (Geostationary Operational Environmental Satellite U) spacecraft at a payload facility in Titusville.",
    )
    right = Side(
        "b",
        "NASA is preparing to launch NOAA\u2019s (National Oceanic and Atmospheric Administration) GOES-U "
        "(Geostationary Operational Environmental Satellite U), a mission to improve weather observing.",
    )
    spelt_out = {"nation", "ocean", "atmospher", "administr", "geostationari", "oper", "environment"}
    for side in (left, right):
        assert not spelt_out & describe_side(side).features[0].terms
    assert compare_sides(left, right, CompareSettings(meaning="off")).pairs == ()


def test_a_name_written_first_in_one_sentence_is_still_a_name() -> None:
    """ "Matthew Dominick" opens one sentence and is one of a list's items in the other: written with capitals
    wherever the case tells, so its words weigh as a name's, not as rare words both share."""
    features = describe_side(
        Side(
            "a",
            "Matthew Dominick is the commander of the mission.\n\nThe pilot is the astronaut Matthew Dominick.\n\n"
            "Dominick flew jets before.\n\nThe commander flies.",
        )
    ).features
    weights = weigh_terms(features)
    assert {"matthew", "dominick"} <= weights.slight
    assert "command" not in weights.slight and "pilot" not in weights.slight


def test_a_line_that_names_a_subject_is_paired_only_with_a_line_like_it() -> None:
    """A list's item ("Roscosmos cosmonaut Alexander Grebenkin") states nothing of the person a sentence tells
    something about; two such lines, or two headings, may still be one."""
    listed = "Participants include:\n\nRoscosmos cosmonaut Alexander Grebenkin\n\nNASA Administrator Bill Nelson"
    told = "Roscosmos cosmonaut Alexander Grebenkin is flying on his first mission to the station."
    assert compare_sides(Side("a", listed), Side("b", told), SETTINGS).pairs == ()
    again = "Speakers:\n\nRoscosmos cosmonaut Alexander Grebenkin"
    pairs = compare_sides(Side("a", listed), Side("b", again), SETTINGS).pairs
    assert [(p.left, p.right) for p in pairs] == [(1, 1)]
    schedule = Side("c", "1 a.m. \u2013 NASA TV arrival coverage begins")
    assert not describe_side(schedule).features[0].is_label  # a line with a figure tells something


def test_a_phrase_two_different_quotations_share_is_not_the_same_quotation() -> None:
    left = Side("a", 'The judges wrote that "the fundamental right to marry extends to every couple in every state."')
    right = Side(
        "b", 'The dissent warned that "nothing in history makes the fundamental right to marry a right of courts."'
    )
    pair = compare_sides(left, right, SETTINGS).pairs
    assert all(p.kind != "verbatim" and p.shared_quote is None for p in pair)
    short = Side("c", 'The court said "the fundamental right to marry" decided it.')
    (same,) = compare_sides(left, short, CompareSettings(verbatim_min_words=4)).pairs
    assert same.kind == "verbatim" and same.shared_quote == "the fundamental right to marry"


def test_two_quotations_of_one_speaker_that_share_none_are_two_statements_not_one_fact() -> None:
    """The attribution ("said Maria Lopez, the regional transport minister") and the subject (the bridge) are
    shared; what she said is not. Paired, they read as one fact told twice."""
    attribution = " said Maria Lopez, the regional transport minister."
    left = Side(
        "a",
        "Floods closed the coastal road on Monday.\n\n"
        "“We will rebuild the Almora bridge in steel before the first snow falls, and it will carry heavier trucks,”"
        + attribution,
    )
    right = Side(
        "b",
        "Heavy rain fell across the province for a week.\n\n"
        "“The old Almora bridge was the only road out of the valley for the trucks, and its loss cut off the"
        " villages,”" + attribution,
    )
    assert not compare_sides(left, right, SETTINGS).pairs
    # The same quotation, cut at another place, is still one.
    trimmed = Side(
        "c", "The minister promised: “We will rebuild the Almora bridge in steel before the first snow falls.”"
    )
    (same,) = compare_sides(left, trimmed, SETTINGS).pairs
    assert (same.left, same.right, same.kind) == (1, 0, "verbatim")


BURIED_LEFT = (
    "Rescuers said 18,645 people were buried under collapsed buildings in the old town of Antakya.\n\n"
    "The governor asked for more cranes."
)
BURIED_RIGHT = (
    "The storm closed the airport for a day.\n\n"
    "An estimated 18,000 people remain buried under collapsed buildings in Antakya's old town, rescuers said."
)


def test_the_same_fact_told_with_different_figures_is_a_conflict_that_names_them() -> None:
    (pair,) = compare_sides(Side("a", BURIED_LEFT), Side("b", BURIED_RIGHT), SETTINGS).pairs
    assert (pair.left, pair.right, pair.kind) == (0, 1, "conflict")
    assert pair.conflict is not None
    assert [(f.text, f.value) for f in pair.conflict.left] == [("18,645", "18645")]
    assert [(f.text, f.value) for f in pair.conflict.right] == [("18,000", "18000")]
    figure = pair.conflict.right[0]
    assert BURIED_RIGHT[figure.start : figure.end] == "18,000"


def test_a_figure_only_one_side_gives_does_not_make_the_pair_less_alike() -> None:
    words_only = CompareSettings(meaning="off")  # the sentence vectors change with the text, whatever it says
    differing = compare_sides(Side("a", BURIED_LEFT), Side("b", BURIED_RIGHT), words_only).pairs[0]
    without = compare_sides(
        Side("a", BURIED_LEFT.replace("18,645 ", "")), Side("b", BURIED_RIGHT.replace("18,000 ", "")), words_only
    ).pairs[0]
    assert differing.score == without.score
    assert without.kind == "paraphrase" and without.conflict is None


def test_a_figure_only_one_side_gives_is_no_conflict() -> None:
    left = Side("a", "Rescuers said 18,645 people were buried under collapsed buildings in the old town of Antakya.")
    right = Side("b", "Many people remain buried under collapsed buildings in Antakya's old town, rescuers said.")
    (pair,) = compare_sides(left, right, SETTINGS).pairs
    assert pair.kind == "paraphrase" and pair.conflict is None


NOTRE_DAME_LEFT = (
    "A colossal fire swept through the famed Notre-Dame Cathedral in central Paris yesterday.\n\n"
    "The mayor thanked the firefighters.\n\nTourists watched from the bridges."
)
NOTRE_DAME_RIGHT = (
    "Prosecutors opened an inquiry into the cause.\n\n"
    "A huge fire tore through the medieval cathedral of Notre-Dame in Paris last night.\n\nThe spire collapsed."
)


def test_the_same_fact_in_other_words_is_paired_by_meaning() -> None:
    left, right = Side("a", NOTRE_DAME_LEFT), Side("b", NOTRE_DAME_RIGHT)
    assert compare_sides(left, right, CompareSettings(meaning="off")).pairs == ()
    (pair,) = compare_sides(left, right, SETTINGS).pairs
    assert (pair.left, pair.right, pair.kind) == (0, 1, "paraphrase")
    assert pair.signals.meaning > 0.7


def test_meaning_alone_never_makes_a_match() -> None:
    # Sentences on one subject are close in meaning whatever they say: without a telling word in common, no score.
    assert combine_values(0.0, 0.0, 0.0, 0.0, 0.0, telling_words=0, meaning=0.95) == 0.0
    assert combine_values(0.0, 0.0, 0.0, 0.0, 0.0, telling_words=1, meaning=0.95) > 0.5
    below_the_floor = combine_values(0.2, 0.0, 0.0, 0.0, 0.0, telling_words=1, meaning=0.5)
    assert below_the_floor == combine_values(0.2, 0.0, 0.0, 0.0, 0.0, telling_words=1)


def test_a_word_or_two_in_common_pair_sentences_only_where_their_meaning_agrees() -> None:
    """Two real articles of unrelated events (a royal interview, a congressman's retirement): without the meaning
    signal their words make two pairs ("eye-opening candor" / "eyeing that seat", "emails were sent" / "sent via
    email"); with it, their sentences' low cosines (0.20, 0.26) keep a word or two in common from counting."""
    texts = dict(unrelated_texts())
    royal, meadows = (next(text for name, text in texts.items() if name.startswith(n)) for n in ("cnn", "politico"))
    left, right = Side("royal", royal), Side("meadows", meadows)
    made_by_words = compare_sides(left, right, CompareSettings(meaning="off")).pairs
    assert len(made_by_words) == 2 and all(pair.signals.lexical < 0.4 for pair in made_by_words)
    assert compare_sides(left, right, SETTINGS).pairs == ()


def test_a_sentence_of_no_tokens_has_no_meaning_rather_than_its_neighbours() -> None:
    vectors = shipped_model().vectors(["", "A huge fire tore through the cathedral."])
    assert not vectors[0].any() and abs(float(vectors[1] @ vectors[1]) - 1.0) < 1e-5


def test_the_meaning_tokenizer_encodes_as_the_tokenizers_library_does() -> None:
    tokenizers = pytest.importorskip("tokenizers")  # installed with wordllama; dossier itself does not load it
    reference = tokenizers.Tokenizer.from_file(str(shipped_files()[1]))
    texts = [fixture_text(name) for name in ("the-week", "moscow-times")]
    texts += [NOTRE_DAME_LEFT, "Zürich, Сергей Кисляк, 9:00 — “quoted”…", "  two  spaces ", "", "emoji 🙂\ttab\nline"]
    for text in texts:
        assert shipped_model().tokenizer.ids(text) == reference.encode(text, add_special_tokens=False).ids, text


def test_the_default_synonyms_are_attribution_only_not_the_example_storys_vocabulary() -> None:
    side = describe_side(Side("a", "Two sources said the penalties were discussed at length.\n\nOfficials talked."))
    assert {"sourc", "offici"} & side.features[0].terms == {"offici"}  # sources and officials: one word
    assert {"penalti", "discuss"} <= side.features[0].terms  # not sanctions, not talk: the story's words
    assert "talk" in side.features[1].terms


SPANISH_REPORT = (
    "Un terremoto de magnitud 7,2 sacudió el centro de Filipinas el martes y mató al menos a 93 personas.\n\n"
    "Las autoridades dicen que la mayoría de las víctimas se produjo en la isla de Bohol, donde se derrumbaron "
    "iglesias que tenían más de 400 años, y que el número de muertos aumentará."
)
ENGLISH_REPORT = (
    "A powerful earthquake struck the central Philippines on Tuesday, killing at least 93 people.\n\n"
    "Authorities say most of the casualties were on Bohol Island, where churches that were more than 400 years "
    "old collapsed, and that the death toll is expected to climb."
)


def test_articles_in_two_languages_are_not_compared_and_the_alignment_says_so() -> None:
    alignment = compare_sides(Side("en", ENGLISH_REPORT), Side("es", SPANISH_REPORT), SETTINGS)
    assert (alignment.left_language, alignment.right_language) == ("en", "es")
    assert alignment.not_compared == "different languages" and alignment.pairs == ()
    assert alignment.unique_left == (0, 1) and alignment.unique_right == (0, 1)
    same = compare_sides(Side("a", ENGLISH_REPORT), Side("b", ENGLISH_REPORT), SETTINGS)
    assert same.not_compared is None and (same.left_language, same.right_language) == ("en", "en")


def test_the_front_matters_language_is_taken_as_said() -> None:
    alignment = compare_sides(
        Side("a", ENGLISH_REPORT, language="en-GB"), Side("b", ENGLISH_REPORT, language="fr"), SETTINGS
    )
    assert alignment.not_compared == "different languages"
    assert (alignment.left_language, alignment.right_language) == ("en", "fr")
    assert detect_language("Too short to tell.") is None


def test_a_story_of_two_languages_warns_naming_both_articles(tmp_path: Path) -> None:
    project = small_project(tmp_path, ENGLISH_REPORT)
    spanish = "---\ntitle: Terremoto en Filipinas\noutlet: gazette\n---\n" + SPANISH_REPORT
    (project / "content" / "engine" / "informe.md").write_text(spanish, encoding="utf-8")
    told = [str(d) for d in check_project(project).report.sorted() if d.severity == "warning"]
    different = (
        "content/engine/article.md:1:1: warning: 'article' (English) and 'informe' (Spanish, "
        "content/engine/informe.md:1:1) are in different languages, so the comparison page shows them side by side "
        "without pairing their sentences; if a language is read wrongly, set `language:` in that article's front matter"
    )
    assert told == [
        different,
        "content/engine/informe.md:1:1: warning: 'informe' reads as Spanish, but it takes the site's language "
        "(English), which its pages give browsers and screen readers; set `language: es` in its front matter",
    ]
    # The fix the warning gives: the article says its language, and only the pair's warning is left.
    (project / "content" / "engine" / "informe.md").write_text(spanish.replace("---\n", "---\nlanguage: es\n", 1))
    assert [str(d) for d in check_project(project).report.sorted() if d.severity == "warning"] == [different]


def test_the_language_of_an_article_alone_in_its_story_is_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It is compared with nothing: reading it cost a thousand single-article stories 0.3 s of a cold build."""
    read: list[str] = []

    def detect(text: str) -> str:
        read.append(text)
        return "es" if "Terremoto" in text or "terremoto" in text else "en"

    monkeypatch.setattr(stage, "detect_language", detect)
    project = small_project(tmp_path, ENGLISH_REPORT)
    lone = project / "content" / "lone"
    lone.mkdir()
    (lone / "story.yaml").write_text("title: The lone report\n", encoding="utf-8")
    (lone / "alone.md").write_text("---\ntitle: Alone\noutlet: gazette\n---\nA third text, told once.\n", "utf-8")
    spanish = "---\ntitle: Terremoto en Filipinas\noutlet: gazette\n---\n" + SPANISH_REPORT
    (project / "content" / "engine" / "informe.md").write_text(spanish, encoding="utf-8")
    checked = check_project(project)
    assert checked.dossier is not None and sorted(checked.dossier.stories) == ["engine", "lone"]
    assert len(read) == 2 and "A third text" not in "".join(read)  # the two articles of "engine"
    built = build_project(project)
    assert not built.report.has_errors and (project / "build" / "stories" / "lone" / "alone" / "index.html").is_file()


# One sentence in each script: what its text tells of its language (a script several languages share is all it says).
IN_SCRIPTS = {
    "Ένας ισχυρός σεισμός έπληξε την κεντρική Ελλάδα τη Δευτέρα.": "el",
    "רעידת אדמה חזקה פגעה במרכז הפיליפינים ביום שלישי.": "he",
    QUAKE_ARABIC: "Arab",
    "Сильное землетрясение произошло во вторник в центральной части Филиппин.": "Cyrl",
    QUAKE_RIBAO: "zh",
    "火曜日、フィリピン中部で強い地震があり、少なくとも93人が死亡した。": "ja",
    "화요일 필리핀 중부에서 강한 지진이 발생해 최소 93명이 숨졌다.": "ko",
    "मंगलवार को मध्य फिलीपींस में एक शक्तिशाली भूकंप आया।": "Deva",
    "A powerful earthquake struck the central Philippines.": "Latn",  # too few short words to tell English
    "\u201cQuoted\u201d, in the Latin script, with typographer\u2019s marks.": "Latn",
    "93 — 400": None,
}


@pytest.mark.parametrize(("text", "told"), IN_SCRIPTS.items(), ids=[str(told) for told in IN_SCRIPTS.values()])
def test_a_text_in_another_script_is_told_by_its_script(text: str, told: str | None) -> None:
    assert detect_language(text) == told


def test_a_script_several_languages_share_stands_for_each_of_them_and_for_no_other() -> None:
    assert same_language("Arab", "fa") and same_language("ur", "Arab") and same_language("Cyrl", "uk")
    assert same_language("Latn", "en") and same_language("es", "Latn")
    assert not same_language("Arab", "en") and not same_language("Latn", "el") and not same_language("Cyrl", "Latn")
    assert not same_language("en", "es") and not same_language("ja", "zh") and not same_language("ru", "uk")


def test_an_arabic_report_and_an_english_one_are_not_compared_though_neither_says_its_language() -> None:
    """Once "nothing matched": the words of neither text told its language to the function-word count."""
    alignment = compare_sides(Side("ar", QUAKE_ARABIC), Side("en", ENGLISH_REPORT), SETTINGS)
    assert (alignment.not_compared, alignment.left_language, alignment.right_language) == (
        "different languages", "Arab", "en"
    )  # fmt: skip
    short = compare_sides(
        Side("en", "A powerful earthquake struck the central Philippines."), Side("ar", QUAKE_ARABIC), SETTINGS
    )
    assert (short.not_compared, short.left_language) == ("different languages", "Latn")


def test_sentences_end_at_the_stops_of_other_scripts() -> None:
    texts = {
        "地震造成至少93人死亡。「救援队伍已赶赴灾区！」当局表示？学校停课三天｡余震": [
            "地震造成至少93人死亡。", "「救援队伍已赶赴灾区！」", "当局表示？", "学校停课三天｡", "余震"
        ],
        "وقتل 93 شخصا على الأقل. هل ارتفع العدد؟ وتقول السلطات": [
            "وقتل 93 شخصا على الأقل.", "هل ارتفع العدد؟", "وتقول السلطات"
        ],
        "भूकंप आया। 93 लोगों की मौत हो गई।": ["भूकंप आया।", "93 लोगों की मौत हो गई।"],
        "He said so. then left. U.S. Army officers came.": ["He said so. then left.", "U.S. Army officers came."],
    }  # fmt: skip
    for text, sentences in texts.items():
        assert [sentence.text for sentence in split_sentences(text)] == sentences


def test_chinese_characters_are_a_token_each_and_a_number_glued_to_one_is_a_number() -> None:
    tokens = [match.group() for match in TOKEN.finditer("1月5日，6.1级地震。G7 ひらがな 1990s")]
    assert tokens == ["1", "月", "5", "日", "，", "6.1", "级", "地", "震", "。", "G7", "ひ", "ら", "が", "な", "1990s"]


def test_the_comparison_finds_a_name_in_chinese_wherever_it_stands_and_in_english_only_as_a_word() -> None:
    people = {"xi": ("习近平", "Xi Jinping"), "flynn": ("Flynn",)}
    text = "救援队伍已赶赴灾区。习近平指示全力救援。Xi Jinpingx met Flynn's aide."
    assert [(text[start:end], person) for start, end, person in find_names(text, people)] == [
        ("习近平", "xi"), ("Flynn", "flynn")
    ]  # fmt: skip


def test_a_word_goes_on_through_the_marks_written_in_it() -> None:
    """Devanagari's vowel signs and a decomposed accent are marks, which a regex's \\w does not take: "लोगों" was
    four tokens, and the comparison marked pieces of words as one report's own."""
    tokens = [match.group() for match in TOKEN.finditer("कम से कम 93 लोगों की मौत हो गई। Zoe\u0308 Baird's")]
    assert tokens == ["कम", "से", "कम", "93", "लोगों", "की", "मौत", "हो", "गई", "।", "Zoe\u0308", "Baird's"]


def test_two_reports_in_chinese_pair_the_facts_they_share() -> None:
    """Chinese puts no space between words: read as one word a sentence, the two reports shared nothing."""
    alignment = compare_sides(
        Side("ribao", QUAKE_RIBAO, language="zh"), Side("wanbao", QUAKE_WANBAO, language="zh"), SETTINGS
    )
    assert [(pair.left, pair.right) for pair in alignment.pairs] == [(0, 0), (1, 1), (2, 2)]
    assert alignment.unique_right == (3,)  # a resident's words, in one report only


@pytest.mark.parametrize("language", UNRELATED_IN)
def test_unrelated_reports_in_other_scripts_pair_no_sentence(language: str) -> None:
    """The shipped model spells Arabic, Greek, Devanagari and Thai a letter a token, whose vectors tell little
    apart: any two of their sentences scored 0.83 to 0.96, and unrelated Hindi reports paired four of four."""
    left, right = UNRELATED_IN[language]
    assert compare_sides(Side("left", left), Side("right", right), SETTINGS).pairs == ()


@pytest.mark.parametrize("language", RELATED_IN)
def test_reports_of_one_event_in_other_scripts_pair_their_shared_facts(language: str) -> None:
    left, right, shared = RELATED_IN[language]
    alignment = compare_sides(Side("left", left), Side("right", right), SETTINGS)
    assert [(pair.left, pair.right) for pair in alignment.pairs] == shared


def test_the_meaning_signal_is_off_for_an_article_whose_sentences_the_model_cannot_tell_apart() -> None:
    model = shipped_model()
    english = [sentence.text for sentence in split_sentences(ENGLISH_REPORT + " " + UNRELATED_IN["es"][0])]
    arabic = [sentence.text for sentence in split_sentences(UNRELATED_IN["ar"][0])]
    assert tells_sentences_apart(model.vectors(english)) and not tells_sentences_apart(model.vectors(arabic))
    assert tells_sentences_apart(model.vectors(arabic[:2]))  # too few to tell what is usual


def test_thai_sentences_end_at_a_space_between_thai_letters_and_burmese_at_its_full_stop() -> None:
    thai = "เกิดแผ่นดินไหวขนาด 7.2 ที่ฟิลิปปินส์ตอนกลาง มีผู้เสียชีวิตอย่างน้อย 93 คน เจ้าหน้าที่ระบุ"
    assert [s.text for s in split_sentences(thai)] == [
        "เกิดแผ่นดินไหวขนาด 7.2 ที่ฟิลิปปินส์ตอนกลาง", "มีผู้เสียชีวิตอย่างน้อย 93 คน", "เจ้าหน้าที่ระบุ"
    ]  # fmt: skip
    assert [s.text for s in split_sentences("မြန်မာ။ ပြည်။")] == ["မြန်မာ။", "ပြည်။"]


def test_an_article_whose_text_is_in_another_script_than_the_sites_language_is_a_warning(tmp_path: Path) -> None:
    """Its pages would mark it as in the site's language; an article alone in its story is read by its script."""
    project = small_project(tmp_path, QUAKE_ARABIC)
    told = [str(d) for d in check_project(project).report.sorted() if d.severity == "warning"]
    assert told == [
        "content/engine/article.md:1:1: warning: 'article' reads as Arabic script, but it takes the site's language "
        "(English), which its pages give browsers and screen readers; set `language:` in its front matter to its "
        "language's tag (ar for Arabic, fa for Persian, ur for Urdu, ...)"
    ]
    said = small_project(
        tmp_path / "said", QUAKE_ARABIC, front="---\ntitle: Zilzal\noutlet: gazette\nlanguage: ar\n---\n"
    )
    assert not [d for d in check_project(said).report.sorted() if d.severity == "warning"]


def test_dossier_yaml_turns_the_meaning_signal_off_and_refuses_an_unknown_model(tmp_path: Path) -> None:
    off = check_project(small_project(tmp_path / "off", config='compare:\n  meaning: "off"\n'))
    assert off.dossier is not None and not off.report.has_errors
    assert off.dossier.config.compare.meaning == "off"
    unknown = check_project(small_project(tmp_path / "unknown", config="compare:\n  meaning: bert\n"))
    (error,) = [str(d) for d in unknown.report.sorted() if d.severity == "error"]
    assert error.startswith("dossier.yaml:4:12: error:") and "wordllama" in error and "off" in error


def test_a_meaning_value_no_file_system_allows_as_a_name_is_a_located_error(tmp_path: Path) -> None:
    # Found by the YAML fuzzer: a 300-digit value was looked up as a folder and the OSError ended the build.
    checked = check_project(small_project(tmp_path, config=f"compare:\n  meaning: {'1' * 300}\n"))
    (error,) = [str(d) for d in checked.report.sorted() if d.severity == "error"]
    assert error.startswith("dossier.yaml:4:12: error: meaning is 'wordllama'")
    assert error.endswith("…' cannot be read as a folder (File name too long)")


def _tiny_model(folder: Path, tokenizer: str | None = None) -> Path:
    """A WordLlama-shaped model of 8 dimensions: the shipped tokenizer (unless given) and random token vectors."""
    (folder / "weights").mkdir(parents=True)
    (folder / "tokenizers").mkdir()
    table = np.random.default_rng(7).standard_normal((32000, 8)).astype("<f4")
    header = json.dumps({"embedding.weight": {"dtype": "F32", "shape": [32000, 8], "data_offsets": [0, table.nbytes]}})
    (folder / "weights" / "tiny_8.safetensors").write_bytes(
        len(header).to_bytes(8, "little") + header.encode() + table.tobytes()
    )
    shipped_tokenizer = shipped_files()[1].read_text(encoding="utf-8")
    (folder / "tokenizers" / "tiny_tokenizer_config.json").write_text(tokenizer or shipped_tokenizer, encoding="utf-8")
    return folder


def test_a_folder_holding_another_wordllama_model_can_be_the_meaning_model(tmp_path: Path) -> None:
    project = small_project(tmp_path / "project", config="compare:\n  meaning: models/tiny\n")
    _tiny_model(project / "models" / "tiny")
    checked = check_project(project)
    assert checked.dossier is not None and not checked.report.has_errors
    model = checked.dossier.config.compare.meaning
    assert model == str((project / "models" / "tiny").resolve())
    vectors = describe_side(Side("a", ENGLISH_REPORT), meaning=model).vectors
    assert vectors is not None and vectors.shape == (2, 8)


def test_a_meaning_folder_with_another_kind_of_tokenizer_is_refused_where_it_is_named(tmp_path: Path) -> None:
    project = small_project(tmp_path / "project", config="compare:\n  meaning: models/tiny\n")
    _tiny_model(project / "models" / "tiny", tokenizer='{"model": {"type": "WordPiece"}}')
    (error,) = [str(d) for d in check_project(project).report.sorted() if d.severity == "error"]
    assert error.startswith("dossier.yaml:4:12: error: meaning is 'wordllama'")
    assert error.endswith("tiny_tokenizer_config.json is another kind of tokenizer")


def test_alignments_read_apart_share_one_sequence_of_each_articles_sentences_on_the_builds_text() -> None:
    """Alignments unpickled one by one from workers each bring their own copy of both articles' sentences and
    text; SharedSentences keeps one `Sentences` per article (numbers, not objects), on the text the build holds,
    and gives the alignments the build cache keeps without sentences (`bare`) the same one back."""
    md = make_markdown()
    bodies = {
        "a": "Flynn met Kislyak in December. The talks were about sanctions. Pence denied it.",
        "b": "Flynn talked with Kislyak in December. The talks touched on sanctions.",
        "c": "Pence denied it. Flynn resigned in February.",
    }
    texts = {article_id: parse_article_text(md, body) for article_id, body in bodies.items()}
    a, b, c = (Side(article_id, texts[article_id].text, PEOPLE) for article_id in "abc")
    settings = CompareSettings()
    apart = [pickle.loads(pickle.dumps(compare_sides(x, y, settings))) for x, y in ((a, b), (a, c), (b, c))]
    assert apart[0].left is not apart[1].left and apart[0].left == apart[1].left
    shared = SharedSentences(texts)
    ab, ac, bc = (shared.share(alignment) for alignment in apart)
    assert ab.left is ac.left and ab.right is bc.left and ac.right is bc.right
    assert all(isinstance(sentences, Sentences) for sentences in (ab.left, ab.right, ac.right))
    assert (ab, ac, bc) == tuple(apart)  # equal to what was read: only the copies went
    assert all(sentence.source is texts["a"].text for sentence in ab.left)  # not a copy of the text either
    from_the_cache = pickle.loads(pickle.dumps(bare(apart[2])))
    assert from_the_cache.left == from_the_cache.right == ()
    assert shared.share(from_the_cache) == apart[2] and shared.share(from_the_cache).left is bc.left
    assert SharedSentences(texts).share(from_the_cache) == apart[2]  # split again when no worker brought them


@pytest.mark.parametrize(
    "text",
    [
        "Flynn met Kislyak in December. The talks were about sanctions.\n\nPence denied it. Flynn resigned.",
        "One line without a full stop",
        "",
    ],
)
def test_sentences_held_as_numbers_read_as_the_split_they_were_made_from(text: str) -> None:
    """`Sentences` holds each sentence's offsets and paragraph in one array and makes a Sentence when one is read:
    whatever way it is read (by index from either end, by slice, in turn), it is the split it was made from, equal
    to it (either way round) and hashed as it is, and it pickles."""
    split = tuple(split_sentences(text))
    held = Sentences(text, split)
    assert len(held) == len(split) and list(held) == list(split)
    assert [held[i] for i in range(-len(split), len(split))] == [*split, *split]
    assert held[1:] == split[1:] and held[::-1] == split[::-1]
    assert held == split and split == held and held == Sentences(text, split) and hash(held) == hash(split)
    assert held != split[:-1] or not split
    assert held != Sentences(text + " ", split) or not split  # another text: other sentences
    assert pickle.loads(pickle.dumps(held)) == held
    with pytest.raises(IndexError):
        held[len(split)]


def test_signals_and_attributions_read_back_share_their_commonest_values() -> None:
    """A build holds each pair's signals and attribution, unpickled from a worker or the build cache: each 0 and 1
    is Python's one object for it (not -0.0, which prints otherwise), an empty attribution is NO_ATTRIBUTION;
    equal to what was pickled, through the cache's safe unpickler too."""
    signals = Signals(1.0, 0.0, -0.0, 0.5, float("0.0"), float("1.0"))
    read = cache_module._SafeUnpickler(io.BytesIO(pickle.dumps(signals))).load()
    assert read == signals and str(read.claim) == "-0.0"
    assert read.quote is read.numbers and read.lexical is read.meaning and read.people == 0.5
    again = pickle.loads(pickle.dumps(Signals(0.0, 1.0, 0.0, 0.0, 0.0)))
    assert again.lexical is read.quote and again.quote is read.lexical
    assert pickle.loads(pickle.dumps(Attribution((), ()))) is NO_ATTRIBUTION
    credited = Attribution((Attributed("a-source", "officials said"),), ())
    assert pickle.loads(pickle.dumps(credited)) == credited


def test_a_refusal_to_comment_is_one_fact_only_of_one_someone() -> None:
    """Reports of different events each say that someone declined to comment (real sentences of the importer's
    corpus, tests/fixtures/corpus): the words are the same, the fact is not, unless the someone is."""
    schools = "Cameras now watch school hallways. Teachers worry about privacy. Parents were never told."
    axios = Side("a", f"{schools} Avigilon declined to comment to Axios.")
    others = [
        "Servers use vast amounts of power. Cooling needs water. "
        "Microsoft, Amazon, and Google all declined to comment.",
        "The seat opens next year. Donors gave generously. "
        "Through a spokesperson, Meadows' congressional office declined to comment for this story.",
        "The plant closed its doors. Workers lost their jobs. The company did not respond to a request for comment.",
    ]
    for other in others:
        assert compare_sides(axios, Side("b", other), SETTINGS).pairs == (), other
    again = Side("c", f"{schools} Asked about the cameras, Avigilon declined to comment to Axios.")
    pairs = compare_sides(axios, again, SETTINGS).pairs
    assert [(p.left, p.right) for p in pairs] == [(0, 0), (1, 1), (2, 2), (3, 3)]


def test_the_alignments_a_build_let_go_are_read_again_from_the_build_cache(tmp_path: Path) -> None:
    """Once the pages are rendered, a build lets its alignments go (the cache's write-back wants the memory); one
    read later comes back from the build cache, equal to what was let go. Without a cache nothing is let go: it
    would be compared again."""
    project = copy_example(tmp_path / "project")
    cached = check_project(project, BuildOptions(use_cache=True))
    assert isinstance(cached.alignments, stage.Alignments)
    before = {pair: cached.alignments[pair] for pair in cached.alignments}
    assert cached.cache is not None
    cached.cache.finish(stage.CACHE_NAMESPACE)
    cached.alignments.let_go()
    assert not cached.alignments._made
    assert {pair: cached.alignments[pair] for pair in cached.alignments} == before
    plain = check_project(project)
    assert isinstance(plain.alignments, stage.Alignments)
    plain.alignments.let_go()
    assert plain.alignments._made
