"""The empirical score: the OU-noised empirical measure is a Gaussian mixture, and its score
(Mézard 7.3.22–7.3.24), here for n = 3 data points a^1, a^2, a^3 in one dimension."""
from __future__ import annotations

import sympy as sp

from ...latex import Notation
from ...model import Derivation, Quote, Step
from ...symbolic.held import held_derivative
from .notation import CHAPTER
from .symbols import DELTA_T, LECTURE, T, X, normal_pdf

_DATA = sp.symbols("a_1 a_2 a_3", real=True)          # the database {a^μ}, n = 3
_mu = sp.Symbol("mu", integer=True, positive=True)
_n = len(_DATA)


def _weight(a):
    """e^{-(x - a e^{-t})²/2Δ_t}: the unnormalised Gaussian around a e^{-t}."""
    return sp.exp(-(X - a * sp.exp(-T)) ** 2 / (2 * DELTA_T))


p_emp = sp.Add(*[normal_pdf(X, a * sp.exp(-T), DELTA_T) for a in _DATA]) / _n   # 7.3.22
_weights = sp.Add(*[_weight(a) for a in _DATA])
score_emp = sp.Add(*[-(X - a * sp.exp(-T)) / DELTA_T * _weight(a) for a in _DATA]) / _weights
_mean_a = sp.Add(*[a * _weight(a) for a in _DATA]) / _weights   # ⟨a⟩ under the empirical posterior
_u = sp.Dummy("u", real=True)

_STEPS = (
    Step(sp.Add(*[sp.Integral(normal_pdf(X, a * sp.exp(-T), DELTA_T), (X, -sp.oo, sp.oo))
                  for a in _DATA]) / _n, sp.S.One,
         "7.3.22: p_0^emp = (1/n) Σ_μ δ(a - a^μ) noised by the OU kernel N(x; a e^{-t}, Δ_t) "
         "(7.3.2) is the mixture (1/n) Σ_μ N(x; a^μ e^{-t}, Δ_t); it is a density (n = 3, "
         "∫ of the sum = sum of the ∫)",
         "7.3.22", id="empirical_mixture_normalised"),
    Step(held_derivative(sp.log(p_emp), X), score_emp,
         "7.3.23–7.3.24: ∇ log of the mixture; the common factor (2πΔ_t)^{-1/2}/n cancels in the "
         "ratio", "7.3.24", id="empirical_score"),
    Step(score_emp, (-X + sp.exp(-T) * _mean_a) / DELTA_T,
         "the empirical score is 7.3.14 with p_0 = p_0^emp: ⟨a⟩_{x,t} is the average of the a^μ "
         "with weights e^{-(x - a^μ e^{-t})²/2Δ_t}", "7.3.24", id="empirical_tweedie"),
    Step(sp.Limit(score_emp.subs({_DATA[1]: _DATA[0], _DATA[2]: _DATA[0]}) * DELTA_T, T, 0, "+"),
         -(X - _DATA[0]),
         "all data equal (a^μ = a^1): Δ_t × score = -(x - a^1 e^{-t}) → -(x - a^1) as t → 0, the "
         "flow is pulled onto the datum (memorisation)", "7.3.24", id="single_datum_pull"),
)

_AMU = sp.Add(*[a * sp.KroneckerDelta(_mu, k + 1) for k, a in enumerate(_DATA)])

DERIVATION = Derivation(
    id="mezard.empirical_score",
    title="The empirical score: a Gaussian mixture around the noised data",
    lecture=LECTURE,
    section="7.3.6 Various scores (Empirical score)",
    equations=("7.3.22", "7.3.23", "7.3.24"),
    definitions=("7.3.23",),
    steps=_STEPS,
    known_failures={"declares_claims": "no simulation yet: the empirical score is a closed form of the data; a simulation would sample the noised empirical measure and estimate E[∇ log p] = 0"},
    notation=CHAPTER.merge(Notation(
        {r"\Delta_t": DELTA_T, r"\Delta": DELTA_T, "n": sp.Integer(_n), r"\mu": _mu,
         r"a^\mu": _AMU},
        {r"p_t^{emp}": sp.Lambda(_u, p_emp.subs(X, _u)), r"\varphi^{emp}": sp.Function("varphi_emp")})),
    printed_in_notes=(
        Quote("7.3.22", line=1247, latex=r"p_t^{emp}(x) = \frac{1}{n} \sum_{\mu=1}^n \frac{e^{(x - a^\mu e^{-t})^2/2\Delta_t}}{(2\pi\Delta)^{n/2}}",
              note="read with n = 3 data points a^1, a^2, a^3 in d = 1, and the notes' Δ as "
                   "Δ_t; p_t^emp read as the mixture (1/n) Σ_μ N(x; a^μ e^{-t}, Δ_t). The "
                   "printed exponent has lost its minus sign and the normalisation (2πΔ)^{n/2} "
                   "should be (2πΔ_t)^{d/2}"),
        Quote("7.3.23", line=1251, latex=r"\varphi^{emp}(t, x) = \nabla \log p_t^{emp}(x)",
              unchecked={0: "defines the empirical score"}),
        Quote("7.3.24", line=1253, latex=r"= \sum_{\mu} -\frac{x - a^\mu e^{-t}}{\Delta_t} e^{-(x - a^\mu e^{-t})^2/2\Delta_t} / \sum_{\mu} e^{-(x - a^\mu e^{-t})^2/2\Delta_t}",
              unreadable="\\sum_\\mu -\\frac…/\\sum_\\mu: where the first sum ends is a guess the "
                         "reader does not make (steps empirical_score, empirical_tweedie check "
                         "the ratio of the two sums)"),
    ),
)
