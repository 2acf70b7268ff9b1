"""The verdict ladder (DESIGN §2): symbolic check, independent high-precision numerics, witness.

``verify_relation`` is the one entry point.  Symbolic work and numeric work each run in a
forked child under a hard time limit (:mod:`derivations.verify.isolate`), so a runaway
``simplify`` or quadrature ends as ``undecided`` instead of hanging the run.
"""
from __future__ import annotations

import time
import zlib
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import sympy as sp

from ..model import Derivation
from .isolate import ChildFailed, TimedOut, run_limited
from .numeric import PRECISION, NumericOutcome, numeric_check
from .symbolic import _symbolic, default_simplify
from .isolate import ChildDied, remaining  # the step's one budget: timeout + STEP_GRACE at most
from ..limits import SYMBOLIC_SHARE


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


def verify_relation(derivation: Derivation, lhs, rhs, relation: str = "=", *,
                    seed: int = 0, timeout: float = 20.0, points: int = 5,
                    tolerance: float = 1e-20, constraints: Sequence = (),
                    domain: Mapping | None = None,
                    simplifier: Callable | None = None) -> StepResult:
    """Return the verdict of ``lhs <relation> rhs`` under ``derivation``'s assumptions."""
    start = time.perf_counter()
    simplifier = simplifier or default_simplify
    notes: list[str] = []
    limited = False  # set when a time limit or a dead child cut a half short (never cached)
    sym_limit = SYMBOLIC_SHARE * timeout  # the numeric half keeps the rest, at least STEP_GRACE
    try:
        sym_zero, diff_latex = run_limited(lambda: _symbolic(lhs, rhs, relation, simplifier), sym_limit)
        sym_state = "zero" if sym_zero else "not-reduced"
    except TimedOut:
        sym_zero, diff_latex, sym_state = False, sp.latex(lhs - rhs), "timeout"
        notes.append(f"symbolic simplification stopped at the {timeout:g} s limit")
        limited = True
    except ChildFailed as exc:
        sym_zero, diff_latex, sym_state = False, sp.latex(lhs - rhs), "error"
        notes.append(f"symbolic engine failed: {exc}")
        limited = isinstance(exc, ChildDied)
    try:
        num = run_limited(lambda: numeric_check(
            derivation, lhs, rhs, relation, seed=seed, points=points, tolerance=tolerance,
            constraints=constraints, domain=domain), remaining(start, timeout))
    except TimedOut:
        limited = True
        num = NumericOutcome(None, 0, False, note=f"numeric evaluation stopped at the {timeout:g} s limit")
    except ChildFailed as exc:
        limited = limited or isinstance(exc, ChildDied)
        num = NumericOutcome(None, 0, False, note=f"numeric evaluation failed: {exc}")
    if num.note:
        notes.append(num.note)
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
                      round(time.perf_counter() - start, 3), notes, limited=limited)
