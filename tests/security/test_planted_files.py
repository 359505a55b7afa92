"""Links, FIFOs and folders planted where dossier keeps its own files: the build cache, its manifests, the
lock, the spare site and the last site's files. None is followed, read, waited on or written through."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dossier.pipeline import BuildOptions, build_project
from tests.security.project import build_in_child, small_project, tree_digest

CACHE = ".dossier-cache/build"
PLACES = {
    "dossier.json": "build/data/dossier.json",
    "a page": "build/index.html",
    "last-build.json": f"{CACHE}/last-build.json",
    "last-anchors.json": f"{CACHE}/last-anchors.json",
    "a cache file": f"{CACHE}/page-records.whole.pickle",  # the pages' records: every build reads them
    "the lock": ".build.lock",
    "the cache folder": ".dossier-cache",
    "the spare site": f"{CACHE}/spare-site",
}
KINDS = ("link to a file", "link to /dev/zero", "link to a folder", "dangling link", "FIFO", "folder")
EDITED_BODY = "Ada Lovelace wrote the notes. She added a table.\n"
SECONDS = 20  # a build of this small project takes a fraction of a second


def site_of(folder: Path) -> dict[str, str]:
    """Every entry below `folder`, no link followed: a regular file by its bytes, anything else by its kind."""
    entries = {}
    for root, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(root, name)
            mode = path.lstat().st_mode
            relative = path.relative_to(folder).as_posix()
            entries[relative] = path.read_bytes().hex() if stat.S_ISREG(mode) else stat.filemode(mode)[0]
    return entries


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small project built twice with the cache (an edit between), so that every kept file is there."""
    project = small_project(tmp_path_factory.mktemp("template") / "project")
    assert build_project(project, BuildOptions(use_cache=True, skip_unchanged=True)).written is not None
    small_project(project, body="Ada Lovelace wrote the notes. She was first.\n")
    assert build_project(project, BuildOptions(use_cache=True, skip_unchanged=True)).written is not None
    for place in PLACES.values():
        assert (project / place).exists(), place
    return project


@pytest.fixture(scope="module")
def clean_sites(template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[bool, dict[str, str]]:
    """The site a build without the cache makes, unedited (False) and edited (True)."""
    sites = {}
    for edited in (False, True):
        project = tmp_path_factory.mktemp("clean") / "project"
        shutil.copytree(template / "content", project / "content")
        shutil.copy(template / "dossier.yaml", project)
        if edited:
            small_project(project, body=EDITED_BODY)
        assert build_project(project).written is not None
        sites[edited] = site_of(project / "build")
    return sites


def outside_the_project(root: Path) -> dict[str, Path]:
    """Bait outside the project: a file, a folder holding what a cache holds, and a name that must stay free."""
    outside = root / "outside"
    (outside / "folder" / "build" / "spare-site").mkdir(parents=True)
    (outside / "file").write_bytes(b"not dossier's")
    for name in ("pages-0.pickle", "yaml-a.pickle", "build/pages-0.pickle", "build/last-build.json"):
        (outside / "folder" / name).write_bytes(b"not dossier's either")
    return {"file": outside / "file", "folder": outside / "folder", "missing": outside / "missing"}


def plant(path: Path, kind: str, outside: dict[str, Path]) -> None:
    """Put `kind` where `path` is, replacing what the build left there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    if kind == "link to a file":
        path.symlink_to(outside["file"])
    elif kind == "link to /dev/zero":
        path.symlink_to("/dev/zero")
    elif kind == "link to a folder":
        path.symlink_to(outside["folder"], target_is_directory=True)
    elif kind == "dangling link":
        path.symlink_to(outside["missing"])
    elif kind == "FIFO":
        os.mkfifo(path)
    else:
        path.mkdir()
        (path / "stray").write_bytes(b"a stray file")


def every_single_planting(test: Callable[..., None]) -> Callable[..., None]:
    """Each kind in each place, alone, after an edit (the build then reads every kept file): tried on every run,
    before the drawn examples."""
    for place in PLACES:
        for kind in KINDS:
            test = example(plantings={place: kind}, edited=True)(test)
    return test


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@every_single_planting
@given(
    plantings=st.dictionaries(st.sampled_from(sorted(PLACES)), st.sampled_from(KINDS), min_size=1, max_size=4),
    edited=st.booleans(),
)
def test_planted_links_fifos_and_folders_never_lead_a_build_astray(
    template: Path, clean_sites: dict[bool, dict[str, str]], plantings: dict[str, str], edited: bool
) -> None:
    """The build ends in seconds with the site a build without the cache makes, or, for a lock file that is
    not one, with an error naming it and the previous site untouched; nothing outside the project changes."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        project = root / "project"
        shutil.copytree(template, project, symlinks=True)
        outside = outside_the_project(root)
        if edited:
            small_project(project, body=EDITED_BODY)
        # The deepest first: a folder planted above a place replaces whatever was planted in it.
        for place, kind in sorted(plantings.items(), key=lambda item: -PLACES[item[0]].count("/")):
            plant(project / PLACES[place], kind, outside)
        previous_site = site_of(project / "build") if (project / "build").is_dir() else {}
        before = tree_digest(root, skip=project)

        built = build_in_child(project, timeout=SECONDS * 3)

        assert built.seconds < SECONDS
        if built.exit_code == 2:
            assert "the lock" in plantings
            assert f"{project / '.build.lock'} is not a lock file" in built.stderr
            assert site_of(project / "build") == previous_site
        else:
            assert built.exit_code == 0, built.stderr
            assert site_of(project / "build") == clean_sites[edited]
        assert tree_digest(root, skip=project) == before
        assert not outside["missing"].exists()
