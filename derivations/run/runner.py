"""Run derivations through the verifier and Monte Carlo comparison; build the JSON contract.

Work items (steps, printed forms, Monte Carlo cases) run concurrently (``jobs``) in forked
children; results are assembled in declaration order, so the output does not depend on
``jobs``.  Timings are reported only when asked for (``timings=True``), which keeps the JSON
byte-identical for the same seed and options.
"""
from __future__ import annotations

import json
import math
import numbers
import sys
import time
from dataclasses import asdict, dataclass
from typing import Any, Sequence

import sympy as sp

from .._version import __version__
from .cache import StepCache, canonical, packaged, step_key, valid_mc_result
from .schedule import Task, pipelined
from .work import Work
from .quoted import REL_TEX, annotate_hand_typed, quoted_errata, tasks_and_links
from ..errors import InvalidOption, shown
from ..verify.isolate import in_parent, run_limited
from ..verify.ladder import latex_difference
from ..verify.workers import ANSWER_GRACE
from ..model import ESTABLISHED, FAILING, STRICT, Claim, Derivation, Step
from ..verify.points import as_expr, explicit
from ..verify import StepResult, step_seed, verify_relation
from ..limits import (MAX_JOBS, MAX_POINTS, MAX_SAMPLES, MAX_SEED, MAX_TIMEOUT, MIN_ALPHA,
                      MIN_SAMPLES, STEP_GRACE, mc_limit)


def _integer(v: Any, low: int, high: int) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and low <= v <= high


def _seconds(v: Any, high: float = MAX_TIMEOUT) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) \
        and 0 < v <= high


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


@dataclass(frozen=True)
class Options:
    """Options of a run; invalid values raise :class:`InvalidOption` naming the option."""

    seed: int = 0
    samples: int | None = None  # overrides every claim's sample size
    timeout: float = 20.0  # per step: symbolic + numeric halves, see verify.ladder
    jobs: int = 1
    mc: bool = True
    alpha: float = 1e-6
    points: int = 5
    cache: bool = True
    timings: bool = False
    strict: bool = False  # only proved/exhaustive steps pass
    mc_timeout: float | None = None  # per Monte Carlo case; None: mc_limit(timeout)

    def __post_init__(self) -> None:
        for name in ("seed", "samples", "jobs", "points"):  # numpy integers are integers too
            v = getattr(self, name)
            if isinstance(v, numbers.Integral) and not isinstance(v, (bool, int)):
                object.__setattr__(self, name, int(v))
        checks = [
            ("seed", _integer(self.seed, 0, MAX_SEED), "a non-negative integer <= 2**64 - 1"),
            ("samples", self.samples is None or _integer(self.samples, MIN_SAMPLES, MAX_SAMPLES),
             f"None or an integer >= {MIN_SAMPLES} and <= 10**8"),
            ("timeout", _seconds(self.timeout),
             f"a positive number of seconds <= {MAX_TIMEOUT:g}"),
            ("jobs", _integer(self.jobs, 1, MAX_JOBS), f"an integer >= 1 and <= {MAX_JOBS}"),
            ("alpha", _number(self.alpha) and MIN_ALPHA <= self.alpha < 1,
             f"a number with 0 < alpha < 1 and alpha >= {MIN_ALPHA:g}"),
            ("points", _integer(self.points, 1, MAX_POINTS),
             f"an integer >= 1 and <= {MAX_POINTS}"),
            ("mc_timeout", self.mc_timeout is None or _seconds(self.mc_timeout),
             f"None or a positive number of seconds <= {MAX_TIMEOUT:g}"),
        ] + [(flag, isinstance(getattr(self, flag), bool), "True or False")
             for flag in ("mc", "cache", "timings", "strict")]
        for name, ok, expected in checks:
            if not ok:
                raise InvalidOption(f"{name}={shown(getattr(self, name))}, expected {expected}")

    @property
    def mc_seconds(self) -> float:
        """The time limit of one Monte Carlo case."""
        return float(self.mc_timeout) if self.mc_timeout is not None else mc_limit(self.timeout)

    def public(self) -> dict:
        d = asdict(self)
        for how_not_what in ("cache", "jobs"):  # do not change results, so not in the output
            d.pop(how_not_what)
        d["mc_timeout"] = self.mc_seconds
        return d


def sides(step: Step, printed: bool):
    if not printed:
        return step.lhs, step.rhs, step.relation
    p = step.printed
    return (step.lhs if p.lhs is None else p.lhs, step.rhs if p.rhs is None else p.rhs,
            p.relation or step.relation)


def _latex(e) -> str:
    return sp.latex(e)


def _stored(out: dict) -> dict:
    """A step result in its one canonical form (as the cache returns it), without timing."""
    return canonical({k: v for k, v in out.items() if k != "seconds"})


def verification_task(d: Derivation, lhs, rhs, rel: str, *, seed: int, opts: Options,
                      cache: StepCache, constraints=(), domain=None, tolerance: float = 1e-20,
                      simplifier=None) -> Work:
    """A work item verifying ``lhs rel rhs`` under ``d``'s assumptions, through the result cache
    (keyed by everything the verdict depends on; results a time limit touched are not stored)."""
    key = step_key(d.id, lhs, rhs, rel, constraints, domain or {}, d.ranges,
                   d.dimensions, [(m.symbol, sorted(m.props)) for m in d.matrices],
                   [f.description for f in d.functions], seed, opts.points, tolerance)

    def lookup() -> dict | None:
        hit = cache.get(key) if simplifier is None else None
        return None if hit is None else dict(hit, seconds=0.0)

    def compute() -> StepResult:
        return verify_relation(d, lhs, rhs, rel, seed=seed, timeout=opts.timeout,
                               points=opts.points, tolerance=tolerance, constraints=constraints,
                               domain=domain, simplifier=simplifier)

    def finish(r: StepResult) -> dict:
        lhs_tex, rhs_tex = r.sides_latex or (None, None)  # printed in the worker
        out = {"verdict": r.verdict, "method": r.method, "seconds": r.seconds,
               "difference_latex": r.difference_latex, "witness": r.witness,
               "evaluation": r.evaluation, "notes": r.notes, "evidence": r.evidence,
               "lhs_latex": lhs_tex if lhs_tex is not None else in_parent(lambda: _latex(lhs)),
               "rhs_latex": rhs_tex if rhs_tex is not None else in_parent(lambda: _latex(rhs))}
        if simplifier is None:
            cache.put(key, _stored(out), limited=r.limited)
        return dict(_stored(out), seconds=r.seconds)

    def fail(exc: Exception) -> dict:
        why = f"the worker did not answer: {exc}"
        return finish(StepResult("undecided", why, in_parent(lambda: latex_difference(lhs, rhs)),
                                 notes=[why], limited=True))

    return Work(lookup, compute, finish, fail, opts.timeout + STEP_GRACE + ANSWER_GRACE)


def _step_task(d: Derivation, step: Step, printed: bool, opts: Options, cache: StepCache,
               simplifier=None) -> Work:
    lhs, rhs, rel = sides(step, printed)
    seed = step_seed(opts.seed, d.id, step.id, "printed" if printed else "corrected")
    return verification_task(d, lhs, rhs, rel, seed=seed, opts=opts, cache=cache,
                             constraints=step.constraints, domain=step.domain,
                             tolerance=step.tolerance, simplifier=simplifier)


def claim_expected(claim: Claim, params: dict) -> float:
    """The claim's closed form at a parameter case (matrices given as nested lists)."""
    expr = as_expr(claim.expected)
    subs = {}
    for s in expr.free_symbols:
        if s.name not in params:
            raise InvalidOption(f"claim {claim.name}: parameter {s.name!r} missing from case {params}")
        v = params[s.name]
        subs[s] = sp.ImmutableMatrix(v) if isinstance(s, sp.MatrixSymbol) else as_expr(v)
    value = expr.xreplace({k: v for k, v in subs.items() if isinstance(k, sp.MatrixSymbol)})
    value = value.subs({k: v for k, v in subs.items() if not isinstance(k, sp.MatrixSymbol)})
    value = explicit(value)
    try:  # finite sums: term-by-term in mpmath is far faster than Sum.evalf
        import mpmath

        with mpmath.workdps(30):
            number = complex(sp.lambdify([], value, modules="mpmath")())
        if number.imag == 0 and math.isfinite(number.real):
            return number.real
    except Exception:  # noqa: BLE001 - fall back to sympy's evalf
        pass
    return float(sp.N(value, 30))


def case_key(params: dict) -> str:
    """A Monte Carlo case's stable key: its parameters, canonically (never its position)."""
    return json.dumps(params, sort_keys=True, default=repr, separators=(",", ":"))


def claim_comparison(claim: Claim, params: dict, rng, pilot_rng, *, alpha: float = 1e-6,
                     samples: int | None = None, expected: float | None = None,
                     target: float | None = None):
    """Simulate ``claim`` at ``params`` and compare with its closed form (a ``Comparison``).

    The sample size is planned for the claim's target MDRE (bias interval included) from a
    pilot run on ``pilot_rng``, capped by ``claim.max_samples``; ``samples`` (or the claim's
    own ``samples``) fixes it.  ``expected`` overrides the closed form (injected errors),
    ``target`` the claim's target MDRE (cheaper property and calibration runs).
    """
    from numerics.stats import compare, sized_estimate

    if expected is None:
        expected = claim_expected(claim, params)
    lo, hi = (float(b) for b in claim.rel_bias(**params)) if claim.rel_bias else (0.0, 0.0)
    bias = float(claim.bias(**params)) if claim.bias else 0.0
    width = hi - lo + (2 * bias / abs(expected) if bias and expected else 0.0)
    target = claim.target if target is None else target
    est = sized_estimate(lambda g, size: claim.sampler(g, size, **params), claim.statistic,
                         expected, rng, pilot_rng, target=target, rel_width=width, rel_low=lo,
                         alpha=alpha, pilot=claim.pilot, cap=claim.max_samples,
                         samples=samples or claim.samples)
    return compare(est, expected, bias=bias, rel_bias=(lo, hi), alpha=alpha,
                   target_mdre=target)


def claim_generators(seed: int, derivation_id: str, claim: Claim, params: dict):
    """(main, pilot) generators of a claim case, keyed by names and parameters, never positions."""
    from numerics.rng import check_generator

    key = (derivation_id, claim.name, case_key(params))
    return check_generator(seed, *key), check_generator(seed, *key, "pilot")


def mc_key(d: Derivation, claim: Claim, params: dict, opts: Options) -> str | None:
    """The store key of a Monte Carlo case, or None when its code is not covered by the code
    fingerprint (a sampler or bias function from outside the package: never cached)."""
    code = [packaged(f) for f in (claim.sampler, claim.bias, claim.rel_bias) if f is not None]
    if None in code:
        return None
    return step_key("monte-carlo", d.id, claim.name, case_key(params), opts.seed, opts.alpha,
                    opts.samples, claim.statistic, as_expr(claim.expected), code, claim.target,
                    claim.pilot, claim.max_samples, claim.samples)


def _mc_task(d: Derivation, claim: Claim, params: dict, opts: Options,
             cache: StepCache) -> Work:
    params = dict(params)
    key = mc_key(d, claim, params, opts)
    base = {"name": claim.name, "equation": claim.equation, "statistic": claim.statistic,
            "parameters": {k: params[k] for k in sorted(params)}, "alpha": opts.alpha,
            "simulates": claim.simulates, "bias_note": claim.bias_note,
            "control_note": claim.control_note}

    def simulate() -> dict:
        rng, pilot_rng = claim_generators(opts.seed, d.id, claim, params)
        return claim_comparison(claim, params, rng, pilot_rng, alpha=opts.alpha,
                                samples=opts.samples).as_dict()

    def lookup() -> dict | None:
        hit = cache.get(key, valid_mc_result) if key is not None else None
        return None if hit is None else dict(base, **hit, seconds=0.0)

    def compute() -> tuple[dict, float]:
        start = time.perf_counter()
        res = run_limited(simulate, opts.mc_seconds)  # a child, or an alarm in a worker
        return res, round(time.perf_counter() - start, 3)

    def finish(done: tuple[dict, float]) -> dict:
        res = canonical(done[0])
        if key is not None:
            cache.put(key, res, valid=valid_mc_result)
        return dict(base, **res, seconds=done[1])

    def fail(exc: Exception) -> dict:
        return dict(base, expected=None, estimate=None, stderr=None,
                    n=opts.samples or claim.samples, bias_bound=None, p_value=None,
                    min_detectable_rel_error=None, target_mdre=claim.target, controls=None,
                    rel_bias=None, verdict="undecided", error=str(exc), seconds=None)

    return Work(lookup, compute, finish, fail, opts.mc_seconds + ANSWER_GRACE)


class Progress:
    """A one-line counter on a terminal; silent otherwise."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.done = total, 0
        self.enabled = enabled and sys.stderr.isatty()

    def tick(self, label: str) -> None:
        self.done += 1
        if self.enabled:
            sys.stderr.write(f"\r\033[K[{self.done}/{self.total}] {label}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _derivation_tasks(d: Derivation, opts: Options, cache: StepCache, simplifier,
                      steps: bool) -> list[Task]:
    """The work items of one derivation: steps, printed forms, Monte Carlo cases."""
    tasks: list[Task] = []
    for step in d.steps if steps else ():
        tasks.append(((d.id, "step", step.id), f"{d.id}:{step.id}",
                      _step_task(d, step, False, opts, cache, simplifier)))
        if step.printed is not None:
            tasks.append(((d.id, "printed", step.id), f"{d.id}:{step.id} as printed",
                          _step_task(d, step, True, opts, cache, simplifier)))
    if opts.mc:
        for claim in d.claims:
            for params in claim.cases:
                key = case_key(dict(params))
                tasks.append(((d.id, "mc", claim.name, key), f"{d.id}:{claim.name} {key}",
                              _mc_task(d, claim, params, opts, cache)))
    return tasks


def run(derivations: Sequence[Derivation], opts: Options = Options(), *,
        progress: bool = False, simplifier=None, steps: bool = True, notes=None) -> dict:
    """Check ``derivations`` and return the JSON-contract dictionary (DESIGN §4).

    ``steps=False`` runs the Monte Carlo claims only (the report's step lists stay empty).
    ``notes``: read each quoted label's printed form from this notes file instead of the
    derivation's quotation (:mod:`.quoted`).  A lazy sequence
    (:func:`derivations.registry.lazy`) is loaded while the first derivations run
    (:mod:`.schedule`).
    """
    start = time.perf_counter()
    cache = StepCache(opts.cache)
    loaded: list[Derivation] = []
    links: dict = {}

    def batches():
        for d in derivations:  # loading a lazy sequence's next derivation happens here
            loaded.append(d)
            batch = _derivation_tasks(d, opts, cache, simplifier, steps)
            if steps:
                d_links, quoted = tasks_and_links([d], opts, notes, cache)
                links.update(d_links)
                batch += quoted
            yield batch

    bar = Progress(0, progress)

    def tick(label: str, total: int) -> None:
        bar.total = total
        bar.tick(label)

    try:
        results = pipelined(batches(), opts.jobs, tick)
    finally:
        bar.close()
        cache.close()
    results.update({(i, "quotes"): v for i, v in links.items()})
    reports = [_report(d, results, opts) for d in loaded]
    summary = {
        "derivations": len(reports),
        "passed": sum(r["verdict"] == "pass" for r in reports),
        "failed": sum(r["verdict"] == "fail" for r in reports),
        "undecided": sum(r["verdict"] == "undecided" for r in reports),
        "steps": sum(len(r["steps"]) for r in reports),
        "errata": sum(sum(e["is_erratum"] for e in r["errata"]) for r in reports),
        "seconds": round(time.perf_counter() - start, 3) if opts.timings else None,
    }
    return {"tool": "lecturecheck", "version": __version__, "seed": opts.seed,
            "options": opts.public(), "derivations": reports, "summary": summary}


def _report(d: Derivation, results: dict, opts: Options) -> dict:
    steps, errata = [], []
    for i, step in enumerate(d.steps):
        if (d.id, "step", step.id) not in results:
            continue  # a Monte Carlo-only run
        r = results[(d.id, "step", step.id)]
        rel = step.relation
        steps.append({"id": step.id, "index": i, "equation": step.equation,
                      "lhs_latex": r["lhs_latex"], "rhs_latex": r["rhs_latex"], "relation": rel,
                      "justification": step.justification, "verdict": r["verdict"],
                      "method": r["method"], "evidence": r.get("evidence"),
                      "seconds": r["seconds"] if opts.timings else None,
                      "difference_latex": r["difference_latex"], "witness": r["witness"],
                      "evaluation": r["evaluation"], "notes": r["notes"]})
        if step.printed is not None:
            p = results[(d.id, "printed", step.id)]
            prel = sides(step, True)[2]
            errata.append({
                "step": step.id, "equation": step.equation,
                "printed_latex": f"{p['lhs_latex']} {REL_TEX[prel]} {p['rhs_latex']}",
                "corrected_latex": f"{r['lhs_latex']} {REL_TEX[rel]} {r['rhs_latex']}",
                "verdict": p["verdict"], "corrected_verdict": r["verdict"],
                "is_erratum": p["verdict"] == "refuted" and r["verdict"] in ESTABLISHED,
                "witness": p["witness"], "evaluation": p["evaluation"],
                "note": step.printed.note})
    annotate_hand_typed(errata, results.get((d.id, "quotes"), []))
    errata += quoted_errata(d, results.get((d.id, "quotes"), []), results, steps)
    mc = []
    for claim in d.claims if opts.mc else ():
        for params in claim.cases:
            m = results[(d.id, "mc", claim.name, case_key(dict(params)))]
            if not opts.timings:
                m = dict(m, seconds=None)
            mc.append(m)
    step_verdicts = [s["verdict"] for s in steps]
    mc_verdicts = [m["verdict"] for m in mc]
    failing = FAILING + (("numeric",) if opts.strict else ())  # --strict: numeric is no proof
    if any(v in failing for v in step_verdicts) or "contradicted" in mc_verdicts:
        verdict = "fail"
    elif all(v in (STRICT if opts.strict else ESTABLISHED) for v in step_verdicts) \
            and all(v == "consistent" for v in mc_verdicts):
        verdict = "pass"
    else:
        verdict = "undecided"
    return {"id": d.id, "title": d.title,
            "source": {"lecture": d.lecture, "section": d.section, "equations": list(d.equations)},
            "verdict": verdict, "steps": steps, "monte_carlo": mc, "errata": errata}


def errata(report: dict) -> list[dict]:
    """Computed errata of a ``run`` result (DESIGN §4 ``errata --json``)."""
    out = []
    for d in report["derivations"]:
        for e in d["errata"]:
            if e["is_erratum"]:
                out.append({"equation": e["equation"], "line": e.get("line"),
                            "derivation": d["id"], "step": e["step"],
                            "printed_source": e.get("printed_source"),
                            "origin": e.get("origin", "hand"),
                            "printed_latex": e["printed_latex"],
                            "corrected_latex": e["corrected_latex"], "verdict": e["verdict"],
                            "witness": e["witness"], "evaluation": e["evaluation"],
                            "note": e["note"]})
    return out
