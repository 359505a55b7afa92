"""An article's Markdown as tokens and as the plain text readers see, with offsets between the two.

Quotes are anchored on the plain text (so a quote may cross emphasis, links and line breaks); each text
token remembers where its text starts in the plain text, so render can wrap exact character spans.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

PASSAGE_BREAK = "\n\n"
# Children of an inline token that carry text, and what each contributes to the plain text.
TEXT_TYPES = ("text", "code_inline")
BREAK_TYPES = ("softbreak", "hardbreak")


RAW_HTML_TYPES = ("html_block", "html_inline")


def make_markdown(raw_html: bool = False) -> MarkdownIt:
    """CommonMark with tables and strikethrough; raw HTML is text unless the site opts in (then sanitised)."""
    md = _SanitisingMarkdown("commonmark", {"html": True}) if raw_html else MarkdownIt("commonmark", {"html": False})
    return md.enable(["table", "strikethrough"])


# --- raw HTML, when a site opts in: sanitised by an allowlist (ammonia, through nh3) ----------------

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


class _SanitisingMarkdown(MarkdownIt):
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


@dataclass(frozen=True)
class Passage:
    """A top-level block (paragraph, heading, list, quote): the unit a reader's 'paragraph' link points to."""

    index: int
    start: int
    end: int
    line: int  # 1-based line in the .md file
    first_token: int
    last_token: int  # exclusive


@dataclass
class ArticleText:
    text: str
    tokens: list[Token]
    passages: list[Passage]
    line_starts: list[tuple[int, int]] = field(default_factory=list)  # (offset, line), sorted

    def line_of(self, offset: int) -> int:
        index = bisect.bisect_right(self.line_starts, (offset, 1 << 30)) - 1
        return self.line_starts[index][1] if index >= 0 else (self.passages[0].line if self.passages else 1)

    def passage_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._passage_starts, offset) - 1)

    @functools.cached_property
    def _passage_starts(self) -> list[int]:
        return [p.start for p in self.passages]


def top_level_blocks(tokens: list[Token]) -> list[tuple[int, int]]:
    """(first, last-exclusive) token index of each top-level block."""
    blocks: list[tuple[int, int]] = []
    depth, start = 0, 0
    for index, token in enumerate(tokens):
        if depth == 0:
            start = index
        depth += token.nesting
        if depth == 0:
            blocks.append((start, index + 1))
    return blocks


class _TextBuilder:
    def __init__(self, first_line: int) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.first_line = first_line
        self.line_starts: list[tuple[int, int]] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def add_inline(self, inline: Token) -> None:
        line = self.first_line + (inline.map[0] if inline.map else 0)
        for child in inline.children or []:
            child.meta["start"] = self.length
            if child.type in TEXT_TYPES:
                self.line_starts.append((self.length, line))
                self.add(child.content)
            elif child.type in BREAK_TYPES:
                self.add("\n")
                line += 1


def parse_article_text(md: MarkdownIt, body: str, first_line: int = 1) -> ArticleText:
    """Parse `body` (whose first line is line `first_line` of its file) into tokens and plain text."""
    tokens = md.parse(body)
    builder = _TextBuilder(first_line)
    passages: list[Passage] = []
    for first, last in top_level_blocks(tokens):
        inlines = [t for t in tokens[first:last] if t.type == "inline"]
        if not inlines:
            continue
        if passages:
            builder.add(PASSAGE_BREAK)
        start = builder.length
        for position, inline in enumerate(inlines):
            if position:
                builder.add(PASSAGE_BREAK)
            builder.add_inline(inline)
        block_map = tokens[first].map
        line = first_line + (block_map[0] if block_map else 0)
        passages.append(Passage(len(passages), start, builder.length, line, first, last))
    return ArticleText("".join(builder.parts), tokens, passages, builder.line_starts)
