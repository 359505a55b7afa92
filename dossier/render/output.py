"""One file of the site, as render makes it and write stages it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Output:
    path: str  # POSIX, relative to the output folder
    # The file's bytes; or, for the large data files (dossier.json), texts whose UTF-8 encodings, one after
    # another, are its bytes: each made as the file is written (and compared with the last build's), then let go.
    # Made whole, joined and encoded, dossier.json was there three times at once at the build's peak (80 MB each
    # at 5,000 articles). Read once: an Output of texts is written once.
    data: bytes | Iterable[str]

    def chunks(self) -> Iterator[bytes]:
        """The file's bytes, in pieces."""
        if isinstance(self.data, bytes):
            yield self.data
            return
        for part in self.data:
            yield part.encode("utf-8")
