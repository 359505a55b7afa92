"""Run many independent pieces of work in forked worker processes; results come back in order.

Forking copies the parent's memory, so each worker has the whole model (and the task itself) without
pickling them: only the items and their results cross between processes. Results are passed on in the order
of the items, so the output does not depend on how the work was shared.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

MAX_WORKERS = 8

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")


def worker_count(amount: int, least_worth_forking: int) -> int:
    """How many processes to share `amount` pieces of work among: 1 (this process alone) below
    `least_worth_forking` (starting workers would cost more than they save), with one core, or where this
    process may not fork."""
    cores = available_cores()
    if cores < 2 or amount < least_worth_forking or not may_fork():
        return 1
    return min(cores, MAX_WORKERS)


def available_cores() -> int:
    """The cores this process may run on (its affinity, where the system tells it)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def may_fork() -> bool:
    """Whether this process may fork. A forked child has only the thread that forked: a lock another thread
    held (in logging, in an I/O buffer, in malloc) stays locked in it for ever. A process running other threads
    (`serve`) never forks."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def give_back_free_memory() -> None:
    """Hand the system the memory that freed objects left in the C library's heap (glibc's malloc_trim).

    A build frees far more than it keeps (the YAML as read, the workers' results as they arrive), and glibc keeps
    freed pages for reuse: at 5,000 articles, 75 of the 500 MiB the process held after comparing were such
    pages. Elsewhere (macOS, musl) there is no malloc_trim, and nothing is done.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_task: Callable[[Any], Any] | None = None  # set in the parent just before forking; the workers inherit it


def forked_map(
    task: Callable[[_Item], _Result],
    items: Iterable[_Item],
    workers: int,
    chunksize: int = 1,
    in_flight: int | None = None,
) -> Iterator[_Result]:
    """`task(item)` for each item, in order, computed in `workers` forked processes (`chunksize` items sent
    at a time). `task` may be any callable, a closure too: it reaches the workers by the fork, with all it
    holds, while each item and result is pickled (so make items small: indexes into what the task holds).
    `in_flight` bounds the items sent whose results the caller has not yet taken (at least `chunksize` times
    `workers`): without it, results the caller takes more slowly than the workers make them pile up in memory.
    One call at a time."""
    global _task
    if in_flight is not None and in_flight < chunksize * workers:
        raise ValueError(f"in_flight {in_flight} is less than chunksize {chunksize} times workers {workers}")
    _task = task
    room = threading.Semaphore(in_flight) if in_flight else None
    stopping = False

    def bounded(items: Iterable[_Item], room: threading.Semaphore) -> Iterator[_Item]:
        """The items, each once fewer than `in_flight` are out (run by the pool's thread that feeds them)."""
        for item in items:
            room.acquire()
            if stopping:  # the caller stopped early: feed nothing more, so that the pool's thread ends
                return
            yield item

    give_back_free_memory()  # before the workers are forked: they would each count it as theirs
    try:
        with _sigterm_held():  # the workers are forked with SIGTERM held back, until _end_on_sigterm
            pool = multiprocessing.get_context("fork").Pool(workers, initializer=_end_on_sigterm)
        with pool:
            if room is None:
                yield from pool.imap(_run_task, items, chunksize)
                return
            try:
                for result in pool.imap(_run_task, bounded(items, room), chunksize):
                    yield result
                    room.release()  # taken: another item may go
            finally:
                # Leaving `with pool` terminates it, which joins the feeding thread: wake it if it waits.
                stopping = True
                room.release()
    finally:
        _task = None


# Pool.terminate() ends its workers with SIGTERM once the work is done. A handler a worker inherits (`serve`
# turns SIGTERM into KeyboardInterrupt) runs only between bytecodes: a SIGTERM that arrives just before the
# worker blocks on the task queue's lock is never acted on, and the parent then waits for it for ever. So each
# worker takes back SIGTERM's default (the process ends at once); one sent before it could is held until then.


@contextlib.contextmanager
def _sigterm_held() -> Iterator[None]:
    mask_before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask_before)


def _end_on_sigterm() -> None:
    """In a new worker: SIGTERM ends it at once (a SIGTERM held back since the fork, now)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})


def _run_task(item: Any) -> Any:
    """In a worker: the task inherited from the parent, on one item."""
    assert _task is not None
    return _task(item)
