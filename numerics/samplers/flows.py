"""Normalizing flows (Mallat 6.2.3): one affine coupling layer on R² = R^{d0} × R^{d1},
d0 = d1 = 1, with the linear scale and shift S(x₀) = a x₀, t(x₀) = b x₀.

T(x) = (x₀, e^{S(x₀)} x₁ + t(x₀)) (6.2.16) maps the data to the Gaussian latent and
T⁻¹(z) = (z₀, (z₁ − t(z₀)) e^{−S(z₀)}) (6.2.17) maps it back. The sampler draws the easy law,
z ~ N(0, I₂), and pushes it through T⁻¹: the law of the draws is p_x of 6.2.14, which it never
evaluates.

>>> x0, x1 = inverse_coupling_layer(np.array([0.5]), np.array([1.0]), 0.2, -0.4)
>>> bool(np.allclose(coupling_layer(x0, x1, 0.2, -0.4), [[0.5], [1.0]]))
True
"""
from __future__ import annotations

import numpy as np

from ..checks import count, finite

__all__ = ["coupling_layer", "flow_draws", "inverse_coupling_layer",
           "inverse_flow_second_moment"]


def _layer(a, b) -> tuple[float, float]:
    return finite("a", a), finite("b", b)


def coupling_layer(x0: np.ndarray, x1: np.ndarray, a: float, b: float) -> np.ndarray:
    """T(x) = (x₀, e^{a x₀} x₁ + b x₀) (6.2.16), as rows of a ``(2, n)`` array."""
    a, b = _layer(a, b)
    return np.stack([x0, np.exp(a * x0) * x1 + b * x0])


def inverse_coupling_layer(z0: np.ndarray, z1: np.ndarray, a: float, b: float) -> np.ndarray:
    """T⁻¹(z) = (z₀, (z₁ − b z₀) e^{−a z₀}) (6.2.17), as rows of a ``(2, n)`` array."""
    a, b = _layer(a, b)
    return np.stack([z0, (z1 - b * z0) * np.exp(-a * z0)])


def flow_draws(rng: np.random.Generator, size: int, a: float, b: float) -> np.ndarray:
    """``size`` draws x = T⁻¹(z), z ~ N(0, I₂), as rows ``(x₀, x₁)`` of a ``(2, size)`` array.

    >>> flow_draws(np.random.default_rng(0), 4, 0.2, 0.5).shape
    (2, 4)
    """
    a, b = _layer(a, b)
    x = rng.standard_normal((2, count("size", size, 0)))  # z, overwritten by x = T⁻¹(z)
    x0, x1 = x
    x1 -= b * x0                 # z₁ − t(z₀)
    x1 *= np.exp(-a * x0)        # ⊙ e^{−S(z₀)} (6.2.17)
    return x


def inverse_flow_second_moment(rng: np.random.Generator, size: int, a: float, b: float,
                               **_: object) -> np.ndarray:
    """Rows ``(x₁², He…)``: x₁² for x = T⁻¹(z), z ~ N(0, I₂) (6.2.17), whose mean is
    ∫∫ x₁² p_x(x) dx of 6.2.14, and as control variates the five Hermite polynomials of degree
    1–2 in (z₀, z₁), He₁(z₀), He₁(z₁), He₂(z₀), z₀z₁, He₂(z₁), mean 0 under N(0, I₂) (they cut
    the variance 3–6 fold; the degree-3 ones would cut it 14–60 fold but double the estimator's
    cross-moment work per sample).

    >>> inverse_flow_second_moment(np.random.default_rng(0), 4, 0.2, 0.5).shape
    (6, 4)
    """
    a, b = _layer(a, b)
    n = count("size", size, 0)
    out = np.empty((6, n))
    rng.standard_normal(out=out[1:3])  # z, kept as He₁(z₀), He₁(z₁)
    z0, z1 = out[1], out[2]
    x1, scale = out[0], out[3]   # row 3 holds e^{−a z₀} until He₂(z₀) overwrites it
    np.multiply(z0, -b, out=x1)  # x₁ = (z₁ − b z₀) e^{−a z₀}, squared (6.2.17)
    x1 += z1
    np.multiply(z0, -a, out=scale)
    np.exp(scale, out=scale)
    x1 *= scale
    np.square(x1, out=x1)
    np.square(z0, out=out[3])    # He₂(z₀), z₀z₁, He₂(z₁)
    out[3] -= 1
    np.multiply(z0, z1, out=out[4])
    np.square(z1, out=out[5])
    out[5] -= 1
    return out
