"""Declared record shapes: each key's kind, checked in one pass that reports every problem.

As MkDocs' config schema and Zola's deny_unknown_fields do: unknown keys are errors with a suggestion,
and every value is converted or reported where it stands.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from anyascii import anyascii

from dossier.diagnostics import Location, Report, closest
from dossier.yaml_reader import (
    CONTROL_CHARACTERS,
    InvalidScalar,
    LocatedDict,
    LocatedList,
    WrittenNumber,
    control_character_problem,
    unclosed_direction_problem,
)

Kind = Literal[
    "text",
    "markdown",
    "slug",
    "date",
    "bool",
    "number",
    "url",
    "language",
    "texts",
    "slugs",
    "list",
    "mapping",
]

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\Z")
SAFE_URL = re.compile(r"(?:https?://[^\s/]+[^\s]*|mailto:[^\s]+)\Z", re.IGNORECASE)
MAX_SLUG = 80
APOSTROPHES = "'\u2019"  # inside a word they join it: "Trump's" is `trumps`
# Device names Windows reserves in every folder: a page at people/con/index.html could not be checked out there.
RESERVED_SLUGS = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{device}{n}" for device in ("com", "lpt") for n in range(10)]
)

KIND_NAMES: dict[str, str] = {
    "text": "text",
    "markdown": "Markdown text",
    "slug": "an id (lowercase letters, digits and hyphens)",
    "date": "a date written YYYY-MM-DD",
    "bool": "true or false",
    "number": "a number",
    "url": "an http(s):// or mailto: URL",
    "language": "a language tag such as 'en' or 'pt-BR'",
    "texts": "a list of texts",
    "slugs": "a list of ids",
    "list": "a list",
    "mapping": "a mapping (key: value)",
}


# What an id may name: checked once every id is known (validate.py), suggested in editors (editor_schemas.py).
IdKind = Literal["person", "source", "claim", "verdict", "outlet"]
NO_BOUNDS = (-math.inf, math.inf)


@dataclass(frozen=True)
class Field:
    """One key of a record: the kind of its value, whether it must be there, its default, and what the kind
    alone does not say. Validation reads all of it; so do the JSON Schemas made for editors (editor_schemas.py).
    """

    kind: Kind
    required: bool = False
    default: Any = None
    items: Mapping[str, Field] | None = None  # a "list": the keys of each item (a record)
    keys: Mapping[str, Field] | None = None  # a "mapping": its keys
    choices: tuple[str, ...] = ()  # "text" or "texts": the only values allowed
    refers: tuple[IdKind, ...] = ()  # "slug" or "slugs": what the ids name, any of these
    bounds: tuple[float, float] = NO_BOUNDS  # "number": the least and the greatest allowed
    is_whole: bool = False  # "number": whole numbers only

    def __post_init__(self) -> None:
        # A list or a mapping declared without its keys would accept anything and describe nothing.
        if (self.kind == "list") != (self.items is not None) or (self.kind == "mapping") != (self.keys is not None):
            raise ValueError(f"a {self.kind} field declares its records' keys as items= (a list) or keys= (a mapping)")


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """An id made from `text` in any script: "Zürich" is `zurich`, "Сергей Кисляк" `sergey-kislyak`,
    "Trump's adviser" `trumps-adviser`; at most `max_length` characters, cut at a hyphen where there is one.

    Letters, digits and accents are written in ASCII by anyascii (dropping what is not ASCII would leave
    nothing of Cyrillic or Chinese); symbols and punctuation only part words ("£1,000" is `1-000`, not
    `gbp1-000`); apostrophes join the word they are in. Empty when `text` holds no letter or digit.
    """
    ascii_text = "".join(_ascii_letters(char) for char in text if char not in APOSTROPHES)
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.replace("'", "").lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[: max_length + 1].rsplit("-", 1)[0] if "-" in slug[:max_length] else slug[:max_length]
    return slug.strip("-")


def _ascii_letters(char: str) -> str:
    """A letter, digit or mark (an accent) as ASCII; anything else as a space."""
    return anyascii(char) if unicodedata.category(char)[0] in "LNM" else " "


def type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, bytes):
        return "binary data (!!binary)"
    return "text"


def boolean_problem(value: bool, written: str | None, is_id: bool = False) -> str:
    """Why a text or an id came out a boolean, and the quoted spelling that keeps it as written."""
    spelt = written or str(value).lower()
    keep = f'put the id in quotes: "{spelt.lower()}"' if is_id else f'put it in quotes to keep it as written: "{spelt}"'
    return f"YAML 1.1 reads {spelt} as a boolean (it does so with true, false, yes, no, on and off); {keep}"


def check_slug(value: Any, location: Location, report: Report, written: str | None = None) -> str | None:
    if isinstance(value, bool):
        report.error(location, boolean_problem(value, written, is_id=True))
        return None
    if not isinstance(value, (str, int)):
        report.error(location, f"expected {KIND_NAMES['slug']}, found {type_name(value)}")
        return None
    if isinstance(value, WrittenNumber):
        report.error(
            location,
            f"YAML reads the id {value.written} as the number {int(value)}; put it in quotes to keep it as "
            f"written: '{value.written}'",
        )
        return None
    text = str(value)
    if text in RESERVED_SLUGS:
        report.error(location, f"'{text}' is a reserved file name on Windows; choose another id")
        return None
    if SLUG.match(text) and len(text) <= MAX_SLUG:
        return text
    fix = slugify(text)
    hint = f"; use '{fix}'" if fix else ""
    report.error(location, f"'{text}' is not a valid id (lowercase letters, digits, single hyphens){hint}")
    return None


def _convert_text(value: Any, location: Location, kind: Kind, report: Report, written: str | None) -> Any:
    if isinstance(value, bool):
        report.error(location, boolean_problem(value, written))
        return None
    if isinstance(value, (int, float, dt.date)):
        return str(value)
    if not isinstance(value, str):
        report.error(location, f"expected {KIND_NAMES[kind]}, found {type_name(value)}")
        return None
    problem = control_character_problem(value)
    if problem:
        report.error(location, problem[1])
        return None
    unclosed = unclosed_direction_problem(value)
    if unclosed:
        report.warning(location, unclosed[1])
    return str(value)


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Dates as people write them, each read one way only (no 01/02/2017: which is the month depends on who wrote it).
WRITTEN_DATES = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%Y/%m/%d")


def _convert_date(value: Any, location: Location, report: Report) -> dt.date | None:
    if isinstance(value, InvalidScalar):
        report.error(location, f"invalid date '{value}': {value.problem}")
        return None
    if isinstance(value, dt.datetime):  # a YAML timestamp: the day is meant, but say so rather than guess
        report.error(
            location,
            f"expected {KIND_NAMES['date']}, found a date and time; write the day alone: {value.date().isoformat()}",
        )
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value.strip()):
        try:  # quoted, YAML leaves it text: the date it spells is meant all the same
            return dt.date.fromisoformat(value.strip())
        except ValueError as problem:
            report.error(location, f"invalid date '{value}': {problem}")
            return None
    report.error(location, f"expected {KIND_NAMES['date']}, found {_found_for_date(value)}")
    return None


def _found_for_date(value: Any) -> str:
    """What stands where a date should, and the date it spells when that is plain: "'14 February 2017'; write
    it 2017-02-14"."""
    if not isinstance(value, str):
        return type_name(value)
    text = " ".join(value.split())
    for written in WRITTEN_DATES:
        try:
            meant = dt.datetime.strptime(text, written).date()
        except ValueError:
            continue
        return f"'{value}'; write it {meant.isoformat()}"
    if ISO_DATE.match(text):
        return f"'{value}'; write the day alone: {text[:10]}"
    return f"'{value}'"


def _convert_list(
    value: Any, location: Location, item_kind: Kind, report: Report, written: str | None
) -> tuple[Any, ...] | None:
    if isinstance(value, (str, int, bool)):
        # a single item where a list is expected: a list of one (a boolean is refused as an item is)
        items = [convert_value(value, location, item_kind, report, written)]
    elif isinstance(value, LocatedList):
        items = [
            convert_value(item, value.item_at(index), item_kind, report, value.written_at(index))
            for index, item in enumerate(value)
        ]
    else:
        report.error(location, f"expected {KIND_NAMES['texts' if item_kind == 'text' else 'slugs']}")
        return None
    return tuple(item for item in items if item is not None)


BOOLEAN_TEXTS = frozenset({"true", "false", "yes", "no", "on", "off"})


def convert_value(value: Any, location: Location, kind: Kind, report: Report, written: str | None = None) -> Any:
    """The value converted to its kind, or None with an error reported at `location`. `written` is how the
    value was spelt when YAML read it as other than it looks (a boolean: `no`), for the message."""
    if kind in ("text", "markdown"):
        return _convert_text(value, location, kind, report, written)
    if kind == "slug":
        return check_slug(value, location, report, written)
    if kind == "date":
        return _convert_date(value, location, report)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in BOOLEAN_TEXTS:
            report.error(
                location, f"expected true or false, found the text '{value}'; write true or false without quotes"
            )
            return None
    elif kind == "number":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
    elif kind == "url":
        if isinstance(value, str) and SAFE_URL.match(value.strip()) and not CONTROL_CHARACTERS.search(value):
            return value.strip()
        report.error(location, f"expected {KIND_NAMES['url']}, found '{value}'")
        return None
    elif kind == "language":
        if isinstance(value, str) and LANGUAGE.match(value):
            return value
    elif kind == "texts":
        return _convert_list(value, location, "text", report, written)
    elif kind == "slugs":
        return _convert_list(value, location, "slug", report, written)
    elif kind == "list":
        if isinstance(value, LocatedList):
            return value
    elif kind == "mapping" and isinstance(value, LocatedDict):
        return value
    report.error(location, f"expected {KIND_NAMES[kind]}, found {type_name(value)}")
    return None


# A key other tools spell otherwise: their spelling -> (ours, whose it is: "Hugo's").
OtherSpellings = Mapping[str, tuple[str, str]]


def _squashed(key: str) -> str:
    """A key without case, '_' and '-': `baseURL`, `base-url` and `base_url` are one."""
    return key.lower().replace("_", "").replace("-", "")


def meant_key(key: str, fields: Mapping[str, Field], other_spellings: OtherSpellings) -> tuple[str | None, str]:
    """The declared key an unknown one most likely means, and a note on whose spelling it is, or (None, '')."""
    spelling = key if key in other_spellings else _same_but_for_case(key, other_spellings)
    if spelling is not None:
        ours, whose = other_spellings[spelling]
        return ours, f" ('{spelling}' is {whose} name for it)"
    return _same_but_for_case(key, fields) or closest(key, fields), ""


def _same_but_for_case(key: str, keys: Iterable[str]) -> str | None:
    return next((known for known in keys if _squashed(known) == _squashed(key)), None)


def read_record(
    record: Any,
    fields: Mapping[str, Field],
    what: str,
    location: Location,
    report: Report,
    other_spellings: OtherSpellings | None = None,
) -> dict[str, Any] | None:
    """Check a mapping against its fields: unknown keys, missing required keys, each value's kind.

    An unknown key that means a missing required one (`qoute` for `quote`) is one error, not two: the
    misspelling is where the fix goes. `other_spellings` are keys other tools name otherwise (Hugo's
    `baseURL`), suggested before any near miss.

    Returns every declared field (converted, or its default when missing or invalid), or None when
    the record is not a mapping at all.
    """
    if not isinstance(record, LocatedDict):
        report.error(location, f"{what} must be a mapping (key: value), found {type_name(record)}")
        return None
    values: dict[str, Any] = {}
    misspelt: set[str] = set()
    for key in record:
        if key not in fields:
            meant, note = meant_key(key, fields, other_spellings or {})
            suggestion = f"; did you mean '{meant}'?{note}" if meant else ""
            report.error(record.key_at(key), f"unknown key '{key}' in {what}{suggestion}")
            if meant:
                misspelt.add(meant)
    for key, spec in fields.items():
        raw = record.get(key)
        if raw is None:
            if spec.required and key not in misspelt:
                report.error(record.location, f"{what} has no '{key}' ({KIND_NAMES[spec.kind]}); add it")
            values[key] = spec.default
            continue
        converted = convert_value(raw, record.value_at(key), spec.kind, report, record.written_at(key))
        values[key] = spec.default if converted is None else converted
    return values
