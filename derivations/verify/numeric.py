"""The numeric half of the verdict ladder: both sides at many admissible points, high precision.

Independent of the symbolic half.  Each side is turned into an evaluator once per step
(:mod:`.evaluate`: lambdified scalars and mpmath matrices are cheap, SymPy's route for
integrals, limits and derivatives is not) and evaluated at special and random points
(:mod:`.points`).

What a point tells (DESIGN §2):

* both sides agree to the relative tolerance → an agreeing point (special, random, exhaustive);
* they disagree, and keep disagreeing as the precision is raised → a witness, re-checked by an
  independent route (exact rationals, or SymPy ``evalf`` at 100 digits);
* one side finite and the other undefined or divergent → a witness too, unless the undefined
  side is finite and equal just beside the point (a removable singularity);
* neither side can be evaluated, or the values do not settle as precision rises → skipped, and
  counted.
"""
from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from typing import Any, Mapping

import mpmath
import sympy as sp

from ..model import Derivation
from .evaluate import (PRECISION, SECOND, Lambdified, Substituted, Undefined, Unevaluable, _held_forms,
                       _is_integral, evaluator)
from .numeric_limit import SYMPY
from .points import as_expr, describe, draw_point, explicit, plan, substitute

MAX_PRECISION = 240  # disagreements are re-evaluated at 2x, 4x, … up to this many digits
CONFIRM_PRECISION = 100  # digits of SymPy's evalf when it re-checks a witness
MIN_POINTS = 32  # agreeing points needed for a `numeric` verdict
FAST_POINTS = (24, 40)  # (special, random) points for lambdified scalar steps
MATRIX_POINTS = (12, 20)  # (special, random) points for mpmath-matrix steps (d up to 6) …
MATRIX_CORROBORATION = (4, 4)  # … and when fewer are asked for (a proof's corroboration)
MAX_EXHAUSTIVE = 1 << 16


# ---------------------------------------------------------------- comparing values

def _scale(*sides) -> mpmath.mpf:
    return max((abs(v) for side in sides for v in side), default=mpmath.mpf(0))


def agree(lv: tuple, rv: tuple, relation: str, tol: float) -> tuple[bool, float]:
    """(agree, relative discrepancy): |l − r| ≤ tol·max(|l|, |r|), no absolute floor; only an
    exact zero equals zero."""
    if len(lv) != len(rv):
        raise Undefined(f"shapes differ: {len(lv)} vs {len(rv)} entries")
    scale = _scale(lv, rv)
    if relation == "=":
        gap = max((abs(a - b) for a, b in zip(lv, rv)), default=mpmath.mpf(0))
        if gap == 0:
            return True, 0.0
        rel = gap / scale
        return bool(rel <= tol), float(rel)
    lo, hi = (lv, rv) if relation == "<=" else (rv, lv)
    excess = max(mpmath.re(a - b) for a, b in zip(lo, hi))
    if excess <= 0:
        return True, 0.0
    return bool(excess <= tol * scale), float(excess / scale)


def _vanishing(v: tuple, v2: tuple, dps: int) -> tuple:
    """Entries that shrink with the working precision are rounding noise around an exact 0."""
    out = []
    for a, b in zip(v, v2):
        out.append(mpmath.mpf(0) if a != 0 and abs(b) <= abs(a) * mpmath.mpf(10) ** (-dps // 2) else b)
    return tuple(out)


def _settled(v: tuple, v2: tuple, dps: int) -> bool:
    """Doubling the precision moved no entry by more than 10^(5-dps) of the side's size, and
    none is 0: the value at ``dps`` digits was already good to dps - 5 digits, so the side is
    not evaluated again while the other side's precision keeps rising (1 - erf(13) cancels to 0
    below 80 digits; an extrapolated limit beside it need not be taken again at 120)."""
    scale = _scale(v2)
    return scale != 0 and all(a != 0 and abs(a - b) <= scale * mpmath.mpf(10) ** (5 - dps)
                              for a, b in zip(v, v2))


def _stable(v: tuple, v2: tuple, dps: int) -> bool:
    scale = _scale(v2)
    return all(abs(a - b) <= scale * mpmath.mpf(10) ** (-dps // 2) for a, b in zip(v, v2))


@dataclass
class Settled:
    kind: str  # "agree" | "disagree" | "undefined" | "skipped"
    lhs: Any = None
    rhs: Any = None
    rel: float = 0.0
    dps: int = PRECISION
    note: str = ""


def _value(f, point, dps):
    """One side at ``point``; an undefined side is returned as its exception (a possible
    witness beside a finite other side)."""
    try:
        return f(point, dps)
    except Undefined as exc:
        return exc


def settle(fl, fr, point, relation, tol) -> Settled:
    """Compare both sides at ``point``, raising the precision while they disagree."""
    dps = PRECISION
    try:
        lv, rv = _value(fl, point, dps), _value(fr, point, dps)
    except Unevaluable as exc:
        return Settled("skipped", note=str(exc))
    if isinstance(lv, Undefined) and isinstance(rv, Undefined):
        return Settled("skipped", note="both sides undefined")
    if isinstance(lv, Undefined) or isinstance(rv, Undefined):
        return Settled("undefined", lv, rv)
    try:
        ok, rel = agree(lv, rv, relation, tol)
    except Undefined as exc:
        return Settled("undefined", lv, exc)
    fixed = [False, False]  # a side whose value no longer moves with the precision
    while not ok:
        if 2 * dps > MAX_PRECISION:
            return Settled("skipped", lv, rv, rel, dps, "values do not settle as precision rises")
        try:
            lv2 = lv if fixed[0] else fl(point, 2 * dps)
            rv2 = rv if fixed[1] else fr(point, 2 * dps)
        except (Undefined, Unevaluable) as exc:
            return Settled("skipped", note=f"not evaluable at {2 * dps} digits: {exc}")
        lv2, rv2 = _vanishing(lv, lv2, dps), _vanishing(rv, rv2, dps)
        # a side lost in cancellation does not move either (A − 1 is 0 at 30, 60 and 120
        # digits when A = 1 − 10^{-130}): it is never frozen
        fixed = [fixed[0] or (_settled(lv, lv2, dps) and not _cancels(fl, point, 2 * dps)),
                 fixed[1] or (_settled(rv, rv2, dps) and not _cancels(fr, point, 2 * dps))]
        ok, rel2 = agree(lv2, rv2, relation, tol)
        if not ok and _stable(lv, lv2, dps) and _stable(rv, rv2, dps) and \
                not _cancels(fl, point, 2 * dps) and not _cancels(fr, point, 2 * dps):
            return Settled("disagree", lv2, rv2, rel2, 2 * dps)
        lv, rv, rel, dps = lv2, rv2, rel2, 2 * dps
    return Settled("agree", lv, rv, rel, dps)


def _cancels(f, point, dps) -> bool:
    return isinstance(f, Lambdified) and f.cancels(point, dps)


# ---------------------------------------------------------------- witnesses

def _nearby(point: Mapping, scalars, sign: int, dps: int) -> dict:
    """``point`` moved by a relative 10^(-dps/3) in every real or complex scalar (not integers)."""
    eps = sp.Rational(1, 10 ** (dps // 3))
    out = dict(point)
    for s in scalars:
        if not s.is_integer and s in out:
            v = out[s]
            out[s] = v + sign * eps * (1 + abs(v))
    return out


def _removable(f_undef, f_def, point, scalars, relation, tol) -> bool:
    """The undefined side is finite and equal to the defined one just beside the point."""
    if not any(not s.is_integer for s in scalars):
        return False
    try:
        for sign in (1, -1):
            moved = _nearby(point, scalars, sign, PRECISION)
            a, b = f_undef(moved, PRECISION), f_def(moved, PRECISION)
            if not agree(a, b, relation, 10.0 ** (-PRECISION // 4))[0]:
                return False
    except (Undefined, Unevaluable):
        return False
    return True


def _exact_difference(lhs, rhs, point):
    """The exact difference at ``point`` when both sides evaluate to exact numbers, else None
    (only for algebraic sides: ``doit`` on integrals, limits or derivatives can run long)."""
    if _held_forms(as_expr(lhs), matrices=False) or _held_forms(as_expr(rhs), matrices=False):
        return None
    try:
        lv = explicit(substitute(lhs, point)).doit()
        rv = explicit(substitute(rhs, point)).doit()
        d = lv - rv  # exact rational arithmetic evaluates itself; no simplify (can run away)
        vals = list(d) if isinstance(d, sp.MatrixBase) else [d]
        if all(v.is_Rational for v in vals):
            return d
    except Exception:  # noqa: BLE001 - exact route is best effort; numeric witness stands
        return None
    return None


def _short(v) -> Any:
    if isinstance(v, Exception):
        return f"undefined ({v})"
    if len(v) == 1:
        return mpmath.nstr(v[0], 20)
    return [mpmath.nstr(x, 20) for x in v]


QUADRATURES_DISAGREE = "the two quadratures disagree"


def _has_quadrature(e) -> bool:
    e = as_expr(e)
    nodes = (x for m in (e if isinstance(e, sp.MatrixBase) else [e]) for x in sp.preorder_traversal(m))
    return any(_is_integral(x) for x in nodes)


def _rules(*evaluators) -> str:
    done = [q for f in evaluators for q in getattr(f, "quadratures", ())]
    return "; ".join(dict.fromkeys(done)) or "no quadrature"


def _second_quadrature(lhs, rhs, point, relation, tol, s: Settled, first) -> tuple[bool, str]:
    """A disagreement that went through quadrature, re-evaluated by the second, independent
    rule (:mod:`.evaluate`).  It is a witness only if the second rule reproduces both values
    to within 1/1000 of the discrepancy; if the rules disagree the point is skipped."""
    fl2, fr2 = Substituted(lhs, SECOND), Substituted(rhs, SECOND)
    try:
        lv, rv = fl2(point, s.dps), fr2(point, s.dps)
    except Undefined as exc:
        return False, f"{QUADRATURES_DISAGREE}: the first ({_rules(*first)}) gives a value, the " \
                      f"second ({_rules(fl2, fr2)}) none ({exc})"
    except Unevaluable as exc:
        return False, f"no second quadrature: {exc}"
    close = max(s.rel / 1000, 10.0 ** (-(s.dps // 2)))
    with mpmath.workdps(s.dps):
        same = agree(lv, s.lhs, "=", close)[0] and agree(rv, s.rhs, "=", close)[0]
        still = not agree(lv, rv, relation, tol)[0]
    if not same:
        return False, f"{QUADRATURES_DISAGREE}: first ({_rules(*first)}) {_short(s.lhs)} vs " \
                      f"{_short(s.rhs)}, second ({_rules(fl2, fr2)}) {_short(lv)} vs {_short(rv)}"
    return still, (f"two independent quadratures agree to within 1/1000 of the discrepancy — first "
                   f"{_rules(*first)}, second {_rules(fl2, fr2)}; stable from {PRECISION} to {s.dps} digits")


def recheck(lhs, rhs, point, relation, tol, s: Settled, first=()) -> tuple[bool, str]:
    """Re-check a witness by a route independent of the one that found it (``first``: the
    evaluators that found it, for the record)."""
    quadrature = _has_quadrature(lhs) or _has_quadrature(rhs)
    if s.kind == "undefined":
        undefined_side = lhs if isinstance(s.lhs, Exception) else rhs
        other = rhs if undefined_side is lhs else lhs
        try:
            Substituted(other, limits=SYMPY)(point, 2 * PRECISION)
        except (Undefined, Unevaluable):
            return False, ""
        if _has_quadrature(undefined_side):  # the second rule must not find the other side's value
            second = Substituted(undefined_side, SECOND)
            try:
                value = second(point, PRECISION)
            except (Undefined, Unevaluable):
                value = None
            if value is not None:
                other_value = Substituted(other)(point, PRECISION)
                with mpmath.workdps(PRECISION):
                    if agree(value, other_value, relation, tol)[0]:
                        return False, (f"{QUADRATURES_DISAGREE}: the first ({_rules(*first)}) finds no "
                                       f"value, the second ({_rules(second)}) {_short(value)}, equal to "
                                       f"the other side")
        also = "" if not _has_quadrature(undefined_side) else (
            f"; the second quadrature ({_rules(second)}) " +
            (f"gives {_short(value)}, not the other side's value" if value is not None else "finds no value either"))
        try:
            Substituted(undefined_side, limits=SYMPY)(point, 2 * PRECISION)
        except Undefined as exc:
            return True, f"SymPy evalf at {2 * PRECISION} digits: one side finite, the other undefined ({exc}){also}"
        except Unevaluable:
            return True, f"one side finite; the other cannot be evaluated there by SymPy either{also}"
        return False, ""
    if quadrature:
        return _second_quadrature(lhs, rhs, point, relation, tol, s, first)
    if relation == "=":
        exact = _exact_difference(lhs, rhs, point)
        if exact is not None:
            vals = list(exact) if isinstance(exact, sp.MatrixBase) else [exact]
            return any(v != 0 for v in vals), "exact rational arithmetic"
    try:
        lv = Substituted(lhs, limits=SYMPY)(point, CONFIRM_PRECISION)
        rv = Substituted(rhs, limits=SYMPY)(point, CONFIRM_PRECISION)
        with mpmath.workdps(CONFIRM_PRECISION):
            ok = agree(lv, rv, relation, tol)[0]
    except (Undefined, Unevaluable):
        return True, f"stable from {PRECISION} to {s.dps} digits (SymPy cannot re-evaluate it)"
    return not ok, f"SymPy evalf at {CONFIRM_PRECISION} digits; stable from {PRECISION} to {s.dps} digits"


# ---------------------------------------------------------------- the check

@dataclass
class NumericOutcome:
    agree: bool | None  # None: nothing could be evaluated
    points: int
    exhaustive: bool
    witness: dict | None = None
    evaluation: dict | None = None
    note: str = ""
    evidence: dict = field(default_factory=dict)


def _symbols(exprs) -> list:
    """Free scalar symbols of the sides, in a stable order (the evaluators' arguments)."""
    free = set()
    for e in exprs:
        free |= {s for s in as_expr(e).free_symbols if isinstance(s, sp.Symbol)}
    return sorted(free, key=lambda s: s.name)


def _has_functions(derivation, exprs) -> bool:
    return any(as_expr(e).has(f.function) for e in exprs for f in derivation.functions)


def _points(derivation, exprs, rng, constraints, domain, route: str, points: int):
    """``(kind, point)`` to try, and whether they cover a finite domain exhaustively."""
    if domain:
        keys = list(domain)
        combos = list(itertools.product(*(domain[k] for k in keys)))
        if len(combos) > MAX_EXHAUSTIVE:
            raise ValueError(f"finite domain has {len(combos)} points > {MAX_EXHAUSTIVE}")
        free = set().union(*(as_expr(e).free_symbols for e in exprs))
        free = {s for s in free if not isinstance(s, sp.MatrixSymbol)}
        exhaustive = free <= set(keys) and not _has_functions(derivation, exprs)
        pts = (("exhaustive" if exhaustive else "random",
                draw_point(derivation, exprs, rng, constraints, fixed=dict(zip(keys, map(as_expr, c)))))
               for c in combos)
        return pts, exhaustive, len(combos)
    constant = not any(as_expr(e).free_symbols for e in exprs) and not _has_functions(derivation, exprs)
    if constant:
        return iter([("constant", {})]), False, 1
    matrix = MATRIX_POINTS if points >= MIN_POINTS else MATRIX_CORROBORATION
    specials, randoms = {"lambdify-mpmath": FAST_POINTS, "mpmath-matrix": matrix}.get(
        route, (points // 2, points - points // 2))
    return plan(derivation, exprs, rng, constraints, specials=specials, randoms=randoms), False, None


def numeric_check(derivation: Derivation, lhs, rhs, relation: str, *, seed: int,
                  points: int = 5, tolerance: float = 1e-20, constraints=(),
                  domain: Mapping | None = None) -> NumericOutcome:
    """Evaluate both sides at special and random admissible points (or every point of a
    finite domain); stop at the first confirmed witness.

    ``points``: agreeing points wanted when a side must go through SymPy's slow route
    (integrals, limits, held derivatives); lambdified scalars always plan FAST_POINTS, mpmath
    matrices MATRIX_POINTS (MATRIX_CORROBORATION when fewer than MIN_POINTS are asked for);
    skipped points are replaced.
    """
    rng = random.Random(seed)
    exprs = [as_expr(lhs), as_expr(rhs)]
    symbols = _symbols(exprs)
    fl, fr = evaluator(exprs[0], symbols), evaluator(exprs[1], symbols)
    routes = {fl.route, fr.route} - {Lambdified.route}
    route = routes.pop() if len(routes) == 1 else (Lambdified.route if not routes else Substituted.route)
    queue, exhaustive, total = _points(derivation, exprs, rng, constraints, domain, route, points)
    counts = {"special": 0, "random": 0, "exhaustive": 0, "constant": 0}
    skipped = removable = disputed = 0
    max_dps = PRECISION
    notes: list[str] = []
    if not domain and total is None:
        queue = itertools.chain(queue, _top_up(derivation, exprs, rng, constraints, counts, points))
    for kind, point in queue:
        s = settle(fl, fr, point, relation, tolerance)
        if s.kind == "undefined":
            f_undef, f_def = (fl, fr) if isinstance(s.lhs, Exception) else (fr, fl)
            if _removable(f_undef, f_def, point, symbols, relation, tolerance):
                removable += 1
                continue
        if s.kind in ("disagree", "undefined"):
            confirmed, how = recheck(exprs[0], exprs[1], point, relation, tolerance, s, (fl, fr))
            if confirmed:
                evaluation = {"lhs": _short(s.lhs), "rhs": _short(s.rhs), "recheck": how,
                              "relative_difference": "inf" if s.kind == "undefined" else f"{s.rel:.3g}",
                              "kind": kind}
                return NumericOutcome(False, sum(counts.values()) + 1, False, describe(point),
                                      evaluation, evidence=_evidence(counts, skipped, removable,
                                                                     max_dps, fl, fr, disputed,
                                                                     derivation, symbols))
            skipped += 1
            if how.startswith(QUADRATURES_DISAGREE):
                disputed += 1
                notes.append(f"{QUADRATURES_DISAGREE} at {describe(point)} (skipped, never a witness): {how}")
            else:
                notes.append("a disagreement the independent re-check did not confirm")
            continue
        if s.kind == "skipped":
            skipped += 1
            if s.note and s.note not in notes:
                notes.append(s.note)
            continue
        counts[kind] += 1
        max_dps = max(max_dps, s.dps)
    evidence = _evidence(counts, skipped, removable, max_dps, fl, fr, disputed, derivation, symbols)
    checked = sum(counts.values())
    if disputed:  # said first: these points would have been witnesses of a missed peak
        notes = [n for n in notes if n.startswith(QUADRATURES_DISAGREE)][:1] + \
            [n for n in notes if not n.startswith(QUADRATURES_DISAGREE)]
    if checked == 0:
        return NumericOutcome(None, 0, False, note="no admissible point could be evaluated"
                              + (f" ({notes[0]})" if notes else ""), evidence=evidence)
    full = exhaustive and counts["exhaustive"] == total
    note = f"{skipped} point(s) skipped: {notes[0]}" if skipped and notes else ""
    if disputed:
        note += f" ({disputed} where {QUADRATURES_DISAGREE})"
    return NumericOutcome(True, checked, full, note=note, evidence=evidence)


def _top_up(derivation, exprs, rng, constraints, counts, points):
    """Random points drawn after the plan while fewer than MIN_POINTS (or ``points``) agree —
    skipped points are replaced — up to MIN_POINTS extra draws."""
    for _ in range(MIN_POINTS):
        if sum(counts.values()) >= points or counts["constant"]:
            return
        yield "random", draw_point(derivation, exprs, rng, constraints)


def _bounds(derivation, table: str, symbols) -> dict:
    """``{name: {"low", "high", "reason"}}`` of the step's symbols in ``derivation.<table>``
    (ranges: the lecture's domain of validity; sizes: the values checked, capped for cost)."""
    from ..model.declarations import reason_of

    out = {}
    for sym in symbols:
        b = getattr(derivation, table).get(sym)
        if b is not None:
            out[sym.name] = {"low": None if b[0] is None else str(b[0]),
                             "high": None if b[1] is None else str(b[1]), "reason": reason_of(b)}
    return out


def _evidence(counts, skipped, removable, dps, fl, fr, disputed=0, derivation=None, symbols=()) -> dict:
    route = fl.route if fl.route == fr.route else f"{fl.route} / {fr.route}"
    ev = {k: v for k, v in counts.items() if v or k in ("special", "random")}
    out = {"points": ev, "skipped": skipped, "removable_singularities": removable,
           "precision": PRECISION, "max_precision": dps, "route": route}
    if derivation is not None:  # where the points were drawn, and why there
        domain, checked = _bounds(derivation, "ranges", symbols), _bounds(derivation, "sizes", symbols)
        if domain:
            out["domain"] = domain
        if checked:
            out["checked_sizes"] = checked
    if disputed:  # skipped points where the two quadratures disagree (never witnesses)
        out["quadratures_disagree"] = disputed
    limits = _limit_routes(fl, fr)
    if limits:
        out["limits"] = limits
    return out


def _limit_routes(*evaluators) -> dict:
    """How the limits at the points were taken: ``{"extrapolated": n, "sympy": m}``, counting
    every evaluation (precision raising included); empty without limits."""
    total: dict = {}
    for f in evaluators:
        for route, n in getattr(f, "limit_routes", {}).items():
            total[route] = total.get(route, 0) + n
    return dict(sorted(total.items()))


def enough(outcome: NumericOutcome) -> bool:
    """Enough agreeing points for a `numeric` verdict (a constant needs one evaluation)."""
    pts = outcome.evidence.get("points", {})
    return outcome.points >= MIN_POINTS or bool(pts.get("constant"))


__all__ = ["PRECISION", "MIN_POINTS", "NumericOutcome", "numeric_check", "settle", "agree", "enough"]
