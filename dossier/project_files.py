"""The project's own files, read and edited for `dossier new` and `dossier import`.

- `Project.read`: dossier.yaml, the content folder and every id the project holds, read from the files as
  they are (a file with errors still holds its ids), and its stories by id.
- `check_id`: an id given on the command line, or a refusal suggesting one (`schema.slugify`).
- `yaml_scalar`: a value written into YAML so that it reads back as the same text.
- `append_yaml_entry`: an entry added to a YAML list *as text*, so the rest of the file stays byte for byte
  as it was (comments, order, quoting, line endings); before anything is written, the result must read back
  as the old value plus the entry, else nothing is written and the editor is shown the entry to add by hand.

Files are replaced whole (`atomic_write`). A refusal is a `ProjectFileError`: one sentence saying why, and
what to do instead.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from dossier.atomic_write import write_atomically
from dossier.config import load_config
from dossier.diagnostics import Report, did_you_mean
from dossier.load import STORY_FILE, RawDossier, display_path, is_inside, load_dossier
from dossier.model import Config, Source
from dossier.schema import MAX_SLUG, RESERVED_SLUGS, SLUG, slugify
from dossier.validate import validate_dossier
from dossier.yaml_reader import parse_yaml, yaml_file

UTF8_BOM = b"\xef\xbb\xbf"


class ProjectFileError(Exception):
    """A refusal: the message says why, and what to do instead."""


# ---- reading the project ----


@dataclass
class Project:
    """What a new entry must not repeat and may refer to, read from the files as they are."""

    project_dir: Path
    config: Config
    content_dir: Path
    raw: RawDossier
    report: Report  # the problems found reading the files: see `check_no_errors_in`
    people: set[str] = field(default_factory=set)
    source_kinds: dict[str, str] = field(default_factory=dict)  # source id -> its kind, stories' own included
    claims: set[str] = field(default_factory=set)
    stories: set[str] = field(default_factory=set)
    article_stories: dict[str, str] = field(default_factory=dict)  # article id -> its story's id

    @classmethod
    def read(cls, project_dir: Path) -> Project:
        report = Report()
        config = load_config(project_dir, report)
        if config is None:
            problems = "; ".join(str(d) for d in report.sorted() if d.severity == "error")
            raise ProjectFileError(f"cannot read the project's configuration: {problems}")
        content_dir = project_dir / config.content_dir
        if content_dir.exists() and not is_inside(content_dir, project_dir):
            raise ProjectFileError(
                f"the content folder {display_path(content_dir, project_dir)} is outside the project"
            )
        raw = load_dossier(project_dir, content_dir, report) if content_dir.is_dir() else RawDossier("", None, "", None)
        project = cls(project_dir, config, content_dir, raw, report)
        project._collect_ids()
        return project

    def _collect_ids(self) -> None:
        self.people = {i for i in map(_id_of, _items(self.raw.people)) if i}
        all_sources = _items(self.raw.sources)
        for story in self.raw.stories:
            record = story.record if isinstance(story.record, dict) else {}
            all_sources += _items(record.get("sources"))
            self.claims |= {i for i in map(_id_of, _items(record.get("claims"))) if i}
            self.stories.add(story.id)
            for article in story.articles:
                self.article_stories[article.id] = story.id
            for md_file in (self.content_dir / story.id).glob("*.md"):  # one that could not be read keeps its id
                self.article_stories.setdefault(md_file.stem, story.id)
        self.source_kinds = {i: str(s.get("kind", "")) for s in all_sources if (i := _id_of(s))}

    @property
    def entity_ids(self) -> set[str]:
        """People and sources share one set of ids."""
        return self.people | set(self.source_kinds)

    @cached_property
    def sources(self) -> dict[str, Source]:
        """The sources that validate, with their names and addresses (the project's errors are not ours)."""
        quiet = Report()
        return validate_dossier(self.raw, self.config, quiet, include_drafts=True).sources

    def shown(self, path: Path) -> str:
        return display_path(path, self.project_dir)

    def story_dir(self, story_id: str, what: str = "the story") -> Path:
        """The folder of an existing story: a real folder of the content folder holding a story.yaml."""
        check_id(story_id, what)
        story_dir = self.content_dir / story_id
        if not yaml_file(story_dir, STORY_FILE).is_file():
            stories = sorted(self.stories)
            known = f"{did_you_mean(story_id, stories)} (stories: {', '.join(stories)})" if stories else ""
            make_one = "" if stories else "; make one with `dossier new story ID`"
            raise ProjectFileError(
                f"there is no story '{story_id}'{known}; "
                f"a story is a folder of {self.shown(self.content_dir)} with a {STORY_FILE}{make_one}"
            )
        if story_dir.is_symlink() or not is_inside(story_dir, self.content_dir):
            raise ProjectFileError(f"the story folder {self.shown(story_dir)} lies outside the content folder")
        return story_dir

    def check_new_entity_id(self, entity_id: str) -> None:
        if entity_id in self.people:
            raise ProjectFileError(f"there is already a person '{entity_id}'; choose another id")
        if entity_id in self.source_kinds:
            raise ProjectFileError(f"there is already a source '{entity_id}'; choose another id")

    def check_no_errors_in(self, path: Path) -> None:
        """Refuse to edit a file that has errors: the edit could not be checked against what it holds."""
        shown = self.shown(path)
        errors = [d for d in self.report.sorted() if d.severity == "error" and d.location.path == shown]
        if errors:
            raise ProjectFileError(f"{shown} has errors; fix them first:\n" + "\n".join(map(str, errors)))


def _items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _id_of(item: Any) -> str | None:
    return str(item["id"]) if isinstance(item, dict) and "id" in item else None


def check_id(value: str, what: str) -> str:
    """`value` when it can be an id; else a refusal naming `what`, with an id made from `value` to try."""
    if value in RESERVED_SLUGS:
        raise ProjectFileError(f"{what} '{value}' is a file name Windows reserves; choose another id")
    if SLUG.match(value) and len(value) <= MAX_SLUG:
        return value
    suggestion = slugify(value)
    hint = f"; try '{suggestion}'" if suggestion and suggestion not in RESERVED_SLUGS else ""
    raise ProjectFileError(
        f"{what} '{value}' is not an id: use lowercase letters, digits and single hyphens, at most {MAX_SLUG}{hint}"
    )


# ---- YAML values ----

YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}
PROSE = re.compile(r"[^\W\d_][\w .,'\u2019()-]*[\w.)]\Z|[^\W\d_]\Z")  # words and light punctuation
WEB_ADDRESS = re.compile(r"(https?|mailto):\S*\Z")


def yaml_scalar(text: str, in_flow: bool = False) -> str:
    """`text` as a YAML scalar on one line (inside a flow list `[...]` with `in_flow`): plain when it is prose,
    an id or a web address that YAML reads back as the same text (`null` or `2020` would not), else quoted."""
    if _looks_plain(text, in_flow) and _reads_back(text, text, in_flow):
        return text
    quoted = json.dumps(text, ensure_ascii=False)  # JSON's escapes, which YAML reads, and people know
    if _reads_back(quoted, text, in_flow):
        return quoted
    # What JSON leaves raw and YAML does not take so (DEL, C1 controls, line separators): YAML's own escapes.
    dumped = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=1_000_000)
    return dumped.removesuffix("\n...\n").removesuffix("\n")


def _looks_plain(text: str, in_flow: bool) -> bool:
    is_prose = bool(PROSE.match(text)) and text.lower() not in YAML_WORDS
    if in_flow:
        return is_prose and "," not in text
    return is_prose or bool(SLUG.match(text) or WEB_ADDRESS.match(text))


def _reads_back(written: str, text: str, in_flow: bool) -> bool:
    try:
        if in_flow:
            return bool(yaml.safe_load(f"key: [{written}]") == {"key": [text]})
        return bool(yaml.safe_load(f"key: {written}") == {"key": text})
    except yaml.YAMLError:
        return False


# ---- adding an entry to a YAML list, as text ----


def append_yaml_entry(path: Path, entry: str, key: str | None, shown: str) -> bool:
    """Add `entry` (one YAML list item at column 0) to the top-level list of `path`, or to its list `key`;
    True when the file was made. The file keeps its byte order mark and line endings."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise ProjectFileError(f"{shown} is a link or not a file; add the entry by hand:\n{entry}")
    existed = path.exists()
    try:
        data = path.read_bytes() if existed else b""
        text = data.removeprefix(UTF8_BOM).decode("utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        raise ProjectFileError(f"cannot read {shown} ({problem}); add the entry by hand:\n{entry}") from None
    is_crlf = "\r\n" in text and text.count("\n") == text.count("\r\n")
    lf_text = text.replace("\r\n", "\n") if is_crlf else text
    updated = append_to_list(lf_text, entry, key, shown)
    _check_reads_back(lf_text, updated, entry, key, shown)
    if is_crlf:
        updated = updated.replace("\n", "\r\n")
    bom = UTF8_BOM if data.startswith(UTF8_BOM) else b""
    write_atomically(path, bom + updated.encode("utf-8"))
    return not existed


def _check_reads_back(text: str, updated: str, entry: str, key: str | None, shown: str) -> None:
    """Refuse unless `updated` reads as `text` plus the entry, and as dossier reads files, with no error."""
    expected = copy.deepcopy(yaml.safe_load(text)) if text.strip() else None
    item = yaml.safe_load(entry)[0]
    if key is None:
        expected = [*(expected or []), item]
    else:
        expected = dict(expected or {})
        expected[key] = [*(expected.get(key) or []), item]
    try:
        is_as_expected = yaml.safe_load(updated) == expected
    except yaml.YAMLError:
        is_as_expected = False
    report = Report()
    parse_yaml(updated, shown, report)
    if not is_as_expected or report.has_errors:
        raise ProjectFileError(f"could not add the entry to {shown} without disturbing it; add it by hand:\n{entry}")


def append_to_list(text: str, entry: str, key: str | None, shown: str) -> str:
    """`text` with `entry` (a YAML list item at column 0) appended to the top-level list, or to list `key`."""
    root = _compose(text, shown)
    ending = "" if not text or text.endswith("\n") else "\n"
    if key is None:
        if root is None:  # empty, or comments only
            return text + ending + ("\n" if text.strip() else "") + entry
        if _is_empty(root):  # `[]` or `~`
            return text[: root.start_mark.index] + entry.rstrip("\n") + text[root.end_mark.index :]
        if isinstance(root, yaml.SequenceNode) and root.flow_style is not True:
            return _splice_into_block_list(text, root, entry)
        raise ProjectFileError(f"{shown} is not a block list ('- id: ...' entries); add the entry by hand:\n{entry}")
    if root is None:
        return text + ending + f"{key}:\n" + _indent(entry, 2)
    if not isinstance(root, yaml.MappingNode):
        raise ProjectFileError(f"{shown} is not a mapping of keys; add the entry by hand:\n{entry}")
    for key_node, value_node in root.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            if _is_empty(value_node):
                return _splice_as_value(text, value_node, entry, key_node.start_mark.column + 2)
            if isinstance(value_node, yaml.SequenceNode) and value_node.flow_style is not True:
                return _splice_into_block_list(text, value_node, entry)
            raise ProjectFileError(f"'{key}' in {shown} is not a block list; add the entry by hand:\n{entry}")
    return text + ending + f"\n{key}:\n" + _indent(entry, 2)


def _compose(text: str, shown: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as problem:
        raise ProjectFileError(f"{shown} is not valid YAML; fix it first: {problem}") from None


def _indent(text: str, columns: int) -> str:
    pad = " " * columns
    return "".join(pad + line if line.strip() else line for line in text.splitlines(keepends=True))


def _last_leaf(node: yaml.Node) -> yaml.Node:
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return node


def _needs_blank_line(text: str, items: list[yaml.Node], entry: str) -> bool:
    """An empty line before the new entry when the list's entries are spaced out (as people.yaml's are), or
    when the entry opens with a comment, which would read as part of the entry above it."""
    if entry.startswith("#"):
        return True
    if len(items) < 2:
        return False
    line = items[-1].start_mark.line
    return line > 0 and not text.split("\n")[line - 1].strip()


def _end_of_items(text: str, sequence: yaml.SequenceNode) -> int:
    """Where to insert after a block list's last item: after its last line, before trailing blank lines."""
    position = _last_leaf(sequence).end_mark.index
    if position == 0 or text[position - 1] != "\n":
        newline = text.find("\n", position)
        position = len(text) if newline < 0 else newline + 1
    while position >= 2 and text[position - 1] == "\n" and text[position - 2] == "\n":
        position -= 1
    return _after_item_comments(text, position, sequence.start_mark.column)


def _after_item_comments(text: str, position: int, column: int) -> int:
    """Past the comment lines indented under the last item (its commented-out keys), which belong to it."""
    end = position
    for line in text[position:].splitlines(keepends=True):
        stripped = line.strip()
        if not stripped:
            position += len(line)
            continue
        if not stripped.startswith("#") or len(line) - len(line.lstrip(" ")) <= column:
            break
        position += len(line)
        end = position
    return end


def _splice_into_block_list(text: str, sequence: yaml.SequenceNode, entry: str) -> str:
    position = _end_of_items(text, sequence)
    block = _indent(entry, sequence.start_mark.column)
    if _needs_blank_line(text, sequence.value, entry):
        block = "\n" + block
    if position > 0 and text[position - 1] != "\n":
        block = "\n" + block
    return text[:position] + block + text[position:]


def _splice_as_value(text: str, value: yaml.Node, entry: str, columns: int) -> str:
    """Replace an empty value (`claims:`, `claims: []`) with a block list holding the entry."""
    start, end = value.start_mark.index, value.end_mark.index
    while start > 0 and text[start - 1] == " ":
        start -= 1
    return text[:start] + "\n" + _indent(entry, columns).rstrip("\n") + text[end:]


def _is_empty(node: yaml.Node) -> bool:
    if isinstance(node, yaml.ScalarNode):
        return node.tag == "tag:yaml.org,2002:null"
    return isinstance(node, yaml.SequenceNode) and node.flow_style is True and not node.value
