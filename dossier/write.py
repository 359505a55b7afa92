"""Write the site into a staging folder, then swap it into place: a failed build leaves the old site whole.

Files are written as they are rendered (`StagedSite.add`), so a large site is never held in memory whole.
Files whose bytes did not change are hard-linked from the previous site (keeping their modification
time), and a build that would change nothing leaves the output folder as it was.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from dossier.render import Output


@dataclass(frozen=True)
class WriteResult:
    written: int
    unchanged: int
    removed: int
    changed: tuple[str, ...] = ()  # the outputs written or removed (not the derived files), sorted

    @property
    def changed_anything(self) -> bool:
        return bool(self.written or self.removed)


@dataclass(frozen=True)
class Derived:
    """Files made from the staged site just before it is swapped in (the search index), in a folder of their own.

    `make(staging)` writes them. They are remade only when an output changed or the folder is missing, so a
    build that changes nothing still writes nothing; remade files whose bytes did not change keep their inode.
    """

    folder: str
    make: Callable[[Path], object]

    def holds(self, path: str) -> bool:
        return path == self.folder or path.startswith(self.folder + "/")


class BuildLocked(Exception):
    """Another build of the same output folder is running."""


def safe_relative(path: str) -> PurePosixPath:
    """The output path, checked to stay inside the output folder (a bug elsewhere must not write outside)."""
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts or "" in relative.parts:
        raise ValueError(f"refusing to write outside the output folder: {path!r}")
    return relative


def existing_files(folder: Path) -> set[str]:
    """Every file (and link) below `folder`, as POSIX paths relative to it."""
    found: set[str] = set()
    for root, folders, files in os.walk(folder):
        relative = os.path.relpath(root, folder).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        found.update(prefix + name for name in files)
        found.update(prefix + name for name in folders if os.path.islink(os.path.join(root, name)))
    return found


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


@contextlib.contextmanager
def build_lock(output_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock beside the output folder for the length of a build."""
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_path = output_dir.parent / f".{output_dir.name}.lock"
    with open(lock_path, "a+") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(f"another build is writing {output_dir}; wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def _reuse(old: Path, target: Path) -> None:
    """Keep the previous file (same inode and time) where the bytes did not change; copy where links fail."""
    try:
        os.link(old, target)
    except OSError:
        shutil.copy2(old, target)


def _keep_unchanged_derived(staging: Path, folder: str, previous: Path) -> tuple[int, int]:
    """Hard-link each derived file whose bytes did not change to the previous one, as outputs are."""
    written = unchanged = 0
    for target in sorted((staging / folder).rglob("*")):
        if not target.is_file() or target.is_symlink():
            continue
        old = previous / target.relative_to(staging)
        if old.is_file() and _same_bytes(old, target.read_bytes()):
            target.unlink()
            _reuse(old, target)
            unchanged += 1
        else:
            written += 1
    return written, unchanged


class StagedSite:
    """A new site written beside the old one; `commit` swaps it into place, `abort` (or an exception inside the
    `with` block) removes it and leaves the old site untouched."""

    def __init__(self, output_dir: Path, derived: Derived | None = None) -> None:
        self.output_dir = output_dir
        self.derived = derived
        self.old_files = existing_files(output_dir)
        self.staging = output_dir.parent / f".{output_dir.name}.staging-{os.getpid()}"
        self.paths: set[str] = set()
        self.written: list[str] = []
        self.unchanged = 0
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)

    def __enter__(self) -> StagedSite:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is not None:
            self.abort()

    def add(self, output: Output) -> None:
        """Stage one output: linked to the previous file when its bytes are the same, else written."""
        path = output.path
        if path in self.paths:
            raise ValueError(f"two outputs for the same path: {path!r}")
        if self.derived and self.derived.holds(path):
            raise ValueError(f"an output inside {self.derived.folder}/, which is made from the site: {path!r}")
        relative = safe_relative(path)
        self.paths.add(path)
        target = self.staging.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        old = self.output_dir.joinpath(*relative.parts)
        if _same_bytes(old, output.data):
            _reuse(old, target)
            self.unchanged += 1
        else:
            target.write_bytes(output.data)
            self.written.append(path)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def commit(self) -> WriteResult:
        """Swap the staged site in (after making the derived files); nothing changes when no file would."""
        derived, output_dir = self.derived, self.output_dir
        old_derived = {p for p in self.old_files if derived and derived.holds(p)}
        removed = sorted(self.old_files - old_derived - self.paths)
        changed = tuple(sorted(self.written + removed))
        if not changed and (derived is None or old_derived):
            self.abort()
            return WriteResult(0, self.unchanged + len(old_derived), 0)
        written, unchanged = len(self.written), self.unchanged
        retired = output_dir.parent / f".{output_dir.name}.old-{os.getpid()}"
        try:
            if derived:
                derived.make(self.staging)
                derived_written, derived_unchanged = _keep_unchanged_derived(self.staging, derived.folder, output_dir)
                written, unchanged = written + derived_written, unchanged + derived_unchanged
            new_files = existing_files(self.staging)
            if output_dir.exists():
                output_dir.rename(retired)
            self.staging.rename(output_dir)
        except BaseException:
            if retired.exists() and not output_dir.exists():
                retired.rename(output_dir)
            self.abort()
            raise
        shutil.rmtree(retired, ignore_errors=True)
        return WriteResult(written, unchanged, len(self.old_files - new_files), changed)


def write_site(outputs: Iterable[Output], output_dir: Path, derived: Derived | None = None) -> WriteResult:
    """Make `output_dir` hold exactly `outputs`, plus what `derived` makes from them."""
    with StagedSite(output_dir, derived) as site:
        for output in outputs:
            site.add(output)
        return site.commit()
