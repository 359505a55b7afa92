# ruff: noqa: RUF001  (Cyrillic text on purpose)
"""Bytes and characters: invalid UTF-8, BOMs, CRLF, control characters, NFC and NFD, right-to-left and
Cyrillic names, emoji. Each gives the right site or an error at the line and column of the problem."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Literal, cast

import pytest
from bs4 import BeautifulSoup, Tag

from dossier import urls
from dossier.pipeline import Built, build_project, check_project
from dossier.yaml_reader import unclosed_direction_problem
from tests.conftest import copy_example
from tests.security.project import ARTICLE_PAGE, FRONT, PEOPLE, small_project, tree_digest
from tests.security.scan import parse_html, scan_site

STORY_DIR = "content/engine"
EVERY_FILE = [
    "dossier.yaml",
    "content/people.yaml",
    "content/sources.yaml",
    f"{STORY_DIR}/story.yaml",
    f"{STORY_DIR}/article.md",
    f"{STORY_DIR}/article.yaml",
]
SIDECAR = "notes:\n  - quote: wrote the notes\n    note: A note.\n"


def article_page(built: Built) -> BeautifulSoup:
    assert built.output_dir is not None, built.report.sorted()
    return parse_html((built.output_dir / ARTICLE_PAGE).read_text(encoding="utf-8"))


def highlighted(page: BeautifulSoup, annotation_id: str) -> str:
    pieces = page.select(f'[data-annotation="{annotation_id}"]')
    return "".join(p.get_text() for p in pieces if p.name in ("mark", "del", "a"))


# --- bytes ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", EVERY_FILE)
def test_invalid_utf8_is_an_error_at_its_line_and_column(tmp_path: Path, where: str) -> None:
    project = small_project(tmp_path, sidecar=SIDECAR)
    path = project / where
    path.write_bytes(path.read_bytes() + b"caf\xe9 au lait\n")  # Latin-1, not UTF-8
    line = path.read_bytes().count(b"\n")
    checked = check_project(project)
    errors = [str(d) for d in checked.report.errors]
    assert f"{where}:{line}:4: error: the file is not valid UTF-8 (byte 0xe9); save it as UTF-8" in errors
    assert all(e.startswith(where) or "unknown" in e for e in errors)  # and what follows from an unread file


def test_a_bom_crlf_or_cr_in_every_file_gives_the_same_site_byte_for_byte(tmp_path: Path) -> None:
    plain = small_project(tmp_path / "plain", sidecar=SIDECAR)
    built = build_project(plain)
    assert built.written is not None
    conversions: dict[str, Callable[[bytes], bytes]] = {
        "bom": lambda data: b"\xef\xbb\xbf" + data,
        "crlf": lambda data: data.replace(b"\n", b"\r\n"),
        "cr": lambda data: data.replace(b"\n", b"\r"),
        "bom-crlf": lambda data: b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"),
    }
    for name, convert in conversions.items():
        project = small_project(tmp_path / name, sidecar=SIDECAR)
        for where in EVERY_FILE:
            (project / where).write_bytes(convert((project / where).read_bytes()))
        rebuilt = build_project(project)
        assert rebuilt.written is not None, (name, rebuilt.report.sorted())
        assert tree_digest(project / "build") == tree_digest(plain / "build"), name


def test_errors_in_a_crlf_file_name_the_right_line(tmp_path: Path) -> None:
    people = (PEOPLE + "- id: Bad\n  name: B\n").replace("\n", "\r\n")
    checked = check_project(small_project(tmp_path, people=people))
    assert [str(d).split(" is not")[0] for d in checked.report.errors] == ["content/people.yaml:4:7: error: 'Bad'"]


@pytest.mark.parametrize(
    ("where", "text", "position", "character"),
    [
        (f"{STORY_DIR}/article.md", "Text with a \x01 in it.\n", "8:13", "0001"),
        (f"{STORY_DIR}/article.md", "An escape \x1b[31m sequence.\n", "8:11", "001B"),
        (f"{STORY_DIR}/article.md", "A NUL \x00 byte.\n", "8:7", "0000"),
        (f"{STORY_DIR}/article.md", "A form feed \x0c here.\n", "8:13", "000C"),
        (f"{STORY_DIR}/article.md", "A C1 control \x9b here.\n", "8:14", "009B"),
        (f"{STORY_DIR}/article.md", "A noncharacter \uffff here.\n", "8:16", "FFFF"),
    ],
)
def test_control_characters_in_an_article_are_errors_where_they_stand(
    tmp_path: Path, where: str, text: str, position: str, character: str
) -> None:
    project = small_project(tmp_path)
    (project / where).write_text(FRONT + "\nFirst line.\n\n" + text, encoding="utf-8")
    checked = check_project(project)
    assert [str(d) for d in checked.report.errors] == [
        f"{where}:{position}: error: the text holds the control character U+{character}; remove it"
    ]


@pytest.mark.parametrize("escape", ["\\x01", "\\x0b", "\\e", "\\0", "\\x9b", "\\uffff", "\\ud800"])
def test_control_characters_written_as_yaml_escapes_are_errors_where_they_stand(tmp_path: Path, escape: str) -> None:
    front = FRONT.replace("title: The Analytical Engine", f'title: "The {escape} Engine"')
    checked = check_project(small_project(tmp_path, front=front))
    errors = [str(d) for d in checked.report.errors]
    assert len(errors) == 1 and errors[0].startswith(f"{STORY_DIR}/article.md:2:8: error: "), errors


def test_control_characters_raw_in_yaml_are_errors_where_they_stand(tmp_path: Path) -> None:
    people = PEOPLE.replace("name: Ada Lovelace", "name: Ada\x07Lovelace")
    checked = check_project(small_project(tmp_path, people=people))
    assert [str(d) for d in checked.report.errors] == [
        "content/people.yaml:2:12: error: the text holds the control character U+0007; remove it"
    ]


RLO, PDF, RLI, PDI = "\u202e", "\u202c", "\u2067", "\u2069"
UNCLOSED = (
    "the text opens a right-to-left override (U+202E) that it does not close: on a page it would act on the words "
    "after it too, up to the end of their paragraph; close it (U+202C) or remove it"
)


def test_a_direction_override_left_open_is_a_warning_where_it_stands(tmp_path: Path) -> None:
    """The "Trojan Source" trick: an override left open reverses what follows it on the page (a title's, the outlet
    named after it). Closed ones, and an isolate around right-to-left words, are how such text is written."""
    body = f"First line.\n\nThe {RLO}gnirts{PDF} is closed, {RLI}كلمات{PDI} too.\nThis {RLO}one is not.\n"
    people = PEOPLE.replace("name: Ada Lovelace", f"name: Ada {RLO}Lovelace")
    front = FRONT.replace("title: The Analytical Engine", 'title: "The \\u202eAnalytical Engine"')
    checked = check_project(small_project(tmp_path, body, people=people, front=front))
    assert [str(d) for d in checked.report.sorted() if d.severity == "warning"] == [
        f"{STORY_DIR}/article.md:2:8: warning: {UNCLOSED}",
        f"{STORY_DIR}/article.md:8:6: warning: {UNCLOSED}",
        f"content/people.yaml:2:9: warning: {UNCLOSED}",
    ]
    closed = check_project(small_project(tmp_path / "closed", body.replace("not.", f"not{PDF}.")))
    assert not [d for d in closed.report.sorted() if d.severity == "warning"]


def test_direction_controls_are_checked_once_over_a_long_line() -> None:
    """A 5 MB line that opens an isolate and closes 120,000 embeddings is read once, not once a control (the check
    looked back over the line for a break at each one: 0.4 s at 0.8 MB, growing as the square)."""
    line = RLI + ("x" * 40 + PDF) * 120_000
    found = unclosed_direction_problem(line)
    assert found is not None and found[0] == 0 and "a right-to-left isolate (U+2067)" in found[1]


def test_a_site_with_controls_refused_has_valid_feeds(tmp_path: Path) -> None:
    """What is let through (tab, DEL-free text, line and paragraph separators) keeps every XML output valid."""
    front = FRONT.replace("title: The Analytical Engine", 'title: "The\\tAnalytical\\u2028Engine\\u0085"')
    project = small_project(tmp_path, "Text with a tab\there and U+2028\u2028here.\n", front=front)
    built = build_project(project)
    errors = [str(d) for d in built.report.errors]
    assert errors == [f"{STORY_DIR}/article.md:2:8: error: the text holds the control character U+0085; remove it"]
    (project / STORY_DIR / "article.md").write_text(
        FRONT.replace("title: The Analytical Engine", 'title: "The\\tAnalytical\\u2028Engine"')
        + "Text with a tab\there and U+2028\u2028here.\n",
        encoding="utf-8",
    )
    built = build_project(project)
    assert built.output_dir is not None, built.report.sorted()
    assert scan_site(built.output_dir).findings == []


# --- Unicode forms and scripts ------------------------------------------------------------------------------------


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(("body_form", "quote_form"), [("NFC", "NFD"), ("NFD", "NFC"), ("NFD", "NFD")])
def test_nfc_and_nfd_quotes_and_names_match_each_other(tmp_path: Path, body_form: str, quote_form: str) -> None:
    def form(kind: str, text: str) -> str:
        return unicodedata.normalize(cast(Literal["NFC", "NFD"], kind), text)

    body = form(body_form, "Renée Müller met José Núñez at the café in Besançon.\n")
    people = form(quote_form, "- id: renee-muller\n  name: Renée Müller\n- id: jose-nunez\n  name: José Núñez\n")
    sidecar = f"notes:\n  - quote: {form(quote_form, 'at the café in Besançon')}\n    note: Where.\n"
    built = build_project(small_project(tmp_path, body, sidecar, people=people))
    assert not built.report.has_errors, built.report.sorted()
    page = article_page(built)
    assert built.checked.dossier is not None
    (note,) = built.checked.dossier.articles["article"].annotations
    assert note.anchor is not None and note.anchor.method == ("exact" if body_form == quote_form else "normalised")
    assert highlighted(page, note.id) == form(body_form, "at the café in Besançon")  # the article's own characters
    names = [a.get_text() for a in page.select(".passage-text a.mention")]
    assert names == [form(body_form, "Renée Müller"), form(body_form, "José Núñez")]


SCRIPTS_PEOPLE = """\
- id: sergey-kislyak
  name: Sergey Kislyak
  aliases: [Сергей Кисляк, Кисляк]
- id: mohammed-bin-salman
  name: Mohammed bin Salman
  aliases: [محمد بن سلمان]
- id: reuven-rivlin
  name: Reuven Rivlin
  aliases: [ראובן ריבלין]
- id: emoji-person
  name: "Zoë 👩‍👩‍👧 Family"
"""
SCRIPTS_BODY = (
    "Посол Сергей Кисляк встретился с журналистами; Кисляка там не было.\n\n"
    "قال محمد بن سلمان إن الزيارة ناجحة.\n\n"
    "הנשיא ראובן ריבלין\u200f אמר זאת.\n\n"
    "The flag 🇺🇸 flew as Zoë 👩‍👩‍👧 Family arrived 🎉.\n"
)
SCRIPTS_SIDECAR = """\
notes:
  - quote: встретился с журналистами
    note: Кириллица.
  - quote: إن الزيارة ناجحة
    note: من اليمين إلى اليسار.
  - quote: אמר זאת
    note: עברית.
  - quote: 🇺🇸 flew
    note: A flag is two code points.
  - quote: 👩‍👩‍👧 Family arrived 🎉
    note: A family is five.
"""


@pytest.fixture(scope="module")
def scripts_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = small_project(tmp_path_factory.mktemp("scripts"), SCRIPTS_BODY, SCRIPTS_SIDECAR, people=SCRIPTS_PEOPLE)
    built = build_project(project)
    assert not built.report.has_errors, built.report.sorted()
    return built


def test_cyrillic_right_to_left_and_emoji_quotes_anchor_exactly(scripts_build: Built) -> None:
    page = article_page(scripts_build)
    assert scripts_build.checked.dossier is not None
    for annotation in scripts_build.checked.dossier.articles["article"].annotations:
        assert annotation.anchor is not None and annotation.anchor.method == "exact", annotation.id
        assert highlighted(page, annotation.id) == annotation.selector.exact


def test_names_in_any_script_are_found_as_whole_words(scripts_build: Built) -> None:
    page = article_page(scripts_build)
    names: list[tuple[str, str]] = []
    seen: list[Tag] = []
    for a in page.select(".passage-text a.mention"):
        name, person_id = a.get_text(), str(a["href"]).split("/")[-2]
        label = a.previous_sibling  # a highlight's label, between two pieces of the mention it starts in
        if isinstance(label, Tag) and "hl-ref" in label.get_attribute_list("class") and label.previous_sibling in seen:
            names[-1] = (names[-1][0] + name, person_id)
        else:
            names.append((name, person_id))
        seen.append(a)
    assert names == [
        ("Сергей Кисляк", "sergey-kislyak"),  # "Кисляка" (another case ending) is another word
        ("محمد بن سلمان", "mohammed-bin-salman"),
        ("ראובן ריבלין", "reuven-rivlin"),
        ("Zoë 👩‍👩‍👧 Family", "emoji-person"),
    ]


def test_pages_of_people_with_any_name_are_made(scripts_build: Built) -> None:
    assert scripts_build.output_dir is not None
    for person_id, name in [("mohammed-bin-salman", "Mohammed bin Salman"), ("emoji-person", "Zoë 👩‍👩‍👧 Family")]:
        page = parse_html((scripts_build.output_dir / urls.person_path(person_id)).read_text(encoding="utf-8"))
        heading = page.find("h1")
        assert heading is not None and heading.get_text() == name


def test_the_example_with_its_cyrillic_alias_finds_it(tmp_path: Path) -> None:
    """The example's people.yaml names Sergey Kislyak "Сергей Кисляк" too: an article using it links to him."""
    project = copy_example(tmp_path)
    article = project / "content" / "flynn-kislyak" / "the-week.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nПосол Сергей Кисляк.\n", encoding="utf-8")
    built = build_project(project)
    assert built.output_dir is not None, built.report.sorted()
    page = parse_html((built.output_dir / urls.article_path("flynn-kislyak", "the-week")).read_text(encoding="utf-8"))
    assert any(a.get_text() == "Сергей Кисляк" for a in page.select("a.mention"))
