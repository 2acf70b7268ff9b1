"""Approximating the score: score matching equals denoising score matching up to a constant
(Mézard 7.3.15–7.3.19, 7.3.25–7.3.26), checked for centred Gaussian data a ~ N(0, s²) and the
linear score φ_θ(x) = -w x - b of 7.4.4, one dimension."""
from __future__ import annotations

import math

import sympy as sp
from sympy.stats import E, Normal

from derivations.model.strategies import st
from numerics.samplers import diffusion

from ...latex import Notation
from ...model import Claim, Derivation, Printed, Quote, Step
from .notation import CHAPTER
from .symbols import A, DELTA_T, LECTURE, T, Z

_s = sp.Symbol("s", positive=True)
_w, _b = sp.symbols("w b", real=True)              # parameters θ of the linear score
_xi, _zr = Normal("xi", 0, 1), Normal("zeta", 0, 1)   # a = m + s ξ, the noise z = ζ
_a = _s * _xi
_x = _a * sp.exp(-T) + sp.sqrt(DELTA_T) * _zr      # x = a e^{-t} + √Δ_t z (7.3.19)
_gamma = DELTA_T + sp.exp(-2 * T) * _s ** 2        # Var x (7.4.2)
_phi = -_w * _x - _b                               # φ_θ(x, t)
_score = -_x / _gamma                              # ∇ log p_t(x) for Gaussian data (7.4.3, m = 0)
_target = -(_x - _a * sp.exp(-T)) / DELTA_T        # ∇_x log N(x; a e^{-t}, Δ_t)
_u = sp.Dummy("u", real=True)

_amu = sp.Symbol("a^mu", real=True)                # one datum a^μ (7.3.26)
_phi_v, _score_v = sp.symbols("varphi score", real=True)

_STEPS = (
    Step(sp.Pow(sp.Add(_phi_v, -_score_v, evaluate=False), 2, evaluate=False),
         _phi_v ** 2 - 2 * _phi_v * _score_v + _score_v ** 2,
         "7.3.16: |φ_θ - ∇ log p|² = |φ_θ|² - 2φ_θ·∇ log p + |∇ log p|², and the last term does "
         "not depend on θ (the 'Constant')", "7.3.16", id="square_expansion"),
    Step(sp.Mul(sp.Add(A * sp.exp(-T) + Z * sp.sqrt(DELTA_T), -A * sp.exp(-T), evaluate=False),
                sp.Pow(DELTA_T, -1), evaluate=False),
         Z / sp.sqrt(DELTA_T),
         "7.3.19: with x = a e^{-t} + z√Δ_t, the target (x - a e^{-t})/Δ_t is z/√Δ_t: the loss "
         "matches the noise", "7.3.19", id="noise_target"),
    Step(E(sp.expand(_phi * _target), evaluate=False), _w,
         "7.3.17: E_x[φ ∇ log p_t] = ∫dx φ ∇p_t (integration by parts is not needed: p_t ∇ log "
         "p_t = ∇p_t) = ∫dx ∫da p_0(a) φ(x) ∇_x N(x; a e^{-t}, Δ_t), and ∇_x N = "
         "-(x - a e^{-t})/Δ_t N: an expectation over the pair (a, x). Both equal w here: "
         "E[φ ∇ log p_t] = E[(w x + b) x]/Γ_t = w for ∇ log p_t = -x/Γ_t (7.4.3, m = 0)",
         "7.3.17",
         printed=Printed(lhs=E(sp.expand(_phi * (_x - _a * sp.exp(T)) / DELTA_T), evaluate=False),
                         note="the notes print -2E[φ·∇ log p] = -2∫dx∫da p_0(a) (x - a e^{t})/Δ_t "
                              "N φ: both the sign and the exponent are wrong, the factor is "
                              "-(x - a e^{-t})/Δ_t (so -2E[φ·∇ log p] = +2∫∫ p_0 (x - a e^{-t})/Δ_t "
                              "N φ). The display's expectation and double integral over an "
                              "undefined φ_θ are typed here for Gaussian data and a linear φ_θ"),
         id="cross_term"),
    Step(E(sp.expand(_x ** 2), evaluate=False) / _gamma ** 2 - E(_zr ** 2, evaluate=False) / DELTA_T,
         1 / _gamma - 1 / DELTA_T,
         "7.3.16 → 7.3.18: |φ - ∇ log p_t|² - |φ + (x - a e^{-t})/Δ_t|² = |∇ log p_t|² - "
         "|(x - a e^{-t})/Δ_t|² - 2φ·(∇ log p_t + (x - a e^{-t})/Δ_t), and the last term has "
         "expectation 0 (step cross_term): the two losses differ by E|∇ log p_t|² - E z²/Δ_t = "
         "E x²/Γ_t² - E z²/Δ_t = 1/Γ_t - 1/Δ_t, a constant independent of θ = (w, b)", "7.3.18",
         id="denoising_equivalence"),
    Step(sp.Mul(sp.Add(_amu * sp.exp(-T) + Z * sp.sqrt(DELTA_T), -_amu * sp.exp(-T),
                       evaluate=False), sp.Pow(DELTA_T, -1), evaluate=False),
         Z / sp.sqrt(DELTA_T),
         "7.3.26: for p_0 = p_0^emp the pair (a, x) is a^μ (probability 1/n) and x^μ = a^μ e^{-t} "
         "+ z√Δ_t, so the target of 7.3.25 is z/√Δ_t", "7.3.26", id="empirical_target"),
)

_finite = {"allow_nan": False, "allow_infinity": False}


def _noised_at(t: float, w: float, b: float, s: float) -> dict:
    """A case at diffusion time t with the notes' Δ_t = 1 - e^{-2t} (7.3.1)."""
    return {"s": s, "t": t, "Delta_t": -math.expm1(-2.0 * t), "w": w, "b": b}


CLAIMS = (
    Claim("loss_gap_gaussian_data", "mean", 1 / _gamma - 1 / DELTA_T, diffusion.denoising_loss_gap,
          (_noised_at(0.5, 0.7, 0.2, 1.3), _noised_at(0.2, -0.4, 1.0, 1.0)),
          st.tuples(st.floats(0.1, 0.6, **_finite), st.floats(-1.0, 1.0, **_finite),
                    st.floats(-1.0, 1.0, **_finite), st.floats(1.0, 2.0, **_finite)).map(
              lambda p: _noised_at(*p)),
          equation="7.3.18",
          simulates="data a ~ N(0, s²) and its noised version x = a e^{-t} + √Δ_t z (7.3.19), "
                    "Δ_t = 1 − e^{-2t}; the sample is |φ(x) − ∇ log p_t(x)|² − |φ(x) + (x − a "
                    "e^{-t})/Δ_t|² for φ(x) = −w x − b and the Gaussian score −x/Γ_t (7.4.3): "
                    "score-matching loss minus denoising loss, whose mean the steps say is the "
                    "θ-free constant 1/Γ_t − 1/Δ_t",
          control_note="control: z² − 1 (the noise, known mean 0)",
          invalid_cases=((dict(_noised_at(0.5, 0.7, 0.2, 1.3), Delta_t=0.0), "Delta_t=0.0"),
                         (dict(_noised_at(0.5, 0.7, 0.2, 1.3), w=float("nan")), "w=nan"))),
)

_EXPECTATION = ("an expectation (E_{x∼p_t}, E_{a∼p_0}) over an undefined φ_θ: the steps check it "
                "for Gaussian data and a linear φ_θ")

DERIVATION = Derivation(
    id="mezard.denoising_loss",
    title="Score matching equals denoising score matching up to a constant",
    lecture=LECTURE,
    section="7.3.5 Approximating the score; 7.3.6 Fitted score",
    equations=("7.3.15", "7.3.16", "7.3.17", "7.3.18", "7.3.19", "7.3.25", "7.3.26"),
    definitions=("7.3.15", "7.3.25"),
    steps=_STEPS,
    claims=CLAIMS,
    notation=CHAPTER.merge(Notation(
        {r"\Delta_t": DELTA_T, "L^t": sp.Symbol("L^t"), r"\mathcal{L}": sp.Symbol("L"),
         "t_f": sp.Symbol("t_f", positive=True), "x^\\mu": sp.Symbol("x^mu", real=True)},
        {r"\varphi_\theta": sp.Function("varphi_theta"), r"\lambda": sp.Function("lambda"),
         "p_t": sp.Function("p_t"), "p_0": sp.Function("p_0"), "p": sp.Function("p"),
         "p_{OU}": sp.Function("p_OU")})),
    printed_in_notes=(
        Quote("7.3.15", line=1213, latex=r"\mathcal{L} = \int_0^{t_f} \lambda(t) \underbrace{\mathbb{E}_{x \sim p_t} [|\varphi_\theta(x, t) - \nabla \log p_t(x)|^2]}_{L^t} dt",
              unchecked={0: "defines the loss; " + _EXPECTATION}),
        Quote("7.3.16", line=1217, latex=r"L^t = \mathbb{E}_x [|\varphi_\theta(x, t)|^2 - 2\varphi_\theta(x, t) \cdot \nabla \log p] + \text{Constant}",
              unreadable="'+ Constant' in words (step denoising_equivalence computes the "
                         "constant)"),
        Quote("7.3.17", line=1219, latex=r"-2\mathbb{E}[\varphi_\theta(x, t) \cdot \nabla \log p] = -2 \int dx \int da p_0(a) \frac{x - ae^t}{\Delta_t} \frac{e^{-(x - ae^{-t})^2/2\Delta_t}}{\sqrt{2\pi\Delta_t}} \varphi_\theta(x, t)",
              note="the hand-typed printed form of step cross_term checks it"),
        Quote("7.3.18", line=1221, latex=r"\therefore L^t = \mathbb{E}_{a \sim p_0} \mathbb{E}_{x \sim p_{OU}(x|a)} \left[ \left| \varphi_\theta(x, t) + \frac{x - ae^{-t}}{\Delta_t} \right|^2 \right]",
              unchecked={0: "equal up to the constant of 7.3.16; " + _EXPECTATION}),
        Quote("7.3.19", line=1225, latex=r"x = ae^{-t} + z\sqrt{\Delta_t} \implies \frac{x - ae^{-t}}{\Delta_t} = \frac{z}{\sqrt{\Delta_t}}",
              notation=Notation({"x": A * sp.exp(-T) + Z * sp.sqrt(DELTA_T)}),
              note="x read as the noised datum a e^{-t} + z√Δ_t the display starts from"),
        Quote("7.3.25", line=1257, latex=r"\mathcal{L} = \mathbb{E}_{a, x \sim p_t(a, x)} \left[ \left| \varphi_\theta(x, t) + \frac{x - ae^{-t}}{\Delta_t} \right|^2 \right]",
              unchecked={0: "defines the fitted loss; " + _EXPECTATION}),
        Quote("7.3.26", line=1259, latex=r"= \frac{1}{n} \sum_{\mu} \mathbb{E}_{z \sim \mathcal{N}(0, 1)} \left[ \left| \varphi_\theta(x^\mu, t) + \frac{z}{\sqrt{\Delta_t}} \right|^2 \right]",
              notation=Notation({"n": sp.Symbol("n", integer=True, positive=True),
                                 r"\mu": sp.Symbol("mu", integer=True, positive=True)},
                                indices={r"\mu": (1, sp.Symbol("n", integer=True, positive=True))}),
              unchecked={1: "the empirical average over the data with x^μ = a^μ e^{-t} + z√Δ_t "
                            "(step noise_target); " + _EXPECTATION}),
    ),
)
