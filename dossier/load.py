"""Read content/ into raw records: located YAML values and Markdown bodies, nothing interpreted yet."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dossier.cache import CacheStore, digest, fingerprint, version_key
from dossier.diagnostics import Location, Report
from dossier.kept_files import NotARegularFile, read_regular
from dossier.model import Article, Claim, Config, Source, Story
from dossier.yaml_reader import decode_text, parse_yaml, twin_yaml_problem, unclosed_direction_problem, yaml_file

PEOPLE_FILE = "people.yaml"
SOURCES_FILE = "sources.yaml"
STORY_FILE = "story.yaml"
YAML_SUFFIXES = (".yaml", ".yml")  # read alike; see located.yaml_file
FRONT_MATTER_FENCE = "---"
# Larger files are refused: a dossier article is a news story, not a book.
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass
class RawArticle:
    id: str
    path: str  # as shown in diagnostics: relative to the project
    front: Any  # LocatedDict when the front matter parsed
    body: str
    body_line: int  # the line of the file the body starts on
    sidecar_path: str
    sidecar: Any  # LocatedDict, or None when there is no sidecar


# A diagnostic as the story memo keeps it: (severity, location, message).
KeptDiagnostic = tuple[str, Location, str]


@dataclass
class StoryMemo:
    """What validation and the placeholder check made of one story folder, with every diagnostic they and load
    gave, kept in the build cache under a digest of the folder's files and the settings (StoryMemos): a rebuild
    parses and validates again only the folders that changed. Ids and references are checked against the
    others' on each build (validate replays `claimed` and `references`), so an unchanged story still gets the
    errors a changed registry or another story gives it."""

    load: list[KeptDiagnostic] = field(default_factory=list)
    validate: list[KeptDiagnostic] = field(default_factory=list)
    placeholders: list[KeptDiagnostic] = field(default_factory=list)
    claimed: list[tuple[str, str, Location]] = field(default_factory=list)  # (namespace, id, where), in order
    references: list[tuple[tuple[str, ...], str, Location, str]] = field(default_factory=list)  # validate's
    draft_paths: list[str] = field(default_factory=list)
    story: Story | None = None
    sources: list[Source] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    # A fingerprint of each article's annotations, in the order of `articles`: anchoring's memo takes it instead
    # of fingerprinting an unchanged story's annotations again on every build (see anchor/stage.py).
    annotation_prints: list[str] = field(default_factory=list)

    def as_stored(self) -> tuple[Any, ...]:
        """A plain tuple: the cache may name only the model's classes (cache.ALLOWED_CLASSES)."""
        return tuple(getattr(self, name) for name in self.__dataclass_fields__)

    @classmethod
    def from_stored(cls, stored: Any) -> StoryMemo | None:
        """The memo `as_stored` made, or None for anything else (a damaged cache: the story is read again)."""
        if not isinstance(stored, tuple) or len(stored) != len(cls.__dataclass_fields__):
            return None
        memo = cls(*stored)
        return memo if memo._has_its_shape() else None

    def _has_its_shape(self) -> bool:
        """Checked by map and set, column by column, in C: a rebuild checks some 17,000 rows at 1,000 articles.
        Types must be exactly those as_stored gives (the cache names no subclass of them)."""
        diagnostics = [*self.load, *self.validate, *self.placeholders]
        return (
            _all_lists(self.load, self.validate, self.placeholders, self.claimed, self.references, self.draft_paths)
            and _all_lists(self.sources, self.claims, self.articles, self.annotation_prints)
            and len(self.annotation_prints) == len(self.articles)
            and _are_rows(diagnostics, (str, Location, str))
            and {severity for severity, _, _ in diagnostics} <= {"error", "warning"}
            and _are_rows(self.claimed, (str, str, Location))
            and _are_rows(self.references, (tuple, str, Location, str))
            and (self.story is None or isinstance(self.story, Story))
            and _are_all(self.draft_paths, str)
            and _are_all(self.annotation_prints, str)
            and _are_all(self.sources, Source)
            and _are_all(self.claims, Claim)
            and _are_all(self.articles, Article)
        )


def _all_lists(*values: Any) -> bool:
    return all(type(value) is list for value in values)


def _are_all(values: Iterable[Any], kind: type) -> bool:
    """Whether each of `values` is exactly of type `kind`."""
    return set(map(type, values)) <= {kind}


def _are_rows(rows: list[Any], kinds: tuple[type, ...]) -> bool:
    """Whether each of `rows` is a tuple of one value of each of `kinds` (exactly that type), in order."""
    return (
        _are_all(rows, tuple)
        and set(map(len, rows)) <= {len(kinds)}
        and all(_are_all(column, kind) for column, kind in zip(zip(*rows, strict=True), kinds, strict=False))
    )


@dataclass
class RawStory:
    id: str
    path: str  # of story.yaml
    record: Any
    articles: list[RawArticle] = field(default_factory=list)
    # With the build cache: the key the story's memo is (or will be) kept under, None when its folder holds
    # anything but regular files (read as always, with every check); the memo read back (then `record` and
    # `articles` are empty: validate replays it, or calls `reread` when its ids clash with another's); the
    # memo this build makes (validate and report_placeholders fill it).
    memo_key: str | None = None
    memo: StoryMemo | None = None
    made: StoryMemo | None = None
    reread: Callable[[], RawStory] | None = None


@dataclass
class RawDossier:
    people_path: str
    people: Any
    sources_path: str
    sources: Any
    stories: list[RawStory] = field(default_factory=list)


def display_path(path: Path, project_dir: Path) -> str:
    try:
        return path.relative_to(project_dir).as_posix()
    except ValueError:
        return path.as_posix()


def is_inside(path: Path, folder: Path) -> bool:
    """True when `path`, with every link followed, lies inside `folder`."""
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def read_text(path: Path, shown: str, project_dir: Path, report: Report) -> str | None:
    """A file's text (see yaml_reader.decode_text), or None with a located error: outside the project, not a
    regular file (a FIFO would make the build wait for ever), too big."""
    if not is_inside(path, project_dir):
        report.error(Location(shown), "this file is a link to outside the project; it is not read")
        return None
    try:
        kind = _special_kind(path.stat().st_mode)
        if kind:
            report.error(Location(shown), f"this is {kind}, not a regular file: it is not read")
            return None
        data = read_regular(path, limit=MAX_FILE_BYTES, follow=True)  # checked again on the open file
    except OSError as problem:
        too_big = isinstance(problem, NotARegularFile) and problem.errno == errno.EFBIG
        size_cap = f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB"
        report.error(Location(shown), size_cap if too_big else f"cannot read the file: {problem.strerror or problem}")
        return None
    return decode_text(data, shown, report)


_SPECIAL_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


def _special_kind(mode: int) -> str | None:
    """What a path that is no regular file is, in words; None for a regular file."""
    return next((name for is_kind, name in _SPECIAL_KINDS if is_kind(mode)), None)


# Parses one YAML text (text, shown path, report, line offset): parse_yaml, or a memo of it (memoised_yaml).
YamlParser = Callable[[str, str, Report, int], Any]
YAML_CACHE = "yaml"  # the build cache's namespace for memoised_yaml


def memoised_yaml(store: CacheStore) -> YamlParser:
    """parse_yaml, with each text's located values kept in the build cache (texts that parse without a problem)."""

    def parse(text: str, path: str, report: Report, line_offset: int) -> Any:
        key = digest(version_key(), YAML_CACHE, text, path, str(line_offset))
        found = store.get(YAML_CACHE, key)
        if isinstance(found, tuple) and len(found) == 1:
            return found[0]
        own = Report()
        value = parse_yaml(text, path, own, line_offset)
        report.extend(own)
        if not own.diagnostics:
            store.put(YAML_CACHE, key, (value,))
        return value

    return parse


def read_yaml_file(path: Path, shown: str, project_dir: Path, report: Report, parse: YamlParser = parse_yaml) -> Any:
    text = read_text(path, shown, project_dir, report)
    return None if text is None else parse(text, shown, report, 0)


def split_front_matter(text: str, shown: str, report: Report, parse: YamlParser = parse_yaml) -> tuple[Any, str, int]:
    """(front matter values, body, line the body starts on). The front matter's lines keep their file lines."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        report.error(Location(shown), "an article starts with front matter between '---' lines (title, outlet, ...)")
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].strip() in (FRONT_MATTER_FENCE, "..."):
            front_text = "\n".join(lines[1:index])
            front = parse(front_text, shown, report, 1)
            return front, "\n".join(lines[index + 1 :]), index + 2
    report.error(Location(shown), "the front matter has no closing '---' line")
    return None, "", len(lines)


def find_yaml(folder: Path, name: str, project_dir: Path, report: Report) -> Path:
    """The YAML file `name` (`people.yaml`, or a sidecar's stem) in `folder`, spelt .yaml or .yml; both there is a
    located error."""
    stem = name.removesuffix(".yaml")
    problem = twin_yaml_problem(folder, stem)
    if problem:
        report.error(Location(display_path(folder / f"{stem}.yml", project_dir), 1, 1), problem)
    return yaml_file(folder, stem)


def load_article(md_path: Path, project_dir: Path, report: Report, parse: YamlParser = parse_yaml) -> RawArticle | None:
    shown = display_path(md_path, project_dir)
    text = read_text(md_path, shown, project_dir, report)
    if text is None:
        return None
    from dossier.text import markdown_budget_problem  # here: what a build that stops early reads imports no Markdown

    front, body, body_line = split_front_matter(text, shown, report, parse)
    unclosed = unclosed_direction_problem(body)
    if unclosed:
        report.warning(_body_location(body, unclosed[0], shown, body_line), unclosed[1])
    too_much = markdown_budget_problem(body)
    if too_much:  # the article is left out, as an unreadable one is: reading it would take too long
        offset, problem = too_much
        report.error(_body_location(body, offset, shown, body_line), problem)
        return None
    sidecar_file = find_yaml(md_path.parent, md_path.stem, project_dir, report)
    sidecar_shown = display_path(sidecar_file, project_dir)
    sidecar = read_yaml_file(sidecar_file, sidecar_shown, project_dir, report, parse) if sidecar_file.exists() else None
    return RawArticle(md_path.stem, shown, front, body, body_line, sidecar_shown, sidecar)


def _body_location(body: str, offset: int, shown: str, body_line: int) -> Location:
    line_start = body.rfind("\n", 0, offset) + 1
    return Location(shown, body_line + body.count("\n", 0, offset), offset - line_start + 1)


def load_story(story_dir: Path, project_dir: Path, report: Report, parse: YamlParser = parse_yaml) -> RawStory:
    story_file = find_yaml(story_dir, STORY_FILE, project_dir, report)
    shown = display_path(story_file, project_dir)
    story = RawStory(story_dir.name, shown, read_yaml_file(story_file, shown, project_dir, report, parse))
    for md_path in sorted(story_dir.glob("*.md")):
        if md_path.name.startswith((".", "_")) or md_path.name.upper() == "README.MD":
            continue
        article = load_article(md_path, project_dir, report, parse)
        if article is not None:
            story.articles.append(article)
    yaml_paths = sorted(path for path in story_dir.iterdir() if path.suffix in YAML_SUFFIXES)
    for yaml_path in yaml_paths:
        if yaml_path.stem != STORY_FILE.removesuffix(".yaml") and not yaml_path.with_suffix(".md").exists():
            report.error(
                Location(display_path(yaml_path, project_dir)),
                f"annotations without an article: there is no {yaml_path.stem}.md beside this file",
            )
    return story


# What load reads in a story folder: a memo's key covers each such file's name and bytes.
STORY_FILE_SUFFIXES = (".md", *YAML_SUFFIXES)


def file_digest(data: bytes) -> str:
    """The digest of a file's content that a story memo's key and the last build's table of files hold."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


# The files a build's first step found (last_build.inputs_digest): resolved path -> [size, modification time in
# ns, file_digest of the content].
KnownFiles = Mapping[str, list[Any]]


class StoryMemos:
    """Story memos in the build cache (in load's namespace, YAML_CACHE), under a digest of a story folder's
    files, its place, and `settings` (dossier.yaml, whether drafts are built, dossier's version and code).

    `known` holds the digests of the content's files that `dossier build` took in its first step, when it looked
    for a change since the last build: a file whose size and time are still those is not read again (that step
    trusts them too: when no file's changed, it stops)."""

    def __init__(
        self, store: CacheStore, config: Config, include_drafts: bool, known: KnownFiles | None = None
    ) -> None:
        self.store = store
        self.settings = digest(version_key(), "story memo", fingerprint(config), f"drafts={include_drafts}")
        self.known = known or {}
        # Every file a key was taken from, as `known` holds them: what a long-running process (`serve`) passes as
        # `known` to its next build.
        self.files: dict[str, list[Any]] = {}

    def key(self, story_dir: Path, shown: str) -> str | None:
        """The key of the folder's memo; None when a file load reads there is a link, no regular file or too
        big (load reads such a folder file by file, with the checks and errors of SECURITY.md)."""
        if story_dir.is_symlink():
            return None
        parts: list[str | bytes] = [self.settings, shown]
        real_dir = str(story_dir.resolve())
        with os.scandir(story_dir) as entries:
            for entry in sorted(entries, key=lambda entry: entry.name):
                if not entry.name.endswith(STORY_FILE_SUFFIXES):
                    continue
                if not entry.is_file(follow_symlinks=False):
                    return None
                content = self._digest(entry, os.path.join(real_dir, entry.name))
                if content is None:
                    return None
                parts += [entry.name, content]
        return digest(*parts)

    def _digest(self, entry: os.DirEntry[str], real_path: str) -> str | None:
        """The file's digest: as `known` holds it when its size and time are those it was taken with, else read.
        Its size and time are taken before it is read: a file changed while being read is read again next time."""
        try:
            status = entry.stat(follow_symlinks=False)
        except OSError:
            return None
        stamp = [status.st_size, status.st_mtime_ns]
        known = self.known.get(real_path)
        if isinstance(known, list) and len(known) == 3 and isinstance(known[2], str) and known[:2] == stamp:
            content: str | None = known[2]
        else:
            content = self._read_digest(entry.path)
        if content is not None:
            self.files[real_path] = [*stamp, content]
        return content

    @staticmethod
    def _read_digest(path: str) -> str | None:
        try:
            return file_digest(read_regular(path, limit=MAX_FILE_BYTES))
        except OSError:
            return None

    def get(self, key: str) -> StoryMemo | None:
        return StoryMemo.from_stored(self.store.get(YAML_CACHE, key))

    def keep(self, raw: RawDossier) -> None:
        """Store the memos this build made (validate and report_placeholders have run)."""
        for story in raw.stories:
            if story.memo_key and story.made:
                self.store.put(YAML_CACHE, story.memo_key, story.made.as_stored())


def annotation_prints(raw: RawDossier, articles: Mapping[str, Article]) -> dict[str, str]:
    """The fingerprint of each article's annotations that its story memo holds (see StoryMemo), for the
    articles of `articles` (the model's) that are the very ones of a memo read back or made in this build."""
    prints: dict[str, str] = {}
    for story in raw.stories:
        memo = story.memo or story.made
        for article, print_ in zip(memo.articles, memo.annotation_prints, strict=True) if memo else ():
            if articles.get(article.id) is article:
                prints[article.id] = print_
    return prints


def _memoised_story(
    story_dir: Path, project_dir: Path, report: Report, parse: YamlParser, memos: StoryMemos
) -> RawStory:
    """The story read back from its memo (its load diagnostics given again), else read from its files with a
    new memo to fill. A folder that can have a memo is parsed without the YAML memo (`parse`): its own memo
    takes the place of its files' (a cold build pickles the model once, not the located YAML too)."""
    shown = display_path(yaml_file(story_dir, STORY_FILE), project_dir)
    key = memos.key(story_dir, display_path(story_dir, project_dir))
    found = memos.get(key) if key else None
    if found is None:
        before = len(report.diagnostics)
        story = load_story(story_dir, project_dir, report, parse_yaml if key else parse)
        story.memo_key = key
        if key:
            story.made = StoryMemo(load=[(d.severity, d.location, d.message) for d in report.diagnostics[before:]])
        return story
    for severity, location, message in found.load:
        (report.error if severity == "error" else report.warning)(location, message)
    return RawStory(
        story_dir.name, shown, None, memo_key=key, memo=found,
        reread=lambda: load_story(story_dir, project_dir, Report(), parse_yaml),  # its diagnostics were given again
    )  # fmt: skip


def load_dossier(
    project_dir: Path,
    content_dir: Path,
    report: Report,
    parse: YamlParser = parse_yaml,
    memos: StoryMemos | None = None,
) -> RawDossier:
    """Read every file of the dossier. Stories are the folders of content/ that hold a story.yaml.

    With `memos` (the build cache), a story folder whose files are unchanged is read back from its memo."""
    people_path = find_yaml(content_dir, PEOPLE_FILE, project_dir, report)
    sources_path = find_yaml(content_dir, SOURCES_FILE, project_dir, report)
    raw = RawDossier(
        display_path(people_path, project_dir),
        read_yaml_file(people_path, display_path(people_path, project_dir), project_dir, report, parse)
        if people_path.exists()
        else None,
        display_path(sources_path, project_dir),
        read_yaml_file(sources_path, display_path(sources_path, project_dir), project_dir, report, parse)
        if sources_path.exists()
        else None,
    )
    if not content_dir.is_dir():
        report.error(Location(display_path(content_dir, project_dir)), "the content folder does not exist")
        return raw
    for story_dir in sorted(p for p in content_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if yaml_file(story_dir, STORY_FILE).exists():
            if memos:
                raw.stories.append(_memoised_story(story_dir, project_dir, report, parse, memos))
            else:
                raw.stories.append(load_story(story_dir, project_dir, report, parse))
        elif any(story_dir.glob("*.md")):
            report.error(
                Location(display_path(story_dir, project_dir)),
                f"this folder has articles but no {STORY_FILE}",
            )
    return raw
