"""Run a function in a forked child with a hard time limit.

A runaway ``simplify`` or ``integrate`` cannot be interrupted reliably inside the process, so
each symbolic and numeric task runs in a child that is killed when its time is up.  A child
never outlives its parent: on Linux it asks the kernel for ``SIGKILL`` when the thread that
forked it ends (``prctl(PR_SET_PDEATHSIG)``), which covers a parent killed by any signal; the
CLI's SIGINT/SIGTERM/SIGHUP handler also kills the children it knows of.  Inside a run's
long-lived worker (:mod:`.workers`) the same call is limited by an alarm instead of a fork.
"""
from __future__ import annotations

import contextlib
import gc
import multiprocessing as mp
import os
import pickle
import signal
import sys
import threading
import time
import traceback
from typing import Any, Callable

from ..limits import MAX_TIMEOUT, STEP_GRACE  # longer limits overflow some poll calls

_CTX = mp.get_context("fork")
# Held while forking, and by any SymPy work the parent does in a worker thread (see
# :func:`in_parent`): a fork while another thread is inside an import copies that module's
# import lock as held, and a child that then needs the module (SymPy imports lazily, e.g.
# ``simplify`` -> ``sympy.physics.units``) waits for it forever.
FORK_LOCK = threading.RLock()
_waiting = {"forks": 0}  # threads waiting in :func:`forking`
_waiting_lock = threading.Lock()
_PR_SET_PDEATHSIG = 1
_here: Callable[[Callable[[], Any], float], Any] | None = None  # set in a worker process


class TimedOut(Exception):
    pass


class ChildFailed(Exception):
    pass


class ChildDied(ChildFailed):
    """The child ended without an answer (killed by a signal, out of memory)."""


def _die_with_parent(parent: int) -> None:
    """Linux: SIGKILL this child when its parent thread ends; exit now if it already has."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died between fork and prctl
        os._exit(1)


def child_setup(parent: int) -> None:
    """In a freshly forked child or worker: die with ``parent``, default stop signals."""
    _die_with_parent(parent)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # not the CLI's handlers
        try:
            signal.signal(sig, signal.SIG_DFL)
        except (ValueError, OSError):
            pass


def _child(fn: Callable[[], Any], conn, parent: int) -> None:
    child_setup(parent)
    try:
        payload = ("ok", fn())
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, never swallowed
        payload = ("error", f"{type(exc).__name__}: {exc}", traceback.format_exc(limit=3))
    try:
        conn.send_bytes(pickle.dumps(payload))
    except Exception as exc:  # unpicklable result
        conn.send_bytes(pickle.dumps(("error", f"unpicklable result: {exc}", "")))
    conn.close()
    os._exit(0)


def in_parent(fn: Callable[[], Any]) -> Any:
    """``fn()`` run in this process under :data:`FORK_LOCK`: SymPy work a worker thread must do
    in the parent (a fallback LaTeX) never overlaps a fork."""
    with FORK_LOCK:
        return fn()


@contextlib.contextmanager
def forking():
    """:data:`FORK_LOCK`, held for a fork and announced while waited for: the catalog loader
    (:mod:`derivations.run.schedule`) holds the lock batch after batch and lets a waiting fork
    in between two batches (:func:`forks_waiting`) — Python's locks are not fair, and the job
    threads would otherwise wait until the whole catalog is loaded."""
    with _waiting_lock:
        _waiting["forks"] += 1
    try:
        FORK_LOCK.acquire()
    finally:
        with _waiting_lock:
            _waiting["forks"] -= 1
    try:
        yield
    finally:
        FORK_LOCK.release()


def forks_waiting() -> bool:
    return _waiting["forks"] > 0


def _prepare() -> None:
    """What every child would otherwise build on first use, built once here (:mod:`.warmup`)."""
    from .warmup import warm_up  # deferred: isolate is imported before SymPy's heavy parts

    warm_up()


def remaining(start: float, budget: float, floor: float = STEP_GRACE) -> float:
    """Seconds left of a ``budget`` started at ``time.perf_counter()`` value ``start``, at least
    ``floor``: the symbolic half of a step may use half of ``--timeout``, the numeric half gets
    what is left, at least 1 s, so a step ends within ``--timeout`` + 1 s."""
    return max(budget - (time.perf_counter() - start), floor)


def run_limited(fn: Callable[[], Any], timeout: float) -> Any:
    """Return ``fn()`` computed in a child; raise :class:`TimedOut` after ``timeout`` seconds
    (at most :data:`MAX_TIMEOUT`), :class:`ChildFailed` if it raised, :class:`ChildDied` if it
    ended without an answer."""
    timeout = min(max(float(timeout), 0.0), MAX_TIMEOUT)
    if _here is not None:  # inside a worker (:mod:`.workers`): an alarm, not a fork
        return _here(fn, timeout)
    recv, send = _CTX.Pipe(duplex=False)
    proc = _CTX.Process(target=_child, args=(fn, send, os.getpid()), daemon=True)
    with forking():
        _prepare()
        gc.freeze()  # the child's collector leaves the parent's objects (and their pages) alone
        try:
            proc.start()
        finally:
            gc.unfreeze()
    send.close()
    try:
        if not recv.poll(timeout):
            raise TimedOut(f"no answer within {timeout:g} s")
        try:
            payload = pickle.loads(recv.recv_bytes())
        except EOFError as exc:
            proc.join(1.0)
            raise ChildDied(f"child exited with code {proc.exitcode}") from exc
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()
    if payload[0] == "error":
        raise ChildFailed(payload[1])
    return payload[1]
