"""What `dossier serve` runs after a batch of changes, behind the `Rebuild` seam.

A `Rebuild` takes the batch and returns what it did. `SiteRebuild` runs the pipeline with the build cache kept
beside the served folder and what the last build left in memory (pipeline.BuildMemory: the batch's files are read
again, the others when their size or time changed): every input is checked again, and only the pages whose inputs
changed are rendered and written again. A rebuild that uses the batch (a long-lived model updated file
by file) could replace it without touching the watcher, the server or the events, as long as its result equals
a clean build. Each reports the output paths whose bytes changed, so the terminal and the pages can say what
was rebuilt.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from dossier.diagnostics import Report
from dossier.model import Config
from dossier.pipeline import BuildMemory, BuildOptions, build_project, prime_rebuilds
from dossier.serve.changes import ChangeSet


@dataclass
class Rebuilt:
    """What a rebuild did, for the terminal and the open pages."""

    report: Report
    config: Config | None  # as the build read it, with the command line's options applied; None if unreadable
    is_written: bool  # the output folder now holds the new site (possibly unchanged)
    changed: list[str] = field(default_factory=list)  # output paths written or removed
    files: int = 0  # in the new site, search index aside
    seconds: float = 0.0
    how: str = "rebuilt"  # the terminal's word for it
    timings: dict[str, float] = field(default_factory=dict)
    # What is left to do once the open pages are told to reload (the build cache's write-back), if anything.
    finish: Callable[[], None] | None = None


class Rebuild(Protocol):
    def __call__(self, changes: ChangeSet | None) -> Rebuilt: ...

    def prime(self) -> None:
        """Read now what the next rebuild would read first (while the editor reads the site): called once, after a
        first build made elsewhere (a forked process), never while a rebuild runs."""


class SiteRebuild:
    """Check the whole project and build it into `options.output_dir` with the build cache, whatever changed.

    The first build (no batch) makes the search index; later ones keep the last index as it is (linked), so
    that the pages reload without waiting for Pagefind: serve brings the index up to date afterwards, in the
    background (serve/indexing.py)."""

    def __init__(self, project_dir: Path, options: BuildOptions) -> None:
        self.project_dir = project_dir
        # What one build leaves the next in memory: the content files' digests, the cache's values it read.
        self.memory = BuildMemory()
        # A rebuild follows a change the watcher saw: checking first whether anything changed would only cost.
        self.options = dataclasses.replace(options, use_cache=True, skip_unchanged=False, memory=self.memory)

    def prime(self) -> None:
        """See pipeline.prime_rebuilds: a first build made in a forked process left none of what it read here."""
        with contextlib.suppress(Exception):  # a problem is left for the next rebuild to report
            prime_rebuilds(self.project_dir, self.options)

    def __call__(self, changes: ChangeSet | None) -> Rebuilt:
        started = time.perf_counter()
        if changes is not None:  # read again whatever its size and time say
            self.memory.forget(self.project_dir / path for path in changes.paths)
        # After a change, the pages reload before the search index and the build cache are brought up to date.
        after_change = changes is not None
        built = build_project(
            self.project_dir,
            dataclasses.replace(self.options, keep_search_index=after_change, defer_cache_write=after_change),
        )
        seconds = time.perf_counter() - started
        config = built.checked.config
        if built.written is None:
            return Rebuilt(built.report, config, False, seconds=seconds, timings=built.checked.timings)
        changed = list(built.written.changed)  # against the last build: the folder is serve's own
        return Rebuilt(
            built.report, config, True, changed, len(built.paths), seconds, "rebuilt", built.checked.timings,
            built.keep_for_next_build,
        )  # fmt: skip
