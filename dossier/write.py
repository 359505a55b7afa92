"""Write the site into a staging folder, then swap it into place: a failed build leaves the old site whole.

Files are written as they are rendered (`StagedSite.add`), so a large site is never held in memory whole.
Files whose bytes did not change are hard-linked from the previous site (keeping their modification
time), and a build that would change nothing leaves the output folder as it was.

The previous site, the lock and the spare site are read and moved as kept_files says: a link, a FIFO or a
folder planted in place of one of their files is never followed, read or waited on.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from dossier.kept_files import is_real_folder, opened_folder, opened_regular, read_below
from dossier.render.output import Output


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

    `make(staging, changed)` writes them, told which outputs were written or removed since the last build (all,
    after a build into an empty folder). They are remade only when an output changed or the folder is missing,
    so a build that changes nothing still writes nothing; remade files whose bytes did not change keep their
    inode. Staged into a spare site, the folder may already hold what that site had there: nothing in it is
    trusted, and `make` leaves the folder holding exactly what it makes (keeping the files that are already
    hard links of the live site's, which saves unlinking and linking them all again), or removes it.
    """

    folder: str
    make: Callable[[Path, tuple[str, ...]], object]

    def holds(self, path: str) -> bool:
        return path == self.folder or path.startswith(self.folder + "/")


class BuildLocked(Exception):
    """The output folder's lock cannot be taken: another build of it is running, or the lock file is not one
    (a link, a folder, a FIFO: nothing a build made)."""


def safe_relative(path: str) -> PurePosixPath:
    """The output path, checked to stay inside the output folder (a bug elsewhere must not write outside)."""
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts or "" in relative.parts:
        raise ValueError(f"refusing to write outside the output folder: {path!r}")
    return relative


def _checked(path: str) -> str:
    """`path` checked as `safe_relative` checks it, as a string: a plain path (as the site's are) without pathlib,
    which costs more than the file operations when most of a site's files are kept."""
    parts = path.split("/")
    if path.startswith("/") or "" in parts or "." in parts or ".." in parts:
        return safe_relative(path).as_posix()  # refused, or made plain
    return path


def existing_files(folder: Path) -> set[str]:
    """Every file (and link) below `folder`, as POSIX paths relative to it."""
    return _walk(folder)[0]


def _walk(folder: Path) -> tuple[set[str], bool]:
    """Every file and link below `folder` (relative POSIX paths; links are not followed), and whether anything
    but folders and regular files (a link, a FIFO) was met. A site is a folder per page, so this is one directory
    read per page: walk it as few times as can be."""
    found: set[str] = set()
    has_others = False
    pending = [(str(folder), "")]
    while pending:
        here, prefix = pending.pop()
        try:
            entries = os.scandir(here)
        except (FileNotFoundError, NotADirectoryError):
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, prefix + entry.name + "/"))
                else:
                    has_others = has_others or not entry.is_file(follow_symlinks=False)
                    found.add(prefix + entry.name)
    return found, has_others


def _same_bytes(folder: Path, path: str, data: bytes) -> bool:
    """Whether the regular file at `path` below `folder` holds `data` (never read through a link)."""
    try:
        return read_below(folder, path, limit=len(data)) == data
    except OSError:  # missing, larger, or not a regular file
        return False


def _write_comparing(target: Path, chunks: Iterable[bytes], folder: Path, path: str) -> bool:
    """Write the chunks to `target`, one at a time; whether the regular file at `path` below `folder` held the very
    same bytes (read beside them, never through a link)."""
    *parts, name = path.split("/")
    with contextlib.ExitStack() as stack, target.open("wb") as written:
        previous: BinaryIO | None = None
        with contextlib.suppress(OSError):  # missing, or not a regular file: not the same
            descriptor = stack.enter_context(opened_folder(folder, parts))
            previous, _ = stack.enter_context(opened_regular(name, dir_fd=descriptor))
        for chunk in chunks:
            written.write(chunk)
            if previous is not None and previous.read(len(chunk)) != chunk:
                previous = None
        return previous is not None and not previous.read(1)


def is_mount_point(folder: Path) -> bool:
    """Whether a file system is mounted at `folder`: a build cannot rename it away to swap in the new site.
    A bind mount of a folder from the same file system is found only in the mount table, where there is one."""
    if os.path.ismount(folder):
        return True
    try:
        table = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return False
    real = os.path.realpath(folder)
    # The fifth field is where a file system is mounted, with space, tab, new line and backslash as octal escapes.
    unescape = re.compile(r"\\([0-7]{3})")
    return any(
        unescape.sub(lambda code: chr(int(code[1], 8)), line.split(" ")[4]) == real
        for line in table.splitlines()
        if line.count(" ") >= 4
    )


@contextlib.contextmanager
def build_lock(output_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock beside the output folder for the length of a build."""
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_path = output_dir.parent / f".{output_dir.name}.lock"
    descriptor = _open_lock_file(lock_path)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(f"another build is writing {output_dir}; wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _open_lock_file(lock_path: Path) -> int:
    """The lock file, made when missing; a link there is not followed (it could make or lock a file anywhere),
    and anything but a regular file is refused."""
    not_a_lock = BuildLocked(
        f"{lock_path} is not a lock file (it is a symbolic link, a folder or a special file); remove it and build again"
    )
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        descriptor = os.open(lock_path, flags, 0o666)
    except OSError as problem:
        if problem.errno in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
            raise not_a_lock from None
        raise
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise not_a_lock
    return descriptor


def _reuse(old: Path | str, target: Path | str) -> None:
    """Keep the previous file (same inode and time) where the bytes did not change; copy where links fail.
    A link in the previous site is linked or copied as a link, never followed (see `StagedSite.keep_previous`)."""
    try:
        os.link(old, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(old, target, follow_symlinks=False)


def _keep_unchanged_derived(staging: Path, folder: str, previous: Path) -> tuple[int, int]:
    """Hard-link each derived file whose bytes did not change to the previous one, as outputs are. (os.walk and
    strings, not pathlib: a search index has thousands of files, most of them kept.)"""
    written = unchanged = 0
    for root, folders, files in os.walk(staging / folder):
        folders.sort()
        below = os.path.relpath(root, staging).replace(os.sep, "/")
        for name in sorted(files):
            target, relative = os.path.join(root, name), f"{below}/{name}"
            staged = os.lstat(target)
            if not stat.S_ISREG(staged.st_mode):
                continue
            if _is_link_of(staged, f"{previous}/{relative}"):  # linked from the live index (a bundle kept): not read
                unchanged += 1
            elif _same_bytes(previous, relative, Path(target).read_bytes()):
                os.unlink(target)
                _reuse(previous / relative, Path(target))
                unchanged += 1
            else:
                written += 1
    return written, unchanged


def _is_link_of(staged: os.stat_result, live: str) -> bool:
    """Whether the staged file whose status is `staged` is the file at `live` (a hard link of it), links not
    followed."""
    try:
        other = os.lstat(live)
    except OSError:
        return False
    return same_file(staged, other)


def same_file(one: os.stat_result, other: os.stat_result) -> bool:
    """Whether two statuses are of one file (the same inode on the same device: hard links of it)."""
    return (one.st_dev, one.st_ino) == (other.st_dev, other.st_ino)


class StagedSite:
    """A new site written beside the old one; `commit` swaps it into place, `abort` (or an exception inside the
    `with` block) removes it and leaves the old site untouched.

    With a `spare` folder (the build cache keeps one), the site the last swap retired is not deleted but kept
    there, and the next build stages into it: it already has the site's folders and most of its files (linked
    to the live ones), so a small edit costs a few file operations instead of a folder and a link per page
    (folders are slow to make and remove on some disks). Nothing in the spare is trusted: a file is kept only
    when it is the live file itself (same inode) or has the new bytes, leftovers are removed before the swap,
    and a spare holding anything but folders and regular files (a symbolic link, a FIFO) is not used. The
    spare is reached from the folder holding the output without following a link (kept_files), so a cache
    folder linked elsewhere never gives or takes a site.
    """

    def __init__(self, output_dir: Path, derived: Derived | None = None, spare: Path | None = None) -> None:
        self.output_dir = output_dir
        self.derived = derived
        self.spare = spare
        self.old_files = existing_files(output_dir)
        self.staging = output_dir.parent / f".{output_dir.name}.staging-{os.getpid()}"
        self.paths: set[str] = set()
        self.written: list[str] = []
        self.unchanged = 0
        self._folders: set[str] = set()  # made or found already, relative to the staging folder
        shutil.rmtree(self.staging, ignore_errors=True)
        self.leftovers = self._recycle_spare()
        if self.leftovers is None:
            self.staging.mkdir(parents=True)

    def _recycle_spare(self) -> set[str] | None:
        """The files of the spare, moved to the staging folder; None when there is no usable spare."""
        if self.spare is None:
            return None
        try:
            _rename_below(self.output_dir.parent, self.spare, self.staging)
        except OSError:  # no spare, or the cache folder is a link or no folder
            return None
        if not is_real_folder(self.staging):  # a link, a file or a FIFO was in the spare's place
            self.staging.unlink()
            return None
        files = _files_without_others(self.staging)
        if files is None:
            shutil.rmtree(self.staging, ignore_errors=True)
        return files

    def __enter__(self) -> StagedSite:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is not None:
            self.abort()

    def add(self, output: Output) -> None:
        """Stage one output: linked to the previous file when its bytes are the same, else written."""
        old, staged = self._places(output.path)
        target = Path(staged)
        self.paths.add(output.path)
        if isinstance(output.data, bytes):
            same = _same_bytes(self.output_dir, output.path, output.data)
            if not same:
                self._clear(output.path, target)  # a leftover may be linked to a live file: never write through it
                target.write_bytes(output.data)
        else:  # made as it is written: compared with the previous file meanwhile, and replaced by it if the same
            self._clear(output.path, target)
            same = _write_comparing(target, output.chunks(), self.output_dir, output.path)
            if same:
                target.unlink()
        if same:
            self._link(output.path, old, staged)
            self.unchanged += 1
        else:
            self.written.append(output.path)

    def keep_previous(self, path: str) -> bool:
        """Stage the previous site's file at `path` as it is (the caller knows it is unchanged), unread; False
        when there is none to keep."""
        old, target = self._places(path)
        if self._is_live_file(path, old, target):  # the spare holds it, linked to the live file: nothing to do
            self.paths.add(path)
            self.unchanged += 1
            return True
        try:
            self._link(path, old, target)
        except OSError:
            return False
        if not stat.S_ISREG(os.lstat(target).st_mode):  # a link or a FIFO had taken the file's place: make it anew
            os.unlink(target)
            return False
        self.paths.add(path)
        self.unchanged += 1
        return True

    def _is_live_file(self, path: str, old: str, target: str) -> bool:
        """Whether the spare's file at `target` is a regular file and the live file `old` itself (same inode)."""
        if self.leftovers is None or path not in self.leftovers:
            return False
        try:
            staged, live = os.lstat(target), os.stat(old)
        except OSError:
            return False
        return stat.S_ISREG(staged.st_mode) and same_file(staged, live)

    def _link(self, path: str, old: str, target: str) -> None:
        """Make `target` the previous file itself (same inode and time); a copy where links fail."""
        if self.leftovers is not None and path in self.leftovers and os.path.samefile(old, target):
            return
        self._clear(path, target)
        _reuse(old, target)

    def _clear(self, path: str, target: Path | str) -> None:
        """Remove what the spare left at `target` (a file, or a folder where there is now a file)."""
        if self.leftovers is None:
            return
        if path in self.leftovers:
            self.leftovers.discard(path)
            os.unlink(target)
        elif os.path.isdir(target):
            shutil.rmtree(target)

    def _places(self, path: str) -> tuple[str, str]:
        """The previous file and the staged file for an output path, checked; the staged file's folder made.
        Strings, not Paths: most of a rebuild's outputs are kept, and making Paths cost more than keeping them."""
        if path in self.paths:
            raise ValueError(f"two outputs for the same path: {path!r}")
        if self.derived and self.derived.holds(path):
            raise ValueError(f"an output inside {self.derived.folder}/, which is made from the site: {path!r}")
        relative = _checked(path)
        target = f"{self.staging}/{relative}"
        folder = relative.rpartition("/")[0]
        if folder not in self._folders:
            # A file the spare holds there is in a real folder (the spare has no links): it need not be made.
            if self.leftovers is None or path not in self.leftovers:
                self._make_folder(Path(target).parent)
            self._folders.add(folder)
        return f"{self.output_dir}/{relative}", target

    def _make_folder(self, folder: Path) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            if self.leftovers is None:
                raise
            # The spare has a file where this site has a folder: remove it and try again.
            for above in [*reversed(folder.relative_to(self.staging).parents), folder.relative_to(self.staging)]:
                if (self.staging / above).is_file():
                    (self.staging / above).unlink()
                    self.leftovers.discard(above.as_posix())
            folder.mkdir(parents=True, exist_ok=True)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def commit(self) -> WriteResult:
        """Swap the staged site in (after making the derived files); nothing changes when no file would."""
        derived, output_dir = self.derived, self.output_dir
        old_derived = {p for p in self.old_files if derived and derived.holds(p)}
        removed = sorted(self.old_files - old_derived - self.paths)
        changed = tuple(sorted(self.written + removed))
        if not changed and (derived is None or old_derived):
            self._retire(self.staging)
            return WriteResult(0, self.unchanged + len(old_derived), 0)
        written, unchanged = len(self.written), self.unchanged
        retired = output_dir.parent / f".{output_dir.name}.old-{os.getpid()}"
        try:
            self._remove_leftovers()
            if derived:
                derived.make(self.staging, changed)
                derived_written, derived_unchanged = _keep_unchanged_derived(self.staging, derived.folder, output_dir)
                written, unchanged = written + derived_written, unchanged + derived_unchanged
            new_files = set(self.paths)
            if derived:
                new_files |= {f"{derived.folder}/{p}" for p in existing_files(self.staging / derived.folder)}
            if output_dir.exists():
                output_dir.rename(retired)
            self.staging.rename(output_dir)
        except BaseException:
            if retired.exists() and not output_dir.exists():
                retired.rename(output_dir)
            self.abort()
            raise
        self._retire(retired)
        return WriteResult(written, unchanged, len(self.old_files - new_files), changed)

    def _remove_leftovers(self) -> None:
        """Remove what the spare held that this site does not, but for its derived folder, which `derived.make`
        makes again from what is there (see Derived)."""
        if self.leftovers is None:
            return
        folders: set[PurePosixPath] = set()
        for path in sorted(self.leftovers - self.paths):
            if self.derived and self.derived.holds(path):
                continue
            with contextlib.suppress(FileNotFoundError):  # gone with a folder that became a file
                (self.staging / path).unlink()
            folders.update(PurePosixPath(path).parents)
        for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
            if folder.parts:
                with contextlib.suppress(OSError):  # not empty: it holds this site's files
                    (self.staging / folder).rmdir()

    def _retire(self, folder: Path) -> None:
        """Keep `folder` as the spare for the next build, or delete it when there is no spare (or one is there
        already: a rename does not replace a folder that holds files, nor anything but a folder)."""
        if self.spare is not None:
            with contextlib.suppress(OSError):
                _rename_below(self.output_dir.parent, folder, self.spare, make_folders=True)
                return
        shutil.rmtree(folder, ignore_errors=True)


def _rename_below(holder: Path, source: Path, target: Path, *, make_folders: bool = False) -> None:
    """Rename `source` to `target`, both below `holder`, by their names in folders opened without following a
    link (kept_files): a link planted in the cache's path cannot send the spare site, or take one, elsewhere."""
    source_folder = source.parent.relative_to(holder).parts
    target_folder = target.parent.relative_to(holder).parts
    with (
        opened_folder(holder, source_folder) as source_fd,
        opened_folder(holder, target_folder, create=make_folders) as target_fd,
    ):
        os.rename(source.name, target.name, src_dir_fd=source_fd, dst_dir_fd=target_fd)


def make_spare(output_dir: Path, spare: Path) -> bool:
    """Give the next build into `output_dir` a spare to stage into (see StagedSite) where it has none: the site's
    folders, each regular file in them hard-linked to the live one, which is what a build that changed nothing
    leaves there. Only the site a build made into an empty folder has none, and a build without one makes every
    folder of the site again (`serve`'s first rebuild after its first build: 2,400 folders at 1,000 articles,
    a tenth of a second); serve makes it while idle. Whether it was made: not where a spare is (or anything in its
    place), nor where a file cannot be linked (a copy would cost what it saves); nothing is left then."""
    if not output_dir.is_dir() or os.path.lexists(spare):
        return False
    temporary = output_dir.parent / f".{output_dir.name}.spare-{os.getpid()}"
    shutil.rmtree(temporary, ignore_errors=True)
    try:
        _link_tree(str(output_dir), str(temporary))
        _rename_below(output_dir.parent, temporary, spare, make_folders=True)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)
        return False
    return True


def _link_tree(source: str, target: str) -> None:
    """`target` made with the folders below `source` and a hard link to each regular file there (links and other
    files left out, never followed)."""
    os.mkdir(target)
    with os.scandir(source) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.is_dir(follow_symlinks=False):
                _link_tree(entry.path, os.path.join(target, entry.name))
            elif entry.is_file(follow_symlinks=False):
                os.link(entry.path, os.path.join(target, entry.name), follow_symlinks=False)


def _files_without_others(folder: Path) -> set[str] | None:
    """Every file below `folder` (relative POSIX paths), or None when anything there but folders and regular
    files (a symbolic link, a FIFO) is."""
    files, has_others = _walk(folder)
    return None if has_others else files


def write_site(outputs: Iterable[Output], output_dir: Path, derived: Derived | None = None) -> WriteResult:
    """Make `output_dir` hold exactly `outputs`, plus what `derived` makes from them."""
    with StagedSite(output_dir, derived) as site:
        for output in outputs:
            site.add(output)
        return site.commit()
