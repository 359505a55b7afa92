"""Highlights in built article pages: exact text, across inline elements, overlapping, never nested links."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from dossier import urls
from dossier.pipeline import BuildOptions, Built, build_project
from dossier.render.translations import Translations
from tests.conftest import REPO

SITE = Path(__file__).resolve().parent / "sites" / "inline"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    result = build_project(SITE, BuildOptions(output_dir=tmp_path_factory.mktemp("inline") / "build"))
    assert not result.report.has_errors, [str(d) for d in result.report.sorted()]
    return result


@pytest.fixture(scope="module")
def soup(built: Built) -> BeautifulSoup:
    assert built.output_dir is not None
    page = built.output_dir / urls.article_path("story", "engine")
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def pieces(soup: BeautifulSoup, annotation_id: str) -> list[Tag]:
    return [t for t in soup.select(f'[data-annotation="{annotation_id}"]') if t.name in ("mark", "del", "a")]


def wrapped_text(soup: BeautifulSoup, annotation_id: str) -> str:
    return " ".join("".join(p.get_text() for p in pieces(soup, annotation_id)).split())


def test_a_highlight_across_emphasis_a_link_and_a_line_break_wraps_exactly_the_quote(soup: BeautifulSoup) -> None:
    assert wrapped_text(soup, "claim-first-program") == "notes on the engine were published in the Scientific Memoirs"
    parents = {p.parent.name for p in pieces(soup, "claim-first-program") if p.parent is not None}
    assert {"em", "a"} <= parents, "the highlight should be split and re-opened inside <em> and <a>"


def test_overlapping_and_nested_highlights_all_render(soup: BeautifulSoup) -> None:
    assert wrapped_text(soup, "source-letters") == "published in the Scientific"
    assert wrapped_text(soup, "note-in-1843-with-babbage-s-help") == "in 1843, with Babbage's help"
    nested = soup.select('mark[data-annotation="claim-first-program"] mark[data-annotation="source-letters"]')
    assert nested


def test_only_the_first_piece_of_a_highlight_carries_its_id(soup: BeautifulSoup) -> None:
    for annotation_id in ("claim-first-program", "source-letters", "note-in-1843-with-babbage-s-help"):
        with_id = soup.find_all(id=annotation_id)
        assert len(with_id) == 1
        assert with_id[0] is pieces(soup, annotation_id)[0]


def test_a_correction_strikes_the_text_and_inserts_the_fix_after_it(soup: BeautifulSoup) -> None:
    struck = pieces(soup, "correction-memoirs-in-1843")
    assert all(p.name == "del" for p in struck)
    assert wrapped_text(soup, "correction-memoirs-in-1843") == "Memoirs in 1843"
    inserted = struck[-1].find_next("ins")
    assert isinstance(inserted, Tag) and inserted.get_text() == "Memoirs, in 1843"


def test_normalised_quote_marks_and_dashes_anchor_on_the_published_characters(
    built: Built, soup: BeautifulSoup
) -> None:
    assert wrapped_text(soup, "note-wrote-the-first-program") == "wrote “the first program”—so"
    dossier = built.checked.dossier
    assert dossier is not None
    anchor = next(a for a in dossier.annotations() if a.id == "note-wrote-the-first-program").anchor
    assert anchor is not None and anchor.method == "normalised"


def test_no_link_is_ever_nested_in_another(soup: BeautifulSoup) -> None:
    body = soup.select_one(".article .body")
    assert body is not None
    assert not body.select("a a")


def controls(soup: BeautifulSoup) -> list[Tag]:
    return soup.select(".passage-text a.hl-ref")


def test_each_highlight_starts_with_a_control_that_says_what_it_is_and_leads_to_its_note(soup: BeautifulSoup) -> None:
    kinds = {"claim-first-program": "claim", "source-letters": "source", "correction-memoirs-in-1843": "correction",
             "note-in-1843-with-babbage-s-help": "editor's note"}  # fmt: skip
    found = {str(c["id"]).removeprefix("ref-"): c for c in controls(soup)}
    assert set(kinds) <= set(found)
    for annotation_id, kind in kinds.items():
        control = found[annotation_id]
        number = control.get_text().removeprefix(f"{kind} ")
        assert number.isdigit(), control.get_text()  # "claim 1": its kind in words, then its number
        label = str(control["aria-label"])
        assert label.startswith(control.get_text())  # the name begins with the visible words (WCAG 2.5.3)
        highlight = soup.find(id=annotation_id)
        assert isinstance(highlight, Tag)
        link = highlight.find_parent("a")  # a link cannot hold the control: it follows the link the highlight is in
        if link is None:
            assert control.find_next(attrs={"data-annotation": annotation_id}) is highlight
        else:
            assert link.find_next_sibling() is control
        target = soup.find(id=str(control["href"]).removeprefix("#"))
        assert target is not None and target.find_parent("aside", class_="notes") is not None, control
        assert soup.select_one(f'.notes a[href="#ref-{annotation_id}"]') is not None  # and back
    assert "rated" in str(found["claim-first-program"]["aria-label"])  # the claim's verdict, in words


def test_a_claim_control_names_its_verdict_and_its_note_opens_without_javascript(soup: BeautifulSoup) -> None:
    note = soup.select_one('details.note[data-annotation="claim-first-program"]')
    assert note is not None and note.find(id="note-claim-first-program") is not None  # inside: a link opens it
    verdict = note.select_one("summary .verdict")
    assert verdict is not None and verdict.get_text().strip()


def test_a_source_credited_twice_in_a_passage_is_listed_once_with_both_numbers(soup: BeautifulSoup) -> None:
    lists = soup.select(".notes .source-list li")
    letters = [li for li in lists if "Lovelace's letters" in li.get_text()]
    assert len(letters) == 1
    numbers = [a.get_text() for a in letters[0].select("a.note-number")]
    assert len(numbers) == 2 and all(n.isdigit() for n in numbers)
    assert not soup.select("details.note-source")  # no card per credit


def test_an_explicit_mention_without_a_note_is_a_link_named_in_brackets_not_a_card(soup: BeautifulSoup) -> None:
    mention = soup.select_one("a.mention.explicit")
    assert mention is not None and mention.get_text() == "whom"
    who = mention.find_next_sibling(class_="mention-who")
    assert who is not None and who.get_text().strip() == "[Ada Lovelace]"
    assert not soup.select(".notes .note-mention")


def test_the_article_page_carries_a_key_and_a_toggle_that_only_script_shows(soup: BeautifulSoup) -> None:
    key = soup.select_one("details.highlight-key")
    assert key is not None and key.has_attr("open")
    assert {"claim", "source", "editor's note", "correction"} <= {s.get_text() for s in key.select(".hl-ref")}
    toggle = soup.select_one(".annotation-toggle")
    assert toggle is not None and toggle.has_attr("hidden")


def test_mentions_are_whole_names_possessives_included_and_link_to_the_person(
    built: Built, soup: BeautifulSoup
) -> None:
    dossier = built.checked.dossier
    assert dossier is not None
    found = [
        (m.person_id, built.checked.texts["engine"].text[m.start : m.end]) for m in dossier.articles["engine"].mentions
    ]
    assert ("ada-lovelace", "Ada Lovelace") in found
    assert ("charles-babbage", "Babbage") in found  # "Babbage's"
    assert ("ada-lovelace", "Ада Лавлейс") in found
    assert ("ada-lovelace", "whom") in found  # the explicit mention
    texts = [text for _, text in found]
    assert "Babbageish" not in " ".join(texts) and texts.count("Lovelace") == 1  # not inside "ALovelace"
    links = soup.select("a.mention")
    assert all(str(a["href"]).endswith("index.html") for a in links)
    assert {a.get_text() for a in links} >= {"Ada Lovelace", "Babbage", "Ада Лавлейс"}


def test_links_work_under_a_sub_path_base_url(built: Built, soup: BeautifulSoup) -> None:
    canonical = soup.select_one('link[rel="canonical"]')
    assert canonical is not None and canonical["href"] == "https://example.org/sub/path/stories/story/engine/"
    hrefs = [str(a["href"]) for a in soup.select("a[href]") if not str(a["href"]).startswith(("http", "#"))]
    assert hrefs and all(not h.startswith("/") for h in hrefs)


def test_dates_are_written_the_same_on_every_platform_and_locale() -> None:
    """One filter formats every date, in the site's language: strftime's '%-d' is glibc's only and '%B' follows
    the machine's locale."""
    english, british, spanish = Translations("en"), Translations("en-GB"), Translations("es")
    assert english.long_date(dt.date(2017, 2, 4)) == british.long_date(dt.date(2017, 2, 4)) == "4 February 2017"
    assert english.long_date(dt.date(2016, 12, 29)) == "29 December 2016"
    assert spanish.long_date(dt.date(2017, 2, 14)) == "14 de febrero de 2017"
    assert Translations("de").long_date(dt.date(2017, 2, 14)) == "14. Februar 2017"
    assert Translations("x-unknown").long_date(dt.date(2017, 2, 14)) == "14 February 2017"
    templates = (REPO / "themes" / "default" / "templates").rglob("*")
    assert not [t for t in templates if t.is_file() and "strftime" in t.read_text(encoding="utf-8")]
