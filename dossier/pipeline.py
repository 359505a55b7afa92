"""Run the stages in order: load, validate, anchor, link, render, write. Stop before render on any error."""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dossier import urls
from dossier.anchor import anchor_quotes, report_moved_anchors
from dossier.cache import CacheStore, cache_dir_for, digest, version_key
from dossier.compare.align import Alignment
from dossier.compare.stage import CACHE_NAMESPACE as COMPARE_CACHE
from dossier.compare.stage import PairKey, compare_stories
from dossier.config import CONFIG_FILE, check_base_url, load_config
from dossier.diagnostics import Location, Report
from dossier.link import MENTIONS_CACHE, Index, link_entities
from dossier.load import YamlParser, is_inside, load_dossier
from dossier.located import parse_yaml
from dossier.model import Config, Dossier
from dossier.render import render_site
from dossier.render.incremental import PageCache
from dossier.search import INDEX_FOLDER, INSTALL_HINT, index_site, pagefind_binary
from dossier.text import ArticleText, make_markdown
from dossier.themes import resolve_themes
from dossier.unchanged import (
    BuildInputs,
    inputs_digest,
    last_manifest,
    previous_anchors,
    record_anchors,
    record_build,
    replay_if_unchanged,
)
from dossier.validate import validate_dossier
from dossier.write import Derived, StagedSite, WriteResult, build_lock, is_mount_point

DEFAULT_OUTPUT_DIR = "build"
SPARE_SITE = "spare-site"  # in the build cache: the site the last build replaced, staged into next time


@dataclass
class Checked:
    """What the stages before render produced: enough for `check`, and the input of render."""

    report: Report
    config: Config | None = None
    dossier: Dossier | None = None
    texts: dict[str, ArticleText] = field(default_factory=dict)
    index: Index | None = None
    alignments: Mapping[PairKey, Alignment] = field(default_factory=dict)
    alignment_keys: dict[PairKey, str] = field(default_factory=dict)  # a digest of each alignment's inputs
    cache: CacheStore | None = None
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Built:
    checked: Checked
    output_dir: Path | None = None
    paths: list[str] = field(default_factory=list)  # of the files written, search index aside
    written: WriteResult | None = None

    @property
    def report(self) -> Report:
        return self.checked.report


def output_dir_problem(project_dir: Path, content_dir: Path, output_dir: Path) -> str | None:
    """Why the output folder may not be used, or None. It is replaced wholesale on every build.

    Refused: a symbolic link; the project, the content folder, the themes folder or dossier.yaml, or anything
    containing or inside them; an existing file; an existing folder holding files that no build of dossier
    wrote (no data/dossier.json), except the default `build` folder inside the project (setuptools also
    works there, and `pip install . && dossier build` must keep working).
    """
    if output_dir.is_symlink():
        return f"output_dir '{output_dir}' is a symbolic link; name the folder it points to instead"
    project, content, output = project_dir.resolve(), content_dir.resolve(), output_dir.resolve()
    if output == project or output in project.parents:
        return f"output_dir '{output_dir}' is the project folder or contains it; building would replace it"
    if output == content or output in content.parents or content in output.parents:
        return f"output_dir '{output_dir}' overlaps the content folder"
    for protected in (project / "themes", project / CONFIG_FILE):
        if output == protected or protected in output.parents:
            return f"output_dir '{output_dir}' would replace the project's {protected.name}"
    if output.exists() and not output.is_dir():
        return f"output_dir '{output_dir}' is a file, not a folder"
    if output.is_dir() and is_mount_point(output):  # the swap renames it: build into a folder inside it instead
        return f"output_dir '{output_dir}' is a mount point, which a build cannot replace; use a folder inside it"
    if output != project / DEFAULT_OUTPUT_DIR and _holds_foreign_files(output):
        return (
            f"output_dir '{output_dir}' holds files that dossier did not build (it has no {urls.DATA_FILE}); "
            "a build replaces the whole folder: empty it or choose another"
        )
    return None


def _holds_foreign_files(folder: Path) -> bool:
    if not folder.is_dir() or (folder / urls.DATA_FILE).is_file():
        return False
    return any(folder.iterdir())


def content_dir_problem(project_dir: Path, content_dir: Path) -> str | None:
    """Why the content folder may not be used, or None: it must lie inside the project."""
    if content_dir.resolve() != project_dir.resolve() and not is_inside(content_dir, project_dir):
        return f"content_dir '{content_dir}' is outside the project folder"
    return None


def check_project(
    project_dir: Path, include_drafts: bool = False, *, use_cache: bool = False, output_dir: Path | None = None
) -> Checked:
    """Load, validate, anchor and link, collecting every problem; writes nothing.

    For builds, `use_cache` takes alignments from (and stores new ones in) the build cache beside the output
    folder, `output_dir` or dossier.yaml's (see dossier/cache.py).
    """
    checked = Checked(Report())
    report = checked.report
    started = time.perf_counter()
    config = load_config(project_dir, report)
    if config is None:
        return checked
    checked.config = config
    content_dir = project_dir / config.content_dir
    problem = content_dir_problem(project_dir, content_dir) or output_dir_problem(
        project_dir, content_dir, project_dir / config.output_dir
    )
    if problem:
        report.error(Location(CONFIG_FILE), problem)
    if use_cache and not report.has_errors:
        checked.cache = _cache_store(project_dir, config, output_dir)
        if checked.cache and checked.cache.problem:
            report.warning(Location(CONFIG_FILE), f"{checked.cache.problem}: the build cache is not used")
    parse = _memoised_yaml(checked.cache) if checked.cache else parse_yaml
    raw = load_dossier(project_dir, content_dir, report, parse)
    checked.dossier = validate_dossier(raw, config, report, include_drafts)
    checked.timings["load"] = time.perf_counter() - started
    checked.texts = anchor_quotes(checked.dossier, make_markdown(config.raw_html), report)
    # Compared with the last build into the same folder (for `serve`, the last site it served).
    last_output = output_dir or project_dir / config.output_dir
    previous = previous_anchors(last_output, checked.cache.folder if checked.cache else None)
    report_moved_anchors(checked.dossier, checked.texts, previous, report)
    checked.index = link_entities(checked.dossier, checked.texts, checked.cache)
    checked.timings["anchor+link"] = time.perf_counter() - started - checked.timings["load"]
    compare_started = time.perf_counter()
    if not report.has_errors:
        checked.alignments = compare_stories(checked.dossier, checked.texts, checked.cache, checked.alignment_keys)
    checked.timings["compare"] = time.perf_counter() - compare_started
    return checked


YAML_CACHE = "yaml"


def _memoised_yaml(store: CacheStore) -> YamlParser:
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


def _cache_store(project_dir: Path, config: Config, output_dir: Path | None) -> CacheStore | None:
    """The build cache beside the output folder, or None when that folder may not be used."""
    output = output_dir or project_dir / config.output_dir
    if output_dir_problem(project_dir, project_dir / config.content_dir, output):
        return None
    return CacheStore(cache_dir_for(output))


def publishing_config(config: Config, base_url: str | None, search: bool, report: Report) -> Config:
    """dossier.yaml's settings with the command line's `--base-url` and `--no-search` applied.

    Search is turned off, with a warning, when Pagefind is not installed: pages then show no search box.
    """
    if base_url is not None:
        normalised, problem = check_base_url(base_url)
        if problem:
            report.error(Location("--base-url"), problem)
        config = dataclasses.replace(config, base_url=normalised)
    wants_search = config.search and search
    if wants_search and pagefind_binary() is None:
        report.warning(Location(CONFIG_FILE), f"Pagefind is not installed, so the site has no search; {INSTALL_HINT}")
        wants_search = False
    return dataclasses.replace(config, search=wants_search)


def search_index(
    config: Config, report: Report, timings: dict[str, float], keep_from: Path | None = None
) -> Derived | None:
    """The Pagefind index, made in the staging folder before the swap; None when search is off.

    With `keep_from` (a site folder that has an index), that index is kept as it is instead (linked, not
    made again): `serve` does so when indexing the whole site again would hold up every reload.
    """
    binary = pagefind_binary() if config.search else None
    if binary is None:
        return None
    kept = keep_from / INDEX_FOLDER if keep_from is not None else None

    def make(staging: Path) -> None:
        started = time.perf_counter()
        if kept is not None and kept.is_dir() and not kept.is_symlink():
            shutil.copytree(kept, staging / INDEX_FOLDER, copy_function=os.link, symlinks=True, dirs_exist_ok=True)
            return
        index_site(staging, binary, report, Location(CONFIG_FILE))
        timings["search"] = time.perf_counter() - started

    return Derived(INDEX_FOLDER, make)


def build_project(
    project_dir: Path,
    include_drafts: bool = False,
    output_dir: Path | None = None,
    *,
    base_url: str | None = None,
    search: bool = True,
    cache: bool = False,
    skip_unchanged: bool = False,
    keep_search_index: bool = False,
) -> Built:
    """Check, then render and write; nothing is written when anything is wrong.

    `base_url` replaces dossier.yaml's; `search=False` skips the search index, as `search: false` does.
    `cache=True` (as `dossier build` does) keeps a build cache in `.dossier-cache/` beside the output folder
    and re-renders only the pages whose inputs changed; the bytes are those of a build without it.
    `skip_unchanged=True` (with the cache) stops early when nothing changed since the last build
    (dossier/unchanged.py): the result then has no outputs, and its report repeats that build's warnings.
    `keep_search_index=True` keeps the output folder's search index instead of making it again.
    """
    started = time.perf_counter()
    wants_skip = skip_unchanged and cache  # the manifest lives in the cache
    inputs = _build_inputs(project_dir, include_drafts, output_dir, base_url, search) if wants_skip else None
    manifest = last_manifest(inputs) if inputs else {}
    inputs_key, input_files = inputs_digest(inputs, manifest) if inputs else (None, {})
    if inputs and inputs_key:
        replayed = replay_if_unchanged(inputs, manifest, inputs_key)
        if replayed:
            report, files = replayed
            built = Built(Checked(report, timings={"unchanged": time.perf_counter() - started}), inputs.output_dir)
            built.written = WriteResult(written=0, unchanged=files, removed=0)
            return built
    built = _build_checked(project_dir, include_drafts, output_dir, base_url, search, cache, keep_search_index)
    if inputs and inputs_key and built.written is not None and not built.report.has_errors:
        record_build(inputs, inputs_key, input_files, built.report)
    return built


def _build_inputs(
    project_dir: Path, include_drafts: bool, output_dir: Path | None, base_url: str | None, search: bool
) -> BuildInputs | None:
    """What decides a build's output, for telling that nothing changed; None when the configuration has
    problems (the full build reports them)."""
    report = Report()
    config = load_config(project_dir, report)
    if config is None or report.has_errors:
        return None
    content_dir, output = project_dir / config.content_dir, output_dir or project_dir / config.output_dir
    if content_dir_problem(project_dir, content_dir) or output_dir_problem(project_dir, content_dir, output):
        return None
    options = (f"drafts={include_drafts}", f"base_url={base_url}", f"search={search}", f"output={output.resolve()}")
    pagefind = pagefind_binary() if config.search and search else None
    return BuildInputs(project_dir, content_dir, output, cache_dir_for(output), options, pagefind)


def _build_checked(
    project_dir: Path,
    include_drafts: bool,
    output_dir: Path | None,
    base_url: str | None,
    search: bool,
    cache: bool,
    keep_search_index: bool,
) -> Built:
    checked = check_project(project_dir, include_drafts, use_cache=cache, output_dir=output_dir)
    built = Built(checked)
    if checked.report.has_errors or checked.config is None or checked.dossier is None or checked.index is None:
        return built
    config = checked.config
    if output_dir is not None:  # given on the command line: checked as dossier.yaml's output_dir is
        problem = output_dir_problem(project_dir, project_dir / config.content_dir, output_dir)
        if problem:
            checked.report.error(Location(str(output_dir)), problem.replace("output_dir", "the output folder", 1))
            return built
    config = checked.config = checked.dossier.config = publishing_config(config, base_url, search, checked.report)
    themes = resolve_themes(config.theme, project_dir, checked.report, config.location)
    if checked.report.has_errors:
        return built
    built.output_dir = output_dir or project_dir / config.output_dir
    report, timings, store = checked.report, checked.timings, checked.cache
    pages = PageCache(store, built.output_dir, config, themes) if store else None
    started = time.perf_counter()
    spare = cache_dir_for(built.output_dir) / SPARE_SITE if store else None
    derived = search_index(config, report, timings, built.output_dir if keep_search_index else None)
    with build_lock(built.output_dir), StagedSite(built.output_dir, derived, spare) as site:
        built.paths = render_site(
            checked.dossier, checked.texts, checked.index, checked.alignments, themes, report, site.add,
            site.keep_previous, pages, checked.alignment_keys,
        )  # fmt: skip
        timings["render"] = time.perf_counter() - started  # with writing into the staging folder
        if report.has_errors:
            site.abort()
            return built
        started = time.perf_counter()
        built.written = site.commit()
    timings["write"] = time.perf_counter() - started  # the search index, the swap
    if store and pages:
        record_anchors(built.output_dir, store.folder, checked.dossier, checked.texts)
        pages.note_written(built.output_dir)
        pages.save()
        store.finish(COMPARE_CACHE)
        store.finish(YAML_CACHE)
        store.finish(MENTIONS_CACHE)
    return built
