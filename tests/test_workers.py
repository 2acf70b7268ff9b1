"""Long-lived workers (derivations.verify.workers): limits stay hard, answers stay the same.

A worker sees the item list as it was when it was forked; one asked for a later item is
replaced.  The pipelined run (derivations.run.schedule) starts work while the catalog loads.
"""
from __future__ import annotations

import json
import os
import signal
import time

import pytest

import threading

from derivations.registry import Lazy, lazy, select
from derivations.run.schedule import pipelined
from derivations.run.work import Work
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
    import derivations.run.schedule as schedule

    real = schedule.Workers

    class NoWorkers(real):  # every item computed in the thread: a child per stage
        def call(self, index, hard_limit):
            return self.items[index]()

    schedule.Workers = NoWorkers
    try:
        forked = run(ds, Options(cache=False, jobs=1, mc=False))
    finally:
        schedule.Workers = real
    assert json.dumps(one, sort_keys=True) == json.dumps(two, sort_keys=True) \
        == json.dumps(forked, sort_keys=True)


def test_a_worker_forked_before_an_item_existed_is_replaced():
    items = [lambda: os.getpid()]
    with Workers(items) as w:
        first = w.call(0, 10.0)
        items.append(lambda: os.getpid())  # the worker's copy of the list has no item 1
        second = w.call(1, 10.0)
        assert first != second and w.call(1, 10.0) == second  # replaced once, then kept


def _work(value, on_lookup=None) -> Work:
    def lookup():
        if on_lookup is not None:
            on_lookup()
        return None
    return Work(lookup, lambda: value, lambda v: v, lambda exc: f"failed: {exc}", 30.0)


def test_work_starts_while_later_batches_are_built():
    """The second batch is built only once the first batch's item is running."""
    started = threading.Event()
    seen = {}

    def batches():
        yield [(("a",), "a", _work(1, started.set))]
        seen["overlap"] = started.wait(20.0)
        yield [(("b",), "b", _work(2))]

    assert pipelined(batches(), 2) == {("a",): 1, ("b",): 2}
    assert seen["overlap"]


def _busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_a_worker_forks_between_two_batches_not_after_the_last():
    """The loader holds the fork lock batch after batch; a job thread waiting to fork its
    worker is let in between two batches (Python's locks are not fair: before, the first item
    ran only once the whole catalog was loaded)."""
    built = {}

    def batches():
        yield [(("a",), "a", Work(lambda: None, time.perf_counter, lambda v: v,
                                  lambda exc: f"failed: {exc}", 30.0))]
        for n in range(40):
            _busy(0.02)  # building a derivation: Python work, the GIL held
            yield [((f"b{n}",), f"b{n}", _work(n))]
        built["last"] = time.perf_counter()

    out = pipelined(batches(), 1)
    assert out[("a",)] < built["last"]


def test_a_batch_that_fails_to_build_stops_the_run():
    def batches():
        yield [(("a",), "a", _work(1))]
        raise RuntimeError("broken catalog module")

    start = time.perf_counter()
    with pytest.raises(RuntimeError, match="broken catalog module"):
        pipelined(batches(), 2)
    assert time.perf_counter() - start < 20.0


def test_a_lazy_sequence_gives_the_same_json_as_a_list():
    ids = ["mezard.transition_kernel", "agliari.glauber_noise"]
    lazy_result = run(lazy(ids), Options(cache=False, jobs=2, mc=False))
    assert json.dumps(lazy_result, sort_keys=True) == \
        json.dumps(run(select(ids), Options(cache=False, jobs=2, mc=False)), sort_keys=True)
    assert [d["id"] for d in lazy_result["derivations"]] == ids


def test_a_lazy_sequence_loads_on_access():
    calls = []
    seq = Lazy([lambda: calls.append(0) or "d0", lambda: calls.append(1) or "d1"])
    assert len(seq) == 2 and calls == []
    assert seq[1] == "d1" and calls == [1]
    assert list(seq) == ["d0", "d1"]
