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
from sympy.stats.symbolic_probability import Expectation
try:  # SymPy >= 1.13
    from sympy.matrices.exceptions import NonInvertibleMatrixError
except ImportError:  # SymPy 1.12 (the tested floor)
    from sympy.matrices.common import NonInvertibleMatrixError

from .mp_eval import MatrixEvaluator, supported
from .numeric_limit import EXTRAPOLATED, closed_limit, limit_value, limits_by, sympy_number
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
    """An mpmath number (SymPy integers come back as Python ints, and 1/(n + 1) at n = 2 would
    then be a double)."""
    return mpmath.mpmathify(v._to_mpmath(dps_to_prec(dps + 10)))


def _as_values(out) -> tuple:
    """An evaluated side as a tuple of mpmath numbers; Undefined for nan/infinities."""
    vals = tuple(out) if isinstance(out, (list, tuple)) else (out,)
    res = []
    for v in vals:
        v = mpmath.mpmathify(v)
        if isinstance(v, type(mpmath.pi)):  # lazy mpmath.pi: fix it at the
            v = +v  # working precision (callers evaluate inside workdps), not when compared
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

    def cancels(self, point: Mapping, dps: int) -> bool:
        """Digits lost in cancellation: a sum — the side itself or one inside it — whose terms
        are 10^(dps-5) times larger than its value, and whose value did not move from dps/2 to
        dps digits (noise around an exact 0 shrinks as the precision rises; a lost difference
        stays put).  1 - tanh(x)^2 at x = 1000 is 0 below ~870 digits; in Σ_c b_c (A − 1)/Z with
        A = 1 − 10^{-130}, A − 1 is 0 up to 120 digits and the side's tiny value is what is
        left over.  A sum that is exactly 0 at the (rational) point is not a loss."""
        if self._terms is None:
            sums = [a for a in sp.preorder_traversal(self.expr) if isinstance(a, sp.Add)]
            self._terms = [(a, sp.lambdify(self.symbols, a, modules="mpmath"),
                            [sp.lambdify(self.symbols, t, modules="mpmath") for t in a.args])
                           for a in sums]
        with mpmath.workdps(dps):
            args = [_to_mp(point[s], dps) for s in self.symbols]
        with mpmath.workdps(dps // 2):
            args_before = [_to_mp(point[s], dps // 2) for s in self.symbols]
        exact = {s: point[s] for s in self.symbols}
        for node, total, terms in self._terms:
            try:
                with mpmath.workdps(dps):
                    big = max(abs(mpmath.mpmathify(t(*args))) for t in terms)
                    small = mpmath.mpmathify(total(*args))
                with mpmath.workdps(dps // 2):
                    before = mpmath.mpmathify(total(*args_before))
            except Exception:  # noqa: BLE001 - a term undefined alone: no verdict on noise
                continue
            stuck = abs(small - before) <= abs(small) * mpmath.mpf(10) ** (5 - dps // 2)
            if big > abs(small) * mpmath.mpf(10) ** (dps - 5) and stuck and node.xreplace(exact) != 0:
                return True
        return False

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
    """A side evaluated by substitution, concrete matrices multiplied out, then ``evalf``;
    integrals by the first quadrature rule, or the second (``rule=SECOND``); limits at the
    point by numerical extrapolation, or by SymPy (``limits=SYMPY``, :mod:`.numeric_limit`).
    ``quadratures`` says how the integrals of the last evaluation were computed, ``limit_routes``
    how many limits each route took over all evaluations."""

    route = "sympy-evalf"

    def __init__(self, expr, rule: str = "first", limits: str = EXTRAPOLATED) -> None:
        self.expr = expr
        self.rule = rule
        self.limits = limits
        self.quadratures: list = []
        self.limit_routes: dict = {}

    def __call__(self, point: Mapping, dps: int) -> tuple:
        with quadrature(self.rule) as log, limits_by(self.limits) as taken:
            try:
                return self._call(point, dps)
            finally:
                self.quadratures = list(log)
                for route, n in taken.items():
                    self.limit_routes[route] = self.limit_routes.get(route, 0) + n

    def _call(self, point: Mapping, dps: int) -> tuple:
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
    """A side at a point: limits extrapolated (or left to SymPy), concrete matrices multiplied
    out, the remaining limits taken, then evalf.

    Integrals and concrete sums go straight to evalf (mpmath quadrature / term summation):
    ``doit`` on them can start a symbolic integration or summation that never ends.  Only if
    evalf leaves something unevaluated is ``doit`` tried.
    """
    expr = _numeric_derivatives(as_expr(expr), point, prec)
    value = substitute(expr, point)
    value = value.replace(lambda e: isinstance(e, Expectation), _moments_or_held)
    value = value.replace(closed_limit, lambda e: limit_value(e, prec))
    value = explicit(value)
    value = value.replace(lambda e: isinstance(e, (sp.Limit, sp.Subs)), lambda e: e.doit())
    value = value.replace(_short_concrete_sum, lambda e: e.doit())
    value = value.replace(lambda e: _is_integral(e) and not e.free_symbols, lambda e: _integral_value(e, prec))
    out = _n(value, prec, strict)
    if not _done(out) and hasattr(value, "doit"):
        out = _n(value.doit(integrals=False), prec, strict)
    return out


def _normal_moments(e):
    """``E[p(X₁, …, Xₙ)]`` for a polynomial p of independent normal random symbols with numeric
    parameters, exactly from their moments (E[(μ + σG)^k] = Σ_j C(k, j) μ^(k−j) σ^j (j−1)!!,
    j even); None for anything else (SymPy's ``doit`` integrates it).  Far faster than
    ``Expectation.doit``, and independent of the integration the symbolic half relies on."""
    from sympy.stats.crv_types import NormalDistribution
    from sympy.stats.rv import random_symbols

    if len(e.args) != 1:  # a conditional expectation
        return None
    rvs = random_symbols(e.args[0])
    laws = [getattr(r.pspace, "distribution", None) for r in rvs]
    if not rvs or len({r.pspace for r in rvs}) != len(rvs) or not all(
            isinstance(d, NormalDistribution) and all(a.is_number for a in d.args) for d in laws):
        return None
    try:
        poly = sp.Poly(sp.expand(e.args[0]), *rvs)
    except sp.PolynomialError:
        return None
    if not all(c.is_number for c in poly.coeffs()):
        return None
    total = sp.S.Zero
    for powers, c in poly.terms():
        for d, k in zip(laws, powers):
            mu, sd = d.args
            c *= sum(sp.binomial(k, j) * mu ** (k - j) * sd ** j * sp.factorial2(j - 1)
                     for j in range(0, k + 1, 2))
        total += c
    return total


def _moments_or_held(e):
    """``e``'s value by :func:`_normal_moments`, or ``e`` itself (left to ``explicit``'s doit)."""
    value = _normal_moments(e)
    return e if value is None else value


MAX_SUM_TERMS = 20_000


def _short_concrete_sum(e) -> bool:
    """A ``Sum`` with numeric limits and no parameters, of at most MAX_SUM_TERMS terms: summed
    term by term (``doit``).  SymPy's ``evalf`` returns 0 for a nested sum of an unevaluated
    table function, Sum(ξ(j, 1) Sum(ξ(3, μ) ξ(j, μ), (μ, 1, 2)), (j, 1, 6)) (its value is 2/3)."""
    if not isinstance(e, sp.Sum) or e.free_symbols:
        return False
    count = 1
    for _, lo, hi in e.limits:
        if not (lo.is_Integer and hi.is_Integer):
            return False
        count *= max(int(hi) - int(lo) + 1, 0)
    return count <= MAX_SUM_TERMS


def _scalar_derivative(e) -> bool:
    return isinstance(e, sp.Derivative) and len(e.variable_count) == 1 and \
        isinstance(e.variable_count[0][0], sp.Symbol) and not e.expr.has(sp.MatrixSymbol)


def _held_in(e, point):
    """``(body, variable, order, at)`` of a derivative ``∂_v body`` taken at a symbol ``at`` of
    the point — ``Derivative(body, θ)`` or the held ``Subs(Derivative(body, v), v, θ)`` — else
    None."""
    if _scalar_derivative(e) and e.variables[0] in point:
        (var, order), = e.variable_count
        return e.expr, var, order, var
    if isinstance(e, sp.Subs) and len(e.variables) == 1 and _scalar_derivative(e.expr) \
            and e.expr.variables[0] == e.variables[0] and e.point[0] in point:
        (var, order), = e.expr.variable_count
        return e.expr.expr, var, order, e.point[0]
    return None


def _derivative_out_of_integral(e, point):
    """``∫ c(x) ∂_θ h(x, θ) dx`` — one derivative at a parameter of the point, a factor of the
    integrand — as ``∂_θ' ∫ c(x) h(x, θ') dx`` at θ' = θ (differentiation under the integral
    sign, smooth integrable integrands), so that the derivative is taken numerically of an
    integral that quadrature evaluates; anything else unchanged."""
    if not (isinstance(e, sp.Integral) and len(e.limits) == 1 and len(e.limits[0]) == 3):
        return e
    found = [a for a in e.function.atoms(sp.Derivative, sp.Subs) if _held_in(a, point)]
    if len(found) != 1:
        return e
    hole = sp.Dummy("derivative")
    factor, rest = e.function.xreplace({found[0]: hole}).as_independent(hole, as_Add=False)
    if rest != hole or factor.has(sp.Derivative, sp.Subs):
        return e
    body, var, order, at = _held_in(found[0], point)
    fresh = sp.Dummy(var.name, **var.assumptions0)
    inner = sp.Integral(factor * body.xreplace({var: fresh}), e.limits[0])
    return sp.Subs(sp.Derivative(inner, (fresh, order)), fresh, at)


def _numeric_derivatives(expr, point, prec):
    """Derivatives in one scalar variable, by mpmath's numerical differentiation of the
    evaluated function (never by SymPy's symbolic ``diff``: the numeric half stays independent).
    ``Subs(Derivative(f(v), v), v, a)`` (a held derivative) is differentiated at ``a``; a
    derivative inside an integral is taken of the integral (:func:`_derivative_out_of_integral`).
    """
    expr = expr.replace(lambda e: isinstance(e, sp.Integral),
                        lambda e: _derivative_out_of_integral(e, point))
    def at_subs(e):
        (v,), (a,) = e.variables, e.point
        if any(isinstance(s, sp.Symbol) and s not in point for s in as_expr(a).free_symbols):
            return e  # at an enclosing derivative's variable: evaluated inside that one
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
            value = _evaluate(d.expr, {**where, var: sympy_number(t, dps)},
                              dps, strict=True)
        except PrecisionExhausted as exc:  # lost in cancellation (½ − erf(61)/2): no digits left
            raise Unevaluable(f"derivative: the function has no digits left near {x0}") from exc
        if not isinstance(value, sp.MatrixBase) and value.free_symbols:
            # the body depends on a variable bound outside it (an integration variable)
            raise Unevaluable(f"derivative: the function keeps {sorted(map(str, value.free_symbols))} "
                              f"near {x0}")
        if isinstance(value, sp.MatrixBase) or not (value.is_number and _evaluated(value)) or \
                value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise Undefined(f"derivative: the function is undefined near {x0}: {value}")
        if value == 0:
            raise Unevaluable(f"derivative: the function is 0 to working precision near {x0}")
        return value._to_mpmath(mpmath.mp.prec)

    with mpmath.workdps(prec):
        out = mpmath.diff(f, _to_mp(sp.N(x0, prec + 10), prec), order)
    return sympy_number(out, prec)


def _done(x) -> bool:
    vals = list(x) if isinstance(x, sp.MatrixBase) else [x]
    return all(v.is_number and _evaluated(v) for v in vals)


# ---------------------------------------------------------------- quadrature
#
# Two independent quadratures (DESIGN §2).  The first — tanh-sinh over the interval split at
# the integrand's located peaks — gives every value; a disagreement found through it is
# re-evaluated by the second — Gauss–Legendre on a mesh graded geometrically around the located
# peaks and around the largest values of a scan of |f| — before it can be a witness.  Gaussian
# integrands (Σ c xᵏ exp(quadratic) over ℝ) are exact moments in both.

FIRST, SECOND = "first", "second"
_QUADRATURE = {"rule": FIRST, "log": []}  # the rule in use, and what the integrals were given by


class quadrature:
    """``with quadrature(SECOND) as log:`` evaluates integrals by the second rule; ``log``
    receives one description per integral evaluated."""

    def __init__(self, rule: str = FIRST) -> None:
        self.rule = rule

    def __enter__(self) -> list:
        self.saved = dict(_QUADRATURE)
        _QUADRATURE.update(rule=self.rule, log=[])
        return _QUADRATURE["log"]

    def __exit__(self, *exc) -> None:
        _QUADRATURE.update(self.saved)


def _log(text: str) -> None:
    if text not in _QUADRATURE["log"]:
        _QUADRATURE["log"].append(text)


def _quad(integral, prec):
    """A closed definite integral by mpmath quadrature at ``prec`` digits (much faster than
    ``Integral.evalf``); falls back to evalf if the integrand cannot be translated."""
    second = _QUADRATURE["rule"] == SECOND
    try:
        with mpmath.workdps(prec + 10):
            if len(integral.limits) == 1 and len(integral.limits[0]) == 3:
                x, a, b = integral.limits[0]
                value = _gaussian_integral(integral.function, x, a, b, prec)
                if value is None:
                    f = sp.lambdify(x, integral.function, modules="mpmath")
                    lo, hi = _mp_limit(a), _mp_limit(b)
                    peaks = _peaks(integral.function, x, lo, hi)
                    if second:
                        around = _peaks(integral.function, x, lo, hi, ends=True) + _scan_maxima(f, lo, hi)
                        cuts = _graded_cuts(around, lo, hi)
                        _log(f"Gauss–Legendre on {len(cuts) - 1} intervals graded around x = "
                             f"{_where(around)}" + (", tails mapped by u = 1/x" if
                                                    not mpmath.isfinite(lo) or not mpmath.isfinite(hi) else ""))
                        value = _converged(lambda cs: _gauss_legendre(f, cs), cuts, prec)
                    else:
                        cuts = _peak_cuts(peaks, lo, hi)
                        _log(f"tanh-sinh split at {len(cuts) - 2} points around x = {_where(peaks)}"
                             if len(cuts) > 2 else "tanh-sinh unsplit")
                        value = _converged_quad(f, cuts, prec)
                else:
                    _log("exact Gaussian moments")
            elif second:
                raise Unevaluable("no second quadrature for a multiple integral")
            else:
                _log("mpmath multiple quadrature")
                value = sp.lambdify([], integral, modules="mpmath")()
        value = mpmath.mpmathify(value)
        if mpmath.isinf(value) and mpmath.im(value) == 0:
            return sp.oo if value > 0 else -sp.oo  # a divergent integral is evidence too
        if not mpmath.isfinite(value):
            return integral
        return sympy_number(value, prec)
    except (Undefined, Unevaluable):
        raise
    except Exception:  # noqa: BLE001 - fall back to sympy's own evalf of the integral
        if second:
            raise Unevaluable("the second quadrature cannot evaluate this integrand") from None
        return integral


MAX_PEAKS = 8


def _peaks(f, x, lo, hi, ends: bool = False) -> list:
    """``[(centre, width), …]`` where a closed integrand can vary fast: the real parts of the
    roots of the polynomials in ``x`` it divides by, raises to a power or applies a function to
    (a Lorentzian's c ± iw, sech((x − c)/w)'s c), with the distance of the root to the real
    axis (or the scale over which the polynomial changes by 1) as the width."""
    cands = set()
    for node in sp.preorder_traversal(f):
        if isinstance(node, sp.Pow):
            cands.add(node.base)
            if node.exp.has(x):
                cands.add(node.exp)
        elif isinstance(node, sp.Function):
            cands.update(node.args)
    out = []
    for c in cands:
        if not c.has(x):
            continue
        try:
            poly = sp.Poly(c, x)
            if not 1 <= poly.degree() <= 12:
                continue
            coeffs = [mpmath.mpmathify(sp.N(k, 20)) for k in poly.all_coeffs()]
            roots = mpmath.polyroots(coeffs, maxsteps=200, extraprec=60) if len(coeffs) > 2 \
                else [-coeffs[1] / coeffs[0]]
        except Exception:  # noqa: BLE001 - not a polynomial, or no convergence: no peak from it
            continue
        deriv = [k * (len(coeffs) - 1 - i) for i, k in enumerate(coeffs[:-1])]
        for r in roots:
            centre = mpmath.re(r)
            inside = lo <= centre <= hi if ends else lo < centre < hi
            if not inside or not mpmath.isfinite(centre):
                continue
            slope = abs(mpmath.polyval(deriv, centre))
            width = abs(mpmath.im(r)) or (1 / slope if slope else abs(coeffs[0]) ** (-mpmath.mpf(1) / (len(coeffs) - 1)))
            out.append((centre, max(width, mpmath.mpf(10) ** -25)))
    out.sort(key=lambda p: p[1])
    unique: list = []
    for c, w in out:  # one entry per centre, its narrowest width
        if not any(abs(c - u) <= w for u, _ in unique):
            unique.append((c, w))
    return unique[:MAX_PEAKS]


def _scan_maxima(f, lo, hi, count: int = 2) -> list:
    """The points of a coarse scan where |f| is largest (the second rule's own peak finder)."""
    if mpmath.isfinite(lo) and mpmath.isfinite(hi):
        grid = [lo + (hi - lo) * (k + mpmath.mpf(1) / 2) / 128 for k in range(128)]
    else:
        mags = [mpmath.mpf(10) ** (e / mpmath.mpf(8)) for e in range(-24, 33)]
        base = lo if mpmath.isfinite(lo) else (hi if mpmath.isfinite(hi) else mpmath.mpf(0))
        grid = [base + s * m for m in mags for s in (1, -1)] + [base]
        grid = [g for g in grid if lo < g < hi]
    vals = []
    with mpmath.workdps(15):
        for g in grid:
            try:
                v = abs(mpmath.mpmathify(f(g)))
            except Exception:  # noqa: BLE001 - a pole on the grid: not a maximum to integrate around
                continue
            if mpmath.isfinite(v):
                vals.append((v, g))
    vals.sort(key=lambda t: -t[0])
    spacing = (hi - lo) / 128 if mpmath.isfinite(lo) and mpmath.isfinite(hi) else None
    return [(g, spacing or max(abs(g - lo) if mpmath.isfinite(lo) else abs(g), mpmath.mpf(1)) / 8)
            for _, g in vals[:count]]


def _peak_cuts(peaks, lo, hi) -> list:
    """The first rule's interval: split at each peak and one width either side."""
    cuts = {lo, hi}
    for c, w in peaks:
        cuts |= {c - w, c, c + w}
    return sorted(p for p in cuts if lo <= p <= hi)


def _graded_cuts(peaks, lo, hi) -> list:
    """The second rule's mesh: around each centre, points at ± width·10^k out to the interval's
    scale (a graded mesh: each ring is smooth at its own scale); an infinite end is cut at ±R
    with R ≥ 100 × the largest centre (the tail beyond is mapped, see ``_tails_mapped``)."""
    far = max([abs(c) for c, _ in peaks] + [mpmath.mpf(1)]) * 100
    cuts = {lo if mpmath.isfinite(lo) else -far, hi if mpmath.isfinite(hi) else far}
    if mpmath.isfinite(lo) and mpmath.isfinite(hi):
        far = hi - lo
    for c, w in peaks:
        s = w / 10
        cuts.add(c)
        while s <= far:
            cuts |= {c - s, c + s}
            s *= 10
    a, b = min(cuts), max(cuts)
    inside = sorted(p for p in cuts if lo <= p <= hi and a <= p <= b)
    inside = [-mpmath.inf] * (not mpmath.isfinite(lo)) + inside + [mpmath.inf] * (not mpmath.isfinite(hi))
    out = [inside[0]]
    for p in inside[1:]:  # no interval narrower than the working precision can resolve
        if p - out[-1] > abs(p) * mpmath.mpf(10) ** (-mpmath.mp.dps // 2) or p == inside[-1]:
            out.append(p)
    return out


GL_DEGREE = 6  # Gauss–Legendre up to 3·2⁵ = 96 nodes per interval (node tables are costly to build) (the graded mesh does the rest)


def _gauss_legendre(f, cuts):
    """``(value, error)`` of ∫ f over ``cuts`` by Gauss–Legendre: each finite interval, and each
    infinite tail beyond the outermost cut r mapped to [0, 1] by x = r/u (dx = |r|/u² du, smooth
    for a decaying f)."""
    finite = [c for c in cuts if mpmath.isfinite(c)]
    pieces = [(f, a, b) for a, b in zip(finite[:-1], finite[1:])]
    for r, infinite in ((finite[0], not mpmath.isfinite(cuts[0])), (finite[-1], not mpmath.isfinite(cuts[-1]))):
        if infinite:
            pieces.append((lambda u, r=r: f(r / u) * abs(r) / u**2, 0, 1))
    total, error = [], []
    for g, a, b in pieces:
        v, e = mpmath.quad(g, [a, b], method="gauss-legendre", error=True, maxdegree=GL_DEGREE)
        total.append(v)
        error.append(e)
    return mpmath.fsum(total), mpmath.fsum(error)


def _where(pts) -> str:
    return ", ".join(mpmath.nstr(c, 6) for c, _ in pts[:4]) + (" …" if len(pts) > 4 else "") if pts else "0"


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


def _converged_quad(f, cuts, prec):
    """The first rule: mpmath's tanh-sinh over ``cuts``."""
    return _converged(lambda cs: mpmath.quad(f, cs, error=True, method="tanh-sinh"), cuts, prec)


def _converged(quad, cuts, prec):
    """``quad(cuts)`` (→ value, error) that says when it does not converge (a divergent
    integral is undefined, which beside a finite other side is a witness).  A node on a pole
    is avoided by splitting the interval there."""
    a, b = cuts[0], cuts[-1]
    for attempt in range(2):
        try:
            value, err = quad(cuts)
            break
        except ZeroDivisionError:
            mid = (a + b) / 2 if mpmath.isfinite(a) and mpmath.isfinite(b) else mpmath.mpf(0)
            cuts = sorted(set(cuts) | {mid})
    else:
        raise Undefined("the integrand is undefined inside the interval of integration")
    # mpmath's estimate is crude: when it is large, the value is recomputed at 20 more
    # digits; a divergent integral's value runs away, a convergent one's stays put
    if mpmath.isfinite(value) and err >= mpmath.mpf("0.01"):
        with mpmath.workdps(prec + 20):
            again = quad(cuts)[0]
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
    closed form for a family of priors) is asked first, quadrature only if it has no answer —
    except under the second rule, which evaluates every integral (same meaning) itself."""
    if _QUADRATURE["rule"] == SECOND:
        return _quad(sp.Integral(e.function, *e.limits), prec)
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
