"""Which outlet published the page: a registered one, matched by the address's host or by name, or a new
one, with the entry that registers it in sources.yaml (see docs/import.md, "Outlets").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from dossier.diagnostics import did_you_mean
from dossier.importer.extract import words
from dossier.importer.failures import ImportFailed
from dossier.importer.safe_markdown import safe_url
from dossier.load import SOURCES_FILE
from dossier.model import Source
from dossier.project_files import Project, ProjectFileError, append_yaml_entry, check_id, yaml_scalar
from dossier.schema import slugify
from dossier.yaml_reader import yaml_file


@dataclass
class OutletChoice:
    """The article's outlet: registered already, or new (with the entry that registers it)."""

    id: str
    name: str
    is_new: bool = False
    entry: str = ""  # the YAML a new outlet needs in sources.yaml
    registered: bool = False  # the entry was appended to sources.yaml


def host_of(url: str | None) -> str | None:
    """The host of an address, lowercase, without `www.`; None when there is none."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.lower().removeprefix("www.") if host else None


def _name_key(name: str) -> str:
    """A name as it is compared: its words, without a leading "the" ("The New York Times" is "New York Times")."""
    name_words = words(name)
    if name_words and name_words[0] == "the":
        name_words = name_words[1:]
    return "".join(name_words)


def match_outlet(sitename: str | None, page_url: str | None, outlets: list[Source]) -> Source | None:
    """The registered outlet this page is from: by its address's host first, then by name."""
    host = host_of(page_url)
    if host:
        matches = [
            (len(outlet_host), outlet.id, outlet)
            for outlet in outlets
            if (outlet_host := host_of(outlet.url)) and (host == outlet_host or host.endswith("." + outlet_host))
        ]
        if matches:
            return max(matches, key=lambda m: (m[0], m[1]))[2]
    if sitename:
        key = _name_key(sitename)
        for outlet in sorted(outlets, key=lambda o: o.id):
            if key and _name_key(outlet.name) == key:
                return outlet
    return None


def outlet_name(sitename: str | None, page_url: str | None) -> str | None:
    """A name for a new outlet: the site's own name, or one made from its host (axios.com: Axios)."""
    if sitename and not re.fullmatch(r"[\w-]+(\.[\w-]+)+", sitename):
        return sitename
    host = host_of(sitename if sitename and "." in sitename else None) or host_of(page_url)
    if sitename and not host:
        host = sitename.lower().removeprefix("www.")
    if not host:
        return None
    return host.split(".")[0].replace("-", " ").title()


def outlet_entry(outlet_id: str, name: str, url: str | None) -> str:
    """The entry registering a new outlet in sources.yaml, under a comment asking the editor to check it."""
    lines = [
        "# Added by `dossier import`: check the name.",
        f"- id: {yaml_scalar(outlet_id)}",
        f"  name: {yaml_scalar(name)}",
        "  kind: outlet",
    ]
    if url:
        lines.append(f"  url: {yaml_scalar(url)}")
    return "\n".join(lines) + "\n"


def _site_root(url: str | None) -> str | None:
    """The address of the site's home page, for a new outlet's `url`."""
    if not url:
        return None
    parts = urlsplit(url)
    return safe_url(f"{parts.scheme}://{parts.netloc}/", http_only=True)


def choose_outlet(
    requested: str | None,
    sitename: str | None,
    page_url: str | None,
    sources: dict[str, Source],
    entity_ids: set[str],
) -> OutletChoice:
    """The outlet --outlet names, else the registered one the page matches, else a new one named after the site.

    `sources` are the project's sources, `entity_ids` every id people and sources hold.
    """
    if requested:
        return _requested_outlet(requested, sitename, page_url, sources, entity_ids)
    matched = match_outlet(sitename, page_url, [s for s in sources.values() if s.kind == "outlet"])
    if matched is not None:
        return OutletChoice(matched.id, matched.name)
    name = outlet_name(sitename, page_url)
    if name is None:
        raise ImportFailed("the page does not say which outlet published it; give one with --outlet ID")
    outlet_id = slugify(name, 40) or slugify(host_of(page_url) or "", 40)
    if not outlet_id:
        raise ImportFailed(f"cannot make an id for the outlet '{name}'; give one with --outlet ID")
    if outlet_id in sources and sources[outlet_id].kind == "outlet":
        return OutletChoice(outlet_id, sources[outlet_id].name)
    outlet_id = _unused_id(outlet_id, entity_ids)
    return OutletChoice(outlet_id, name, True, outlet_entry(outlet_id, name, _site_root(page_url)))


def _requested_outlet(
    requested: str, sitename: str | None, page_url: str | None, sources: dict[str, Source], entity_ids: set[str]
) -> OutletChoice:
    """The registered outlet --outlet names, or a new one by that id, named after the site."""
    check_id(requested, "--outlet")
    known = sources.get(requested)
    if known is not None and known.kind == "outlet":
        return OutletChoice(known.id, known.name)
    if known is not None or requested in entity_ids:
        kind = f"a source of kind '{known.kind}'" if known else "a person"
        raise ImportFailed(f"--outlet '{requested}' is {kind}, not an outlet")
    name = outlet_name(sitename, page_url)
    if name is None:
        outlets = [s.id for s in sources.values() if s.kind == "outlet"]
        raise ImportFailed(
            f"unknown outlet '{requested}'{did_you_mean(requested, outlets)}: "
            f"register it in {SOURCES_FILE} (kind: outlet) first"
        )
    return OutletChoice(requested, name, True, outlet_entry(requested, name, _site_root(page_url)))


def _unused_id(outlet_id: str, entity_ids: set[str]) -> str:
    """`outlet_id`, or `outlet_id-outlet` (then -outlet-2, ...) when a person or another source has it."""
    base, number = outlet_id, 1
    while outlet_id in entity_ids:
        number += 1
        outlet_id = f"{base}-outlet" if number == 2 else f"{base}-outlet-{number - 1}"
    return outlet_id


def register_outlet(project: Project, outlet: OutletChoice) -> bool:
    """Add the new outlet to sources.yaml; False (the editor adds it by hand) when that is not safe."""
    path = yaml_file(project.content_dir, SOURCES_FILE)
    try:
        append_yaml_entry(path, outlet.entry, None, project.shown(path))
    except ProjectFileError:  # the warning shows the entry to add by hand, and the article is still written
        return False
    return True
