"""The theme's words in the site's language (render/translations.py): the catalogs the default theme ships say
every word it writes, a site in Spanish reads in Spanish, and a site may bring or amend a catalog."""

from __future__ import annotations

import ast
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from dossier import urls
from dossier.cli import main
from dossier.compare.language import LANGUAGE_NAMES, is_script
from dossier.diagnostics import Report
from dossier.model import SOURCE_KINDS
from dossier.pipeline import BuildOptions, Built, build_project
from dossier.render.pages import KIND_WORDS
from dossier.render.translations import Translations, load_translations
from dossier.themes import Theme, builtin_themes_dir, make_environment
from tests.conftest import REPO, copy_example

DEFAULT = builtin_themes_dir() / "default"
CATALOGS = sorted((DEFAULT / "i18n").glob("*.yaml"))
PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")
ENTITY_KINDS = ("story", "article", "person", "claim", "source")  # as backlinks name them (link.EntityKey)


def theme_messages() -> set[str]:
    """Every word the default theme writes: its templates' gettext calls, the words made in Python (render/),
    and the words templates translate from the model (kinds of sources, entities and annotations; scripts)."""
    env = make_environment([Theme("default", DEFAULT)])
    found: set[str] = set()
    for name in env.list_templates():
        if name.startswith("@"):
            continue
        source = Path(env.loader.get_source(env, name)[1] or "").read_text(encoding="utf-8")  # type: ignore[union-attr]
        for _, _, message in env.extract_translations(source):  # type: ignore[attr-defined]  # the i18n extension's
            if isinstance(message, str):
                found.add(message)
            elif message is not None and message[0]:
                found.add(message[0])  # ngettext: the singular is the key
    for path in (REPO / "dossier" / "render").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                first = node.args[0] if node.args else None
                if node.func.attr in ("gettext", "say", "say_count") and isinstance(first, ast.Constant):
                    found.add(str(first.value))
    scripts = {name for code, name in LANGUAGE_NAMES.items() if is_script(code)}
    return found | set(KIND_WORDS.values()) | set(SOURCE_KINDS) | set(ENTITY_KINDS) | scripts


def test_the_theme_writes_its_words_through_gettext() -> None:
    messages = theme_messages()
    assert {"Stories", "%(num)s annotation", "Key to the highlights", "%(highlight)s, rated %(verdict)s"} <= messages
    assert len(messages) > 150


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda path: path.stem)
def test_a_shipped_catalog_says_every_word_the_theme_writes_with_the_same_values(catalog: Path) -> None:
    translated = yaml.safe_load(catalog.read_text(encoding="utf-8"))
    missing = sorted(theme_messages() - set(translated))
    assert missing == [], f"{catalog.name} lacks {missing}"
    for english, translation in translated.items():
        forms = translation.values() if isinstance(translation, dict) else [translation]
        for form in forms:
            assert isinstance(form, str) and form, english
            wanted = sorted(set(PLACEHOLDER.findall(english)) - {"num"})
            assert sorted(set(PLACEHOLDER.findall(form)) - {"num"}) == wanted, (english, form)
            assert form.count("%") == english.count("%") or "%(num)s" in english, (english, form)


def test_the_catalogs_are_the_only_files_of_their_folder() -> None:
    assert CATALOGS and all(path.suffix == ".yaml" for path in (DEFAULT / "i18n").iterdir())


def site_in(language: str, folder: Path) -> Built:
    """The example in a site whose language is `language`; its articles say they are in English."""
    project = copy_example(folder / "project")
    config = project / "dossier.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("\nlanguage: en\n", f"\nlanguage: {language}\n"), "utf-8"
    )
    for article in (project / "content").rglob("*.md"):
        text = article.read_text(encoding="utf-8")
        article.write_text(text.replace("\noutlet:", "\nlanguage: en\noutlet:", 1), encoding="utf-8")
    built = build_project(project, BuildOptions(search=False))
    assert built.output_dir is not None and not built.report.has_errors, built.report.sorted()
    return built


@pytest.fixture(scope="module")
def spanish_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return site_in("es", tmp_path_factory.mktemp("es"))


def page_of(built: Built, path: str) -> BeautifulSoup:
    assert built.output_dir is not None
    return BeautifulSoup((built.output_dir / path).read_text(encoding="utf-8"), "html.parser")


def theme_text(soup: BeautifulSoup) -> str:
    """What a page says in its own words: its text, less the articles' (marked lang="en") and the content's."""
    for element in soup.select('[lang="en"]'):
        element.decompose()
    return " ".join(soup.get_text(" ").split())


def test_a_site_in_spanish_reads_in_spanish(spanish_site: Built) -> None:
    story = page_of(spanish_site, urls.story_path("flynn-kislyak"))
    assert story.select_one("html")["lang"] == "es"  # type: ignore[index]
    assert [a.get_text() for a in story.select(".site-header nav a")] == [
        "Historias", "Personas", "Afirmaciones", "Fuentes", "Correcciones"
    ]  # fmt: skip
    assert story.find("h2", string="Artículos") and story.find("h2", string="Cronología")
    dates = [time.get_text() for time in story.select("time")]
    assert "14 de febrero de 2017" in dates and not [d for d in dates if "February" in d]
    home = page_of(spanish_site, urls.HOME)
    assert re.search(r"\b2 artículos · \d+ afirmaciones\b", theme_text(home))
    article = page_of(spanish_site, urls.article_path("flynn-kislyak", "the-week"))
    controls = [a["aria-label"] for a in article.select("a.hl-ref")]
    assert "afirmación 3, calificada como False" in controls  # the verdicts' labels are dossier.yaml's own
    assert article.select_one(".article-header .meta .unknown").get_text() == "fecha no indicada"  # type: ignore[union-attr]


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda path: path.stem)
def test_no_english_word_of_the_theme_is_left_on_a_page_in_the_language_of_a_shipped_catalog(
    catalog: Path, tmp_path: Path
) -> None:
    """The theme's English sentences (of three words or more, as the catalog lists them) appear on no page: every
    one went through it. The articles' own words are marked lang="en" and left out; the content is English too
    (the example's claims, names and notes), so short words would be found in it."""
    site = site_in(catalog.stem, tmp_path).output_dir
    assert site is not None
    english = [m for m in yaml.safe_load(catalog.read_text(encoding="utf-8")) if len(m.split()) >= 3 and "%" not in m]
    for page in sorted(site.rglob("*.html")):
        text = theme_text(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser"))
        left = [message for message in english if message in text]
        assert left == [], f"{page.relative_to(site)}: {left}"


def test_a_site_amends_the_shipped_catalog_and_a_language_without_one_keeps_the_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_example(tmp_path / "project")
    config = project / "dossier.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("\nlanguage: en\n", "\nlanguage: es-MX\n").replace("\ntheme: default\n", "\ntheme: mine\n"),
        "utf-8",
    )
    catalog = project / "themes" / "mine" / "i18n" / "es.yaml"
    catalog.parent.mkdir(parents=True)
    catalog.write_text('"Stories": Notas\n', encoding="utf-8")
    built = build_project(project, BuildOptions(search=False))
    nav = [a.get_text() for a in page_of(built, urls.HOME).select(".site-header nav a")]
    assert nav[:2] == ["Notas", "Personas"]  # the site's word, then the shipped catalog's (es for es-MX)

    config.write_text(text.replace("\nlanguage: en\n", "\nlanguage: pl\n"), encoding="utf-8")
    shutil.rmtree(project / "themes")
    assert main(["build", "-C", str(project), "--no-search"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert (
        "note: the theme's words are in English: no theme has a catalog for 'pl'; to give them in it, write one at "
        "themes/THEME/i18n/pl.yaml"
    ) in out
    built = build_project(project, BuildOptions(search=False))
    # A note, not a warning: a strict check of a site in Polish does not fail for it (the articles, English, are
    # warned of as taking the site's language).
    assert not [d for d in built.report.diagnostics if "theme" in d.message]
    story = page_of(built, urls.story_path("flynn-kislyak"))
    assert story.find("h2", string="Articles") and "14 February 2017" in [t.get_text() for t in story.select("time")]


def test_a_catalog_with_mistakes_says_where(tmp_path: Path) -> None:
    theme = tmp_path / "mine"
    (theme / "i18n").mkdir(parents=True)
    (theme / "i18n" / "es.yaml").write_text(
        '"Stories": Notas\n"%(num)s article":\n  single: uno\n"People": [a, list]\n'
        '"Claims by %(person)s": Afirmaciones de %(persona)s\n"Mentions": 100% menciones\n'
        '"%(num)s claim":\n  one: "%(num)s afirmación"\n  other: "%(count)s afirmaciones"\n',
        encoding="utf-8",
    )
    report = Report()
    words = load_translations([Theme("mine", theme), Theme("default", DEFAULT)], "es", report)
    errors = sorted(str(d) for d in report.errors)
    at = "themes/mine/i18n/es.yaml"
    assert errors == [
        f"{at}:2:1: error: 'single' is not a plural form; the forms are zero, one, two, few, many, other (CLDR's)",
        f"{at}:4:1: error: the translation of 'People' is not text, nor plural forms of it",
        f"{at}:5:1: error: the translation of 'Claims by %(person)s' has %(persona)s, which it is not given (it has "
        "%(person)s)",
        f"{at}:6:1: error: the translation of 'Mentions' has a % on its own; write a percent sign as %%",
        f"{at}:7:1: error: the translation of '%(num)s claim' has %(count)s, which it is not given (it has %(num)s)",
    ]
    # Each mistaken word is the shipped catalog's, which would have broken its page where it was used.
    assert words.gettext("Stories") == "Notas" and words.gettext("People") == "Personas"
    assert words.say("Claims by %(person)s", person="Ana") == "Afirmaciones de Ana"
    assert words.gettext("Mentions") == "Menciones"
    assert words.say_count("%(num)s claim", "%(num)s claims", 2) == "2 afirmaciones"


def test_plural_forms_follow_the_language() -> None:
    spanish = Translations("es", {"%(num)s mention": {"one": "%(num)s mención", "other": "%(num)s menciones"}})
    assert [spanish.say_count("%(num)s mention", "%(num)s mentions", n) for n in (0, 1, 2)] == [
        "0 menciones", "1 mención", "2 menciones"
    ]  # fmt: skip
    english = Translations("en")
    assert [english.say_count("%(num)s mention", "%(num)s mentions", n) for n in (0, 1, 2)] == [
        "0 mentions", "1 mention", "2 mentions"
    ]  # fmt: skip
    assert Translations("es").long_date(dt.date(2017, 2, 14)) == "14 de febrero de 2017"
    assert Translations("es").language_name("en") == "inglés" and Translations("en").language_name("es") == "Spanish"


def test_the_templates_words_escape_their_values_as_jinjas_new_style_gettext_does() -> None:
    import jinja2
    from markupsafe import Markup

    ours = Translations("es", {"Claims by %(person)s": "Afirmaciones de %(person)s"}).template_callables()
    env = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda m: {"Claims by %(person)s": "Afirmaciones de %(person)s"}.get(m, m),
        lambda s, p, n: s if n == 1 else p,
        newstyle=True,
    )
    template = (
        '{{ _("Claims by %(person)s", person=who) }}|{{ _("Claims by %(person)s", person=bold) }}|{{ _("100%%") }}|'
        '{{ _("Stories") }}|{{ ngettext("%(num)s mention", "%(num)s mentions", n) }}'
    )
    values = {"who": "<Ana & Tom>", "bold": Markup("<b>Ana</b>"), "n": 2}
    theirs = env.from_string(template).render(**values)
    env.globals.update(ours)
    assert env.from_string(template).render(**values) == theirs
    assert theirs == "Afirmaciones de &lt;Ana &amp; Tom&gt;|Afirmaciones de <b>Ana</b>|100%|Stories|2 mentions"
