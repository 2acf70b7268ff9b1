"""Transport of probability mass: Liouville, Fokker–Planck and the reverse-time equations
(Mallat 6.2.22–6.2.23, 6.3.1, 6.3.7–6.3.11), in one coordinate.

A Fokker–Planck equation of an unspecified density is an equation, not an identity: every
display is bound to a concrete law so that it becomes an identity in (x, t) — the linear flow
v_t(x) = -κx transporting N(m, s²) (6.2.22–6.2.23), the Ornstein–Uhlenbeck law of Gaussian data
(6.3.1, 6.3.7) and its time reversal q_t = p_{T-t} (6.3.8–6.3.11).
"""
from __future__ import annotations

import sympy as sp
from derivations.model.strategies import st

from numerics.samplers import diffusion

from ...latex import Notation
from ...model import Claim, Derivation, Quote, Step
from ...symbolic.held import held_derivative
from .notation import CHAPTER, SIGMA, TIME

X = sp.Symbol("x", real=True)              # position x (the notes' x_t, read as a variable)
Y = sp.Symbol("y", real=True)              # reverse-time position y (the notes' y_t)
KAPPA = sp.Symbol("kappa", positive=True)  # rate κ of the flow v_t(x) = -κx
ALPHA = sp.Symbol("alpha", positive=True)  # the free diffusion level α of 6.3.10–6.3.11
M = sp.Symbol("m", real=True)              # data mean
S = sp.Symbol("s", positive=True)          # data standard deviation
T_END = sp.Symbol("T", positive=True)      # horizon T of the reversal q_t = p_{T-t}
_t = TIME


def normal_pdf(u, mean, var):
    """``N(u; mean, var)``, the one-dimensional Gaussian density."""
    return sp.exp(-(u - mean) ** 2 / (2 * var)) / sp.sqrt(2 * sp.pi * var)


velocity = -KAPPA * X                                                   # v_t(x) = -κx
# 6.2.22: the noiseless flow carries N(m, s²) to N(m e^{-κt}, s² e^{-2κt})
transport_law = normal_pdf(X, M * sp.exp(-KAPPA * _t), S ** 2 * sp.exp(-2 * KAPPA * _t))
# 6.3.1: with noise σ dW the OU law of N(m, s²) data
ou_variance = S ** 2 * sp.exp(-2 * KAPPA * _t) + SIGMA ** 2 * (1 - sp.exp(-2 * KAPPA * _t)) / (2 * KAPPA)
ou_law = normal_pdf(X, M * sp.exp(-KAPPA * _t), ou_variance)


def forward_variance(u):
    """Γ_u = s² e^{-2u} + 1 - e^{-2u}: variance of the κ = 1, σ² = 2 OU law at time u."""
    return S ** 2 * sp.exp(-2 * u) + 1 - sp.exp(-2 * u)


def forward_law(u, at):
    """p_u(at) = N(at; m e^{-u}, Γ_u), the forward law of 6.3.7 (κ = 1, σ² = 2)."""
    return normal_pdf(at, M * sp.exp(-u), forward_variance(u))


forward_density = forward_law(_t, X)                   # p_t(x), 6.3.7
reverse_density = forward_law(T_END - _t, Y)           # q_t(y) = p_{T-t}(y), 6.3.8
_score = held_derivative(sp.log(reverse_density), Y)   # ∇ log q_t
reverse_drift = Y + (1 + ALPHA) * _score               # drift of 6.3.11
_before_horizon = (sp.Lt(_t, T_END),)                  # q_t = p_{T-t} needs t < T


def _stabilised(alpha):
    """∂q/∂t by 6.3.10 as it follows from 6.3.8–6.3.9, at diffusion level ``alpha``."""
    q = reverse_density
    return -held_derivative(q * Y + (1 + alpha) * q * _score, Y) + alpha * held_derivative(q, Y, 2)


_STEPS = (
    # --- 6.2.22–6.2.23: Liouville, no noise
    Step(held_derivative(transport_law, _t), -held_derivative(velocity * transport_law, X),
         "Liouville: mass carried by v_t(x) = -κx obeys ∂p/∂t = -∇·(v p); N(m, s²) moved by "
         "the flow is N(m e^{-κt}, s² e^{-2κt})", "6.2.22", id="liouville"),
    Step(-held_derivative(velocity * transport_law, X),
         -velocity * held_derivative(transport_law, X)
         - transport_law * held_derivative(velocity, X),
         "product rule: -∇·(v p) = -v·∇p (convection) - p ∇·v (compression / dilation)",
         "6.2.23", id="convection_compression"),
    # --- 6.3.1: Fokker–Planck with constant σ
    Step(held_derivative(ou_law, _t),
         -held_derivative(ou_law * velocity, X) + held_derivative(SIGMA ** 2 / 2 * ou_law, X, 2),
         "Fokker–Planck of dx = -κx dt + σ dW: ∂p/∂t = -∇·(p v) + Δ(½σ² p), on the OU law "
         "N(m e^{-κt}, s² e^{-2κt} + σ²(1 - e^{-2κt})/(2κ)) of Gaussian data", "6.3.1",
         id="fokker_planck"),
    # --- 6.3.7–6.3.8: κ = 1, σ² = 2, and time reversal q_t = p_{T-t}
    Step(held_derivative(forward_density, _t),
         -held_derivative(-forward_density * X, X) + held_derivative(forward_density, X, 2),
         "6.3.1 with v = -x and ½σ² = 1, on the OU law N(m e^{-t}, Γ_t), Γ_t = s² e^{-2t} + "
         "1 - e^{-2t}", "6.3.7", id="forward_equation"),
    Step(held_derivative(reverse_density, _t),
         -held_derivative(reverse_density * Y, Y) - held_derivative(reverse_density, Y, 2),
         "q_t = p_{T-t}: ∂q/∂t = -∂p/∂u at u = T - t, so the diffusion term changes sign "
         "(inverse diffusion)", "6.3.8", constraints=_before_horizon, id="time_reversal"),
    # --- 6.3.9: the score trick
    Step(held_derivative(reverse_density, Y, 2),
         held_derivative(reverse_density * _score, Y),
         "q ∇ log q = ∇q, so Δq = ∇·(q ∇ log q) for a positive density", "6.3.9",
         constraints=_before_horizon, id="score_trick"),
    # --- 6.3.10: split Δq = (1 + α)Δq - αΔq and apply 6.3.9 to the first part
    Step(held_derivative(reverse_density, _t), _stabilised(ALPHA),
         "6.3.8 with Δq = (1 + α)∇·(q ∇ log q_t) - αΔq (6.3.9): ∂q/∂t + ∇·(q y + (1 + α) q "
         "∇ log q_t) - αΔq = 0, for every α", "6.3.10", constraints=_before_horizon,
         id="stabilised_reverse"),
    Step(held_derivative(reverse_density, _t), _stabilised(sp.S.Zero),
         "α = 0, the probability-flow case: ∂q/∂t + ∇·(q (y + ∇ log q_t)) = 0, transport by "
         "the velocity y + ∇ log q_t without noise (6.2.22)", "6.3.10",
         constraints=_before_horizon, id="probability_flow"),
    # --- 6.3.11: the SDE whose Fokker–Planck equation is 6.3.10
    Step(-held_derivative(reverse_drift * reverse_density, Y)
         + ALPHA * held_derivative(reverse_density, Y, 2),
         -held_derivative(Y * reverse_density, Y) - held_derivative(reverse_density, Y, 2),
         "Fokker–Planck of dy = F dt + √(2α) dW, F = y + (1 + α)∇ log q_t: -∇·(F q) + αΔq = "
         "-∇·(y q) - Δq, the right side of 6.3.8, for every α", "6.3.11",
         constraints=_before_horizon, id="reverse_sde_fokker_planck"),
)

# Monte Carlo: Euler–Maruyama of the reverse SDE 6.3.11 itself, for several α
_finite = dict(allow_nan=False, allow_infinity=False)
_CLAIMS = (
    Claim("reverse_alpha_variance_euler_maruyama", "mean", forward_variance(sp.S.Zero),
          diffusion.reverse_alpha_square,
          ({"m": 0.5, "s": 1.3, "alpha": 0.5, "T": 2.0, "steps": 40},
           {"m": -1.0, "s": 0.8, "alpha": 1.0, "T": 1.5, "steps": 40},
           {"m": 1.5, "s": 1.1, "alpha": 2.0, "T": 2.0, "steps": 50}),
          st.fixed_dictionaries({"m": st.floats(-2.0, 2.0, **_finite),
                                 "s": st.floats(0.8, 1.6, **_finite),
                                 "alpha": st.floats(0.25, 3.0, **_finite),
                                 "T": st.floats(1.0, 3.0, **_finite), "steps": st.just(60)}),
          equation="6.3.11",
          simulates="y ~ p_T = N(m e^{-T}, Γ_T) run by Euler–Maruyama of dy = [y + (1 + α)∇log "
                    "q_t(y)] dt + √(2α) dW, q_t = p_{T-t} the exact OU law of Gaussian data "
                    "N(m, s²) (κ = 1, σ² = 2), h = T/steps, to t = T; the sample is (y − m)²",
          rel_bias=diffusion.reverse_alpha_rel_bias,
          bias_note="the chain is linear and Gaussian: its end mean and variance follow exactly "
                    "from μ_{k+1} = g_k μ_k + c_k, V_{k+1} = g_k² V_k + 2αh from p_T; the ratio "
                    "of V + (μ − m)² to s² is the Euler–Maruyama bias (O(h)), padded by 1e-12",
          target_mdre=0.02,
          target_note="each sample is a whole reverse run of 40–50 steps",
          invalid_cases=(({"m": 0.0, "s": 0.0, "alpha": 1.0, "T": 2.0, "steps": 40}, "s=0.0"),
                         ({"m": 0.0, "s": 1.0, "alpha": 0.0, "T": 2.0, "steps": 40}, "alpha=0.0"),
                         ({"m": 0.0, "s": 1.0, "alpha": 1.0, "T": -1.0, "steps": 40}, "T=-1.0"),
                         ({"m": 0.0, "s": 0.2, "alpha": 1.0, "T": 2.0, "steps": 4}, "steps=4"))),
)

_W = sp.Symbol("W_t", real=True)    # the Brownian motion of the printed SDEs (never checked)
_REVERSE = Notation({"q_t": reverse_density, "y_t": Y, "x_t": Y, "p_t": forward_law(_t, Y)},
                    coordinate=Y)

DERIVATION = Derivation(
    id="mallat.fokker_planck",
    title="Liouville and Fokker–Planck equations, time reversal and the α-family of reverse SDEs",
    lecture="Mallat",
    section="6.2 Liouville equation; 6.3 Score Based Diffusion; Denoising",
    equations=("6.2.22", "6.2.23", "6.3.1", "6.3.7", "6.3.8", "6.3.9", "6.3.10", "6.3.11"),
    steps=_STEPS,
    claims=_CLAIMS,
    notation=CHAPTER.merge(Notation(
        {"x": X, "y": Y, r"\kappa": KAPPA, r"\alpha": ALPHA, "T": T_END, "x_t": X, "y_t": Y,
         "W_t": _W, "v_t": velocity, "p_t": transport_law},
        operators={r"\Delta": "laplacian"}, coordinate=X)),
    printed_in_notes=(
        Quote("6.2.22", line=709, latex=r"\frac{\partial p_t}{\partial t} = -\nabla \cdot (v_t p_t)",
              note="v_t read as the flow -κx and p_t as the law it carries from N(m, s²), "
                   "N(m e^{-κt}, s² e^{-2κt})"),
        Quote("6.2.23", line=711,
              latex=r"= - \underbrace{v_t \cdot \nabla p_t}_{\text{Convection}} - \underbrace{p_t(\nabla \cdot v_t)}_{\text{compression / dilation}}"),
        Quote("6.3.1", line=719,
              latex=r"\frac{\partial p_t}{\partial t} = -\nabla \cdot (p_t(x)v_t) - \Delta \left( \frac{1}{2}\sigma^2(x)p_t(x) \right) \iff dx_t = v_t(x_t)dt + \sigma dW_t",
              notation=Notation({"p_t": ou_law}),
              note="σ(x) ≡ σ, v_t = -κx, p_t the OU law of N(m, s²) data (p_t(x), σ²(x): their "
                   "values at the coordinate x); the diffusion term enters with +Δ(½σ²p), "
                   "not -Δ (step fokker_planck)",
              unchecked={1: "the SDE dx_t = v_t dt + σ dW_t: Itô differentials, not a relation "
                            "between values (⟺ links the SDE to its law)"}),
        Quote("6.3.7", line=761,
              latex=r"\frac{\partial p_t}{\partial t} + \nabla \cdot (-p_t x_t) - \Delta p_t = 0",
              notation=Notation({"p_t": forward_density}),
              note="x_t read as the position variable x; p_t the κ = 1, σ² = 2 OU law of "
                   "N(m, s²) data"),
        Quote("6.3.8", line=763,
              latex=r"\implies \frac{\partial q_t}{\partial t} + \nabla \cdot (q_t y_t) + \Delta q_t = 0",
              notation=_REVERSE,
              note="y_t read as the position variable y, q_t(y) = p_{T-t}(y) (t < T); 6.3.7, "
                   "which this display continues, is read in y as well"),
        Quote("6.3.9", line=767,
              latex=r"\Delta q_t = \nabla \cdot (q_t \underbrace{\nabla \log q_t}_{\text{score}})",
              notation=_REVERSE),
        Quote("6.3.10", line=771,
              latex=r"\frac{\partial q_t}{\partial t} + \nabla \cdot (q_t y_t - (1 + \alpha) q_t \nabla \log p_t) - \alpha \Delta q_t = 0",
              notation=_REVERSE,
              note="p_t read as the forward law at time t in the variable y; the form that "
                   "follows from 6.3.8–6.3.9 has +(1 + α) q_t ∇ log q_t (sign and density; "
                   "step stabilised_reverse)"),
        Quote("6.3.11", line=773,
              latex=r"dy_t = [y_t + (1 + \alpha) \nabla \log q_t] + \sqrt{2\alpha} dW_t",
              notation=_REVERSE,
              unchecked={0: "an SDE (Itô differentials), not a relation between values; the "
                            "drift bracket lacks its dt; step reverse_sde_fokker_planck checks "
                            "its Fokker–Planck equation"}),
    ),
    not_quotable={},
)
