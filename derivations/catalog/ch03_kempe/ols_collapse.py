"""OLS test error and model collapse under recursive retraining (Kempe 3.0.10–3.0.23)."""
from __future__ import annotations

import sympy as sp

from numerics.samplers.regression import collapse_chain_error, ols_parameter_error, ols_test_error

from ...model import Claim, Derivation, Matrix, Printed, Quote, Step
from .notation import CHAPTER, COLLAPSE
from ...symbolic.held import held_product as held
from .symbols import (COLLAPSE_ERROR, COLLAPSE_NOISE, COLLAPSE_PRINTED, OLS_ERROR,
                      OLS_PARAMETER_ERROR, SIGMA_5, TAILS_NOTE, VALID_T, VALID_T_T0, W_2, W_HAT, E,
                      E_0, E_1, Sigma, T, T0, X, X_0, X_1, Y, collapse_params, d, input_average, k, n,
                      noise_average, noise_map, ols, ols_params, sigma, sq_norm, tau, tau0, u, w,
                      w0, w_i, w_prev)

DERIVATION = Derivation(
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
             "3.0.10", id="test_error_sigma_weighted"),
        Step((Y - X * w).T * (Y - X * w),  # 1×1 matrices: ‖Y − Xw‖² and its decomposition
             (Y - X * ols(X, Y)).T * (Y - X * ols(X, Y)) + (w - ols(X, Y)).T * X.T * X * (w - ols(X, Y)),
             "OLS (3.0.11): for every w, ‖Y − Xw‖² = ‖Y − Xŵ‖² + (w − ŵ)ᵀXᵀX(w − ŵ), and XᵀX ≻ 0 "
             "(full column rank, T ≥ d), so ŵ = (XᵀX)⁻¹XᵀY is the unique least-squares minimiser",
             "3.0.11", id="least_squares_decomposition"),
        Step(ols(X, X * w0 + E), (X.T * X).I * X.T * (X * w0 + E),
             "substitute the model Y₀ = X₀w₀ + E₀ into (3.0.11)", "3.0.12", id="substitute_model"),
        Step(W_HAT, w0 + noise_map(X) * E,
             "(XᵀX)⁻¹XᵀX = I: ŵ = w₀ + (XᵀX)⁻¹XᵀE", "3.0.13",
             printed=Printed(rhs=w0 + X.T * E,
                             note="the factor (X₀ᵀX₀)⁻¹ is missing: ŵ = w₀ + (X₀ᵀX₀)⁻¹X₀ᵀE₀"), id="ols_noise_term"),
        Step(sq_norm(W_HAT - w0), sq_norm(noise_map(X) * E),
             "E_tot (3.0.14) = ‖ŵ − w₀‖² = ‖(XᵀX)⁻¹XᵀE‖² by (3.0.13)", "3.0.14", id="total_error_norm"),
        Step(noise_average(noise_map(X), T), sigma**2 * sp.Trace(held(sp.Transpose(noise_map(X)), noise_map(X))),
             "average over the label noise: E_ε ‖AE‖² = tr(AᵀA E[EEᵀ]) = σ² tr(AᵀA) with "
             "A = (XᵀX)⁻¹Xᵀ (conditional on X; the outer E over X acts on both sides alike)",
             "3.0.15",
             printed=Printed(lhs=noise_average(X.T, T),
                             note="follows the (3.0.13) misprint: E_ε‖X₀ᵀE₀‖² = σ² tr(X₀X₀ᵀ) is not "
                                  "E_ε‖ŵ − w₀‖² = E_ε‖(X₀ᵀX₀)⁻¹X₀ᵀE₀‖² = σ² tr(X₀(X₀ᵀX₀)⁻²X₀ᵀ)"), id="noise_average"),
        Step(sigma**2 * sp.Trace(held(sp.Transpose(noise_map(X)), noise_map(X))),
             sigma**2 * sp.Trace(X * (X.T * X)**-2 * X.T),
             "(XᵀX)⁻¹ is symmetric: AᵀA = X(XᵀX)⁻²Xᵀ", "3.0.16", id="symmetric_inverse"),
        Step(sigma**2 * sp.Trace(X * (X.T * X)**-2 * X.T), sigma**2 * sp.Trace((X.T * X).I),
             "cyclic trace: tr(X(XᵀX)⁻²Xᵀ) = tr((XᵀX)⁻²XᵀX) = tr((XᵀX)⁻¹)", "3.0.17", id="cyclic_trace"),
        Step(noise_average(noise_map(X), T, weight=Sigma),
             sigma**2 * sp.Trace(Sigma * (X.T * X).I),
             "the same average for the test error (3.0.10): E_ε (ŵ − w₀)ᵀΣ(ŵ − w₀) = "
             "σ² tr(X(XᵀX)⁻¹Σ(XᵀX)⁻¹Xᵀ) = σ² tr(Σ(XᵀX)⁻¹) by the cyclic trace", id="weighted_noise_average"),
        Step(sigma**2 * sp.Trace(held(Sigma, Sigma.I / (T - d - 1))), OLS_ERROR,
             "inverse-Wishart mean: rows x ~ N(0, Σ) give E[(XᵀX)⁻¹] = Σ⁻¹/(T − d − 1) for "
             "T > d + 1 (infinite otherwise), so the test error σ² E tr(Σ(XᵀX)⁻¹) = σ²d/(T − d − 1) "
             "for every SPD Σ (whitening); with Σ = I this is the notes' σ² E tr(X₀ᵀX₀)⁻¹",
             "3.0.18", constraints=VALID_T, id="inverse_wishart_mean"),
        Step(sigma**2 * sp.Trace(Sigma.I / (T - d - 1)), OLS_PARAMETER_ERROR,
             "the unweighted ‖ŵ − w₀‖² of (3.0.14)–(3.0.17) has mean σ² tr(Σ⁻¹)/(T − d − 1): it "
             "equals (3.0.18)'s σ²d/(T − d − 1) only for Σ = I; the test error (3.0.10) is the "
             "Σ-weighted form", constraints=VALID_T, id="parameter_error_mean"),
        Step(sp.Limit(OLS_ERROR / (sigma**2 * d / T), T, sp.oo), sp.Integer(1),
             "(3.0.18) '∼ σ²d/T': the ratio tends to 1 as T → ∞ (d fixed)", "3.0.18", id="ols_error_asymptotic"),
        Step(input_average(w_i - w0, sp.Identity(d)), sq_norm(w_i - w0),
             "the test error (3.0.10) of model i with Σ = I, as in (3.0.14)–(3.0.18), is the "
             "squared norm E^(i) = ‖ŵ_i − w₀‖₂²", "3.0.19",
             printed=Printed(rhs=sp.sqrt(sq_norm(w_i - w0)),
                             note="(3.0.19) prints the unsquared norm ‖ŵ_i − w₀‖₂; the test error "
                                  "(3.0.10), (3.0.14) and the right side of (3.0.21) are squared"), id="squared_test_error"),
        Step(noise_map(X_0) * (X_0 * w_prev + E_0) - w0, (w_prev - w0) + noise_map(X_0) * E_0,
             "one generation: a fit on labels X w̄_{k−1} + E from the previous model w̄_{k−1} moves "
             "it by the OLS noise term, ŵ_k − w₀ = (w̄_{k−1} − w₀) + (X_kᵀX_k)⁻¹X_kᵀE_k; "
             "telescoping gives ŵ − w₀ = Σ_k (X_kᵀX_k)⁻¹X_kᵀE_k + (XᵀX)⁻¹XᵀE", id="one_generation"),
        Step(W_2 - w0, COLLAPSE_NOISE,
             "two fits (3.0.21): ŵ₂ − ŵ₁ = (X₁ᵀX₁)⁻¹X₁ᵀE₁ and ŵ₁ − w₀ = (X₀ᵀX₀)⁻¹X₀ᵀE₀ by (3.0.13)",
             "3.0.21",
             printed=Printed(rhs=X_1.T * E_1 + X_0.T * E_0,
                             note="the underbraces repeat the (3.0.13) misprint: the factors "
                                  "(X₁ᵀX₁)⁻¹ and (X₀ᵀX₀)⁻¹ are missing"), id="two_fit_noise"),
        Step(sq_norm(W_2 - w0), sq_norm(COLLAPSE_NOISE),
             "the test error (Σ = I) of the second model is the squared norm of the summed noise "
             "terms", "3.0.21",
             printed=Printed(lhs=sp.sqrt(sq_norm(W_2 - w0)),
                             note="(3.0.21) equates the norm ‖ŵ₂ − w₀‖₂ (the unsquared 3.0.19) with "
                                  "the squared norm ‖…‖₂²; the test error is the squared one"), id="two_fit_error_norm"),
        Step(noise_average(noise_map(X_1), T) + noise_average(noise_map(X_0), T0)
             + 2 * sp.Trace(held(sp.Transpose(noise_map(X_0)), noise_map(X_1), sp.ZeroMatrix(T, T0))),
             sigma**2 * sp.Trace(held(sp.Transpose(noise_map(X_1)), noise_map(X_1)))
             + sigma**2 * sp.Trace(held(sp.Transpose(noise_map(X_0)), noise_map(X_0))),
             "E‖a + b‖² = E‖a‖² + E‖b‖² + 2E[aᵀb]; the cross term is tr(AᵀB E[E₁E₀ᵀ]) = 0 "
             "(independent zero-mean noises), each square is (3.0.15); then (3.0.16)–(3.0.18) per fit", id="cross_term_vanishes"),
        Step(sp.Limit((COLLAPSE_ERROR / COLLAPSE_PRINTED).subs({n: 1, T: tau * u, T0: tau0 * u}),
                      u, sp.oo),
             sp.Integer(1),
             "(3.0.22): with (3.0.18) per fit, E^(2) = σ²d/(T − d − 1) + σ²d/(T₀ − d − 1) ≍ "
             "dε²/T + dε²/T₀ — the ratio tends to 1 as T = τu, T₀ = τ₀u, u → ∞", "3.0.22", id="two_fit_asymptotic"),
        Step(OLS_ERROR + sp.Sum(sigma**2 * d / (T0 - d - 1), (k, 1, n)), COLLAPSE_ERROR,
             "n generations on T₀ samples and the final fit on T: the noise terms are independent "
             "and zero-mean, cross terms vanish, each term is the OLS test error (3.0.18) of its "
             "own design (Σ-weighted, any SPD Σ)", "3.0.23", constraints=VALID_T_T0,
             printed=Printed(rhs=COLLAPSE_PRINTED,
                             note="printed with '=', but dε²/T + ndε²/T₀ is only the T, T₀ → ∞ "
                                  "asymptotic of the exact σ²d/(T − d − 1) + nσ²d/(T₀ − d − 1); at "
                                  "finite T, T₀ it underestimates the error"), id="collapse_error"),
        Step(sp.Limit((COLLAPSE_ERROR / COLLAPSE_PRINTED).subs({T: tau * u, T0: tau0 * u}), u, sp.oo),
             sp.Integer(1),
             "the printed (3.0.23) is the exact error's asymptotic: ratio → 1 as T, T₀ → ∞ "
             "proportionally (T = τu, T₀ = τ₀u)", "3.0.23", id="collapse_asymptotic"),
    ),
    claims=(
        Claim("ols test error", "mean", OLS_ERROR, ols_test_error,
              cases=({"d": 5, "T": 30, "sigma": 0.7},
                     {"d": 5, "T": 30, "sigma": 0.7, "Sigma": SIGMA_5},
                     {"d": 2, "T": 14, "sigma": 1.3}),
              strategy=ols_params(), equation="3.0.18",
              bias_note=TAILS_NOTE, max_samples=250_000, target_mdre=0.02,
              target_note="each sample is a d × d solve on a fresh design; heavy tails",
              simulates="x ~ N(0, Σ) in R^d, y = xᵀw + ε, ε ~ N(0, σ²); OLS fit (XᵀX)⁻¹XᵀY on a T × d design; the sample is (ŵ − w₀)ᵀΣ(ŵ − w₀)",
              invalid_cases=(({"d": 5, "T": 6, "sigma": 0.7}, "T=6, d=5: the OLS error"),
                             ({"d": 5, "T": 5, "sigma": 0.7}, "needs T > d + 1"),
                             ({"d": 3, "T": 2, "sigma": 1.0}, "T=2, d=3"))),
        Claim("ols parameter error", "mean", OLS_PARAMETER_ERROR, ols_parameter_error,
              cases=({"d": 5, "T": 30, "sigma": 0.7, "Sigma": SIGMA_5},),
              strategy=ols_params(with_sigma_matrix=True), equation="3.0.17",
              bias_note=TAILS_NOTE, max_samples=150_000, target_mdre=0.02,
              target_note="each sample is a d × d solve on a fresh design; heavy tails",
              simulates="x ~ N(0, Σ) in R^d, y = xᵀw + ε, ε ~ N(0, σ²); OLS fit (XᵀX)⁻¹XᵀY on a T × d design; the sample is ‖ŵ − w₀‖²",
              invalid_cases=(({"d": 5, "T": 6, "sigma": 0.7, "Sigma": SIGMA_5}, "needs T > d + 1"),)),
        Claim("collapse test error", "mean", COLLAPSE_ERROR, collapse_chain_error,
              cases=({"d": 5, "T0": 40, "T": 30, "n": 1, "sigma": 0.7},
                     {"d": 5, "T0": 40, "T": 30, "n": 3, "sigma": 0.7, "Sigma": SIGMA_5},
                     {"d": 5, "T0": 40, "T": 30, "n": 5, "sigma": 0.7}),
              strategy=collapse_params(), equation="3.0.23",
              bias_note=TAILS_NOTE, max_samples=60_000, target_mdre=0.03,
              target_note="each sample is a chain of n + 1 OLS fits; heavy tails",
              simulates="the regression chain: n generations each fitted by OLS on T0 fresh inputs "
                        "labelled by the previous fit plus noise, then a final fit on T; the sample "
                        "is (ŵ − w₀)ᵀΣ(ŵ − w₀)",
              invalid_cases=(({"d": 5, "T0": 6, "T": 30, "n": 3, "sigma": 0.7},
                              "T0=6, d=5: the OLS error sigma^2 d/(T0-d-1) needs T0 > d + 1"),
                             ({"d": 5, "T0": 40, "T": 4, "n": 1, "sigma": 0.7}, "T=4, d=5"))),
    ),
    not_encoded={
        "3.0.20": "the notes print an empty display with only the label (3.0.20)",
    },
    notation=CHAPTER,
    printed_in_notes=(
        Quote("3.0.10", line=330, latex=r"E_{test} = \mathbb{E}_{x, \epsilon} \|x^T \hat{w} - y\|^2 - \sigma^2",
              unchecked={0: "defines the test error E_test"}),
        Quote("3.0.11", line=334, latex=r"\hat{w} = (X_0^T X_0)^{-1} X_0^T Y_0"),
        Quote("3.0.12", line=336, latex=r"= (X_0^T X_0)^{-1} X_0^T (X_0 w_0 + E_0)"),
        Quote("3.0.13", line=338, latex=r"= w_0 + X_0^T E_0",
              note="reads ŵ as the OLS fit (3.0.11) on the labels Y_0 = X_0 w_0 + E_0 (3.0.12)"),
        Quote("3.0.14", line=342, latex=r"E_{tot} = \|(\hat{w} - w_0)\|^2",
              unchecked={0: "defines E_tot"}),
        Quote("3.0.15", line=344, latex=r"= \mathbb{E}_\epsilon \|X_0^T E_0\|^2"),
        Quote("3.0.16", line=346, latex=r"= \sigma^2 \mathbb{E} \text{Tr}(X_0 (X_0^T X_0)^{-2} X_0^T)"),
        Quote("3.0.17", line=348, latex=r"= \sigma^2 \mathbb{E} \text{Tr}(X_0^T X_0)^{-1}"),
        Quote("3.0.18", line=352, latex=r"= \sigma^2 \frac{d}{T - d - 1} \sim \frac{\sigma^2 d}{T}"),
        Quote("3.0.19", line=358, latex=r"E_{test}^{(i)} = \|\hat{w}_i - w_0\|_2",
              unchecked={0: "defines E^(i), printed unsquared (the hand-typed printed form of step "
                            "squared_test_error checks it against the test error 3.0.10)"}),
        Quote("3.0.21", line=364, latex=r"E_{test}^{(2)} = \|\hat{w}_2 - w_0\|_2 = \left\| \underbrace{\hat{w}_2 - \hat{w}_1}_{X_1^T E_1} + \underbrace{\hat{w}_1 - w_0}_{X_0^T E_0} \right\|_2^2",
              notation=COLLAPSE, unchecked={0: "defines E^(2), printed unsquared"},
              note="the underbraces X_1^T E_1, X_0^T E_0 (dropped by the reader) repeat the "
                   "(3.0.13) misprint"),
        Quote("3.0.22", line=366, latex=r"\asymp \frac{d\epsilon^2}{T} + \frac{d\epsilon^2}{T_0}"),
        Quote("3.0.23", line=370, latex=r"E_{test}^{(n)} = \frac{d\epsilon^2}{T} + \frac{nd\epsilon^2}{T_0}",
              note="E_test^(n) read as the derived test error of the n-th model (step "
                   "collapse_error's left side); the notes' ε is σ"),
    ),
)
