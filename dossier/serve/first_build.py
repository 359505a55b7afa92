"""Serve's first build, made in a forked process so that the server can answer while it runs.

The first build makes the whole site, and forks workers to share the comparison and the rendering. A process
that runs other threads must not fork (dossier/workers.py), and serving, watching and answering are threads:
so the build is forked off first, while this process has no other thread, and runs in the child, which has
only the thread that forked and may fork its own workers. The parent serves meanwhile (a page that says the
site is being built) and takes the child's result, pickled, through a pipe. Where forking is not possible
(another thread already runs, or no fork on this platform) the build runs here before serving, as it did.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable

from dossier.serve.rebuild import Rebuilt
from dossier.workers import may_fork


class Cancelled(Exception):
    """The first build was ended before its result came (serve is stopping)."""


class FirstBuild:
    """The first build's result, made in a forked child (`forked`) or here, before serving (`inline`)."""

    def __init__(self, pid: int | None, reader: int | None, result: Rebuilt | None) -> None:
        self._pid = pid  # the child's, until it is waited for
        self._is_forked = pid is not None
        self._reader = reader
        self._result = result
        self._problem: Exception | None = None
        self._is_cancelled = False

    @classmethod
    def start(cls, build: Callable[[], Rebuilt]) -> FirstBuild:
        """Begin `build()`: in a child when this process may fork, else here and now."""
        if not may_fork():
            return cls(None, None, build())
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: build, send the result, and leave without running any of the parent's code
            os.close(reader)
            _run_in_child(build, writer)
        os.close(writer)
        return cls(pid, reader, None)

    @property
    def is_forked(self) -> bool:
        """Whether the build runs (or ran) in a child: also once its result is taken."""
        return self._is_forked

    def result(self) -> Rebuilt:
        """Wait for the build's result. Raises Cancelled after `cancel()`, RuntimeError when the child died
        without a result (killed, a bug)."""
        if self._result is None and self._problem is None:
            try:
                self._result = self._receive()
            except Cancelled:
                raise
            except Exception as problem:  # kept, so that asking again raises it again
                self._problem = problem
        if self._problem is not None:
            raise self._problem
        assert self._result is not None
        return self._result

    def _receive(self) -> Rebuilt:
        pid, reader = self._pid, self._reader
        if pid is None or reader is None or self._is_cancelled:
            raise Cancelled
        with os.fdopen(reader, "rb") as pipe:
            self._reader = None
            data = pipe.read()
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:  # cancel() took it meanwhile
            raise Cancelled from None
        self._pid = None
        if self._is_cancelled:
            raise Cancelled
        try:
            outcome = pickle.loads(data)
        except Exception:
            outcome = None
        if isinstance(outcome, Rebuilt):
            return outcome
        if isinstance(outcome, BaseException):
            raise outcome
        raise RuntimeError(f"the first build's process ended without a result ({_said(status)})")

    def cancel(self) -> None:
        """End the child, if it still runs (serve is stopping). Safe to call twice."""
        self._is_cancelled = True
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGTERM)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = None
        if self._reader is not None:
            os.close(self._reader)
            self._reader = None


def _run_in_child(build: Callable[[], Rebuilt], writer: int) -> None:
    """Build and write the pickled result (or the exception) to `writer`; never returns."""
    code = 0
    try:
        try:
            outcome: object = build()
        except Exception as problem:  # a bug or an I/O failure: the parent reports it as it would its own
            outcome = problem
        try:
            data = pickle.dumps(outcome)
        except Exception as problem:  # an exception that cannot be pickled: its words are enough
            data = pickle.dumps(RuntimeError(f"{type(problem).__name__}: {problem}"))
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(data)
    except BaseException:  # Ctrl-C or SIGTERM (the terminal's signals reach the child too), a closed pipe
        code = 1
    finally:
        os._exit(code)


def _said(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
