"""Monte Carlo throughput against the raw normal fill rate, measured in one run (DESIGN §5).

Prints

(a) the rate of :func:`numerics.stats.estimate` streaming a trivial normal sampler
    (``rng.standard_normal(size)``, statistic ``mean``) divided by the raw
    ``Generator.standard_normal(out=buf)`` fill rate into a preallocated 65,536-float buffer
    (target >= 0.5), measured in paired back-to-back rounds (median ratio), both with a cold
    allocator (fresh process: glibc serves each 512 KiB chunk temporary by a fresh mmap, page
    faults included) and a warm one (after glibc's dynamic mmap threshold has risen);
(b) for every registered claim, at its first parameter case and ``min(max_samples, 100000)``
    samples (repeated until it has run 0.25 s): samples per second through ``estimate`` (sampler + streaming
    statistics), the random variates the sampler drew per second, and that rate divided by the
    raw fill rate measured in bursts right before and after each repetition (so a loaded machine slows
    both alike).

What is counted as a variate: every element of every array (or scalar) returned by a method of
the ``Generator`` the sampler receives, or written into its ``out=`` argument — one normal, one
uniform, one integer or one binomial draw each count 1, whatever they cost to generate;
``multivariate_normal(mean, cov, size)`` counts ``size × dim``.  The Generator is wrapped in a
counting proxy; a sampler that needs the real ``Generator`` type is reported with ``n/a``.

Usage: ``python benchmarks/mc_rate.py [--json] [--samples N] [--only ID_PREFIX]``
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import numpy as np

from derivations.registry import all_derivations
from numerics.rng import check_generator
from numerics.stats import DEFAULT_CHUNK, estimate

TARGET = 0.5
ROUNDS = 9  # paired (raw, estimate) measurements; medians are reported
CHUNKS_PER_ROUND = 48
MIN_CLAIM_SECONDS = 0.25  # a claim's estimate is repeated until it has run this long
PAIRED_RAW_SECONDS = 0.05  # raw fills timed right before each repetition of a claim
MAX_CLAIM_REPEATS = 50
BENCH_SAMPLES = 100_000  # per-claim sample size unless the claim fixes its own


class CountingGenerator:
    """A proxy for ``numpy.random.Generator`` that counts the variates its methods return."""

    def __init__(self, generator: np.random.Generator) -> None:
        self._generator = generator
        self.variates = 0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._generator, name)
        if name.startswith("_") or not callable(attr):
            return attr

        def counted(*args, **kwargs):
            result = attr(*args, **kwargs)
            out = kwargs.get("out")
            if out is not None:
                self.variates += int(np.size(out))
            elif isinstance(result, np.ndarray):
                self.variates += int(result.size)
            elif np.isscalar(result):
                self.variates += 1
            return result

        return counted


def _raw_fill(rng: np.random.Generator, buf: np.ndarray, chunks: int) -> float:
    start = time.perf_counter()
    for _ in range(chunks):
        rng.standard_normal(out=buf)
    return chunks * buf.size / (time.perf_counter() - start)


def _estimate_fill(rng: np.random.Generator, n: int) -> float:
    start = time.perf_counter()
    estimate(lambda g, size: g.standard_normal(size), "mean", n, rng)
    return n / (time.perf_counter() - start)


def paired_rates(rounds: int = ROUNDS, chunks: int = CHUNKS_PER_ROUND) -> dict:
    """Raw fill rate and ``estimate`` rate measured back to back in ``rounds`` rounds.

    Each round times ``chunks`` raw fills of a ``DEFAULT_CHUNK`` buffer, then ``estimate`` over
    the same number of samples; the ratio is taken per round (so both see the same machine
    load) and the median over rounds is reported.
    """
    rng = np.random.default_rng(0)
    buf = np.empty(DEFAULT_CHUNK)
    raws, ests, ratios = [], [], []
    for _ in range(rounds):
        raw = _raw_fill(rng, buf, chunks)
        est = _estimate_fill(rng, chunks * DEFAULT_CHUNK)
        raws.append(raw)
        ests.append(est)
        ratios.append(est / raw)
    return {"raw": float(np.median(raws)), "estimate": float(np.median(ests)),
            "ratio": float(np.median(ratios)), "ratios": [round(r, 3) for r in ratios]}


def warm_allocator() -> None:
    """Free one 8 MiB block so glibc's dynamic mmap threshold rises above the 512 KiB chunk
    temporaries: from then on they come from the heap instead of fresh (page-faulting) mmaps.
    Any earlier large free in the process has the same effect, which is why the benchmark
    measures both states explicitly instead of depending on what ran before."""
    block = np.ones(1 << 20)
    del block


def _raw_burst(rng: np.random.Generator, buf: np.ndarray, seconds: float) -> int:
    """Raw fills for about ``seconds``; the number of normals drawn."""
    start, drawn = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        rng.standard_normal(out=buf)
        drawn += buf.size
    return drawn


def claim_rates(samples: int | None, only: str | None) -> list[dict]:
    """Per-claim throughput at the first parameter case, paired with raw fills."""
    raw_rng, buf = np.random.default_rng(1), np.empty(DEFAULT_CHUNK)
    rows = []
    for d in all_derivations():
        if only and not d.id.startswith(only):
            continue
        for claim in d.claims:
            params = dict(claim.cases[0])
            n = samples or claim.samples or min(claim.max_samples, BENCH_SAMPLES)
            counter = CountingGenerator(check_generator(0, d.id, claim.name, "benchmark"))
            row: dict[str, Any] = {"derivation": d.id, "claim": claim.name, "statistic": claim.statistic,
                                   "n": n}
            try:
                # repeat short claims until MIN_CLAIM_SECONDS so millisecond timings are not noise;
                # the raw fill rate is measured right before and after each repetition (same load)
                reps, seconds, raw_seconds, raw_count = 0, 0.0, 0.0, 0
                while seconds < MIN_CLAIM_SECONDS and reps < MAX_CLAIM_REPEATS:
                    raw_start = time.perf_counter()
                    raw_count += _raw_burst(raw_rng, buf, PAIRED_RAW_SECONDS)
                    raw_seconds += time.perf_counter() - raw_start
                    start = time.perf_counter()
                    estimate(lambda g, size: claim.sampler(g, size, **params), claim.statistic, n,
                             counter)
                    seconds += time.perf_counter() - start
                    raw_start = time.perf_counter()  # and right after it: a load change in
                    raw_count += _raw_burst(raw_rng, buf, PAIRED_RAW_SECONDS)  # between is shared
                    raw_seconds += time.perf_counter() - raw_start
                    reps += 1
                raw = raw_count / raw_seconds
            except Exception as exc:  # noqa: BLE001 - reported in the table, not fatal
                row.update(seconds=None, samples_per_s=None, variates_per_sample=None,
                           variates_per_s=None, ratio_to_raw=None, error=f"{type(exc).__name__}: {exc}")
            else:
                row.update(seconds=round(seconds / reps, 4), repeats=reps,
                           samples_per_s=reps * n / seconds,
                           variates_per_sample=counter.variates / (reps * n),
                           variates_per_s=counter.variates / seconds, raw_per_s=raw,
                           ratio_to_raw=counter.variates / seconds / raw)
            rows.append(row)
    return rows


def _fmt(v, spec: str) -> str:
    return "n/a" if v is None else format(v, spec)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--samples", type=int, default=None, help="override every claim's sample size")
    parser.add_argument("--only", default=None, help="only derivations whose id starts with this")
    args = parser.parse_args(argv)

    cold = paired_rates()  # fresh process: every 512 KiB temporary is a new mmap
    warm_allocator()
    warm = paired_rates()
    raw, est, ratio = warm["raw"], warm["estimate"], warm["ratio"]
    rows = claim_rates(args.samples, args.only)
    result = {
        "raw_fill_rate_per_s": raw,
        "estimate_rate_per_s": est,
        "estimate_ratio": ratio,
        "estimate_ratio_per_round": warm["ratios"],
        "cold_allocator": cold,
        "target": TARGET,
        "meets_target": ratio >= TARGET,
        "meets_target_cold_allocator": cold["ratio"] >= TARGET,
        "counted": "elements returned by (or written into out= of) Generator methods called by the sampler",
        "claims": rows,
    }
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"raw Generator.standard_normal(out=buf) fill rate : {raw / 1e6:8.1f} M normals/s "
          f"(chunk {DEFAULT_CHUNK}, median of {ROUNDS} rounds)")
    print(f"numerics.stats.estimate, trivial normal sampler  : {est / 1e6:8.1f} M samples/s")
    for label, r in (("warm allocator", warm), ("cold allocator", cold)):
        print(f"ratio estimate / raw, {label} (median)   : {r['ratio']:8.2f}   "
              f"(target >= {TARGET}: {'met' if r['ratio'] >= TARGET else 'NOT met'}; "
              f"rounds {min(r['ratios']):.2f}..{max(r['ratios']):.2f})")
    print("  cold = fresh process, each 512 KiB chunk temporary is a new mmap (page faults); warm = after")
    print("  glibc's mmap threshold has risen (any earlier large free does that); claims run warm")
    print()
    print("per claim (first case, min(max_samples, 100000) samples); variates = elements returned by Generator methods")
    header = f"{'derivation':24} {'claim':34} {'n':>8} {'s':>7} {'samples/s':>11} {'var/sample':>10} " \
             f"{'variates/s':>11} {'÷raw':>6}"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['derivation']:24} {r['claim'][:34]:34} {r['n']:>8} {_fmt(r['seconds'], '7.3f')} "
              f"{_fmt(r['samples_per_s'], '11.3g')} {_fmt(r['variates_per_sample'], '10.1f')} "
              f"{_fmt(r['variates_per_s'], '11.3g')} {_fmt(r['ratio_to_raw'], '6.2f')}"
              + (f"  {r['error']}" if r.get("error") else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
