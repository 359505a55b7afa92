"""The JSON Schemas editors check their YAML with (dossier/editor_schemas.py), run by check-jsonschema: made from
the declarations validation reads and shipped as made; valid JSON Schemas; accepting the example and an init'd
dossier; rejecting each shape error of tests/invalid/ where `dossier check` does, and nothing else; `dossier
schemas` offering the dossier's own ids."""

from __future__ import annotations

import functools
import json
import random
import re
import subprocess
from pathlib import Path

import pytest

from dossier.cli import main
from dossier.diagnostics import Location, Report
from dossier.editor_schemas import (
    SCHEMA_SUFFIX,
    SCHEMAS_FOLDER,
    VSCODE_SETTINGS,
    SchemasWritten,
    editor_settings,
    file_schemas,
    json_text,
    record_schema,
)
from dossier.schema import Field, Kind, read_record
from dossier.yaml_reader import parse_yaml
from tests.conftest import REPO, TESTS, copy_example
from tests.editor_schemas_check import (
    CHECK_JSONSCHEMA,
    SHIPPED_SCHEMAS,
    SchemaError,
    check_project,
    files_by_schema,
    shipped_files,
)

INVALID = TESTS / "invalid"


def run(*argv: str) -> int:
    return main(list(argv))


# ---- made from the declarations, shipped as made ----


def test_the_shipped_schemas_and_settings_are_what_the_declarations_make() -> None:
    for path, text in shipped_files().items():
        assert path.is_file() and path.read_text(encoding="utf-8") == text, (
            f"{path.relative_to(REPO)} differs from what the declarations make: "
            "run .venv/bin/python scripts/regenerate-schemas.py and review the diff"
        )


def test_each_schema_is_a_valid_json_schema() -> None:
    schemas = sorted(SHIPPED_SCHEMAS.glob(f"*{SCHEMA_SUFFIX}"))
    assert [path.name.removesuffix(SCHEMA_SUFFIX) for path in schemas] == sorted(file_schemas())
    result = subprocess.run(
        [CHECK_JSONSCHEMA, "--check-metaschema", *map(str, schemas)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_init_writes_the_schemas_and_points_vs_code_at_them(tmp_path: Path) -> None:
    project = tmp_path / "site"
    assert run("init", str(project), "-q") == 0
    for path, text in shipped_files().items():
        written = project / path.relative_to(SHIPPED_SCHEMAS.parent.parent).as_posix().replace("dot-", ".", 1)
        assert written.read_text(encoding="utf-8") == text
    settings = json.loads((project / VSCODE_SETTINGS).read_text(encoding="utf-8"))["yaml.schemas"]
    assert all((project / schema).is_file() for schema in settings)
    assert settings[f"{SCHEMAS_FOLDER}/people{SCHEMA_SUFFIX}"] == ["content/people.yaml", "content/people.yml"]


def test_the_sample_annotations_name_their_schema_on_their_first_line(tmp_path: Path) -> None:
    """yaml-language-server reads the line before any setting: an editor whose extension cannot tell an
    annotations file from story.yaml by its path still checks it."""
    project = tmp_path / "site"
    assert run("init", str(project), "-q") == 0
    for sidecar in files_by_schema(project)["annotations"]:
        first_line = sidecar.read_text(encoding="utf-8").splitlines()[0]
        schema = first_line.removeprefix("# yaml-language-server: $schema=")
        assert schema != first_line and (sidecar.parent / schema).resolve() == (
            project / SCHEMAS_FOLDER / f"annotations{SCHEMA_SUFFIX}"
        )


# ---- what they accept ----


def test_the_schemas_accept_the_example() -> None:
    assert all(files_by_schema(REPO).values()), "every kind of file is in the example"
    assert check_project(REPO, SHIPPED_SCHEMAS) == []


def test_the_schemas_accept_an_initd_dossier_and_what_new_adds(tmp_path: Path) -> None:
    project = tmp_path / "site"
    assert run("init", str(project), "-q") == 0
    for command in (
        ["person", "jane-doe", "Jane Doe"],
        ["source", "harbour-gazette", "The Harbour Gazette", "--kind", "outlet"],
        ["story", "second-story", "--title", "A second story"],
        ["article", "harbour-bridge", "gazette-report", "--outlet", "harbour-gazette"],
        ["claim", "harbour-bridge", "jane-said-so", "--claimant", "jane-doe", "--text", "Jane said so."],
    ):
        assert run("new", *command, "-C", str(project), "-q") == 0
    assert check_project(project, project / SCHEMAS_FOLDER) == []
    assert run("schemas", "-C", str(project), "-q") == 0
    assert check_project(project, project / SCHEMAS_FOLDER) == []


def diagnostic_locations(case: str) -> list[str]:
    lines = (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    return [line.split(": ", 1)[0] for line in lines]


# ---- what they reject: where `dossier check` rejects a file for its shape ----

# Each shape error of tests/invalid/: the case, where dossier check reports it, and where in the file (a JSON
# path) check-jsonschema must report it, with a part of what it says.
SHAPE_ERRORS = [
    ("config-keys", "dossier.yaml:1:1", "$", "'title' is a required property"),
    ("config-keys", "dossier.yaml:1:1", "$", "('tittle' was unexpected)"),
    ("config-keys", "dossier.yaml:3:11", "$.language", "12 is not of type 'string'"),
    ("config-keys", "dossier.yaml:7:11", "$.verdicts[0].tone", "'green' is not one of"),
    ("references", "content/people.yaml:6:11", "$[0].roles[0].to", "'2017-02-30' is not a 'date'"),
    ("references", "content/people.yaml:9:7", "$[2].id", "'Michael Flynn' does not match"),
    ("references", "content/people.yaml:11:3", "$[2]", "('alias' was unexpected)"),
    ("references", "content/sources.yaml:6:9", "$[1].kind", "'anonymus' is not one of"),
    ("references", "content/story/article.md:4:12", "$.published", "'2017-13-01' is not a 'date'"),
    ("references", "content/story/article.yaml:5:5", "$.notes[0]", "'note' is a required property"),
    ("references", "content/story/story.yaml:2:7", "$.date", "'14 February 2017' is not a 'date'"),
    ("keys", "content/harbour/the-herald.md:4:1", "$", "'date'"),
    ("keys", "content/harbour/the-herald.md:5:1", "$", "'author'"),
    ("keys", "content/harbour/the-herald.md:6:1", "$", "'lastmod'"),
    ("keys", "content/harbour/the-herald.yaml:2:5", "$.notes[0]", "('qoute' was unexpected)"),
    ("keys", "content/people.yaml:2:3", "$[0]", "('nmae' was unexpected)"),
    ("keys", "dossier.yaml:2:1", "$", "'site_name'"),
    ("keys", "dossier.yaml:3:1", "$", "'baseURL'"),
    ("keys", "dossier.yaml:4:1", "$", "'languageCode'"),
    ("keys", "dossier.yaml:5:1", "$", "'publishDir'"),
    ("keys", "dossier.yaml:6:1", "$", "'destination'"),
    ("keys", "dossier.yaml:7:1", "$", "'baseurl'"),
    ("values", "content/harbour/story.yaml:3:11", "$.reviewed", "'2020-02-30' is not a 'date'"),
    ("values", "content/harbour/story.yaml:4:8", "$.draft", "'false' is not of type 'boolean'"),
    ("values", "content/harbour/story.yaml:9:14", "$.claims[0].verdict", "False is not of type"),
    ("values", "content/harbour/story.yaml:13:14", "$.claims[1].verdict", "'No' does not match"),
    ("values", "content/harbour/story.yaml:14:11", "$.claims[1].date", "'14 August 2020' is not a 'date'"),
    ("values", "content/harbour/story.yaml:16:11", "$.timeline[0].date", "'2020/08/14' is not a 'date'"),
    ("values", "content/harbour/story.yaml:18:11", "$.timeline[1].date", "'2020-08-14T09:00' is not a 'date'"),
    ("values", "content/people.yaml:7:11", "$[0].roles[0].to", "'March 4, 2021' is not a 'date'"),
    ("values", "content/sources.yaml:4:9", "$[0].date", "'2020-08-14T10:30:00Z' is not a 'date'"),
]
# The rest of what dossier check reports there, and why a schema cannot see it.
NOT_SHAPE_ERRORS = {
    "a reference: the schemas offer the dossier's ids (`dossier schemas`), check says which exist": [
        ("references", "content/story/article.md:3:9"),
        ("references", "content/story/article.yaml:2:12"),
        ("references", "content/story/article.yaml:12:13"),
        ("references", "content/story/story.yaml:6:15"),
        ("references", "content/story/story.yaml:7:14"),
        ("references", "content/story/story.yaml:8:12"),
    ],
    "a reference to a person or a source, a verdict or a registry that is missing: check knows the ids": [
        ("attribution", "content/harbour/story.yaml:6:12"),
        ("attribution", "content/harbour/story.yaml:7:14"),
        ("attribution", "content/harbour/story.yaml:8:15"),
        ("attribution", "content/harbour/story.yaml:12:14"),
        ("attribution", "content/harbour/the-herald.yaml:4:14"),
        ("attribution", "content/harbour/the-herald.yaml:7:13"),
        ("no-people", "content/harbour/story.yaml:5:15"),
    ],
    # Editors' YAML tools read YAML 1.2, where `no` is text; dossier reads YAML 1.1, where it is false.
    "a YAML 1.1 boolean in a list of texts": [("values", "content/people.yaml:3:23")],
    "an id given twice": [("references", "content/people.yaml:7:3")],
    "base_url's rules": [("config-keys", "dossier.yaml:2:11")],
    "a quote found in the article not once": [
        ("anchors", "content/story/article.yaml:2:5"),
        ("anchors", "content/story/article.yaml:7:5"),
        ("anchors", "content/story/article.yaml:9:5"),
        ("references", "content/story/article.yaml:5:5"),  # beside its missing note
        ("references", "content/story/article.yaml:6:5"),
        ("references", "content/story/article.yaml:8:5"),
        ("references", "content/story/article.yaml:11:5"),
    ],
    "not YAML, not UTF-8, no front matter, or no article: nothing for a schema to read": [
        *[("yaml-mistakes", at) for at in diagnostic_locations("yaml-mistakes")],
        *[("syntax", at) for at in diagnostic_locations("syntax")],
    ],
}


@functools.cache
def schema_errors(case: str) -> tuple[SchemaError, ...]:
    return tuple(check_project(INVALID / case, SHIPPED_SCHEMAS))


def test_every_diagnostic_of_the_invalid_dossiers_is_sorted_as_shape_or_not() -> None:
    sorted_out = {(case, at) for case, at, *_ in SHAPE_ERRORS}
    sorted_out |= {place for places in NOT_SHAPE_ERRORS.values() for place in places}
    found = {(case, at) for case in sorted(p.name for p in INVALID.iterdir()) for at in diagnostic_locations(case)}
    assert found == sorted_out


@pytest.mark.parametrize(
    ("case", "at", "json_path", "says"), SHAPE_ERRORS, ids=[f"{c}:{a}" for c, a, *_ in SHAPE_ERRORS]
)
def test_the_schemas_reject_a_shape_error_where_check_does(case: str, at: str, json_path: str, says: str) -> None:
    assert at in diagnostic_locations(case), "the invalid dossier still holds this error"
    path = INVALID / case / at.split(":")[0]
    reported = [(error.json_path, error.message) for error in schema_errors(case) if error.path == path]
    assert any(where == json_path and says in message for where, message in reported), reported


@pytest.mark.parametrize("case", ["anchors", "config-keys", "references", "keys", "values", "attribution"])
def test_the_schemas_reject_nothing_but_the_shape_errors(case: str) -> None:
    expected = {(INVALID / case / at.split(":")[0], json_path) for c, at, json_path, _ in SHAPE_ERRORS if c == case}
    assert {(error.path, error.json_path) for error in schema_errors(case)} == expected


def test_the_compare_bounds_are_the_schemas_bounds(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    config = project / "dossier.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("margin: 0.05", "margin: 1.5").replace("min_words: 4", "min_words: 2.5"), "utf-8")
    errors = check_project(project, SHIPPED_SCHEMAS)
    assert {error.json_path for error in errors} == {"$.compare.margin", "$.compare.verbatim_min_words"}
    assert run("check", "-C", str(project), "-q") == 1


# ---- each kind of value: the schema accepts exactly what validation accepts ----

# YAML spellings of values. Left out: what YAML 1.1 (dossier's PyYAML) and 1.2 (editors', check-jsonschema's)
# read differently (`yes`, `007`, `1e3`), and what the schema sees only as text (a date where a list of texts
# is asked for, a quoted date, control characters): dossier check's to say, as the module's docstring lists.
IDS = ["ana-ruiz", "a", "a1-b2", "Ana", "ana ruiz", "ana--ruiz", "-ana", "ana-", "con", "com1", "lpt10", "x" * 80]
IDS += ["x" * 81, "ana_ruiz", "2016", "12", "0", "-5", "1.5", "ümlaut"]
URLS = ["https://example.org/a?b=c", "http://x", "HTTPS://EXAMPLE.ORG", "Mailto:a@b.c", "'mailto:'", "https://"]
URLS += ["https:///x", "ftp://x", "javascript:alert(1)", "//example.org", "'https://a b'", "example.org"]
LANGUAGES = ["en", "pt-BR", "EN", "zh-Hant-TW", "e", "engl", "en-", "en-B", "en-123456789", "en_GB", "x-klingon"]
DATES = ["2017-02-14", "2017-02-30", "2017-13-01", "2016-02-29", "2017-2-14x", "14 February 2017"]
SCALARS = ["hello", "'quoted text'", "12", "1.5", "-3", "true", "false", "~", "[a, b]", "{a: 1}", "[]", "'true'"]
SCALARS += [".nan", "'[x]'", "[1, 2]", "[true]", "[[a]]", "[~]", "[ana-ruiz, Ana]", "[{a: x}]", "{}"]
RECORDS = ["[{a: x}]", "[{a: x}, {b: y}]", "[a]", "{a: x}", "{a: [x]}", "{b: 1}", "[{}]"]


def random_tokens(alphabet: str, count: int, seed: int) -> list[str]:
    """Random quoted strings: the patterns' corner cases a hand-written list misses."""
    chooser = random.Random(seed)
    words = ("".join(chooser.choice(alphabet) for _ in range(chooser.randint(0, 14))) for _ in range(count))
    return ["'" + word.replace("'", "''") + "'" for word in words]


TOKENS: dict[Kind, list[str]] = {
    "text": SCALARS + DATES,
    "markdown": SCALARS,
    "slug": IDS + SCALARS + random_tokens("ab-0 A_", 150, 1),
    "slugs": IDS + SCALARS + ["[" + ", ".join(IDS[:3]) + "]", "[" + ", ".join(IDS[2:5]) + "]"],
    "texts": SCALARS,
    "date": DATES + SCALARS,
    "bool": [*SCALARS, "True", "FALSE"],
    "number": [*SCALARS, "0.35", "-0.0", "10000000000000000000000"],
    "url": URLS + SCALARS + random_tokens("hHtTpPsS:/.mMaAiIlL@x-", 150, 2),
    "language": LANGUAGES + SCALARS + random_tokens("enBRt-12_x", 150, 3),
    "list": SCALARS + RECORDS,
    "mapping": SCALARS + RECORDS,
}


def field_of(kind: Kind, required: bool) -> Field:
    record = {"a": Field("text")}
    if kind == "list":
        return Field(kind, required=required, items=record)
    if kind == "mapping":
        return Field(kind, required=required, keys=record)
    return Field(kind, required=required)


def accepted_by_validation(spec: Field, token: str) -> bool:
    """As validate.py reads a key: the record, then a list's items or a mapping's keys."""
    report, at = Report(), Location("x.yaml")
    values = read_record(parse_yaml(f"value: {token}\n", "x.yaml", report), {"value": spec}, "x", at, report)
    value = values["value"] if values else None
    if spec.items is not None and isinstance(value, list):
        for item in value:
            read_record(item, spec.items, "an item", at, report)
    if spec.keys is not None and value is not None:
        read_record(value, spec.keys, "a mapping", at, report)
    return not report.has_errors


def test_each_kind_accepts_in_its_schema_exactly_what_validation_accepts(tmp_path: Path) -> None:
    cases = [(f"{kind}-{'required' if required else 'optional'}", field_of(kind, required), token)
             for kind, tokens in TOKENS.items() for required in (True, False) for token in tokens]  # fmt: skip
    fields = {key: spec for key, spec, _ in cases}
    schema = {"type": "object", "properties": record_schema(fields)["properties"], "additionalProperties": False}
    (tmp_path / "kinds.json").write_text(json_text(schema), encoding="utf-8")
    files = []
    for index, (key, _, token) in enumerate(cases):
        files.append(tmp_path / f"{index}.yaml")
        files[-1].write_text(f"{key}: {token}\n", encoding="utf-8")
    result = subprocess.run(
        [CHECK_JSONSCHEMA, "-o", "json", "--schemafile", str(tmp_path / "kinds.json"), *map(str, files)],
        capture_output=True,
        text=True,
    )
    checked = json.loads(result.stdout)
    assert not checked["parse_errors"], "every spelling is YAML"
    rejected = {Path(error["filename"]).name for error in checked["errors"]}
    disagreements = [
        f"{key}: {token} (validation {'accepts' if by_validation else 'rejects'}, the schema does not)"
        for index, (key, spec, token) in enumerate(cases)
        if (by_validation := accepted_by_validation(spec, token)) == (f"{index}.yaml" in rejected)
    ]
    assert disagreements == []


# ---- `dossier schemas`: the dossier's own ids ----


def offered(schema: dict[str, object], *keys: str) -> dict[str, str]:
    """The ids a schema offers at `keys` (a path through properties and items), with their descriptions."""
    node: dict[str, object] = schema
    for key in keys:
        node = node[key]  # type: ignore[assignment]
    branches = node.get("anyOf", [])
    assert isinstance(branches, list)
    choice = next(branch for branch in branches if "enum" in branch)
    return dict(zip(choice["enum"], choice["enumDescriptions"], strict=True))


def test_dossier_schemas_offers_the_dossiers_ids_and_still_accepts_new_ones(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    assert run("schemas", "-C", str(project), "-q") == 0
    folder = project / SCHEMAS_FOLDER
    story = json.loads((folder / f"story{SCHEMA_SUFFIX}").read_text(encoding="utf-8"))
    claim = ("properties", "claims", "items", "properties")
    claimants = offered(story, *claim, "claimant")
    assert claimants["michael-flynn"] == "Michael Flynn"
    assert claimants["washington-post"] == "The Washington Post (outlet)"
    assert offered(story, *claim, "verdict")["false"] == "False: The public record shows the claim is untrue."
    front_matter = json.loads((folder / f"front-matter{SCHEMA_SUFFIX}").read_text(encoding="utf-8"))
    outlets = offered(front_matter, "properties", "outlet")
    assert "washington-post" in outlets and "michael-flynn" not in outlets
    assert check_project(project, folder) == []
    # Offered, not a closed list: an id added since is no schema error (dossier check says whether it exists).
    story_file = project / "content" / "flynn-kislyak" / "story.yaml"
    story_file.write_text(
        story_file.read_text(encoding="utf-8").replace("claimant: michael-flynn", "claimant: someone-new", 1),
        encoding="utf-8",
    )
    assert check_project(project, folder) == []


def test_dossier_schemas_writes_only_what_changed_and_keeps_the_editors_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_example(tmp_path)
    (project / ".vscode").mkdir()
    (project / VSCODE_SETTINGS).write_text('{"editor.tabSize": 2}\n', encoding="utf-8")
    assert run("schemas", "-C", str(project)) == 0
    out = capsys.readouterr().out
    assert "wrote .dossier/schemas/people.schema.json" in out and "wrote .vscode/extensions.json" in out
    assert ".vscode/settings.json was left as it is" in out and '"yaml.schemas"' in out
    assert (project / VSCODE_SETTINGS).read_text(encoding="utf-8") == '{"editor.tabSize": 2}\n'
    assert run("schemas", "-C", str(project)) == 0
    out = capsys.readouterr().out
    assert "wrote" not in out and re.search(r"\b\d+ files were already up to date", out)
    written = SchemasWritten(project, unchanged=[project / VSCODE_SETTINGS])
    assert written.lines() == ["1 file was already up to date"]
    (project / VSCODE_SETTINGS).write_text(editor_settings("content")[VSCODE_SETTINGS], encoding="utf-8")
    assert run("schemas", "-C", str(project)) == 0
    assert "left as it is" not in capsys.readouterr().out


def test_dossier_schemas_follows_the_content_folder(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    (project / "content").rename(project / "articles")
    with (project / "dossier.yaml").open("a", encoding="utf-8") as config:
        config.write("content_dir: articles\n")
    assert run("schemas", "-C", str(project), "-q") == 0
    settings = json.loads((project / VSCODE_SETTINGS).read_text(encoding="utf-8"))["yaml.schemas"]
    assert settings[f"{SCHEMAS_FOLDER}/story{SCHEMA_SUFFIX}"] == ["articles/*/story.yaml", "articles/*/story.yml"]
    assert check_project(project, project / SCHEMAS_FOLDER, "articles") == []


def test_dossier_schemas_never_writes_through_a_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project, elsewhere = copy_example(tmp_path / "site"), tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / ".dossier").symlink_to(elsewhere, target_is_directory=True)
    assert run("schemas", "-C", str(project)) == 2
    assert ".dossier is a link or a file" in capsys.readouterr().err
    assert list(elsewhere.iterdir()) == []
    (project / ".dossier").unlink()
    (project / SCHEMAS_FOLDER).mkdir(parents=True)
    (project / SCHEMAS_FOLDER / f"people{SCHEMA_SUFFIX}").symlink_to(elsewhere / "target.json")
    assert run("schemas", "-C", str(project), "-q") == 0
    assert not (elsewhere / "target.json").exists()
    assert not (project / SCHEMAS_FOLDER / f"people{SCHEMA_SUFFIX}").is_symlink()


def test_dossier_schemas_outside_a_dossier_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("schemas", "-C", str(tmp_path)) == 2
    assert "no dossier.yaml" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
