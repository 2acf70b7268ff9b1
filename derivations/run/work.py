"""The shape of a run's work items (steps, printed links, Monte Carlo cases)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Work:
    """Served from the result store in the parent (``lookup``: the answer, or None), else
    computed — in a worker process (:mod:`derivations.verify.workers`) — then stored and shaped
    in the parent (``finish``); ``fail`` answers for a worker that timed out or died
    (``hard_limit``: seconds the parent waits for the worker)."""

    lookup: Callable[[], Any]
    compute: Callable[[], Any]
    finish: Callable[[Any], Any]
    fail: Callable[[Exception], Any]
    hard_limit: float

    def run_here(self) -> Any:
        """The answer without a worker: stored, else computed in this process."""
        hit = self.lookup()
        return hit if hit is not None else self.finish(self.compute())
