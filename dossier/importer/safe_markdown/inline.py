"""The inline content of one block, written as Markdown that renders as exactly the page's text.

Text, emphasis, code spans, line breaks and links are collected as pieces, then written: every character
that Markdown would read as syntax is escaped, emphasis is written only where CommonMark will read it as
emphasis (else it is left out, and its text stays), and a link is kept only to an address `safe_url` accepts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from lxml.etree import _Element

from dossier.schema import SAFE_URL

SKIPPED_TAGS = {"graphic", "img", "figure-img", "comments", "script", "style", "noscript", "template", "svg", "hr"}
BOLD = {"b", "strong"}
ITALIC = {"i", "em", "cite", "dfn", "var"}
INLINE_CODE = {"code", "kbd", "samp", "tt"}
LINK_TAGS = {"ref", "a"}
BREAK_TAGS = {"lb", "br"}

# Characters that are Markdown syntax anywhere in a line (CommonMark plus tables and strikethrough).
INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<|~])")
ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# What makes a line start a block: heading, quote, list item, thematic break, setext underline.
LINE_START = re.compile(r"^(#|>|[-+=]|\d{1,9}(?=[.)]))")
WHITESPACE = re.compile(r"[ \t\r\n\f\v]+")
URL_SAFE = "/?#[]@!$&'*+,;=%~-._:"  # kept as they are in an address; anything else is percent-encoded
MARKS = ("open", "close", "link", "end")  # pieces that take no room in the text


def escape_text(text: str) -> str:
    """Text as Markdown that renders as exactly this text and nothing else."""
    return ENTITY_LIKE.sub(r"\\&", INLINE_SPECIAL.sub(r"\\\1", text))


def escape_line_starts(markdown: str) -> str:
    """Escape what would make a line of a paragraph start a heading, quote, list or rule."""
    lines = []
    for line in markdown.split("\n"):
        match = LINE_START.match(line)
        if match:
            end = match.end()
            line = line[:end] + "\\" + line[end:] if match.group(1)[0].isdigit() else "\\" + line
        lines.append(line)
    return "\n".join(lines)


def safe_url(url: str, http_only: bool = False) -> str | None:
    """The address if it is an absolute http(s) (or, for links, mailto:) one, percent-encoded; else None."""
    url = url.strip()
    if not url or any(unicodedata.category(c) in ("Cc", "Cf") for c in url):
        return None
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https") and hostname:
        netloc = parts.netloc
        if not netloc.isascii():
            try:
                netloc = netloc.replace(hostname, hostname.encode("idna").decode("ascii"))
            except UnicodeError:
                return None
        rest = url[len(parts.scheme) + 3 + len(parts.netloc) :]
        encoded = f"{scheme}://{netloc}{quote(rest, safe=URL_SAFE)}"
        return encoded if SAFE_URL.match(encoded) else None
    if scheme == "mailto" and not http_only and "@" in parts.path:
        return "mailto:" + quote(url[len("mailto:") :], safe=URL_SAFE)
    return None


@dataclass
class _Piece:
    """A piece of inline content before it is written: text, an emphasis mark, a link end, a break."""

    kind: str  # "text", "open", "close", "link", "end", "code", "break"
    value: str = ""
    pair: int = -1  # emphasis: the index of the other mark


class Inline:
    """Collects the inline content of one block, then writes it as Markdown."""

    def __init__(self) -> None:
        self.pieces: list[_Piece] = []
        self.emphasis = 0  # depth: nested emphasis is written as plain text
        self.link = 0
        self.links: list[str] = []  # what `write` linked to
        self.link_chars = 0  # and how many characters of text it linked

    def text(self, text: str | None) -> None:
        if text:
            self.pieces.append(_Piece("text", text))

    def element(self, element: _Element) -> None:
        tag = tag_name(element)
        if tag in SKIPPED_TAGS:
            self.text(element.tail)
            return
        mark = _emphasis(element)
        if tag in BREAK_TAGS:
            self.pieces.append(_Piece("break"))
        elif tag in INLINE_CODE or (tag == "hi" and element.get("rend") == "#t"):
            self.pieces.append(_Piece("code", "".join(element.itertext())))
        elif tag in LINK_TAGS:
            self._link(element)
        elif tag == "hi" and not "".join(element.itertext()).strip():
            self.text(" ")  # trafilatura empties a <b> </b> that stood for a space
        elif mark and not self.emphasis and not self.link:
            self.emphasis += 1
            self.pieces.append(_Piece("open", mark))
            self.children(element)
            self.pieces.append(_Piece("close", mark))
            self.emphasis -= 1
        else:
            self.children(element)
        self.text(element.tail)

    def children(self, element: _Element) -> None:
        self.text(element.text)
        for child in element:
            if isinstance(child.tag, str):
                self.element(child)
            else:
                self.text(child.tail)  # a comment or processing instruction: only its tail is text

    def _link(self, element: _Element) -> None:
        url = safe_url(element.get("target") or element.get("href") or "")
        if url is None or self.link:
            self.children(element)
            return
        self.link += 1
        start = len(self.pieces)
        self.pieces.append(_Piece("link"))
        self.children(element)
        if any(p.kind in ("text", "code") and p.value.strip() for p in self.pieces[start + 1 :]):
            self.pieces.append(_Piece("end", url))
        else:
            del self.pieces[start]  # a link with no text (an image link): nothing to show
        self.link -= 1

    def write(self, single_line: bool = False, line_starts: bool = True) -> tuple[str, str]:
        """(Markdown, plain text) of the collected content; `line_starts`: escape what would start a block."""
        pieces = self._normalised(single_line)
        self._drop_unusable_emphasis(pieces)
        markdown: list[str] = []
        plain: list[str] = []
        link_start: int | None = None
        code_run: tuple[int, int, str] | None = None  # where the last code span was written, and its text
        for piece in pieces:
            if piece.kind == "text":
                markdown.append(escape_text(piece.value))
                plain.append(piece.value)
            elif piece.kind in ("open", "close"):
                markdown.append(piece.value)
            elif piece.kind == "link":
                markdown.append("[")
                link_start = len("".join(plain))
            elif piece.kind == "end":
                markdown.append(f"]({piece.value})")
                self.links.append(piece.value)
                self.link_chars += len("".join(plain)) - (link_start or 0)
            elif piece.kind == "code":
                if code_run is not None:
                    # Spans side by side would run their fences together (`a```b``): write them as one.
                    markdown_at, plain_at, value = code_run
                    markdown[markdown_at], plain[plain_at] = "", ""
                    piece = _Piece("code", value + piece.value)
                code_run = (len(markdown), len(plain), piece.value)
                markdown.append(code_span(piece.value))
                plain.append(" ".join(piece.value.split("\n")))
                continue
            elif piece.kind == "break":
                markdown.append("\\\n")
                plain.append("\n")
            if markdown and markdown[-1]:
                code_run = None
        written = "".join(markdown)
        return (escape_line_starts(written) if line_starts else written), "".join(plain)

    def _normalised(self, single_line: bool) -> list[_Piece]:
        """Whitespace collapsed and trimmed at the ends of lines; spaces moved out of emphasis and links."""
        pieces: list[_Piece] = []
        for piece in self.pieces:
            if piece.kind == "break" and single_line:
                piece = _Piece("text", " ")
            if piece.kind != "text":
                pieces.append(_Piece(piece.kind, piece.value))
                continue
            value = WHITESPACE.sub(" ", piece.value)
            core = value.strip(" ")
            if value.startswith(" "):
                pieces.append(_Piece("space"))
            if core:
                pieces.append(_Piece("text", core))
                if value.endswith(" "):
                    pieces.append(_Piece("space"))
        changed = True
        while changed:  # "** bold **" is not bold in Markdown: "**bold**" is
            changed = False
            for index in range(len(pieces) - 1):
                first, second = pieces[index], pieces[index + 1]
                if (first.kind in ("open", "link") and second.kind == "space") or (
                    first.kind == "space" and second.kind in ("close", "end")
                ):
                    pieces[index], pieces[index + 1] = second, first
                    changed = True
        pieces = _collapse(pieces)
        pieces = list(reversed(_collapse(list(reversed(pieces)))))
        result = [_Piece("text", " ") if piece.kind == "space" else piece for piece in pieces]
        stack: list[int] = []
        for index, piece in enumerate(result):
            if piece.kind == "open":
                stack.append(index)
            elif piece.kind == "close" and stack:
                opening = stack.pop()
                piece.pair, result[opening].pair = opening, index
        return result

    @staticmethod
    def _drop_unusable_emphasis(pieces: list[_Piece]) -> None:
        """Turn emphasis that Markdown would not read as emphasis (flanking rules) into plain text."""
        for index, piece in enumerate(pieces):
            if piece.kind != "open" or piece.pair < 0:
                continue
            closing = piece.pair
            before, first = _char_before(pieces, index), _char_after(pieces, index)
            last, after = _char_before(pieces, closing), _char_after(pieces, closing)
            left_ok = first not in " \n*" and (not _is_punct(first) or before in " \n" or _is_punct(before))
            right_ok = last not in " \n*" and (not _is_punct(last) or after in " \n" or _is_punct(after))
            is_empty = all(p.kind not in ("text", "code") or not p.value for p in pieces[index + 1 : closing])
            if not (left_ok and right_ok) or before == "*" or after == "*" or is_empty:
                piece.kind = pieces[closing].kind = "text"
                piece.value = pieces[closing].value = ""
        for piece in pieces:
            if piece.kind in ("open", "close") and piece.pair < 0:
                piece.kind, piece.value = "text", ""


def _collapse(pieces: list[_Piece]) -> list[_Piece]:
    """Drop each space or break that follows the start, a space or a break (marks do not count)."""
    kept: list[_Piece] = []
    previous = "start"
    for piece in pieces:
        if piece.kind in MARKS:
            kept.append(piece)
            continue
        if piece.kind in ("space", "break") and previous in ("start", "space", "break"):
            if piece.kind == "break" and previous == "space":
                _drop_last_space(kept)  # "text <br>" is "text" and a break
                kept.append(piece)
                previous = "break"
            continue
        kept.append(piece)
        previous = piece.kind
    return kept


def _drop_last_space(pieces: list[_Piece]) -> None:
    for index in range(len(pieces) - 1, -1, -1):
        if pieces[index].kind == "space":
            del pieces[index]
            return
        if pieces[index].kind not in MARKS:
            return


# How emphasis flanking sees a piece that is not text: by the character its Markdown starts or ends with.
# A link's end is written "](address)": ")" seen from after it, "]" from before it.
MARK_CHARS = {"open": "*", "close": "*", "link": "[", "code": "`", "break": "\n"}


def _char_before(pieces: list[_Piece], index: int) -> str:
    """The character written just before piece `index` (a space at the start)."""
    return _nearest_char(reversed(pieces[:index]), text_side=-1, link_end=")")


def _char_after(pieces: list[_Piece], index: int) -> str:
    """The character written just after piece `index` (a space at the end)."""
    return _nearest_char(pieces[index + 1 :], text_side=0, link_end="]")


def _nearest_char(pieces: Iterable[_Piece], text_side: int, link_end: str) -> str:
    for piece in pieces:
        if piece.kind == "text" and piece.value:
            return piece.value[text_side]
        if piece.kind == "end":
            return link_end
        if piece.kind in MARK_CHARS:
            return MARK_CHARS[piece.kind]
    return " "


def _is_punct(char: str) -> bool:
    return unicodedata.category(char).startswith(("P", "S"))


def code_span(text: str) -> str:
    text = " ".join(text.split("\n"))
    if not text.strip():
        return ""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") or (text[0] == " " and text[-1] == " ") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def tag_name(element: _Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1].lower()


def _emphasis(element: _Element) -> str | None:
    tag = tag_name(element)
    rend = element.get("rend") or ""
    if tag in BOLD or rend == "#b":
        return "**"
    if tag in ITALIC or rend == "#i":
        return "*"
    return None
