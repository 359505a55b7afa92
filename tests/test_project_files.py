"""dossier/project_files.py: reading a project before adding to it, and editing its files as text."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dossier.project_files import (
    Project,
    ProjectFileError,
    append_to_list,
    append_yaml_entry,
    check_id,
    yaml_scalar,
)
from tests.conftest import copy_example

# ---- appending to a YAML list as text ----

ENTRY = "- id: new\n  name: New\n"


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("", None, "- id: new\n  name: New\n"),
        ("# only a comment\n", None, "# only a comment\n\n- id: new\n  name: New\n"),
        ("[]\n", None, "- id: new\n  name: New\n"),
        ("- id: a\n  name: A", None, "- id: a\n  name: A\n- id: new\n  name: New\n"),
        ("  - id: a\n    name: A\n# end\n", None, "  - id: a\n    name: A\n  - id: new\n    name: New\n# end\n"),
        ("title: T\n", "claims", "title: T\n\nclaims:\n  - id: new\n    name: New\n"),
        ("title: T\nclaims:\nsources: []\n", "claims", "title: T\nclaims:\n  - id: new\n    name: New\nsources: []\n"),
        ("claims: []  # none yet\n", "claims", "claims:\n  - id: new\n    name: New  # none yet\n"),
        ("claims:\n- id: a\nx: 1\n", "claims", "claims:\n- id: a\n- id: new\n  name: New\nx: 1\n"),
        (
            "claims:\n  - id: a\n    why: >-\n      long\n      text\n\n  # a comment about the next key\nx: 1\n",
            "claims",
            "claims:\n  - id: a\n    why: >-\n      long\n      text\n  - id: new\n    name: New\n\n"
            "  # a comment about the next key\nx: 1\n",
        ),
        (
            "claims:\n  - id: a\n    # why: commented out\n\n# Sources:\nx: 1\n",
            "claims",
            "claims:\n  - id: a\n    # why: commented out\n  - id: new\n    name: New\n\n# Sources:\nx: 1\n",
        ),
    ],
)
def test_append_to_list(text: str, key: str | None, expected: str) -> None:
    assert append_to_list(text, ENTRY, key, "f.yaml") == expected


@pytest.mark.parametrize(
    ("text", "key"), [("[a, b]\n", None), ("a: 1\n", None), ("claims: [a]\n", "claims"), ("- a\n", "claims")]
)
def test_append_to_list_refuses_what_it_cannot_extend_as_text(text: str, key: str | None) -> None:
    with pytest.raises(ProjectFileError):
        append_to_list(text, ENTRY, key, "f.yaml")


@pytest.mark.parametrize(
    "value", ["Ana Ruiz", "true", "no", "2017-02-14", "a: b", "O'Brien", '"x"', "# x", "- x", "Сергей"]
)
def test_yaml_scalar_reads_back_as_the_same_text(value: str) -> None:
    assert yaml.safe_load(f"key: {yaml_scalar(value)}\n") == {"key": value}


def test_an_entry_opening_with_a_comment_is_set_apart_by_an_empty_line() -> None:
    entry = "# Added by hand.\n- id: new\n"
    assert (
        append_to_list("- id: a\n- id: b\n", entry, None, "f.yaml")
        == "- id: a\n- id: b\n\n# Added by hand.\n- id: new\n"
    )


def test_the_file_keeps_its_byte_order_mark_and_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "people.yaml"
    original = "\ufeff# People\r\n- id: a\r\n  name: A\r\n".encode()
    path.write_bytes(original)
    assert append_yaml_entry(path, ENTRY, None, "people.yaml") is False
    assert path.read_bytes() == original + b"- id: new\r\n  name: New\r\n"


def test_a_missing_file_is_made_with_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "people.yaml"
    assert append_yaml_entry(path, ENTRY, None, "people.yaml") is True
    assert path.read_text(encoding="utf-8") == ENTRY


@pytest.mark.parametrize(
    "text",
    [
        "- id: a\n  id: b\n",  # a duplicate key: PyYAML keeps the last, dossier refuses it
        "- &a id: x\n- *a\n",  # the last item an alias: its node stands at its anchor, the splice goes astray
    ],
)
def test_an_entry_that_would_not_read_back_as_dossier_reads_it_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "people.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProjectFileError, match="by hand"):
        append_yaml_entry(path, ENTRY, None, "people.yaml")
    assert path.read_text(encoding="utf-8") == text


def test_a_link_or_a_file_that_is_not_utf8_is_not_appended_to(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text("- id: a\n", encoding="utf-8")
    link = tmp_path / "people.yaml"
    link.symlink_to(elsewhere)
    with pytest.raises(ProjectFileError, match="is a link"):
        append_yaml_entry(link, ENTRY, None, "people.yaml")
    latin = tmp_path / "sources.yaml"
    latin.write_bytes("- id: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ProjectFileError, match=r"cannot read sources\.yaml"):
        append_yaml_entry(latin, ENTRY, None, "sources.yaml")
    assert elsewhere.read_text(encoding="utf-8") == "- id: a\n"


# ---- YAML values ----


@settings(max_examples=500, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=40), st.booleans())
def test_any_text_reads_back_as_itself_on_one_line(text: str, in_flow: bool) -> None:
    written = yaml_scalar(text, in_flow=in_flow)
    assert "\n" not in written and "\r" not in written
    document = f"key: [{written}]\n" if in_flow else f"key: {written}\n"
    assert yaml.safe_load(document) == {"key": [text] if in_flow else text}


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("Ana Ruiz", "Ana Ruiz"),
        ("Lena O'Brien-Ortiz", "Lena O'Brien-Ortiz"),
        ("The claim, in one sentence.", "The claim, in one sentence."),
        ("https://www.example.org/a?b=c", "https://www.example.org/a?b=c"),
        ("https://", "https://"),
        ("Budget: yes", '"Budget: yes"'),
        ("2017-02-14", '"2017-02-14"'),
        ("no", '"no"'),
        ("9news", "9news"),
        ("null", '"null"'),
        ("2020", '"2020"'),
        ("emoji \U0001f389", '"emoji \U0001f389"'),
    ],
)
def test_prose_and_addresses_are_plain_and_the_rest_double_quoted(text: str, written: str) -> None:
    assert yaml_scalar(text) == written


def test_a_comma_is_quoted_inside_a_flow_list() -> None:
    assert yaml_scalar("Penn, Ivan", in_flow=True) == '"Penn, Ivan"'
    assert yaml_scalar("Ivan Penn", in_flow=True) == "Ivan Penn"


# ---- ids and the project ----


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Harbour Bridge", "the story 'Harbour Bridge' is not an id: use lowercase letters, digits and single "
         "hyphens, at most 80; try 'harbour-bridge'"),
        ("con", "the story 'con' is a file name Windows reserves; choose another id"),
        ("---", "the story '---' is not an id: use lowercase letters, digits and single hyphens, at most 80"),
    ],
)  # fmt: skip
def test_an_id_that_is_not_one_is_refused_with_one_to_try(value: str, message: str) -> None:
    with pytest.raises(ProjectFileError) as refusal:
        check_id(value, "the story")
    assert str(refusal.value) == message


def test_the_project_holds_every_id_its_files_name(tmp_path: Path) -> None:
    project = Project.read(copy_example(tmp_path / "example"))
    assert "michael-flynn" in project.people and project.source_kinds["the-week"] == "outlet"
    assert project.article_stories["the-week"] == "flynn-kislyak" and "flynn-kislyak" in project.stories
    assert project.sources["the-week"].name == "The Week"
    assert {"michael-flynn", "the-week"} <= project.entity_ids


def test_a_story_is_found_by_its_id_or_refused_with_a_suggestion(tmp_path: Path) -> None:
    project = Project.read(copy_example(tmp_path / "example"))
    assert project.story_dir("flynn-kislyak") == project.content_dir / "flynn-kislyak"
    with pytest.raises(ProjectFileError, match=r"no story 'flynn-kislyk'; did you mean 'flynn-kislyak'\?"):
        project.story_dir("flynn-kislyk")


def test_a_story_folder_linked_from_outside_the_content_folder_is_refused(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "example")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "story.yaml").write_text("title: Elsewhere\n", encoding="utf-8")
    (root / "content" / "elsewhere").symlink_to(outside)
    with pytest.raises(ProjectFileError, match="lies outside the content folder"):
        Project.read(root).story_dir("elsewhere")


def test_a_project_without_a_configuration_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProjectFileError, match=r"no dossier\.yaml"):
        Project.read(tmp_path)
