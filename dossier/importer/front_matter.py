"""The article's front matter: what the page said, and a commented line for each field it did not say."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dossier.project_files import yaml_scalar


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
    other_headlines: tuple[str, ...] = ()  # kept as comments: the front matter has one title
    archived: str | None = None  # the web archive's copy it was imported from


ALSO_HEADLINED = "# also headlined: "  # another headline the page declares (for search engines, social media)
MISSING_DATE = "# published: YYYY-MM-DD   the page gives no date: add it if you find one, never guess"
MISSING_AUTHORS = "# authors: [First Last]   the page names no author: add them if you find them"
MISSING_URL = "# url: https://...   the saved page does not say where it was published"
MISSING_ARCHIVE = "# archived: https://web.archive.org/web/...   a web archive's copy, should the page change or go"


def front_matter_lines(front: Front) -> list[str]:
    """The front matter's lines, between its fences; a field the page did not give is a comment to fill in."""
    lines = ["---", f"title: {yaml_scalar(front.title)}"]
    lines += [f"{ALSO_HEADLINED}{yaml_scalar(headline)}" for headline in front.other_headlines]
    lines.append(f"outlet: {yaml_scalar(front.outlet)}")
    lines.append(f"url: {yaml_scalar(front.url)}" if front.url else MISSING_URL)
    lines.append(f"archived: {yaml_scalar(front.archived)}" if front.archived else MISSING_ARCHIVE)
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
