"""An article's body as HTML with every annotation wrapped around exactly the text it quotes.

Highlights are character spans of the plain text (see dossier.text). Each run of text is wrapped in the
spans that cover it, innermost inside inline elements, so a highlight that crosses emphasis or a link is
split and re-opened there and the HTML stays well nested. Corrections strike the wrong text and insert
the correct text after it. A block holding raw HTML (only when the site opts in) is sanitised as a whole,
highlights included, so the allowlist in dossier.text lets the highlights' own markup through.

What a highlight carries besides its text (the control that names it and leads to its note, an inserted
correction) goes outside every highlight, so each highlight's text stays exactly its quote.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from dossier.sanitise import has_raw_html, sanitise_html
from dossier.text import BREAK_TYPES, TEXT_TYPES, ArticleText, top_level_blocks


@dataclass(frozen=True)
class Span:
    """A range of the plain text to wrap in `open_tag`/`close_tag`, with `before` and `after` inserted around it."""

    start: int
    end: int
    open_tag: str
    close_tag: str
    first_open_tag: str = ""  # the tag of its first piece (carries the id other pages link to)
    before: str = ""  # HTML inserted once, before the span's first character (outside every highlight)
    after: str = ""  # HTML inserted once, after the span's last character
    is_link: bool = False  # may not be nested inside another link
    order: int = 0

    def nesting_key(self) -> tuple[int, int, int]:
        return (self.start, -self.end, self.order)


@dataclass
class RenderedPassage:
    index: int  # -1 for blocks without text (rules, code)
    html: str


@dataclass
class _SpanSweep:
    """The spans touching each run of text, found by sweeping once through the spans sorted by start.

    Runs of text come in reading order, so a span is taken up once and dropped once it ends: a body with
    ten thousand highlights is not scanned in full for every run. A run out of order starts the sweep over.
    """

    spans: Sequence[Span]  # sorted by start
    taken: int = 0  # spans[:taken] have been taken up
    active: list[Span] = field(default_factory=list)  # taken up and not yet ended, in the order of `spans`
    position: int = 0

    def touching(self, start: int, end: int) -> list[Span]:
        if start < self.position:
            self.taken, self.active = 0, []
        self.position = start
        while self.taken < len(self.spans) and self.spans[self.taken].start < end:
            self.active.append(self.spans[self.taken])
            self.taken += 1
        self.active = [s for s in self.active if s.end > start]
        return [s for s in self.active if s.start < end]


@dataclass
class _InlineState:
    sweep: _SpanSweep
    started: set[int]  # ids of spans whose first piece is written, shared by every block of the body
    introduced: set[int]  # ids of spans whose `before` is written
    out: list[str] = field(default_factory=list)
    open: list[Span] = field(default_factory=list)
    link_depth: int = 0
    pending_after: list[str] = field(default_factory=list)

    def close_to(self, keep: int) -> None:
        while len(self.open) > keep:
            self.out.append(self.open.pop().close_tag)

    def open_span(self, span: Span) -> None:
        first = id(span) not in self.started and span.first_open_tag
        self.out.append(span.first_open_tag if first else span.open_tag)
        self.started.add(id(span))
        self.open.append(span)

    def wrap(self, wanted: list[Span]) -> None:
        shared = 0
        while shared < min(len(self.open), len(wanted)) and self.open[shared] is wanted[shared]:
            shared += 1
        self.close_to(shared)
        for span in wanted[shared:]:
            self.open_span(span)

    def flush_after(self) -> None:
        if self.link_depth == 0 and self.pending_after:
            self.out.extend(self.pending_after)
            self.pending_after.clear()


def _without_nested_links(spans: list[Span], inside_link: bool) -> list[Span]:
    """HTML forbids a link inside a link: keep only the outermost link span, and none inside a Markdown link."""
    kept: list[Span] = []
    has_link = inside_link
    for span in spans:
        if span.is_link:
            if has_link:
                continue
            has_link = True
        kept.append(span)
    return kept


class HighlightRenderer(RendererHTML):
    """markdown-it's HTML renderer, with text runs wrapped in the spans of `env["sweep"]` (or `env["spans"]`)."""

    def renderInline(self, tokens: Sequence[Token], options: OptionsDict, env: Any) -> str:
        sweep = env.setdefault("sweep", _SpanSweep(sorted(env.get("spans", ()), key=Span.nesting_key)))
        state = _InlineState(sweep, env.setdefault("started", set()), env.setdefault("introduced", set()))
        for index, token in enumerate(tokens):
            if token.type in TEXT_TYPES or token.type in BREAK_TYPES:
                self._render_text(tokens, index, options, env, state)
                continue
            state.close_to(0)
            if token.type == "link_close":
                state.link_depth -= 1
            rule: Callable[..., str] | None = self.rules.get(token.type)
            state.out.append(
                rule(tokens, index, options, env) if rule else self.renderToken(tokens, index, options, env)
            )
            if token.type == "link_open":
                state.link_depth += 1
            state.flush_after()
        state.close_to(0)
        state.link_depth = 0
        state.flush_after()
        return "".join(state.out)

    def _render_text(
        self, tokens: Sequence[Token], index: int, options: OptionsDict, env: Any, state: _InlineState
    ) -> None:
        token = tokens[index]
        start = token.meta.get("start")
        rule = self.rules[token.type]
        if start is None:
            state.close_to(0)
            state.out.append(rule(tokens, index, options, env))
            return
        content = "\n" if token.type in BREAK_TYPES else token.content
        end = start + len(content)
        touching = state.sweep.touching(start, end)
        if not touching:
            state.close_to(0)
            state.out.append(rule(tokens, index, options, env))
            return
        cuts = sorted({start, end, *(p for s in touching for p in (s.start, s.end) if start < p < end)})
        for left, right in itertools.pairwise(cuts):
            self._introduce(touching, left, state)
            wanted = _without_nested_links(
                sorted((s for s in touching if s.start <= left and s.end >= right), key=Span.nesting_key),
                inside_link=state.link_depth > 0,
            )
            state.wrap(wanted)
            piece = content[left - start : right - start]
            state.out.append(rule(tokens, index, options, env) if token.type in BREAK_TYPES else escapeHtml(piece))
            ending = [s.after for s in touching if s.end == right and s.after]
            if ending:
                # Note markers and inserted corrections go outside every highlight, so each highlight's text
                # stays exactly its quote; the highlights still open are re-opened after them.
                state.close_to(0)
                state.pending_after.extend(ending)
            state.flush_after()

    @staticmethod
    def _introduce(touching: list[Span], left: int, state: _InlineState) -> None:
        """Write the `before` of the spans that start at `left`, outermost first, outside every highlight (after
        the Markdown link it would fall in: a link may not hold another)."""
        starting = sorted(
            (s for s in touching if s.before and s.start <= left and id(s) not in state.introduced),
            key=Span.nesting_key,
        )
        if not starting:
            return
        state.introduced.update(id(s) for s in starting)
        state.close_to(0)
        if state.link_depth:
            state.pending_after.extend(s.before for s in starting)
        else:
            state.out.extend(s.before for s in starting)


def render_body(md: MarkdownIt, text: ArticleText, spans: Sequence[Span]) -> list[RenderedPassage]:
    """The body block by block; blocks with text are numbered as in `text.passages`."""
    renderer = HighlightRenderer(md)
    env: dict[str, Any] = {"sweep": _SpanSweep(sorted(spans, key=Span.nesting_key))}
    by_first_token = {p.first_token: p.index for p in text.passages}
    rendered = []
    tokens = text.tokens  # parsed again at each read where the build cache gave the text (anchor/stage.py)
    for first, last in top_level_blocks(tokens):
        block = tokens[first:last]
        html = renderer.render(block, md.options, env)
        if md.options.get("html") and has_raw_html(block):
            html = sanitise_html(html)  # the site opted in to raw HTML: keep only what the allowlist allows
        rendered.append(RenderedPassage(by_first_token.get(first, -1), html))
    return rendered
