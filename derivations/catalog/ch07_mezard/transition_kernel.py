"""The forward transition density N(x; a e^{-t}, Δ_t) solves the Ornstein–Uhlenbeck
Fokker–Planck equation ∂_t p = Δp + ∇·(x p) (Mézard 7.3.2), one coordinate."""
from __future__ import annotations

import sympy as sp
from derivations.model.strategies import st

from numerics.samplers import diffusion

from ...latex import Notation
from ...model import Claim, Derivation, Quote, Step
from ...symbolic.held import held_derivative
from .notation import CHAPTER, FOKKER_PLANCK
from .symbols import A, DELTA, DELTA_T, LECTURE, SQUARE_CONTROL_NOTE, T, X, normal_pdf, ou_kernel

_K = ou_kernel()                                     # N(x; a e^{-t}, Δ_t), Δ_t = 1 - e^{-2t}
_u = sp.Symbol("u", real=True)
_v = sp.Dummy("v", real=True)

_STEPS = (
    Step(held_derivative(_K, T), held_derivative(_K, X, 2) + held_derivative(X * _K, X),
         "7.3.2: the Gaussian with mean a e^{-t} and variance Δ_t = 1 - e^{-2t} (7.3.1) solves "
         "the Fokker–Planck equation of ẋ = -x + η, ∂_t p = ∂²_x p + ∂_x(x p) (7.2.6 with "
         "F = -x)", "7.3.2", id="kernel_fokker_planck"),
    Step(2 * sp.Integral(normal_pdf(_u, 0, DELTA_T), (_u, 0, sp.oo)), sp.S.One,
         "… and is a density: shifted to its mean a e^{-t}, an even Gaussian integral (any "
         "variance Δ_t > 0)", "7.3.2",
         id="kernel_normalised"),
    Step(sp.Limit(A * sp.exp(-T), T, 0, "+"), A,
         "… starting at x = a: the mean a e^{-t} → a as t → 0 …", "7.3.2", id="kernel_initial_mean"),
    Step(sp.Limit(DELTA, T, 0, "+"), sp.S.Zero, "… while the variance Δ_t → 0", "7.3.2",
         id="kernel_initial_variance"),
)

_CLAIMS = (
    Claim("kernel_variance_euler_maruyama", "mean", DELTA, diffusion.forward_square_sample,
          ({"t": 0.5, "steps": 50}, {"t": 1.0, "steps": 50}),
          st.fixed_dictionaries({"t": st.floats(0.05, 2.0, allow_nan=False, allow_infinity=False),
                                 "steps": st.just(50)}),
          equation="7.3.2",
          simulates="Euler–Maruyama of ẋ = −x + η (dx = −x dt + √2 dW), h = t/50; the sample "
                    "is (x(t) − x̄(t))², x̄ the noiseless run: the variance of the transition",
          rel_bias=diffusion.forward_variance_rel_bias,
          bias_note="Euler–Maruyama step bias from the chain's geometric sums (numerics.sde, "
                    "κ = 1)",
          control_note=SQUARE_CONTROL_NOTE),
)

DERIVATION = Derivation(
    id="mezard.transition_kernel",
    title="The forward transition density N(x; a e^{-t}, Δ_t) solves the OU Fokker–Planck equation",
    lecture=LECTURE,
    section="7.3.1 Forward process",
    equations=("7.3.2",),
    steps=_STEPS,
    claims=_CLAIMS,
    notation=CHAPTER.merge(FOKKER_PLANCK).merge(Notation(
        {r"\Delta_t": DELTA, "d": sp.S.One},
        {"p_t": sp.Lambda(_v, _K.subs(X, _v))})),
    printed_in_notes=(
        Quote("7.3.2", line=1155, latex=r"\frac{\partial p_t}{\partial t} = \Delta p_t + \nabla \cdot (xp_t) \implies p_t(x) = \frac{e^{-(x-ae^{-t})/2\Delta_t}}{(2\pi\Delta_t)^{d/2}} = \mathcal{N}(x; ae^{-t}, \Delta_t)",
              note="p_t read as the forward kernel N(x; a e^{-t}, Δ_t), Δ_t = 1 - e^{-2t}, in "
                   "one coordinate (d = 1); the printed exponent -(x - a e^{-t})/2Δ_t has lost "
                   "its square",
              unchecked={0: "the display writes p_t without its argument x, so ∂p_t/∂t would be "
                            "read of a plain symbol; step kernel_fokker_planck checks the "
                            "equation on the kernel"}),
    ),
)
