"""A small dossier written into a temporary folder: one story, one article, whatever the test gives it."""

from __future__ import annotations

import hashlib
import multiprocessing
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from dossier import urls

PEOPLE = """\
- id: ada-lovelace
  name: Ada Lovelace
  aliases: [Lovelace]
"""
SOURCES = """\
- id: gazette
  name: The Gazette
  kind: outlet
"""
STORY = """\
title: The Engine
claims:
  - id: first-program
    claim: Lovelace wrote the first published program.
    claimant: gazette
    verdict: mostly-true
"""
FRONT = "---\ntitle: The Analytical Engine\noutlet: gazette\n---\n"
ARTICLE_PAGE = urls.article_path("engine", "article")


def small_project(
    root: Path,
    body: str = "Ada Lovelace wrote the notes.\n",
    sidecar: str | None = None,
    *,
    config: str = "",
    people: str = PEOPLE,
    sources: str = SOURCES,
    story: str = STORY,
    front: str = FRONT,
) -> Path:
    """Write the project into `root` (made if missing) and return it. `config` is appended to dossier.yaml."""
    content = root / "content"
    story_dir = content / "engine"
    story_dir.mkdir(parents=True, exist_ok=True)
    (root / "dossier.yaml").write_text(f"title: Small\nsearch: false\n{config}", encoding="utf-8")
    (content / "people.yaml").write_text(people, encoding="utf-8")
    (content / "sources.yaml").write_text(sources, encoding="utf-8")
    (story_dir / "story.yaml").write_text(story, encoding="utf-8")
    (story_dir / "article.md").write_text(front + body, encoding="utf-8")
    if sidecar is not None:
        (story_dir / "article.yaml").write_text(sidecar, encoding="utf-8")
    return root


def tree_digest(root: Path, skip: Path | None = None) -> dict[str, str]:
    """Every file and link under `root` (except under `skip`) with a digest of its bytes or its target."""
    digests: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        key = path.relative_to(root).as_posix()
        if path.is_symlink():
            digests[key] = "link:" + str(path.readlink())
        elif path.is_file():
            digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            digests[key] = "folder"
    return digests


@dataclass(frozen=True)
class ChildBuild:
    exit_code: int
    stdout: str
    stderr: str
    seconds: float


def build_in_child(project: Path, *arguments: str, timeout: float = 30.0) -> ChildBuild:
    """`dossier build -C project --no-search *arguments`, run in a forked child (every module already imported,
    so it starts at once) with its output captured. A child still running after `timeout` seconds is killed
    and the test fails: a build that waits forever on a FIFO must fail CI, not hang it."""
    from dossier.cli import main

    with tempfile.TemporaryDirectory() as captured:
        out, err = Path(captured, "stdout"), Path(captured, "stderr")

        def run() -> None:
            with out.open("w", encoding="utf-8") as sys.stdout, err.open("w", encoding="utf-8") as sys.stderr:
                code = main(["build", "-C", str(project), "--no-search", *arguments])
            sys.exit(code)

        child = multiprocessing.get_context("fork").Process(target=run)
        started = time.monotonic()
        child.start()
        child.join(timeout)
        seconds = time.monotonic() - started
        if child.is_alive():
            child.kill()
            child.join()
            pytest.fail(f"dossier build still running after {timeout:.0f} s: it waits on something")
        return ChildBuild(child.exitcode or 0, out.read_text("utf-8"), err.read_text("utf-8"), seconds)
