"""An element's content as Markdown blocks: paragraphs, headings, lists, quotes, tables and code.

It reads trafilatura's XML (p, head, list/item, quote, hi, ref, lb, code, table/row/cell) and plain HTML
(the same in HTML's names), so pasted Markdown goes through it too (Markdown -> HTML -> here). The inline
content of each block is written by `inline.Inline`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lxml import html as lxml_html
from lxml.etree import _Element
from markdown_it.token import Token

from dossier.importer.safe_markdown.inline import SKIPPED_TAGS, Inline, tag_name
from dossier.text import make_markdown

HEADINGS = {f"h{n}": n for n in range(1, 7)}
PARAGRAPH_TAGS = {"p", "figcaption", "dt", "dd", "summary", "caption"}
LIST_TAGS = {"list", "ul", "ol", "dl"}
ITEM_TAGS = {"item", "li"}
QUOTE_TAGS = {"quote", "blockquote"}
TABLE_TAGS = {"table"}
ROW_TAGS = {"row", "tr"}
CELL_TAGS = {"cell", "td", "th"}
CODE_BLOCK_TAGS = {"pre"}
CONTAINER_TAGS = {
    "doc", "main", "body", "html", "div", "section", "article", "header", "footer", "aside", "nav", "figure",
    "details", "thead", "tbody", "tfoot", "center", "form", "fieldset",
}  # fmt: skip
BLOCK_TAGS = (
    set(HEADINGS) | {"head"} | PARAGRAPH_TAGS | LIST_TAGS | ITEM_TAGS | QUOTE_TAGS | TABLE_TAGS | ROW_TAGS
    | CELL_TAGS | CODE_BLOCK_TAGS | CONTAINER_TAGS | {"code-block"}
)  # fmt: skip


@dataclass
class Block:
    """One top-level block of the body: its Markdown, and what it is (for furniture and title checks)."""

    markdown: str
    kind: str  # "paragraph", "heading", "list", "quote", "table", "code"
    text: str  # the plain text a reader sees
    links: tuple[str, ...] = ()  # the addresses it links to
    link_chars: int = 0  # how much of its text is link text
    items: tuple[Block, ...] = ()  # a list's items, each as one block


def _heading_level(element: _Element) -> int | None:
    tag = tag_name(element)
    if tag in HEADINGS:
        return HEADINGS[tag]
    if tag == "head":
        return HEADINGS.get(element.get("rend") or "", 2)
    return None


def _is_block(element: _Element) -> bool:
    tag = tag_name(element)
    if tag in BLOCK_TAGS:
        return True
    # trafilatura writes a block of code as a <code> of its own, an inline one inside a paragraph.
    parent = element.getparent()
    return (
        tag == "code"
        and parent is not None
        and tag_name(parent) in BLOCK_TAGS - PARAGRAPH_TAGS - {"head", "item", "li"}
    )


def _is_code_block(element: _Element) -> bool:
    return tag_name(element) in CODE_BLOCK_TAGS or tag_name(element) == "code"


def blocks_of(container: _Element) -> list[Block]:
    """The Markdown blocks of an element's content."""
    blocks: list[Block] = []
    inline = Inline()

    def flush() -> None:
        nonlocal inline
        blocks.extend(_paragraph(inline))
        inline = Inline()

    inline.text(container.text)
    for child in container:
        if not isinstance(child.tag, str):
            inline.text(child.tail)
            continue
        tag = tag_name(child)
        if tag in SKIPPED_TAGS:
            inline.text(child.tail)
            continue
        if not _is_block(child):
            inline.element(child)
            continue
        flush()
        blocks.extend(_block(child))
        inline.text(child.tail)
    flush()
    return blocks


def _paragraph(inline: Inline) -> list[Block]:
    markdown, plain = inline.write()
    return [Block(markdown, "paragraph", plain, tuple(inline.links), inline.link_chars)] if plain.strip() else []


def _block(element: _Element) -> list[Block]:
    tag = tag_name(element)
    level = _heading_level(element)
    if level is not None:
        inline = Inline()
        inline.children(element)
        markdown, plain = inline.write(single_line=True, line_starts=False)
        if not plain.strip():
            return []
        markdown = re.sub(r"(#+)$", r"\\\1", markdown)  # a closing run of # would be read as markup
        return [Block(f"{'#' * max(2, level)} {markdown}", "heading", plain)]
    if tag in PARAGRAPH_TAGS:
        if any(isinstance(child.tag, str) and _is_block(child) for child in element):
            return blocks_of(element)  # a paragraph holding blocks (HTML that is not quite valid)
        inline = Inline()
        inline.children(element)
        return _paragraph(inline)
    if tag in LIST_TAGS:
        return _list(element)
    if tag in QUOTE_TAGS:
        inner_blocks = blocks_of(element)
        if not inner_blocks:
            return []
        quoted = "\n\n".join(b.markdown for b in inner_blocks)
        markdown = "\n".join(f"> {line}" if line else ">" for line in quoted.split("\n"))
        return [Block(markdown, "quote", "\n\n".join(b.text for b in inner_blocks))]
    if tag in TABLE_TAGS:
        return _table(element)
    if _is_code_block(element):
        text = "".join(element.itertext()).strip("\n")
        if not text.strip():
            return []
        fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
        return [Block(f"{fence}\n{text}\n{fence}", "code", text)]
    return blocks_of(element)  # containers, stray items, rows and cells


def _list(element: _Element) -> list[Block]:
    ordered = tag_name(element) == "ol" or element.get("rend") == "ol"
    items: list[list[Block]] = []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        item_blocks = blocks_of(child) if tag_name(child) in ITEM_TAGS else _block(child)
        if item_blocks:
            items.append(item_blocks)
    if not items:
        return []
    tight = all(len(blocks) == 1 and blocks[0].kind == "paragraph" for blocks in items)
    rendered = []
    for number, item_blocks in enumerate(items, start=1):
        marker = f"{number}. " if ordered else "- "
        body = "\n\n".join(b.markdown for b in item_blocks)
        lines = body.split("\n")
        indented = [marker + lines[0]] + [(" " * len(marker) + line) if line else "" for line in lines[1:]]
        rendered.append("\n".join(indented))
    markdown = ("\n" if tight else "\n\n").join(rendered)
    summaries = tuple(
        Block(
            "",
            "item",
            "\n\n".join(b.text for b in blocks),
            tuple(url for b in blocks for url in b.links),
            sum(b.link_chars for b in blocks),
        )
        for blocks in items
    )
    return [Block(markdown, "list", "\n\n".join(b.text for b in summaries), items=summaries)]


def _table(element: _Element) -> list[Block]:
    rows: list[list[str]] = []
    texts: list[str] = []
    for row in element.iter():
        if tag_name(row) not in ROW_TAGS:
            continue
        cells = []
        for cell in row:
            if isinstance(cell.tag, str) and tag_name(cell) in CELL_TAGS:
                inline = Inline()
                inline.children(cell)
                for piece in inline.pieces:  # a code span's | would end the cell: write it as text
                    if piece.kind == "code":
                        piece.kind = "text"
                markdown, plain = inline.write(single_line=True, line_starts=False)
                cells.append(markdown)
                texts.append(plain)
        if cells:
            rows.append(cells)
    if not rows:
        return blocks_of(element)
    width = max(len(r) for r in rows)
    lines = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in rows]
    lines.insert(1, "|" + " --- |" * width)
    return [Block("\n".join(lines), "table", " ".join(texts))]


def text_blocks(text: str) -> list[Block]:
    """Plain text as paragraphs: blank lines separate them, or each line is one when there are none."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = re.split(r"\n[ \t]*\n", text) if re.search(r"\n[ \t]*\n", text) else text.split("\n")
    blocks = []
    for chunk in chunks:
        inline = Inline()
        inline.text(clean_text(chunk))
        markdown, plain = inline.write()
        if plain.strip():
            blocks.append(Block(markdown, "paragraph", plain))
    return blocks


def clean_text(text: str) -> str:
    """Pasted text without control characters (tabs and line breaks are kept)."""
    return "".join(c for c in text if c in "\t\n" or unicodedata.category(c) != "Cc")


def markdown_blocks(text: str) -> list[Block]:
    """Pasted Markdown, rewritten by the same safe writer: raw HTML stays text, unsafe links lose their link."""
    rendered = make_markdown(raw_html=False).render(clean_text(text))
    if not rendered.strip():
        return []
    fragment = lxml_html.fragment_fromstring(rendered, create_parent="div")
    return blocks_of(fragment)


def check_markdown_is_safe(markdown: str) -> None:
    """Prove the body holds no raw HTML and no link but http(s)/mailto, even for a site with raw_html on."""
    md = make_markdown(raw_html=True)
    for token in _all_tokens(md.parse(markdown)):
        if token.type in ("html_block", "html_inline", "image"):
            raise AssertionError(f"the imported Markdown holds {token.type}: {token.content[:80]!r}")
        if token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            if not re.match(r"(https?://|mailto:)", href, re.IGNORECASE):
                raise AssertionError(f"the imported Markdown links to {href!r}")


def _all_tokens(tokens: Iterable[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _all_tokens(token.children)
