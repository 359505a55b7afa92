"""Where `dossier serve` builds the site it serves: `.dossier-cache/serve/` in the project, kept between sessions.

A session that finds the last one's site and build cache there starts with an incremental build (at 1,000
articles about a second, where a cold build takes 20 s), and its first save finds a spare site to stage into. The
folder is one session's at a time: the session holds its lock (`.session.lock`) while it runs. A second session
on the same project, a project folder that cannot be written, a link, file or FIFO where one of the folders
should be (they are reached without following a link, see kept_files), or a site folder holding files no build
wrote sends the site to a temporary folder instead, deleted when serve stops. Never `build/`: what `dossier build`
wrote stays as it was, and the served site may hold drafts.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from dossier.folder_safety import holds_foreign_files
from dossier.kept_files import opened_folder
from dossier.write import BuildLocked, build_lock

KEPT_FOLDER = (".dossier-cache", "serve")  # below the project; git-ignored with the rest of the build cache
SITE = "site"
SESSION_LOCK = "session"  # build_lock's name for it: the lock file is `.session.lock`


@dataclass
class ServeFolder:
    """The folder a session builds its site into (`site`), held until `release`."""

    site: Path
    is_kept: bool  # the project's kept folder (else a temporary one)
    why_not_kept: str | None  # why the kept folder is not used, for the terminal
    _lock: contextlib.ExitStack

    @classmethod
    def take(cls, project_dir: Path, temporary: Path) -> ServeFolder:
        """The project's kept folder, locked for this session, when it can be used; else `temporary`'s."""
        lock = contextlib.ExitStack()
        try:
            with opened_folder(project_dir, KEPT_FOLDER, create=True):
                pass  # each folder on the way is a real folder (made where missing), not a link
            folder = project_dir.joinpath(*KEPT_FOLDER)
            lock.enter_context(build_lock(folder / SESSION_LOCK))
            foreign = holds_foreign_files(folder / SITE)
        except BuildLocked:
            lock.close()
            why = "another `dossier serve` of this project is running"
        except OSError as problem:
            lock.close()
            why = f"{Path(*KEPT_FOLDER)} cannot be used ({problem.strerror or problem})"
        else:
            if not foreign:
                return cls(folder / SITE, True, None, lock)
            lock.close()
            # A build would refuse it on every save (folder_safety): its files are left as they are.
            why = (
                f"{Path(*KEPT_FOLDER, SITE)} holds files that dossier did not build (move them away, and the next "
                "session keeps its site there)"
            )
        return cls(temporary / SITE, False, why, lock)

    def release(self) -> None:
        """Let the next session have the kept folder (safe to call twice)."""
        self._lock.close()
