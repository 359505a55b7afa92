"""One file of the site, as render makes it and write stages it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Output:
    path: str  # POSIX, relative to the output folder
    data: bytes
