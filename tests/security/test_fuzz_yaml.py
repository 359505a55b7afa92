"""A fuzzing run over the YAML loaders: dossier.yaml, the annotation sidecars and the other YAML files of a
project, written by a generator that knows their schemas, must give located diagnostics, never an internal
error.

The generator builds documents from the real field lists (dossier/config.py, dossier/validate.py): their keys
and near-misses of them (typos, case, spaces, lookalikes), values of every YAML type (text plain and quoted
with escapes, integers huge and in hex, octal and sexagesimal, NaN and infinities, dates valid and not,
booleans in YAML 1.1's spellings, nulls, !!binary, other tags), nesting (deep too), anchors and aliases, block
and flow style, then spoils the text: odd indentation, tabs, comments, control characters, stray line ends,
invalid UTF-8 and byte order marks.

Each example is run through `load_config` (for dossier.yaml) and the whole check (`check_project`), and
every diagnostic must name a relative path, a line and a column from 1, and a message.

Size: a smoke run in CI (the `dossier-fuzz-smoke` settings profile: a few hundred examples, seconds). For a
long run, set DOSSIER_FUZZ=long (the `dossier-fuzz-long` profile, 20,000 examples a test) or a number of
examples:

    DOSSIER_FUZZ=long .venv/bin/pytest tests/security/test_fuzz_yaml.py -p no:cacheprovider
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dossier.config import COMPARE_FIELDS, CONFIG_FIELDS, PUBLISHER_FIELDS, VERDICT_FIELDS, load_config
from dossier.diagnostics import Report
from dossier.pipeline import check_project
from dossier.records import (
    CLAIM_FIELDS,
    EVENT_FIELDS,
    FRONT_MATTER_FIELDS,
    LINK_FIELDS,
    PERSON_FIELDS,
    ROLE_FIELDS,
    SELECTOR_FIELDS,
    SIDECAR_LISTS,
    SOURCE_FIELDS,
    STORY_FIELDS,
)
from dossier.schema import Field
from tests.security.project import small_project

_FUZZ_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
settings.register_profile("dossier-fuzz-smoke", max_examples=250, deadline=None, suppress_health_check=_FUZZ_HEALTH)
settings.register_profile("dossier-fuzz-long", max_examples=20_000, deadline=None, suppress_health_check=_FUZZ_HEALTH)


def fuzz_settings() -> settings:
    """The smoke profile, or the long one (DOSSIER_FUZZ=long), or as many examples as DOSSIER_FUZZ says."""
    asked = os.environ.get("DOSSIER_FUZZ", "")
    if asked.isdigit():
        return settings(settings.get_profile("dossier-fuzz-smoke"), max_examples=int(asked))
    return settings.get_profile("dossier-fuzz-long" if asked == "long" else "dossier-fuzz-smoke")


FUZZ = fuzz_settings()

# --- the schemas, as shapes: a mapping's keys with the shape of each value (None: a scalar), a list's item ----

Shape = dict[str, Any] | list[Any] | None


def shape(fields: dict[str, Field], **children: Shape) -> dict[str, Shape]:
    """A record's keys, as its schema declares them, each with the shape of its value (`children`)."""
    return {key: children.get(key) for key in fields}


SOURCE = shape(SOURCE_FIELDS)
SHAPES: dict[str, Shape] = {
    "dossier.yaml": shape(
        CONFIG_FIELDS,
        verdicts=[shape(VERDICT_FIELDS)],
        compare=shape(COMPARE_FIELDS),
        publisher=shape(PUBLISHER_FIELDS),
    ),
    "content/engine/article.yaml": {
        name: [{**shape(SELECTOR_FIELDS), **shape(extra)}] for name, (_, _, extra) in SIDECAR_LISTS.items()
    },
    "content/engine/story.yaml": shape(
        STORY_FIELDS, claims=[shape(CLAIM_FIELDS)], timeline=[shape(EVENT_FIELDS)], sources=[SOURCE]
    ),
    "content/people.yaml": [shape(PERSON_FIELDS, roles=[shape(ROLE_FIELDS)], links=[shape(LINK_FIELDS)])],
    "content/sources.yaml": [SOURCE],
    "content/engine/article.md": shape(FRONT_MATTER_FIELDS),  # its front matter
}
ALL_KEYS = sorted({key for fields in (CONFIG_FIELDS, SOURCE_FIELDS, SELECTOR_FIELDS, CLAIM_FIELDS) for key in fields})

# --- scalars of every YAML type ---------------------------------------------------------------------------------

SCALAR_TOKENS = [
    # nulls and booleans, YAML 1.1 spellings included
    "~", "null", "Null", "NULL", "", "true", "false", "True", "FALSE", "yes", "No", "on", "OFF", "y", "n",
    # numbers: huge, tiny, NaN, infinities, hex, octal, binary, sexagesimal, underscores, signs
    "0", "-0", "007", "0x1F", "0o17", "0b1010", "0777", "1_000", "12:30", "190:20:30", "+1", "-1", "1.",
    ".5", "1e3", "1.0e+3", "1e400", "-1e400", "1.5e-400", ".nan", ".NaN", ".inf", "-.Inf", "+.INF", "nan",
    "inf", "1" + "0" * 400, "-0x" + "f" * 120, "0." + "0" * 300 + "1", "2" * 5000,
    # dates and timestamps, valid and not
    "2017-02-28", "2017-02-30", "2017-13-01", "0000-01-01", "0001-01-01", "9999-12-31", "2020-1-1",
    "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10", "2002-12-14T99:99:99Z", "99999-01-01",
    # tags: binary (valid, invalid), explicit types, sets, ordered maps, unknown and Python ones
    "!!binary aGVsbG8=", "!!binary not base64!", "!!binary |\n  R0lGODlhDAAMAIQAAP//9/X\n", "!!str 1",
    "!!int abc", "!!float x", "!!bool maybe", "!!null x", "!!timestamp nope", "!!timestamp 2017-02-30",
    "!!set {a, b}", "!!omap [a: 1, b: 2]", "!!pairs [a: 1, a: 2]", "!!seq x", "!!map x", "!custom value",
    "!!python/object:os.system echo", "!!python/name:os.system", "!<tag:yaml.org,2002:str> x", "!!merge <<",
    # text: quoted with escapes (controls, line separators, surrogates), block scalars, odd plain text
    '"a\\x01b"', '"\\0"', '"\\e[2J"', '"\\u2028"', '"\\ud800"', '"\\U0010FFFF"', '"\\N\\_\\L\\P"', '"\\xff"',
    "'it''s'", "'unterminated", '"unterminated', "|\n  kept\n  lines\n", ">-\n  folded\n\n  text\n",
    "|2\n   indented\n", "|-\n", ">+\n\n", "- not a key", "a: b: c", "[unclosed", "{a: 1", "*undefined",
    "&anchor value", "@reserved", "`reserved", "%directive", "? complex", "# only a comment", "\u00e9t\u00e9",
    "\U0001f600", "\u202eevil", "<script>", "javascript:alert(1)", "https://example.org/", "mailto:a@b.c",
    "ada-lovelace", "gazette", "first-program", "mostly-true", "outlet", "en", "pt-BR", "x" * 3000,
]  # fmt: skip
CONTROL_CHARACTERS = [chr(code) for code in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85, 0x9F]]
PLAIN_TEXT = st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=20)  # controls: see yaml_bytes


def quoted(text: str) -> str:
    """`text` as a double-quoted YAML scalar, escapes and all."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


SCALARS = st.one_of(
    st.sampled_from(SCALAR_TOKENS),
    PLAIN_TEXT,
    PLAIN_TEXT.map(quoted),
    PLAIN_TEXT.map(lambda text: "'" + text.replace("'", "''") + "'"),
    st.integers(min_value=-(10**500), max_value=10**500).map(str),
    st.floats().map(repr),
    st.dates().map(str),
    st.datetimes().map(lambda moment: moment.isoformat()),
    st.binary(max_size=30).map(lambda data: "!!binary " + base64.b64encode(data).decode()),
)

# --- keys: the real ones and near-misses -----------------------------------------------------------------------


def near_misses(key: str) -> st.SearchStrategy[str]:
    """A key as an editor might get it wrong: a typo, the wrong case, a space, a lookalike letter."""
    return st.one_of(
        st.integers(0, max(len(key) - 1, 0)).map(lambda i: key[:i] + key[i + 1 :]),  # a letter dropped
        st.integers(0, len(key)).map(lambda i: key[:i] + key[i : i + 1] * 2 + key[i + 1 :]),  # doubled
        st.sampled_from([key.upper(), key.title(), f" {key}", f"{key} ", f"{key}s", key.replace("_", "-")]),
        st.sampled_from([key.replace("e", "\u0435"), key.replace("a", "\u0430"), f'"{key}"', f"'{key}'"]),
    )


def any_key(known: list[str]) -> st.SearchStrategy[str]:
    real = st.sampled_from(known or ALL_KEYS)
    odd = st.sampled_from(["<<", "?", "~", "null", "true", "1", "2017-01-01", "[a]", "{a: 1}", "a b", '""'])
    return st.one_of(real, real.flatmap(near_misses), odd, PLAIN_TEXT.map(quoted))


# --- documents: nodes built to a shape (or not), rendered in block or flow style ------------------------------


@dataclass
class Node:
    """A YAML node to render: a scalar token, a list, a mapping or an alias, with an anchor or tag maybe."""

    scalar: str | None = None
    items: list[Node] | None = None
    entries: list[tuple[str, Node]] | None = None
    alias: str | None = None
    anchor: str | None = None
    tag: str | None = None
    is_flow: bool = False


ANCHORS = ["a", "b", "c", "d", "e", "f", "x" * 40]
TAGS = ["!!map", "!!seq", "!!str", "!!set", "!!omap", "!custom"]


# What a node is, by weight: mostly of the shape wanted; the rare kinds sit mid-list, as Hypothesis tends to
# draw the ends of a range.
NODE_KINDS = ["shaped"] * 40 + ["scalar"] * 6 + ["alias"] * 2 + ["any list", "any mapping"] * 3 + ["shaped"] * 40
DECORATIONS = [None] * 47 + [f"&{name}" for name in ANCHORS] + TAGS + [None] * 47


@st.composite
def nodes(draw: st.DrawFn, wanted: Shape, depth: int = 0) -> Node:
    """A node of the shape wanted (most often), or anything at all."""
    kind = draw(st.sampled_from(NODE_KINDS)) if depth < 6 else "scalar"
    if kind == "alias":
        return Node(alias=draw(st.sampled_from([*ANCHORS, "undefined"])))
    if kind == "shaped" and isinstance(wanted, dict):
        keys = draw(st.lists(st.sampled_from(sorted(wanted)), max_size=len(wanted), unique=True)) if wanted else []
        entries = [(key, draw(nodes(wanted[key], depth + 1))) for key in keys]
        extra = draw(st.lists(st.tuples(any_key(sorted(wanted)), nodes(None, depth + 1)), max_size=1))
        return decorated(draw, Node(entries=entries + extra, is_flow=draw(st.integers(0, 9)) == 5))
    if kind == "shaped" and isinstance(wanted, list):
        items = draw(st.lists(nodes(wanted[0], depth + 1), max_size=4))
        return decorated(draw, Node(items=items, is_flow=draw(st.integers(0, 9)) == 5))
    if kind == "any list":
        return decorated(draw, Node(items=draw(st.lists(nodes(None, depth + 1), max_size=3)), is_flow=True))
    if kind == "any mapping":
        entries = draw(st.lists(st.tuples(any_key(ALL_KEYS), nodes(None, depth + 1)), max_size=3))
        return decorated(draw, Node(entries=entries, is_flow=draw(st.booleans())))
    return decorated(draw, Node(scalar=draw(SCALARS)))


def decorated(draw: st.DrawFn, node: Node) -> Node:
    """The node, now and then with an anchor (for aliases to name) or an explicit tag."""
    decoration = draw(st.sampled_from(DECORATIONS))
    if decoration is not None and decoration.startswith("&"):
        node.anchor = decoration[1:]
    else:
        node.tag = decoration
    return node


def _properties(node: Node) -> str:
    return "".join(f"{mark} " for mark in (f"&{node.anchor}" if node.anchor else "", node.tag or "") if mark)


def render_flow(node: Node) -> str:
    if node.alias is not None:
        return f"*{node.alias}"
    if node.items is not None:
        return _properties(node) + "[" + ", ".join(render_flow(item) for item in node.items) + "]"
    if node.entries is not None:
        inner = ", ".join(f"{key}: {render_flow(value)}" for key, value in node.entries)
        return _properties(node) + "{" + inner + "}"
    return _properties(node) + (node.scalar or "")


def render_block(node: Node, indent: int, step: int) -> list[str]:
    """The node's lines at `indent` (a list or mapping), or one line for anything rendered inline."""
    pad = " " * indent
    if node.alias is not None or node.scalar is not None or node.is_flow or not (node.items or node.entries):
        return [pad + render_flow(node)]
    head = [pad + _properties(node).rstrip()] if _properties(node) else []
    lines: list[str] = []
    if node.items is not None:
        for item in node.items:
            lines += _block_entry(pad + "-", item, indent, step)
    for key, value in node.entries or []:
        lines += _block_entry(f"{pad}{key}:", value, indent, step)
    return head + lines


def _block_entry(lead: str, value: Node, indent: int, step: int) -> list[str]:
    inline = value.alias is not None or value.scalar is not None or value.is_flow or not (value.items or value.entries)
    if inline:
        text = render_flow(value)
        first, *rest = text.split("\n")  # a block scalar's lines go under its key, indented
        return [f"{lead} {first}".rstrip(), *(" " * (indent + step) + line for line in rest)]
    return [lead, *render_block(value, indent + step, step)]


# --- spoiling the text -------------------------------------------------------------------------------------------

LINE_SPOILERS: dict[str, Callable[[str], str]] = {
    "tab-indent": lambda line: "\t" + line.lstrip(" "),
    "tab-after-colon": lambda line: line.replace(": ", ":\t", 1),
    "one-more-space": lambda line: " " + line,
    "one-less-space": lambda line: line[1:] if line.startswith(" ") else line,
    "comment": lambda line: line + " # a comment: with [brackets]",
    "trailing-space": lambda line: line + "   ",
}
BAD_BYTES = [
    b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\xef\xbb\xbf", b"\r", b"\r\n",
    b"\x00", b"\xc2\x85", b"\xe2\x80\xa8", b"\xef\xbf\xbe",
]  # fmt: skip
DOCUMENT_STARTS = ["", "---\n", "--- ", "%YAML 1.1\n---\n", "%YAML 1.2\n---\n", "%TAG !e! tag:e.org,2000:\n---\n"]
DOCUMENT_ENDS = ["", "\n...\n", "\n---\nsecond: document\n", "\n# the end"]


def sometimes(draw: st.DrawFn, percent: int) -> bool:
    """Whether to spoil this way: each way rarely, so that most documents still reach the record checks (and
    never in the simplest example, to which Hypothesis shrinks)."""
    return draw(st.integers(0, 99)) >= 100 - percent


@st.composite
def yaml_bytes(draw: st.DrawFn, wanted: Shape) -> bytes:
    """A document for `wanted`, rendered, then perhaps spoilt line by line and byte by byte."""
    step = draw(st.sampled_from([2, 2, 4, 1, 3, 8]))
    root = draw(nodes(wanted))
    lines = render_block(root, 0, step) if not root.is_flow else [render_flow(root)]
    while sometimes(draw, 20):
        where, spoil = draw(st.integers(0, len(lines) - 1)), draw(st.sampled_from(sorted(LINE_SPOILERS)))
        lines[where] = LINE_SPOILERS[spoil](lines[where])
    start, end = (
        draw(st.sampled_from(DOCUMENT_STARTS)),
        draw(st.sampled_from(DOCUMENT_ENDS)) if sometimes(draw, 20) else "",
    )
    text = start + "\n".join(lines) + end
    if sometimes(draw, 5):
        depth = draw(st.integers(90, 110))  # around the nesting limit (100)
        text += "\ndeep: " + "[" * depth + "]" * depth
    if sometimes(draw, 10):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(CONTROL_CHARACTERS)) + text[at:]
    data = text.encode("utf-8", "surrogatepass")
    if sometimes(draw, 10):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from(BAD_BYTES)) + data[at:]
    return data


def as_file(where: str, data: bytes) -> bytes:
    """The bytes to write at `where`: an article's YAML is its front matter."""
    return b"---\n" + data + b"\n---\nAda Lovelace wrote the notes.\n" if where.endswith(".md") else data


# --- the runs ------------------------------------------------------------------------------------------------------


def assert_located(report: Report) -> None:
    for diagnostic in report.diagnostics:
        location = diagnostic.location
        assert location.path and not Path(location.path).is_absolute(), diagnostic
        assert location.line >= 1 and location.column >= 1, diagnostic
        assert diagnostic.message.strip(), diagnostic


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small valid project; each example replaces one file and puts it back."""
    sidecar = "notes:\n  - quote: wrote\n    note: A.\n"
    return small_project(tmp_path_factory.mktemp("fuzz"), sidecar=sidecar)


@FUZZ
@given(yaml_bytes(SHAPES["dossier.yaml"]))
@example(b"title: T\nraw_html: !!bool maybe\n")  # PyYAML's bool constructor raised KeyError
@example(b"title: T\ncompare:\n  verbatim_min_words: 1" + b"0" * 400)  # float() of it raised OverflowError
def test_any_dossier_yaml_loads_to_a_config_or_located_errors(project: Path, data: bytes) -> None:
    config_file = project / "dossier.yaml"
    original = config_file.read_bytes()
    try:
        config_file.write_bytes(data)
        report = Report()
        config = load_config(project, report)
        assert_located(report)
        assert config is not None or report.has_errors  # a refused file says why
    finally:
        config_file.write_bytes(original)


def file_and_yaml(where: str) -> st.SearchStrategy[tuple[str, bytes]]:
    """A file of the project, and a document of its shape to write there."""
    return st.tuples(st.just(where), yaml_bytes(SHAPES[where]))


FILE_AND_YAML = st.sampled_from(sorted(SHAPES)).flatmap(file_and_yaml)
LONG_NAME = b"1" * 300  # a folder name no file system allows: looking at it raised ENAMETOOLONG


@FUZZ
@given(FILE_AND_YAML)
@example(("dossier.yaml", b"title: T\ncontent_dir: " + LONG_NAME))
@example(("dossier.yaml", b"title: T\noutput_dir: " + LONG_NAME))
@example(("dossier.yaml", b"title: T\ncontent_dir: " + b"/".join([b"a" * 200] * 6)))
def test_any_yaml_file_checks_to_located_errors_never_an_internal_error(project: Path, case: tuple[str, bytes]) -> None:
    where, data = case
    target = project / where
    original = target.read_bytes()
    try:
        target.write_bytes(as_file(where, data))
        checked = check_project(project)
        assert_located(checked.report)
    finally:
        target.write_bytes(original)
