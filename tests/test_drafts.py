"""Drafts: left out of `dossier build` with everything they carry, shown (and marked) with --drafts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from dossier import urls
from dossier.cli import main
from dossier.pipeline import BuildOptions, build_project
from tests.conftest import TESTS

DRAFT_STORY = """title: An unfinished story
draft: true
claims:
  - id: unpublished-claim
    claim: Babbage finished the engine.
    claimant: gazette
    verdict: "false"
"""
DRAFT_ARTICLE = """---
title: A draft article
outlet: gazette
---

Babbage never finished the engine.
"""
DRAFT_NOTES = """claims:
  - claim: unpublished-claim
    quote: Babbage never finished the engine.
"""


def make_site(tmp_path: Path) -> Path:
    project = tmp_path / "site"
    shutil.copytree(TESTS / "sites" / "inline", project)
    story = project / "content" / "unfinished"
    story.mkdir()
    (story / "story.yaml").write_text(DRAFT_STORY, encoding="utf-8")
    (story / "sketch.md").write_text(DRAFT_ARTICLE, encoding="utf-8")
    (story / "sketch.yaml").write_text(DRAFT_NOTES, encoding="utf-8")
    article = project / "content" / "story" / "later.md"
    article.write_text(DRAFT_ARTICLE.replace("title:", "draft: true\ntitle:"), encoding="utf-8")
    return project


def test_a_build_leaves_draft_stories_their_claims_and_draft_articles_out(tmp_path: Path) -> None:
    built = build_project(make_site(tmp_path), BuildOptions(output_dir=tmp_path / "out"))
    assert not built.report.has_errors, [str(d) for d in built.report.sorted()]
    out = tmp_path / "out"
    assert not (out / urls.story_path("unfinished")).exists()
    assert not (out / urls.claim_path("unpublished-claim")).exists()
    assert not (out / urls.article_path("story", "later")).exists()
    everything = " ".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert "unpublished-claim" not in everything and "A draft article" not in everything


def test_with_drafts_they_are_built_and_marked(tmp_path: Path) -> None:
    built = build_project(make_site(tmp_path), BuildOptions(include_drafts=True, output_dir=tmp_path / "out"))
    assert not built.report.has_errors
    page = tmp_path / "out" / urls.article_path("story", "later")
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    badge = soup.select_one("h1 .badge-draft")
    assert badge is not None and badge.get_text() == "Draft"
    assert (tmp_path / "out" / urls.claim_path("unpublished-claim")).exists()


def test_check_checks_drafts_and_says_which_problems_are_in_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An error in a draft is an error, as serve shows it (issue 18: check used to pass over it in silence);
    every problem in a draft's files says so, and --no-drafts checks only what build publishes."""
    project = make_site(tmp_path)
    sidecar = project / "content" / "unfinished" / "sketch.yaml"
    sidecar.write_text(DRAFT_NOTES.replace("Babbage never", "Lovelace never"), encoding="utf-8")
    assert main(["check", "-C", str(project)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        'content/unfinished/sketch.yaml:2:5: error: in a draft: the quote "Lovelace never finished the engine." is '
        'not in the article; the closest passage (line 6, 84% alike) reads: "Babbage never finished the engine."',
        "1 error, 0 warnings",
    ]
    assert main(["check", "--no-drafts", "-C", str(project)]) == 0
    (project / "content" / "story" / "later.md").write_text(
        DRAFT_ARTICLE.replace("title:", "draft: true\ntitle:").replace("outlet: gazette", "outlet: gazete"),
        encoding="utf-8",
    )
    assert main(["check", "--no-drafts", "-C", str(project)]) == 1  # a draft's ids are checked all the same
    assert "content/story/later.md:4:9: error: in a draft: unknown outlet 'gazete'" in capsys.readouterr().err
