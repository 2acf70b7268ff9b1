"""The verdict ladder (DESIGN §2): symbolic check, independent high-precision numerics, witness.

``verify_relation`` is the one entry point; it never raises for a well-formed step (an
internal error ends as ``undecided`` with the error text).  Symbolic work and numeric work
each run in a forked child under a hard time limit (:mod:`derivations.verify.isolate`), so a
runaway ``simplify`` or quadrature ends as ``undecided`` instead of hanging the run.
"""
from __future__ import annotations

import functools
import time
import traceback
import zlib
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import sympy as sp

from ..limits import SYMBOLIC_SHARE
from ..model import Derivation
from ..symbolic.build import as_expr
from .isolate import ChildDied, ChildFailed, TimedOut, remaining, run_limited
from .numeric import MIN_POINTS, PRECISION, NumericOutcome, enough, numeric_check
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
    evidence: dict | None = None
    limited: bool = False  # a time limit (or a killed child) cut the symbolic or numeric half


CORROBORATION = 5  # agreeing points a proof needs from the slow numeric route (integrals, limits)


def step_seed(seed: int, *parts: str) -> int:
    """A per-step seed that does not depend on the order steps are checked in."""
    return zlib.crc32("\x1f".join((str(seed),) + parts).encode())


def side(x):
    """A step side as SymPy accepts it everywhere: explicit matrices immutable, numbers sympified."""
    if isinstance(x, sp.MatrixBase) and not isinstance(x, sp.ImmutableMatrix):
        return sp.ImmutableMatrix(x)
    if isinstance(x, bool):
        raise TypeError(f"expected a SymPy expression, matrix or number, got {x!r}")
    return as_expr(x)  # numbers only, never text


def _latex_diff(lhs, rhs) -> str:
    try:
        return sp.latex(lhs - rhs)
    except Exception:  # noqa: BLE001 - e.g. a matrix minus a scalar
        return f"{sp.latex(lhs)} - {sp.latex(rhs)}"


def verify_relation(derivation: Derivation, lhs, rhs, relation: str = "=", *,
                    seed: int = 0, timeout: float = 20.0, points: int = 5,
                    tolerance: float = 1e-20, constraints: Sequence = (),
                    domain: Mapping | None = None,
                    simplifier: Callable | None = None) -> StepResult:
    """Return the verdict of ``lhs <relation> rhs`` under ``derivation``'s assumptions."""
    start = time.perf_counter()
    try:
        if simplifier is None:  # the canonicaliser knows the declared matrix properties
            props = {m.symbol: m.props for m in derivation.matrices}
            simplifier = functools.partial(default_simplify, matrices=props)
        return _verify(derivation, side(lhs), side(rhs), relation, seed, timeout, points,
                       tolerance, constraints, domain, simplifier, start)
    except Exception as exc:  # noqa: BLE001 - never raise for a step: report it
        where = traceback.format_exc(limit=-1).strip().splitlines()[-2:]
        return StepResult("undecided", f"internal error: {type(exc).__name__}: {exc}", "",
                          seconds=round(time.perf_counter() - start, 3),
                          notes=[f"{type(exc).__name__}: {exc}", " | ".join(where)])


def _verify(derivation, lhs, rhs, relation, seed, timeout, points, tolerance, constraints,
            domain, simplifier, start) -> StepResult:
    notes: list[str] = []
    limited = False  # set when a time limit or a dead child cut a half short (never cached)
    sym_limit = SYMBOLIC_SHARE * timeout  # the numeric half keeps the rest, at least STEP_GRACE
    try:
        sym_zero, diff_latex = run_limited(lambda: _symbolic(lhs, rhs, relation, simplifier), sym_limit)
        sym_state = "zero" if sym_zero else "not-reduced"
    except TimedOut:
        sym_zero, diff_latex, sym_state = False, _latex_diff(lhs, rhs), "timeout"
        notes.append(f"symbolic simplification stopped at the {timeout:g} s limit")
        limited = True
    except ChildFailed as exc:
        sym_zero, diff_latex, sym_state = False, _latex_diff(lhs, rhs), "error"
        notes.append(f"symbolic engine failed: {exc}")
        limited = isinstance(exc, ChildDied)
    # agreeing points wanted on the slow route: corroboration for a proof, MIN_POINTS otherwise
    wanted = max(points, CORROBORATION if sym_zero else MIN_POINTS)
    try:
        num = run_limited(lambda: numeric_check(
            derivation, lhs, rhs, relation, seed=seed, points=wanted, tolerance=tolerance,
            constraints=constraints, domain=domain), remaining(start, timeout))
    except TimedOut:
        limited = True
        num = NumericOutcome(None, 0, False, note=f"numeric evaluation stopped at the {timeout:g} s limit")
    except ChildFailed as exc:
        limited = limited or isinstance(exc, ChildDied)
        num = NumericOutcome(None, 0, False, note=f"numeric evaluation failed: {exc}")
    if num.note:
        notes.append(num.note)
    ev = num.evidence or {}
    kinds = ", ".join(f"{v} {k}" for k, v in ev.get("points", {}).items() if v)
    how = (f"exhaustive over {num.points} points" if num.exhaustive
           else f"mpmath {PRECISION} digits at {num.points} admissible points ({kinds}), "
                f"rel. tol {tolerance:g}")
    evidence = None
    if num.agree is False:
        verdict = "inconsistent" if sym_zero else "refuted"
        method = ("symbolic engine returned zero but the numbers disagree; " if sym_zero else "") + \
            f"witness found (re-checked: {num.evaluation.get('recheck')})"
    elif num.agree:
        evidence = ev
        if sym_zero:
            verdict, method = "proved", f"simplify to zero; {how}"
        elif num.exhaustive:
            verdict, method = "exhaustive", how + f"; symbolic: {sym_state}"
        elif enough(num):
            verdict, method = "numeric", how + f" (not a proof); symbolic: {sym_state}"
        else:
            verdict = "undecided"
            method = (f"only {num.points} agreeing points (a numeric verdict needs {MIN_POINTS}); "
                      f"symbolic: {sym_state}")
    else:
        verdict, method = "undecided", f"symbolic: {sym_state}; numeric: no evaluation"
    return StepResult(verdict, method, diff_latex, num.witness, num.evaluation,
                      round(time.perf_counter() - start, 3), notes, evidence, limited=limited)
