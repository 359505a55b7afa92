"""Theme overriding, as docs/themes.md describes it: which file won, read off the built site."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from dossier import urls
from dossier.pipeline import BuildOptions, Built, build_project
from dossier.themes import builtin_themes_dir
from tests.conftest import copy_example
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
