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


BOUNDED = """
import time
from dossier.workers import forked_map

fed = []


def items(count):
    for n in range(count):
        fed.append(n)  # by the pool's thread that feeds the workers
        yield n


taken, most_out = [], 0
for result in forked_map(lambda n: n * n, items(40), 2, in_flight=3):
    most_out = max(most_out, len(fed) - len(taken))
    taken.append(result)
    time.sleep(0.01)  # a caller slower than the workers
for result in forked_map(lambda n: n, items(100_000), 2, in_flight=2):
    if result == 5:
        break  # stopping early ends the pool (its feeding thread waits for room: it is woken)
try:
    list(forked_map(lambda n: n, range(4), 2, chunksize=2, in_flight=3))
    refused = False
except ValueError:
    refused = True  # fewer out than the workers take at once would leave them idle
print((taken == [n * n for n in range(40)], most_out, refused))
"""


def test_at_most_in_flight_items_are_out_and_stopping_early_ends_the_workers() -> None:
    """`in_flight`: the items sent whose results the caller has not taken stay within the bound however slow the
    caller is (one more may wait in the feeding thread, drawn from the items but not sent)."""
    run = subprocess.run([sys.executable, "-c", BOUNDED], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-3000:]
    in_order, most_out, refused = ast.literal_eval(run.stdout)
    assert in_order and refused
    assert most_out <= 3 + 1


GIVE_BACK = """
from dossier.workers import _malloc_trim, give_back_free_memory

def rss_mib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))

if _malloc_trim() is None:
    print("no malloc_trim")
else:
    # 100 MB in blocks too large for Python's own allocator, every tenth kept so that the heap cannot shrink
    # from its top: only the freed pages in its middle can go back, which is what malloc_trim does.
    blocks = [bytes(1000) + str(i).encode() for i in range(100_000)]
    kept = blocks[::10]
    del blocks
    before = rss_mib()
    give_back_free_memory()
    print(before - rss_mib())
"""


def test_freed_memory_goes_back_to_the_system_before_workers_are_forked() -> None:
    """A build frees far more than it keeps; glibc keeps freed pages unless asked (malloc_trim), and a forked
    worker counts them as its own too."""
    result = subprocess.run([sys.executable, "-c", GIVE_BACK], capture_output=True, text=True, cwd=REPO, check=True)
    if result.stdout.strip() == "no malloc_trim":
        pytest.skip("this C library has no malloc_trim")
    assert int(result.stdout) >= 50, result.stdout  # of the 90 MB freed


def test_forked_map_gives_freed_memory_back_before_it_forks(monkeypatch: pytest.MonkeyPatch) -> None:
    import dossier.workers as workers

    class Forking(Exception):
        pass

    def fork(_: str) -> None:
        raise Forking(given[:])

    given: list[str] = []
    monkeypatch.setattr(workers, "give_back_free_memory", lambda: given.append("given back"))
    monkeypatch.setattr(multiprocessing, "get_context", fork)
    with pytest.raises(Forking) as forking:
        list(workers.forked_map(abs, [1], 2))
    assert forking.value.args == (["given back"],)
