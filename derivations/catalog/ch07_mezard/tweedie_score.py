"""The score of the noised data density and Tweedie's formula (Mézard 7.3.3–7.3.5, Theorem 5:
7.3.13–7.3.14, 7.3.20–7.3.21): ∇ log p_t(x) = (-x + e^{-t} ⟨a⟩_{x,t})/Δ_t, for an arbitrary data
density p_0 (an undefined function, checked numerically on Gaussian mixtures)."""
from __future__ import annotations

import sympy as sp

from ...latex import Notation
from ...model import Derivation, Printed, Quote, Step
from ...symbolic.held import held_derivative
from ...symbolic.prior_integral import PriorIntegral, gaussian_mixtures
from .notation import CHAPTER
from .symbols import A, DELTA_T, LECTURE, P0, T, normal_pdf

# Mézard's x is the noised x_t = a e^{-t} + √Δ_t z.  Δ_t = 1 - e^{-2t} enters 7.3.13–7.3.21 only
# as a positive variance, so it is a positive symbol as in the notes (the identities hold for
# every Δ_t > 0; its value is checked in mezard.forward_process)
_xt = sp.Symbol("x_t", real=True)
# every integral over the data runs over a' (the notes' integration variable of 7.3.5): the
# posterior's argument a stays free next to them
_a2 = sp.Symbol("a'", real=True)
_line = (_a2, -sp.oo, sp.oo)


def _kernel(a):
    """N(x; a e^{-t}, Δ_t), the forward kernel (7.3.2)."""
    return normal_pdf(_xt, a * sp.exp(-T), DELTA_T)


def _weight(a):
    """e^{-(x - a e^{-t})²/2Δ_t}, the kernel without its normalisation (7.3.21)."""
    return sp.exp(-(_xt - a * sp.exp(-T)) ** 2 / (2 * DELTA_T))


p_t = PriorIntegral(P0(_a2) * _kernel(_a2), _line)                       # p_t(x) (7.3.4)
_posterior = P0(A) * _kernel(A) / p_t                                    # p(a|x_t) (7.3.5)
score_t = PriorIntegral(P0(_a2) * (-(_xt - _a2 * sp.exp(-T)) / DELTA_T) * _kernel(_a2), _line) / p_t
_Zx = PriorIntegral(P0(_a2) * _weight(_a2), _line)                      # Z(x) of 7.3.21
mean_a = PriorIntegral(_a2 * P0(_a2) * _weight(_a2), _line) / _Zx      # ⟨a⟩_{x,t}
_u, _v = sp.Dummy("u", real=True), sp.Dummy("v", real=True)


def _posterior_density(*args):
    """The notes' p(a|x, t) (7.3.21) and p(a) = p_0(a) (7.3.5)."""
    from ...latex.operators import Given

    if len(args) == 1:
        return P0(args[0])
    if len(args) == 2 and isinstance(args[1], Given) and len(args[1].args) in (1, 2):
        return (P0(args[0]) * _weight(args[0]) / _Zx).subs(_xt, args[1].args[0])
    raise TypeError(f"p{args}: expected p(a) or p(a|x, t)")


_STEPS = (
    # --- 7.3.3–7.3.5: joint law of the datum and its noised version, marginal, posterior
    Step(_posterior, P0(A) * _weight(A) / _Zx,
         "the Gaussian normalisations (2πΔ_t)^{-1/2} cancel in the ratio: p(a|x, t) = "
         "p_0(a) e^{-(x - a e^{-t})²/2Δ_t} / Z(x), Z(x) = ∫da p_0(a) e^{-(x - a e^{-t})²/2Δ_t} "
         "(7.3.21)", "7.3.21",
         id="posterior_gibbs"),
    Step(P0(A) * _kernel(A) / p_t, _posterior,
         "Bayes: p(a|x) = p_t(a, x)/p_t(x) with the joint 7.3.3 and the marginal 7.3.4; the "
         "integration variable a' of the denominator runs in the Gaussian too", "7.3.5",
         printed=Printed(rhs=P0(A) * _kernel(A) / PriorIntegral(P0(_a2) * _kernel(A), _line),
                         note="the notes print the denominator ∫da' p_0(a') N(x_t; a e^{-t}, "
                              "Δ_t), with a (not a') in the Gaussian: it is N(x_t; a e^{-t}, "
                              "Δ_t) itself and the printed 'posterior' reduces to the prior "
                              "p_0(a)"),
         id="bayes_posterior",
         definition="Bayes' rule p(a|x) = p_t(a, x)/p_t(x) defines the posterior; what is "
                    "checked is the printed denominator"),
    # --- 7.3.13–7.3.14 (Theorem 5)
    Step(held_derivative(sp.log(p_t), _xt), score_t,
         "score of p_t(x) = ∫ da p_0(a) N(x; a e^{-t}, Δ_t): differentiate under the "
         "integral sign", "7.3.13", id="mezard_score"),
    Step(score_t, -_xt / DELTA_T + sp.exp(-T) / DELTA_T * mean_a,
         "split -(x - a e^{-t}) = -x + a e^{-t}; the normalisations of N cancel in ⟨a⟩",
         "7.3.14", id="mezard_score_split"),
    Step(held_derivative(sp.log(p_t), _xt), (-_xt + sp.exp(-T) * mean_a) / DELTA_T,
         "the perfect score (7.3.20): φ(x, t) = (1/Δ_t)(-x + e^{-t}⟨a⟩_{x,t}) with ⟨a⟩ the mean "
         "of the posterior 7.3.21 — Tweedie: e^{-t}⟨a⟩ = x + Δ_t ∇ log p_t(x)", "7.3.20",
         id="perfect_score"),
)

_MEZARD = Notation(
    {"x": _xt, "x_t": _xt, "a'": _a2, r"\Delta_t": DELTA_T, r"\varphi": sp.Symbol("varphi")},
    {"p_0": P0, "p": _posterior_density, "Z": sp.Lambda(_u, _Zx.subs(_xt, _u)),
     "E": sp.Function("E"), "p_t": sp.Lambda(_u, p_t.subs(_xt, _u))},
    domains={"a": (-sp.oo, sp.oo), "a'": (-sp.oo, sp.oo)})

DERIVATION = Derivation(
    id="mezard.tweedie_score",
    title="The score of the noised data: ∇ log p_t = (-x + e^{-t}⟨a⟩_{x,t})/Δ_t (Tweedie)",
    lecture=LECTURE,
    section="7.3.1 Forward process (joint law, posterior); 7.3.4 The Score (Theorem 5); "
            "7.3.6 Perfect score",
    equations=("7.3.3", "7.3.4", "7.3.5", "7.3.13", "7.3.14", "7.3.20", "7.3.21"),
    definitions=("7.3.3", "7.3.4"),
    steps=_STEPS,
    functions=(gaussian_mixtures(P0),),
    known_failures={"declares_claims": "no simulation yet: the score identity holds for an "
                                       "arbitrary p_0 (checked on Gaussian mixtures); a "
                                       "simulation would need the noised pair (a, x) and a "
                                       "posterior estimate of ⟨a⟩"},
    notation=CHAPTER.merge(_MEZARD),
    printed_in_notes=(
        Quote("7.3.3", line=1159, latex=r"p_t(a, x) = p_0(a)\mathcal{N}(x_t; ae^{-t}, \Delta_t)",
              notation=Notation({}, {"p_t": sp.Function("p_t")}),
              unchecked={0: "defines the joint law of a and x"}),
        Quote("7.3.4", line=1161, latex=r"p_t(x) = \int da p(a, x)",
              notation=Notation({}, {"p": sp.Function("p")}),
              unchecked={0: "defines the marginal p_t(x) (the notes write p(a, x) for the joint "
                            "p_t(a, x) of 7.3.3)"}),
        Quote("7.3.5", line=1163, latex=r"p(a|x_t) = \frac{p(a)\mathcal{N}(x; ae^{-t}, \Delta_t)}{\int da' p_0(a')\mathcal{N}(x_t; ae^{-t}, \Delta_t)}",
              note="x and x_t are the same noised variable; the hand-typed printed form of "
                   "step bayes_posterior checks the denominator"),
        Quote("7.3.13", line=1203, latex=r"\varphi = \nabla_x \log p_t(x) = \frac{1}{p_t(x)} \int da p_0(a) \frac{-(x-ae^{-t})}{\Delta_t} \frac{e^{-(x-ae^{-t})^2/(2\Delta_t)}}{\sqrt{2\pi\Delta_t}}",
              notation=Notation({"a": _a2}),  # the integration variable of p_t, as in the steps
              unchecked={0: "defines φ, the score"}),
        Quote("7.3.14", line=1205, latex=r"= -\frac{x}{\Delta_t} + \frac{e^{-t}}{\Delta_t} \langle a \rangle_{x,t}"),
        Quote("7.3.20", line=1235, latex=r"p_0(a) = \frac{e^{-E(a)}}{Z}",
              notation=Notation({}, {"p_0": sp.Function("p_0")}),
              unchecked={0: "writes the data density as a Boltzmann law e^{-E}/Z, a definition "
                            "(the score printed after \\quad is not read: step perfect_score "
                            "checks it)"}),
        Quote("7.3.21", line=1239, latex=r"p(a|x, t) = \frac{1}{Z(x)} p_0(a) e^{-(x - ae^{-t})^2/2\Delta_t}",
              note="p(a|x, t) read as the posterior of 7.3.5 and Z(x) as its normalisation"),
    ),
)
