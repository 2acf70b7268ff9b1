"""Generative diffusion (Mézard, chapter 7): data noised by the forward process ẋ = -x + η.

The forward process is simulated by its Itô discretisation (7.2.4), ``x_{k+1} = (1 - h) x_k +
√(2h) z_k``, from data drawn from the data law — never from the Gaussian law of x(t) the
derivations conclude.  The scheme's own moments are geometric sums, so its bias against the
continuous process is known exactly (:func:`noised_gaussian_rel_bias`).
"""
from __future__ import annotations

import math

import numpy as np

from ..checks import count, finite
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


# ------------------------------------------------- the backward process (7.3.6–7.3.8)
def _backward_factors(m: float, s: float, t_f: float, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Per step ``k`` of the backward chain (τ_k = k h, t_k = t_f - τ_k, h = t_f/steps), the
    Euler–Maruyama gain and shift of ``y_{k+1} = y_k + h F(y_k, t_k) + √(2h) z_k``, where
    ``F(y, t) = y + 2∇log p_t(y) = y - 2(y - m e^{-t})/Γ_t`` is the force of 7.3.7 with the exact
    score of Gaussian data N(m, s²), ``Γ_t = s² e^{-2t} + 1 - e^{-2t}``: ``(1 + h(1 - 2/Γ_k),
    2h m e^{-t_k}/Γ_k)``."""
    n = _check(x0=m, t=t_f, steps=steps)
    if not float(s) > 0:
        raise ValueError(f"s={s!r}, expected s > 0 (the data's standard deviation)")
    if not float(t_f) > 0:
        raise ValueError(f"t_f={t_f!r}, expected t_f > 0 (the forward process's final time)")
    h = float(t_f) / n
    t = float(t_f) - h * np.arange(n)
    decay = np.exp(-t)
    gamma = float(s) ** 2 * decay ** 2 - np.expm1(-2.0 * t)
    gain = 1.0 + h * (1.0 - 2.0 / gamma)
    if not np.all(gain > 0):
        raise ValueError(f"steps={steps!r}, expected a step h = t_f/steps small enough that every "
                         "gain 1 + h(1 - 2/Γ_t) of the chain is positive (no overshoot near the data)")
    return gain, 2.0 * h * float(m) * decay / gamma


def _backward_moments(gain: np.ndarray, shift: np.ndarray, h: float) -> tuple[float, float]:
    """End mean and variance of the backward chain from white noise (μ_0 = 0, V_0 = 1):
    μ_{k+1} = g_k μ_k + c_k (its noiseless run), V_{k+1} = g_k² V_k + 2h."""
    mu, var = 0.0, 1.0
    for g, c in zip(gain.tolist(), shift.tolist()):
        mu, var = g * mu + c, g * g * var + 2.0 * h
    return mu, var


def _chain_end_square(rng: np.random.Generator, size: int, gain: np.ndarray, start_sd: float,
                      kick: float, end_mean: float, m: float) -> np.ndarray:
    """``(y − m)²`` at the end of the linear Gaussian chain y_{k+1} = g_k y_k + c_k + kick·z_k
    started from N(μ_0, start_sd²): y_k = μ_k + kick·w_k exactly, with μ the chain's noiseless
    run (ending at ``end_mean``) and w_{k+1} = g_k w_k + z_k — two array operations per step."""
    w = rng.standard_normal(size)
    w *= start_sd / kick
    z = np.empty(size)
    for g in gain.tolist():
        rng.standard_normal(out=z)
        w *= g
        w += z
    w *= kick
    w += end_mean - float(m)
    np.multiply(w, w, out=w)
    return w


def backward_gaussian_square(rng: np.random.Generator, size: int, m: float, s: float,
                             t_f: float, steps: int, **_: object) -> np.ndarray:
    """The generative run of 7.3.6–7.3.9: white noise ``y ~ N(0, 1)`` at t = t_f (7.3.9) driven
    backward by the Euler–Maruyama chain of dy = F dτ + √2 dW with the force of 7.3.7 and the
    exact score of Gaussian data N(m, s²); the sample is ``(y - m)²`` at τ = t_f (mean s² when
    the backward process recovers the data law, 7.3.8).

    >>> backward_gaussian_square(np.random.default_rng(0), 4, 0.5, 1.3, 3.0, 60).shape
    (4,)
    """
    gain, shift = _backward_factors(m, s, t_f, steps)
    count("size", size, 0)
    kick = math.sqrt(2.0 * float(t_f) / len(gain))
    # y_k = μ_k + √(2h) w_k exactly, with μ the chain's noiseless run (μ_{k+1} = g_k μ_k + c_k)
    # and w_{k+1} = g_k w_k + z_k: two array operations per step instead of four
    mean = _backward_moments(gain, shift, kick * kick / 2.0)[0]
    return _chain_end_square(rng, size, gain, 1.0, kick, mean, m)


def backward_gaussian_rel_bias(m: float, s: float, t_f: float, steps: int,
                               **_: object) -> tuple[float, float]:
    """Relative bias of :func:`backward_gaussian_square`'s mean against s²: the chain is linear
    and Gaussian, so its end mean μ and variance V follow exactly from μ_{k+1} = g_k μ_k + c_k,
    V_{k+1} = g_k² V_k + 2h (μ_0 = 0, V_0 = 1: white noise, not p_{t_f}); the bias is
    (V + (μ - m)²)/s² - 1, padded by 1e-12 for rounding.  It is O(h) (halves when the steps
    double) and includes the finite t_f of the white-noise start (O(e^{-2t_f}))."""
    gain, shift = _backward_factors(m, s, t_f, steps)
    mu, var = _backward_moments(gain, shift, float(t_f) / len(gain))
    b = (var + (mu - float(m)) ** 2) / float(s) ** 2 - 1.0
    return b - 1e-12, b + 1e-12


# ------------------------------------------------- the α-family of reverse SDEs (Mallat 6.3.10–6.3.11)
def _reverse_alpha_factors(m: float, s: float, alpha: float, T: float,
                           steps: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Per step ``k`` of the Euler–Maruyama chain of 6.3.11 (t_k = k h, h = T/steps, forward
    time u_k = T - t_k), ``y_{k+1} = y_k + h F(y_k, t_k) + √(2αh) z_k`` with the drift
    ``F = y + (1 + α)∇log q_t(y) = y - (1 + α)(y - m e^{-u})/Γ_u`` of Gaussian data N(m, s²),
    ``Γ_u = s² e^{-2u} + 1 - e^{-2u}``: the gains ``1 + h(1 - (1 + α)/Γ_k)``, the shifts
    ``h(1 + α) m e^{-u_k}/Γ_k`` and the noise variance ``2αh`` of one step."""
    finite("m", m)
    finite("s", s, positive=True)
    alpha = finite("alpha", alpha, positive=True)
    n = count("steps", steps, 1)
    h = finite("T", T, positive=True) / n
    u = float(T) - h * np.arange(n)
    decay = np.exp(-u)
    gamma = float(s) ** 2 * decay ** 2 - np.expm1(-2.0 * u)
    gain = 1.0 + h * (1.0 - (1.0 + alpha) / gamma)
    if not np.all(gain > 0):
        raise ValueError(f"steps={steps!r}, expected a step h = T/steps small enough that every "
                         "gain 1 + h(1 - (1 + alpha)/Γ_u) of the chain is positive")
    return gain, (1.0 + alpha) * h * float(m) * decay / gamma, 2.0 * alpha * h


def _reverse_alpha_start(m: float, s: float, T: float) -> tuple[float, float]:
    """Mean and variance of the start y_0 ~ p_T = N(m e^{-T}, Γ_T) (6.3.7 at t = T)."""
    decay = math.exp(-float(T))
    return float(m) * decay, float(s) ** 2 * decay ** 2 - math.expm1(-2.0 * float(T))


def reverse_alpha_moments(m: float, s: float, alpha: float, T: float, steps: int,
                          **_: object) -> tuple[float, float]:
    """Exact end mean and variance of :func:`reverse_alpha_square`'s chain: it is linear and
    Gaussian, ``μ_{k+1} = g_k μ_k + c_k``, ``V_{k+1} = g_k² V_k + 2αh`` from p_T.

    >>> mu, var = reverse_alpha_moments(0.5, 1.3, 1.0, 2.0, 4000)
    >>> round(mu, 2), round(var, 2)
    (0.5, 1.69)
    """
    gain, shift, noise = _reverse_alpha_factors(m, s, alpha, T, steps)
    mu, var = _reverse_alpha_start(m, s, T)
    for g, c in zip(gain.tolist(), shift.tolist()):
        mu, var = g * mu + c, g * g * var + noise
    return mu, var


def reverse_alpha_square(rng: np.random.Generator, size: int, m: float, s: float, alpha: float,
                         T: float, steps: int, **_: object) -> np.ndarray:
    """The reverse-time SDE of 6.3.11, ``dy = [y + (1 + α)∇log q_t] dt + √(2α) dW``, with
    q_t = p_{T-t} the exact OU law of Gaussian data N(m, s²) (κ = 1, σ² = 2), started at
    ``y ~ p_T`` and run by Euler–Maruyama to t = T; the sample is ``(y - m)²`` (mean s² when
    the reverse process recovers the data law, for every α).

    >>> reverse_alpha_square(np.random.default_rng(0), 4, 0.5, 1.3, 2.0, 2.0, 40).shape
    (4,)
    """
    gain, shift, noise = _reverse_alpha_factors(m, s, alpha, T, steps)
    count("size", size, 0)
    kick = math.sqrt(noise)
    mu0, var0 = _reverse_alpha_start(m, s, T)
    # y_k = μ_k + √(2αh) w_k, μ the chain's noiseless run and w_{k+1} = g_k w_k + z_k
    mean = mu0
    for g, c in zip(gain.tolist(), shift.tolist()):
        mean = g * mean + c
    return _chain_end_square(rng, size, gain, math.sqrt(var0), kick, mean, m)


def reverse_alpha_rel_bias(m: float, s: float, alpha: float, T: float, steps: int,
                           **_: object) -> tuple[float, float]:
    """Relative bias of :func:`reverse_alpha_square`'s mean against s²: (V + (μ - m)²)/s² - 1
    from the exact recursion (:func:`reverse_alpha_moments`), padded by 1e-12 for rounding.
    The start is exact (p_T), so it is the Euler–Maruyama step bias alone, O(h)."""
    mu, var = reverse_alpha_moments(m, s, alpha, T, steps)
    b = (var + (mu - float(m)) ** 2) / float(s) ** 2 - 1.0
    return b - 1e-12, b + 1e-12


# ------------------------------------------------- score matching against denoising (7.3.18)

def denoising_loss_gap(rng: np.random.Generator, size: int, s: float, t: float, Delta_t: float,
                       w: float, b: float, **_: object) -> np.ndarray:
    """Rows ``(L_score - L_denoise, z² - 1)`` for centred Gaussian data ``a = s ξ`` noised as in
    7.3.19, ``x = a e^{-t} + √Δ_t z`` (ξ, z independent standard Gaussians), and the linear
    score model ``φ(x) = -w x - b`` (7.4.4):

    * ``L_score = (φ(x) - ∇ log p_t(x))²`` with the score of the Gaussian marginal,
      ``∇ log p_t(x) = -x/Γ_t``, ``Γ_t = Δ_t + e^{-2t} s²`` (7.4.3, m = 0) — the loss 7.3.15;
    * ``L_denoise = (φ(x) + (x - a e^{-t})/Δ_t)²`` — the denoising loss 7.3.18, which needs the
      datum ``a`` and never the score.

    Their mean difference is what 7.3.16–7.3.18 say is a constant independent of (w, b); the
    second row is a control variate with known mean 0 (z² - 1, the denoising target's square).

    >>> x = denoising_loss_gap(np.random.default_rng(0), 4, 1.0, 0.5, 0.6, 0.3, 0.1)
    >>> x.shape
    (2, 4)
    """
    size = count("size", size, 1)
    s, t, delta = (finite(n, v, positive=True) for n, v in (("s", s), ("t", t), ("Delta_t", Delta_t)))
    w, b = finite("w", w), finite("b", b)
    decay = math.exp(-t)
    gamma = delta + decay ** 2 * s ** 2
    out = np.empty((2, size))
    a = rng.standard_normal(size)
    a *= s
    z = out[1]
    rng.standard_normal(out=z)
    x = np.multiply(a, decay)
    phi = np.multiply(z, math.sqrt(delta))    # the noise √Δ_t z here; φ(x) below (one buffer)
    x += phi                                  # x = a e^{-t} + √Δ_t z
    np.multiply(a, -decay, out=a)
    a += x
    a /= delta                                # (x - a e^{-t})/Δ_t, from the pair
    np.multiply(x, -w, out=phi)
    phi -= b                                  # φ(x) = -w x - b
    a += phi                                  # φ + (x - a e^{-t})/Δ_t
    x /= gamma
    x += phi                                  # φ - ∇ log p_t(x) = φ + x/Γ_t
    np.multiply(x, x, out=out[0])
    np.multiply(a, a, out=a)
    out[0] -= a
    np.multiply(z, z, out=z)
    z -= 1.0
    return out
