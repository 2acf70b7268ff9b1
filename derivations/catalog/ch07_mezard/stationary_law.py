"""The stationary law of the Langevin dynamics: Fokker–Planck, p_st ∝ e^{-V}, and the white-noise
end of the forward process (Mézard 7.2.6–7.2.8, 7.2.10, 7.3.9–7.3.11)."""
from __future__ import annotations

import sympy as sp
from derivations.model.strategies import st

from numerics.samplers import diffusion

from ...latex import Notation
from ...model import Claim, Derivation, Printed, Quote, Step
from ...symbolic.held import held_derivative
from .notation import CHAPTER, FOKKER_PLANCK
from .symbols import DELTA, DIM, LECTURE, SQUARE_CONTROL_NOTE, T, X, ou_kernel

# a confining potential with free coefficients stands for V (7.2.7–7.2.8): V = c₄x⁴ + c₂x² + c₁x
_c4 = sp.Symbol("c_4", positive=True)
_c2, _c1 = sp.symbols("c_2 c_1", real=True)
_Z = sp.Symbol("Z", positive=True)                 # the normalisation of e^{-V}
_V = _c4 * X ** 4 + _c2 * X ** 2 + _c1 * X
_dV = sp.diff(_V, X)
_p_V = sp.exp(-_V) / _Z                            # 7.2.8
p_stationary = sp.exp(-X ** 2 / 2) / sp.sqrt(2 * sp.pi)   # 7.2.10, one coordinate
_half_line = (X, 0, sp.oo)  # ∫_R of an even function = 2 ∫_0^∞ (its mutants stay convergent)
_u = sp.Dummy("u", real=True)

_unit_variance = sp.Limit(DELTA, T, sp.oo)          # Δ_∞, the variance of p_st

_STEPS = (
    # --- 7.2.6 → 7.2.7: a force deriving from a potential, F = -∇V
    Step(-held_derivative(-_dV * _p_V, X), held_derivative(_p_V * _dV, X),
         "7.2.6 with F = -∇V: the drift term -∇·(F p) is ∇·(p ∇V), as in 7.2.7", "7.2.7",
         id="force_from_potential"),
    # --- 7.2.8: e^{-V}/Z is stationary
    Step(held_derivative(_p_V, X, 2) + held_derivative(_p_V * _dV, X), sp.S.Zero,
         "7.2.7 at p = e^{-V}/Z (7.2.8): ∇p = -p ∇V, so Δp + ∇·(p∇V) = ∇·(∇p + p∇V) = 0 "
         "(one coordinate, V = c₄x⁴ + c₂x² + c₁x)", "7.2.8", id="boltzmann_stationary"),
    # --- 7.2.10: V = |x|²/2
    Step((2 * sp.Integral(p_stationary, _half_line)) ** DIM, sp.S.One,
         "a probability density on R^d integrates to 1: p_st(x) = (2π)^{-d/2} e^{-|x|²/2} "
         "(7.2.8 with V = |x|²/2, Z = (2π)^{d/2}); the integral factorises over coordinates "
         "and each even factor is twice its integral over [0, ∞)", "7.2.10",
         printed=Printed(lhs=(2 * sp.Integral(sp.exp(-X ** 2 / 2), _half_line)) ** DIM,
                         note="the notes print p_st(x) = e^{-|x|²/2} without the normalisation "
                              "1/Z = (2π)^{-d/2}; its integral over R^d is (2π)^{d/2}, not 1"),
         id="stationary_normalised"),
    Step(held_derivative(X * p_stationary, X) + held_derivative(p_stationary, X, 2), sp.S.Zero,
         "stationary Fokker–Planck equation (7.2.6–7.2.7 with F = -x): ∂_x(x p) + ∂²_x p = 0",
         "7.2.10", id="stationary_fokker_planck"),
    Step(2 * sp.Integral(X ** 2 * p_stationary, _half_line), _unit_variance,
         "x(t) relaxes to unit variance, the variance of p_st: ∫ x² p_st = 1 = Δ_∞", "7.2.10",
         id="stationary_unit_variance"),
    # --- 7.3.9–7.3.11: the end of the forward process, t_f ≫ 1
    Step(sp.Limit(ou_kernel(), T, sp.oo), p_stationary,
         "t_f ≫ 1: the forward kernel N(x; a e^{-t}, Δ_t) forgets a and tends to "
         "e^{-x²/2}/Z with Z = √(2π)", "7.3.9", id="forward_end_law"),
    Step(sp.log(p_stationary), -X ** 2 / 2 - sp.log(2 * sp.pi) / 2,
         "log p = -x²/2 + C with C = -log Z = -½ log 2π", "7.3.10", id="log_density"),
    Step(held_derivative(sp.log(p_stationary), X), -X,
         "∇ log p = -x: the score of the stationary Gaussian", "7.3.11", id="stationary_score"),
)

_finite = dict(allow_nan=False, allow_infinity=False)
_CLAIMS = (
    Claim("stationary_variance_euler_maruyama", "mean", _unit_variance,
          diffusion.forward_square_sample,
          ({"t": 3.0, "steps": 40}, {"t": 4.0, "steps": 60}),
          st.fixed_dictionaries({"t": st.floats(3.0, 5.0, **_finite), "steps": st.just(60)}),
          equation="7.2.10",
          simulates="Euler–Maruyama of ẋ = −x + η (dx = −x dt + √2 dW), h = t/steps, run to "
                    "t ≥ 3; the sample is (x(t) − x̄(t))², x̄ the noiseless run",
          rel_bias=diffusion.forward_stationary_rel_bias,
          bias_note="Euler–Maruyama step bias (geometric sums) and the finite-time factor "
                    "1 − e^{−2t}, as a signed relative interval (numerics.sde, κ = 1)",
          control_note=SQUARE_CONTROL_NOTE),
)

_FP = ("the Fokker–Planck operators Δ and ∇· without a variable: the steps check them in one "
       "coordinate")

DERIVATION = Derivation(
    id="mezard.stationary_law",
    title="Fokker–Planck stationarity: p_st ∝ e^{-V}, and white noise at the end of the forward process",
    lecture=LECTURE,
    section="7.2.2 Fokker–Planck; 7.2.3 Ornstein–Uhlenbeck; 7.3.2 Backwards process (t_f ≫ 1)",
    equations=("7.2.6", "7.2.7", "7.2.8", "7.2.10", "7.3.9", "7.3.10", "7.3.11"),
    definitions=("7.2.6",),
    steps=_STEPS,
    claims=_CLAIMS,
    notation=CHAPTER.merge(FOKKER_PLANCK).merge(Notation(
        {"p_t": sp.Function("p")(T, X), "F": sp.Function("F")(X), "p": sp.Function("p")(X),
         "Z": _Z, "x'": sp.Symbol("x'", real=True)},
        {r"p_{\text{stationary}}": sp.Lambda(_u, _p_V.subs(X, _u)), "V": sp.Lambda(_u, _V.subs(X, _u)),
         # the stationary density of 7.2.8 with V = |x|²/2, one coordinate (d = 1)
         "p_{st}": sp.Lambda(_u, p_stationary.subs(X, _u)),
         r"p_{t_f}^F": sp.Function("p_F")})),
    printed_in_notes=(
        Quote("7.2.6", line=1097, latex=r"\frac{\partial p_t}{\partial t} = \Delta p_t - \nabla \cdot (F p_t)",
              unchecked={0: "the Fokker–Planck equation of 7.2.1, a definition"}),
        Quote("7.2.7", line=1101, latex=r"\Delta p_t + \nabla \cdot (p \nabla V) = 0",
              unchecked={0: "the stationarity condition on an unspecified density p and potential "
                            "V, an equation rather than an identity; steps force_from_potential "
                            "and boltzmann_stationary check it at p = e^{-V}/Z"}),
        Quote("7.2.8", line=1103, latex=r"p_{\text{stationary}}(x') = \frac{1}{Z} e^{-V(x)}",
              note="p_stationary read as e^{-V}/Z with V = c₄x⁴ + c₂x² + c₁x (one coordinate); "
                   "the notes print the argument x' on the left and x on the right"),
        Quote("7.2.10", line=1115, latex=r"p_{st}(x) = e^{-|x|^2/2}",
              note="p_st read as the stationary density e^{-V}/Z of 7.2.8 (V = |x|²/2), in one "
                   "coordinate: the notes omit 1/Z = (2π)^{-d/2}"),
        Quote("7.3.9", line=1183, latex=r"p_{t_f}^F(x) = \frac{e^{-x^2/2}}{Z}",
              unchecked={0: "'in the case t_f ≫ 1': the limit t_f → ∞, checked by the step "
                            "forward_end_law"}),
        Quote("7.3.10", line=1185, latex=r"\log p = -\frac{x^2}{2} + C",
              notation=Notation({"p": p_stationary, "C": -sp.log(2 * sp.pi) / 2}),
              note="p read as the density of 7.3.9, e^{-x²/2}/Z with Z = √(2π); C = -log Z"),
        Quote("7.3.11", line=1187, latex=r"\nabla \log p = -x",
              notation=Notation({"p": p_stationary})),
    ),
    not_quotable={},
)
