"""`dossier import`: bring an article in from the web, a saved page or pasted text.

One run: fetch (or read) the page, extract its text and metadata with trafilatura, write the text as safe
Markdown with front matter into the story, register the outlet if it is new. Everything is computed
before anything is written; nothing outside the story folder is written except one appended entry in
content/sources.yaml when the outlet is new (see docs/import.md).

The page is untrusted. Its text is escaped as it is written, so nothing in it can become Markdown syntax,
raw HTML or a link; links are kept only to http(s):// and mailto: addresses; and the result is parsed
once more to prove it holds no HTML and no other link.
"""

from __future__ import annotations

import copy
import datetime as dt
import http.client
import json
import os
import re
import socket
import ssl
import tempfile
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import trafilatura
import yaml
from htmldate import find_date
from lxml import html as lxml_html
from trafilatura.utils import decode_file

from dossier import __version__
from dossier.config import load_config
from dossier.diagnostics import Location, Report, did_you_mean
from dossier.load import SOURCES_FILE, STORY_FILE, display_path, is_inside, load_dossier
from dossier.located import parse_yaml
from dossier.model import Source
from dossier.schema import LANGUAGE, MAX_SLUG, SAFE_URL, check_slug
from dossier.text import make_markdown
from dossier.validate import validate_dossier

MIN_ARTICLE_WORDS = 15  # less is a menu or a paywall notice, not an article
MAX_PAGE_BYTES = 10 * 1024 * 1024  # a news page with everything inlined is rarely above 2 MiB
HTML_TYPES = ("text/html", "application/xhtml+xml")
SOURCE_HTML_SUFFIX = ".source.html"  # the raw page kept beside the article; load.py reads only *.md and *.yaml
MARKDOWN_SUFFIXES = (".md", ".markdown")
USER_AGENT = f"dossier/{__version__} (article import)"


class ImportFailed(Exception):
    """Why an import cannot go on: one sentence for the editor, with the fix where there is one."""

    exit_code = 1


class FetchFailed(ImportFailed):
    """The page could not be downloaded: a network or server failure."""

    exit_code = 2


# --- the request and its result --------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRequest:
    project_dir: Path
    story_id: str
    source: str | None = None  # an http(s):// address or the path of a saved page
    slug: str | None = None
    from_text: Path | None = None  # the article's text from this file (plain text, or Markdown if .md)
    title: str | None = None
    outlet: str | None = None
    force: bool = False
    keep_html: bool = False
    timeout: float = 30.0


@dataclass
class Front:
    """The article's front matter, as written."""

    title: str
    outlet: str
    url: str | None = None
    published: dt.date | None = None
    updated: dt.date | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None


@dataclass
class OutletChoice:
    id: str
    name: str
    is_new: bool = False
    entry: str = ""  # the YAML a new outlet needs in sources.yaml
    registered: bool = False  # the entry was appended to sources.yaml


@dataclass
class Imported:
    article_path: Path
    shown_path: str  # relative to the project, as diagnostics show it
    front: Front
    outlet: OutletChoice
    words: int
    blocks: int
    written: bool  # False when the same import had already been written, byte for byte
    html_path: Path | None = None
    parts: int = 1  # a newsletter or live blog: how many same-shaped parts were imported
    dropped: list[str] = field(default_factory=list)  # furniture paragraphs left out
    report: Report = field(default_factory=Report)  # warnings: what the page did not say
    seconds: float = 0.0
    sources_shown: str = SOURCES_FILE
    html_shown: str | None = None

    def summary(self) -> list[str]:
        """What was found and what was not, one line each, for the editor."""
        front = self.front
        what = f"({self.words:,} words in {self.blocks} blocks) in {self.seconds:.2f} s"
        lines = [f"imported {self.shown_path} {what}" if self.written else f"unchanged: {self.shown_path} {what}"]
        outlet = f"{self.outlet.id} ({self.outlet.name})"
        if self.outlet.is_new:
            outlet += f", new: added to {self.sources_shown}" if self.outlet.registered else ", new: see the warning"
        fields = [
            ("title", front.title),
            ("outlet", outlet),
            ("url", front.url or "not found"),
            ("published", front.published.isoformat() if front.published else "not found"),
            ("updated", front.updated.isoformat() if front.updated else None),
            ("authors", ", ".join(front.authors) or "not found"),
            ("language", front.language or "not found (the site's language applies)"),
            ("parts", f"{self.parts}: a newsletter or live blog, every part kept" if self.parts > 1 else None),
            ("kept", self.html_shown),
        ]
        lines += [f"  {name:<10} {value}" for name, value in fields if value]
        for text in self.dropped:
            shown = text if len(text) <= 90 else text[:89] + "\u2026"
            lines.append(f"  {'dropped':<10} {json.dumps(shown, ensure_ascii=False)}")
        return lines


# --- getting the page ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    data: bytes
    url: str | None  # where it was downloaded from, after redirects; None for a saved file
    name: str  # as the editor gave it
    charset: str | None = None  # from the Content-Type header


URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(source: str) -> bool:
    return bool(URL_SCHEME.match(source))


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
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
    reason: Any = problem.reason if isinstance(problem, urllib.error.URLError) else problem
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


def fetch_page(url: str, timeout: float, max_bytes: int = MAX_PAGE_BYTES) -> Page:
    """Download an HTML page: the whole download must finish within `timeout` seconds."""
    if urlsplit(url).scheme.lower() not in ("http", "https") or not urlsplit(url).hostname:
        raise ImportFailed(f"{url}: only http:// and https:// addresses can be imported; give a file by its path")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5"})
    opener = urllib.request.build_opener(_HttpOnlyRedirects())
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
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchFailed(f"{url}: the page is {int(length):,} bytes, more than the {max_bytes:,} allowed")
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchFailed(f"{url}: the page is larger than the {max_bytes:,} bytes allowed")
                if time.monotonic() - started > timeout:
                    raise FetchFailed(f"{url}: the download took longer than {timeout:g} s (use --timeout)")
                chunks.append(chunk)
            data = b"".join(chunks)
            if media_type is None and not _looks_like_html(data):
                raise FetchFailed(f"{url}: the server did not say what it sent, and it is not HTML")
            return Page(data, response.geturl(), url, response.headers.get_content_charset())
    except ImportFailed:
        raise
    except (urllib.error.URLError, OSError, http.client.HTTPException) as problem:
        raise FetchFailed(describe_network_error(problem, url, timeout)) from problem


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


# --- extraction ------------------------------------------------------------------------------------------

TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_formatting": True,
    "include_links": True,
    "deduplicate": False,
    "with_metadata": False,
}
# Class and id words that mark page furniture (whole words of the attribute, split at '-', '_' and case).
# trafilatura drops most furniture itself; these catch what it keeps (letters-to-the-editor calls,
# author bios, sign-up boxes with neutral names). An element holding much of the page's text is never
# dropped, whatever its name: see `prune_furniture`.
FURNITURE_WORDS = frozenset({
    "newsletter", "newsletters", "signup", "subscribe", "subscription", "promo", "promotion", "related", "recirc",
    "recirculation", "outbrain", "taboola", "bio", "biography", "cta", "share", "sharing", "social", "comments",
    "comment", "cookie", "cookies", "consent", "advert", "advertisement", "ad", "ads", "sponsored", "trending",
    "popular", "breadcrumb", "breadcrumbs", "disqus",
})  # fmt: skip
KEEP_SHARE = 0.4  # an element with more than this share of the page's paragraph text is kept
MIN_KEPT_SHARE = 0.6  # if pruning loses more than this share of the text, extract the unpruned page
# Paragraphs of page furniture that survive extraction: sign-up calls and invitations to write in.
SIGN_UP = re.compile(r"\b(sign(?:ing)?[ -]?up|subscribe|subscription)\b", re.IGNORECASE)
SIGN_UP_TARGET = re.compile(r"\b(newsletters?|inbox|e-?mails?|alerts?)\b", re.IGNORECASE)
FURNITURE_LINE = re.compile(
    r"^(we want to hear what you think|share your thoughts|follow us on|read more:|related:|advertisement$)",
    re.IGNORECASE,
)
FURNITURE_MAX_WORDS = 60
LINK_LIST_SHARE = 0.4  # a list this much link text, every item linking home, is a list of teasers
WORD = re.compile(r"\w+(?:['\u2019]\w+)*")


def _words(text: str) -> list[str]:
    return [w.casefold().replace("\u2019", "'") for w in WORD.findall(text)]


def _overlap(a: str, b: str) -> float:
    """How alike two headlines are: shared words over the longer one's word count."""
    words_a, words_b = _words(a), _words(b)
    if not words_a or not words_b:
        return 0.0
    shared = len(set(words_a) & set(words_b))
    return shared / max(len(set(words_a)), len(set(words_b)))


def squash(text: str) -> str:
    """Runs of whitespace (line breaks and tabs included, non-breaking spaces not) as one space."""
    return re.sub(r"[ \t\r\n\f\v]+", " ", text).strip()


def clean_field(text: str | None) -> str | None:
    """Metadata text made safe for one line of YAML: no control or format characters, one-space runs."""
    if text is None:
        return None
    kept = "".join(c if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp") else " " for c in text)
    return " ".join(kept.split()) or None


def _class_words(element: Any) -> set[str]:
    words: set[str] = set()
    for attribute in ("class", "id"):
        value = element.get(attribute)
        if value:
            value = re.sub(r"([a-z])([A-Z])", r"\1 \2", value).lower()
            words.update(w for w in re.split(r"[^a-z0-9]+", value) if w)
    return words


def _paragraph_chars(element: Any) -> int:
    return sum(len(p.text_content()) for p in element.iter("p"))


def _is_attached(element: Any, root: Any) -> bool:
    while element.getparent() is not None:
        element = element.getparent()
    return bool(element is root)


def prune_furniture(tree: Any) -> int:
    """Drop elements whose class or id names them furniture, unless they hold much of the text."""
    total = _paragraph_chars(tree) or 1
    candidates = [
        element
        for element in tree.iter()
        if isinstance(element.tag, str)
        and element.tag not in ("html", "head", "body")
        and _class_words(element) & FURNITURE_WORDS
        and element.get("itemprop") != "articleBody"
    ]
    dropped = 0
    for element in candidates:
        if not _is_attached(element, tree) or _paragraph_chars(element) > KEEP_SHARE * total:
            continue
        element.drop_tree()
        dropped += 1
    return dropped


def _extract_body(tree: Any, base_url: str | None) -> Any:
    """The main text of `tree` (a copy is used) as trafilatura's tree (p, head, list, quote, hi, ref...), or None.

    Its tree, not its XML output: the XML is pretty-printed, which drops the spaces between two inline
    elements ("<b>students</b> <a>raised</a>").
    """
    document = trafilatura.bare_extraction(copy.deepcopy(tree), url=base_url, **TRAFILATURA_OPTIONS)
    body = getattr(document, "body", None)
    return body if body is not None and "".join(body.itertext()).strip() else None


def _plain(element: Any) -> str:
    return squash("".join(element.itertext())) if element is not None else ""


def _probe(element: Any) -> str | None:
    """The start of the first real paragraph inside `element`: how to tell whether an extraction has it."""
    for paragraph in element.iter("p", "li"):
        text = squash(paragraph.text_content())
        if len(text) >= 40:
            return text[:60]
    return None


def _contains(ancestor: Any, element: Any) -> bool:
    return any(parent is ancestor for parent in element.iterancestors())


def repeated_parts(tree: Any, extracted_text: str) -> list[Any]:
    """The parts of a newsletter or live blog, when trafilatura kept only some of them.

    Such a page repeats one container (same tag, same class) per item; trafilatura takes the first.
    A group counts when its members hold real paragraphs, none holds another or a headline (`h1`: a
    follow-up article of an endless page), and the extraction has some members' text but not all.
    """
    groups: dict[tuple[str, str], list[Any]] = {}
    for element in tree.iter("div", "section", "article"):
        name = element.get("class")
        if name and name.strip():
            groups.setdefault((element.tag, " ".join(name.split())), []).append(element)
    best: list[Any] = []
    best_weight = 0
    for members in groups.values():
        probed = [(m, p) for m in members if (p := _probe(m)) is not None]
        if len(probed) < 2 or any(_contains(a, b) for a, _ in probed for b, _ in probed if a is not b):
            continue
        covered = [probe in extracted_text for _, probe in probed]
        if not any(covered) or all(covered):
            continue
        if any(next(m.iter("h1"), None) is not None for m, _ in probed):
            continue
        weight = sum(_paragraph_chars(m) for m, _ in probed)
        missing = sum(_paragraph_chars(m) for (m, _), is_in in zip(probed, covered, strict=True) if not is_in)
        if missing >= 200 and weight > best_weight:
            best, best_weight = [m for m, _ in probed], weight
    return best


def _part_section(member: Any, members: list[Any]) -> Any:
    """The largest ancestor of `member` holding no other member: its heading and caption come along."""
    section = member
    while True:
        parent = section.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return section
        if any(other is not member and _contains(parent, other) for other in members):
            return section
        section = parent


def _extract_parts(tree: Any, members: list[Any], base_url: str | None) -> list[Any]:
    """Each part extracted from a copy of the whole page without the other parts.

    The whole page, not the part alone: trafilatura then reads each part as it read the first one.
    """
    paths = [tree.getroottree().getpath(_part_section(member, members)) for member in members]
    mains = []
    for index in range(len(paths)):
        page = copy.deepcopy(tree)
        others = [page.getroottree().xpath(path)[0] for n, path in enumerate(paths) if n != index]
        for other in others:
            other.drop_tree()
        extracted = _extract_body(page, base_url)
        if extracted is not None:
            mains.append(extracted)
    return mains


@dataclass
class Extracted:
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: dt.date | None = None
    updated: dt.date | None = None
    sitename: str | None = None
    url: str | None = None
    language: str | None = None
    blocks: list[Block] = field(default_factory=list)
    parts: int = 1


def _meta_content(tree: Any, xpath: str) -> str | None:
    for value in tree.xpath(xpath):
        text = clean_field(str(value))
        if text:
            return text
    return None


def choose_title(tree: Any, metadata_title: str | None) -> str | None:
    """The headline as published: the page's `h1` when it agrees with the metadata, else the metadata's.

    Pages often carry a different headline for social media (og:title) or a CMS placeholder in their
    JSON-LD; an `h1` that shares most of its words with one of the declared titles is the one readers saw.
    """
    declared = [
        metadata_title,
        _meta_content(tree, '//meta[@property="og:title"]/@content'),
        _meta_content(tree, "//head/title/text()"),
    ]
    declared_titles = [d for d in declared if d]
    for heading in tree.iter("h1"):
        text = clean_field(heading.text_content())
        if text and len(text) <= 300 and any(_overlap(text, d) >= 0.4 for d in declared_titles):
            return text
    return next(iter(declared_titles), None)


def choose_authors(raw: str | None, sitename: str | None) -> tuple[str, ...]:
    """trafilatura's authors ('A; B'), without the outlet's own name and what is not a name."""
    authors: list[str] = []
    site = squash(sitename or "").casefold()
    for part in (raw or "").split(";"):
        name = clean_field(re.sub(r"^\s*by\s+", "", part, flags=re.IGNORECASE))
        if not name or re.search(r"[\d@/]|https?:", name):
            continue
        if site and (site in name.casefold() or name.casefold() in site):
            continue
        if name not in authors:
            authors.append(name)
    return tuple(authors)


def page_language(tree: Any) -> str | None:
    for xpath in (
        "/html/@lang",
        "/html/@xml:lang",
        '//meta[translate(@http-equiv, "CONTENT-LANGUAGE", "content-language")="content-language"]/@content',
        '//meta[@property="og:locale"]/@content',
    ):
        value = _meta_content(tree, xpath)
        if value:
            tag = value.split(",")[0].strip().replace("_", "-")
            if LANGUAGE.match(tag):
                return tag
    return None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def extract_page(html_text: str, page_url: str | None, with_body: bool = True) -> Extracted:
    """Metadata and (unless `with_body` is false) the main text of a page, as Markdown blocks."""
    tree = trafilatura.load_html(html_text)
    if tree is None:
        raise ImportFailed("the page could not be read as HTML")
    metadata = trafilatura.extract_metadata(copy.deepcopy(tree), default_url=page_url, extensive=False)
    found = Extracted(
        title=choose_title(tree, clean_field(metadata.title)),
        sitename=clean_field(metadata.sitename),
        url=safe_url(metadata.url or page_url or "", http_only=True),
        language=page_language(tree),
        published=_date(metadata.date),
    )
    found.authors = choose_authors(metadata.author, found.sitename)
    updated = _date(find_date(copy.deepcopy(tree), original_date=False, extensive_search=False))
    if updated and found.published and updated > found.published:
        found.updated = updated
    if not with_body:
        return found
    base_url = found.url or page_url
    pruned = copy.deepcopy(tree)
    prune_furniture(pruned)
    main = _extract_body(pruned, base_url)
    whole = _extract_body(tree, base_url)
    if main is None or len(_plain(main)) < MIN_KEPT_SHARE * len(_plain(whole)):
        main, pruned = whole, tree
    if main is None:
        return found
    mains = [main]
    members = repeated_parts(pruned, _plain(main))
    if members:
        mains = _extract_parts(pruned, members, base_url) or mains
        found.parts = len(mains)
    found.blocks = [block for element in mains for block in blocks_of(element)]
    return found


# --- safe Markdown ---------------------------------------------------------------------------------------
#
# The writer reads trafilatura's XML (p, head, list/item, quote, hi, ref, lb, code, table/row/cell) and
# plain HTML (the same in HTML's names), so pasted Markdown goes through it too (Markdown -> HTML -> here).

HEADINGS = {f"h{n}": n for n in range(1, 7)}
PARAGRAPH_TAGS = {"p", "figcaption", "dt", "dd", "summary", "caption"}
LIST_TAGS = {"list", "ul", "ol", "dl"}
ITEM_TAGS = {"item", "li"}
QUOTE_TAGS = {"quote", "blockquote"}
TABLE_TAGS = {"table"}
ROW_TAGS = {"row", "tr"}
CELL_TAGS = {"cell", "td", "th"}
CODE_BLOCK_TAGS = {"pre"}
SKIPPED_TAGS = {"graphic", "img", "figure-img", "comments", "script", "style", "noscript", "template", "svg", "hr"}
CONTAINER_TAGS = {
    "doc", "main", "body", "html", "div", "section", "article", "header", "footer", "aside", "nav", "figure",
    "details", "thead", "tbody", "tfoot", "center", "form", "fieldset",
}  # fmt: skip
BLOCK_TAGS = (
    set(HEADINGS) | {"head"} | PARAGRAPH_TAGS | LIST_TAGS | ITEM_TAGS | QUOTE_TAGS | TABLE_TAGS | ROW_TAGS
    | CELL_TAGS | CODE_BLOCK_TAGS | CONTAINER_TAGS | {"code-block"}
)  # fmt: skip
BOLD = {"b", "strong"}
ITALIC = {"i", "em", "cite", "dfn", "var"}
INLINE_CODE = {"code", "kbd", "samp", "tt"}
LINK_TAGS = {"ref", "a"}
BREAK_TAGS = {"lb", "br"}

# Characters that are Markdown syntax anywhere in a line (CommonMark plus tables and strikethrough).
INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<|~])")
ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# What makes a line start a block: heading, quote, list item, thematic break, setext underline.
LINE_START = re.compile(r"^(#|>|[-+=]|\d{1,9}(?=[.)]))")


@dataclass
class Block:
    """One top-level block of the body: its Markdown, and what it is (for furniture and title checks)."""

    markdown: str
    kind: str  # "paragraph", "heading", "list", "quote", "table", "code"
    text: str  # the plain text a reader sees
    links: tuple[str, ...] = ()  # the addresses it links to
    link_chars: int = 0  # how much of its text is link text
    items: tuple[Block, ...] = ()  # a list's items, each as one block


def escape_text(text: str) -> str:
    """Text as Markdown that renders as exactly this text and nothing else."""
    return ENTITY_LIKE.sub(r"\\&", INLINE_SPECIAL.sub(r"\\\1", text))


def escape_line_starts(markdown: str) -> str:
    """Escape what would make a line of a paragraph start a heading, quote, list or rule."""
    lines = []
    for line in markdown.split("\n"):
        match = LINE_START.match(line)
        if match:
            end = match.end()
            line = line[:end] + "\\" + line[end:] if match.group(1)[0].isdigit() else "\\" + line
        lines.append(line)
    return "\n".join(lines)


def safe_url(url: str, http_only: bool = False) -> str | None:
    """The address if it is an absolute http(s) (or, for links, mailto:) one, percent-encoded; else None."""
    url = url.strip()
    if not url or any(unicodedata.category(c) in ("Cc", "Cf") for c in url):
        return None
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https") and hostname:
        netloc = parts.netloc
        if not netloc.isascii():
            try:
                netloc = netloc.replace(hostname, hostname.encode("idna").decode("ascii"))
            except UnicodeError:
                return None
        rest = url[len(parts.scheme) + 3 + len(parts.netloc) :]
        encoded = f"{scheme}://{netloc}{quote(rest, safe=URL_SAFE)}"
        return encoded if SAFE_URL.match(encoded) else None
    if scheme == "mailto" and not http_only and "@" in parts.path:
        return "mailto:" + quote(url[len("mailto:") :], safe=URL_SAFE)
    return None


URL_SAFE = "/?#[]@!$&'*+,;=%~-._:"


@dataclass
class _Piece:
    """A piece of inline content before it is written: text, an emphasis mark, a link end, a break."""

    kind: str  # "text", "open", "close", "link", "end", "code", "break"
    value: str = ""
    pair: int = -1  # emphasis: the index of the other mark


class _Inline:
    """Collects the inline content of one block, then writes it as Markdown."""

    def __init__(self) -> None:
        self.pieces: list[_Piece] = []
        self.emphasis = 0  # depth: nested emphasis is written as plain text
        self.link = 0
        self.links: list[str] = []  # what `write` linked to
        self.link_chars = 0  # and how many characters of text it linked

    def text(self, text: str | None) -> None:
        if text:
            self.pieces.append(_Piece("text", text))

    def element(self, element: Any) -> None:
        tag = _tag(element)
        if tag in SKIPPED_TAGS:
            self.text(element.tail)
            return
        mark = _emphasis(element)
        if tag in BREAK_TAGS:
            self.pieces.append(_Piece("break"))
        elif tag in INLINE_CODE or (tag == "hi" and element.get("rend") == "#t"):
            self.pieces.append(_Piece("code", "".join(element.itertext())))
        elif tag in LINK_TAGS:
            self._link(element)
        elif tag == "hi" and not "".join(element.itertext()).strip():
            self.text(" ")  # trafilatura empties a <b> </b> that stood for a space
        elif mark and not self.emphasis and not self.link:
            self.emphasis += 1
            self.pieces.append(_Piece("open", mark))
            self.children(element)
            self.pieces.append(_Piece("close", mark))
            self.emphasis -= 1
        else:
            self.children(element)
        self.text(element.tail)

    def children(self, element: Any) -> None:
        self.text(element.text)
        for child in element:
            if isinstance(child.tag, str):
                self.element(child)
            else:
                self.text(child.tail)  # a comment or processing instruction: only its tail is text

    def _link(self, element: Any) -> None:
        url = safe_url(element.get("target") or element.get("href") or "")
        if url is None or self.link:
            self.children(element)
            return
        self.link += 1
        start = len(self.pieces)
        self.pieces.append(_Piece("link"))
        self.children(element)
        if any(p.kind in ("text", "code") and p.value.strip() for p in self.pieces[start + 1 :]):
            self.pieces.append(_Piece("end", url))
        else:
            del self.pieces[start]  # a link with no text (an image link): nothing to show
        self.link -= 1

    def write(self, single_line: bool = False, line_starts: bool = True) -> tuple[str, str]:
        """(Markdown, plain text) of the collected content; `line_starts`: escape what would start a block."""
        pieces = self._normalised(single_line)
        self._drop_unusable_emphasis(pieces)
        markdown: list[str] = []
        plain: list[str] = []
        link_start: int | None = None
        for piece in pieces:
            if piece.kind == "text":
                markdown.append(escape_text(piece.value))
                plain.append(piece.value)
            elif piece.kind in ("open", "close"):
                markdown.append(piece.value)
            elif piece.kind == "link":
                markdown.append("[")
                link_start = len("".join(plain))
            elif piece.kind == "end":
                markdown.append(f"]({piece.value})")
                self.links.append(piece.value)
                self.link_chars += len("".join(plain)) - (link_start or 0)
            elif piece.kind == "code":
                markdown.append(code_span(piece.value))
                plain.append(" ".join(piece.value.split("\n")))
            elif piece.kind == "break":
                markdown.append("\\\n")
                plain.append("\n")
        written = "".join(markdown)
        return (escape_line_starts(written) if line_starts else written), "".join(plain)

    def _normalised(self, single_line: bool) -> list[_Piece]:
        """Whitespace collapsed and trimmed at the ends of lines; spaces moved out of emphasis and links."""
        pieces: list[_Piece] = []
        for piece in self.pieces:
            if piece.kind == "break" and single_line:
                piece = _Piece("text", " ")
            if piece.kind != "text":
                pieces.append(_Piece(piece.kind, piece.value))
                continue
            value = WHITESPACE.sub(" ", piece.value)
            core = value.strip(" ")
            if value.startswith(" "):
                pieces.append(_Piece("space"))
            if core:
                pieces.append(_Piece("text", core))
                if value.endswith(" "):
                    pieces.append(_Piece("space"))
        changed = True
        while changed:  # "** bold **" is not bold in Markdown: "**bold**" is
            changed = False
            for index in range(len(pieces) - 1):
                first, second = pieces[index], pieces[index + 1]
                if (first.kind in ("open", "link") and second.kind == "space") or (
                    first.kind == "space" and second.kind in ("close", "end")
                ):
                    pieces[index], pieces[index + 1] = second, first
                    changed = True
        pieces = _collapse(pieces)
        pieces = list(reversed(_collapse(list(reversed(pieces)))))
        result = [_Piece("text", " ") if piece.kind == "space" else piece for piece in pieces]
        stack: list[int] = []
        for index, piece in enumerate(result):
            if piece.kind == "open":
                stack.append(index)
            elif piece.kind == "close" and stack:
                opening = stack.pop()
                piece.pair, result[opening].pair = opening, index
        return result

    @staticmethod
    def _drop_unusable_emphasis(pieces: list[_Piece]) -> None:
        """Turn emphasis that Markdown would not read as emphasis (flanking rules) into plain text."""
        for index, piece in enumerate(pieces):
            if piece.kind != "open" or piece.pair < 0:
                continue
            closing = piece.pair
            before, first = _char_before(pieces, index), _char_after(pieces, index)
            last, after = _char_before(pieces, closing), _char_after(pieces, closing)
            left_ok = first not in " \n*" and (not _is_punct(first) or before in " \n" or _is_punct(before))
            right_ok = last not in " \n*" and (not _is_punct(last) or after in " \n" or _is_punct(after))
            is_empty = all(p.kind not in ("text", "code") or not p.value for p in pieces[index + 1 : closing])
            if not (left_ok and right_ok) or before == "*" or after == "*" or is_empty:
                piece.kind = pieces[closing].kind = "text"
                piece.value = pieces[closing].value = ""
        for piece in pieces:
            if piece.kind in ("open", "close") and piece.pair < 0:
                piece.kind, piece.value = "text", ""


MARKS = ("open", "close", "link", "end")
WHITESPACE = re.compile(r"[ \t\r\n\f\v]+")


def _collapse(pieces: list[_Piece]) -> list[_Piece]:
    """Drop each space or break that follows the start, a space or a break (marks do not count)."""
    kept: list[_Piece] = []
    previous = "start"
    for piece in pieces:
        if piece.kind in MARKS:
            kept.append(piece)
            continue
        if piece.kind in ("space", "break") and previous in ("start", "space", "break"):
            if piece.kind == "break" and previous == "space":
                _drop_last_space(kept)  # "text <br>" is "text" and a break
                kept.append(piece)
                previous = "break"
            continue
        kept.append(piece)
        previous = piece.kind
    return kept


def _drop_last_space(pieces: list[_Piece]) -> None:
    for index in range(len(pieces) - 1, -1, -1):
        if pieces[index].kind == "space":
            del pieces[index]
            return
        if pieces[index].kind not in MARKS:
            return


def _char_before(pieces: list[_Piece], index: int) -> str:
    for piece in reversed(pieces[:index]):
        if piece.kind == "text" and piece.value:
            return piece.value[-1]
        if piece.kind in ("open", "close"):
            return "*"
        if piece.kind == "link":
            return "["
        if piece.kind == "end":
            return ")"
        if piece.kind == "code":
            return "`"
        if piece.kind == "break":
            return "\n"
    return " "


def _char_after(pieces: list[_Piece], index: int) -> str:
    for piece in pieces[index + 1 :]:
        if piece.kind == "text" and piece.value:
            return piece.value[0]
        if piece.kind in ("open", "close"):
            return "*"
        if piece.kind == "link":
            return "["
        if piece.kind == "end":
            return "]"
        if piece.kind == "code":
            return "`"
        if piece.kind == "break":
            return "\n"
    return " "


def _is_punct(char: str) -> bool:
    return unicodedata.category(char).startswith(("P", "S"))


def code_span(text: str) -> str:
    text = " ".join(text.split("\n"))
    if not text.strip():
        return ""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") or (text[0] == " " and text[-1] == " ") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _tag(element: Any) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1].lower()


def _emphasis(element: Any) -> str | None:
    tag = _tag(element)
    rend = element.get("rend") or ""
    if tag in BOLD or rend == "#b":
        return "**"
    if tag in ITALIC or rend == "#i":
        return "*"
    return None


def _heading_level(element: Any) -> int | None:
    tag = _tag(element)
    if tag in HEADINGS:
        return HEADINGS[tag]
    if tag == "head":
        return HEADINGS.get(element.get("rend") or "", 2)
    return None


def _is_block(element: Any) -> bool:
    tag = _tag(element)
    if tag in BLOCK_TAGS:
        return True
    # trafilatura writes a block of code as a <code> of its own, an inline one inside a paragraph.
    return tag == "code" and _tag(element.getparent()) in BLOCK_TAGS - PARAGRAPH_TAGS - {"head", "item", "li"}


def _is_code_block(element: Any) -> bool:
    return _tag(element) in CODE_BLOCK_TAGS or _tag(element) == "code"


def blocks_of(container: Any) -> list[Block]:
    """The Markdown blocks of an element's content."""
    blocks: list[Block] = []
    inline = _Inline()

    def flush() -> None:
        nonlocal inline
        blocks.extend(_paragraph(inline))
        inline = _Inline()

    inline.text(container.text)
    for child in container:
        if not isinstance(child.tag, str):
            inline.text(child.tail)
            continue
        tag = _tag(child)
        if tag in SKIPPED_TAGS:
            inline.text(child.tail)
            continue
        if not _is_block(child):
            inline.element(child)
            continue
        flush()
        blocks.extend(_block(child))
        inline.text(child.tail)
    flush()
    return blocks


def _paragraph(inline: _Inline) -> list[Block]:
    markdown, plain = inline.write()
    return [Block(markdown, "paragraph", plain, tuple(inline.links), inline.link_chars)] if plain.strip() else []


def _block(element: Any) -> list[Block]:
    tag = _tag(element)
    level = _heading_level(element)
    if level is not None:
        inline = _Inline()
        inline.children(element)
        markdown, plain = inline.write(single_line=True, line_starts=False)
        if not plain.strip():
            return []
        markdown = re.sub(r"(#+)$", r"\\\1", markdown)  # a closing run of # would be read as markup
        return [Block(f"{'#' * max(2, level)} {markdown}", "heading", plain)]
    if tag in PARAGRAPH_TAGS:
        if any(isinstance(child.tag, str) and _is_block(child) for child in element):
            return blocks_of(element)  # a paragraph holding blocks (HTML that is not quite valid)
        inline = _Inline()
        inline.children(element)
        return _paragraph(inline)
    if tag in LIST_TAGS:
        return _list(element)
    if tag in QUOTE_TAGS:
        inner_blocks = blocks_of(element)
        if not inner_blocks:
            return []
        quoted = "\n\n".join(b.markdown for b in inner_blocks)
        markdown = "\n".join(f"> {line}" if line else ">" for line in quoted.split("\n"))
        return [Block(markdown, "quote", "\n\n".join(b.text for b in inner_blocks))]
    if tag in TABLE_TAGS:
        return _table(element)
    if _is_code_block(element):
        text = "".join(element.itertext()).strip("\n")
        if not text.strip():
            return []
        fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
        return [Block(f"{fence}\n{text}\n{fence}", "code", text)]
    return blocks_of(element)  # containers, stray items, rows and cells


def _list(element: Any) -> list[Block]:
    ordered = _tag(element) == "ol" or element.get("rend") == "ol"
    items: list[list[Block]] = []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        item_blocks = blocks_of(child) if _tag(child) in ITEM_TAGS else _block(child)
        if item_blocks:
            items.append(item_blocks)
    if not items:
        return []
    tight = all(len(blocks) == 1 and blocks[0].kind == "paragraph" for blocks in items)
    rendered = []
    for number, item_blocks in enumerate(items, start=1):
        marker = f"{number}. " if ordered else "- "
        body = "\n\n".join(b.markdown for b in item_blocks)
        lines = body.split("\n")
        indented = [marker + lines[0]] + [(" " * len(marker) + line) if line else "" for line in lines[1:]]
        rendered.append("\n".join(indented))
    markdown = ("\n" if tight else "\n\n").join(rendered)
    summaries = tuple(
        Block(
            "",
            "item",
            "\n\n".join(b.text for b in blocks),
            tuple(url for b in blocks for url in b.links),
            sum(b.link_chars for b in blocks),
        )
        for blocks in items
    )
    return [Block(markdown, "list", "\n\n".join(b.text for b in summaries), items=summaries)]


def _table(element: Any) -> list[Block]:
    rows: list[list[str]] = []
    texts: list[str] = []
    for row in element.iter():
        if _tag(row) not in ROW_TAGS:
            continue
        cells = []
        for cell in row:
            if isinstance(cell.tag, str) and _tag(cell) in CELL_TAGS:
                inline = _Inline()
                inline.children(cell)
                for piece in inline.pieces:  # a code span's | would end the cell: write it as text
                    if piece.kind == "code":
                        piece.kind = "text"
                markdown, plain = inline.write(single_line=True, line_starts=False)
                cells.append(markdown)
                texts.append(plain)
        if cells:
            rows.append(cells)
    if not rows:
        return blocks_of(element)
    width = max(len(r) for r in rows)
    lines = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in rows]
    lines.insert(1, "|" + " --- |" * width)
    return [Block("\n".join(lines), "table", " ".join(texts))]


def text_blocks(text: str) -> list[Block]:
    """Plain text as paragraphs: blank lines separate them, or each line is one when there are none."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = re.split(r"\n[ \t]*\n", text) if re.search(r"\n[ \t]*\n", text) else text.split("\n")
    blocks = []
    for chunk in chunks:
        inline = _Inline()
        inline.text(clean_text(chunk))
        markdown, plain = inline.write()
        if plain.strip():
            blocks.append(Block(markdown, "paragraph", plain))
    return blocks


def clean_text(text: str) -> str:
    """Pasted text without control characters (tabs and line breaks are kept)."""
    return "".join(c for c in text if c in "\t\n" or unicodedata.category(c) != "Cc")


def markdown_blocks(text: str) -> list[Block]:
    """Pasted Markdown, rewritten by the same safe writer: raw HTML stays text, unsafe links lose their link."""
    rendered = make_markdown(raw_html=False).render(clean_text(text))
    if not rendered.strip():
        return []
    fragment = lxml_html.fragment_fromstring(rendered, create_parent="div")
    return blocks_of(fragment)


def site_key(url: str | None) -> str | None:
    """The name a site goes by in its addresses: bbc for www.bbc.co.uk and bbc.com, cnn for edition.cnn.com."""
    host = _host(url)
    if not host:
        return None
    labels = host.split(".")[:-1] or host.split(".")
    if len(labels) > 1 and labels[-1] in ("co", "com", "org", "net", "gov", "ac", "edu", "ne", "or"):
        labels = labels[:-1]
    return labels[-1]


def is_link_list(block: Block, site: str | None) -> bool:
    """A list of links back into the site (related stories, promotions): every item links home, and links
    make up much of the list's text."""
    return (
        site is not None
        and block.kind == "list"
        and bool(block.items)
        and all(item.links and all(site_key(url) == site for url in item.links) for item in block.items)
        and sum(item.link_chars for item in block.items) >= LINK_LIST_SHARE * sum(len(i.text) for i in block.items)
    )


def drop_furniture(blocks: list[Block], page_url: str | None = None) -> tuple[list[Block], list[str]]:
    """Leave out page furniture that survived extraction: sign-up calls, invitations to write in, lists of
    links to more of the site. The fragments right after a dropped call ("here", ".") go with it."""
    kept: list[Block] = []
    dropped: list[str] = []
    site = site_key(page_url)
    after_furniture = False
    for block in blocks:
        text = squash(block.text)
        is_call = (
            block.kind == "paragraph"
            and len(text.split()) <= FURNITURE_MAX_WORDS
            and bool((SIGN_UP.search(text) and SIGN_UP_TARGET.search(text)) or FURNITURE_LINE.match(text))
        )
        is_fragment = after_furniture and block.kind == "paragraph" and len(text.split()) <= 2
        if is_call or is_fragment or is_link_list(block, site):
            dropped.append(text)
            after_furniture = True
        else:
            kept.append(block)
            after_furniture = False
    return kept, dropped


def drop_title_heading(blocks: list[Block], title: str) -> list[Block]:
    """The headline is in the front matter: a first heading repeating it is left out of the body."""
    if blocks and blocks[0].kind == "heading" and _overlap(blocks[0].text, title) >= 0.8:
        return blocks[1:]
    return blocks


def check_markdown_is_safe(markdown: str) -> None:
    """Prove the body holds no raw HTML and no link but http(s)/mailto, even for a site with raw_html on."""
    md = make_markdown(raw_html=True)
    for token in _all_tokens(md.parse(markdown)):
        if token.type in ("html_block", "html_inline", "image"):
            raise AssertionError(f"the imported Markdown holds {token.type}: {token.content[:80]!r}")
        if token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            if not re.match(r"(https?://|mailto:)", href, re.IGNORECASE):
                raise AssertionError(f"the imported Markdown links to {href!r}")


def _all_tokens(tokens: Iterable[Any]) -> Iterator[Any]:
    for token in tokens:
        yield token
        if token.children:
            yield from _all_tokens(token.children)


# --- the front matter ------------------------------------------------------------------------------------

YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}
PLAIN_SCALAR = re.compile(r"[^\W\d_][\w .,'\u2019()-]*[\w.)]\Z|[^\W\d_]\Z")


def yaml_scalar(text: str, in_flow: bool = False) -> str:
    """`text` as a YAML scalar: plain when that reads back as the same text, else double-quoted."""
    if PLAIN_SCALAR.match(text) and text.lower() not in YAML_WORDS and not (in_flow and "," in text):
        try:
            if yaml.safe_load(f"key: {'[' + text + ']' if in_flow else text}")["key"] == ([text] if in_flow else text):
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


def url_scalar(url: str) -> str:
    try:
        if yaml.safe_load(f"key: {url}")["key"] == url:
            return url
    except yaml.YAMLError:
        pass
    return json.dumps(url, ensure_ascii=False)


MISSING_DATE = "# published: YYYY-MM-DD   the page gives no date: add it if you find one, never guess"
MISSING_AUTHORS = "# authors: [First Last]   the page names no author: add them if you find them"
MISSING_URL = "# url: https://...   the saved page does not say where it was published"


def front_matter_lines(front: Front) -> list[str]:
    lines = ["---", f"title: {yaml_scalar(front.title)}", f"outlet: {front.outlet}"]
    lines.append(f"url: {url_scalar(front.url)}" if front.url else MISSING_URL)
    lines.append(f"published: {front.published.isoformat()}" if front.published else MISSING_DATE)
    if front.updated:
        lines.append(f"updated: {front.updated.isoformat()}")
    if front.authors:
        lines.append(f"authors: [{', '.join(yaml_scalar(a, in_flow=True) for a in front.authors)}]")
    else:
        lines.append(MISSING_AUTHORS)
    if front.language:
        lines.append(f"language: {front.language}")
    lines.append("---")
    return lines


# --- outlets ---------------------------------------------------------------------------------------------


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.lower().removeprefix("www.") if host else None


def _name_key(name: str) -> str:
    words = _words(name)
    if words and words[0] == "the":
        words = words[1:]
    return "".join(words)


def match_outlet(sitename: str | None, page_url: str | None, outlets: list[Source]) -> Source | None:
    """The registered outlet this page is from: by its address's host first, then by name."""
    host = _host(page_url)
    if host:
        matches = [
            (len(outlet_host), outlet.id, outlet)
            for outlet in outlets
            if (outlet_host := _host(outlet.url)) and (host == outlet_host or host.endswith("." + outlet_host))
        ]
        if matches:
            return max(matches, key=lambda m: (m[0], m[1]))[2]
    if sitename:
        key = _name_key(sitename)
        for outlet in sorted(outlets, key=lambda o: o.id):
            if key and _name_key(outlet.name) == key:
                return outlet
    return None


def ascii_slug(text: str, max_length: int = MAX_SLUG) -> str:
    """A slug of `text`: accents dropped, lowercase letters, digits and single hyphens, cut at a hyphen."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "").replace("'", ""))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > max_length:
        slug = slug[: max_length + 1].rsplit("-", 1)[0] if "-" in slug[:max_length] else slug[:max_length]
    return slug.strip("-")


def outlet_name(sitename: str | None, page_url: str | None) -> str | None:
    """A name for a new outlet: the site's own name, or one made from its host (axios.com: Axios)."""
    if sitename and not re.fullmatch(r"[\w-]+(\.[\w-]+)+", sitename):
        return sitename
    host = _host(sitename if sitename and "." in sitename else None) or _host(page_url)
    if sitename and not host:
        host = sitename.lower().removeprefix("www.")
    if not host:
        return None
    return host.split(".")[0].replace("-", " ").title()


def outlet_entry(outlet_id: str, name: str, url: str | None, indent: str = "") -> str:
    lines = [
        f"{indent}# Added by `dossier import`: check the name.",
        f"{indent}- id: {outlet_id}",
        f"{indent}  name: {yaml_scalar(name)}",
        f"{indent}  kind: outlet",
    ]
    if url:
        lines.append(f"{indent}  url: {url_scalar(url)}")
    return "\n".join(lines) + "\n"


def _site_root(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return safe_url(f"{parts.scheme}://{parts.netloc}/", http_only=True)


def choose_outlet(
    requested: str | None,
    sitename: str | None,
    page_url: str | None,
    sources: dict[str, Source],
    entity_ids: set[str],
) -> OutletChoice:
    outlets = [s for s in sources.values() if s.kind == "outlet"]
    if requested:
        if check_slug(requested, Location("--outlet"), Report()) is None:
            raise ImportFailed(f"--outlet '{requested}' is not an id (lowercase letters, digits, single hyphens)")
        known = sources.get(requested)
        if known is not None and known.kind == "outlet":
            return OutletChoice(known.id, known.name)
        if known is not None or requested in entity_ids:
            kind = f"a source of kind '{known.kind}'" if known else "a person"
            raise ImportFailed(f"--outlet '{requested}' is {kind}, not an outlet")
        name = outlet_name(sitename, page_url)
        if name is None:
            suggestion = did_you_mean(requested, [o.id for o in outlets])
            raise ImportFailed(
                f"unknown outlet '{requested}'{suggestion}: register it in {SOURCES_FILE} (kind: outlet) first"
            )
        return OutletChoice(requested, name, True, outlet_entry(requested, name, _site_root(page_url)))
    matched = match_outlet(sitename, page_url, outlets)
    if matched is not None:
        return OutletChoice(matched.id, matched.name)
    name = outlet_name(sitename, page_url)
    if name is None:
        raise ImportFailed("the page does not say which outlet published it; give one with --outlet ID")
    outlet_id = ascii_slug(name, 40) or ascii_slug(_host(page_url) or "", 40)
    if not outlet_id:
        raise ImportFailed(f"cannot make an id for the outlet '{name}'; give one with --outlet ID")
    if outlet_id in sources and sources[outlet_id].kind == "outlet":
        return OutletChoice(outlet_id, sources[outlet_id].name)
    base, number = outlet_id, 1
    while outlet_id in entity_ids:  # a person or another kind of source has it
        number += 1
        outlet_id = f"{base}-outlet" if number == 2 else f"{base}-outlet-{number - 1}"
    return OutletChoice(outlet_id, name, True, outlet_entry(outlet_id, name, _site_root(page_url)))


def appended_sources(text: str, entry: str, outlet_id: str) -> str | None:
    """sources.yaml's text with the entry appended, or None when appending could change its meaning.

    Only a block list (or an empty file) is appended to; the result must read back as the same list
    plus one outlet.
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        before = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    newline = "\r\n" if "\r\n" in text else "\n"
    indent = ""
    if node is not None:
        if not isinstance(node, yaml.SequenceNode) or node.flow_style:
            return None
        indent = " " * node.start_mark.column
    if indent:
        entry = "".join(indent + line if line.strip() else line for line in entry.splitlines(keepends=True))
    addition = entry.replace("\n", newline)
    separator = "" if not text or text.endswith(("\n", "\r")) else newline
    result = text + separator + (newline if text.strip() else "") + addition
    try:
        after = yaml.safe_load(result)
    except yaml.YAMLError:
        return None
    old = before or []
    if not isinstance(after, list) or after[:-1] != old or len(after) != len(old) + 1:
        return None
    if not isinstance(after[-1], dict) or after[-1].get("id") != outlet_id or after[-1].get("kind") != "outlet":
        return None
    report = Report()
    parse_yaml(result, SOURCES_FILE, report)
    return None if report.has_errors else result


# --- slugs and the project -------------------------------------------------------------------------------


def default_slug(outlet_id: str, published: dt.date | None, title: str) -> str:
    """outlet-date-first-words-of-the-title, at most 60 characters, cut at a word."""
    head = f"{outlet_id}-{published.isoformat()}" if published else outlet_id
    words = ascii_slug(title).split("-")[:6]
    slug = head
    for word in words:
        if not word or len(slug) + 1 + len(word) > 60:
            break
        slug = f"{slug}-{word}"
    return slug


@dataclass
class _Project:
    content_dir: Path
    story_dir: Path
    sources: dict[str, Source]
    entity_ids: set[str]
    article_stories: dict[str, str]  # article id -> its story id


def _read_project(project_dir: Path, story_id: str) -> _Project:
    report = Report()
    config = load_config(project_dir, report)
    if config is None:
        problems = "; ".join(str(d) for d in report.sorted() if d.severity == "error")
        raise ImportFailed(f"cannot read the project's configuration: {problems}")
    content_dir = project_dir / config.content_dir
    if not content_dir.is_dir() or not is_inside(content_dir, project_dir):
        raise ImportFailed(f"the content folder {display_path(content_dir, project_dir)} does not exist")
    if check_slug(story_id, Location("--story"), Report()) is None:
        raise ImportFailed(f"--story '{story_id}' is not an id (lowercase letters, digits, single hyphens)")
    story_dir = content_dir / story_id
    if not (story_dir / STORY_FILE).is_file():
        stories = sorted(p.name for p in content_dir.iterdir() if (p / STORY_FILE).is_file())
        listing = f" (stories: {', '.join(stories)})" if stories else ""
        raise ImportFailed(
            f"there is no story '{story_id}'{did_you_mean(story_id, stories)}{listing}; "
            f"a story is a folder of {display_path(content_dir, project_dir)} with a {STORY_FILE}"
        )
    if story_dir.is_symlink() or not is_inside(story_dir, content_dir):
        raise ImportFailed(f"the story folder {display_path(story_dir, project_dir)} lies outside the content folder")
    quiet = Report()  # the project's own problems are `dossier check`'s business
    dossier = validate_dossier(load_dossier(project_dir, content_dir, quiet), config, quiet, include_drafts=True)
    entity_ids = set(dossier.people) | set(dossier.sources)
    article_stories = {article.id: article.story_id for article in dossier.articles.values()}
    for story_folder in content_dir.iterdir():  # articles that did not validate still hold their ids
        if (story_folder / STORY_FILE).is_file():
            for md in story_folder.glob("*.md"):
                article_stories.setdefault(md.stem, story_folder.name)
    return _Project(content_dir, story_dir, dossier.sources, entity_ids, article_stories)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, then swap it in: never a half-written file."""
    mode = (path.stat().st_mode & 0o777) if path.exists() else (0o666 & ~_umask())
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- the whole import ------------------------------------------------------------------------------------


def import_article(request: ImportRequest) -> Imported:
    """Import one article into a story. Raises ImportFailed with the reason when it cannot."""
    started = time.perf_counter()
    if request.source is None and request.from_text is None:
        raise ImportFailed("give the page to import (an address or a saved .html file), or --from-text FILE")
    project = _read_project(request.project_dir, request.story_id)
    if request.slug is not None and check_slug(request.slug, Location("--slug"), Report()) is None:
        raise ImportFailed(f"--slug '{request.slug}' is not an id (lowercase letters, digits, single hyphens)")

    page: Page | None = None
    found = Extracted()
    if request.source is not None:
        page = (
            fetch_page(request.source, request.timeout)
            if is_url(request.source)
            else read_page_file(Path(request.source))
        )
        found = extract_page(decode_page(page), page.url, with_body=request.from_text is None)
    if request.from_text is not None:
        text_file = request.from_text
        if not text_file.is_file():
            raise ImportFailed(f"{text_file}: no such file")
        if text_file.stat().st_size > MAX_PAGE_BYTES:
            raise ImportFailed(f"{text_file}: the file is larger than the {MAX_PAGE_BYTES:,} bytes allowed")
        try:
            pasted = text_file.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as problem:
            raise ImportFailed(f"{text_file}: not UTF-8 text (byte {problem.start}); save it as UTF-8") from None
        is_markdown = text_file.suffix.lower() in MARKDOWN_SUFFIXES
        found.blocks = markdown_blocks(pasted) if is_markdown else text_blocks(pasted)
        found.parts = 1
        if not found.title and found.blocks and found.blocks[0].kind == "heading":
            found.title = squash(found.blocks[0].text)

    title = clean_field(request.title) or found.title
    if not title:
        raise ImportFailed("no headline found; give one with --title")
    blocks = drop_title_heading(found.blocks, title)
    blocks, dropped = drop_furniture(blocks, found.url or (page.url if page else None))
    words = sum(len(b.text.split()) for b in blocks)
    if not blocks or (request.from_text is None and words < MIN_ARTICLE_WORDS):
        where = request.source or str(request.from_text)
        found_words = f" (only {words} word{'s' * (words != 1)})" if words else ""
        raise ImportFailed(
            f"{where}: no article text found on the page{found_words}; "
            "copy the text into a file and use --from-text FILE"
        )
    body = "\n\n".join(block.markdown for block in blocks) + "\n"
    check_markdown_is_safe(body)

    page_url = found.url or (page.url if page else None)
    outlet = choose_outlet(request.outlet, found.sitename, page_url, project.sources, project.entity_ids)
    front = Front(title, outlet.id, found.url, found.published, found.updated, found.authors, found.language)
    slug = request.slug or default_slug(outlet.id, front.published, title)
    if check_slug(slug, Location("slug"), Report()) is None:
        raise ImportFailed(f"cannot make an id from '{title}'; give one with --slug")
    other_story = project.article_stories.get(slug)
    if other_story is not None and other_story != request.story_id:
        raise ImportFailed(
            f"the story '{other_story}' already has an article '{slug}' (article ids are unique site-wide); "
            "choose another with --slug"
        )

    article_path = project.story_dir / f"{slug}.md"
    html_path = project.story_dir / f"{slug}{SOURCE_HTML_SUFFIX}" if request.keep_html and page else None
    text = "\n".join(front_matter_lines(front)) + "\n\n" + body
    outputs = [(article_path, text.encode("utf-8"))]
    if html_path is not None and page is not None:
        outputs.append((html_path, page.data))
    shown = display_path(article_path, request.project_dir)
    for path, data in outputs:
        if path.is_symlink() or path.resolve().parent != project.story_dir.resolve():
            raise ImportFailed(f"{display_path(path, request.project_dir)} is a link; it is not replaced")
        if path.exists() and path.read_bytes() != data and not request.force:
            raise ImportFailed(
                f"{display_path(path, request.project_dir)} already exists and differs from this import; "
                "use --force to replace it, or --slug to import beside it"
            )
    is_changed = any(not path.exists() or path.read_bytes() != data for path, data in outputs)

    if outlet.is_new:
        outlet.registered = _register_outlet(project.content_dir, outlet)
    for path, data in outputs:
        if not path.exists() or path.read_bytes() != data:
            write_atomically(path, data)

    imported = Imported(
        article_path=article_path,
        shown_path=shown,
        front=front,
        outlet=outlet,
        words=words,
        blocks=len(blocks),
        written=is_changed,
        html_path=html_path,
        parts=found.parts,
        dropped=dropped,
        sources_shown=display_path(project.content_dir / SOURCES_FILE, request.project_dir),
        html_shown=display_path(html_path, request.project_dir) if html_path else None,
    )
    _warn_about_gaps(imported, text, request, project)
    imported.seconds = time.perf_counter() - started
    return imported


def _register_outlet(content_dir: Path, outlet: OutletChoice) -> bool:
    """Append the new outlet to sources.yaml; False (the editor adds it by hand) when that is not safe."""
    path = content_dir / SOURCES_FILE
    if path.is_symlink() or (path.exists() and not path.is_file()):
        return False
    try:
        raw = path.read_bytes() if path.exists() else b""
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    result = appended_sources(text, outlet.entry, outlet.id)
    if result is None:
        return False
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    write_atomically(path, bom + result.encode("utf-8"))
    return True


def _warn_about_gaps(imported: Imported, text: str, request: ImportRequest, project: _Project) -> None:
    report, shown = imported.report, imported.shown_path
    lines = text.split("\n")

    def line_of(prefix: str) -> int:
        return next((n for n, line in enumerate(lines, start=1) if line.startswith(prefix)), 1)

    if imported.front.published is None:
        report.warning(
            Location(shown, line_of("# published")), "the page gives no publication date; add it if you find one"
        )
    if not imported.front.authors:
        report.warning(Location(shown, line_of("# authors")), "the page names no author; add them if you find them")
    if imported.front.url is None:
        report.warning(Location(shown, line_of("# url")), "the page does not say its address; add it as url")
    if imported.outlet.is_new and not imported.outlet.registered:
        sources = display_path(project.content_dir / SOURCES_FILE, request.project_dir)
        report.warning(
            Location(sources),
            f"the outlet '{imported.outlet.id}' is new and {sources} could not be appended to safely; "
            f"add this entry to it:\n{imported.outlet.entry.rstrip()}",
        )
    sidecar = imported.article_path.with_suffix(".yaml")
    if imported.written and request.force and sidecar.exists():
        report.warning(
            Location(display_path(sidecar, request.project_dir)),
            "the article's text was replaced and these annotations kept; run `dossier check` to see whether "
            "their quotes still anchor",
        )
