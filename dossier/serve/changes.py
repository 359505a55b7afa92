"""Which file-system changes matter to the site, and what kind of change each one is.

Each path watchdog reports is kept only if `WatchedPaths.kind_of` says it matters; a debounced batch of them
becomes a `ChangeSet`, what a rebuild is told. Editors save in many ways (in place, through a temporary file
renamed over the original, with swap and lock files beside it), so everything that is not the project's own
content, themes or configuration is ignored here.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from dossier.config import CONFIG_FILE
from dossier.yaml_reader import yaml_file

CONFIG_NAMES = frozenset({CONFIG_FILE, CONFIG_FILE.removesuffix(".yaml") + ".yml"})

ChangeKind = Literal["config", "theme", "content"]
THEMES_DIR = "themes"

# Files editors and tools write beside the one being edited; none of them is content.
_TEMP_SUFFIXES = (
    ".swp", ".swo", ".swx", ".swpx",  # vim
    "~",  # emacs, gedit, kate backups
    ".tmp", ".temp", ".part", ".crswap", ".kate-swp", ".bak", ".orig",
    "___jb_tmp___", "___jb_old___",  # JetBrains safe write
)  # fmt: skip
_TEMP_NAMES = frozenset({"4913", ".DS_Store", "Thumbs.db"})  # 4913: vim's can-I-write-here probe


def is_editor_temp(name: str) -> bool:
    """True for swap, backup, lock and safe-write files (`.x.swp`, `x~`, `.#x`, `#x#`, `4913`)."""
    return (
        name in _TEMP_NAMES
        or name.endswith(_TEMP_SUFFIXES)
        or name.startswith(".#")
        or (name.startswith("#") and name.endswith("#"))
        or name.startswith(".goutputstream-")  # GNOME's atomic save
    )


@dataclass(frozen=True)
class WatchedPaths:
    """What the site is made of, as absolute resolved paths; rebuilt whenever dossier.yaml changes."""

    project_dir: Path
    content_dir: Path
    ignored: tuple[Path, ...] = ()  # output folders: writing the site must not trigger a rebuild

    @classmethod
    def of(cls, project_dir: Path, content_dir: str = "content", ignored: Iterable[Path] = ()) -> WatchedPaths:
        project = project_dir.resolve()
        return cls(project, (project / content_dir).resolve(), tuple(p.resolve() for p in ignored))

    @property
    def config_file(self) -> Path:
        """dossier.yaml, or dossier.yml where only that exists."""
        return yaml_file(self.project_dir, CONFIG_FILE)

    @property
    def themes_dir(self) -> Path:
        return self.project_dir / THEMES_DIR

    def folders(self) -> list[tuple[Path, bool]]:
        """The folders to watch, each with whether to watch it recursively.

        The project folder itself only shallowly: it holds dossier.yaml, and it is where content/ and themes/
        appear when they are created; it may also hold a virtualenv or a build folder nobody should watch.
        """
        return [(self.project_dir, False), (self.content_dir, True), (self.themes_dir, True)]

    def snapshot(self) -> dict[str, tuple[int, int]]:
        """Each file that matters to the site, with its size and modification time."""
        found: dict[str, tuple[int, int]] = {}
        for folder, recursive in self.folders():
            for root, folders, files in os.walk(folder):
                if not recursive:
                    folders.clear()
                for name in files:
                    path = Path(root) / name
                    if self.kind_of(path) is not None:
                        with contextlib.suppress(OSError):
                            status = path.stat()
                            found[str(path)] = (status.st_size, status.st_mtime_ns)
        return found

    def kind_of(self, path: Path) -> ChangeKind | None:
        """What a change to `path` (absolute) affects, or None when it does not matter to the site."""
        if is_editor_temp(path.name):
            return None
        if any(path == folder or folder in path.parents for folder in self.ignored):
            return None
        if path.parent == self.project_dir and path.name in CONFIG_NAMES:  # either spelling, made or removed
            return "config"
        trees: tuple[tuple[Path, ChangeKind], ...] = ((self.content_dir, "content"), (self.themes_dir, "theme"))
        for folder, kind in trees:
            if path == folder:
                return kind
            if folder in path.parents:
                hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
                return None if hidden else kind
        return None


@dataclass(frozen=True)
class ChangeSet:
    """A debounced batch of relevant changes: paths relative to the project, and what they touch."""

    paths: frozenset[str]
    kinds: frozenset[ChangeKind]

    @classmethod
    def of(cls, batch: Mapping[Path, set[str]], watched: WatchedPaths) -> ChangeSet:
        """The relevant part of a batch. A file made and gone again within it (a temporary file an editor or
        tool wrote, then renamed over the real one) changed nothing and is left out."""
        relative: set[str] = set()
        kinds: set[ChangeKind] = set()
        for path, happened in batch.items():
            kind = watched.kind_of(path)
            if kind is None:
                continue
            if "created" in happened and not path.exists():
                continue
            kinds.add(kind)
            try:
                relative.add(path.relative_to(watched.project_dir).as_posix())
            except ValueError:
                relative.add(os.fspath(path))
        return cls(frozenset(relative), frozenset(kinds))

    def __bool__(self) -> bool:
        return bool(self.paths)
