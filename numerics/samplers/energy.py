"""Energy-based models (LeCun, chapter 5): the linear decoder's energy E(y, z) = (y − wz)² (5.2.1)
with a standard normal prior on the latent z, and the trial free energy of 5.2.3.

The samplers draw latents from the laws the model is given — the prior, or a trial law q — and
return what the definitions average: whether a prior draw is accepted with probability e^{-βE}
(the partition function), and the integrand of 5.2.3; they never draw from the Gibbs posterior
the derivation concludes.
"""
from __future__ import annotations

import math

import numpy as np

from ..checks import count, finite


def _decoder(y, w, beta) -> tuple[float, float, float]:
    return finite("y", y), finite("w", w, positive=True), finite("beta", beta, positive=True)


def prior_draw_accepted(rng: np.random.Generator, size: int, y: float, w: float, beta: float,
                        **_: object) -> np.ndarray:
    """Latents ``z ~ N(0, 1)`` drawn from the prior, each accepted with probability
    ``e^{-β E(y, z)}`` — when an independent ``e ~ Exp(1)`` exceeds ``β E(y, z)`` — as 0/1: the
    acceptance probability is the partition function Z = ∫ p(z) e^{-β E(y, z)} dz, and the
    accepted latents are distributed as q(z) e^{-βE}/Z (rejection sampling of 5.2.4's law).

    >>> prior_draw_accepted(np.random.default_rng(0), 4, 0.5, 1.0, 0.5).shape
    (4,)
    """
    y, w, beta = _decoder(y, w, beta)
    n = count("size", size, 0)
    energy = rng.standard_normal(n)
    energy *= -w  # (y − wz)², in place
    energy += y
    np.square(energy, out=energy)
    energy *= beta
    return (rng.standard_exponential(n) > energy).astype(np.float64)


def trial_free_energy_sample(rng: np.random.Generator, size: int, y: float, w: float, beta: float,
                             mu: float, s: float, **_: object) -> np.ndarray:
    """``E(y, z) + β⁻¹ log(q(z)/p(z))`` for ``z ~ q = N(μ, s²)``, ``p = N(0, 1)`` the prior: the
    integrand of the trial free energy 𝓛(q) of 5.2.3, whose mean is 𝓛(q).

    >>> trial_free_energy_sample(np.random.default_rng(0), 4, 0.5, 1.0, 0.5, 0.2, 0.8).shape
    (4,)
    """
    y, w, beta = _decoder(y, w, beta)
    mu, s = finite("mu", mu), finite("s", s, positive=True)
    n = count("size", size, 0)
    xi = rng.standard_normal(n)  # ξ = (z − μ)/s
    z = xi * s
    z += mu
    # β⁻¹ log(q(z)/p(z)) = β⁻¹ ((z² − ξ²)/2 − log s): the ½ log 2π of both densities cancel
    info = np.square(z)
    np.square(xi, out=xi)
    info -= xi
    info *= 0.5 / beta
    info -= math.log(s) / beta
    z *= -w  # the energy (y − wz)², in place
    z += y
    np.square(z, out=z)
    z += info
    return z


# Mallat 6.2.1 with U_θ(x) = θx⁴: Gaussian proposals y = θ^{1/4}x ~ N(0, k²), accepted with
# probability e^{-(y² − c)²}, c = 1/(4k²) (≈ 80 % accepted at k = 0.7)
_PROPOSAL_SD = 0.7
_PROPOSAL_SHIFT = 1 / (4 * _PROPOSAL_SD ** 2)
_ACCEPTED = 0.79


def quartic_model_fourth_power(rng: np.random.Generator, size: int, theta: float,
                               **_: object) -> np.ndarray:
    """``x⁴`` for ``size`` draws of the model ``p_θ(x) ∝ e^{-θx⁴}`` (6.2.1), by rejection from
    Gaussian proposals: ``x ~ N(0, k²θ^{-1/2})`` is kept when an independent ``e ~ Exp(1)``
    exceeds ``θ(x² − c)²``, ``c = 1/(4k²θ^{1/2})`` — the log of e^{-θx⁴} over the proposal's
    Gaussian factor, less its maximum — so only the unnormalised density is used.  ``x⁴`` is
    ∇_θU_θ, whose model average is the contrastive term of 6.2.7.

    >>> quartic_model_fourth_power(np.random.default_rng(0), 4, 1.0).shape
    (4,)
    """
    theta = finite("theta", theta, positive=True)
    n = count("size", size, 0)
    out = np.empty(n)
    filled = 0
    while filled < n:
        batch = int((n - filled) / _ACCEPTED * 1.05) + 16
        y = rng.standard_normal(batch)
        y *= _PROPOSAL_SD
        np.square(y, out=y)                   # y², y = θ^{1/4} x
        gap = y - _PROPOSAL_SHIFT
        np.square(gap, out=gap)
        kept = y[rng.standard_exponential(batch) > gap][: n - filled]
        np.square(kept, out=kept)             # y⁴ = θ x⁴
        out[filled:filled + kept.size] = kept
        filled += kept.size
    out /= theta
    return out
