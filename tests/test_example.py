"""The built example dossier, read as a reader's browser would: parsed HTML, not substrings."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from dossier import urls
from dossier.pipeline import Built

ARTICLES = ("the-week", "the-moscow-times")


def article_page(article_id: str) -> str:
    return urls.article_path("flynn-kislyak", article_id)


def squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def highlight_text(soup: BeautifulSoup, annotation_id: str) -> str:
    """The text wrapped by every piece of one annotation's highlight, in document order."""
    pieces = soup.select(f'[data-annotation="{annotation_id}"]:not(.note)')
    return "".join(piece.get_text() for piece in pieces if piece.name in ("mark", "del", "a"))


def test_every_annotation_is_anchored(example_build: Built) -> None:
    dossier = example_build.checked.dossier
    assert dossier is not None
    annotations = dossier.annotations()
    assert len(annotations) > 20
    assert all(a.anchor is not None for a in annotations), [a.id for a in annotations if a.anchor is None]


def test_each_highlight_wraps_exactly_its_quote(
    example_build: Built, parse_page: Callable[[str], BeautifulSoup]
) -> None:
    dossier = example_build.checked.dossier
    assert dossier is not None
    for article_id in ARTICLES:
        soup = parse_page(article_page(article_id))
        for annotation in dossier.articles[article_id].annotations:
            assert squash(highlight_text(soup, annotation.id)) == squash(annotation.selector.exact), annotation.id
            first = soup.find(id=annotation.id)
            assert isinstance(first, Tag) and first.get("data-annotation") == annotation.id


def test_no_recollection_is_highlighted_in_both_articles(parse_page: Callable[[str], BeautifulSoup]) -> None:
    for article_id in ARTICLES:
        soup = parse_page(article_page(article_id))
        claim_marks = soup.select("mark.hl-claim")
        texts = {squash(highlight_text(soup, str(m["data-annotation"]))) for m in claim_marks}
        assert any("had no recollection of discussing sanctions" in t for t in texts), article_id
        note_links = {a["href"] for a in soup.select(".note-claim a[href]")}
        assert any("no-recollection" in str(href) for href in note_links), note_links


def test_correction_strikes_the_wrong_text_and_inserts_the_right(
    parse_page: Callable[[str], BeautifulSoup],
) -> None:
    soup = parse_page(article_page("the-moscow-times"))
    struck = [d for d in soup.select("del.correction") if d.get_text() == "Barak Obama"]
    assert struck, "the misspelling is not struck through"
    inserted = struck[-1].find_next("ins")
    assert isinstance(inserted, Tag) and inserted.get_text() == "Barack Obama"


def test_article_text_is_the_seed_text_without_furniture(parse_page: Callable[[str], BeautifulSoup]) -> None:
    for article_id in ARTICLES:
        soup = parse_page(article_page(article_id))
        text = soup.select_one(".article .body")
        assert text is not None
        body = text.get_text(" ")
        for furniture in (
            "Subscribe to The Week",
            "Sign up for",
            "Related article",
            "Kathy Willens",
            "✕",
            "Original url",
        ):
            assert furniture not in body, (article_id, furniture)


def test_seed_paragraphs_are_kept_word_for_word(example_build: Built) -> None:
    seeds = Path(__file__).resolve().parent / "fixtures" / "seeds"
    week_seed = (seeds / "000_39def215840d889d.txt").read_text(encoding="utf-8").split("\n")
    dossier = example_build.checked.dossier
    assert dossier is not None
    body = squash(example_build.checked.texts["the-week"].text)
    for paragraph in week_seed[2:5]:
        assert squash(paragraph) in body


def test_person_page_lists_each_mention(example_build: Built, parse_page: Callable[[str], BeautifulSoup]) -> None:
    dossier = example_build.checked.dossier
    assert dossier is not None
    flynn = dossier.people["michael-flynn"]
    names = sorted(flynn.names, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)")
    soup = parse_page(urls.person_path("michael-flynn"))
    listed = soup.select(".mentions li a.snippet")
    expected = 0
    for article in dossier.articles.values():
        text = example_build.checked.texts[article.id].text
        occurrences = len(pattern.findall(text))
        explicit = sum(1 for a in article.annotations if a.kind == "mention" and a.target == "michael-flynn")
        expected += occurrences + explicit
        assert occurrences > 0
    assert sum(len(link.select("mark")) for link in listed) == expected  # nearby mentions share a snippet
    assert all(link.select_one("mark") is not None for link in listed)


def test_every_internal_link_resolves(example_site: Path) -> None:
    problems = []
    pages = sorted(example_site.rglob("*.html"))
    ids_by_page: dict[Path, set[str]] = {}
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        ids_by_page[page] = {str(t["id"]) for t in soup.find_all(id=True)}
    for page in pages:
        if page.name == "404.html":
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for element in soup.find_all(["a", "link", "script", "img"]):
            target = element.get("href") or element.get("src")
            if not target or re.match(r"[a-z]+:", str(target)):
                continue
            path_part, _, fragment = str(target).partition("#")
            # Root-relative links (the canonical link, with base_url "/") resolve from the site's root.
            base = example_site if path_part.startswith("/") else page.parent
            resolved = (base / path_part.lstrip("/")).resolve() if path_part else page
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.is_file():
                problems.append(f"{page.relative_to(example_site)}: {target} (no file)")
            elif fragment and resolved.suffix == ".html" and fragment not in ids_by_page.get(resolved, set()):
                problems.append(f"{page.relative_to(example_site)}: {target} (no id '{fragment}')")
    assert not problems, "\n".join(problems[:30])


def test_every_entity_has_a_page(example_build: Built, example_site: Path) -> None:
    dossier = example_build.checked.dossier
    assert dossier is not None
    entities = [*dossier.people.values(), *dossier.sources.values(), *dossier.claims.values(),
                *dossier.stories.values(), *dossier.articles.values()]  # fmt: skip
    for entity in entities:
        assert (example_site / urls.path_for(entity)).is_file(), entity
