"""The step-result store: it may save time, never change a result (issue 9).

Unit tests of :mod:`derivations.run.cache` (validation, canonical form, bad stores, concurrent
writers), then runs of small derivations cold / warm / ``--no-cache`` compared byte for byte,
and (slow tier) the whole catalog.
"""
from __future__ import annotations

import json
import math
import multiprocessing as mp
import os
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sympy as sp

import derivations
from derivations.model import Derivation, Printed, Step
from derivations.run import cache as store
from derivations.run.cache import StepCache, canonical, decode, step_key, valid_result
from derivations.verify import StepResult

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", positive=True)

GOOD = {"verdict": "refuted", "method": "witness found (exact re-check)",
        "difference_latex": "x", "witness": {"y": "3/2", "x": "1/2"},
        "evaluation": {"lhs": "1.0", "rhs": "2.0", "recheck": "exact",
                       "relative_difference": "0.5"},
        "notes": ["a note"], "lhs_latex": "x", "rhs_latex": "0"}


def _store(tmp_path: Path, warnings: list | None = None, **kw) -> StepCache:
    out = [] if warnings is None else warnings
    return StepCache(True, path=tmp_path / "steps.sqlite3", warn=out.append, **kw)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LECTURECHECK_CACHE", str(tmp_path / "cache"))


# ---------------------------------------------------------------- the store itself

def test_round_trip_keeps_key_order_and_values(tmp_path):
    c = _store(tmp_path)
    assert c.put("k", GOOD)
    back = c.get("k")
    assert back == GOOD
    assert list(back["witness"]) == ["y", "x"]  # insertion order, not sorted
    assert list(back["evaluation"]) == list(GOOD["evaluation"])
    assert json.dumps(back) == json.dumps(GOOD)


def test_canonical_is_the_json_form_with_order_kept():
    fresh = dict(GOOD, notes=("a note",), witness={"b": "1", "a": "2"})
    out = canonical(fresh)
    assert out["notes"] == ["a note"] and list(out["witness"]) == ["b", "a"]
    assert canonical(out) == out


def test_limited_undecided_and_invalid_results_are_not_stored(tmp_path):
    c = _store(tmp_path)
    assert not c.put("limited", GOOD, limited=True)
    assert not c.put("undecided", dict(GOOD, verdict="undecided"))
    assert not c.put("nan", dict(GOOD, evaluation={"lhs": math.nan}))
    assert c.get("limited") is None and c.get("undecided") is None and c.get("nan") is None
    rows = sqlite3.connect(tmp_path / "steps.sqlite3").execute("SELECT count(*) FROM steps")
    assert rows.fetchone() == (0,)


BAD_ROWS = {
    "bogus verdict": json.dumps(dict(GOOD, verdict="probably")),
    "undecided": json.dumps(dict(GOOD, verdict="undecided")),
    "NaN": json.dumps(dict(GOOD, evaluation={"lhs": float("nan")})),
    "Infinity": json.dumps(dict(GOOD, evaluation={"rhs": float("inf")})),
    "missing key": json.dumps({k: v for k, v in GOOD.items() if k != "notes"}),
    "extra key not finite": json.dumps(dict(GOOD, evidence={"points": float("inf")})),
    "extra key of an odd type": '{"verdict": "proved", "x": {"1": [NaN]}}',
    "list": "[]",
    "null": "null",
    "not JSON": "{verdict: proved",
    "witness of numbers": json.dumps(dict(GOOD, witness={"x": 1})),
    "notes not text": json.dumps(dict(GOOD, notes=[1])),
    "method not text": json.dumps(dict(GOOD, method=None)),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_invalid_rows_are_ignored_on_read(tmp_path, case):
    warnings: list[str] = []
    c = _store(tmp_path, warnings)
    c.put("good", GOOD)
    db = sqlite3.connect(tmp_path / "steps.sqlite3")
    db.execute("INSERT INTO steps VALUES (?, ?)", ("bad", BAD_ROWS[case]))
    db.commit()
    assert c.get("bad") is None
    assert c.get("good") == GOOD  # one bad row does not poison the others
    assert warnings == []
    assert decode(BAD_ROWS[case]) is None


def test_valid_result_accepts_every_established_and_failing_verdict():
    for verdict in ("proved", "exhaustive", "numeric", "refuted", "inconsistent"):
        assert valid_result(dict(GOOD, verdict=verdict))
    assert valid_result(dict(GOOD, witness=None, evaluation=None, notes=[]))
    assert valid_result(dict(GOOD, witness={"C": [["1", "0"], ["0", "1"]]}))
    assert not valid_result(dict(GOOD, witness={"C": [[1, 0]]}))
    # fields added later (e.g. numeric evidence) are kept, in their order, when finite JSON
    assert valid_result(dict(GOOD, evidence={"random": 5, "skipped": 0, "precision": 50}))
    assert valid_result(dict(reversed(list(GOOD.items()))))


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


BAD_STORES = {
    "empty JSON list": lambda p: _write_bytes(p, b"[]"),
    "JSON null": lambda p: _write_bytes(p, b"null"),
    "random bytes": lambda p: _write_bytes(p, bytes(range(256)) * 64),
    "a directory": lambda p: p.mkdir(parents=True),
    "another schema": lambda p: sqlite3.connect(p).execute("CREATE TABLE steps (k, v, w)"),
    "another version": lambda p: sqlite3.connect(p).executescript(
        f"{store._TABLE_SQL}; PRAGMA user_version = {store.SCHEMA + 1};"),
    "truncated database": lambda p: _truncated_db(p),
}


def _truncated_db(p: Path) -> None:
    db = sqlite3.connect(p)
    db.executescript(f"{store._TABLE_SQL}; PRAGMA user_version = {store.SCHEMA};")
    db.executemany("INSERT INTO steps VALUES (?, ?)", [(str(i), "x" * 500) for i in range(200)])
    db.commit()
    db.close()
    data = p.read_bytes()
    p.write_bytes(data[:100] + b"\0garbage" + data[4200:])


@pytest.mark.parametrize("case", list(BAD_STORES))
def test_bad_store_warns_once_and_the_run_goes_on_uncached(tmp_path, case):
    path = tmp_path / "steps.sqlite3"
    BAD_STORES[case](path)
    warnings: list[str] = []
    c = StepCache(True, path=path, warn=warnings.append)
    for i in range(3):  # every use after the first failure is silent
        assert c.get(f"k{i}") is None
        c.put(f"k{i}", GOOD)
    assert len(warnings) == 1, warnings
    assert str(path)[:40] in warnings[0] and "without the cache" in warnings[0]
    assert not c.active


def test_bad_store_in_a_run_gives_one_stderr_line_and_right_results(tmp_path, monkeypatch, capsys):
    cache = tmp_path / "badcache"
    _write_bytes(cache / store.FILE_NAME, b"[]")
    monkeypatch.setenv("LECTURECHECK_CACHE", str(cache))
    report = derivations.check(TINY, seed=1, jobs=2, timeout=120)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "warning: step cache" in err, err
    assert [s["verdict"] for s in report["derivations"][0]["steps"]] == ["proved", "refuted"]


def test_unwritable_cache_location_warns_once(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("LECTURECHECK_CACHE", str(blocker / "sub"))
    report = derivations.check(TINY, seed=1, timeout=120)
    assert report["derivations"][0]["verdict"] == "fail"
    assert capsys.readouterr().err.count("warning: step cache") == 1


# ---------------------------------------------------------------- keys

def test_key_depends_on_assumptions_seed_and_fingerprint(monkeypatch):
    xr, xp = sp.Symbol("x", real=True), sp.Symbol("x", positive=True)
    base = step_key("d", xr**2, xr, "=", (xr > 0,), 1)
    assert base == step_key("d", xr**2, xr, "=", (xr > 0,), 1)
    assert base != step_key("d", xr**2, xr, "=", (xp > 0,), 1)  # constraint assumptions count
    assert base != step_key("d", xp**2, xp, "=", (xr > 0,), 1)
    assert base != step_key("d", xr**2, xr, "=", (xr > 0,), 2)
    assert step_key({xr: 1, "a": 2}) == step_key({"a": 2, xr: 1})
    monkeypatch.setattr(store, "code_fingerprint", lambda: "another version of the code")
    assert base != step_key("d", xr**2, xr, "=", (xr > 0,), 1)


def test_key_parts_are_printed_once_per_object_and_never_conflated():
    # srepr is memoised by identity: == ignores a Float's precision, the key must not
    f15, f30 = sp.Float("0.1", 15), sp.Float("0.1", 30)
    assert step_key(f15) != step_key(f30)
    x = sp.Symbol("x", positive=True)
    e = sp.exp(-x**2) / sp.sqrt(sp.pi)
    assert store._srepr(e) == sp.srepr(e)
    assert store._SREPRS[id(e)][0] is e  # kept alive, so its id is never reused
    assert step_key("d", e, [x, {x: e}]) == step_key("d", sp.exp(-x**2) / sp.sqrt(sp.pi), [x, {x: e}])


# ---------------------------------------------------------------- concurrent runs

def _writer(path: str, start: int, count: int) -> None:
    c = StepCache(True, path=Path(path), warn=lambda m: os._exit(9))
    for i in range(start, start + count):
        if not c.put(f"key{i}", dict(GOOD, method=f"m{i}")):
            os._exit(8)
    c.close()
    os._exit(0)


def test_concurrent_writers_keep_every_entry(tmp_path):
    path = tmp_path / "steps.sqlite3"
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(path), 100 * k, 60)) for k in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    c = _store(tmp_path)
    for k in range(4):
        for i in range(100 * k, 100 * k + 60):
            assert c.get(f"key{i}") == dict(GOOD, method=f"m{i}"), i


def _run_one(derivation_id: str, cache_dir: str, out: str) -> None:
    os.environ["LECTURECHECK_CACHE"] = cache_dir
    report = derivations.check(FIXTURES[derivation_id], seed=4, jobs=2, timeout=120)
    Path(out).write_text(json.dumps(report))
    os._exit(0)


def test_concurrent_runs_on_one_cache_keep_every_entry(tmp_path, capfd):
    """Four runs (two per fixture) start together on a store none of them has created."""
    cache = tmp_path / "shared"
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_run_one, args=(i, str(cache), str(tmp_path / f"{i}{k}.json")))
             for i in FIXTURES for k in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * len(procs)
    assert "warning" not in capfd.readouterr().err
    rows = sqlite3.connect(cache / store.FILE_NAME).execute("SELECT count(*) FROM steps")
    expected = sum(len(d.steps) + sum(s.printed is not None for s in d.steps)
                   for d in FIXTURES.values())
    assert rows.fetchone() == (expected,)


# ---------------------------------------------------------------- results never change

TINY = Derivation(
    id="cachetest.tiny", title="tiny", lecture="none", section="0", equations=("1.1.1",),
    steps=(Step((x + 1)**2, x**2 + 2 * x + 1, "expand", "1.1.1", id="expand",
                printed=Printed(rhs=x**2 + 1, note="drops 2x")),
           Step(y * x, x * y + 1, "deliberately wrong", id="wrong")))
OTHER = Derivation(
    id="cachetest.other", title="other", lecture="none", section="0", equations=(),
    steps=(Step(sp.exp(y) * sp.exp(-y), sp.Integer(1), "cancel", id="cancel"),
           Step(sp.sin(x)**2 + sp.cos(x)**2, sp.Integer(1), "pythagoras", id="pythagoras")))
FIXTURES = {d.id: d for d in (TINY, OTHER)}


def _json(**kw) -> str:
    # a generous time limit: on a loaded machine a limit, not the cache, could change a verdict
    return json.dumps(derivations.check(list(FIXTURES.values()), seed=3, mc=False, timeout=120,
                                        **kw), indent=2)


@pytest.fixture(scope="module")
def cold(tmp_path_factory) -> tuple[str, Path]:
    """A cold run of the fixtures (``--jobs 2``): its JSON and its filled cache directory."""
    cache = tmp_path_factory.mktemp("cold")
    old = os.environ.get("LECTURECHECK_CACHE")
    os.environ["LECTURECHECK_CACHE"] = str(cache)
    try:
        return _json(jobs=2), cache
    finally:
        if old is None:
            os.environ.pop("LECTURECHECK_CACHE")
        else:
            os.environ["LECTURECHECK_CACHE"] = old


def test_cold_warm_and_uncached_runs_are_byte_identical(cold, monkeypatch):
    text, cache = cold
    monkeypatch.setenv("LECTURECHECK_CACHE", str(cache))
    assert _json(jobs=1) == text  # warm
    assert _json(jobs=2, cache=False) == text
    wrong = json.loads(text)["derivations"][0]["steps"][1]
    assert wrong["verdict"] == "refuted"
    assert list(wrong["evaluation"])[:3] == ["lhs", "rhs", "recheck"]  # not re-sorted


def test_tampered_entries_never_reach_the_output(cold, tmp_path, monkeypatch):
    text, cache = cold
    (tmp_path / store.FILE_NAME).write_bytes((cache / store.FILE_NAME).read_bytes())
    monkeypatch.setenv("LECTURECHECK_CACHE", str(tmp_path))
    db = sqlite3.connect(tmp_path / store.FILE_NAME)
    keys = [k for (k,) in db.execute("SELECT key FROM steps")]
    assert len(keys) == 5
    bad = [json.dumps(dict(GOOD, verdict="bogus")), '{"verdict": NaN}', "[]",
           json.dumps(dict(GOOD, verdict="proved", evaluation={"x": float("inf")})), "null"]
    db.executemany("UPDATE steps SET value = ? WHERE key = ?", zip(bad, keys))
    db.commit()
    assert _json(jobs=2) == text


def test_a_limited_result_is_not_cached(monkeypatch):
    """A step cut by a time limit on a busy machine must be recomputed on an idle one."""
    from derivations.run import runner

    real = runner.verify_relation

    def busy(*args, **kw):
        r = real(*args, **kw)
        return StepResult("numeric", "symbolic: timeout", r.difference_latex, r.witness,
                          r.evaluation, r.seconds, ["symbolic simplification stopped"], limited=True)

    monkeypatch.setattr(runner, "verify_relation", busy)
    busy_run = derivations.check(OTHER, seed=3, mc=False, timeout=120)
    assert {s["verdict"] for s in busy_run["derivations"][0]["steps"]} == {"numeric"}
    monkeypatch.setattr(runner, "verify_relation", real)
    idle_run = derivations.check(OTHER, seed=3, mc=False, timeout=120)
    assert [s["verdict"] for s in idle_run["derivations"][0]["steps"]] == ["proved", "proved"]


def test_step_result_reports_a_symbolic_timeout_as_limited():
    from derivations.verify import verify_relation

    def hang(diff):
        while True:
            pass

    d = FIXTURES["cachetest.other"]
    r = verify_relation(d, sp.sin(x)**2 + sp.cos(x)**2, 1, simplifier=hang, timeout=0.5)
    assert r.limited and "stopped at the 0.5 s limit" in r.notes[0], r
    assert r.verdict in ("numeric", "undecided")  # numeric within the 1 s it has left
    r = verify_relation(d, sp.sin(x)**2 + sp.cos(x)**2, 1, timeout=20)
    assert r.verdict == "proved" and not r.limited


# ---------------------------------------------------------------- the real catalog

def _cli_json(args: list[str], cache: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, LECTURECHECK_CACHE=str(cache))
    return subprocess.run([sys.executable, "-m", "derivations.cli", *args], env=env,
                          capture_output=True, text=True, timeout=1800)


def _cheap_real() -> str:
    """A real derivation that is cheap to recompute (else the one with the fewest steps)."""
    from derivations.registry import all_derivations, ids

    if "agliari.glauber_noise" in ids():
        return "agliari.glauber_noise"
    return min(all_derivations(), key=lambda d: (len(d.steps), d.id)).id


def test_real_derivation_cold_warm_uncached_byte_identical(tmp_path):
    args = ["check", _cheap_real(), "--json", "--no-mc", "--seed", "1", "--timeout", "600"]
    with ThreadPoolExecutor(2) as pool:  # the cold and the uncached run overlap
        first = pool.submit(_cli_json, args + ["--jobs", "2"], tmp_path / "c")
        uncached = pool.submit(_cli_json, args + ["--jobs", "2", "--no-cache"], tmp_path / "c")
        cold, uncached = first.result(), uncached.result()
    warm = _cli_json(args + ["--jobs", "1"], tmp_path / "c")
    assert cold.returncode in (0, 1) and cold.stderr == "", cold.stderr
    assert cold.stdout == warm.stdout == uncached.stdout
    assert warm.returncode == cold.returncode == uncached.returncode


@pytest.mark.slow
def test_catalog_cold_warm_uncached_byte_identical(tmp_path):
    """The whole catalog, steps and printed forms: the cache never changes a byte."""
    args = ["check", "--json", "--no-mc", "--seed", "1", "--timeout", "600"]
    cold = _cli_json(args + ["--jobs", "2"], tmp_path / "c")
    warm = _cli_json(args + ["--jobs", "1"], tmp_path / "c")
    uncached = _cli_json(args + ["--jobs", "2", "--no-cache"], tmp_path / "c")
    assert cold.stderr == "" and cold.returncode in (0, 1), cold.stderr
    assert json.loads(cold.stdout)["summary"]["undecided"] == 0
    assert cold.stdout == warm.stdout == uncached.stdout


# ---------------------------------------------------------------- Monte Carlo cases

def _mc_json(**kw) -> str:
    """The Monte Carlo part only of a real derivation (the runner's ``steps=False``)."""
    from derivations.registry import get
    from derivations.run.runner import Options, run

    opts = Options(seed=2, samples=2000, timeout=120, **kw)
    return json.dumps(run([get("agliari.glauber_noise")], opts, steps=False), indent=2)


def test_monte_carlo_cases_are_cached_and_warm_runs_byte_identical(monkeypatch):
    from derivations.run import runner

    cold = _mc_json(jobs=2)  # 2000 samples: decided, if underpowered for the 1 % target
    assert {m["verdict"] for m in json.loads(cold)["derivations"][0]["monte_carlo"]} == {"underpowered"}

    def no_sampling(*args, **kw):
        raise RuntimeError("sampled although cached")

    monkeypatch.setattr(runner, "claim_comparison", no_sampling)
    assert _mc_json(jobs=1) == cold  # every case came from the store
    uncached = json.loads(_mc_json(jobs=1, cache=False))  # the patch bites without the store
    assert {m["verdict"] for m in uncached["derivations"][0]["monte_carlo"]} == {"undecided"}


def test_only_samplers_the_fingerprint_covers_are_cached():
    import functools

    from numerics.samplers import hopfield

    def local(rng, size):
        return rng.standard_normal(size)

    def factory(scale):
        return lambda rng, size: scale * rng.standard_normal(size)

    assert store.packaged(hopfield.glauber_error_fraction) == \
        "numerics.samplers.hopfield.glauber_error_fraction"
    assert store.packaged(local) is None  # a test's (a user's) own code
    assert store.packaged(factory(2.0)) is None  # a closure: its cells are not in the key
    assert store.packaged(functools.partial(hopfield.glauber_error_fraction)) is None
    assert store.packaged(len) is None


MC_GOOD = {"expected": 0.5, "estimate": 0.49, "stderr": 0.01, "n": 1000, "bias_bound": 0.0,
           "p_value": 0.3, "min_detectable_rel_error": 0.01, "target_mdre": 0.01, "controls": 0,
           "verdict": "consistent", "rel_bias": [0.0, 0.0]}


@pytest.mark.parametrize("bad", [
    dict(MC_GOOD, verdict="undecided"), dict(MC_GOOD, verdict="proved"), dict(MC_GOOD, n=0),
    dict(MC_GOOD, n=True), dict(MC_GOOD, estimate=float("inf")), dict(MC_GOOD, rel_bias=[0.0]),
    dict(MC_GOOD, extra=1), {k: v for k, v in MC_GOOD.items() if k != "stderr"},
    dict(MC_GOOD, controls="2"), GOOD, [], None])
def test_invalid_monte_carlo_rows_are_rejected(bad):
    assert store.valid_mc_result(MC_GOOD)
    assert not store.valid_mc_result(bad)
    assert not store.valid_result(MC_GOOD)  # one kind of row is never read as the other


def test_store_location_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LECTURECHECK_CACHE", str(tmp_path / "own"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert store.cache_dir() == tmp_path / "own"
    monkeypatch.delenv("LECTURECHECK_CACHE")
    assert store.cache_dir() == tmp_path / "xdg" / "lecturecheck"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")  # ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert store.cache_dir() == tmp_path / "home" / ".cache" / "lecturecheck"
