"""Bounded work: each input whose cost grows faster than its size has a budget (SECURITY.md §4), and an input at
ten times the budget ends in seconds with a located error, never a build that runs for minutes.

No test here is timed: each runs the real check on an input that would take minutes (or hours) without its
budget, so a lost budget shows as a test that does not end (CI's timeout), and the suite stays fast.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier.aliases import MAX_ALIAS_CHARACTERS, MAX_ALIASES, MAX_ALIASES_PER_PERSON
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
