"""The site's search: whether a build makes an index, and making it with Pagefind in the staged site, before
it is swapped into place.

Pagefind reads the built HTML (pages mark what to index with `data-pagefind-body`, typed with
`data-pagefind-filter`) and writes its index and search UI into `pagefind/`. Its output depends only on the
pages and on the Pagefind version, but for one thing: pagefind-entry.json lists a site's languages in hash-map
order, which varies from run to run, so we sort them (Pagefind's search looks them up by name, and breaks
ties in its fallback by page count). Two builds of the same content give the same bytes. A missing or failing
Pagefind never fails a build: the site is built without search, with a warning.

A large site's index is made in bundles (Pagefind's "multisite" indexes, merged by its search in the browser):
each story's pages, and each person, claim and source page, belong to one bundle by a hash of their folder, so
that a rebuild after an edit indexes again only the bundles whose pages changed and keeps the others as they
are. `pagefind/` is the first bundle (with Pagefind's scripts); the others are `pagefind/shard-N/`, listed in
`pagefind/dossier-shards.json` for dossier.js. A site of fewer than 2 * PAGES_PER_SHARD pages has one bundle.

Bundles cost readers: a search fetches each bundle's entry and metadata, and for each word a chunk of each
bundle's index (at 1,000 articles, a first one-word search fetched 32 files and 378 KB from 8 bundles, against 11
files and 200 KB from one index). `search_index: single` in dossier.yaml makes one index whatever the site's
size: readers fetch less, and every rebuild that changes an indexed page indexes the whole site again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import stat
import subprocess
import threading
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from dossier import urls
from dossier.config import CONFIG_FILE
from dossier.diagnostics import Location, Report
from dossier.kept_files import read_below
from dossier.model import Config
from dossier.workers import available_cores
from dossier.write import Derived, same_file

INDEX_FOLDER = "pagefind"
ENTRY_FILE = "pagefind-entry.json"
TIMEOUT_SECONDS = 300
Started = Callable[["subprocess.Popen[str]"], object]  # told the Pagefind process a background index runs
BACKGROUND_NICENESS = 10  # serve's index, made after the pages reload, yields to the next rebuild
INSTALL_HINT = "install it with `pip install 'pagefind[bin]'`, or set `search: false` in dossier.yaml"
# The pages base.html marks `data-pagefind-body` (stories, articles, people, claims, sources): Pagefind reads
# only these, not the comparisons, lists and data files, which it would parse only to find nothing to index.
INDEXED_PATTERNS = (
    urls.story_path("*"),
    urls.article_path("*", "*"),
    urls.person_path("*"),
    urls.claim_path("*"),
    urls.source_path("*"),
)
SHARDS_FILE = "dossier-shards.json"  # in the first bundle: the others, for dossier.js to merge into its search
SHARD_LAYOUT = 1  # raised whenever the way pages are shared among bundles changes: every bundle is made again
# About this many pages a bundle: an edit re-indexes one bundle (about 0.7 s of Pagefind's CPU for 300 pages,
# against 6 s for the 2,400 pages of 1,000 articles), while a search fetches a little of every bundle.
PAGES_PER_SHARD = 256
MAX_SHARDS = 32
MAX_PAGEFIND_RUNS = 4  # at once, in a build; each is multi-threaded already, and holds its bundle in memory
# What a bundle merged into the first one needs: Pagefind's scripts, styles and WebAssembly come from the first.
MERGED_BUNDLE_FILES = ("pagefind-entry.json", "index", "fragment", "filter")
MERGED_BUNDLE_SUFFIXES = (".pf_meta",)


def is_search_on(config: Config, requested: bool, report: Report) -> bool:
    """Whether the site gets a search index: dossier.yaml's `search` and the command line's (`requested`) both
    on, and Pagefind installed. Without Pagefind, a warning: pages then show no search box."""
    wants_search = config.search and requested
    if wants_search and pagefind_binary() is None:
        report.warning(Location(CONFIG_FILE), f"Pagefind is not installed, so the site has no search; {INSTALL_HINT}")
        return False
    return wants_search


def search_index(
    config: Config, report: Report, timings: dict[str, float], output_dir: Path, *, keep: bool = False
) -> Derived | None:
    """The Pagefind index, made in the staging folder before the swap; None when search is off.

    Bundles whose pages did not change since the site in `output_dir` are taken from its index (linked). With
    `keep`, that whole index is kept as it is instead, whatever changed: `serve` does so when indexing again
    would hold up every reload (it brings the index up to date afterwards).
    """
    binary = pagefind_binary() if config.search else None
    if binary is None:
        return None
    previous = output_dir / INDEX_FOLDER

    def make(staging: Path, changed: Collection[str]) -> None:
        started = time.perf_counter()
        if keep and previous.is_dir() and not previous.is_symlink():
            with contextlib.suppress(OSError):  # not as dossier made it (a link, a FIFO): made anew below
                _mirror(previous, staging / INDEX_FOLDER, whole=True)
                return
        is_bundled = config.search_index == "bundled"
        where = Location(CONFIG_FILE)
        index_site(staging, binary, report, where, previous=previous, changed=changed, is_bundled=is_bundled)
        timings["search"] = time.perf_counter() - started

    return Derived(INDEX_FOLDER, make)


def pagefind_binary() -> Path | None:
    """The Pagefind executable (PyPI `pagefind[bin]`, or $PAGEFIND_BINARY_PATH), or None."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    try:
        binary = get_executable()
    except Exception:  # a broken install: treat it as missing
        return None
    return binary if binary is not None and binary.is_file() else None


def index_site(
    site: Path,
    binary: Path,
    report: Report,
    where: Location,
    *,
    in_background: Started | None = None,
    previous: Path | None = None,
    changed: Collection[str] = (),
    is_bundled: bool = True,
) -> bool:
    """Write `site`/pagefind/ from the HTML in `site`; on failure report a warning and leave no partial index.

    `previous`: the index of an earlier site, of which `changed` lists the paths written or removed since; its
    bundles that hold none of them are linked, not made again. `in_background`: Pagefind runs at a lower
    priority, one bundle at a time, so that it does not slow the work the editor waits for, and each process is
    handed to that function (so that it can be ended when serve stops). `is_bundled`: a large site's index in
    bundles (BundleLayout), else one, whatever its size."""
    work = site / WORK_FOLDER  # beside the pages, for hard links; never swapped in (removed below)
    shutil.rmtree(work, ignore_errors=True)
    try:
        layout = BundleLayout.of(indexed_pages(site), pagefind_version(binary), is_bundled)
        if not layout.bundles:
            shutil.rmtree(site / INDEX_FOLDER, ignore_errors=True)  # what a spare site held there
            report.warning(where, "the site has no page to index (no story, person, claim or source): no search")
            return False
        kept = layout.kept_from(previous, changed) if previous is not None else set()
        to_make = [bundle for bundle in layout.bundles if bundle.shard not in kept]
        made = _make_bundles(site, work, binary, to_make, in_background)
        failure = next((problem for problem in made.values() if problem), None)
        if failure is None:
            _assemble(site / INDEX_FOLDER, layout, kept, previous, work)
            return True
    except OSError as problem:
        failure = str(problem)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(site / INDEX_FOLDER, ignore_errors=True)
    report.warning(where, f"the search index was not built (Pagefind failed: {failure}); the site has no search")
    return False


WORK_FOLDER = ".pagefind-work"


@dataclass(frozen=True)
class Bundle:
    shard: int
    folder: str  # below the index folder: "" for the first bundle, "shard-N" for the others
    pages: tuple[str, ...]


@dataclass(frozen=True)
class BundleLayout:
    """How the indexed pages are shared among bundles, and what the shards file says of it."""

    count: int  # of shards, empty ones too
    bundles: tuple[Bundle, ...]  # the shards that hold pages, in order: the first is Pagefind's own folder
    version: str  # Pagefind's: a bundle made by another version is made again

    @classmethod
    def of(cls, pages: list[str], version: str, is_bundled: bool = True) -> BundleLayout:
        count = shard_count(len(pages)) if is_bundled else 1
        shards: dict[int, list[str]] = {}
        for page in pages:
            shards.setdefault(shard_of(page, count), []).append(page)
        bundles = [
            Bundle(shard, "" if number == 0 else f"shard-{shard}", tuple(shards[shard]))
            for number, shard in enumerate(sorted(shards))
        ]
        return cls(count, tuple(bundles), version)

    def as_json(self) -> str:
        merged = [{"shard": bundle.shard, "path": f"{bundle.folder}/"} for bundle in self.bundles[1:]]
        first = self.bundles[0].shard if self.bundles else None
        shards = {"layout": SHARD_LAYOUT, "pagefind": self.version, "shards": self.count, "first": first}
        return json.dumps({**shards, "merged": merged}, separators=(",", ":"))

    def kept_from(self, previous: Path, changed: Collection[str]) -> set[int]:
        """The shards whose bundle in the index `previous` can be kept: made the same way, by the same Pagefind,
        and none of their pages among `changed`."""
        try:
            before = json.loads(read_below(previous, SHARDS_FILE, limit=1 << 20))
        except (OSError, ValueError):
            return set()
        if not isinstance(before, dict) or json.loads(self.as_json()) | {"merged": None} != before | {"merged": None}:
            return set()  # another layout, count, first bundle or version: the bundles' places differ
        touched = {shard_of(path, self.count) for path in changed if is_indexed_page(path)}
        named = _shards_in(before)
        return {
            bundle.shard
            for bundle in self.bundles
            if bundle.shard not in touched and bundle.shard in named and _is_whole(previous / bundle.folder)
        }


def _is_whole(bundle: Path) -> bool:
    """Whether a bundle of the last index is there to keep (its entry file, a regular file, names the rest)."""
    entry = bundle / ENTRY_FILE
    return entry.is_file() and not entry.is_symlink() and not bundle.is_symlink()


def _shards_in(shards_file: dict[str, object]) -> set[int]:
    """The shards a shards file names: its first bundle's and the merged ones'."""
    found = {shards_file.get("first")}
    merged = shards_file.get("merged")
    if isinstance(merged, list):
        found |= {entry.get("shard") for entry in merged if isinstance(entry, dict)}
    return {shard for shard in found if isinstance(shard, int)}


def shard_count(pages: int) -> int:
    """How many shards `pages` indexed pages are shared among: a power of two, about PAGES_PER_SHARD pages each
    (it changes only when the site doubles or halves, so bundles are rarely all made again)."""
    count = 1
    while count < MAX_SHARDS and pages >= 2 * count * PAGES_PER_SHARD:
        count *= 2
    return count


def shard_of(page: str, count: int) -> int:
    """The shard of an indexed page: by its first two folders (`stories/ID`, `people/ID`), so a story's pages,
    which an edit changes together, share one bundle."""
    unit = "/".join(page.split("/")[:2])
    return int.from_bytes(hashlib.blake2b(unit.encode("utf-8"), digest_size=8).digest(), "big") % count


def is_indexed_page(path: str) -> bool:
    pure = PurePosixPath(path)
    return any(len(pure.parts) == pattern.count("/") + 1 and pure.match(pattern) for pattern in INDEXED_PATTERNS)


def indexed_pages(site: Path) -> list[str]:
    """The pages Pagefind indexes in `site`, as sorted relative paths (regular files only)."""
    found = {
        page.relative_to(site).as_posix()
        for pattern in INDEXED_PATTERNS
        for page in site.glob(pattern)
        if page.is_file() and not page.is_symlink()
    }
    return sorted(found)


@functools.cache
def pagefind_version(binary: Path) -> str:
    """What `pagefind --version` says ("pagefind 1.5.2"); "" when it says nothing."""
    result = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60, check=False)
    return result.stdout.strip()


def _make_bundles(
    site: Path, work: Path, binary: Path, bundles: list[Bundle], in_background: Started | None
) -> dict[int, str | None]:
    """Run Pagefind for each bundle, on a folder of hard links to its pages, into `work`/bundle-N; a failure's
    words for each shard (None when it was made). Bundles are made side by side, one per core, unless in the
    background."""
    commands = {}
    for bundle in bundles:
        pages = work / f"pages-{bundle.shard}"
        _link_pages(site, bundle.pages, pages)
        output = work / f"bundle-{bundle.shard}"
        commands[bundle.shard] = [str(binary), "--site", str(pages), "--output-path", str(output), "--quiet"]
    at_once = 1 if in_background else min(available_cores(), MAX_PAGEFIND_RUNS)
    results = _run_all(commands, at_once, in_background)
    return {shard: _failure(result, work / f"bundle-{shard}") for shard, result in results.items()}


def _run_all(
    commands: dict[int, list[str]], at_once: int, in_background: Started | None
) -> dict[int, subprocess.CompletedProcess[str] | str]:
    """Each command's result (or why it could not run), `at_once` running at a time. Interrupted (Ctrl-C, or
    SIGTERM as serve takes it), no other command starts and those running are ended: a stopped build or serve
    leaves no Pagefind behind, writing into a folder that is going away."""
    if at_once == 1:
        return {shard: _run_or_why(command, in_background) for shard, command in commands.items()}
    from concurrent.futures import ThreadPoolExecutor

    running = _Running()
    with ThreadPoolExecutor(at_once) as pool:
        futures = {shard: pool.submit(_run_or_why, command, None, running.add) for shard, command in commands.items()}
        try:
            return {shard: future.result() for shard, future in futures.items()}
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            running.end_all()
            raise


class _Running:
    """The processes that threads run side by side, to end them all from the thread that waits for them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._processes: list[subprocess.Popen[str]] = []
        self._is_ending = False

    def add(self, process: subprocess.Popen[str]) -> None:
        with self._lock:
            self._processes.append(process)
            if self._is_ending:  # started as the others were being ended
                process.kill()

    def end_all(self) -> None:
        with self._lock:
            self._is_ending = True
            for process in self._processes:
                process.kill()  # nothing, for one that has ended


def _run_or_why(
    command: list[str], in_background: Started | None, started: Started | None = None
) -> subprocess.CompletedProcess[str] | str:
    try:
        return _run(command, in_background, started)
    except (OSError, subprocess.TimeoutExpired) as problem:
        return str(problem)


def _failure(result: subprocess.CompletedProcess[str] | str, bundle: Path) -> str | None:
    if isinstance(result, str):
        return result
    if result.returncode == 0 and _sort_entry_languages(bundle / ENTRY_FILE):
        return None
    if result.returncode == 0:
        return f"its {ENTRY_FILE} is missing or unreadable"
    lines = (result.stderr or result.stdout).strip().splitlines()
    return f"exit status {result.returncode}: {lines[-1] if lines else 'no output'}"


def _assemble(index: Path, layout: BundleLayout, kept: set[int], previous: Path | None, work: Path) -> None:
    """Put each bundle in its place below `index` (the first one first: it is the index folder itself), made or
    kept, the merged ones without Pagefind's scripts, then the shards file.

    A kept bundle is linked from the `previous` index. Where `index` is there already (the site was staged into
    the spare site, which held an index), its folders are moved aside and a kept bundle starts from its old
    folder: most of its files are that bundle's files already, and are kept rather than unlinked and linked
    again (a few thousand files at 1,000 articles)."""
    spare = work / "spare-index"
    if index.is_dir() and not index.is_symlink():
        work.mkdir(parents=True, exist_ok=True)  # not made yet when every bundle is kept
        index.rename(spare)
    elif os.path.lexists(index):
        index.unlink()
    for bundle in layout.bundles:
        target = index / bundle.folder if bundle.folder else index
        if bundle.shard in kept and previous is not None:
            old = spare / bundle.folder if bundle.folder else spare
            if old.is_dir() and not old.is_symlink() and not os.path.lexists(target):
                old.rename(target)  # the first bundle's brings the merged ones' old folders along
            _mirror(previous / bundle.folder if bundle.folder else previous, target, whole=bool(bundle.folder))
        else:
            made = work / f"bundle-{bundle.shard}"
            if bundle.folder:
                _drop_scripts(made)
            _remove(target)  # a merged bundle's old folder, brought along by the first bundle's
            target.parent.mkdir(parents=True, exist_ok=True)
            made.rename(target)
    bundle_folders = {bundle.folder for bundle in layout.bundles}
    for entry in _entries(index):
        if entry.name.startswith("shard-") and entry.name not in bundle_folders:
            _remove(Path(entry.path))  # a bundle of the old layout, brought along by the first bundle's folder
    (index / SHARDS_FILE).write_text(layout.as_json(), encoding="utf-8")


def _mirror(source: Path, target: Path, *, whole: bool) -> None:
    """Make `target` hold a hard link of each regular file below `source` (at the same paths), keeping those it
    holds already (same inode) and removing anything else it holds; not `whole`: the first bundle alone, and
    the merged bundles' folders in `target` are left to them. Anything but folders and regular files in `source`
    is an OSError: the bundle is not as dossier made it."""
    if os.path.lexists(target) and (target.is_symlink() or not target.is_dir()):
        target.unlink()
    target.mkdir(parents=True, exist_ok=True)
    present = {entry.name: entry for entry in _entries(target)}
    for entry in _entries(source):
        if entry.is_dir(follow_symlinks=False):
            if whole or not entry.name.startswith("shard-"):
                present.pop(entry.name, None)
                _mirror(Path(entry.path), target / entry.name, whole=True)
            continue
        if not entry.is_file(follow_symlinks=False):
            raise OSError(f"{entry.path} is not a regular file")
        if not whole and entry.name == SHARDS_FILE:
            continue
        old = present.pop(entry.name, None)
        if old is not None:
            if old.is_file(follow_symlinks=False) and _same_inode(old, entry):
                continue
            _remove(Path(old.path))
        os.link(entry.path, target / entry.name)
    for name, entry in present.items():
        if whole or not (name.startswith("shard-") and entry.is_dir(follow_symlinks=False)):
            _remove(Path(entry.path))


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as entries:
        return sorted(entries, key=lambda entry: entry.name)


def _same_inode(one: os.DirEntry[str], other: os.DirEntry[str]) -> bool:
    return same_file(one.stat(follow_symlinks=False), other.stat(follow_symlinks=False))


def _remove(path: Path) -> None:
    """Remove a file, link or folder, if there is one."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()


def link_index(index: Path, copy: Path) -> None:
    """Make `copy` hold a hard link of every file of the index folder `index` and nothing else (keeping what it
    holds of them already): a copy that keeps its bytes while the site changes."""
    _mirror(index, copy, whole=True)


def _drop_scripts(bundle: Path) -> None:
    """Remove what a merged bundle does not need: the first bundle's scripts, styles and WebAssembly serve all."""
    for path in bundle.iterdir():
        if path.name not in MERGED_BUNDLE_FILES and not path.name.endswith(MERGED_BUNDLE_SUFFIXES):
            _remove(path)


def _run(
    command: list[str], in_background: Started | None, started: Started | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `command` to its end, taking its output. `in_background`: at a lower priority, and the process handed
    to that function; `started`: the process handed to that function. Interrupted, the process is ended."""
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        if in_background is not None:
            with contextlib.suppress(OSError):  # not allowed, or ended already: it runs as it is
                os.setpriority(os.PRIO_PROCESS, process.pid, BACKGROUND_NICENESS)
        for hand_over in (in_background, started):
            if hand_over is not None:
                hand_over(process)
        try:
            stdout, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
        except BaseException:  # its time limit, Ctrl-C, SIGTERM as serve takes it
            process.kill()
            raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _sort_entry_languages(entry_file: Path) -> bool:
    """Rewrite Pagefind's entry file with its languages in name order; False when it cannot be read."""
    try:
        entry = json.loads(entry_file.read_text(encoding="utf-8"))
        entry["languages"] = dict(sorted(entry["languages"].items()))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return True


def link_indexed_pages(site: Path, snapshot: Path) -> int:
    """Make `snapshot` hold a hard link of each page Pagefind would index in `site`, at the same paths, and no
    other page; how many. A build never writes through a link, so the snapshot keeps these bytes while the site
    changes. The last snapshot's pages that are still the site's (a rebuild links each unchanged page from the
    last site: same inode) and its folders stay: a rebuild changes a few pages, of some thousands."""
    pages = indexed_pages(site)
    _remove_other_pages(snapshot, set(pages))
    for page in pages:
        source, target = f"{site}/{page}", f"{snapshot}/{page}"
        with contextlib.suppress(FileNotFoundError):
            found = os.lstat(target)
            if stat.S_ISREG(found.st_mode) and same_file(found, os.lstat(source)):
                continue
            _remove(Path(target))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.link(source, target)
    return len(pages)


def _remove_other_pages(snapshot: Path, pages: set[str]) -> None:
    """Remove from a snapshot every file (or link) that is not one of `pages`, and the folders left empty; its
    index folder is index_site's."""
    if not snapshot.is_dir() or snapshot.is_symlink():
        _remove(snapshot)
        return
    roots = {pattern.split("/")[0] for pattern in INDEXED_PATTERNS}
    for entry in _entries(snapshot):
        if entry.name not in (INDEX_FOLDER, WORK_FOLDER) and (entry.name not in roots or entry.is_symlink()):
            _remove(Path(entry.path))  # a link is removed, never walked: os.walk would follow it
    for root in sorted(roots):
        for folder, folders, files in os.walk(snapshot / root, topdown=False):
            below = os.path.relpath(folder, snapshot).replace(os.sep, "/")
            for name in files + [name for name in folders if os.path.islink(os.path.join(folder, name))]:
                if f"{below}/{name}" not in pages:
                    os.unlink(os.path.join(folder, name))
            with contextlib.suppress(OSError):  # not empty: it holds pages
                os.rmdir(folder)


def _link_pages(site: Path, pages: Iterable[str], folder: Path) -> None:
    """Hard-link each of `pages` (paths relative to `site`) into `folder`, at the same path."""
    for page in pages:
        (folder / page).parent.mkdir(parents=True, exist_ok=True)
        os.link(site / page, folder / page)


def install_index(made: Path, live: Path) -> None:
    """Make the index folder `live` hold the index in `made`, while the site is served from it: new files are
    linked in first, then each merged bundle's entry file and the shards file, and the first bundle's entry
    file last (an entry file names the rest of its bundle, by their content's hash), each replaced in one
    rename; only then are the files the new index does not use removed. A search that starts meanwhile reads
    each bundle old or new, never a mixture (Pagefind's other fixed names, its scripts, depend only on its
    version)."""
    new_files = sorted(path.relative_to(made) for path in made.rglob("*") if not path.is_dir())
    names_others = {Path(ENTRY_FILE), Path(SHARDS_FILE)}
    for relative in new_files:
        if relative.name != ENTRY_FILE and relative not in names_others:
            _replace_if_different(made / relative, live / relative)
    for relative in [p for p in new_files if p.name == ENTRY_FILE and p not in names_others] + [Path(SHARDS_FILE)]:
        if (made / relative).is_file():
            _replace_if_different(made / relative, live / relative)
    _replace_if_different(made / ENTRY_FILE, live / ENTRY_FILE)
    wanted = set(new_files)
    for path in sorted(live.rglob("*"), reverse=True):  # files before the folders that hold them
        if path.is_dir() and not path.is_symlink():
            with contextlib.suppress(OSError):  # a folder the new index uses is not empty
                path.rmdir()
        elif path.relative_to(live) not in wanted:
            path.unlink()


def _replace_if_different(new: Path, old: Path) -> None:
    """`old` replaced by a link to `new` in one rename, unless it holds the same bytes already."""
    if _holds_same_bytes(old, new):
        return
    old.parent.mkdir(parents=True, exist_ok=True)
    temporary = old.with_name(f".{old.name}.new")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    os.link(new, temporary)
    os.replace(temporary, old)


def _holds_same_bytes(old: Path, new: Path) -> bool:
    if not old.is_file() or old.is_symlink() or old.stat().st_size != new.stat().st_size:
        return False
    return old.read_bytes() == new.read_bytes()
