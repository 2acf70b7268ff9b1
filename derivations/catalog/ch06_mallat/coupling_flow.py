"""Normalizing flows with an affine coupling layer (Mallat 6.2.14–6.2.19): the inverse layer,
the triangular Jacobian whose log-determinant is S(x₀), and the likelihood it gives.

Checked with d₀ = d₁ = 1 (x = (x₀, x₁), d = 2): S and t are undefined real functions, checked
on smooth instances c₀ + c₁u + c₂ tanh(c₃u); the change of variables 6.2.14 is integrated for
the linear layer S(x₀) = a x₀, t(x₀) = b x₀ and p_z = N(0, I₂).
"""
from __future__ import annotations

import sympy as sp
from derivations.model.strategies import st

from numerics.samplers import flows

from ...latex import Notation
from ...model import Claim, Derivation, FunctionFamily, Quote, Range, Step
from ...symbolic.held import held_derivative
from .notation import CHAPTER

X0, X1 = sp.symbols("x_0 x_1", real=True)      # x = (x₀, x₁) ∈ R^{d0} × R^{d1}
Z0, Z1 = sp.symbols("z_0 z_1", real=True)      # z = (z₀, z₁), the Gaussian latent
_Y0, _Y1 = sp.symbols("y_0 y_1", real=True)    # T's argument, bound in a held composition
LOG_SCALE = sp.Function("S_theta", real=True)          # the log-scale S_θ of 6.2.16
SHIFT = sp.Function("t_theta", real=True)      # the shift t_θ of 6.2.16
A = sp.Symbol("a", real=True)                  # the linear layer S(x₀) = a x₀ …
B = sp.Symbol("b", real=True)                  # … t(x₀) = b x₀
_I = sp.Symbol("i", integer=True, positive=True)


def coupling(x0, x1, scale=LOG_SCALE, shift=SHIFT):
    """T(x) = (x₀, e^{S(x₀)} ⊙ x₁ + t(x₀)) (6.2.16)."""
    return x0, sp.exp(scale(x0)) * x1 + shift(x0)


def inverse_coupling(z0, z1, scale=LOG_SCALE, shift=SHIFT):
    """T⁻¹(z) = (z₀, (z₁ − t(z₀)) ⊙ e^{−S(z₀)}) (6.2.17)."""
    return z0, (z1 - shift(z0)) * sp.exp(-scale(z0))


def jacobian(x0, x1, scale=LOG_SCALE, shift=SHIFT) -> sp.ImmutableMatrix:
    """𝒥_T(x) = ∂T_j/∂x_k with held derivatives (the verifier differentiates)."""
    return sp.ImmutableMatrix([[held_derivative(c, v) for v in (x0, x1)]
                               for c in coupling(x0, x1, scale, shift)])


def gaussian_latent(z0, z1):
    """p_z = N(0, I₂), the easy law of 6.2.14."""
    return sp.exp(-(z0 ** 2 + z1 ** 2) / 2) / (2 * sp.pi)


def _smooth(rng) -> sp.Lambda:
    """c₀ + c₁u + c₂ tanh(c₃u), small rational c_k: a smooth real S or t."""
    u = sp.Dummy("u", real=True)
    c = [sp.Rational(rng.randint(-12, 12), 6) for _ in range(4)]
    return sp.Lambda(u, c[0] + c[1] * u + c[2] * sp.tanh(c[3] * u))


_SMOOTH = "c₀ + c₁u + c₂ tanh(c₃u), rational c_k in [-2, 2]"

# T(T⁻¹(z)) and T⁻¹(T(x)), second components, the composition held (6.2.16–6.2.17)
_forward_of_inverse = sp.Subs(coupling(_Y0, _Y1)[1], (_Y0, _Y1), inverse_coupling(Z0, Z1))
_inverse_of_forward = sp.Subs(inverse_coupling(_Y0, _Y1)[1], (_Y0, _Y1), coupling(X0, X1))
_det_jacobian = sp.Determinant(jacobian(X0, X1))
_latent_at_T = gaussian_latent(*coupling(X0, X1))
_data_density = _latent_at_T * _det_jacobian                       # p_x(x), 6.2.14

# the linear layer S(x₀) = a x₀, t(x₀) = b x₀: det 𝒥_T = e^{a x₀}
_scale, _shift = sp.Lambda(X0, A * X0), sp.Lambda(X0, B * X0)
_linear_density = gaussian_latent(*coupling(X0, X1, _scale, _shift)) * sp.exp(A * X0)
second_moment_given_x0 = (sp.exp(-2 * A * X0) * (1 + B ** 2 * X0 ** 2)
                          * sp.exp(-X0 ** 2 / 2) / sp.sqrt(2 * sp.pi))
second_moment = sp.exp(2 * A ** 2) * (1 + B ** 2 * (1 + 4 * A ** 2))   # E x₁² under p_x

_STEPS = (
    Step(_forward_of_inverse, Z1,
         "T ∘ T⁻¹ = id: e^{S(z₀)} ⊙ (z₁ − t(z₀)) ⊙ e^{−S(z₀)} + t(z₀) = z₁ (the first "
         "component z₀ passes through)", "6.2.17", id="coupling_inverse"),
    Step(_inverse_of_forward, X1,
         "T⁻¹ ∘ T = id: (e^{S(x₀)} ⊙ x₁ + t(x₀) − t(x₀)) ⊙ e^{−S(x₀)} = x₁", "6.2.17",
         id="coupling_left_inverse"),
    Step(_det_jacobian, sp.exp(LOG_SCALE(X0)),
         "𝒥_T is block lower triangular, ∂T₀/∂x₁ = 0, with diagonal blocks I and "
         "diag(e^{S(x₀)}): its determinant is e^{S(x₀)}", "6.2.18", id="coupling_jacobian"),
    Step(sp.log(sp.Abs(_det_jacobian)), LOG_SCALE(X0),
         "log|det 𝒥_T(x)| = Σ_{i=1}^{d₁} S_i(x₀), one term per coordinate of x₁ (d₁ = 1)",
         "6.2.18", id="log_det_jacobian"),
    Step(-sp.log(_data_density), -sp.log(_latent_at_T) - sp.log(sp.Abs(_det_jacobian)),
         "−log p_x(x) with p_x(x) = p_z(T(x)) det 𝒥_T(x) (6.2.14): the integrand of 6.2.15 "
         "(det 𝒥_T = e^{S(x₀)} > 0, so det = |det|)", "6.2.15", id="log_likelihood_split"),
    Step(-sp.log(_data_density), -sp.log(_latent_at_T) - LOG_SCALE(X0),
         "the integrand of 6.2.19: log|det 𝒥_T| = S(x₀) (6.2.18, the sum over the d₁ = 1 "
         "coordinates of x₁)", "6.2.19", id="coupling_log_likelihood"),
    Step(sp.Integral(X1 ** 2 * _linear_density, (X1, -sp.oo, sp.oo)), second_moment_given_x0,
         "p_x of 6.2.14 for S(x₀) = a x₀, t(x₀) = b x₀ (det 𝒥_T = e^{a x₀}); substitute "
         "u = e^{a x₀} x₁ + b x₀: ∫ x₁² p_x dx₁ = e^{−2a x₀}(1 + b² x₀²) φ(x₀)", "6.2.14",
         id="flow_second_moment_given_x0"),
    Step(sp.Integral(second_moment_given_x0, (X0, -sp.oo, sp.oo)), second_moment,
         "E e^{−2a z} = e^{2a²}, E z² e^{−2a z} = (1 + 4a²) e^{2a²} for z ~ N(0, 1): "
         "E x₁² = e^{2a²}(1 + b²(1 + 4a²))", "6.2.14", id="flow_second_moment"),
)

_finite = dict(allow_nan=False, allow_infinity=False)
_CLAIMS = (
    Claim("flow_second_moment_draws", "mean", second_moment, flows.inverse_flow_second_moment,
          ({"a": 0.2, "b": 0.5}, {"a": -0.3, "b": 1.0}),
          st.fixed_dictionaries({"a": st.floats(-0.3, 0.3, **_finite),
                                 "b": st.floats(-1.0, 1.0, **_finite)}),
          equation="6.2.14",
          simulates="z ~ N(0, I₂) pushed through the inverse coupling layer T⁻¹ of 6.2.17 with "
                    "S(x₀) = a x₀, t(x₀) = b x₀; the sample is x₁²",
          pilot=1 << 19,  # x₁² has e^{−2a z₀} tails: size the run on a stable variance
          control_note="controls: the five Hermite polynomials of degree 1–2 in (z₀, z₁), "
                       "He₁(z₀), He₁(z₁), He₂(z₀), z₀z₁, He₂(z₁) (mean 0 under N(0, I₂))",
          invalid_cases=(({"a": float("nan"), "b": 0.5}, "a="),
                         ({"a": 0.2, "b": float("inf")}, "b="))),
)


# the notes' maps of x = (x₀, x₁) and z = (z₀, z₁), as the reader applies them
def _T(x):
    return sp.Tuple(*coupling(*x))


def _T_inverse(z):
    return sp.Tuple(*inverse_coupling(*z))


def _J(x):
    return jacobian(*x)


def _p_z(z):
    return gaussian_latent(*z)


def _p_x(x):
    return _p_z(_T(x)) * sp.exp(LOG_SCALE(x[0]))


_SUM_NOTE = ("s_θ read as the S_θ of 6.2.16 and d as the dimension of x (here d₀ = d₁ = 1, "
             "d = 2): the summand does not depend on i, so the printed sum is d s_θ(x₀) = 2S(x₀); "
             "the Hadamard scale e^{S} acts on the d₁ coordinates of x₁ only, so the sum runs "
             "over i = 1..d₁ of the components S_i(x₀), here S(x₀)")

DERIVATION = Derivation(
    id="mallat.coupling_flow",
    title="Normalizing flows: the affine coupling layer, its inverse and log-determinant",
    lecture="Mallat",
    section="6.2.3 Normalizing Flows",
    equations=("6.2.14", "6.2.15", "6.2.16", "6.2.17", "6.2.18", "6.2.19"),
    definitions=("6.2.14", "6.2.16", "6.2.17"),
    steps=_STEPS,
    claims=_CLAIMS,
    functions=(FunctionFamily(LOG_SCALE, _smooth, _SMOOTH), FunctionFamily(SHIFT, _smooth, _SMOOTH)),
    sizes={X0: Range(-10, 10, "the held ∂/∂x₁ of e^{S(x₀)} x₁ + t(x₀) is taken numerically: at "
                              "|x₀| ~ 10³ the instances' e^{S(x₀)} ~ 10^{-800} is lost against "
                              "t(x₀) at any working precision; |x₀| ≤ 10 keeps |S| ≤ 24")},
    notation=CHAPTER.merge(Notation(
        {"x": sp.Tuple(X0, X1), "z": sp.Tuple(Z0, Z1), "x_0": X0, "x_1": X1, "z_0": Z0,
         "z_1": Z1, "d": sp.Integer(2), r"\theta": sp.Symbol("theta", real=True), "i": _I},
        {r"T_\theta": _T, r"T_\theta^{-1}": _T_inverse, r"S_\theta": LOG_SCALE, r"s_\theta": LOG_SCALE,
         r"t_\theta": SHIFT, r"\mathcal{J}_T": _J, r"\mathcal{J}_{T_\theta}": _J,
         "p_z": _p_z, "p_x": _p_x, "p": sp.Function("p"),
         r"\ell": sp.Function("ell")})),
    printed_in_notes=(
        Quote("6.2.14", line=671, latex=r"p_x(x) = p_z(T_\theta(x)) \det \mathcal{J}_T(x)",
              unchecked={0: "the change of variables that defines p_x, the law of T⁻¹(z) for "
                            "z ~ p_z; steps coupling_jacobian (det 𝒥_T = e^{S(x₀)}) and "
                            "flow_second_moment (its second moment, against draws) check it"}),
        Quote("6.2.15", line=677,
              latex=r"\ell(\theta) = -\mathbb{E}_{x \sim p}[\log p_z(T_\theta(x))] - "
                    r"\mathbb{E}_{x \sim p}[\log |\det \mathcal{J}_{T_\theta}|]",
              unchecked={0: "expectations over the data law p, which the notes leave "
                            "unspecified: step log_likelihood_split checks the integrand "
                            "−log p_x(x) = −log p_z(T(x)) − log|det 𝒥_T(x)| pointwise"}),
        Quote("6.2.16", line=685,
              latex=r"T_\theta(x) = (x_0, e^{S_\theta(x_0)} \odot x_1 + t_\theta(x_0))",
              unchecked={0: "defines the coupling layer T_θ"}),
        Quote("6.2.17", line=687,
              latex=r"T_\theta^{-1}(z) = (z_0, (z_1 - t_\theta(z_0)) \odot e^{-S_\theta(z_0)})",
              unchecked={0: "defines T_θ⁻¹ as written; steps coupling_inverse and "
                            "coupling_left_inverse check that it inverts 6.2.16"}),
        Quote("6.2.18", line=691,
              latex=r"\implies \log |\det \mathcal{J}_{T_\theta}(x)| = \sum_{i=1}^d s_\theta(x_0)",
              note=_SUM_NOTE),
        Quote("6.2.19", line=695,
              latex=r"\ell(\theta) = -\mathbb{E}_{x \sim p}[\log p_z(T_\theta(x))] - "
                    r"\sum_{i=1}^d \mathbb{E}_{x \sim p}[s_\theta(x_0)]",
              note=_SUM_NOTE,
              unchecked={0: "expectations over the unspecified data law p, and the sum over d "
                            "of 6.2.18 repeated (its erratum is reported there); step "
                            "coupling_log_likelihood checks the integrand with S(x₀)"}),
    ),
)
