"""The served site's search index, brought up to date after each rebuild on a thread of its own.

A rebuild keeps the last index (it is linked, not made again), so the pages reload as soon as they are in
place; then this thread takes a snapshot of the pages Pagefind reads (hard links, made while no rebuild runs),
indexes it as a build does, and installs the new index in the served site (search.py's install_index: the
entry files last). Only the bundles holding a page that the rebuilds since the last index changed are made
again; the others are linked from the served index. The result is the index a clean build of the same pages
makes. Changes that come while it indexes are taken by one more run after it, not one per rebuild. The
snapshot, the copy of the served index and the index made from them stay in serve's folder from one run to
the next: each run links again only the pages and index files that changed since (a few, of some thousands
of files and folders).
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from dossier.diagnostics import Location, Report
from dossier.search import INDEX_FOLDER, index_site, install_index, link_index, link_indexed_pages, pagefind_binary

Told = Callable[[Report, float], None]  # what indexing said (a warning when Pagefind failed), and how long


class SearchRefresh:
    """Re-index `site` whenever asked, one run at a time; `site_lock` is held by whoever swaps `site`."""

    def __init__(self, site: Path, work: Path, site_lock: threading.Lock, told: Told) -> None:
        self.site = site
        self.work = work
        self.site_lock = site_lock
        self.told = told
        self._condition = threading.Condition()
        self._is_wanted = False
        self._changed: set[str] = set()  # output paths the rebuilds changed since the served index was made
        self._is_bundled = True  # the index in bundles, or one (dossier.yaml's search_index, as the last build read it)
        self._is_running = False
        self._is_closed = False
        self._thread: threading.Thread | None = None
        self._pagefind: subprocess.Popen[str] | None = None  # while it runs

    def request(self, changed: Iterable[str], is_bundled: bool = True) -> None:
        """Index the site as it is now (after a rebuild swapped it in, changing the output paths `changed`), in
        bundles or as one index, as soon as the last run ends."""
        with self._condition:
            self._changed.update(changed)
            self._is_bundled = is_bundled
            self._is_wanted = not self._is_closed
            if self._is_wanted and not self._is_running:
                self._is_running = True
                self._thread = threading.Thread(target=self._run, name="dossier-search-index", daemon=True)
                self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until no run is wanted or running; False when `timeout` passed first."""
        with self._condition:
            return self._condition.wait_for(lambda: not self._is_running, timeout)

    def close(self) -> None:
        """Run no more, and end Pagefind if it runs (serve is stopping: left alone, it would outlive serve;
        SIGTERM did not end it when tried)."""
        with self._condition:
            self._is_closed = True
            self._is_wanted = False
            if self._pagefind is not None:
                self._pagefind.kill()

    def _tell(self, report: Report, started: float) -> None:
        if not self._is_closed:  # after close(), Pagefind failed because it was ended: nothing to tell
            self.told(report, time.perf_counter() - started)

    def _started(self, process: subprocess.Popen[str]) -> None:
        with self._condition:
            self._pagefind = process
            if self._is_closed:
                process.kill()

    def _run(self) -> None:
        while True:
            with self._condition:
                if not self._is_wanted:
                    self._is_running = False
                    self._condition.notify_all()
                    return
                self._is_wanted = False
            self._index_once()

    def _index_once(self) -> None:
        started = time.perf_counter()
        report = Report()
        binary = pagefind_binary()
        snapshot = self.work / "search-snapshot"
        previous = self.work / "search-previous"  # the served index, whose unchanged bundles are kept
        with self._condition:
            changed, self._changed = self._changed, set()
            is_bundled = self._is_bundled
        try:
            with self.site_lock:
                if not (self.site / INDEX_FOLDER).is_dir():
                    return  # search is off, or Pagefind failed in the build: nothing to bring up to date
                link_indexed_pages(self.site, snapshot)
                link_index(self.site / INDEX_FOLDER, previous)
            where = Location("search index")
            made = binary is not None and index_site(
                snapshot, binary, report, where, in_background=self._started, previous=previous, changed=changed,
                is_bundled=is_bundled,
            )  # fmt: skip
            if not made:
                self._keep_changed(changed)
                self._tell(report, started)
                return
            with self.site_lock:
                if (self.site / INDEX_FOLDER).is_dir():
                    install_index(snapshot / INDEX_FOLDER, self.site / INDEX_FOLDER)
            self._tell(report, started)
        except Exception as problem:  # an I/O failure (serve stopping) or a bug: this thread must live on, and
            # the next rebuild's run renews the index
            report.warning(Location("search index"), f"the search index was not brought up to date: {problem}")
            self._keep_changed(changed)
            self._tell(report, started)
        finally:
            with self._condition:
                self._pagefind = None

    def _keep_changed(self, changed: set[str]) -> None:
        """The served index was not renewed: the next run indexes again what these changes touched too."""
        with self._condition:
            self._changed |= changed
