"""The story's comparison page (its synopsis) in the example, read as parsed HTML."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from benchmarks.generate import generate
from dossier import urls
from dossier.pipeline import BuildOptions, Built, build_project
from tests.compare_cases import (
    BURIED_GAZETTE,
    BURIED_HERALD,
    BY_WORDS,
    CHINESE,
    CLOSE_CONFLICT,
    CONFLICT,
    EXPELLED_COURIER,
    EXPELLED_GAZETTE,
    EXPELLED_HERALD,
    LANGUAGES,
    MANY,
    MANY_OUTLETS,
    QUAKE_ARABIC,
    QUAKE_ENGLISH,
    QUAKE_RIBAO,
    QUAKE_SPANISH,
    QUAKE_WANBAO,
    RIGHT_TO_LEFT,
    UNRELATED,
    page_of,
    write_cases,
)
from tests.data_export import read_export

STORY = "flynn-kislyak"
PAGE = urls.synopsis_path(STORY)
OUTLETS = ("The Moscow Times", "The Week")  # the story's articles' outlets, in the story's order


def text_of(element: Tag | BeautifulSoup, selector: str, separator: str = "") -> str:
    found = element.select_one(selector)
    assert found is not None, selector
    return found.get_text(separator)


def rows(soup: BeautifulSoup) -> list[Tag]:
    return soup.select(".synopsis-rows > li.fact")


def versions(row: Tag) -> list[str | None]:
    """Each column's version of the row (its text as seen: without the words for screen readers alone), None where
    the outlet does not report it."""
    return [told(cell) if "version" in cell["class"] else None for cell in row.select(".versions > div")]


def told(cell: Tag) -> str:
    found = cell.select_one(".told")
    assert found is not None
    return "".join(text for text in found.find_all(string=True) if not text.find_parent(class_="visually-hidden"))


def row_with(soup: BeautifulSoup, words: str) -> Tag:
    (found,) = [row for row in rows(soup) if any(words in (text or "") for text in versions(row))]
    return found


def test_each_articles_text_is_told_once_the_first_in_its_own_order(
    parse_page: Callable[[str], BeautifulSoup], example_build: Built
) -> None:
    """The page grows with the articles: each sentence is in one row. The rows follow the first article; another
    article's passages are placed beside the facts they share with it, so its column holds all its words."""
    soup = parse_page(PAGE)
    for column, article_id in enumerate(("the-moscow-times", "the-week")):
        told = " ".join(text for row in rows(soup) if (text := versions(row)[column])).split()
        article = example_build.checked.texts[article_id].text.split()
        assert told == article if column == 0 else sorted(told) == sorted(article)


def test_every_row_has_a_cell_per_outlet_and_each_version_names_its_outlet(
    parse_page: Callable[[str], BeautifulSoup],
) -> None:
    soup = parse_page(PAGE)
    heads = [text_of(head, ".outlet-name") for head in soup.select(".synopsis-head .version")]
    assert heads == list(OUTLETS)
    for row in rows(soup):
        cells = row.select(".versions > div")
        assert [cell["class"][-1] for cell in cells] == ["o1", "o2"]
        for cell, outlet in zip(cells, OUTLETS, strict=True):
            name = cell.select_one(".outlet-name")
            assert name.get_text() == outlet if name else not cell.contents  # an outlet that does not report it


def test_the_spokesmans_statement_is_one_row_naming_the_quotation(parse_page: Callable[[str], BeautifulSoup]) -> None:
    row = row_with(parse_page(PAGE), "had no recollection of discussing sanctions")
    moscow, week = versions(row)
    assert moscow and week and "had no recollection of discussing sanctions" in week
    quote = row.select_one(".fact-about .quote")
    assert quote is not None and "had no recollection of discussing sanctions" in quote.get_text()


def test_paraphrases_are_lined_up_in_one_row(parse_page: Callable[[str], BeautifulSoup]) -> None:
    soup = parse_page(PAGE)
    _, week = versions(row_with(soup, 'not to "overreact'))
    assert week and "not to overreact to the penalties" in week
    _, week = versions(row_with(soup, "nine former and current government sources"))
    assert week and 'Nine "current and former officials' in week


def test_a_row_names_its_claim_its_claimant_and_the_verdict_in_words(
    parse_page: Callable[[str], BeautifulSoup],
) -> None:
    row = row_with(parse_page(PAGE), "Vice President Mike Pence")
    (note,) = row.select(".claim-note")
    link = note.select_one("a")
    assert link is not None and link["href"] == "../../claims/pence-repeated-denial/index.html"
    assert "made by Mike Pence" in note.get_text(" ", strip=True)
    assert text_of(note, ".verdict") == "False"


def test_passages_one_outlet_alone_reports_are_blank_in_the_other_column(
    parse_page: Callable[[str], BeautifulSoup],
) -> None:
    soup = parse_page(PAGE)
    assert versions(row_with(soup, "Logan Act"))[0] is None
    for only_moscow in ("Keith Kellogg", "gala dinner in Moscow", "In the course of my duties"):
        row = row_with(soup, only_moscow)
        assert versions(row)[1] is None
        assert text_of(row, ".tag") == "Only in The Moscow Times"


def test_no_jargon_and_no_crediting_of_nobody(parse_page: Callable[[str], BeautifulSoup]) -> None:
    text = text_of(parse_page(PAGE), "main", " ")
    for jargon in ("score", "Kind", "no attribution", "verbatim", "paraphrase"):
        assert jargon not in text


def test_marks_are_few_and_the_key_shows_only_what_the_page_uses(parse_page: Callable[[str], BeautifulSoup]) -> None:
    soup = parse_page(PAGE)
    for row in rows(soup):
        for cell in row.select(".told"):
            marked = sum(len(mark.get_text().split()) for mark in cell.select("mark.own"))
            assert marked <= 0.4 * len(cell.get_text().split())
    used = {tag["class"][1] for tag in soup.select(".synopsis-rows .fact-about .tag:not(.sourcing)")}
    key = {tag["class"][1] for tag in soup.select(".compare-key .tag")}
    assert key == used
    assert bool(soup.select(".compare-key mark.own")) == bool(soup.select(".synopsis-rows mark.own"))


def test_each_version_links_to_its_passage_and_the_outlet_choices_are_labelled(
    parse_page: Callable[[str], BeautifulSoup], example_site: Path
) -> None:
    soup = parse_page(PAGE)
    links = [str(a["href"]) for a in soup.select(".version .meta > a:first-child")]
    assert links
    for href in links:
        path, fragment = href.split("#")
        article = BeautifulSoup((example_site / "stories" / STORY / path).read_text(encoding="utf-8"), "html.parser")
        assert article.find(id=fragment) is not None, href
    labels = [label.get_text(strip=True) for label in soup.select(".outlet-choice label")]
    assert labels == list(OUTLETS)
    assert all(box.has_attr("checked") for box in soup.select(".outlet-choice input"))


def test_the_story_page_and_every_article_link_the_comparison(parse_page: Callable[[str], BeautifulSoup]) -> None:
    story = parse_page(urls.story_path(STORY))
    assert [str(a["href"]) for a in story.select('section[aria-labelledby="compare-heading"] a')] == ["compare.html"]
    for article_id in ("the-moscow-times", "the-week"):
        article = parse_page(urls.article_path(STORY, article_id))
        assert [str(a["href"]) for a in article.select(".compare-link a")] == ["../compare.html"]


def test_no_page_per_pair_of_articles(example_site: Path) -> None:
    story = example_site / "stories" / STORY
    assert not (story / "compare").exists()
    assert {p.name for p in story.glob("*.html")} == {"compare.html", "index.html"}


def test_the_pairwise_alignment_and_the_synopsis_are_in_the_data_export(example_site: Path) -> None:
    data = read_export(example_site)
    (comparison,) = data["comparisons"]
    assert comparison["left_article"] == "the-moscow-times"
    assert "verbatim" in {pair["kind"] for pair in comparison["pairs"]}
    assert all(0 <= pair["score"] <= 1 for pair in comparison["pairs"])
    (synopsis,) = data["synopses"]
    assert synopsis["story"] == STORY and synopsis["articles"] == ["the-moscow-times", "the-week"]
    for column, article_id in enumerate(synopsis["articles"]):
        told = sorted(index for row in synopsis["rows"] for index in row["sentences"][column])
        assert told == list(range(len(data["sentences"][article_id])))  # every sentence in exactly one row
    (week_text,) = [article["text"] for article in data["articles"] if article["id"] == "the-week"]
    week = [week_text[start:end] for start, end in data["sentences"]["the-week"]]
    (logan,) = [row for row in synopsis["rows"] if any("Logan Act" in week[i] for i in row["sentences"][1])]
    assert logan["kind"] == "single" and logan["sentences"][0] == []
    matched = {(pair["left"], pair["right"]) for pair in comparison["pairs"]}
    shared = {(row["sentences"][0][0], row["sentences"][1][0]) for row in synopsis["rows"] if all(row["sentences"])}
    assert shared == matched  # two articles: the rows are the pairs


def test_a_row_whose_outlets_credit_different_sources_says_so_and_names_them(
    parse_page: Callable[[str], BeautifulSoup],
) -> None:
    row = row_with(parse_page(PAGE), 'Nine "current and former officials')
    assert row.select_one(".tag.sourcing") is not None
    moscow, week = (" ".join(text_of(cell, ".meta", " ").split()) for cell in row.select(".versions > .version"))
    assert "credits The Washington Post" in moscow
    assert "Nine current and former US officials" in week


def test_a_story_of_five_articles_has_one_page_with_five_columns(tmp_path: Path) -> None:
    """Pages grow with the articles: one comparison page per story, each sentence in it once, however many
    pairs of articles the story has (ten here)."""
    project = generate(10, tmp_path / "project")
    built = build_project(project, BuildOptions(search=False))
    dossier = built.checked.dossier
    assert built.output_dir is not None and dossier is not None and not built.report.has_errors
    stories = sorted(path.parent.name for path in (built.output_dir / "stories").glob("*/compare.html"))
    assert stories == sorted(dossier.stories) and len(stories) == 2
    assert not list((built.output_dir / "stories").glob("*/compare/"))
    for story_id in stories:
        soup = BeautifulSoup((built.output_dir / urls.synopsis_path(story_id)).read_text("utf-8"), "html.parser")
        assert len(soup.select(".outlet-choice input")) == 5
        assert all(len(row.select(".versions > div")) == 5 for row in rows(soup))
        told = sorted(" ".join(text.split()) for row in rows(soup) for text in versions(row) if text)
        article_ids = dossier.stories[story_id].article_ids
        sentences = [s for a in article_ids for s in built.checked.texts[a].text.split()]
        assert sorted(" ".join(told).split()) == sorted(sentences)


# --- Where a comparison falls short: figures that differ, another language, nothing matched (tests/compare_cases.py)


@pytest.fixture(scope="module")
def cases_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built = build_project(write_cases(tmp_path_factory.mktemp("cases")), BuildOptions(search=False))
    assert built.output_dir is not None and not built.report.has_errors, built.report.sorted()
    return built.output_dir


def case_page(site: Path, story_id: str) -> BeautifulSoup:
    return BeautifulSoup((site / page_of(story_id)).read_text(encoding="utf-8"), "html.parser")


def test_figures_two_outlets_give_differently_are_a_row_of_their_own_marked_where_they_stand(cases_site: Path) -> None:
    soup = case_page(cases_site, CONFLICT)
    (row,) = [row for row in rows(soup) if all(versions(row))]
    assert text_of(row, ".fact-about .tag") == "Figures differ"
    assert text_of(soup, ".lede").endswith("1 of the 3 rows is reported by more than one outlet.")
    assert text_of(row, ".figures-note") == "The Gazette gives 18,645; The <Herald> gives 18,000."
    for cell, text, figure in zip(
        row.select(".versions > .version"), (BURIED_GAZETTE, BURIED_HERALD), ("18,645", "18,000"), strict=True
    ):
        (mark,) = cell.select("mark.differs")
        hidden = mark.select_one(".visually-hidden")
        assert hidden is not None and hidden.get_text() == "figure that differs: "
        hidden.extract()
        assert mark.get_text() == figure  # exactly the figure, not a word more or less
        assert told(cell) in text
    key = soup.select(".compare-key .tag")
    assert [tag.get_text() for tag in key] == ["Figures differ", "Only in one"]
    assert soup.select_one("#not-compared") is None and soup.select_one("#nothing-matched") is None


def test_a_story_of_more_outlets_than_fit_side_by_side_is_built_without_blank_cells(cases_site: Path) -> None:
    """Its blanks would be most of its page (one per outlet per row, at 30 outlets 300 KB of 790): compare.js
    makes them once a reader ticks few enough outlets to stand side by side (tests/browser/test_comparison.py).
    A story whose outlets fit keeps them, for readers without JavaScript."""
    many, few = case_page(cases_site, MANY), case_page(cases_site, CONFLICT)
    assert len(many.select(".outlet-choice input")) == len(MANY_OUTLETS) > 6
    assert many.select(".synopsis-rows .versions > div") == many.select(".synopsis-rows .versions > .version")
    assert [len(row.select(".versions > div")) for row in rows(many)] == [len(MANY_OUTLETS)] + [1] * len(MANY_OUTLETS)
    synopsis = many.select_one(".synopsis")
    assert synopsis is not None and synopsis["data-blanks-up-to"] == "6"
    assert all(len(row.select(".versions > div")) == 2 for row in rows(few))
    assert None in [cell for row in rows(few) for cell in versions(row)]
    assert few.select_one(".synopsis[data-blanks-up-to]") is None


def test_close_versions_mark_the_figure_over_their_own_words_and_outlets_that_agree_are_named_together(
    cases_site: Path,
) -> None:
    soup = case_page(cases_site, CLOSE_CONFLICT)
    (row,) = rows(soup)
    assert text_of(row, ".figures-note") == "The Courier and The Gazette give 35; The <Herald> gives 30."
    assert text_of(soup, ".lede").endswith("Every row is reported by more than one outlet.")
    marks = [
        [(mark["class"][0], mark.get_text()) for mark in cell.select(".told mark")]
        for cell in row.select(".versions > .version")
    ]
    reader = "figure that differs: "
    assert marks == [
        [("differs", reader + "35"), ("own", "Friday")],
        [("differs", reader + "35")],
        [("differs", reader + "30")],
    ]
    assert [told(cell) for cell in row.select(".versions > .version")] == [
        EXPELLED_COURIER, EXPELLED_GAZETTE, EXPELLED_HERALD
    ]  # fmt: skip
    assert [tag.get_text() for tag in soup.select(".compare-key .tag")] == ["Figures differ"]
    assert soup.select(".compare-key mark.own")  # the words Friday is marked with are in the key too


def test_an_article_in_another_language_is_said_to_be_not_compared_and_its_text_is_still_shown(
    cases_site: Path,
) -> None:
    soup = case_page(cases_site, LANGUAGES)
    notice = " ".join(text_of(soup, "#not-compared", " ").split())
    assert notice == (
        "Not compared: El Diario is in Spanish, and The Gazette in English. Sentences are paired only between "
        "articles in the same language, so El Diario's are listed without counterparts in English."
    )
    notice_at = str(soup).index('id="not-compared"')
    assert notice_at < str(soup).index('class="synopsis-rows"')  # read before the rows
    told = [text for row in rows(soup) for text in versions(row) if text]
    assert " ".join(told).split() == (QUAKE_SPANISH + " " + QUAKE_ENGLISH).split()
    assert {text_of(row, ".fact-about .tag") for row in rows(soup)} == {"Not compared"}
    assert {" ".join(row["class"]) for row in rows(soup)} == {"fact kind-apart"}
    assert soup.select_one("#nothing-matched") is None and "Only in" not in soup.get_text()


@pytest.mark.parametrize(
    ("herald", "tags"),
    [
        (QUAKE_ENGLISH.replace("powerful", "strong"), ["Not compared", "Not compared", "Same fact", "Same fact"]),
        # Too short for its words to tell its language, only its script ("Latin script"), which Spanish is written
        # in too: the others are named by a language still, and El Diario stands apart from it (compared with the
        # short one, which may be in Spanish, its sentences are its own).
        ("A strong earthquake shook the Philippines.", ["Only in", "Only in", "Same fact", "Only in"]),
    ],
    ids=["english", "too-short-to-tell"],
)
def test_one_article_in_another_language_than_two_others_stands_apart_and_theirs_are_compared(
    tmp_path: Path, herald: str, tags: list[str]
) -> None:
    project = write_cases(tmp_path)
    (project / "content" / LANGUAGES / "quake-herald.md").write_text(
        "---\ntitle: Quake\noutlet: herald\n---\n" + herald + "\n", encoding="utf-8"
    )
    built = build_project(project, BuildOptions(search=False))
    assert built.output_dir is not None
    soup = case_page(built.output_dir, LANGUAGES)
    assert " ".join(text_of(soup, "#not-compared", " ").split()).startswith(
        "Not compared: El Diario is in Spanish, and the other outlets in English."
    )
    assert [text_of(row, ".fact-about .tag").split(" ")[0] for row in rows(soup)] == [t.split(" ")[0] for t in tags]
    assert soup.select_one("#nothing-matched") is None


def test_an_article_in_arabic_is_not_compared_and_its_words_are_marked_arabic_and_right_to_left(
    cases_site: Path,
) -> None:
    """The page is in the site's language; the article's own words carry theirs (its front matter's), and run right
    to left: browsers, screen readers and translation tools read each in its language."""
    soup = case_page(cases_site, RIGHT_TO_LEFT)
    assert soup.html is not None and soup.html["lang"] == "en" and not soup.html.get("dir")
    assert " ".join(text_of(soup, "#not-compared", " ").split()).startswith(
        "Not compared: Al-Akhbar is in Arabic, and The Gazette in English."
    )
    marked = {cell["lang"]: (cell.get("dir"), cell.get_text()) for cell in soup.select(".told[lang]")}
    assert list(marked) == ["ar"] and all(direction == "rtl" for direction, _ in marked.values())
    assert [told(cell) for cell in soup.select(".versions > .version") if cell.select_one(".told[lang=ar]")] == [
        sentence.strip() for sentence in QUAKE_ARABIC.replace(".", ".\n").split("\n") if sentence.strip()
    ]
    assert [span.get_text() for span in soup.select(".synopsis-head span[lang=ar][dir=rtl]")] == [
        "The earthquake in Arabic (akhbar)"
    ]
    article = BeautifulSoup(
        (cases_site / urls.article_path(RIGHT_TO_LEFT, f"{RIGHT_TO_LEFT}-akhbar")).read_bytes(), "html.parser"
    )
    assert article.html is not None and article.html["lang"] == "en"
    passages = article.select(".passage-text")
    assert passages and all((p.get("lang"), p.get("dir")) == ("ar", "rtl") for p in passages)
    assert " ".join(p.get_text(" ", strip=True) for p in passages).split() == QUAKE_ARABIC.split()
    assert article.select_one("h1 span[lang=ar][dir=rtl]") is not None
    assert not article.select(".notes [lang], .site-header [lang], .site-footer [lang]")  # the site's own words


def test_two_reports_in_chinese_line_up_fact_by_fact(cases_site: Path) -> None:
    """Chinese has no spaces between words: each report was one word a sentence, and nothing matched."""
    soup = case_page(cases_site, CHINESE)
    shared = [versions(row) for row in rows(soup) if all(versions(row))]
    ribao = [s + "\u3002" for s in QUAKE_RIBAO.split("\u3002") if s]
    wanbao = [s + "\u3002" for s in QUAKE_WANBAO.split("\u3002") if s]
    assert shared == [[ribao[0], wanbao[0]], [ribao[1], wanbao[1]], [ribao[2], wanbao[2]]]
    assert [versions(row) for row in rows(soup) if not all(versions(row))] == [[None, wanbao[3]]]
    assert {cell["lang"] for cell in soup.select(".told")} == {"zh"} and not soup.select(".told[dir]")
    assert soup.select_one("#nothing-matched") is None and soup.select_one("#not-compared") is None


def test_a_person_named_in_a_chinese_report_has_the_mention_on_their_page_marked_chinese(tmp_path: Path) -> None:
    project = write_cases(tmp_path)
    (project / "content" / "people.yaml").write_text("- id: li-ming\n  name: 李明\n", encoding="utf-8")
    report = project / "content" / CHINESE / f"{CHINESE}-ribao.md"
    report.write_text(report.read_text(encoding="utf-8").rstrip() + "李明表示，学校将停课。\n", encoding="utf-8")
    built = build_project(project, BuildOptions(search=False))
    assert built.output_dir is not None
    person = BeautifulSoup((built.output_dir / urls.person_path("li-ming")).read_bytes(), "html.parser")
    (snippet,) = person.select(".mentions .snippet")
    assert (snippet["lang"], snippet.select_one("mark").get_text()) == ("zh", "李明")  # type: ignore[union-attr]
    assert str(snippet["href"]).startswith(f"../../{urls.article_path(CHINESE, f'{CHINESE}-ribao')}#p")


def test_reports_in_a_language_the_sentence_model_does_not_read_are_said_to_be_compared_by_their_words(
    cases_site: Path,
) -> None:
    """Two Hindi reports of one earthquake: their shared facts pair by their words, and the page says that a fact
    told in other words could not be."""
    soup = case_page(cases_site, BY_WORDS)
    assert " ".join(text_of(soup, "#by-words", " ").split()) == (
        "Compared by their words only: dossier's sentence model does not read the language of these articles, so "
        "a fact told in other words than another outlet's is not paired."
    )
    assert len([row for row in rows(soup) if all(versions(row))]) == 2 and soup.select_one("#nothing-matched") is None
    # Each word marked as one report's own is whole: a vowel sign after a marked word was left out of it.
    after = [str(mark.next_sibling or " ")[:1] for mark in soup.select(".told mark.own")]
    assert after and not [c for c in after if c.isalnum() or unicodedata.category(c).startswith("M")]
    for story_id in (CONFLICT, CHINESE, LANGUAGES):
        assert case_page(cases_site, story_id).select_one("#by-words") is None


def test_versions_in_the_same_words_are_said_to_be_so(tmp_path: Path) -> None:
    project = write_cases(tmp_path)
    (project / "content" / LANGUAGES / "quake-diario.md").write_text(
        "---\ntitle: Quake\noutlet: diario\n---\n" + QUAKE_ENGLISH, encoding="utf-8"
    )
    built = build_project(project, BuildOptions(search=False))
    assert built.output_dir is not None
    soup = case_page(built.output_dir, LANGUAGES)
    assert [text_of(row, ".fact-about .meta") for row in rows(soup)] == ["Told word for word the same."] * 2
    close = case_page(built.output_dir, CLOSE_CONFLICT)
    assert "word for word" not in close.get_text()


def test_a_site_in_arabic_runs_right_to_left_and_an_article_in_english_in_it_left_to_right(tmp_path: Path) -> None:
    project = write_cases(tmp_path, "language: ar\n")
    english = project / "content" / RIGHT_TO_LEFT / f"{RIGHT_TO_LEFT}-gazette.md"
    built = build_project(project, BuildOptions(search=False))
    assert (
        f"{english.relative_to(project)}:1:1: warning: '{RIGHT_TO_LEFT}-gazette' reads as English, but it takes the "
        "site's language (Arabic), which its pages give browsers and screen readers; set `language: en` in its "
        "front matter"
    ) in [str(d) for d in built.report.sorted()]
    # Al-Akhbar takes the site's language, which its text's script agrees with: it is named by it, not by the
    # script alone ("Arabic script").
    assert any(f"'{RIGHT_TO_LEFT}-akhbar' (Arabic) and" in str(d) for d in built.report.sorted())
    english.write_text(english.read_text(encoding="utf-8").replace("---\n", "---\nlanguage: en\n", 1), "utf-8")
    built = build_project(project, BuildOptions(search=False))
    assert built.output_dir is not None
    home = BeautifulSoup((built.output_dir / "index.html").read_bytes(), "html.parser")
    assert home.html is not None and (home.html["lang"], home.html["dir"]) == ("ar", "rtl")
    soup = case_page(built.output_dir, RIGHT_TO_LEFT)
    assert {(cell.get("lang"), cell.get("dir")) for cell in soup.select(".told")} == {(None, None), ("en", "ltr")}
    # The site's language is the one the others are named against: Al-Akhbar's text, which tells only its script,
    # may be in it.
    assert " ".join(text_of(soup, "#not-compared", " ").split()).startswith(
        "Not compared: The Gazette is in English, and Al-Akhbar in Arabic."
    )
    chinese = case_page(built.output_dir, CHINESE)
    assert {(cell.get("lang"), cell.get("dir")) for cell in chinese.select(".told")} == {("zh", "ltr")}


def test_articles_that_share_no_passage_say_so_and_no_count_of_nothing(cases_site: Path) -> None:
    soup = case_page(cases_site, UNRELATED)
    assert " ".join(text_of(soup, "#nothing-matched", " ").split()) == (
        "Nothing matched: no passage of these articles tells the same fact in a way dossier could match, so each "
        "outlet's sentences are listed on their own."
    )
    page = " ".join(text_of(soup, "main", " ").split())
    assert "()" not in page and not re.search(r"\b0 (of|passages|rows)\b", page)
    assert soup.select_one("#not-compared") is None


def test_a_choice_of_the_facts_more_than_one_outlet_reports_is_offered_only_where_it_narrows_the_rows(
    parse_page: Callable[[str], BeautifulSoup], cases_site: Path
) -> None:
    """Where some rows are one outlet's own and some are shared, a checkbox (unticked) offers the shared ones,
    with how many there are; where it would leave every row, or none, there is no such choice."""
    soup = parse_page(PAGE)
    shared = [row for row in rows(soup) if sum(text is not None for text in versions(row)) > 1]
    assert 0 < len(shared) < len(rows(soup))
    choice = soup.select_one(".row-choice input#shared-only[type=checkbox]")
    assert choice is not None and not choice.has_attr("checked")
    assert " ".join(text_of(soup, ".row-choice label", " ").split()) == (
        f"Only the facts that more than one outlet reports ({len(shared)} of {len(rows(soup))})"
    )
    for story in (UNRELATED, LANGUAGES):  # no row shared
        assert case_page(cases_site, story).select_one("#shared-only") is None


def test_no_choice_of_shared_facts_where_every_row_is_shared(tmp_path: Path) -> None:
    project = write_cases(tmp_path)
    folder = project / "content" / CONFLICT
    for article in folder.glob("*.md"):  # every outlet tells the gazette's account, word for word
        front = article.read_text(encoding="utf-8").split("---\n")[1]
        article.write_text(f"---\n{front}---\n{BURIED_GAZETTE}\n", encoding="utf-8")
    built = build_project(project, BuildOptions(search=False))
    assert built.output_dir is not None
    soup = case_page(built.output_dir, CONFLICT)
    assert rows(soup) and all(None not in versions(row) for row in rows(soup))
    assert soup.select_one("#shared-only") is None


def test_the_data_export_gives_each_rows_kind_and_figures_and_each_comparisons_languages(cases_site: Path) -> None:
    data = read_export(cases_site)
    comparisons = {c["left_article"]: c for c in data["comparisons"]}
    (pair,) = comparisons["buried-gazette"]["pairs"]
    assert pair["kind"] == "conflict"
    assert [f["text"] for f in pair["conflict"]["left"]] == ["18,645"]
    assert [f["text"] for f in pair["conflict"]["right"]] == ["18,000"]
    figure = pair["conflict"]["right"][0]
    assert BURIED_HERALD[figure["start"] : figure["end"]] == "18,000"
    spanish = comparisons["quake-diario"]
    assert (spanish["not_compared"], spanish["left_language"], spanish["right_language"]) == (
        "different languages", "es", "en"
    )  # fmt: skip
    assert comparisons["unrelated-gazette"]["not_compared"] is None
    synopses = {s["story"]: s for s in data["synopses"]}
    (row,) = [row for row in synopses[CONFLICT]["rows"] if row["kind"] == "conflict"]
    assert [[f["text"] for f in figures] for figures in row["figures"]] == [["18,645"], ["18,000"]]
    assert synopses[LANGUAGES]["not_compared"] == [[0, 1]]
    assert synopses[BY_WORDS]["by_words"] == [True, True] and synopses[LANGUAGES]["by_words"] == [False, False]
    hindi = comparisons[f"{BY_WORDS}-dainik"]
    assert (hindi["left_by_words"], hindi["right_by_words"], spanish["left_by_words"]) == (True, True, False)
