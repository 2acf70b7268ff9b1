"""Linear noising with a general schedule, ẋ = f(t) x + g(t) η: its solution a s(t) + s(t)σ(t) z,
the noised density and its score (Mézard 7.2.12–7.2.14, 7.3.27–7.3.29)."""
from __future__ import annotations

import sympy as sp
from derivations.model.strategies import st

from numerics.samplers import diffusion

from ...latex import Notation
from ...model import Claim, Derivation, Quote, Step
from ...symbolic.held import held_derivative, over
from ...symbolic.prior_integral import PriorIntegral, gaussian_mixtures
from .notation import CHAPTER
from .symbols import A, LECTURE, SQUARE_CONTROL_NOTE, P0, T, TAU, X, normal_pdf

_kappa = sp.Symbol("kappa", positive=True)      # constant f = -κ (the OU case)
_g = sp.Symbol("g", positive=True)              # constant noise amplitude g
_sigma = sp.Symbol("sigma", positive=True)      # OU noise amplitude of Mallat's 6.3.2
# a time-dependent schedule: f(τ) = -b/(1 + τ), g(τ) = c √(1 + τ) (s = (1 + t)^{-b})
_b, _c = sp.symbols("b c", positive=True)
_f = -_b / (1 + TAU)
_gt = _c * sp.sqrt(1 + TAU)
_s = sp.exp(sp.integrate(_f, (TAU, 0, T)))                              # s(t) = e^{∫f}
_s_tau = _s.subs(T, TAU)
_sigma2 = 2 * sp.Integral((_gt / _s_tau) ** 2, (TAU, 0, T))            # σ(t)² (7.2.14)
# s(t) and σ(t) at a fixed time, as positive numbers (7.3.28–7.3.29)
_S, _Sg = sp.symbols("s_t sigma_t", positive=True)
_kernel = normal_pdf(X, A * _S, _S ** 2 * _Sg ** 2)                    # N(x; a s, s²σ²)
_p_t = PriorIntegral(P0(A) * _kernel, (A, -sp.oo, sp.oo))
_weight = sp.exp(-(X - A * _S) ** 2 / (2 * _S ** 2 * _Sg ** 2))
_mean_a = (PriorIntegral(A * P0(A) * _weight, (A, -sp.oo, sp.oo))
           / PriorIntegral(P0(A) * _weight, (A, -sp.oo, sp.oo)))      # ⟨a⟩_{x,t}
_u = sp.Dummy("u", real=True)

# the OU variance σ²(1 - e^{-2κt})/(2κ) (Mallat 6.3.5) with σ = √2 g
_ou_variance_g = sp.Subs(_sigma ** 2 * (1 - sp.exp(-2 * _kappa * T)) / (2 * _kappa), _sigma,
                         sp.sqrt(2) * _g)

_STEPS = (
    # --- 7.2.13–7.2.14 with constant f = -κ, g: reduces to the OU solution
    Step(sp.exp(sp.Integral(-_kappa, (TAU, 0, T))), sp.exp(-_kappa * T),
         "s(t) = exp ∫_0^t f for f = -κ", "7.2.14", id="integrating_factor"),
    Step(2 * sp.Integral(sp.Pow(over(_g, sp.exp(-_kappa * TAU)), 2, evaluate=False),
                         (TAU, 0, T)),
         _g ** 2 * (sp.exp(2 * _kappa * T) - 1) / _kappa,
         "σ(t)² = 2 ∫_0^t (g/s)² for constant g", "7.2.14", id="noise_integral"),
    Step(sp.exp(-2 * _kappa * T) * _g ** 2 * (sp.exp(2 * _kappa * T) - 1) / _kappa,
         _ou_variance_g,
         "Var x = s² σ² (7.2.13) is the OU variance σ²(1 - e^{-2κt})/(2κ) (Mallat 6.3.5) with "
         "σ = √2 g (noise <gη gη> = 2g²δ)", "7.2.13", id="variance_as_ou"),
    Step(2 * sp.Integral(_g ** 2, (TAU, 0, T)), 2 * _g ** 2 * T,
         "f = 0: s = 1 and σ(t)² = 2g²t; g = 1 is Brownian motion with <η η> = 2δ (cf. 7.2.5)",
         "7.2.14", id="brownian_limit"),
    # --- 7.2.13 for a time-dependent schedule: mean and variance solve the moment equations
    Step(held_derivative(A * _s, T), _f.subs(TAU, T) * A * _s,
         "the mean a s(t) solves d⟨x⟩/dt = f(t)⟨x⟩ (7.2.12 averaged, ⟨η⟩ = 0), with "
         "f(t) = -b/(1 + t)", "7.2.13", id="schedule_mean_ode"),
    Step(held_derivative(_s ** 2 * _sigma2, T) - 2 * _f.subs(TAU, T) * _s ** 2 * _sigma2,
         2 * _gt.subs(TAU, T) ** 2,
         "the variance s²σ² solves dVar/dt = 2f Var + 2g² (Itô for x², ⟨gη gη⟩ = 2g²δ), with "
         "f(t) = -b/(1 + t), g(t) = c√(1 + t) and σ² = 2∫_0^t (g/s)² (7.2.14)", "7.2.13",
         id="schedule_variance_ode"),
    Step(sp.Subs(_s ** 2 * _sigma2, T, 0), sp.S.Zero,
         "… and it starts at 0: x(t=0) = a", "7.2.13", id="schedule_variance_initial"),
    # --- 7.3.28: the law of x(t) given a, coordinate by coordinate (7.3.27)
    Step(2 * sp.Integral(normal_pdf(X, 0, _S ** 2 * _Sg ** 2), (X, 0, sp.oo)), sp.S.One,
         "7.3.28: given a, x(t) = a s + s σ z is N(a s, s²σ²), whose density "
         "e^{-(x - as)²/(2s²σ²)}/√(2π s²σ²) integrates to 1 (shifted to the mean, even)",
         "7.3.28", id="schedule_kernel_normalised"),
    # --- 7.3.29: its score
    Step(held_derivative(sp.log(_p_t), X),
         -X / (_S ** 2 * _Sg ** 2) + _S / (_S ** 2 * _Sg ** 2) * _mean_a,
         "score of p_t(x) = ∫ da p_0(a) N(x; a s, s²σ²): differentiate under the integral, "
         "-(x - a s)/(s²σ²), and average over p(a|x, t) ∝ p_0(a) e^{-(x - as)²/(2s²σ²)}",
         "7.3.29", id="schedule_score"),
)

_finite = dict(allow_nan=False, allow_infinity=False)
_CLAIMS = (
    Claim("schedule_variance_euler_maruyama", "mean", _ou_variance_g,
          diffusion.schedule_square_sample,
          ({"kappa": 1.0, "g": 0.5, "t": 0.7, "steps": 50},
           {"kappa": 0.4, "g": 1.2, "t": 2.0, "steps": 50}),
          st.floats(0.25, 2.0, **_finite).flatmap(lambda k: st.fixed_dictionaries(
              {"kappa": st.just(k), "g": st.floats(0.1, 1.5, **_finite),
               "t": st.floats(0.05 / k, 2.0 / k, **_finite), "steps": st.just(50)})),
          equation="7.2.13",
          simulates="Euler–Maruyama of 7.2.12 with f = −κ, constant g (dx = −κx dt + √2 g dW), "
                    "h = t/50, from a; the sample is (x(t) − x̄(t))², x̄ the noiseless run",
          rel_bias=diffusion.schedule_variance_rel_bias,
          bias_note="Euler–Maruyama step bias from the chain's geometric sums "
                    "(numerics.sde.ou_em_variance_rel_bias)",
          control_note=SQUARE_CONTROL_NOTE),
)

DERIVATION = Derivation(
    id="mezard.general_schedule",
    title="Linear noising with a general schedule: x = a s + s σ z, its density and score",
    lecture=LECTURE,
    section="7.2.4 General time and variance; 7.3.6 More general time + variance",
    equations=("7.2.12", "7.2.13", "7.2.14", "7.3.27", "7.3.28", "7.3.29"),
    definitions=("7.2.12", "7.3.27"),
    steps=_STEPS,
    claims=_CLAIMS,
    functions=(gaussian_mixtures(P0),),
    notation=CHAPTER.merge(Notation(
        {"x_i": sp.Function("x_i")(T)},
        {"x": sp.Function("x"), r"\eta": sp.Function("eta"), "f": sp.Function("f"), "g": sp.Function("g"),
         "s": sp.Function("s"), r"\sigma": sp.Function("sigma"), "z": sp.Function("z"),
         "f_i": sp.Function("f_i"), "g_i": sp.Function("g_i"), r"\eta_i": sp.Function("eta_i"),
         "p_0": P0, r"\varphi": sp.Function("varphi"),
         "p_t": sp.Lambda(_u, _p_t.subs(X, _u))})),
    printed_in_notes=(
        Quote("7.2.12", line=1131, latex=r"\frac{dx}{dt} = f(t)x(t) + g(t)\eta(t)",
              unchecked={0: "the linear Langevin equation, a definition"}),
        Quote("7.2.13", line=1135, latex=r"x(t) = as(t) + s(t)\sigma(t)z(t)",
              unchecked={0: "an equality in law (z a standard Gaussian): the steps check its "
                            "mean and variance"}),
        Quote("7.3.27", line=1269, latex=r"\frac{dx_i}{dt} = f_i(t)x_i + g_i(t)\eta_i(t)",
              unchecked={0: "the noising dynamics per coordinate, a definition"}),
        Quote("7.3.28", line=1273, latex=r"p_t(x) = p_0(a) \frac{e^{-(x-as(t))^2/2s(t)^2\sigma(t)^2}}{\sqrt{2\pi s(t)\sigma(t)}}",
              notation=Notation({}, {
                  "p_t": sp.Lambda(_u, P0(A) * _kernel.subs(X, _u)),
                  "s": sp.Lambda(_u, _S), r"\sigma": sp.Lambda(_u, _Sg)}),
              note="p_t(x) read as the joint density p_0(a) N(x; a s, s²σ²) at time t (the "
                   "notes leave out ∫da), with s = s(t), σ = σ(t) the positive numbers of 7.2.14"),
        Quote("7.3.29", line=1275, latex=r"\implies \varphi(x, t) = \nabla \log p_t(x) = -\frac{x}{s(t)^2\sigma(t)^2} + \frac{s(t)}{s(t)^2\sigma(t)^2} \langle a \rangle_{x,t}",
              notation=Notation({}, {"s": sp.Lambda(_u, _S), r"\sigma": sp.Lambda(_u, _Sg)}),
              unchecked={0: "defines φ, the score"}),
    ),
    not_quotable={
        "7.2.14": "a system in cases after \\text{s.t.}: the reader stops at its '=' (steps "
                  "integrating_factor, noise_integral check both lines)",
    },
)
