"""Forked workers (dossier/workers.py): results in the order of the items; a worker ends at once on SIGTERM.

Pool.terminate() ends its workers with SIGTERM once the work is done. `serve` turns SIGTERM into
KeyboardInterrupt, and a worker that kept that handler could miss the signal and be waited for for ever, so
workers take back the default (and this process keeps its own). Run in a fresh interpreter: forking a process
that has threads is unsafe.
"""

from __future__ import annotations

import ast
import multiprocessing
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")

IN_WORKERS = """
import signal
from dossier.workers import forked_map

def interrupt(signum, frame):
    raise KeyboardInterrupt

signal.signal(signal.SIGTERM, interrupt)  # as `serve` does
squares = [41, 42, 43]  # reaches the workers by the fork, with the task


def takes_sigterm_as(handler):
    held = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    return signal.getsignal(signal.SIGTERM) is handler and signal.SIGTERM not in held


print(list(forked_map(lambda index: (squares[index] ** 2, takes_sigterm_as(signal.SIG_DFL)), range(3), 2)))
assert takes_sigterm_as(interrupt), "this process keeps its own handler"
"""


def test_workers_give_results_in_order_and_end_at_once_on_sigterm() -> None:
    run = subprocess.run([sys.executable, "-c", IN_WORKERS], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-3000:]
    assert ast.literal_eval(run.stdout) == [(41**2, True), (42**2, True), (43**2, True)]
