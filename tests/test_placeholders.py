"""What `dossier new` leaves for the editor to write is a warning wherever a build would publish it."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier.cli import main
from dossier.pipeline import BuildOptions, check_project
from dossier.placeholders import CLAIM, HEADLINE, SENTENCES, WHOLE_VALUES
from dossier.scaffold import scaffold_dir
from tests.security.project import PEOPLE, STORY, small_project

PASTE = "Paste the article's text here, as published, paragraph by paragraph."
SUMMARY = "What happened, in a few sentences of Markdown."


def warnings(project: Path, include_drafts: bool = False) -> list[str]:
    checked = check_project(project, BuildOptions(include_drafts=include_drafts))
    assert not checked.report.errors, "\n".join(map(str, checked.report.sorted()))
    return [str(warning) for warning in checked.report.sorted()]


def left(location: str, what: str, placeholder: str, fix: str = "write your own text", draft: bool = False) -> str:
    """The warning for a placeholder left at `location` (in a draft's files, it says so)."""
    said = f'{what} still holds the placeholder "{placeholder}" that `dossier new` wrote'
    return f"{location}: warning: {'in a draft: ' * draft}{said}; {fix} in its place"


def test_every_placeholder_is_a_text_of_the_skeletons() -> None:
    """The list stays in step with themes/default/scaffold/new/ (the headline and the claim are filled in by
    dossier/scaffold.py from the list itself)."""
    skeletons = " ".join(" ".join(p.read_text(encoding="utf-8").split()) for p in (scaffold_dir() / "new").iterdir())
    for placeholder in (*SENTENCES, *WHOLE_VALUES):
        assert placeholder in skeletons or placeholder in (HEADLINE, CLAIM), placeholder


def test_what_new_leaves_is_a_warning_and_strict_fails_until_it_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "site"
    c = ("-C", str(project), "-q")
    assert main(["init", str(project), "-q"]) == 0
    assert main(["new", "story", "budget", *c]) == 0
    assert main(["new", "article", "budget", "gazette", "--outlet", "eastmoor-herald", *c]) == 0
    assert main(["new", "claim", "budget", "balanced", "--claimant", "ana-ruiz", *c]) == 0
    assert warnings(project) == [], "a new story is a draft: not published, not checked"
    assert warnings(project, include_drafts=True) == [
        left("content/budget/gazette.md:2:8", "'title'", HEADLINE, draft=True),
        left("content/budget/gazette.md:11:1", "the article's text", PASTE, "paste the article's text", draft=True),
        left("content/budget/story.yaml:4:10", "'summary'", SUMMARY, draft=True),
        left("content/budget/story.yaml:12:12", "'claim'", CLAIM, draft=True),
    ]
    assert main(["check", "--drafts", "--strict", *c]) == 1
    for name, placeholder, text in (
        ("gazette.md", HEADLINE, "Budget passes"),
        ("gazette.md", PASTE, "The council passed the budget."),
        ("story.yaml", SUMMARY, "The council passed a budget."),
        ("story.yaml", CLAIM, "The budget is balanced."),
    ):
        path = project / "content" / "budget" / name
        path.write_text(path.read_text(encoding="utf-8").replace(placeholder, text), encoding="utf-8")
    assert warnings(project, include_drafts=True) == []
    assert main(["check", "--drafts", "--strict", *c]) == 0


def test_sentences_are_found_however_wrapped_and_short_hints_only_as_whole_values(tmp_path: Path) -> None:
    people = PEOPLE + (
        "  description: Who they are,\n    in Markdown.\n"
        "  roles:\n    - title: Their position\n"
        "- id: ben\n  name: Ben\n  description: Their position on the bridge changed.\n"
    )
    story = STORY.replace("title: The Engine\n", f"title: The Engine\nsummary: >-\n  Engines.\n\n  {SUMMARY}\n")
    sidecar = "notes:\n  - quote: Ada Lovelace\n    note: Why.\n  - quote: the notes\n    note: Why not.\n"
    project = small_project(tmp_path, sidecar=sidecar, people=people, story=story)
    assert warnings(project) == [
        left("content/engine/article.yaml:3:11", "'note'", "Why."),
        left("content/engine/story.yaml:2:10", "'summary'", SUMMARY),
        left("content/people.yaml:4:16", "'description'", "Who they are, in Markdown."),
        left("content/people.yaml:7:14", "'title'", "Their position"),
    ]


def test_a_drafts_placeholders_are_warnings_only_when_drafts_are_checked(tmp_path: Path) -> None:
    story = STORY.replace("title: The Engine\n", f"title: The Engine\ndraft: true\nsummary: {SUMMARY}\n")
    project = small_project(tmp_path, story=story)
    assert warnings(project) == []
    assert warnings(project, include_drafts=True) == [
        left("content/engine/story.yaml:3:10", "'summary'", SUMMARY, draft=True)
    ]
