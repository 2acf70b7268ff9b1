"""Work items run while the catalog is still loading (DESIGN §5, speed).

Loading a derivation (importing its module, building its SymPy expressions, reading its quoted
labels from the notes) is parent work, a few seconds for the whole catalog.  Rather than load
everything and only then start the workers, :func:`pipelined` takes the work items one batch
(one derivation) at a time and queues each batch as soon as it is built, so the job threads run
the first derivation's steps while the next one loads.

A batch is built under :data:`~derivations.verify.isolate.FORK_LOCK` (no worker forks in the
middle of an import), and a job thread waiting to fork its worker is let in before the next
batch (:func:`~derivations.verify.isolate.forking`); a worker forked before a batch existed is
replaced when it is handed one of that batch's items
(:class:`~derivations.verify.workers.Workers`).  Results are keyed by the items' stable keys,
never by when or where they ran, so the output does not depend on it.
"""
from __future__ import annotations

import queue
import threading
import time
from typing import Any, Callable, Iterator

from ..verify.isolate import FORK_LOCK, ChildFailed, TimedOut, forks_waiting
from ..verify.workers import Workers
from .work import Work

Task = tuple[tuple, str, Work]  # (stable key, progress label, work item)


def pipelined(batches: Iterator[list[Task]], jobs: int,
              tick: Callable[[str, int], None] = lambda label, total: None) -> dict[tuple, Any]:
    """Run every task of ``batches`` on ``jobs`` threads (each with its worker process) while
    later batches are still being built; return ``{key: result}``.

    ``tick(label, total)`` is called after each task (``total``: tasks known so far).  An
    exception from building a batch or from a task stops the queued work (running items
    finish) and is raised here."""
    tasks: list[Task] = []
    computes: list[Callable[[], Any]] = []  # what a worker forked now can run, by index
    workers = Workers(computes)
    pending: queue.SimpleQueue = queue.SimpleQueue()
    results: dict[tuple, Any] = {}
    errors: list[BaseException] = []
    stop = threading.Event()

    def execute(i: int) -> None:
        key, label, work = tasks[i]
        out = work.lookup()
        if out is None:
            try:
                out = work.finish(workers.call(i, work.hard_limit))
            except (TimedOut, ChildFailed) as exc:
                out = work.fail(exc)
        results[key] = out
        tick(label, len(tasks))

    def consume() -> None:
        while (i := pending.get()) is not None and not stop.is_set():
            try:
                execute(i)
            except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread
                errors.append(exc)
                stop.set()

    threads = [threading.Thread(target=consume, daemon=True) for _ in range(jobs)]
    for t in threads:
        t.start()
    try:
        while not stop.is_set():
            while forks_waiting() and not stop.is_set():
                time.sleep(0.001)  # a job thread forks its worker between two batches
            with FORK_LOCK:
                batch = next(batches, None)
                if batch is None:
                    break
                first = len(tasks)
                tasks.extend(batch)
                computes.extend(t[2].compute for t in batch)
            for i in range(first, len(tasks)):
                pending.put(i)
    except BaseException:
        stop.set()  # on Ctrl-C or a broken catalog module, do not start the queued work
        raise
    finally:
        for _ in threads:
            pending.put(None)
        for t in threads:
            t.join()
        workers.close()
    if errors:
        raise errors[0]
    return results
