"""Which file-system changes matter to the site, and what kind of change each one is.

Each path watchdog reports is kept only if `WatchedPaths.kind_of` says it matters; a debounced batch of them
becomes a `ChangeSet`, what a rebuild is told. Editors save in many ways (in place, through a temporary file
renamed over the original, with swap and lock files beside it), so everything that is not the project's own
content, themes or configuration is ignored here.

The build follows links that stay inside the project (a story folder kept elsewhere and linked into
content/), but a watch on content/ does not: each such link's target is watched too (`Link`), and a change
there is taken as a change at the link. Links that lead out of the project are not read, and not watched.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from dossier.config import CONFIG_FILE
from dossier.folder_listing import entries_by_name
from dossier.static_folder import STATIC_DIR
from dossier.yaml_reader import yaml_file

CONFIG_NAMES = frozenset({CONFIG_FILE, CONFIG_FILE.removesuffix(".yaml") + ".yml"})

ChangeKind = Literal["config", "theme", "content", "static"]
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
class Link:
    """A link in content/ or themes/ to a file or folder elsewhere in the project, which the build reads
    through it."""

    path: Path  # where the build reads it: content/engine (absolute, the link itself)
    target: Path  # where it leads, resolved
    is_folder: bool

    def as_read(self, path: Path) -> Path | None:
        """`path` (a real path, as watchdog reports it) as the build reads it through this link, or None."""
        if path == self.target:
            return self.path
        if self.is_folder and self.target in path.parents:
            return self.path / path.relative_to(self.target)
        return None


@dataclass(frozen=True)
class WatchedPaths:
    """What the site is made of, as absolute resolved paths; rebuilt whenever dossier.yaml changes, and its
    links again after every change."""

    project_dir: Path
    content_dir: Path
    ignored: tuple[Path, ...] = ()  # output folders: writing the site must not trigger a rebuild
    links: tuple[Link, ...] = ()

    @classmethod
    def of(cls, project_dir: Path, content_dir: str = "content", ignored: Iterable[Path] = ()) -> WatchedPaths:
        project = project_dir.resolve()
        return cls(project, (project / content_dir).resolve(), tuple(p.resolve() for p in ignored)).with_links()

    def with_links(self) -> WatchedPaths:
        """The same paths, with the links as they are now: one may have been made, removed or pointed elsewhere."""
        return dataclasses.replace(self, links=tuple(self._find_links()))

    @property
    def config_file(self) -> Path:
        """dossier.yaml, or dossier.yml where only that exists."""
        return yaml_file(self.project_dir, CONFIG_FILE)

    @property
    def themes_dir(self) -> Path:
        return self.project_dir / THEMES_DIR

    @property
    def static_dir(self) -> Path:
        return self.project_dir / STATIC_DIR

    def folders(self) -> list[tuple[Path, bool]]:
        """The folders to watch, each with whether to watch it recursively.

        The project folder itself only shallowly: it holds dossier.yaml, and it is where content/, themes/ and
        static/ appear when they are created; it may also hold a virtualenv or a build folder nobody should watch.
        """
        folders = [
            (self.project_dir, False),
            (self.content_dir, True),
            (self.themes_dir, True),
            (self.static_dir, True),
        ]
        folders += [(link.target, True) if link.is_folder else (link.target.parent, False) for link in self.links]
        return list(dict.fromkeys(folders))

    def _find_links(self) -> list[Link]:
        """The links below content/ and themes/ (and below the folders they lead to) that the build follows
        to a place no watch covers yet."""
        trees = (self.content_dir, self.themes_dir)
        return [link for tree in trees for link in _links_below(tree, self._needs_a_watch_of_its_own)]

    def _needs_a_watch_of_its_own(self, target: Path) -> bool:
        """True for a link's target inside the project (the build reads no other) but outside content/,
        themes/ and the output folders, and holding neither of the two (a link up to the project would watch
        all of it)."""
        inside = (self.content_dir, self.themes_dir, *self.ignored)
        return (
            self.project_dir in target.parents
            and not any(target == folder or folder in target.parents for folder in inside)
            and not any(target in tree.parents for tree in (self.content_dir, self.themes_dir))
        )

    def as_read(self, path: Path) -> Path:
        """`path` as the build reads it: a path inside a linked folder (or a linked file) is seen at the link."""
        for link in self.links:
            seen = link.as_read(path)
            if seen is not None:
                return seen
        return path

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

    @staticmethod
    def changed_between(before: Mapping[str, tuple[int, int]], after: Mapping[str, tuple[int, int]]) -> list[Path]:
        """The files made, removed or changed (in size or time) from one `snapshot` to another, in order."""
        return [Path(path) for path in sorted(before.keys() | after.keys()) if before.get(path) != after.get(path)]

    def kind_of(self, path: Path) -> ChangeKind | None:
        """What a change to `path` (absolute) affects, or None when it does not matter to the site."""
        path = self.as_read(path)
        if is_editor_temp(path.name):
            return None
        if any(path == folder or folder in path.parents for folder in self.ignored):
            return None
        if path.parent == self.project_dir and path.name in CONFIG_NAMES:  # either spelling, made or removed
            return "config"
        if path == self.static_dir or self.static_dir in path.parents:
            return "static"  # published as it is, hidden files (.well-known/) included
        trees: tuple[tuple[Path, ChangeKind], ...] = ((self.content_dir, "content"), (self.themes_dir, "theme"))
        for folder, kind in trees:
            if path == folder:
                return kind
            if folder in path.parents:
                hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
                return None if hidden else kind
        return None


def _links_below(
    folder: Path, is_wanted: Callable[[Path], bool], seen: frozenset[Path] = frozenset()
) -> Iterator[Link]:
    """The links below `folder` (hidden names left out, as the build leaves them) whose targets `is_wanted`,
    and those below the folders they lead to; a folder already on the way down is not entered again."""
    for entry in entries_by_name(folder):
        path = folder / entry.name
        if entry.name.startswith("."):
            continue
        if not entry.is_symlink():
            if entry.is_dir(follow_symlinks=False):
                yield from _links_below(path, is_wanted, seen)
            continue
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # a broken link, or a loop of them
            continue
        if target not in seen and is_wanted(target):
            yield Link(path, target, target.is_dir())
            if target.is_dir():
                yield from _links_below(path, is_wanted, seen | {target})


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
                relative.add(watched.as_read(path).relative_to(watched.project_dir).as_posix())
            except ValueError:
                relative.add(os.fspath(path))
        return cls(frozenset(relative), frozenset(kinds))

    def __bool__(self) -> bool:
        return bool(self.paths)
