"""Parameter sweeps of Monte Carlo claims: the data behind the report's plots.

One table (:data:`SWEEPS`) says what is plotted; everything else is generic.  Each point reuses
the claim's own sampler, statistic, bias bound and closed form (``claim_expected``) at the
claim's base case with one parameter changed, and draws from
``check_generator(seed, derivation, claim, "sweep", param, str(value))`` — stable keys, never
positions — so a point's estimate depends only on the seed and what the point is.

A claim the registry does not know (the catalog is being restructured) is not an error: the
sweep's series is reported ``missing`` and the page says so.

>>> [s.key for s in SWEEPS][:2]
['ou-variance-t', 'tweedie-sigma']
"""
from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

SAMPLES = 20_000  # per sweep point: small enough for a ≤ 60 s report, error bars still visible
DENSE = 40  # closed-form evaluations per curve when the curve is drawn on a fine grid


@dataclass(frozen=True)
class Series:
    """One claim in a sweep: its Monte Carlo estimates (``mc``) and/or its closed form (``curve``).

    ``dense`` draws the closed form on a fine grid between the sweep values; ``False`` evaluates
    it at the sweep values only (closed forms that are expensive, e.g. large finite sums).
    """

    claim: str
    mc: bool = True
    curve: bool = True
    dense: bool = True
    label: str | None = None


@dataclass(frozen=True)
class Sweep:
    """A plot: claims of one derivation against one parameter, the others at a base case."""

    key: str
    derivation: str
    title: str
    param: str
    values: tuple
    series: tuple[Series, ...]
    xlabel: str
    ylabel: str
    base: int = 0  # index of each claim's case used as the base point
    overrides: Mapping[str, Any] = field(default_factory=dict)  # applied to the base case
    axis: Callable[[Mapping[str, Any]], float] | None = None  # x coordinate (default: the param)
    integer: bool = False  # the swept parameter takes integer values (dense grid rounds)
    samples: int = SAMPLES
    note: str = ""

    def x(self, params: Mapping[str, Any]) -> float:
        return float(self.axis(params) if self.axis else params[self.param])


def _load(params: Mapping[str, Any]) -> float:
    return params["K"] / params["N"]


SWEEPS: tuple[Sweep, ...] = (
    Sweep("ou-variance-t", "mallat.ou_solution", "Ornstein–Uhlenbeck variance (6.3.5) against time",
          "t", (0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0),
          (Series("ou_variance_euler_maruyama", label="Euler–Maruyama of the SDE, 50 steps"),),
          xlabel="$t$", ylabel=r"$\mathrm{Var}\, x_t$",
          note="closed form σ²(1 − exp(−2κt))/(2κ); Euler–Maruyama (h = t/50) carries a step "
               "bias, which the check bounds exactly"),
    Sweep("tweedie-sigma", "mallat.tweedie", "Tweedie posterior mean (6.3.16) against the noise level",
          "sigma", (0.2, 0.4, 0.6, 0.8, 1.0, 1.3, 1.6, 2.0),
          (Series("gaussian_tweedie_mmse", label=r"Gaussian prior: MMSE $E|\hat x - x|^2$"),
           Series("binary_tweedie_product", label=r"$\pm1$ prior: $E[\hat x(y)\, y]$")),
          xlabel=r"$\sigma$", ylabel="estimate"),
    Sweep("wiener-sigma", "mallat.wiener_filter", "Wiener filter mean-square error (6.4.1) against σ",
          "sigma", (0.2, 0.4, 0.6, 0.8, 1.0, 1.3, 1.6, 2.0),
          (Series("wiener_mse", label=r"$\sigma^2\,\mathrm{tr}\,C(C+\sigma^2 I)^{-1}$"),),
          xlabel=r"$\sigma$", ylabel="mean-square error"),
    Sweep("hopfield-load", "agliari.one_step_stability",
          "Hopfield one-step error (1.3.1) against the load α = K/N, N = 51",
          "K", (5, 8, 11, 14, 17, 20, 23, 26),
          (Series("one-step error, exact", dense=False, label="finite-N exact (1.3.1)"),),
          xlabel=r"load $\alpha = K/N$", ylabel="fraction of flipped neurons",
          overrides={"N": 51}, axis=_load, integer=True),
    Sweep("ols-collapse-T", "kempe.ols_collapse",
          "OLS and model-collapse test error (3.0.18, 3.0.23) against the sample size T",
          "T", (10, 12, 15, 20, 30, 45, 60),
          (Series("ols test error", label=r"OLS: $\sigma^2 d/(T-d-1)$"),
           Series("collapse test error", label="after n = 1 generation")),
          xlabel="$T$", ylabel="test error", integer=True),
    Sweep("collapse-n", "kempe.ols_collapse",
          "Model-collapse test error (3.0.23) against the generation n",
          "n", (1, 2, 3, 4, 6, 8),
          (Series("collapse test error", label=r"$\sigma^2 d/(T-d-1) + n\sigma^2 d/(T_0-d-1)$"),),
          xlabel="generation $n$", ylabel="test error", integer=True),
)


# ---------------------------------------------------------------- computing the points

def _claim(derivation, name: str):
    return next((c for c in derivation.claims if c.name == name), None)


def base_params(sweep: Sweep, claim) -> dict:
    case = claim.cases[min(sweep.base, len(claim.cases) - 1)]
    return dict(case, **sweep.overrides)


def _point(task: tuple) -> dict:
    """One Monte Carlo sweep point (runs in a worker process; looks the claim up by name)."""
    from numerics.rng import check_generator
    from numerics.stats import compare, estimate

    from ..run.runner import claim_expected
    from ..registry import get

    derivation_id, claim_name, params, param, n, seed, alpha = task
    claim = _claim(get(derivation_id), claim_name)
    value = params[param]
    rng = check_generator(seed, derivation_id, claim_name, "sweep", param, str(value))
    try:
        expected = claim_expected(claim, params)
        est = estimate(lambda g, size: claim.sampler(g, size, **params), claim.statistic, n, rng)
        bias = float(claim.bias(**params)) if claim.bias else 0.0
        res = compare(est, expected, bias=bias, alpha=alpha).as_dict()
        return dict(res, value=value, error=None)
    except Exception as exc:  # noqa: BLE001 - one bad point is shown, not fatal
        return {"value": value, "expected": None, "estimate": None, "stderr": None, "n": n,
                "bias_bound": None, "p_value": None, "min_detectable_rel_error": None,
                "verdict": "undecided", "error": f"{type(exc).__name__}: {exc}"}


def _curve_point(task: tuple) -> tuple[float, float | None]:
    from ..run.runner import claim_expected
    from ..registry import get

    derivation_id, claim_name, params, x = task
    claim = _claim(get(derivation_id), claim_name)
    try:
        y = claim_expected(claim, params)
    except Exception:  # noqa: BLE001 - a gap in the curve, not a crash
        return x, None
    return x, (y if math.isfinite(y) else None)


def _dense_values(sweep: Sweep) -> list:
    lo, hi = min(sweep.values), max(sweep.values)
    if sweep.integer:
        return list(range(int(lo), int(hi) + 1))
    return [lo + (hi - lo) * i / (DENSE - 1) for i in range(DENSE)]


def plan(sweeps: Sequence[Sweep], derivations: Mapping[str, Any], seed: int, alpha: float,
         samples: int | None = None) -> tuple[list[dict], list[tuple], list[tuple]]:
    """Resolve the sweeps against the registry: plot descriptions plus the point/curve tasks."""
    plots, mc_tasks, curve_tasks = [], [], []
    for sw in sweeps:
        d = derivations.get(sw.derivation)
        plot = {"sweep": sw, "series": [], "missing": []}
        if d is None:
            continue  # derivation not in this report
        for se in sw.series:
            claim = _claim(d, se.claim)
            if claim is None:
                plot["missing"].append(se.claim)
                continue
            base = base_params(sw, claim)
            if sw.param not in base:
                plot["missing"].append(f"{se.claim} (no parameter {sw.param!r})")
                continue
            entry = {"series": se, "claim": claim, "base": base, "mc": [], "curve": []}
            if se.mc:
                for v in sw.values:
                    params = dict(base, **{sw.param: v})
                    entry["mc"].append(len(mc_tasks))
                    mc_tasks.append((d.id, claim.name, params, sw.param, samples or sw.samples,
                                     seed, alpha))
            if se.curve:
                for v in (_dense_values(sw) if se.dense else sw.values):
                    params = dict(base, **{sw.param: v})
                    entry["curve"].append(len(curve_tasks))
                    curve_tasks.append((d.id, claim.name, params, sw.x(params)))
            plot["series"].append(entry)
        plots.append(plot)
    return plots, mc_tasks, curve_tasks


def compute(sweeps: Sequence[Sweep], derivations: Mapping[str, Any], *, seed: int = 0,
            alpha: float = 1e-6, jobs: int = 1, samples: int | None = None,
            tick: Callable[[str], None] | None = None) -> list[dict]:
    """Run every sweep point; return one plot dict per sweep whose derivation is present.

    Each plot: ``{"key", "title", "xlabel", "ylabel", "note", "derivation", "missing": [names],
    "series": [{"claim", "label", "points": [{"x", "value", "estimate", "stderr", "expected",
    "verdict", …}], "curve": [[x, y], …]}]}``.  The result depends on ``seed`` and ``samples``,
    never on ``jobs``.
    """
    plots, mc_tasks, curve_tasks = plan(sweeps, derivations, seed, alpha, samples)
    tasks = [(_point, t) for t in mc_tasks] + [(_curve_point, t) for t in curve_tasks]
    results: list[Any] = [None] * len(tasks)
    labels = [f"sweep {t[1]} {t[3]}={t[2][t[3]]}" for t in mc_tasks] + \
             [f"closed form {t[1]}" for t in curve_tasks]
    if jobs > 1 and len(tasks) > 1:
        import multiprocessing

        ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                          else None)
        # expensive closed forms first, so the pool's tail is short
        order = sorted(range(len(tasks)), key=lambda i: tasks[i][0] is _point)
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            futures = {pool.submit(tasks[i][0], tasks[i][1]): i for i in order}
            from concurrent.futures import as_completed

            for f in as_completed(futures):
                i = futures[f]
                results[i] = f.result()
                if tick:
                    tick(labels[i])
    else:
        for i, (fn, arg) in enumerate(tasks):
            results[i] = fn(arg)
            if tick:
                tick(labels[i])
    mc_results, curve_results = results[:len(mc_tasks)], results[len(mc_tasks):]
    out = []
    for plot in plots:
        sw: Sweep = plot["sweep"]
        series = []
        for entry in plot["series"]:
            se: Series = entry["series"]
            points = []
            for i in entry["mc"]:
                r = dict(mc_results[i])
                r["x"] = sw.x(mc_tasks[i][2])
                points.append(r)
            curve = [list(curve_results[i]) for i in entry["curve"]]
            series.append({"claim": se.claim, "label": se.label or se.claim, "points": points,
                           "curve": curve, "statistic": entry["claim"].statistic,
                           "base": {k: v for k, v in sorted(entry["base"].items())
                                    if k != sw.param}})
        out.append({"key": sw.key, "title": sw.title, "xlabel": sw.xlabel, "ylabel": sw.ylabel,
                    "note": sw.note, "derivation": sw.derivation, "param": sw.param,
                    "samples": samples or sw.samples, "missing": list(plot["missing"]),
                    "series": series})
    return out


def count_tasks(sweeps: Sequence[Sweep], derivations: Mapping[str, Any]) -> int:
    """How many work items :func:`compute` will run (for a progress counter)."""
    _, mc, curve = plan(sweeps, derivations, 0, 1e-6)
    return len(mc) + len(curve)


def default_jobs() -> int:
    return os.cpu_count() or 1
