"""One `dossier serve` run: build, serve, watch, rebuild, tell the pages; stop cleanly.

Threads: watchdog's observer only records changed paths; the HTTP server answers requests on its own
threads; the rebuild runs on the thread that calls `run()` (the main thread under the CLI, so Ctrl-C lands
there); the search index is brought up to date after each rebuild on a thread of its own. The first build
runs in a forked process (serve/first_build.py), so that pages are answered at once: a page that says the
site is being built, which reloads itself when it is. The site is built into `.dossier-cache/serve/` (kept
between sessions, so that the next one starts from this one's site and cache: serve/site_folder.py), never into
the project's build/: `dossier build` output stays exactly what the editor last built, and the served site
may hold drafts.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from dossier.diagnostics import Diagnostic, Location
from dossier.model import Config
from dossier.pipeline import BuildOptions, warm_up
from dossier.serve.changes import ChangeSet, WatchedPaths
from dossier.serve.events import EventHub
from dossier.serve.first_build import Cancelled, FirstBuild
from dossier.serve.hosts import HostCheck
from dossier.serve.indexing import SearchRefresh
from dossier.serve.rebuild import Rebuild, Rebuilt, SiteRebuild
from dossier.serve.routing import base_path_of
from dossier.serve.server import DossierServer, ServeAssets, start_server
from dossier.serve.site_folder import ServeFolder
from dossier.serve.terminal import Terminal
from dossier.serve.watching import ChangeCollector, Watcher
from dossier.write import BuildLocked

SERVE_DEFAULTS = BuildOptions(include_drafts=True)  # an editor sees the drafts unless told otherwise
# How long after a change the batch waits for more: an editor's save (a temporary file, the write, the rename)
# is a burst a few milliseconds long, and every millisecond waited here is one more before the page reloads.
QUIET_SECONDS = 0.03
IDLE_BEFORE_COLLECTING = 2.0  # seconds with no change after a rebuild before its garbage is collected
# Saves that keep coming (an editor that saves every second) never leave serve idle: the collector is then let
# run before a rebuild once it has been held this long, so that the rebuilds' few cycles cannot pile up.
LONGEST_HOLD_SECONDS = 30.0
CLOSE_WAIT_SECONDS = 5.0  # at most, for a warm-up's priming to let go of the served folder when serve stops


class HeldCollector:
    """The cyclic garbage collector, held back from a rebuild until serve is idle: not only while the build runs
    (as any build does: pipeline.no_collections) but while the pages it changed reload, which the collector's
    first pass after a build (a walk over the whole model: 0.2 s at 1,000 articles, 0.8 s at 5,000) would hold
    up. Then it collects, and is as it was."""

    def __init__(self) -> None:
        self.is_held = False
        self._was_enabled = True
        self._held_since = 0.0

    def hold(self) -> None:
        now = time.monotonic()
        if self.is_held and self._was_enabled and now - self._held_since > LONGEST_HOLD_SECONDS:
            gc.collect()
            self._held_since = now
        if not self.is_held:
            self._was_enabled, self.is_held, self._held_since = gc.isenabled(), True, now
            gc.disable()

    def collect(self) -> None:
        if self.is_held and self._was_enabled:
            gc.collect()
        self.release()

    def release(self) -> None:
        if self.is_held and self._was_enabled:
            gc.enable()
        self.is_held = False


class ServeSession:
    """Everything one `dossier serve` holds; use as a context manager, `start()`, then `run()`.

    The site is built with `options` (drafts, search), into the session's own folder, with the build cache.
    """

    def __init__(
        self,
        project_dir: Path,
        options: BuildOptions = SERVE_DEFAULTS,
        terminal: Terminal | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        allowed_hosts: Sequence[str] = (),
        quiet_seconds: float = QUIET_SECONDS,
    ) -> None:
        self.project_dir = project_dir
        self.host = host
        self.port = port
        self.hosts = HostCheck.listening_on(host, allowed_hosts)  # raises ValueError for a name that is not one
        self.terminal = terminal or Terminal()
        self._temp = Path(tempfile.mkdtemp(prefix="dossier-serve-"))
        self.folder = ServeFolder.take(project_dir, self._temp)
        self.output_dir = self.folder.site
        self.hub = EventHub()
        self.collector = ChangeCollector(quiet=quiet_seconds)
        self.watched = WatchedPaths.of(project_dir, ignored=[project_dir / "build"])
        self.watcher = Watcher(self._on_change)
        self.rebuild: Rebuild = SiteRebuild(project_dir, dataclasses.replace(options, output_dir=self.output_dir))
        self.server: DossierServer | None = None
        self._server_thread: threading.Thread | None = None
        self._is_failing = False  # the pages show errors: the next good build reloads them, changed or not
        self._site_lock = threading.Lock()  # held while a rebuild may swap the site, and to install an index
        self.search = SearchRefresh(self.output_dir, self._temp, self._site_lock, self.terminal.search_indexed)
        self._first_build: FirstBuild | None = None  # until run() has taken its result
        self._watched_before: dict[str, tuple[int, int]] = {}  # the watched files as the first build began
        self.first_build_taken = threading.Event()  # set once the first build's site or errors are shown
        self._is_closing = False  # close() has begun: the warm-up primes nothing more

    # ---- lifecycle ----

    def __enter__(self) -> ServeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Listen, begin the first build, watch, then answer requests (for the hosts allowed). Raises OSError
        when the port is taken.

        The first build is forked off before any other thread starts, so that it may fork workers (the whole
        site is made then); `run()` takes its result. Where this process may not fork, it runs here, first. A
        file saved while it ran is caught by comparing the watched files before and after it.
        """
        log = self.terminal.log_request if self.terminal.verbose else None
        self.server = DossierServer(
            (self.host, self.port),
            self.output_dir,
            self.hub,
            ServeAssets.load(),
            log,
            hosts=self.hosts,
            notice=self.terminal.notice_once,
            failed=self.terminal.request_failed,
        )
        self._watched_before = self.watched.snapshot()
        self._first_build = FirstBuild.start(lambda: self.rebuild(None))
        if self._first_build.is_forked:
            self.server.is_building = True  # pages say that the site is being built, not that it failed
        else:
            self._take_first_build()
        self.watcher.start()
        self.watcher.sync(self.watched.folders())
        self._server_thread = start_server(self.server)

    def run(self) -> None:
        """Take the first build's result, then rebuild after each batch of changes until `stop()` (or Ctrl-C on
        this thread)."""
        self._take_first_build()
        garbage = HeldCollector()
        try:
            while True:
                batch = self.collector.next_batch(IDLE_BEFORE_COLLECTING if garbage.is_held else None)
                if batch is None:
                    return
                if not batch:  # nothing changed for a while after a rebuild
                    garbage.collect()
                    continue
                changes = ChangeSet.of(batch, self.watched)
                if not changes:
                    continue
                self.watched = self.watched.with_links()  # a link may have been made or pointed elsewhere
                self.watcher.sync(self.watched.folders())  # content/, themes/ or a link's target may have appeared
                garbage.hold()
                self._rebuild(changes)
        finally:
            garbage.release()

    def stop(self) -> None:
        """Make `run()` return (from any thread)."""
        self.collector.close()

    def close(self) -> None:
        """Stop watching and serving, end the event streams, delete the served copy. Safe to call twice."""
        self._is_closing = True
        self.collector.close()
        if self._first_build is not None:
            self._first_build.cancel()
        self.search.close()
        self.watcher.stop()
        self.hub.close()
        if self.server is not None:
            if self._server_thread is not None:
                self.server.shutdown()
                self._server_thread.join(timeout=5)
                self._server_thread = None
            self.server.server_close()
            self.server = None
        # A warm-up's priming may be using the folder's build cache: let it end first, but never wait long for it
        # (Ctrl-C must stop serve whatever a thread is doing).
        acquired = self._site_lock.acquire(timeout=CLOSE_WAIT_SECONDS)
        try:
            self.folder.release()
        finally:
            if acquired:
                self._site_lock.release()
        shutil.rmtree(self._temp, ignore_errors=True)

    @property
    def url(self) -> str:
        port = self.server.port if self.server else self.port
        base = self.server.base_path if self.server else "/"
        return f"http://{self.host}:{port}{base}"

    # ---- watching and rebuilding ----

    def _on_change(self, path: Path, what: str) -> None:
        """Called on watchdog's thread: keep only what matters, leave the work to `run()`."""
        if self.watched.kind_of(path) is not None:
            self.collector.add(path, what)

    def _take_first_build(self) -> None:
        """Show the first build's result (once); build again if a watched file changed while it ran."""
        first = self._first_build
        if first is None:
            return
        try:
            first.result()
        except Cancelled:  # serve is stopping
            return
        except Exception:  # shown as a rebuild's internal error is, below
            pass
        self._first_build = None
        if self.server is not None:
            self.server.is_building = False
        self._show(first.result, None)
        self._warm_up(first)
        # A file saved during the build is built now, and named as the file saved (not as dossier.yaml).
        now = self.watched.snapshot()
        for path in self.watched.changed_between(self._watched_before, now):
            self.collector.add(path, "modified" if str(path) in now else "deleted")
        self.first_build_taken.set()

    def _warm_up(self, first: FirstBuild) -> None:
        """When the first build ran in another process, import what a rebuild needs and load its models and
        templates on a thread of its own, while the editor reads the site (see pipeline.warm_up)."""
        try:
            config = first.result().config
        except Exception:
            return
        if first.is_forked and config is not None:
            warm = functools.partial(self._warm_up_now, config)
            threading.Thread(target=warm, name="dossier-serve-warm-up", daemon=True).start()

    def _warm_up_now(self, config: Config) -> None:
        warm_up(self.project_dir, config, self._site_lock)
        with self._site_lock:  # no rebuild meanwhile: both read and write the build cache and its memory
            if not self._is_closing:
                self.rebuild.prime()

    def _rebuild(self, changes: ChangeSet | None) -> None:
        def rebuild() -> Rebuilt:
            with self._site_lock:
                result = self.rebuild(changes)
            if result.is_written and result.changed:
                # the pages reload now, without waiting for the index (made at low priority)
                is_bundled = result.config is None or result.config.search_index == "bundled"
                self.search.request(result.changed, is_bundled)
            return result

        self._show(rebuild, changes)

    def _show(self, rebuild: Callable[[], Rebuilt], changes: ChangeSet | None) -> None:
        """Run `rebuild` and show its result: the new site, or its errors over the last good one."""
        try:
            result = rebuild()
        except BuildLocked as locked:  # another process writes the served folder: not a bug of this one
            message = f"{locked} (another `dossier serve` of this project?); this change is built on the next save"
            self.terminal.say(f"error: {message}", to=self.terminal.err)
            self._show_errors([Diagnostic("error", Location("dossier serve"), message)])
            return
        except Exception as problem:  # a bug or an I/O failure: keep serving the last good site
            message = self.terminal.internal_error(problem)
            self._show_errors([Diagnostic("error", Location("dossier serve"), message)])
            return
        if result.config is not None:
            self._follow_config(result.config, result.is_written)
        self.terminal.rebuilt(result, changes, has_site=self.hub.build > 0)
        if result.is_written:
            self._show_site(result)
        else:
            self._show_errors(sorted(result.report.errors, key=Diagnostic.sort_key))
        if result.finish is not None:  # after the reload: the next rebuild needs it, the open pages do not
            try:
                result.finish()
            except Exception as problem:  # the cache only saves time: the next rebuild does without
                self.terminal.internal_error(problem)

    def _show_site(self, result: Rebuilt) -> None:
        """Reload the open pages when the site changed, or when they still show errors now fixed; and serve the
        first good site even when it is the one the folder held (a session started again on the kept folder)."""
        if result.changed or self._is_failing or self.hub.build == 0:
            self.hub.site_changed(result.changed, round(result.seconds, 3))
        self._is_failing = False

    def _show_errors(self, diagnostics: list[Diagnostic]) -> None:
        """Show the errors over the open pages, which keep the last good site."""
        self._is_failing = True
        self.hub.failed(diagnostics)

    def _follow_config(self, config: Config, is_written: bool) -> None:
        self.watched = WatchedPaths.of(
            self.project_dir, config.content_dir, ignored=[self.project_dir / config.output_dir]
        )
        self.watcher.sync(self.watched.folders())
        if is_written and self.server is not None:
            base_path = base_path_of(config.base_url)
            if base_path != self.server.base_path:
                self.server.base_path = base_path
                if self._server_thread is not None:
                    self.terminal.say(f"base_url changed: now serving at {self.url}")
