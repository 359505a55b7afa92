"""`dossier serve`: build into a temporary folder, serve it under base_url's path on 127.0.0.1, rebuild on
every save, and reload the open pages (or show them the located errors) through server-sent events.

The sections, in order: which changes matter; watching (watchdog, debounced batches); the events the pages
catch up with; the HTTP server (routing that refuses to leave the site, the live-reload script added to HTML
responses); the rebuild (a full build for now, behind the `Rebuild` seam an incremental one replaces); the
session that ties them together; `serve_project`, the command. The live-reload script, its tag and the
no-site-yet page are files of the built-in theme (`themes/default/serve/`).
"""

from __future__ import annotations

import contextlib
import html
import json
import mimetypes
import os
import queue
import shutil
import signal
import string
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any, Literal, Protocol, TextIO
from urllib.parse import quote, unquote, urlsplit

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

from dossier.config import CONFIG_FILE
from dossier.diagnostics import Diagnostic, Location, Report
from dossier.model import Config
from dossier.pipeline import build_project
from dossier.themes import DEFAULT_THEME, builtin_themes_dir

# ---- which changes matter ------------------------------------------------------------------------------------------
# Which file-system changes matter to the site, and what kind of change each one is.
#
# Pure functions of paths: the watcher feeds them raw events, the rebuild reads the classified result. Editors
# save in many ways (in place, through a temporary file renamed over the original, with swap and lock files
# beside it), so everything that is not the project's own content, themes or configuration is ignored here.


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
        return self.project_dir / CONFIG_FILE

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
        if path == self.config_file:
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
        shown: set[str] = set()
        kinds: set[ChangeKind] = set()
        for path, happened in batch.items():
            kind = watched.kind_of(path)
            if kind is None:
                continue
            if "created" in happened and not path.exists():
                continue
            kinds.add(kind)
            try:
                shown.add(path.relative_to(watched.project_dir).as_posix())
            except ValueError:
                shown.add(os.fspath(path))
        return cls(frozenset(shown), frozenset(kinds))

    def __bool__(self) -> bool:
        return bool(self.paths)

    def describe(self, limit: int = 3) -> str:
        names = sorted(self.paths)
        if len(names) <= limit:
            return ", ".join(names)
        return f"{', '.join(names[:limit])} and {len(names) - limit} more"


# ---- watching ------------------------------------------------------------------------------------------------------
# Watch the project's folders with watchdog and hand out debounced batches of changed paths.
#
# The observer's thread only records paths; the rebuild runs on the caller's thread, one batch at a time. A
# batch closes when no event has arrived for `quiet` seconds (an editor's save is a burst: temp file, write,
# rename, chmod) or `longest` seconds after its first event, so a stream of writes cannot starve the rebuild.


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

    def watched(self) -> list[tuple[Path, bool]]:
        return sorted(self._watches)

    def sync(self, folders: list[tuple[Path, bool]]) -> None:
        """Watch exactly those of `folders` that exist now; re-watch any that was deleted and made again.
        Before `start` it does nothing (the session syncs once it has started)."""
        if self._observer is None:
            return
        wanted: dict[tuple[Path, bool], int] = {}
        for folder, recursive in folders:
            with contextlib.suppress(OSError):
                if folder.is_dir():
                    wanted[(folder, recursive)] = folder.stat().st_ino
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


# ---- events --------------------------------------------------------------------------------------------------------
# Server-sent events to the open pages: `reload` after a good rebuild, `errors` after a failed one.
#
# Every new connection first gets `hello` with the current state (the number of the site being served and
# the errors of the last attempt), so a page that missed an event, or was served a moment before a rebuild,
# catches up: the injected script reloads when the build it was served from is no longer the current one.


@dataclass(frozen=True)
class ServerEvent:
    name: str
    data: dict[str, Any] = field(default_factory=dict)

    def encode(self) -> bytes:
        """The event in the text/event-stream format (one `data:` line: the JSON has no newlines)."""
        return f"event: {self.name}\ndata: {json.dumps(self.data, ensure_ascii=False)}\n\n".encode()


def diagnostic_json(diagnostic: Diagnostic) -> dict[str, Any]:
    where = diagnostic.location
    return {
        "severity": diagnostic.severity,
        "path": where.path,
        "line": where.line,
        "column": where.column,
        "location": str(where),
        "message": diagnostic.message,
    }


class EventHub:
    """The current state of the served site, and a queue per open page to push changes to."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[queue.Queue[ServerEvent | None]] = []
        self._build = 0
        self._errors: list[dict[str, Any]] = []
        self._closed = False

    @property
    def build(self) -> int:
        """The number of the site being served: 0 until a build succeeds, then one more per changed site."""
        with self._lock:
            return self._build

    @property
    def errors(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._errors)

    def subscribe(self) -> queue.Queue[ServerEvent | None]:
        subscriber: queue.Queue[ServerEvent | None] = queue.Queue()
        with self._lock:
            subscriber.put(ServerEvent("hello", {"build": self._build, "errors": self._errors}))
            if self._closed:
                subscriber.put(None)
            else:
                self._subscribers.append(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: queue.Queue[ServerEvent | None]) -> None:
        with self._lock:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

    def _publish(self, event: ServerEvent) -> None:
        for subscriber in self._subscribers:
            subscriber.put(event)

    def site_changed(self, changed: list[str], seconds: float) -> None:
        """A rebuild succeeded and wrote a new site (or cleared errors): every page reloads."""
        with self._lock:
            self._build += 1
            self._errors = []
            self._publish(ServerEvent("reload", {"build": self._build, "changed": changed, "seconds": seconds}))

    def failed(self, diagnostics: list[Diagnostic]) -> None:
        """A rebuild failed: the last good site stays; every page shows the errors."""
        with self._lock:
            self._errors = [diagnostic_json(d) for d in diagnostics]
            self._publish(ServerEvent("errors", {"build": self._build, "errors": self._errors}))

    def close(self) -> None:
        """End every open event stream (the server is stopping)."""
        with self._lock:
            self._closed = True
            for subscriber in self._subscribers:
                subscriber.put(None)
            self._subscribers.clear()

    @property
    def subscribers(self) -> int:
        with self._lock:
            return len(self._subscribers)


# ---- the HTTP server -----------------------------------------------------------------------------------------------
# The HTTP side of `dossier serve`: the last good site under its base path, plus the live-reload endpoints.
#
# Only GET and HEAD. A request is mapped to a file in three steps, each refusing what could leave the site:
# the raw target (no encoded slashes or NULs, no dot segments, no absolute-form URLs), the decoded path
# (inside the base path, no hidden segments), then the file system (the resolved file, links followed, must
# lie inside the site's folder). HTML responses get the live-reload script; the files on disk never do.


INTERNAL_PREFIX = "/__dossier/"
EVENTS_PATH = INTERNAL_PREFIX + "events"
SCRIPT_PATH = INTERNAL_PREFIX + "livereload.js"
INDEX = "index.html"
NOT_FOUND_PAGE = "404.html"
KEEPALIVE_SECONDS = 15.0
# How long a request waits for the site folder while a rebuild swaps it in (two renames: microseconds).
SWAP_WAIT_SECONDS = 2.0

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
    ".woff2": "font/woff2",
}


def base_path_of(base_url: str) -> str:
    """The path part of base_url, as served: `https://user.github.io/repo/` is served at `/repo/`."""
    path = unquote(urlsplit(base_url).path) or "/"
    if not path.startswith("/"):
        path = "/" + path
    return path if path.endswith("/") else path + "/"


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


# Routing: what a request target asks for, before the file system is touched.


@dataclass(frozen=True)
class Refused:
    status: HTTPStatus
    reason: str


@dataclass(frozen=True)
class Redirect:
    location: str


@dataclass(frozen=True)
class Internal:
    name: str  # "events" or "livereload.js"


@dataclass(frozen=True)
class SitePath:
    parts: tuple[str, ...]  # decoded path segments below the site's folder
    is_folder: bool  # the URL ends in '/'


@dataclass(frozen=True)
class NotFound:
    pass


Route = Refused | Redirect | Internal | SitePath | NotFound


def route(target: str, base_path: str) -> Route:
    """Map a raw request target to what it asks for, refusing anything that could reach outside the site."""
    if not target.startswith("/"):
        return Refused(HTTPStatus.BAD_REQUEST, "only paths are served, not absolute URLs")
    raw_path = target.split("?", 1)[0].split("#", 1)[0]
    lowered = raw_path.lower()
    if any(code in lowered for code in ("%2f", "%5c", "%00")) or "\\" in raw_path:
        return Refused(HTTPStatus.BAD_REQUEST, "encoded slashes, backslashes and NULs are refused")
    try:
        path = unquote(raw_path, errors="strict")
    except UnicodeDecodeError:
        return Refused(HTTPStatus.BAD_REQUEST, "the path is not valid UTF-8")
    segments = path.split("/")[1:]
    if any(segment in (".", "..") for segment in segments) or "\x00" in path:
        return Refused(HTTPStatus.BAD_REQUEST, "'.' and '..' segments are refused")
    if path.startswith(INTERNAL_PREFIX):
        return Internal(path[len(INTERNAL_PREFIX) :])
    if path == "/" or path == base_path.rstrip("/"):
        return Redirect(quote(base_path)) if path != base_path else SitePath((), True)
    if not path.startswith(base_path):
        return NotFound()
    parts = path[len(base_path) :].split("/")
    if "" in parts[:-1]:
        return Refused(HTTPStatus.BAD_REQUEST, "empty path segments are refused")
    if any(part.startswith(".") for part in parts):
        return NotFound()
    return SitePath(tuple(part for part in parts if part), path.endswith("/"))


@dataclass(frozen=True)
class Found:
    file: Path


@dataclass(frozen=True)
class Forbidden:
    pass


def locate(site: Path, wanted: SitePath, url_path: str) -> Found | Redirect | Forbidden | NotFound:
    """The file a SitePath names inside `site`; links are followed and must stay inside it."""
    real_site = site.resolve()
    candidate = site.joinpath(*wanted.parts)
    real = candidate.resolve()
    if real != real_site and real_site not in real.parents:
        return Forbidden()
    if real.is_dir():
        if not wanted.is_folder:
            return Redirect(quote(url_path) + "/")
        real = (candidate / INDEX).resolve()
        if real_site not in real.parents:
            return Forbidden()
    return Found(real) if real.is_file() else NotFound()


# What the server adds to pages.


@dataclass(frozen=True)
class ServeAssets:
    """The serve-only files of the built-in theme: the live-reload script, its tag, the no-site-yet page."""

    script: bytes
    snippet: string.Template
    waiting_page: bytes

    @classmethod
    def load(cls) -> ServeAssets:
        folder = builtin_themes_dir() / DEFAULT_THEME / "serve"
        return cls(
            (folder / "livereload.js").read_bytes(),
            string.Template((folder / "snippet.html").read_text(encoding="utf-8")),
            (folder / "waiting.html").read_bytes(),
        )

    def tag(self, build: int) -> bytes:
        return self.snippet.substitute(
            script=html.escape(SCRIPT_PATH), events=html.escape(EVENTS_PATH), build=build
        ).encode()


def inject(page: bytes, tag: bytes) -> bytes:
    """The page with `tag` just before its last </body> (or at its end)."""
    at = page.lower().rfind(b"</body>")
    return page + tag if at < 0 else page[:at] + tag + page[at:]


# The server.


class DossierServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], site: Path, hub: EventHub, assets: ServeAssets, log: Any = None
    ) -> None:
        self.site = site
        self.base_path = "/"
        self.hub = hub
        self.assets = assets
        self.log = log  # called with one line per request, or None for silence
        super().__init__(address, _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def has_site(self) -> bool:
        """True when a good build is being served (waiting out the instant a rebuild swaps it in)."""
        deadline = time.monotonic() + SWAP_WAIT_SECONDS
        while not self.site.is_dir():
            if self.hub.build == 0 or time.monotonic() > deadline:
                return False
            time.sleep(0.005)
        return True


class _Handler(BaseHTTPRequestHandler):
    server: DossierServer
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return "dossier-serve"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log is not None:
            self.server.log(f"{self.address_string()} {format % args}")

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def _respond(self, send_body: bool) -> None:
        found = route(self.path, self.server.base_path)
        if isinstance(found, Internal):
            self._internal(found.name, send_body)
        elif isinstance(found, Refused):
            self._send_text(found.status, found.reason, send_body)
        elif isinstance(found, Redirect):
            self._redirect(found.location)
        elif isinstance(found, NotFound):
            self._not_found(send_body)
        else:
            self._site_file(found, send_body)

    def _site_file(self, wanted: SitePath, send_body: bool) -> None:
        url_path = unquote(self.path.split("?", 1)[0])
        for _attempt in range(3):  # a rebuild may swap the folder in between locating and reading
            if not self.server.has_site():
                self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/html; charset=utf-8", self._waiting_page(), send_body)
                return
            where = locate(self.server.site, wanted, url_path)
            if isinstance(where, Forbidden):
                self._send_text(HTTPStatus.FORBIDDEN, "this path leads outside the site", send_body)
                return
            if isinstance(where, Redirect):
                self._redirect(where.location)
                return
            if isinstance(where, NotFound):
                if not self.server.site.is_dir():
                    continue  # swapped out under us: look again
                self._not_found(send_body)
                return
            try:
                data = where.file.read_bytes()
            except OSError:
                continue
            self._send_file(HTTPStatus.OK, where.file, data, send_body)
            return
        self._not_found(send_body)

    def _not_found(self, send_body: bool) -> None:
        page = self.server.site / NOT_FOUND_PAGE
        if not self.server.has_site():
            self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", self._waiting_page(), send_body)
            return
        try:
            data = page.read_bytes()
        except OSError:
            self._send_text(HTTPStatus.NOT_FOUND, "not found", send_body)
            return
        self._send_file(HTTPStatus.NOT_FOUND, page, data, send_body)

    def _waiting_page(self) -> bytes:
        return inject(self.server.assets.waiting_page, self.server.assets.tag(self.server.hub.build))

    def _send_file(self, status: HTTPStatus, path: Path, data: bytes, send_body: bool) -> None:
        kind = content_type(path)
        if kind.startswith("text/html"):
            data = inject(data, self.server.assets.tag(self.server.hub.build))
        self._send(status, kind, data, send_body)

    def _internal(self, name: str, send_body: bool) -> None:
        if name == "livereload.js":
            self._send(HTTPStatus.OK, CONTENT_TYPES[".js"], self.server.assets.script, send_body)
        elif name == "events" and send_body:
            self._stream_events()
        else:
            self._send_text(HTTPStatus.NOT_FOUND, "not found", send_body)

    def _stream_events(self) -> None:
        hub = self.server.hub
        subscription = hub.subscribe()
        self.close_connection = True
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"retry: 500\n\n")
            while True:
                try:
                    event: ServerEvent | None = subscription.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    self.wfile.write(b": keep-alive\n\n")
                    continue
                if event is None:
                    break
                self.wfile.write(event.encode())
        except OSError:
            pass  # the page went away
        finally:
            hub.unsubscribe(subscription)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)  # never 301: browsers would remember it past a base_url change
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _send_text(self, status: HTTPStatus, text: str, send_body: bool) -> None:
        self._send(status, CONTENT_TYPES[".txt"], f"{status.value} {status.phrase}: {text}\n".encode(), send_body)

    def _send(self, status: HTTPStatus, kind: str, data: bytes, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if send_body:
            with contextlib.suppress(OSError):
                self.wfile.write(data)


def start_server(server: DossierServer) -> threading.Thread:
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="dossier-serve-http", daemon=True
    )
    thread.start()
    return thread


# ---- rebuilding ----------------------------------------------------------------------------------------------------
# What `dossier serve` runs after a change: for now the whole pipeline, behind a seam for a smarter one.
#
# A `Rebuild` takes the batch of changes and returns what it did. `FullRebuild` ignores the batch and runs
# check + build; an incremental rebuild (re-render only the pages a change
# affects) can replace it without touching the watcher, the server or the events, as long as its result
# equals a clean build. Both report the output paths whose bytes changed, so the terminal and the pages can
# say what was rebuilt.


@dataclass
class Rebuilt:
    report: Report
    config: Config | None
    is_written: bool  # the output folder now holds the new site (possibly unchanged)
    changed: list[str] = field(default_factory=list)  # output paths written or removed
    files: int = 0
    seconds: float = 0.0
    how: str = "full rebuild"
    timings: dict[str, float] = field(default_factory=dict)


class Rebuild(Protocol):
    def __call__(self, changes: ChangeSet | None) -> Rebuilt: ...


class FullRebuild:
    """Check and build everything into `output_dir`, whatever changed."""

    # Re-indexing the whole site for search after every change is skipped once it takes longer than this: the
    # index of the last build that made one is kept (new and edited text is then found after a restart).
    REINDEX_SECONDS = 1.0

    def __init__(self, project_dir: Path, output_dir: Path, include_drafts: bool, search: bool = True) -> None:
        self.project_dir = project_dir
        self.output_dir = output_dir
        self.include_drafts = include_drafts
        self.search = search
        self.indexing_seconds = 0.0  # how long the last search index took to make

    def __call__(self, changes: ChangeSet | None) -> Rebuilt:
        started = time.perf_counter()
        keep_index = self.indexing_seconds > self.REINDEX_SECONDS
        built = build_project(
            self.project_dir,
            include_drafts=self.include_drafts,
            output_dir=self.output_dir,
            search=self.search,
            cache=True,
            keep_search_index=keep_index,
        )
        self.indexing_seconds = built.checked.timings.get("search", self.indexing_seconds)
        seconds = time.perf_counter() - started
        config = built.checked.config
        if built.written is None:
            return Rebuilt(built.report, config, False, seconds=seconds, timings=built.checked.timings)
        changed = list(built.written.changed)  # against the last build: the folder is serve's own
        how = "full rebuild"
        if keep_index and config is not None and config.search:
            how += f" (search index kept: making it takes {self.indexing_seconds:.0f} s; restart serve to renew it)"
        return Rebuilt(built.report, config, True, changed, len(built.paths), seconds, how, built.checked.timings)


# ---- a session -----------------------------------------------------------------------------------------------------
# One `dossier serve` run: build, serve, watch, rebuild, tell the pages; stop cleanly.
#
# Threads: watchdog's observer only records changed paths; the HTTP server answers requests on its own
# threads; the rebuild runs on the thread that calls `run()` (the main thread under the CLI, so Ctrl-C lands
# there). The site is built into a temporary folder, never into the project's build/: `dossier build` output
# stays exactly what the editor last built, and the served site may hold drafts.


SHOWN_CHANGES = 3


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


class ServeSession:
    """Everything one `dossier serve` holds; use as a context manager, `start()`, then `run()`."""

    def __init__(
        self,
        project_dir: Path,
        host: str = "127.0.0.1",
        port: int = 8000,
        include_drafts: bool = True,
        *,
        search: bool = True,
        out: TextIO | None = None,
        err: TextIO | None = None,
        verbose: bool = False,
        quiet: bool = False,
        debug: bool = False,
        quiet_seconds: float = 0.1,
    ) -> None:
        self.project_dir = project_dir
        self.host = host
        self.port = port
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.verbose = verbose
        self.quiet = quiet
        self.debug = debug
        self._temp = Path(tempfile.mkdtemp(prefix="dossier-serve-"))
        self.output_dir = self._temp / "site"
        self.hub = EventHub()
        self.collector = ChangeCollector(quiet=quiet_seconds)
        self.watched = WatchedPaths.of(project_dir, ignored=[project_dir / "build"])
        self.watcher = Watcher(self._on_change)
        self.rebuild: Rebuild = FullRebuild(project_dir, self.output_dir, include_drafts, search)
        self.server: DossierServer | None = None
        self._server_thread: threading.Thread | None = None
        self._is_failing = False
        self._shown_warnings: set[Diagnostic] = set()
        self.rebuilds = 0  # finished rebuild attempts, good or bad

    # ---- lifecycle ----

    def __enter__(self) -> ServeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Listen, build once, watch, then answer requests. Raises OSError when the port is taken.

        The first build runs before any other thread starts, so that it may fork workers (the whole site is made
        then); a file saved while it ran is caught by comparing the watched files before and after it.
        """
        log = self._log_request if self.verbose else None
        self.server = DossierServer((self.host, self.port), self.output_dir, self.hub, ServeAssets.load(), log)
        before = self.watched.snapshot()
        self._rebuild(None)
        self.watcher.start()
        self.watcher.sync(self.watched.folders())
        if self.watched.snapshot() != before:
            self.collector.add(self.watched.config_file)  # something changed during the build: build again
        self._server_thread = start_server(self.server)

    def run(self) -> None:
        """Rebuild after each batch of changes until `stop()` (or Ctrl-C on this thread)."""
        while True:
            batch = self.collector.next_batch()
            if batch is None:
                return
            changes = ChangeSet.of(batch, self.watched)
            if not changes:
                continue
            self.watcher.sync(self.watched.folders())  # content/ or themes/ may have appeared or moved
            self._rebuild(changes)

    def stop(self) -> None:
        """Make `run()` return (from any thread)."""
        self.collector.close()

    def close(self) -> None:
        """Stop watching and serving, end the event streams, delete the served copy. Safe to call twice."""
        self.collector.close()
        self.watcher.stop()
        self.hub.close()
        if self.server is not None:
            if self._server_thread is not None:
                self.server.shutdown()
                self._server_thread.join(timeout=5)
                self._server_thread = None
            self.server.server_close()
            self.server = None
        shutil.rmtree(self._temp, ignore_errors=True)

    @property
    def url(self) -> str:
        port = self.server.port if self.server else self.port
        base = self.server.base_path if self.server else "/"
        return f"http://{self.host}:{port}{base}"

    # ---- watching and rebuilding ----

    def _on_change(self, path: Path, what: str) -> None:
        """Called on watchdog's thread: keep only what matters, leave the work to `run()`."""
        if self.watched.kind_of(path) is not None:
            self.collector.add(path, what)

    def _rebuild(self, changes: ChangeSet | None) -> None:
        try:
            result = self.rebuild(changes)
        except Exception as problem:  # a bug or an I/O failure: keep serving the last good site
            if self.debug:
                traceback.print_exc(file=self.err)
            message = f"internal error: {type(problem).__name__}: {problem}"
            self._say(f"{message} (run with --debug for details)", to=self.err)
            self._is_failing = True
            self.hub.failed([Diagnostic("error", Location("dossier serve"), message)])
            self.rebuilds += 1
            return
        if result.config is not None:
            self._follow_config(result.config, result.is_written)
        self._print(result, changes)
        if result.is_written:
            if result.changed or self._is_failing:
                self.hub.site_changed(result.changed, round(result.seconds, 3))
            self._is_failing = False
        else:
            self._is_failing = True
            self.hub.failed(sorted(result.report.errors, key=Diagnostic.sort_key))
        self.rebuilds += 1

    def _follow_config(self, config: Config, is_written: bool) -> None:
        self.watched = WatchedPaths.of(
            self.project_dir, config.content_dir, ignored=[self.project_dir / config.output_dir]
        )
        self.watcher.sync(self.watched.folders())
        if is_written and self.server is not None:
            base_path = base_path_of(config.base_url)
            if base_path != self.server.base_path:
                self.server.base_path = base_path
                if self._server_thread is not None:
                    self._say(f"base_url changed: now serving at {self.url}")

    # ---- the terminal ----

    def _say(self, text: str, to: TextIO | None = None) -> None:
        print(f"{time.strftime('%H:%M:%S')} {text}", file=to or self.out, flush=True)

    def _log_request(self, line: str) -> None:
        print(line, file=self.err, flush=True)

    def _print(self, result: Rebuilt, changes: ChangeSet | None) -> None:
        trigger = f" after {changes.describe()} changed" if changes else ""
        if not result.is_written:
            for diagnostic in result.report.sorted():
                print(diagnostic, file=self.err)
            errors = len(result.report.errors)
            serving = "still serving the last good site" if self.hub.build else "no site to serve yet"
            self._say(f"{errors} error{'s' * (errors != 1)}{trigger}; {serving}; fix and save", to=self.err)
            self._shown_warnings = set()
            return
        warnings = set(result.report.warnings)
        for diagnostic in sorted(warnings - self._shown_warnings, key=Diagnostic.sort_key):
            if not self.quiet:
                print(diagnostic, file=self.err)
        self._shown_warnings = warnings
        took = _ms(result.seconds)
        if self.quiet:
            return
        if changes is None:
            self._say(f"built {result.files} files in {took}")
            return
        if not result.changed:
            self._say(f"checked in {took}{trigger}: no page changed")
            return
        shown = ", ".join(result.changed[:SHOWN_CHANGES])
        more = f" and {len(result.changed) - SHOWN_CHANGES} more" if len(result.changed) > SHOWN_CHANGES else ""
        self._say(
            f"{result.how}{trigger}: {len(result.changed)} of {result.files} files changed in {took} ({shown}{more})"
        )
        if self.verbose:
            for stage, seconds in result.timings.items():
                print(f"  {stage}: {_ms(seconds)}", file=self.out)


# ---- the command ---------------------------------------------------------------------------------------------------


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _terminate_like_interrupt() -> Iterator[None]:
    """SIGTERM (a closed terminal, `kill`, a process manager) stops as cleanly as Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve_project(
    project_dir: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    include_drafts: bool = True,
    *,
    search: bool = True,
    verbose: bool = False,
    quiet: bool = False,
    debug: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Serve until Ctrl-C; the exit code: 0 after a clean stop, 1 without a dossier, 2 when the port is taken."""
    out, err = out or sys.stdout, err or sys.stderr
    if not (project_dir / CONFIG_FILE).is_file():
        print(f"error: no {CONFIG_FILE} in {project_dir}; run `dossier init` to make one", file=err)
        return 1
    session = ServeSession(
        project_dir,
        host,
        port,
        include_drafts,
        search=search,
        out=out,
        err=err,
        verbose=verbose,
        quiet=quiet,
        debug=debug,
    )
    with _terminate_like_interrupt(), session as s:
        try:
            s.start()
            if host not in LOOPBACK:
                print(f"warning: listening on {host}: other machines can read the site, drafts included", file=err)
            drafts = "drafts shown" if include_drafts else "drafts hidden"
            print(
                f"serving {s.url} ({drafts}); watching dossier.yaml, content/, themes/; Ctrl-C stops",
                file=out,
                flush=True,
            )
            s.run()
        except KeyboardInterrupt:
            pass
        except OSError as problem:
            if s.server is not None:
                raise
            print(f"error: cannot listen on {host}:{port}: {problem.strerror or problem}; try --port", file=err)
            return 2
    print("stopped", file=out, flush=True)
    return 0
