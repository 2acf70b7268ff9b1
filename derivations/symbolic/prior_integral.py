"""Integrals against a prior density that may be undefined (Tweedie's formula, 6.3.17–6.3.21).

Numeric-evaluation protocol: a concrete :class:`PriorIntegral` evaluates itself through
SymPy's ``evalf`` (``_eval_evalf``): exactly for Gaussian moments, by mpmath quadrature
otherwise, at the precision the verifier asks for.  The verifier calls ``evalf`` on any
integral class other than ``sympy.Integral`` before falling back to its own quadrature.
"""
from __future__ import annotations

from functools import lru_cache

import mpmath
import sympy as sp
from sympy.concrete.expr_with_limits import AddWithLimits
from sympy.core.evalf import dps_to_prec, prec_to_dps
from sympy.core.function import AppliedUndef

from ..model import FunctionFamily

__all__ = ["PriorIntegral", "gaussian_mixture_prior", "gaussian_mixtures", "DIVERGENT"]


class PriorIntegral(AddWithLimits):
    """``∫ f(x) dx`` (limits ``(x, a, b)``) against a prior density that may be undefined.

    Same meaning as ``sympy.Integral``; only how it is worked with differs.  ``Integral`` runs
    its integration heuristics (``heurisch``: 5–50 s) on every ``doit``/``simplify`` of an
    integrand holding an undefined ``p(x)``, and ``evalf`` quadrature of a Gaussian-mixture
    instance costs ~15 s at 50 digits.  Here:

    * ``doit`` applies linearity only (splits sums, moves factors free of ``x`` outside); an
      integrand without undefined functions but with free parameters is integrated by SymPy;
      a concrete instance (no parameters) is evaluated numerically (no closed form to keep);
    * derivatives are taken under the integral sign (limits free of the variable);
    * ``evalf`` is exact for integrands that expand to ``Σ c x^k exp(quadratic in x)`` over
      the real line (Gaussian moments: everything a Gaussian-mixture prior against a Gaussian
      kernel produces), mpmath quadrature otherwise.
    """

    def doit(self, **hints):
        f = self.function.doit(**hints) if hints.get("deep", True) else self.function
        if hints.get("integrals", True) is False:
            return self.func(f, *self.limits)
        (x, a, b), = self.limits
        if not (f.free_symbols - {x}) and not f.atoms(AppliedUndef):
            # a concrete instance (no parameters left): no closed form SymPy could simplify,
            # so doit evaluates it (60 digits); verdicts re-evaluate through evalf anyway
            value = _evaluate_integral(self.func(f, *self.limits), dps_to_prec(60))
            return value if value is not None else self.func(f, *self.limits)
        if not f.atoms(AppliedUndef, PriorIntegral):
            done = _integrated(f, x, a, b)
            if not done.has(sp.Integral):
                return done
        out = []
        for term in _product_terms(f, x):
            const, rest = term.as_independent(x, as_Add=False)
            out.append(const * self.func(rest, *self.limits))
        return sp.Add(*out)

    def _eval_derivative(self, sym):
        (x, a, b), = self.limits
        if sym in a.free_symbols | b.free_symbols:
            return None
        return self.func(self.function.diff(sym), *self.limits)

    def _as_integral(self, printer, *args, **kwargs):
        """Printed exactly as the ``sympy.Integral`` it stands for (LaTeX, MathML, str, pretty)."""
        return printer._print(sp.Integral(self.function, *self.limits), *args, **kwargs)

    _latex = _sympystr = _pretty = _mathml_presentation = _mathml_content = _as_integral

    def _eval_evalf(self, prec):
        return _evaluate_integral(self, prec)

    # sign queries would evaluate the integral (simplify asks them hundreds of times): unknown
    def _eval_is_extended_positive(self):
        return None

    def _eval_is_extended_negative(self):
        return None


DIVERGENT = object()


@lru_cache(maxsize=512)
def _evaluate_integral(integral: PriorIntegral, prec: int):
    """Numeric value of a concrete ``PriorIntegral`` at binary precision ``prec`` (memoised);
    None when it has free parameters or diverges."""
    (x, a, b), = integral.limits
    dps = prec_to_dps(prec)
    f = integral.function
    f = f.xreplace({i: i.evalf(dps + 10) for i in f.atoms(PriorIntegral) if x not in i.free_symbols})
    if f.free_symbols - {x} or a.free_symbols or b.free_symbols:
        return None
    with mpmath.workdps(dps + 10):
        exact = _gaussian_moments(f, x, dps) if (a, b) == (-sp.oo, sp.oo) else None
        if exact is DIVERGENT:
            return None
        if exact is not None:
            return sp.Float(exact, dps + 5)
        lo, hi = (mpmath.mpmathify(sp.N(v, dps + 10)) if v.is_finite else
                  (mpmath.inf if v == sp.oo else -mpmath.inf) for v in (a, b))
        value = mpmath.quad(sp.lambdify(x, f, "mpmath"), [lo, hi])
    return sp.Float(value, dps + 5)


@lru_cache(maxsize=64)
def _integrated(f, x, a, b):
    """SymPy's ``integrate``, simplified once and memoised (``simplify`` calls ``doit`` often)."""
    done = sp.integrate(f, (x, a, b))
    return done if done.has(sp.Integral) else sp.simplify(done)


def _product_terms(e, x) -> list:
    """``e`` as a list of products: distributes over sums that depend on ``x`` only (unlike
    ``expand``, never touches denominators, exponents or factors free of ``x``)."""
    if e.is_Add:
        return [t for arg in e.args for t in _product_terms(arg, x)]
    if e.is_Pow and e.base.is_Add and e.base.has(x) and e.exp.is_Integer and e.exp > 0:
        return _product_terms(sp.Mul(*[e.base] * int(e.exp), evaluate=False), x)
    if e.is_Mul:
        out = [sp.S.One]
        for factor in e.args:
            parts = _product_terms(factor, x) if factor.has(x) else [factor]
            out = [o * q for o in out for q in parts]
        return out
    return [e]


def _gaussian_moments(f, x, dps: int):
    """``∫_ℝ f dx`` to ``dps`` digits (an mpmath number) when ``f`` is a sum of
    ``c x^k exp(a₂x² + a₁x + a₀)`` with ``a₂ < 0``; ``DIVERGENT`` when a term's exponent is a
    polynomial that does not decay on both sides; else None.  Closed form, no quadrature:
    ``c e^{a₀ + a₁²/4α} √(π/α) E[(μ + W)^k]`` with ``α = -a₂``, ``μ = a₁/2α``,
    ``W ~ N(0, 1/2α)``, ``E[W^j] = (j-1)!! (2α)^{-j/2}`` for even ``j``."""
    mp = mpmath.mp

    def num(e):
        return mp.mpmathify(sp.N(e, dps + 10))

    total = mp.zero
    for term in _product_terms(f, x):
        const, rest = term.as_independent(x, as_Add=False)
        factors = sp.Mul.make_args(rest)
        exps = [u for u in factors if isinstance(u, sp.exp)]
        try:
            poly = sp.Poly(sp.Mul(*[u for u in factors if not isinstance(u, sp.exp)]), x,
                           domain=sp.EX)
            quad = sp.Poly(sp.Add(*[u.args[0] for u in exps]), x, domain=sp.EX)
        except sp.PolynomialError:
            return None
        degree = int(max(quad.degree(), 0))  # the zero polynomial has degree -oo
        if degree % 2 == 1 or degree == 0 or num(quad.LC().as_expr()) > 0:
            return DIVERGENT  # the integrand does not decay on both sides of the real line
        if degree != 2:
            return None
        a2, a1, a0 = (num(c.as_expr()) for c in quad.all_coeffs())
        alpha = -a2
        mu = a1 / (2 * alpha)
        scale = num(const) * mp.exp(a0 + a1 ** 2 / (4 * alpha)) * mp.sqrt(mp.pi / alpha)
        for (k,), coeff in poly.terms():
            moment = mp.fsum(mp.binomial(k, j) * mu ** (k - j) * (2 * alpha) ** (-mp.mpf(j) / 2)
                             * mp.fac2(j - 1) for j in range(0, k + 1, 2))
            total += num(coeff.as_expr()) * scale * moment
    return total


def gaussian_mixture_prior(rng) -> sp.Lambda:
    """A 2- or 3-component Gaussian mixture density with exact rational parameters."""
    u = sp.Dummy("u", real=True)
    k = rng.choice((2, 3))
    weights = [rng.randint(1, 5) for _ in range(k)]
    parts = []
    for w in weights:
        mean = sp.Rational(rng.randint(-14, 14), 7)
        var = sp.Rational(rng.randint(2, 16), 8)
        parts.append(sp.Rational(w, sum(weights)) * sp.exp(-(u - mean) ** 2 / (2 * var))
                     / sp.sqrt(2 * sp.pi * var))
    return sp.Lambda(u, sp.Add(*parts))


def gaussian_mixtures(p: sp.FunctionClass) -> FunctionFamily:
    """The family of Gaussian-mixture instances of an undefined prior density ``p``."""
    return FunctionFamily(p, gaussian_mixture_prior,
                          "Gaussian mixtures, 2–3 components, rational weights, "
                          "means in [-2, 2], variances in [1/4, 2]")
