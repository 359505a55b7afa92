"""Run the stages in order: load, validate, anchor, link, render, write. Stop before render on any error."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dossier.cache import CacheMemory, CacheStore, cache_dir_for, digest
from dossier.config import CONFIG_FILE, check_base_url, load_config
from dossier.diagnostics import Location, Report
from dossier.folder_safety import content_dir_problem, output_dir_problem
from dossier.last_build import (
    BuildInputs,
    FileTable,
    LeftOutput,
    inputs_digest,
    last_manifest,
    record_build,
    replay_if_unchanged,
)
from dossier.model import Article, Claim, Config, Dossier, Story
from dossier.search import INDEX_FOLDER, is_search_on, pagefind_binary
from dossier.write import WriteResult

# The stages are imported when a build runs them (_check_project, _build_checked): a build that finds nothing
# changed since the last one stops before any, and so need not import them (numpy, Jinja, the comparison).
if TYPE_CHECKING:
    from dossier.anchor.stage import AnchorMemo
    from dossier.compare.align import Alignment
    from dossier.compare.stage import PairKey
    from dossier.link import Index
    from dossier.load import RawDossier
    from dossier.render.incremental import PageCache
    from dossier.story_results import StoryResults
    from dossier.text import ArticleText

SPARE_SITE = "spare-site"  # in the build cache: the site the last build replaced, staged into next time


def _remembering_memory() -> CacheMemory:
    """The cache's values a long-running process keeps between builds: the story memos and the story results, read
    for every story on every rebuild. (Their modules are imported here, when such a process starts, not when a
    build that may stop early imports this one.)"""
    from dossier.load import YAML_CACHE
    from dossier.story_results import STORY_RESULTS_CACHE

    return CacheMemory(frozenset({YAML_CACHE, STORY_RESULTS_CACHE}))


@dataclass
class BuildMemory:
    """What a long-running process (`serve`) keeps between its builds into one folder, so that a rebuild neither
    reads the unchanged content files again nor unpickles what the last build read of the cache: each file's size,
    time and digest (as `dossier build`'s first step takes them, see load.StoryMemos) and the cache's values (see
    cache.CacheMemory). A file the watcher saw change is forgotten, whatever its size and time say."""

    values: CacheMemory = field(default_factory=_remembering_memory)
    files: FileTable = field(default_factory=dict)

    def forget(self, paths: Iterable[Path]) -> None:
        for path in paths:
            self.files.pop(os.path.realpath(path), None)


@dataclass(frozen=True)
class BuildOptions:
    """What a command asks of a check or a build beyond dossier.yaml; passed whole down the pipeline."""

    include_drafts: bool = False
    output_dir: Path | None = None  # instead of dossier.yaml's output_dir
    base_url: str | None = None  # instead of dossier.yaml's base_url
    search: bool = True  # False skips the search index, as `search: false` does
    # Keep a build cache in `.dossier-cache/` beside the output folder (as `dossier build` does) and re-render
    # only the pages whose inputs changed; the bytes are those of a build without it (see dossier/cache.py).
    use_cache: bool = False
    # With the cache: stop early when nothing changed since the last build (dossier/last_build.py); the result
    # then has no outputs, and its report repeats that build's warnings.
    skip_unchanged: bool = False
    keep_search_index: bool = False  # keep the output folder's search index instead of making it again
    # With the cache: leave writing it back to `Built.keep_for_next_build`, called once the new site is in use
    # (`serve` sends the reload first: at 1,000 articles the cache's write took a tenth of a rebuild).
    defer_cache_write: bool = False
    memory: BuildMemory | None = field(default=None, compare=False)  # with the cache: kept between builds


@dataclass
class Checked:
    """What the stages before render produced: enough for `check`, and the input of render."""

    report: Report
    config: Config | None = None
    dossier: Dossier | None = None
    texts: dict[str, ArticleText] = field(default_factory=dict)
    index: Index | None = None
    alignments: Mapping[PairKey, Alignment] = field(default_factory=dict)
    alignment_keys: Mapping[PairKey, str] = field(default_factory=dict)  # a digest of each alignment's inputs
    # With the cache: a digest of what made each article's anchored annotations and mentions (see render_site).
    article_keys: dict[str, str] = field(default_factory=dict)
    # With the cache: each story, claim and article a story memo holds, with the memo's key (see render_site).
    file_keys: dict[tuple[str, str], tuple[str, object]] = field(default_factory=dict)
    cache: CacheStore | None = None
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Built:
    checked: Checked
    output_dir: Path | None = None
    paths: list[str] = field(default_factory=list)  # of the files written, search index aside
    written: WriteResult | None = None
    stopped_early: bool = False  # nothing changed since the last build: nothing was checked or rendered
    # With `defer_cache_write`: writes the build cache back for the next build (call it once, before that build;
    # a build that never calls it leaves the cache as the last build left it, which the next build may use).
    keep_for_next_build: Callable[[], None] | None = None

    @property
    def report(self) -> Report:
        return self.checked.report


@contextlib.contextmanager
def no_collections() -> Iterator[None]:
    """Hold the cyclic garbage collector back while a build runs; it is as it was after it, however it ends.

    A build makes millions of objects that live until it ends (the model, the records, the cache's entries) and
    hardly any cycles outside rendering (some 2,700 unreachable objects after a rebuild at 1,000 articles; the
    pages' own are freed as they are rendered, `collecting_new_cycles`), so each pass of the collector over the
    growing heap only costs: at Python's default thresholds about 1,700 passes and 1.2 s of
    CPU in an annotation edit's rebuild at 1,000 articles; at (100,000, 50, 100) 20-odd passes, still 0.3 s of
    CPU there and 1.2-1.5 s of a rebuild's 5 s at 5,000. Acyclic garbage is freed as ever, by reference
    counting. `dossier build` and `check` hold it back until the command has let its model go (cli.py); `serve`
    until it is idle (serve/session.py), not while the pages it has just rebuilt reload.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# While rendering: a collection after this many new objects. Each pass looks at the young objects only (the
# model is frozen out of its reach), so a larger number means fewer passes for the same work, and at most this many
# objects' worth of garbage waiting.
RENDER_COLLECTION_THRESHOLD = 20_000


@contextlib.contextmanager
def collecting_new_cycles() -> Iterator[None]:
    """Let the cyclic garbage collector run, over the objects made from here on only: those there already (the
    model, which lives until the build ends) are frozen out of its reach, and so cost it nothing.

    Rendering is where a build makes its cycles: each page leaves Jinja's contexts and Markdown renderers
    behind. Held back, they were never freed while a cold build rendered, and each render worker grew by about
    220 MB at 5,000 articles. The collector is as it was after it, however it ends; a caller that froze objects
    of its own (a program that embeds dossier and forks) keeps them frozen, and the model is then left in reach."""
    was_enabled, thresholds = gc.isenabled(), gc.get_threshold()
    freezes = gc.get_freeze_count() == 0
    if freezes:
        gc.freeze()
    gc.set_threshold(RENDER_COLLECTION_THRESHOLD, *thresholds[1:])
    gc.enable()
    try:
        yield
    finally:
        if not was_enabled:
            gc.disable()
        gc.set_threshold(*thresholds)
        if freezes:
            gc.unfreeze()


# What the stages import when a build runs them (_check_project, _build_checked), for warm_up.
STAGE_MODULES = (
    "dossier.anchor",
    "dossier.compare.stage",
    "dossier.last_build",
    "dossier.link",
    "dossier.load",
    "dossier.placeholders",
    "dossier.render",
    "dossier.render.data",
    "dossier.render.incremental",
    "dossier.render.pages",
    "dossier.render.site_files",
    "dossier.static_folder",
    "dossier.story_results",
    "dossier.themes",
    "dossier.validate",
    "dossier.write",
)


def warm_up(project_dir: Path, config: Config, builds_out: contextlib.AbstractContextManager[object]) -> None:
    """Do what a process's first build does once: import the stages, load the comparison's sentence model and
    compile the theme's templates (holding `builds_out`, which keeps builds from running meanwhile). A
    long-running process whose first build ran elsewhere (`serve` forks it) does it while it waits for a save, so
    that its first rebuild need not (at 1,000 articles, a second of the first article edit's reload). What fails
    here is left for the build to report."""
    import importlib

    from dossier.compare.meaning import OFF, model_named
    from dossier.render import compile_templates
    from dossier.themes import resolve_themes

    for name in STAGE_MODULES:
        importlib.import_module(name)
    with contextlib.suppress(Exception):
        if config.compare.meaning != OFF:
            model_named(config.compare.meaning)
    with contextlib.suppress(Exception):  # a theme folder that cannot be read: the build says so
        report = Report()
        themes = resolve_themes(config.theme, project_dir, report, config.location)
        if not report.has_errors:
            with builds_out:
                compile_templates(themes)


def check_project(project_dir: Path, options: BuildOptions = BuildOptions()) -> Checked:
    """Load, validate, anchor and link, collecting every problem; writes nothing.

    For builds, `options.use_cache` takes alignments from (and stores new ones in) the build cache beside the
    output folder, `options.output_dir` or dossier.yaml's (see dossier/cache.py).
    """
    with no_collections():
        return _check_project(project_dir, options, {})


def prime_rebuilds(project_dir: Path, options: BuildOptions) -> None:
    """Do now, for a long-running process whose first build ran elsewhere (`serve` forks it), what that build
    would have left for the next: check the project with the build cache and `options.memory`, to fill the memory
    with what a rebuild's first stages read (each content file's size, time and digest, the story memos and
    results: without them, serve's first rebuild at 1,000 articles spent 0.25 s loading against 0.09 s for the
    next), and give the output folder a spare to stage into (write.make_spare). Nothing is rendered, and nothing is
    written but the cache's entries, which a rebuild would write alike.

    It leaves the garbage collector alone (no `no_collections`): it runs on a thread of its own, and the collector
    is the process's, which `serve` holds back while its pages reload; turned back on here, it ran meanwhile."""
    from dossier.write import make_spare

    checked = _check_project(project_dir, options, {})
    if options.use_cache and checked.config is not None:
        output = options.output_dir or project_dir / checked.config.output_dir
        make_spare(output, cache_dir_for(output) / SPARE_SITE)


def _check_project(project_dir: Path, options: BuildOptions, known_files: FileTable) -> Checked:
    """check_project; `known_files`: the files `dossier build` found in its first step (see load.StoryMemos)."""
    from dossier.anchor import anchor_quotes, report_moved_anchors
    from dossier.anchor.stage import ANCHORS_CACHE, TEXTS_CACHE
    from dossier.compare.stage import compare_stories
    from dossier.last_build import previous_anchors
    from dossier.link import MENTIONS_CACHE, link_entities
    from dossier.load import YAML_CACHE
    from dossier.text import make_markdown

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
    if options.use_cache and not report.has_errors:
        memory = options.memory.values if options.memory else None
        checked.cache = _cache_store(project_dir, config, options.output_dir, memory)
        if checked.cache and checked.cache.problem:
            report.warning(Location(CONFIG_FILE), f"{checked.cache.problem}: the build cache is not used")
    validated, memo, results = _read_content(project_dir, content_dir, checked, options, known_files)
    checked.timings["load"] = time.perf_counter() - started
    anchored, checked.texts = anchor_quotes(validated, make_markdown(config.raw_html), report, memo)
    # Compared with the last build into the same folder (for `serve`, the last site it served).
    last_output = options.output_dir or project_dir / config.output_dir
    previous = previous_anchors(last_output, checked.cache.folder if checked.cache else None)
    report_moved_anchors(anchored, checked.texts, previous, report)
    mention_keys: dict[str, str] = {}
    kept_mentions = results.kept_mentions(memo) if results and memo else None
    checked.dossier, checked.index = link_entities(anchored, checked.texts, checked.cache, mention_keys, kept_mentions)
    if memo:
        checked.article_keys = {id_: digest(memo.keys[id_], mention_keys[id_]) for id_ in checked.dossier.articles}
    checked.timings["anchor+link"] = time.perf_counter() - started - checked.timings["load"]
    if checked.cache and not report.has_errors:
        # Each stage so far has put or kept all it will: its pickles are written now, and leave memory before
        # the comparison and render need it (at 5,000 articles, hundreds of MB).
        for namespace in (YAML_CACHE, ANCHORS_CACHE, TEXTS_CACHE, MENTIONS_CACHE):
            checked.cache.write_back(namespace)
    compare_started = time.perf_counter()
    if not report.has_errors:
        languages = results.languages if results else None
        side_keys = results.kept_side_keys(memo) if results and memo else None
        alignments = compare_stories(checked.dossier, checked.texts, checked.cache, report, languages, side_keys)
        checked.alignments, checked.alignment_keys = alignments, alignments.input_keys
        if results and memo:
            results.keep(checked.dossier, memo, mention_keys)
    checked.timings["compare"] = time.perf_counter() - compare_started
    return checked


def _read_content(
    project_dir: Path, content_dir: Path, checked: Checked, options: BuildOptions, known_files: FileTable
) -> tuple[Dossier, AnchorMemo | None, StoryResults | None]:
    """The validated model, with (given the cache) the anchors' memo and the stories' kept results. The YAML as
    read, with a location for every value, is let go when this returns: kept through the rest of the build, it
    held about 170 MB at 5,000 articles."""
    from dossier.anchor.stage import AnchorMemo
    from dossier.link import people_key
    from dossier.load import StoryMemos, annotation_prints, load_dossier, memoised_yaml
    from dossier.placeholders import report_placeholders
    from dossier.story_results import StoryResults
    from dossier.validate import validate_dossier
    from dossier.yaml_reader import parse_yaml

    assert checked.config is not None
    config, report, cache = checked.config, checked.report, checked.cache
    parse = memoised_yaml(cache) if cache else parse_yaml
    if options.memory and not known_files:
        known_files = options.memory.files
    memos = StoryMemos(cache, config, options.include_drafts, known_files) if cache else None
    raw = load_dossier(project_dir, content_dir, report, parse, memos)
    validated = validate_dossier(raw, config, report, options.include_drafts)
    report_placeholders(raw, validated, report)
    if memos:
        memos.keep(raw)
        if options.memory:
            options.memory.files = memos.files
        checked.file_keys = _story_file_keys(raw)
    if not cache:
        return validated, None, None
    results = StoryResults(cache, people_key(validated))
    results.read(raw, validated)
    prints = annotation_prints(raw, validated.articles)
    memo = AnchorMemo(cache, f"raw_html={config.raw_html}", annotation_prints=prints, kept=results.anchoring)
    return validated, memo, results


def _story_file_keys(raw: RawDossier) -> dict[tuple[str, str], tuple[str, object]]:
    """Each story, claim and article a story memo holds (read back, or made in this build), by (table, id), with
    the memo's key: a digest of the story's files and the settings, which stands for the entity wherever the
    model still holds its values (render checks: drafts left out make a new story, for one)."""
    keys: dict[tuple[str, str], tuple[str, object]] = {}
    for story in raw.stories:
        memo = story.memo or story.made
        if memo is None or story.memo_key is None:
            continue
        entities: list[tuple[str, Story | Claim | Article]] = [("stories", memo.story)] if memo.story else []
        entities += [("claims", claim) for claim in memo.claims] + [("articles", a) for a in memo.articles]
        for table, entity in entities:
            keys[table, entity.id] = (story.memo_key, entity)
    return keys


def _cache_store(
    project_dir: Path, config: Config, output_dir: Path | None, memory: CacheMemory | None
) -> CacheStore | None:
    """The build cache beside the output folder, or None when that folder may not be used."""
    output = output_dir or project_dir / config.output_dir
    if output_dir_problem(project_dir, project_dir / config.content_dir, output):
        return None
    return CacheStore(cache_dir_for(output), memory)


def publishing_config(config: Config, base_url: str | None, search: bool, report: Report) -> Config:
    """dossier.yaml's settings with the command line's `--base-url` and `--no-search` applied (search also
    needs Pagefind: see search.is_search_on)."""
    if base_url is not None:
        normalised, problem = check_base_url(base_url)
        if problem:
            report.error(Location("--base-url"), problem)
        config = dataclasses.replace(config, base_url=normalised)
    return dataclasses.replace(config, search=is_search_on(config, search, report))


def build_project(project_dir: Path, options: BuildOptions = BuildOptions()) -> Built:
    """Check, then render and write; nothing is written when anything is wrong."""
    with no_collections():
        return _build_project(project_dir, options)


def _build_project(project_dir: Path, options: BuildOptions) -> Built:
    started = time.perf_counter()
    wants_skip = options.skip_unchanged and options.use_cache  # the manifest lives in the cache
    inputs = _build_inputs(project_dir, options) if wants_skip else None
    manifest = last_manifest(inputs) if inputs else {}
    inputs_key, input_files = inputs_digest(inputs, manifest) if inputs else (None, {})
    if inputs and inputs_key:
        replayed = replay_if_unchanged(inputs, manifest, inputs_key)
        if replayed:
            report, files = replayed
            checked = Checked(report, timings={"unchanged": time.perf_counter() - started})
            written = WriteResult(written=0, unchanged=files, removed=0)
            return Built(checked, inputs.output_dir, written=written, stopped_early=True)
    built = _build_checked(project_dir, options, input_files)
    if inputs and inputs_key and built.written is not None and not built.report.has_errors:
        record_build(inputs, inputs_key, input_files, built.report, manifest, _left_output(built, built.written))
    return built


def _left_output(built: Built, written: WriteResult) -> LeftOutput:
    searched = built.checked.config is not None and built.checked.config.search
    return LeftOutput(built.paths, written.changed, INDEX_FOLDER if searched else None)


def _build_inputs(project_dir: Path, options: BuildOptions) -> BuildInputs | None:
    """What decides a build's output, for telling that nothing changed; None when the configuration has
    problems (the full build reports them)."""
    report = Report()
    config = load_config(project_dir, report)
    if config is None or report.has_errors:
        return None
    content_dir, output = project_dir / config.content_dir, options.output_dir or project_dir / config.output_dir
    if content_dir_problem(project_dir, content_dir) or output_dir_problem(project_dir, content_dir, output):
        return None
    output_options = (
        f"drafts={options.include_drafts}",
        f"base_url={options.base_url}",
        f"search={options.search}",
        f"output={output.resolve()}",
    )
    pagefind = pagefind_binary() if config.search and options.search else None
    return BuildInputs(project_dir, content_dir, output, cache_dir_for(output), output_options, pagefind)


def _build_checked(project_dir: Path, options: BuildOptions, known_files: FileTable) -> Built:
    from dossier.compare.stage import Alignments
    from dossier.render import render_site
    from dossier.render.incremental import PageCache
    from dossier.search import search_index
    from dossier.static_folder import copy_static_files, static_files
    from dossier.themes import resolve_themes
    from dossier.write import StagedSite, build_lock

    checked = _check_project(project_dir, options, known_files)
    built = Built(checked)
    if checked.report.has_errors or checked.config is None or checked.dossier is None or checked.index is None:
        return built
    config, output_dir = checked.config, options.output_dir
    if output_dir is not None:  # given on the command line: checked as dossier.yaml's output_dir is
        problem = output_dir_problem(project_dir, project_dir / config.content_dir, output_dir)
        if problem:
            checked.report.error(Location(str(output_dir)), problem.replace("output_dir", "the output folder", 1))
            return built
    config = checked.config = publishing_config(config, options.base_url, options.search, checked.report)
    checked.dossier = dataclasses.replace(checked.dossier, config=config)
    themes = resolve_themes(config.theme, project_dir, checked.report, config.location)
    if checked.report.has_errors:
        return built
    built.output_dir = output_dir or project_dir / config.output_dir
    report, timings, store = checked.report, checked.timings, checked.cache
    pages = PageCache(store, built.output_dir, config, themes, not options.defer_cache_write) if store else None
    started = time.perf_counter()
    spare = cache_dir_for(built.output_dir) / SPARE_SITE if store else None
    derived = search_index(config, report, timings, built.output_dir, keep=options.keep_search_index)
    with build_lock(built.output_dir), StagedSite(built.output_dir, derived, spare) as site, collecting_new_cycles():
        built.paths = render_site(
            checked.dossier, checked.texts, checked.index, checked.alignments, themes, report, site.add,
            site.keep_previous, pages, checked.alignment_keys, checked.article_keys, checked.file_keys,
        )  # fmt: skip
        if isinstance(checked.alignments, Alignments):
            checked.alignments.let_go()
        static = static_files(project_dir, report)  # checked with what the pages left: a clash is an error
        built.paths += copy_static_files(static, built.paths, derived.folder if derived else None, report, site.add)
        timings["render"] = time.perf_counter() - started  # with writing into the staging folder
        if report.has_errors:
            site.abort()
            return built
        started = time.perf_counter()
        built.written = site.commit()
    timings["write"] = time.perf_counter() - started  # the search index, the swap
    if store and pages:
        keep = functools.partial(_keep_for_next_build, built.output_dir, store, pages, checked)
        if options.defer_cache_write:
            built.keep_for_next_build = keep
        else:
            keep()
    return built


def _keep_for_next_build(output_dir: Path, store: CacheStore, pages: PageCache, checked: Checked) -> None:
    """Write back the build cache, keeping what this build used, and the anchors the next build compares with."""
    with no_collections():
        _write_back(output_dir, store, pages, checked)


def _write_back(output_dir: Path, store: CacheStore, pages: PageCache, checked: Checked) -> None:
    from dossier.anchor.stage import ANCHORS_CACHE, TEXTS_CACHE
    from dossier.compare.stage import CACHE_NAMESPACE as COMPARE_CACHE
    from dossier.compare.stage import LANGUAGE_CACHE
    from dossier.last_build import record_anchors
    from dossier.link import MENTIONS_CACHE
    from dossier.load import YAML_CACHE

    assert checked.dossier is not None
    record_anchors(output_dir, store.folder, checked.dossier, checked.texts)
    pages.note_written(output_dir)
    pages.save()
    for namespace in (COMPARE_CACHE, LANGUAGE_CACHE, YAML_CACHE, MENTIONS_CACHE, ANCHORS_CACHE, TEXTS_CACHE):
        store.finish(namespace)
