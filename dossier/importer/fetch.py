"""Getting the page: a download (redirects to http(s) only, public addresses only at every hop, one deadline,
a size cap) or a saved file, and its text decoded by the charset the server or the page names.

Every way a download fails has its own sentence (`describe_network_error`); docs/import.md lists them.
"""

from __future__ import annotations

import http.client
import re
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from trafilatura.utils import decode_file

from dossier import __version__
from dossier.importer.addresses import AddressGuard, GuardedHTTPHandler, GuardedHTTPSHandler, NonPublicAddress
from dossier.importer.failures import FetchFailed, ImportFailed

MAX_PAGE_BYTES = 10 * 1024 * 1024  # a news page with everything inlined is rarely above 2 MiB
HTML_TYPES = ("text/html", "application/xhtml+xml")
USER_AGENT = f"dossier/{__version__} (article import)"
PUBLIC_ONLY = AddressGuard()


@dataclass(frozen=True)
class Page:
    """A page's bytes as they came, and where from."""

    data: bytes
    url: str | None  # where it was downloaded from, after redirects; None for a saved file
    name: str  # as the editor gave it
    charset: str | None = None  # from the Content-Type header


URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(source: str) -> bool:
    """An address (`scheme://...`), as opposed to the path of a saved page."""
    return bool(URL_SCHEME.match(source))


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http(s) addresses only: never to file:, ftp: or anything else."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise FetchFailed(f"{req.full_url}: redirects to {newurl}, which is not an http(s) address")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def describe_network_error(problem: BaseException, url: str, timeout: float) -> str:
    """One sentence naming what went wrong, for each way a download fails."""
    parts = urlsplit(url)
    host = parts.hostname or url
    where = f"{host}:{parts.port}" if parts.port else host
    if isinstance(problem, urllib.error.HTTPError) and 300 <= problem.code < 400:
        location = problem.headers.get("Location") if problem.headers else None
        return f"{url}: redirects to {location}, which cannot be followed ({problem.reason})"
    if isinstance(problem, urllib.error.HTTPError):
        hint = {
            401: "; the page needs a login: save it from your browser and import the file",
            403: "; the site refuses downloads: save the page from your browser and import the file",
            404: "; check the address",
            410: "; the page was removed",
            429: "; the site is limiting requests: wait and try again, or save the page from your browser",
        }.get(problem.code, "; try again later, or save the page from your browser" if problem.code >= 500 else "")
        return f"{url}: the server answered HTTP {problem.code} {problem.reason}{hint}"
    reason: str | BaseException = problem.reason if isinstance(problem, urllib.error.URLError) else problem
    if isinstance(reason, socket.gaierror):
        return f"{url}: cannot find the host '{host}' (DNS lookup failed: {reason.strerror or reason})"
    if isinstance(reason, ConnectionRefusedError):
        return f"{url}: {where} refused the connection (nothing is listening there)"
    if isinstance(reason, TimeoutError):
        return f"{url}: no answer from {where} within {timeout:g} s (use --timeout to wait longer)"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"{url}: the TLS certificate of {host} cannot be verified ({reason.verify_message})"
    if isinstance(reason, ssl.SSLError):
        return f"{url}: the TLS connection to {where} failed ({reason.reason or reason})"
    if isinstance(reason, http.client.HTTPException):
        return f"{url}: {where} did not answer with HTTP ({type(reason).__name__}: {reason})"
    if isinstance(reason, OSError):
        return f"{url}: cannot connect to {where} ({reason.strerror or reason})"
    return f"{url}: the download failed ({reason})"


def fetch_page(url: str, timeout: float, max_bytes: int = MAX_PAGE_BYTES, *, guard: AddressGuard = PUBLIC_ONLY) -> Page:
    """Download an HTML page: the whole download must finish within `timeout` seconds, and every hop may
    reach only the addresses `guard` allows (public ones, unless it allows private ones)."""
    if urlsplit(url).scheme.lower() not in ("http", "https") or not urlsplit(url).hostname:
        raise ImportFailed(f"{url}: only http:// and https:// addresses can be imported; give a file by its path")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5"})
    # No proxy from the environment: a proxy looks names up itself, so the address checked would not be the
    # one connected to.
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), GuardedHTTPHandler(guard), GuardedHTTPSHandler(guard), _HttpOnlyRedirects()
    )
    started = time.monotonic()
    try:
        with opener.open(request, timeout=timeout) as response:
            content_type = response.headers.get("Content-Type")
            media_type = response.headers.get_content_type() if content_type else None
            if media_type is not None and media_type not in HTML_TYPES:
                raise FetchFailed(
                    f"{url}: the server sent {media_type}, not an HTML page; "
                    "import a news page, or save the text and use --from-text"
                )
            declared = _declared_length(response.headers.get("Content-Length"))
            if declared is not None and declared > max_bytes:
                size = f"{declared:,} bytes" if declared < MAX_DECLARED else "larger than anything"
                raise FetchFailed(f"{url}: the page is {size}, more than the {max_bytes:,} allowed")
            data = _read_capped(response, url, max_bytes, started, timeout)
            if media_type is None and not _looks_like_html(data):
                raise FetchFailed(f"{url}: the server did not say what it sent, and it is not HTML")
            return Page(data, response.geturl(), url, response.headers.get_content_charset())
    except NonPublicAddress as refusal:
        raise ImportFailed(refusal.sentence(url)) from None
    except ImportFailed:
        raise
    except (urllib.error.URLError, OSError, http.client.HTTPException) as problem:
        raise FetchFailed(describe_network_error(problem, url, timeout)) from problem


# A Content-Length past this is no size to read, nor one to convert: int() refuses more than 4,300 digits, and a
# server may send any number of them.
MAX_DECLARED = 10**18


def _declared_length(header: str | None) -> int | None:
    """The size a Content-Length header gives, MAX_DECLARED for one too long to be a size, None for none or one
    that is not a number (only ASCII digits: "²" is a digit to str.isdigit, and not to int)."""
    if not header or not header.isascii() or not header.isdigit():
        return None
    return min(int(header), MAX_DECLARED) if len(header) <= len(str(MAX_DECLARED)) else MAX_DECLARED


def _read_capped(response: IO[bytes], url: str, max_bytes: int, started: float, timeout: float) -> bytes:
    """The body, read in chunks and refused as soon as it is too large or too late (a server may trickle)."""
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            raise FetchFailed(f"{url}: the page is larger than the {max_bytes:,} bytes allowed")
        if time.monotonic() - started > timeout:
            raise FetchFailed(f"{url}: the download took longer than {timeout:g} s (use --timeout)")
        chunks.append(chunk)
    return b"".join(chunks)


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head or b"<body" in head


def read_page_file(path: Path, max_bytes: int = MAX_PAGE_BYTES) -> Page:
    if not path.is_file():
        hint = ""
        if not path.exists() and re.match(r"(www\.)?[\w-]+(\.[\w-]+)+/", str(path)):
            hint = f"; did you mean https://{path}?"
        raise ImportFailed(f"{path}: no such file{hint}")
    if path.stat().st_size > max_bytes:
        raise ImportFailed(f"{path}: the file is larger than the {max_bytes:,} bytes allowed")
    data = path.read_bytes()
    if not _looks_like_html(data):
        raise ImportFailed(f"{path}: this is not an HTML page; for plain text or Markdown use --from-text")
    return Page(data, None, str(path))


def decode_page(page: Page) -> str:
    """The page's text: the charset the server named, else the one the page declares or that fits."""
    if page.charset:
        try:
            return page.data.decode(page.charset)
        except (LookupError, UnicodeDecodeError):
            pass
    decoded: str = decode_file(page.data)
    return decoded
