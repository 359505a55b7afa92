"""The persistent build cache: values stored under hashes of everything they were made from.

The cache lives in `.dossier-cache/` beside the output folder. Every key is a digest of the inputs that made
the value (content, settings, dossier's version and this file's format number), so an entry is either exactly
right or never looked up: a stale entry cannot be hit, and deleting the folder only costs time. Entries not
used by a build are pruned by `finish()`, so the folder holds what the last build used.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from dossier import __version__

CACHE_FOLDER = ".dossier-cache"
FORMAT = 1  # bump when what is stored changes shape
PICKLE_PROTOCOL = 5


def cache_dir_for(output_dir: Path) -> Path:
    """Where the cache of a build into `output_dir` lives: `.dossier-cache/<output name>/` beside it."""
    return output_dir.parent / CACHE_FOLDER / output_dir.name


def digest(*parts: bytes | str) -> str:
    """A hex digest of the parts, each length-prefixed so that ("ab", "c") and ("a", "bc") differ."""
    hasher = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def fingerprint(value: Any) -> str:
    """A digest of a plain, acyclic value (dataclasses, lists, dicts, strings, numbers), through pickle.

    The pickler runs without its memo ("fast" mode), so the bytes depend on the value alone, not on which of
    its parts happen to be one shared object (interned strings differ between processes). Equal fingerprints
    mean equal values; equal values may still give different fingerprints (a set's order differs between
    processes): that costs a cache miss, never a wrong page.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=PICKLE_PROTOCOL)
    pickler.fast = True  # no memo: see above
    pickler.dump(value)
    return digest(buffer.getvalue())


def version_key() -> str:
    return f"dossier {__version__}, cache format {FORMAT}"


# The only classes a cache entry may name. A .dossier-cache/ may come with a project (a pull request, a shared
# folder): an entry naming anything else (os.system, a function) is refused, never called.
ALLOWED_CLASSES = frozenset(
    {
        ("datetime", "date"),
        ("dossier.compare.align", "Alignment"),
        ("dossier.compare.align", "Attribution"),
        ("dossier.compare.align", "Pair"),
        ("dossier.compare.diff", "Chunk"),
        ("dossier.compare.features", "Attributed"),
        ("dossier.compare.score", "Signals"),
        ("dossier.compare.segment", "Sentence"),
        ("dossier.compare.words", "Token"),
        ("dossier.diagnostics", "Location"),
        ("dossier.located", "LocatedDict"),
        ("dossier.located", "LocatedList"),
        ("dossier.located", "InvalidScalar"),
        ("dossier.render.incremental", "PageRecord"),
    }
)


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in ALLOWED_CLASSES:
            raise pickle.UnpicklingError(f"the build cache may not name {module}.{name}")
        return super().find_class(module, name)


class CacheStore:
    """Values by key in one folder; a namespace per kind of value (`compare`, `pages`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._used: dict[str, set[str]] = {}

    def _path(self, namespace: str, key: str) -> Path:
        return self.folder / namespace / f"{key}.pickle"

    def get(self, namespace: str, key: str) -> Any | None:
        """The value stored under `key`, or None (also for an unreadable or refused entry: it is made again)."""
        try:
            value = _SafeUnpickler(io.BytesIO(self._path(namespace, key).read_bytes())).load()
        except Exception:  # missing, damaged or refused (pickle fails in many ways): made again
            return None
        self._used.setdefault(namespace, set()).add(key)
        return value

    def put(self, namespace: str, key: str, value: Any) -> None:
        """Store atomically (temporary file, then rename), so a crash never leaves half an entry."""
        self._used.setdefault(namespace, set()).add(key)
        target = self._path(namespace, key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=PICKLE_PROTOCOL)
            os.replace(temporary, target)
        except OSError:
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(temporary)

    def finish(self, namespace: str) -> None:
        """Delete the entries of `namespace` this build did not use."""
        used = self._used.get(namespace, set())
        folder = self.folder / namespace
        if not folder.is_dir():
            return
        for path in folder.iterdir():
            if (path.suffix == ".pickle" and path.stem not in used) or path.name.startswith(".tmp-"):
                with contextlib.suppress(OSError):
                    path.unlink()
