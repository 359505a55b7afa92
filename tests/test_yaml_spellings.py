"""`.yml` is read like `.yaml`, for every file an editor writes; both spellings of one file is a located error."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier.cli import main
from dossier.pipeline import BuildOptions, build_project, check_project
from tests.conftest import copy_example
from tests.security.project import tree_digest

STORY = Path("content/flynn-kislyak")


def renamed_to_yml(project: Path, *names: str) -> None:
    for name in names:
        (project / name).rename((project / name).with_suffix(".yml"))


DATA = "data/dossier.json"  # names each annotation's file, so it differs by the suffix alone


@pytest.fixture(scope="module")
def yaml_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_example(tmp_path_factory.mktemp("yaml"))
    built = build_project(project, BuildOptions(search=False))
    assert built.written is not None
    return project / "build"


def test_every_file_spelt_yml_builds_the_same_site(tmp_path: Path, yaml_site: Path) -> None:
    project = copy_example(tmp_path)
    renamed_to_yml(
        project,
        "dossier.yaml",
        "content/people.yaml",
        "content/sources.yaml",
        f"{STORY}/story.yaml",
        f"{STORY}/the-week.yaml",
        f"{STORY}/the-moscow-times.yaml",
    )
    built = build_project(project, BuildOptions(search=False))
    assert not built.report.diagnostics, built.report.sorted()
    site = project / "build"
    assert {k: v for k, v in tree_digest(site).items() if k != DATA} == {
        k: v for k, v in tree_digest(yaml_site).items() if k != DATA
    }
    assert (site / DATA).read_text(encoding="utf-8").replace(".yml", ".yaml") == (yaml_site / DATA).read_text(
        encoding="utf-8"
    )


def test_a_yml_sidecar_keeps_its_annotations(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    renamed_to_yml(project, f"{STORY}/the-week.yaml")
    checked = check_project(project)
    assert checked.dossier is not None and not checked.report.diagnostics
    annotations = checked.dossier.articles["the-week"].annotations
    assert len(annotations) >= 9
    assert {a.location.path for a in annotations} == {f"{STORY}/the-week.yml"}


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("dossier.yaml", "dossier.yml:1:1"),
        ("content/people.yaml", "content/people.yml:1:1"),
        (f"{STORY}/story.yaml", f"{STORY}/story.yml:1:1"),
        (f"{STORY}/the-week.yaml", f"{STORY}/the-week.yml:1:1"),
    ],
)
def test_both_spellings_of_one_file_is_a_located_error(tmp_path: Path, name: str, shown: str) -> None:
    project = copy_example(tmp_path)
    (project / name).with_suffix(".yml").write_bytes((project / name).read_bytes())
    built = build_project(project, BuildOptions(search=False))
    assert built.written is None and not (project / "build").exists()
    stem = Path(name).stem
    expected = (
        f"{shown}: error: both {stem}.yaml and {stem}.yml are here and dossier reads one: merge them into {stem}.yaml"
    )
    assert expected in [str(d) for d in built.report.errors]


def test_a_yml_file_without_its_article_is_reported(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    (project / STORY / "stray.yml").write_text("annotations: []\n", encoding="utf-8")
    errors = [str(d) for d in check_project(project).report.errors]
    assert errors == [
        f"{STORY}/stray.yml:1:1: error: annotations without an article: there is no stray.md beside this file"
    ]


def test_an_edit_to_dossier_yml_is_built(tmp_path: Path) -> None:
    """The no-change check must see the config under either name, or an edit would never reach the site."""
    project = copy_example(tmp_path)
    renamed_to_yml(project, "dossier.yaml")
    assert build_project(project, BuildOptions(search=False, use_cache=True, skip_unchanged=True)).written is not None
    config = project / "dossier.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("title:", "title: Renamed", 1), encoding="utf-8")
    rebuilt = build_project(project, BuildOptions(search=False, use_cache=True, skip_unchanged=True))
    assert rebuilt.written is not None and rebuilt.written.written > 0
    assert "Renamed" in (project / "build" / "index.html").read_text(encoding="utf-8")


def test_new_and_import_add_to_the_yml_files_that_are_there(tmp_path: Path) -> None:
    """`dossier new` and `dossier import` write into people.yml, sources.yml and story.yml, never a twin .yaml."""
    project = copy_example(tmp_path)
    renamed_to_yml(project, "content/people.yaml", "content/sources.yaml", f"{STORY}/story.yaml")
    for command in (
        ["new", "person", "jane-doe", "Jane Doe"],
        ["new", "source", "city-hall", "City Hall", "--kind", "institution"],
        ["new", "claim", "flynn-kislyak", "jane-doe-said", "--claimant", "jane-doe", "--text", "She said it."],
    ):
        assert main([*command, "-q", "-C", str(project)]) == 0, command
    assert "jane-doe" in (project / "content" / "people.yml").read_text(encoding="utf-8")
    assert "city-hall" in (project / "content" / "sources.yml").read_text(encoding="utf-8")
    assert "jane-doe-said" in (project / STORY / "story.yml").read_text(encoding="utf-8")
    assert not list(project.rglob("people.yaml")) and not list(project.rglob("story.yaml"))
    checked = check_project(project)
    assert not checked.report.errors and checked.dossier is not None and "jane-doe" in checked.dossier.people
