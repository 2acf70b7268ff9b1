"""Run a function in a forked child with a hard time limit.

A runaway ``simplify`` or ``integrate`` cannot be interrupted reliably inside the process, so
each symbolic and numeric task runs in a child that is killed when its time is up.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import traceback
from typing import Any, Callable

_CTX = mp.get_context("fork")


class TimedOut(Exception):
    pass


class ChildFailed(Exception):
    pass


def _child(fn: Callable[[], Any], conn) -> None:
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


def run_limited(fn: Callable[[], Any], timeout: float) -> Any:
    """Return ``fn()`` computed in a child; raise :class:`TimedOut` after ``timeout`` seconds."""
    recv, send = _CTX.Pipe(duplex=False)
    proc = _CTX.Process(target=_child, args=(fn, send), daemon=True)
    proc.start()
    send.close()
    try:
        if not recv.poll(timeout):
            raise TimedOut(f"no answer within {timeout:g} s")
        try:
            payload = pickle.loads(recv.recv_bytes())
        except EOFError as exc:
            raise ChildFailed(f"child exited with code {proc.exitcode}") from exc
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()
    if payload[0] == "error":
        raise ChildFailed(payload[1])
    return payload[1]
