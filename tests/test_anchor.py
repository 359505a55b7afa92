"""Anchoring quotes and finding mentions: one test per rule, then properties over generated texts."""

# Look-alike characters (curly quotes, dashes, Cyrillic) are what these tests are about.
# ruff: noqa: RUF001

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dossier.anchor import QuoteMatch, find_mentions, locate_quote, normalise_text, text_hash
from dossier.anchor.locate import MisplacedPart, StaleContext
from dossier.anchor.messages import differing_windows
from dossier.anchor.normalise import normalised_view
from dossier.diagnostics import Location
from dossier.model import Person, Selector
from dossier.pipeline import check_project
from tests.security.project import small_project

ARTICLE = (
    "Michael Flynn twice told the Post that he and Kislyak did not discuss sanctions.\n\n"
    "Later, Flynn’s spokesman said “he can’t be certain” — the Vice President-elect was\n"
    "inadvertently briefed. Pence said it. Pence said it again."
)
FIRST_PENCE, SECOND_PENCE = ARTICLE.index("Pence said"), ARTICLE.rindex("Pence said")


def found_text(text: str, match: QuoteMatch) -> str:
    assert match.status == "found", match
    return text[match.start : match.end]


def candidate_texts(text: str, match: QuoteMatch) -> list[str]:
    return [text[c.start : c.end] for c in match.candidates]


# --- exact --------------------------------------------------------------------------------------------------


def test_exact_quote_is_found_where_it_is() -> None:
    match = locate_quote(ARTICLE, Selector("twice told the Post"))
    assert (match.status, match.method, match.confidence) == ("found", "exact", 1.0)
    assert (match.start, match.end) == (14, 33)
    assert [(c.start, c.end) for c in match.candidates] == [(14, 33)]


def test_whitespace_around_a_quote_is_not_part_of_the_span() -> None:
    match = locate_quote(ARTICLE, Selector("  twice told the Post\n"))
    assert found_text(ARTICLE, match) == "twice told the Post"


def test_a_repeated_quote_is_ambiguous_and_lists_every_occurrence() -> None:
    match = locate_quote(ARTICLE, Selector("Pence said"))
    assert (match.status, match.method) == ("ambiguous", "exact")
    assert [c.start for c in match.candidates] == [FIRST_PENCE, SECOND_PENCE]
    assert candidate_texts(ARTICLE, match) == ["Pence said", "Pence said"]


def test_overlapping_occurrences_count_as_several() -> None:
    match = locate_quote("ha ha ha", Selector("ha ha"))
    assert match.status == "ambiguous"
    assert [(c.start, c.end) for c in match.candidates] == [(0, 5), (3, 8)]


@pytest.mark.parametrize(
    ("selector", "expected_start"),
    [
        (Selector("Pence said", prefix="briefed. "), FIRST_PENCE),
        (Selector("Pence said", prefix="it. "), SECOND_PENCE),
        (Selector("Pence said", suffix=" it again"), SECOND_PENCE),
        (Selector("Pence said", prefix="briefed.", suffix="it."), FIRST_PENCE),
    ],
)
def test_prefix_and_suffix_choose_the_occurrence(selector: Selector, expected_start: int) -> None:
    match = locate_quote(ARTICLE, selector)
    assert (match.status, match.method, match.start) == ("found", "exact", expected_start)
    assert found_text(ARTICLE, match) == "Pence said"


def test_context_is_compared_normalised_and_regardless_of_whitespace() -> None:
    text = "He said “no”  \n Pence said it. She said 'yes' Pence said it."
    match = locate_quote(text, Selector("Pence said", prefix='said "no"'))
    assert (match.status, match.method, match.start) == ("found", "exact", text.index("Pence"))
    match = locate_quote(text, Selector("Pence said", prefix="She said ‘yes’  "))
    assert match.start == text.rindex("Pence")


def test_context_that_fits_no_occurrence_anchors_the_quote_and_says_which_part_is_stale() -> None:
    match = locate_quote(ARTICLE, Selector("Pence said it again", prefix="Obama said"))
    assert (match.status, match.method, match.reason) == ("found", "exact", StaleContext(("prefix",), 1))
    assert found_text(ARTICLE, match) == "Pence said it again"
    assert match.confidence < 1.0


def test_a_stale_context_chooses_the_occurrence_whose_context_is_clearly_most_alike() -> None:
    match = locate_quote(ARTICLE, Selector("Pence said", prefix="inadvertently debriefed.", suffix="them."))
    assert (match.status, match.start, match.reason) == ("found", FIRST_PENCE, StaleContext(("prefix", "suffix"), 2))
    match = locate_quote(ARTICLE, Selector("Pence said", prefix="Obama"))  # alike to neither
    assert (match.status, match.reason) == ("ambiguous", StaleContext(("prefix",), 2))


# --- normalised ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("Flynn's spokesman", "Flynn’s spokesman"),
        ('said "he can\'t be certain"', "said “he can’t be certain”"),
        ("certain” - the Vice", "certain” — the Vice"),
        ("certain” -- the Vice", "certain” — the Vice"),
        ("certain”--the Vice", "certain” — the Vice"),
        ("President–elect", "President-elect"),
        ("-- the Vice", "— the Vice"),
        ('be certain" -', "be certain” —"),
        ("the Vice President-elect was inadvertently", "the Vice President-elect was\ninadvertently"),
        ("the   Vice\tPresident-elect", "the Vice President-elect"),
        ("discuss sanctions. Later, Flynn", "discuss sanctions.\n\nLater, Flynn"),
    ],
)
def test_normalised_match_maps_back_to_the_original_characters(quote: str, expected: str) -> None:
    match = locate_quote(ARTICLE, Selector(quote))
    assert (match.status, match.method, match.confidence) == ("found", "normalised", 1.0)
    assert found_text(ARTICLE, match) == expected


def test_straight_quotes_in_the_text_match_curly_quotes_in_the_quote() -> None:
    text = 'He said "it\'s over" -- and left.'
    match = locate_quote(text, Selector("said “it’s over” — and"))
    assert found_text(text, match) == 'said "it\'s over" -- and'


def test_unicode_spaces_invisible_characters_and_ellipsis_are_made_alike() -> None:
    text = "Nine\u00a0current and for\u00admer officials\u2026 said so"
    match = locate_quote(text, Selector("Nine current and former officials... said"))
    assert (match.method, found_text(text, match)) == ("normalised", text[: text.index(" so")])


def test_nfd_text_matches_an_nfc_quote_on_the_decomposed_characters() -> None:
    text = unicodedata.normalize("NFD", "Le président a déclaré à l’Élysée qu’il partait.")
    match = locate_quote(text, Selector("a déclaré à l'Élysée"))
    assert match.method == "normalised"
    assert unicodedata.normalize("NFC", found_text(text, match)) == "a déclaré à l’Élysée"
    assert text[match.end] == " " and not unicodedata.combining(text[match.start])


def test_nfd_quote_matches_nfc_text() -> None:
    text = "Ça coûte cher à l’État."
    match = locate_quote(text, Selector(unicodedata.normalize("NFD", "coûte cher à l’État")))
    assert found_text(text, match) == "coûte cher à l’État"


def test_an_occurrence_must_be_whole_characters() -> None:
    text = unicodedata.normalize("NFD", "café or cafe")
    match = locate_quote(text, Selector("caf"))  # "caf" is in both, "cafe" only in the second
    assert match.status == "ambiguous"
    match = locate_quote(text, Selector("cafe"))
    assert (match.method, match.start) == ("exact", len(text) - 4)
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji, three people joined
    text = f"the {family} and a \U0001f468 alone"
    match = locate_quote(text, Selector("\U0001f468"))
    assert (match.method, match.start) == ("exact", text.rindex("\U0001f468"))


@pytest.mark.parametrize(
    ("text", "quote", "expected"),
    [
        ("Посол Сергей  Кисляк\nзаявил, что «санкции» не обсуждались.", 'Кисляк заявил, что "санкции"', None),
        ("قال \u200fالسفير الروسي\u200f إن العقوبات لم تناقش.", "السفير الروسي إن", None),
        ("אמר השגריר  הרוסי כי הסנקציות", "השגריר הרוסי כי", None),
        ("Reactions 😀\u200d🔥 were  mixed 👍🏽 overall.", "were mixed 👍🏽", "were  mixed 👍🏽"),
    ],
)
def test_other_scripts_and_emoji(text: str, quote: str, expected: str | None) -> None:
    match = locate_quote(text, Selector(quote))
    assert match.status == "found"
    assert normalise_text(found_text(text, match)) == normalise_text(quote)
    if expected is not None:
        assert found_text(text, match) == expected


# --- fuzzy and orphaned -----------------------------------------------------------------------------


def test_a_quote_with_typos_is_found_fuzzily_and_says_so() -> None:
    match = locate_quote(ARTICLE, Selector("told the Post that he and Kislak did not discus sanctions"))
    assert (match.status, match.method) == ("found", "fuzzy")
    assert 0.85 <= match.confidence < 1.0
    assert found_text(ARTICLE, match) == "told the Post that he and Kislyak did not discuss sanctions"
    assert match.candidates[0].score == match.confidence


def test_the_threshold_decides_between_fuzzy_and_orphaned() -> None:
    selector = Selector("told the Post that he and Kislak did not discus sanctions")
    match = locate_quote(ARTICLE, selector, fuzzy_threshold=0.99)
    assert (match.status, match.method) == ("orphaned", None)
    assert candidate_texts(ARTICLE, match)[0] == "told the Post that he and Kislyak did not discuss sanctions"


def test_a_close_runner_up_is_reported_as_a_competitor() -> None:
    text = (
        "In March the minister said the budget would be balanced by next year. Nobody believed it.\n\n"
        "In June the minister said the budget would be balanced by the next year. Few believed it."
    )
    match = locate_quote(text, Selector("the minister said the budget will be balanced by next year"))
    assert (match.status, match.method) == ("found", "fuzzy")
    assert len(match.candidates) == 2
    assert candidate_texts(text, match) == [
        "the minister said the budget would be balanced by next year",
        "the minister said the budget would be balanced by the next year",
    ]
    assert match.candidates[1].score >= match.confidence - 0.1


def test_prefix_and_suffix_choose_among_fuzzy_candidates() -> None:
    text = "Smith said the deal was dead in the water. Jones said the deal was dead in the water."
    quote = "said the deal was deed in the water"
    match = locate_quote(text, Selector(quote, prefix="Jones"))
    assert (match.method, match.start) == ("fuzzy", text.index("said", text.index("Jones")))
    match = locate_quote(text, Selector(quote, prefix="Smith"))
    assert (match.method, match.start) == ("fuzzy", text.index("said"))
    assert len(match.candidates) == 2


def test_an_orphaned_quote_shows_the_closest_passage() -> None:
    match = locate_quote(ARTICLE, Selector("the President-elect was deliberately misled by the aides"))
    assert (match.status, match.method, match.confidence) == ("orphaned", None, 0.0)
    assert match.candidates
    assert "President-elect" in candidate_texts(ARTICLE, match)[0]
    assert all(0.0 <= c.score < 0.85 for c in match.candidates)


@pytest.mark.parametrize("quote", ["Kislak did", "Pense sad", "twice tould"])
def test_a_short_quote_never_matches_fuzzily(quote: str) -> None:
    match = locate_quote(ARTICLE, Selector(quote), fuzzy_threshold=0.5)
    assert match.status == "orphaned"
    assert match.candidates  # but still shows where it might be


@pytest.mark.parametrize("quote", ["", "   ", "\n\n", "\u200b\u00ad"])
def test_an_empty_quote_is_orphaned(quote: str) -> None:
    assert locate_quote(ARTICLE, Selector(quote)) == QuoteMatch("orphaned", None, 0, 0, 0.0, ())


def test_a_quote_longer_than_the_text_is_orphaned() -> None:
    text = "Flynn resigned."
    match = locate_quote(text, Selector("Flynn resigned on Monday night after weeks of pressure from the press"))
    assert match.status == "orphaned"
    assert locate_quote("", Selector("anything at all, said the spokesman")).status == "orphaned"


def test_fuzzy_search_of_a_large_text_looks_around_the_quotes_rare_words() -> None:
    # 3 MB and a 400-character quote: too much for one full scan, so it searches around rare words.
    filler = " ".join(f"word{i % 997} filler{i % 89}" for i in range(180_000))
    passage = (
        "The Vice President-elect was inadvertently briefed about the calls, aides said on Thursday, "
        "according to nine current and former officials who were in senior positions at multiple "
        "agencies at the time of the calls. Kislyak himself declined to comment on the substance of "
        "the conversations, and the embassy referred questions to the foreign ministry in Moscow, "
        "which said only that diplomats talk to many people."
    )
    text = filler[: len(filler) // 2] + ". " + passage + " " + filler[len(filler) // 2 :]
    quote = passage.replace("inadvertently", "inadvertantly").replace("conversations", "conversation")
    match = locate_quote(text, Selector(quote))
    assert (match.status, match.method) == ("found", "fuzzy")
    assert found_text(text, match) == passage


def test_a_long_quote_with_typos_is_placed_by_its_ends_and_found_whole() -> None:
    passage = " ".join(f"sentence {n} of the long report said something about the budget." for n in range(60))
    text = "Before it all. " + passage + " After it all."
    quote = passage.replace("sentence 7 ", "sentense 7 ").replace("sentence 50 ", "sentance 50 ")
    assert len(quote) > 3_000
    match = locate_quote(text, Selector(quote))
    assert (match.status, match.method) == ("found", "fuzzy")
    assert found_text(text, match) == passage


# --- elisions -----------------------------------------------------------------------------------------------

HEAT = (
    "The reason for the energy shortfall is high heat, which has pushed demand for air conditioning to record "
    "levels as people try to stay cool. Officials said the grid would hold.\n\n"
    "Later the minister said the heat would last. People were told to stay cool and drink water."
)


@pytest.mark.parametrize(
    "quote",
    [
        "The reason for the energy shortfall is high heat … stay cool.",
        "The reason for the energy shortfall is high heat ... stay cool.",
        "The reason for the energy shortfall is high heat [...] stay cool.",
        "The reason for the energy shortfall is high heat . . . stay cool.",
        "The reason for the energy shortfall is high heat…stay cool.",
    ],
)
def test_an_elided_quote_is_anchored_from_its_first_part_to_its_last(quote: str) -> None:
    match = locate_quote(HEAT, Selector(quote))
    assert (match.status, match.method, match.confidence) == ("found", "exact", 1.0)
    assert found_text(HEAT, match) == HEAT[: HEAT.index("stay cool.") + len("stay cool.")]


def test_each_part_of_an_elided_quote_may_match_normalised() -> None:
    match = locate_quote(HEAT, Selector("the minister said the heat would last … told to stay cool"))
    assert (match.status, match.method) == ("found", "exact")
    match = locate_quote(HEAT, Selector("the minister said the heat would last … People were told to stay  cool"))
    assert (match.status, match.method) == ("found", "normalised")
    assert found_text(HEAT, match) == "the minister said the heat would last. People were told to stay cool"


def test_of_the_ways_to_place_the_parts_only_the_tightest_count() -> None:
    """ "stay cool" follows "heat" twice: each "stay cool" with the nearest "heat" before it, never the first
    "heat" with the last "stay cool"."""
    match = locate_quote(HEAT, Selector("heat … stay cool"))
    assert match.status == "ambiguous"
    assert candidate_texts(HEAT, match) == [
        "heat, which has pushed demand for air conditioning to record levels as people try to stay cool",
        "heat would last. People were told to stay cool",
    ]
    match = locate_quote(HEAT, Selector("heat … stay cool", prefix="minister said the"))
    assert found_text(HEAT, match) == "heat would last. People were told to stay cool"


def test_an_ellipsis_the_article_has_is_matched_as_written_first() -> None:
    text = "He paused... then he went on. He paused and then he went on."
    match = locate_quote(text, Selector("He paused... then he went on"))
    assert (match.status, match.method, match.start) == ("found", "exact", 0)


def test_a_leading_or_trailing_ellipsis_quotes_the_rest() -> None:
    match = locate_quote(HEAT, Selector("… the grid would hold …"))
    assert (match.status, found_text(HEAT, match)) == ("found", "the grid would hold")


@pytest.mark.parametrize(
    ("quote", "reason"),
    [
        ("The reason for the energy shortfall is high heat … stay warm.", MisplacedPart(1, False)),
        ("stay cool … The reason for the energy shortfall", MisplacedPart(1, True)),
        ("A reason for the shortfall … stay cool", MisplacedPart(0, False)),
    ],
)
def test_an_elided_quote_with_a_part_out_of_place_is_never_matched_fuzzily(quote: str, reason: MisplacedPart) -> None:
    assert locate_quote(HEAT, Selector(quote)) == QuoteMatch("orphaned", None, 0, 0, 0.0, (), reason)


# --- what the editor is told ----------------------------------------------------------------------------------

REPORT = (
    "Later, the minister said the budget would be balanced by next year, according to people who were at "
    "the meeting on Thursday afternoon in the capital.\n\n"
    "Pence said it. Pence said it again."
)


def told(tmp_path: Path, *annotations: str, body: str = REPORT) -> list[str]:
    """What check tells the editor about notes with these YAML fields (`quote: ...`, one note each)."""
    sidecar = "notes:\n" + "".join(
        "  - " + "\n    ".join(fields.splitlines()) + "\n    note: A note.\n" for fields in annotations
    )
    return [str(d) for d in check_project(small_project(tmp_path, body, sidecar)).report.sorted()]


def test_a_near_miss_that_differs_near_its_end_is_shown_where_it_differs(tmp_path: Path) -> None:
    quote = (
        "the minister said the budget would be balanced by next year, according to people who were at the "
        "meeting on Thursday morning in the capital."
    )
    assert told(tmp_path, f"quote: {quote}") == [
        'content/engine/article.yaml:2:5: warning: the quote "the minister said the budget would be balanced by '
        'next year, accordin…" is not in the article as written; anchored to the closest text, 96% alike (line 5), '
        'which differs from it here: quote "…at the meeting on Thursday morning in the capital.", article "…at the '
        'meeting on Thursday afternoon in the capital.". Copy the text from the article to silence this'
    ]


def test_an_orphaned_quote_is_shown_where_it_differs_from_the_closest_passage(tmp_path: Path) -> None:
    quote = (
        "the minister said the budget would be balanced by next year, according to people who were at the "
        "meeting on Monday night and also in some other place entirely."
    )
    assert told(tmp_path, f"quote: {quote}") == [
        'content/engine/article.yaml:2:5: error: the quote "the minister said the budget would be balanced by '
        'next year, accordin…" is not in the article; the closest passage (line 5, 84% alike) differs from it '
        'here: quote "…who were at the meeting on Monday night and also in some…", article "…who were at the '
        'meeting on Thursday afternoon in the…"'
    ]


def test_long_texts_that_differ_only_at_the_end_never_look_the_same() -> None:
    was = "word " * 40 + "and that is all."
    now = "word " * 40 + "and that is all!"
    assert differing_windows(was, now) == ("…word word and that is all.", "…word word and that is all!")


def test_a_stale_prefix_is_named_with_what_the_article_has_there(tmp_path: Path) -> None:
    assert told(tmp_path, "quote: Pence said it again\nprefix: 'Obama said '") == [
        'content/engine/article.yaml:2:5: warning: the prefix "Obama said" does not fit the quote "Pence said it '
        'again" (line 7): the article has "Pence said it." just before it; anchored there all the same. Update the '
        "prefix to silence this"
    ]


def test_a_stale_suffix_and_prefix_are_both_named(tmp_path: Path) -> None:
    assert told(tmp_path, "quote: the budget would be balanced\nprefix: 'the mayor said '\nsuffix: ' this year'") == [
        'content/engine/article.yaml:2:5: warning: the prefix "the mayor said" and the suffix "this year" do not '
        'fit the quote "the budget would be balanced" (line 5): the article has "the minister said" just before '
        'it and "by next year," just after it; anchored there all the same. Update the prefix and suffix to '
        "silence this"
    ]


def test_a_context_that_fits_none_of_several_alike_occurrences_is_an_error_naming_it(tmp_path: Path) -> None:
    assert told(tmp_path, "quote: Pence said\nsuffix: ' so'") == [
        'content/engine/article.yaml:2:5: error: the quote "Pence said" occurs 2 times and its suffix "so" fits '
        'none of them (line 7: "in the capital. [Pence said] it. Pence said"; line 7: "Pence said it. [Pence said] '
        'it again."); correct the '
        "suffix"
    ]


def test_many_occurrences_are_listed_by_their_first_lines(tmp_path: Path) -> None:
    body = "".join(f"Item {n}: the same words.\n\n" for n in range(6))
    assert told(tmp_path, "quote: the same words", body=body) == [
        'content/engine/article.yaml:2:5: error: the quote "the same words" occurs 6 times (lines 5, 7, 9, … and '
        "3 more); add a prefix or suffix to choose one"
    ]


def test_an_elided_quote_with_a_part_not_in_the_article_names_the_part(tmp_path: Path) -> None:
    body = "The reason for the shortfall is high heat, as people try to stay cool.\n"
    assert told(tmp_path, "quote: The reason for the shortfall is high heat … stay warm.", body=body) == [
        'content/engine/article.yaml:2:5: error: the quote "The reason for the shortfall is high heat … stay warm." '
        'is not in the article: its part "stay warm." is not in it; each part between ellipses must be the '
        "article's own words, in the article's order"
    ]


# --- hash ---------------------------------------------------------------------------------------------------


def test_text_hash_is_short_stable_and_changes_with_the_text() -> None:
    assert text_hash("abc") == "ba7816bf8f01cfea"  # sha256("abc"), the first 16 hex digits
    assert text_hash(ARTICLE) == text_hash(str(ARTICLE))
    assert text_hash(ARTICLE) != text_hash(ARTICLE + " ")


# --- mentions -----------------------------------------------------------------------------------------------


def person(person_id: str, name: str, *aliases: str) -> Person:
    return Person(person_id, name, aliases, (), "", (), Location("content/people.yaml"))


PEOPLE = [
    person("michael-flynn", "Michael Flynn", "Flynn"),
    person("sergey-kislyak", "Sergey Kislyak", "Kislyak", "Сергей Кисляк", "Кисляк"),
    person("michael-flynn-jr", "Michael Flynn Jr.", "Flynn"),  # "Flynn" is taken: Michael Flynn came first
]


def mentioned(text: str, people: list[Person] = PEOPLE) -> list[tuple[str, str]]:
    return [(person_id, text[start:end]) for person_id, start, end in find_mentions(text, people)]


def test_longest_name_first_and_no_overlaps() -> None:
    text = "Michael Flynn met Kislyak; later Michael Flynn Jr. spoke."
    assert mentioned(text) == [
        ("michael-flynn", "Michael Flynn"),
        ("sergey-kislyak", "Kislyak"),
        ("michael-flynn-jr", "Michael Flynn Jr."),
    ]


def test_the_longest_name_that_ends_a_word_wins_where_names_share_a_beginning() -> None:
    people = [person("mike", "Mike"), person("michael", "Michael"), person("mf", "Michael Flynn", "Michael F")]
    text = "Michael Flynnish, Michael Flynn, Michael F. and Mike; Micha."
    assert mentioned(text, people) == [
        ("michael", "Michael"),
        ("mf", "Michael Flynn"),
        ("mf", "Michael F"),
        ("mike", "Mike"),
    ]


def test_names_nested_deeper_than_a_regex_may_be_are_all_found() -> None:
    """Names are one trie-shaped regex; "a", "aa", ... "a" * 2000 nest 2000 groups deep, more than Python's regex
    compiler can take: below a depth the rest is listed, and the longest name is still found first."""
    people = [person(f"p{n}", "a" * n) for n in range(1, 2_001)]
    assert find_mentions("b " + "a" * 1_500 + " c aaa", people) == [("p1500", 2, 1_502), ("p3", 1_505, 1_508)]


@pytest.mark.parametrize("text", ["Flynn's aide", "Flynn’s aide", "Flynn’ aide"])
def test_a_possessive_is_a_mention_of_the_name_alone(text: str) -> None:
    assert mentioned(text) == [("michael-flynn", "Flynn")]


@pytest.mark.parametrize("text", ["Flynnville", "McFlynn", "O'Flynn", "O’Flynn", "Flynn2", "flynn", "FLYNN"])
def test_names_inside_other_words_or_in_another_case_are_not_mentions(text: str) -> None:
    assert mentioned(text) == []


def test_whitespace_inside_a_name_may_be_a_line_break() -> None:
    text = "met Michael\nFlynn and Michael   Flynn."
    assert mentioned(text) == [("michael-flynn", "Michael\nFlynn"), ("michael-flynn", "Michael   Flynn")]


def test_cyrillic_names_are_whole_words_too() -> None:
    text = "Посол Сергей Кисляк заявил (Кисляк, 2017); у Кисляка нет комментариев."
    assert mentioned(text) == [("sergey-kislyak", "Сергей Кисляк"), ("sergey-kislyak", "Кисляк")]


def test_a_name_is_not_a_mention_inside_a_word_that_goes_on_with_marks() -> None:
    # Devanagari vowel signs are marks, not letters, so a regex's \\w alone would find "राम" in "रामा".
    assert mentioned("रामा और राम", [person("ram", "राम")]) == [("ram", "राम")]
    assert find_mentions("रामा और राम", [person("ram", "राम")])[0][1] == len("रामा और ")


def test_in_scripts_written_without_spaces_a_name_is_a_mention_wherever_it_stands() -> None:
    """Chinese, Japanese and Thai put no space between words: "习近平指示" names 习近平, and a whole-word rule found
    no mention in a Chinese article at all."""
    people = [person("xi", "习近平", "习主席", "Xi Jinping"), person("li", "李明"), person("som", "สมชาย")]
    assert mentioned("救援队伍已赶赴灾区。习近平指示全力救援。李明表示，学校将停课。", people) == [
        ("xi", "习近平"), ("li", "李明")
    ]  # fmt: skip
    assert mentioned("习主席说", people) == [("xi", "习主席")]
    assert mentioned("นายสมชายกล่าวว่า", people) == [("som", "สมชาย")]
    assert mentioned("地震后Xi Jinping说", people) == [("xi", "Xi Jinping")]  # a spaced name beside them
    # Korean spaces its words, but a name takes its particle without a space: 윤석열이 names 윤석열.
    assert mentioned("윤석열이 말했다. 윤석열 대통령은", [person("yoon", "윤석열")]) == [("yoon", "윤석열")] * 2
    assert mentioned("Xi Jinpingx and aXi Jinping", people) == []  # in the Latin script, words still end at spaces


def test_names_match_nfd_text_and_offsets_stay_in_the_original() -> None:
    text = unicodedata.normalize("NFD", "Zoë Baird met Zoë.")
    found = find_mentions(text, [person("zoe-baird", "Zoë Baird", "Zoë")])
    assert [(start, end) for _, start, end in found] == [(0, 10), (15, 19)]


def test_a_shared_alias_belongs_to_the_person_registered_first() -> None:
    assert mentioned("Flynn spoke.") == [("michael-flynn", "Flynn")]
    assert mentioned("Flynn spoke.", list(reversed(PEOPLE))) == [("michael-flynn-jr", "Flynn")]


def test_no_people_no_mentions() -> None:
    assert find_mentions(ARTICLE, []) == []
    assert find_mentions(ARTICLE, [person("nobody", "", "  ")]) == []


# --- properties ---------------------------------------------------------------------------------------------

LETTERS = "abcdeéüждשלעر😀"
SEPARATORS = [" ", " ", " ", "\n", "\n\n", ", ", ". ", " — ", "--", " - "]
FEW = settings(max_examples=60, deadline=None)


@dataclass(frozen=True)
class Cut:
    """A generated text and a span in it that starts and ends on a word."""

    text: str
    start: int
    end: int

    @property
    def quote(self) -> str:
        return self.text[self.start : self.end]


@st.composite
def cuts(draw: st.DrawFn, letters: str = LETTERS) -> Cut:
    words = draw(st.lists(st.text(letters, min_size=1, max_size=7), min_size=3, max_size=30))
    separators = [draw(st.sampled_from(SEPARATORS)) for _ in words[1:]]
    text, spans = "", []
    for word, separator in zip(words, ["", *separators], strict=True):
        text += separator
        spans.append((len(text), len(text) + len(word)))
        text += word
    first = draw(st.integers(0, len(words) - 1))
    last = draw(st.integers(first, min(len(words) - 1, first + 6)))
    return Cut(text, spans[first][0], spans[last][1])


def occurrences(text: str, quote: str) -> list[int]:
    starts, start = [], text.find(quote)
    while start >= 0:
        starts.append(start)
        start = text.find(quote, start + 1)
    return starts


def lenient(text: str) -> str:
    return normalise_text(text).replace(" ", "")


def fitting(text: str, quote: str, prefix: str, suffix: str) -> list[int]:
    """The occurrences a context fits, judged on all the text around each: oracle of the windowed check."""
    return [
        start
        for start in occurrences(text, quote)
        if lenient(text[:start]).endswith(lenient(prefix))
        and lenient(text[start + len(quote) :]).startswith(lenient(suffix))
    ]


@FEW
@given(cuts())
def test_a_unique_quote_cut_from_the_text_anchors_exactly_to_its_span(cut: Cut) -> None:
    assume(len(occurrences(cut.text, cut.quote)) == 1)
    match = locate_quote(cut.text, Selector(cut.quote))
    assert (match.status, match.method, match.start, match.end) == ("found", "exact", cut.start, cut.end)


@FEW
@given(cuts(letters="ab"), st.integers(0, 24), st.integers(0, 24))
def test_prefix_and_suffix_from_the_text_anchor_a_repeated_quote(cut: Cut, before: int, after: int) -> None:
    prefix = cut.text[max(0, cut.start - before) : cut.start]
    suffix = cut.text[cut.end : cut.end + after]
    assume(fitting(cut.text, cut.quote, prefix, suffix) == [cut.start])
    match = locate_quote(cut.text, Selector(cut.quote, prefix, suffix))
    assert (match.status, match.method, match.start, match.end) == ("found", "exact", cut.start, cut.end)


@FEW
@given(cuts(), st.data())
def test_edits_elsewhere_do_not_change_what_is_found(cut: Cut, data: st.DataObject) -> None:
    assume(len(occurrences(cut.text, cut.quote)) == 1)
    if data.draw(st.booleans(), label="edit after the quote"):
        low, high = cut.end, len(cut.text)
    else:
        low, high = 0, cut.start
    edit_start = data.draw(st.integers(low, high))
    edit_end = data.draw(st.integers(edit_start, high))
    inserted = data.draw(st.text("0123456789", min_size=1, max_size=30))  # digits: no new occurrence
    edited = cut.text[:edit_start] + inserted + cut.text[edit_end:]
    match = locate_quote(edited, Selector(cut.quote))
    assert (match.status, match.method) == ("found", "exact")
    assert edited[match.start : match.end] == cut.quote


@FEW
@given(cuts(letters="ab"), st.data())
def test_edits_beyond_the_context_do_not_move_a_quote_with_context(cut: Cut, data: st.DataObject) -> None:
    prefix = cut.text[max(0, cut.start - 16) : cut.start]
    suffix = cut.text[cut.end : cut.end + 16]
    before_context, after_context = cut.start - len(prefix), cut.end + len(suffix)
    if data.draw(st.booleans(), label="edit after the quote") or before_context == 0:
        low, high = after_context, len(cut.text)
    else:
        low, high = 0, before_context
    edit_start = data.draw(st.integers(low, high))
    edit_end = data.draw(st.integers(edit_start, high))
    edited = cut.text[:edit_start] + data.draw(st.text("0123", min_size=1)) + cut.text[edit_end:]
    assume(len(fitting(edited, cut.quote, prefix, suffix)) == 1)
    match = locate_quote(edited, Selector(cut.quote, prefix, suffix))
    assert (match.status, match.method) == ("found", "exact")
    assert edited[match.start : match.end] == cut.quote
    shift = len(edited) - len(cut.text) if edit_start < cut.start else 0
    assert match.start == cut.start + shift


WHITESPACE_VARIANTS = [" ", "  ", "\n", "\u00a0", " \n\t", "\u2009"]
LOOKALIKES = {"'": ["‘", "’"], '"': ["“", "”", "„"], "—": ["-", "--", "–", " - ", "—"]}


@FEW
@given(cuts(letters=LETTERS + "'\""), st.data())
def test_whitespace_quote_mark_and_dash_variants_anchor_to_the_same_span(cut: Cut, data: st.DataObject) -> None:
    assume(len(occurrences(normalise_text(cut.text), normalise_text(cut.quote))) == 1)
    variant = "".join(data.draw(st.sampled_from(WHITESPACE_VARIANTS)) if char.isspace() else char for char in cut.quote)
    variant = "".join(data.draw(st.sampled_from(LOOKALIKES[c])) if c in LOOKALIKES else c for c in variant)
    if data.draw(st.booleans(), label="decompose the quote"):
        variant = unicodedata.normalize("NFD", variant)
    match = locate_quote(cut.text, Selector(variant))
    assert match.status == "found"
    assert (match.start, match.end) == (cut.start, cut.end)


@FEW
@given(cuts(letters=LETTERS + "'\""))
def test_curly_quote_marks_in_the_text_and_an_nfd_text_anchor_to_the_same_span(cut: Cut) -> None:
    # Replacing quote marks one for one and decomposing whole words keep the cut on word boundaries.
    words = cut.text[: cut.start], cut.quote, cut.text[cut.end :]
    curly = [unicodedata.normalize("NFD", part.replace("'", "’").replace('"', "”")) for part in words]
    text = "".join(curly)
    assume(len(occurrences(normalise_text(text), normalise_text(cut.quote))) == 1)
    match = locate_quote(text, Selector(cut.quote))
    assert match.status == "found"
    assert (match.start, match.end) == (len(curly[0]), len(curly[0]) + len(curly[1]))


@FEW
@given(st.text(), st.text(), st.text(max_size=20), st.text(max_size=20), st.floats(0.0, 1.0))
def test_locate_quote_never_raises_and_keeps_its_promises(
    text: str, exact: str, prefix: str, suffix: str, threshold: float
) -> None:
    text = text + exact[1:-1] if len(text) % 2 else text  # sometimes the quote, or part of it, is there
    match = locate_quote(text, Selector(exact, prefix, suffix), fuzzy_threshold=threshold)
    assert match.status in ("found", "ambiguous", "orphaned")
    for candidate in match.candidates:
        assert 0 <= candidate.start < candidate.end <= len(text)
        assert 0.0 <= candidate.score <= 1.0
    if match.status == "found":
        assert 0 <= match.start < match.end <= len(text)
        assert match.candidates[0] == type(match.candidates[0])(match.start, match.end, match.confidence)
    else:
        assert (match.start, match.end, match.confidence) == (0, 0, 0.0)
    assert (match.method is None) == (match.status == "orphaned")


def test_a_long_quote_longer_than_the_rest_of_the_text_is_not_found_never_an_internal_error() -> None:
    # Found by the YAML fuzzer: a 400-digit quote whose first half ends the article. The search for its last
    # words began past the end of the text, and the span it gave broke the offset map (an IndexError).
    quote = "".join(str(i * 7 % 10) for i in range(400))
    for text in ("Some words. " + quote[:200], quote[:300], "1" * 50 + " " + quote[:-3]):
        match = locate_quote(text, Selector(quote))
        assert match.end <= len(text)
        assert all(candidate.end <= len(text) for candidate in match.candidates)


@FEW
@given(st.text(alphabet="0123456789 ab", min_size=65, max_size=400), st.floats(0.1, 0.9), st.text(max_size=40))
def test_long_quotes_against_the_start_of_themselves_keep_to_the_text(quote: str, kept: float, before: str) -> None:
    text = before + quote[: int(len(quote) * kept)]  # the text ends before the quote would
    match = locate_quote(text, Selector(quote))
    assert match.status in ("found", "ambiguous", "orphaned")
    assert all(0 <= candidate.start < candidate.end <= len(text) for candidate in match.candidates)


# Characters NFC composes, reorders or replaces (marks, Hangul jamo, Oriya vowel signs, Ohm and Angstrom
# signs, a composition exclusion), and every kind the other normalisation steps rewrite.
TRICKY = "ae\u0301\u0323\u0300A\u030a\u212b\u2126\u1100\u1161\u11a8\uac00\u0b47\u0b3e\u0b57\u0958\u093c"
TRICKY += " \u00a0\u2009\n\u00ad\u200b\u200f-\u2014\u2013\"\u201c\u2019'\u2026."


@FEW
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(TRICKY), max_size=80))
def test_the_normalised_view_maps_every_word_back_to_its_original_text(text: str) -> None:
    view = normalised_view(text)
    assert view.text == normalise_text(text)
    position = 0
    for word in view.text.split(" "):
        if word:
            start, end = view.original_span(position, position + len(word))
            assert normalise_text(text[start:end]).strip() == word
        position += len(word) + 1


@FEW
@given(st.lists(st.sampled_from(["Flynn", "Michael Flynn", "Michael\nFlynn", "Kislyak's", "x", " ", "Flynnx"])))
def test_mentions_are_sorted_disjoint_and_whole(parts: list[str]) -> None:
    text = " ".join(parts)
    found = find_mentions(text, PEOPLE)
    spans = [(start, end) for _, start, end in found]
    assert spans == sorted(spans)
    assert all(end <= next_start for (_, end), (next_start, _) in itertools.pairwise(spans))
    assert all(text[start:end].replace("\n", " ") in ("Flynn", "Michael Flynn", "Kislyak") for start, end in spans)
