"""Replacing a file whole or not at all: the one way dossier rewrites a file it keeps (a project file that
`dossier new` or `dossier import` edits, an entry of the build cache, the last build's manifest).

The bytes go to a new file beside the target, which is then renamed over it (as Lektor's `Artifact._commit`
does): a reader sees the old file or the new one, never half of one, and a failure leaves the old file as it
was and no temporary file behind. The folder must exist.

A failure raises. A caller that can go on without the file (the cache only saves time) decides so where it
calls, and says why there.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file renamed over it. An existing file keeps its
    permissions; a new one gets those any new file gets (0o666 less the umask)."""
    kept_mode = path.stat().st_mode & 0o777 if path.exists() else None
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    # Exclusive: a file already there is never written through. The kernel applies the umask to 0o666.
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        if kept_mode is not None:
            os.chmod(temporary, kept_mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):  # the failure being raised is the one to report
            os.unlink(temporary)
        raise
