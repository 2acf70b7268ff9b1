"""Noisy threshold dynamics: P[σ = ±1] = g(±φ/T) and the T → 0 limit (1.2.4, 1.2.6)."""
from __future__ import annotations

import sympy as sp
from derivations.model.strategies import st

from numerics.samplers import hopfield

from ...latex import Notation
from ...model import Claim, Derivation, Quote, Step
from .notation import CHAPTER
from .symbols import (LECTURE, SIGNAL)

z, x = sp.symbols("z x", real=True)
T = sp.Symbol("T", positive=True)
phi = sp.Symbol("phi", positive=True)      # a positive local field
NOISE_DENSITY = (1 - sp.tanh(z) ** 2) / 2   # p_Z, symmetric (Hypothesis 1)
NOISE_CDF = (1 + sp.tanh(z)) / 2            # g_Z (1.2.6)
FLIP_K1 = NOISE_CDF.subs(z, -SIGNAL / T)    # P[σ_i ≠ ξ_i] after one step from ξ, K = 1

DERIVATION = Derivation(
    id="agliari.glauber_noise",
    title="Noisy threshold dynamics: P[σ = ±1] = g(±φ/T), and the T → 0 limit",
    lecture=LECTURE,
    section="1.2 A model for neurons (Definition 2)",
    equations=("1.2.4", "1.2.6"),
    definitions=("1.2.4",),
    steps=(
        Step(sp.Derivative(NOISE_CDF, z), NOISE_DENSITY,
             "1.2.6 with p_Z(z) = ½(1 - tanh² z): g_Z' = p_Z ...", "1.2.6", id="noise_cdf_density"),
        Step(sp.Limit(NOISE_CDF, z, -sp.oo), 0,
             "... and g_Z(-∞) = 0, so g_Z(z) = ∫_{-∞}^z p_Z(u) du = ½(1 + tanh z)", "1.2.6", id="noise_cdf_limit"),
        Step(sp.Subs(NOISE_DENSITY, z, -z), NOISE_DENSITY, "p_Z is symmetric (Hypothesis 1)", id="noise_symmetric"),
        Step(1 - sp.Subs(NOISE_CDF, z, -x), sp.Subs(NOISE_CDF, z, x),
             "P[σ = +1] = P[φ + T z > 0] = P[z > -φ/T] = 1 - g(-φ/T) = g(φ/T) by the symmetry, "
             "with x = φ/T (1.2.4)", id="update_probability"),
        Step(sp.Limit(NOISE_CDF.subs(z, phi / T), T, 0, "+"), 1,
             "β = 1/T → ∞ with φ > 0: P[σ = +1] → 1, the noiseless update sgn(φ) (1.3.1); "
             "for φ < 0 the same limit gives 0 by the symmetry", id="zero_temperature_limit"),
        Step(1 - sp.Subs(NOISE_CDF, z, SIGNAL / T), FLIP_K1,
             "one parallel step from σ = ξ with K = 1: ξ_i φ_i = (N-1)/N exactly (1.3.4 with no "
             "crosstalk), so P[σ_i ≠ ξ_i] = 1 - g((N-1)/(N T)) = g(-(N-1)/(N T))", id="flip_probability_k1"),
    ),
    claims=(
        Claim("flip probability at temperature T, K = 1", "mean", FLIP_K1,
              hopfield.glauber_error_fraction,
              cases=({"N": 10, "K": 1, "T": 1.0}, {"N": 40, "K": 1, "T": 0.6}),
              strategy=st.fixed_dictionaries({"N": st.integers(2, 100), "K": st.just(1),
                                              "T": st.floats(0.3, 5.0)}),
              equation="1.2.6", max_samples=400_000,
              simulates="one parallel noisy update σ_i = sgn(φ_i + T z_i) of a K = 1 Hebbian "
                        "network started in its pattern, z logistic (½ log(E1/E2)); the sample is "
                        "the fraction of flipped neurons"),
    ),
    # the lecture's noise law (Hypothesis 1): p_Z and its distribution function g_Z
    notation=CHAPTER.merge(Notation({}, {"g_Z": sp.Lambda(z, NOISE_CDF),
                                         "p_Z": sp.Lambda(z, NOISE_DENSITY)})),
    printed_in_notes=(
        Quote("1.2.6", line=133, latex=r"g_Z(z) \equiv \int_{-\infty}^z p_Z(u) du = \mathbb{P}[Z < z]",
              note="g_Z and p_Z read as the noise law of the checks, p_Z(z) = ½(1 - tanh² z)"),
    ),
)
# ==== end section ====
