"""Raw HTML in Markdown, when a site opts in (`raw_html: true`): kept, and sanitised by an allowlist.

The sanitiser is ammonia's, through nh3: an allowlist written by hand would be the weakest part of the site.
Everything outside the allowlist goes (scripts, styles, forms, frames, embeds, SVG, MathML, event handlers,
URLs other than http(s) and mailto); see SECURITY.md, section 2, for what is promised and tested.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

RAW_HTML_TYPES = ("html_block", "html_inline")


# What Markdown itself makes, plus plain text-level and structural elements. No scripts, styles, forms,
# frames, embeds, SVG or MathML; no obsolete elements (the W3C checker refuses them).
_ALLOWED_TAGS = {
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s",
    "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "time", "tr", "u", "ul", "var", "wbr",
}  # fmt: skip
# Elements dropped with everything inside them: their text is code, or is not shown as text.
_DROPPED_WITH_CONTENT = {
    "script", "style", "textarea", "title", "xmp", "noscript", "noembed", "noframes", "iframe", "plaintext",
    "template", "object", "embed", "svg", "math", "select",
}  # fmt: skip
# The highlights' own markup (dossier.render.body) passes too: classes, ids and data-annotation/-note,
# each restricted to plain word characters by _keep_attribute.
_ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "hreflang", "aria-label", "data-annotation", "data-note"},
    "mark": {"data-annotation", "data-note"},
    "del": {"data-annotation", "data-note", "cite", "datetime"},
    "ins": {"cite", "datetime"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "time": {"datetime"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
_WORDS_ONLY = re.compile(r"[A-Za-z0-9_-]+\Z")


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [name for name in value.split() if _WORDS_ONLY.match(name)]
        return " ".join(kept) or None
    if attribute in ("id", "data-annotation", "data-note"):
        return value if _WORDS_ONLY.match(value) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=_ALLOWED_TAGS,
    clean_content_tags=_DROPPED_WITH_CONTENT,
    attributes=_ALLOWED_ATTRIBUTES,
    attribute_filter=_keep_attribute,
    strip_comments=True,
    link_rel=None,
    url_schemes={"http", "https", "mailto"},
    filter_style_properties={"text-align"},
)


def sanitise_html(html: str) -> str:
    """`html` with everything outside the allowlist removed: no script, no event handlers, no unsafe URLs."""
    return _CLEANER.clean(html)


def has_raw_html(tokens: Sequence[Token]) -> bool:
    """True when the tokens (or the inline tokens inside them) hold raw HTML written in the Markdown."""
    return any(t.type in RAW_HTML_TYPES or (t.children and has_raw_html(t.children)) for t in tokens)


class SanitisingMarkdown(MarkdownIt):
    """MarkdownIt that keeps raw HTML but sanitises the HTML of any text that holds some."""

    def render(self, src: str, env: Any = None) -> Any:
        env = {} if env is None else env
        tokens = self.parse(src, env)
        html = self.renderer.render(tokens, self.options, env)
        return sanitise_html(html) if has_raw_html(tokens) else html

    def renderInline(self, src: str, env: Any = None) -> Any:
        env = {} if env is None else env
        tokens = self.parseInline(src, env)
        html = self.renderer.render(tokens, self.options, env)
        return sanitise_html(html) if has_raw_html(tokens) else html
