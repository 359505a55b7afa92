"""Raw HTML in Markdown: shown as text unless the site opts in with `raw_html: true`, and then sanitised."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from dossier import urls
from dossier.pipeline import Built, build_project
from dossier.sanitise import sanitise_html
from dossier.text import make_markdown
from tests.security.project import ARTICLE_PAGE, small_project
from tests.security.scan import Scan, parse_html, scan_page, scan_site

# From the OWASP XSS filter evasion cheat sheet and html5sec.org: each must come out harmless.
HOSTILE_HTML = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<img src=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>',
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width: expression(alert(1))">x</div>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<style>@import 'javascript:alert(1)';</style>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<img src=x onerror=alert(1)>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<textarea></textarea><img src=x onerror=alert(1)>",
    '<a href="#" onclick="alert(1)">x</a>',
    '<p id="x" class="a&quot; onmouseover=alert(1)">x</p>',
    "<mark data-annotation=\"x' onmouseover='alert(1)\">x</mark>",
    "<template><script>alert(1)</script></template>",
    '<video><source onerror="alert(1)"></video>',
    '<a href="//evil.example/" target="_blank">x</a>',
]


def scan_fragment(html: str) -> Scan:
    scan = Scan()
    scan_page("fragment.html", f"<!DOCTYPE html><html><body>{html}</body></html>", set(), scan)
    return scan


@pytest.mark.parametrize("hostile", HOSTILE_HTML)
def test_the_sanitiser_leaves_nothing_that_runs(hostile: str) -> None:
    cleaned = sanitise_html(hostile)
    assert scan_fragment(cleaned).findings == []
    soup = BeautifulSoup(cleaned, "html5lib")
    assert not soup.find_all(["script", "style", "iframe", "object", "embed", "form", "input", "button", "meta"])
    assert not soup.find_all(["link", "base", "svg", "math", "template", "video", "source", "textarea"])
    assert "target" not in cleaned


@pytest.mark.parametrize("hostile", HOSTILE_HTML)
def test_markdown_with_raw_html_on_is_sanitised_in_blocks_and_inline(hostile: str) -> None:
    md = make_markdown(raw_html=True)
    for html in (md.render(f"Text {hostile} text.\n\n{hostile}\n"), md.renderInline(f"Text {hostile} text.")):
        assert scan_fragment(html).findings == []


def test_harmless_markup_survives_sanitising() -> None:
    md = make_markdown(raw_html=True)
    html = md.render(
        'A <b>bold</b> <abbr title="Federal Bureau">FBI</abbr> and <a href="https://example.org/x">a link</a>.\n\n'
        '<table><tr><td style="text-align: right; color: red">1</td></tr></table>\n'
    )
    soup = BeautifulSoup(html, "html5lib")
    assert [t.name for t in soup.select("b, abbr, a, td")] == ["b", "abbr", "a", "td"]
    link = soup.find("a")
    assert link is not None and link["href"] == "https://example.org/x"
    cell = soup.find("td")
    assert cell is not None and str(cell["style"]).replace(" ", "") == "text-align:right"


def test_without_the_opt_in_raw_html_is_shown_as_text() -> None:
    html = make_markdown(raw_html=False).render('<b onclick="alert(1)">x</b>\n\n<div>y</div>\n')
    soup = BeautifulSoup(html, "html5lib")
    assert not soup.find_all(["b", "div"])
    assert '<b onclick="alert(1)">x</b>' in soup.get_text()


BODY = (
    'Ada <b onclick="alert(1)">Lovelace</b> wrote the <em>first</em> '
    '<a href="javascript:alert(1)">program</a> in 1843.<script>alert(1)</script>\n\n'
    '<div onmouseover="alert(1)"><p>Block HTML, <img src=x onerror=alert(1)> sanitised.</p></div>\n\n'
    'Babbage built <span class="x" style="color:red">the engine</span>, and <textarea>Lovelace</textarea> '
    "saw it.\n"
)
SIDECAR = """\
notes:
  - quote: Lovelace wrote the first program in 1843
    note: 'Across raw inline tags: <b onclick="alert(1)">note</b> <script>alert(1)</script>'
  - quote: Babbage built the engine
    note: A highlight across a sanitised span.
corrections:
  - quote: in 1843
    correct: in 1842 <script>alert(1)</script>
"""
SUMMARY_STORY = """\
title: The Engine
summary: 'A <i>summary</i> with <script>alert(1)</script> and <a href="javascript:alert(1)" onclick="x">a link</a>.'
timeline:
  - date: 1843-01-01
    event: 'Published <img src=x onerror=alert(1)><b>then</b>.'
claims:
  - id: first-program
    claim: Lovelace wrote the first published program.
    claimant: gazette
    verdict: mostly-true
"""


@pytest.fixture(scope="module")
def raw_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = small_project(
        tmp_path_factory.mktemp("raw"), BODY, SIDECAR, config="raw_html: true\n", story=SUMMARY_STORY
    )
    built = build_project(project)
    assert not built.report.has_errors, [str(d) for d in built.report.sorted()]
    return built


def page(built: Built, path: str) -> BeautifulSoup:
    assert built.output_dir is not None
    return parse_html((built.output_dir / path).read_text(encoding="utf-8"))


def test_an_opted_in_site_has_no_executable_markup(raw_build: Built) -> None:
    assert raw_build.output_dir is not None
    assert scan_site(raw_build.output_dir).findings == []


def test_allowed_raw_html_is_kept_in_the_article(raw_build: Built) -> None:
    article = page(raw_build, ARTICLE_PAGE)
    bold = article.select_one(".passage-text b")
    assert bold is not None and not bold.attrs
    for label in bold.select(".hl-ref"):  # the label of the highlight that starts in it ("editor's note 1")
        label.decompose()
    assert bold.get_text() == "Lovelace"
    assert article.select_one(".passage-text a:not([class])") is not None  # the link stays, without its href
    assert not article.select('.passage-text a[href^="javascript"]')
    assert not article.select(".passage-text textarea, .passage-text script")


def test_highlights_still_wrap_exactly_their_quotes_across_raw_html(raw_build: Built) -> None:
    article = page(raw_build, ARTICLE_PAGE)
    assert raw_build.checked.dossier is not None
    annotations = raw_build.checked.dossier.articles["article"].annotations
    assert all(a.anchor is not None and a.anchor.method == "exact" for a in annotations)
    for annotation in annotations:
        pieces = [p for p in article.select(f'[data-annotation="{annotation.id}"]') if p.name in ("mark", "del")]
        assert pieces, annotation.id
        assert " ".join("".join(p.get_text() for p in pieces).split()) == annotation.selector.exact
        assert pieces[0].get("id") == annotation.id  # the first piece keeps the id the margin note links to
    mentions = article.select(".passage-text a.mention")  # "Ada <b>Lovelace</b>": one mention, in two pieces
    assert "".join(m.get_text() for m in mentions[:2]) == "Ada Lovelace"
    assert all(str(m["href"]).endswith(urls.person_path("ada-lovelace")) for m in mentions)


def test_markdown_fields_are_sanitised_too(raw_build: Built) -> None:
    story = page(raw_build, urls.story_path("engine"))
    summary = story.select_one(".summary")
    assert summary is not None and summary.find("i") is not None
    assert summary.find("script") is None
    link = summary.find("a")
    assert link is not None and not link.get("href") and not link.get("onclick")
    event = story.select_one(".timeline .event")
    assert event is not None and event.find("b") is not None and event.find("img") is not None
    assert not event.find("img").get("onerror")  # type: ignore[union-attr]


def test_raw_html_without_the_opt_in_is_text_on_the_page(tmp_path: Path) -> None:
    built = build_project(small_project(tmp_path, BODY, story=SUMMARY_STORY))
    assert not built.report.has_errors, [str(d) for d in built.report.sorted()]
    article = page(built, ARTICLE_PAGE)
    passage = article.select_one(".passage-text")
    assert passage is not None and not passage.find(["b", "script", "div", "img"])
    assert '<b onclick="alert(1)">' in passage.get_text()
    assert built.output_dir is not None and scan_site(built.output_dir).findings == []
