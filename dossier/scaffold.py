"""`dossier init` and `dossier new`: write skeletons that pass `dossier check` as they are.

The skeletons are files of the built-in theme (`themes/default/scaffold/`, see its README.md), never strings
in here. New files are created exclusively (nothing is ever overwritten); a person, source or claim is added
to its YAML file as text, so the editor's comments and layout stay exactly as they were, and the result is
parsed again before it is written: if the file would not read back as before plus the new entry, nothing is
written and the entry is printed to paste by hand.
"""

from __future__ import annotations

import copy
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dossier.atomic_write import write_atomically
from dossier.config import CONFIG_FILE, load_config
from dossier.diagnostics import Report, did_you_mean
from dossier.load import PEOPLE_FILE, SOURCES_FILE, STORY_FILE, RawDossier, display_path, load_dossier
from dossier.model import SOURCE_KINDS, Config
from dossier.schema import MAX_SLUG, SLUG, slugify
from dossier.themes import DEFAULT_THEME, builtin_themes_dir

TEMPLATE_SUFFIX = ".in"
DOT_PREFIX = "dot-"  # package data skips dotfiles: `dot-gitignore` is written as `.gitignore`
IGNORED_IN_EMPTY_FOLDER = frozenset({".git"})
DEFAULT_VERDICT = "unverified"
COMMENTED = "# "  # an optional line left as a hint


class ScaffoldError(Exception):
    """A refusal: the message says why, and what to do instead."""


@dataclass
class Written:
    project_dir: Path
    created: list[Path] = field(default_factory=list)
    changed: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def _shown(self, path: Path) -> str:
        return display_path(path, self.project_dir)

    def lines(self) -> list[str]:
        return (
            [f"wrote {self._shown(p)}" for p in self.created]
            + [f"added to {self._shown(p)}" for p in self.changed]
            + [f"kept {self._shown(p)} (it was already there)" for p in self.kept]
            + self.notes
        )


def scaffold_dir() -> Path:
    return builtin_themes_dir() / DEFAULT_THEME / "scaffold"


def yaml_scalar(value: str) -> str:
    """`value` as a YAML scalar on one line: plain where YAML reads it back as the same text, quoted otherwise."""
    dumped = yaml.safe_dump(value, allow_unicode=True, width=1_000_000)
    return dumped.removesuffix("\n...\n").removesuffix("\n")


def fill(skeleton: Path, values: Mapping[str, str]) -> str:
    text = skeleton.read_text(encoding="utf-8")
    return string.Template(text).substitute(values) if skeleton.name.endswith(TEMPLATE_SUFFIX) else text


def _create(path: Path, text: str) -> None:
    """Write a new file; refuse when anything is already there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as new_file:
            new_file.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists; nothing was written") from None


def check_id(value: str, what: str) -> str:
    if SLUG.match(value) and len(value) <= MAX_SLUG:
        return value
    suggestion = slugify(value)
    hint = f"; try '{suggestion}'" if suggestion else ""
    raise ScaffoldError(
        f"{what} '{value}' is not an id: use lowercase letters, digits and single hyphens, at most {MAX_SLUG}{hint}"
    )


def _one_line(value: str, what: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise ScaffoldError(f"the {what} is empty")
    return text


def _humanise(slug: str) -> str:
    words = slug.replace("_", "-").split("-")
    text = " ".join(word for word in words if word)
    return text[:1].upper() + text[1:] if text else "My dossier"


# ---- dossier init ----


def _target_path(folder: Path, relative: Path) -> Path:
    parts = [("." + part[len(DOT_PREFIX) :]) if part.startswith(DOT_PREFIX) else part for part in relative.parts]
    parts[-1] = parts[-1].removesuffix(TEMPLATE_SUFFIX)
    return folder.joinpath(*parts)


def init_project(folder: Path, title: str | None = None, force: bool = False) -> Written:
    """Write a new dossier with a sample story into `folder`; with `force` into a non-empty one, keeping its files."""
    if folder.exists() and not folder.is_dir():
        raise ScaffoldError(f"{folder} is a file, not a folder")
    present = (
        sorted(p.name for p in folder.iterdir() if p.name not in IGNORED_IN_EMPTY_FOLDER) if folder.exists() else []
    )
    if present and not force:
        shown = ", ".join(present[:5]) + (f" and {len(present) - 5} more" if len(present) > 5 else "")
        raise ScaffoldError(
            f"{folder} is not empty ({shown}); choose an empty folder, or add --force to write the new dossier's "
            "files beside these (an existing file is never overwritten)"
        )
    values = {"title": yaml_scalar(_one_line(title, "title") if title else _humanise(folder.resolve().name))}
    skeleton = scaffold_dir() / "init"
    written = Written(folder)
    for source in sorted(skeleton.rglob("*")):
        if not source.is_file():
            continue
        target = _target_path(folder, source.relative_to(skeleton))
        if target.exists() or target.is_symlink():
            written.kept.append(target)
            continue
        _create(target, fill(source, values))
        written.created.append(target)
    if not written.created and not written.kept:
        raise ScaffoldError(
            f"the new dossier's files are missing from this installation ({skeleton}); reinstall dossier"
        )
    if written.kept:
        written.notes.append(f"{len(written.kept)} files were already there and were left as they were")
    where = "" if folder.resolve() == Path.cwd() else f"cd {folder} && "
    written.notes.append(f"next: {where}dossier serve")
    return written


# ---- dossier new: what the project already holds ----


def _items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _id_of(item: Any) -> str | None:
    return str(item["id"]) if isinstance(item, dict) and "id" in item else None


@dataclass
class _Project:
    """The ids a new entry must not repeat and may refer to, read from the files as they are."""

    project_dir: Path
    config: Config
    content_dir: Path
    raw: RawDossier
    report: Report
    people: set[str] = field(default_factory=set)
    sources: dict[str, str] = field(default_factory=dict)  # id -> kind
    claims: set[str] = field(default_factory=set)
    stories: set[str] = field(default_factory=set)
    articles: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, project_dir: Path) -> _Project:
        report = Report()
        config = load_config(project_dir, report)
        if config is None:
            problem = report.sorted()[0] if report.diagnostics else f"cannot read {CONFIG_FILE}"
            raise ScaffoldError(f"{problem}")
        content_dir = project_dir / config.content_dir
        raw = load_dossier(project_dir, content_dir, report) if content_dir.is_dir() else RawDossier("", None, "", None)
        project = cls(project_dir, config, content_dir, raw, report)
        project.people = {i for i in map(_id_of, _items(raw.people)) if i}
        all_sources = _items(raw.sources)
        for story in raw.stories:
            record = story.record if isinstance(story.record, dict) else {}
            all_sources += _items(record.get("sources"))
            project.claims |= {i for i in map(_id_of, _items(record.get("claims"))) if i}
            project.stories.add(story.id)
            project.articles |= {article.id for article in story.articles}
        project.sources = {i: str(s.get("kind", "")) for s in all_sources if (i := _id_of(s))}
        return project

    def shown(self, path: Path) -> str:
        return display_path(path, self.project_dir)

    def story_file(self, story_id: str) -> Path:
        check_id(story_id, "the story")
        path = self.content_dir / story_id / STORY_FILE
        if not path.is_file():
            known = sorted(self.stories)
            hint = f"{did_you_mean(story_id, known)}" if known else "; make it with `dossier new story`"
            raise ScaffoldError(f"there is no story '{story_id}' ({self.shown(path)} does not exist){hint}")
        return path

    def check_new_entity_id(self, entity_id: str) -> None:
        """People and sources share one set of ids."""
        if entity_id in self.people:
            raise ScaffoldError(f"there is already a person '{entity_id}'; choose another id")
        if entity_id in self.sources:
            raise ScaffoldError(f"there is already a source '{entity_id}'; choose another id")

    def check_no_errors_in(self, path: Path) -> None:
        shown = self.shown(path)
        errors = [d for d in self.report.sorted() if d.severity == "error" and d.location.path == shown]
        if errors:
            raise ScaffoldError(f"{shown} has errors; fix them first:\n" + "\n".join(map(str, errors)))


# ---- dossier new: appending an entry to a YAML list, as text ----


def _indent(text: str, columns: int) -> str:
    pad = " " * columns
    return "".join(pad + line if line.strip() else line for line in text.splitlines(keepends=True))


def _last_leaf(node: yaml.Node) -> yaml.Node:
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return node


def _is_blank_separated(text: str, items: list[yaml.Node]) -> bool:
    """True when the list's last item is preceded by an empty line (entries spaced out, as people.yaml is)."""
    if len(items) < 2:
        return False
    lines = text.split("\n")
    line = items[-1].start_mark.line
    return line > 0 and not lines[line - 1].strip()


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
    if _is_blank_separated(text, sequence.value):
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


def _compose(text: str, shown: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as problem:
        raise ScaffoldError(f"{shown} is not valid YAML; fix it first: {problem}") from None


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
        raise ScaffoldError(f"{shown} is not a block list ('- id: ...' entries); add the entry by hand:\n{entry}")
    if root is None:
        return text + ending + f"{key}:\n" + _indent(entry, 2)
    if not isinstance(root, yaml.MappingNode):
        raise ScaffoldError(f"{shown} is not a mapping of keys; add the entry by hand:\n{entry}")
    for key_node, value_node in root.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            if _is_empty(value_node):
                return _splice_as_value(text, value_node, entry, key_node.start_mark.column + 2)
            if isinstance(value_node, yaml.SequenceNode) and value_node.flow_style is not True:
                return _splice_into_block_list(text, value_node, entry)
            raise ScaffoldError(f"'{key}' in {shown} is not a block list; add the entry by hand:\n{entry}")
    return text + ending + f"\n{key}:\n" + _indent(entry, 2)


def _append_entry(path: Path, entry: str, key: str | None, shown: str) -> bool:
    """Append `entry` to the list in `path`; True when the file was created. Verifies before writing."""
    existed = path.exists()
    text = path.read_text(encoding="utf-8") if existed else ""
    updated = append_to_list(text, entry, key, shown)
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
    if not is_as_expected:
        raise ScaffoldError(f"could not add the entry to {shown} without disturbing it; add it by hand:\n{entry}")
    if existed:
        write_atomically(path, updated.encode("utf-8"))
    else:
        _create(path, updated)
    return not existed


# ---- dossier new: each kind ----


def _skeleton(name: str, values: Mapping[str, str]) -> str:
    return fill(scaffold_dir() / "new" / f"{name}{TEMPLATE_SUFFIX}", values)


def _toggle(is_on: bool) -> str:
    return "" if is_on else COMMENTED


def _check_url(url: str | None) -> str | None:
    if url is not None and not url.startswith(("http://", "https://")):
        raise ScaffoldError(f"the url must start with http:// or https://, not '{url}'")
    return url


def new_story(project: _Project, story_id: str, title: str | None, is_draft: bool) -> Written:
    check_id(story_id, "the story id")
    path = project.content_dir / story_id / STORY_FILE
    if path.exists():
        raise ScaffoldError(f"{project.shown(path)} already exists; nothing was written")
    values = {
        "title": yaml_scalar(_one_line(title, "title") if title else _humanise(story_id)),
        "story": story_id,
        "draft_off": _toggle(is_draft),
    }
    _create(path, _skeleton("story.yaml", values))
    written = Written(project.project_dir, created=[path])
    written.notes.append(f"next: dossier new article {story_id} ARTICLE --outlet OUTLET")
    return written


def _outlet_for(project: _Project, article_id: str, outlet: str | None) -> str:
    outlets = sorted(i for i, kind in project.sources.items() if kind == "outlet")
    if outlet is None:
        if article_id in outlets:
            return article_id
        known = f" (outlets: {', '.join(outlets)})" if outlets else ""
        raise ScaffoldError(
            f"name the article's outlet with --outlet ID{known}; add a new one with "
            f'`dossier new source ID "Name" --kind outlet`'
        )
    check_id(outlet, "the outlet")
    if outlet in outlets:
        return outlet
    if outlet in project.sources:
        raise ScaffoldError(f"'{outlet}' is a source of kind '{project.sources[outlet]}', not an outlet")
    raise ScaffoldError(
        f"unknown outlet '{outlet}'{did_you_mean(outlet, outlets)}; add it with "
        f'`dossier new source {outlet} "Name" --kind outlet`'
    )


def new_article(
    project: _Project,
    story_id: str,
    article_id: str,
    outlet: str | None,
    title: str | None,
    url: str | None,
    is_draft: bool,
) -> Written:
    story_file = project.story_file(story_id)
    check_id(article_id, "the article id")
    markdown, sidecar = story_file.parent / f"{article_id}.md", story_file.parent / f"{article_id}.yaml"
    for path in (markdown, sidecar):
        if path.exists():
            raise ScaffoldError(f"{project.shown(path)} already exists; nothing was written")
    if article_id in project.articles:
        raise ScaffoldError(f"another story already has an article '{article_id}'; article ids are site-wide")
    values = {
        "title": yaml_scalar(_one_line(title, "title") if title else "The headline, as published"),
        "outlet": _outlet_for(project, article_id, outlet),
        "url": yaml_scalar(_check_url(url) or "https://"),
        "url_off": _toggle(url is not None),
        "draft_off": _toggle(is_draft),
        "article": article_id,
    }
    _create(markdown, _skeleton("article.md", values))
    _create(sidecar, _skeleton("article.yaml", values))
    written = Written(project.project_dir, created=[markdown, sidecar])
    written.notes.append(f"next: paste the article's text into {project.shown(markdown)}, annotate it in the .yaml")
    return written


def new_person(project: _Project, person_id: str, name: str) -> Written:
    check_id(person_id, "the person id")
    project.check_new_entity_id(person_id)
    path = project.content_dir / PEOPLE_FILE
    project.check_no_errors_in(path)
    entry = _skeleton("person.yaml", {"id": person_id, "name": yaml_scalar(_one_line(name, "name"))})
    return _appended(project, path, entry, None)


def new_source(project: _Project, source_id: str, name: str, kind: str, url: str | None) -> Written:
    check_id(source_id, "the source id")
    if kind not in SOURCE_KINDS:
        raise ScaffoldError(f"--kind must be one of {', '.join(SOURCE_KINDS)}, not '{kind}'")
    project.check_new_entity_id(source_id)
    path = project.content_dir / SOURCES_FILE
    project.check_no_errors_in(path)
    values = {
        "id": source_id,
        "name": yaml_scalar(_one_line(name, "name")),
        "kind": kind,
        "url": yaml_scalar(_check_url(url) or "https://"),
        "url_off": _toggle(url is not None),
    }
    return _appended(project, path, _skeleton("source.yaml", values), None)


def new_claim(
    project: _Project, story_id: str, claim_id: str, claimant: str, verdict: str | None, text: str | None
) -> Written:
    path = project.story_file(story_id)
    check_id(claim_id, "the claim id")
    if claim_id in project.claims:
        raise ScaffoldError(f"there is already a claim '{claim_id}'; claim ids are site-wide")
    known = project.people | set(project.sources)
    if claimant not in known:
        raise ScaffoldError(
            f"unknown claimant '{claimant}'{did_you_mean(claimant, known)}: a claimant is a person or source id; "
            f'add one with `dossier new person ID "Name"`'
        )
    scale = [v.id for v in project.config.verdicts]
    chosen = verdict or (DEFAULT_VERDICT if DEFAULT_VERDICT in scale else scale[-1])
    if chosen not in scale:
        raise ScaffoldError(f"unknown verdict '{chosen}'{did_you_mean(chosen, scale)}; the scale: {', '.join(scale)}")
    project.check_no_errors_in(path)
    values = {
        "id": claim_id,
        "claim": yaml_scalar(_one_line(text, "claim") if text else "The claim, in one sentence."),
        "claimant": claimant,
        "verdict": yaml_scalar(chosen),
    }
    return _appended(project, path, _skeleton("claim.yaml", values), "claims")


def _appended(project: _Project, path: Path, entry: str, key: str | None) -> Written:
    is_created = _append_entry(path, entry, key, project.shown(path))
    written = Written(project.project_dir)
    (written.created if is_created else written.changed).append(path)
    return written


def new_entity(project_dir: Path, kind: str, options: Mapping[str, Any]) -> Written:
    """Run `dossier new KIND` with the command line's options."""
    project = _Project.read(project_dir)
    if kind == "story":
        return new_story(project, options["story"], options.get("title"), bool(options.get("draft")))
    if kind == "article":
        return new_article(
            project,
            options["story"],
            options["article"],
            options.get("outlet"),
            options.get("title"),
            options.get("url"),
            bool(options.get("draft")),
        )
    if kind == "person":
        return new_person(project, options["id"], options["name"])
    if kind == "source":
        return new_source(project, options["id"], options["name"], options["source_kind"], options.get("url"))
    if kind == "claim":
        return new_claim(
            project, options["story"], options["id"], options["claimant"], options.get("verdict"), options.get("text")
        )
    raise ScaffoldError(f"unknown kind '{kind}': story, article, person, source or claim")
