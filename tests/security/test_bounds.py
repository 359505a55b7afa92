"""Bounded work: each input whose cost grows faster than its size has a budget (SECURITY.md §4), and an input at
ten times the budget ends in seconds with a located error, never a build that runs for minutes.

No test here is timed: each runs the real check on an input that would take minutes (or hours) without its
budget, so a lost budget shows as a test that does not end (CI's timeout), and the suite stays fast.
"""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest

from dossier.aliases import MAX_ALIAS_CHARACTERS, MAX_ALIASES, MAX_ALIASES_PER_PERSON
from dossier.anchor.budget import (
    FUZZY_WORK_PER_BUILD,
    MAX_CONTEXT_CHARACTERS,
    MAX_ELIDED_PARTS,
    MAX_FUZZY_QUOTE,
    MAX_OCCURRENCES,
    MAX_OCCURRENCES_PER_BUILD,
)
from dossier.compare import Side, compare_sides
from dossier.compare.align import DescribedSide, describe_side
from dossier.compare.features import MAX_QUOTATIONS, find_expansions
from dossier.compare.match import FALLBACK_KEYS, NEAREST_PARTNERS, PAIRS_PER_SENTENCE, blocking_cap, candidate_pairs
from dossier.model import CompareSettings
from dossier.pipeline import build_project, check_project
from dossier.text import MARKUP_CHARACTERS, MAX_LINES, MAX_MARKUP_CHARACTERS
from tests.security.project import ARTICLE_PAGE, small_project

BODY_LINE = 5  # the line of article.md the body starts on, after small_project's front matter

# --- Markdown: lines and markup characters per article ----------------------------------------------------------

MARKUP_LISTED = " ".join(MARKUP_CHARACTERS)


def too_much_markup(count: int, where: str) -> str:
    return (
        f"content/engine/article.md:{where}: error: the article has {count:,} characters Markdown may read as "
        f"markup ({MARKUP_LISTED}), more than the {MAX_MARKUP_CHARACTERS:,} an article may have, and passes them "
        "here; Markdown this dense takes too long to read: remove the run of markup, or split the article"
    )


TEN_TIMES_THE_MARKDOWN_BUDGETS = {
    # markdown-it spends about 16 µs on each character of a run of `![`: 4 MB took 65 s.
    "a run of ![": ("x" + "![" * (5 * MAX_MARKUP_CHARACTERS), too_much_markup(1_000_000, f"{BODY_LINE}:100002")),
    "a run of *_": ("*_" * (5 * MAX_MARKUP_CHARACTERS), too_much_markup(1_000_000, f"{BODY_LINE}:100001")),
    "a wide table": (
        "|" + "a|" * (5 * MAX_MARKUP_CHARACTERS) + "\n|" + "-|" * (5 * MAX_MARKUP_CHARACTERS) + "\n",
        too_much_markup(1_500_002, f"{BODY_LINE}:200001"),
    ),
    "lines a quote takes in lazily": (
        "> " * 20 + "quote\n" + "lazy\n" * (10 * MAX_LINES),
        f"content/engine/article.md:{BODY_LINE + MAX_LINES}:1: error: the article has 500,002 lines, more than the "
        f"{MAX_LINES:,} an article may have; split it",
    ),
}


@pytest.mark.parametrize("shape", sorted(TEN_TIMES_THE_MARKDOWN_BUDGETS))
def test_markdown_past_its_budget_is_a_located_error_before_it_is_read(tmp_path: Path, shape: str) -> None:
    body, error = TEN_TIMES_THE_MARKDOWN_BUDGETS[shape]
    checked = check_project(small_project(tmp_path, body, "notes:\n  - quote: quote\n    note: Left out.\n"))
    assert [str(d) for d in checked.report.sorted()] == [error]  # the article is left out, with its sidecar


@pytest.mark.parametrize(
    "body",
    ["*" * MAX_MARKUP_CHARACTERS + "\n", "line\n" * (MAX_LINES - 1)],
    ids=["markup characters", "lines"],
)
def test_markdown_up_to_its_budget_builds(tmp_path: Path, body: str) -> None:
    built = build_project(small_project(tmp_path, body))
    assert not built.report.has_errors, built.report.sorted()
    assert built.output_dir is not None and (built.output_dir / ARTICLE_PAGE).is_file()


# --- people's aliases: per person, in all, and how long ---------------------------------------------------------


def people_with_aliases(people: int, aliases: int, alias: str = "Alias {person} {n}") -> str:
    return "".join(
        f"- id: p{person}\n  name: Person {person}\n  aliases: ["
        + ", ".join(alias.format(person=person, n=n) for n in range(aliases))
        + "]\n"
        for person in range(people)
    )


TEN_TIMES_THE_ALIAS_BUDGETS = {
    "aliases of one person": (
        people_with_aliases(1, 10 * MAX_ALIASES_PER_PERSON),
        "content/people.yaml:3:3: error: 'p0' has 500 aliases, more than the 50 a person may have: every alias is "
        "looked for in every article; keep the names the articles use",
    ),
    "aliases in all": (
        people_with_aliases(10 * MAX_ALIASES // MAX_ALIASES_PER_PERSON, MAX_ALIASES_PER_PERSON),
        # the 5,001st alias is the first of the 101st person
        "content/people.yaml:303:13: error: the people registry has more than the 5,000 aliases it may have in all, "
        "and passes them here: every alias is looked for in every article; keep the names the articles use",
    ),
    "the length of an alias": (
        people_with_aliases(1, 1, alias="x" * (10 * MAX_ALIAS_CHARACTERS)),
        "content/people.yaml:3:13: error: an alias is a name as articles write it: this one has 10,000 characters, "
        "more than the 1,000 an alias may have",
    ),
}


@pytest.mark.parametrize("budget", sorted(TEN_TIMES_THE_ALIAS_BUDGETS))
def test_aliases_past_their_budget_are_a_located_error(tmp_path: Path, budget: str) -> None:
    people, error = TEN_TIMES_THE_ALIAS_BUDGETS[budget]
    checked = check_project(small_project(tmp_path, people=people))
    assert [str(d) for d in checked.report.sorted()] == [error]


def test_a_yaml_list_of_aliases_given_to_a_thousand_people_is_an_error_not_a_huge_site(tmp_path: Path) -> None:
    """The amplification the review found: one list, written once, on every person page and in dossier.json (a 1 MB
    people.yaml made 1.9 GB). Each person it is given to after the first shares all of it: one error each."""
    people = "- id: ada-lovelace\n  name: Ada Lovelace\n  aliases: &all\n"
    people += "".join(f"    - Alias {n} {'x' * 150}\n" for n in range(MAX_ALIASES_PER_PERSON))
    people += "".join(f"- id: p{n}\n  name: Person {n}\n  aliases: *all\n" for n in range(1_000))
    built = build_project(small_project(tmp_path, people=people))
    assert built.written is None and not (tmp_path / "build").exists()
    assert len(built.report.errors) == 1_000
    assert all(
        f"of 'p{n}' are also aliases of 'ada-lovelace' (content/people.yaml:4:7)" in error.message
        for n, error in enumerate(built.report.errors)
    )


def test_aliases_up_to_their_budget_are_all_found_in_a_megabyte_article(tmp_path: Path) -> None:
    people = people_with_aliases(MAX_ALIASES // MAX_ALIASES_PER_PERSON, MAX_ALIASES_PER_PERSON)
    paragraph = "Nobody in particular said anything about anything, at length and more than once. " * 10
    body = "\n\n".join([paragraph] * 1_250 + ["Alias 99 49 and Alias 0 0 spoke last."])
    assert len(body) > 1_000_000
    built = build_project(small_project(tmp_path, body, people=people))
    assert not built.report.has_errors, built.report.sorted()[:3]
    assert built.checked.index is not None
    mentioned = {person: len(found) for person, found in built.checked.index.mentions.items()}
    assert mentioned == {"p99": 1, "p0": 1}


# --- quotes: occurrences, context, elisions, fuzzy search ---------------------------------------------------------


def notes(*fields: str) -> str:
    """A sidecar of notes, each with these YAML fields (`quote: ...`, one string each)."""
    return "notes:\n" + "".join(
        "  - " + "\n    ".join(written.splitlines()) + "\n    note: A note.\n" for written in fields
    )


def diagnostics(tmp_path: Path, body: str, sidecar: str) -> list[str]:
    return [str(d) for d in check_project(small_project(tmp_path, body, sidecar)).report.sorted()]


def test_a_quote_that_occurs_ten_times_more_often_than_it_may_is_one_short_error(tmp_path: Path) -> None:
    """N = 10,000 in a 400 KB article took 96 s and printed a 0.55 MB message: the context of each occurrence
    was found by splitting all the text before it."""
    body = "the same words again. " * 10 + "\n"
    assert diagnostics(tmp_path, body * MAX_OCCURRENCES, notes("quote: the same words again")) == [
        f'content/engine/article.yaml:2:5: error: the quote "the same words again" occurs more than '
        f"{MAX_OCCURRENCES:,} times (lines 5, 5, 5, …); quote a longer passage"
    ]


def test_an_ambiguous_quote_lists_three_occurrences_however_many_there_are(tmp_path: Path) -> None:
    body = "".join(f"Item {n}: the same words.\n\n" for n in range(MAX_OCCURRENCES))
    assert diagnostics(tmp_path, body, notes("quote: the same words")) == [
        f'content/engine/article.yaml:2:5: error: the quote "the same words" occurs {MAX_OCCURRENCES:,} times '
        f"(lines 5, 7, 9, … and {MAX_OCCURRENCES - 3:,} more); add a prefix or suffix to choose one"
    ]


def test_quotes_that_occur_very_often_spend_the_builds_budget_and_the_rest_are_errors(tmp_path: Path) -> None:
    occurrences = 5_000  # each quote's context picks one of them; ten times the build's budget in all
    body = "".join(f"Part {n}: the same words.\n\n" for n in range(occurrences))
    quotes = 10 * MAX_OCCURRENCES_PER_BUILD // occurrences
    found = diagnostics(tmp_path, body, notes(*(f"quote: the same words\nprefix: 'Part {n}:'" for n in range(quotes))))
    affordable = MAX_OCCURRENCES_PER_BUILD // occurrences
    assert len(found) == quotes - affordable
    assert found[0] == (
        f'content/engine/article.yaml:{2 + 3 * affordable}:5: error: the quote "the same words" was not looked '
        f"for: this build already went through the {MAX_OCCURRENCES_PER_BUILD:,} occurrences of quotes a build "
        "may (quotes that occur very often cost the most); quote longer passages, so that each occurs once"
    )


def test_a_prefix_ten_times_longer_than_is_compared_is_compared_by_its_end(tmp_path: Path) -> None:
    """Only the prefix's last MAX_CONTEXT_CHARACTERS (spaces aside) are compared at each occurrence: what lies
    before them, however long and whatever it says, costs nothing and decides nothing."""
    body = "".join(f"Part {n}: the same words.\n\n" for n in range(1_000))
    before = " ".join(body[: body.index("Part 500: the same words") + len("Part 500:")].split())
    prefix = "unrelated words " * (10 * MAX_CONTEXT_CHARACTERS // 16) + before[-2 * MAX_CONTEXT_CHARACTERS :]
    built = build_project(small_project(tmp_path, body, notes(f"quote: the same words\nprefix: '{prefix}'")))
    assert not built.report.has_errors, built.report.sorted()
    assert built.checked.dossier is not None
    (annotation,) = built.checked.dossier.articles["article"].annotations
    assert annotation.anchor is not None and annotation.anchor.method == "exact"
    assert built.checked.texts["article"].line_of(annotation.anchor.start) == 5 + 2 * 500


def test_a_quote_with_ten_times_the_elisions_it_may_have_is_an_error(tmp_path: Path) -> None:
    quote = " … ".join(["the same words"] * (10 * MAX_ELIDED_PARTS))
    assert diagnostics(tmp_path, "the same words\n", notes(f"quote: {quote}")) == [
        f'content/engine/article.yaml:2:5: error: the quote "{quote[:69]}…" leaves text out in 99 places; a quote '
        f"may leave it out in at most {MAX_ELIDED_PARTS - 1}: quote fewer, longer passages"
    ]


def prose(words: int, seed: int = 19) -> str:
    """Words from a made-up vocabulary, so that every stretch of a few words occurs once."""
    generator = random.Random(seed)
    vocabulary = ["".join(generator.choices(string.ascii_lowercase, k=generator.randint(3, 9))) for _ in range(9_000)]
    return " ".join(generator.choice(vocabulary) for _ in range(words))


def near_misses(text: str, count: int, length: int) -> list[str]:
    """`count` passages of about `length` characters from `text`, every 40th character a Q (no word has one)."""
    quotes = []
    for n in range(count):
        start = text.index(" ", n * len(text) // count) + 1
        passage = text[start : text.rindex(" ", start, start + length)]
        quotes.append("".join("Q" if i % 40 == 20 else char for i, char in enumerate(passage)))
    return quotes


def test_forty_near_miss_quotes_of_three_thousand_characters_in_a_megabyte_article_all_anchor(tmp_path: Path) -> None:
    """The review's input: about 5 s a quote (200 s in all) when a long quote was aligned whole."""
    text = prose(150_000)
    assert len(text) > 1_000_000
    quotes = near_misses(text, 40, 3_000)
    report = check_project(small_project(tmp_path, text + "\n", notes(*(f"quote: {q}" for q in quotes)))).report
    assert not report.errors, report.sorted()[:2]
    assert len(report.warnings) == 40 and all("anchored to the closest text, 9" in w.message for w in report.warnings)


def test_ten_times_a_builds_fuzzy_search_ends_in_seconds_with_errors_for_the_rest(tmp_path: Path) -> None:
    text = prose(150_000)
    per_quote = 50_000_000  # at least, in a megabyte (fuzzy.py): counting a quote's words alone costs 48 a character
    quotes = near_misses(text, 10 * FUZZY_WORK_PER_BUILD // per_quote, 200)
    report = check_project(small_project(tmp_path, text + "\n", notes(*(f"quote: {q}" for q in quotes)))).report
    searched, refused = report.warnings, report.errors
    assert 0 < len(searched) < len(quotes) // 10 and len(searched) + len(refused) == len(quotes)
    assert {error.message.split('" ', 1)[1] for error in refused} == {
        "is not in the article as written, and this build has done all the searching for near-misses a build may "
        "(a few seconds' worth): copy this quote, and the other near-misses, from the articles"
    }


def test_a_near_miss_ten_times_longer_than_fuzzy_search_takes_is_an_error(tmp_path: Path) -> None:
    text = prose(2 * MAX_FUZZY_QUOTE)
    (quote,) = near_misses(text, 1, 10 * MAX_FUZZY_QUOTE)
    assert diagnostics(tmp_path, text + "\n", notes(f"quote: {quote}")) == [
        f'content/engine/article.yaml:2:5: error: the quote "{quote[:69]}…" is not in the article as written, and a '
        f"quote of {len(quote):,} characters is not searched for near-misses (at most {MAX_FUZZY_QUOTE:,}): copy it "
        "from the article"
    ]


# --- The comparison: acronyms spelt out ---------------------------------------------------------------------------


def test_a_megabyte_of_title_case_is_read_for_spelt_out_acronyms_in_one_pass() -> None:
    """A name before an acronym was found by a regex tried at every capital, to the end of the run of capitals:
    quadratic on title-case text (4,000 words took 0.9 s, a megabyte would take hours). Each parenthesis is read
    now, with the few words before it."""
    title_case = "Aa Bb Cc " * 110_000
    assert find_expansions(title_case) == []
    spelt = "Federal Bureau of Investigation (FBI) " * 25_000
    found = find_expansions(title_case + spelt)
    assert len(found) == 25_000
    start, end, _ = found[-1]
    assert (title_case + spelt)[start:end] == "Federal Bureau of Investigation"


# --- The comparison: the pairs it scores ---------------------------------------------------------------------------


def described(text: str, claims: tuple[tuple[int, int, str], ...] = ()) -> DescribedSide:
    return describe_side(Side("a", text, claims=claims))


def test_identical_sentences_propose_a_few_partners_each_not_every_pair() -> None:
    """Two thousand identical lines on each side (a list, a hostile article) proposed every one of the four million
    pairs through their rarest words (8,000 a side: 64 million, and 30 GB of vectors asked for); each now takes
    the NEAREST_PARTNERS nearest to where it stands, and the lines still pair in order."""
    count = 2000
    left = right = described("The bridge closed. " * count)
    candidates = candidate_pairs(left.blocking, right.blocking)
    assert len(candidates) <= 2 * FALLBACK_KEYS * NEAREST_PARTNERS * count
    alignment = compare_sides(left, right, CompareSettings(meaning="off"))
    assert [(pair.left, pair.right) for pair in alignment.pairs] == [(n, n) for n in range(count)]


def test_words_each_in_nearly_as_many_sentences_as_a_key_may_be_propose_a_bounded_number_of_pairs() -> None:
    """Words written so that each is in nearly `blocking_cap` sentences of each side are all informative keys, and
    proposed pairs by the million (4,000 sentences a side: 14 s and 1 GB); rarest first, they propose at most
    PAIRS_PER_SENTENCE a sentence."""
    count, chosen = 2000, random.Random(7)
    words = [f"w{k:03d}x" for k in range(int(2 * count * 10 / blocking_cap(2 * count)) + 1)]

    def article() -> str:
        return " ".join(" ".join(chosen.sample(words, 10)).capitalize() + "." for _ in range(count))

    left, right = described(article()), described(article())
    assert len(candidate_pairs(left.blocking, right.blocking)) <= PAIRS_PER_SENTENCE * 2 * count + 2 * count


def test_a_claim_quoted_in_every_sentence_proposes_a_few_partners_each() -> None:
    """A claim is a key whatever its frequency: one annotated on every sentence of both articles paired each with
    every other."""
    count = 1500
    text = "The bridge closed. " * count
    claims = tuple((n * 19, n * 19 + 18, "closed") for n in range(count))
    left, right = described(text, claims), described(text, claims)
    assert len(candidate_pairs(left.blocking, right.blocking)) <= 2 * NEAREST_PARTNERS * count


def test_a_word_of_a_megabyte_is_encoded_a_piece_at_a_time() -> None:
    """The sentence model's byte-pair encoding takes time quadratic in a word's length: a run of 30,000 letters took
    a minute, a megabyte would take days. A word is encoded 64 characters at a time."""
    word = "x" * 1_000_000
    alignment = compare_sides(Side("a", word), Side("b", word), CompareSettings())
    assert [(pair.left, pair.right) for pair in alignment.pairs] == [(0, 0)]


def test_a_sentence_of_a_hundred_thousand_quotations_is_read_for_its_first_few() -> None:
    """Each quotation of a sentence was compared with each of the other's, and its words looked for among all the
    sentence's (5,000 one-word quotations: 160 s). The first MAX_QUOTATIONS are read."""
    quotations = '"a" ' * 100_000
    (sentence,) = describe_side(Side("a", quotations)).features
    assert len(sentence.quotations) == MAX_QUOTATIONS
    compare_sides(Side("a", quotations), Side("b", quotations), CompareSettings())
