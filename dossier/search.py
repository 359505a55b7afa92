"""The site's search: whether a build makes an index, and making it with Pagefind in the staged site, before
it is swapped into place.

Pagefind reads the built HTML (pages mark what to index with `data-pagefind-body`, typed with
`data-pagefind-filter`) and writes its index and search UI into `pagefind/`. Its output depends only on the
pages and on the Pagefind version, but for one thing: pagefind-entry.json lists a site's languages in hash-map
order, which varies from run to run, so we sort them (Pagefind's search looks them up by name, and breaks
ties in its fallback by page count). Two builds of the same content give the same bytes. A missing or failing
Pagefind never fails a build: the site is built without search, with a warning.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from dossier import urls
from dossier.config import CONFIG_FILE
from dossier.diagnostics import Location, Report
from dossier.model import Config
from dossier.write import Derived

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
INDEXED_PAGES = "{" + ",".join(INDEXED_PATTERNS) + "}"  # as Pagefind's --glob takes them


def is_search_on(config: Config, requested: bool, report: Report) -> bool:
    """Whether the site gets a search index: dossier.yaml's `search` and the command line's (`requested`) both
    on, and Pagefind installed. Without Pagefind, a warning: pages then show no search box."""
    wants_search = config.search and requested
    if wants_search and pagefind_binary() is None:
        report.warning(Location(CONFIG_FILE), f"Pagefind is not installed, so the site has no search; {INSTALL_HINT}")
        return False
    return wants_search


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
    site: Path, binary: Path, report: Report, where: Location, *, in_background: Started | None = None
) -> bool:
    """Write `site`/pagefind/ from the HTML in `site`; on failure report a warning and leave no partial index.
    `in_background`: Pagefind runs at a lower priority, so that it does not slow the work the editor waits for,
    and its process is handed to that function (so that it can be ended when serve stops)."""
    command = [str(binary), "--site", str(site), "--glob", INDEXED_PAGES, "--output-subdir", INDEX_FOLDER, "--quiet"]
    try:
        result = _run(command, in_background)
    except (OSError, subprocess.TimeoutExpired) as problem:
        failure = str(problem)
    else:
        if result.returncode == 0 and _sort_entry_languages(site / INDEX_FOLDER / ENTRY_FILE):
            return True
        lines = (result.stderr or result.stdout).strip().splitlines()
        failure = f"exit status {result.returncode}: {lines[-1] if lines else 'no output'}"
        if result.returncode == 0:
            failure = f"its {ENTRY_FILE} is missing or unreadable"
    shutil.rmtree(site / INDEX_FOLDER, ignore_errors=True)
    report.warning(where, f"the search index was not built (Pagefind failed: {failure}); the site has no search")
    return False


def _run(command: list[str], in_background: Started | None) -> subprocess.CompletedProcess[str]:
    if in_background is None:
        return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        with contextlib.suppress(OSError):  # not allowed, or ended already: it runs as it is
            os.setpriority(os.PRIO_PROCESS, process.pid, BACKGROUND_NICENESS)
        in_background(process)
        try:
            stdout, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
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
    """Hard-link the pages Pagefind would index in `site` into `snapshot` (made anew), at the same paths; how
    many. A build never writes through a link, so the snapshot keeps these bytes while the site changes."""
    shutil.rmtree(snapshot, ignore_errors=True)
    count = 0
    for pattern in INDEXED_PATTERNS:
        for page in sorted(site.glob(pattern)):
            if page.is_symlink() or not page.is_file():
                continue
            copy = snapshot / page.relative_to(site)
            copy.parent.mkdir(parents=True, exist_ok=True)
            os.link(page, copy)
            count += 1
    return count


def install_index(made: Path, live: Path) -> None:
    """Make the index folder `live` hold the index in `made`, while the site is served from it: new files are
    linked in first, the entry file (which names the rest, by their content's hash) is replaced last, in one
    rename, and only then are the files the new index does not use removed. A search that starts meanwhile
    reads the old index or the new one, never a mixture (Pagefind's other fixed names, its scripts, depend only
    on its version)."""
    new_files = sorted(path.relative_to(made) for path in made.rglob("*") if not path.is_dir())
    for relative in new_files:
        if relative.name != ENTRY_FILE:
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
