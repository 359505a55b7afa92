"""`dossier serve`, the command: check there is a dossier, run a session until Ctrl-C or SIGTERM, exit code."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType

from dossier.config import CONFIG_FILE
from dossier.diagnostics import for_terminal
from dossier.pipeline import BuildOptions
from dossier.serve.session import SERVE_DEFAULTS, ServeSession
from dossier.serve.terminal import Terminal
from dossier.yaml_reader import yaml_file

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _terminate_like_interrupt() -> Iterator[None]:
    """SIGTERM (a closed terminal, `kill`, a process manager) stops as cleanly as Ctrl-C does.

    Workers forked meanwhile (the first build's) take the default back: dossier/workers.py."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve_project(
    project_dir: Path,
    options: BuildOptions = SERVE_DEFAULTS,
    terminal: Terminal | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    allowed_hosts: Sequence[str] = (),
) -> int:
    """Serve until Ctrl-C; the exit code: 0 after a clean stop, 1 without a dossier, 2 when the port is taken or
    an allowed host is not a host name."""
    terminal = terminal or Terminal()
    if not yaml_file(project_dir, CONFIG_FILE).is_file():
        print(f"error: no {CONFIG_FILE} in {project_dir}; run `dossier init` to make one", file=terminal.err)
        return 1
    try:
        session = ServeSession(project_dir, options, terminal, host=host, port=port, allowed_hosts=allowed_hosts)
    except ValueError as problem:
        print(for_terminal(f"error: {problem}; give --host and --allowed-host a name or an address"), file=terminal.err)
        return 2
    with _terminate_like_interrupt(), session:
        try:
            session.start()
            _announce(session, options, terminal)
            session.run()
        except KeyboardInterrupt:
            pass
        except OSError as problem:
            if session.server is not None or problem.filename:
                raise  # it failed after listening, or reading a file: not a taken port
            reason = problem.strerror or problem
            print(f"error: cannot listen on {host}:{port}: {reason}; try --port", file=terminal.err)
            return 2
    print("stopped", file=terminal.out, flush=True)
    return 0


def _announce(session: ServeSession, options: BuildOptions, terminal: Terminal) -> None:
    """Say where the site is served, and warn when other machines can reach it."""
    if session.host not in LOOPBACK:
        print(
            f"warning: listening on {session.host}: other machines can read the site, drafts included",
            file=terminal.err,
        )
    drafts = "drafts shown" if options.include_drafts else "drafts hidden"
    watching = "watching dossier.yaml, content/, themes/; Ctrl-C stops"
    print(f"serving {session.url} ({drafts}); {watching}", file=terminal.out, flush=True)
    if session.folder.why_not_kept:
        print(
            f"note: {session.folder.why_not_kept}: this session builds into a temporary folder, from scratch",
            file=terminal.err,
            flush=True,
        )
