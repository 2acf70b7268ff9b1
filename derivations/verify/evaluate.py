"""Both sides of a step at a point, as mpmath numbers: the evaluation routes of the numeric half.

* ``Lambdified`` — plain scalar expressions, ``lambdify``-ed once to mpmath (cheap);
* ``MatrixRoute`` — matrix algebra, traces and determinants in mpmath matrices (cheap);
* ``Substituted`` — everything else through SymPy: substitution, concrete matrices multiplied
  out, limits, integrals by mpmath quadrature (a quadrature that does not converge is
  undefined), derivatives by ``mpmath.diff`` (never SymPy's ``diff``), then ``evalf``.

An evaluation raises :class:`Undefined` (a pole, a divergence: evidence) or
:class:`Unevaluable` (no number at all: no evidence either way).
"""
from __future__ import annotations

from typing import Callable, Mapping

import mpmath
import sympy as sp
from sympy.core.evalf import PrecisionExhausted, dps_to_prec
try:  # SymPy >= 1.13
    from sympy.matrices.exceptions import NonInvertibleMatrixError
except ImportError:  # SymPy 1.12 (the tested floor)
    from sympy.matrices.common import NonInvertibleMatrixError

from .mp_eval import MatrixEvaluator, supported
from .points import as_expr, explicit, substitute

PRECISION = 30  # digits of the independent evaluation (DESIGN: >= 30)

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


def _evaluate(expr, point, prec, strict: bool = False):
    """A side at a point: concrete matrices multiplied out, limits taken, then evalf.

    Integrals and concrete sums go straight to evalf (mpmath quadrature / term summation):
    ``doit`` on them can start a symbolic integration or summation that never ends.  Only if
    evalf leaves something unevaluated is ``doit`` tried.
    """
    expr = _numeric_derivatives(as_expr(expr), point, prec)
    value = explicit(substitute(expr, point))
    value = value.replace(lambda e: isinstance(e, (sp.Limit, sp.Subs)), lambda e: e.doit())
    value = value.replace(lambda e: _is_integral(e) and not e.free_symbols, lambda e: _integral_value(e, prec))
    out = _n(value, prec, strict)
    if not _done(out) and hasattr(value, "doit"):
        out = _n(value.doit(integrals=False), prec, strict)
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
        try:
            value = _evaluate(d.expr, {**where, var: sp.Float(t, dps) if mpmath.im(t) == 0 else
                                       sp.Float(mpmath.re(t), dps) + sp.I * sp.Float(mpmath.im(t), dps)},
                              dps, strict=True)
        except PrecisionExhausted as exc:  # lost in cancellation (½ − erf(61)/2): no digits left
            raise Unevaluable(f"derivative: the function has no digits left near {x0}") from exc
        if isinstance(value, sp.MatrixBase) or not (value.is_number and _evaluated(value)) or \
                value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise Undefined(f"derivative: the function is undefined near {x0}: {value}")
        if value == 0:
            raise Unevaluable(f"derivative: the function is 0 to working precision near {x0}")
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
                value = _gaussian_integral(integral.function, x, a, b, prec)
                if value is None:
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


def _gaussian_integral(f, x, a, b, prec):
    """``∫_ℝ Σ c x^k exp(quadratic)`` in closed form (Gaussian moments), None for anything else.

    Quadrature misses a narrow peak far from the origin (width 1e-3 at x = 3: the nodes never
    land on it), so a true identity would look refuted there; the moments are exact."""
    if (a, b) != (-sp.oo, sp.oo) or f.free_symbols - {x}:
        return None
    from ..symbolic.prior_integral import DIVERGENT, _gaussian_moments

    exact = _gaussian_moments(f, x, prec)
    if exact is DIVERGENT:
        return None  # quadrature decides (and reports divergence)
    return exact


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
    # mpmath's estimate is crude: when it is large, the value is recomputed at 20 more
    # digits; a divergent integral's value runs away, a convergent one's stays put
    if mpmath.isfinite(value) and err >= mpmath.mpf("0.01"):
        with mpmath.workdps(prec + 20):
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


def _n(value, prec, strict: bool = False):
    """``evalf``; ``strict`` raises PrecisionExhausted when SymPy cannot reach ``prec`` digits."""
    if isinstance(value, sp.MatrixBase):
        return value.evalf(prec, strict=strict)
    return sp.N(value, prec, strict=strict)
