"""dossier.yaml: its schema, its defaults, every config error in one pass."""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import urlsplit

from dossier.diagnostics import Location, Report, did_you_mean
from dossier.kept_files import read_regular
from dossier.model import CompareSettings, Config, Link, Verdict
from dossier.schema import Field, read_record
from dossier.yaml_reader import LocatedDict, LocatedList, decode_text, parse_yaml, twin_yaml_problem, yaml_file

CONFIG_FILE = "dossier.yaml"
CONFIG_STEM = "dossier"  # dossier.yml is read too
# Characters a base_url never needs and a link, robots.txt or the sitemap must never carry.
UNSAFE_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f\\\"'<>`]")
HOST_NAME = re.compile(r"(?=.{1,253}\Z)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]\Z")
TONES = ("true", "mixed", "false", "unknown")
SEARCH_INDEXES = ("bundled", "single")

DEFAULT_VERDICTS = (
    Verdict("confirmed", "Confirmed", "The record supports the claim.", "true"),
    Verdict("mostly-true", "Mostly true", "Accurate in substance, with a minor error or omission.", "true"),
    Verdict("disputed", "Disputed", "Credible sources contradict each other.", "mixed"),
    Verdict("misleading", "Misleading", "Partly accurate, but leaves a false impression.", "mixed"),
    Verdict("false", "False", "The record contradicts the claim.", "false"),
    Verdict("unverified", "Unverified", "Not established either way by the record available.", "unknown"),
)

PUBLISHER_FIELDS = {"name": Field("text", required=True), "url": Field("url")}
VERDICT_FIELDS = {
    "id": Field("slug", required=True),
    "label": Field("text", required=True),
    "tone": Field("text", required=True, choices=TONES),
    "description": Field("text", default=""),
}
MAX_VERBATIM_MIN_WORDS = 100  # a shared quotation longer than this is no threshold at all
COMPARE_FIELDS = {
    "match_threshold": Field("number", default=CompareSettings.match_threshold, bounds=(0, 1)),
    "verbatim_min_words": Field(
        "number", default=CompareSettings.verbatim_min_words, bounds=(1, MAX_VERBATIM_MIN_WORDS), is_whole=True
    ),
    "margin": Field("number", default=CompareSettings.margin, bounds=(0, 1)),
    # The sentence model of the meaning signal: the one dossier ships, none, or a folder holding another WordLlama
    # model (see compare/meaning.py).
    "meaning": Field("text", default=CompareSettings.meaning),
}
CONFIG_FIELDS = {
    "title": Field("text", required=True),
    "description": Field("text", default=""),
    "base_url": Field("text", default="/"),
    "language": Field("language", default="en"),
    "theme": Field("slug", default="default"),
    "content_dir": Field("text", default="content"),
    "output_dir": Field("text", default="build"),
    "verdicts": Field("list", items=VERDICT_FIELDS),
    "compare": Field("mapping", keys=COMPARE_FIELDS),
    "raw_html": Field("bool", default=False),
    "cname": Field("text", default=""),
    "search": Field("bool", default=True),
    "search_index": Field("text", default="bundled", choices=SEARCH_INDEXES),
    "publisher": Field("mapping", keys=PUBLISHER_FIELDS),
}
# dossier.yaml's keys as Hugo (config.toml), Jekyll (_config.yml) and MkDocs (mkdocs.yml) spell them.
CONFIG_SPELLINGS = {
    "baseURL": ("base_url", "Hugo's"),
    "baseurl": ("base_url", "Jekyll's"),
    "url": ("base_url", "Jekyll's"),
    "site_url": ("base_url", "MkDocs'"),
    "languageCode": ("language", "Hugo's"),
    "defaultContentLanguage": ("language", "Hugo's"),
    "lang": ("language", "Jekyll's"),
    "site_name": ("title", "MkDocs'"),
    "site_description": ("description", "MkDocs'"),
    "contentDir": ("content_dir", "Hugo's"),
    "docs_dir": ("content_dir", "MkDocs'"),
    "publishDir": ("output_dir", "Hugo's"),
    "destination": ("output_dir", "Jekyll's"),
    "site_dir": ("output_dir", "MkDocs'"),
}

# The longest file or folder name Linux, macOS and Windows allow, and the longest path macOS does: a folder
# setting past them could not even be looked at (ENAMETOOLONG).
MAX_CONFIG_BYTES = 1024 * 1024  # a page of settings; a larger file is no dossier.yaml
MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 1024
FOLDER_KEYS = ("content_dir", "output_dir")


def _read_verdicts(raw: LocatedList | None, report: Report) -> tuple[Verdict, ...]:
    if raw is None:
        return DEFAULT_VERDICTS
    verdicts: list[Verdict] = []
    for index, item in enumerate(raw):
        values = read_record(item, VERDICT_FIELDS, "a verdict", raw.item_at(index), report)
        if values is None or values["id"] is None:
            continue
        tones = VERDICT_FIELDS["tone"].choices
        if values["tone"] not in tones:
            where = item.value_at("tone") if isinstance(item, LocatedDict) else raw.item_at(index)
            report.error(where, f"tone must be one of {', '.join(tones)}, not '{values['tone']}'")
        if any(v.id == values["id"] for v in verdicts):
            report.error(raw.item_at(index), f"duplicate verdict id '{values['id']}'")
            continue
        verdicts.append(Verdict(values["id"], values["label"] or values["id"], values["description"], values["tone"]))
    if not verdicts:
        report.error(raw.location, "the verdict scale is empty; list at least one verdict or leave 'verdicts' out")
    return tuple(verdicts)


def _read_compare(raw: LocatedDict | None, report: Report, project_dir: Path) -> CompareSettings:
    if raw is None:
        return CompareSettings()
    values = read_record(raw, COMPARE_FIELDS, "compare", raw.location, report)
    if values is None:
        return CompareSettings()
    problems = 0
    for key in ("match_threshold", "margin"):
        least, most = COMPARE_FIELDS[key].bounds
        if not least <= values[key] <= most:
            report.error(raw.value_at(key), f"{key} must be between {least} and {most}, not {values[key]}")
            problems += 1
    meaning, problem = _sentence_model(str(values["meaning"]), project_dir)
    if problem:
        report.error(raw.value_at("meaning"), problem)
        problems += 1
    words, (least, most) = values["verbatim_min_words"], COMPARE_FIELDS["verbatim_min_words"].bounds
    # The range first: a whole number too large for a float (10**400) is out of range, not an OverflowError.
    if not (least <= words <= most and float(words).is_integer()):
        report.error(
            raw.value_at("verbatim_min_words"),
            f"verbatim_min_words must be a whole number of words from {least} to {most}, not {words}",
        )
        problems += 1
    if problems:
        return CompareSettings()  # never used: the build stops on the errors
    return CompareSettings(
        match_threshold=float(values["match_threshold"]),
        verbatim_min_words=int(words),
        margin=float(values["margin"]),
        meaning=meaning,
    )


SHIPPED_MODELS = ("wordllama", "off")
# What dossier's tokenizer reads (compare/meaning.py): Llama 2's byte-pair encoding, as WordLlama's l2 models use.
READABLE_TOKENIZER = {"normalizer": ["Prepend", "Replace"], "pre_tokenizer": None, "model": "BPE"}


def _sentence_model(value: str, project_dir: Path) -> tuple[str, str]:
    """The meaning signal's model: "wordllama", "off", or a folder's absolute path; and the problem, if any."""
    if value in SHIPPED_MODELS:
        return value, ""
    how = (
        "meaning is 'wordllama' (the model dossier ships), 'off', or a folder laid out as WordLlama's cache: one "
        "weights/*.safetensors and one tokenizers/*_tokenizer_config.json of a Llama 2 tokenizer"
    )
    try:
        folder = (project_dir / value).resolve()
        is_folder = folder.is_dir()
        weights = sorted(folder.glob("weights/*.safetensors")) if is_folder else []
        tokenizers = sorted(folder.glob("tokenizers/*_tokenizer_config.json")) if is_folder else []
    except (OSError, ValueError) as problem:  # a name too long for the file system, a NUL, a folder not readable
        return value, f"{how}; '{_shortened(value)}' cannot be read as a folder ({_reason(problem)})"
    if not is_folder:
        return value, f"{how}; there is no folder '{_shortened(value)}' (read from {project_dir})"
    if len(weights) != 1 or len(tokenizers) != 1:
        return value, f"{how}; '{value}' holds {len(weights)} weights files and {len(tokenizers)} tokenizer files"
    if _tokenizer_kind(tokenizers[0]) != READABLE_TOKENIZER:
        return value, f"{how}; {tokenizers[0].name} is another kind of tokenizer"
    return str(folder), ""


def _shortened(value: str, most: int = 80) -> str:
    return value if len(value) <= most else value[: most - 1] + "…"


def _reason(problem: OSError | ValueError) -> str:
    return (problem.strerror or str(problem)) if isinstance(problem, OSError) else str(problem)


def _tokenizer_kind(path: Path) -> dict[str, object]:
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
        normalizers = [n.get("type") for n in (spec.get("normalizer") or {}).get("normalizers", [])]
        return {"normalizer": normalizers, "pre_tokenizer": spec.get("pre_tokenizer"), "model": spec["model"]["type"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _read_publisher(raw: LocatedDict | None, report: Report) -> Link | None:
    if raw is None:
        return None
    values = read_record(raw, PUBLISHER_FIELDS, "publisher", raw.location, report)
    if values is None or not values["name"]:
        return None
    return Link(values["name"], values["url"] or "")


def check_base_url(text: str) -> tuple[str, str | None]:
    """The base_url with its trailing '/', and what is wrong with it, if anything.

    It lands in every page's links, robots.txt and the sitemap, and may come from a pull request: a host hidden
    in a path ('//evil.example/', '/\\evil.example/', which browsers read as another site), a line break (a new
    line in robots.txt) or a quote is refused, not escaped."""
    base_url = text.strip()
    with_slash = base_url if base_url.endswith("/") else base_url + "/"
    return with_slash, _base_url_problem(base_url)


def _base_url_problem(base_url: str) -> str | None:
    if UNSAFE_IN_URL.search(base_url):
        return f"base_url may not hold spaces, line breaks, quotes, angle brackets or backslashes: {base_url!r}"
    if base_url.startswith(("http://", "https://")):
        parts = urlsplit(base_url)
        if not parts.hostname or parts.username or parts.password or parts.query or parts.fragment:
            return f"base_url must be a plain address such as https://user.github.io/repo/, not '{base_url}'"
        return None
    if base_url.startswith("//"):
        return (
            f"base_url '{base_url}' starts with '//', which browsers read as another site's address; "
            "write a path with one '/' (/repo/) or the full address (https://host/repo/)"
        )
    if not base_url.startswith("/"):
        return (
            f"base_url must be an absolute URL (https://user.github.io/repo/) or a path starting with '/', "
            f"not '{base_url}'"
        )
    return None


def _check_base_url(values: dict[str, Any], raw: LocatedDict, report: Report) -> str:
    base_url, problem = check_base_url(str(values["base_url"]))
    if problem:
        report.error(raw.value_at("base_url"), problem)
    return base_url


def _check_choice(values: dict[str, Any], key: str, raw: LocatedDict, report: Report) -> str:
    """A setting that is one of a few words: the default, with an error, when it is another."""
    value, spec = str(values[key]), CONFIG_FIELDS[key]
    if value in spec.choices:
        return value
    choices = " or ".join(f"'{choice}'" for choice in spec.choices)
    report.error(raw.value_at(key), f"{key} must be {choices}, not '{value}'{did_you_mean(value, spec.choices)}")
    return str(spec.default)


def _check_cname(values: dict[str, Any], base_url: str, raw: LocatedDict, report: Report) -> str:
    """A custom domain for GitHub Pages: a bare host name, which an absolute base_url must agree with."""
    cname = str(values["cname"] or "").strip().lower().rstrip(".")
    if not cname:
        return ""
    if not HOST_NAME.match(cname):
        report.error(
            raw.value_at("cname"),
            f"cname must be a domain name such as 'dossier.example.org', without https:// or a path; not '{cname}'",
        )
        return ""
    host = urlsplit(base_url).hostname
    if host and host != cname:
        report.warning(
            raw.value_at("cname"),
            f"cname '{cname}' differs from base_url's host '{host}'; links, feeds and the sitemap use base_url",
        )
    return cname


def _folder_problem(folder: str) -> str | None:
    """Why no file system could open `folder`, or None."""
    if len(folder.encode("utf-8")) > MAX_PATH_BYTES:
        return f"is longer than the {MAX_PATH_BYTES:,} bytes a path may have"
    for name in PurePath(folder).parts:
        if len(name.encode("utf-8")) > MAX_NAME_BYTES:
            return f"has a name longer than the {MAX_NAME_BYTES} bytes file systems allow ('{name[:40]}...')"
    return None


def _check_folders(values: dict[str, Any], raw: LocatedDict, report: Report) -> None:
    """content_dir and output_dir as paths: one that cannot be a folder anywhere is an error where it stands,
    and the default is used meanwhile, so that the check can go on and list the other problems."""
    for key in FOLDER_KEYS:
        problem = _folder_problem(str(values[key]))
        if problem:
            report.error(raw.value_at(key), f"{key} {problem}")
            values[key] = CONFIG_FIELDS[key].default


def find_config_file(start: Path) -> Path | None:
    """The nearest dossier.yaml (or dossier.yml), from `start` upward, as git finds `.git` and Cargo
    `Cargo.toml`; None when there is none. The search stays on `start`'s file system (as git's does), so it
    never wanders onto another mount."""
    here = start.resolve()
    device = here.stat().st_dev
    while True:
        found = yaml_file(here, CONFIG_STEM)
        if found.is_file():
            return found
        parent = here.parent
        if parent == here or parent.stat().st_dev != device:
            return None
        here = parent


def load_config(project_dir: Path, report: Report) -> Config | None:
    """Read dossier.yaml (or dossier.yml), or report why it cannot be used."""
    path = yaml_file(project_dir, CONFIG_STEM)
    location = Location(path.name)
    twin = twin_yaml_problem(project_dir, CONFIG_STEM)
    if twin:
        report.error(Location(f"{CONFIG_STEM}.yml", 1, 1), twin)
        return None
    try:
        data = read_regular(path, limit=MAX_CONFIG_BYTES, follow=True)  # never waits on a FIFO
    except FileNotFoundError:
        report.error(location, f"no {CONFIG_FILE} in {project_dir}; run `dossier init` to make one")
        return None
    except OSError as problem:
        report.error(location, f"cannot read {path.name}: {problem.strerror or problem}")
        return None
    text = decode_text(data, path.name, report)
    if text is None:
        return None
    raw = parse_yaml(text, path.name, report)
    values = read_record(raw, CONFIG_FIELDS, path.name, location, report, CONFIG_SPELLINGS)
    if values is None or not isinstance(raw, LocatedDict):
        return None
    base_url = _check_base_url(values, raw, report)
    _check_folders(values, raw, report)
    return Config(
        title=values["title"] or "",
        description=values["description"],
        base_url=base_url,
        language=values["language"],
        theme=values["theme"],
        content_dir=values["content_dir"],
        output_dir=values["output_dir"],
        verdicts=_read_verdicts(values["verdicts"], report),
        compare=_read_compare(values["compare"], report, project_dir),
        raw_html=values["raw_html"],
        cname=_check_cname(values, base_url, raw, report),
        search=values["search"],
        search_index=_check_choice(values, "search_index", raw, report),
        location=raw.location,
        publisher=_read_publisher(values["publisher"], report),
    )
