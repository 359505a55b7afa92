"""check-jsonschema run over a dossier's files, each against the schema of its kind, as an editor's YAML
extension reads them: what CI runs (scripts/check-schemas.py) and what tests/test_editor_schemas.py asserts on.
Also the generic schemas and settings as the skeleton of `dossier init` must hold them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dossier.editor_schemas import SCHEMA_SUFFIX, SCHEMAS_FOLDER, editor_settings, schema_files
from dossier.load import FRONT_MATTER_FENCE, PEOPLE_FILE, SOURCES_FILE, STORY_FILE, YAML_SUFFIXES
from dossier.scaffold import DOT_PREFIX, scaffold_dir

CHECK_JSONSCHEMA = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
SKELETON = scaffold_dir() / "init"
SHIPPED_SCHEMAS = SKELETON.joinpath(DOT_PREFIX + SCHEMAS_FOLDER.parts[0].removeprefix("."), *SCHEMAS_FOLDER.parts[1:])
FRONT_MATTER = "front-matter"


def shipped_files() -> dict[Path, str]:
    """The generic schemas and VS Code's settings, at their places in the skeleton `dossier init` copies."""
    made = {**schema_files(), **editor_settings("content")}
    # The skeleton spells a leading dot `dot-` (package data skips dotfiles): .vscode/ is dot-vscode/.
    return {
        SKELETON.joinpath(DOT_PREFIX + path.parts[0].removeprefix("."), *path.parts[1:]): text
        for path, text in made.items()
    }


def files_by_schema(project_dir: Path, content_dir: str = "content") -> dict[str, list[Path]]:
    """The dossier's files by the name of their schema; articles (.md) stand for their front matter."""
    content = project_dir / content_dir
    stories = sorted(path.parent for name in _yaml_names(STORY_FILE) for path in content.glob(f"*/{name}"))
    return {
        "dossier": _existing(project_dir / name for name in _yaml_names("dossier.yaml")),
        "people": _existing(content / name for name in _yaml_names(PEOPLE_FILE)),
        "sources": _existing(content / name for name in _yaml_names(SOURCES_FILE)),
        "story": _existing(story / name for story in stories for name in _yaml_names(STORY_FILE)),
        "annotations": sorted(
            path
            for story in stories
            for path in story.iterdir()
            if path.suffix in YAML_SUFFIXES and path.name not in _yaml_names(STORY_FILE)
        ),
        FRONT_MATTER: sorted(path for story in stories for path in story.glob("*.md")),
    }


def _yaml_names(name: str) -> tuple[str, ...]:
    return tuple(name.removesuffix(".yaml") + suffix for suffix in YAML_SUFFIXES)


def _existing(paths: Iterable[Path]) -> list[Path]:
    return [path for path in paths if path.is_file()]


@dataclass(frozen=True)
class SchemaError:
    path: Path  # the file, an article for its front matter
    json_path: str  # where in the file: `$.verdicts[0].tone`
    message: str


def check_files(schema: Path, files: list[Path]) -> list[SchemaError]:
    """check-jsonschema's errors for `files` against `schema`; an article's front matter is cut out first."""
    if not files:
        return []
    with tempfile.TemporaryDirectory() as folder:
        checked = {_front_matter_file(path, Path(folder), index) if path.suffix == ".md" else path: path
                   for index, path in enumerate(files)}  # fmt: skip
        result = subprocess.run(
            [CHECK_JSONSCHEMA, "-o", "json", "--schemafile", str(schema), *map(str, checked)],
            capture_output=True,
            text=True,
            check=False,
        )
    report = json.loads(result.stdout)
    if report.get("parse_errors"):
        raise AssertionError(f"check-jsonschema could not read: {report['parse_errors']}")
    return [
        SchemaError(checked[Path(error["filename"])], error["path"], error["message"]) for error in report["errors"]
    ]


def _front_matter_file(article: Path, folder: Path, index: int) -> Path:
    lines = article.read_text(encoding="utf-8").split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() in (FRONT_MATTER_FENCE, "..."))
    front_matter = folder / f"{index}-{article.stem}.yaml"
    front_matter.write_text("\n".join(lines[1:end]) + "\n", encoding="utf-8")
    return front_matter


def check_project(project_dir: Path, schemas: Path, content_dir: str = "content") -> list[SchemaError]:
    """Every file of the dossier against its schema in `schemas`."""
    return [
        error
        for name, files in files_by_schema(project_dir, content_dir).items()
        for error in check_files(schemas / f"{name}{SCHEMA_SUFFIX}", files)
    ]
