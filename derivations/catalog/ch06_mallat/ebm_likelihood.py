"""Energy-based models and their likelihood (Mallat 6.2.1–6.2.7): the negative log-likelihood
ℓ(θ) = KL(p ‖ p_θ) + H[p], and its gradient, the energy's gradient averaged over the data minus
its average over the model, ∇_θℓ = E_p[∇_θU_θ] − E_{p_θ}[∇_θU_θ].

Checked on an exponential family of 6.2.3 in one coordinate, U_θ(x) = θ Φ(x) with the quartic
Φ(x) = x⁴ (the φ⁴ potential of 6.1, so Z_θ = 2Γ(5/4) θ^{-1/4}), and Gaussian data p = N(0, s²).
"""
from __future__ import annotations

import sympy as sp
from derivations.model.strategies import st

from numerics.samplers import energy

from ...latex import Notation
from ...model import Claim, Derivation, Quote, Step
from ...symbolic.held import held_derivative
from .notation import CHAPTER

THETA = sp.Symbol("theta", positive=True)     # the model's parameter θ
X = sp.Symbol("x", real=True)
S = sp.Symbol("s", positive=True)             # the data's standard deviation
_line = (X, -sp.oo, sp.oo)
_u, _v = sp.symbols("u v", real=True)

energy_fn = THETA * X ** 4                                                 # U_θ(x), 6.2.3
data_density = sp.exp(-X ** 2 / (2 * S ** 2)) / sp.sqrt(2 * sp.pi * S ** 2)   # p = N(0, s²)
partition_integral = sp.Integral(sp.exp(-energy_fn), _line)                # Z_θ of 6.2.1

# the closed forms the steps establish
partition_function = 2 * sp.gamma(sp.Rational(5, 4)) * THETA ** sp.Rational(-1, 4)
model_density = sp.exp(-energy_fn) / partition_function                    # p_θ, 6.2.1
model_average = 1 / (4 * THETA)                                            # E_{p_θ}[∇_θU_θ]
data_average = 3 * S ** 4                                                  # E_p[∇_θU_θ]
nll = data_average * THETA + sp.log(partition_function)                    # ℓ(θ), 6.2.4


_STEPS = (
    Step(partition_integral, partition_function,
         "Z_θ = ∫ e^{-θx⁴} dx = 2Γ(5/4) θ^{-1/4} (6.2.1 with U_θ = θx⁴)", "6.2.1",
         id="partition_function"),
    Step(-sp.Integral(data_density * sp.log(model_density), _line), nll,
         "ℓ(θ) = −E_p log p_θ = θ E_p[x⁴] + log Z_θ, E_p[x⁴] = 3s⁴ for p = N(0, s²)", "6.2.4",
         id="nll_closed_form"),
    Step(sp.Integral(data_density * sp.log(data_density / model_density), _line)
         - sp.Integral(data_density * sp.log(data_density), _line), nll,
         "ℓ(θ) = KL(p ‖ p_θ) + H[p]: the entropy H[p] = −∫ p log p cancels the log p of the "
         "relative entropy", "6.2.4", id="kl_entropy_split"),
    Step(held_derivative(nll, THETA),
         sp.Integral(X ** 4 * data_density, _line)
         + held_derivative(sp.log(partition_function), THETA),
         "∇_θℓ = E_p[∇_θU_θ] + ∇_θ log Z_θ, ∇_θU_θ = x⁴: the gradient of the log-partition "
         "function, not log Z_θ itself", "6.2.6", id="nll_gradient_split"),
    Step(held_derivative(sp.log(partition_function), THETA),
         -sp.Integral(X ** 4 * sp.exp(-energy_fn), _line) / partition_integral,
         "∇_θ log Z_θ = −E_{p_θ}[∇_θU_θ] = −∫ x⁴ e^{-θx⁴} dx / Z_θ: differentiate under the "
         "integral of 6.2.1", "6.2.7", id="log_partition_gradient"),
    Step(sp.Integral(X ** 4 * model_density, _line), model_average,
         "the model's average of ∇_θU_θ = x⁴: E_{p_θ}[x⁴] = 1/(4θ)", "6.2.7", id="model_average"),
    Step(held_derivative(nll, THETA), data_average - model_average,
         "∇_θℓ = E_p[x⁴] − E_{p_θ}[x⁴] = 3s⁴ − 1/(4θ): zero, at the maximum-likelihood θ* of "
         "6.2.5, when the model's fourth moment matches the data's", "6.2.7", id="nll_gradient"),
)

_finite = dict(allow_nan=False, allow_infinity=False)
_CLAIMS = (
    Claim("model_average_draws", "mean", model_average, energy.quartic_model_fourth_power,
          ({"theta": 1.0}, {"theta": 0.3}, {"theta": 2.5}),
          st.fixed_dictionaries({"theta": st.floats(0.2, 3.0, **_finite)}),
          equation="6.2.7", max_samples=4_000_000,
          simulates="draws of the model p_θ ∝ e^{-U_θ}, U_θ = θx⁴ (6.2.1), by rejection from "
                    "Gaussian proposals (each accepted when an Exp(1) draw exceeds θ(x² − c)², "
                    "which uses only the unnormalised e^{-U_θ}); the sample is ∇_θU_θ = x⁴",
          invalid_cases=(({"theta": 0.0}, "theta > 0"), ({"theta": -1.0}, "theta > 0"))),
)

_U = sp.Lambda(_u, energy_fn.subs(X, _u))


def _entropy(law):
    """The notes' H[p]: the entropy −∫ p log p of the data law p (the only law it is applied to)."""
    if law != sp.Symbol("p"):
        raise ValueError(f"H[{law}]: the entropy is bound for the data law p only")
    return -sp.Integral(data_density * sp.log(data_density), _line)

DERIVATION = Derivation(
    id="mallat.ebm_likelihood",
    title="Energy-based model: likelihood as KL + entropy, and ∇ℓ = E_p[∇U] − E_{p_θ}[∇U]",
    lecture="Mallat",
    section="6.2.1 Energy Based Models (EBM); Likelihood",
    equations=("6.2.1", "6.2.3", "6.2.4", "6.2.6", "6.2.7"),
    definitions=("6.2.1", "6.2.3"),
    steps=_STEPS,
    claims=_CLAIMS,
    notation=CHAPTER.merge(Notation(
        {r"\theta": THETA, "x": X, r"Z_\theta": partition_function},
        {"U": _U, r"U_\theta": _U, "p": sp.Lambda(_u, data_density.subs(X, _u)),
         r"p_\theta": sp.Lambda(_u, sp.exp(-_U(_u)) / partition_integral),
         r"\Phi": sp.Lambda(_u, _u ** 4), r"\ell": sp.Lambda(_v, nll.subs(THETA, _v)),
         "H": _entropy}, coordinate=X)),
    printed_in_notes=(
        Quote("6.2.1", line=601, latex=r"p_\theta(x) = \frac{e^{-U_\theta(x)}}{Z_\theta}",
              unchecked={0: "defines the model p_θ (and, after it, Z_θ = ∫ e^{-U_θ})"}),
        Quote("6.2.3", line=611, latex=r"U_\theta(x) = \langle \theta, \Phi(x) \rangle",
              unchecked={0: "defines the exponential family; the steps take Φ(x) = x⁴"}),
        Quote("6.2.4", line=619,
              latex=r"\ell(\theta) = -\mathbb{E}_{x \sim p} \log p_\theta(x) = KL(p || p_\theta) + H[p]",
              note="KL(p ‖ p_θ) and E_{x∼p} read as integrals against p = N(0, s²) and "
                   "p_θ = e^{-θx⁴}/Z_θ, H[p] as the entropy −∫ p log p"),
        Quote("6.2.6", line=629,
              latex=r"\nabla_\theta \ell(\theta) = \mathbb{E}_{x \sim p} [\nabla_\theta U(x)] + \log Z_\theta",
              note="ℓ(θ) read as E_p[U_θ] + log Z_θ (6.2.4), U as U_θ = θx⁴, the data law p as "
                   "N(0, s²) and Z_θ as 6.2.1's integral 2Γ(5/4)θ^{-1/4} (step partition_function); the notes print log Z_θ where the "
                   "gradient ∇_θ log Z_θ belongs (step nll_gradient_split), so the first link of "
                   "6.2.7, which starts from this right-hand side, fails with it"),
        Quote("6.2.7", line=631,
              latex=r"= \mathbb{E}_{x \sim p} [\nabla_\theta U_\theta(x)] - \mathbb{E}_{x \sim p_\theta} [\nabla_\theta U_\theta(x)]",
              note="the link starts from 6.2.6's right-hand side, log Z_θ where ∇_θ log Z_θ "
                   "belongs, and fails with it; 6.2.7's own right-hand side is ∇_θℓ (steps "
                   "log_partition_gradient, nll_gradient), p_θ read as e^{-U_θ}/Z_θ of 6.2.1"),
    ),
    not_quotable={},
)
