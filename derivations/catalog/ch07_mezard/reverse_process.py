"""The backward process: reversing time in the forward Fokker–Planck equation, and the force
F = x + 2∇ log p that drives it (Mézard 7.3.6–7.3.8, 7.3.12), one coordinate."""
from __future__ import annotations

import sympy as sp
from derivations.model.strategies import st

from numerics.samplers import diffusion

from ...latex import Notation
from ...model import Claim, Derivation, Quote, Step
from ...symbolic.held import held_derivative
from ...symbolic.prior_integral import gaussian_mixtures
from .notation import CHAPTER, FOKKER_PLANCK
from .symbols import DELTA, LECTURE, T, TAU, X, normal_pdf, ou_kernel

_p = sp.Function("p")        # the forward density at one time: any positive density (mixtures)
_tf = sp.Symbol("t_f", positive=True)                # final time of the forward process
_kernel = ou_kernel()                                # the forward kernel N(x; a e^{-t}, Δ_t)
_F = X + 2 * held_derivative(sp.log(_p(X)), X)       # the backward force (after 7.3.7)
_p_end = sp.exp(-X ** 2 / 2) / sp.sqrt(2 * sp.pi)    # p^F_{t_f} for t_f ≫ 1 (7.3.9)
# Gaussian data N(m, s²): the forward law N(m e^{-t}, Γ_t), Γ_t = s² e^{-2t} + Δ_t (7.4.2)
_m = sp.Symbol("m", real=True)
_s = sp.Symbol("s", positive=True)
_gamma = _s ** 2 * sp.exp(-2 * T) + DELTA
_p_data = normal_pdf(X, _m * sp.exp(-T), _gamma)
_F_data = X + 2 * held_derivative(sp.log(_p_data), X)  # the force of 7.3.7 with the exact score


_STEPS = (
    Step(-held_derivative(_kernel, T),
         -held_derivative(_kernel, X, 2) - held_derivative(X * _kernel, X),
         "7.3.6: with τ = t_f - t, ∂_τ = -∂_t, so the forward density read at t = t_f - τ obeys "
         "∂_τ p = -∂_t p = -Δp - ∇·(x p) (shown on the forward kernel N(x; a e^{-t}, Δ_t) of "
         "7.3.2, the right side at t)", "7.3.6", id="time_reversal"),
    Step(held_derivative(_p(X), X, 2) - held_derivative(_F * _p(X), X),
         -held_derivative(_p(X), X, 2) - held_derivative(X * _p(X), X),
         "7.3.7 with the ansatz F = x + 2∇ log p: p ∇ log p = ∇p, so Δp - ∇·(F p) = Δp - "
         "∇·(x p) - 2Δp = -Δp - ∇·(x p), the backward equation 7.3.6 (for any positive p; "
         "checked numerically on Gaussian mixtures)",
         "7.3.7", id="backward_force"),
    Step(X + 2 * held_derivative(sp.log(_p_end), X), -X,
         "7.3.12: near the start of the backward process (t ≃ t_f ≫ 1) p ≃ e^{-x²/2}/Z "
         "(7.3.9), ∇ log p = -x (7.3.11) and F = x - 2x = -x", "7.3.12", id="late_force"),
    Step(-held_derivative(_p_data, T),
         held_derivative(_p_data, X, 2) - held_derivative(_F_data * _p_data, X),
         "7.3.7 for Gaussian data N(m, s²): the forward law N(x; m e^{-t}, Γ_t), Γ_t = s² e^{-2t} "
         "+ Δ_t, read at t = t_f - τ, obeys the backward equation with the force F = x + 2∇ log p "
         "of its own exact score, so the backward process run to τ = t_f ends in the data law, "
         "variance Γ_0 = s² (7.3.8)", "7.3.7", id="gaussian_backward"),
)

_finite = dict(allow_nan=False, allow_infinity=False)
_CLAIMS = (
    Claim("backward_variance_euler_maruyama", "mean", _gamma.subs(T, 0),
          diffusion.backward_gaussian_square,
          ({"m": 0.5, "s": 1.3, "t_f": 3.0, "steps": 60},
           {"m": -1.0, "s": 1.2, "t_f": 4.0, "steps": 80}),
          st.fixed_dictionaries({"m": st.floats(-2.0, 2.0, **_finite),
                                 "s": st.floats(1.1, 1.6, **_finite),
                                 "t_f": st.floats(3.0, 5.0, **_finite), "steps": st.just(80)}),
          equation="7.3.8",
          simulates="white noise y ~ N(0, 1) at t_f (7.3.9) run backward by Euler–Maruyama of "
                    "dy = F dτ + √2 dW, F = y + 2∇ log p_{t_f-τ}(y) the exact score of Gaussian "
                    "data N(m, s²), h = t_f/steps; the sample is (y − m)² at τ = t_f",
          rel_bias=diffusion.backward_gaussian_rel_bias,
          bias_note="the chain is linear and Gaussian: its end mean and variance follow exactly "
                    "from μ_{k+1} = g_k μ_k + c_k, V_{k+1} = g_k² V_k + 2h (white-noise start, "
                    "so the finite t_f counts too); the ratio of V + (μ − m)² to s² is the bias "
                    "(O(h)), padded by 1e-12",
          target_mdre=0.02,
          target_note="each sample is a whole backward run of 60–80 steps",
          invalid_cases=(({"m": 0.0, "s": 0.0, "t_f": 3.0, "steps": 60}, "s=0.0"),
                         ({"m": 0.0, "s": 0.2, "t_f": 3.0, "steps": 4}, "steps=4"))),
)

DERIVATION = Derivation(
    id="mezard.reverse_process",
    title="The backward process: time reversal of Fokker–Planck and the force x + 2∇ log p",
    lecture=LECTURE,
    section="7.3.2 Backwards process",
    equations=("7.3.6", "7.3.7", "7.3.8", "7.3.12"),
    definitions=("7.3.8",),
    steps=_STEPS,
    claims=_CLAIMS,
    functions=(gaussian_mixtures(_p),),
    notation=CHAPTER.merge(FOKKER_PLANCK).merge(Notation(
        {"p": sp.Function("p_tau")(TAU, X), "F": sp.Function("F")(X), "t_f": _tf},
        {"P_t^F": sp.Function("P_F"), "p_{t_f-t}^B": sp.Function("p_B")})),
    printed_in_notes=(
        Quote("7.3.6", line=1169, latex=r"-\frac{\partial p}{\partial \tau} = \Delta p + \nabla \cdot (xp) \implies \frac{\partial p}{\partial \tau} = -\Delta p - \nabla(xp)",
              note="∇(xp) read as the divergence ∇·(x p), as in the first half of the display",
              unchecked={i: "the equation of the backward density p, which the display leaves "
                            "unspecified: it holds for the forward density read at t = t_f - τ, "
                            "not for every p; step time_reversal checks it on the forward kernel "
                            "and gaussian_backward on Gaussian data" for i in (0, 1)}),
        Quote("7.3.7", line=1173, latex=r"\frac{\partial p}{\partial \tau} = \Delta p - \nabla(Fp)",
              unchecked={0: "the Fokker–Planck equation of the backward dynamics with force F, "
                            "a definition"}),
        Quote("7.3.8", line=1179, latex=r"P_t^F(x) = p_{t_f-t}^B(x)",
              unchecked={0: "names the forward and backward densities, a definition"}),
        Quote("7.3.12", line=1191, latex=r"F(x) = x + 2\nabla \log p = -x",
              notation=Notation({"p": _p_end}, {"F": sp.Lambda(sp.Dummy("y"), X + 2 * -X)}),
              unchecked={0: "defines the backward force"}),
    ),
)
