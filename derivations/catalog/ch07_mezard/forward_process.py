"""The forward noising process: ẋ = -x + η started at the datum a (Mézard 7.2.1–7.2.5, 7.2.9,
7.2.11, 7.3.1), its Itô discretisation and its Gaussian law x(t) = a e^{-t} + √Δ_t z."""
from __future__ import annotations

import sympy as sp
from derivations.model.strategies import st

from numerics.samplers import diffusion

from ...latex import Notation
from ...model import Claim, Derivation, Quote, Step
from ...symbolic.held import held_derivative
from .notation import CHAPTER
from .symbols import A, DELTA, LECTURE, SQUARE_CONTROL_NOTE, T, TAU

_dt = sp.Symbol("delta_t", positive=True)         # the Itô time step δt (7.2.3–7.2.4)
_n = sp.Symbol("n", integer=True, positive=True)  # number of Itô steps of length h = t/n
_h = T / _n
_mean = A * sp.exp(-T)                            # deterministic part of 7.2.11
# variance of the Itô chain x_{k+1} = (1 - h) x_k + √(2h) z_k after n steps (geometric sum)
_chain_variance = 2 * _h * (1 - (1 - _h) ** (2 * _n)) / (1 - (1 - _h) ** 2)

_STEPS = (
    # --- 7.2.3–7.2.5: the integral of the noise over one time step
    Step(2 * sp.Integral(1, (TAU, T, T + _dt)), 2 * _dt,
         "⟨y²⟩ = ∫∫_t^{t+δt} ⟨η(τ)η(τ')⟩ dτ dτ' = 2 ∫_t^{t+δt} dτ (⟨ηη⟩ = 2δ): y has variance "
         "2δt, as stated after 7.2.5", "7.2.5", id="noise_increment_variance"),
    Step(sp.Pow(sp.sqrt(2 * _dt), 2, evaluate=False), 2 * _dt,
         "7.2.4: the Gaussian y of 7.2.3 is √(2δt) z_t, z_t a unit Gaussian: same variance 2δt",
         "7.2.4", id="discrete_noise"),
    Step(sp.Limit(_chain_variance, _n, sp.oo), DELTA,
         "the Itô chain of 7.2.4 with F = -x, x_{k+1} = (1 - h) x_k + √(2h) z_k, h = t/n, has "
         "variance 2h Σ_{k<n} (1 - h)^{2k}; as n → ∞ it tends to Δ_t = 1 - e^{-2t} (7.2.11)",
         "7.2.4", id="discretisation_limit"),
    # --- 7.2.11: ẋ = -x + η (7.2.9), x(0) = a
    Step(held_derivative(_mean, T), -_mean,
         "7.2.11: the deterministic part a e^{-t} solves ẋ = -x (7.2.9 without noise)",
         "7.2.11", id="mezard_mean"),
    Step(sp.Limit(_mean, T, 0, "+"), A, "… and starts at x(t=0) = a", "7.2.11", id="mean_initial"),
    Step(2 * sp.Integral(sp.exp(-2 * (T - TAU)), (TAU, 0, T)), DELTA,
         "variance of ∫_0^t e^{-(t-τ)} η(τ) dτ with <η(τ)η(τ')> = 2δ(τ-τ'): Δ_t = 1 - e^{-2t}",
         "7.2.11", id="mezard_variance"),
    Step(held_derivative(DELTA, T) + 2 * DELTA, 2,
         "cross-check: Itô's formula for x² with ẋ = -x + η gives dΔ_t/dt + 2Δ_t = 2, Δ_0 = 0",
         "7.2.11", id="variance_ode"),
    # --- 7.3.1: the forward process in law
    Step(sp.Pow(sp.sqrt(DELTA), 2, evaluate=False) + sp.exp(-2 * T), 1,
         "7.3.1: x(t) = a e^{-t} + √Δ_t z_t — the signal is damped by e^{-t} while the noise "
         "grows: e^{-2t} + Δ_t = 1 (for unit-variance data the variance stays 1)", "7.3.1",
         id="signal_noise_balance"),
    Step(sp.Limit(DELTA, T, sp.oo), 1,
         "t → ∞: Δ_t → 1 and a e^{-t} → 0, the process 'always goes to white noise' (after "
         "7.2.11)", "7.3.1", id="white_noise_limit"),
)

# Monte Carlo: Euler–Maruyama of ẋ = -x + η, i.e. dx = -x dt + √2 dW (7.2.2, 7.2.4), the
# lecture's own Itô discretisation — never the Gaussian law 7.2.11 concludes
_finite = dict(allow_nan=False, allow_infinity=False)
_EM_STEPS = 50
_EM = "Euler–Maruyama of dx = −x dt + √2 dW (7.2.4: δx = −x δt + √(2δt) z) from a, h = t/50"
_EM_NOTE = ("Euler–Maruyama step bias as a signed relative interval from the chain's geometric "
            "sums (numerics.sde.ou_em_*_rel_bias at κ = 1)")
_SQUARE_NOTE = SQUARE_CONTROL_NOTE
_times = st.floats(0.05, 2.0, **_finite)

CLAIMS = (
    Claim("forward_mean_euler_maruyama", "mean", _mean, diffusion.forward_mean_sample,
          ({"a": 1.5, "t": 0.6, "steps": _EM_STEPS}, {"a": -2.0, "t": 1.2, "steps": _EM_STEPS}),
          st.fixed_dictionaries({"a": st.one_of(st.floats(-3.0, -1.0, **_finite),
                                                st.floats(1.0, 3.0, **_finite)),
                                 "t": _times, "steps": st.just(_EM_STEPS)}),
          equation="7.2.11", simulates=_EM + "; the sample is x(t)",
          rel_bias=diffusion.forward_mean_rel_bias, bias_note=_EM_NOTE,
          control_note="control: the Brownian endpoint W_t (known mean 0)"),
    Claim("forward_variance_euler_maruyama", "mean", DELTA, diffusion.forward_square_sample,
          ({"t": 0.3, "steps": _EM_STEPS}, {"t": 1.5, "steps": _EM_STEPS}),
          st.fixed_dictionaries({"t": _times, "steps": st.just(_EM_STEPS)}),
          equation="7.2.11",
          simulates=_EM + "; the sample is (x(t) − x̄(t))², x̄ the chain's noiseless run "
                          "(E (x − x̄)² = Var x(t))",
          rel_bias=diffusion.forward_variance_rel_bias, bias_note=_EM_NOTE,
          control_note=_SQUARE_NOTE),
)

_IN_LAW = ("an equality in law (z a standard Gaussian), not of values: the steps check its "
           "mean and variance")
_WHITE_NOISE = ("η(t) is white noise, with no value at a point: the steps check the law of its "
                "integrals (⟨y⟩ = 0, ⟨y²⟩ = 2δt)")

DERIVATION = Derivation(
    id="mezard.forward_process",
    title="The forward noising process ẋ = -x + η: Itô discretisation and Gaussian law",
    lecture=LECTURE,
    section="7.2.1 Langevin equation; 7.2.3 Ornstein–Uhlenbeck; 7.3.1 Forward process",
    equations=("7.2.1", "7.2.2", "7.2.3", "7.2.4", "7.2.5", "7.2.9", "7.2.11", "7.3.1"),
    definitions=("7.2.1", "7.2.2", "7.2.3", "7.2.9"),
    steps=_STEPS,
    claims=CLAIMS,
    notation=CHAPTER.merge(Notation(
        {r"\delta": sp.Symbol("delta", positive=True), "y": sp.Symbol("y", real=True),
         "z_t": sp.Symbol("z_t", real=True), r"\Delta_t": DELTA,
         r"\dot{x}": sp.Symbol("xdot", real=True)},
        {"x": sp.Function("x"), "F": sp.Function("F"), "f": sp.Function("f"),
         r"\eta": sp.Function("eta"), "W_t": sp.Function("W")})),
    printed_in_notes=(
        Quote("7.2.1", line=1071, latex=r"\frac{dx}{dt} = F(x) + \eta(t)",
              unchecked={0: "the Langevin equation: a definition of the dynamics"}),
        Quote("7.2.3", line=1079, latex=r"x(t + \delta t) = x(t) + \delta t F(x(t)) + \int_t^{t+\delta t} d\tau \eta(\tau)",
              unchecked={0: "the Itô discretisation, a definition; " + _WHITE_NOISE}),
        Quote("7.2.4", line=1083, latex=r"\delta x = \delta t F(x(t)) + \sqrt{2\delta t} z_t",
              unchecked={0: _IN_LAW}),
        Quote("7.2.5", line=1089, latex=r"\langle y \rangle := \int_t^{t+\delta t} \eta(\tau) d\tau",
              unchecked={0: "defines y (the notes write ⟨y⟩ := for y :=); " + _WHITE_NOISE}),
        Quote("7.2.11", line=1119, latex=r"x(t) = ae^{-t} + \int_0^t e^{-(t-\tau)} \eta(\tau) d\tau",
              unchecked={0: _WHITE_NOISE + "; the steps mezard_mean, mezard_variance check "
                            "its mean and variance"}),
        Quote("7.3.1", line=1151, latex=r"\dot{x} = -x + \eta(t) \implies x(t) = ae^{-t} + \sqrt{\Delta_t}z_t",
              unchecked={0: "the OU dynamics (7.2.9), a definition", 1: _IN_LAW}),
    ),
    not_quotable={
        "7.2.2": "dx_t = f(x)dt + √2 dW_t: Itô differentials, a definition (the claims simulate "
                 "it)",
        "7.2.9": "ẋ = F(x) + η ⟹ ẋ = -x + η: the dynamics with V = |x|²/2, a definition",
    },
)
