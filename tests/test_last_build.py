"""`dossier build` stops early when nothing changed since the last build, and only then (dossier/last_build.py)."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dossier.cache import CACHE_FOLDER
from dossier.cli import main
from dossier.last_build import ANCHORS_A_RUN, MANIFEST, _write_anchors, output_state
from dossier.pipeline import BuildOptions, Built, build_project
from dossier.search import pagefind_binary
from tests.conftest import copy_example

ARTICLE_PAGE = Path("build/stories/flynn-kislyak/the-week/index.html")
SIDECAR = Path("content/flynn-kislyak/the-week.yaml")
# A quote with one letter changed: it anchors fuzzily, with a warning.
EXACT = "twice told the Post that he and Kislyak did not discuss sanctions"
MISSPELT = "twice told the Post that he and Kislyak did not discus sanctions"


def site_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


AS_BUILD_DOES = BuildOptions(search=False, use_cache=True, skip_unchanged=True)  # `dossier build --no-search`


def build(project: Path, options: BuildOptions = AS_BUILD_DOES) -> Built:
    built = build_project(project, options)
    assert built.written is not None and not built.report.has_errors, built.report.sorted()
    return built


def _same_size_edit(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(EXACT, EXACT.replace("Post", "Pist"), 1), encoding="utf-8")
    assert len(path.read_bytes()) == len(text.encode())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = copy_example(tmp_path / "project")
    assert not build(project).stopped_early
    return project


def test_a_second_build_with_nothing_changed_stops_early_and_leaves_the_site_as_it_was(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = site_files(project / "build")
    times = {path: (project / "build" / path).stat().st_mtime_ns for path in before}
    again = build(project)
    assert again.stopped_early and again.written is not None and again.written.written == 0
    assert main(["build", "-C", str(project), "--no-search"]) == 0
    assert "(0 written, " in capsys.readouterr().out
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
def test_any_change_to_the_inputs_runs_the_whole_build(project: Path, edit: object) -> None:
    assert callable(edit)
    edit(project)
    assert not build(project).stopped_early


def test_an_edit_reaches_the_page_and_the_next_build_stops_early_again(project: Path) -> None:
    sidecar = project / SIDECAR
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace(EXACT, MISSPELT, 1), encoding="utf-8")
    edited = build(project)
    assert not edited.stopped_early
    warnings = [str(w) for w in edited.report.warnings]
    assert any("did not discus sanctions" in w for w in warnings)  # the fuzzy anchor
    again = build(project)
    assert again.stopped_early
    assert [str(w) for w in again.report.warnings] == warnings  # the warnings of the build that made the site


@pytest.mark.parametrize("search", [False, True], ids=["no search", "search"])
def test_the_manifest_keeps_the_output_as_a_look_at_every_file_finds_it(project: Path, search: bool) -> None:
    """A changed build records the output's state from what it wrote and the last manifest (output_state_after),
    not by a look at every file: after a cold build, an edit and a build that changes nothing on disk, it is what
    output_state finds (the search index, which Pagefind writes, looked at whole), and the next build stops early."""
    if search and pagefind_binary() is None:
        pytest.skip("Pagefind is not installed")
    options = dataclasses.replace(AS_BUILD_DOES, search=search)
    sidecar = project / SIDECAR
    for step in ("cold", "a quote misspelt", "a blank line"):
        if step == "cold":
            shutil.rmtree(project / "build")
            shutil.rmtree(project / CACHE_FOLDER)
        elif step == "a quote misspelt":  # the article's page and the data files change
            sidecar.write_text(sidecar.read_text(encoding="utf-8").replace(EXACT, MISSPELT, 1), encoding="utf-8")
        else:  # nothing on disk changes
            sidecar.write_text(sidecar.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        assert not build(project, options).stopped_early
        manifest = json.loads((project / CACHE_FOLDER / "build" / MANIFEST).read_text(encoding="utf-8"))
        assert manifest["output"] == output_state(project / "build"), step
        assert build(project, options).stopped_early


def test_a_changed_or_missing_output_file_is_written_again(project: Path) -> None:
    page = project / ARTICLE_PAGE
    original = page.read_bytes()
    page.write_bytes(b"tampered")
    assert not build(project).stopped_early and page.read_bytes() == original
    page.unlink()
    assert not build(project).stopped_early and page.read_bytes() == original
    (project / "build" / "extra.html").write_text("not ours", encoding="utf-8")
    assert not build(project).stopped_early
    assert not (project / "build" / "extra.html").exists()


def test_a_file_touched_without_change_still_counts_as_unchanged(project: Path) -> None:
    """Inputs are compared by content (a checkout or a save without edits changes times, not the site)."""
    os.utime(project / SIDECAR, ns=(1, 1))
    assert build(project).stopped_early


def test_other_options_or_another_output_folder_are_not_the_build_on_record(project: Path) -> None:
    assert not build(project, dataclasses.replace(AS_BUILD_DOES, include_drafts=True)).stopped_early
    elsewhere = build(project, dataclasses.replace(AS_BUILD_DOES, output_dir=project / "elsewhere"))
    assert not elsewhere.stopped_early and (project / "elsewhere" / "index.html").is_file()


def test_a_damaged_manifest_means_a_full_build(project: Path) -> None:
    for manifest in (project / ".dossier-cache").rglob("last-build.json"):
        manifest.write_text('{"inputs": [1, 2', encoding="utf-8")
    assert not build(project).stopped_early


def test_a_build_that_stops_early_imports_no_stage(project: Path) -> None:
    """Nothing changed: the stages (and numpy, Jinja, Markdown) are not even imported, in a fresh process."""
    build(project)
    stages = [
        "numpy",
        "jinja2",
        "markdown_it",
        "dossier.anchor",
        "dossier.compare",
        "dossier.link",
        "dossier.render.pages",
    ]
    script = (
        "import sys; from pathlib import Path; from dossier.pipeline import BuildOptions, build_project; "
        "options = BuildOptions(search=False, use_cache=True, skip_unchanged=True); "
        f"built = build_project(Path({str(project)!r}), options); "
        f"print(built.stopped_early, sorted(set(sys.modules) & set({stages!r})))"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert ran.stdout.split() == ["True", "[]"], ran.stdout


def test_a_rebuild_after_an_annotation_edit_does_not_import_numpy(project: Path) -> None:
    """The comparisons are taken from the cache: numpy, which only makes sentence vectors, is never loaded."""
    sidecar = project / SIDECAR
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace("note: >-\n", "note: >-\n      Edited.", 1))
    script = (
        "import sys; from pathlib import Path; from dossier.pipeline import BuildOptions, build_project; "
        "options = BuildOptions(search=False, use_cache=True, skip_unchanged=True); "
        f"built = build_project(Path({str(project)!r}), options); "
        "print(built.stopped_early, built.report.has_errors, built.written.written > 0, 'numpy' in sys.modules)"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert ran.stdout.split() == ["False", "False", "True", "False"], ran.stdout


@pytest.mark.parametrize("count", [0, 1, ANCHORS_A_RUN, ANCHORS_A_RUN + 1, 3 * ANCHORS_A_RUN - 1])
def test_the_last_anchors_are_written_a_run_at_a_time_as_json_dumps_writes_them_whole(count: int) -> None:
    anchors = [[f"article-{n}", f"claim-\u00e9-{n}", f"{n:016x}", "a \u201cquoted\u201d passage"] for n in range(count)]
    for data_file in (None, [5, 1_765_000_000_000_000_000, 42]):
        written = io.BytesIO()
        _write_anchors(data_file, anchors, written)
        whole = json.dumps({"data_file": data_file, "anchors": anchors}, ensure_ascii=False, separators=(",", ":"))
        assert written.getvalue() == whole.encode("utf-8")
