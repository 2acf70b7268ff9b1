"""The free energy of an energy-based model with a latent: the trial free energy 𝓛(q) of 5.2.3,
its Gibbs minimiser, and its zero-temperature end, the minimiser of F(y) = min_z E(y, z) (LeCun
5.2.1–5.2.4).

Checked on the lecture's own example, the linear decoder: E(y, z) = C(y, Dec(z)) with
C(a, b) = (a − b)² and Dec(z) = w z (5.2.1), one latent coordinate, the prior q(z) = N(0, 1) of
5.2.3, and Gaussian trial laws q(z|y) = N(μ, s²).
"""
from __future__ import annotations

import sympy as sp
from derivations.model.strategies import st

from numerics.samplers import energy

from ...latex import Notation
from ...model import Claim, Derivation, Printed, Quote, Step
from ...symbolic.held import held_derivative
from .notation import CHAPTER
from .symbols import BETA, LECTURE, W, Y, Z, normal_density

MU = sp.Symbol("mu", real=True)               # the trial law's mean μ
S = sp.Symbol("s", positive=True)             # the trial law's standard deviation s
_line = (Z, -sp.oo, sp.oo)
_u = sp.Symbol("u", real=True)                # a standard normal variable
_line_u = (_u, -sp.oo, sp.oo)
_m = sp.Symbol("m", real=True)                # a Gaussian's mean and variance
_v = sp.Symbol("v", positive=True)

_energy = (Y - W * Z) ** 2                    # 5.2.1: C(y, Dec(z)) = ‖y − w z‖²
_prior = normal_density(Z, 0, 1)              # q(z) in 5.2.3
_trial = normal_density(Z, MU, S ** 2)        # q(z|y), a Gaussian trial law
_boltzmann = _prior * sp.exp(-BETA * _energy)  # q(z) e^{-β E}, before normalisation

# the closed forms the steps establish
_precision = 1 + 2 * BETA * W ** 2
partition_function = sp.exp(-BETA * Y ** 2 / _precision) / sp.sqrt(_precision)   # Z
posterior_mean = 2 * BETA * W * Y / _precision
posterior_variance = 1 / _precision
trial_energy = (Y - W * MU) ** 2 + W ** 2 * S ** 2                              # ∫ q E
trial_entropy = (S ** 2 + MU ** 2 - 1 - sp.log(S ** 2)) / 2                       # ∫ q log(q/p)
trial_free_energy = trial_energy + trial_entropy / BETA                           # 𝓛(q), 5.2.3
free_energy = -sp.log(partition_function) / BETA                                  # F = −β⁻¹ log Z


def _kl_gaussians(mean, variance):
    """KL(N(μ, s²) ‖ N(mean, variance)) as the step kl_gaussians establishes it."""
    return (S ** 2 / variance + (MU - mean) ** 2 / variance - 1 - sp.log(S ** 2 / variance)) / 2


def _at(expr, mean, variance):
    """``expr`` at the trial law q = N(mean, variance)."""
    return expr.subs({MU: mean, S: sp.sqrt(variance)}, simultaneous=True)


_STEPS = (
    # --- 5.2.3: the two terms of the trial free energy for q(z|y) = N(μ, s²)
    Step(sp.Integral(sp.expand(normal_density(_u, 0, 1) * _energy.subs(Z, MU + S * _u)), _line_u),
         trial_energy,
         "the energy term of 5.2.3: E_q[(y − wz)²] = (y − wμ)² + w²s² for z = μ + su ~ N(μ, s²), "
         "u ~ N(0, 1)", "5.2.3", id="trial_energy"),
    Step(sp.Integral(_trial * sp.log(_trial / _prior), _line), trial_entropy,
         "the information term of 5.2.3: KL(N(μ, s²) ‖ N(0, 1)) = ½(s² + μ² − 1 − log s²)",
         "5.2.3", id="trial_relative_entropy"),
    # --- 5.2.4: the partition function and the Gibbs minimiser q(z) e^{-βE}/Z
    Step(sp.Integral(_boltzmann, _line), partition_function,
         "Z = ∫ q(z) e^{-β(y − wz)²} dz: a Gaussian integral, precision 1 + 2βw²", "5.2.4",
         id="partition_function"),
    Step(sp.log(_boltzmann / partition_function),
         sp.log(normal_density(Z, posterior_mean, posterior_variance)),
         "the minimiser q(z) e^{-βE}/Z is the Gaussian N(2βwy/(1 + 2βw²), 1/(1 + 2βw²)): "
         "its log-density completes the square in z", "5.2.4", id="gibbs_posterior"),
    Step(sp.Integral(_trial * sp.log(_trial / normal_density(Z, _m, _v)), _line),
         _kl_gaussians(_m, _v),
         "KL(N(μ, s²) ‖ N(m, v)) = ½(s²/v + (μ − m)²/v − 1 − log(s²/v))", "5.2.4",
         id="kl_gaussians"),
    Step(trial_free_energy - free_energy, _kl_gaussians(posterior_mean, posterior_variance) / BETA,
         "Gibbs' variational principle: 𝓛(q) = F + β⁻¹ KL(q ‖ q(z)e^{-βE}/Z) with "
         "F = −β⁻¹ log Z (kl_gaussians at the Gaussian minimiser of gibbs_posterior), so 𝓛 is "
         "smallest, = F, exactly at q = q(z)e^{-βE}/Z (KL ≥ 0)", "5.2.4", id="variational_gap"),
    Step(_at(trial_free_energy, posterior_mean, posterior_variance), free_energy,
         "at the minimiser the trial free energy is the free energy F = −β⁻¹ log Z", "5.2.4",
         printed=Printed(lhs=_at(trial_free_energy, Y / W, 1 / (2 * BETA * W ** 2)),
                         note="the notes print argmin_q 𝓛 = e^{-βE_w(y, z)}/Z, without the prior "
                              "q(z) that 5.2.3 divides by; normalised, that law is N(y/w, "
                              "1/(2βw²)), and 𝓛 there exceeds F by β⁻¹ KL(q ‖ q(z)e^{-βE}/Z) "
                              "> 0 (the minimiser is q(z)e^{-βE}/Z; they agree only for a flat "
                              "prior)"),
         id="free_energy_minimum"),
    Step(_at(held_derivative(trial_free_energy, MU), posterior_mean, posterior_variance), sp.S.Zero,
         "the minimiser is a stationary point of 𝓛 in the trial mean μ …", "5.2.4",
         id="stationary_mean"),
    Step(_at(held_derivative(trial_free_energy, S), posterior_mean, posterior_variance), sp.S.Zero,
         "… and in the trial standard deviation s", "5.2.4", id="stationary_width"),
    # --- 5.2.2: F(y) = min_z E(y, z), the zero-temperature end of 5.2.4
    Step(sp.Limit(posterior_mean, BETA, sp.oo), Y / W,
         "β → ∞: the Gibbs minimiser concentrates on argmin_z E(y, z) = y/w, the minimiser "
         "of 5.2.2 (its variance 1/(1 + 2βw²) vanishes)", "5.2.2", id="zero_temperature_limit"),
)

_finite = dict(allow_nan=False, allow_infinity=False)
_decoder = dict(y=st.floats(-1.5, 1.5, **_finite), w=st.floats(0.3, 1.5, **_finite),
                beta=st.floats(0.2, 1.0, **_finite))
_CLAIMS = (
    Claim("partition_function_prior_draws", "probability", partition_function,
          energy.prior_draw_accepted,
          ({"y": 0.5, "w": 1.0, "beta": 0.5}, {"y": -1.0, "w": 0.6, "beta": 1.0}),
          st.fixed_dictionaries(_decoder),
          equation="5.2.4",
          simulates="latents z ~ N(0, 1) drawn from the prior q(z) of 5.2.3, the energy of the "
                    "linear decoder E = (y − wz)² (5.2.1); each draw accepted with probability "
                    "e^{−βE} (an Exp(1) draw above βE); the sample is whether it was accepted",
          invalid_cases=(({"y": 0.5, "w": 0.0, "beta": 0.5}, "w > 0"),
                         ({"y": 0.5, "w": 1.0, "beta": -1.0}, "beta > 0"))),
    Claim("trial_free_energy_draws", "mean", trial_free_energy,
          energy.trial_free_energy_sample,
          ({"y": 0.5, "w": 1.0, "beta": 0.5, "mu": 0.2, "s": 0.8},
           {"y": -1.0, "w": 0.6, "beta": 1.0, "mu": -0.5, "s": 1.2}),
          st.fixed_dictionaries(dict(_decoder, mu=st.floats(-1.0, 1.0, **_finite),
                                     s=st.floats(0.5, 1.5, **_finite))),
          equation="5.2.3",
          simulates="latents z ~ q = N(μ, s²) drawn from the trial law; the sample is the "
                    "integrand of 5.2.3, E(y, z) + β⁻¹ log(q(z)/p(z)) with p = N(0, 1) the prior",
          invalid_cases=(({"y": 0.5, "w": 1.0, "beta": 0.5, "mu": 0.2, "s": 0.0}, "s > 0"),)),
)


def _q(z, *given):
    """The notes' q: q(z|y) the trial law N(μ, s²), q(z) the prior N(0, 1) (5.2.3); the
    reader passes the condition as ``Given(y)``."""
    return _trial.subs(Z, z) if given else _prior.subs(Z, z)


def _trial_free_energy(q, y, w):
    """The notes' 𝓛(q, y, w): the trial free energy at q = N(μ, s²), as the steps establish it."""
    return trial_free_energy.subs({Y: y, W: w}, simultaneous=True)


_p, _r, _a, _b = sp.symbols("p r a b", real=True)

DERIVATION = Derivation(
    id="lecun.free_energy",
    title="Free energy of a latent-variable energy model: Gibbs minimiser and zero temperature",
    lecture=LECTURE,
    section="5.2 Jun 6th (linear decoder, free energy, the loss 5.2.3)",
    equations=("5.2.1", "5.2.2", "5.2.3", "5.2.4"),
    definitions=("5.2.1", "5.2.3"),
    steps=_STEPS,
    claims=_CLAIMS,
    notation=CHAPTER.merge(Notation(
        {"w": W, "Z": partition_function},
        {"q": _q, r"\mathcal{L}": _trial_free_energy,
         "E": sp.Lambda((_p, _r), _energy.subs({Y: _p, Z: _r}, simultaneous=True)),
         "C": sp.Lambda((_a, _b), (_a - _b) ** 2), r"\text{Dec}": sp.Lambda(_p, W * _p),
         "F": sp.Lambda(_p, free_energy.subs(Y, _p))},
        families={"E": sp.Lambda((_a, _p, _r), _energy.subs({W: _a, Y: _p, Z: _r},
                                                              simultaneous=True))})),
    printed_in_notes=(
        Quote("5.2.1", line=497, latex=r"E(y, z) = C(y, \text{Dec}(z))",
              unchecked={0: "the definition of the energy: C(a, b) = ‖a − b‖², Dec(z) = wz (one latent)"}),
        Quote("5.2.2", line=501, latex=r"F(y) = \min_z E(y, z)",
              unchecked={0: "a minimum over the latent, an optimisation: the step "
                            "zero_temperature_limit checks its minimiser y/w as the β → ∞ "
                            "limit of the Gibbs minimiser's mean"}),
        Quote("5.2.3", line=509,
              latex=r"\mathcal{L}(q, y, w) = \int_z q(z|y) E_w(y, z) + \frac{1}{\beta} \int_z "
                    r"q(z|y) \log \frac{q(z|y)}{q(z)}",
              note="𝓛(q, y, w) read as the trial free energy at q(z|y) = N(μ, s²) the steps "
                   "establish (trial_energy, trial_relative_entropy); q(z) the prior N(0, 1), "
                   "E_w the linear decoder's energy (y − wz)²"),
        Quote("5.2.4", line=511, latex=r"\operatorname{argmin}_q \mathcal{L} = \frac{e^{-\beta E_w(y, z)}}{Z}",
              unchecked={0: "an argmin over densities, not an identity between values: the "
                            "steps variational_gap and free_energy_minimum check the "
                            "minimiser (the printed one hand-typed there)"}),
    ),
    not_quotable={},
)
