"""A folder's entries in a stable order: the walks over content/, static/, the watched folders and the files
the no-change digest covers all list folders so, and a folder that cannot be read lists as empty (it is
gone, or not ours to read: the walk goes on without it)."""

from __future__ import annotations

import os
from pathlib import Path


def entries_by_name(folder: Path) -> list[os.DirEntry[str]]:
    """The folder's entries sorted by name, or none when it cannot be read."""
    try:
        with os.scandir(folder) as scanned:
            return sorted(scanned, key=lambda entry: entry.name)
    except OSError:
        return []
