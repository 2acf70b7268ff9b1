"""Julia Kempe — synthetic data and model collapse (notes chapter 3): the chapter's symbols.

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
from derivations.model.strategies import st

from numerics.samplers.regression import random_spd

from ...symbolic.held import held_product

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


def noise_average(A, rows, weight=None):
    """``E_ε (AE)ᵀW(AE)`` for ``E ~ N(0, σ² I)``: ``tr(AᵀWA · E[E Eᵀ])`` with ``E[E Eᵀ] = σ² I``
    (``W = I`` when ``weight`` is None: ``E_ε ‖A E‖²``)."""
    middle = (sp.Transpose(A), A) if weight is None else (sp.Transpose(A), weight, A)
    return sp.Trace(held_product(*middle, sigma**2 * sp.Identity(rows)))


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
def ols_params(draw, with_sigma_matrix: bool = False) -> dict:
    dim = draw(st.integers(1, 6))
    params = {"d": dim, "T": dim + draw(st.integers(10, 40)),  # T ≥ d + 10: finite variance (T > d + 3) with margin
              "sigma": draw(st.floats(0.1, 2.0, allow_nan=False))}
    if with_sigma_matrix or draw(st.booleans()):
        params["Sigma"] = random_spd(dim, draw(st.integers(0, 2**16)),
                                     draw(st.floats(1.0, 20.0, allow_nan=False)))
    return params


@st.composite
def collapse_params(draw) -> dict:
    params = draw(ols_params())  # Σ = I or a random SPD Σ
    params["T0"] = params["d"] + draw(st.integers(10, 40))
    params["n"] = draw(st.integers(0, 5))
    return params


SIGMA_5 = random_spd(5, seed=3, condition=10.0)  # a fixed anisotropic input covariance

TAILS_NOTE = ("exact sampler (no bias); the per-sample error is a quadratic form in an "
              "inverse-Wishart matrix: mean finite for T > d + 1, variance only for T > d + 3, "
              "so every case and strategy uses T, T0 >= d + 10 for a sound z-test")
