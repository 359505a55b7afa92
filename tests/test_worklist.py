"""`dossier status`: what is left to do, story by story, what to do first at the top."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dossier.cli import main
from dossier.pipeline import BuildOptions, build_project
from tests.security.project import STORY, small_project
from tests.test_placeholders import PASTE, SUMMARY


def status(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["status", *argv])
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


@pytest.fixture
def dossier_with_a_new_story(tmp_path: Path) -> Path:
    """The sample dossier, and a story just begun with `dossier new`: an article, a claim, a person."""
    project = tmp_path / "site"
    c = ("-C", str(project), "-q")
    assert main(["init", str(project), "-q"]) == 0
    assert main(["new", "story", "budget", *c]) == 0
    assert main(["new", "article", "budget", "gazette", "--outlet", "eastmoor-herald", "--title", "Budget", *c]) == 0
    assert main(["new", "claim", "budget", "balanced", "--claimant", "ana-ruiz", *c]) == 0
    assert main(["new", "person", "sam-lee", "Sam Lee", *c]) == 0
    return project


def test_the_worklist_goes_story_by_story_what_to_do_first_at_the_top(
    dossier_with_a_new_story: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = status(["-C", str(dossier_with_a_new_story)], capsys)
    new = "that `dossier new` wrote"
    assert code == 0
    assert out.splitlines() == [
        "budget: Budget (draft)",
        "  content/budget/gazette.md:11:1: warning: in a draft: the article's text still holds the placeholder "
        f'"{PASTE}" {new}; paste the article\'s text in its place',
        f"  content/budget/story.yaml:4:10: warning: in a draft: 'summary' still holds the placeholder \"{SUMMARY}\" "
        f"{new}; "
        "write your own text in its place",
        "  content/budget/story.yaml:12:12: warning: in a draft: 'claim' still holds the placeholder "
        f'"The claim, in one sentence." {new}; write your own text in its place',
        "  content/budget/gazette.md:1:1: to annotate: article 'gazette' has no annotations yet",
        "  content/budget/story.yaml:11:5: to annotate: claim 'balanced' appears in no article: annotate where an "
        "article reports it",
        "  content/budget/story.yaml:11:5: to verify: claim 'balanced' is still unverified: decide its verdict",
        "  content/budget/story.yaml:1:1: draft: story 'budget' is a draft: delete its `draft: true` line to "
        "publish it",
        "harbour-bridge: The Harbour Bridge closure",
        "  content/harbour-bridge/story.yaml:20:5: to verify: claim 'repairs-cost-four-million' is still "
        "unverified: decide its verdict",
        "the whole site",
        "  content/people.yaml:19:3: unused: person 'sam-lee' is never used: no article names them, no claim or "
        "source refers to them",
        "  content/sources.yaml:9:3: unused: source 'eastmoor-council' is never used: no article, claim or source "
        "refers to it",
        "10 to do: 3 warnings, 2 to annotate, 2 to verify, 1 draft, 2 unused",
    ]


def test_the_worklist_as_json(dossier_with_a_new_story: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = status(["-C", str(dossier_with_a_new_story), "--format", "json"], capsys)
    worklist = json.loads(out)
    assert code == 0 and set(worklist) == {"version", "stories", "tasks"} and worklist["version"] == 1
    assert worklist["stories"] == [
        {"story": "budget", "title": "Budget", "draft": True},
        {"story": "harbour-bridge", "title": "The Harbour Bridge closure", "draft": False},
    ]
    assert [(t["kind"], t["story"], t["location"]) for t in worklist["tasks"]] == [
        ("warning", "budget", "content/budget/gazette.md:11:1"),
        ("warning", "budget", "content/budget/story.yaml:4:10"),
        ("warning", "budget", "content/budget/story.yaml:12:12"),
        ("article-without-annotations", "budget", "content/budget/gazette.md:1:1"),
        ("claim-in-no-article", "budget", "content/budget/story.yaml:11:5"),
        ("unverified-claim", "budget", "content/budget/story.yaml:11:5"),
        ("draft", "budget", "content/budget/story.yaml:1:1"),
        ("unverified-claim", "harbour-bridge", "content/harbour-bridge/story.yaml:20:5"),
        ("unused-person", None, "content/people.yaml:19:3"),
        ("unused-source", None, "content/sources.yaml:9:3"),
    ]
    assert worklist["tasks"][5] == {
        "kind": "unverified-claim",
        "story": "budget",
        "path": "content/budget/story.yaml",
        "line": 11,
        "column": 5,
        "location": "content/budget/story.yaml:11:5",
        "message": "claim 'balanced' is still unverified: decide its verdict",
    }


def test_errors_then_moved_and_rough_anchors_come_first_and_an_error_fails_the_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A story with an error goes first; an annotation whose words changed since the last build is pointed
    out (against that build, as `check` does), with the rough anchor it now has."""
    sidecar = "claims:\n  - claim: first-program\n    quote: Lovelace wrote the notes\n"
    project = small_project(tmp_path / "site", "Ada Lovelace wrote the notes in 1843.\n", sidecar)
    assert build_project(project, BuildOptions(search=False)).written is not None
    article = project / "content" / "engine" / "article.md"
    article.write_text(article.read_text(encoding="utf-8").replace("wrote the", "wrote these"), encoding="utf-8")
    code, out = status(["-C", str(project)], capsys)
    assert code == 0
    assert out.splitlines() == [
        "engine: The Engine",
        "  content/engine/article.yaml:2:5: warning: the article changed since the last build and this annotation "
        'moved: it was on "Lovelace wrote the notes", it is now on "Lovelace wrote these notes" (fuzzy, 96%); '
        "check it still says what you meant",
        '  content/engine/article.yaml:2:5: warning: the quote "Lovelace wrote the notes" is not in the article as '
        'written; anchored to the closest text, 96% alike: "Lovelace wrote these notes" (line 5). Copy the text '
        "from the article to silence this",
        "2 to do: 2 warnings",
    ]
    story = project / "content" / "engine" / "story.yaml"
    story.write_text(STORY.replace("claimant: gazette", "claimant: gazete"), encoding="utf-8")
    code, out = status(["-C", str(project)], capsys)
    assert code == 1
    assert out.splitlines()[:2] == [
        "engine: The Engine",
        "  content/engine/story.yaml:5:15: error: unknown claimant 'gazete'; did you mean 'gazette'?",
    ]


def test_a_dossier_with_nothing_left_to_do_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sidecar = "claims:\n  - claim: first-program\n    quote: Lovelace wrote the notes\n"
    project = small_project(tmp_path, sidecar=sidecar)
    assert status(["-C", str(project)], capsys) == (
        0,
        "nothing to do: no error or warning, every article and claim annotated, every claim verified, no draft, "
        "nothing unused\n",
    )
