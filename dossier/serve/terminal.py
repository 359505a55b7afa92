"""What `dossier serve` tells the editor: a line per rebuild, each new warning once, every error of a failed
rebuild, each kind of refused request once, and with --verbose the stages' timings and a line per request.
Rebuild lines start with the time."""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Sequence
from typing import TextIO

from dossier.diagnostics import Diagnostic, Report, for_terminal
from dossier.serve.changes import ChangeSet
from dossier.serve.rebuild import Rebuilt

SHOWN_NAMES = 3  # the files a line names; the rest are counted
SHOWN_NOTICES = 20  # a page that asks under ever new names must not flood the terminal


def listed(names: Sequence[str], limit: int = SHOWN_NAMES) -> str:
    """`a, b, c and 2 more`."""
    if len(names) <= limit:
        return ", ".join(names)
    return f"{', '.join(names[:limit])} and {len(names) - limit} more"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


class Terminal:
    """Where serve writes, and how much: `quiet` leaves errors only, `verbose` adds timings and requests,
    `debug` adds the traceback of an internal error."""

    def __init__(
        self,
        out: TextIO | None = None,
        err: TextIO | None = None,
        *,
        verbose: bool = False,
        quiet: bool = False,
        debug: bool = False,
    ) -> None:
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.verbose = verbose
        self.quiet = quiet
        self.debug = debug
        self._shown_warnings: set[Diagnostic] = set()
        self._shown_notices: set[str] = set()
        self._notices_lock = threading.Lock()  # notices come from the server's threads

    def say(self, text: str, to: TextIO | None = None) -> None:
        print(f"{time.strftime('%H:%M:%S')} {text}", file=to or self.out, flush=True)

    def log_request(self, line: str) -> None:
        print(for_terminal(line), file=self.err, flush=True)

    def notice_once(self, text: str) -> None:
        """Tell the editor `text` (a refused request, say) the first time it happens, and then no more; after
        SHOWN_NOTICES different ones, say that the rest are not shown. Shown under --quiet too."""
        with self._notices_lock:
            if text in self._shown_notices or len(self._shown_notices) > SHOWN_NOTICES:
                return
            self._shown_notices.add(text)
            if len(self._shown_notices) > SHOWN_NOTICES:
                text = f"more than {SHOWN_NOTICES} kinds of refused requests or errors; the rest are not shown"
            self.say(for_terminal(text), to=self.err)

    def request_failed(self, problem: BaseException) -> None:
        """A bug while answering a request: once a kind, with the traceback (every time) under --debug."""
        if self.debug:
            traceback.print_exc(file=self.err)
        self.notice_once(f"internal error while answering a request: {type(problem).__name__}: {problem}")

    def internal_error(self, problem: Exception) -> str:
        """Report a bug or an I/O failure in a rebuild (with its traceback under --debug); the message."""
        if self.debug:
            traceback.print_exc(file=self.err)
        message = f"internal error: {type(problem).__name__}: {problem}"
        self.say(f"{message} (run with --debug for details)", to=self.err)
        return message

    def rebuilt(self, result: Rebuilt, changes: ChangeSet | None, has_site: bool) -> None:
        """Report a rebuild: `changes` is None for the first build; `has_site` when a good site is served."""
        trigger = f" after {listed(sorted(changes.paths))} changed" if changes else ""
        if not result.is_written:
            self._failed(result, trigger, has_site)
            return
        self._new_warnings(result)
        if not self.quiet:
            self._summary(result, changes, trigger)

    def search_indexed(self, report: Report, seconds: float) -> None:
        """The search index was brought up to date after a rebuild (on its own thread), or could not be."""
        for diagnostic in report.sorted():
            self.say(str(diagnostic), to=self.err)
        if self.verbose and not report.warnings:
            self.say(f"search index brought up to date in {_ms(seconds)}")

    def _failed(self, result: Rebuilt, trigger: str, has_site: bool) -> None:
        for diagnostic in result.report.sorted():
            print(diagnostic, file=self.err)
        errors = len(result.report.errors)
        serving = "still serving the last good site" if has_site else "no site to serve yet"
        self.say(f"{errors} error{'s' * (errors != 1)}{trigger}; {serving}; fix and save", to=self.err)
        self._shown_warnings = set()  # after a fix, every warning is news again

    def _new_warnings(self, result: Rebuilt) -> None:
        """Each warning once, not again after every save while it stands."""
        warnings = set(result.report.warnings)
        if not self.quiet:
            for diagnostic in sorted(warnings - self._shown_warnings, key=Diagnostic.sort_key):
                print(diagnostic, file=self.err)
        self._shown_warnings = warnings

    def _summary(self, result: Rebuilt, changes: ChangeSet | None, trigger: str) -> None:
        took = _ms(result.seconds)
        if changes is None:
            self.say(f"built {result.files} files in {took}")
        elif not result.changed:
            self.say(f"checked in {took}{trigger}: no page changed")
        else:
            changed = f"{len(result.changed)} of {result.files} files changed"
            self.say(f"{result.how}{trigger}: {changed} in {took} ({listed(result.changed)})")
            if self.verbose:
                for stage, seconds in result.timings.items():
                    print(f"  {stage}: {_ms(seconds)}", file=self.out)
