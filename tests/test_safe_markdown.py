"""The safe writer (dossier/importer/safe_markdown/): untrusted HTML and text in, Markdown that renders as
exactly its text out, with no raw HTML and no link but http(s) and mailto.

The writer is a security boundary: these tests hold it to its promises on its own, without a page, a
project or a build (tests/test_importer.py imports real pages end to end).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from dossier.importer.safe_markdown import blocks_of, check_markdown_is_safe, safe_url, text_blocks
from dossier.text import make_markdown, parse_article_text


def written(html: str) -> str:
    """The Markdown the writer makes of an HTML fragment."""
    fragment = lxml_html.fragment_fromstring(html, create_parent="div")
    return "\n\n".join(block.markdown for block in blocks_of(fragment))


def rendered_text(markdown: str) -> str:
    """The text a reader sees of the Markdown (what annotations quote)."""
    return parse_article_text(make_markdown(), markdown).text


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(
            st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn")),
            st.sampled_from("\n*_`[]()<>&#;!|~\\-+=.1 "),
        ),
        max_size=80,
    )
)
def test_any_text_renders_as_exactly_itself(text: str) -> None:
    blocks = text_blocks(text)
    markdown = "\n\n".join(block.markdown for block in blocks)
    check_markdown_is_safe(markdown)
    assert " ".join(rendered_text(markdown).split()) == " ".join(text.split())


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<p>more than <em>12,500</em> <em>cameras</em> in</p>", "more than *12,500* *cameras* in"),
        (
            "<p><b>UCLA students</b> <a href='https://a.b/'>raised</a> worries</p>",
            "**UCLA students** [raised](https://a.b/) worries",
        ),
        ("<p>a<b> spaced </b>b</p>", "a **spaced** b"),
        ("<p><b>33%</b>of those</p>", "33%of those"),  # not bold in Markdown: written as plain text
        ("<p>x<b>**</b>y and <em><b>both</b></em></p>", "x\\*\\*y and *both*"),
        ("<p>a<br>b<br><br>c</p>", "a\\\nb\\\nc"),
        ("<p><code>a `tick` here</code></p>", "``a `tick` here``"),
        ("<p><a href='https://a.b/'><img src='x.png'></a>Caption</p>", "Caption"),
        ("<ol><li>one</li><li>two<ul><li>sub</li></ul></li></ol>", "1. one\n\n2. two\n\n   - sub"),
        ("<blockquote><p>q1</p><p>q2</p></blockquote>", "> q1\n>\n> q2"),
        ("<h1>Title ##</h1>", "## Title \\##"),
        ("<table><tr><th>a|b</th><th>c</th></tr><tr><td>1</td></tr></table>", "| a\\|b | c |\n| --- | --- |\n| 1 |  |"),
        ("<pre>code ```\n  indented</pre>", "````\ncode ```\n  indented\n````"),
    ],
)
def test_html_is_written_as_markdown(html: str, markdown: str) -> None:
    assert written(html) == markdown
    check_markdown_is_safe(written(html))


@pytest.mark.parametrize(
    "html",
    [
        # Found by the property test below: the fences of two spans side by side ran together (`a```b``),
        # which ended the first span early and let the escaped <script> out as raw HTML.
        "<p><code>plain words</code><code>*a* _b_ `c`&lt;script&gt;alert(1)&lt;/script&gt;</code></p>",
        "<p><code>a</code><kbd>`b`</kbd><code> </code><samp>``&lt;i&gt;``</samp></p>",
        "<p><code>a</code><b></b><code>`&lt;i&gt;`</code></p>",
    ],
)
def test_code_spans_side_by_side_stay_code(html: str) -> None:
    markdown = written(html)
    check_markdown_is_safe(markdown)
    fragment = lxml_html.fragment_fromstring(html, create_parent="div")
    assert rendered_text(markdown) == "".join(fragment.itertext())


def test_only_http_and_mailto_links_survive() -> None:
    assert safe_url("https://example.org/a b(c)") == "https://example.org/a%20b%28c%29"
    assert safe_url("HTTP://Example.org/") == "http://Example.org/"
    assert safe_url("mailto:letters@example.org") == "mailto:letters@example.org"
    assert safe_url("mailto:letters@example.org", http_only=True) is None
    assert safe_url("https://bücher.example/ä") == "https://xn--bcher-kva.example/%C3%A4"
    for bad in ("javascript:alert(1)", "data:text/html,x", "/relative", "//evil.example/x", "ftp://x.y/", "https://"):
        assert safe_url(bad) is None, bad


# Hostile pieces for generated pages: text that looks like Markdown or HTML, and links of every kind.
HOSTILE_TEXT = st.sampled_from(
    ["plain words", "<script>alert(1)</script>", "[x](javascript:alert(2))", "*a* _b_ `c`", "# head", "1. item",
     "&lt;b&gt;", "&amp;copy;", "| cell |", "~~s~~", "\\", "> quote", "- dash", "<img src=x onerror=alert(3)>",
     "![i](https://evil.example/x.png)", "<https://evil.example/>", "   ",
     "\u00e9t\u00e9 \u0421\u0435\u0440\u0433\u0435\u0439"]
)  # fmt: skip
HREFS = st.sampled_from(
    ["https://example.org/a", "javascript:alert(4)", " JaVaScRiPt:alert(5)", "data:text/html,x", "vbscript:x",
     "/relative", "//evil.example/x", "mailto:a@example.org", "https://example.org/a b(c)", "&#106;avascript:x"]
)  # fmt: skip
INLINE_TAGS = ["b", "strong", "i", "em", "code", "span", "kbd", "sup"]
BLOCK_TAGS = ["p", "h1", "h3", "blockquote", "div", "pre", "li", "td"]


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _inline_html() -> st.SearchStrategy[str]:
    leaf = HOSTILE_TEXT.map(_escaped)
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.tuples(st.sampled_from(INLINE_TAGS), st.lists(inner, max_size=3)).map(
                lambda t: f"<{t[0]}>{''.join(t[1])}</{t[0]}>"
            ),
            st.tuples(HREFS, st.lists(inner, max_size=2)).map(
                lambda t: f'<a href="{_escaped(t[0])}">{"".join(t[1])}</a>'
            ),
            st.just("<br>"),
            st.just('<img src="x" onerror="alert(6)">'),
            st.just("<script>alert(7)</script>"),
        ),
        max_leaves=8,
    )


def _page_html() -> st.SearchStrategy[str]:
    block = st.tuples(st.sampled_from(BLOCK_TAGS), st.lists(_inline_html(), max_size=3)).map(
        lambda t: f"<{t[0]}>{''.join(t[1])}</{t[0]}>"
    )
    lists = st.lists(block, min_size=1, max_size=3).map(lambda items: f"<ul>{''.join(items)}</ul>")
    tables = st.lists(block, min_size=1, max_size=3).map(lambda cells: f"<table><tr>{''.join(cells)}</tr></table>")
    return st.lists(st.one_of(block, lists, tables), min_size=1, max_size=4).map("".join)


@settings(max_examples=300, deadline=None)
@given(_page_html())
def test_any_page_gives_markdown_with_no_html_and_only_safe_links(html: str) -> None:
    check_markdown_is_safe(written(html))


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        "text with <b>inline</b> HTML",
        "[a link](/relative)",
        "![an image](https://example.org/x.png)",
    ],
)
def test_the_proof_refuses_html_images_and_other_links(markdown: str) -> None:
    with pytest.raises(AssertionError):
        check_markdown_is_safe(markdown)


def test_the_proof_accepts_http_and_mailto_links() -> None:
    check_markdown_is_safe(
        "[a](https://example.org/) [b](http://x.example/) [c](mailto:a@example.org) <https://y.example/>"
    )
