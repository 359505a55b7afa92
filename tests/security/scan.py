"""Scan a built site as a browser would read it: anything that could run script is a finding.

Every .html file is parsed with html5lib (the WHATWG parsing algorithm browsers use), so markup that broke
out of an attribute or a raw-text element shows up as the elements and attributes a browser would see.
"""

from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Tag

# Attributes a browser follows or loads as a URL.
URL_ATTRIBUTES = frozenset({
    "href", "src", "action", "formaction", "srcset", "poster", "background", "cite", "data", "xlink:href",
    "ping", "lowsrc", "dynsrc", "manifest", "codebase", "longdesc", "usemap", "icon", "profile", "archive",
    "classid",
})  # fmt: skip
DANGEROUS_SCHEMES = ("javascript", "vbscript", "data")
# markdown-it lets these through in images; an image cannot run script.
SAFE_DATA_IMAGE = re.compile(r"data:image/(?:gif|png|jpeg|webp);", re.IGNORECASE)
# Where the theme's and the search index's own scripts live.
SCRIPT_FOLDERS = ("static/", "pagefind/")
JSON_SCRIPT_TYPES = ("application/ld+json", "application/json")
_STRIPPED_BY_BROWSERS = re.compile(r"[\x00-\x20]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def url_scheme(value: str) -> str:
    """The scheme a browser would read: C0 controls and spaces around it dropped, tabs and newlines inside too."""
    cleaned = _STRIPPED_BY_BROWSERS.sub("", value)
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else ""


@dataclass
class Scan:
    findings: list[str] = field(default_factory=list)
    shapes: set[tuple[str, str]] = field(default_factory=set)  # (element, attribute) pairs seen
    inline_scripts: set[str] = field(default_factory=set)  # bodies of inline non-JSON scripts
    pages: int = 0

    def add(self, path: str, problem: str) -> None:
        self.findings.append(f"{path}: {problem}")


def parse_html(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "html5lib")


def site_files(root: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path.relative_to(root).as_posix(), path


def scan_site(root: Path, base_url: str = "/") -> Scan:
    """Every output file: HTML as a browser parses it, JSON and XML parsed. `base_url` as in dossier.yaml."""
    scan = Scan()
    present = {relative for relative, _ in site_files(root)}
    for relative, path in site_files(root):
        if path.suffix in (".html", ".htm"):
            scan.pages += 1
            scan_page(relative, path.read_text(encoding="utf-8"), present, scan, base_url)
        elif path.suffix in (".json", ".jsonld", ".webmanifest"):
            try:
                json.loads(path.read_text(encoding="utf-8"))
            except ValueError as problem:
                scan.add(relative, f"JSON does not parse: {problem}")
        elif path.suffix in (".xml", ".atom", ".rss", ".svg"):
            scan_xml(relative, path.read_bytes(), scan)
    return scan


def scan_xml(relative: str, data: bytes, scan: Scan) -> None:
    try:
        tree = ElementTree.fromstring(data)
    except ElementTree.ParseError as problem:
        scan.add(relative, f"XML does not parse: {problem}")
        return
    for element in tree.iter():
        name = element.tag.rsplit("}", 1)[-1].lower()
        if name in ("script", "iframe", "object", "embed", "foreignobject"):
            scan.add(relative, f"<{name}> in an XML file")
        for attribute, value in element.attrib.items():
            attribute_name = attribute.rsplit("}", 1)[-1].lower()
            if attribute_name.startswith("on"):
                scan.add(relative, f"event handler {attribute_name} in an XML file")
            if attribute_name in URL_ATTRIBUTES and url_scheme(value) in DANGEROUS_SCHEMES:
                scan.add(relative, f"{attribute_name}={value!r} in an XML file")


def scan_page(relative: str, text: str, present: set[str], scan: Scan, base_url: str = "/") -> None:
    soup = parse_html(text)
    for element in soup.find_all(True):
        assert isinstance(element, Tag)
        name = element.name.lower()
        for attribute, raw_value in element.attrs.items():
            value = " ".join(raw_value) if isinstance(raw_value, list) else str(raw_value)
            attribute = attribute.lower()
            scan.shapes.add((name, attribute))
            if attribute.startswith("on"):
                scan.add(relative, f"event handler <{name} {attribute}={value!r}>")
            if attribute in URL_ATTRIBUTES:
                _check_url(relative, name, attribute, value, scan)
            if attribute == "style" and re.search(r"expression\s*\(|javascript:|url\s*\(", value, re.IGNORECASE):
                scan.add(relative, f"script in a style attribute <{name} style={value!r}>")
            if attribute == "http-equiv" and value.strip().lower() == "refresh":
                scan.add(relative, "a meta refresh")
        if name == "script":
            _check_script(relative, element, present, scan, base_url)
        elif name in ("iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "portal"):
            scan.add(relative, f"<{name}> element")
        elif name in ("svg", "math") and element.find_all(["script", "foreignobject", "animate", "set"]):
            scan.add(relative, f"active content inside <{name}>")


def _check_url(relative: str, element: str, attribute: str, value: str, scan: Scan) -> None:
    candidates = [part.strip().split(" ")[0] for part in value.split(",")] if attribute == "srcset" else [value]
    for url in candidates:
        scheme = url_scheme(url)
        if scheme not in DANGEROUS_SCHEMES:
            continue
        if scheme == "data" and element == "img" and attribute == "src" and SAFE_DATA_IMAGE.match(url.strip()):
            continue
        scan.add(relative, f"<{element} {attribute}={url!r}>: a {scheme}: URL")


def _check_script(relative: str, element: Tag, present: set[str], scan: Scan, base_url: str) -> None:
    src = element.get("src")
    kind = str(element.get("type") or "").strip().lower()
    body = element.string or ""
    if src is not None:
        src = str(src)
        if src.startswith(base_url):  # an absolute link (404.html has only those)
            target = posixpath.normpath(src[len(base_url) :])
        elif url_scheme(src) or src.startswith(("/", "\\")):
            target = ""
        else:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(relative), src))
        if not target.startswith(SCRIPT_FOLDERS) or target not in present:
            scan.add(relative, f"<script src={src!r}> that is not one of the site's own scripts")
        if body.strip():
            scan.add(relative, "a <script src> with a body")
        return
    if kind in JSON_SCRIPT_TYPES:
        if "</" in body or "<!--" in body:
            scan.add(relative, f"an inline {kind} block holds '</' or '<!--', which can end it early")
        try:
            json.loads(body)
        except ValueError as problem:
            scan.add(relative, f"an inline {kind} block does not parse: {problem}")
        return
    scan.inline_scripts.add(body)
