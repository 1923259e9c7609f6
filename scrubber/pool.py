"""Tasks over worker processes, streamed, in order, surviving what a task can do to a worker.

:func:`run_chunks` is the one loop under ``Scrubber.scrub_many`` and ``scrubber clean --jobs``:
at most ``window`` tasks in flight, results in input order (or as they finish), the state
(the compiled Scrubber) inherited by forked workers or sent once per spawned one. Two things
a single task can do no longer end the run:

* its arguments do not pickle (a record holding a lambda or a lock): it runs in this process;
* it kills its worker (an out-of-memory kill, a crash in a C extension): the pool is replaced,
  the tasks that were in flight run again one at a time in a pool of their own, and the one
  that kills its worker again gets ``crashed(task)`` as its result (without ``crashed``, the
  ``BrokenProcessPool`` is raised as before).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

R = TypeVar("R")
Task = tuple[Any, ...]



def resolve_jobs(jobs: int | None) -> int:
    """``None`` or 1: in-process; 0 or negative: one per CPU this process may run on; n: n
    processes."""
    if jobs is None:
        return 1
    if not isinstance(jobs, int) or isinstance(jobs, bool):
        raise TypeError(f"jobs must be an int or None, got {jobs!r}")
    if jobs <= 0:
        return usable_cpus()
    return jobs


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity set: a container's or ``taskset``'s
    share of the machine, where ``os.cpu_count()`` counts the whole machine)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # (not on every platform)
        return os.cpu_count() or 1


def run_chunks(
    fn: Callable[..., R],
    tasks: Iterable[Task],
    *,
    state: Any,
    jobs: int | None = None,
    ordered: bool = True,
    window: int | None = None,
    crashed: Callable[[Task], R] | None = None,
) -> Iterator[R]:
    """Yield ``fn(state, *task)`` for every task (if ``tasks`` raises, for every task it gave
    before, and then its exception).

    With ``jobs > 1`` the tasks run in a process pool holding at most ``window`` tasks in
    flight (default ``2 * jobs``), so a long input never piles up in memory. ``fn`` must be
    a module-level function; tasks and results are pickled, ``state`` is inherited (fork)
    or pickled once per worker (spawn) -- never per task. See the module docs for a task
    that does not pickle and one that kills its worker (``crashed``).
    """
    n = resolve_jobs(jobs)
    if n == 1:
        for task in tasks:
            yield fn(state, *task)
        return
    pools = _Pools(fn, state, n, crashed)
    limit = max(1, window or 2 * n)
    pending: deque[tuple[Future[R], Task]] = deque()
    source = iter(tasks)
    failure: Exception | None = None
    try:
        while True:
            try:
                task = next(source)
            except StopIteration:
                break
            except Exception as exc:  # the tasks' source failed: the tasks it gave are still done
                failure = exc
                break
            pending.append((pools.submit(task), task))
            while len(pending) >= limit:
                yield from _drain(pending, ordered, pools)
        while pending:
            yield from _drain(pending, ordered, pools)
        if failure is not None:
            raise failure
    finally:
        pools.close()


def _drain(pending: deque[tuple[Future[R], Task]], ordered: bool, pools: _Pools) -> Iterator[R]:
    if ordered:
        yield pools.outcome(*pending.popleft())
        return
    done, _ = wait([fut for fut, _ in pending], return_when=FIRST_COMPLETED)
    for entry in [e for e in pending if e[0] in done]:
        pending.remove(entry)
        yield pools.outcome(*entry)


class _Pools:
    """The run's process pool, replaced when a worker dies."""

    def __init__(self, fn: Callable[..., Any], state: Any, n: int,
                 crashed: Callable[[Task], Any] | None) -> None:
        methods = multiprocessing.get_all_start_methods()
        self.ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        self.fn, self.state, self.n, self.crashed = fn, state, n, crashed
        self.pool = self._new(n)

    def _new(self, n: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(n, mp_context=self.ctx, initializer=_init_worker, initargs=(self.state,))

    def submit(self, task: Task) -> Future[Any]:
        try:
            return self.pool.submit(_call, self.fn, *task)
        except BrokenProcessPool:  # a worker died since the last submit: a new pool
            self.pool.shutdown(wait=False)
            self.pool = self._new(self.n)
            return self.pool.submit(_call, self.fn, *task)

    def outcome(self, fut: Future[Any], task: Task) -> Any:
        try:
            return fut.result()
        except BrokenProcessPool:
            if self.crashed is None:
                raise
            return self._alone(task)
        except CancelledError:
            raise
        except Exception:
            # The task never made the trip: an argument that does not pickle raises whatever
            # its pickling raises (PicklingError, TypeError, RecursionError for deep nesting,
            # anything from a __reduce__), and the task functions catch every item's own
            # errors. Run it here, as jobs=1 would.
            return self.fn(self.state, *task)

    def _alone(self, task: Task) -> Any:
        """Run ``task`` in a pool of its own: its result, or ``crashed(task)`` if it kills
        that worker too (the tasks in flight when a worker died all come here, so the one
        that killed it is found and the others are done)."""
        assert self.crashed is not None
        with self._new(1) as alone:
            try:
                return alone.submit(_call, self.fn, *task).result()
            except BrokenProcessPool:
                return self.crashed(task)

    def close(self) -> None:
        self.pool.shutdown(wait=True)


# --- worker side ---------------------------------------------------------------------------

_WORKER_STATE: Any = None


def _init_worker(state: Any) -> None:
    """Pool initializer: keep the state (forked: inherited; spawned: unpickled once, so a
    Scrubber is rebuilt from its Config once per worker)."""
    global _WORKER_STATE
    _WORKER_STATE = state
    # Ctrl-C reaches the whole process group: the parent alone handles it (it stops the run
    # and shuts the pool down); workers ignore it rather than each raising KeyboardInterrupt
    # wherever they happen to be.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _call(fn: Callable[..., R], *task: Any) -> R:
    return fn(_WORKER_STATE, *task)
