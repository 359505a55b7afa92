"""The floor: the least any generator must do with these articles. `python -m benchmarks.floor CONTENT OUT`.

Reads each content/<story>/<article>.md, takes the title from its YAML front matter, renders the Markdown
with markdown-it-py (CommonMark plus tables and strikethrough, as dossier) into one Jinja template and
writes out/<story>/<article>/index.html. One process, nothing else: every benchmark figure is divided by it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2
import yaml
from markdown_it import MarkdownIt
from markupsafe import Markup

TEMPLATE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ title }}</title><link rel="stylesheet" href="../../style.css"></head>
<body>
<header><a href="../../index.html">Home</a></header>
<main><article><h1>{{ title }}</h1>
{{ body }}
</article></main>
</body>
</html>
"""


def build(content: Path, out: Path) -> int:
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    template = jinja2.Environment(autoescape=True).from_string(TEMPLATE)
    count = 0
    for path in sorted(content.glob("*/*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        title = yaml.safe_load(front)["title"]
        html = template.render(title=title, body=Markup(md.render(body)))
        target = out / path.parent.name / path.stem / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        count += 1
    return count


if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(sys.argv[2]))
