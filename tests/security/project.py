"""A small dossier written into a temporary folder: one story, one article, whatever the test gives it."""

from __future__ import annotations

import hashlib
from pathlib import Path

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
