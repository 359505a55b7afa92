"""Writing the site: byte-identical rebuilds, no writes when nothing changed, failures leave build/ whole."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from dossier.pipeline import BuildOptions, build_project
from dossier.render.output import Output
from dossier.write import BuildLocked, build_lock, safe_relative, write_site
from tests.conftest import copy_example


def digest_tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = copy_example(tmp_path / "first")
    second = copy_example(tmp_path / "second")
    assert build_project(first).written is not None
    assert build_project(second).written is not None
    assert digest_tree(first / "build") == digest_tree(second / "build")


def test_a_second_build_with_no_change_writes_nothing(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    build_project(project)
    inode_before = {p: p.stat().st_ino for p in (project / "build").rglob("*") if p.is_file()}
    again = build_project(project)
    assert again.written is not None
    assert not again.written.changed_anything
    assert {p: p.stat().st_ino for p in (project / "build").rglob("*") if p.is_file()} == inode_before


def test_an_edit_rewrites_only_changed_files_and_keeps_the_rest(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    build_project(project)
    home = project / "build" / "index.html"
    css = project / "build" / "static" / "dossier.css"
    css_inode = css.stat().st_ino
    story = project / "content" / "flynn-kislyak" / "story.yaml"
    story.write_text(story.read_text(encoding="utf-8").replace("title:", "title: Edited", 1), encoding="utf-8")
    rebuilt = build_project(project)
    assert rebuilt.written is not None and rebuilt.written.written > 0
    assert "Edited" in home.read_text(encoding="utf-8")
    assert css.stat().st_ino == css_inode


def test_a_failing_build_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    build_project(project)
    before = digest_tree(project / "build")
    people = project / "content" / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8") + "\n- id: [broken\n", encoding="utf-8")
    failed = build_project(project)
    assert failed.report.has_errors and failed.written is None
    assert digest_tree(project / "build") == before
    assert not [p for p in tmp_path.iterdir() if ".staging" in p.name or ".old" in p.name]


def test_stale_files_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site([Output("a/index.html", b"a"), Output("b.txt", b"b")], out)
    result = write_site([Output("a/index.html", b"a")], out)
    assert result.removed == 1
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == ["index.html"]


@pytest.mark.parametrize("path", ["../escape.html", "/etc/passwd", "a/../../b", ""])
def test_outputs_cannot_escape_the_output_folder(path: str) -> None:
    with pytest.raises(ValueError):
        safe_relative(path)


def test_a_second_build_of_the_same_folder_is_refused_while_one_runs(tmp_path: Path) -> None:
    out = tmp_path / "build"
    with build_lock(out), pytest.raises(BuildLocked), build_lock(out):
        pass


def test_a_file_given_in_text_parts_is_their_utf8_and_kept_only_when_every_byte_is_the_same(tmp_path: Path) -> None:
    out = tmp_path / "site"
    parts = ['{"a":', '"é"', "}", "\n"]
    write_site([Output("data/x.json", parts)], out)
    assert (out / "data/x.json").read_bytes() == "".join(parts).encode("utf-8")
    assert write_site([Output("data/x.json", iter(['{"a":"é"}', "\n"]))], out).unchanged == 1  # split otherwise
    for changed in (['{"a":"é"}'], ['{"a":"é"}\n', "more"], ['{"a":"e"}\n']):  # shorter, longer, other
        result = write_site([Output("data/x.json", changed)], out)
        assert (result.unchanged, (out / "data/x.json").read_bytes()) == (0, "".join(changed).encode("utf-8"))


def test_a_file_whose_parts_fail_midway_leaves_the_previous_site_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site([Output("data/x.json", ["old"]), Output("index.html", b"old")], out)

    def parts() -> Iterator[str]:
        yield "new, half"
        raise RuntimeError("the model ran out")

    with pytest.raises(RuntimeError):
        write_site([Output("index.html", b"new"), Output("data/x.json", parts())], out)
    assert [(out / name).read_bytes() for name in ("data/x.json", "index.html")] == [b"old", b"old"]
    assert os.listdir(tmp_path) == ["site"]  # the staging folder is gone too


def test_an_interrupted_write_restores_the_previous_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    write_site([Output("index.html", b"old")], out)

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", refuse)
    with pytest.raises(OSError):
        write_site([Output("index.html", b"new"), Output("more.html", b"x")], out)
    monkeypatch.undo()
    assert (out / "index.html").read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["site"]  # the staging folder is gone too


@pytest.mark.parametrize("cache", [False, True], ids=["from dossier.json", "from the cache's copy"])
def test_a_changed_article_shows_which_annotations_moved(tmp_path: Path, cache: bool) -> None:
    project = copy_example(tmp_path)
    build_project(project, BuildOptions(use_cache=cache))
    article = project / "content" / "flynn-kislyak" / "the-week.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(
        text.replace('urged Russia "not to overreact', 'urged Russia "not to over-react'), encoding="utf-8"
    )
    rebuilt = build_project(project, BuildOptions(use_cache=cache))
    moved = [str(d) for d in rebuilt.report.warnings if "moved" in d.message]
    assert moved and all("the-week.yaml" in m for m in moved)
    assert any("not to overreact" in m for m in moved)
    assert any("fuzzy" in m for m in moved)
    again = build_project(project, BuildOptions(use_cache=cache))  # against the build just made: nothing moved
    assert not [d for d in again.report.warnings if "moved" in d.message]


def test_the_caches_copy_of_the_anchors_is_not_used_once_the_site_was_built_without_it(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    build_project(project, BuildOptions(use_cache=True))
    article = project / "content" / "flynn-kislyak" / "the-week.md"
    original = article.read_text(encoding="utf-8")
    article.write_text(original.replace('"not to overreact', '"not to over-react'), encoding="utf-8")
    build_project(project)  # no cache: build/ changes, the cache's copy of the anchors does not
    article.write_text(original, encoding="utf-8")
    rebuilt = build_project(project, BuildOptions(use_cache=True))
    assert any("moved" in d.message and "over-react" in d.message for d in rebuilt.report.warnings)


def test_moved_annotations_are_told_against_the_last_build_into_the_same_folder(tmp_path: Path) -> None:
    """`serve` builds into a folder of its own: its warnings compare with the last site it served, not build/."""
    project = copy_example(tmp_path)
    build_project(project)
    article = project / "content" / "flynn-kislyak" / "the-week.md"
    article.write_text(article.read_text(encoding="utf-8").replace('"not to overreact', '"not to over-react'))
    served = project.parent / "served"
    first = build_project(project, BuildOptions(output_dir=served, use_cache=True))
    assert first.written is not None
    assert not [d for d in first.report.warnings if "moved" in d.message]  # nothing served before
    article.write_text(article.read_text(encoding="utf-8").replace('"not to over-react', '"not to overreact'))
    second = build_project(project, BuildOptions(output_dir=served, use_cache=True))
    assert any("moved" in d.message and "over-react" in d.message for d in second.report.warnings)
