"""Replacing a file whole or not at all: the one way dossier rewrites a file it keeps (a project file that
`dossier new` or `dossier import` edits, an entry of the build cache, the last build's manifest).

The bytes go to a new file beside the target, which is then renamed over it (as Lektor's `Artifact._commit`
does): a reader sees the old file or the new one, never half of one, and a failure leaves the old file as it
was and no temporary file behind. The folder must exist. Whatever was at the target (a link, a FIFO) is
replaced, never written through.

A failure raises. A caller that can go on without the file (the cache only saves time) decides so where it
calls, and says why there.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

# What to write: the bytes, or a function that writes them to the stream it is given (a large pickle or JSON
# document made as it is written, never held whole in memory beside what it is made from).
Content = bytes | Callable[[BinaryIO], object]


def write_atomically(path: Path, data: Content, *, folder_fd: int | None = None) -> None:
    """Write `data` to `path` through a temporary file renamed over it. An existing regular file keeps its
    permissions; a new one gets those any new file gets (0o666 less the umask). With `folder_fd`, `path` is a
    name in the folder that descriptor holds (see kept_files)."""
    kept_mode = _regular_file_mode(path, folder_fd)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    # Exclusive: a file already there is never written through. The kernel applies the umask to 0o666.
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666, dir_fd=folder_fd)
    try:
        with os.fdopen(handle, "wb") as stream:
            if kept_mode is not None:
                os.fchmod(stream.fileno(), kept_mode)
            if isinstance(data, bytes):
                stream.write(data)
            else:
                data(stream)
        os.replace(temporary, path, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
    except BaseException:
        with contextlib.suppress(OSError):  # the failure being raised is the one to report
            os.unlink(temporary, dir_fd=folder_fd)
        raise


def _regular_file_mode(path: Path, folder_fd: int | None) -> int | None:
    """The permissions of the regular file at `path`; None when there is none (a link's target is not asked:
    a link to /dev/null must not make a cache file writable by everyone)."""
    try:
        status = os.stat(path, dir_fd=folder_fd, follow_symlinks=False)
    except OSError:
        return None
    return stat.S_IMODE(status.st_mode) if stat.S_ISREG(status.st_mode) else None
