"""The forked workers (comparison and rendering) give the bytes a single process gives, cold and after edits.

The example is too small to start workers, so a generated dossier is used (benchmarks/generate.py): twelve
stories of five articles, 120 pairs to compare and over 400 pages to render. Workers start only in a process
with no other thread (forking one that has threads is unsafe), and the browser tests leave servers running,
so the parallel builds run in a fresh interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import dossier.compare.stage as compare_stage
import dossier.render.incremental as incremental
from benchmarks.generate import generate
from dossier.pipeline import BuildOptions, build_project
from tests.conftest import REPO

pytestmark = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="workers start only with two cores or more")

PARALLEL_BUILDS = """
import sys
from pathlib import Path
import dossier.compare.stage as compare_stage
import dossier.render.incremental as incremental
from benchmarks.run import edit_annotation, edit_article
from dossier.pipeline import BuildOptions, build_project
from dossier.workers import worker_count

project = Path(sys.argv[1])
assert worker_count(120, compare_stage.PARALLEL_MIN_PAIRS) > 1, "no workers would compare"
assert worker_count(400, incremental.PARALLEL_MIN_PAGES) > 1, "no workers would render"
first = build_project(project, BuildOptions(search=False, use_cache=True))
assert first.written is not None and not first.report.errors
edit_annotation(project)
edit_article(project)
again = build_project(project, BuildOptions(search=False, use_cache=True))  # alignments from the cache and from workers
assert again.written is not None and again.written.written
"""


def site_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_workers_build_the_same_site_as_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = generate(60, tmp_path / "project")
    run = subprocess.run(
        [sys.executable, "-c", PARALLEL_BUILDS, str(project)], cwd=REPO, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-3000:]
    monkeypatch.setattr(compare_stage, "PARALLEL_MIN_PAIRS", 10**9)
    monkeypatch.setattr(incremental, "PARALLEL_MIN_PAGES", 10**9)
    alone = build_project(project, BuildOptions(output_dir=tmp_path / "alone", search=False))
    assert alone.written is not None
    assert site_files(project / "build") == site_files(tmp_path / "alone")
