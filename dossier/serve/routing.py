"""Routing: what a request target asks for (`route`), and the file a site path names (`locate`).

A request is mapped to a file in three steps, each refusing what could leave the site: the raw target (no
encoded slashes or NULs, no dot segments, no absolute-form URLs), the decoded path (inside the base path, no
hidden segments, no longer than a file system allows), then the file system (the resolved file, links followed,
must lie inside the site's folder; a path the file system refuses is not found).
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

INTERNAL_PREFIX = "/__dossier/"
EVENTS_PATH = INTERNAL_PREFIX + "events"
SCRIPT_PATH = INTERNAL_PREFIX + "livereload.js"
INDEX = "index.html"
# No file system takes a longer path (Linux's PATH_MAX) or name (NAME_MAX, in bytes, nearly everywhere).
MAX_PATH_BYTES = 4096
MAX_NAME_BYTES = 255


def base_path_of(base_url: str) -> str:
    """The path part of base_url, as served: `https://user.github.io/repo/` is served at `/repo/`."""
    path = unquote(urlsplit(base_url).path) or "/"
    if not path.startswith("/"):
        path = "/" + path
    return path if path.endswith("/") else path + "/"


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
    if len(path.encode()) > MAX_PATH_BYTES:
        return Refused(HTTPStatus.REQUEST_URI_TOO_LONG, f"the path is longer than {MAX_PATH_BYTES} bytes")
    if any(len(segment.encode()) > MAX_NAME_BYTES for segment in segments):
        return NotFound()  # no file has a longer name
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
    """The file a SitePath names inside `site`; links are followed and must stay inside it. A path the file
    system refuses (too long for it, a loop of links) names nothing."""
    try:
        return _locate(site, wanted, url_path)
    except (OSError, RuntimeError):  # RuntimeError: Path.resolve meeting a loop of links
        return NotFound()


def _locate(site: Path, wanted: SitePath, url_path: str) -> Found | Redirect | Forbidden | NotFound:
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
