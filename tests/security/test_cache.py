"""The build cache (`.dossier-cache/` beside the output folder, kept by `dossier build`)."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from dossier.pipeline import BuildOptions, build_project
from tests.conftest import copy_example
from tests.security.project import tree_digest

CACHED = BuildOptions(use_cache=True)


class _RunsCode:
    """Unpickling this runs a command: what a planted cache entry could do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_a_cached_build_writes_nothing_outside_the_output_folder_but_its_cache_and_lock(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    before = tree_digest(tmp_path)
    built = build_project(project, CACHED)
    assert built.written is not None
    changed = {path for path, digest in tree_digest(tmp_path).items() if before.get(path) != digest}
    outside = {p for p in changed if not p.startswith(("project/build/", "project/.dossier-cache/"))}
    assert outside == {"project/build", "project/.build.lock", "project/.dossier-cache"}


def test_a_planted_cache_entry_cannot_run_code(tmp_path: Path) -> None:
    """A .dossier-cache/ that came with the project (a pull request, a shared folder) is content, not code."""
    project = copy_example(tmp_path / "project")
    assert build_project(project, CACHED).written is not None
    entries = sorted((project / ".dossier-cache").rglob("*.pickle"))
    assert entries
    marker = tmp_path / "ran"
    for entry in entries:
        entry.write_bytes(pickle.dumps(_RunsCode(marker)))
    (project / "build" / "index.html").unlink()  # so the next build has pages to make
    build_project(project, CACHED)
    assert not marker.exists()


def test_a_planted_spare_site_with_links_is_not_used(tmp_path: Path) -> None:
    """The spare site (.dossier-cache/<output>/spare-site) is staged into; one holding a symbolic link could
    send writes elsewhere, so it is thrown away, and nothing outside the project changes."""
    project = copy_example(tmp_path / "project")
    assert build_project(project, CACHED).written is not None
    outside = tmp_path / "outside"
    outside.mkdir()
    spare = project / ".dossier-cache" / "build" / "spare-site"
    spare.mkdir(parents=True, exist_ok=True)
    (spare / "stories").symlink_to(outside, target_is_directory=True)
    (spare / "index.html").symlink_to(tmp_path / "outside-file")
    (project / "content" / "flynn-kislyak" / "the-week.md").open("a", encoding="utf-8").write("\nA new line.\n")
    built = build_project(project, CACHED)
    assert built.written is not None and built.written.written
    assert list(outside.iterdir()) == [] and not (tmp_path / "outside-file").exists()
    assert not (project / "build" / "stories").is_symlink()
    assert (project / "build" / "stories" / "flynn-kislyak" / "the-week" / "index.html").is_file()
