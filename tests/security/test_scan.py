"""The scanner itself: it must see every kind of executable markup the injection tests look for."""

from __future__ import annotations

import pytest

from tests.security.scan import Scan, scan_page, url_scheme


def scan(body: str, head: str = "", present: frozenset[str] = frozenset()) -> Scan:
    result = Scan()
    page = f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"
    scan_page("stories/s/index.html", page, set(present), result)
    return result


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        '<script src="https://evil.example/x.js"></script>',
        '<script src="../../elsewhere/x.js"></script>',
        '<img src=x onerror="alert(1)">',
        "<p title='x' onmouseover='alert(1)'>x</p>",
        '<p title="&quot;"><img src=x onerror=alert(1)>">x</p>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="  JaVa&#x09;ScRiPt:alert(1)">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
        '<img srcset="ok.png 1x, javascript:alert(1) 2x">',
        '<form action="javascript:alert(1)"></form>',
        '<button formaction="javascript:alert(1)">x</button>',
        "<iframe></iframe>",
        "<svg><script>alert(1)</script></svg>",
        "<svg onload=alert(1)></svg>",
        '<div style="background:url(javascript:alert(1))">x</div>',
        '<script type="application/ld+json">{"a": "</script><script>alert(1)</script>"}</script>',
        '<script type="application/ld+json">{"a": "<!--"}</script>',
        '<script type="application/ld+json">{not json}</script>',
        "<title></title><textarea></textarea>x</title><script>alert(1)</script>",
    ],
)
def test_the_scanner_finds_executable_markup(body: str) -> None:
    result = scan(body)
    # Inline scripts are kept aside, to be compared with the clean site's (the theme's own are allowed).
    assert result.findings or result.inline_scripts == {"alert(1)"}


@pytest.mark.parametrize(
    "head",
    ['<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', '<base href="https://evil.example/">'],
)
def test_the_scanner_looks_in_the_head(head: str) -> None:
    assert scan("", head).findings


def test_the_themes_own_scripts_and_json_ld_are_allowed() -> None:
    body = (
        '<script src="../../static/dossier.js" defer></script>'
        '<script type="application/ld+json">{"name": "a \\u003c/script\\u003e"}</script>'
        '<a href="https://example.org/">x</a> <a href="mailto:a@example.org">m</a> <a href="#note-1">n</a>'
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="">'
    )
    result = scan(body, present=frozenset({"static/dossier.js"}))
    assert result.findings == []
    assert ("script", "src") in result.shapes


@pytest.mark.parametrize(
    ("url", "scheme"),
    [("javascript:x", "javascript"), (" \tJaVa\nScript:x", "javascript"), ("../x:y", ""), ("https://a", "https")],
)
def test_url_schemes_are_read_as_a_browser_reads_them(url: str, scheme: str) -> None:
    assert url_scheme(url) == scheme
