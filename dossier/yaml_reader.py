"""YAML read into plain values that remember where each key and value stood.

PyYAML's composer keeps a start mark per node; we build dicts and lists from the node tree ourselves so
validation can name `file:line:column` for any key or value, and so duplicate keys, alias bombs and deep
nesting become located errors instead of silent overwrites or crashes.

Most files are well formed, so they are composed by libyaml (about nine times faster than PyYAML's Python
scanner); a file libyaml refuses, or one nested too deeply, is composed again by the Python loader, whose
errors are the ones we report. Both give the same nodes and marks for a well-formed file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
import yaml.cyaml
from yaml.constructor import SafeConstructor

from dossier.diagnostics import Location, Report
from dossier.yaml_syntax import explain_yaml_error

# A document that expands (through aliases) to more values than this is refused: an alias bomb.
MAX_VALUES = 200_000
# Lists and mappings nested deeper than this are refused as soon as the scanner meets them (a dossier's
# YAML is a handful of levels deep; PyYAML's scanner slows down with depth and its composer recurses).
MAX_DEPTH = 100


def yaml_file(folder: Path, name: str) -> Path:
    """`name` (`people.yaml`, or a sidecar's stem) in `folder`, spelt .yaml, or .yml where only that exists:
    editors use both spellings, and a file silently ignored for its suffix would drop everything in it."""
    stem = name.removesuffix(".yaml")
    path = folder / f"{stem}.yaml"
    other = folder / f"{stem}.yml"
    return other if other.exists() and not path.exists() else path


def twin_yaml_problem(folder: Path, name: str) -> str | None:
    """Why `stem.yml` may not stand beside `stem.yaml` (which one is meant is not ours to guess), or None."""
    stem = name.removesuffix(".yaml")
    if (folder / f"{stem}.yaml").exists() and (folder / f"{stem}.yml").exists():
        return f"both {stem}.yaml and {stem}.yml are here and dossier reads one: merge them into {stem}.yaml"
    return None


# Characters no page can carry: XML 1.0 refuses them (feeds, sitemaps) and HTML counts them as errors.
# Tab and line feed are fine; carriage returns never get this far (files are read with LF line ends).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def control_character_problem(text: str) -> tuple[int, str] | None:
    """(offset, message) of the first character no page can show, or None."""
    found = CONTROL_CHARACTERS.search(text)
    if found is None:
        return None
    return found.start(), f"the text holds the control character U+{ord(found.group()):04X}; remove it"


# Unicode's explicit direction formatting: embeddings and overrides (closed by PDF), isolates (closed by PDI, which
# also closes the embeddings opened inside them). One left open goes on acting on the text after the string it is
# in, up to the end of the paragraph: an override reverses it (the "Trojan Source" trick).
OPENERS = {
    "\u202a": "left-to-right embedding", "\u202b": "right-to-left embedding", "\u202d": "left-to-right override",
    "\u202e": "right-to-left override", "\u2066": "left-to-right isolate", "\u2067": "right-to-left isolate",
    "\u2068": "first-strong isolate",
}  # fmt: skip
POP_FORMATTING, POP_ISOLATE = "\u202c", "\u2069"
DIRECTION_FORMATTING = re.compile("[\u202a-\u202e\u2066-\u2069]")


def unclosed_direction_problem(text: str) -> tuple[int, str] | None:
    """(offset, message) of the first direction control that a line of the text leaves open, or None."""
    if text.isascii():  # most strings: told without a search (every YAML string of a build is checked)
        return None
    open_ones: list[int] = []  # offsets, innermost last
    scanned = 0  # the text before this has been looked at for line breaks: each character once
    for found in DIRECTION_FORMATTING.finditer(text):
        char, at = found.group(), found.start()
        if open_ones and text.find("\n", scanned, at) >= 0:  # each line on its own: a paragraph ends them all
            break
        scanned = at
        if char in OPENERS:
            open_ones.append(at)
        elif char == POP_FORMATTING and open_ones and text[open_ones[-1]] not in "\u2066\u2067\u2068":
            open_ones.pop()
        elif char == POP_ISOLATE:
            while open_ones and text[open_ones.pop()] not in "\u2066\u2067\u2068":
                pass
    if not open_ones:
        return None
    first = open_ones[0]
    name = OPENERS[text[first]]
    closer = "U+2069" if text[first] in "\u2066\u2067\u2068" else "U+202C"
    return first, (
        f"the text opens a {name} (U+{ord(text[first]):04X}) that it does not close: on a page it would act on the "
        f"words after it too, up to the end of their paragraph; close it ({closer}) or remove it"
    )


def decode_text(data: bytes, shown: str, report: Report) -> str | None:
    """A file's bytes as text: UTF-8 (a BOM is dropped), CRLF and CR made LF, no control characters.

    None, with an error at the line and column of the first bad byte or character, when it is not.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        before = data[: problem.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        report.error(
            Location(shown, line, column),
            f"the file is not valid UTF-8 (byte 0x{data[problem.start]:02x}); save it as UTF-8",
        )
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    unshowable = control_character_problem(text)
    if unshowable:
        offset, message = unshowable
        report.error(_position(text, offset, shown, 0), message)
        return None
    return text


class LocatedDict(dict[str, Any]):
    """A YAML mapping: keys are the keys' source text, each key and value with its Location."""

    def __init__(self, location: Location) -> None:
        super().__init__()
        self.location = location
        self.key_locations: dict[str, Location] = {}
        self.value_locations: dict[str, Location] = {}
        self.booleans_written: dict[str, str] = {}  # a value YAML read as a boolean: as written (`no`, `On`)

    def key_at(self, key: str) -> Location:
        return self.key_locations.get(key, self.location)

    def value_at(self, key: str) -> Location:
        return self.value_locations.get(key, self.location)

    def written_at(self, key: str) -> str | None:
        """How the value was written, when YAML read it as other than it looks (a boolean), else None."""
        return self.booleans_written.get(key)


class LocatedList(list[Any]):
    """A YAML sequence with the Location of each item."""

    def __init__(self, location: Location) -> None:
        super().__init__()
        self.location = location
        self.item_locations: list[Location] = []
        self.booleans_written: dict[int, str] = {}  # an item YAML read as a boolean: as written

    def item_at(self, index: int) -> Location:
        return self.item_locations[index] if index < len(self.item_locations) else self.location

    def written_at(self, index: int) -> str | None:
        """How the item was written, when YAML read it as other than it looks (a boolean), else None."""
        return self.booleans_written.get(index)


class InvalidScalar(str):
    """A scalar YAML could not construct (such as the date 2017-02-30): kept as text, flagged for validation."""

    problem: str = ""


class WrittenNumber(int):
    """An integer YAML read from other text than its digits (`007`, `0x1f`, `1_000`, the sexagesimal `12:30`):
    the same number, with what the editor wrote, so an id is never renamed silently (`007` is not `7`)."""

    written: str = ""


class _TooManyValues(Exception):
    pass


class _RefersToItself(Exception):
    pass


class _NestedTooDeeply(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__()
        self.mark = mark


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing nesting deeper than MAX_DEPTH where it starts."""

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        if self.flow_level >= MAX_DEPTH:
            raise _NestedTooDeeply(self.get_mark())
        super().fetch_flow_collection_start(TokenClass)

    def add_indent(self, column: int) -> bool:
        if len(self.indents) >= MAX_DEPTH:
            raise _NestedTooDeeply(self.get_mark())
        return bool(super().add_indent(column))


class _FastLoader(yaml.cyaml.CSafeLoader):
    """libyaml's composer with PyYAML's safe constructor, for files that turn out to be well formed."""


def _nesting_within(root: yaml.Node, limit: int) -> bool:
    """Whether no list or mapping in `root` lies deeper than `limit` (aliases are followed once)."""
    seen: set[int] = set()
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen or not isinstance(node, yaml.CollectionNode):
            continue
        if depth > limit:
            return False
        seen.add(id(node))
        children = node.value if isinstance(node, yaml.SequenceNode) else [value for _, value in node.value]
        stack.extend((child, depth + 1) for child in children)
    return True


def _compose_fast(text: str) -> tuple[yaml.Node | None, _FastLoader] | None:
    """The document's node tree composed by libyaml, or None when the Python loader must judge the file."""
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        loader.dispose()
        return None
    if node is not None and not _nesting_within(node, MAX_DEPTH):
        loader.dispose()
        return None
    return node, loader


def _expanded_size(root: yaml.Node) -> int:
    """How many values building `root` would make, aliases expanded, counted without expanding them."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in in_progress:
            raise _RefersToItself
        in_progress.add(key)
        if isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(value) for _, value in node.value)
        else:
            total = 1
        in_progress.discard(key)
        sizes[key] = min(total, MAX_VALUES + 1)
        return sizes[key]

    return size(root)


def _position(text: str, offset: int, path: str, line_offset: int) -> Location:
    line_start = text.rfind("\n", 0, offset) + 1
    return Location(path, text.count("\n", 0, offset) + 1 + line_offset, offset - line_start + 1)


def _location(mark: yaml.Mark | None, path: str, line_offset: int) -> Location:
    if mark is None:
        return Location(path, 1 + line_offset, 1)
    return Location(path, mark.line + 1 + line_offset, mark.column + 1)


class _Builder:
    def __init__(self, loader: SafeConstructor, path: str, line_offset: int, report: Report) -> None:
        self.loader = loader
        self.path = path
        self.line_offset = line_offset
        self.report = report
        self.count = 0

    def at(self, node: yaml.Node) -> Location:
        return _location(node.start_mark, self.path, self.line_offset)

    def build(self, node: yaml.Node) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise _TooManyValues
        if isinstance(node, yaml.MappingNode):
            return self.build_mapping(node)
        if isinstance(node, yaml.SequenceNode):
            items = LocatedList(self.at(node))
            for index, child in enumerate(node.value):
                items.append(self.build(child))
                items.item_locations.append(self.at(child))
                if isinstance(items[-1], bool):
                    items.booleans_written[index] = str(child.value)
            return items
        return self.build_scalar(node)

    def build_mapping(self, node: yaml.MappingNode) -> LocatedDict:
        mapping = LocatedDict(self.at(node))
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.report.error(self.at(key_node), "a key must be plain text, not a list or mapping")
                continue
            key = str(key_node.value)
            if key == "<<":
                self.report.error(self.at(key_node), "merge keys ('<<') are not supported; write the keys out")
                continue
            if key in mapping:
                first = mapping.key_locations[key]
                self.report.error(self.at(key_node), f"duplicate key '{key}' (first at line {first.line}); remove one")
                continue
            mapping[key] = self.build(value_node)
            mapping.key_locations[key] = self.at(key_node)
            mapping.value_locations[key] = self.at(value_node)
            if isinstance(mapping[key], bool):
                mapping.booleans_written[key] = str(value_node.value)
        return mapping

    def build_scalar(self, node: yaml.Node) -> Any:
        try:
            value = self.loader.construct_object(node, deep=True)
        except Exception as problem:  # PyYAML's constructors fail on a bad value in many ways (!!bool maybe: KeyError)
            invalid = InvalidScalar(node.value)
            invalid.problem = _construction_problem(problem, node)
            return invalid
        if type(value) is int and str(node.value) != str(value):
            number = WrittenNumber(value)
            number.written = str(node.value)
            return number
        return value


def _construction_problem(problem: Exception, node: yaml.Node) -> str:
    """Why a scalar could not be made: PyYAML's own sentence where it has one, else the type it was tagged as."""
    said = str(problem).splitlines()[0] if str(problem) else ""
    if isinstance(problem, (yaml.YAMLError, ValueError, OverflowError)) and said:
        return said
    return f"not a valid {str(node.tag).rsplit(':', 1)[-1]} value"


def parse_yaml(text: str, path: str, report: Report, line_offset: int = 0) -> Any:
    """Parse one YAML document; None (with an error in `report`) when it cannot be read.

    `line_offset` shifts every line, for front matter that starts below the top of its file.
    """
    composed = _compose_fast(text)
    if composed is not None:
        node, fast_loader = composed
        try:
            return _build_checked(node, fast_loader, path, line_offset, report)
        except (_RefersToItself, _TooManyValues):
            pass  # the Python loader below reports it
        finally:
            fast_loader.dispose()
    return _parse_located(text, path, report, line_offset)


def _build_checked(node: yaml.Node | None, loader: SafeConstructor, path: str, line_offset: int, report: Report) -> Any:
    """Plain located values from a composed document, refusing alias bombs before they expand."""
    if node is None:
        return None
    if _expanded_size(node) > MAX_VALUES:
        raise _TooManyValues
    return _Builder(loader, path, line_offset, report).build(node)


def _parse_located(text: str, path: str, report: Report, line_offset: int) -> Any:
    """PyYAML's own scanner and composer: slower, with errors that point at the problem."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as problem:  # it checks every character before anything is parsed
        report.error(
            _position(text, problem.position, path, line_offset),
            f"the character U+{problem.character:04X} is not allowed in YAML; remove it",
        )
        return None
    try:
        return _build_checked(loader.get_single_node(), loader, path, line_offset, report)
    except _NestedTooDeeply as problem:
        report.error(
            _location(problem.mark, path, line_offset), f"the YAML is nested more than {MAX_DEPTH} levels deep"
        )
    except _RefersToItself:
        report.error(
            Location(path, 1 + line_offset, 1), "an alias (*name) is used inside the value it names; write it out"
        )
    except yaml.MarkedYAMLError as problem:
        explained = explain_yaml_error(problem, text)
        at = Location(path, explained.line + 1 + line_offset, explained.column + 1)
        report.error(at, f"YAML syntax: {explained.message}")
    except yaml.YAMLError as problem:
        report.error(Location(path, 1 + line_offset, 1), f"YAML: {problem}")
    except _TooManyValues:
        report.error(
            Location(path, 1 + line_offset, 1),
            f"the YAML expands to more than {MAX_VALUES:,} values (aliases repeated?); simplify it",
        )
    except RecursionError:
        report.error(Location(path, 1 + line_offset, 1), "the YAML is nested too deeply")
    finally:
        loader.dispose()
    return None
