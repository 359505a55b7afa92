"""An article's Markdown as tokens and as the plain text readers see, with offsets between the two.

Quotes are anchored on the plain text (so a quote may cross emphasis, links and line breaks); each text
token remembers where its text starts in the plain text, so render can wrap exact character spans.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from dossier.sanitise import SanitisingMarkdown
from dossier.slotted import Slotted

PASSAGE_BREAK = "\n\n"
# How much Markdown an article may hold. markdown-it reads plain text at about 0.01 µs a character, but spends
# 1 to 35 µs on each character that may be markup (a run of `![` or `*_`, the pipes of a wide table) and 10 to
# 60 µs on each line: at these budgets an article is read in a few seconds however it is written.
MAX_LINES = 50_000
MAX_MARKUP_CHARACTERS = 100_000
MARKUP_CHARACTERS = "!#$%&*+-:<=>@[\\]^_`{}~|"  # where markdown-it stops to try its rules, and table pipes
_MARKUP = re.compile(f"[{re.escape(MARKUP_CHARACTERS)}]")
# Children of an inline token that carry text, and what each contributes to the plain text.
TEXT_TYPES = ("text", "code_inline")
BREAK_TYPES = ("softbreak", "hardbreak")


def make_markdown(raw_html: bool = False) -> MarkdownIt:
    """CommonMark with tables and strikethrough; raw HTML is text unless the site opts in (then sanitised)."""
    md = SanitisingMarkdown("commonmark", {"html": True}) if raw_html else MarkdownIt("commonmark", {"html": False})
    return md.enable(["table", "strikethrough"])


@dataclass(frozen=True, slots=True)
class Passage(Slotted):
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


def markdown_budget_problem(body: str) -> tuple[int, str] | None:
    """Where (an offset in `body`) and why the body is more Markdown than an article may hold, or None."""
    lines = body.count("\n") + 1
    if lines > MAX_LINES:
        offset = _nth(re.finditer("\n", body), MAX_LINES) + 1
        return offset, f"the article has {lines:,} lines, more than the {MAX_LINES:,} an article may have; split it"
    markup = sum(map(body.count, MARKUP_CHARACTERS))
    if markup > MAX_MARKUP_CHARACTERS:
        offset = _nth(_MARKUP.finditer(body), MAX_MARKUP_CHARACTERS + 1)
        return offset, (
            f"the article has {markup:,} characters Markdown may read as markup ({' '.join(MARKUP_CHARACTERS)}), "
            f"more than the {MAX_MARKUP_CHARACTERS:,} an article may have, and passes them here; Markdown this dense "
            "takes too long to read: remove the run of markup, or split the article"
        )
    return None


def _nth(matches: Iterator[re.Match[str]], n: int) -> int:
    """Where the `n`th (from 1) of `matches` starts."""
    return next(itertools.islice(matches, n - 1, None)).start()


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
