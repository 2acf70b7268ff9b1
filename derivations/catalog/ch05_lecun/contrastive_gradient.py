"""Training an energy-based model: the gradient of the negative log-likelihood is the energy's
gradient at the data minus its average under the model, ∇_θ𝓛 = ∇_θ f − E[∇_θ f_θ] (LeCun
5.1.3–5.1.10), on the lecture's Ising example E(y) = −Σ_ij w_ij y_i y_j.

Three ±1 spins, the couplings of the six ordered pairs independent (so that ∂E/∂w_ij = −y_i y_j
as 5.1.5 prints; the diagonal only shifts E by a constant and is left out), and 𝒴 = {±1}³, where
the integral of 5.1.9 is a sum over the eight configurations.
"""
from __future__ import annotations

import itertools

import sympy as sp

from ...latex import Notation
from ...model import Derivation, Quote, Range, Step
from ...symbolic.held import held_derivative
from .notation import CHAPTER
from .symbols import BETA, LECTURE

_PAIRS = [(i, j) for i in (1, 2, 3) for j in (1, 2, 3) if i != j]
WEIGHTS = {p: sp.Symbol(f"w{p[0]}{p[1]}", real=True) for p in _PAIRS}
W12 = WEIGHTS[(1, 2)]
DATA = sp.symbols("y1 y2 y3", real=True)       # the training datum y


def ising_energy(y) -> sp.Expr:
    """E(y) = −Σ_{i≠j} w_ij y_i y_j (5.1.4)."""
    return -sp.Add(*[WEIGHTS[(i, j)] * y[i - 1] * y[j - 1] for i, j in _PAIRS])


_CONFIGS = list(itertools.product((-1, 1), repeat=3))      # 𝒴 = {±1}³
_boltzmann = [sp.exp(-BETA * ising_energy(c)) for c in _CONFIGS]
partition_function = sp.Add(*_boltzmann)                   # Z = Σ_y e^{-βE(y)}
_model_average = sp.Add(*[c[0] * c[1] * b for c, b in zip(_CONFIGS, _boltzmann)]) / partition_function
nll = ising_energy(DATA) + sp.log(partition_function) / BETA   # 5.1.9 with f = E

_STEPS = (
    Step(held_derivative(ising_energy(DATA), W12), -DATA[0] * DATA[1],
         "5.1.4 differentiated in one coupling: only the term −w_12 y_1 y_2 depends on w_12",
         "5.1.5", id="energy_gradient"),
    Step(held_derivative(sp.log(partition_function) / BETA, W12), _model_average,
         "∂_w (β⁻¹ log Z) = −E_p[∂_w E] = E_p[ŷ_1 ŷ_2]: the log-partition function's gradient is "
         "the model's average (5.1.3: p = e^{-βE}/Z)", "5.1.10", id="log_partition_gradient"),
    Step(held_derivative(nll, W12), -DATA[0] * DATA[1] + _model_average,
         "∇_w𝓛 = ∇_w f − E[∇_w f]: the energy's gradient at the datum, −y_1 y_2, minus its "
         "average under the model, −E_p[ŷ_1 ŷ_2]", "5.1.10", id="nll_gradient"),
)

_CAP = ("|w_ij| ≤ 2 and β ≤ 2 keep the Boltzmann weights within e^{±24}: beyond, the model's "
        "sums cancel below what 240 digits resolve and points are skipped (the steps are "
        "identities in every w and β > 0)")

DERIVATION = Derivation(
    id="lecun.contrastive_gradient",
    title="Training an energy-based model: ∇𝓛 = ∇f − E[∇f] on three Ising spins",
    lecture=LECTURE,
    section="5.1.1 Training EBMs; Loss for contrastive learning",
    equations=("5.1.3", "5.1.4", "5.1.5", "5.1.10"),
    definitions=("5.1.3", "5.1.4"),
    steps=_STEPS,
    claims=(),
    sizes={**{w: Range(-2, 2, _CAP) for w in WEIGHTS.values()}, BETA: Range(0, 2, _CAP)},
    known_failures={"declares_claims": (
        "no simulation yet: the Gibbs law of three spins is sampled exactly only from its eight "
        "Boltzmann weights, whose ŷ₁ŷ₂-average is the model average of the step itself (the "
        "numeric half already checks that at 30 digits); an honest simulation runs the model's "
        "Glauber dynamics and needs a bound on its burn-in bias")},
    notation=CHAPTER.merge(Notation(
        {"w_{ij}": W12, "y_i": DATA[0], "y_j": DATA[1], "E": ising_energy(DATA)})),
    printed_in_notes=(
        Quote("5.1.3", line=427, latex=r"p(y|x) = \frac{e^{-\beta f(x,y)}}{Z}",
              unreadable="the Gibbs measure of a generic energy f(x, y), a definition: the "
                         "steps write it for the Ising energy"),
        Quote("5.1.4", line=437, latex=r"E(y) = - \sum_{ij} w_{ij} y_i y_j",
              unreadable="the Ising energy, a definition over summed indices i, j, while this "
                         "table binds w_ij to the one coupling w_12 of 5.1.5 (the steps: the "
                         "six ordered pairs i ≠ j)"),
        Quote("5.1.5", line=439, latex=r"\frac{\partial E}{\partial w_{ij}} = -y_i y_j",
              note="w_ij read as the coupling w_12 of the ordered pair (1, 2), independent of "
                   "w_21; y_i, y_j as y_1, y_2; E as the energy of 5.1.4 at the datum"),
        Quote("5.1.10", line=467,
              latex=r"\nabla_\theta \mathcal{L} = \nabla_\theta f - \mathbb{E}[\nabla_\theta f_\theta] "
                    r"\simeq \nabla_\theta f(x, y) - \nabla_\theta f(x, \hat{y})",
              unreadable="a generic energy f_θ, ∇_θ without a parameter and 𝔼 without a law: "
                         "the steps log_partition_gradient and nll_gradient check it with "
                         "θ = w_12 and 𝔼 the model's average"),
    ),
    not_quotable={},
)
