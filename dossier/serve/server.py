"""The HTTP side of `dossier serve`: the last good site under its base path, plus the live-reload endpoints.

Only GET and HEAD, and only for the hosts `hosts` allows; `routing` decides what a request asks for. HTML
responses get the live-reload script; the files on disk never do.

http.server bounds a request's size (a request line of 64 KiB, 100 header lines of 64 KiB each) but not its
time: a client that sends its request slowly, or never, would hold a thread for ever. Here the request line and
headers must arrive within `head_seconds` (an idle kept-alive connection is closed then too), and each
response must be sent within `send_seconds` (Python's sendall takes a socket's timeout as the whole send's).
"""

from __future__ import annotations

import html
import io
import mimetypes
import queue
import socket
import string
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from dossier.serve.events import EventHub, ServerEvent
from dossier.serve.hosts import HostCheck, cross_origin
from dossier.serve.routing import (
    EVENTS_PATH,
    SCRIPT_PATH,
    Forbidden,
    Internal,
    NotFound,
    Redirect,
    Refused,
    SitePath,
    locate,
    route,
)
from dossier.themes import DEFAULT_THEME, builtin_themes_dir

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

NOT_FOUND_PAGE = "404.html"
KEEPALIVE_SECONDS = 15.0
# How long a request waits for the site folder while a rebuild swaps it in (two renames: microseconds).
SWAP_WAIT_SECONDS = 2.0
# How long a request line and its headers may take to arrive (browsers send them at once), counted from the
# connection or from the end of the last response on it.
HEAD_SECONDS = 10.0
# How long one response (or one event) may take to send: a page that stopped reading does not hold a thread.
SEND_SECONDS = 30.0

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


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


# What the server adds to pages.


@dataclass(frozen=True)
class ServeAssets:
    """The serve-only files of the built-in theme: the live-reload script, its tag, the no-site-yet pages (the
    first build is running; it failed), made from one page."""

    script: bytes
    snippet: string.Template
    building_page: bytes
    waiting_page: bytes

    @classmethod
    def load(cls) -> ServeAssets:
        folder = builtin_themes_dir() / DEFAULT_THEME / "serve"
        return cls(
            (folder / "livereload.js").read_bytes(),
            string.Template((folder / "snippet.html").read_text(encoding="utf-8")),
            *_waiting_pages(string.Template((folder / "waiting.html").read_text(encoding="utf-8"))),
        )

    def tag(self, build: int) -> bytes:
        return self.snippet.substitute(
            script=html.escape(SCRIPT_PATH), events=html.escape(EVENTS_PATH), build=build
        ).encode()


def _waiting_pages(page: string.Template) -> tuple[bytes, bytes]:
    """The page shown while the first build runs, and the one shown when it failed."""
    building = page.substitute(
        title="building the site",
        heading="Building the site",
        message="The first build of this dossier is running. This page reloads by itself when it is done; if "
        "the build fails, its errors appear here and in the terminal where dossier serve runs.",
    )
    failed = page.substitute(
        title="no site yet",
        heading="No site to show yet",
        message="The first build of this dossier failed, so there is no good build to serve. The errors are "
        "listed in the terminal where dossier serve runs, and below. Fix them and save: this page "
        "reloads by itself.",
    )
    return building.encode(), failed.encode()


def inject(page: bytes, tag: bytes) -> bytes:
    """The page with `tag` just before its last </body> (or at its end)."""
    at = page.lower().rfind(b"</body>")
    return page + tag if at < 0 else page[:at] + tag + page[at:]


# The server.

RequestLog = Callable[[str], None]  # given one line per request
Notice = Callable[[str], None]  # given a refused request's reason
FailedRequest = Callable[[BaseException], None]  # called inside the `except` of a bug while answering


def _silent(what: object) -> None:
    pass


class DossierServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        site: Path,
        hub: EventHub,
        assets: ServeAssets,
        log: RequestLog | None = None,
        *,
        hosts: HostCheck | None = None,
        notice: Notice = _silent,
        failed: FailedRequest = _silent,
    ) -> None:
        self.site = site
        self.base_path = "/"
        self.is_building = False  # the first build runs: the pages say so until its site is taken
        self.hub = hub
        self.assets = assets
        self.log = log  # None: silence
        self.hosts = hosts or HostCheck.listening_on(address[0])
        self.notice = notice
        self.failed = failed
        self.head_seconds = HEAD_SECONDS
        self.send_seconds = SEND_SECONDS
        super().__init__(address, _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def has_site(self) -> bool:
        """True when a good build is being served (waiting out the instant a rebuild swaps it in). The first
        build's site counts once the session has taken it (and told the pages): not while it is being made."""
        if self.hub.build == 0:
            return False
        deadline = time.monotonic() + SWAP_WAIT_SECONDS
        while not self.site.is_dir():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)
        return True

    def handle_error(self, request: object, client_address: object) -> None:
        """A bug while answering: told to `failed`, not printed as socketserver's traceback on stderr."""
        problem = sys.exc_info()[1]
        if problem is not None and not isinstance(problem, ConnectionError):  # ConnectionError: the page left
            self.failed(problem)


class _HeadReader(io.RawIOBase):
    """The connection's bytes, read only until `deadline()`: a request arriving slowly is cut off there. The
    connection's timeout is `send_seconds` again after each read, for the writes."""

    def __init__(self, connection: socket.socket, deadline: Callable[[], float], send_seconds: float) -> None:
        super().__init__()
        self._connection = connection
        self._deadline = deadline
        self._send_seconds = send_seconds

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        remaining = self._deadline() - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request did not arrive in time")
        self._connection.settimeout(remaining)
        try:
            return self._connection.recv_into(memoryview(buffer))
        finally:
            self._connection.settimeout(self._send_seconds)


class _Handler(BaseHTTPRequestHandler):
    server: DossierServer
    protocol_version = "HTTP/1.1"
    _head_deadline = 0.0

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.send_seconds)
        self.rfile.close()
        reader = _HeadReader(self.connection, lambda: self._head_deadline, self.server.send_seconds)
        self.rfile = io.BufferedReader(reader)

    def handle_one_request(self) -> None:
        """http.server's, with its request line and headers given `head_seconds` to arrive (it closes the
        connection when they do not)."""
        self._head_deadline = time.monotonic() + self.server.head_seconds
        super().handle_one_request()

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
        refusal = self.server.hosts.refusal(self.headers.get_all("Host") or [])
        if refusal is not None:
            self._refuse(HTTPStatus.FORBIDDEN, refusal, send_body)
            return
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
        assets = self.server.assets
        page = assets.building_page if self.server.is_building else assets.waiting_page
        return inject(page, assets.tag(self.server.hub.build))

    def _send_file(self, status: HTTPStatus, path: Path, data: bytes, send_body: bool) -> None:
        kind = content_type(path)
        if kind.startswith("text/html"):
            data = inject(data, self.server.assets.tag(self.server.hub.build))
        self._send(status, kind, data, send_body)

    def _internal(self, name: str, send_body: bool) -> None:
        if name == "livereload.js":
            self._send(HTTPStatus.OK, CONTENT_TYPES[".js"], self.server.assets.script, send_body)
        elif name == "events" and send_body:
            refusal = cross_origin(self.headers.get("Origin"), self.headers["Host"])
            if refusal is not None:
                self._refuse(HTTPStatus.FORBIDDEN, refusal, send_body)
                return
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

    def _refuse(self, status: HTTPStatus, reason: str, send_body: bool) -> None:
        """Refuse the request in one line, and tell the editor (the terminal says each reason once)."""
        self.server.notice(f"refused a request: {reason}")
        self.close_connection = True
        self._send_text(status, reason, send_body)

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
            try:
                self.wfile.write(data)
            except OSError:
                self.close_connection = True  # the page went away, or stopped reading: the response is cut


def start_server(server: DossierServer) -> threading.Thread:
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="dossier-serve-http", daemon=True
    )
    thread.start()
    return thread
