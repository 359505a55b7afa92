"""Watch the project's folders with watchdog and hand out debounced batches of changed paths.

The observer's thread only records paths; the rebuild runs on the caller's thread, one batch at a time. A
batch closes when no event has arrived for `quiet` seconds (an editor's save is a burst: temp file, write,
rename, chmod) or `longest` seconds after its first event, so a stream of writes cannot starve the rebuild.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

# watchdog 7 also reports opened and closed files; only these change what is on disk. A directory's own
# "modified" event (its listing changed) adds nothing to the events of the files inside it.
RELEVANT_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent, FileModifiedEvent, FileMovedEvent, FileDeletedEvent,
    DirCreatedEvent, DirMovedEvent, DirDeletedEvent,
]  # fmt: skip
RELEVANT_TYPES = frozenset({"created", "modified", "moved", "deleted"})


Batch = dict[Path, set[str]]  # each changed path, with what happened to it: created, modified, moved, deleted


class ChangeCollector:
    """Changes in from any thread; debounced batches out to one consumer."""

    def __init__(self, quiet: float = 0.1, longest: float = 1.0) -> None:
        self.quiet = quiet
        self.longest = longest
        self._condition = threading.Condition()
        self._pending: Batch = {}
        self._first_at = self._last_at = 0.0
        self._closed = False

    def add(self, path: Path, what: str = "modified") -> None:
        with self._condition:
            now = time.monotonic()
            if not self._pending:
                self._first_at = now
            self._pending.setdefault(path, set()).add(what)
            self._last_at = now
            self._condition.notify_all()

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def next_batch(self, timeout: float | None = None) -> Batch | None:
        """The next batch of changes; empty when `timeout` passed first; None once closed."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._condition:
            while not self._pending and not self._closed:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return {}
                self._condition.wait(remaining)
            while not self._closed:
                settle = min(self._last_at + self.quiet, self._first_at + self.longest) - time.monotonic()
                if settle <= 0:
                    break
                self._condition.wait(settle)
            if self._closed:
                return None
            batch, self._pending = self._pending, {}
            return batch


OnChange = Callable[[Path, str], None]


class _Forward(FileSystemEventHandler):
    def __init__(self, on_change: OnChange) -> None:
        self.on_change = on_change

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in RELEVANT_TYPES or (event.is_directory and event.event_type == "modified"):
            return
        if event.event_type == "moved":
            self.on_change(Path(os.fsdecode(event.src_path)), "moved-away")
            if event.dest_path:
                self.on_change(Path(os.fsdecode(event.dest_path)), "moved-here")
        else:
            self.on_change(Path(os.fsdecode(event.src_path)), event.event_type)


class Watcher:
    """A watchdog observer whose set of watched folders can follow the project (content/ appearing, moving)."""

    def __init__(self, on_change: OnChange) -> None:
        self._handler = _Forward(on_change)
        self._observer: BaseObserver | None = None  # made by start(): making one starts a thread already
        self._watches: dict[tuple[Path, bool], tuple[ObservedWatch, int]] = {}

    def start(self) -> None:
        self._observer = Observer()
        self._observer.start()

    def stop(self) -> None:
        if self._observer is None:
            return
        self._observer.stop()
        if self._observer.is_alive():
            self._observer.join(timeout=5)

    def sync(self, folders: list[tuple[Path, bool]]) -> None:
        """Watch exactly those of `folders` that exist now; re-watch any that was deleted and made again.
        Before `start` it does nothing (the session syncs once it has started)."""
        if self._observer is None:
            return
        wanted = _existing(folders)
        for key, (watch, inode) in list(self._watches.items()):
            if wanted.get(key) != inode:
                with contextlib.suppress(KeyError, OSError):
                    self._observer.unschedule(watch)
                del self._watches[key]
        for key, inode in wanted.items():
            if key in self._watches:
                continue
            folder, recursive = key
            try:
                watch = self._observer.schedule(
                    self._handler, os.fspath(folder), recursive=recursive, event_filter=RELEVANT_EVENTS
                )
            except OSError:
                continue  # gone again already; the next batch tries once more
            self._watches[key] = (watch, inode)


def _existing(folders: list[tuple[Path, bool]]) -> dict[tuple[Path, bool], int]:
    """Those of `folders` that exist now, each with its inode (a folder deleted and made again has a new one)."""
    found: dict[tuple[Path, bool], int] = {}
    for folder, recursive in folders:
        with contextlib.suppress(OSError):
            if folder.is_dir():
                found[(folder, recursive)] = folder.stat().st_ino
    return found
