"""`dossier build` stops early when nothing changed since the last build, and only then (dossier/unchanged.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dossier.cli import main
from dossier.pipeline import BuildOptions, build_project
from tests.conftest import copy_example

ARTICLE_PAGE = Path("build/stories/flynn-kislyak/the-week/index.html")
SIDECAR = Path("content/flynn-kislyak/the-week.yaml")
# A quote with one letter changed: it anchors fuzzily, with a warning.
EXACT = "twice told the Post that he and Kislyak did not discuss sanctions"
MISSPELT = "twice told the Post that he and Kislyak did not discus sanctions"


def site_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    assert main(["build", "-C", str(project), "--no-search", "-v"]) == 0
    out, err = capsys.readouterr()
    return out, err


def _same_size_edit(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(EXACT, EXACT.replace("Post", "Pist"), 1), encoding="utf-8")
    assert len(path.read_bytes()) == len(text.encode())


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    project = copy_example(tmp_path / "project")
    build(project, capsys)
    return project


def test_a_second_build_with_nothing_changed_stops_early_and_leaves_the_site_as_it_was(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = site_files(project / "build")
    times = {path: (project / "build" / path).stat().st_mtime_ns for path in before}
    out, _ = build(project, capsys)
    assert "unchanged:" in out and "(0 written," in out
    assert site_files(project / "build") == before
    assert {path: (project / "build" / path).stat().st_mtime_ns for path in before} == times


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda p: (p / SIDECAR).write_text((p / SIDECAR).read_text() + "\n", encoding="utf-8"), id="yaml"),
        pytest.param(lambda p: (p / "dossier.yaml").write_text("title: Renamed\n", encoding="utf-8"), id="config"),
        pytest.param(lambda p: (p / "content" / "stray.txt").write_text("x", encoding="utf-8"), id="new-file"),
        pytest.param(lambda p: _same_size_edit(p / SIDECAR), id="same-size"),
    ],
)
def test_any_change_to_the_inputs_runs_the_whole_build(
    project: Path, capsys: pytest.CaptureFixture[str], edit: object
) -> None:
    assert callable(edit)
    edit(project)
    out, _ = build(project, capsys)
    assert "unchanged:" not in out and "render:" in out


def test_an_edit_reaches_the_page_and_the_next_build_stops_early_again(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sidecar = project / SIDECAR
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace(EXACT, MISSPELT, 1), encoding="utf-8")
    out, err = build(project, capsys)
    assert "render:" in out
    assert "did not discus sanctions" in err and "warning" in err  # the fuzzy anchor
    again_out, again_err = build(project, capsys)
    assert "unchanged:" in again_out
    assert again_err == err  # the warnings of the build that made the site, printed again


def test_a_changed_or_missing_output_file_is_written_again(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = project / ARTICLE_PAGE
    original = page.read_bytes()
    page.write_bytes(b"tampered")
    out, _ = build(project, capsys)
    assert "render:" in out and page.read_bytes() == original
    page.unlink()
    build(project, capsys)
    assert page.read_bytes() == original
    (project / "build" / "extra.html").write_text("not ours", encoding="utf-8")
    build(project, capsys)
    assert not (project / "build" / "extra.html").exists()


def test_a_file_touched_without_change_still_counts_as_unchanged(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Inputs are compared by content (a checkout or a save without edits changes times, not the site)."""
    sidecar = project / SIDECAR
    os.utime(sidecar, ns=(1, 1))
    out, _ = build(project, capsys)
    assert "unchanged:" in out


def test_other_options_or_another_output_folder_are_not_the_build_on_record(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "-C", str(project), "--no-search", "-v", "--drafts"]) == 0
    assert "render:" in capsys.readouterr()[0]
    built = build_project(
        project, BuildOptions(output_dir=project / "elsewhere", search=False, use_cache=True, skip_unchanged=True)
    )
    assert built.paths and (project / "elsewhere" / "index.html").is_file()


def test_a_damaged_manifest_means_a_full_build(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for manifest in (project / ".dossier-cache").rglob("last-build.json"):
        manifest.write_text('{"inputs": [1, 2', encoding="utf-8")
    out, _ = build(project, capsys)
    assert "render:" in out
