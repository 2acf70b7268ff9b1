"""Oracle projection: keep or kill each coefficient (Mallat 6.4.10–6.4.12) and the compression
error it leads to (6.4.16–6.4.17).

Per coefficient x_k = ⟨x, ψ_k⟩ with y_k = x_k + σz, z ~ N(0, 1): the risk of λ_k y_k is
(λ_k − 1)²x_k² + λ_k²σ², which is the printed (λ_k − 1)²x_k² + λ_kσ² for λ_k ∈ {0, 1}; the
oracle λ_k = 1[|x_k| ≥ σ] attains min(x_k², σ²), within a factor 2 of the Wiener (oracle
attenuation) error σ²x_k²/(x_k² + σ²) of 6.4.9.
"""
from __future__ import annotations

import sympy as sp
from derivations.model.strategies import st

from numerics.samplers import denoising

from ...latex import Notation
from ...model import Claim, Derivation, Printed, Quote, Step
from .notation import CHAPTER, SIGMA

COEF = sp.Symbol("x_k", real=True)            # x_k = ⟨x, ψ_k⟩
GAIN = sp.Symbol("lambda_k", real=True)       # λ_k, the gain on y_k
NOISE = sp.Symbol("z", real=True)             # z ~ N(0, 1)
EXCESS = sp.Symbol("delta_k", nonnegative=True)   # kept: x_k² = σ²(1 + δ_k)
SHORTFALL = sp.Symbol("eta_k", positive=True)     # killed: x_k² = σ²/(1 + η_k)
SIGNAL = sp.symbols("x1:5", real=True)        # a signal's d = 4 coefficients (Monte Carlo)
INDEX = sp.Symbol("k", integer=True)
# 6.4.17 on d = 3 coefficients: two above the threshold σ, one below it
EXCESSES = sp.symbols("g1:3", nonnegative=True)
BELOW = sp.Symbol("q", positive=True)

_density = sp.exp(-NOISE ** 2 / 2) / sp.sqrt(2 * sp.pi)     # N(0, 1)


def risk(gain, coef):
    """(λ − 1)²x² + λσ²: the risk of λy for λ ∈ {0, 1} (6.4.11 as printed)."""
    return (gain - 1) ** 2 * coef ** 2 + gain * SIGMA ** 2


def oracle(coef):
    """6.4.10: λ = 1 if |x| ≥ σ (written x² ≥ σ²), else 0."""
    return sp.Piecewise((1, sp.Le(SIGMA ** 2, coef ** 2)), (0, True))


def smaller(a, b):
    """min(a, b) as SymPy's Min, read as its case split (Piecewise)."""
    return sp.Min(a, b).rewrite(sp.Piecewise)


def wiener_risk(power):
    """σ²|x_k|²/(|x_k|² + σ²) (6.4.9) for |x_k|² = ``power``."""
    return SIGMA ** 2 * power / (power + SIGMA ** 2)


gaussian_risk = (GAIN - 1) ** 2 * COEF ** 2 + GAIN ** 2 * SIGMA ** 2   # any real λ
projection_error = sum(smaller(x ** 2, SIGMA ** 2) for x in SIGNAL)   # ε² at the oracle
wiener_error = sum(wiener_risk(x ** 2) for x in SIGNAL)              # ε_m (6.4.9)
kept_power, killed_power = SIGMA ** 2 * (1 + EXCESS), SIGMA ** 2 / (1 + SHORTFALL)

# 6.4.17's vector: |x_1|, |x_2| ≥ σ, |x_3| < σ
compressed = (SIGMA * sp.sqrt(1 + EXCESSES[0]), -SIGMA * sp.sqrt(1 + EXCESSES[1]),
              SIGMA / sp.sqrt(1 + BELOW))
# |x_k| ≥ σ as |x_k|²/σ² ≥ 1 (SymPy decides it for these coefficients)
kept_count = sum(sp.Piecewise((1, sp.Ge(c ** 2 / SIGMA ** 2, 1)), (0, True)) for c in compressed)
below_power = sum(sp.Piecewise((c ** 2, sp.Lt(c ** 2 / SIGMA ** 2, 1)), (0, True))
                  for c in compressed)
printed_tail = sum(sp.Piecewise((c ** 2, sp.Gt(sp.Abs(c), SIGMA ** 2)), (0, True))
                   for c in compressed)

_STEPS = (
    Step(sp.Integral((GAIN * (COEF + SIGMA * NOISE) - COEF) ** 2 * _density, (NOISE, -sp.oo, sp.oo)),
         gaussian_risk,
         "E(λ_k y_k − x_k)² with y_k = x_k + σz: ((λ_k − 1)x_k + λ_kσz)², E z = 0, E z² = 1",
         "6.4.11", id="gain_risk"),
    Step(gaussian_risk, risk(GAIN, COEF) + SIGMA ** 2 * GAIN * (GAIN - 1),
         "the printed risk (λ_k − 1)²x_k² + λ_kσ² plus the gap σ²λ_k(λ_k − 1)", "6.4.11",
         id="printed_risk_gap"),
    Step(GAIN ** 2, GAIN, "binary decisions λ_k ∈ {0, 1}: λ_k² = λ_k, so the gap vanishes "
         "(both values checked)", "6.4.11", domain={GAIN: (0, 1)}, id="binary_gain",
         equivalent_mutants={"exponent:lhs@root:*": "λ_k³ = λ_k and λ_k = λ_k hold on {0, 1} "
                                                     "too: every power of a 0/1 gain is the gain"}),
    Step(sp.Subs(risk(GAIN, COEF), GAIN, 0) - sp.Subs(risk(GAIN, COEF), GAIN, 1),
         (sp.Abs(COEF) - SIGMA) * (sp.Abs(COEF) + SIGMA),
         "killing costs x_k², keeping costs σ²: keeping is no worse exactly when |x_k| ≥ σ, "
         "the oracle's rule", "6.4.10", id="oracle_threshold"),
    Step(risk(oracle(COEF), COEF), smaller(COEF ** 2, SIGMA ** 2),
         "at the oracle gain λ_k = 1[|x_k| ≥ σ] the risk is the smaller of x_k² and σ²",
         "6.4.11", id="oracle_risk"),
    Step(sum(risk(oracle(x), x) for x in SIGNAL), projection_error,
         "ε² = Σ_k E(λ_k y_k − x_k)² at the oracle gains: Σ_k min(|⟨x, ψ_k⟩|², σ²) (d = 4)",
         "6.4.11", id="oracle_projection_error"),
    Step(wiener_risk(kept_power), sp.Min(kept_power, SIGMA ** 2),
         "kept coefficient, |x_k|² = σ²(1 + δ_k): ab/(a + b) ≤ min(a, b) with a = |x_k|², b = σ²",
         "6.4.12", relation="<=", id="wiener_below_oracle_kept"),
    Step(sp.Min(kept_power, SIGMA ** 2), 2 * wiener_risk(kept_power),
         "kept coefficient: ½ min(a, b) ≤ ab/(a + b)", "6.4.12", relation="<=",
         id="oracle_below_twice_wiener_kept"),
    Step(wiener_risk(killed_power), sp.Min(killed_power, SIGMA ** 2),
         "killed coefficient, |x_k|² = σ²/(1 + η_k) < σ²: ab/(a + b) ≤ min(a, b)", "6.4.12",
         relation="<=", id="wiener_below_oracle_killed"),
    Step(sp.Min(killed_power, SIGMA ** 2), 2 * wiener_risk(killed_power),
         "killed coefficient: ½ min(a, b) ≤ ab/(a + b); summed over k, ε_m ≤ ε² ≤ 2ε_m",
         "6.4.12", relation="<=", id="oracle_below_twice_wiener_killed"),
    Step(sum(sp.Min(c ** 2, SIGMA ** 2, evaluate=False) for c in compressed),
         kept_count * SIGMA ** 2 + below_power,
         "ε_b = Σ_k min(|⟨x, ψ_k⟩|², σ²) = Mσ² + Σ_{|⟨x,ψ_k⟩| < σ} |⟨x, ψ_k⟩|², "
         "M = #{k : |⟨x, ψ_k⟩| ≥ σ}; here d = 3, two coefficients above σ, one below", "6.4.17",
         printed=Printed(rhs=kept_count * SIGMA + 2 * printed_tail,
                         note="the notes print Mσ + 2Σ_{|⟨x,ψ_k⟩| > σ²} |⟨x,ψ_k⟩|²: each kept "
                              "coefficient costs σ², not σ, and the sum runs once over the "
                              "coefficients below σ (not twice, over those above σ²)"),
         id="compression_error"),
)

_finite = dict(allow_nan=False, allow_infinity=False)
_CASES = ({"x1": 2.0, "x2": -1.5, "x3": 0.4, "x4": 0.1, "sigma": 1.0},
          {"x1": 1.2, "x2": -0.3, "x3": 0.8, "x4": -2.5, "sigma": 0.6})
_CLAIMS = (
    Claim("oracle_projection_error", "mean", projection_error, denoising.oracle_projection_error,
          _CASES,
          # x1 above every σ drawn: at least one coefficient kept (a non-degenerate sample)
          st.fixed_dictionaries({"x1": st.floats(1.0, 3.0, **_finite),
                                 **{f"x{k}": st.floats(-3.0, 3.0, **_finite) for k in (2, 3, 4)},
                                 "sigma": st.floats(0.2, 0.9, **_finite)}),
          equation="6.4.11",
          simulates="a fixed signal with coefficients x_1..x_4 = ⟨x, ψ_k⟩, observations "
                    "y_k = x_k + σz_k (z_k standard normal), the oracle projection λ_k y_k with "
                    "λ_k = 1 iff |x_k| ≥ σ (6.4.10); the sample is ‖λ⊙y − x‖²",
          invalid_cases=(({**_CASES[0], "sigma": 0.0}, "sigma=0.0"),
                         ({"x1": 1.0, "x3": 0.5, "sigma": 1.0}, "x2"),
                         ({**_CASES[0], "x2": float("nan")}, "x2=nan"))),
)

# 6.4.12 as printed: two coefficients above σ, two below (each min(x_k², σ²) decided)
_KEPT_BY = sp.symbols("delta1:3", nonnegative=True)
_KILLED_BY = sp.symbols("eta1:3", positive=True)
_TWO_KEPT = {SIGNAL[0]: SIGMA * sp.sqrt(1 + _KEPT_BY[0]), SIGNAL[1]: -SIGMA * sp.sqrt(1 + _KEPT_BY[1]),
             SIGNAL[2]: SIGMA / sp.sqrt(1 + _KILLED_BY[0]), SIGNAL[3]: -SIGMA / sp.sqrt(1 + _KILLED_BY[1])}

# ⟨x, ψ_k⟩ in the notes: x the 4-vector of SIGNAL, ψ_k the k-th unit vector
_coefficient_k = sum(x * sp.KroneckerDelta(INDEX, j) for j, x in enumerate(SIGNAL, 1))
_NOTATION = CHAPTER.merge(Notation(
    {"x": sp.ImmutableMatrix(SIGNAL), "k": INDEX,
     r"\psi_k": sp.ImmutableMatrix([sp.KroneckerDelta(INDEX, j) for j in range(1, 5)]),
     r"\lambda_k": oracle(_coefficient_k),
     r"\epsilon": sp.sqrt(projection_error), r"\epsilon_m": wiener_error,
     r"\epsilon_b": projection_error, "M": sum(oracle(x) for x in SIGNAL)},
    indices={"k": (1, 4)}))

_QUOTES = (
    Quote("6.4.10", line=913,
          latex=r"\lambda_k = \begin{cases} 1 & |\langle x, \psi_k \rangle| \geq \sigma \\ 0 & |\langle x, \psi_k \rangle| < \sigma \end{cases}",
          unchecked={0: "defines the oracle gain λ_k (step oracle_threshold shows it keeps a "
                        "coefficient exactly when that lowers the risk)"}),
    Quote("6.4.11", line=917,
          latex=r"\epsilon^2 = \sum_k [(\lambda_k - 1)^2 |\langle x, \psi_k \rangle|^2 + \lambda_k \sigma^2]",
          note="λ_k read as the oracle gain of 6.4.10 and ε² as the oracle projection error "
               "Σ_k min(|⟨x, ψ_k⟩|², σ²), on a signal of d = 4 coefficients"),
    Quote("6.4.12", line=921, latex=r"\epsilon_m \leq \epsilon^2 \leq 2\epsilon_m",
          notation=Notation({r"\epsilon": sp.sqrt(sum(sp.Min(v ** 2, SIGMA ** 2)
                                                         for v in _TWO_KEPT.values())),
                             r"\epsilon_m": wiener_error.subs(_TWO_KEPT)}),
          note="ε_m read as the Wiener (oracle attenuation) error Σ_k σ²|⟨x,ψ_k⟩|²/(|⟨x,ψ_k⟩|² "
               "+ σ²) of 6.4.9, ε² as 6.4.11's, on a signal of d = 4 coefficients, two of them "
               "kept (|x_k|² = σ²(1 + δ_k)) and two killed (|x_k|² = σ²/(1 + η_k)), so that each "
               "min is decided"),
    Quote("6.4.16", line=943,
          latex=r"\epsilon_m \sim \epsilon_b = \sum_k \min(|\langle x, \psi_k \rangle|^2, \sigma^2)",
          unchecked={1: "defines ε_b"}),
    Quote("6.4.17", line=945,
          latex=r"= M\sigma + 2 \sum_{|\langle x, \psi_k \rangle| > \sigma^2} |\langle x, \psi_k \rangle|^2",
          unchecked={0: "a sum over the condition |⟨x, ψ_k⟩| > σ² has no SymPy meaning in the "
                        "reader; step compression_error checks the printed form, typed by hand, "
                        "on a vector of d = 3 coefficients"}),
)

DERIVATION = Derivation(
    id="mallat.oracle_denoising",
    title="Oracle projection: keep or kill each coefficient, within a factor 2 of the Wiener error",
    lecture="Mallat",
    section="6.4.1 Optimal Denoising: Binary Basis; 6.4.2 Compression",
    equations=("6.4.10", "6.4.11", "6.4.12", "6.4.16", "6.4.17"),
    definitions=("6.4.16",),
    not_encoded={"6.4.13": "soft-thresholding estimator (definition)",
                 "6.4.14": "soft-thresholding function sth_T (definition)",
                 "6.4.15": "the thresholding risk bound with T = σ√(2 log d) is stated without "
                           "derivation",
                 "6.4.18": "expansion of x in the orthonormal basis ψ_k (definition)",
                 "6.4.19": "definition of the approximation x_M over the index set I_M",
                 "6.4.20": "Parseval over the discarded coefficients k ∉ I_M"},
    steps=_STEPS,
    claims=_CLAIMS,
    notation=_NOTATION,
    printed_in_notes=_QUOTES,
)
