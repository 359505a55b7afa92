"""The build cache (`.dossier-cache/` beside the output folder, kept by `dossier build`)."""

from __future__ import annotations

import importlib.metadata
import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dossier.cache import OUTPUT_LIBRARIES, version_key
from dossier.cli import main
from dossier.pipeline import BuildOptions, build_project
from tests.conftest import REPO, copy_example
from tests.security.project import ARTICLE_PAGE, build_in_child, small_project, tree_digest
from tests.test_last_build import site_files

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


# --- the cache's own files are regular files in a folder of its own ----------------------------------------


def _built_twice(project: Path) -> Path:
    """`project` built, edited and built again with the cache, so that every kept file is there; its cache."""
    assert build_project(project, BuildOptions(use_cache=True, skip_unchanged=True)).written is not None
    small_project(project, body="Ada Lovelace wrote the notes. She was first.\n")
    assert build_project(project, BuildOptions(use_cache=True, skip_unchanged=True)).written is not None
    return project / ".dossier-cache" / "build"


@pytest.mark.parametrize("special", ["FIFO", "link to /dev/zero"])
@pytest.mark.parametrize(
    "place",
    ["build/data/dossier.json", "last-build.json", "last-anchors.json", "page-records.whole.pickle", "yaml-*.pickle"],
)
def test_a_fifo_or_dev_zero_in_place_of_a_file_of_the_cache_is_never_read(
    tmp_path: Path, place: str, special: str
) -> None:
    """Each is read by the next build; a FIFO would block it forever, /dev/zero would fill the memory."""
    project = small_project(tmp_path / "project")
    cache = _built_twice(project)
    path = project / place if place.startswith("build/") else sorted(cache.glob(place))[0]  # yaml-*: by key
    path.unlink()
    if special == "FIFO":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    small_project(project, body="Ada Lovelace wrote the notes. She was first, and said so.\n")
    built = build_in_child(project, timeout=60)
    assert built.exit_code == 0, built.stderr
    assert built.seconds < 20
    page = (project / "build" / ARTICLE_PAGE).read_text(encoding="utf-8")
    assert "and said so." in page


def test_a_cache_folder_linked_elsewhere_is_neither_written_nor_emptied(tmp_path: Path) -> None:
    """A `.dossier-cache` that is a link to another folder: the build warns and runs without the cache; the
    other folder keeps what it had (pickles a build would prune included) and gets nothing."""
    project = small_project(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "build").mkdir(parents=True)
    for name in ("build/page-records.whole.pickle", "build/yaml-0.pickle", "build/last-build.json", "notes-1.pickle"):
        (elsewhere / name).write_bytes(b"someone else's")
    (project / ".dossier-cache").symlink_to(elsewhere, target_is_directory=True)
    before = tree_digest(elsewhere)
    for body in ("Ada Lovelace wrote the notes.\n", "Ada Lovelace wrote the notes. Twice.\n"):
        small_project(project, body=body)
        built = build_in_child(project)
        assert built.exit_code == 0, built.stderr
        assert f"{project / '.dossier-cache'} is a symbolic link: the build cache is not used" in built.stderr
    assert "Twice." in (project / "build" / ARTICLE_PAGE).read_text(encoding="utf-8")
    assert tree_digest(elsewhere) == before


def test_an_edit_inside_a_linked_story_folder_is_built(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Load follows a story folder linked to elsewhere inside the project; the no-change check must too, or an
    edit there (a correction) never reaches the site."""
    project = small_project(tmp_path / "project")
    kept = project / "stories" / "engine"
    kept.parent.mkdir()
    (project / "content" / "engine").rename(kept)
    (project / "content" / "engine").symlink_to(Path("..") / "stories" / "engine", target_is_directory=True)
    assert main(["build", "-C", str(project), "--no-search"]) == 0
    capsys.readouterr()
    article = kept / "article.md"
    article.write_text(article.read_text(encoding="utf-8") + "A correction.\n", encoding="utf-8")
    assert main(["build", "-C", str(project), "--no-search"]) == 0
    assert "(0 written," not in capsys.readouterr().out
    assert "A correction." in (project / "build" / ARTICLE_PAGE).read_text(encoding="utf-8")


# --- what made the cached values: the libraries and Python too -------------------------------------------

# A newer markdown-it-py, as far as the build can tell: the installed version it reports and what it writes.
UPGRADED_BUILD = """
import sys
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML

RendererHTML.text = lambda self, tokens, index, options, env: escapeHtml(tokens[index].content.upper())
from dossier.cli import main

sys.exit(main(["build", "-C", sys.argv[1], "--no-search"]))
"""


def _upgraded_build(project: Path, upgrade: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(upgrade), str(REPO)])}
    command = [sys.executable, "-c", UPGRADED_BUILD, str(project)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr


def test_a_library_upgrade_is_not_hidden_by_the_cache(tmp_path: Path) -> None:
    """After an upgrade of a library that shapes the output, the cached site and pages are not reused: the
    site is the one a clean build with the new library makes."""
    project = copy_example(tmp_path / "project")
    assert main(["build", "-C", str(project), "--no-search", "-q"]) == 0
    old_site = site_files(project / "build")
    upgrade = tmp_path / "upgrade" / "markdown_it_py-99.0.dist-info"
    upgrade.mkdir(parents=True)
    (upgrade / "METADATA").write_text("Metadata-Version: 2.1\nName: markdown-it-py\nVersion: 99.0\n", "utf-8")
    _upgraded_build(project, upgrade.parent)
    clean = copy_example(tmp_path / "clean")
    _upgraded_build(clean, upgrade.parent)
    assert site_files(project / "build") == site_files(clean / "build") != old_site


def test_every_library_the_build_imports_keys_the_cache() -> None:
    """The distributions a build loads code from are in cache.OUTPUT_LIBRARIES (or are said here to shape
    nothing cached), and so is what each of those requires; Python's version is in the key too."""
    probe = """
import importlib.metadata, json, sys, tempfile, shutil
from pathlib import Path
from dossier.cli import main
project = Path(tempfile.mkdtemp()) / "project"
shutil.copytree("content", project / "content")
shutil.copy("dossier.yaml", project / "dossier.yaml")
assert main(["build", "-C", str(project), "-q"]) == 0
shutil.rmtree(project.parent)
by_module = importlib.metadata.packages_distributions()
print(json.dumps(sorted({d for m in list(sys.modules) for d in by_module.get(m.partition(".")[0], [])})))
"""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    shaping_nothing_cached = {
        "dossier-ssg": "dossier itself: its version and code are in the key",
        "setuptools": "a .pth hook that runs before dossier",
        "pagefind": "runs the search index binary, remade whenever the site changes",
        "pagefind-bin": "the binary, whose size and time the no-change check reads",
    }
    keyed = {_normalised(name) for name in OUTPUT_LIBRARIES}
    loaded = {_normalised(name) for name in json.loads(done.stdout)}
    assert loaded - keyed - set(shaping_nothing_cached) == set()
    required = {
        _normalised(re.split(r"[ ;<>=!~\[(]", requirement, maxsplit=1)[0])
        for name in OUTPUT_LIBRARIES
        for requirement in importlib.metadata.requires(name) or []
        if "extra ==" not in requirement
    }
    assert required - keyed == set()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "version", "3.99.0 (another)")
        assert version_key.__wrapped__() != version_key()  # the key taken afresh, not this process's


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
