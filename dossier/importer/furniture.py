"""Furniture that survives extraction, left out of the body and listed for the editor: sign-up calls,
invitations to write in, lists of links to more of the site.

(Furniture named as such by its class or id is pruned before extraction: `extract.prune_furniture`.)
"""

from __future__ import annotations

import re

from dossier.importer.extract import squash
from dossier.importer.outlets import host_of
from dossier.importer.safe_markdown import Block

# A short paragraph calling to sign up for something that is delivered, or starting like an invitation.
SIGN_UP = re.compile(r"\b(sign(?:ing)?[ -]?up|subscribe|subscription)\b", re.IGNORECASE)
SIGN_UP_TARGET = re.compile(r"\b(newsletters?|inbox|e-?mails?|alerts?)\b", re.IGNORECASE)
FURNITURE_LINE = re.compile(
    r"^(we want to hear what you think|share your thoughts|follow us on|read more:|related:|advertisement$)",
    re.IGNORECASE,
)
FURNITURE_MAX_WORDS = 60
LINK_LIST_SHARE = 0.4  # a list this much link text, every item linking home, is a list of teasers


def site_key(url: str | None) -> str | None:
    """The name a site goes by in its addresses: bbc for www.bbc.co.uk and bbc.com, cnn for edition.cnn.com."""
    host = host_of(url)
    if not host:
        return None
    labels = host.split(".")[:-1] or host.split(".")
    if len(labels) > 1 and labels[-1] in ("co", "com", "org", "net", "gov", "ac", "edu", "ne", "or"):
        labels = labels[:-1]
    return labels[-1]


def is_link_list(block: Block, site: str | None) -> bool:
    """A list of links back into the site (related stories, promotions): every item links home, and links
    make up much of the list's text."""
    return (
        site is not None
        and block.kind == "list"
        and bool(block.items)
        and all(item.links and all(site_key(url) == site for url in item.links) for item in block.items)
        and sum(item.link_chars for item in block.items) >= LINK_LIST_SHARE * sum(len(i.text) for i in block.items)
    )


def drop_furniture(blocks: list[Block], page_url: str | None = None) -> tuple[list[Block], list[str]]:
    """Leave out page furniture that survived extraction: sign-up calls, invitations to write in, lists of
    links to more of the site. The fragments right after a dropped call ("here", ".") go with it."""
    kept: list[Block] = []
    dropped: list[str] = []
    site = site_key(page_url)
    after_furniture = False
    for block in blocks:
        text = squash(block.text)
        is_call = (
            block.kind == "paragraph"
            and len(text.split()) <= FURNITURE_MAX_WORDS
            and bool((SIGN_UP.search(text) and SIGN_UP_TARGET.search(text)) or FURNITURE_LINE.match(text))
        )
        is_fragment = after_furniture and block.kind == "paragraph" and len(text.split()) <= 2
        if is_call or is_fragment or is_link_list(block, site):
            dropped.append(text)
            after_furniture = True
        else:
            kept.append(block)
            after_furniture = False
    return kept, dropped
