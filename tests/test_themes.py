"""Theme overriding, as docs/themes.md describes it: which file won, read off the built site."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest
from bs4 import BeautifulSoup

from dossier import themes as themes_module
from dossier import urls
from dossier.cache import version_key
from dossier.diagnostics import Location, Report
from dossier.pipeline import BuildOptions, Built, build_project
from dossier.themes import builtin_themes_dir
from tests.conftest import REPO, copy_example
from tests.test_site_files import set_config

ARTICLE = urls.article_path("flynn-kislyak", "the-week")
PERSON = urls.person_path("michael-flynn")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def build(project: Path) -> Built:
    built = build_project(project, BuildOptions(search=False))
    assert not built.report.has_errors, "\n".join(map(str, built.report.sorted()))
    return built


def page(built: Built, path: str) -> BeautifulSoup:
    assert built.output_dir is not None
    return BeautifulSoup((built.output_dir / path).read_text(encoding="utf-8"), "html.parser")


def test_a_site_theme_overrides_a_template_by_extending_the_default_one_and_a_static_file(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    set_config(project, theme="newsroom")
    theme = project / "themes" / "newsroom"
    write(
        theme / "templates" / "article.html",
        '{% extends "@default/article.html" %}\n'
        '{% block main %}<p class="house-banner">Annotated by the newsroom desk</p>\n{{ super() }}{% endblock %}\n',
    )
    write(theme / "static" / "dossier.css", "body { background: papayawhip; }\n")
    write(theme / "static" / "newsroom.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    built = build(project)
    assert built.output_dir is not None
    site = built.output_dir

    article = page(built, ARTICLE)
    banner = article.select_one("main > p.house-banner")
    assert banner is not None and banner.get_text() == "Annotated by the newsroom desk"
    assert article.select("mark.hl-claim"), "super() kept the default article: its highlights are there"
    assert article.select_one("header.site-header") is not None  # and the default base.html around it
    assert page(built, PERSON).select_one(".house-banner") is None  # other templates stay the default's

    default_static = builtin_themes_dir() / "default" / "static"
    assert (site / "static" / "dossier.css").read_text() == "body { background: papayawhip; }\n"
    assert (site / "static" / "newsroom.svg").is_file()  # a theme may add files
    assert (site / "static" / "dossier.js").read_bytes() == (default_static / "dossier.js").read_bytes()


def test_theme_yaml_extends_a_parent_theme_and_the_nearest_file_wins(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    set_config(project, theme="child")
    write(project / "themes" / "child" / "theme.yaml", "extends: parent\ndescription: The desk's variant\n")
    write(
        project / "themes" / "child" / "templates" / "person.html",
        '{% extends "@default/person.html" %}{% block title %}Child: {{ person.name }}{% endblock %}\n',
    )
    write(project / "themes" / "child" / "static" / "dossier.js", "// child\n")
    write(
        project / "themes" / "parent" / "templates" / "base.html",
        '{% extends "@default/base.html" %}{% block scripts %}{{ super() }}<i id="parent-base"></i>{% endblock %}\n',
    )
    write(project / "themes" / "parent" / "static" / "dossier.js", "// parent\n")
    write(project / "themes" / "parent" / "static" / "dossier.css", "/* parent */\n")
    built = build(project)
    assert built.output_dir is not None

    person = page(built, PERSON)
    title = person.find("title")
    assert title is not None and title.get_text() == "Child: Michael Flynn"  # the child's person.html
    assert person.find(id="parent-base") is not None  # the parent's base.html ...
    assert page(built, ARTICLE).find(id="parent-base") is not None  # ... under every page
    static = built.output_dir / "static"
    assert (static / "dossier.js").read_text() == "// child\n"
    assert (static / "dossier.css").read_text() == "/* parent */\n"
    assert (static / "favicon.svg").is_file()  # from the default theme, at the end of the chain


def test_an_unknown_theme_is_an_error_naming_where_it_looked(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    set_config(project, theme="no-such-theme")
    report = build_project(project, BuildOptions(search=False)).report
    assert any("no theme 'no-such-theme'" in str(error) for error in report.errors)


def test_a_site_folder_named_default_overrides_one_file_and_the_built_in_theme_gives_the_rest(tmp_path: Path) -> None:
    project = copy_example(tmp_path)  # theme: default, as a new site has it
    write(
        project / "themes" / "default" / "templates" / "article.html",
        '{% extends "@default/article.html" %}\n'
        '{% block main %}<p class="house-banner">Local default</p>\n{{ super() }}{% endblock %}\n',
    )
    built = build(project)

    article = page(built, ARTICLE)
    banner = article.select_one("main > p.house-banner")
    assert banner is not None and banner.get_text() == "Local default"
    assert article.select("mark.hl-claim"), "@default/ names the built-in theme, so super() is its article page"
    assert page(built, PERSON).select_one("h1") is not None  # every other template from the built-in theme


@pytest.fixture
def templates_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The user's cache folder in a temporary one, and no environment kept from other tests (nor left to them)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    themes_module._environment.cache_clear()
    yield tmp_path / "cache" / "dossier" / "templates"
    themes_module._environment.cache_clear()


def default_themes() -> list[themes_module.Theme]:
    return themes_module.resolve_themes("default", REPO, Report(), Location("dossier.yaml"))


def test_a_process_takes_the_templates_another_compiled(templates_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Compiled templates are kept in the user's cache folder (0700), so the next process does not compile them."""
    first = themes_module.make_environment(default_themes())
    first.get_template("article.html")
    (folder,) = templates_cache.iterdir()
    assert folder.stat().st_mode & 0o777 == 0o700
    assert list(folder.iterdir()), "nothing was kept"
    themes_module._environment.cache_clear()  # as a new process
    compiled: list[str] = []
    real = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: Any, name: Any = None, *args: Any, **kwargs: Any) -> Any:
        compiled.append(name)
        return real(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    second = themes_module.make_environment(default_themes())
    assert second is not first
    second.get_template("article.html")
    assert "article.html" not in compiled


@pytest.mark.parametrize("planted", ["writable by others", "link"])
def test_a_templates_folder_others_could_write_is_not_used(templates_cache: Path, tmp_path: Path, planted: str) -> None:
    """Compiled templates are code: a folder another user could have filled is not read (nor written)."""
    folder = templates_cache / version_key()[:20]
    folder.parent.mkdir(parents=True)
    if planted == "link":
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir(mode=0o700)
        folder.symlink_to(elsewhere, target_is_directory=True)
    else:
        folder.mkdir()
        folder.chmod(0o777)
    environment = themes_module.make_environment(default_themes())
    assert environment.bytecode_cache is None
    environment.get_template("article.html")
    assert not any((tmp_path / "elsewhere").glob("*")) if planted == "link" else not any(folder.iterdir())


def test_a_templates_folder_removed_meanwhile_costs_a_compile_not_a_build(templates_cache: Path) -> None:
    environment = themes_module.make_environment(default_themes())
    shutil.rmtree(templates_cache)
    assert environment.get_template("article.html") is not None


def test_a_new_versions_templates_folder_keeps_only_the_newest_others(templates_cache: Path, tmp_path: Path) -> None:
    """Each version of dossier makes a folder of compiled templates; a new one removes all but the most recently
    made (of its own kind only: other names, and links, stay as they are)."""
    templates_cache.mkdir(parents=True)
    old = [templates_cache / f"{n:020x}" for n in range(10)]
    for age, folder in enumerate(old):
        folder.mkdir(mode=0o700)
        (folder / "__jinja2_x.cache").write_bytes(b"")
        os.utime(folder, (1_000_000 - age, 1_000_000 - age))  # old[0] the newest of them
    (templates_cache / "not-ours").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "kept").write_text("mine", encoding="utf-8")
    (templates_cache / ("f" * 20)).symlink_to(elsewhere, target_is_directory=True)
    themes_module.make_environment(default_themes())
    left = sorted(path.name for path in templates_cache.iterdir())
    assert version_key()[:20] in left
    assert [folder.name for folder in old if folder.name in left] == [
        f.name for f in old[: themes_module.KEPT_TEMPLATE_FOLDERS - 1]
    ]
    assert "not-ours" in left and "f" * 20 in left
    assert (elsewhere / "kept").read_text(encoding="utf-8") == "mine"
