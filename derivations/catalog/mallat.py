"""Stéphane Mallat — score-based diffusion and wavelet denoising (notes chapter 6).

Each derivation is one declaration; helpers shared by several live at the top.
"""
from __future__ import annotations

import sympy as sp

from ..model import Claim, Derivation, FunctionFamily, Matrix, Printed, Step  # noqa: F401

# ==== section: ou_solution (mallat.ou_solution) ====
# Ornstein–Uhlenbeck SDE solved by an integrating factor (Mallat 6.3.2–6.3.5, 6.3.12–6.3.13) and
# the same process in Mézard's Langevin notation (7.2.9–7.2.14, noise <η(t)η(t')> = 2δ(t-t')).
from functools import partial as _partial  # noqa: E402

from hypothesis import strategies as _st  # noqa: E402

from numerics import sde as _sde  # noqa: E402

_t, _kappa, _sigma = sp.symbols("t kappa sigma", positive=True)
_x0 = sp.Symbol("x0", real=True)            # initial condition x_0 (6.3.5)
_x = sp.Symbol("x", real=True)              # state x_t / position variable of p_st
_y = sp.Symbol("y", real=True)              # y_t = e^{κt} x_t (6.3.3)
_a = sp.Symbol("a", real=True)              # Mézard's initial condition x(0) = a (7.2.11)
_g = sp.Symbol("g", positive=True)          # constant noise amplitude g (7.2.12)
_s, _tau = sp.symbols("s tau", positive=True)  # integration variables
_dim = sp.Symbol("d", integer=True, positive=True)  # x ∈ R^d (7.2.10–7.2.11)


def _d(expr, var, order: int = 1):
    """``∂^order expr / ∂var^order`` kept unevaluated, as ``Subs(Derivative(...), var', var)``.

    The verifier substitutes numbers for free symbols with ``xreplace``, which would also
    replace the variable of a plain ``Derivative``; differentiating with respect to a bound
    dummy and substituting back is what ``sympy`` itself does for ``Derivative(...).subs``.
    """
    dummy = sp.Symbol(f"{var.name}'", **var.assumptions0)
    return sp.Subs(sp.Derivative(expr.xreplace({var: dummy}), (dummy, order)), dummy, var)


def _ito_drift(f, state, drift, diffusion):
    """dt-coefficient of Itô's formula for ``f(t, state)``: ``∂_t f + b ∂_x f + ½ σ² ∂²_x f``."""
    return _d(f, _t) + drift * _d(f, state) + diffusion ** 2 / 2 * _d(f, state, 2)


# closed forms derived below and reused by the Monte Carlo claims
ou_mean = sp.exp(-_kappa * _t) * _x0                                    # E x_t (6.3.5)
ou_variance = _sigma ** 2 * (1 - sp.exp(-2 * _kappa * _t)) / (2 * _kappa)  # Var x_t (6.3.5)
ou_stationary_variance = _sigma ** 2 / (2 * _kappa)                     # t → ∞ below 6.3.5
mezard_delta = 1 - sp.exp(-2 * _t)                                      # Δ_t (7.2.11)
rescaled_noise_variance = sp.exp(2 * _t) - 1                            # 6.3.13
p_stationary = sp.exp(-_x ** 2 / 2) / sp.sqrt(2 * sp.pi)                 # 7.2.10, one coordinate

_y_t = sp.exp(_kappa * _t) * _x     # 6.3.3 as a function of (t, x_t)
_x_t = sp.exp(-_kappa * _t) * _y    # its inverse, a function of (t, y_t)
_drift_terms = sp.Add(sp.Mul(sp.exp(_kappa * _t), -_kappa * _x, evaluate=False),
                      sp.Mul(_kappa, sp.exp(_kappa * _t), _x, evaluate=False), evaluate=False)
_half_line = (_x, 0, sp.oo)  # ∫_R of an even function = 2 ∫_0^∞ (its mutants stay convergent)


def _over(num, den):
    """``num/den`` kept as printed (no automatic rewriting), for faithful LaTeX."""
    return sp.Mul(num, sp.Pow(den, -1, evaluate=False), evaluate=False)


# below 6.3.5 the notes print x_{t→+∞} = σ/(2√(2κ)) z, i.e. a stationary variance (σ/(2√(2κ)))²
_as_printed_stationary_variance = sp.Pow(
    _over(_sigma, sp.Mul(2, sp.sqrt(sp.Mul(2, _kappa, evaluate=False), evaluate=False), evaluate=False)),
    2, evaluate=False)

_OU_STEPS = (
    # --- 6.3.4: Itô's formula for y_t = e^{κt} x_t with dx_t = -κ x_t dt + σ dW_t (6.3.2)
    Step(_ito_drift(_y_t, _x, -_kappa * _x, _sigma), _drift_terms,
         "Itô's formula: dt-coefficient ∂_t y + (-κx) ∂_x y + ½σ² ∂²_x y; y is linear in x, "
         "so there is no Itô correction", "6.3.4"),
    Step(_drift_terms, sp.S.Zero, "the drift cancels: the integrating factor removes -κ x_t dt",
         "6.3.4"),
    Step(_sigma * _d(_y_t, _x), sp.exp(_kappa * _t) * _sigma,
         "Itô's formula: dW-coefficient σ ∂_x y, so dy_t = e^{κt} σ dW_t", "6.3.4"),
    # --- 6.3.5: back to x_t = e^{-κt} y_t, y_t = x_0 + σ ∫_0^t e^{κs} dW_s; it solves 6.3.2
    Step(_ito_drift(_x_t, _y, 0, sp.exp(_kappa * _t) * _sigma), -_kappa * _x_t,
         "Itô's formula for x = e^{-κt} y with dy = e^{κt} σ dW: the drift of 6.3.2 is recovered",
         "6.3.5"),
    Step(sp.exp(_kappa * _t) * _sigma * _d(_x_t, _y), _sigma,
         "Itô's formula: the noise of 6.3.2 is recovered, so x_t = e^{-κt} x_0 + "
         "σ ∫_0^t e^{-κ(t-s)} dW_s", "6.3.5"),
    Step(_d(ou_mean, _t), -_kappa * ou_mean,
         "E of 6.3.2 (E dW_t = 0): d E x_t = -κ E x_t dt, solved by E x_t = e^{-κt} x_0", "6.3.5"),
    Step(sp.Limit(ou_mean, _t, 0, "+"), _x0, "limiting case x_{t=0} = x_0: the mean starts at x_0",
         "6.3.5"),
    Step(_sigma ** 2 * sp.Integral(sp.exp(-2 * _kappa * (_t - _s)), (_s, 0, _t)), ou_variance,
         "Itô isometry: Var σ ∫_0^t e^{-κ(t-s)} dW_s = σ² ∫_0^t e^{-2κ(t-s)} ds", "6.3.5"),
    Step(_d(ou_variance, _t), -2 * _kappa * ou_variance + _sigma ** 2,
         "cross-check: Itô's formula for x_t² gives d Var x_t = (-2κ Var x_t + σ²) dt", "6.3.5"),
    Step(sp.Limit(ou_variance, _t, 0, "+"), sp.S.Zero,
         "limiting case x_{t=0} = x_0: no noise at t = 0", "6.3.5"),
    Step(sp.Limit(ou_mean ** 2 + ou_variance, _t, sp.oo), ou_stationary_variance,
         "limiting case t → +∞: E x_t² = (E x_t)² + Var x_t → σ²/(2κ), the memory of x_0 is lost",
         "6.3.5"),
    Step(sp.Limit(ou_variance, _t, sp.oo), ou_stationary_variance,
         "limiting case t → +∞: stationary variance σ²/(2κ)", "6.3.5",
         printed=Printed(rhs=_as_printed_stationary_variance,
                         note="the notes print x_{t→+∞} = σ/(2√(2κ)) z; the stationary standard "
                              "deviation is σ/√(2κ) (variance σ²/(2κ)), not σ/(2√(2κ))")),
    # --- 6.3.12: κ = 1 and σ = √2 (Mézard's <ηη> = 2δ); the initial condition is called x
    Step(sp.Subs(ou_mean, (_kappa, _x0), (1, _x)), sp.exp(-_t) * _x,
         "6.3.5 at κ = 1: mean e^{-t} x", "6.3.12"),
    Step(sp.Subs(ou_variance, (_kappa, _sigma), (1, sp.sqrt(2))), mezard_delta,
         "6.3.5 at κ = 1, σ = √2: noise variance 1 - e^{-2t}", "6.3.12"),
    # --- 6.3.13: rescaled observation e^{t} x_t = x + sqrt(e^{2t} - 1) z (the text's
    #     "e^{tx_t}" is OCR for e^{t} x_t)
    Step(sp.Mul(sp.exp(_t), sp.exp(-_t) * _x, evaluate=False), _x,
         "the rescaled mean is the clean signal x", "6.3.13"),
    Step(sp.Mul(sp.exp(2 * _t), mezard_delta, evaluate=False), rescaled_noise_variance,
         "multiplying by e^{t} multiplies the noise variance by e^{2t}", "6.3.13"),
    # --- Mézard 7.2.11: ẋ = -x + η (7.2.9), x(0) = a
    Step(sp.Subs(ou_mean, (_kappa, _x0), (1, _a)), _a * sp.exp(-_t),
         "7.2.11: the deterministic part a e^{-t} is 6.3.5's mean at κ = 1", "7.2.11"),
    Step(2 * sp.Integral(sp.exp(-2 * (_t - _tau)), (_tau, 0, _t)), mezard_delta,
         "variance of ∫_0^t e^{-(t-τ)} η(τ) dτ with <η(τ)η(τ')> = 2δ(τ-τ'): Δ_t = 1 - e^{-2t}",
         "7.2.11"),
    # --- 7.2.10: stationary law of 7.2.9
    Step((2 * sp.Integral(p_stationary, _half_line)) ** _dim, sp.S.One,
         "a probability density on R^d integrates to 1: p_st(x) = (2π)^{-d/2} e^{-|x|²/2} "
         "(7.2.8 with V = |x|²/2, Z = (2π)^{d/2}); the integral factorises over coordinates "
         "and each even factor is twice its integral over [0, ∞)", "7.2.10",
         printed=Printed(lhs=(2 * sp.Integral(sp.exp(-_x ** 2 / 2), _half_line)) ** _dim,
                         note="the notes print p_st(x) = e^{-|x|²/2} without the normalisation "
                              "1/Z = (2π)^{-d/2}; its integral over R^d is (2π)^{d/2}, not 1")),
    Step(_d(_x * p_stationary, _x) + _d(p_stationary, _x, 2), sp.S.Zero,
         "stationary Fokker–Planck equation (7.2.6–7.2.7 with F = -x): ∂_x(x p) + ∂²_x p = 0",
         "7.2.10"),
    Step(sp.Limit(mezard_delta, _t, sp.oo),
         sp.Subs(ou_stationary_variance, (_kappa, _sigma), (1, sp.sqrt(2))),
         "x(t) relaxes to unit variance, the variance of p_st: Δ_∞ = σ²/(2κ) at κ = 1, σ = √2",
         "7.2.10"),
    # --- 7.2.13–7.2.14 with constant f = -κ, g: reduces to the OU solution
    Step(sp.exp(sp.Integral(-_kappa, (_tau, 0, _t))), sp.exp(-_kappa * _t),
         "s(t) = exp ∫_0^t f for f = -κ", "7.2.14"),
    Step(2 * sp.Integral(sp.Pow(_over(_g, sp.exp(-_kappa * _tau)), 2, evaluate=False),
                         (_tau, 0, _t)),
         _g ** 2 * (sp.exp(2 * _kappa * _t) - 1) / _kappa,
         "σ(t)² = 2 ∫_0^t (g/s)² for constant g", "7.2.14"),
    Step(sp.exp(-2 * _kappa * _t) * _g ** 2 * (sp.exp(2 * _kappa * _t) - 1) / _kappa,
         sp.Subs(ou_variance, _sigma, sp.sqrt(2) * _g),
         "Var x = s² σ² (7.2.13) is the OU variance 6.3.5 with σ = √2 g (noise <gη gη> = 2g²δ)",
         "7.2.13"),
    Step(2 * sp.Integral(_g ** 2, (_tau, 0, _t)), 2 * _g ** 2 * _t,
         "f = 0: s = 1 and σ(t)² = 2g²t; g = 1 is Brownian motion with <η η> = 2δ (cf. 7.2.5)",
         "7.2.14"),
)

# Monte Carlo: the exact transition (6.3.5) and an Euler–Maruyama simulation of 6.3.2 itself.
_finite = dict(allow_nan=False, allow_infinity=False)
_x0_values = _st.one_of(_st.floats(-3.0, -1.0, **_finite), _st.floats(1.0, 3.0, **_finite))


def _ou_cases(kappa_t: tuple[float, float], steps: int | None = None):
    """OU parameter dicts with κt in ``kappa_t``; ``x0`` kept away from 0 so the mean is resolvable."""
    def with_kappa(kappa: float):
        entries = {"x0": _x0_values, "kappa": _st.just(kappa), "sigma": _st.floats(0.1, 1.5, **_finite),
                   "t": _st.floats(kappa_t[0] / kappa, kappa_t[1] / kappa, **_finite)}
        if steps is not None:
            entries["steps"] = _st.just(steps)
        return _st.fixed_dictionaries(entries)
    return _st.floats(0.25, 2.0, **_finite).flatmap(with_kappa)


_CASES = ({"x0": 2.0, "kappa": 1.0, "sigma": 0.5, "t": 0.7},
          {"x0": -1.5, "kappa": 0.3, "sigma": 1.2, "t": 2.0},
          {"x0": 1.0, "kappa": 2.0, "sigma": 0.8, "t": 0.4})
_EM_STEPS = 50  # h = t/50: the step bias is small (about 1 % relative) but not zero
_EM_CASES = tuple(dict(c, steps=_EM_STEPS) for c in _CASES)
_EM_NOTE = ("Euler–Maruyama with h = t/steps: the chain's mean x0 (1-κh)^n and variance "
            "σ²h Σ_{k<n} (1-κh)^{2k} are exact (numerics.sde.ou_em_moments); the bias bound is "
            "their exact distance to the continuous-time moments of 6.3.5")

_OU_CLAIMS = (
    Claim("ou_mean_exact", "mean", ou_mean, _sde.ou_exact, _CASES, _ou_cases((0.05, 1.0)),
          equation="6.3.5", samples=200_000),
    Claim("ou_variance_exact", "variance", ou_variance, _sde.ou_exact, _CASES, _ou_cases((0.05, 3.0)),
          equation="6.3.5", samples=200_000),
    Claim("ou_mean_euler_maruyama", "mean", ou_mean, _sde.ou_euler_maruyama, _EM_CASES,
          _ou_cases((0.05, 1.0), _EM_STEPS), equation="6.3.5",
          bias=_partial(_sde.ou_em_bias, "mean"), bias_note=_EM_NOTE, samples=200_000),
    Claim("ou_variance_euler_maruyama", "variance", ou_variance, _sde.ou_euler_maruyama, _EM_CASES,
          _ou_cases((0.05, 3.0), _EM_STEPS), equation="6.3.5",
          bias=_partial(_sde.ou_em_bias, "variance"), bias_note=_EM_NOTE, samples=200_000),
    Claim("ou_stationary_variance", "variance", ou_stationary_variance, _sde.ou_exact,
          ({"x0": 2.0, "kappa": 1.0, "sigma": 0.5, "t": 12.0},
           {"x0": -1.0, "kappa": 0.4, "sigma": 1.5, "t": 30.0}),
          _ou_cases((10.0, 20.0)), equation="6.3.5", bias=_sde.ou_stationary_bias,
          bias_note="sampled at finite t: |Var x_t - σ²/(2κ)| = σ² e^{-2κt}/(2κ) "
                    "(numerics.sde.ou_stationary_bias)", samples=200_000),
    Claim("rescaled_noise_variance", "variance", rescaled_noise_variance, _sde.ou_rescaled,
          ({"x": 0.7, "t": 0.5}, {"x": -2.0, "t": 1.5}),
          _st.fixed_dictionaries({"x": _st.floats(-3.0, 3.0, **_finite),
                                  "t": _st.floats(0.05, 3.0, **_finite)}),
          equation="6.3.13", samples=200_000),
)

OU_SOLUTION = Derivation(
    id="mallat.ou_solution",
    title="Ornstein–Uhlenbeck SDE: integrating factor, Gaussian transition, stationary law",
    lecture="Mallat (with Mézard 7.2.3–7.2.4)",
    section="6.3 Ornstein–Uhlenbeck SDE; 6.3 Denoising OU; Mézard 7.2.3–7.2.4",
    equations=("6.3.2", "6.3.3", "6.3.4", "6.3.5", "6.3.12", "6.3.13",
               "7.2.9", "7.2.10", "7.2.11", "7.2.12", "7.2.13", "7.2.14"),
    definitions=("6.3.2", "6.3.3", "7.2.9", "7.2.12"),
    not_encoded={"6.3.6": "law of x_t as a rescaled density convolved with a Gaussian, for an "
                          "arbitrary density p: restates 6.3.5 in distribution (σ² = 2κ) and needs "
                          "a convolution over an undefined density"},
    steps=_OU_STEPS,
    claims=_OU_CLAIMS,
)
# ==== end section: ou_solution ====

# ==== section: tweedie (mallat.tweedie) ====
# Tweedie's formula (Mallat 6.3.15–6.3.21, Mézard 7.3.13–7.3.14) in one dimension, y = x + σz,
# for an arbitrary prior p (undefined function, checked numerically on Gaussian mixtures), then
# instantiated for a Gaussian prior and for the ±1 prior.
from functools import lru_cache as _lru_cache  # noqa: E402

import mpmath as _mpmath  # noqa: E402
from sympy.concrete.expr_with_limits import AddWithLimits as _AddWithLimits  # noqa: E402
from sympy.core.evalf import dps_to_prec as _dps_to_prec  # noqa: E402
from sympy.core.evalf import prec_to_dps as _prec_to_dps  # noqa: E402
from sympy.core.function import AppliedUndef as _AppliedUndef  # noqa: E402


class PriorIntegral(_AddWithLimits):
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
        if not (f.free_symbols - {x}) and not f.atoms(_AppliedUndef):
            # a concrete instance (no parameters left): no closed form SymPy could simplify,
            # so doit evaluates it (60 digits); verdicts re-evaluate through evalf anyway
            value = _evaluate_integral(self.func(f, *self.limits), _dps_to_prec(60))
            return value if value is not None else self.func(f, *self.limits)
        if not f.atoms(_AppliedUndef, PriorIntegral):
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


_DIVERGENT = object()


@_lru_cache(maxsize=512)
def _evaluate_integral(integral: PriorIntegral, prec: int):
    """Numeric value of a concrete ``PriorIntegral`` at binary precision ``prec`` (memoised);
    None when it has free parameters or diverges."""
    (x, a, b), = integral.limits
    dps = _prec_to_dps(prec)
    f = integral.function
    f = f.xreplace({i: i.evalf(dps + 10) for i in f.atoms(PriorIntegral) if x not in i.free_symbols})
    if f.free_symbols - {x} or a.free_symbols or b.free_symbols:
        return None
    with _mpmath.workdps(dps + 10):
        exact = _gaussian_moments(f, x, dps) if (a, b) == (-sp.oo, sp.oo) else None
        if exact is _DIVERGENT:
            return None
        if exact is not None:
            return sp.Float(exact, dps + 5)
        lo, hi = (_mpmath.mpmathify(sp.N(v, dps + 10)) if v.is_finite else
                  (_mpmath.inf if v == sp.oo else -_mpmath.inf) for v in (a, b))
        value = _mpmath.quad(sp.lambdify(x, f, "mpmath"), [lo, hi])
    return sp.Float(value, dps + 5)


@_lru_cache(maxsize=64)
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
    ``c x^k exp(a₂x² + a₁x + a₀)`` with ``a₂ < 0``; ``_DIVERGENT`` when a term's exponent is a
    polynomial that does not decay on both sides; else None.  Closed form, no quadrature:
    ``c e^{a₀ + a₁²/4α} √(π/α) E[(μ + W)^k]`` with ``α = -a₂``, ``μ = a₁/2α``,
    ``W ~ N(0, 1/2α)``, ``E[W^j] = (j-1)!! (2α)^{-j/2}`` for even ``j``."""
    mp = _mpmath.mp

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
            return _DIVERGENT  # the integrand does not decay on both sides of the real line
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


def _gaussian_mixture_prior(rng) -> sp.Lambda:
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


def _build_tweedie() -> Derivation:
    from hypothesis import strategies as st
    from sympy.stats import E, Normal, Rademacher

    from numerics import denoising

    y = sp.Symbol("y", real=True)            # noisy observation x_σ = x + σz
    x = sp.Symbol("x", real=True)            # clean signal (integration variable)
    sigma = sp.Symbol("sigma", positive=True)
    s = sp.Symbol("s", positive=True)        # std of the Gaussian prior N(0, s²)
    h = sp.Symbol("h", real=True)            # gain of a linear denoiser x̂ = h y
    t = sp.Symbol("t", positive=True)        # Mézard's diffusion time
    xt, a = sp.symbols("x_t a", real=True)   # Mézard: x_t = a e^{-t} + √Δ_t z, a = x_0
    p = sp.Function("p")                     # prior density p (Mézard's p_0)
    line = (x, -sp.oo, sp.oo)

    def normal_pdf(u, var):
        return sp.exp(-u ** 2 / (2 * var)) / sp.sqrt(2 * sp.pi * var)

    def g(u):  # g_σ(u) = C_σ e^{-u²/2σ²}, C_σ = (2πσ²)^{-1/2}
        return normal_pdf(u, sigma ** 2)

    p_sigma = PriorIntegral(g(y - x) * p(x), line)                       # 6.3.17
    dp_sigma = sp.diff(p_sigma, y)                                      # ∇p_σ(y)
    posterior = g(y - x) * p(x) / p_sigma                               # p(x|y)
    posterior_mean = PriorIntegral(x * posterior, line)                 # E[x|y] = x̂(y)
    score = sp.diff(sp.log(p_sigma), y)                                 # ∂_y log p_σ(y)

    # Mézard's notation: p_t(x) = ∫ da p_0(a) N(x; a e^{-t}, Δ_t).  Δ_t = 1 - e^{-2t} enters
    # 7.3.13–7.3.14 only as a positive variance, so it is a positive symbol as in the notes
    # (the identities hold for every Δ_t > 0; its value is checked in mallat.ou_solution)
    delta_t = sp.Symbol("Delta_t", positive=True)
    kernel_t = normal_pdf(xt - a * sp.exp(-t), delta_t)
    p_t = PriorIntegral(p(a) * kernel_t, (a, -sp.oo, sp.oo))
    score_t = PriorIntegral(p(a) * (-(xt - a * sp.exp(-t)) / delta_t) * kernel_t,
                            (a, -sp.oo, sp.oo)) / p_t
    weight_t = sp.exp(-(xt - a * sp.exp(-t)) ** 2 / (2 * delta_t))
    mean_a = (PriorIntegral(a * p(a) * weight_t, (a, -sp.oo, sp.oo))
              / PriorIntegral(p(a) * weight_t, (a, -sp.oo, sp.oo)))      # ⟨a⟩_{x,t}

    # Gaussian prior N(0, s²): p_σ = N(0, s² + σ²), x̂ = s²/(s² + σ²) y
    gauss_p_sigma = normal_pdf(y, s ** 2 + sigma ** 2)   # p_σ for the prior N(0, s²)
    gauss_gain = s ** 2 / (s ** 2 + sigma ** 2)
    # x = s ξ, z standard normals (parameters kept outside the random symbols, so that the
    # numeric checker sees and draws them)
    xi, Z = Normal("xi", 0, 1), Normal("z", 0, 1)
    X = s * xi
    linear_mse = (1 - h) ** 2 * s ** 2 + h ** 2 * sigma ** 2
    gauss_mmse = s ** 2 * sigma ** 2 / (s ** 2 + sigma ** 2)
    # ±1 prior with probability ½ each: p_σ = ½(g_σ(y-1) + g_σ(y+1)), x̂ = tanh(y/σ²)
    binary_p_sigma = (g(y - 1) + g(y + 1)) / 2
    # tanh(y/σ²) written with exponentials: SymPy's simplify does not rewrite tanh itself
    binary_mean = sp.tanh(y / sigma ** 2).rewrite(sp.exp)
    R = Rademacher("x_pm")

    steps = (
        Step(PriorIntegral(normal_pdf((y - x) / sigma, 1) / sigma * p(x), line), p_sigma,
             "p(y|x) is the density of y = x + σz given x: N(y; x, σ²) = g_σ(y - x); "
             "marginalise over the prior p(x)", "6.3.17"),
        Step(dp_sigma, PriorIntegral(sp.diff(g(y - x), y) * p(x), line),
             "differentiate under the integral sign (the Gaussian kernel is smooth and "
             "integrable against p)", "6.3.18",
             printed=Printed(rhs=p_sigma, note="the derivative is missing on the right: the "
                             "notes print ∫ g_σ(x_σ - x) p(x) dx, which is p_σ itself")),
        Step(dp_sigma, -PriorIntegral((y - x) * g(y - x) * p(x), line) / sigma ** 2,
             "∂_y g_σ(y - x) = -(y - x)/σ² g_σ(y - x)", "6.3.19",
             printed=Printed(rhs=PriorIntegral((y - x) * g(y - x) * p(x), line) / sigma ** 2,
                             note="sign error: ∂_y g_σ(y - x) = -(y - x)/σ² g_σ(y - x), so the "
                                  "factor is -(x_σ - x)/σ² = (x - x_σ)/σ²")),
        Step(sigma ** 2 * dp_sigma / p_sigma, PriorIntegral((x - y) * posterior, line),
             "divide by p_σ(y); Bayes: p(x|y) = g_σ(y - x) p(x)/p_σ(y) (the notes' side remark "
             "p(x)/p_σ(x_σ) = p_σ(x|x_σ) omits the factor g_σ)", "6.3.20"),
        Step(PriorIntegral((x - y) * posterior, line), -y + posterior_mean,
             "linearity and ∫ p(x|y) dx = 1", "6.3.21"),
        Step(posterior_mean, y + sigma ** 2 * score,
             "Tweedie: 6.3.20–6.3.21 with σ² ∇p_σ/p_σ = σ² ∇ log p_σ", "6.3.16"),
        Step(sp.diff(sp.log(p_t), xt), score_t,
             "score of p_t(x) = ∫ da p_0(a) N(x; a e^{-t}, Δ_t): differentiate under the "
             "integral sign", "7.3.13"),
        Step(score_t, -xt / delta_t + sp.exp(-t) / delta_t * mean_a,
             "split -(x - a e^{-t}) = -x + a e^{-t}; the normalisations of N cancel in ⟨a⟩", "7.3.14"),
        Step(PriorIntegral(g(y - x) * normal_pdf(x, s ** 2), line), gauss_p_sigma,
             "Gaussian prior N(0, s²): p_σ = N(0, s²) * N(0, σ²) = N(0, s² + σ²) (6.3.17; "
             "SymPy's integrator)"),
        Step(y + sigma ** 2 * sp.diff(sp.log(gauss_p_sigma), y), gauss_gain * y,
             "Tweedie (6.3.16) with the score -y/(s² + σ²) of p_σ = N(0, s² + σ²)"),
        Step(E((X - h * (X + sigma * Z)) ** 2, evaluate=False), linear_mse,
             "the mean-square error E|x̂(y) - x|² of the linear denoiser x̂ = h y, for "
             "x ~ N(0, s²), y = x + σz, x and z independent", "6.3.14"),
        Step(linear_mse.subs(h, gauss_gain), gauss_mmse,
             "minimum mean-square error (6.3.14) at the Tweedie gain h = s²/(s² + σ²)"),
        Step(E(X * (X + sigma * Z), evaluate=False), s ** 2,
             "E[x̂(y) y] = E[E[x|y] y] = E[x y] = E[x²] (tower property); Gaussian prior"),
        Step(y + sigma ** 2 * sp.diff(sp.log(binary_p_sigma), y), binary_mean,
             "Tweedie (6.3.16) for the ±1 prior: p_σ(y) = ½(g_σ(y - 1) + g_σ(y + 1)); the "
             "right side is tanh(y/σ²)"),
        Step((g(y - 1) - g(y + 1)) / (g(y - 1) + g(y + 1)), binary_mean,
             "posterior mean computed directly: Σ_{x=±1} x g_σ(y - x) / Σ_{x=±1} g_σ(y - x)"),
        Step(E(R * (R + sigma * Z), evaluate=False), sp.S.One,
             "E[x̂(y) y] = E[x y] = E[x²] = 1 for the ±1 prior (tower property)"),
    )
    finite = {"allow_nan": False, "allow_infinity": False}
    gauss_cases = ({"s": 1.0, "sigma": 0.5}, {"s": 0.6, "sigma": 1.5})
    gauss_strategy = st.fixed_dictionaries({"s": st.floats(0.2, 3.0, **finite),
                                            "sigma": st.floats(0.1, 3.0, **finite)})
    claims = (
        Claim("gaussian_tweedie_product", "mean", s ** 2, denoising.gaussian_tweedie_product,
              gauss_cases, gauss_strategy, equation="6.3.16", samples=200_000),
        Claim("gaussian_tweedie_mmse", "mean", gauss_mmse, denoising.gaussian_tweedie_error,
              gauss_cases, gauss_strategy, equation="6.3.16", samples=200_000),
        Claim("binary_tweedie_product", "mean", sp.S.One, denoising.binary_tweedie_product,
              ({"sigma": 0.5}, {"sigma": 1.2}),
              st.fixed_dictionaries({"sigma": st.floats(0.1, 3.0, **finite)}),
              equation="6.3.16", samples=200_000),
    )
    return Derivation(
        id="mallat.tweedie",
        title="Tweedie's formula: the posterior mean from the score of the noisy density",
        lecture="Mallat (with Mézard 7.3.4)",
        section="6.3 Denoising OU (Theorem 3); Mézard 7.3.4 The Score (Theorem 5)",
        equations=("6.3.14", "6.3.16", "6.3.17", "6.3.18", "6.3.19", "6.3.20", "6.3.21",
                   "7.3.13", "7.3.14"),
        definitions=("6.3.17",),
        not_encoded={"6.3.15": "the objective of Theorem 3, printed again (same as 6.3.14); its "
                               "minimiser is 6.3.16, checked with the MMSE claim"},
        steps=steps,
        claims=claims,
        functions=(FunctionFamily(p, _gaussian_mixture_prior,
                                  "Gaussian mixtures, 2–3 components, rational weights, "
                                  "means in [-2, 2], variances in [1/4, 2]"),),
    )


TWEEDIE = _build_tweedie()
# ==== end section: tweedie ====

# ==== section: wiener_filter (mallat.wiener_filter) ====
# The Gaussian denoiser as a linear filter (Mallat 6.3.22–6.3.24) and the Wiener filter
# (6.4.1–6.4.9): closed form, eigenvalues, mean-square error, optimality, and the
# coefficient-wise version in the eigenbasis ψ_k of C (columns of U, C = U diag(β) Uᵀ).
def _cayley(skew: list[list[float]]) -> list[list[float]]:
    """An orthogonal matrix (I - S)(I + S)^{-1} from the skew part S of a square matrix."""
    import numpy as np

    m = np.asarray(skew, dtype=float)
    s = (m - m.T) / 2
    eye = np.eye(len(m))
    return ((eye - s) @ np.linalg.inv(eye + s)).tolist()


def _wiener_strategies():
    """Hypothesis strategies: (random SPD C, σ) and (random orthogonal U, diagonal B, σ)."""
    from hypothesis import strategies as st

    finite = {"allow_nan": False, "allow_infinity": False}
    entries = st.floats(-1.5, 1.5, **finite)
    sigma = st.floats(0.1, 3.0, **finite)

    def square(d: int):
        return st.lists(st.lists(entries, min_size=d, max_size=d), min_size=d, max_size=d)

    def spd_case(d: int):
        def build(args):
            b, s = args
            c = [[sum(b[i][k] * b[j][k] for k in range(d)) + (0.1 if i == j else 0.0)
                  for j in range(d)] for i in range(d)]
            return {"d": d, "C": c, "sigma": s}
        return st.tuples(square(d), sigma).map(build)

    def eigen_case(d: int):
        def build(args):
            m, beta, s = args
            return {"d": d, "U": _cayley(m), "sigma": s,
                    "B": [[beta[i] if i == j else 0.0 for j in range(d)] for i in range(d)]}
        return st.tuples(square(d), st.lists(st.floats(0.05, 4.0, **finite), min_size=d,
                                             max_size=d), sigma).map(build)

    dims = st.integers(1, 4)
    return dims.flatmap(spd_case), dims.flatmap(eigen_case)


def _build_wiener_filter() -> Derivation:
    from sympy.stats import E, Normal

    from numerics import denoising

    d = sp.Symbol("d", integer=True, positive=True)
    sigma = sp.Symbol("sigma", positive=True)
    beta = sp.Symbol("beta_k", positive=True)     # β_k = E|⟨x, ψ_k⟩|² (6.4.4)
    h = sp.Symbol("h_k", real=True)               # gain on coefficient k
    C = sp.MatrixSymbol("C", d, d)                # signal covariance (SPD)
    U = sp.MatrixSymbol("U", d, d)                # eigenbasis ψ_k as columns (orthogonal)
    B = sp.MatrixSymbol("B", d, d)                # diag(β_k)
    D = sp.MatrixSymbol("D", d, d)                # diag(h_k): a filter diagonal in the ψ basis
    H = sp.MatrixSymbol("H", d, d)                # an arbitrary linear filter
    x_sigma = sp.MatrixSymbol("x_sigma", d, 1)    # noisy observation
    eye = sp.Identity(d)
    C_sigma = C + sigma ** 2 * eye                # C_σ = C + σ² I
    wiener = C_sigma.inverse() * C                # 6.3.24, 6.4.1

    def mse(F, cov=C):
        """E‖F y - x‖² for x ~ (0, cov), y = x + σz: tr(F(cov + σ²I)Fᵀ) - 2 tr(F cov) + tr(cov)."""
        return (sp.Trace(F * (cov + sigma ** 2 * eye) * F.T) - 2 * sp.Trace(F * cov)
                + sp.Trace(cov))

    min_mse = sigma ** 2 * sp.Trace(C * C_sigma.inverse())          # σ² tr(C C_σ^{-1})
    C_eig = U * B * U.T
    eigen_sum = sigma ** 2 * sp.Trace(B * (B + sigma ** 2 * eye).inverse())  # Σ_k σ²β_k/(β_k+σ²)
    gain = beta / (beta + sigma ** 2)                                # 6.4.8
    coeff_mse = (1 - h) ** 2 * beta + h ** 2 * sigma ** 2            # 6.4.7 corrected
    # ⟨x,ψ_k⟩ = √β_k ξ_k, ⟨z,ψ_k⟩ = σ ζ_k with ξ_k, ζ_k standard normals (parameters outside
    # the random symbols, so that the numeric checker sees and draws them)
    xi = sp.sqrt(beta) * Normal("xi_k", 0, 1)
    zeta = sigma * Normal("zeta_k", 0, 1)
    tweedie_form = (eye - sigma ** 2 * C_sigma.inverse()) * x_sigma
    factored = C_sigma.inverse() * sp.MatAdd(C, sigma ** 2 * eye, -sigma ** 2 * eye) * x_sigma

    steps = (
        Step(-sp.diff(x_sigma.T * C_sigma.inverse() * x_sigma, x_sigma) / 2,
             -C_sigma.inverse() * x_sigma,
             "score of p_σ = N(0, C_σ): ∇ log p_σ = -∇U_σ with U_σ(x) = ½ xᵀ C_σ^{-1} x "
             "(C symmetric)"),
        Step(x_sigma + sigma ** 2 * (-C_sigma.inverse() * x_sigma), tweedie_form,
             "Tweedie (6.3.16) with the score -(C + σ²I)^{-1} x_σ", "6.3.22",
             printed=Printed(rhs=(eye - C_sigma.inverse() * sigma) * x_sigma,
                             note="the notes print (C + σ²I)^{-1} σ; Tweedie multiplies the "
                                  "score by σ², so it is (C + σ²I)^{-1} σ²")),
        Step(tweedie_form, factored, "I = (C + σ²I)^{-1}(C + σ²I)", "6.3.23"),
        Step(factored, wiener * x_sigma, "σ²I - σ²I = 0: a linear filter of x_σ", "6.3.24"),
        Step((C_eig + sigma ** 2 * eye).inverse() * C_eig,
             U * B * (B + sigma ** 2 * eye).inverse() * U.T,
             "C = U diag(β) Uᵀ, UᵀU = I: H = (C + σ²I)^{-1} C = U diag(β_k/(β_k + σ²)) Uᵀ",
             "6.4.1"),
        Step(gain, 1 - sigma ** 2 / (beta + sigma ** 2), "eigenvalue h_k of H", "6.4.2"),
        Step(sp.S.Zero, gain, "β_k > 0 and σ² > 0", "6.4.2", relation="<="),
        Step(1 - sigma ** 2 / (beta + sigma ** 2), sp.S.One, "σ²/(β_k + σ²) ≥ 0", "6.4.2",
             relation="<="),
        Step(sp.Trace((H - eye) * C * (H - eye).T) + sigma ** 2 * sp.Trace(H * H.T), mse(H),
             "ε² = E‖Hy - x‖² = E‖(H - I)x + σHz‖² with E xxᵀ = C, E zzᵀ = I, x ⟂ z; "
             "expand the traces (C symmetric)"),
        Step(mse(H) - mse(wiener), sp.Trace((H - wiener) * C_sigma * (H - wiener).T),
             "complete the square: H* = (C + σ²I)^{-1} C satisfies H* C_σ = C; the right side "
             "is ≥ 0 (C_σ positive definite), so H* minimises ε² (Wiener filter, 6.4.1)"),
        Step(mse(wiener), min_mse, "ε² at H* = (C + σ²I)^{-1} C"),
        Step(wiener * C_sigma, C,
             "orthogonality: E[(H*y - x) yᵀ] = H* C_σ - C = 0 (what the notes call minimising "
             "the correlation E[(x̂ - x) y]: the error is uncorrelated with y)"),
        Step(mse(U * D * U.T, C_eig),
             sp.Trace((eye - D) ** 2 * B) + sigma ** 2 * sp.Trace(D ** 2),
             "Hy = Σ_k h_k ⟨y, ψ_k⟩ ψ_k, x = Σ_k ⟨x, ψ_k⟩ ψ_k (6.4.5), y = x + z: the error "
             "splits over the orthonormal basis ψ_k (the notes' (λ_k(x) + 1) is the coefficient "
             "h_k - 1 of ⟨x, ψ_k⟩)", "6.4.6"),
        Step(E(((h - 1) * xi + h * zeta) ** 2, evaluate=False), coeff_mse,
             "E|⟨x,ψ_k⟩|² = β_k, E|⟨z,ψ_k⟩|² = σ², cross term zero (x ⟂ z)", "6.4.7",
             printed=Printed(rhs=((h - 1) * sp.sqrt(beta) + h * sigma ** 2) ** 2,
                             note="the notes print |(λ_k + 1)⟨x,ψ_k⟩ + h_k σ²|²: σ² replaces "
                                  "⟨z,ψ_k⟩ inside the square; the noise term is h_k² σ², "
                                  "outside (here ⟨x,ψ_k⟩ = √β_k, λ_k + 1 = h_k - 1)")),
        Step(sp.diff(coeff_mse, h).subs(h, gain), sp.S.Zero,
             "stationarity ∂_{h_k} ε² = 0 at h_k = β_k/(β_k + σ²); the notes write "
             "|⟨x,ψ_k⟩|² for β_k (the oracle gain: same formula)", "6.4.8"),
        Step(sp.diff(coeff_mse, h, 2), 2 * (beta + sigma ** 2),
             "second derivative 2(β_k + σ²) > 0: the stationary point is the minimum", "6.4.8"),
        Step(coeff_mse.subs(h, gain), sigma ** 2 * beta / (beta + sigma ** 2),
             "minimum per coefficient", "6.4.9"),
        Step(sigma ** 2 * sp.Trace(C_eig * (C_eig + sigma ** 2 * eye).inverse()), eigen_sum,
             "ε² = σ² tr(C (C + σ²I)^{-1}) = Σ_k σ² β_k/(β_k + σ²) in the eigenbasis", "6.4.9",
             printed=Printed(lhs=sp.sqrt(sigma ** 2 * sp.Trace(
                 C_eig * (C_eig + sigma ** 2 * eye).inverse())),
                 note="the notes print ε = Σ_k …; ε² = E‖Hy - x‖² was defined above, so the "
                      "sum is ε², not ε")),
    )
    spd_strategy, eigen_strategy = _wiener_strategies()
    rotation = [[0.6, -0.8, 0.0], [0.8, 0.6, 0.0], [0.0, 0.0, 1.0]]   # ψ_k not the canonical basis
    claims = (
        Claim("wiener_mse", "mean", min_mse, denoising.wiener_error,
              ({"d": 2, "sigma": 0.7, "C": [[2.0, 0.6], [0.6, 0.5]]},
               {"d": 3, "sigma": 1.2, "C": [[1.5, 0.4, -0.3], [0.4, 1.0, 0.2], [-0.3, 0.2, 0.6]]}),
              spd_strategy, equation="6.4.1", samples=200_000),
        Claim("wiener_mse_eigenbasis", "mean", eigen_sum, denoising.eigenbasis_wiener_error,
              ({"d": 3, "sigma": 0.8, "U": rotation,
                "B": [[2.5, 0.0, 0.0], [0.0, 0.7, 0.0], [0.0, 0.0, 0.1]]},),
              eigen_strategy, equation="6.4.9", samples=200_000),
    )
    return Derivation(
        id="mallat.wiener_filter",
        title="Wiener filter: the optimal linear denoiser and its error in the PCA basis",
        lecture="Mallat",
        section="6.3 Example of Denoising Gaussian; 6.4.1 Optimal Denoising (Theorem 4)",
        equations=("6.3.22", "6.3.23", "6.3.24", "6.4.1", "6.4.2", "6.4.6", "6.4.7", "6.4.8",
                   "6.4.9"),
        not_encoded={"6.4.3": "definition of the Fourier basis ψ_k (the PCA basis of a "
                              "stationary signal); the checks use a general orthogonal U",
                     "6.4.4": "definition β_k = ⟨Cψ_k, ψ_k⟩ = E|⟨x,ψ_k⟩|², used through "
                              "C = U diag(β) Uᵀ",
                     "6.4.5": "expansion of x in the orthonormal basis ψ_k (used in 6.4.6)"},
        steps=steps,
        claims=claims,
        matrices=(Matrix(C, frozenset({"spd"})), Matrix(U, frozenset({"orthogonal"})),
                  Matrix(B, frozenset({"diagonal", "spd"})), Matrix(D, frozenset({"diagonal"})),
                  Matrix(H), Matrix(x_sigma)),
        dimensions={d: (1, 2, 3)},
    )


WIENER_FILTER = _build_wiener_filter()
# ==== end section: wiener_filter ====

DERIVATIONS = tuple(d for d in (OU_SOLUTION, TWEEDIE, WIENER_FILTER) if d is not None)
