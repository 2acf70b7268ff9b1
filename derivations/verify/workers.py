"""Long-lived worker processes for a run's work items (DESIGN §5, speed).

Forking a child per symbolic or numeric stage (:func:`.isolate.run_limited`) throws away,
with each child, everything SymPy and mpmath cached while it worked; on the catalog that was a
quarter of the CPU time.  A :class:`Workers` pool forks one worker per job thread once the
run's work items are built (or a batch of them, see :mod:`derivations.run.schedule`), so a
worker already holds every item's function and is sent only its index.  Inside a worker each
item runs in-process, and the stages it would have forked (``run_limited``) are time-limited
by ``SIGALRM`` instead (:func:`limited_here`).

Time limits stay hard: the parent waits for an item at most its ``hard_limit`` (the soft limits
plus a grace), then kills the worker, reports :class:`~.isolate.TimedOut` and forks a fresh one
for the next item.  A worker whose item was interrupted by an alarm ends after answering (an
interrupted SymPy computation may leave its caches half-built) and is replaced.  Results do not
depend on which worker ran an item or what it ran before: every item's JSON is the same in a
worker, in a child per stage or in one process (``tests/test_workers.py``).
"""
from __future__ import annotations

import gc
import math
import os
import pickle
import signal
import threading
import time
import traceback
from typing import Any, Callable, Sequence

from . import isolate
from .isolate import _CTX, ChildDied, ChildFailed, TimedOut, _prepare, child_setup, forking

ANSWER_GRACE = 5.0  # seconds a worker may overrun an item's limits before it is killed


class _Alarm(BaseException):
    """Raised by SIGALRM inside a limited region (a BaseException: ``except Exception`` in
    SymPy or in our own fallbacks does not swallow it)."""


_deadlines: list[float] = []  # innermost last; only in a worker process
_state = {"worker": False, "interrupted": False}


def in_worker() -> bool:
    return _state["worker"]


def _arm() -> None:
    if not _deadlines:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return
    left = _deadlines[-1] - time.monotonic()
    # re-armed every 50 ms past the deadline, in case a bare ``except:`` swallows one alarm
    signal.setitimer(signal.ITIMER_REAL, max(left, 1e-4), 0.05)


def _on_alarm(signum, frame) -> None:
    if _deadlines and time.monotonic() >= _deadlines[-1] - 1e-3:
        _state["interrupted"] = True
        raise _Alarm()
    _arm()


def limited_here(fn: Callable[[], Any], timeout: float) -> Any:
    """``fn()`` in this worker, interrupted after ``timeout`` seconds; raises like
    :func:`.isolate.run_limited` (:class:`TimedOut`, :class:`ChildFailed`)."""
    deadline = time.monotonic() + timeout
    _deadlines.append(min(deadline, _deadlines[-1]) if _deadlines else deadline)
    _arm()
    try:
        try:
            return fn()
        finally:
            _deadlines.pop()
            _arm()
    except _Alarm:
        if time.monotonic() < deadline - 1e-3:  # an enclosing region's limit: its to report
            raise
        raise TimedOut(f"no answer within {timeout:g} s") from None
    except (TimedOut, ChildFailed):
        raise
    except Exception as exc:  # noqa: BLE001 - reported as a failed child would be
        raise ChildFailed(f"{type(exc).__name__}: {exc}") from exc


def _serve(items: Sequence[Callable[[], Any]], conn, parent: int) -> None:
    """A worker's loop: run the item whose index arrives, answer, until told to stop."""
    child_setup(parent)
    signal.signal(signal.SIGALRM, _on_alarm)
    # SymPy allocates heavily and makes few cycles: collecting every 700 allocations cost
    # ≈ 10 % of a worker's time (measured); results do not depend on when garbage is collected
    gc.set_threshold(50_000, 20, 20)
    _state["worker"] = True
    isolate._here = limited_here
    while True:
        try:
            index = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            os._exit(0)
        if index is None:
            os._exit(0)
        _state["interrupted"] = False
        try:
            payload = ("ok", items[index](), "")
        except TimedOut as exc:
            payload = ("timeout", str(exc), "")
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, never swallowed
            payload = ("error", f"{type(exc).__name__}: {exc}", traceback.format_exc(limit=3))
        try:
            data = pickle.dumps(payload + (_state["interrupted"],))
        except Exception as exc:  # unpicklable result
            data = pickle.dumps(("error", f"unpicklable result: {exc}", "", True))
        conn.send_bytes(data)
        if _state["interrupted"]:
            os._exit(0)  # half-built caches are not carried into the next item


class _Worker:
    def __init__(self, items: Sequence[Callable[[], Any]]) -> None:
        self.conn, theirs = _CTX.Pipe(duplex=True)
        self.proc = _CTX.Process(target=_serve, args=(items, theirs, os.getpid()), daemon=True)
        with forking():
            _prepare()
            self.known = len(items)  # the items this worker's copy of the list holds
            gc.freeze()
            try:
                self.proc.start()
            finally:
                gc.unfreeze()
        theirs.close()
        self.alive = True

    def call(self, index: int, hard_limit: float) -> Any:
        try:
            self.conn.send_bytes(pickle.dumps(index))
            if not self.conn.poll(min(hard_limit, 86_400.0)):
                self.stop(kill=True)
                raise TimedOut(f"no answer within {hard_limit:g} s (worker killed)")
            status, value, where, interrupted = pickle.loads(self.conn.recv_bytes())
        except (EOFError, OSError, BrokenPipeError) as exc:
            self.stop(kill=True)
            raise ChildDied(f"worker exited with code {self.proc.exitcode}") from exc
        if interrupted:
            self.stop()
        if status == "timeout":
            raise TimedOut(value)
        if status == "error":
            raise ChildFailed(value)
        return value

    def stop(self, kill: bool = False) -> None:
        if not self.alive:
            return
        self.alive = False
        if not kill:
            try:
                self.conn.send_bytes(pickle.dumps(None))
            except (OSError, BrokenPipeError):
                pass
            self.proc.join(2.0)
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        self.conn.close()


class Workers:
    """One worker per calling thread, forked on its first item, replaced after a kill.

    ``items`` may grow (:mod:`derivations.run.schedule`): a worker sees the list as it was when
    it was forked, so one asked for a later item is replaced by a fresh fork."""

    def __init__(self, items: Sequence[Callable[[], Any]]) -> None:
        self.items = items
        self._local = threading.local()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()

    def call(self, index: int, hard_limit: float) -> Any:
        w = getattr(self._local, "worker", None)
        if w is not None and w.alive and index >= w.known:
            w.stop()  # forked before this item existed
        if w is None or not w.alive:
            w = self._local.worker = _Worker(self.items)
            with self._lock:  # the stopped ones (killed, or forked too early) are let go
                self._all = [x for x in self._all if x.alive] + [w]
        return w.call(index, hard_limit if math.isfinite(hard_limit) else 86_400.0)

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
        for w in workers:
            w.stop()

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
