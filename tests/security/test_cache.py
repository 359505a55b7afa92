"""The build cache (`.dossier-cache/` beside the output folder, kept by `dossier build`)."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from dossier.pipeline import build_project
from tests.conftest import copy_example
from tests.security.project import tree_digest


class _RunsCode:
    """Unpickling this runs a command: what a planted cache entry could do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_a_cached_build_writes_nothing_outside_the_output_folder_but_its_cache_and_lock(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    before = tree_digest(tmp_path)
    built = build_project(project, cache=True)
    assert built.written is not None
    changed = {path for path, digest in tree_digest(tmp_path).items() if before.get(path) != digest}
    outside = {p for p in changed if not p.startswith(("project/build/", "project/.dossier-cache/"))}
    assert outside == {"project/build", "project/.build.lock", "project/.dossier-cache"}


def test_a_planted_cache_entry_cannot_run_code(tmp_path: Path) -> None:
    """A .dossier-cache/ that came with the project (a pull request, a shared folder) is content, not code."""
    project = copy_example(tmp_path / "project")
    assert build_project(project, cache=True).written is not None
    entries = sorted((project / ".dossier-cache").rglob("*.pickle"))
    assert entries
    marker = tmp_path / "ran"
    for entry in entries:
        entry.write_bytes(pickle.dumps(_RunsCode(marker)))
    (project / "build" / "index.html").unlink()  # so the next build has pages to make
    build_project(project, cache=True)
    assert not marker.exists()
