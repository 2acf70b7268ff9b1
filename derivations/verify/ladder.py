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

from ..limits import STEP_GRACE, SYMBOLIC_SHARE
from ..model import Derivation
from ..symbolic.build import as_expr
from .isolate import ChildDied, ChildFailed, TimedOut, in_parent, remaining, run_limited
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
    sides_latex: tuple[str, str] | None = None  # LaTeX of both sides, made in the symbolic child


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


def latex_difference(lhs, rhs) -> str:
    try:
        return sp.latex(lhs - rhs)
    except Exception:  # noqa: BLE001 - e.g. a matrix minus a scalar
        return f"{sp.latex(lhs)} - {sp.latex(rhs)}"


def verify_relation(derivation: Derivation, lhs, rhs, relation: str = "=", *,
                    seed: int = 0, timeout: float = 20.0, points: int = 5,
                    tolerance: float = 1e-20, constraints: Sequence = (),
                    domain: Mapping | None = None,
                    simplifier: Callable | None = None) -> StepResult:
    """Return the verdict of ``lhs <relation> rhs`` under ``derivation``'s assumptions.

    ``simplifier`` replaces the default rewritings (one symbolic stage, then the numbers)."""
    start = time.perf_counter()
    try:
        if simplifier is None:  # the canonicaliser knows the declared matrix properties
            props = {m.symbol: m.props for m in derivation.matrices}
            stages = (functools.partial(default_simplify, matrices=props, cheap=True),
                      functools.partial(default_simplify, matrices=props))
        else:
            stages = (simplifier,)
        return _verify(derivation, side(lhs), side(rhs), relation, seed, timeout, points,
                       tolerance, constraints, domain, stages, start)
    except Exception as exc:  # noqa: BLE001 - never raise for a step: report it
        where = traceback.format_exc(limit=-1).strip().splitlines()[-2:]
        return StepResult("undecided", f"internal error: {type(exc).__name__}: {exc}", "",
                          seconds=round(time.perf_counter() - start, 3),
                          notes=[f"{type(exc).__name__}: {exc}", " | ".join(where)])


class _Run:
    """One step's budget and what cut it short (``limited`` results are never cached)."""

    def __init__(self, start: float, timeout: float) -> None:
        self.start, self.timeout = start, timeout
        self.sym_budget = SYMBOLIC_SHARE * timeout  # both symbolic stages together
        self.sym_used = 0.0
        self.limited = False
        self.notes: list[str] = []
        self.sides_latex: tuple[str, str] | None = None

    def symbolic(self, lhs, rhs, relation, simplifier, *, cheap: bool, limit: float):
        """(zero?, difference LaTeX, state) of one symbolic stage run in a child; the first
        stage also prints both sides there (``sides_latex``), off the parent's thread."""
        t0 = time.perf_counter()
        first = self.sides_latex is None

        def stage():
            out = _symbolic(lhs, rhs, relation, simplifier, cheap)
            return out + ((sp.latex(lhs), sp.latex(rhs)) if first else ())
        try:
            zero, diff_latex, *printed = run_limited(stage, limit)
            if printed:
                self.sides_latex = tuple(printed)
            return zero, diff_latex, "zero" if zero else "not-reduced"
        except TimedOut:
            self.notes.append(f"symbolic simplification stopped at the {self.timeout:g} s limit")
            self.limited = True
            return False, in_parent(lambda: latex_difference(lhs, rhs)), "timeout"
        except ChildFailed as exc:
            self.notes.append(f"symbolic engine failed: {exc}")
            self.limited = self.limited or isinstance(exc, ChildDied)
            return False, in_parent(lambda: latex_difference(lhs, rhs)), "error"
        finally:
            self.sym_used += time.perf_counter() - t0

    def numeric(self, derivation, lhs, rhs, relation, *, limit: float, **kw) -> NumericOutcome:
        try:
            return run_limited(lambda: numeric_check(derivation, lhs, rhs, relation, **kw), limit)
        except TimedOut:
            self.limited = True
            return NumericOutcome(None, 0, False,
                                  note=f"numeric evaluation stopped at the {self.timeout:g} s limit")
        except ChildFailed as exc:
            self.limited = self.limited or isinstance(exc, ChildDied)
            return NumericOutcome(None, 0, False, note=f"numeric evaluation failed: {exc}")

    def sym_left(self) -> float:
        """Seconds the symbolic stages may still use (never past the step's own limit)."""
        return min(self.sym_budget - self.sym_used, remaining(self.start, self.timeout, 0.0))


def _verify(derivation, lhs, rhs, relation, seed, timeout, points, tolerance, constraints,
            domain, stages, start) -> StepResult:
    """Symbolic stage 1 (cheap rewritings); if it does not reduce the difference, the numbers
    first (a confirmed witness settles it: ``simplify()`` could only turn ``refuted`` into
    ``inconsistent``, both failing), then stage 2 (``simplify()``) with the rest of the symbolic
    budget — unless the numbers covered every point of a finite domain, which settles the step
    (``exhaustive``; ``simplify()`` could only relabel it ``proved``); a step ends within
    ``timeout`` + 1 s (DESIGN §2)."""
    run = _Run(start, timeout)
    numeric_kw = dict(seed=seed, tolerance=tolerance, constraints=constraints, domain=domain)
    sym_zero, diff_latex, sym_state = run.symbolic(lhs, rhs, relation, stages[0],
                                                   cheap=len(stages) > 1, limit=run.sym_budget)
    skipped_note = ""
    if sym_zero or len(stages) == 1 or sym_state == "timeout":
        # agreeing points wanted on the slow route: corroboration for a proof, MIN_POINTS otherwise
        num = run.numeric(derivation, lhs, rhs, relation, limit=remaining(start, timeout),
                          points=max(points, CORROBORATION if sym_zero else MIN_POINTS), **numeric_kw)
    else:
        reserve = max(run.sym_budget - run.sym_used, 0.0)
        num = run.numeric(derivation, lhs, rhs, relation, points=max(points, CORROBORATION),
                          limit=max(remaining(start, timeout) - reserve, STEP_GRACE), **numeric_kw)
        if num.agree is False:
            skipped_note = "; canonicaliser and simplify() not tried: the numbers refute the step"
        elif num.agree and num.exhaustive:  # every point of the finite domain: settled
            sym_state += " (cheap rewritings; simplify() not tried: the finite domain is covered)"
        else:
            left = run.sym_left()
            if left > 0.05:
                sym_zero, diff_latex, sym_state = run.symbolic(lhs, rhs, relation, stages[1],
                                                               cheap=False, limit=left)
            else:
                run.limited = True
                sym_state = "timeout"
                run.notes.append(f"symbolic simplification stopped at the {timeout:g} s limit")
            if not sym_zero and num.agree and not num.exhaustive and not enough(num):
                num = run.numeric(derivation, lhs, rhs, relation, limit=remaining(start, timeout),
                                  points=max(points, MIN_POINTS), **numeric_kw)
    notes = run.notes
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
            f"witness found (re-checked: {num.evaluation.get('recheck')})" + skipped_note
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
                      round(time.perf_counter() - start, 3), notes, evidence, limited=run.limited,
                      sides_latex=run.sides_latex)
