"""The project's static/ folder: published at the site's root as it is, never over what dossier makes."""

from __future__ import annotations

import os
from pathlib import Path

from dossier.diagnostics import Report
from dossier.pipeline import BuildOptions, build_project
from dossier.render.output import Output
from dossier.static_folder import copy_static_files, static_files
from tests.security.project import small_project, tree_digest

FILES = {
    "favicon.ico": b"\x00\x00\x01\x00icon",
    "google1234.html": b"google-site-verification: google1234.html\n",
    ".well-known/security.txt": b"Contact: mailto:security@example.org\n",
    "docs/report.pdf": b"%PDF-1.7 not really",
}


def with_static(project: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        path = project / "static" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return project


def test_static_files_are_published_at_the_root_as_they_are(tmp_path: Path) -> None:
    project = with_static(small_project(tmp_path / "project"), {**FILES, ".DS_Store": b"finder"})
    built = build_project(project, BuildOptions(search=False))
    assert not built.report.diagnostics, built.report.sorted()
    site = project / "build"
    for name, data in FILES.items():
        assert (site / name).read_bytes() == data
    assert not (site / ".DS_Store").exists()  # a file browser's, never meant to be published
    assert (site / "static" / "dossier.css").is_file()  # the theme's assets keep their own place


def test_a_changed_static_file_is_built_and_an_unchanged_site_is_not(tmp_path: Path) -> None:
    project = with_static(small_project(tmp_path / "project"), FILES)
    options = BuildOptions(search=False, use_cache=True, skip_unchanged=True)
    assert build_project(project, options).written is not None
    assert build_project(project, options).stopped_early
    (project / "static" / ".well-known" / "security.txt").write_bytes(b"Contact: mailto:editor@example.org\n")
    rebuilt = build_project(project, options)
    assert not rebuilt.stopped_early and rebuilt.written is not None
    assert rebuilt.written.changed == (".well-known/security.txt",)
    assert (project / "build" / ".well-known" / "security.txt").read_bytes() == b"Contact: mailto:editor@example.org\n"


def test_a_static_file_never_replaces_what_dossier_makes(tmp_path: Path) -> None:
    project = small_project(tmp_path / "project")
    assert build_project(project, BuildOptions(search=False)).written is not None
    before = tree_digest(project / "build")
    with_static(
        project,
        {"index.html": b"<p>mine</p>", "robots.txt": b"", "people": b"", "static/dossier.css": b"", "ok.txt": b"ok"},
    )
    built = build_project(project, BuildOptions(search=False))
    assert built.written is None
    assert [str(d) for d in built.report.sorted()] == [
        "static/index.html:1:1: error: dossier makes index.html itself, and a static file never replaces what dossier "
        "makes; rename or move static/index.html",
        "static/people:1:1: error: dossier makes a folder people/ where this file would land; rename or move "
        "static/people",
        "static/robots.txt:1:1: error: dossier makes robots.txt itself, and a static file never replaces what dossier "
        "makes; rename or move static/robots.txt",
        "static/static/dossier.css:1:1: error: dossier makes static/dossier.css itself, and a static file never "
        "replaces what dossier makes; rename or move static/static/dossier.css",
    ]
    assert tree_digest(project / "build") == before  # the previous site, whole


def test_the_search_index_folder_is_dossiers_too(tmp_path: Path) -> None:
    project = with_static(small_project(tmp_path / "project"), {"pagefind/pagefind.js": b"mine"})
    report, added = Report(), list[Output]()
    files = static_files(project, report)
    assert copy_static_files(files, ["index.html"], "pagefind", report, added.append) == []
    assert [str(d) for d in report.sorted()] == [
        "static/pagefind/pagefind.js:1:1: error: pagefind/ holds the search index, which dossier makes; rename or "
        "move static/pagefind/pagefind.js"
    ]
    assert added == []
    assert copy_static_files(files, ["index.html"], None, Report(), added.append) == ["pagefind/pagefind.js"]
    assert added == [Output("pagefind/pagefind.js", b"mine")]


def test_links_are_followed_only_inside_the_project(tmp_path: Path) -> None:
    project = small_project(tmp_path / "project")
    (project / "assets").mkdir()
    (project / "assets" / "logo.svg").write_bytes(b"<svg/>")
    (tmp_path / "elsewhere.txt").write_bytes(b"secret")
    (project / "static").mkdir()
    os.symlink(project / "assets", project / "static" / "assets")
    os.symlink(tmp_path / "elsewhere.txt", project / "static" / "elsewhere.txt")
    os.symlink(project / "static", project / "static" / "loop")
    built = build_project(project, BuildOptions(search=False))
    assert [str(d) for d in built.report.sorted()] == [
        "static/elsewhere.txt:1:1: error: this is a link to outside the project; it is not published",
        "static/loop:1:1: error: this is neither a file nor a folder (a FIFO, a device, a link back up); it is not "
        "published",
    ]
    assert built.written is None
    (project / "static" / "elsewhere.txt").unlink()
    (project / "static" / "loop").unlink()
    assert build_project(project, BuildOptions(search=False)).written is not None
    assert (project / "build" / "assets" / "logo.svg").read_bytes() == b"<svg/>"
