"""The numeric half of the verdict ladder: both sides at many admissible points, high precision.

Independent of the symbolic half.  Each side is turned into an evaluator once per step —
``lambdify(..., "mpmath")`` for plain scalar expressions (cheap: many points), SymPy
substitution + ``evalf`` otherwise (matrices multiplied out, integrals by quadrature, sums
term by term) — and evaluated at special and random points (:mod:`.points`).

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
from typing import Any, Callable, Mapping

import mpmath
import sympy as sp
from sympy.core.evalf import dps_to_prec
from sympy.matrices.exceptions import NonInvertibleMatrixError

from ..model import Derivation
from .mp_eval import MatrixEvaluator, supported
from .points import as_expr, describe, draw_point, explicit, plan, substitute

PRECISION = 30  # digits of the independent evaluation (DESIGN: >= 30)
MAX_PRECISION = 240  # disagreements are re-evaluated at 2x, 4x, … up to this many digits
CONFIRM_PRECISION = 100  # digits of SymPy's evalf when it re-checks a witness
MIN_POINTS = 32  # agreeing points needed for a `numeric` verdict
FAST_POINTS = (24, 40)  # (special, random) points for lambdified scalar and matrix steps
MAX_EXHAUSTIVE = 1 << 16


class Undefined(Exception):
    """A side is undefined (pole, divergence, nan) at the point."""


class Unevaluable(Exception):
    """A side cannot be evaluated here at all (unevaluated form left): no evidence either way."""


# ---------------------------------------------------------------- evaluators

def _held_forms(e, matrices: bool = True) -> bool:
    """Forms only the SymPy route evaluates (and, with ``matrices``, any matrix)."""
    from sympy.concrete.expr_with_limits import ExprWithLimits
    from sympy.core.function import AppliedUndef
    from sympy.stats.rv import RandomSymbol

    held = (ExprWithLimits, sp.Limit, sp.Subs, sp.Derivative, AppliedUndef, RandomSymbol)
    if any(isinstance(a, held) for a in sp.preorder_traversal(e)):
        return True
    return matrices and (bool(e.atoms(sp.MatrixSymbol, sp.MatrixExpr)) or
                         any(isinstance(a, sp.MatrixBase) for a in sp.preorder_traversal(e)))


def _to_mp(v: sp.Expr, dps: int):
    return v._to_mpmath(dps_to_prec(dps + 10))


def _as_values(out) -> tuple:
    """An evaluated side as a tuple of mpmath numbers; Undefined for nan/infinities."""
    vals = tuple(out) if isinstance(out, (list, tuple)) else (out,)
    res = []
    for v in vals:
        v = mpmath.mpmathify(v)
        if mpmath.isnan(v) or mpmath.isinf(v):
            raise Undefined(str(v))
        res.append(v)
    return tuple(res)


class Lambdified:
    """A plain scalar side, ``lambdify``-ed once to mpmath (the route for many points)."""

    route = "lambdify-mpmath"

    def __init__(self, expr, symbols) -> None:
        self.symbols = symbols
        self.expr = expr
        self.fn = sp.lambdify(symbols, expr, modules="mpmath")
        self._terms = None

    def cancels(self, point: Mapping, dps: int, value: tuple) -> bool:
        """The value is lost in cancellation: a sum whose terms are 10^(dps-5) times larger
        (1 - tanh(x)^2 at x = 1000 is 0 to any precision below ~870 digits)."""
        if not isinstance(self.expr, sp.Add):
            return False
        if self._terms is None:
            self._terms = [sp.lambdify(self.symbols, t, modules="mpmath") for t in self.expr.args]
        with mpmath.workdps(dps):
            args = [_to_mp(point[s], dps) for s in self.symbols]
            try:
                big = max(abs(mpmath.mpmathify(t(*args))) for t in self._terms)
            except Exception:  # noqa: BLE001 - a term undefined alone: no verdict on noise
                return False
            return bool(big > abs(value[0]) * mpmath.mpf(10) ** (dps - 5))

    def __call__(self, point: Mapping, dps: int) -> tuple:
        with mpmath.workdps(dps):
            args = [_to_mp(point[s], dps) for s in self.symbols]
            try:
                return _as_values(self.fn(*args))
            except (ZeroDivisionError, ValueError, OverflowError) as exc:
                raise Undefined(f"{type(exc).__name__}: {exc}") from exc
            except (TypeError, AttributeError, NameError) as exc:  # e.g. a comparison of complex
                raise Unevaluable(f"{type(exc).__name__}: {exc}") from exc


class Substituted:
    """A side evaluated by substitution, concrete matrices multiplied out, then ``evalf``."""

    route = "sympy-evalf"

    def __init__(self, expr) -> None:
        self.expr = expr

    def __call__(self, point: Mapping, dps: int) -> tuple:
        try:
            value = _evaluate(self.expr, point, dps)
        except (ZeroDivisionError, NonInvertibleMatrixError) as exc:
            raise Undefined(f"{type(exc).__name__}: {exc}") from exc
        except (TypeError, AttributeError, NotImplementedError, ValueError) as exc:
            raise Unevaluable(f"{type(exc).__name__}: {exc}") from exc
        vals = list(value) if isinstance(value, sp.MatrixBase) else [value]
        if any(v.has(sp.zoo, sp.oo, -sp.oo, sp.nan) for v in vals):
            raise Undefined(str(value))
        if not all(v.is_number and _evaluated(v) for v in vals):
            raise Unevaluable(f"left unevaluated: {str(value)[:80]}")
        with mpmath.workdps(dps):
            return _as_values([_to_mp(sp.N(v, dps), dps) for v in vals])


class MatrixRoute(MatrixEvaluator):
    """A matrix step (algebra, traces, determinants) evaluated in mpmath matrices."""

    def __call__(self, point: Mapping, dps: int) -> tuple:
        try:
            return _as_values(self.values(point, dps))
        except (ZeroDivisionError, ValueError, OverflowError) as exc:
            raise Undefined(f"{type(exc).__name__}: {exc}") from exc
        except (TypeError, AttributeError, KeyError, NameError) as exc:
            raise Unevaluable(f"{type(exc).__name__}: {exc}") from exc


def _evaluated(v) -> bool:
    return not v.has(sp.Integral, sp.Derivative, sp.Sum, sp.Limit, sp.Subs)


def evaluator(expr, symbols) -> Callable:
    expr = as_expr(expr)
    if not _held_forms(expr):
        try:
            return Lambdified(expr, symbols)
        except Exception:  # noqa: BLE001 - a form lambdify cannot print: the SymPy route
            pass
    if not _held_forms(expr, matrices=False) and supported(expr):
        return MatrixRoute(expr, symbols)
    return Substituted(expr)


def _evaluate(expr, point, prec):
    """A side at a point: concrete matrices multiplied out, limits taken, then evalf.

    Integrals and concrete sums go straight to evalf (mpmath quadrature / term summation):
    ``doit`` on them can start a symbolic integration or summation that never ends.  Only if
    evalf leaves something unevaluated is ``doit`` tried.
    """
    expr = _numeric_derivatives(as_expr(expr), point, prec)
    value = explicit(substitute(expr, point))
    value = value.replace(lambda e: isinstance(e, (sp.Limit, sp.Subs)), lambda e: e.doit())
    value = value.replace(lambda e: _is_integral(e) and not e.free_symbols, lambda e: _integral_value(e, prec))
    out = _n(value, prec)
    if not _done(out) and hasattr(value, "doit"):
        out = _n(value.doit(integrals=False), prec)
    return out


def _scalar_derivative(e) -> bool:
    return isinstance(e, sp.Derivative) and len(e.variable_count) == 1 and \
        isinstance(e.variable_count[0][0], sp.Symbol) and not e.expr.has(sp.MatrixSymbol)


def _numeric_derivatives(expr, point, prec):
    """Derivatives in one scalar variable, by mpmath's numerical differentiation of the
    evaluated function (never by SymPy's symbolic ``diff``: the numeric half stays independent).
    ``Subs(Derivative(f(v), v), v, a)`` (a held derivative) is differentiated at ``a``."""
    def at_subs(e):
        (v,), (a,) = e.variables, e.point
        return _diff_value(e.expr, v, a, point, prec)

    expr = expr.replace(lambda e: isinstance(e, sp.Subs) and len(e.variables) == 1 and
                        _scalar_derivative(e.expr) and e.expr.variables[0] == e.variables[0],
                        at_subs)
    return expr.replace(lambda e: _scalar_derivative(e) and e.variables[0] in point,
                        lambda e: _diff_value(e, e.variables[0], e.variables[0], point, prec))


def _diff_value(d, v, at, point, prec):
    (var, order), = d.variable_count
    where = {k: val for k, val in point.items() if k != var}
    x0 = as_expr(at).xreplace({k: val for k, val in point.items() if isinstance(k, sp.Symbol)})

    def f(t):
        dps = mpmath.mp.dps
        value = _evaluate(d.expr, {**where, var: sp.Float(t, dps) if mpmath.im(t) == 0 else
                                   sp.Float(mpmath.re(t), dps) + sp.I * sp.Float(mpmath.im(t), dps)}, dps)
        if isinstance(value, sp.MatrixBase) or not (value.is_number and _evaluated(value)) or \
                value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise Undefined(f"derivative: the function is undefined near {x0}: {value}")
        return value._to_mpmath(mpmath.mp.prec)

    with mpmath.workdps(prec):
        out = mpmath.diff(f, _to_mp(sp.N(x0, prec + 10), prec), order)
    return sp.Float(out, prec) if mpmath.im(out) == 0 else \
        sp.Float(mpmath.re(out), prec) + sp.I * sp.Float(mpmath.im(out), prec)


def _done(x) -> bool:
    vals = list(x) if isinstance(x, sp.MatrixBase) else [x]
    return all(v.is_number and _evaluated(v) for v in vals)


def _quad(integral, prec):
    """A closed definite integral by mpmath quadrature at ``prec`` digits (much faster than
    ``Integral.evalf``); falls back to evalf if the integrand cannot be translated."""
    try:
        with mpmath.workdps(prec + 10):
            if len(integral.limits) == 1 and len(integral.limits[0]) == 3:
                x, a, b = integral.limits[0]
                f = sp.lambdify(x, integral.function, modules="mpmath")
                value = _converged_quad(f, _mp_limit(a), _mp_limit(b), prec)
            else:
                value = sp.lambdify([], integral, modules="mpmath")()
        value = mpmath.mpmathify(value)
        if mpmath.isinf(value) and mpmath.im(value) == 0:
            return sp.oo if value > 0 else -sp.oo  # a divergent integral is evidence too
        if not mpmath.isfinite(value):
            return integral
        return sp.Float(value, prec) if mpmath.im(value) == 0 else \
            sp.Float(mpmath.re(value), prec) + sp.I * sp.Float(mpmath.im(value), prec)
    except Undefined:
        raise
    except Exception:  # noqa: BLE001 - fall back to sympy's own evalf of the integral
        return integral


def _converged_quad(f, a, b, prec):
    """mpmath quadrature that says when it does not converge (a divergent integral is
    undefined, which beside a finite other side is a witness).  A node on a pole is avoided
    by splitting the interval there."""
    cuts = [a, b]
    for attempt in range(2):
        try:
            value, err = mpmath.quad(f, cuts, error=True)
            break
        except ZeroDivisionError:
            mid = (a + b) / 2 if mpmath.isfinite(a) and mpmath.isfinite(b) else mpmath.mpf(0)
            cuts = [a, mid, b]
    else:
        raise Undefined("the integrand is undefined inside the interval of integration")
    # mpmath's estimate is crude: when it is large, the value is recomputed at twice the
    # precision; a divergent integral's value runs away, a convergent one's stays put
    if mpmath.isfinite(value) and err >= mpmath.mpf("0.01"):
        with mpmath.workdps(2 * prec):
            again = mpmath.quad(f, cuts)
        if abs(again - value) <= abs(again) * mpmath.mpf(10) ** (-(prec // 3)):
            return value
    if not mpmath.isfinite(value) or err >= mpmath.mpf("0.01"):
        raise Undefined(f"quadrature does not converge (value {mpmath.nstr(value, 5)}, "
                        f"error estimate {mpmath.nstr(err, 3)}): divergent integral")
    return value


def _is_integral(e) -> bool:
    """sympy Integrals and other integrals with limits (AddWithLimits that are not Sums)."""
    from sympy.concrete.expr_with_limits import AddWithLimits

    return isinstance(e, sp.Integral) or (isinstance(e, AddWithLimits) and not isinstance(e, sp.Sum))


def _integral_value(e, prec):
    """sympy Integrals go to mpmath quadrature; an integral class with its own evalf (e.g. a
    closed form for a family of priors) is asked first, quadrature only if it has no answer."""
    if not isinstance(e, sp.Integral):
        own = e.evalf(prec)
        if own.is_number and not own.has(sp.zoo, sp.nan) and _evaluated(own):
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


def settle(fl, fr, point, relation, tol) -> Settled:
    """Compare both sides at ``point``, raising the precision while they disagree."""
    dps = PRECISION
    try:
        lv = fl(point, dps)
    except Unevaluable as exc:
        return Settled("skipped", note=str(exc))
    except Undefined as exc:
        lv = exc
    try:
        rv = fr(point, dps)
    except Unevaluable as exc:
        return Settled("skipped", note=str(exc))
    except Undefined as exc:
        rv = exc
    if isinstance(lv, Undefined) and isinstance(rv, Undefined):
        return Settled("skipped", note="both sides undefined")
    if isinstance(lv, Undefined) or isinstance(rv, Undefined):
        return Settled("undefined", lv, rv)
    try:
        ok, rel = agree(lv, rv, relation, tol)
    except Undefined as exc:
        return Settled("undefined", lv, exc)
    while not ok:
        if 2 * dps > MAX_PRECISION:
            return Settled("skipped", lv, rv, rel, dps, "values do not settle as precision rises")
        try:
            lv2, rv2 = fl(point, 2 * dps), fr(point, 2 * dps)
        except (Undefined, Unevaluable) as exc:
            return Settled("skipped", note=f"not evaluable at {2 * dps} digits: {exc}")
        lv2, rv2 = _vanishing(lv, lv2, dps), _vanishing(rv, rv2, dps)
        ok, rel2 = agree(lv2, rv2, relation, tol)
        if not ok and _stable(lv, lv2, dps) and _stable(rv, rv2, dps) and \
                not _cancels(fl, point, 2 * dps, lv2) and not _cancels(fr, point, 2 * dps, rv2):
            return Settled("disagree", lv2, rv2, rel2, 2 * dps)
        lv, rv, rel, dps = lv2, rv2, rel2, 2 * dps
    return Settled("agree", lv, rv, rel, dps)


def _cancels(f, point, dps, value) -> bool:
    return isinstance(f, Lambdified) and f.cancels(point, dps, value)


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


def recheck(lhs, rhs, point, relation, tol, s: Settled) -> tuple[bool, str]:
    """Re-check a witness by a route independent of the one that found it."""
    if s.kind == "undefined":
        undefined_side = lhs if isinstance(s.lhs, Exception) else rhs
        other = rhs if undefined_side is lhs else lhs
        try:
            Substituted(other)(point, CONFIRM_PRECISION)
        except (Undefined, Unevaluable):
            return False, ""
        try:
            Substituted(undefined_side)(point, CONFIRM_PRECISION)
        except Undefined as exc:
            return True, f"SymPy evalf at {CONFIRM_PRECISION} digits: one side finite, the other undefined ({exc})"
        except Unevaluable:
            return True, "one side finite; the other cannot be evaluated there by SymPy either"
        return False, ""
    if relation == "=":
        exact = _exact_difference(lhs, rhs, point)
        if exact is not None:
            vals = list(exact) if isinstance(exact, sp.MatrixBase) else [exact]
            return any(v != 0 for v in vals), "exact rational arithmetic"
    try:
        lv = Substituted(lhs)(point, CONFIRM_PRECISION)
        rv = Substituted(rhs)(point, CONFIRM_PRECISION)
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


def _symbols(derivation, exprs, domain) -> list:
    """Free scalar symbols of the sides, in a stable order (the evaluators' arguments)."""
    free = set()
    for e in exprs:
        free |= {s for s in as_expr(e).free_symbols if isinstance(s, sp.Symbol)}
    return sorted(free, key=lambda s: s.name)


def _has_functions(derivation, exprs) -> bool:
    return any(as_expr(e).has(f.function) for e in exprs for f in derivation.functions)


def _points(derivation, exprs, rng, constraints, domain, fast: bool, points: int):
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
    specials, randoms = FAST_POINTS if fast else (points // 2, points - points // 2)
    return plan(derivation, exprs, rng, constraints, specials=specials, randoms=randoms), False, None


def numeric_check(derivation: Derivation, lhs, rhs, relation: str, *, seed: int,
                  points: int = 5, tolerance: float = 1e-20, constraints=(),
                  domain: Mapping | None = None) -> NumericOutcome:
    """Evaluate both sides at special and random admissible points (or every point of a
    finite domain); stop at the first confirmed witness.

    ``points``: agreeing points wanted when a side must go through SymPy's slow route
    (integrals, limits, held derivatives); the cheap routes (lambdified scalars, mpmath
    matrices) always plan FAST_POINTS, and skipped points are replaced.
    """
    rng = random.Random(seed)
    exprs = [as_expr(lhs), as_expr(rhs)]
    symbols = _symbols(derivation, exprs, domain)
    fl, fr = evaluator(exprs[0], symbols), evaluator(exprs[1], symbols)
    fast = not isinstance(fl, Substituted) and not isinstance(fr, Substituted)
    queue, exhaustive, total = _points(derivation, exprs, rng, constraints, domain, fast, points)
    counts = {"special": 0, "random": 0, "exhaustive": 0, "constant": 0}
    skipped = removable = 0
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
            confirmed, how = recheck(exprs[0], exprs[1], point, relation, tolerance, s)
            if confirmed:
                evaluation = {"lhs": _short(s.lhs), "rhs": _short(s.rhs), "recheck": how,
                              "relative_difference": "inf" if s.kind == "undefined" else f"{s.rel:.3g}",
                              "kind": kind}
                return NumericOutcome(False, sum(counts.values()) + 1, False, describe(point),
                                      evaluation, evidence=_evidence(counts, skipped, removable,
                                                                     max_dps, fl, fr))
            skipped += 1
            notes.append("a disagreement the independent re-check did not confirm")
            continue
        if s.kind == "skipped":
            skipped += 1
            if s.note and s.note not in notes:
                notes.append(s.note)
            continue
        counts[kind] += 1
        max_dps = max(max_dps, s.dps)
    evidence = _evidence(counts, skipped, removable, max_dps, fl, fr)
    checked = sum(counts.values())
    if checked == 0:
        return NumericOutcome(None, 0, False, note="no admissible point could be evaluated"
                              + (f" ({notes[0]})" if notes else ""), evidence=evidence)
    full = exhaustive and counts["exhaustive"] == total
    note = f"{skipped} point(s) skipped: {notes[0]}" if skipped and notes else ""
    return NumericOutcome(True, checked, full, note=note, evidence=evidence)


def _top_up(derivation, exprs, rng, constraints, counts, points):
    """Random points drawn after the plan while fewer than MIN_POINTS (or ``points``) agree —
    skipped points are replaced — up to MIN_POINTS extra draws."""
    for _ in range(MIN_POINTS):
        if sum(counts.values()) >= points or counts["constant"]:
            return
        yield "random", draw_point(derivation, exprs, rng, constraints)


def _evidence(counts, skipped, removable, dps, fl, fr) -> dict:
    route = fl.route if fl.route == fr.route else f"{fl.route} / {fr.route}"
    ev = {k: v for k, v in counts.items() if v or k in ("special", "random")}
    return dict(points=ev, skipped=skipped, removable_singularities=removable,
                precision=PRECISION, max_precision=dps, route=route)


def enough(outcome: NumericOutcome) -> bool:
    """Enough agreeing points for a `numeric` verdict (a constant needs one evaluation)."""
    pts = outcome.evidence.get("points", {})
    return outcome.points >= MIN_POINTS or bool(pts.get("constant"))


__all__ = ["PRECISION", "MIN_POINTS", "NumericOutcome", "numeric_check", "settle", "agree", "enough"]
