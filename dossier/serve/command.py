"""`dossier serve`, the command: check there is a dossier, run a session until Ctrl-C or SIGTERM, exit code."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TextIO

from dossier.config import CONFIG_FILE
from dossier.pipeline import BuildOptions
from dossier.serve.session import SERVE_DEFAULTS, ServeSession

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _terminate_like_interrupt() -> Iterator[None]:
    """SIGTERM (a closed terminal, `kill`, a process manager) stops as cleanly as Ctrl-C does."""
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
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    verbose: bool = False,
    quiet: bool = False,
    debug: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Serve until Ctrl-C; the exit code: 0 after a clean stop, 1 without a dossier, 2 when the port is taken."""
    out, err = out or sys.stdout, err or sys.stderr
    if not (project_dir / CONFIG_FILE).is_file():
        print(f"error: no {CONFIG_FILE} in {project_dir}; run `dossier init` to make one", file=err)
        return 1
    session = ServeSession(
        project_dir,
        options,
        host=host,
        port=port,
        out=out,
        err=err,
        verbose=verbose,
        quiet=quiet,
        debug=debug,
    )
    with _terminate_like_interrupt(), session as s:
        try:
            s.start()
            if host not in LOOPBACK:
                print(f"warning: listening on {host}: other machines can read the site, drafts included", file=err)
            drafts = "drafts shown" if options.include_drafts else "drafts hidden"
            print(
                f"serving {s.url} ({drafts}); watching dossier.yaml, content/, themes/; Ctrl-C stops",
                file=out,
                flush=True,
            )
            s.run()
        except KeyboardInterrupt:
            pass
        except OSError as problem:
            if s.server is not None:
                raise
            print(f"error: cannot listen on {host}:{port}: {problem.strerror or problem}; try --port", file=err)
            return 2
    print("stopped", file=out, flush=True)
    return 0
