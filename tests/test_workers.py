"""Long-lived workers (derivations.verify.workers): limits stay hard, answers stay the same.

Each test builds its items before the pool forks (a worker sees the list as it was then).
"""
from __future__ import annotations

import json
import os
import signal
import time

import pytest

from derivations.registry import select
from derivations.run.runner import Options, run
from derivations.verify.isolate import ChildDied, ChildFailed, TimedOut, run_limited
from derivations.verify.workers import Workers, in_worker


def _spin():
    while True:
        pass


def test_items_run_in_one_worker_and_keep_its_state():
    seen = []

    def remember():
        seen.append(os.getpid())  # in the worker's copy of the list
        return len(seen), os.getpid(), in_worker()

    with Workers([remember, remember]) as w:
        first, second = w.call(0, 10.0), w.call(1, 10.0)
    assert first[0] == 1 and second[0] == 2, "the second item ran in a fresh process"
    assert first[1] == second[1] != os.getpid()
    assert first[2] and not in_worker()
    assert seen == []  # the parent's list is untouched


def test_a_stage_limit_is_an_alarm_inside_the_worker_and_the_worker_is_replaced():
    def stage_runs_away():
        start = time.perf_counter()
        try:
            run_limited(_spin, 0.3)
        except TimedOut:
            return os.getpid(), time.perf_counter() - start
        raise AssertionError("the spinning stage was not stopped")

    with Workers([stage_runs_away, os.getpid]) as w:
        pid, took = w.call(0, 10.0)
        assert 0.25 <= took < 2.0
        assert w.call(1, 10.0) != pid, "an interrupted worker must not serve the next item"


def test_errors_and_exceptions_come_back_as_in_a_child():
    def raises():
        raise ValueError("bad step")

    def stage_raises():
        try:
            run_limited(raises, 5.0)
        except ChildFailed as exc:
            return str(exc)

    with Workers([raises, stage_raises, lambda: 7]) as w:
        with pytest.raises(ChildFailed, match="ValueError: bad step"):
            w.call(0, 10.0)
        assert w.call(1, 10.0) == "ValueError: bad step"
        assert w.call(2, 10.0) == 7  # the worker goes on after an ordinary error


def test_a_worker_deaf_to_its_alarm_is_killed_at_the_hard_limit():
    def deaf():
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # like C code that never returns
        run_limited(_spin, 0.2)

    with Workers([deaf, lambda: "next"]) as w:
        start = time.perf_counter()
        with pytest.raises(TimedOut, match="worker killed"):
            w.call(0, 1.5)
        assert time.perf_counter() - start < 5.0
        assert w.call(1, 10.0) == "next"  # a fresh worker


def test_a_worker_that_dies_is_reported_and_replaced():
    with Workers([lambda: os._exit(3), lambda: "alive"]) as w:
        with pytest.raises(ChildDied):
            w.call(0, 10.0)
        assert w.call(1, 10.0) == "alive"


@pytest.mark.parametrize("ids", [["mallat.tweedie", "agliari.snr_split"]])
def test_answers_do_not_depend_on_workers_or_jobs(ids):
    """The JSON is byte-identical with one worker, two, or a child per stage (no workers)."""
    ds = select(ids)
    one = run(ds, Options(cache=False, jobs=1, mc=False))
    two = run(ds, Options(cache=False, jobs=2, mc=False))
    import derivations.run.runner as runner

    real = runner.Workers

    class NoWorkers(real):  # every item computed in the thread: a child per stage
        def call(self, index, hard_limit):
            return self.items[index]()

    runner.Workers = NoWorkers
    try:
        forked = run(ds, Options(cache=False, jobs=1, mc=False))
    finally:
        runner.Workers = real
    assert json.dumps(one, sort_keys=True) == json.dumps(two, sort_keys=True) \
        == json.dumps(forked, sort_keys=True)
