"""Bounded work: each input whose cost grows faster than its size has a budget (SECURITY.md §4), and an input at
ten times the budget ends in seconds with a located error, never a build that runs for minutes.

No test here is timed: each runs the real check on an input that would take minutes (or hours) without its
budget, so a lost budget shows as a test that does not end (CI's timeout), and the suite stays fast.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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
