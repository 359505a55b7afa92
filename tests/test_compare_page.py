"""The comparison page of the example, read as parsed HTML, and its alignment in dossier.json."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from dossier import urls
from dossier.pipeline import Built

PAGE = urls.compare_path("flynn-kislyak", "the-moscow-times", "the-week")


def matched_pairs(soup: BeautifulSoup) -> dict[int, tuple[str, str, str]]:
    """Pair number -> (left sentence text, right sentence text, kind), from the two columns."""
    sides: dict[str, dict[int, Tag]] = {"l": {}, "r": {}}
    for element in soup.select(".columns .sentence.matched"):
        sides[str(element["id"])[0]][int(str(element["data-pair"]))] = element
    pairs = {}
    for number, left in sides["l"].items():
        right = sides["r"][number]
        assert left["data-counterpart"] == right["id"] and right["data-counterpart"] == left["id"]
        kind = next(c for c in left["class"] if c.startswith("kind-"))[5:]
        pairs[number] = (left.get_text(" ", strip=True), right.get_text(" ", strip=True), kind)
    return pairs


def unique_texts(soup: BeautifulSoup, side: str) -> list[str]:
    return [e.get_text(" ", strip=True) for e in soup.select(f'.columns .sentence.unique[id^="{side}"]')]


def test_both_articles_are_shown_whole_in_their_own_order(
    parse_page: Callable[[str], BeautifulSoup], example_build: Built
) -> None:
    soup = parse_page(PAGE)
    for side, article_id in (("l", "the-moscow-times"), ("r", "the-week")):
        column = soup.select_one(f".column-{side} .column-text")
        assert column is not None
        for number in column.select(".pair-number"):
            number.decompose()
        assert column.get_text(" ").split() == example_build.checked.texts[article_id].text.split()


def test_the_spokesmans_statement_is_a_verbatim_match(parse_page: Callable[[str], BeautifulSoup]) -> None:
    pairs = matched_pairs(parse_page(PAGE))
    verbatim = [p for p in pairs.values() if "had no recollection of discussing sanctions" in p[0]]
    assert len(verbatim) == 1
    _left, right, kind = verbatim[0]
    assert kind == "verbatim" and "had no recollection of discussing sanctions" in right


def test_expected_paraphrases_and_claims_are_matched(parse_page: Callable[[str], BeautifulSoup]) -> None:
    pairs = list(matched_pairs(parse_page(PAGE)).values())
    assert any(
        'not to "overreact"' in left and "not to overreact to the penalties" in right for left, right, _ in pairs
    )
    assert any(
        "nine former and current government sources" in left and 'Nine "current and former officials' in right
        for left, right, _ in pairs
    )
    assert any("Pence" in left and "Members of the Trump administration" in right for left, right, _ in pairs)


def test_passages_with_no_counterpart_stay_unpaired(parse_page: Callable[[str], BeautifulSoup]) -> None:
    soup = parse_page(PAGE)
    only_week = " ".join(unique_texts(soup, "r"))
    only_moscow = " ".join(unique_texts(soup, "l"))
    assert "Logan Act" in only_week
    assert "Keith Kellogg" in only_moscow
    assert "gala dinner in Moscow" in only_moscow
    assert "In the course of my duties" in only_moscow


def test_the_table_of_pairs_works_without_javascript(parse_page: Callable[[str], BeautifulSoup]) -> None:
    soup = parse_page(PAGE)
    rows = soup.select("table.pairs tbody tr")
    assert len(rows) == len(matched_pairs(soup)) >= 4
    for row in rows:
        for link in row.select("a.to-text"):
            assert soup.find(id=str(link["href"])[1:]) is not None
    sourcing = [row for row in rows if row.select_one(".attribution-differs")]
    assert sourcing, "the officials/sources pair should show that the sourcing differs"


def test_the_story_page_links_the_comparison(parse_page: Callable[[str], BeautifulSoup]) -> None:
    soup = parse_page(urls.story_path("flynn-kislyak"))
    links = [str(a["href"]) for a in soup.select(".comparisons > li > a")]
    assert links == ["compare/the-moscow-times--the-week/index.html"]


def test_the_alignment_is_in_the_data_export(example_site: Path) -> None:
    data = json.loads((example_site / urls.DATA_FILE).read_text(encoding="utf-8"))
    (comparison,) = data["comparisons"]
    assert comparison["left_article"] == "the-moscow-times"
    kinds = {pair["kind"] for pair in comparison["pairs"]}
    assert "verbatim" in kinds
    assert all(0 <= pair["score"] <= 1 for pair in comparison["pairs"])
    right = data["sentences"][comparison["right_article"]]
    assert [s["index"] for s in right] == list(range(len(right)))
    assert any("Logan Act" in right[i]["text"] for i in comparison["unique_right"])
    paired_left = {pair["left"] for pair in comparison["pairs"]}
    left = data["sentences"]["the-moscow-times"]
    assert paired_left.isdisjoint(comparison["unique_left"])
    assert paired_left | set(comparison["unique_left"]) == set(range(len(left)))
