"""The persistent build cache: values stored under hashes of everything they were made from.

The cache lives in `.dossier-cache/` beside the output folder. Every key is a digest of the inputs that made
the value (content, settings, and `version_key()`: dossier's version and code, this file's format number, the
libraries that shape the output and Python), so an entry is either exactly right or never looked up: a stale
entry cannot be hit, and deleting the folder only costs time. Entries not used by a build are pruned by
`finish()`, so the folder holds what the last build used.

The folder is dossier's own: it is reached without following a symbolic link below the folder that holds the
output (see kept_files), so a `.dossier-cache` linked elsewhere is neither read, written nor emptied.
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import hashlib
import importlib.metadata
import io
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any, BinaryIO

from dossier import __version__
from dossier.kept_files import KeptFolder

CACHE_FOLDER = ".dossier-cache"
FORMAT = 3  # bump when what is stored changes shape
PICKLE_PROTOCOL = 5
VERSION_FILE = "version"  # the version_key() of the dossier that wrote the shards


def cache_dir_for(output_dir: Path) -> Path:
    """Where the cache of a build into `output_dir` lives: `.dossier-cache/<output name>/` beside it."""
    return output_dir.parent / CACHE_FOLDER / output_dir.name


def kept_cache_folder(cache_dir: Path) -> KeptFolder:
    """The folder `cache_dir_for` names, reached from the folder holding the output (the editor's choice,
    followed as given) without following a link below it."""
    holder = cache_dir.parent.parent
    return KeptFolder(holder, cache_dir.relative_to(holder).parts)


def digest(*parts: bytes | str) -> str:
    """A hex digest of the parts, each length-prefixed so that ("ab", "c") and ("a", "bc") differ."""
    hasher = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def fingerprint(value: Any, known: Callable[[Any], str | None] | None = None) -> str:
    """A digest of a plain, acyclic value (dataclasses, lists, dicts, strings, numbers), through pickle.

    The pickler runs without its memo ("fast" mode), so the bytes depend on the value alone, not on which of
    its parts happen to be one shared object (interned strings differ between processes). Equal fingerprints
    mean equal values; equal values may still give different fingerprints (a set's order differs between
    processes): that costs a cache miss, never a wrong page. `known` may give a part's fingerprint already
    taken (a model entity inside a feed), which then stands in for the part.
    """
    buffer = io.BytesIO()
    pickler = _Fingerprinter(buffer, known) if known else pickle.Pickler(buffer, protocol=PICKLE_PROTOCOL)
    pickler.fast = True  # no memo: see above
    pickler.dump(value)
    return digest(buffer.getvalue())


class _Fingerprinter(pickle.Pickler):
    def __init__(self, buffer: io.BytesIO, known: Callable[[Any], str | None]) -> None:
        super().__init__(buffer, protocol=PICKLE_PROTOCOL)
        self._known = known

    def persistent_id(self, obj: Any) -> str | None:
        return self._known(obj)


# The distributions whose code shapes what a build writes: an upgrade of any of them must not leave pages
# made by the old one (tests/security/test_cache.py checks that every library the build imports is here, with
# what each of them requires).
OUTPUT_LIBRARIES = (
    "Jinja2",
    "MarkupSafe",
    "PyYAML",
    "anyascii",
    "markdown-it-py",
    "mdurl",
    "nh3",
    "numpy",
    "rapidfuzz",
    "snowballstemmer",
)
PACKAGE_DIR = Path(__file__).resolve().parent


@functools.cache
def version_key() -> str:
    """What every cache key starts with: what made the values besides their inputs. dossier's version, its
    code (each module's size and time: an edited checkout is another dossier), this file's format number,
    the installed version of each library in OUTPUT_LIBRARIES and Python's version. Taken once per process:
    the code a process runs does not change when a newer one is installed under it."""
    libraries = [f"{name} {_installed_version(name)}" for name in OUTPUT_LIBRARIES]
    code = [f"{path.relative_to(PACKAGE_DIR)} {size} {time}" for path, size, time in _code_files()]
    return digest(f"dossier {__version__}", f"cache format {FORMAT}", *libraries, f"Python {sys.version}", *code)


def _installed_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _code_files() -> list[tuple[Path, int, int]]:
    """dossier's own modules, each with its size and modification time (ns), in a stable order."""
    found = []
    for root, folders, files in os.walk(PACKAGE_DIR):
        folders[:] = sorted(f for f in folders if not f.startswith((".", "__pycache__")))
        for name in sorted(files):
            if name.endswith(".py"):
                status = os.stat(os.path.join(root, name))
                found.append((Path(root, name), status.st_size, status.st_mtime_ns))
    return found


# The only classes a cache entry may name. A .dossier-cache/ may come with a project (a pull request, a shared
# folder): an entry naming anything else (os.system, a function) is refused, never called.
ALLOWED_CLASSES = frozenset(
    {
        ("datetime", "date"),
        ("dossier.compare.align", "Alignment"),
        ("dossier.compare.align", "Attribution"),
        ("dossier.compare.align", "attribution_read_back"),
        ("dossier.compare.align", "Conflict"),
        ("dossier.compare.align", "Figure"),
        ("dossier.compare.align", "Pair"),
        ("dossier.compare.diff", "Chunk"),
        ("dossier.compare.features", "Attributed"),
        ("dossier.compare.score", "Signals"),
        ("dossier.compare.score", "signals_read_back"),
        ("dossier.compare.segment", "Sentence"),
        ("dossier.compare.words", "Token"),
        ("dossier.diagnostics", "Location"),
        # the story memo (load.StoryMemo): the model as validation makes it
        ("dossier.model", "Annotation"),
        ("dossier.model", "Article"),
        ("dossier.model", "Claim"),
        ("dossier.model", "Selector"),
        ("dossier.model", "Source"),
        ("dossier.model", "Story"),
        ("dossier.model", "TimelineEvent"),
        ("dossier.yaml_reader", "LocatedDict"),
        ("dossier.yaml_reader", "LocatedList"),
        ("dossier.yaml_reader", "InvalidScalar"),
    }
)


def _dump_apart(parts: tuple[Any, ...], stream: BinaryIO) -> None:
    """Each part pickled to `stream` in turn, each with a memo of its own (let go before the next is pickled)."""
    for part in parts:
        pickle.dump(part, stream, protocol=PICKLE_PROTOCOL)


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in ALLOWED_CLASSES:
            raise pickle.UnpicklingError(f"the build cache may not name {module}.{name}")
        return super().find_class(module, name)


_NOT_KEPT = object()


class CacheMemory:
    """The values a long-running process (`serve`) read from its build caches, kept between its builds with the
    bytes each was read from: a later build whose entry holds the same bytes takes the value as it is instead of
    unpickling it again (at 1,000 articles, the story memos and story results are a tenth of a rebuild).

    Kept only for the namespaces given, whose values no reader changes (the model is frozen dataclasses; readers
    make new lists rather than append to a kept one: tests/test_serve.py checks that each value still equals what
    its bytes unpickle to after builds). A build keeps what it read, so the memory holds what the last build used.
    """

    def __init__(self, namespaces: frozenset[str]) -> None:
        self.namespaces = namespaces
        self._last: dict[tuple[str, str], tuple[bytes, Any]] = {}
        self._now: dict[tuple[str, str], tuple[bytes, Any]] = {}

    def start_build(self) -> None:
        """What the last build read may be recalled; what it left unread is let go."""
        if self._now:  # a build that read nothing (it stopped before the cache) leaves the last one's
            self._last = self._now
        self._now = {}

    def recall(self, namespace: str, key: str, data: bytes) -> Any:
        """The value kept for the entry when it was read from these very bytes, else _NOT_KEPT."""
        kept = self._now.get((namespace, key)) or self._last.get((namespace, key))
        if kept is None or kept[0] != data:
            return _NOT_KEPT
        self._now[namespace, key] = kept
        return kept[1]

    def remember(self, namespace: str, key: str, data: bytes, value: Any) -> None:
        if namespace in self.namespaces:
            self._now[namespace, key] = (data, value)

    def entries(self) -> list[tuple[bytes, Any]]:
        """What is kept, for the tests."""
        return [*self._now.values()]


class CacheStore:
    """Values by key, in one folder: a namespace per kind of value (`compare`, `yaml`, `pages`, ...).

    A namespace is kept in up to 16 files, by the first character of the keys (hex digests), so a build reads
    and writes a few large files rather than thousands of small ones (on a slow disk the small ones cost more
    than the work they save). A shard is read whole when first used; `put` keeps the value in memory, and
    `finish(namespace)` writes back each changed shard, holding only the entries this build used, atomically.
    A build that stops before `finish` leaves the cache as it was, but for the namespaces written back early
    (`write_back`): their entries are right for their inputs whether or not the build went on to write a site.
    """

    def __init__(self, folder: Path, memory: CacheMemory | None = None) -> None:
        self.folder = folder
        self.memory = memory  # what a long-running process kept of its last build's reads
        if memory is not None:
            memory.start_build()
        self._kept = kept_cache_folder(folder)
        # Why the folder cannot be used (a link, a file or a FIFO in its place), or None. Then nothing is read
        # or written, and a build runs as without the cache.
        self.problem = self._kept.problem()
        self._shards: dict[tuple[str, str], dict[str, bytes]] = {}
        self._used: dict[str, set[str]] = {}
        self._changed: set[tuple[str, str]] = set()
        self._written_back: set[tuple[str, str]] = set()  # written and let go from memory (`write_back`)
        # Namespaces whose new entries wait on disk, not in memory, until their shards are written (`spill`).
        self._spilling: set[str] = set()
        self._spill: IO[bytes] | None = None  # an unnamed temporary file, gone when closed
        self._spilled: dict[tuple[str, str], dict[str, tuple[int, int]]] = {}  # shard -> key -> (offset, length)
        # Every key holds the version_key(), so a cache another dossier (or Python, or library) wrote has no entry
        # this one can use: its shards are not read (at 5,000 articles, reading them raised the first build after
        # an upgrade from 647 to 806 MiB), and `finish` deletes them as it does shards nothing used. (A shard this
        # store wrote back is its own: read again when asked for.)
        self._is_foreign = self.problem is None and self._written_version() != version_key()
        self._is_marked = False  # the version file says this dossier's (written with the first shard)
        self._written_whole: set[str] = set()  # the files put_whole wrote (see get_whole)

    def _written_version(self) -> str | None:
        try:
            return self._kept.read(VERSION_FILE, limit=256).decode("ascii", "replace")
        except OSError:
            return None

    @staticmethod
    def _file_name(shard: tuple[str, str]) -> str:
        return f"{shard[0]}-{shard[1]}.pickle"

    @staticmethod
    def _shard_of(namespace: str, key: str) -> tuple[str, str]:
        """The shard an entry is stored in: its namespace and its key's first character."""
        return namespace, key[:1] or "_"

    def _shard(self, namespace: str, key: str) -> dict[str, bytes]:
        shard = self._shard_of(namespace, key)
        if shard not in self._shards and self._is_foreign and shard not in self._written_back:
            self._shards[shard] = {}
            self._changed.add(shard)  # its file, another dossier's, is replaced or deleted at finish
        elif shard not in self._shards:
            try:
                loaded = _SafeUnpickler(io.BytesIO(self._kept.read(self._file_name(shard)))).load()
            except Exception:  # missing, damaged, refused, not a file (pickle fails in many ways): start it again
                loaded = None
            is_valid = isinstance(loaded, dict) and all(
                isinstance(k, str) and isinstance(v, bytes) for k, v in loaded.items()
            )
            self._shards[shard] = loaded if is_valid else {}
        return self._shards[shard]

    def spill(self, *namespaces: str) -> None:
        """Keep the new entries of `namespaces` in a temporary file until their shards are written, rather than in
        memory: for entries made in bulk late in a build (dossier.json's parts: about 70 MB of pickles at 5,000
        articles, which were the cold build's peak while the file was made)."""
        self._spilling.update(namespaces)

    def _spilled_data(self, shard: tuple[str, str], key: str) -> bytes | None:
        place = self._spilled.get(shard, {}).get(key)
        if place is None or self._spill is None:
            return None
        self._spill.seek(place[0])
        return self._spill.read(place[1])

    def put_whole(self, name: str, parts: tuple[Any, ...]) -> None:
        """Keep a large value of several `parts` always read whole (the pages' records) as a file of its own
        (`name`.whole.pickle, outside every namespace), pickled as it is written, each part with a pickler's memo of
        its own. At 5,000 articles the records are 9 MB of pickle: `put` held them as bytes beside the pickler's
        buffers (31 MiB at the end of a cold build, its peak then), and one memo for all their 360,000 objects
        took 14."""
        self._written_whole.add(name)
        self._write(self._whole_file(name), functools.partial(_dump_apart, parts))

    def get_whole(self, name: str) -> tuple[Any, ...] | None:
        """The parts `put_whole` kept under `name`, or None (missing, unreadable, refused, or another dossier's)."""
        if self._is_foreign and name not in self._written_whole:
            return None
        try:
            data = self._kept.read(self._whole_file(name))
            stream, parts = io.BytesIO(data), []
            while stream.tell() < len(data):
                parts.append(_SafeUnpickler(stream).load())
            return tuple(parts)
        except Exception:  # missing, damaged, refused, not a file: made again
            return None

    @staticmethod
    def _whole_file(name: str) -> str:
        return f"{name}.whole.pickle"

    def get(self, namespace: str, key: str) -> Any | None:
        """The value stored under `key`, or None (also for an unreadable or refused entry: it is made again)."""
        data = self._spilled_data(self._shard_of(namespace, key), key) or self._shard(namespace, key).get(key)
        if data is None:
            return None
        value = self.memory.recall(namespace, key, data) if self.memory else _NOT_KEPT
        if value is _NOT_KEPT:
            try:
                value = _SafeUnpickler(io.BytesIO(data)).load()
            except Exception:
                return None
            if self.memory:
                self.memory.remember(namespace, key, data, value)
        self._used.setdefault(namespace, set()).add(key)
        return value

    def keep(self, namespace: str, key: str) -> bool:
        """Whether an entry is stored under `key`; it is kept at `finish` as if read (`get` reads it later)."""
        spilled = key in self._spilled.get(self._shard_of(namespace, key), {})
        if not spilled and key not in self._shard(namespace, key):
            return False
        self._used.setdefault(namespace, set()).add(key)
        return True

    def put(self, namespace: str, key: str, value: Any) -> None:
        data = pickle.dumps(value, protocol=PICKLE_PROTOCOL)
        entries, shard = self._shard(namespace, key), self._shard_of(namespace, key)
        if namespace in self._spilling:
            entries.pop(key, None)  # an entry read before is replaced by the spilled one
            self._spilled.setdefault(shard, {})[key] = self._append_to_spill(data)
        else:
            self._spilled.get(shard, {}).pop(key, None)
            entries[key] = data
        self._used.setdefault(namespace, set()).add(key)
        self._changed.add(shard)

    def _append_to_spill(self, data: bytes) -> tuple[int, int]:
        if self._spill is None:
            # Unnamed, so nothing is left on disk however the build ends; closed once every spilled shard is written.
            self._spill = tempfile.TemporaryFile()  # noqa: SIM115 (open across calls, closed in _finish_shard)
        offset = self._spill.seek(0, os.SEEK_END)
        self._spill.write(data)
        return offset, len(data)

    def write_back(self, namespace: str) -> None:
        """`finish(namespace)` now, and let its shards go from memory (a later `get` reads its shard again): for a
        namespace whose entries are all known early in a build and are large (the comparison's alignments, about
        47 MB of pickles at 1,000 articles), so that the rest of the build has that memory."""
        self.finish(namespace, let_go=True)

    def _let_go(self, shard: tuple[str, str]) -> None:
        """Drop a shard written back from memory (a later `get` reads it again; `finish` does not delete it)."""
        del self._shards[shard]
        self._written_back.add(shard)

    def put_and_write_back(self, namespace: str, entries: Mapping[str, Any]) -> None:
        """`put` each of `entries`, then `write_back(namespace)`, a shard at a time: only one shard's new pickles
        are in memory at once (put all at once, the comparison's alignments at 5,000 articles were about 200 MB of
        pickles at the build's peak). Every other entry the build keeps must be kept (`keep`) or put by now."""
        shards: dict[tuple[str, str], list[str]] = {}
        for key in entries:
            shards.setdefault(self._shard_of(namespace, key), []).append(key)
        for shard, keys in sorted(shards.items()):
            for key in keys:
                self.put(namespace, key, entries[key])
            self._finish_shard(shard, self._used[namespace])
            self._let_go(shard)
        self.write_back(namespace)

    def finish(self, namespace: str, *, let_go: bool = False) -> None:
        """Write `namespace` back with only the entries this build used; a shard it did not use is deleted. With
        `let_go`, each shard leaves memory as soon as it is written (its spilled entries come back for that long):
        only one shard of the namespace is in memory at a time."""
        used = self._used.get(namespace, set())
        for name in fnmatch.filter(self._kept.names(), f"{namespace}-*.pickle"):
            shard = (namespace, name.removesuffix(".pickle")[len(namespace) + 1 :])
            if shard not in self._shards and shard not in self._written_back:
                with contextlib.suppress(OSError):
                    self._kept.remove(name)
        for shard in sorted(self._shards):
            if shard[0] == namespace:
                self._finish_shard(shard, used)
                if let_go:
                    self._let_go(shard)

    def _finish_shard(self, shard: tuple[str, str], used: set[str]) -> None:
        """Write a shard back with only the entries this build used (none: its file is deleted)."""
        entries = self._shards[shard]
        for key in list(self._spilled.get(shard, {})):  # back in memory one shard at a time, as it is written
            entries[key] = self._spilled_data(shard, key) or b""
        self._spilled.pop(shard, None)
        if not self._spilled and self._spill is not None:
            self._spill.close()
            self._spill = None
        kept = {key: data for key, data in entries.items() if key in used}
        if len(kept) == len(entries) and shard not in self._changed:
            return
        self._shards[shard] = kept
        self._changed.discard(shard)
        if kept:  # pickled as it is written: a shard of 10 MB was held twice (its file's bytes beside its entries)
            self._write(self._file_name(shard), functools.partial(pickle.dump, kept, protocol=PICKLE_PROTOCOL))
        else:
            with contextlib.suppress(OSError):
                self._kept.remove(self._file_name(shard))

    def _write(self, name: str, write: Callable[[BinaryIO], object]) -> None:
        # The cache only saves time: a build whose cache cannot be written (a full disk, a read-only folder, a
        # cache folder linked elsewhere) still succeeds, the shard keeps its old entries, and the next build
        # makes the missing ones again.
        with contextlib.suppress(OSError):
            if not self._is_marked:
                self._kept.write(VERSION_FILE, version_key().encode("ascii"))
                self._is_marked = True
            self._kept.write(name, write)
