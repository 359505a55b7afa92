"""Links between output paths: the fast relative path agrees with posixpath.relpath."""

from __future__ import annotations

import posixpath

from hypothesis import assume, given
from hypothesis import strategies as st

from dossier.urls import relative_url

SEGMENT = st.sampled_from(["index.html", "people", "stories", "a", "b", "compare", "a--b", "x.css", "..", ".", ""])
PATH = st.lists(SEGMENT, min_size=1, max_size=5).map("/".join)


@given(PATH, PATH)
def test_relative_url_is_posix_relpath(from_path: str, to_path: str) -> None:
    assume(to_path and to_path != from_path)
    expected = posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")
    assert relative_url(from_path, to_path) == expected


def test_links_between_pages() -> None:
    assert relative_url("people/a/index.html", "people/b/index.html") == "../b/index.html"
    assert relative_url("index.html", "people/index.html") == "people/index.html"
    assert relative_url("stories/s/a/index.html", "stories/s/a/index.html#p3") == "#p3"
    assert relative_url("stories/s/compare/a--b/index.html", "static/x.css") == "../../../../static/x.css"
