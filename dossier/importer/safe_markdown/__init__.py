"""The safe writer: an untrusted page's text (trafilatura's XML, or HTML) as Markdown. A security boundary.

What it guarantees, for any input:

- **the Markdown renders as exactly the page's text**: every character Markdown would read as syntax is
  escaped (`*`, `_`, `` ` ``, `[`, `]`, `<`, `|`, `~`, `\\`, an entity-like `&name;`, and `#`, `>`, `-`, `+`,
  `=`, `1.` at the start of a line), and emphasis is written only where CommonMark will read it as emphasis.
  Annotations quote the rendered text, so the text the editor reads on the page must be the text they get;
- **no raw HTML**: `<script>` in the page's text stays the text `<script>`; images, scripts, styles, SVG and
  templates are left out;
- **a link only to an absolute http(s):// or mailto: address** (percent-encoded, the host in IDNA); any other
  (`javascript:`, `data:`, a relative address trafilatura could not resolve) keeps its text and loses its
  link;
- and `check_markdown_is_safe` proves it once more, independently: the result is parsed with raw HTML *on*
  and must hold no HTML, no image and no other link.

Why hand-written rather than markdownify or html2text: a general converter aims at Markdown that *looks like*
the page. It keeps whatever address a link has (`javascript:` included), escapes by default only some of
Markdown's syntax (so a paragraph starting "1." or "#", a `|`, `[x](y)` or `&amp;copy;` in the text comes out
as markup or as other text, and the quotes no longer match), can write `**` around bold where Markdown shows
the stars instead, and reads HTML only, not trafilatura's XML (`hi`, `ref`, `head`, `list`).
Bending one to these rules means overriding its escaping, its links and its emphasis, which is all of this,
and proving it again at each of its releases. The writer also returns each block's plain text and links,
which the furniture checks and the headline check read.

`blocks` writes the blocks; `inline` writes the content of one block. tests/test_safe_markdown.py holds the
writer's tests.
"""

from dossier.importer.safe_markdown.blocks import Block, blocks_of, check_markdown_is_safe, markdown_blocks, text_blocks
from dossier.importer.safe_markdown.inline import safe_url

__all__ = ["Block", "blocks_of", "check_markdown_is_safe", "markdown_blocks", "safe_url", "text_blocks"]
