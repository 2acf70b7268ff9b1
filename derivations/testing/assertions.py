"""Assertions for tests: a failing step or claim explains itself (DESIGN §4, pytest API).

``assert_step_holds`` checks one step; ``assert_derivation_passes`` runs a whole derivation
through :func:`derivations.check.run`.  Failure messages name the derivation, the step (index,
equation label, justification), the verdict, the simplified difference and the witness.  The
``*_cases`` helpers turn the registry into ``(id, ...)`` tuples for ``pytest.mark.parametrize``
with ids like ``mallat.tweedie:score``.

Example:

>>> import sympy as sp
>>> from derivations.model import Derivation, Step
>>> x = sp.Symbol("x", real=True)
>>> d = Derivation("demo.square", "square", "demo", "0", ("0.1",),
...                (Step((x + 1)**2, x**2 + 2*x + 1, "expand", "0.1", id="expand"),))
>>> assert_step_holds(d, "expand")
"""
from __future__ import annotations

import json

import sympy as sp

from ..model import ESTABLISHED
from ..run.runner import Options, run, sides
from ..model import Derivation
from ..verify import step_seed, verify_relation


def _fmt_witness(witness: dict | None, evaluation: dict | None) -> str:
    if not witness:
        return "none"
    w = ", ".join(f"{k}={v}" for k, v in witness.items())
    if evaluation:
        w += "; " + ", ".join(f"{k}={v}" for k, v in evaluation.items())
    return w


def step_message(derivation_id: str, step: dict) -> str:
    """Readable description of one step entry of a ``run`` report (JSON contract)."""
    label = f"eq. {step['equation']}" if step.get("equation") else "unlabelled"
    lines = [
        f"{derivation_id}:{step['id']} ({label}, {step['justification']!r}): "
        f"verdict {step['verdict']}",
        f"  relation:              {step['lhs_latex']}  {step['relation']}  {step['rhs_latex']}",
        f"  method:                {step['method']}",
        f"  simplified difference: {step['difference_latex']}",
        f"  witness:               {_fmt_witness(step.get('witness'), step.get('evaluation'))}",
    ]
    if step.get("notes"):
        lines.append(f"  notes:                 {'; '.join(step['notes'])}")
    return "\n".join(lines)


def mc_message(derivation_id: str, mc: dict) -> str:
    """Readable description of one Monte Carlo entry of a ``run`` report."""
    fields = ("expected", "estimate", "stderr", "n", "bias_bound", "p_value",
              "min_detectable_rel_error")
    stats = ", ".join(f"{k}={mc.get(k)}" for k in fields)
    extra = f"; error: {mc['error']}" if mc.get("error") else ""
    return (f"{derivation_id} claim {mc['name']!r} (eq. {mc.get('equation')}) at "
            f"{json.dumps(mc['parameters'], sort_keys=True)}: verdict {mc['verdict']} ({stats}){extra}")


def report_failures(entry: dict) -> list[str]:
    """Messages for every reason a derivation report entry does not pass (empty: it passes)."""
    out = [step_message(entry["id"], s) for s in entry["steps"] if s["verdict"] not in ESTABLISHED]
    out += [mc_message(entry["id"], m) for m in entry["monte_carlo"] if m["verdict"] != "consistent"]
    return out


def assert_step_holds(derivation: Derivation, step_id: str, *, seed: int = 0,
                      timeout: float = 20.0, points: int = 5) -> None:
    """Raise ``AssertionError`` unless step ``step_id`` is at least ``numeric``.

    Uses the same per-step seed as :func:`derivations.run.run`, so a failure here replays
    there.
    """
    step = derivation.step(step_id)
    lhs, rhs, rel = sides(step, printed=False)
    r = verify_relation(derivation, lhs, rhs, rel,
                        seed=step_seed(seed, derivation.id, step.id, "corrected"),
                        timeout=timeout, points=points, tolerance=step.tolerance,
                        constraints=step.constraints, domain=step.domain)
    if r.verdict not in ESTABLISHED:
        entry = {"id": step.id, "equation": step.equation, "justification": step.justification,
                 "verdict": r.verdict, "lhs_latex": sp.sstr(lhs), "rhs_latex": sp.sstr(rhs),
                 "relation": rel, "method": r.method, "difference_latex": r.difference_latex,
                 "witness": r.witness, "evaluation": r.evaluation, "notes": r.notes}
        raise AssertionError(step_message(derivation.id, entry))


def assert_derivation_passes(derivation: Derivation, options: Options | None = None) -> dict:
    """Run ``derivation``; raise ``AssertionError`` listing every failing step and claim.

    Returns the derivation's report entry when it passes.
    """
    report = run([derivation], options or Options(cache=False))
    entry = report["derivations"][0]
    failures = report_failures(entry)
    if failures:
        raise AssertionError(f"{derivation.id}: {len(failures)} failure(s)\n" + "\n".join(failures))
    return entry
