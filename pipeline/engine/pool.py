"""Run one function over many articles on several cores, results in input order.

Workers are forked, so the read-only context (configuration, parsed articles, translations) and
the items are inherited, not pickled; only item numbers and results cross process boundaries.
With one job, or few items, everything runs in this process: the output is identical either way."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from typing import Callable, Iterator, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
Progress = Callable[[str, int, int], None]  # (what, done, total): the CLI draws it; library code stays silent


def no_progress(what: str, done: int, total: int) -> None:
    pass

_PR_SET_PDEATHSIG = 1

# Each worker process receives its (read-only) work once, from the pool's initializer.
_worker_work: tuple[Callable, object, Sequence] | None = None


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def imap_in_order(function: Callable[[object, Item], Result], items: Sequence[Item], context: object,
                  jobs: int) -> Iterator[Result]:
    """function(context, item) for each item, spread over `jobs` processes, yielded in input order
    as they arrive, so that the caller can write each away."""
    if jobs <= 1 or len(items) < 4 * jobs or "fork" not in multiprocessing.get_all_start_methods():
        yield from (function(context, item) for item in items)
        return
    from concurrent.futures import ProcessPoolExecutor  # (imported only when needed: it takes 10–20 ms)

    chunk = max(1, min(64, len(items) // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                             initializer=_receive, initargs=(function, context, items, os.getpid())) as pool:
        yield from pool.map(_run, range(len(items)), chunksize=chunk)


def _receive(function: Callable, context: object, items: Sequence, parent: int) -> None:
    global _worker_work
    _worker_work = (function, context, items)
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the line above took effect: do not linger
        os._exit(1)


def _die_with_parent() -> None:
    """A build killed with SIGKILL must not leave its workers behind (Linux: PR_SET_PDEATHSIG)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _run(index: int):
    function, context, items = _worker_work
    return function(context, items[index])
