"""Wall time and peak memory of checking the whole catalog, against DESIGN §5 (2 cores).

Runs ``lecturecheck check --json --timings --jobs 2`` twice in subprocesses on one fresh
result store — cold (empty store), then warm — and reports:

* wall time cold (target <= 45 s, issue 8; DESIGN §5 allows 60 s) and warm (target <= 5 s),
  and whether the warm run's result equals the cold one's (timings aside);
* peak RSS from ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` (target <= 1 GiB) — the maximum over
  the child and its descendants *taken one process at a time*, not their sum;
* the peak proportional set size (PSS) of the whole process tree, sampled every 0.1 s from
  ``/proc`` (Linux only) — shared copy-on-write pages of the forked workers counted once; a
  sample can miss a short spike;
* CPU time of the tree and the load average at start, to read the wall time against;
* the time of a fixed pure-Python workload run on ``--jobs`` processes at once, before the cold
  run and after the warm one (:func:`host_reference`), and the cold wall time in its units: on
  shared cores the speed of the same machine varies by a third from hour to hour;
* the Monte Carlo part: its summed work seconds, the number of cases, and the distribution of
  their minimum detectable relative errors (bias included) against their targets.

Usage: ``python benchmarks/catalog_time.py [--json] [--jobs N] [--seed N] [--no-mc]``.
Exit status 0 when both targets are met, 1 when one is missed, 2 when the check did not
produce its JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

WALL_TARGET_S = 45.0
WARM_TARGET_S = 5.0
MEMORY_TARGET_MIB = 1024.0


def lecturecheck_command() -> list[str]:
    """The installed console script, else the module of this interpreter."""
    beside = Path(sys.executable).with_name("lecturecheck")
    script = shutil.which("lecturecheck") or (str(beside) if beside.exists() else None)
    return [script] if script else [sys.executable, "-m", "derivations.cli"]


def _descendants(pid: int) -> list[int]:
    """``pid`` and all its descendants (Linux ``/proc``); empty where unavailable."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return out


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """Samples the summed PSS of a process tree until stopped; keeps the peak (KiB)."""

    def __init__(self, pid: int, period: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.period = pid, period
        self.peak_kib, self.samples = 0, 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            total = sum(_pss_kib(p) for p in _descendants(self.pid))
            if total:
                self.peak_kib, self.samples = max(self.peak_kib, total), self.samples + 1
            self._done.wait(self.period)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _timed_run(cmd: list[str], env: dict) -> dict:
    """One subprocess run: its wall time, CPU time, peak RSS/PSS, stdout and exit status."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    scale = 1 / 1024**2 if sys.platform == "darwin" else 1 / 1024  # bytes vs KiB -> MiB
    return {"out": out, "err": err, "status": proc.returncode, "wall": wall,
            "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "rss": after.ru_maxrss * scale,
            "pss": sampler.peak_kib / 1024 if sampler.samples else None}


# a fixed pure-Python workload: its time says how fast the (shared) cores are right now
_REFERENCE = "s = 0\nfor i in range(10_000_000):\n    s += i * i\n"


def host_reference(jobs: int) -> float:
    """Seconds of the reference workload, run in ``jobs`` processes at once (as the check loads
    the cores), median over the processes; the catalog's wall time moves with it."""
    cmd = [sys.executable, "-c", "import time; t = time.perf_counter()\n" + _REFERENCE
           + "print(time.perf_counter() - t)"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE) for _ in range(jobs)]
    return statistics.median(float(p.communicate()[0]) for p in procs)


def _without_timings(result: dict | None) -> dict | None:
    """The result with its (run-to-run) timings blanked, to compare a cold and a warm run."""
    if result is None:
        return None
    r = json.loads(json.dumps(result))
    r["summary"]["seconds"] = None
    for d in r["derivations"]:
        for item in d["steps"] + d["monte_carlo"]:
            item["seconds"] = None
    return r


def measure(jobs: int = 2, seed: int = 0, mc: bool = True) -> dict:
    """Run the catalog check cold (empty result store) then warm (same store) in subprocesses
    and return the measurements."""
    cmd = lecturecheck_command() + ["check", "--json", "--timings", "--jobs", str(jobs),
                                    "--seed", str(seed)] + ([] if mc else ["--no-mc"])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    reference = [host_reference(jobs)]
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, LECTURECHECK_CACHE=cache)
        cold = _timed_run(cmd, env)
        warm = _timed_run(cmd, env)
    reference.append(host_reference(jobs))
    results = []
    for run in (cold, warm):
        try:
            results.append(json.loads(run["out"]))
            results[-1]["summary"]
        except (ValueError, KeyError, TypeError):
            results.append(None)
    result, summary = results[0], results[0]["summary"] if results[0] else None
    return {
        "command": " ".join(Path(cmd[0]).name if i == 0 else c for i, c in enumerate(cmd)),
        "jobs": jobs,
        "exit_status": cold["status"],
        "stderr_tail": cold["err"].decode(errors="replace").strip().splitlines()[-3:],
        "summary": summary,
        "wall_seconds": round(cold["wall"], 2),
        "warm_wall_seconds": round(warm["wall"], 2),
        "warm_same_result": _without_timings(results[0]) == _without_timings(results[1]),
        "cpu_seconds": round(cold["cpu"], 2),
        "warm_cpu_seconds": round(warm["cpu"], 2),
        "peak_rss_mib_largest_process": round(max(cold["rss"], warm["rss"]), 1),
        "peak_pss_mib_tree_sampled": None if cold["pss"] is None else round(cold["pss"], 1),
        "load_average_at_start": None if load is None else round(load, 2),
        "host_reference_seconds": [round(r, 2) for r in reference],
        "cold_wall_in_references": round(cold["wall"] / statistics.mean(reference), 1),
        "targets": {"wall_seconds": WALL_TARGET_S, "warm_wall_seconds": WARM_TARGET_S,
                    "memory_mib": MEMORY_TARGET_MIB},
        "monte_carlo": monte_carlo_figures(result) if result else None,
    }


def monte_carlo_figures(result: dict) -> dict | None:
    """Work seconds and the MDRE distribution of the run's Monte Carlo cases."""
    cases = [m for d in result["derivations"] for m in d["monte_carlo"]]
    mdres = sorted(m["min_detectable_rel_error"] for m in cases
                   if m["min_detectable_rel_error"] is not None)
    if not mdres:
        return None
    q = lambda f: mdres[min(len(mdres) - 1, int(f * len(mdres)))]  # noqa: E731
    return {"cases": len(cases), "work_seconds": round(sum(m["seconds"] or 0 for m in cases), 2),
            "mdre_min": mdres[0], "mdre_median": statistics.median(mdres), "mdre_p90": q(0.9),
            "mdre_max": mdres[-1], "at_most_1_percent": sum(x <= 0.01 for x in mdres),
            "underpowered": sum(m["verdict"] == "underpowered" for m in cases),
            "contradicted": sum(m["verdict"] == "contradicted" for m in cases)}


def verdicts(m: dict) -> dict:
    """Which targets are met (``None``: not measured)."""
    tree = m["peak_pss_mib_tree_sampled"]
    return {"wall": m["wall_seconds"] <= WALL_TARGET_S,
            "warm": m["warm_wall_seconds"] <= WARM_TARGET_S,
            "warm_same": m["warm_same_result"],
            "rss": m["peak_rss_mib_largest_process"] <= MEMORY_TARGET_MIB,
            "tree": None if tree is None else tree <= MEMORY_TARGET_MIB}


def table(m: dict) -> str:
    ok = verdicts(m)
    yes = {True: "yes", False: "NO", None: "—"}
    s = m["summary"]
    head = f"catalog check: {m['command']}   (exit {m['exit_status']}"
    if s:
        head += (f"; {s['derivations']} derivations: {s['passed']} passed, {s['failed']} failed, "
                 f"{s['undecided']} undecided")
    rows = [("measure", "value", "target", "met"),
            ("wall time, cold (empty store)", f"{m['wall_seconds']:.1f} s", f"<= {WALL_TARGET_S:g} s",
             yes[ok["wall"]]),
            ("wall time, warm (same store)", f"{m['warm_wall_seconds']:.1f} s",
             f"<= {WARM_TARGET_S:g} s", yes[ok["warm"]]),
            ("warm result = cold result", "same" if m["warm_same_result"] else "DIFFERENT",
             "same", yes[ok["warm_same"]]),
            ("peak RSS, largest single process", f"{m['peak_rss_mib_largest_process']:.0f} MiB",
             f"<= {MEMORY_TARGET_MIB:g} MiB", yes[ok["rss"]]),
            ("peak PSS, whole tree (sampled)",
             "—" if m["peak_pss_mib_tree_sampled"] is None
             else f"{m['peak_pss_mib_tree_sampled']:.0f} MiB",
             f"<= {MEMORY_TARGET_MIB:g} MiB", yes[ok["tree"]]),
            ("CPU time, user+sys of the tree, cold", f"{m['cpu_seconds']:.1f} s", "", ""),
            ("CPU time, user+sys of the tree, warm", f"{m['warm_cpu_seconds']:.1f} s", "", ""),
            (f"  / {m['jobs']} jobs: wall floor on idle cores", f"{m['cpu_seconds'] / m['jobs']:.1f} s",
             f"<= {WALL_TARGET_S:g} s", yes[m['cpu_seconds'] / m['jobs'] <= WALL_TARGET_S]),
            ("load average at start", "—" if m["load_average_at_start"] is None
             else f"{m['load_average_at_start']:.2f}", "", ""),
            (f"host reference ({m['jobs']} at once), before/after",
             " / ".join(f"{r:.2f} s" for r in m["host_reference_seconds"]), "", ""),
            ("  cold wall time in reference units", f"{m['cold_wall_in_references']:.1f}", "", "")]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [head + ")"] + ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
                            for r in rows]
    mc = m.get("monte_carlo")
    if mc:
        lines.append(f"  Monte Carlo: {mc['cases']} cases, {mc['work_seconds']:.1f} s of work; MDRE "
                     f"min {100 * mc['mdre_min']:.2f}%, median {100 * mc['mdre_median']:.2f}%, "
                     f"90th pct {100 * mc['mdre_p90']:.2f}%, max {100 * mc['mdre_max']:.2f}%; "
                     f"{mc['at_most_1_percent']} at <= 1%; {mc['underpowered']} underpowered, "
                     f"{mc['contradicted']} contradicted")
    if m["summary"] is None:
        lines.append("the check produced no JSON; stderr: " + " | ".join(m["stderr_tail"]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--json", action="store_true", help="print the measurements as JSON")
    p.add_argument("--jobs", type=int, default=2, help="--jobs passed to the check (default 2)")
    p.add_argument("--seed", type=int, default=0, help="--seed passed to the check (default 0)")
    p.add_argument("--no-mc", dest="mc", action="store_false", help="skip Monte Carlo claims")
    args = p.parse_args(argv)
    if args.jobs < 1 or args.seed < 0:
        p.error("expected --jobs >= 1 and --seed >= 0")
    m = measure(jobs=args.jobs, seed=args.seed, mc=args.mc)
    m["met"] = verdicts(m)
    print(json.dumps(m, indent=2) if args.json else table(m))
    if m["summary"] is None:
        return 2
    return 0 if all(v is not False for v in m["met"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
