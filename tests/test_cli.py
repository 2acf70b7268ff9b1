"""The ``lecturecheck`` command line, exercised through the installed console script.

Most tests run a small *fixture catalog* (declared below) instead of the real one, so they are
fast and their verdicts known: the subprocess imports this file, registers the fixture modules
in the registry and then calls ``derivations.cli.main``.  A few tests run the real installed
script on the real catalog.  Every subprocess gets a temporary ``LECTURECHECK_CACHE``.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

HERE = Path(__file__).resolve()
SEED_FILE = HERE.parents[2] / "shared" / "seeds" / "000_6ceef446008ec550.txt"
SCRIPT = shutil.which("lecturecheck") or str(Path(sys.executable).with_name("lecturecheck"))

# ---------------------------------------------------------------- the fixture catalog


def _ou_variance_sampler(rng, size, kappa, sigma, t):
    """x_t - e^{-kappa t} x_0 for the OU process (6.3.5): exact Gaussian transition."""
    import numpy as np

    return sigma * np.sqrt((1 - np.exp(-2 * kappa * t)) / (2 * kappa)) * rng.standard_normal(size)


def _slow_sampler(rng, size):
    """Announces itself (pid into $LC_TEST_MARKER), then blocks: for the interrupt test."""
    Path(os.environ["LC_TEST_MARKER"]).write_text(str(os.getpid()))
    time.sleep(60)
    return rng.standard_normal(size)


def fixture_catalog(name: str) -> tuple:
    """Small derivations with known verdicts, on labels that the seed notes really print."""
    import sympy as sp

    from derivations.model import Claim, Derivation, Printed, Step

    t, kappa, sigma = sp.symbols("t kappa sigma", positive=True)
    u = sp.Symbol("u", real=True)
    x = sp.Symbol("x", real=True)
    ou_var = sigma**2 * (1 - sp.exp(-2 * kappa * t)) / (2 * kappa)
    if name == "basic":
        ou = Derivation(
            id="fixture.ou", title="OU transition variance", lecture="Mallat", section="6.3",
            equations=("6.3.2", "6.3.5", "6.3.6", "6.3.13"),
            steps=(
                Step(sigma**2 * sp.Integral(sp.exp(-2 * kappa * (t - u)), (u, 0, t)), ou_var,
                     "Itô isometry", "6.3.5",
                     printed=Printed(rhs=sigma**2 / (2 * kappa), note="drops 1 - e^{-2 kappa t}"), id="s0"),
                Step(sp.exp(2 * t) * (1 - sp.exp(-2 * t)), sp.exp(2 * t) - 1,
                     "rescale y_t = e^t x_t", "6.3.13", id="s1"),
            ),
            claims=(Claim("ou_variance", "variance", ou_var, _ou_variance_sampler,
                          cases=({"kappa": 1.0, "sigma": 0.5, "t": 0.7},), equation="6.3.5",
                          samples=20_000),),
            definitions=("6.3.2",),
            not_encoded={"6.3.6": "convolution of densities, not a finite identity"})
        broken = Derivation(
            id="fixture.broken", title="a wrong step", lecture="Mezard", section="7.2",
            equations=("7.2.10", "7.3.11", "9.9.9"),
            steps=(
                Step(x**2 / 2, x**2, "deliberately wrong", "7.2.10", id="s2"),
                Step((x + 1)**2 - 1, x**2 + 2 * x, "expand", "7.3.11",
                     printed=Printed(rhs=x * (x + 2), note="the same polynomial, factored"), id="s3"),
                Step(x + x, 2 * x, "label absent from the notes", "9.9.9", id="s4"),
            ))
        return (ou, broken)
    if name == "slow":
        return (Derivation(
            id="fixture.slow", title="a Monte Carlo claim that blocks", lecture="none",
            section="0", equations=(), steps=(Step(x, x, "trivial", id="s5"),),
            claims=(Claim("blocks", "mean", sp.Integer(0), _slow_sampler, cases=({},)),)),)
    if name == "dup":
        d = fixture_catalog("basic")[0]
        return (d, d)
    raise ValueError(name)


FIXTURE_IDS = ("fixture.broken", "fixture.ou")


def install_fixture_catalog(names: str) -> None:
    """Make the registry load the fixture modules ``names`` (comma-separated) only."""
    from derivations import registry

    registry.use(registry.FixedRegistry(d for name in names.split(",") for d in fixture_catalog(name)))


_BOOT = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("lc_cli_fixture", {path!r})
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
mod.install_fixture_catalog({names!r})
from derivations.cli import main
sys.exit(main())
"""


def cli_command(args: list[str], fixture: str | None = None) -> list[str]:
    """The argv that runs ``lecturecheck args``: the installed script (``fixture=None``),
    ``python -m derivations.cli`` (``fixture="-m"``), or on the fixture catalog ``fixture``."""
    if fixture is None:
        return [SCRIPT, *args]
    if fixture == "-m":
        return [sys.executable, "-m", "derivations.cli", *args]
    return [sys.executable, "-c", _BOOT.format(path=str(HERE), names=fixture), *args]


def run_cli(args: list[str], fixture: str | None = None, env: dict | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the CLI; return the completed process (text mode)."""
    return subprocess.run(cli_command(args, fixture), capture_output=True, text=True,
                          timeout=timeout, env=env)


def run_batch(invocations: dict, cache_dir: Path, workers: int = 3) -> dict:
    """Run several CLI invocations concurrently: ``{name: (args, fixture)}`` -> ``{name: proc}``.

    Each gets ``cache_dir`` as its ``LECTURECHECK_CACHE`` (runs that must recompute pass
    ``--no-cache``).  Concurrency only overlaps interpreter start-up and imports.
    """
    env = dict(os.environ, LECTURECHECK_CACHE=str(cache_dir))
    env.pop("LECTURECHECK_DEBUG", None)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {k: pool.submit(run_cli, a, f, env) for k, (a, f) in invocations.items()}
        return {k: fut.result() for k, fut in futures.items()}


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LECTURECHECK_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("LECTURECHECK_DEBUG", raising=False)


def one_error_line(proc) -> str:
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, f"expected one stderr line, got {proc.stderr!r}"
    assert "Traceback" not in proc.stderr
    return lines[0]


# ---------------------------------------------------------------- misuse: one line, exit 2

BAD_INVOCATIONS = {
    # id: (argv, words the one-line message must contain)
    "no-command": ([], ["COMMAND"]),
    "unknown-command": (["frobnicate"], ["frobnicate"]),
    "unknown-id": (["check", "no.such_derivation"], ["no.such_derivation", "unknown derivation"]),
    "errata-unknown-id": (["errata", "no.such_derivation"], ["no.such_derivation"]),
    "check-md-path": (["check", "notes/ou.md"], ["ou.md", "*.derivation.md"]),
    "check-missing-derivation-file": (["check", "/nonexistent/x.derivation.md"],
                                      ["/nonexistent/x.derivation.md:1:1:", "readable file"]),
    "seed-word": (["check", "--seed", "x"], ["--seed", "'x'", "non-negative integer"]),
    "seed-float": (["check", "--seed", "1.5"], ["--seed", "integer"]),
    "seed-negative": (["check", "--seed", "-3"], ["--seed", "non-negative"]),
    "seed-missing": (["check", "--seed"], ["--seed"]),
    "timeout-negative": (["check", "--timeout", "-1"], ["--timeout", "positive"]),
    "timeout-zero": (["check", "--timeout", "0"], ["--timeout", "positive"]),
    "timeout-nan": (["check", "--timeout", "nan"], ["--timeout"]),
    "jobs-zero": (["check", "--jobs", "0"], ["--jobs", ">= 1"]),
    "samples-99": (["check", "--samples", "99"], ["--samples", ">= 100"]),
    "alpha-0": (["check", "--alpha", "0"], ["--alpha", "between 0 and 1"]),
    "alpha-1": (["check", "--alpha", "1"], ["--alpha"]),
    "alpha-1.5": (["check", "--alpha", "1.5"], ["--alpha"]),
    "unknown-flag": (["check", "--no-such-flag"], ["--no-such-flag"]),
    "timeout-huge": (["check", "--timeout", "3e6"], ["--timeout", "<= 86400"]),
    "alpha-tiny": (["check", "--alpha", "1e-17"], ["--alpha", "1e-12"]),
    "samples-huge": (["check", "--samples", "1000000000"], ["--samples", "10**8"]),
    "jobs-huge": (["check", "--jobs", "300"], ["--jobs", "256"]),
    "mc-timeout-zero": (["check", "--mc-timeout", "0"], ["--mc-timeout", "positive"]),
    "id-too-long": (["check", "q" * 300], ["unknown derivation", "302 characters"]),
    "errata-id-too-long": (["errata", "q" * 5000], ["unknown derivation"]),
    "path-too-long": (["check", "/" + "p" * 300], ["PATH=", "*.derivation.md"]),
    "seed-huge": (["check", "--seed", "9" * 5000], ["--seed", "2**64"]),
    "errata-jobs-zero": (["errata", "--jobs", "0"], ["--jobs"]),
    "errata-no-samples": (["errata", "--samples", "1000"], ["--samples", "errata"]),
    "list-extra": (["list", "extra"], ["extra"]),
    "coverage-no-notes": (["coverage"], ["NOTES"]),
    "coverage-missing": (["coverage", "/nonexistent/notes.txt"],
                         ["/nonexistent/notes.txt", "no such file"]),
    "coverage-directory": (["coverage", "{tmp}"], ["directory"]),
    "coverage-binary": (["coverage", "{tmp}/binary.bin"], ["binary.bin", "binary"]),
    "coverage-latin1": (["coverage", "{tmp}/latin1.txt"], ["latin1.txt:2", "UTF-8"]),
    "coverage-bad-timeout": (["coverage", "{tmp}/notes.txt", "--timeout", "-2"], ["--timeout"]),
    "coverage-fifo": (["coverage", "{tmp}/fifo"], ["fifo", "not a regular file"]),
    "coverage-dev-zero": (["coverage", "/dev/zero"], ["/dev/zero", "not a regular file"]),
    "coverage-long-name": (["coverage", "{tmp}/" + "n" * 300], ["cannot be read", "characters"]),
}


@pytest.fixture(scope="module")
def misuse_runs(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("inputs")
    (tmp / "binary.bin").write_bytes(b"(6.3.5)\x00\x01\x02")
    (tmp / "latin1.txt").write_bytes("ok (6.3.5)\ncaf\u00e9 (6.3.6)\n".encode("latin-1"))
    (tmp / "notes.txt").write_text("x (6.3.5)\n")
    os.mkfifo(tmp / "fifo")
    batch = {k: ([a.replace("{tmp}", str(tmp)) for a in argv], None)
             for k, (argv, _) in BAD_INVOCATIONS.items()}
    return run_batch(batch, tmp_path_factory.mktemp("cache"), workers=4)


@pytest.mark.parametrize("case", list(BAD_INVOCATIONS))
def test_misuse_exits_2_with_one_line(case, misuse_runs):
    proc, words = misuse_runs[case], BAD_INVOCATIONS[case][1]
    line = one_error_line(proc)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert line.startswith("lecturecheck: error: "), line
    for w in words:
        assert w in line, f"{w!r} missing from {line!r}"
    assert proc.stdout == ""


def test_help_and_version():
    proc = run_cli(["--help"])
    assert proc.returncode == 0 and "coverage" in proc.stdout and proc.stderr == ""
    proc = run_cli(["--version"])
    assert proc.returncode == 0 and proc.stdout.startswith("lecturecheck 0.")


# ---------------------------------------------------------------- runs shared by the tests below

# a generous --timeout: ten concurrent runs on a shared machine must not hit the step limit
CHECK_JSON = ["check", "--json", "--seed", "5", "--no-cache", "--samples", "5000", "--timeout", "120"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    """Every fixture-catalog and real-catalog invocation the tests below inspect.

    Two waves: the second reuses the step cache the first one's ``text_all`` run filled (same
    seed), so it costs little more than start-up.
    """
    cache = tmp_path_factory.mktemp("cache")
    # a generous --timeout: on a loaded machine a time limit, not --jobs, would change a verdict
    real = ["check", *_real_ids(), "--json", "--seed", "5", "--no-cache", "--no-mc",
            "--timeout", "600"]
    first = run_batch({
        "json_jobs1": (CHECK_JSON + ["--jobs", "1"], "basic"),
        "json_jobs2": (CHECK_JSON + ["--jobs", "2"], "basic"),
        "text_all": (["check", "--seed", "5", "--samples", "5000", "--timeout", "120"], "basic"),
        "real_jobs1": (real + ["--jobs", "1"], None),
        "real_jobs2": (real + ["--jobs", "2"], None),
        "list_json": (["list", "--json"], "basic"),
        "list_text": (["list"], "basic"),
        "dup": (["list"], "dup"),
        "real_list": (["list", "--json"], None),
        "real_module": (["list", "--json"], "-m"),
    }, cache)
    second = run_batch({
        "ou_timings": (["check", "fixture.ou", "--json", "--no-mc", "--timings", "--seed", "5",
                        "--timeout", "120"], "basic"),
        "errata_json": (["errata", "--json", "--seed", "5", "--timeout", "120"], "basic"),
        "errata_text": (["errata", "fixture.ou", "--seed", "5", "--timeout", "120"], "basic"),
    }, cache)
    return first | second


def _real_ids() -> list[str]:
    """The registered derivation with the fewest steps (a cheap real recomputation)."""
    from derivations.registry import all_derivations

    ds = sorted(all_derivations(), key=lambda d: (len(d.steps), d.id))
    return [d.id for d in ds[:1]]


# ---------------------------------------------------------------- list

def test_list_json_and_text(runs):
    proc = runs["list_json"]
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [r["id"] for r in rows] == list(FIXTURE_IDS)
    ou = rows[1]
    assert ou["equations"] == ["6.3.2", "6.3.5", "6.3.6", "6.3.13"]
    assert (ou["steps"], ou["claims"], ou["cases"], ou["printed_forms"]) == (2, 1, 1, 1)
    text = runs["list_text"]
    assert text.returncode == 0 and "fixture.ou" in text.stdout and "6.3.13" in text.stdout


def test_list_real_catalog_matches_registry(runs):
    from derivations.registry import all_derivations

    proc = runs["real_list"]
    assert proc.returncode == 0, proc.stderr
    assert [r["id"] for r in json.loads(proc.stdout)] == [d.id for d in all_derivations()]
    module = runs["real_module"]  # python -m derivations.cli: same output as the script
    assert module.returncode == 0 and module.stdout == proc.stdout


# ---------------------------------------------------------------- check

STEP_KEYS = {"id", "index", "equation", "lhs_latex", "rhs_latex", "relation", "justification",
             "verdict", "method", "seconds", "difference_latex", "witness"}
MC_KEYS = {"name", "parameters", "expected", "estimate", "stderr", "n", "p_value",
           "min_detectable_rel_error", "verdict"}
ERRATA_KEYS = {"equation", "printed_latex", "corrected_latex", "verdict", "witness"}


def test_check_json_contract_and_exit_status(runs):
    proc = runs["json_jobs1"]
    assert proc.returncode == 1, proc.stderr  # fixture.broken fails
    assert proc.stderr == ""  # no progress, nothing else
    result = json.loads(proc.stdout)
    assert proc.stdout == json.dumps(result, indent=2) + "\n"
    assert {"tool", "version", "seed", "options", "derivations", "summary"} <= set(result)
    assert result["tool"] == "lecturecheck" and result["seed"] == 5
    assert result["options"]["samples"] == 5000 and result["options"]["mc"] is True
    by_id = {d["id"]: d for d in result["derivations"]}
    assert list(by_id) == list(FIXTURE_IDS)
    for d in result["derivations"]:
        assert {"id", "title", "source", "verdict", "steps", "monte_carlo", "errata"} <= set(d)
        assert set(d["source"]) == {"lecture", "section", "equations"}
        for s in d["steps"]:
            assert STEP_KEYS <= set(s)
            assert s["seconds"] is None  # no --timings: byte-reproducible
        for m in d["monte_carlo"]:
            assert MC_KEYS <= set(m)
        for e in d["errata"]:
            assert ERRATA_KEYS <= set(e)
    ou, broken = by_id["fixture.ou"], by_id["fixture.broken"]
    assert ou["verdict"] == "pass" and broken["verdict"] == "fail"
    assert [s["verdict"] for s in ou["steps"]] == ["proved", "proved"]
    assert [m["verdict"] for m in ou["monte_carlo"]] == ["consistent"]
    assert ou["monte_carlo"][0]["n"] == 5000
    assert [s["verdict"] for s in broken["steps"]] == ["refuted", "proved", "proved"]
    assert broken["steps"][0]["witness"]
    s = result["summary"]
    assert (s["derivations"], s["passed"], s["failed"], s["undecided"]) == (2, 1, 1, 0)
    assert s["errata"] == 1 and s["steps"] == 5


def test_check_passing_selection_exits_0_with_timings(runs):
    proc = runs["ou_timings"]
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert [d["id"] for d in result["derivations"]] == ["fixture.ou"]
    assert all(s["seconds"] is not None for s in result["derivations"][0]["steps"])
    assert result["summary"]["seconds"] > 0 and result["derivations"][0]["monte_carlo"] == []
    assert result["options"]["timings"] is True and result["options"]["mc"] is False


def test_check_text_output(runs):
    proc = runs["text_all"]
    assert proc.returncode == 1 and proc.stderr == ""  # progress only on a terminal
    out = proc.stdout
    assert "PASS      fixture.ou" in out and "FAIL      fixture.broken" in out
    assert "ou_variance" in out and "consistent" in out and "MDRE" in out
    assert "(7.2.10) refuted" in out and "witness x=" in out
    assert "printed (7.3.11) not an erratum" in out
    assert "summary: 2 derivations, 1 passed, 1 failed, 0 undecided; 5 steps, 1 errata" in out


def test_check_json_byte_identical_for_jobs_1_and_2(runs):
    """DESIGN §4: same seed and options give byte-identical JSON whatever --jobs is."""
    one, two = runs["json_jobs1"].stdout, runs["json_jobs2"].stdout
    assert one and one == two
    assert "jobs" not in json.loads(one)["options"]


def test_check_json_identical_for_jobs_1_and_2_real_catalog(runs):
    """The real installed script on a real derivation, steps only, recomputed (no cache)."""
    one, two = runs["real_jobs1"], runs["real_jobs2"]
    assert one.returncode in (0, 1) and one.stderr == "", one.stderr
    assert one.stdout == two.stdout
    assert [d["id"] for d in json.loads(one.stdout)["derivations"]] == _real_ids()


# ---------------------------------------------------------------- errata

def test_errata_json_is_exactly_the_contract_list(runs):
    proc = runs["errata_json"]
    assert proc.returncode == 0 and proc.stderr == ""
    found = json.loads(proc.stdout)
    assert isinstance(found, list) and len(found) == 1  # 7.3.11's printed form is not refuted
    e = found[0]
    assert {"equation", "derivation", "printed_latex", "corrected_latex", "verdict",
            "witness"} <= set(e) <= {"equation", "derivation", "printed_latex", "corrected_latex",
                                     "verdict", "witness", "evaluation", "note", "step",
                                     "line", "printed_source", "origin"}
    assert (e["equation"], e["derivation"], e["verdict"]) == ("6.3.5", "fixture.ou", "refuted")
    assert set(e["witness"]) == {"kappa", "sigma", "t"}


def test_errata_text(runs):
    proc = runs["errata_text"]
    assert proc.returncode == 0
    for word in ("(6.3.5)", "printed:", "corrected:", "witness:", "kappa=", "drops",
                 "1 errata in 1 derivations"):
        assert word in proc.stdout, word


# ---------------------------------------------------------------- failures of the program

def test_internal_error_is_one_line_exit_3(runs):
    proc = runs["dup"]  # duplicate ids: the registry refuses
    assert proc.returncode == 3
    line = one_error_line(proc)
    assert line.startswith("lecturecheck: internal error: CatalogError") and "duplicate" in line
    assert "LECTURECHECK_DEBUG" in line


def test_keyboard_interrupt_exits_130_quietly_and_ends_children(tmp_path, monkeypatch):
    marker = tmp_path / "started"
    monkeypatch.setenv("LC_TEST_MARKER", str(marker))
    proc = subprocess.Popen(cli_command(["check", "fixture.slow", "--no-cache"], "slow"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (marker.exists() and marker.read_text()) and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        child = int(marker.read_text())
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130 and time.monotonic() - started < 10
    assert out == "" and "Traceback" not in err and err.strip() == ""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail(f"verifier child {child} still running after the interrupt")


def test_main_in_process_returns_status(capsys):
    """``main(argv)`` returns the status instead of exiting (library use)."""
    from derivations.cli import main

    assert main(["check", "--jobs", "0"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


@pytest.fixture
def fixture_registry():
    from derivations import registry

    previous = registry.use(registry.FixedRegistry(fixture_catalog("basic")))
    yield
    registry.use(previous)


@pytest.fixture
def out_of_time(monkeypatch):
    """Every step ends undecided, as when each hits its time limit."""
    from derivations.run import runner

    def undecided(*args, **kwargs):
        return runner.StepResult("undecided", "symbolic: timeout; numeric: no evaluation", "",
                                 notes=["numeric evaluation stopped at the 1 s limit"],
                                 limited=True)

    monkeypatch.setattr(runner, "verify_relation", undecided)


def test_errata_incomplete_exits_1_and_says_what_is_missing(fixture_registry, out_of_time,
                                                             capsys):
    """Printed forms the time limit left unclassified: not a clean, complete list."""
    from derivations.cli import main

    assert main(["errata", "--no-cache", "--json"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out) == []
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("lecturecheck: errata incomplete: 2 of 2 "
                                                   "printed forms unclassified"), err
    assert "fixture.ou:s0 (6.3.5)" in lines[0] and "--timeout" in lines[0]


def test_coverage_incomplete_exits_1_and_says_what_is_missing(fixture_registry, out_of_time,
                                                               capsys, tmp_path):
    from derivations.cli import main

    notes = tmp_path / "notes.txt"
    notes.write_text("(6.3.13) and (6.3.2)\n")
    assert main(["coverage", str(notes), "--no-cache"]) == 1
    out, err = capsys.readouterr()
    assert "unverified" in out and "1 definition" in out
    assert err.startswith("lecturecheck: coverage incomplete: 1 of 2 labels unverified "
                          "((6.3.13) line 1"), err
    assert err.rstrip().endswith("rerun with a larger --timeout"), err
    assert err.count("\n") == 1


def test_coverage_complete_exits_0(fixture_registry, capsys, tmp_path):
    from derivations.cli import main

    notes = tmp_path / "notes.txt"
    notes.write_text("(6.3.13) and (6.3.2)\n")
    assert main(["coverage", str(notes), "--seed", "5"]) == 0
    assert capsys.readouterr().err == ""


# ---------------------------------------------------------------- no eval of user text

def test_cli_and_coverage_never_evaluate_text():
    for name in ("cli.py", "coverage.py"):
        src = (HERE.parents[1] / "derivations" / name).read_text()
        for banned in ("eval(", "exec(", "sympify(", "parse_expr("):
            assert banned not in src, f"{banned} in derivations/{name}"
