"""Write the site into a staging folder, then swap it into place: a failed build leaves the old site whole.

Files whose bytes did not change are hard-linked from the previous site (keeping their modification
time), and a build that would change nothing writes nothing at all.
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
    if not folder.is_dir():
        return set()
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


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


def _fill_staging(outputs: Iterable[Output], staging: Path, previous: Path) -> tuple[int, int]:
    written = unchanged = 0
    for output in outputs:
        relative = safe_relative(output.path)
        target = staging.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        old = previous.joinpath(*relative.parts)
        if _same_bytes(old, output.data):
            _reuse(old, target)
            unchanged += 1
        else:
            target.write_bytes(output.data)
            written += 1
    return written, unchanged


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


def write_site(outputs: list[Output], output_dir: Path, derived: Derived | None = None) -> WriteResult:
    """Make `output_dir` hold exactly `outputs`, plus what `derived` makes from them."""
    paths = [o.path for o in outputs]
    duplicates = sorted({p for p in paths if paths.count(p) > 1}) if len(set(paths)) != len(paths) else []
    if duplicates:
        raise ValueError(f"two outputs for the same path: {duplicates}")
    if derived and any(derived.holds(p) for p in paths):
        raise ValueError(
            f"outputs inside {derived.folder}/, which is made from the site: {[p for p in paths if derived.holds(p)]}"
        )
    old_files = existing_files(output_dir)
    old_derived = {p for p in old_files if derived and derived.holds(p)}
    if (
        old_files - old_derived == set(paths)
        and (derived is None or old_derived)
        and all(_same_bytes(output_dir / o.path, o.data) for o in outputs)
    ):
        return WriteResult(0, len(outputs) + len(old_derived), 0)
    staging = output_dir.parent / f".{output_dir.name}.staging-{os.getpid()}"
    retired = output_dir.parent / f".{output_dir.name}.old-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        written, unchanged = _fill_staging(outputs, staging, output_dir)
        if derived:
            derived.make(staging)
            derived_written, derived_unchanged = _keep_unchanged_derived(staging, derived.folder, output_dir)
            written, unchanged = written + derived_written, unchanged + derived_unchanged
        new_files = existing_files(staging)
        if output_dir.exists():
            output_dir.rename(retired)
        staging.rename(output_dir)
    except BaseException:
        if retired.exists() and not output_dir.exists():
            retired.rename(output_dir)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(retired, ignore_errors=True)
    return WriteResult(written, unchanged, len(old_files - new_files))
