"""Any input gives a value or located errors, never a traceback: YAML loaders, record checks, anchoring,
comparison, and whole projects with random bytes where a file should be."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from dossier.anchor import locate_quote
from dossier.compare import Side, compare_sides
from dossier.config import CONFIG_FIELDS
from dossier.diagnostics import Location, Report
from dossier.model import CompareSettings, Selector
from dossier.pipeline import check_project
from dossier.records import CLAIM_FIELDS, FRONT_MATTER_FIELDS, PERSON_FIELDS, SELECTOR_FIELDS
from dossier.schema import Field, read_record
from dossier.yaml_reader import LocatedDict, LocatedList, decode_text, parse_yaml
from tests.security.project import small_project

QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)

# Text that looks like YAML often enough to reach deep into the parser: its punctuation, keys, anchors,
# aliases, tags, block scalars, indentation, plus anything at all.
YAML_PIECES = st.sampled_from(
    [": ", "- ", "\n", "  ", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!!python/object ", "|", ">-",
     "'", '"', "#", "? ", "---", "...", "%YAML 1.1", "<<: ", "id", "name", "quote", "2017-02-30", "yes",
     "~", "1e9", "0x1F", "\\x01", "\\u2028", "\t", "\u00e9", "\U0001f600", "\ufeff", "\x85"]
)  # fmt: skip
YAMLISH = st.lists(st.one_of(YAML_PIECES, st.text(max_size=5)), max_size=40).map("".join)


def assert_located(report: Report, path: str) -> None:
    for diagnostic in report.diagnostics:
        assert diagnostic.location.path == path
        assert diagnostic.location.line >= 1 and diagnostic.location.column >= 1
        assert diagnostic.message


def walk(value: object) -> int:
    """How many values a parsed document holds (and that it is made of the types promised)."""
    if isinstance(value, LocatedDict):
        assert all(isinstance(key, str) for key in value)
        return 1 + sum(walk(v) for v in value.values())
    if isinstance(value, LocatedList):
        return 1 + sum(walk(v) for v in value)
    return 1


@QUICK
@given(st.one_of(YAMLISH, st.text()))
@example("- \x85\x85&a ")  # NEL breaks a line for PyYAML, not for str.split("\n"): the explanation indexed past the end
def test_parse_yaml_gives_a_value_or_located_errors(text: str) -> None:
    report = Report()
    value = parse_yaml(text, "x.yaml", report)
    assert_located(report, "x.yaml")
    if value is None:
        return
    walk(value)


@QUICK
@given(YAMLISH, st.sampled_from([PERSON_FIELDS, CLAIM_FIELDS, FRONT_MATTER_FIELDS, SELECTOR_FIELDS, CONFIG_FIELDS]))
def test_read_record_checks_anything_yaml_gives_it(text: str, fields: dict[str, Field]) -> None:
    report = Report()
    value = parse_yaml(text, "x.yaml", report)
    records = [value] + (list(value) if isinstance(value, LocatedList) else [])
    at = value.location if isinstance(value, (LocatedDict, LocatedList)) else Location("x.yaml")
    for record in records:
        checked = read_record(record, fields, "a record", at, report)
        assert checked is None or set(checked) == set(fields)
    assert_located(report, "x.yaml")


@QUICK
@given(st.binary(max_size=200))
def test_any_bytes_decode_to_text_or_a_located_error(data: bytes) -> None:
    report = Report()
    text = decode_text(data, "x.md", report)
    assert (text is None) == report.has_errors
    assert_located(report, "x.md")
    if text is not None:
        assert "\r" not in text and not text.startswith("\ufeff")


TEXTS = st.text(alphabet=st.characters(codec="utf-8"), max_size=200)


@QUICK
@given(TEXTS, st.text(max_size=30), st.text(max_size=10), st.text(max_size=10))
def test_locate_quote_never_raises_and_spans_stay_in_the_text(text: str, quote: str, prefix: str, suffix: str) -> None:
    match = locate_quote(text, Selector(quote, prefix, suffix))
    if match.is_found:
        assert 0 <= match.start <= match.end <= len(text)
    for candidate in match.candidates:
        assert 0 <= candidate.start <= candidate.end <= len(text)


@QUICK
@given(TEXTS, st.data())
def test_a_quote_cut_from_any_text_is_found_or_reported(text: str, data: st.DataObject) -> None:
    assume(text.strip())
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    match = locate_quote(text, Selector(text[start:end]))
    assert match.status in ("found", "ambiguous", "orphaned")
    if match.is_found and match.method == "exact":
        assert text[match.start : match.end] == text[start:end].strip()


@settings(max_examples=60, deadline=None)
@given(TEXTS, TEXTS)
def test_comparing_any_two_texts_never_raises(left: str, right: str) -> None:
    alignment = compare_sides(Side("left", left), Side("right", right), CompareSettings())
    assert alignment is not None


# --- whole projects -------------------------------------------------------------------------------------------

FILES = [
    "dossier.yaml",
    "content/people.yaml",
    "content/sources.yaml",
    "content/engine/story.yaml",
    "content/engine/article.md",
    "content/engine/article.yaml",
    "content/engine/second.md",
]
BYTES = st.one_of(
    st.binary(max_size=300),
    YAMLISH.map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.text(max_size=200).map(lambda text: ("---\n" + text + "\n---\nBody.\n").encode("utf-8", "surrogatepass")),
)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = small_project(tmp_path_factory.mktemp("pristine"), sidecar="notes:\n  - quote: wrote\n    note: A.\n")
    second = "---\ntitle: Second\noutlet: gazette\n---\nAda Lovelace wrote the notes, said the Gazette.\n"
    (root / "content" / "engine" / "second.md").write_text(second, encoding="utf-8")
    return root


@SLOW
@given(st.sampled_from(FILES), BYTES)
def test_random_bytes_in_any_file_give_located_errors_never_a_traceback(
    pristine: Path, tmp_path_factory: pytest.TempPathFactory, where: str, data: bytes
) -> None:
    project = tmp_path_factory.mktemp("random")
    shutil.copytree(pristine, project, dirs_exist_ok=True)
    (project / where).write_bytes(data)
    checked = check_project(project)
    for diagnostic in checked.report.diagnostics:
        assert diagnostic.location.line >= 1 and diagnostic.location.column >= 1
        assert not Path(diagnostic.location.path).is_absolute(), diagnostic
    shutil.rmtree(project)


@SLOW
@given(st.text(max_size=400), st.text(max_size=400))
def test_any_two_article_bodies_check_and_compare_without_a_traceback(
    pristine: Path, tmp_path_factory: pytest.TempPathFactory, first: str, second: str
) -> None:
    project = tmp_path_factory.mktemp("bodies")
    shutil.copytree(pristine, project, dirs_exist_ok=True)
    front = "---\ntitle: T\noutlet: gazette\n---\n"
    (project / "content" / "engine" / "article.md").write_text(front + first, encoding="utf-8", errors="replace")
    (project / "content" / "engine" / "second.md").write_text(front + second, encoding="utf-8", errors="replace")
    checked = check_project(project)
    assert all(d.location.line >= 1 for d in checked.report.diagnostics)
    shutil.rmtree(project)
