"""Ornstein–Uhlenbeck SDE solved by an integrating factor (Mallat 6.3.2–6.3.5, 6.3.12–6.3.13).

The same process in Mézard's Langevin notation (7.2.9–7.2.14) is ``catalog/ch07_mezard``."""
from __future__ import annotations

import sympy as sp
from derivations.model.strategies import st

from numerics.samplers import sde

from ...latex import Notation
from ...model import Claim, Derivation, Printed, Quote, Step
from .notation import CHAPTER
from ...symbolic.held import held_derivative, over

_t, _kappa, _sigma = sp.symbols("t kappa sigma", positive=True)
_x0 = sp.Symbol("x0", real=True)            # initial condition x_0 (6.3.5)
_x = sp.Symbol("x", real=True)              # state x_t / position variable of p_st
_y = sp.Symbol("y", real=True)              # y_t = e^{κt} x_t (6.3.3)
_s = sp.Symbol("s", positive=True)          # integration variable


def _ito_drift(f, state, drift, diffusion):
    """dt-coefficient of Itô's formula for ``f(t, state)``: ``∂_t f + b ∂_x f + ½ σ² ∂²_x f``."""
    return held_derivative(f, _t) + drift * held_derivative(f, state) + diffusion ** 2 / 2 * held_derivative(f, state, 2)


# closed forms derived below and reused by the Monte Carlo claims
ou_mean = sp.exp(-_kappa * _t) * _x0                                    # E x_t (6.3.5)
ou_variance = _sigma ** 2 * (1 - sp.exp(-2 * _kappa * _t)) / (2 * _kappa)  # Var x_t (6.3.5)
ou_stationary_variance = _sigma ** 2 / (2 * _kappa)                     # t → ∞ below 6.3.5
noise_variance = 1 - sp.exp(-2 * _t)                                    # 6.3.12 (Mézard's Δ_t)
rescaled_noise_variance = sp.exp(2 * _t) - 1                            # 6.3.13

_y_t = sp.exp(_kappa * _t) * _x     # 6.3.3 as a function of (t, x_t)
_x_t = sp.exp(-_kappa * _t) * _y    # its inverse, a function of (t, y_t)
_drift_terms = sp.Add(sp.Mul(sp.exp(_kappa * _t), -_kappa * _x, evaluate=False),
                      sp.Mul(_kappa, sp.exp(_kappa * _t), _x, evaluate=False), evaluate=False)


# below 6.3.5 the notes print x_{t→+∞} = σ/(2√(2κ)) z, i.e. a stationary variance (σ/(2√(2κ)))²
_as_printed_stationary_variance = sp.Pow(
    over(_sigma, sp.Mul(2, sp.sqrt(sp.Mul(2, _kappa, evaluate=False), evaluate=False), evaluate=False)),
    2, evaluate=False)

_OU_STEPS = (
    # --- 6.3.4: Itô's formula for y_t = e^{κt} x_t with dx_t = -κ x_t dt + σ dW_t (6.3.2)
    Step(_ito_drift(_y_t, _x, -_kappa * _x, _sigma), _drift_terms,
         "Itô's formula: dt-coefficient ∂_t y + (-κx) ∂_x y + ½σ² ∂²_x y; y is linear in x, "
         "so there is no Itô correction", "6.3.4", id="ito_drift_y"),
    Step(_drift_terms, sp.S.Zero, "the drift cancels: the integrating factor removes -κ x_t dt",
         "6.3.4", id="drift_cancels"),
    Step(_sigma * held_derivative(_y_t, _x), sp.exp(_kappa * _t) * _sigma,
         "Itô's formula: dW-coefficient σ ∂_x y, so dy_t = e^{κt} σ dW_t", "6.3.4", id="ito_noise_y"),
    # --- 6.3.5: back to x_t = e^{-κt} y_t, y_t = x_0 + σ ∫_0^t e^{κs} dW_s; it solves 6.3.2
    Step(_ito_drift(_x_t, _y, 0, sp.exp(_kappa * _t) * _sigma), -_kappa * _x_t,
         "Itô's formula for x = e^{-κt} y with dy = e^{κt} σ dW: the drift of 6.3.2 is recovered",
         "6.3.5", id="ito_drift_x"),
    Step(sp.exp(_kappa * _t) * _sigma * held_derivative(_x_t, _y), _sigma,
         "Itô's formula: the noise of 6.3.2 is recovered, so x_t = e^{-κt} x_0 + "
         "σ ∫_0^t e^{-κ(t-s)} dW_s", "6.3.5", id="ito_noise_x"),
    Step(held_derivative(ou_mean, _t), -_kappa * ou_mean,
         "E of 6.3.2 (E dW_t = 0): d E x_t = -κ E x_t dt, solved by E x_t = e^{-κt} x_0", "6.3.5", id="mean_ode"),
    Step(sp.Limit(ou_mean, _t, 0, "+"), _x0, "limiting case x_{t=0} = x_0: the mean starts at x_0",
         "6.3.5", id="mean_initial"),
    Step(_sigma ** 2 * sp.Integral(sp.exp(-2 * _kappa * (_t - _s)), (_s, 0, _t)), ou_variance,
         "Itô isometry: Var σ ∫_0^t e^{-κ(t-s)} dW_s = σ² ∫_0^t e^{-2κ(t-s)} ds", "6.3.5", id="ito_isometry"),
    Step(held_derivative(ou_variance, _t), -2 * _kappa * ou_variance + _sigma ** 2,
         "cross-check: Itô's formula for x_t² gives d Var x_t = (-2κ Var x_t + σ²) dt", "6.3.5", id="variance_ode"),
    Step(sp.Limit(ou_variance, _t, 0, "+"), sp.S.Zero,
         "limiting case x_{t=0} = x_0: no noise at t = 0", "6.3.5", id="variance_initial"),
    Step(sp.Limit(ou_mean ** 2 + ou_variance, _t, sp.oo), ou_stationary_variance,
         "limiting case t → +∞: E x_t² = (E x_t)² + Var x_t → σ²/(2κ), the memory of x_0 is lost",
         "6.3.5", id="second_moment_limit"),
    Step(sp.Limit(ou_variance, _t, sp.oo), ou_stationary_variance,
         "limiting case t → +∞: stationary variance σ²/(2κ)", "6.3.5",
         printed=Printed(rhs=_as_printed_stationary_variance,
                         note="the notes print x_{t→+∞} = σ/(2√(2κ)) z; the stationary standard "
                              "deviation is σ/√(2κ) (variance σ²/(2κ)), not σ/(2√(2κ))"), id="stationary_variance"),
    # --- 6.3.12: κ = 1 and σ = √2 (Mézard's <ηη> = 2δ); the initial condition is called x
    Step(sp.Subs(ou_mean, (_kappa, _x0), (1, _x)), sp.exp(-_t) * _x,
         "6.3.5 at κ = 1: mean e^{-t} x", "6.3.12", id="mean_kappa_one"),
    Step(sp.Subs(ou_variance, (_kappa, _sigma), (1, sp.sqrt(2))), noise_variance,
         "6.3.5 at κ = 1, σ = √2: noise variance 1 - e^{-2t}", "6.3.12", id="variance_kappa_one"),
    # --- 6.3.13: rescaled observation e^{t} x_t = x + sqrt(e^{2t} - 1) z (the text's
    #     "e^{tx_t}" is OCR for e^{t} x_t)
    Step(sp.Mul(sp.exp(_t), sp.exp(-_t) * _x, evaluate=False), _x,
         "the rescaled mean is the clean signal x", "6.3.13", id="rescaled_mean"),
    Step(sp.Mul(sp.exp(2 * _t), noise_variance, evaluate=False), rescaled_noise_variance,
         "multiplying by e^{t} multiplies the noise variance by e^{2t}", "6.3.13", id="rescaled_noise"),
)

# Monte Carlo: Euler–Maruyama simulations of the SDE 6.3.2 itself (never the Gaussian law 6.3.5
# concludes).  The step bias is a signed relative interval from the scheme's algebra
# (numerics.samplers.sde.ou_em_*_rel_bias), so the check resolves errors far below it.
_finite = dict(allow_nan=False, allow_infinity=False)
_x0_values = st.one_of(st.floats(-3.0, -1.0, **_finite), st.floats(1.0, 3.0, **_finite))


def _ou_cases(kappa_t: tuple[float, float], steps: int):
    """OU parameter dicts with κt in ``kappa_t``; ``x0`` kept away from 0 so the mean is resolvable."""
    def with_kappa(kappa: float):
        return st.fixed_dictionaries(
            {"x0": _x0_values, "kappa": st.just(kappa), "sigma": st.floats(0.1, 1.5, **_finite),
             "t": st.floats(kappa_t[0] / kappa, kappa_t[1] / kappa, **_finite),
             "steps": st.just(steps)})
    return st.floats(0.25, 2.0, **_finite).flatmap(with_kappa)


_EM_STEPS = 50  # h = t/50: the step bias (about 1 % relative) is known to ±0.005 %
_CASES = ({"x0": 2.0, "kappa": 1.0, "sigma": 0.5, "t": 0.7, "steps": _EM_STEPS},
          {"x0": -1.5, "kappa": 0.3, "sigma": 1.2, "t": 2.0, "steps": _EM_STEPS},
          {"x0": 1.0, "kappa": 2.0, "sigma": 0.8, "t": 0.4, "steps": _EM_STEPS})
_VARIANCE_CASES = tuple({k: v for k, v in c.items() if k != "x0"} for c in _CASES)
_EM = "Euler–Maruyama of dx = −κx dt + σ dW from x0, h = t/steps"
_EM_NOTE = ("Euler–Maruyama step bias as a signed relative interval: the chain's mean x0 r^n and "
            "variance σ²h(1 − r^{2n})/(1 − r²), r = 1 − κh (geometric sums), against the continuous "
            "ones through u²/2 ≤ −log(1 − u) − u ≤ u²/(2(1 − u)) (numerics.sde.ou_em_*_rel_bias)")
_SQUARE_NOTE = "control: (W_t − W_{t−τ})² − τ, τ = min(t, 1.26/κ) (Brownian increment, known mean)"

_OU_CLAIMS = (
    Claim("ou_mean_euler_maruyama", "mean", ou_mean, sde.ou_em_mean_sample, _CASES,
          _ou_cases((0.05, 1.0), _EM_STEPS), equation="6.3.5",
          simulates=_EM + "; the sample is x_t",
          rel_bias=sde.ou_em_mean_rel_bias, bias_note=_EM_NOTE,
          control_note="control: the Brownian endpoint W_t (known mean 0)"),
    Claim("ou_variance_euler_maruyama", "mean", ou_variance, sde.ou_em_square_sample,
          _VARIANCE_CASES, _ou_cases((0.05, 3.0), _EM_STEPS), equation="6.3.5",
          simulates=_EM + "; the sample is (x_t − x̄_t)², x̄_t the chain's noiseless run "
                          "(E (x_t − x̄_t)² = Var x_t)",
          rel_bias=sde.ou_em_variance_rel_bias, bias_note=_EM_NOTE, control_note=_SQUARE_NOTE),
    Claim("ou_stationary_variance", "mean", ou_stationary_variance, sde.ou_em_square_sample,
          ({"kappa": 1.0, "sigma": 0.5, "t": 3.0, "steps": 40},
           {"kappa": 0.4, "sigma": 1.5, "t": 7.5, "steps": 40}),
          _ou_cases((3.0, 6.0), 80), equation="6.3.5",
          simulates=_EM + " run to κt = 3; the sample is (x_t − x̄_t)²",
          rel_bias=sde.ou_em_stationary_rel_bias,
          bias_note=_EM_NOTE + "; the finite-time factor 1 − e^{−2κt} is inside the interval",
          control_note=_SQUARE_NOTE),
    Claim("rescaled_noise_variance", "mean", rescaled_noise_variance, sde.ou_em_rescaled_square,
          ({"x": 0.7, "t": 0.5, "steps": _EM_STEPS}, {"x": -2.0, "t": 1.5, "steps": _EM_STEPS}),
          st.fixed_dictionaries({"x": st.floats(-3.0, 3.0, **_finite),
                                  "t": st.floats(0.05, 3.0, **_finite), "steps": st.just(_EM_STEPS)}),
          equation="6.3.13",
          simulates="Euler–Maruyama of dx = −x dt + √2 dW from x, h = t/steps, rescaled by e^t; "
                    "the sample is e^{2t}(x_t − x̄_t)²",
          rel_bias=lambda t, steps, **_: sde.ou_em_variance_rel_bias(1.0, t, steps),
          bias_note=_EM_NOTE + " (κ = 1; rescaling leaves the relative bias unchanged)",
          control_note=_SQUARE_NOTE),
)

_IN_LAW = ("an equality in law (z a standard Gaussian), not of values: the steps check its "
           "mean and variance")

DERIVATION = Derivation(
    id="mallat.ou_solution",
    title="Ornstein–Uhlenbeck SDE: integrating factor, Gaussian transition, stationary variance",
    lecture="Mallat",
    section="6.3 Ornstein–Uhlenbeck SDE; 6.3 Denoising OU",
    equations=("6.3.2", "6.3.3", "6.3.4", "6.3.5", "6.3.12", "6.3.13"),
    definitions=("6.3.2", "6.3.3"),
    not_encoded={"6.3.6": "law of x_t as a rescaled density convolved with a Gaussian, for an "
                          "arbitrary density p: restates 6.3.5 in distribution (σ² = 2κ) and needs "
                          "a convolution over an undefined density"},
    steps=_OU_STEPS,
    claims=_OU_CLAIMS,
    notation=CHAPTER.merge(Notation(
        {r"\kappa": _kappa, "x_0": _x0, "x": _x, "z": sp.Symbol("z", real=True),
         "x_t": sp.Symbol("x_t", real=True), "y_t": sp.Symbol("y_t", real=True)})),
    printed_in_notes=(
        Quote("6.3.5", line=743, latex=r"x_t = e^{-\kappa t} x_0 + \sigma \sqrt{\frac{1 - e^{-2\kappa t}}{2\kappa}} z",
              unchecked={0: _IN_LAW}),
        Quote("6.3.12", line=781, latex=r"x_t = e^{-t} x + \sqrt{1 - e^{-2t}} z", unchecked={0: _IN_LAW}),
        Quote("6.3.13", line=785, latex=r"y_t = x + \sqrt{e^{2t} - 1} z", unchecked={0: _IN_LAW}),
    ),
    not_quotable={
        "6.3.4": "Itô differentials dy_t, dt, dW_t: the reader would read d y_t as a product "
                 "(steps ito_drift_y, ito_noise_y check the dt and dW coefficients)",
    },
)

# ==== section: tweedie (mallat.tweedie) ====
