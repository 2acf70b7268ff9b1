"""Samplers for the Ornstein–Uhlenbeck SDE ``dx_t = -κ x_t dt + σ dW_t`` (Mallat 6.3.2).

Two samplers of ``x_t`` given ``x_0``, both vectorised over samples and drawing from the
``numpy.random.Generator`` they are given:

* :func:`ou_exact` — the exact Gaussian transition (Mallat 6.3.5);
* :func:`ou_euler_maruyama` — the Euler–Maruyama chain ``x_{k+1} = (1-κh) x_k + σ√h z_k``
  with ``h = t/steps``, whose mean and variance are known in closed form
  (:func:`ou_em_moments`), so its step-size bias against the continuous solution is known
  exactly (:func:`ou_em_bias`) and can be stated as the Monte Carlo claim's ``bias=`` bound.

Example:

>>> import numpy as np
>>> x = ou_exact(np.random.default_rng(0), 4, x0=1.0, kappa=1.0, sigma=0.5, t=0.7)
>>> x.shape, x.dtype
((4,), dtype('float64'))
>>> m, v = ou_em_moments(1.0, kappa=1.0, sigma=1.0, t=1.0, steps=1)
>>> float(m), float(v)
(0.0, 1.0)
"""
from __future__ import annotations

import math

import numpy as np

from ..checks import count, finite

__all__ = [
    "ou_mean", "ou_variance", "ou_exact", "ou_euler_maruyama", "ou_em_moments", "ou_em_bias",
    "ou_stationary_bias", "ou_rescaled", "ou_em_path", "ou_em_mean_sample",
    "ou_em_square_sample", "ou_em_mean_rel_bias", "ou_em_variance_rel_bias",
    "ou_em_stationary_rel_bias", "control_window",
]


# ---------------------------------------------------------------- parameter checks

def _check(x0: float | None = None, kappa: float | None = None, sigma: float | None = None,
           t: float | None = None, steps: int | None = None, size: int | None = None) -> int | None:
    """Validate OU parameters; return ``steps`` as an ``int`` (``None`` when not given)."""
    if x0 is not None:
        finite("x0", x0)
    if kappa is not None and not finite("kappa", kappa) > 0:
        raise ValueError(f"kappa={kappa!r}, expected kappa > 0 (mean-reverting OU, Mallat 6.3.2)")
    if sigma is not None and not finite("sigma", sigma) >= 0:
        raise ValueError(f"sigma={sigma!r}, expected sigma >= 0")
    if t is not None and not finite("t", t) >= 0:
        raise ValueError(f"t={t!r}, expected t >= 0")
    if size is not None:
        count("size", size, 0)
    return None if steps is None else count("steps", steps, 1)


# ---------------------------------------------------------------- continuous moments

def ou_mean(x0: float, kappa: float, t: float) -> float:
    """``E[x_t] = e^{-κt} x_0`` of the continuous OU process (Mallat 6.3.5)."""
    _check(x0=x0, kappa=kappa, t=t)
    return float(x0) * math.exp(-float(kappa) * float(t))


def ou_variance(kappa: float, sigma: float, t: float) -> float:
    """``Var[x_t] = σ² (1 - e^{-2κt}) / (2κ)`` of the continuous OU process (Mallat 6.3.5)."""
    _check(kappa=kappa, sigma=sigma, t=t)
    kappa, sigma, t = float(kappa), float(sigma), float(t)
    return sigma * sigma * -math.expm1(-2.0 * kappa * t) / (2.0 * kappa)


# ---------------------------------------------------------------- samplers

def ou_exact(rng: np.random.Generator, size: int, x0: float, kappa: float, sigma: float,
             t: float) -> np.ndarray:
    """``size`` i.i.d. draws of ``x_t`` from the exact OU transition (Mallat 6.3.5).

    ``x_t = e^{-κt} x_0 + σ sqrt((1 - e^{-2κt}) / (2κ)) z`` with ``z ~ N(0, 1)``.
    """
    _check(x0=x0, kappa=kappa, sigma=sigma, t=t, size=size)
    mean = ou_mean(x0, kappa, t)
    std = math.sqrt(ou_variance(kappa, sigma, t))
    out = rng.standard_normal(size)
    out *= std
    out += mean
    return out


def ou_rescaled(rng: np.random.Generator, size: int, x: float, t: float) -> np.ndarray:
    """``size`` i.i.d. draws of ``e^{t} x_t`` for the κ = 1, σ = √2 OU started at ``x`` (Mallat 6.3.13).

    ``x_t = e^{-t} x + sqrt(1 - e^{-2t}) z`` (6.3.12), so ``e^{t} x_t = x + sqrt(e^{2t} - 1) z``.
    """
    _check(x0=x, t=t, size=size)
    out = ou_exact(rng, size, x0=x, kappa=1.0, sigma=math.sqrt(2.0), t=t)
    out *= math.exp(float(t))
    return out


def ou_euler_maruyama(rng: np.random.Generator, size: int, x0: float, kappa: float,
                      sigma: float, t: float, steps: int) -> np.ndarray:
    """``size`` i.i.d. Euler–Maruyama approximations of ``x_t`` with ``steps`` steps of ``h = t/steps``.

    ``x_{k+1} = x_k - κ x_k h + σ √h z_k`` (Itô discretisation, cf. Mézard 7.2.4).  Vectorised
    over samples, one loop over steps; memory is two arrays of ``size`` floats.
    """
    n = _check(x0=x0, kappa=kappa, sigma=sigma, t=t, steps=steps, size=size)
    h = float(t) / n
    decay = 1.0 - float(kappa) * h
    kick = float(sigma) * math.sqrt(h)
    x = np.full(size, float(x0))
    z = np.empty(size)
    for _ in range(n):
        rng.standard_normal(out=z)
        z *= kick
        x *= decay
        x += z
    return x


# ---------------------------------------------------------------- exact EM moments and bias

def ou_em_moments(x0: float, kappa: float, sigma: float, t: float, steps: int) -> tuple[float, float]:
    """Exact mean and variance of the Euler–Maruyama chain after ``steps`` steps of ``h = t/steps``.

    With ``r = 1 - κh``: mean ``x_0 r^n`` and variance ``σ² h Σ_{k<n} r^{2k}
    = σ² h (1 - r^{2n}) / (1 - r²)`` (``n σ² h`` when ``r² = 1``), evaluated without
    cancellation (``1 - r² = κh(2 - κh)``).
    """
    n = _check(x0=x0, kappa=kappa, sigma=sigma, t=t, steps=steps)
    x0, kappa, sigma, t = float(x0), float(kappa), float(sigma), float(t)
    h = t / n
    r = 1.0 - kappa * h
    mean = x0 * r ** n
    one_minus_r2 = kappa * h * (2.0 - kappa * h)
    if one_minus_r2 == 0.0:  # r² = 1 (h = 0 or κh = 2): every term of the sum is 1
        return mean, sigma * sigma * h * n
    if one_minus_r2 >= 1.0:  # r² = 0 or r² from the unstable side: no log1p cancellation issue
        geometric = (1.0 - (r * r) ** n) / one_minus_r2
    else:
        geometric = -math.expm1(n * math.log1p(-one_minus_r2)) / one_minus_r2
    return mean, sigma * sigma * h * geometric


def ou_em_bias(statistic: str, x0: float, kappa: float, sigma: float, t: float, steps: int,
               **_: object) -> float:
    """``|E_EM[statistic] - statistic of the continuous OU|`` — the exact step-size bias.

    ``statistic`` is ``"mean"`` or ``"variance"``; extra keyword parameters are ignored so
    the function can take a Monte Carlo case dictionary.
    """
    em_mean, em_var = ou_em_moments(x0, kappa, sigma, t, steps)
    if statistic == "mean":
        return abs(em_mean - ou_mean(x0, kappa, t))
    if statistic == "variance":
        return abs(em_var - ou_variance(kappa, sigma, t))
    raise ValueError(f"statistic={statistic!r}, expected 'mean' or 'variance'")


def ou_stationary_bias(kappa: float, sigma: float, t: float, **_: object) -> float:
    """``|Var[x_t] - σ²/(2κ)| = σ² e^{-2κt} / (2κ)``: the finite-time bias of a stationary estimate."""
    _check(kappa=kappa, sigma=sigma, t=t)
    kappa, sigma, t = float(kappa), float(sigma), float(t)
    return sigma * sigma * math.exp(-2.0 * kappa * t) / (2.0 * kappa)


# ---------------------------------------------------------------- Monte Carlo claim samplers
# The claims simulate the SDE (Euler–Maruyama), never the Gaussian law 6.3.5 concludes.  Their
# step bias is a signed relative interval derived from the scheme's own algebra (a geometric
# sum) and two elementary inequalities, independent of the closed form being checked.

CONTROL_TIME = 1.26  # κτ maximising the correlation of x_t with W_t - W_{t-τ} (stationary case)


def control_window(kappa: float, t: float, steps: int) -> int:
    """Steps of the Brownian window ``W_t - W_{t-τ}``, ``τ = min(t, 1.26/κ)``, used as control."""
    n = _check(kappa=kappa, t=t, steps=steps)
    return max(1, min(n, round(CONTROL_TIME / float(kappa) / (float(t) / n))))


def ou_em_path(rng: np.random.Generator, size: int, x0: float, kappa: float, sigma: float,
               t: float, steps: int, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Euler–Maruyama ``x_{k+1} = (1-κh) x_k + σ√h z_k`` to time ``t``, and the Brownian
    increment ``W_t - W_{t-τ}`` over the last ``window`` steps (the driving noise, mean 0)."""
    n = _check(x0=x0, kappa=kappa, sigma=sigma, t=t, steps=steps, size=size)
    window = count("window", window, 1)
    h = float(t) / n
    decay, kick = 1.0 - float(kappa) * h, float(sigma) * math.sqrt(h)
    x = np.full(size, float(x0))
    noise = np.zeros(size)
    z = np.empty(size)
    for k in range(n):
        rng.standard_normal(out=z)
        if k >= n - window:
            noise += z
        z *= kick
        x *= decay
        x += z
    noise *= math.sqrt(h)
    return x, noise


def ou_em_mean_sample(rng: np.random.Generator, size: int, x0: float, kappa: float,
                      sigma: float, t: float, steps: int) -> np.ndarray:
    """Rows ``(x_t, W_t)``: Euler–Maruyama ``x_t`` with the Brownian endpoint as control (mean 0)."""
    n = _check(steps=steps)
    return np.stack(ou_em_path(rng, size, x0, kappa, sigma, t, n, n))


def ou_em_square_sample(rng: np.random.Generator, size: int, kappa: float, sigma: float,
                        t: float, steps: int, scale: float = 1.0, **_: object) -> np.ndarray:
    """Rows ``((scale·δ_t)², B² - τ)``: ``δ_t`` is the Euler–Maruyama chain's deviation from its
    noiseless run (the chain started at 0, by linearity), so ``E δ_t² = Var x_t``; ``B`` is the
    Brownian increment over the last ``τ`` (:func:`control_window`), ``E B² = τ``.

    Extra case keys (the initial condition, which ``Var x_t`` does not depend on) are ignored.
    """
    window = control_window(kappa, t, steps)
    x, b = ou_em_path(rng, size, 0.0, kappa, sigma, t, steps, window)
    x *= float(scale)
    np.multiply(x, x, out=x)
    np.multiply(b, b, out=b)
    b -= window * float(t) / steps
    return np.stack((x, b))


def ou_em_rescaled_square(rng: np.random.Generator, size: int, t: float, steps: int,
                          **_: object) -> np.ndarray:
    """:func:`ou_em_square_sample` of ``e^{t} x_t`` for κ = 1, σ = √2 (Mallat 6.3.12–6.3.13)."""
    _check(t=t)
    return ou_em_square_sample(rng, size, 1.0, math.sqrt(2.0), t, steps, scale=math.exp(float(t)))


def _em_log_gap(kappa: float, t: float, steps: int) -> tuple[float, float, float]:
    """``u = κh`` and bounds ``[lo, hi]`` on ``-n(log(1-u) + u) = Σ_{k≥2} n u^k/k``.

    ``u²/2 <= -(log(1-u) + u) <= u²/(2(1-u))`` (the series, bounded by a geometric one).
    """
    n = _check(kappa=kappa, t=t, steps=steps)
    u = float(kappa) * float(t) / n
    if not 0 < u < 1:
        raise ValueError(f"kappa*t/steps={u!r}, expected a step with 0 < κh < 1 (stable, "
                         "positive Euler–Maruyama decay)")
    return u, n * u * u / 2, n * u * u / (2 * (1 - u))


def ou_em_mean_rel_bias(kappa: float, t: float, steps: int, **_: object) -> tuple[float, float]:
    """Interval of ``E_EM[x_t] / (e^{-κt} x_0) - 1 = (1-u)^n e^{nu} - 1``: ``[e^{-hi} - 1, e^{-lo} - 1]``."""
    _, lo, hi = _em_log_gap(kappa, t, steps)
    return math.expm1(-hi), math.expm1(-lo)


def ou_em_variance_rel_bias(kappa: float, t: float, steps: int, stationary: bool = False,
                            **_: object) -> tuple[float, float]:
    """Interval of ``Var_EM[x_t] / V - 1`` with ``V = σ²(1 - e^{-2κt})/(2κ)`` (or ``σ²/(2κ)``
    when ``stationary``).

    ``Var_EM = σ²h(1 - r^{2n})/(1 - r²)`` (geometric sum, ``r = 1 - u``, ``1 - r² = u(2 - u)``),
    so the ratio is ``2/(2-u) · (1 - q e^{-η})/(1 - q)`` with ``q = e^{-2κt}`` and
    ``η = -2n(log(1-u) + u)`` in ``[2 lo, 2 hi]`` (:func:`_em_log_gap`); for the stationary
    ratio the second factor is ``1 - q e^{-η}``.  Both are monotone in ``η``.
    """
    u, lo, hi = _em_log_gap(kappa, t, steps)
    two_kappa_t = 2 * float(kappa) * float(t)
    factor = 2 / (2 - u)

    def ratio(eta: float) -> float:
        if stationary:
            return factor * -math.expm1(-two_kappa_t - eta)
        return factor * (1 - math.expm1(-eta) / math.expm1(two_kappa_t))

    a, b = sorted((ratio(2 * lo), ratio(2 * hi)))
    return a - 1, b - 1


def ou_em_stationary_rel_bias(kappa: float, t: float, steps: int, **_: object) -> tuple[float, float]:
    """:func:`ou_em_variance_rel_bias` against the stationary variance ``σ²/(2κ)``."""
    return ou_em_variance_rel_bias(kappa, t, steps, stationary=True)
