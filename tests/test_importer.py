"""`dossier import`: real pages in, Markdown articles out, checked and built with the real pipeline.

Pages come from tests/fixtures/corpus (real news pages, saved whole; see its README.md) and from a local HTTP
server on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import json
import re
import socket
import threading
import time
import urllib.error
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from bs4 import BeautifulSoup

from dossier.cli import main
from dossier.importer import FetchFailed, Imported, ImportFailed, ImportRequest, import_article
from dossier.importer import command as command_module
from dossier.importer.addresses import AddressGuard
from dossier.importer.archives import wayback_capture
from dossier.importer.command import default_slug
from dossier.importer.fetch import Page, _declared_length, describe_network_error, fetch_page
from dossier.importer.outlets import outlet_entry
from dossier.importer.safe_markdown import check_markdown_is_safe
from dossier.pipeline import build_project, check_project
from dossier.project_files import ProjectFileError, append_to_list, append_yaml_entry
from dossier.text import make_markdown, parse_article_text
from tests.conftest import REPO, copy_example

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"  # pages gzipped; the `corpus` fixture unpacks them
STORY = "flynn-kislyak"
LOCAL = AddressGuard(allow_private=True)  # the test server is on 127.0.0.1, which imports refuse by default


def corpus_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((CORPUS / "corpus.json").read_text(encoding="utf-8"))
    return cases


def split_article(path: Path) -> tuple[dict[str, Any], str]:
    """(front matter, body) of an article file."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    front, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(front), body


def article_text(path: Path) -> str:
    """What a reader of the built page sees of the article (and what annotations quote)."""
    return parse_article_text(make_markdown(), split_article(path)[1]).text


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def corpus_bytes(file: str) -> bytes:
    """A corpus page as it was saved (`file` as corpus.json names it: pages/NAME.html)."""
    return gzip.decompress((CORPUS / f"{file}.gz").read_bytes())


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus unpacked, as a folder of saved pages (pages/NAME.html) like those an editor imports."""
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "pages").mkdir()
    for case in corpus_cases():
        (folder / case["file"]).write_bytes(corpus_bytes(case["file"]))
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "site")


def do_import(project: Path, source: str | Path | None, **options: Any) -> Imported:
    return import_article(
        ImportRequest(project, options.pop("story", STORY), None if source is None else str(source), **options)
    )


# --- the corpus: every page keeps its text and drops its furniture ----------------------------------------


@pytest.fixture(scope="module")
def corpus_project(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> tuple[Path, dict[str, Imported]]:
    """The example dossier with every corpus page imported into its story, raw HTML kept beside each."""
    project = copy_example(tmp_path_factory.mktemp("corpus"))
    imported = {}
    for case in corpus_cases():
        imported[case["file"]] = do_import(project, corpus / case["file"], keep_html=True)
    return project, imported


@pytest.mark.parametrize("case", corpus_cases(), ids=lambda case: Path(case["file"]).stem)
def test_corpus_page_keeps_the_article_and_drops_the_furniture(
    case: dict[str, Any], corpus_project: tuple[Path, dict[str, Imported]]
) -> None:
    _, imported = corpus_project
    path = imported[case["file"]].article_path
    text = article_text(path)
    source = path.read_text(encoding="utf-8")
    for wanted in case["with"]:
        assert wanted in text, f"{wanted!r} is missing from the imported article"
    for unwanted in case["without"]:
        assert unwanted not in text and unwanted not in source, f"{unwanted!r} was imported"


def test_corpus_metadata_is_read_off_the_pages(corpus_project: tuple[Path, dict[str, Imported]]) -> None:
    _, imported = corpus_project
    fronts = {Path(name).stem: split_article(result.article_path)[0] for name, result in imported.items()}
    telegraph = fronts["telegraph.co.uk.plumber"]
    # The page's JSON-LD says "escenic" (a CMS placeholder); the headline readers saw is the h1.
    assert telegraph["title"] == "Plumber jailed after boiler killed millionaire's daughter"
    assert telegraph["authors"] == ["Poppie Platt"]
    assert str(telegraph["published"]) == "2012-04-17"
    assert telegraph["language"] == "en-GB"
    cnn = fronts["edition.cnn.com-royal"]
    assert cnn["outlet"] == "cnn"  # registered in the example's sources.yaml, matched by the address's host
    assert cnn["authors"] == ["Rob Picheta"]  # trafilatura says "Rob Picheta; CNN": the outlet is no author
    assert cnn["url"] == "https://www.cnn.com/2021/03/08/uk/meghan-harry-oprah-interview-recap-scli-gbr-intl/index.html"
    assert fronts["nytimes.com.blackouts"]["outlet"] == "new-york-times"  # matched by host too
    assert fronts["bbc.com.52241221"]["outlet"] == "bbc-news"  # a new outlet, appended to sources.yaml
    assert "authors" not in fronts["cbsnews.com.carolina"]  # "CBS News February" is not a person


def test_authors_deks_and_other_headlines_are_kept_as_the_page_has_them(
    corpus_project: tuple[Path, dict[str, Imported]],
) -> None:
    """Issue 18: "Leah C. Stokes" lost her period, the dek and the page's second headline were dropped."""
    _, imported = corpus_project
    atlantic = imported["pages/theatlantic.com.disasters.html"].article_path
    front, body = split_article(atlantic)
    assert front["authors"] == ["Leah C. Stokes"]  # trafilatura says "Leah C Stokes"; the page's spelling wins
    lines = atlantic.read_text(encoding="utf-8").split("\n")
    assert lines[1:3] == [
        'title: "How Can We Plan for the Future in California?"',
        '# also headlined: "California\u2019s Disasters Are a Warning\u2014Climate Change Is Here"',
    ]
    dek = (
        "The state\u2019s heat waves, blackouts, and fires\u2014amid a pandemic\u2014offer a warning of our "
        "fossil-fuel future."
    )
    assert body.startswith(f"\n*{dek}*\n\nWhen I moved to California five years ago")
    assert article_text(atlantic).startswith(f"{dek}\n\nWhen I moved")  # the text an annotation quotes
    politico = imported["pages/politico.com.retirement.html"].article_path
    assert article_text(politico).count("Republicans in Western North Carolina are grumbling") == 1  # kept once
    telegraph = imported["pages/telegraph.co.uk.plumber.html"].article_path
    assert "also headlined" not in telegraph.read_text(encoding="utf-8")  # its JSON-LD's "escenic" is no headline
    wired = imported["pages/wired.com.burn.html"].article_path
    assert wired.name == "wired-2020-01-21-ai-can-do-great-things-if.md"  # "Things\u2014if" was `thingsif`


def test_corpus_articles_pass_check_and_build(corpus_project: tuple[Path, dict[str, Imported]]) -> None:
    project, imported = corpus_project
    checked = check_project(project)
    assert not checked.report.has_errors, "\n".join(map(str, checked.report.sorted()))
    assert checked.dossier is not None
    for result in imported.values():
        assert result.article_path.stem in checked.dossier.articles
        assert result.html_path is not None and result.html_path.is_file()  # kept, and not read as content
    built = build_project(project)
    assert not built.report.has_errors, "\n".join(map(str, built.report.sorted()))
    assert built.written is not None and built.output_dir is not None
    assert not list(built.output_dir.rglob("*.source.html"))


def test_new_outlets_are_appended_to_sources_without_touching_the_rest(
    corpus_project: tuple[Path, dict[str, Imported]],
) -> None:
    project, imported = corpus_project
    original = (REPO / "content" / "sources.yaml").read_text(encoding="utf-8")
    now = (project / "content" / "sources.yaml").read_text(encoding="utf-8")
    assert now.startswith(original)
    added = yaml.safe_load(now[len(original) :])
    new_ids = sorted(r.outlet.id for r in imported.values() if r.outlet.is_new)
    assert sorted(entry["id"] for entry in added) == new_ids
    assert all(entry["kind"] == "outlet" for entry in added)
    assert {"cnn", "new-york-times"}.isdisjoint(new_ids)


# --- determinism, overwriting, slugs --------------------------------------------------------------------


def test_importing_the_same_page_twice_gives_the_same_files(tmp_path: Path, corpus: Path) -> None:
    page = corpus / "pages" / "politico.com.retirement.html"
    first, second = copy_example(tmp_path / "one"), copy_example(tmp_path / "two")
    a = do_import(first, page, keep_html=True)
    b = do_import(second, page, keep_html=True)
    for relative in (a.shown_path, f"content/{STORY}/{a.article_path.stem}.source.html", "content/sources.yaml"):
        assert (first / relative).read_bytes() == (second / relative).read_bytes(), relative
    again = do_import(first, page, keep_html=True)
    assert not again.written and not again.outlet.is_new
    assert (first / a.shown_path).read_bytes() == (second / b.shown_path).read_bytes()
    forced = do_import(first, page, force=True)
    assert not forced.written
    assert (first / "content" / "sources.yaml").read_bytes() == (second / "content" / "sources.yaml").read_bytes()


def test_an_edited_article_is_not_overwritten_unless_forced(project: Path, corpus: Path) -> None:
    page = corpus / "pages" / "nytimes.com.blackouts.html"
    path = do_import(project, page).article_path
    path.write_text(path.read_text(encoding="utf-8") + "\nThe editor's own line.\n", encoding="utf-8")
    edited = path.read_bytes()
    with pytest.raises(ImportFailed, match=r"already exists and differs.*--force"):
        do_import(project, page)
    assert path.read_bytes() == edited
    sidecar = path.with_suffix(".yaml")
    sidecar.write_text("notes: []\n", encoding="utf-8")
    replaced = do_import(project, page, force=True)
    assert replaced.written and b"The editor's own line." not in path.read_bytes()
    assert sidecar.read_text(encoding="utf-8") == "notes: []\n"  # annotations are kept, with a warning
    assert any("annotations kept" in d.message for d in replaced.report.warnings)


def test_default_slug_comes_from_outlet_date_and_headline(project: Path, corpus: Path) -> None:
    result = do_import(project, corpus / "pages" / "nytimes.com.blackouts.html")
    assert result.article_path.name == "new-york-times-2020-08-16-rolling-blackouts-in-california.md"
    assert (
        default_slug("the-week", None, "Trump\u2019s adviser: \u201cNo comment\u201d")
        == "the-week-trumps-adviser-no-comment"
    )


@pytest.mark.parametrize(
    ("sitename", "title", "outlet_id", "slug"),
    [
        (
            "Коммерсантъ",
            "Сергей Кисляк встретился с Майклом Флинном в Вашингтоне",  # noqa: RUF001 (Cyrillic is the point)
            "kommersant",
            "kommersant-sergey-kislyak-vstretilsya-s-mayklom-flinnom",
        ),
        (
            "Süddeutsche Zeitung",
            "Jürgen Müller trifft François Hollande im Élysée",
            "suddeutsche-zeitung",
            "suddeutsche-zeitung-jurgen-muller-trifft-francois-hollande",
        ),
    ],
)
def test_outlets_and_headlines_in_any_script_give_usable_ids(
    project: Path, tmp_path: Path, sitename: str, title: str, outlet_id: str, slug: str
) -> None:
    page = tmp_path / "page.html"
    page.write_text(plain_page(title).replace("La Gazette du Port", sitename), encoding="utf-8")
    result = do_import(project, page)
    assert result.outlet.id == outlet_id and result.outlet.is_new and result.outlet.registered
    assert result.article_path.name == f"{slug}.md"
    assert split_article(result.article_path)[0]["title"] == title
    checked = check_project(project)
    assert not checked.report.has_errors, "\n".join(map(str, checked.report.sorted()))


@pytest.mark.parametrize("slug", ["../escape", "/etc/passwd", "UPPER", "a/b", "con", "x" * 81, ""])
def test_unsafe_slugs_are_refused(project: Path, slug: str, corpus: Path) -> None:
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    with pytest.raises(ImportFailed, match="--slug"):
        do_import(project, corpus / "pages" / "nytimes.com.blackouts.html", slug=slug)
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before


@pytest.mark.parametrize("story", ["../content", "/tmp", "no-such-story"])
def test_unsafe_or_unknown_stories_are_refused(project: Path, story: str, corpus: Path) -> None:
    with pytest.raises(ImportFailed, match="story"):
        do_import(project, corpus / "pages" / "nytimes.com.blackouts.html", story=story)


def test_an_article_id_taken_by_another_story_is_refused(project: Path, corpus: Path) -> None:
    other = project / "content" / "other-story"
    other.mkdir()
    (other / "story.yaml").write_text("title: Another story\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="already has an article 'the-week'"):
        do_import(project, corpus / "pages" / "nytimes.com.blackouts.html", story="other-story", slug="the-week")


def test_a_link_in_place_of_the_article_is_not_followed(project: Path, tmp_path: Path, corpus: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("mine\n", encoding="utf-8")
    (project / "content" / STORY / "linked.md").symlink_to(outside)
    with pytest.raises(ImportFailed, match="is a link"):
        do_import(project, corpus / "pages" / "nytimes.com.blackouts.html", slug="linked", force=True)
    assert outside.read_text(encoding="utf-8") == "mine\n"


# --- what the page does not say --------------------------------------------------------------------------

PLAIN_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="La Gazette du Port"></head><body>
<nav><a href="/">Accueil</a> <a href="/politique">Politique</a></nav>
<article><h1>{title}</h1>
{paragraphs}
</article><footer>Tous droits réservés.</footer></body></html>"""


def plain_page(title: str = "Le conseil municipal vote le budget du port", paragraphs: int = 6) -> str:
    body = "\n".join(
        f"<p>Paragraphe {n}: le conseil municipal a débattu longuement du budget du port, des quais et des "
        f"bateaux de pêche, avant un vote serré en fin de soirée sur la question numéro {n}.</p>"
        for n in range(1, paragraphs + 1)
    )
    return PLAIN_PAGE.format(title=title, paragraphs=body)


def test_a_missing_date_and_author_are_warnings_and_comments_never_guesses(project: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(plain_page(), encoding="utf-8")
    result = do_import(project, page)
    source = result.article_path.read_text(encoding="utf-8")
    front, _ = split_article(result.article_path)
    assert "published" not in front and "authors" not in front and "url" not in front
    assert "# published: YYYY-MM-DD" in source and "# authors:" in source and "# url:" in source
    assert front["title"] == "Le conseil municipal vote le budget du port"
    assert front["language"] == "fr" and front["outlet"] == "la-gazette-du-port"
    warnings = {(d.location.line, d.message) for d in result.report.warnings}
    lines = source.split("\n")
    assert any(lines[line - 1].startswith("# published") and "no publication date" in m for line, m in warnings)
    assert any(lines[line - 1].startswith("# authors") and "no author" in m for line, m in warnings)
    checked = check_project(project)
    assert not checked.report.has_errors, "\n".join(map(str, checked.report.sorted()))


def test_json_ld_nested_past_pythons_stack_is_skipped(project: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    nested = "[" * 100_000 + "]" * 100_000
    page.write_text(
        plain_page().replace("</head>", f'<script type="application/ld+json">{nested}</script></head>'),
        encoding="utf-8",
    )
    assert do_import(project, page).front.title == "Le conseil municipal vote le budget du port"


def test_a_page_without_text_is_a_clear_error(project: Path, tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><head><title>Nothing here at all</title></head><body><nav>Home</nav></body></html>")
    with pytest.raises(ImportFailed, match=r"no article text found on the page \(only 1 word\).*--from-text"):
        do_import(project, page, outlet="the-week")
    not_html = tmp_path / "notes.txt"
    not_html.write_text("just some notes\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="not an HTML page"):
        do_import(project, not_html)


def test_a_sources_file_that_cannot_be_appended_is_left_alone(project: Path, tmp_path: Path) -> None:
    sources = project / "content" / "sources.yaml"
    flow = (
        "[{id: the-week, name: The Week, kind: outlet}, {id: the-moscow-times, name: The Moscow Times, kind: outlet}]\n"
    )
    original = sources.read_text(encoding="utf-8")
    sources.write_text(original.replace("- id: the-week\n", "- id: the-week\n", 1), encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text(plain_page(), encoding="utf-8")
    for text in (flow, "key: value\n"):
        with pytest.raises(ProjectFileError, match="add the entry by hand"):
            append_to_list(text, outlet_entry("x", "X", None), None, "sources.yaml")
    sources.write_text(flow, encoding="utf-8")
    result = do_import(project, page)
    assert result.outlet.is_new and not result.outlet.registered
    assert sources.read_text(encoding="utf-8") == flow
    (warning,) = [d for d in result.report.warnings if d.location.path.endswith("sources.yaml")]
    assert "- id: la-gazette-du-port" in warning.message and "kind: outlet" in warning.message


def test_an_indented_or_empty_sources_file_is_appended_to(tmp_path: Path) -> None:
    entry = outlet_entry("la-gazette", "La Gazette: du port", "https://gazette.example/")
    indented = "  - id: the-week\n    name: The Week\n    kind: outlet\n"
    sources = tmp_path / "sources.yaml"
    for text in ("", "# no sources yet\n", indented, indented.rstrip("\n"), indented.replace("\n", "\r\n")):
        sources.write_bytes(text.encode("utf-8"))
        append_yaml_entry(sources, entry, None, "sources.yaml")
        result = sources.read_bytes().decode("utf-8")
        assert result.startswith(text) and ("\r\n" not in text or "\n" not in result.replace("\r\n", ""))
        assert yaml.safe_load(result)[-1] == {
            "id": "la-gazette",
            "name": "La Gazette: du port",
            "kind": "outlet",
            "url": "https://gazette.example/",
        }


def test_outlet_given_by_hand(project: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(plain_page(), encoding="utf-8")
    assert split_article(do_import(project, page, outlet="the-week").article_path)[0]["outlet"] == "the-week"
    with pytest.raises(ImportFailed, match="'kremlin' is a source of kind 'institution', not an outlet"):
        do_import(project, page, outlet="kremlin", slug="other")
    with pytest.raises(ImportFailed, match="'michael-flynn' is a person"):
        do_import(project, page, outlet="michael-flynn", slug="other")


# --- pasted text -----------------------------------------------------------------------------------------


def test_from_text_takes_the_text_and_the_page_the_metadata(project: Path, tmp_path: Path, corpus: Path) -> None:
    pasted = tmp_path / "pasted.txt"
    pasted.write_text(
        "First pasted paragraph, with *stars*, <b>tags</b> and [brackets](javascript:alert(1)).\n\n"
        "# Not a heading\n\n1. not a list\n",
        encoding="utf-8",
    )
    result = do_import(project, corpus / "pages" / "nytimes.com.blackouts.html", from_text=pasted)
    front, body = split_article(result.article_path)
    assert front["title"] == "Rolling Blackouts in California Have Power Experts Stumped"
    assert front["outlet"] == "new-york-times" and front["authors"] == ["Ivan Penn"]
    text = article_text(result.article_path)
    assert text == (
        "First pasted paragraph, with *stars*, <b>tags</b> and [brackets](javascript:alert(1)).\n\n"
        "# Not a heading\n\n1. not a list"
    )
    check_markdown_is_safe(body)


def test_from_markdown_keeps_its_structure_and_loses_its_html(project: Path, tmp_path: Path) -> None:
    pasted = tmp_path / "pasted.md"
    pasted.write_text(
        "# A pasted headline\n\nA paragraph with **bold**, a [good link](https://example.org/a) and a "
        "[bad one](javascript:alert(1)).\n\n<script>alert(2)</script>\n\n> A quotation.\n\n- one\n- two\n\n"
        '<img src=x onerror="alert(3)">\n',
        encoding="utf-8",
    )
    result = do_import(project, None, from_text=pasted, outlet="the-week")
    front, body = split_article(result.article_path)
    assert front["title"] == "A pasted headline" and front["outlet"] == "the-week"
    assert "**bold**" in body and "[good link](https://example.org/a)" in body
    assert "\n> A quotation." in body and "- one\n- two" in body
    assert "javascript:" not in body.replace("](javascript", "")  # only as text: [bad one](javascript:...)
    check_markdown_is_safe(body)
    text = article_text(result.article_path)
    assert "<script>alert(2)</script>" in text and "A pasted headline" not in text
    assert not check_project(project).report.has_errors


def test_from_text_without_a_page_needs_a_title_and_an_outlet(project: Path, tmp_path: Path) -> None:
    pasted = tmp_path / "pasted.txt"
    pasted.write_text("Only text.\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="--title"):
        do_import(project, None, from_text=pasted, outlet="the-week")
    with pytest.raises(ImportFailed, match="--outlet"):
        do_import(project, None, from_text=pasted, title="A title")


# --- untrusted pages: no HTML, no script links, text stays text -----------------------------------------

EVIL_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Evil page title here</title>
<link rel="canonical" href="https://evil.example/a/b.html">
<meta property="og:site_name" content="Evil Times"><meta name="author" content="Eve Doe">
<meta property="article:published_time" content="2024-03-15T10:00:00Z">
<meta name="description" content="A dek with &lt;b&gt;markup&lt;/b&gt;, [x](javascript:alert(9)) and *stars*">
<meta property="og:title" content="Evil &lt;/script&gt; title: --- on &#10; two lines"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Evil page title here</h1>
<p class="dek">A dek with &lt;b&gt;markup&lt;/b&gt;, [x](javascript:alert(9)) and *stars*</p>
<p>First paragraph with a <a href="javascript:alert(1)">javascript link</a> and a
<a href=" JaVaScRiPt:alert(2)">mixed case one</a> and <a href="data:text/html,hi">data</a> and
<a href="vbscript:msgbox(1)">vb</a> and <a href="/relative/path">relative</a> and
<a href="https://example.org/ok_(x) y">good</a>.</p>
<p>Literal text: &lt;script&gt;alert(3)&lt;/script&gt; and &lt;img src=x onerror=alert(4)&gt; and
&lt;javascript:alert(5)&gt; and [click](javascript:alert(6)) and *stars* and _under_ and &amp;copy; and `tick`.</p>
<p># not a heading, just a hash at the start of a paragraph in the article text.</p>
<p>1. not a list either, but a numbered sentence that is long enough to be kept.</p>
<p>[ref]: javascript:alert(7) a reference definition lookalike in the text [ref].</p>
<p>- a dash, + a plus, = an equals sign, > a quote mark and | a pipe | and ~~tildes~~ in the text.</p>
<blockquote><p>A quoted passage from somebody important, long enough to be kept by the extractor.</p></blockquote>
<h2>A subheading</h2>
<ul><li>List item one with enough words to count as content here.</li>
<li>List item two, also with enough words to count as content.</li></ul>
<p>Some <strong>bold</strong> and <em>italic</em> text with <code>code &lt;b&gt;</code> in it and more words.</p>
<script>document.write("injected")</script><iframe src="https://evil.example/frame"></iframe>
<p onclick="alert(8)">Last paragraph of the evil article, long enough to be considered main content.</p>
</article><footer>Copyright Evil Times. All rights reserved.</footer></body></html>"""


def test_an_untrusted_page_cannot_smuggle_html_or_script_links(project: Path, tmp_path: Path) -> None:
    page = tmp_path / "evil.html"
    page.write_text(EVIL_PAGE, encoding="utf-8")
    result = do_import(project, page)
    front, body = split_article(result.article_path)
    assert front["title"] == "Evil page title here" and front["authors"] == ["Eve Doe"]
    assert str(front["published"]) == "2024-03-15" and front["url"] == "https://evil.example/a/b.html"
    check_markdown_is_safe(body)
    for text in ("javascript link", "mixed case one", "data", "vb"):
        assert f"[{text}](" not in body  # the text stays, the link goes
    assert "[relative](https://evil.example/relative/path)" in body  # resolved against the page's address
    assert "[good](https://example.org/ok_%28x%29%20y)" in body
    assert '\n# also headlined: "Evil </script> title: --- on two lines"\n' in result.article_path.read_text()
    text = article_text(result.article_path)
    for literal in (
        "A dek with <b>markup</b>, [x](javascript:alert(9)) and *stars*",  # the dek, as text
        "<script>alert(3)</script>",
        "<img src=x onerror=alert(4)>",
        "[click](javascript:alert(6)) and *stars* and _under_ and &copy; and `tick`",
        "# not a heading",
        "1. not a list",
        "[ref]: javascript:alert(7)",
        "- a dash, + a plus, = an equals sign, > a quote mark and | a pipe | and ~~tildes~~",
    ):
        assert literal in text, literal
    assert "injected" not in text and "Copyright Evil Times" not in text and "Home" not in text
    assert "\n> A quoted passage" in body and "\n## A subheading\n" in body and "**bold**" in body
    built = build_project(project)
    assert not built.report.has_errors, "\n".join(map(str, built.report.sorted()))
    assert built.output_dir is not None
    (html_path,) = [p for p in built.output_dir.rglob("*.html") if result.article_path.stem in p.parts]
    soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
    article = soup.find("article") or soup
    assert not article.find_all(["script", "iframe", "img"])
    for anchor in article.find_all("a", href=True):
        assert not str(anchor["href"]).lower().startswith(("javascript:", "data:", "vbscript:"))
    assert not article.select("[onclick]")


# --- downloads from a local server (127.0.0.1 only) ------------------------------------------------------


class Handler(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, Callable[[Handler], None]]] = {}

    def do_GET(self) -> None:
        route = self.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_error(404, "Not Found")
            return
        route(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def send(handler: Handler, body: bytes, content_type: str | None, status: int = 200, **headers: str | None) -> None:
    handler.send_response(status)
    if content_type:
        handler.send_header("Content-Type", content_type)
    length = headers.pop("length", str(len(body)))
    if length is not None:
        handler.send_header("Content-Length", length)
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), str(value))
    handler.end_headers()
    with contextlib.suppress(OSError):  # the client gave up (the timeout test)
        handler.wfile.write(body)


def send_late(handler: Handler, seconds: float, body: bytes) -> None:
    time.sleep(seconds)
    send(handler, body, "text/html")


CNN_PAGE = corpus_bytes("pages/edition.cnn.com-royal.html")
ROUTES: dict[str, Callable[[Handler], None]] = {
    "/cnn.html": lambda h: send(h, CNN_PAGE, "text/html; charset=utf-8"),
    "/plain.html": lambda h: send(h, plain_page().encode("utf-8"), "text/html; charset=utf-8"),
    "/latin1.html": lambda h: send(h, plain_page().encode("latin-1"), "text/html; charset=ISO-8859-1"),
    "/untyped.html": lambda h: send(h, plain_page().encode("utf-8"), None),
    "/report.pdf": lambda h: send(h, b"%PDF-1.4 not a page", "application/pdf"),
    "/slow.html": lambda h: send_late(h, 1.5, b"<html>late</html>"),
    "/huge.html": lambda h: send(h, b"<html>", "text/html", length=str(50 * 1024 * 1024)),
    "/endless.html": lambda h: send(h, b"<html>", "text/html", length="9" * 5000),  # past int()'s 4,300 digits
    "/moved": lambda h: send(h, b"", "text/html", status=302, Location="/plain.html"),
    "/to-file": lambda h: send(h, b"", "text/html", status=302, Location="file:///etc/passwd"),
    "/to-ftp": lambda h: send(h, b"", "text/html", status=302, Location="ftp://127.0.0.1/x"),
    "/stream.html": lambda h: send(h, CNN_PAGE, "text/html", length=None),
    "/broken": lambda h: send(h, b"", "text/html", status=500),
}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    Handler.routes = ROUTES
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def test_a_url_is_imported_with_its_canonical_address(project: Path, server: str) -> None:
    result = do_import(project, f"{server}/cnn.html", keep_html=True, allow_private_addresses=True)
    front, _ = split_article(result.article_path)
    assert front["url"].startswith("https://www.cnn.com/2021/03/08/")  # the page's canonical address
    assert front["outlet"] == "cnn"
    assert result.html_path is not None and result.html_path.read_bytes() == CNN_PAGE
    assert "Harry also criticized" in article_text(result.article_path)


def test_a_page_without_canonical_keeps_the_address_it_came_from(project: Path, server: str) -> None:
    result = do_import(project, f"{server}/moved", allow_private_addresses=True)  # redirected to /plain.html
    front, _ = split_article(result.article_path)
    assert front["url"] == f"{server}/plain.html"
    latin = do_import(project, f"{server}/latin1.html", slug="latin", allow_private_addresses=True)
    assert "débattu" in article_text(latin.article_path)  # decoded with the charset the server named
    untyped = do_import(project, f"{server}/untyped.html", slug="untyped", allow_private_addresses=True)
    assert "débattu" in article_text(untyped.article_path)


def assert_checks_clean(project: Path) -> None:
    checked = check_project(project)
    assert not checked.report.has_errors, "\n".join(map(str, checked.report.sorted()))


# --- web archives: a capture is imported as the page it copied, and kept as the article's archived copy -------

CNN_ADDRESS = "https://www.cnn.com/2021/03/08/uk/meghan-harry-oprah-interview-recap-scli-gbr-intl/index.html"
CNN_CAPTURE = f"https://web.archive.org/web/20210309010203/{CNN_ADDRESS}"
# What the Wayback Machine puts around a page it shows (abridged): its toolbar, and its own address everywhere.
WAYBACK_TOOLBAR = (
    "<!-- BEGIN WAYBACK TOOLBAR INSERT --><div id='wm-ipp-base'><div id='wm-ipp'><a href='/web/'>The Wayback "
    f"Machine</a> - {CNN_CAPTURE}<p>283 captures 08 Mar 2021 - 30 Nov 2026</p></div></div>"
    "<!-- END WAYBACK TOOLBAR INSERT -->"
)


@pytest.mark.parametrize(
    ("address", "original"),
    [
        (CNN_CAPTURE, CNN_ADDRESS),
        (f"http://web.archive.org/web/20210309010203id_/{CNN_ADDRESS}", CNN_ADDRESS),  # the copy alone
        ("https://web.archive.org/web/20210309/https:/www.cnn.com/a?b=1", "https://www.cnn.com/a?b=1"),
        ("https://web.archive.org/web/20210309/www.cnn.com/a", "http://www.cnn.com/a"),
        ("https://archive.org/web/20210309/https://www.cnn.com/a", "https://www.cnn.com/a"),
        ("https://web.archive.org/web/2021*/https://www.cnn.com/a", None),  # a calendar of captures, not one
        ("https://web.archive.org/web/20210309/javascript:alert(1)", None),
        ("https://web.archive.org/web/20210309/mailto:a@b.org", None),
        (CNN_ADDRESS, None),
    ],
)
def test_a_wayback_machine_address_names_the_page_it_copied(address: str, original: str | None) -> None:
    capture = wayback_capture(address)
    assert (capture.original if capture else None) == original
    if capture is not None:
        stamp = address.split("/web/")[1].split("/")[0].removesuffix("id_")
        assert capture.address == f"https://web.archive.org/web/{stamp}/{original}"
        assert capture.raw == f"https://web.archive.org/web/{stamp}id_/{original}"


def test_a_capture_is_downloaded_as_its_page_was_served_and_imported_as_that_page(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def fetch(address: str, timeout: float, **_: object) -> Page:
        asked.append(address)
        return Page(CNN_PAGE, address, address)

    monkeypatch.setattr(command_module, "fetch_page", fetch)
    result = do_import(project, CNN_CAPTURE)
    assert asked == [CNN_CAPTURE.replace("/20210309010203/", "/20210309010203id_/")]  # no toolbar, own links
    front, _ = split_article(result.article_path)
    assert front["url"] == CNN_ADDRESS and front["archived"] == CNN_CAPTURE
    assert front["outlet"] == "cnn"  # the outlet that published it, not the archive
    assert "Harry also criticized" in article_text(result.article_path)
    assert_checks_clean(project)


def test_a_capture_saved_from_the_archive_is_imported_as_its_page_without_the_toolbar(
    project: Path, tmp_path: Path
) -> None:
    page = CNN_PAGE.decode("utf-8").replace(f'href="{CNN_ADDRESS}"', f'href="{CNN_CAPTURE}"')
    page = page.replace(f'content="{CNN_ADDRESS}"', f'content="{CNN_CAPTURE}"')
    page = re.sub(r"(<body[^>]*>)", lambda body: body[1] + WAYBACK_TOOLBAR, page, count=1)
    saved = tmp_path / "capture.html"
    saved.write_text(page, encoding="utf-8")
    result = do_import(project, saved)
    front, body = split_article(result.article_path)
    assert front["url"] == CNN_ADDRESS and front["archived"] == CNN_CAPTURE and front["outlet"] == "cnn"
    assert "Wayback" not in body and "captures" not in body and "Harry also criticized" in body
    assert_checks_clean(project)


def test_a_page_of_its_own_gets_a_line_to_fill_in_for_its_archived_copy(project: Path, server: str) -> None:
    result = do_import(project, f"{server}/cnn.html", allow_private_addresses=True)
    front_matter = result.article_path.read_text(encoding="utf-8").split("\n---\n")[0]
    assert "\n# archived: https://web.archive.org/web/" in front_matter
    assert "archived" not in split_article(result.article_path)[0]


@pytest.mark.parametrize(
    ("path", "timeout", "message"),
    [
        ("/missing.html", 5.0, r"the server answered HTTP 404 Not Found; check the address"),
        ("/broken", 5.0, r"HTTP 500 .*try again later"),
        ("/slow.html", 0.3, r"no answer from 127\.0\.0\.1:\d+ within 0\.3 s \(use --timeout"),
        ("/report.pdf", 5.0, r"sent application/pdf, not an HTML page"),
        ("/huge.html", 5.0, r"52,428,800 bytes, more than the 10,485,760 allowed"),
        ("/endless.html", 5.0, r"the page is larger than anything, more than the 10,485,760 allowed"),
        ("/to-file", 5.0, r"redirects to file:///etc/passwd, which cannot be followed"),
        ("/to-ftp", 5.0, r"redirects to ftp://127\.0\.0\.1/x, which is not an http\(s\) address"),
    ],
)
def test_download_failures_are_clear(
    project: Path, server: str, path: str, timeout: float, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    started = time.monotonic()
    local = ["--timeout", str(timeout), "--allow-private-addresses"]  # the test server is on 127.0.0.1
    code, out, err = run(["import", f"{server}{path}", "--story", STORY, "-C", str(project), *local], capsys)
    assert time.monotonic() - started < timeout + 2
    assert code == 2 and out == ""
    assert err.startswith(f"error: {server}{path}: ") and "Traceback" not in err
    assert re.search(message, err), err
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before


def test_a_refused_connection_and_a_failed_lookup_are_named() -> None:
    with socket.socket() as probe:  # a port on 127.0.0.1 that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchFailed, match=f"127.0.0.1:{port} refused the connection"):
        fetch_page(f"http://127.0.0.1:{port}/x", 5, guard=LOCAL)
    lookup = urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))
    assert describe_network_error(lookup, "https://no-such-host.invalid/a", 5) == (
        "https://no-such-host.invalid/a: cannot find the host 'no-such-host.invalid' "
        "(DNS lookup failed: Name or service not known)"
    )
    with pytest.raises(ImportFailed, match="only http:// and https://"):
        fetch_page("ftp://127.0.0.1/x", 5)


@pytest.mark.parametrize(
    ("header", "declared"),
    [("1234", 1234), (None, None), ("", None), ("12a", None), ("\u00b2", None), ("-5", None), ("9" * 5000, 10**18)],
)
def test_a_content_length_is_a_size_only_in_ascii_digits_and_never_past_what_int_takes(
    header: str | None, declared: int | None
) -> None:
    assert _declared_length(header) == declared  # "²" is a digit to str.isdigit, and int() refuses it


def test_a_download_too_large_in_fact_is_cut_off(server: str) -> None:
    with pytest.raises(FetchFailed, match="larger than the 1,000 bytes allowed"):
        fetch_page(f"{server}/stream.html", 5, max_bytes=1000, guard=LOCAL)  # no Content-Length: counted


# --- the command -----------------------------------------------------------------------------------------


def test_the_command_prints_what_it_found_and_what_it_did_not(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.html"
    page.write_text(plain_page(), encoding="utf-8")
    code, out, err = run(["import", str(page), "--story", STORY, "-C", str(project), "--keep-html"], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"imported content/{STORY}/la-gazette-du-port-le-conseil-municipal-vote-le-budget.md (")
    assert "  outlet     la-gazette-du-port (La Gazette du Port), new: added to content/sources.yaml" in lines
    assert "  published  not found" in lines and "  authors    not found" in lines
    assert f"  kept       content/{STORY}/la-gazette-du-port-le-conseil-municipal-vote-le-budget.source.html" in lines
    annotations = f"content/{STORY}/la-gazette-du-port-le-conseil-municipal-vote-le-budget.yaml"
    assert f"  wrote      {annotations}, for its annotations" in lines
    assert lines[-1] == f"next: annotate it in {annotations}; `dossier serve` shows it as you save"
    assert "warning: the page gives no publication date" in err and "0 errors, 3 warnings" in err
    code, out, _ = run(["import", str(page), "--story", STORY, "-C", str(project), "--keep-html"], capsys)
    assert code == 0 and out.startswith("unchanged: ")
    code, out, err = run(["import", str(page), "--story", STORY, "-C", str(project), "--slug", "x", "-q"], capsys)
    assert code == 0 and out == "" and err == ""
    assert run(["check", "-C", str(project)], capsys)[0] == 0


def test_an_import_writes_the_annotations_file_new_article_writes_and_never_replaces_one(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.html"
    page.write_text(plain_page(), encoding="utf-8")
    imported = do_import(project, page, slug="port-budget")
    annotations = imported.article_path.with_suffix(".yaml")
    assert run(["new", "article", STORY, "by-hand", "--outlet", "the-week", "-C", str(project)], capsys)[0] == 0
    by_hand = (project / "content" / STORY / "by-hand.yaml").read_text(encoding="utf-8")
    assert annotations.read_text(encoding="utf-8") == by_hand.replace("by-hand.md", "port-budget.md")
    annotations.write_text("notes: []\n", encoding="utf-8")
    again = do_import(project, page, slug="port-budget", title="Le budget du port", force=True)
    assert not again.annotations_written and annotations.read_text(encoding="utf-8") == "notes: []\n"
    assert any("annotations kept" in d.message for d in again.report.warnings)
    assert (
        again.summary()[-1]
        == f"next: annotate it in content/{STORY}/port-budget.yaml; `dossier serve` shows it as you save"
    )


def test_several_pages_are_imported_in_one_run_each_reported(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = [tmp_path / "budget.html", tmp_path / "missing.html", tmp_path / "harbour.html"]
    pages[0].write_text(plain_page(), encoding="utf-8")
    pages[2].write_text(plain_page("Le port rouvre ses quais aux bateaux de pêche"), encoding="utf-8")
    code, out, err = run(["import", *map(str, pages), "--story", STORY, "-C", str(project), "-q"], capsys)
    assert (code, out) == (1, "")  # the worst of the three: one page could not be read
    assert err == f"error: {pages[1]}: no such file\n"
    stems = ["le-conseil-municipal-vote-le-budget", "le-port-rouvre-ses-quais-aux"]
    for stem in stems:
        assert (project / "content" / STORY / f"la-gazette-du-port-{stem}.md").is_file()
    code, out, _ = run(["import", str(pages[0]), str(pages[2]), "--story", STORY, "-C", str(project)], capsys)
    assert code == 0
    summary = [line for line in out.splitlines() if not line.startswith(" ")]
    article = f"content/{STORY}/la-gazette-du-port-"
    assert [line.split(" (")[0] for line in summary] == [
        f"unchanged: {article}{stems[0]}.md",
        f"next: annotate it in {article}{stems[0]}.yaml; `dossier serve` shows it as you save",
        f"unchanged: {article}{stems[1]}.md",
        f"next: annotate it in {article}{stems[1]}.yaml; `dossier serve` shows it as you save",
        "imported 2 of 2 pages",
    ]
    code, _, err = run(["import", *map(str, pages), "--slug", "x", "--story", STORY, "-C", str(project)], capsys)
    assert (code, err) == (1, "error: --slug names one article; import those pages one at a time\n")


def test_command_errors_are_one_line(project: Path, capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    page = str(corpus / "pages" / "nytimes.com.blackouts.html")
    code, out, err = run(["import", page, "--story", "flynn-kislyk", "-C", str(project)], capsys)
    assert code == 1 and out == ""
    assert err == (
        "error: there is no story 'flynn-kislyk'; did you mean 'flynn-kislyak'? (stories: flynn-kislyak); "
        "a story is a folder of content with a story.yaml\n"
    )
    code, _, err = run(["import", "www.example.com/story.html", "--story", STORY, "-C", str(project)], capsys)
    assert (
        code == 1
        and err == "error: www.example.com/story.html: no such file; did you mean https://www.example.com/story.html?\n"
    )
    code, _, err = run(["import", "--story", STORY, "-C", str(project)], capsys)
    assert code == 1 and "--from-text" in err


def test_help_lists_the_import_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["import", "--help"])
    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    options = ["--story", "--slug", "--force", "--keep-html", "--from-text", "--timeout", "--outlet", "--title"]
    for option in [*options, "--allow-private-addresses"]:
        assert option in help_text
