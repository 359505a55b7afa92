"""One import, start to end: read the project and the page, write the article, report what was found.

Everything is computed before anything is written; nothing outside the story folder is written except one
appended entry in content/sources.yaml when the outlet is new (see docs/import.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import string
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dossier.atomic_write import write_atomically
from dossier.diagnostics import Location, Report
from dossier.importer.addresses import AddressGuard
from dossier.importer.archives import Capture, first_capture, wayback_capture
from dossier.importer.extract import Extracted, clean_field, drop_title_heading, extract_page, squash, with_dek
from dossier.importer.failures import ImportFailed
from dossier.importer.fetch import MAX_PAGE_BYTES, Page, decode_page, fetch_page, is_url, read_page_file
from dossier.importer.front_matter import Front, front_matter_lines
from dossier.importer.furniture import drop_furniture
from dossier.importer.outlets import OutletChoice, choose_outlet, register_outlet
from dossier.importer.safe_markdown import Block, check_markdown_is_safe, markdown_blocks, text_blocks
from dossier.load import SOURCES_FILE, display_path
from dossier.project_files import Project, ProjectFileError, check_id
from dossier.schema import slugify
from dossier.themes import DEFAULT_THEME, builtin_themes_dir
from dossier.yaml_reader import yaml_file

MIN_ARTICLE_WORDS = 15  # less is a menu or a paywall notice, not an article
SOURCE_HTML_SUFFIX = ".source.html"  # the raw page kept beside the article; load.py reads only *.md and *.yaml
MARKDOWN_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class ImportRequest:
    """What to import and where: the command line's options."""

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
    allow_private_addresses: bool = False  # download from loopback, private and link-local addresses too


@dataclass
class Imported:
    """What an import wrote, what it found and what it did not: the command's report."""

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
    annotations_shown: str = ""  # the annotations file: where the editor goes next
    annotations_written: bool = False  # an empty one was written beside the article

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
            *(
                ("also", f"{json.dumps(headline, ensure_ascii=False)} (another headline on the page)")
                for headline in front.other_headlines
            ),
            ("outlet", outlet),
            ("url", front.url or "not found"),
            ("published", front.published.isoformat() if front.published else "not found"),
            ("updated", front.updated.isoformat() if front.updated else None),
            ("authors", ", ".join(front.authors) or "not found"),
            ("language", front.language or "not found (the site's language applies)"),
            ("parts", f"{self.parts}: a newsletter or live blog, every part kept" if self.parts > 1 else None),
            ("kept", self.html_shown),
            ("wrote", f"{self.annotations_shown}, for its annotations" if self.annotations_written else None),
        ]
        lines += [f"  {name:<10} {value}" for name, value in fields if value]
        for text in self.dropped:
            shown = text if len(text) <= 90 else text[:89] + "\u2026"
            lines.append(f"  {'dropped':<10} {json.dumps(shown, ensure_ascii=False)}")
        lines.append(f"next: annotate it in {self.annotations_shown}; `dossier serve` shows it as you save")
        return lines


def one_request_per_page(request: ImportRequest, sources: Sequence[str]) -> list[ImportRequest]:
    """The request for each page of a run, in order (the request as it is when no page is given: --from-text).
    Options that name one article (--slug, --title, --from-text) refuse several pages."""
    if len(sources) > 1:
        given = [name for name, value in (("--slug", request.slug), ("--title", request.title),
                                          ("--from-text", request.from_text)) if value is not None]  # fmt: skip
        if given:
            verb = "names" if len(given) == 1 else "name"
            raise ImportFailed(f"{' and '.join(given)} {verb} one article; import those pages one at a time")
    return [dataclasses.replace(request, source=source) for source in sources] or [request]


def import_article(request: ImportRequest) -> Imported:
    """Import one article into a story. Raises ImportFailed with the reason when it cannot."""
    try:
        return _import(request)
    except ProjectFileError as refusal:  # the project refused an id or a story: one line, as ours are
        raise ImportFailed(str(refusal)) from None


def _import(request: ImportRequest) -> Imported:
    started = time.perf_counter()
    if request.source is None and request.from_text is None:
        raise ImportFailed("give the page to import (an address or a saved .html file), or --from-text FILE")
    project = Project.read(request.project_dir)
    story_dir = project.story_dir(request.story_id, "--story")
    if request.slug is not None:
        check_id(request.slug, "--slug")

    page, found, capture = _read_article(request)
    page_url = found.url or (page.url if page else None)
    title = clean_field(request.title) or found.title
    if not title:
        raise ImportFailed("no headline found; give one with --title")
    blocks, dropped = drop_furniture(drop_title_heading(found.blocks, title), page_url)
    _check_there_is_an_article(blocks, sum(len(b.text.split()) for b in blocks), request)
    if found.dek and request.from_text is None:
        blocks = with_dek(blocks, found.dek)
    words = sum(len(b.text.split()) for b in blocks)
    body = "\n\n".join(block.markdown for block in blocks) + "\n"
    check_markdown_is_safe(body)

    outlet = choose_outlet(request.outlet, found.sitename, page_url, project.sources, project.entity_ids)
    front = Front(
        title, outlet.id, found.url, found.published, found.updated, found.authors, found.language,
        found.other_headlines, capture.address if capture else None,
    )  # fmt: skip
    slug = _article_id(request, front, project)
    article_path = story_dir / f"{slug}.md"
    html_path = story_dir / f"{slug}{SOURCE_HTML_SUFFIX}" if request.keep_html and page else None
    annotations_path = yaml_file(story_dir, slug)
    text = "\n".join(front_matter_lines(front)) + "\n\n" + body
    outputs = [(article_path, text.encode("utf-8"))]
    if html_path is not None and page is not None:
        outputs.append((html_path, page.data))
    if not annotations_path.exists():  # as `dossier new article` writes it: every list there, commented out
        outputs.append((annotations_path, annotations_skeleton(slug).encode("utf-8")))
    _check_nothing_is_lost(outputs, story_dir, request)
    is_changed = any(not path.exists() or path.read_bytes() != data for path, data in outputs)

    if outlet.is_new:
        outlet.registered = register_outlet(project, outlet)
    for path, data in outputs:
        if not path.exists() or path.read_bytes() != data:
            write_atomically(path, data)

    imported = Imported(
        article_path=article_path,
        shown_path=project.shown(article_path),
        front=front,
        outlet=outlet,
        words=words,
        blocks=len(blocks),
        written=is_changed,
        html_path=html_path,
        parts=found.parts,
        dropped=dropped,
        sources_shown=project.shown(yaml_file(project.content_dir, SOURCES_FILE)),
        html_shown=project.shown(html_path) if html_path else None,
        annotations_shown=project.shown(annotations_path),
        annotations_written=any(path == annotations_path for path, _ in outputs),
    )
    _warn_about_gaps(imported, text, request)
    imported.seconds = time.perf_counter() - started
    return imported


def annotations_skeleton(article_id: str) -> str:
    """The annotations file `dossier new article` writes: the built-in theme's skeleton, every list commented
    out, so that it passes `dossier check` as it is."""
    skeleton = builtin_themes_dir() / DEFAULT_THEME / "scaffold" / "new" / "article.yaml.in"
    return string.Template(skeleton.read_text(encoding="utf-8")).substitute(article=article_id)


def _read_article(request: ImportRequest) -> tuple[Page | None, Extracted, Capture | None]:
    """The page (when there is one), what it says, and the web archive's capture it is (archives.py); with
    --from-text, the text is the file's. A capture is read as the page it copied, published at that page's
    address."""
    page: Page | None = None
    found = Extracted()
    if request.source is not None:
        capture = wayback_capture(request.source)
        guard = AddressGuard(request.allow_private_addresses)
        page = (
            fetch_page(capture.raw if capture else request.source, request.timeout, guard=guard)
            if is_url(request.source)
            else read_page_file(Path(request.source))
        )
        # A capture's links and metadata are its page's own: read them from where the page was published.
        found = extract_page(
            decode_page(page), capture.original if capture else page.url, with_body=request.from_text is None
        )
    # The capture downloaded (after redirects, to the nearest one the archive holds), asked for, or saved.
    capture = first_capture((page.url if page else None, request.source, found.url))
    if capture is not None and (found.url is None or wayback_capture(found.url)):
        found.url = capture.original
    if request.from_text is not None:
        found.blocks = _pasted_blocks(request.from_text)
        found.parts = 1
        if not found.title and found.blocks and found.blocks[0].kind == "heading":
            found.title = squash(found.blocks[0].text)
    return page, found, capture


def _check_there_is_an_article(blocks: list[Block], words: int, request: ImportRequest) -> None:
    """A page with (almost) no text left is a menu, a paywall or a page drawn by script: say what to do."""
    if not blocks or (request.from_text is None and words < MIN_ARTICLE_WORDS):
        where = request.source or str(request.from_text)
        found_words = f" (only {words} word{'s' * (words != 1)})" if words else ""
        raise ImportFailed(
            f"{where}: no article text found on the page{found_words}; "
            "copy the text into a file and use --from-text FILE"
        )


def _pasted_blocks(text_file: Path) -> list[Block]:
    """A file of pasted text as blocks: Markdown when it is named so, else plain text."""
    if not text_file.is_file():
        raise ImportFailed(f"{text_file}: no such file")
    if text_file.stat().st_size > MAX_PAGE_BYTES:
        raise ImportFailed(f"{text_file}: the file is larger than the {MAX_PAGE_BYTES:,} bytes allowed")
    try:
        pasted = text_file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise ImportFailed(f"{text_file}: not UTF-8 text (byte {problem.start}); save it as UTF-8") from None
    return markdown_blocks(pasted) if text_file.suffix.lower() in MARKDOWN_SUFFIXES else text_blocks(pasted)


def default_slug(outlet_id: str, published: dt.date | None, title: str) -> str:
    """outlet-date-first-words-of-the-title, at most 60 characters, cut at a word."""
    head = f"{outlet_id}-{published.isoformat()}" if published else outlet_id
    words = slugify(title).split("-")[:6]
    slug = head
    for word in words:
        if not word or len(slug) + 1 + len(word) > 60:
            break
        slug = f"{slug}-{word}"
    return slug


def _article_id(request: ImportRequest, front: Front, project: Project) -> str:
    """--slug, or one made from the outlet, date and headline; refused when another story has it."""
    slug = request.slug or default_slug(front.outlet, front.published, front.title)
    try:
        check_id(slug, "the article id")
    except ProjectFileError:
        raise ImportFailed(f"cannot make an id from '{front.title}'; give one with --slug") from None
    other_story = project.article_stories.get(slug)
    if other_story is not None and other_story != request.story_id:
        raise ImportFailed(
            f"the story '{other_story}' already has an article '{slug}' (article ids are unique site-wide); "
            "choose another with --slug"
        )
    return slug


def _check_nothing_is_lost(outputs: list[tuple[Path, bytes]], story_dir: Path, request: ImportRequest) -> None:
    """Refuse to write through a link, or over a file that differs from this import unless forced."""
    for path, data in outputs:
        shown = display_path(path, request.project_dir)
        if path.is_symlink() or path.resolve().parent != story_dir.resolve():
            raise ImportFailed(f"{shown} is a link; it is not replaced")
        if path.exists() and path.read_bytes() != data and not request.force:
            raise ImportFailed(
                f"{shown} already exists and differs from this import; "
                "use --force to replace it, or --slug to import beside it"
            )


def _warn_about_gaps(imported: Imported, text: str, request: ImportRequest) -> None:
    """Warnings, each at its line: what the page did not say, an outlet to add by hand, annotations to check."""
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
        sources = imported.sources_shown
        report.warning(
            Location(sources),
            f"the outlet '{imported.outlet.id}' is new and {sources} could not be appended to safely; "
            f"add this entry to it:\n{imported.outlet.entry.rstrip()}",
        )
    sidecar = yaml_file(imported.article_path.parent, imported.article_path.stem)
    if imported.written and request.force and sidecar.exists() and not imported.annotations_written:
        report.warning(
            Location(display_path(sidecar, request.project_dir)),
            "the article's text was replaced and these annotations kept; run `dossier check` to see whether "
            "their quotes still anchor",
        )
