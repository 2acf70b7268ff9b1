"""The Gaussian denoiser as a linear filter (Mallat 6.3.22–6.3.24) and the Wiener filter
(6.4.1–6.4.9): closed form, eigenvalues, mean-square error, optimality, and the coefficient-wise
version in the eigenbasis ψ_k of C (columns of U, C = U diag(β) Uᵀ)."""
from __future__ import annotations

import sympy as sp

from ...latex import Notation
from ...model import Claim, Derivation, Matrix, Printed, Quote, Step
from ...symbolic.held import held_derivative, held_product as held
from .notation import matrix_notation

def _cayley(skew: list[list[float]]) -> list[list[float]]:
    """An orthogonal matrix (I - S)(I + S)^{-1} from the skew part S of a square matrix."""
    import numpy as np

    m = np.asarray(skew, dtype=float)
    s = (m - m.T) / 2
    eye = np.eye(len(m))
    return ((eye - s) @ np.linalg.inv(eye + s)).tolist()


def _wiener_strategies():
    """Hypothesis strategies: (random SPD C, σ) and (random orthogonal U, diagonal B, σ)."""
    from derivations.model.strategies import st

    finite = {"allow_nan": False, "allow_infinity": False}
    entries = st.floats(-1.5, 1.5, **finite)
    sigma = st.floats(0.1, 3.0, **finite)

    def square(d: int):
        return st.lists(st.lists(entries, min_size=d, max_size=d), min_size=d, max_size=d)

    def spd_case(d: int):
        def build(args):
            b, s = args
            c = [[sum(b[i][k] * b[j][k] for k in range(d)) + (0.1 if i == j else 0.0)
                  for j in range(d)] for i in range(d)]
            return {"d": d, "C": c, "sigma": s}
        return st.tuples(square(d), sigma).map(build)

    def eigen_case(d: int):
        def build(args):
            m, beta, s = args
            return {"d": d, "U": _cayley(m), "sigma": s,
                    "B": [[beta[i] if i == j else 0.0 for j in range(d)] for i in range(d)]}
        return st.tuples(square(d), st.lists(st.floats(0.05, 4.0, **finite), min_size=d,
                                             max_size=d), sigma).map(build)

    dims = st.integers(1, 4)
    return dims.flatmap(spd_case), dims.flatmap(eigen_case)


def _quotes() -> tuple[Quote, ...]:
    """The notes' printed forms of the labels this derivation encodes."""
    lam = "the notes' (λ_k(x) + 1) stands where the coefficient h_k - 1 of ⟨x, ψ_k⟩ belongs"
    undefined = ("λ_k(x) is not defined before 6.4.10, where λ_k is a 0/1 gain (not a function "
                 "of x): the table does not bind it")
    return (
        Quote("6.3.22", line=821, latex=r"\hat{x}(\sigma) = [\mathbb{I} - (C + \sigma^2 \mathbb{I})^{-1}\sigma]x_\sigma",
              note="the notes write x̂(σ) for the denoiser x̂(x_σ) of 6.3.16; read as that. They "
                   "print (C + σ²I)^{-1} σ; Tweedie multiplies the score by σ², so it is "
                   "(C + σ²I)^{-1} σ²"),
        Quote("6.3.23", line=823, latex=r"= (C + \sigma^2 \mathbb{I})^{-1}(C + \sigma^2 \mathbb{I} - \sigma^2 \mathbb{I})\hat{x}_\sigma",
              note="x̂_σ is printed where the observation x_σ is meant (6.3.22 and 6.3.24 "
                   "act on x_σ); its left side is 6.3.22's printed right side"),
        Quote("6.3.24", line=825, latex=r"= (C + \sigma^2 \mathbb{I})^{-1}Cx_\sigma",
              note="its left side is 6.3.23's printed right side, which acts on x̂_σ"),
        Quote("6.4.1", line=881, latex=r"H = (C + \sigma^2 \mathbb{I})^{-1} C",
              unchecked={0: "defines the Wiener filter H (its optimality is steps "
                            "complete_square and orthogonality)"}),
        Quote("6.4.2", line=885, latex=r"\frac{\beta k}{\beta k + \sigma^2} \in [0, 1]",
              unreadable="the notes write βk (β times k) for β_k"),
        Quote("6.4.6", line=899, latex=r"\mathbb{E}||Hy - x||^2 = \sum_k \mathbb{E} \left\| (\lambda_k(x) + 1) \langle x, \psi_k \rangle + h_k \langle z, \psi_k \rangle \right\|^2",
              note=lam, unreadable=undefined),
        Quote("6.4.7", line=901, latex=r"= \sum_k \left\| (\lambda_k(x) + 1) \langle x, \psi_k \rangle + h_k \sigma^2 \right\|^2",
              note=lam, unreadable=undefined),
        Quote("6.4.8", line=905, latex=r"0 = \partial_{h_k} \mathbb{E}||Hy - x||^2 \implies h_k = \frac{|\langle x, \psi_k \rangle|^2}{|\langle x, \psi_k \rangle|^2 + \sigma^2}",
              unchecked={1: "defines the gain h_k, with |⟨x, ψ_k⟩|² of one signal for its mean "
                            "β_k (the oracle gain; step coefficient_stationary checks it with β_k)"}),
        Quote("6.4.9", line=907, latex=r"\therefore \epsilon = \sum_k \frac{\sigma^2 |\langle x, \psi_k \rangle|^2}{|\langle x, \psi_k \rangle|^2 + \sigma^2}",
              unchecked={0: "|⟨x, ψ_k⟩|² of one signal stands for its mean β_k; the hand-typed "
                            "printed form of step eigen_sum_mse checks ε against the ε² sum"}),
    )


def _build() -> Derivation:
    from sympy.stats import E, Normal

    from numerics.samplers import denoising

    d = sp.Symbol("d", integer=True, positive=True)
    sigma = sp.Symbol("sigma", positive=True)
    beta = sp.Symbol("beta_k", positive=True)     # β_k = E|⟨x, ψ_k⟩|² (6.4.4)
    h = sp.Symbol("h_k", real=True)               # gain on coefficient k
    C = sp.MatrixSymbol("C", d, d)                # signal covariance (SPD)
    U = sp.MatrixSymbol("U", d, d)                # eigenbasis ψ_k as columns (orthogonal)
    B = sp.MatrixSymbol("B", d, d)                # diag(β_k)
    D = sp.MatrixSymbol("D", d, d)                # diag(h_k): a filter diagonal in the ψ basis
    H = sp.MatrixSymbol("H", d, d)                # an arbitrary linear filter
    x_sigma = sp.MatrixSymbol("x_sigma", d, 1)    # noisy observation
    eye = sp.Identity(d)
    C_sigma = C + sigma ** 2 * eye                # C_σ = C + σ² I
    wiener = C_sigma.inverse() * C                # 6.3.24, 6.4.1

    def mse(F, cov=C):
        """E‖F y - x‖² for x ~ (0, cov), y = x + σz: tr(F(cov + σ²I)Fᵀ) - 2 tr(F cov) + tr(cov)."""
        return (sp.Trace(F * (cov + sigma ** 2 * eye) * F.T) - 2 * sp.Trace(F * cov)
                + sp.Trace(cov))

    min_mse = sigma ** 2 * sp.Trace(C * C_sigma.inverse())          # σ² tr(C C_σ^{-1})
    C_eig = U * B * U.T
    eigen_sum = sigma ** 2 * sp.Trace(B * (B + sigma ** 2 * eye).inverse())  # Σ_k σ²β_k/(β_k+σ²)
    gain = beta / (beta + sigma ** 2)                                # 6.4.8
    coeff_mse = (1 - h) ** 2 * beta + h ** 2 * sigma ** 2            # 6.4.7 corrected
    # ⟨x,ψ_k⟩ = √β_k ξ_k, ⟨z,ψ_k⟩ = σ ζ_k with ξ_k, ζ_k standard normals (parameters outside
    # the random symbols, so that the numeric checker sees and draws them)
    xi = sp.sqrt(beta) * Normal("xi_k", 0, 1)
    zeta = sigma * Normal("zeta_k", 0, 1)
    tweedie_form = (eye - sigma ** 2 * C_sigma.inverse()) * x_sigma
    # held: `*` would carry out σ²I - σ²I on construction (then 6.3.24 would check nothing)
    factored = held(C_sigma.inverse(), sp.MatAdd(C, sigma ** 2 * eye, -sigma ** 2 * eye), x_sigma)

    steps = (
        Step(sp.Derivative(-x_sigma.T * C_sigma.inverse() * x_sigma / 2, x_sigma),
             -C_sigma.inverse() * x_sigma,
             "score of p_σ = N(0, C_σ): ∇ log p_σ = -∇U_σ with U_σ(x) = ½ xᵀ C_σ^{-1} x "
             "(C symmetric)", id="gaussian_score"),
        Step(x_sigma + sigma ** 2 * (-C_sigma.inverse() * x_sigma), tweedie_form,
             "Tweedie (6.3.16) with the score -(C + σ²I)^{-1} x_σ", "6.3.22",
             id="tweedie_linear"),
        Step(tweedie_form, factored, "I = (C + σ²I)^{-1}(C + σ²I)", "6.3.23", id="identity_factor"),
        Step(factored, wiener * x_sigma, "σ²I - σ²I = 0: a linear filter of x_σ", "6.3.24", id="linear_filter"),
        Step((C_eig + sigma ** 2 * eye).inverse() * C_eig,
             U * B * (B + sigma ** 2 * eye).inverse() * U.T,
             "C = U diag(β) Uᵀ, UᵀU = I: H = (C + σ²I)^{-1} C = U diag(β_k/(β_k + σ²)) Uᵀ",
             "6.4.1", id="eigen_filter"),
        Step(gain, 1 - sigma ** 2 / (beta + sigma ** 2), "eigenvalue h_k of H", "6.4.2", id="filter_eigenvalue"),
        Step(sp.S.Zero, gain, "β_k > 0 and σ² > 0", "6.4.2", relation="<=", id="eigenvalue_nonnegative"),
        Step(1 - sigma ** 2 / (beta + sigma ** 2), sp.S.One, "σ²/(β_k + σ²) ≥ 0", "6.4.2",
             relation="<=", id="eigenvalue_at_most_one"),
        Step(sp.Trace((H - eye) * C * (H - eye).T) + sigma ** 2 * sp.Trace(H * H.T), mse(H),
             "ε² = E‖Hy - x‖² = E‖(H - I)x + σHz‖² with E xxᵀ = C, E zzᵀ = I, x ⟂ z; "
             "expand the traces (C symmetric)", id="filter_mse"),
        Step(mse(H) - mse(wiener), sp.Trace((H - wiener) * C_sigma * (H - wiener).T),
             "complete the square: H* = (C + σ²I)^{-1} C satisfies H* C_σ = C; the right side "
             "is ≥ 0 (C_σ positive definite), so H* minimises ε² (Wiener filter, 6.4.1)", id="complete_square"),
        Step(mse(wiener), min_mse, "ε² at H* = (C + σ²I)^{-1} C", id="minimum_mse"),
        Step(wiener * C_sigma, C,
             "orthogonality: E[(H*y - x) yᵀ] = H* C_σ - C = 0 (what the notes call minimising "
             "the correlation E[(x̂ - x) y]: the error is uncorrelated with y)", id="orthogonality"),
        Step(mse(U * D * U.T, C_eig),
             sp.Trace((eye - D) ** 2 * B) + sigma ** 2 * sp.Trace(D ** 2),
             "Hy = Σ_k h_k ⟨y, ψ_k⟩ ψ_k, x = Σ_k ⟨x, ψ_k⟩ ψ_k (6.4.5), y = x + z: the error "
             "splits over the orthonormal basis ψ_k (the notes' (λ_k(x) + 1) is the coefficient "
             "h_k - 1 of ⟨x, ψ_k⟩)", "6.4.6", id="eigenbasis_mse"),
        Step(E(((h - 1) * xi + h * zeta) ** 2, evaluate=False), coeff_mse,
             "E|⟨x,ψ_k⟩|² = β_k, E|⟨z,ψ_k⟩|² = σ², cross term zero (x ⟂ z)", "6.4.7",
             printed=Printed(rhs=((h - 1) * sp.sqrt(beta) + h * sigma ** 2) ** 2,
                             note="the notes print |(λ_k + 1)⟨x,ψ_k⟩ + h_k σ²|²: σ² replaces "
                                  "⟨z,ψ_k⟩ inside the square; the noise term is h_k² σ², "
                                  "outside (here ⟨x,ψ_k⟩ = √β_k, λ_k + 1 = h_k - 1)"), id="coefficient_mse"),
        Step(held_derivative(coeff_mse, h).subs(h, gain), sp.S.Zero,
             "stationarity ∂_{h_k} ε² = 0 at h_k = β_k/(β_k + σ²); the notes write "
             "|⟨x,ψ_k⟩|² for β_k (the oracle gain: same formula)", "6.4.8", id="coefficient_stationary"),
        Step(held_derivative(coeff_mse, h, 2), 2 * (beta + sigma ** 2),
             "second derivative 2(β_k + σ²) > 0: the stationary point is the minimum", "6.4.8", id="coefficient_convex"),
        Step(coeff_mse.subs(h, gain), sigma ** 2 * beta / (beta + sigma ** 2),
             "minimum per coefficient", "6.4.9", id="coefficient_minimum"),
        Step(sigma ** 2 * sp.Trace(C_eig * (C_eig + sigma ** 2 * eye).inverse()), eigen_sum,
             "ε² = σ² tr(C (C + σ²I)^{-1}) = Σ_k σ² β_k/(β_k + σ²) in the eigenbasis", "6.4.9",
             printed=Printed(lhs=sp.sqrt(sigma ** 2 * sp.Trace(
                 C_eig * (C_eig + sigma ** 2 * eye).inverse())),
                 note="the notes print ε = Σ_k …; ε² = E‖Hy - x‖² was defined above, so the "
                      "sum is ε², not ε"), id="eigen_sum_mse"),
    )
    spd_strategy, eigen_strategy = _wiener_strategies()
    rotation = [[0.6, -0.8, 0.0], [0.8, 0.6, 0.0], [0.0, 0.0, 1.0]]   # ψ_k not the canonical basis
    claims = (
        Claim("wiener_mse", "mean", min_mse, denoising.wiener_error,
              ({"d": 2, "sigma": 0.7, "C": [[2.0, 0.6], [0.6, 0.5]]},
               {"d": 3, "sigma": 1.2, "C": [[1.5, 0.4, -0.3], [0.4, 1.0, 0.2], [-0.3, 0.2, 0.6]]}),
              spd_strategy, equation="6.4.1",
              simulates="x ~ N(0, C) (Cholesky), y = x + σz in R^d, H = (C + σ²I)⁻¹C by a linear "
                        "solve; the sample is ‖Hy − x‖²"),
        Claim("wiener_mse_eigenbasis", "mean", eigen_sum, denoising.eigenbasis_wiener_error,
              ({"d": 3, "sigma": 0.8, "U": rotation,
                "B": [[2.5, 0.0, 0.0], [0.0, 0.7, 0.0], [0.0, 0.0, 0.1]]},),
              eigen_strategy, equation="6.4.9",
              simulates="x = Σ_k √β_k ξ_k ψ_k (ψ_k the columns of U), y = x + σz, gains "
                        "h_k = β_k/(β_k + σ²) applied to ⟨y, ψ_k⟩; the sample is ‖Σ_k h_k⟨y,ψ_k⟩ψ_k − x‖²"),
    )
    return Derivation(
        id="mallat.wiener_filter",
        title="Wiener filter: the optimal linear denoiser and its error in the PCA basis",
        lecture="Mallat",
        section="6.3 Example of Denoising Gaussian; 6.4.1 Optimal Denoising (Theorem 4)",
        equations=("6.3.22", "6.3.23", "6.3.24", "6.4.1", "6.4.2", "6.4.6", "6.4.7", "6.4.8",
                   "6.4.9"),
        not_encoded={"6.4.3": "definition of the Fourier basis ψ_k (the PCA basis of a "
                              "stationary signal); the checks use a general orthogonal U",
                     "6.4.4": "definition β_k = ⟨Cψ_k, ψ_k⟩ = E|⟨x,ψ_k⟩|², used through "
                              "C = U diag(β) Uᵀ",
                     "6.4.5": "expansion of x in the orthonormal basis ψ_k (used in 6.4.6)"},
        steps=steps,
        claims=claims,
        matrices=(Matrix(C, frozenset({"spd"})), Matrix(U, frozenset({"orthogonal"})),
                  Matrix(B, frozenset({"diagonal", "spd"})), Matrix(D, frozenset({"diagonal"})),
                  Matrix(H), Matrix(x_sigma)),
        dimensions={d: (1, 2, 3)},
        notation=matrix_notation(d).merge(Notation(
            {"x": sp.MatrixSymbol("x", d, 1), "y": sp.MatrixSymbol("y", d, 1),
             "z": sp.MatrixSymbol("z", d, 1), r"\psi_k": sp.MatrixSymbol("psi_k", d, 1),
             "h_k": h,
             # ε² = E‖Hy - x‖² (defined before Theorem 4), at the optimum H
             r"\epsilon": sp.sqrt(min_mse), "k": sp.Symbol("k", integer=True)},
            # x̂(·) is the denoiser of 6.3.16, x̂(x_σ) = x_σ + σ² ∇log p_σ(x_σ), here with the
            # Gaussian score -(C + σ²I)^{-1} x_σ (step tweedie_linear's right side)
            {r"\hat{x}": sp.Lambda(sp.Dummy("argument"), tweedie_form)},
            indices={"k": (1, d)})),
        printed_in_notes=_quotes(),
    )


DERIVATION = _build()
# ==== end section: wiener_filter ====
