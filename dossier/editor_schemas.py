"""JSON Schemas of the files an editor writes (dossier.yaml, people.yaml, sources.yaml, story.yaml, the
annotation files and the articles' front matter), made from the declarations validation reads (records.py,
config.py), so the two cannot drift: an editor's YAML extension completes keys, choices and ids, and marks a
wrong shape as it is typed.

- **Generic** schemas (keys, kinds, choices) ship in the wheel as files of the skeleton `dossier init` copies
  (themes/default/scaffold/init/dot-dossier/schemas/, with the VS Code settings that point at them): every
  new dossier holds them in `.dossier/schemas/`, so a colleague without dossier installed gets them with a
  clone. scripts/regenerate-schemas.py writes them; tests/test_editor_schemas.py fails while they differ.
- **The dossier's own**: `dossier schemas` writes the same schemas with the dossier's ids (people, sources,
  outlets, claims, verdicts), each with its name, offered wherever a key names one.

Ids are offered, never a closed list: a schema is a snapshot and editors add ids as they write, so a closed
list would mark each new id wrong until the schemas were made again. Whether an id exists is `dossier check`'s
to say (and `dossier serve`'s, on every save). Nor can a schema see the rest of what check does: references
between files, duplicate ids, control characters, how YAML spells a value (`007` read as 7, a quoted date,
`yes` as a boolean), a role that ends before it starts, base_url's and cname's rules, quotes in the article.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from dossier.atomic_write import write_atomically
from dossier.config import CONFIG_FIELDS, CONFIG_STEM
from dossier.diagnostics import Report
from dossier.load import PEOPLE_FILE, SOURCES_FILE, STORY_FILE, YAML_SUFFIXES, display_path
from dossier.model import Dossier
from dossier.project_files import Project, ProjectFileError
from dossier.records import FRONT_MATTER_FIELDS, PERSON_FIELDS, SIDECAR_FIELDS, SOURCE_FIELDS, STORY_FIELDS
from dossier.schema import KIND_NAMES, LANGUAGE, MAX_SLUG, RESERVED_SLUGS, SAFE_URL, SLUG, Field, IdKind, Kind
from dossier.validate import validate_dossier

SCHEMAS_FOLDER = PurePosixPath(".dossier", "schemas")
SCHEMA_SUFFIX = ".schema.json"
JSON_SCHEMA_DRAFT = "http://json-schema.org/draft-07/schema#"  # the newest draft YAML extensions all read
YAML_EXTENSION = "redhat.vscode-yaml"  # VS Code's YAML extension: yaml-language-server, as in Neovim, Helix, Zed
VSCODE_SETTINGS = PurePosixPath(".vscode", "settings.json")
VSCODE_EXTENSIONS = PurePosixPath(".vscode", "extensions.json")

# The project's ids by what they name, each with the words it is known by (shown beside it when offered).
KnownIds = Mapping[IdKind, Mapping[str, str]]
NO_IDS: KnownIds = {}

ID_NAMES: dict[IdKind, str] = {
    "person": "a person",
    "source": "a source",
    "claim": "a claim",
    "verdict": "a verdict of the scale in dossier.yaml",
    "outlet": "an outlet (a source of kind outlet)",
}
GENERIC_NOTE = "dossier's schema of this file; `dossier schemas` writes it with the dossier's own ids to offer"
OWN_NOTE = "Written by `dossier schemas` with the dossier's ids as they were then; run it again after adding ids"


@dataclass(frozen=True)
class EditedFile:
    """A kind of file an editor writes: its schema's name, what it is, and where it lies (glob patterns from
    the project's folder, `{content}` standing for the content folder); none for front matter, inside .md."""

    name: str
    title: str
    description: str
    patterns: tuple[str, ...]


def _yaml_names(stem: str) -> tuple[str, ...]:
    return tuple(stem + suffix for suffix in YAML_SUFFIXES)


_STORY_NAMES = _yaml_names(STORY_FILE.removesuffix(".yaml"))
EDITED_FILES = (
    EditedFile("dossier", "dossier.yaml", "The dossier's settings.", _yaml_names(CONFIG_STEM)),
    EditedFile(
        "people",
        "content/people.yaml",
        "Everyone the articles name.",
        tuple(f"{{content}}/{name}" for name in _yaml_names(PEOPLE_FILE.removesuffix(".yaml"))),
    ),
    EditedFile(
        "sources",
        "content/sources.yaml",
        "What claims and reports rest on: outlets, institutions, documents, anonymous sources.",
        tuple(f"{{content}}/{name}" for name in _yaml_names(SOURCES_FILE.removesuffix(".yaml"))),
    ),
    EditedFile(
        "story",
        "content/STORY/story.yaml",
        "A story: its summary, claims, story-local sources and timeline.",
        tuple(f"{{content}}/*/{name}" for name in _STORY_NAMES),
    ),
    EditedFile(
        "annotations",
        "content/STORY/ARTICLE.yaml",
        "An article's annotations, each quoting the article's text.",
        # Any YAML file of a story folder but story.yaml: an extended glob, as yaml-language-server reads them
        # (picomatch). Older versions read no such pattern: there, a line at the top of the file names it.
        (f"{{content}}/*/!({'|'.join(_STORY_NAMES)})",),
    ),
    EditedFile("front-matter", "content/STORY/ARTICLE.md", "An article's front matter, between its '---' lines.", ()),
)


# ---- the schemas ----


def file_schemas(known: KnownIds = NO_IDS) -> dict[str, dict[str, Any]]:
    """Each edited file's JSON Schema by name; with `known`, the dossier's ids are offered where keys name one."""
    shapes = {
        "dossier": record_schema(CONFIG_FIELDS, known),
        "people": {"type": ["array", "null"], "items": record_schema(PERSON_FIELDS, known)},
        "sources": {"type": ["array", "null"], "items": record_schema(SOURCE_FIELDS, known)},
        "story": record_schema(STORY_FIELDS, known),
        "annotations": _or_null(record_schema(SIDECAR_FIELDS, known)),
        "front-matter": record_schema(FRONT_MATTER_FIELDS, known),
    }
    return {
        edited.name: {
            "$schema": JSON_SCHEMA_DRAFT,
            "$comment": OWN_NOTE if known else GENERIC_NOTE,
            "title": edited.title,
            "description": edited.description,
            **shapes[edited.name],
        }
        for edited in EDITED_FILES
    }


def record_schema(fields: Mapping[str, Field], known: KnownIds = NO_IDS) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {key: _value(spec, known) for key, spec in fields.items()},
        "additionalProperties": False,
    }
    required = [key for key, spec in fields.items() if spec.required]
    return {**schema, "required": required} if required else schema


def _value(spec: Field, known: KnownIds) -> dict[str, Any]:
    schema = {"description": _description(spec), **KIND_SCHEMAS[spec.kind](spec, known)}
    if spec.default not in (None, "", ()):
        schema["default"] = spec.default
    # A key written with no value is as good as left out, unless it is required.
    return schema if spec.required else _or_null(schema)


def _description(spec: Field) -> str:
    named = " or ".join(ID_NAMES[kind] for kind in spec.refers)
    if spec.kind == "slug" and named:
        return f"the id of {named}"
    if spec.kind == "slugs" and named:
        return f"a list of ids, each of {named}"
    return KIND_NAMES[spec.kind]


def _or_null(schema: dict[str, Any]) -> dict[str, Any]:
    nullable = dict(schema)
    if "enum" in schema:
        nullable["enum"] = [*schema["enum"], None]
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        nullable["type"] = [*types, "null"]
    else:
        nullable["anyOf"] = [*schema["anyOf"], {"type": "null"}]
    return nullable


def _text(spec: Field, known: KnownIds) -> dict[str, Any]:
    # YAML numbers and dates are text as written; booleans are not (dossier asks for quotes).
    return {"type": "string", "enum": list(spec.choices)} if spec.choices else {"type": ["string", "number"]}


def _matching(pattern: str, kind: Kind) -> dict[str, Any]:
    # patternErrorMessage: what VS Code's extensions say instead of showing the pattern.
    return {"type": "string", "pattern": pattern, "patternErrorMessage": f"expected {KIND_NAMES[kind]}"}


def _id(spec: Field, known: KnownIds) -> dict[str, Any]:
    # A whole number is an id as written (`id: 2016`): pattern and maxLength bind strings, minimum numbers.
    reserved = "|".join(sorted(RESERVED_SLUGS))
    any_id = {
        **_matching(f"^(?!(?:{reserved})$)" + ecmascript_pattern(SLUG).removeprefix("^"), "slug"),
        "type": ["string", "integer"],
        "maxLength": MAX_SLUG,
        "minimum": 0,
    }
    offered = {id_: words for kind in spec.refers for id_, words in sorted(known.get(kind, {}).items())}
    if not offered:
        return any_id
    return {"anyOf": [{"enum": list(offered), "enumDescriptions": list(offered.values())}, any_id]}


def _number(spec: Field, known: KnownIds) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer" if spec.is_whole else "number"}
    least, most = spec.bounds
    if least > -float("inf"):
        schema["minimum"] = least
    if most < float("inf"):
        schema["maximum"] = most
    return schema


def _one_or_more(item: Callable[[Field, KnownIds], dict[str, Any]]) -> Callable[[Field, KnownIds], dict[str, Any]]:
    """A list of items; one item alone is read as a list of one."""

    def schema(spec: Field, known: KnownIds) -> dict[str, Any]:
        one = item(spec, known)
        alone = {**one, "type": ["string", "integer"]} if "type" in one else one  # as text, never a fraction
        return {"anyOf": [{"type": "array", "items": one}, alone]}

    return schema


KIND_SCHEMAS: dict[Kind, Callable[[Field, KnownIds], dict[str, Any]]] = {
    "text": _text,
    "markdown": _text,
    "slug": _id,
    "date": lambda spec, known: {"type": "string", "format": "date"},
    "bool": lambda spec, known: {"type": "boolean"},
    "number": _number,
    "url": lambda spec, known: _matching(ecmascript_pattern(SAFE_URL), "url"),
    "language": lambda spec, known: _matching(ecmascript_pattern(LANGUAGE), "language"),
    "texts": _one_or_more(_text),
    "slugs": _one_or_more(_id),
    "list": lambda spec, known: {"type": "array", "items": record_schema(spec.items or {}, known)},
    "mapping": lambda spec, known: record_schema(spec.keys or {}, known),
}


def ecmascript_pattern(pattern: re.Pattern[str]) -> str:
    """A pattern validation uses with `re.match` (ending in \\Z) as a JSON Schema pattern: ECMAScript, which
    searches, so anchored at both ends, and has no inline flags, so case-insensitive letters spell both cases."""
    source = pattern.pattern.removesuffix(r"\Z")
    if pattern.flags & re.IGNORECASE:
        source = _both_cases(source)
    return f"^(?:{source})$"


def _both_cases(source: str) -> str:
    spelt, index, in_class = [], 0, False
    while index < len(source):
        char = source[index]
        if char == "\\":  # an escape (\s) stays as it is
            spelt.append(source[index : index + 2])
            index += 2
            continue
        if char in "[]":
            in_class = char == "["
        elif char.isascii() and char.isalpha():
            if in_class:
                raise ValueError(f"a letter in a character class of a case-insensitive pattern: {source}")
            char = f"[{char.lower()}{char.upper()}]"
        spelt.append(char)
        index += 1
    return "".join(spelt)


def known_ids(dossier: Dossier) -> KnownIds:
    """The dossier's ids, each with the words an editor knows it by."""
    sources = dossier.sources.values()
    return {
        "person": {person.id: person.name for person in dossier.people.values()},
        "source": {source.id: f"{source.name} ({source.kind})" for source in sources},
        "outlet": {source.id: source.name for source in sources if source.kind == "outlet"},
        "claim": {claim.id: claim.text for claim in dossier.claims.values()},
        "verdict": {
            verdict.id: f"{verdict.label}: {verdict.description}" if verdict.description else verdict.label
            for verdict in dossier.config.verdicts
        },
    }


# ---- the files: the schemas and the editor's settings that point at them ----


def json_text(value: Any) -> str:
    """JSON indented by two, with short lists of plain values on one line, so a schema reads as its YAML does."""
    return _json(value, "") + "\n"


def _json(value: Any, indent: str) -> str:
    inner = indent + "  "
    if isinstance(value, dict) and value:
        members = [f"{inner}{json.dumps(key, ensure_ascii=False)}: {_json(item, inner)}" for key, item in value.items()]
        return "{\n" + ",\n".join(members) + f"\n{indent}}}"
    one_line = json.dumps(value, ensure_ascii=False)
    if isinstance(value, list) and (len(one_line) > 80 or any(isinstance(item, dict | list) for item in value)):
        return "[\n" + ",\n".join(inner + _json(item, inner) for item in value) + f"\n{indent}]"
    return one_line


def schema_paths(content_dir: str) -> dict[str, list[str]]:
    """VS Code's `yaml.schemas`: each schema's path in the project -> the files it describes."""
    content = PurePosixPath(content_dir).as_posix()
    return {
        str(SCHEMAS_FOLDER / f"{edited.name}{SCHEMA_SUFFIX}"): [
            str(PurePosixPath(pattern.format(content=content))) for pattern in edited.patterns
        ]
        for edited in EDITED_FILES
        if edited.patterns
    }


def schema_files(known: KnownIds = NO_IDS) -> dict[PurePosixPath, str]:
    return {SCHEMAS_FOLDER / f"{name}{SCHEMA_SUFFIX}": json_text(s) for name, s in file_schemas(known).items()}


def editor_settings(content_dir: str) -> dict[PurePosixPath, str]:
    """VS Code's settings pointing its YAML extension at the schemas, and the extension recommended."""
    return {
        VSCODE_SETTINGS: json_text({"yaml.schemas": schema_paths(content_dir)}),
        VSCODE_EXTENSIONS: json_text({"recommendations": [YAML_EXTENSION]}),
    }


@dataclass
class SchemasWritten:
    project_dir: Path
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        shown = [f"wrote {display_path(path, self.project_dir)}" for path in self.written]
        if self.unchanged:
            count = len(self.unchanged)
            shown.append(f"{count} file{'s were' if count != 1 else ' was'} already up to date")
        return shown + self.notes


def write_editor_schemas(project_dir: Path) -> SchemasWritten:
    """`dossier schemas`: the schemas with the dossier's ids into .dossier/schemas/, and VS Code's settings
    where there are none. A refusal is a ProjectFileError."""
    project = Project.read(project_dir)
    dossier = validate_dossier(project.raw, project.config, Report(), include_drafts=True)  # its errors: check's
    written = SchemasWritten(project_dir)
    for relative, text in schema_files(known_ids(dossier)).items():
        _write_if_changed(project_dir, relative, text, written)
    for relative, text in editor_settings(project.config.content_dir).items():
        path = project_dir / relative
        if not path.exists() and not path.is_symlink():
            _write_if_changed(project_dir, relative, text, written)
        elif relative == VSCODE_SETTINGS and not _points_at_the_schemas(path, project.config.content_dir):
            wanted = json_text({"yaml.schemas": schema_paths(project.config.content_dir)})
            written.notes.append(f"{relative} was left as it is; for VS Code to use the schemas, add:\n{wanted}")
    return written


def _points_at_the_schemas(settings: Path, content_dir: str) -> bool:
    try:
        values = json.loads(settings.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):  # unreadable, or JSON with comments: the editor's to see
        return False
    return isinstance(values, dict) and values.get("yaml.schemas") == schema_paths(content_dir)


def _write_if_changed(project_dir: Path, relative: PurePosixPath, text: str, written: SchemasWritten) -> None:
    path = project_dir / relative
    _make_own_folders(project_dir, relative.parent)
    if path.is_file() and not path.is_symlink() and path.read_bytes() == text.encode("utf-8"):
        written.unchanged.append(path)
        return
    write_atomically(path, text.encode("utf-8"))  # replaces a link, never writes through one
    written.written.append(path)


def _make_own_folders(project_dir: Path, relative: PurePosixPath) -> None:
    """The folders of `relative` inside the project, each a real folder: never a link leading elsewhere."""
    folder = project_dir
    for part in relative.parts:
        folder = folder / part
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise ProjectFileError(
                f"{display_path(folder, project_dir)} is a link or a file; dossier writes the schemas only into "
                "a folder of the project: remove it, or make it a folder"
            )
        folder.mkdir(exist_ok=True)
