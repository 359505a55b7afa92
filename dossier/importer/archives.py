"""Copies of pages kept by a web archive: a Wayback Machine capture names the page it copied in its address.

`https://web.archive.org/web/20170214031234/https://theweek.com/speedreads/...` is the page at
`https://theweek.com/speedreads/...` as the archive found it on 14 February 2017. An article imported from a
capture keeps both: `url`, where the outlet published it (it names the outlet, and readers follow it), and
`archived`, the copy, which stays as it was when the page at the address is edited or taken down. Fact-checkers
cite such copies for that reason, and import from them when the original is gone.

A capture is downloaded as the archive kept the page (`id_` after the time stamp): the page as its outlet served
it, with its own addresses and metadata, without the archive's toolbar and rewritten links.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from dossier.schema import SAFE_URL

WAYBACK = re.compile(
    r"https?://(?:web\.|wayback\.)?archive\.org/web/(?P<stamp>\d{4,14})(?:[a-z]{2}_)?/(?P<original>.+)\Z",
    re.IGNORECASE,
)
ORIGINAL_SCHEME = re.compile(r"(https?):/+", re.IGNORECASE)  # the archive writes "https:/host" in some links


@dataclass(frozen=True)
class Capture:
    """A Wayback Machine capture of a page."""

    address: str  # the capture as a reader opens it (the archive's page around the copy)
    original: str  # the address of the page it copied
    raw: str  # the copy alone, as its outlet served the page: what the import downloads


def wayback_capture(address: str | None) -> Capture | None:
    """The capture at `address`, or None where it is not one (another site, or the archive's calendar of an
    address's captures, `/web/2017*/...`, which is no copy of a page)."""
    found = WAYBACK.match(address.strip()) if address else None
    if found is None:
        return None
    original = found["original"]
    scheme = ORIGINAL_SCHEME.match(original)
    if scheme:
        original = f"{scheme[1].lower()}://{original[scheme.end() :]}"
    elif not re.match(r"[a-z][a-z0-9+.-]*:", original, re.IGNORECASE):
        original = f"http://{original}"  # as the archive reads an address given without its scheme
    if not SAFE_URL.match(original) or original.lower().startswith("mailto:"):
        return None
    stamp = found["stamp"]
    return Capture(
        f"https://web.archive.org/web/{stamp}/{original}",
        original,
        f"https://web.archive.org/web/{stamp}id_/{original}",
    )


def first_capture(addresses: Iterable[str | None]) -> Capture | None:
    """The first of `addresses` that is a capture: the address downloaded, the one the editor gave, the one the
    page gives for itself (a capture saved from the archive names itself by its capture's address)."""
    return next(filter(None, map(wayback_capture, addresses)), None)
