"""The files dossier keeps for itself, reached without following a symbolic link and read only when regular.

The build cache (`.dossier-cache/NAME/`: its shards, the last build's manifest and anchors, the spare site),
the build lock and the files of the last site that a build reads back are dossier's own. Anything else found
in their place (a symbolic link to another folder or to /dev/zero, a FIFO, a folder where a file belongs) was
put there by someone else: it is never followed, read, written through or waited on.

A path is opened one part at a time from a folder the editor chose (the folder that holds the output folder,
or the output folder itself), each part with O_NOFOLLOW; a file's type is then checked on the open descriptor
(fstat), so nothing can be swapped in between the check and the use, as it could between `lstat` and `open`.
Files are opened with O_NONBLOCK, so that a FIFO is refused instead of waited on.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dossier.atomic_write import Content, write_atomically

# Larger than any file a build writes (a cache shard, dossier.json): a bigger one is refused unread.
SIZE_LIMIT = 1 << 30

_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class NotARegularFile(OSError):
    """A link, a folder, a FIFO or a device where dossier keeps a file, or a file too large to be one of its."""


@contextlib.contextmanager
def opened_folder(base: Path, parts: Sequence[str] = (), *, create: bool = False) -> Iterator[int]:
    """A descriptor of the folder `base`/`parts`: `base` is followed as given, each part is opened without
    following a link (a link, a file or a FIFO there raises OSError). With `create`, missing folders are made."""
    if create:
        base.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(base, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts:
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, dir_fd=descriptor)
            inner = os.open(part, _FOLDER_FLAGS, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
        yield descriptor
    finally:
        os.close(descriptor)


def read_regular(
    path: Path | str, *, dir_fd: int | None = None, limit: int = SIZE_LIMIT, follow: bool = False
) -> bytes:
    """The bytes of the regular file at `path` (relative to `dir_fd` when given), read only when it is one and
    holds at most `limit` bytes; else NotARegularFile. Its last part is never a link unless `follow`."""
    with opened_regular(path, dir_fd=dir_fd, limit=limit, follow=follow) as (stream, size):
        data = stream.read(size + 1)  # one more: a file that grows meanwhile is seen to
    if len(data) != size:  # dossier replaces its files whole: this one is being written by another
        raise NotARegularFile(errno.EAGAIN, "changed while it was read", str(path))
    return data


@contextlib.contextmanager
def opened_regular(
    path: Path | str, *, dir_fd: int | None = None, limit: int = SIZE_LIMIT, follow: bool = False
) -> Iterator[tuple[BinaryIO, int]]:
    """The regular file at `path` open for reading, with its size, as `read_regular` reads it (for a file read
    a piece at a time)."""
    flags = _FILE_FLAGS & ~os.O_NOFOLLOW if follow else _FILE_FLAGS
    with os.fdopen(os.open(path, flags, dir_fd=dir_fd), "rb") as stream:
        status = os.fstat(stream.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise NotARegularFile(errno.EINVAL, "not a regular file", str(path))
        if status.st_size > limit:
            raise NotARegularFile(errno.EFBIG, f"larger than {limit} bytes", str(path))
        yield stream, status.st_size


def read_below(folder: Path, relative: str, *, limit: int = SIZE_LIMIT) -> bytes:
    """The regular file at `relative` (a POSIX path) below `folder`, no link followed below `folder`."""
    *parts, name = relative.split("/")
    with opened_folder(folder, parts) as descriptor:
        return read_regular(name, dir_fd=descriptor, limit=limit)


def is_real_folder(path: Path) -> bool:
    """Whether `path` itself is a folder (not a link to one)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


@dataclass(frozen=True)
class KeptFolder:
    """A folder dossier keeps to itself, `base`/`parts` (the build cache: `.dossier-cache/NAME`), used only
    through descriptors opened as `opened_folder` opens them: a part linked elsewhere, or a file or FIFO in its
    place, makes every read fail and every write fail, instead of reaching somewhere else."""

    base: Path
    parts: tuple[str, ...]

    @property
    def path(self) -> Path:
        return self.base.joinpath(*self.parts)

    def problem(self) -> str | None:
        """Why the folder cannot be used, or None (it can, or it is not made yet and will be)."""
        try:
            with opened_folder(self.base, self.parts):
                return None
        except FileNotFoundError:
            return None
        except OSError:
            pass
        for depth in range(1, len(self.parts) + 1):
            part = self.base.joinpath(*self.parts[:depth])
            if not is_real_folder(part):
                kind = "a symbolic link" if part.is_symlink() else "not a folder"
                return f"{part} is {kind}"
        return f"{self.path} cannot be opened"

    def read(self, name: str, limit: int = SIZE_LIMIT) -> bytes:
        """A regular file of the folder (see `read_regular`); OSError when it is missing or not one."""
        with opened_folder(self.base, self.parts) as descriptor:
            return read_regular(name, dir_fd=descriptor, limit=limit)

    def write(self, name: str, data: Content) -> None:
        """Replace the file `name` whole (see atomic_write), making the folder first when it is missing."""
        with opened_folder(self.base, self.parts, create=True) as descriptor:
            write_atomically(Path(name), data, folder_fd=descriptor)

    def remove(self, name: str) -> None:
        with opened_folder(self.base, self.parts) as descriptor:
            os.unlink(name, dir_fd=descriptor)

    def names(self) -> list[str]:
        """The names in the folder; none when it is missing or not a folder of its own."""
        try:
            with opened_folder(self.base, self.parts) as descriptor:
                return os.listdir(descriptor)
        except OSError:
            return []
