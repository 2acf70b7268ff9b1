"""The numeric half of the verdict ladder: both sides at admissible points, high precision.

Independent of the symbolic half: concrete matrices are multiplied out, integrals go to
mpmath quadrature, sums to term summation; a disagreeing point is re-checked exactly
(rationals) or at higher precision before it becomes a witness.
"""
from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from typing import Any, Mapping

import mpmath
import sympy as sp

from ..model import Derivation
from .points import as_expr, describe, draw_point, explicit, substitute
from .symbolic import _is_zero

PRECISION = 50  # digits for the independent numeric evaluation (DESIGN: >= 30)
CONFIRM_PRECISION = 100  # digits used to re-check a witness that is not exactly rational
MAX_EXHAUSTIVE = 1 << 16


def _evaluate(expr, point, prec):
    """Both sides at a point: concrete matrices multiplied out, limits taken, then evalf.

    Integrals and concrete sums go straight to evalf (mpmath quadrature / term summation):
    ``doit`` on them can start a symbolic integration or summation that never ends.  Only if
    evalf leaves something unevaluated is ``doit`` tried.
    """
    value = explicit(substitute(expr, point))
    value = value.replace(lambda e: isinstance(e, (sp.Limit, sp.Subs)), lambda e: e.doit())
    value = value.replace(lambda e: _is_integral(e) and not e.free_symbols, lambda e: _integral_value(e, prec))
    out = _n(value, prec)
    if not _finite(out) and not _infinite(out) and hasattr(value, "doit"):
        out = _n(value.doit(integrals=False), prec)
    return out


def _quad(integral, prec):
    """A closed definite integral by mpmath quadrature at ``prec`` digits (much faster than
    ``Integral.evalf``); falls back to evalf if the integrand cannot be translated."""
    try:
        with mpmath.workdps(prec + 10):
            if len(integral.limits) == 1 and len(integral.limits[0]) == 3:
                # one variable: quadrature of the integrand (works for Integral subclasses too)
                x, a, b = integral.limits[0]
                f = sp.lambdify(x, integral.function, modules="mpmath")
                value = mpmath.quad(f, [_mp_limit(a), _mp_limit(b)])
            else:
                value = sp.lambdify([], integral, modules="mpmath")()
        value = mpmath.mpmathify(value)
        if mpmath.isinf(value) and mpmath.im(value) == 0:
            return sp.oo if value > 0 else -sp.oo  # a divergent integral is evidence too
        if not mpmath.isfinite(value):
            return integral
        return sp.Float(value, prec) if mpmath.im(value) == 0 else \
            sp.Float(mpmath.re(value), prec) + sp.I * sp.Float(mpmath.im(value), prec)
    except Exception:  # noqa: BLE001 - fall back to sympy's own evalf of the integral
        return integral


def _is_integral(e) -> bool:
    """sympy Integrals and other integrals with limits (AddWithLimits that are not Sums)."""
    from sympy.concrete.expr_with_limits import AddWithLimits

    return isinstance(e, sp.Integral) or (isinstance(e, AddWithLimits) and not isinstance(e, sp.Sum))


def _integral_value(e, prec):
    """sympy Integrals go to mpmath quadrature; an integral class with its own evalf (e.g. a
    closed form for a family of priors) is asked first, quadrature only if it has no answer."""
    if not isinstance(e, sp.Integral):
        own = e.evalf(prec)
        if _finite(own):
            return own
    return _quad(e, prec)


def _mp_limit(v):
    if v == sp.oo:
        return mpmath.inf
    if v == -sp.oo:
        return -mpmath.inf
    return mpmath.mpmathify(sp.N(v, mpmath.mp.dps))


def _n(value, prec):
    return value.evalf(prec) if isinstance(value, sp.MatrixBase) else sp.N(value, prec)


def _magnitude(x):
    """|x| (max over matrix entries) as an mpmath number: no overflow for huge values."""
    if isinstance(x, sp.MatrixBase):
        return max((_magnitude(v) for v in x), default=mpmath.mpf(0))
    return abs(mpmath.mpmathify(complex(x))) if abs(x) < 1e300 else \
        mpmath.mpf(sp.Abs(x).evalf(PRECISION))


def _finite(x) -> bool:
    if isinstance(x, sp.MatrixBase):
        return all(_finite(v) for v in x)
    return bool(x.is_number) and not x.has(sp.zoo, sp.oo, -sp.oo, sp.nan) and \
        not x.has(sp.Integral, sp.Derivative, sp.Sum)


def _infinite(x) -> bool:
    """An evaluated side that is a definite infinity (not nan, not an unevaluated form)."""
    return not isinstance(x, sp.MatrixBase) and x in (sp.oo, -sp.oo, sp.zoo)


def _compare(lv, rv, relation, tol) -> tuple[bool, float]:
    """(agree, relative discrepancy) of two evaluated sides (magnitudes in mpmath, so sides
    as large as a divergent quadrature's result still compare)."""
    with mpmath.workdps(PRECISION):
        if relation == "=":
            gap = _magnitude(sp.N(lv - rv, PRECISION))
            scale = max(_magnitude(lv), _magnitude(rv))
            rel = gap / scale if scale > 0 else gap
            return bool(rel <= tol or gap <= mpmath.mpf(10) ** (-PRECISION + 10)), float(rel)
        lo, hi = (lv, rv) if relation == "<=" else (rv, lv)
        excess = mpmath.mpf(sp.re(sp.N(lo - hi, PRECISION)))
        scale = max(_magnitude(lv), _magnitude(rv), mpmath.mpf(1e-300))
        return bool(excess <= tol * scale), float(max(excess, 0) / scale)


def _exact_difference(lhs, rhs, point):
    """The exact difference at ``point`` when both sides evaluate to exact numbers, else None."""
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


@dataclass
class NumericOutcome:
    agree: bool | None  # None: nothing could be evaluated
    points: int
    exhaustive: bool
    witness: dict | None = None
    evaluation: dict | None = None
    note: str = ""


def _witness(lhs, rhs, point, lv, rv, relation, tol) -> tuple[bool, dict, dict]:
    """Re-check a disagreeing point exactly (rationals) or at higher precision."""
    exact = _exact_difference(lhs, rhs, point) if relation == "=" else None
    if exact is not None:
        confirmed = not _is_zero(exact)
        how = "exact"
    else:
        lv2, rv2 = _evaluate(lhs, point, CONFIRM_PRECISION), _evaluate(rhs, point, CONFIRM_PRECISION)
        confirmed = not _compare(lv2, rv2, relation, tol)[0]
        how = f"{CONFIRM_PRECISION}-digit"
    evaluation = {"lhs": _short(lv), "rhs": _short(rv), "recheck": how}
    return confirmed, describe(point), evaluation


def _short(v) -> Any:
    if isinstance(v, sp.MatrixBase):
        return [[_short(x) for x in v.row(i)] for i in range(v.rows)]
    return str(sp.N(v, 20))


def numeric_check(derivation: Derivation, lhs, rhs, relation: str, *, seed: int,
                  points: int = 5, tolerance: float = 1e-20, constraints=(),
                  domain: Mapping | None = None) -> NumericOutcome:
    """Evaluate both sides at admissible points (or every point of a finite domain)."""
    rng = random.Random(seed)
    exprs = [lhs, rhs]
    if domain:
        keys = list(domain)
        combos = list(itertools.product(*(domain[k] for k in keys)))
        if len(combos) > MAX_EXHAUSTIVE:
            raise ValueError(f"finite domain has {len(combos)} points > {MAX_EXHAUSTIVE}")
        fixed_sets = [dict(zip(keys, map(as_expr, c))) for c in combos]
        free = set().union(*(as_expr(e).free_symbols for e in exprs))
        free = {s for s in free if not isinstance(s, sp.MatrixSymbol)}
        exhaustive = free <= set(keys) and \
            not any(as_expr(e).has(f.function) for e in exprs for f in derivation.functions)
    else:
        constant = not any(as_expr(e).free_symbols for e in exprs) and \
            not any(as_expr(e).has(f.function) for e in exprs for f in derivation.functions)
        fixed_sets, exhaustive = [None] * (1 if constant else points), False
    checked = 0
    attempts = 0
    queue = list(fixed_sets)
    while queue:
        fixed = queue.pop(0)
        attempts += 1
        point = draw_point(derivation, exprs, rng, constraints, fixed=fixed)
        try:
            lv, rv = _evaluate(lhs, point, PRECISION), _evaluate(rhs, point, PRECISION)
        except (ZeroDivisionError, ValueError, TypeError):
            lv = rv = sp.nan
        if (_infinite(lv) and _finite(rv)) or (_finite(lv) and _infinite(rv)):
            # one side diverges where the other is finite: that is evidence, not a bad point
            return NumericOutcome(False, checked + 1, False, describe(point),
                                  {"lhs": _short(lv), "rhs": _short(rv), "recheck": "exact",
                                   "relative_difference": "inf"})
        if not (_finite(lv) and _finite(rv)):
            if fixed is None and attempts < 4 * points:
                queue.append(None)  # singular point: draw another
                continue
            if fixed is not None:
                exhaustive = False
            continue
        ok, rel = _compare(lv, rv, relation, tolerance)
        if not ok:
            confirmed, wit, evaluation = _witness(lhs, rhs, point, lv, rv, relation, tolerance)
            if confirmed:
                evaluation["relative_difference"] = f"{rel:.3g}"
                return NumericOutcome(False, checked + 1, False, wit, evaluation)
            continue
        checked += 1
    if checked == 0:
        return NumericOutcome(None, 0, False, note="no admissible point could be evaluated")
    return NumericOutcome(True, checked, exhaustive and checked == len(fixed_sets))


