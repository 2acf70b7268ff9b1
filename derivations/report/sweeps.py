"""Parameter sweeps of Monte Carlo claims: the data behind the report's plots.

One table (:data:`SWEEPS`) says what is plotted; everything else is generic.  Each point is the
claim's own comparison (``claim_comparison``: its sampler, statistic, control variates, bias
bounds and closed form) at a fixed sample size, at the claim's base case with one parameter
changed, and draws from
``check_generator(seed, derivation, claim, "sweep", param, str(value))`` — stable keys, never
positions — so a point's estimate depends only on the seed and what the point is.

A closed form the simulation cannot honestly test at finite parameters (a large-N limit, a
Gaussian approximation) is drawn as a closed-form-only series, :meth:`Series.closed_form`: one
side of a *step* of the same derivation — the SymPy expression the checker verifies, never a
retyped formula — evaluated on the dense grid, no Monte Carlo points, drawn dashed and labelled
as an approximation.

A claim or step the registry does not know (the catalog is being restructured) is not an error:
the sweep's series is reported ``missing`` and the page says so.

>>> [s.key for s in SWEEPS][:2]
['ou-variance-t', 'tweedie-sigma']
"""
from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, NamedTuple

SAMPLES = 20_000  # per sweep point: small enough for a ≤ 60 s report, error bars still visible
DENSE = 40  # closed-form evaluations per curve when the curve is drawn on a fine grid
# a sweep point shows the trend, the claim's own check resolves its target (1 %): a point is
# "underpowered" (not "consistent") only when 20k samples cannot resolve 25 %
TARGET_MDRE = 0.25
# a regression-chain sample refits n + 1 OLS problems: 8k samples keep the two collapse sweeps
# to ~4 s of CPU (of ~15 s for all sweeps at 20k) with error bars still under 1 % of the values
COLLAPSE_SAMPLES = 8_000


@dataclass(frozen=True)
class Series:
    """One claim in a sweep: its Monte Carlo estimates (``mc``) and/or its closed form (``curve``).

    ``label`` names the Monte Carlo points in the legend, ``curve_label`` the closed form
    (default: ``label`` + " — closed form").  ``dense`` draws the closed form on a fine grid
    between the sweep values; ``False`` evaluates it at the sweep values only.  A closed-form-only
    series (a step's side, no claim) is made by :meth:`closed_form`.
    """

    claim: str | None = None
    mc: bool = True
    curve: bool = True
    dense: bool = True
    label: str | None = None
    curve_label: str | None = None
    step: str | None = None  # closed form only: the id of a step of the sweep's derivation ...
    side: str = "rhs"  # ... and which side of it is the curve
    bind: tuple[tuple[str, Callable[[Mapping[str, Any]], float]], ...] = ()  # extra symbols
    approximation: bool = False  # drawn dashed; the legend says what it approximates
    continuous: bool = False  # fine grid even when the swept parameter is an integer

    def __post_init__(self) -> None:
        if (self.claim is None) == (self.step is None):
            raise ValueError(f"Series(claim={self.claim!r}, step={self.step!r}): expected exactly "
                             "one of a claim name and a step id")
        if self.step is not None and self.mc:
            raise ValueError(f"Series(step={self.step!r}, mc=True): a step has no sampler; "
                             "expected Series.closed_form(step, label)")
        if self.side not in ("lhs", "rhs"):
            raise ValueError(f"Series(side={self.side!r}): expected 'lhs' or 'rhs'")

    @classmethod
    def closed_form(cls, step: str, label: str, *, side: str = "rhs",
                    bind: Mapping[str, Callable[[Mapping[str, Any]], float]] | None = None,
                    approximation: bool = True, continuous: bool = True) -> Series:
        """A curve with no Monte Carlo points: ``side`` of step ``step`` on the dense grid.

        ``bind`` computes the expression's symbols that are not parameters of the sweep's case
        from the case (e.g. the load ``alpha = K/N``); ``continuous`` evaluates between the
        integer values of an integer parameter (a limit law is a function of the load alone).

        >>> Series.closed_form("gaussian_error_limit", "Gaussian limit").mc
        False
        """
        return cls(step=step, mc=False, curve=True, dense=True, label=label, curve_label=label,
                   side=side, bind=tuple(sorted((bind or {}).items())),
                   approximation=approximation, continuous=continuous)

    @property
    def name(self) -> str:
        """What the series draws: the claim's name, or ``step <id> (<side>)``."""
        return self.claim if self.claim is not None else f"step {self.step} ({self.side})"


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
          (Series("ou_variance_euler_maruyama",
                  label="Euler–Maruyama of the SDE, h = t/50",
                  curve_label=r"closed form $\sigma^2(1-e^{-2\kappa t})/(2\kappa)$ (6.3.5)"),),
          xlabel="$t$", ylabel=r"$\mathrm{Var}\, x_t$",
          note="Euler–Maruyama (h = t/50) carries a step bias of a few per cent (the points sit "
               "above the line at large t); each point's test includes the claim's exact bound "
               "on it"),
    Sweep("tweedie-sigma", "mallat.tweedie", "Tweedie posterior mean (6.3.16) against the noise level",
          "sigma", (0.2, 0.4, 0.6, 0.8, 1.0, 1.3, 1.6, 2.0),
          (Series("gaussian_tweedie_mmse", label=r"Gaussian prior: MMSE $E|\hat x - x|^2$"),
           Series("binary_tweedie_product", label=r"$\pm1$ prior: $E[\hat x(y)\, y]$")),
          xlabel=r"$\sigma$", ylabel="estimate"),
    Sweep("wiener-sigma", "mallat.wiener_filter", "Wiener filter mean-square error (6.4.1) against σ",
          "sigma", (0.2, 0.4, 0.6, 0.8, 1.0, 1.3, 1.6, 2.0),
          (Series("wiener_mse", label=r"Wiener filter $Hy$ on simulated $x \sim N(0, C)$",
                  curve_label=r"closed form $\sigma^2\,\mathrm{tr}\,C(C+\sigma^2 I)^{-1}$"),),
          xlabel=r"$\sigma$", ylabel="mean-square error"),
    Sweep("hopfield-load", "agliari.one_step_stability",
          "Hopfield one-step error (1.3.1, 1.3.5) against the load α = K/N, N = 51",
          "K", (5, 8, 11, 14, 17, 20, 23, 26),
          (Series("one-step error, exact", label="simulated network",
                  curve_label="finite-N exact (1.3.1), N = 51"),
           Series.closed_form("gaussian_error_limit",
                              r"Gaussian limit $\frac{1}{2}\mathrm{erfc}(1/\sqrt{2\alpha})$ "
                              r"($N\to\infty$, 1.3.5)",
                              bind={"alpha": _load})),
          xlabel=r"load $\alpha = K/N$", ylabel="fraction of flipped neurons",
          overrides={"N": 51}, axis=_load, integer=True,
          note="dashed: the Gaussian limit, an approximation (N → ∞ at fixed load) the "
               "simulation does not test; its gap to the finite-N exact curve is the finite-size "
               "effect"),
    Sweep("ols-collapse-T", "kempe.ols_collapse",
          "OLS and model-collapse test error (3.0.18, 3.0.23) against the sample size T",
          "T", (10, 12, 15, 20, 30, 45, 60),
          (Series("ols test error", label="OLS on simulated data",
                  curve_label=r"OLS: closed form $\sigma^2 d/(T-d-1)$"),
           Series("collapse test error", label="simulated chain, n = 1 generation",
                  curve_label="closed form after n = 1 generation (3.0.23)")),
          xlabel="$T$", ylabel="test error", integer=True, samples=COLLAPSE_SAMPLES),
    Sweep("collapse-n", "kempe.ols_collapse",
          "Model-collapse test error (3.0.23) against the generation n",
          "n", (1, 2, 3, 4, 6, 8),
          (Series("collapse test error", label="simulated regression chain",
                  curve_label=r"closed form $\sigma^2 d/(T-d-1) + n\sigma^2 d/(T_0-d-1)$"),),
          xlabel="generation $n$", ylabel="test error", integer=True, samples=COLLAPSE_SAMPLES),
)


# ---------------------------------------------------------------- computing the points

def _claim(derivation, name: str):
    return next((c for c in derivation.claims if c.name == name), None)


def _step(derivation, step_id: str):
    return next((s for s in derivation.steps if s.id == step_id), None)


def base_params(sweep: Sweep, claim) -> dict:
    case = claim.cases[min(sweep.base, len(claim.cases) - 1)]
    return dict(case, **sweep.overrides)


class _ClosedForm(NamedTuple):
    """What :func:`~derivations.run.runner.claim_expected` reads of a claim: a step's side."""

    name: str
    expected: Any


def _point(task: tuple) -> dict:
    """One Monte Carlo sweep point (runs in a worker process; looks the claim up by name).

    The claim's own comparison (its sampler, statistic, control variates, bias bounds) at a
    fixed sample size, on the sweep point's generator; the pilot generator is never drawn from.
    """
    from numerics.rng import check_generator

    from ..run.runner import claim_comparison
    from ..registry import get

    derivation_id, claim_name, params, param, n, seed, alpha = task
    claim = _claim(get(derivation_id), claim_name)
    value = params[param]
    rng = check_generator(seed, derivation_id, claim_name, "sweep", param, str(value))
    try:
        res = claim_comparison(claim, params, rng, None, alpha=alpha, samples=n,
                               target=TARGET_MDRE).as_dict()
        return dict(res, value=value, error=None)
    except Exception as exc:  # noqa: BLE001 - one bad point is shown, not fatal
        return {"value": value, "expected": None, "estimate": None, "stderr": None, "n": n,
                "bias_bound": None, "p_value": None, "min_detectable_rel_error": None,
                "verdict": "undecided", "error": f"{type(exc).__name__}: {exc}"}


def _curve_point(task: tuple) -> tuple[float, float | None]:
    """One closed-form value: a claim's ``expected`` or a step's side, at ``params``."""
    from ..run.runner import claim_expected
    from ..registry import get

    derivation_id, (kind, name, side), params, x = task
    d = get(derivation_id)
    if kind == "claim":
        what = _claim(d, name)
    else:
        step = _step(d, name)
        what = _ClosedForm(f"step {name}", getattr(step, side))
    try:
        y = claim_expected(what, params)
    except Exception:  # noqa: BLE001 - a gap in the curve, not a crash
        return x, None
    return x, (y if math.isfinite(y) else None)


def _dense_values(sweep: Sweep, continuous: bool = False) -> list:
    lo, hi = min(sweep.values), max(sweep.values)
    if sweep.integer and not continuous:
        return list(range(int(lo), int(hi) + 1))
    return [lo + (hi - lo) * i / (DENSE - 1) for i in range(DENSE)]


def _case(sw: Sweep, d, se: Series, base: dict | None) -> tuple[dict | None, str | None]:
    """(base case, None) of a series, or (None, why it is missing)."""
    if se.claim is not None:
        claim = _claim(d, se.claim)
        if claim is None:
            return None, se.claim
        base = base_params(sw, claim)
    else:
        if _step(d, se.step) is None:
            return None, f"step {se.step}"
        # a closed-form-only series follows the sweep's first claim's case
        base = dict(base if base is not None else sw.overrides)
    if sw.param not in base and se.claim is not None:
        return None, f"{se.claim} (no parameter {sw.param!r})"
    return base, None


def plan(sweeps: Sequence[Sweep], derivations: Mapping[str, Any], seed: int, alpha: float,
         samples: int | None = None) -> tuple[list[dict], list[tuple], list[tuple]]:
    """Resolve the sweeps against the registry: plot descriptions plus the point/curve tasks."""
    plots, mc_tasks, curve_tasks = [], [], []
    for sw in sweeps:
        d = derivations.get(sw.derivation)
        plot = {"sweep": sw, "series": [], "missing": []}
        if d is None:
            continue  # derivation not in this report
        first = None  # the first claim's base case
        for se in sw.series:
            base, missing = _case(sw, d, se, first)
            if missing is not None:
                plot["missing"].append(missing)
                continue
            if se.claim is not None and first is None:
                first = base
            entry = {"series": se, "claim": _claim(d, se.claim) if se.claim else None,
                     "base": base, "mc": [], "curve": []}
            if se.mc:
                for v in sw.values:
                    params = dict(base, **{sw.param: v})
                    entry["mc"].append(len(mc_tasks))
                    mc_tasks.append((d.id, se.claim, params, sw.param, samples or sw.samples,
                                     seed, alpha))
            if se.curve:
                source = ("claim", se.claim, None) if se.claim else ("step", se.step, se.side)
                grid = _dense_values(sw, se.continuous) if se.dense else sw.values
                for v in grid:
                    params = dict(base, **{sw.param: v})
                    params.update({k: f(params) for k, f in se.bind})
                    entry["curve"].append(len(curve_tasks))
                    curve_tasks.append((d.id, source, params, sw.x(params)))
            plot["series"].append(entry)
        plots.append(plot)
    return plots, mc_tasks, curve_tasks


def compute(sweeps: Sequence[Sweep], derivations: Mapping[str, Any], *, seed: int = 0,
            alpha: float = 1e-6, jobs: int = 1, samples: int | None = None,
            tick: Callable[[str], None] | None = None) -> list[dict]:
    """Run every sweep point; return one plot dict per sweep whose derivation is present.

    Each plot: ``{"key", "title", "xlabel", "ylabel", "note", "derivation", "missing": [names],
    "series": [{"claim", "step", "label", "curve_label", "approximation", "points": [{"x",
    "value", "estimate", "stderr", "expected", "verdict", …}], "curve": [[x, y], …]}]}``
    (``claim`` is None for a closed-form-only series, ``step`` None for a claim's).  The result
    depends on ``seed`` and ``samples``, never on ``jobs``.
    """
    plots, mc_tasks, curve_tasks = plan(sweeps, derivations, seed, alpha, samples)
    tasks = [(_point, t) for t in mc_tasks] + [(_curve_point, t) for t in curve_tasks]
    results: list[Any] = [None] * len(tasks)
    labels = [f"sweep {t[1]} {t[3]}={t[2][t[3]]}" for t in mc_tasks] + \
             [f"closed form {t[1][1]}" for t in curve_tasks]
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
            label = se.label or se.name
            curve_label = se.curve_label or (label + " — closed form" if se.mc else label)
            series.append({"claim": se.claim, "step": se.step, "label": label,
                           "curve_label": curve_label, "approximation": se.approximation,
                           "points": points, "curve": curve,
                           "statistic": entry["claim"].statistic if entry["claim"] else None,
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
