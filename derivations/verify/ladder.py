"""The verdict ladder (DESIGN §2): symbolic check, independent high-precision numerics, witness.

``verify_relation`` is the one entry point.  Symbolic work and numeric work each run in a
forked child under a hard time limit (:mod:`derivations.verify.isolate`), so a runaway
``simplify`` or quadrature ends as ``undecided`` instead of hanging the run.  The two halves
share one budget: the numeric half (needed for every verdict) gets ``timeout`` seconds, the
symbolic half what is left of it but at least :data:`STEP_GRACE` — a step ends within
``timeout + STEP_GRACE`` seconds (plus process start-up).  ``StepResult.limited`` says that a
limit cut a half: such a result is never cached.
"""
from __future__ import annotations

import time
import zlib
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import sympy as sp

from ..model import Derivation
from .isolate import ChildDied, ChildFailed, TimedOut, run_limited
from .numeric import PRECISION, NumericOutcome, numeric_check
from ..limits import STEP_GRACE  # seconds the second (symbolic) half gets even past the budget
from .symbolic import _symbolic, default_simplify


@dataclass
class StepResult:
    verdict: str
    method: str
    difference_latex: str
    witness: dict | None = None
    evaluation: dict | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    limited: bool = False  # a time limit (or a killed child) cut the symbolic or numeric half



def step_seed(seed: int, *parts: str) -> int:
    """A per-step seed that does not depend on the order steps are checked in."""
    return zlib.crc32("\x1f".join((str(seed),) + parts).encode())


def _numeric_half(derivation, lhs, rhs, relation, limit, kw) -> tuple[NumericOutcome, bool]:
    """The numeric evaluation under ``limit`` seconds, and whether a limit cut it."""
    try:
        return run_limited(lambda: numeric_check(derivation, lhs, rhs, relation, **kw), limit), False
    except TimedOut:
        return NumericOutcome(None, 0, False, note=f"numeric evaluation stopped at the {limit:g} s "
                              "limit"), True
    except ChildFailed as exc:
        return (NumericOutcome(None, 0, False, note=f"numeric evaluation failed: {exc}"),
                isinstance(exc, ChildDied))


def _symbolic_half(lhs, rhs, relation, simplifier, limit, timeout):
    """(zero?, difference LaTeX, state, note, limited?) of the symbolic half under ``limit`` s;
    notes name the step's ``timeout`` (not the remaining budget): output stays reproducible."""
    try:
        zero, diff_latex = run_limited(lambda: _symbolic(lhs, rhs, relation, simplifier), limit)
        return zero, diff_latex, "zero" if zero else "not-reduced", "", False
    except TimedOut:
        return (False, sp.latex(lhs - rhs), "timeout",
                f"symbolic simplification stopped at the {timeout:g} s limit", True)
    except ChildFailed as exc:
        return (False, sp.latex(lhs - rhs), "error", f"symbolic engine failed: {exc}",
                isinstance(exc, ChildDied))


def verify_relation(derivation: Derivation, lhs, rhs, relation: str = "=", *,
                    seed: int = 0, timeout: float = 20.0, points: int = 5,
                    tolerance: float = 1e-20, constraints: Sequence = (),
                    domain: Mapping | None = None,
                    simplifier: Callable | None = None) -> StepResult:
    """Return the verdict of ``lhs <relation> rhs`` under ``derivation``'s assumptions."""
    start = time.perf_counter()
    simplifier = simplifier or default_simplify
    # the numeric half first (every verdict but ``undecided`` needs it), then the symbolic half
    # with what is left of the step's budget (at least STEP_GRACE)
    num, num_limited = _numeric_half(derivation, lhs, rhs, relation, timeout, dict(
        seed=seed, points=points, tolerance=tolerance, constraints=constraints, domain=domain))
    left = max(timeout - (time.perf_counter() - start), STEP_GRACE)
    sym_zero, diff_latex, sym_state, sym_note, sym_limited = _symbolic_half(
        lhs, rhs, relation, simplifier, left, timeout)
    notes = [n for n in (sym_note, num.note) if n]
    limited = num_limited or sym_limited
    how = (f"exhaustive over {num.points} points" if num.exhaustive
           else f"mpmath {PRECISION} digits at {num.points} random admissible points, rel. tol {tolerance:g}")
    if num.agree is False:
        verdict = "inconsistent" if sym_zero else "refuted"
        method = ("symbolic engine returned zero but the numbers disagree; " if sym_zero else "") + \
            f"witness found ({num.evaluation.get('recheck')} re-check)"
    elif num.agree:
        if sym_zero:
            verdict, method = "proved", f"simplify to zero; {how}"
        else:
            verdict = "exhaustive" if num.exhaustive else "numeric"
            method = how + ("" if num.exhaustive else " (not a proof)") + f"; symbolic: {sym_state}"
    else:
        verdict, method = "undecided", f"symbolic: {sym_state}; numeric: no evaluation"
    return StepResult(verdict, method, diff_latex, num.witness, num.evaluation,
                      round(time.perf_counter() - start, 3), notes, limited)
