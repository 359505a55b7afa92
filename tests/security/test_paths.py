"""Paths: bad ids refused where they stand, links out of the project not followed, the output folder checked,
and nothing written or deleted outside the output folder."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dossier.pipeline import BuildOptions, build_project, check_project
from tests.conftest import REPO, copy_example
from tests.security.project import PEOPLE, STORY, build_in_child, small_project, tree_digest

STORY_DIR = "content/engine"

# --- ids --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_id",
    ["../etc", "../../etc/passwd", "/etc/passwd", "a/b", "a\\\\b", "C:\\\\x", ".", "..", "~root", "a..b",
     "Flynn", "flynn_", "-flynn", "flynn-", "a--b", "сергей", "fl\u0131nn", "a b", "a%2fb", "a\u200bb",
     "x" * 81, "'"],
)  # fmt: skip
def test_bad_ids_are_refused_where_they_stand(tmp_path: Path, bad_id: str) -> None:
    people = PEOPLE + f'- id: "{bad_id}"\n  name: Somebody\n'
    checked = check_project(small_project(tmp_path, people=people))
    assert checked.config is not None
    expected = bad_id.replace("\\\\", "\\")
    refusals = [str(d) for d in checked.report.errors if f"'{expected}' is not a valid id" in d.message]
    assert refusals and refusals[0].startswith("content/people.yaml:4:7: error:"), checked.report.sorted()


@pytest.mark.parametrize("reserved", ["con", "nul", "aux", "prn", "com1", "lpt9"])
def test_names_windows_reserves_are_refused_as_ids(tmp_path: Path, reserved: str) -> None:
    story = STORY.replace("id: first-program", f"id: {reserved}")
    checked = check_project(small_project(tmp_path, story=story))
    assert [str(d) for d in checked.report.errors] == [
        f"{STORY_DIR}/story.yaml:3:9: error: '{reserved}' is a reserved file name on Windows; choose another id"
    ]


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("The Week.md", "'The Week' is not a valid id (lowercase letters, digits, single hyphens); use 'the-week'"),
        ("con.md", "'con' is a reserved file name on Windows; choose another id"),
        ("a..b.md", "'a..b' is not a valid id (lowercase letters, digits, single hyphens); use 'a-b'"),
        ("über.md", "'über' is not a valid id (lowercase letters, digits, single hyphens); use 'uber'"),
    ],
)
def test_article_file_names_are_ids_too(tmp_path: Path, name: str, error: str) -> None:
    project = small_project(tmp_path)
    (project / STORY_DIR / "article.md").rename(project / STORY_DIR / name)
    checked = check_project(project)
    assert [str(d) for d in checked.report.errors] == [f"{STORY_DIR}/{name}:1:1: error: {error}"]


def test_story_folder_names_are_ids_too(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    (project / STORY_DIR).rename(project / "content" / "Bad Story")
    checked = check_project(project)
    assert [str(d) for d in checked.report.errors] == [
        "content/Bad Story/story.yaml:1:1: error: 'Bad Story' is not a valid id "
        "(lowercase letters, digits, single hyphens); use 'bad-story'"
    ]


def test_annotation_ids_are_checked(tmp_path: Path) -> None:
    sidecar = "notes:\n  - id: ../../x\n    quote: wrote the notes\n    note: A note.\n"
    checked = check_project(small_project(tmp_path, sidecar=sidecar))
    assert [str(d) for d in checked.report.errors] == [
        f"{STORY_DIR}/article.yaml:2:9: error: '../../x' is not a valid id (lowercase letters, digits, "
        "single hyphens); use 'x'"
    ]


# --- symbolic links -----------------------------------------------------------------------------------------


def elsewhere(tmp_path: Path) -> Path:
    """A folder outside the project, holding a complete story."""
    outside = tmp_path / "elsewhere"
    (outside / "secret").mkdir(parents=True)
    (outside / "secret" / "story.yaml").write_text("title: SECRET STORY\n", encoding="utf-8")
    front = "---\ntitle: SECRET ARTICLE\noutlet: gazette\n---\n"
    (outside / "secret" / "leak.md").write_text(front + "SECRET TEXT\n", encoding="utf-8")
    (outside / "people.yaml").write_text(PEOPLE, encoding="utf-8")
    return outside


def test_a_story_folder_linked_to_outside_the_project_is_not_read(tmp_path: Path) -> None:
    project = small_project(tmp_path / "project")
    os.symlink(elsewhere(tmp_path) / "secret", project / "content" / "secret")
    built = build_project(project)
    errors = sorted(str(d) for d in built.report.errors)
    assert errors == [
        "content/secret/leak.md:1:1: error: this file is a link to outside the project; it is not read",
        "content/secret/story.yaml:1:1: error: this file is a link to outside the project; it is not read",
    ]
    assert built.written is None and not (project / "build").exists()


def test_an_article_linked_to_a_system_file_is_not_read(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    os.symlink("/etc/hostname", project / STORY_DIR / "hostname.md")
    os.symlink("/etc/passwd", project / STORY_DIR / "article.yaml")
    checked = check_project(project)
    assert sorted(str(d) for d in checked.report.errors) == [
        f"{STORY_DIR}/article.yaml:1:1: error: this file is a link to outside the project; it is not read",
        f"{STORY_DIR}/hostname.md:1:1: error: this file is a link to outside the project; it is not read",
    ]


def test_a_registry_linked_to_outside_the_project_is_not_read(tmp_path: Path) -> None:
    project = small_project(tmp_path / "project")
    (project / "content" / "people.yaml").unlink()
    os.symlink(elsewhere(tmp_path) / "people.yaml", project / "content" / "people.yaml")
    checked = check_project(project)
    assert "content/people.yaml:1:1: error: this file is a link to outside the project; it is not read" in [
        str(d) for d in checked.report.errors
    ]


def test_links_that_stay_inside_the_project_are_followed(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    shared = project / "shared"
    shared.mkdir()
    (project / "content" / "sources.yaml").rename(shared / "sources.yaml")
    os.symlink(Path("..") / "shared" / "sources.yaml", project / "content" / "sources.yaml")
    built = build_project(project)
    assert not built.report.has_errors, built.report.sorted()


@pytest.mark.parametrize("content_dir", ["../elsewhere", "/tmp", "content/../../elsewhere"])
def test_a_content_folder_outside_the_project_is_refused(tmp_path: Path, content_dir: str) -> None:
    project = small_project(tmp_path / "project", config=f"content_dir: {content_dir}\n")
    elsewhere(tmp_path)
    checked = check_project(project)
    assert any(
        d.location.path == "dossier.yaml" and "is outside the project folder" in d.message
        for d in checked.report.errors
    ), checked.report.sorted()
    assert not any("SECRET" in str(d) for d in checked.report.diagnostics)


# --- the output folder ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output_dir", "problem"),
    [
        (".", "is the project folder or contains it"),
        ("''", "is the project folder or contains it"),
        ("..", "is the project folder or contains it"),
        ("../..", "is the project folder or contains it"),
        ("/", "is the project folder or contains it"),
        ("content/..", "is the project folder or contains it"),
        ("{project}", "is the project folder or contains it"),
        ("content", "overlaps the content folder"),
        ("content/build", "overlaps the content folder"),
        ("./content/../content/", "overlaps the content folder"),
        ("{project}/content", "overlaps the content folder"),
        ("themes", "would replace the project's themes"),
        ("themes/default", "would replace the project's themes"),
        ("static", "would replace the project's static"),
        ("static/site", "would replace the project's static"),
        ("dossier.yaml", "would replace the project's dossier.yaml"),
        ("notes.txt", "is a file, not a folder"),
        ("docs", "holds files that dossier did not build"),
        (".git", "holds files that dossier did not build"),
        ("../someone-elses", "holds files that dossier did not build"),
        ("linked-build", "is a symbolic link"),
    ],
)
def test_an_output_folder_that_would_replace_something_else_is_refused(
    tmp_path: Path, output_dir: str, problem: str
) -> None:
    project = small_project(tmp_path / "project", config=f"output_dir: {output_dir}\n")
    config = (project / "dossier.yaml").read_text(encoding="utf-8").replace("{project}", str(project))
    (project / "dossier.yaml").write_text(config, encoding="utf-8")
    (project / "themes" / "default").mkdir(parents=True)
    (project / "notes.txt").write_text("notes", encoding="utf-8")
    for folder in (project / "docs", project / ".git", tmp_path / "someone-elses"):
        folder.mkdir()
        (folder / "keep.txt").write_text("keep", encoding="utf-8")
    (tmp_path / "target").mkdir()
    os.symlink(tmp_path / "target", project / "linked-build")
    before = tree_digest(tmp_path)
    built = build_project(project)
    errors = [d for d in built.report.errors if problem in d.message]
    assert errors and errors[0].location.path == "dossier.yaml", built.report.sorted()
    assert built.written is None
    assert tree_digest(tmp_path) == before


@pytest.mark.parametrize("output", [".", "{project}", "content", "{project}/content/x", "..", "themes"])
def test_the_command_lines_output_folder_is_checked_too(tmp_path: Path, output: str) -> None:
    project = small_project(tmp_path / "project")
    (project / "themes").mkdir()
    before = tree_digest(tmp_path)
    target = Path(output.replace("{project}", str(project)))
    target = target if target.is_absolute() else project / target
    built = build_project(project, BuildOptions(output_dir=target))
    assert built.written is None
    assert [d.location.path for d in built.report.errors] == [str(target)]
    assert "the output folder" in built.report.errors[0].message
    assert tree_digest(tmp_path) == before


def test_an_output_folder_outside_the_project_is_fine_when_empty_or_built_by_dossier(tmp_path: Path) -> None:
    project = small_project(tmp_path / "project")
    (tmp_path / "site").mkdir()
    first = build_project(project, BuildOptions(output_dir=tmp_path / "site"))
    assert first.written is not None and (tmp_path / "site" / "index.html").is_file()
    # The folder now holds data/dossier.json: a dossier site.
    again = build_project(project, BuildOptions(output_dir=tmp_path / "site"))
    assert again.written is not None and not again.report.has_errors


def test_the_default_build_folder_may_hold_setuptools_leftovers(tmp_path: Path) -> None:
    """`pip install . && dossier build` in one folder: setuptools leaves build/lib behind."""
    project = small_project(tmp_path)
    (project / "build" / "lib").mkdir(parents=True)
    (project / "build" / "lib" / "x.py").write_text("", encoding="utf-8")
    built = build_project(project)
    assert built.written is not None and not (project / "build" / "lib").exists()


# --- nothing outside the output folder -------------------------------------------------------------------------


def test_builds_write_and_delete_nothing_outside_the_output_folder(tmp_path: Path) -> None:
    """A build, a rebuild, an edit, a failed build and a refused one: only build/ and its lock file change."""
    project = copy_example(tmp_path / "project")
    (tmp_path / "neighbour").mkdir()
    (tmp_path / "neighbour" / "file.txt").write_text("mine", encoding="utf-8")
    output = project / "build"
    before = tree_digest(tmp_path, skip=output)
    assert build_project(project).written is not None
    lock = "project/.build.lock"
    assert tree_digest(tmp_path, skip=output) == before | {lock: tree_digest(tmp_path)[lock]}
    before = tree_digest(tmp_path, skip=output)
    assert build_project(project).written is not None
    assert tree_digest(tmp_path, skip=output) == before
    story = project / "content" / "flynn-kislyak" / "story.yaml"
    story.write_text(story.read_text(encoding="utf-8").replace("title:", "title: Edited", 1), encoding="utf-8")
    before = tree_digest(tmp_path, skip=output)
    assert build_project(project).written is not None
    assert tree_digest(tmp_path, skip=output) == before
    people = project / "content" / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8") + "\n- id: [broken\n", encoding="utf-8")
    before = tree_digest(tmp_path, skip=output)
    site = tree_digest(output)
    assert build_project(project).written is None
    assert build_project(project, BuildOptions(output_dir=tmp_path / "neighbour")).written is None
    assert tree_digest(tmp_path, skip=output) == before
    assert tree_digest(output) == site


# --- the lock file and the output folder as a mount point ---------------------------------------------------


@pytest.mark.parametrize("target", ["a file", "a missing file", "/dev/zero"])
def test_a_lock_file_linked_elsewhere_is_refused_and_nothing_is_made_there(tmp_path: Path, target: str) -> None:
    """Following `.build.lock` would make (or open and lock) a file anywhere: a clear error instead."""
    project = small_project(tmp_path / "project")
    assert build_project(project).written is not None
    site = tree_digest(project / "build")
    outside = {"a file": tmp_path / "theirs", "a missing file": tmp_path / "missing", "/dev/zero": Path("/dev/zero")}
    if target == "a file":
        outside[target].write_bytes(b"someone else's")
    (project / ".build.lock").unlink()
    (project / ".build.lock").symlink_to(outside[target])
    small_project(project, body="Ada Lovelace wrote the notes. Edited.\n")
    before = tree_digest(tmp_path, skip=project)
    built = build_in_child(project)
    assert built.exit_code == 2
    assert f"error: {project / '.build.lock'} is not a lock file" in built.stderr
    assert tree_digest(tmp_path, skip=project) == before and not (tmp_path / "missing").exists()
    assert tree_digest(project / "build") == site


def _can_mount() -> bool:
    """Whether this machine lets a test mount file systems in a namespace of its own (Linux, unshare)."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, check=False, timeout=30)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount(), reason="needs `unshare -rm` to mount a file system in a namespace")
@pytest.mark.parametrize("mount", ["a tmpfs", "a bind mount"])
def test_an_output_folder_that_is_a_mount_point_is_a_located_error(tmp_path: Path, mount: str) -> None:
    """A build swaps the whole output folder in by renaming it, which a mount point refuses (EBUSY): it is said
    where the folder is set, before anything is written. A bind mount from the same file system is found too."""
    project = small_project(tmp_path / "project")
    (project / "build").mkdir()
    source = tmp_path / "published"
    source.mkdir()
    mounting = f"mount -t tmpfs none {project / 'build'}"
    if mount == "a bind mount":
        mounting = f"mount --bind {source} {project / 'build'}"
    build = f"{shlex.quote(sys.executable)} -m dossier.cli build -C {shlex.quote(str(project))} --no-search"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", f"{mounting} && {build}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert f"dossier.yaml:1:1: error: output_dir '{project / 'build'}' is a mount point" in done.stderr
    assert "internal error" not in done.stderr
    assert list(source.iterdir()) == [] and list((project / "build").iterdir()) == []
