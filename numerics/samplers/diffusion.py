"""Generative diffusion (Mézard, chapter 7): data noised by the forward process ẋ = -x + η.

The forward process is simulated by its Itô discretisation (7.2.4), ``x_{k+1} = (1 - h) x_k +
√(2h) z_k``, from data drawn from the data law — never from the Gaussian law of x(t) the
derivations conclude.  The scheme's own moments are geometric sums, so its bias against the
continuous process is known exactly (:func:`noised_gaussian_rel_bias`).
"""
from __future__ import annotations

import math

import numpy as np

from ..checks import count
from . import sde
from .sde import _check


def _chain_factors(t: float, steps: int) -> tuple[float, float]:
    """``((1 - h)^{2n}, 2h Σ_{k<n} (1 - h)^{2k})`` for ``h = t/n``: how the chain damps the
    datum's variance and how much noise it adds."""
    n = count("steps", steps, 1)
    h = float(t) / n
    if not h < 1.0:
        raise ValueError(f"steps={steps!r}, expected steps > t={t!r} (step h = t/steps < 1)")
    r2 = (1.0 - h) ** 2
    damp = r2 ** n
    return damp, 2.0 * h * (1.0 - damp) / (1.0 - r2)


def noised_gaussian_square(rng: np.random.Generator, size: int, m: float, s: float, t: float,
                           steps: int, **_: object) -> np.ndarray:
    """Data ``a ~ N(m, s²)`` noised by the Euler–Maruyama chain of ẋ = -x + η to time ``t``;
    the sample is ``(x - m (1 - h)^n)²`` (the chain's mean is ``m (1 - h)^n`` exactly).

    >>> x = noised_gaussian_square(np.random.default_rng(0), 4, 0.5, 1.0, 0.3, 10)
    >>> x.shape
    (4,)
    """
    n = _check(x0=m, sigma=s, t=t, steps=steps, size=size)
    if not float(s) > 0:
        raise ValueError(f"s={s!r}, expected s > 0 (the data's standard deviation)")
    _chain_factors(t, n)
    h = float(t) / n
    x = float(m) + float(s) * rng.standard_normal(size)
    z = np.empty(size)
    kick = math.sqrt(2.0 * h)
    for _k in range(n):
        rng.standard_normal(out=z)
        x *= 1.0 - h
        z *= kick
        x += z
    x -= float(m) * (1.0 - h) ** n
    np.multiply(x, x, out=x)
    return x


def noised_gaussian_rel_bias(s: float, t: float, steps: int, **_: object) -> tuple[float, float]:
    """Relative bias of :func:`noised_gaussian_square`'s mean against Γ_t = Δ_t + e^{-2t} s²:
    the chain's exact second moment ``s² (1-h)^{2n} + 2h Σ (1-h)^{2k}`` over Γ_t, minus 1, padded
    by 1e-12 for rounding."""
    damp, noise = _chain_factors(t, steps)
    gamma = -math.expm1(-2.0 * float(t)) + math.exp(-2.0 * float(t)) * float(s) ** 2
    b = (float(s) ** 2 * damp + noise) / gamma - 1.0
    return b - 1e-12, b + 1e-12


# ------------------------------------------------- the forward chain in Mézard's parameters
_SQRT2 = math.sqrt(2.0)


def forward_mean_sample(rng: np.random.Generator, size: int, a: float, t: float, steps: int,
                        **_: object) -> np.ndarray:
    """Rows ``(x(t), W_t)``: the Euler–Maruyama chain of ẋ = -x + η (dx = -x dt + √2 dW) from
    the datum ``a``, with the Brownian endpoint as control variate (mean 0)."""
    return sde.ou_em_mean_sample(rng, size, a, 1.0, _SQRT2, t, steps)


def forward_square_sample(rng: np.random.Generator, size: int, t: float, steps: int,
                          **_: object) -> np.ndarray:
    """Rows ``((x(t) - x̄(t))², control)``: the chain's deviation from its noiseless run, whose
    mean is the variance of x(t) (see :func:`numerics.samplers.sde.ou_em_square_sample`)."""
    return sde.ou_em_square_sample(rng, size, 1.0, _SQRT2, t, steps)


def forward_mean_rel_bias(t: float, steps: int, **_: object) -> tuple[float, float]:
    """Step bias of :func:`forward_mean_sample` (κ = 1)."""
    return sde.ou_em_mean_rel_bias(1.0, t, steps)


def forward_variance_rel_bias(t: float, steps: int, **_: object) -> tuple[float, float]:
    """Step bias of :func:`forward_square_sample` against Δ_t (κ = 1)."""
    return sde.ou_em_variance_rel_bias(1.0, t, steps)


def forward_stationary_rel_bias(t: float, steps: int, **_: object) -> tuple[float, float]:
    """Step and finite-time bias of :func:`forward_square_sample` against the stationary 1."""
    return sde.ou_em_stationary_rel_bias(1.0, t, steps)


def schedule_square_sample(rng: np.random.Generator, size: int, kappa: float, g: float, t: float,
                           steps: int, **_: object) -> np.ndarray:
    """The chain of ẋ = -κx + g η (⟨gη gη⟩ = 2g²δ, i.e. dx = -κx dt + √2 g dW): rows as in
    :func:`forward_square_sample`."""
    return sde.ou_em_square_sample(rng, size, kappa, _SQRT2 * float(g), t, steps)


def schedule_variance_rel_bias(kappa: float, t: float, steps: int, **_: object) -> tuple[float, float]:
    """Step bias of :func:`schedule_square_sample` against s²σ² (constant f = -κ, g)."""
    return sde.ou_em_variance_rel_bias(kappa, t, steps)
