"""The article's front matter: what the page said, and a commented line for each field it did not say."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import yaml


@dataclass
class Front:
    """The article's front matter, as written."""

    title: str
    outlet: str
    url: str | None = None
    published: dt.date | None = None
    updated: dt.date | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None


YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}
PLAIN_SCALAR = re.compile(r"[^\W\d_][\w .,'\u2019()-]*[\w.)]\Z|[^\W\d_]\Z")


def yaml_scalar(text: str, in_flow: bool = False) -> str:
    """`text` as a YAML scalar: plain when that reads back as the same text, else double-quoted."""
    if PLAIN_SCALAR.match(text) and text.lower() not in YAML_WORDS and not (in_flow and "," in text):
        try:
            if yaml.safe_load(f"key: {'[' + text + ']' if in_flow else text}")["key"] == ([text] if in_flow else text):
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


def url_scalar(url: str) -> str:
    try:
        if yaml.safe_load(f"key: {url}")["key"] == url:
            return url
    except yaml.YAMLError:
        pass
    return json.dumps(url, ensure_ascii=False)


MISSING_DATE = "# published: YYYY-MM-DD   the page gives no date: add it if you find one, never guess"
MISSING_AUTHORS = "# authors: [First Last]   the page names no author: add them if you find them"
MISSING_URL = "# url: https://...   the saved page does not say where it was published"


def front_matter_lines(front: Front) -> list[str]:
    lines = ["---", f"title: {yaml_scalar(front.title)}", f"outlet: {front.outlet}"]
    lines.append(f"url: {url_scalar(front.url)}" if front.url else MISSING_URL)
    lines.append(f"published: {front.published.isoformat()}" if front.published else MISSING_DATE)
    if front.updated:
        lines.append(f"updated: {front.updated.isoformat()}")
    if front.authors:
        lines.append(f"authors: [{', '.join(yaml_scalar(a, in_flow=True) for a in front.authors)}]")
    else:
        lines.append(MISSING_AUTHORS)
    if front.language:
        lines.append(f"language: {front.language}")
    lines.append("---")
    return lines
