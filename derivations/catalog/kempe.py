"""Julia Kempe — synthetic data and model collapse (notes chapter 3, eqs. 3.0.1–3.0.23).

References: Beg Rohu 2025 summer school notes, chapter 3 ("Julia Kempe: Synthetic Data"),
§3.0.1 Infinite Memory Model and §3.0.2 Kernel and Regression / Model Collapse; the regression
model is that of Dohmatob, Feng & Kempe, "Model collapse demystified: the case of regression"
(2024).

Notation.  The notes write ``ε²`` in (3.0.22)–(3.0.23) for the label-noise variance they call
``σ²`` in (3.0.10)–(3.0.18); both are ``sigma**2`` here.  Single fit (3.0.11–3.0.18): design
``X`` (``T × d``, printed ``X₀``), noise ``E``, labels ``Y = X w₀ + E``.  Collapse (3.0.21): the
first fit ``(X₀, E₀)`` has ``T₀`` rows and is labelled by ``w₀``; the second ``(X₁, E₁)`` has ``T``
rows and is labelled by ``ŵ₁`` — the notes' ``E^{(2)}`` (two fits) is ``n = 1`` in (3.0.23)'s count.
"""
from __future__ import annotations

import sympy as sp
from hypothesis import strategies as st

from numerics.regression import (collapse_chain_error, memory_test_error, ols_parameter_error,
                                 ols_test_error, random_spd)

from ..model import Claim, Derivation, Matrix, Printed, Step

# ---------------------------------------------------------------- symbols (with assumptions)
d = sp.Symbol("d", integer=True, positive=True)  # number of parameters
T = sp.Symbol("T", integer=True, positive=True)  # samples of the (final) fit
T0 = sp.Symbol("T0", integer=True, positive=True)  # samples of each synthetic generation
n = sp.Symbol("n", integer=True, nonnegative=True)  # generations of synthetic relabelling
k = sp.Symbol("k", integer=True, positive=True)  # generation index
sigma = sp.Symbol("sigma", positive=True)  # label-noise standard deviation (the notes' ε too)
tau, tau0, u = sp.symbols("tau tau0 u", positive=True)  # T = τu, T₀ = τ₀u with u → ∞

X = sp.MatrixSymbol("X", T, d)  # design of the single fit (the notes' X₀)
E = sp.MatrixSymbol("E", T, 1)  # its label noise, E ~ N(0, σ² I_T)
Y = sp.MatrixSymbol("Y", T, 1)
w0 = sp.MatrixSymbol("w_0", d, 1)  # ground truth
w = sp.MatrixSymbol("w", d, 1)  # any candidate weight
w_i = sp.MatrixSymbol("w_i", d, 1)  # a fitted model ŵ_i
Sigma = sp.MatrixSymbol("Sigma", d, d)  # input covariance, x ~ N(0, Σ)
X_0 = sp.MatrixSymbol("X_0", T0, d)  # collapse: first (synthetic-generation) fit
E_0 = sp.MatrixSymbol("E_0", T0, 1)
X_1 = sp.MatrixSymbol("X_1", T, d)  # collapse: second fit, labelled by ŵ₁
E_1 = sp.MatrixSymbol("E_1", T, 1)
w_prev = sp.MatrixSymbol("v", d, 1)  # the previous generation's model w̄_{k-1}

# inverse-Wishart mean E[(XᵀX)⁻¹] = Σ⁻¹/(T − d − 1) is finite only for T > d + 1
VALID_T = (sp.Gt(T, d + 1),)
VALID_T_T0 = (sp.Gt(T, d + 1), sp.Gt(T0, d + 1))


# ---------------------------------------------------------------- the lecture's objects

def ols(design, labels):
    """OLS fit ``ŵ = (XᵀX)⁻¹XᵀY`` (3.0.11)."""
    return (design.T * design).I * design.T * labels


def noise_map(design):
    """``(XᵀX)⁻¹Xᵀ``: how label noise enters the OLS fit, ``ŵ − w₀ = (XᵀX)⁻¹Xᵀ E`` (3.0.13)."""
    return (design.T * design).I * design.T


def sq_norm(v):
    """``‖v‖₂²`` as a scalar."""
    return sp.Trace(v.T * v)


def held(*factors):
    """A matrix product kept as written (``*`` would canonicalise it on construction)."""
    return sp.MatMul(*factors)


def noise_average(A, rows, weight=None):
    """``E_ε (AE)ᵀW(AE)`` for ``E ~ N(0, σ² I)``: ``tr(AᵀWA · E[E Eᵀ])`` with ``E[E Eᵀ] = σ² I``
    (``W = I`` when ``weight`` is None: ``E_ε ‖A E‖²``)."""
    middle = (sp.Transpose(A), A) if weight is None else (sp.Transpose(A), weight, A)
    return sp.Trace(held(*middle, sigma**2 * sp.Identity(rows)))


def input_average(v, covariance):
    """``E_x (xᵀv)²`` for ``x ~ N(0, Σ)``: ``tr(v vᵀ · E[x xᵀ])`` with ``E[x xᵀ] = Σ``."""
    return sp.Trace(v * v.T * covariance)


W_HAT = ols(X, X * w0 + E)  # (3.0.12): the OLS fit on the model's labels
OLS_ERROR = sigma**2 * d / (T - d - 1)  # (3.0.18): the test error of one fit
OLS_PARAMETER_ERROR = sigma**2 * sp.Trace(Sigma.I) / (T - d - 1)  # E‖ŵ − w₀‖² for x ~ N(0, Σ)
COLLAPSE_ERROR = OLS_ERROR + n * sigma**2 * d / (T0 - d - 1)  # (3.0.23) corrected
COLLAPSE_PRINTED = d * sigma**2 / T + n * d * sigma**2 / T0  # (3.0.23) as printed (ε → σ)
W_1 = ols(X_0, X_0 * w0 + E_0)  # collapse: first fit, labels from w₀
W_2 = ols(X_1, X_1 * W_1 + E_1)  # collapse: second fit, labels from ŵ₁
COLLAPSE_NOISE = noise_map(X_1) * E_1 + noise_map(X_0) * E_0  # the two underbraces of (3.0.21)


# ---------------------------------------------------------------- Monte Carlo parameter domains

@st.composite
def _ols_params(draw, with_sigma_matrix: bool = False) -> dict:
    dim = draw(st.integers(1, 6))
    params = {"d": dim, "T": dim + draw(st.integers(10, 40)),  # T ≥ d + 10: finite variance (T > d + 3) with margin
              "sigma": draw(st.floats(0.1, 2.0, allow_nan=False))}
    if with_sigma_matrix or draw(st.booleans()):
        params["Sigma"] = random_spd(dim, draw(st.integers(0, 2**16)),
                                     draw(st.floats(1.0, 20.0, allow_nan=False)))
    return params


@st.composite
def _collapse_params(draw) -> dict:
    params = draw(_ols_params())  # Σ = I or a random SPD Σ
    params["T0"] = params["d"] + draw(st.integers(10, 40))
    params["n"] = draw(st.integers(0, 5))
    return params


SIGMA_5 = random_spd(5, seed=3, condition=10.0)  # a fixed anisotropic input covariance

TAILS_NOTE = ("exact sampler (no bias); the per-sample error is a quadratic form in an "
              "inverse-Wishart matrix: mean finite for T > d + 1, variance only for T > d + 3, "
              "so every case and strategy uses T, T0 >= d + 10 for a sound z-test")

# inadmissible twins of the claims' cases: claim name -> ((parameters, what the ValueError must
# name), ...); the samplers reject each (for the OLS claims: the sample size, d and T > d + 1)
INVALID_CASES = {
    "ols test error": (({"d": 5, "T": 6, "sigma": 0.7}, "T=6, d=5: the OLS error"),
                       ({"d": 5, "T": 5, "sigma": 0.7}, "needs T > d + 1"),
                       ({"d": 3, "T": 2, "sigma": 1.0}, "T=2, d=3")),
    "ols parameter error": (({"d": 5, "T": 6, "sigma": 0.7, "Sigma": SIGMA_5}, "needs T > d + 1"),),
    "collapse test error": (({"d": 5, "T0": 6, "T": 30, "n": 3, "sigma": 0.7},
                             "T0=6, d=5: the OLS error sigma^2 d/(T0-d-1) needs T0 > d + 1"),
                            ({"d": 5, "T0": 40, "T": 4, "n": 1, "sigma": 0.7}, "T=4, d=5")),
    "memory test error": (({"N": 50, "beta": 0.0, "T": 20}, "beta=0.0"),
                          ({"N": 0, "beta": 1.5, "T": 20}, "N=0")),
    "memory cutoff test error": (({"N": 50, "beta": 1.5, "T": 20, "k": 51}, "k=51, N=50"),),
}


# ==== section: ols_collapse (kempe.ols_collapse) ====
OLS_COLLAPSE = Derivation(
    id="kempe.ols_collapse",
    title="OLS test error and model collapse under recursive training on synthetic labels",
    lecture="Julia Kempe: Synthetic Data",
    section="3.0.2",
    equations=("3.0.10", "3.0.11", "3.0.12", "3.0.13", "3.0.14", "3.0.15", "3.0.16", "3.0.17",
               "3.0.18", "3.0.19", "3.0.21", "3.0.22", "3.0.23"),
    definitions=("3.0.10", "3.0.14", "3.0.19"),
    matrices=(Matrix(X), Matrix(E), Matrix(Y), Matrix(w0), Matrix(w), Matrix(w_i),
              Matrix(Sigma, frozenset({"spd"})), Matrix(X_0), Matrix(E_0), Matrix(X_1),
              Matrix(E_1), Matrix(w_prev)),
    dimensions={d: (1, 2, 3), T: (4, 5, 6), T0: (4, 5, 6)},
    steps=(
        Step(input_average(w_i - w0, Sigma),
             sp.Trace((w_i - w0).T * Sigma * (w_i - w0)),
             "test error (3.0.10): E_{x,ε}(xᵀŵ − y)² − σ² = E_x(xᵀ(ŵ − w₀))² − 2E[ε]E[xᵀ(ŵ − w₀)] "
             "+ E ε² − σ², with E[xxᵀ] = Σ, E ε = 0, E ε² = σ² — the Σ-weighted squared error; "
             "the notes' premise 'd < T, we have less data than parameters' has the words "
             "backwards: d < T is more data than parameters, which OLS (3.0.11) needs",
             "3.0.10"),
        Step((Y - X * w).T * (Y - X * w),  # 1×1 matrices: ‖Y − Xw‖² and its decomposition
             (Y - X * ols(X, Y)).T * (Y - X * ols(X, Y)) + (w - ols(X, Y)).T * X.T * X * (w - ols(X, Y)),
             "OLS (3.0.11): for every w, ‖Y − Xw‖² = ‖Y − Xŵ‖² + (w − ŵ)ᵀXᵀX(w − ŵ), and XᵀX ≻ 0 "
             "(full column rank, T ≥ d), so ŵ = (XᵀX)⁻¹XᵀY is the unique least-squares minimiser",
             "3.0.11"),
        Step(ols(X, X * w0 + E), (X.T * X).I * X.T * (X * w0 + E),
             "substitute the model Y₀ = X₀w₀ + E₀ into (3.0.11)", "3.0.12"),
        Step(W_HAT, w0 + noise_map(X) * E,
             "(XᵀX)⁻¹XᵀX = I: ŵ = w₀ + (XᵀX)⁻¹XᵀE", "3.0.13",
             printed=Printed(rhs=w0 + X.T * E,
                             note="the factor (X₀ᵀX₀)⁻¹ is missing: ŵ = w₀ + (X₀ᵀX₀)⁻¹X₀ᵀE₀")),
        Step(sq_norm(W_HAT - w0), sq_norm(noise_map(X) * E),
             "E_tot (3.0.14) = ‖ŵ − w₀‖² = ‖(XᵀX)⁻¹XᵀE‖² by (3.0.13)", "3.0.14"),
        Step(noise_average(noise_map(X), T), sigma**2 * sp.Trace(held(sp.Transpose(noise_map(X)), noise_map(X))),
             "average over the label noise: E_ε ‖AE‖² = tr(AᵀA E[EEᵀ]) = σ² tr(AᵀA) with "
             "A = (XᵀX)⁻¹Xᵀ (conditional on X; the outer E over X acts on both sides alike)",
             "3.0.15",
             printed=Printed(lhs=noise_average(X.T, T),
                             note="follows the (3.0.13) misprint: E_ε‖X₀ᵀE₀‖² = σ² tr(X₀X₀ᵀ) is not "
                                  "E_ε‖ŵ − w₀‖² = E_ε‖(X₀ᵀX₀)⁻¹X₀ᵀE₀‖² = σ² tr(X₀(X₀ᵀX₀)⁻²X₀ᵀ)")),
        Step(sigma**2 * sp.Trace(held(sp.Transpose(noise_map(X)), noise_map(X))),
             sigma**2 * sp.Trace(X * (X.T * X)**-2 * X.T),
             "(XᵀX)⁻¹ is symmetric: AᵀA = X(XᵀX)⁻²Xᵀ", "3.0.16"),
        Step(sigma**2 * sp.Trace(X * (X.T * X)**-2 * X.T), sigma**2 * sp.Trace((X.T * X).I),
             "cyclic trace: tr(X(XᵀX)⁻²Xᵀ) = tr((XᵀX)⁻²XᵀX) = tr((XᵀX)⁻¹)", "3.0.17"),
        Step(noise_average(noise_map(X), T, weight=Sigma),
             sigma**2 * sp.Trace(Sigma * (X.T * X).I),
             "the same average for the test error (3.0.10): E_ε (ŵ − w₀)ᵀΣ(ŵ − w₀) = "
             "σ² tr(X(XᵀX)⁻¹Σ(XᵀX)⁻¹Xᵀ) = σ² tr(Σ(XᵀX)⁻¹) by the cyclic trace"),
        Step(sigma**2 * sp.Trace(held(Sigma, Sigma.I / (T - d - 1))), OLS_ERROR,
             "inverse-Wishart mean: rows x ~ N(0, Σ) give E[(XᵀX)⁻¹] = Σ⁻¹/(T − d − 1) for "
             "T > d + 1 (infinite otherwise), so the test error σ² E tr(Σ(XᵀX)⁻¹) = σ²d/(T − d − 1) "
             "for every SPD Σ (whitening); with Σ = I this is the notes' σ² E tr(X₀ᵀX₀)⁻¹",
             "3.0.18", constraints=VALID_T),
        Step(sigma**2 * sp.Trace(Sigma.I / (T - d - 1)), OLS_PARAMETER_ERROR,
             "the unweighted ‖ŵ − w₀‖² of (3.0.14)–(3.0.17) has mean σ² tr(Σ⁻¹)/(T − d − 1): it "
             "equals (3.0.18)'s σ²d/(T − d − 1) only for Σ = I; the test error (3.0.10) is the "
             "Σ-weighted form", constraints=VALID_T),
        Step(sp.Limit(OLS_ERROR / (sigma**2 * d / T), T, sp.oo), sp.Integer(1),
             "(3.0.18) '∼ σ²d/T': the ratio tends to 1 as T → ∞ (d fixed)", "3.0.18"),
        Step(input_average(w_i - w0, sp.Identity(d)), sq_norm(w_i - w0),
             "the test error (3.0.10) of model i with Σ = I, as in (3.0.14)–(3.0.18), is the "
             "squared norm E^(i) = ‖ŵ_i − w₀‖₂²", "3.0.19",
             printed=Printed(rhs=sp.sqrt(sq_norm(w_i - w0)),
                             note="(3.0.19) prints the unsquared norm ‖ŵ_i − w₀‖₂; the test error "
                                  "(3.0.10), (3.0.14) and the right side of (3.0.21) are squared")),
        Step(noise_map(X_0) * (X_0 * w_prev + E_0) - w0, (w_prev - w0) + noise_map(X_0) * E_0,
             "one generation: a fit on labels X w̄_{k−1} + E from the previous model w̄_{k−1} moves "
             "it by the OLS noise term, ŵ_k − w₀ = (w̄_{k−1} − w₀) + (X_kᵀX_k)⁻¹X_kᵀE_k; "
             "telescoping gives ŵ − w₀ = Σ_k (X_kᵀX_k)⁻¹X_kᵀE_k + (XᵀX)⁻¹XᵀE"),
        Step(W_2 - w0, COLLAPSE_NOISE,
             "two fits (3.0.21): ŵ₂ − ŵ₁ = (X₁ᵀX₁)⁻¹X₁ᵀE₁ and ŵ₁ − w₀ = (X₀ᵀX₀)⁻¹X₀ᵀE₀ by (3.0.13)",
             "3.0.21",
             printed=Printed(rhs=X_1.T * E_1 + X_0.T * E_0,
                             note="the underbraces repeat the (3.0.13) misprint: the factors "
                                  "(X₁ᵀX₁)⁻¹ and (X₀ᵀX₀)⁻¹ are missing")),
        Step(sq_norm(W_2 - w0), sq_norm(COLLAPSE_NOISE),
             "the test error (Σ = I) of the second model is the squared norm of the summed noise "
             "terms", "3.0.21",
             printed=Printed(lhs=sp.sqrt(sq_norm(W_2 - w0)),
                             note="(3.0.21) equates the norm ‖ŵ₂ − w₀‖₂ (the unsquared 3.0.19) with "
                                  "the squared norm ‖…‖₂²; the test error is the squared one")),
        Step(noise_average(noise_map(X_1), T) + noise_average(noise_map(X_0), T0)
             + 2 * sp.Trace(held(sp.Transpose(noise_map(X_0)), noise_map(X_1), sp.ZeroMatrix(T, T0))),
             sigma**2 * sp.Trace(held(sp.Transpose(noise_map(X_1)), noise_map(X_1)))
             + sigma**2 * sp.Trace(held(sp.Transpose(noise_map(X_0)), noise_map(X_0))),
             "E‖a + b‖² = E‖a‖² + E‖b‖² + 2E[aᵀb]; the cross term is tr(AᵀB E[E₁E₀ᵀ]) = 0 "
             "(independent zero-mean noises), each square is (3.0.15); then (3.0.16)–(3.0.18) per fit"),
        Step(sp.Limit((COLLAPSE_ERROR / COLLAPSE_PRINTED).subs({n: 1, T: tau * u, T0: tau0 * u}),
                      u, sp.oo),
             sp.Integer(1),
             "(3.0.22): with (3.0.18) per fit, E^(2) = σ²d/(T − d − 1) + σ²d/(T₀ − d − 1) ≍ "
             "dε²/T + dε²/T₀ — the ratio tends to 1 as T = τu, T₀ = τ₀u, u → ∞", "3.0.22"),
        Step(OLS_ERROR + sp.Sum(sigma**2 * d / (T0 - d - 1), (k, 1, n)), COLLAPSE_ERROR,
             "n generations on T₀ samples and the final fit on T: the noise terms are independent "
             "and zero-mean, cross terms vanish, each term is the OLS test error (3.0.18) of its "
             "own design (Σ-weighted, any SPD Σ)", "3.0.23", constraints=VALID_T_T0,
             printed=Printed(rhs=COLLAPSE_PRINTED,
                             note="printed with '=', but dε²/T + ndε²/T₀ is only the T, T₀ → ∞ "
                                  "asymptotic of the exact σ²d/(T − d − 1) + nσ²d/(T₀ − d − 1); at "
                                  "finite T, T₀ it underestimates the error")),
        Step(sp.Limit((COLLAPSE_ERROR / COLLAPSE_PRINTED).subs({T: tau * u, T0: tau0 * u}), u, sp.oo),
             sp.Integer(1),
             "the printed (3.0.23) is the exact error's asymptotic: ratio → 1 as T, T₀ → ∞ "
             "proportionally (T = τu, T₀ = τ₀u)", "3.0.23"),
    ),
    claims=(
        Claim("ols test error", "mean", OLS_ERROR, ols_test_error,
              cases=({"d": 5, "T": 30, "sigma": 0.7},
                     {"d": 5, "T": 30, "sigma": 0.7, "Sigma": SIGMA_5},
                     {"d": 2, "T": 14, "sigma": 1.3}),
              strategy=_ols_params(), equation="3.0.18",
              bias_note=TAILS_NOTE, samples=40_000),
        Claim("ols parameter error", "mean", OLS_PARAMETER_ERROR, ols_parameter_error,
              cases=({"d": 5, "T": 30, "sigma": 0.7, "Sigma": SIGMA_5},),
              strategy=_ols_params(with_sigma_matrix=True), equation="3.0.17",
              bias_note=TAILS_NOTE, samples=40_000),
        Claim("collapse test error", "mean", COLLAPSE_ERROR, collapse_chain_error,
              cases=({"d": 5, "T0": 40, "T": 30, "n": 1, "sigma": 0.7},
                     {"d": 5, "T0": 40, "T": 30, "n": 3, "sigma": 0.7, "Sigma": SIGMA_5},
                     {"d": 5, "T0": 40, "T": 30, "n": 5, "sigma": 0.7}),
              strategy=_collapse_params(), equation="3.0.23",
              bias_note=TAILS_NOTE, samples=20_000),
    ),
    not_encoded={
        "3.0.20": "the notes print an empty display with only the label (3.0.20)",
    },
)
# ==== end section: ols_collapse ====

# ==== section: infinite_memory (kempe.infinite_memory) ====
N = sp.Symbol("N", integer=True, positive=True)  # number of distinct items (the notes: ∞)
beta = sp.Symbol("beta", positive=True)  # Zipf exponent, p(i) ∝ i^(−β)
T_mem = sp.Symbol("T", integer=True, positive=True)  # training-set size
k_cut = sp.Symbol("k", integer=True, positive=True)  # items known to the first model A_{T0}
i_item, j_item, t_draw = sp.symbols("i j t", integer=True, positive=True)

ZIPF_NORM = sp.Sum(j_item**-beta, (j_item, 1, N))
p_item = i_item**-beta / ZIPF_NORM  # p(i) on items 1..N
MEMORY_ERROR = sp.Sum(p_item * (1 - p_item)**T_mem, (i_item, 1, N))  # (3.0.3)
# the steps are algebraic identities in the values p(i), proved symbolically for every β; the
# numeric cross-check takes integer exponents (rational p(i)), because sums of radicals i^(−β)
# with rational β make exact evaluation and witness re-checks slow
ZIPF_EXPONENTS = {beta: (1, 2, 3, 4)}
CUTOFF_ERROR = (sp.Sum(p_item * (1 - p_item)**T_mem, (i_item, 1, k_cut))
                + sp.Sum(p_item, (i_item, k_cut + 1, N)))  # (3.0.7), exact middle form


@st.composite
def _memory_params(draw, cutoff: bool = False) -> dict:
    items = draw(st.integers(10, 90))  # < 100 terms: sympy sums them directly
    params = {"N": items, "beta": draw(st.floats(1.1, 2.5, allow_nan=False)),
              "T": draw(st.integers(1, items // 2))}  # T <= N/2: error >= 0.05, MDRE <= 0.1
    if cutoff:
        params["k"] = draw(st.integers(1, items))
    return params


INFINITE_MEMORY = Derivation(
    id="kempe.infinite_memory",
    title="Test error of the infinite-memory (memorising) model under Zipf-distributed queries",
    lecture="Julia Kempe: Synthetic Data",
    section="3.0.1",
    equations=("3.0.1", "3.0.2", "3.0.3", "3.0.6", "3.0.7"),
    # exact evaluation of the sums is costly in N, T: keep numeric points small
    ranges={N: (1, 4), T_mem: (1, 3), k_cut: (1, 4)},
    definitions=("3.0.1", "3.0.2", "3.0.6"),
    steps=(
        Step(sp.Sum(p_item * sp.Product(1 - p_item, (t_draw, 1, T_mem)), (i_item, 1, N)), MEMORY_ERROR,
             "(3.0.2) → (3.0.3): condition on the test item i (probability p(i)); the model (3.0.1) "
             "errs iff none of the T i.i.d. training draws is i, probability Π_t (1 − p(i)). "
             "Finite support 1..N with p(i) = i^(−β)/Σ_j j^(−β); the notes' Σ_{i=1}^∞ is N → ∞",
             "3.0.3", domain=ZIPF_EXPONENTS),
        Step((sp.Sum(p_item, (i_item, 1, N)) - sp.Sum(p_item, (i_item, 1, k_cut)))
             + sp.Sum(p_item * sp.Product(1 - p_item, (t_draw, 1, T_mem)), (i_item, 1, k_cut)),
             CUTOFF_ERROR,
             "(3.0.7): the retrained model A' (3.0.6) answers i only if i ≤ k and i was drawn, so "
             "E_test = P(i > k) + P(i ≤ k, i not among the T draws), with "
             "P(i > k) = Σ_{i≤N} p(i) − Σ_{i≤k} p(i) and P(unseen | i) = Π_t (1 − p(i))",
             "3.0.7", constraints=(sp.Le(k_cut, N),), domain=ZIPF_EXPONENTS),
    ),
    claims=(
        Claim("memory test error", "probability", MEMORY_ERROR, memory_test_error,
              cases=({"N": 50, "beta": 1.5, "T": 20}, {"N": 90, "beta": 1.3, "T": 40}),
              strategy=_memory_params(), equation="3.0.3", samples=100_000,
              bias_note="exact sampler: Zipf items by inverse-cdf lookup; no bias"),
        Claim("memory cutoff test error", "probability", CUTOFF_ERROR, memory_test_error,
              cases=({"N": 50, "beta": 1.5, "T": 20, "k": 10},),
              strategy=_memory_params(cutoff=True), equation="3.0.7", samples=100_000,
              bias_note="exact sampler: Zipf items by inverse-cdf lookup; no bias"),
    ),
    not_encoded={
        "3.0.4": "asymptotic '≃' replacing p(i) by i^(−β) (normaliser dropped) and (1 − p)^T by "
                 "e^(−pT); the second form is OCR-garbled (i^{−β e^{−(i^{−β})^T}})",
        "3.0.5": "asymptotic '≍' scaling T^c Σ i^(−β) e^(−i^(−β) T) ~ Γ(c, Tk^(−β)) − Γ(c, T) = O(1), "
                 "c = 1 − 1/β; OCR-garbled (k appears before it is introduced), no exact content",
        "3.0.8": "asymptotic '≍' regime 1 ≪ T < k^β: E_test ≍ k^(−βc) + T^(−c); the printed "
                 "'≍ T^C' drops the sign of the exponent (OCR)",
        "3.0.9": "asymptotic '≍' regime 'T ≤ k^2' (likely k^β): E_test ≍ k^(−βc); a scaling law, "
                 "not an equality",
    },
)
# ==== end section: infinite_memory ====

DERIVATIONS = (OLS_COLLAPSE, INFINITE_MEMORY)
