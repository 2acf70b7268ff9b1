"""Fuzz and stress (issue 9): whatever the command line, option values or input files, the
CLI ends with exit 0, 1 or 2 — never a traceback, an internal error (3) or a hang; signals end
every verifier child; the Python API answers misuse with :class:`LectureCheckError` s.

Most runs call ``derivations.cli.main`` in-process on a tiny fixture catalog (a wall-clock alarm
turns a hang into a failure); a few run the CLI as a subprocess (special files, full disk,
closed pipe, signals at random moments).
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings, strategies as st

import derivations
from derivations import registry
from derivations.errors import InvalidOption, LectureCheckError
from derivations.model import Claim, Derivation, Printed, Step
from derivations.run import Options

HERE = Path(__file__).resolve()
x = sp.Symbol("x", real=True)
k = sp.Symbol("k", positive=True)

# ---------------------------------------------------------------- the fixture catalog


def _normal_sampler(rng, size, mu=0.0):
    return mu + rng.standard_normal(size)


def _blocking_sampler(rng, size):
    time.sleep(120)
    return rng.standard_normal(size)


def _cheap_steps() -> tuple:
    return (Step((x + 1)**2, x**2 + 2 * x + 1, "expand", "1.1.1", id="expand",
                 printed=Printed(rhs=x**2 + 1, note="drops 2x")),
            Step(x * k, k * x + 1, "deliberately wrong", "1.1.2", id="wrong"))


def fixture(name: str) -> tuple:
    """``fuzz``: two fast steps, no claims; ``mc``: one cheap claim; ``slow``: steps that take a
    moment and claims that block (the signal tests)."""
    if name == "fuzz":
        return (Derivation("fz.tiny", "tiny", "none", "1", ("1.1.1", "1.1.2"), _cheap_steps()),)
    if name == "mc":
        return (Derivation("fz.mc", "normal mean", "none", "1", (), (),
                           claims=(Claim("mean", "mean", sp.Integer(0), _normal_sampler,
                                         cases=({},), samples=1000),)),)
    if name == "slow":
        heavy = sp.expand((x + k + 1)**30)
        steps = tuple(Step(heavy + i, sp.expand(heavy) + i, "expand", id=f"heavy_{i}")
                      for i in range(6))
        claims = (Claim("blocks", "mean", sp.Integer(0), _blocking_sampler,
                        cases=({},), samples=1000),)
        return (Derivation("fz.slow", "slow", "none", "1", (), steps, claims=claims),)
    raise ValueError(name)


FUZZ_IDS = ["fz.tiny"]


@pytest.fixture(scope="module", autouse=True)
def _fuzz_catalog(tmp_path_factory):
    """The in-process tests see the ``fuzz`` catalog and a private cache."""
    previous = registry.use(registry.FixedRegistry(fixture("fuzz")))
    old_env = os.environ.get("LECTURECHECK_CACHE")
    os.environ["LECTURECHECK_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    registry.use(previous)
    if old_env is None:
        os.environ.pop("LECTURECHECK_CACHE", None)
    else:
        os.environ["LECTURECHECK_CACHE"] = old_env


class Hang(BaseException):
    """A run that outlived its wall-clock limit (not an Exception: ``main`` must not catch it)."""


@contextlib.contextmanager
def wall_limit(seconds: float):
    def fire(signum, frame):
        raise Hang(f"no exit within {seconds} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_main(argv: list[str], limit: float = 60) -> tuple[int, str, str]:
    """``main(argv)`` in-process: (status, stdout, stderr); ``--help`` exits are statuses too."""
    from derivations.cli import main

    out, err = io.StringIO(), io.StringIO()
    with wall_limit(limit), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exc:  # argparse --help / --version
            status = exc.code if isinstance(exc.code, int) else 0
    return status, out.getvalue(), err.getvalue()


def assert_clean(argv: list, status: int, out: str, err: str) -> None:
    """Exit 0/1/2; no traceback, no internal error; exit 2 is one error line and no output."""
    shown = f"argv={argv!r}\nstatus={status}\nstderr={err[:2000]!r}"
    assert status in (0, 1, 2), shown
    assert "Traceback" not in err and "internal error" not in err, shown
    if status == 2:
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("lecturecheck: error: "), shown
        assert len(lines[0]) <= 2200, shown  # long values are cut
        assert out == "", shown
    elif "--json" in argv and "--help" not in argv and "-h" not in argv and out:
        json.loads(out)


# ---------------------------------------------------------------- fuzzed command lines

def _subcommands() -> list[str]:
    """The sub-commands this build of the CLI has."""
    from derivations.cli import build_parser

    parser = build_parser()
    return list(parser._subparsers._group_actions[0].choices)


SPECIAL_VALUES = ["0", "1", "-1", "1e-17", "1e-12", "3e6", "86400", "86401", "nan", "inf",
                  "-inf", "-0", "1e308", "0x10", "1_000", "\u0663", " 7 ", "", "9" * 5000,
                  "1" * 40, "2", "100", "99", "100000000", "100000001", "0.2", "257", "256",
                  "1e-300", "true"]
OPTIONS = ["--json", "--seed", "--samples", "--timeout", "--jobs", "--alpha", "--mc-timeout",
           "--no-cache", "--no-mc", "--strict", "--timings", "--help", "--version", "--bogus",
           "-h", "--"]
SUBCOMMANDS = [c for c in ("list", "check", "errata", "coverage", "notes") if c in _subcommands()]
WORDS = [*SUBCOMMANDS, "fz.tiny", "no.such_id", "x" * 300,
         "a/b.derivation.md", "notes.md", "/dev/null", "/", ".", "-", "\x00bad", "\udcff"]

values = st.one_of(st.sampled_from(SPECIAL_VALUES),
                   st.integers(-10**30, 10**30).map(str),
                   st.floats(allow_nan=True, allow_infinity=True).map(repr),
                   st.text(max_size=20))
tokens = st.one_of(st.sampled_from(OPTIONS), st.sampled_from(WORDS), values)


@st.composite
def command_lines(draw) -> list[str]:
    """A sub-command (or none), then options with values and stray tokens."""
    argv = [draw(st.sampled_from(SUBCOMMANDS + ["", "bogus"]))]
    argv = [a for a in argv if a]
    if argv and argv[0] == "check" and draw(st.booleans()):
        argv.append("fz.tiny")
    for _ in range(draw(st.integers(0, 5))):
        if draw(st.booleans()):
            argv += [draw(st.sampled_from(OPTIONS[1:7])), draw(values)]
        else:
            argv.append(draw(tokens))
    if argv and argv[0] in ("check", "errata", "coverage"):
        argv += ["--seed", "1"]  # valid runs: mostly cache hits after the first
    return argv


FUZZ = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


@FUZZ
@given(command_lines())
def test_fuzzed_command_lines_exit_0_1_or_2(argv):
    status, out, err = run_main(argv)
    assert_clean(argv, status, out, err)


@settings(FUZZ, max_examples=50)
@given(st.sampled_from(["--seed", "--samples", "--timeout", "--jobs", "--alpha", "--mc-timeout"]),
       values)
def test_every_option_value_is_accepted_or_named(option, value):
    argv = ["check", "fz.tiny", "--no-mc", option, value]
    status, out, err = run_main(argv)
    assert_clean(argv, status, out, err)
    if status == 2:
        assert option in err, err


# ---------------------------------------------------------------- fuzzed input files

def _file_cases(tmp: Path) -> dict[str, str]:
    """Special and odd notes files: every one must end in exit 0/1/2 at once."""
    fifo = tmp / "fifo"
    if not fifo.exists():
        os.mkfifo(fifo)
    (tmp / "empty.txt").write_bytes(b"")
    (tmp / "binary.bin").write_bytes(bytes(range(256)))
    (tmp / "latin1.txt").write_bytes("(1.1.1) caf\u00e9".encode("latin-1"))
    (tmp / "huge_label.txt").write_text("see (" + "7" * 5000 + ".1.1) and (1.1.1)\n")
    (tmp / "unreadable.txt").write_text("(1.1.1)")
    (tmp / "unreadable.txt").chmod(0)
    return {"fifo": str(fifo), "dev-null": "/dev/null", "dev-zero": "/dev/zero",
            "directory": str(tmp), "missing": str(tmp / "missing.txt"),
            "long-name": str(tmp / ("n" * 300)), "deep-long": "/" + "d/" * 3000 + "n",
            "empty": str(tmp / "empty.txt"), "binary": str(tmp / "binary.bin"),
            "latin1": str(tmp / "latin1.txt"), "huge-label": str(tmp / "huge_label.txt"),
            "unreadable": str(tmp / "unreadable.txt")}


@pytest.mark.parametrize("command", [c for c in SUBCOMMANDS if c != "list"])
def test_special_and_odd_files_never_block(tmp_path, command):
    for name, path in _file_cases(tmp_path).items():
        argv = [command, path, "--seed", "1"]
        status, out, err = run_main(argv, limit=60)
        assert_clean(argv, status, out, err)
        if command not in ("coverage", "notes") or name in ("fifo", "dev-null", "dev-zero", "directory",
                                             "missing", "long-name", "deep-long", "binary",
                                             "latin1"):
            assert status == 2, (name, err)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(str.encode),
                 st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 99), st.integers(0, 99)),
                          max_size=50).map(lambda ls: " ".join(f"({a}.{b}.{c})" for a, b, c in ls)
                                           .encode())),
       st.booleans())
def test_fuzzed_notes_files(tmp_path_factory, data, as_json):
    path = tmp_path_factory.mktemp("notes") / "notes.txt"
    path.write_bytes(data)
    for argv in (["coverage", str(path), "--seed", "1"], ["notes", str(path)]):
        argv += ["--json"] if as_json else []
        if argv[0] in SUBCOMMANDS:
            status, out, err = run_main(argv)
            assert_clean(argv, status, out, err)


def test_huge_notes_file_is_refused_by_size(tmp_path):
    from derivations.coverage import MAX_NOTES_BYTES

    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:
        f.truncate(MAX_NOTES_BYTES + 1)  # sparse: no disk used
    status, out, err = run_main(["coverage", str(path)])
    assert status == 2 and "MiB" in err and "huge.txt" in err, err


def test_huge_label_is_listed_not_crashed(tmp_path):
    path = tmp_path / "notes.txt"
    big = "1" * 5000
    path.write_text(f"({big}.2.3) and (1.1.1)\n")
    status, out, err = run_main(["coverage", str(path), "--json", "--seed", "1"])
    assert status in (0, 1) and "Traceback" not in err
    labels = [r["label"] for r in json.loads(out)["labels"]]
    assert labels == [f"{big}.2.3", "1.1.1"]


# ---------------------------------------------------------------- the Python API

OPTION_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**25, 10**25),
                          st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=5),
                          st.lists(st.integers(), max_size=2))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.sampled_from(sorted(Options.__dataclass_fields__)), OPTION_VALUES)
def test_options_accept_or_name_the_option(name, value):
    try:
        opts = Options(**{name: value})
    except InvalidOption as exc:
        msg = str(exc)
        assert msg.startswith(f"{name}=") and ", expected " in msg, msg
        assert len(msg) < 400, msg
    else:
        json.dumps(opts.public())  # whatever is accepted is reportable


@pytest.mark.parametrize("kwargs, fragment", [
    ({"seed": 1.0}, "seed=1.0, expected a non-negative integer"),
    ({"seed": True}, "seed=True, expected"),
    ({"seed": -1}, "seed=-1"),
    ({"timeout": 3e6}, "timeout=3000000.0, expected a positive number of seconds <= 86400"),
    ({"timeout": float("nan")}, "timeout=nan"),
    ({"alpha": 1e-17}, "alpha=1e-17, expected a number with 0 < alpha < 1 and alpha >= 1e-12"),
    ({"samples": 10**9}, "samples=1000000000, expected None or an integer >= 100"),
    ({"jobs": 1000}, "jobs=1000, expected an integer >= 1 and <= 256"),
    ({"mc": "yes"}, "mc='yes', expected True or False"),
    ({"mc_timeout": 0}, "mc_timeout=0"),
    ({"frobnicate": 1}, "frobnicate=1, expected one of the valid options"),
])
def test_check_api_misuse_raises_named_errors(kwargs, fragment):
    with pytest.raises(LectureCheckError) as info:
        derivations.check("fz.tiny", **kwargs)
    assert fragment in str(info.value), str(info.value)


def test_check_api_rejects_bad_derivations_and_long_ids():
    with pytest.raises(InvalidOption, match=r"derivations=3 \(int\), expected a Derivation"):
        derivations.check(3)
    with pytest.raises(LectureCheckError) as info:
        derivations.check("q" * 100_000)
    assert len(str(info.value)) < 1000


def test_numpy_integers_are_integers():
    import numpy as np

    assert Options(seed=np.int64(3), jobs=np.int32(2)).public()["seed"] == 3


# ---------------------------------------------------------------- limits

def test_a_step_ends_within_timeout_plus_one_second(monkeypatch):
    """Both halves hang: the step still ends within --timeout + 1 s (plus start-up)."""
    from derivations.verify import ladder

    def hang(*args, **kwargs):
        while True:
            pass

    monkeypatch.setattr(ladder, "numeric_check", hang)
    d = fixture("fuzz")[0]
    start = time.perf_counter()
    r = ladder.verify_relation(d, x + 1, x + 1, simplifier=hang, timeout=4)
    elapsed = time.perf_counter() - start
    assert r.verdict == "undecided" and r.limited
    assert 4 <= elapsed < 6, elapsed  # 2 s symbolic + 2 s numeric; never 2 x 4 s


def test_monte_carlo_case_limit_is_configurable():
    registry.use(registry.FixedRegistry(fixture("mc")))
    try:
        start = time.perf_counter()
        report = derivations.check("fz.mc", samples=10**8, mc_timeout=1.0, cache=False)
        elapsed = time.perf_counter() - start
    finally:
        registry.use(registry.FixedRegistry(fixture("fuzz")))
    m = report["derivations"][0]["monte_carlo"][0]
    assert m["verdict"] == "undecided" and "1 s" in m["error"], m
    assert report["options"]["mc_timeout"] == 1.0
    assert elapsed < 10, elapsed


def test_default_monte_carlo_limit_is_documented_rule():
    assert Options().public()["mc_timeout"] == 120.0
    assert Options(timeout=1).public()["mc_timeout"] == 60.0
    assert Options(timeout=100, mc_timeout=7).public()["mc_timeout"] == 7.0


# ---------------------------------------------------------------- subprocesses

_BOOT = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("lc_robust_fixture", {path!r})
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
from derivations import registry
registry.use(registry.FixedRegistry(mod.fixture({name!r})))
from derivations.cli import main
sys.exit(main())
"""


def cli(args: list[str], name: str = "fuzz") -> list[str]:
    return [sys.executable, "-c", _BOOT.format(path=str(HERE), name=name), *args]


def _env(tmp_path: Path) -> dict:
    env = dict(os.environ, LECTURECHECK_CACHE=str(tmp_path / "cache"))
    env.pop("LECTURECHECK_DEBUG", None)
    return env


@pytest.mark.parametrize("args", [["list", "--json"], ["check", "--json", "--seed", "1"],
                                  ["errata", "--seed", "1"]])
def test_full_disk_is_one_line_exit_2(tmp_path, args):
    with open("/dev/full", "w") as full:
        proc = subprocess.run(cli(args), stdout=full, stderr=subprocess.PIPE, text=True,
                              env=_env(tmp_path), timeout=120)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "No space left on device" in lines[0], proc.stderr
    assert "/dev/full" in lines[0]


def test_closed_pipe_is_quiet(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text(" ".join(f"(1.1.{i})" for i in range(20_000)))  # a large JSON report
    proc = subprocess.Popen(cli(["coverage", str(notes), "--json", "--seed", "1"]),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(tmp_path))
    proc.stdout.close()  # the reader goes away (like `| head -0`)
    err = proc.stderr.read().decode()
    proc.wait(120)
    assert proc.returncode == 2 and err == "", (proc.returncode, err)


def test_fifo_notes_file_does_not_hang_the_process(tmp_path):
    fifo = tmp_path / "notes.fifo"
    os.mkfifo(fifo)
    proc = subprocess.run(cli(["coverage", str(fifo)]), capture_output=True, text=True,
                          env=_env(tmp_path), timeout=60)
    assert proc.returncode == 2 and "not a regular file" in proc.stderr, proc.stderr


# ---------------------------------------------------------------- interruptions

def _group_members(pgid: int) -> list[int]:
    """Live processes (not zombies) in process group ``pgid`` (a /proc scan)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":  # state, ppid, pgrp
            out.append(int(entry))
    return out


def _catches(pid: int, sig: int) -> bool:
    """Whether ``pid`` has a handler for ``sig`` (SigCgt in /proc/PID/status)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    line = next(row for row in status.splitlines() if row.startswith("SigCgt:"))
    mask = int(line.split()[1], 16)
    return bool(mask >> (sig - 1) & 1)


def _children(pid: int) -> list[int]:
    return [p for p in _group_members(pid) if p != pid]


def _interrupt(tmp_path: Path, sig: int, delay: float,
               with_children: bool = False) -> tuple[subprocess.Popen, str, list]:
    """Run the ``slow`` fixture, wait until ``main`` handles signals (and, ``with_children``,
    until verifier children run), wait ``delay`` s more, send ``sig``; (process, stderr, the
    children seen just before the signal)."""
    proc = subprocess.Popen(cli(["check", "--no-cache", "--jobs", "2", "--seed", "1"], "slow"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_env(tmp_path), start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not _catches(proc.pid, signal.SIGTERM) or (with_children and not _children(proc.pid)):
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.02)
        time.sleep(delay)
        seen = _children(proc.pid)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc, err, seen


def _assert_no_strays(pgid: int) -> None:
    deadline = time.monotonic() + 5
    while _group_members(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    strays = _group_members(pgid)
    if strays:
        os.killpg(pgid, signal.SIGKILL)
    assert strays == [], f"stray processes after the interruption: {strays}"


_RNG = random.Random(9)
INTERRUPTIONS = [(sig, round(_RNG.uniform(0.0, 6.0), 2))
                 for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP) for _ in range(2)]


@pytest.mark.parametrize("sig, delay", INTERRUPTIONS,
                         ids=[f"{signal.Signals(s).name}-{d}s" for s, d in INTERRUPTIONS])
def test_signal_at_a_random_moment_ends_everything(tmp_path, sig, delay):
    proc, err, seen = _interrupt(tmp_path, sig, delay)
    assert proc.returncode == 128 + sig, (proc.returncode, err)
    assert "Traceback" not in err and err.strip() == "", err
    _assert_no_strays(proc.pid)


def test_signal_during_work_had_children_to_end(tmp_path):
    """While verifier children run, SIGTERM ends them too."""
    proc, err, seen = _interrupt(tmp_path, signal.SIGTERM, 0.5, with_children=True)
    assert seen, "no verifier child was running when the signal arrived"
    assert proc.returncode == 143
    _assert_no_strays(proc.pid)


def test_killed_parent_takes_its_children_along(tmp_path):
    """SIGKILL cannot be handled: the children end by PR_SET_PDEATHSIG."""
    if not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux-only")
    proc, err, seen = _interrupt(tmp_path, signal.SIGKILL, 0.5, with_children=True)
    assert proc.returncode == -signal.SIGKILL
    assert seen
    _assert_no_strays(proc.pid)
