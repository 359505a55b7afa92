"""What the page says: its main text (trafilatura, after pruning furniture named by class or id, and every
part of a page in parts) and its metadata read off its own markup (headline, authors, dates, language).

Nothing is guessed: a field the page does not give is None, for the editor to fill in.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field

import trafilatura
from htmldate import find_date
from lxml import etree
from lxml.etree import _Element
from lxml.html import HtmlElement

from dossier.importer.failures import ImportFailed
from dossier.importer.safe_markdown import Block, blocks_of, safe_url
from dossier.schema import LANGUAGE

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
WORD = re.compile(r"\w+(?:['\u2019]\w+)*")


def words(text: str) -> list[str]:
    """The words of a headline or a name, casefolded, for comparing them."""
    return [w.casefold().replace("\u2019", "'") for w in WORD.findall(text)]


def word_overlap(a: str, b: str) -> float:
    """How alike two headlines are: shared words over the longer one's word count."""
    words_a, words_b = words(a), words(b)
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


def _class_words(element: HtmlElement) -> set[str]:
    """The words of an element's class and id: split at anything but letters and digits, and at case changes."""
    found: set[str] = set()
    for attribute in ("class", "id"):
        value = element.get(attribute)
        if value:
            value = re.sub(r"([a-z])([A-Z])", r"\1 \2", value).lower()
            found.update(w for w in re.split(r"[^a-z0-9]+", value) if w)
    return found


def _paragraph_chars(element: HtmlElement) -> int:
    """How much paragraph text an element holds: the measure of how much of the article it is."""
    return sum(len(p.text_content()) for p in element.iter("p"))


def _is_attached(element: HtmlElement, root: HtmlElement) -> bool:
    """False once an ancestor of `element` was dropped from the tree."""
    top = element
    while (parent := top.getparent()) is not None:
        top = parent
    return top is root


def prune_furniture(tree: HtmlElement) -> int:
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


def _extract_body(tree: HtmlElement, base_url: str | None) -> _Element | None:
    """The main text of `tree` (a copy is used) as trafilatura's tree (p, head, list, quote, hi, ref...), or None.

    Its tree, not its XML output: the XML is pretty-printed, which drops the spaces between two inline
    elements ("<b>students</b> <a>raised</a>").
    """
    document = trafilatura.bare_extraction(
        copy.deepcopy(tree),
        url=base_url,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_formatting=True,
        include_links=True,
        deduplicate=False,
        with_metadata=False,
    )
    body: _Element | None = getattr(document, "body", None)
    return body if body is not None and "".join(body.itertext()).strip() else None


def _plain(element: _Element | None) -> str:
    return squash("".join(element.itertext())) if element is not None else ""


def _probe(element: HtmlElement) -> str | None:
    """The start of the first real paragraph inside `element`: how to tell whether an extraction has it."""
    for paragraph in element.iter("p", "li"):
        text = squash(paragraph.text_content())
        if len(text) >= 40:
            return text[:60]
    return None


def _contains(ancestor: _Element, element: _Element) -> bool:
    return any(parent is ancestor for parent in element.iterancestors())


def repeated_parts(tree: HtmlElement, extracted_text: str) -> list[HtmlElement]:
    """The parts of a newsletter or live blog, when trafilatura kept only some of them.

    Such a page repeats one container (same tag, same class) per item; trafilatura takes the first.
    A group counts when its members hold real paragraphs, none holds another or a headline (`h1`: a
    follow-up article of an endless page), and the extraction has some members' text but not all.
    """
    groups: dict[tuple[str, str], list[HtmlElement]] = {}
    for element in tree.iter("div", "section", "article"):
        name = element.get("class")
        if name and name.strip():
            groups.setdefault((str(element.tag), " ".join(name.split())), []).append(element)
    best: list[HtmlElement] = []
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


def _part_section(member: HtmlElement, members: list[HtmlElement]) -> HtmlElement:
    """The largest ancestor of `member` holding no other member: its heading and caption come along."""
    section = member
    while True:
        parent = section.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return section
        if any(other is not member and _contains(parent, other) for other in members):
            return section
        section = parent


def _extract_parts(tree: HtmlElement, members: list[HtmlElement], base_url: str | None) -> list[_Element]:
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
    """What the page says; None (or empty) where it does not say."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    published: dt.date | None = None
    updated: dt.date | None = None
    sitename: str | None = None
    url: str | None = None
    language: str | None = None
    blocks: list[Block] = field(default_factory=list)
    parts: int = 1
    dek: str | None = None  # the standfirst under the headline, as the page shows it
    other_headlines: tuple[str, ...] = ()  # headlines the page declares besides the one readers saw


def _meta_content(tree: HtmlElement, xpath: str) -> str | None:
    """The first non-empty value the XPath finds, cleaned for one line of YAML."""
    for value in tree.xpath(xpath):
        text = clean_field(str(value))
        if text:
            return text
    return None


def choose_title(tree: HtmlElement, metadata_title: str | None) -> str | None:
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
        if text and len(text) <= 300 and any(word_overlap(text, d) >= 0.4 for d in declared_titles):
            return text
    return next(iter(declared_titles), None)


def choose_authors(raw: str | None, sitename: str | None, page_text: str = "") -> tuple[str, ...]:
    """trafilatura's authors ('A; B'), without the outlet's own name and what is not a name, each spelt as the
    page spells it (`page_text`): trafilatura drops the period of an initial ("Leah C. Stokes")."""
    authors: list[str] = []
    site = squash(sitename or "").casefold()
    for part in (raw or "").split(";"):
        name = clean_field(re.sub(r"^\s*by\s+", "", part, flags=re.IGNORECASE))
        if not name or re.search(r"[\d@/]|https?:", name):
            continue
        if site and (site in name.casefold() or name.casefold() in site):
            continue
        name = _as_spelt(name, page_text)
        if name not in authors:
            authors.append(name)
    return tuple(authors)


def _as_spelt(name: str, page_text: str) -> str:
    """`name` as the page writes it, with the periods of its initials ("Leah C Stokes" is "Leah C. Stokes")."""
    words = name.split()
    pattern = r"\s+".join(re.escape(word) + (r"\.?" if len(word) == 1 else "") for word in words)
    found = re.search(rf"(?<!\w){pattern}(?!\w)", page_text)
    return squash(found.group()) if found else name


def _page_text(tree: HtmlElement) -> str:
    """Everything the page says, its metadata and JSON-LD included: where names are spelt."""
    meta = " \n ".join(str(value) for value in tree.xpath("//meta/@content"))
    return f"{meta} \n {tree.text_content()}"


DESCRIPTIONS = (
    '//meta[@name="description"]/@content',
    '//meta[@property="og:description"]/@content',
    '//meta[@name="twitter:description"]/@content',
)
DEK_TAGS = ("p", "h2", "h3")  # elements that hold a paragraph, not the page: reading each one's text stays linear


def find_dek(tree: HtmlElement) -> str | None:
    """The standfirst under the headline: text the page both shows (in a paragraph of its own) and declares
    as its description. A description the page does not show is a summary for search engines, not its dek."""
    described = {text for xpath in DESCRIPTIONS for value in tree.xpath(xpath) if (text := clean_field(str(value)))}
    if not described:
        return None
    for element in tree.iter(*DEK_TAGS):
        text = clean_field(element.text_content())
        if text in described:
            return text
    return None


def other_headlines(tree: HtmlElement, declared: list[str | None], chosen: str | None) -> tuple[str, ...]:
    """Headlines the page declares (its metadata, og:title, twitter:title, JSON-LD `headline`) that differ from
    the one readers saw: a second headline for search engines or social media, kept for the editor."""
    candidates = [
        *declared,
        _meta_content(tree, '//meta[@property="og:title"]/@content'),
        _meta_content(tree, '//meta[@name="twitter:title"]/@content'),
        *_json_ld_headlines(tree),
    ]
    seen = {" ".join(words(chosen or ""))}
    found: list[str] = []
    for headline in candidates:
        key = " ".join(words(headline or ""))
        if headline and len(key.split()) >= 3 and key not in seen:  # one word is a CMS placeholder ("escenic")
            seen.add(key)
            found.append(headline)
    return tuple(found)


def _json_ld_headlines(tree: HtmlElement) -> list[str]:
    headlines: list[str] = []
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(str(script))
        except (ValueError, RecursionError):  # a page's JSON-LD may be anything, nested past Python's stack too
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                headline = clean_field(item["headline"]) if isinstance(item.get("headline"), str) else None
                if headline:
                    headlines.append(headline)
                stack.extend(reversed(list(item.values())))
            elif isinstance(item, list):
                stack.extend(reversed(item))
    return headlines


def with_dek(blocks: list[Block], dek: str) -> list[Block]:
    """The body with the dek as its first paragraph, in italics, written as safely as the rest (the front matter
    has no place for it, and it is text readers saw, which an annotation may quote); as it was when the body
    already holds it."""
    if " ".join(words(dek)) in " ".join(words(" ".join(block.text for block in blocks))):
        return blocks
    paragraph = etree.Element("p")
    etree.SubElement(paragraph, "hi", rend="#i").text = dek
    container = etree.Element("div")
    container.append(paragraph)
    return blocks_of(container) + blocks


def page_language(tree: HtmlElement) -> str | None:
    """The page's language tag: `<html lang>`, Content-Language or og:locale, when it is a valid tag."""
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
    found = _metadata(tree, page_url)
    if with_body:
        mains = _main_texts(tree, found.url or page_url)
        found.blocks = [block for element in mains for block in blocks_of(element)]
        found.parts = max(1, len(mains))
    return found


def _metadata(tree: HtmlElement, page_url: str | None) -> Extracted:
    metadata = trafilatura.extract_metadata(copy.deepcopy(tree), default_url=page_url, extensive=False)
    found = Extracted(
        title=choose_title(tree, clean_field(metadata.title)),
        sitename=clean_field(metadata.sitename),
        url=safe_url(metadata.url or page_url or "", http_only=True),
        language=page_language(tree),
        published=_date(metadata.date),
        dek=find_dek(tree),
    )
    found.other_headlines = other_headlines(tree, [clean_field(metadata.title)], found.title)
    found.authors = choose_authors(metadata.author, found.sitename, _page_text(tree))
    updated = _date(find_date(copy.deepcopy(tree), original_date=False, extensive_search=False))
    if updated and found.published and updated > found.published:
        found.updated = updated
    return found


def _main_texts(tree: HtmlElement, base_url: str | None) -> list[_Element]:
    """The article's text as trafilatura extracts it from the page without its furniture (from the whole page
    when pruning lost too much of the text), one extraction per part of a page in parts."""
    pruned = copy.deepcopy(tree)
    prune_furniture(pruned)
    main = _extract_body(pruned, base_url)
    whole = _extract_body(tree, base_url)
    if main is None or len(_plain(main)) < MIN_KEPT_SHARE * len(_plain(whole)):
        main, pruned = whole, tree
    if main is None:
        return []
    members = repeated_parts(pruned, _plain(main))
    return (_extract_parts(pruned, members, base_url) if members else []) or [main]


def drop_title_heading(blocks: list[Block], title: str) -> list[Block]:
    """The headline is in the front matter: a first heading repeating it is left out of the body."""
    if blocks and blocks[0].kind == "heading" and word_overlap(blocks[0].text, title) >= 0.8:
        return blocks[1:]
    return blocks
