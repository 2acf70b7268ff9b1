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

from ..checks import count

__all__ = [
    "ou_mean", "ou_variance", "ou_exact", "ou_euler_maruyama", "ou_em_moments", "ou_em_bias",
    "ou_stationary_bias", "ou_rescaled",
]


# ---------------------------------------------------------------- parameter checks

def _check(x0: float | None = None, kappa: float | None = None, sigma: float | None = None,
           t: float | None = None, steps: int | None = None, size: int | None = None) -> int | None:
    """Validate OU parameters; return ``steps`` as an ``int`` (``None`` when not given)."""
    def number(name: str, value) -> float:
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name}={value!r}, expected a real number") from None
        if not math.isfinite(v):
            raise ValueError(f"{name}={value!r}, expected a finite real number")
        return v

    if x0 is not None:
        number("x0", x0)
    if kappa is not None and not number("kappa", kappa) > 0:
        raise ValueError(f"kappa={kappa!r}, expected kappa > 0 (mean-reverting OU, Mallat 6.3.2)")
    if sigma is not None and not number("sigma", sigma) >= 0:
        raise ValueError(f"sigma={sigma!r}, expected sigma >= 0")
    if t is not None and not number("t", t) >= 0:
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
