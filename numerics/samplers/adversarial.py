"""Generative adversarial networks (Mallat 6.2.2): the GAN game on a finite set of three
"images" 𝒳 = {1, 2, 3}, at the optimal discriminator D* = p_data/(p_data + p_G) (6.2.11).

Both laws are given by positive weights, p_data(i) = a_i/Σa and p_G(i) = b_i/Σb.  Real data are
drawn from p_data; generated data are G(z) for Gaussian noise z ~ N(0, 1), G the quantiser that
sends z to the cell of 𝒳 whose Gaussian probability is p_G(i) (the notes' G : z → Images).  The
sampler returns the summand of the loss 6.2.9 at D*; it never evaluates the Jensen–Shannon
closed form 6.2.12 the derivation concludes.

>>> generated_points(np.random.default_rng(0), 5, 1.0, 1.0, 2.0).shape
(5,)
"""
from __future__ import annotations

from statistics import NormalDist

import numpy as np

from ..checks import count, finite

__all__ = ["data_points", "generated_points", "optimal_discriminator", "gan_value_at_optimum"]


def _law(prefix: str, weights) -> np.ndarray:
    """The probabilities w_i/Σw of positive weights named ``prefix1``, ``prefix2``, …"""
    w = np.array([finite(f"{prefix}{i}", v, positive=True) for i, v in enumerate(weights, 1)])
    return w / w.sum()


def optimal_discriminator(data_weights, generator_weights) -> np.ndarray:
    """D*(i) = p_data(i)/(p_data(i) + p_G(i)) on 𝒳 (6.2.11), indexed from 0.

    >>> optimal_discriminator((1, 1, 1), (1, 1, 1)).tolist()
    [0.5, 0.5, 0.5]
    """
    p, q = _law("a", data_weights), _law("b", generator_weights)
    return p / (p + q)


def _data_cuts(weights) -> np.ndarray:
    """Inverse-CDF cuts of p_data on the uniform: u ∈ [c_{i−1}, c_i) is the image i."""
    return np.cumsum(_law("a", weights))[:-1]


def _generator_cuts(weights) -> list[float]:
    """G's cuts on the noise: z ∈ [Φ⁻¹(c_{i−1}), Φ⁻¹(c_i)) is sent to image i, c = cumsum p_G."""
    normal = NormalDist()
    return [normal.inv_cdf(c) for c in np.cumsum(_law("b", weights))[:-1]]


def _cell(draws: np.ndarray, cuts, values=None) -> np.ndarray:
    """The index of each draw's cell (``values`` None) or the cell's value, by comparisons
    with the increasing ``cuts`` (cheaper than ``searchsorted`` and a gather for 3 cells)."""
    if values is None:
        out = np.zeros(draws.size, dtype=np.intp)
        for c in cuts:
            out += draws >= c
        return out
    out = np.full(draws.size, values[0])
    for k, c in enumerate(cuts):
        out += (draws >= c) * (values[k + 1] - values[k])
    return out


def data_points(rng: np.random.Generator, size: int, a1: float, a2: float, a3: float) -> np.ndarray:
    """``size`` real images x ~ p_data, as indices 0, 1, 2 of 𝒳 = {1, 2, 3} (inverse CDF)."""
    cuts = _data_cuts((a1, a2, a3))
    return _cell(rng.random(count("size", size, 0)), cuts)


def generated_points(rng: np.random.Generator, size: int, b1: float, b2: float,
                     b3: float) -> np.ndarray:
    """``size`` generated images G(z), z ~ N(0, 1): z is sent to cell i (index i − 1) when
    Φ⁻¹(q₁ + … + q_{i−1}) ≤ z < Φ⁻¹(q₁ + … + q_i), q = p_G, so G(z) has the law p_G."""
    cuts = _generator_cuts((b1, b2, b3))
    return _cell(rng.standard_normal(count("size", size, 0)), cuts)


def gan_value_at_optimum(rng: np.random.Generator, size: int, a1: float, a2: float, a3: float,
                         b1: float, b2: float, b3: float, **_: object) -> np.ndarray:
    """``log D*(x) + log(1 − D*(G(z)))`` for a real image x ~ p_data and a generated one G(z),
    z ~ N(0, 1), independent, D* = p_data/(p_data + p_G) (6.2.11): the summand of the loss
    6.2.9, whose mean is L(D*, G).  The draws are those of :func:`data_points` and
    :func:`generated_points`, with D*'s values read off their cells.

    >>> gan_value_at_optimum(np.random.default_rng(0), 4, 1, 2, 3, 3, 2, 1).shape
    (4,)
    """
    data, gen = (a1, a2, a3), (b1, b2, b3)
    d_star = optimal_discriminator(data, gen)
    n = count("size", size, 0)
    out = _cell(rng.random(n), _data_cuts(data), np.log(d_star))
    out += _cell(rng.standard_normal(n), _generator_cuts(gen), np.log1p(-d_star))
    return out
