"""Size and shape: big articles, many annotations, alias bombs and deep nesting give a site or a located error.

No test here is timed: each asserts that the build finishes with the right result. Their sizes are the ones
the issue names; the whole file runs in a few seconds because the stages are linear in them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from dossier.diagnostics import Report
from dossier.load import MAX_FILE_BYTES
from dossier.pipeline import build_project, check_project
from dossier.yaml_reader import MAX_DEPTH, MAX_VALUES, parse_yaml
from tests.security.project import ARTICLE_PAGE, small_project


def big_page(path: Path) -> Any:
    """A page too big to parse quickly in Python: lxml's C parser (html5lib is used for every other page)."""
    return lxml_html.fromstring(path.read_bytes())


PARAGRAPH = "Lovelace wrote: " + "the engine is described in plain words, and the letters answered with care. " * 8


def test_a_five_megabyte_article_builds_with_its_highlights(tmp_path: Path) -> None:
    count = 5_000_000 // len(PARAGRAPH)
    body = "\n\n".join(f"Part {n}: {PARAGRAPH}" for n in range(count)) + "\n\nThe very last sentence.\n"
    assert len(body.encode()) > 5_000_000
    sidecar = (
        "notes:\n  - quote: The very last sentence.\n    note: The end.\n"
        f"  - quote: 'Part {count // 2}: Lovelace wrote'\n    note: The middle.\n"
    )
    built = build_project(small_project(tmp_path, body, sidecar))
    assert not built.report.has_errors, built.report.sorted()
    assert built.output_dir is not None
    page = big_page(built.output_dir / ARTICLE_PAGE)
    marks = [m.text_content() for m in page.xpath("//mark[contains(@class, 'hl-note')]")]
    assert marks == [f"Part {count // 2}: Lovelace wrote", "The very last sentence."]
    assert len(page.xpath("//div[@class='passage']")) == count + 1
    assert len(page.xpath("//a[@class='mention']")) == count  # "Lovelace" once a part; nobody else is registered


def test_ten_thousand_annotations_on_one_article(tmp_path: Path) -> None:
    count = 10_000
    body = "\n\n".join(f"Sentence number {n} is here." for n in range(count)) + "\n"
    sidecar = "notes:\n" + "".join(f"  - quote: number {n} is here\n    note: Note {n}.\n" for n in range(count))
    built = build_project(small_project(tmp_path, body, sidecar))
    assert not built.report.has_errors, built.report.sorted()[:5]
    assert built.output_dir is not None and built.checked.dossier is not None
    annotations = built.checked.dossier.articles["article"].annotations
    assert len(annotations) == count and all(a.anchor and a.anchor.method == "exact" for a in annotations)
    page = big_page(built.output_dir / ARTICLE_PAGE)
    marks = page.xpath("//mark[contains(@class, 'hl-note')]")
    assert [m.text_content() for m in marks] == [f"number {n} is here" for n in range(count)]
    assert len(page.xpath("//details[contains(@class, 'note-note')]")) == count


def test_a_file_over_the_size_cap_is_refused_unread(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    sidecar = project / "content" / "engine" / "article.yaml"
    with sidecar.open("wb") as handle:  # sparse: the check is on the size, before any byte is read
        handle.truncate(MAX_FILE_BYTES + 1)
    checked = check_project(project)
    assert [str(d) for d in checked.report.errors] == [
        "content/engine/article.yaml:1:1: error: the file is larger than 20 MiB"
    ]


# --- YAML alias bombs and deep nesting --------------------------------------------------------------------------

BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""
SELF_REFERENCE = "&a [*a]\n"  # PyYAML refuses an alias inside its own anchor
# Each with where the 101st level starts.
TOO_DEEP = {
    "flow lists": ("[" * 10_000 + "]" * 10_000, "1:101"),
    "flow mappings": ("{a: " * 10_000 + "b" + "}" * 10_000, "1:401"),
    "block lists": ("".join(" " * n + "-\n" for n in range(10_000)), "101:101"),
    "block mappings": ("".join(" " * n + "a:\n" for n in range(10_000)), "101:102"),
    "compact lists": ("- " * 10_000 + "x\n", "1:201"),
}


def yaml_errors(text: str) -> list[str]:
    report = Report()
    assert parse_yaml(text, "x.yaml", report) is None
    return [str(d) for d in report.diagnostics]


def test_an_alias_bomb_is_refused_without_expanding_it() -> None:
    assert yaml_errors(BILLION_LAUGHS) == [
        f"x.yaml:1:1: error: the YAML expands to more than {MAX_VALUES:,} values (aliases repeated?); simplify it"
    ]


def test_an_alias_inside_its_own_anchor_is_a_located_error() -> None:
    assert yaml_errors(SELF_REFERENCE) == [
        "x.yaml:1:1: error: an alias (*name) is used inside the value it names; write it out"
    ]


@pytest.mark.parametrize("shape", sorted(TOO_DEEP))
def test_nesting_ten_thousand_deep_is_refused_where_it_gets_too_deep(shape: str) -> None:
    text, where = TOO_DEEP[shape]
    assert yaml_errors(text) == [f"x.yaml:{where}: error: the YAML is nested more than {MAX_DEPTH} levels deep"]


def test_nesting_up_to_the_limit_is_read() -> None:
    report = Report()
    value = parse_yaml("[" * MAX_DEPTH + "]" * MAX_DEPTH, "x.yaml", report)
    assert not report.diagnostics
    for _ in range(MAX_DEPTH - 1):
        value = value[0]
    assert value == []


@pytest.mark.parametrize(
    "where", ["dossier.yaml", "content/people.yaml", "content/engine/story.yaml", "content/engine/article.yaml"]
)
def test_an_alias_bomb_in_any_file_is_a_located_error(tmp_path: Path, where: str) -> None:
    project = small_project(tmp_path, sidecar="")
    (project / where).write_text(BILLION_LAUGHS, encoding="utf-8")
    checked = check_project(project)
    assert any(d.location.path == where and "expands to more than" in d.message for d in checked.report.errors), (
        checked.report.sorted()
    )


def test_an_alias_bomb_in_front_matter_is_a_located_error(tmp_path: Path) -> None:
    front = "---\n" + BILLION_LAUGHS + "---\n"
    checked = check_project(small_project(tmp_path, front=front))
    assert [str(d) for d in checked.report.errors] == [
        "content/engine/article.md:2:1: error: the YAML expands to more than "
        f"{MAX_VALUES:,} values (aliases repeated?); simplify it"
    ]


@pytest.mark.parametrize("where", ["content/people.yaml", "content/engine/article.yaml"])
def test_deep_nesting_in_a_file_is_a_located_error(tmp_path: Path, where: str) -> None:
    project = small_project(tmp_path, sidecar="")
    (project / where).write_text("a:\n  b: " + "[" * 10_000 + "]" * 10_000, encoding="utf-8")
    checked = check_project(project)
    assert [str(d) for d in checked.report.errors] == [
        f"{where}:2:106: error: the YAML is nested more than {MAX_DEPTH} levels deep"
    ]


@pytest.mark.parametrize(
    "body",
    [
        "> " * 10_000 + "deep quote\n",
        "".join("  " * n + "- item\n" for n in range(1_000)),
        "*" * 10_000 + "emphasis" + "*" * 10_000 + "\n",
        "[" * 10_000 + "link" + "](https://example.org/)" * 10_000 + "\n",
        "<" * 10_000 + "\n",
        "`" * 10_000 + "\n",
        "|" * 10_000 + "\n|" + "-|" * 5_000 + "\n",
    ],
    ids=["quotes", "lists", "emphasis", "links", "angles", "backticks", "table"],
)
def test_deeply_nested_markdown_builds(tmp_path: Path, body: str) -> None:
    built = build_project(small_project(tmp_path, body))
    assert not built.report.has_errors, built.report.sorted()
    assert built.output_dir is not None and (built.output_dir / ARTICLE_PAGE).is_file()


def test_a_project_with_a_huge_number_of_small_files_is_not_a_problem(tmp_path: Path) -> None:
    """Files the loader skips (no .md/.yaml) are not read at all."""
    project = small_project(tmp_path)
    junk = project / "content" / "engine" / "images"
    junk.mkdir()
    for n in range(2_000):
        (junk / f"{n}.bin").write_bytes(os.urandom(16))
    built = build_project(project)
    assert not built.report.has_errors


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['touch {marker}']\n",
        "!!python/object/apply:os.system\nargs: ['touch {marker}']\n",
        "a: !!python/name:os.system\n",
        "a: !!python/object/new:subprocess.Popen [['touch', '{marker}']]\n",
        "a: !!binary aGVsbG8=\n",
    ],
)
def test_yaml_tags_never_build_python_objects(tmp_path: Path, text: str) -> None:
    """Only the safe loader is used, and lists and mappings are built by dossier itself, whatever their tag."""
    marker = tmp_path / "ran"
    report = Report()
    value = parse_yaml(text.format(marker=marker), "x.yaml", report)
    assert not marker.exists()
    for item in [value, *(value.values() if isinstance(value, dict) else [])]:
        assert item is None or isinstance(item, (str, bytes, list, dict)), type(item)
