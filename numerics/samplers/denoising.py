"""Denoisers and Monte Carlo samplers for Mallat's denoising lectures (notes §6.3–6.4).

Observation model ``y = x + sigma z`` with ``z`` standard normal.  The denoisers are the
posterior mean written through Tweedie's formula (6.3.16) ``E[x|y] = y + sigma² ∂_y log p_sigma(y)``
for Gaussian-mixture priors (a Gaussian prior and the ±1 prior are special cases), and the
Wiener filter ``H = (C + sigma² I)^{-1} C`` (6.4.1), in the canonical basis or coefficient-wise in
the eigenbasis of ``C`` (6.4.6–6.4.9), and the oracle projection that keeps or kills each
coefficient (6.4.10–6.4.11).

Samplers follow the claim contract ``sampler(rng, size, **params) -> ndarray of shape (size,)``:
one i.i.d. value per sample, randomness only from the ``numpy.random.Generator`` passed in.

>>> import numpy as np
>>> y = np.array([-1.0, 0.0, 2.0])
>>> bool(np.allclose(binary_posterior_mean(y, 0.5), np.tanh(y / 0.25)))
True
"""
from __future__ import annotations

import math
import re
from functools import partial
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..checks import finite

__all__ = [
    "binary_posterior_mean", "binary_tweedie_product", "eigenbasis_wiener_error",
    "gaussian_mixture_score", "gaussian_posterior_mean", "gaussian_tweedie_error",
    "gaussian_tweedie_product", "noisy_mixture_score", "oracle_gains", "oracle_projection_error",
    "tweedie_denoiser", "wiener_error", "wiener_filter", "wiener_gain",
]

_SUBCHUNK = 1 << 14  # rows per internal block of the matrix samplers (bounded memory)
# entries (rows × inner × outer) of one matrix product call: OpenBLAS runs larger products on
# all cores, many times slower per row on a shared machine than one thread
_GEMM_ENTRIES = 1 << 17


# ---------------------------------------------------------------- parameter checks

def _positive(name: str, value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={value!r}, expected a positive finite number") from None
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{name}={value!r}, expected a positive finite number")
    return v


def _size(size: Any) -> int:
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 0:
        raise ValueError(f"size={size!r}, expected a non-negative integer")
    return int(size)


def _square(name: str, value: Any) -> np.ndarray:
    m = np.asarray(value, dtype=np.float64)
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] == 0 or not np.all(np.isfinite(m)):
        raise ValueError(f"{name}={value!r}, expected a non-empty finite square matrix (nested list)")
    return m


def _covariance(name: str, value: Any) -> np.ndarray:
    """A symmetric positive-definite matrix, or a ValueError naming what is wrong."""
    c = _square(name, value)
    if not np.allclose(c, c.T, rtol=1e-12, atol=1e-12 * max(1.0, float(np.abs(c).max()))):
        raise ValueError(f"{name}={value!r}, expected a symmetric matrix")
    if np.linalg.eigvalsh(c).min() <= 0:
        raise ValueError(f"{name}={value!r}, expected a positive-definite matrix")
    return (c + c.T) / 2


def _orthogonal(name: str, value: Any) -> np.ndarray:
    u = _square(name, value)
    if not np.allclose(u.T @ u, np.eye(len(u)), atol=1e-10):
        raise ValueError(f"{name}={value!r}, expected an orthogonal matrix (U^T U = I)")
    return u


def _positive_diagonal(name: str, value: Any) -> np.ndarray:
    """The diagonal of a diagonal matrix with positive entries (the eigenvalues beta_k)."""
    b = _square(name, value)
    beta = np.diag(b).copy()
    if not np.array_equal(b, np.diag(beta)) or beta.min() <= 0:
        raise ValueError(f"{name}={value!r}, expected a diagonal matrix with positive diagonal")
    return beta


def _mixture(weights: Sequence[float], means: Sequence[float],
             variances: Sequence[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    w, m, v = (np.asarray(a, dtype=np.float64).ravel() for a in (weights, means, variances))
    if not (len(w) == len(m) == len(v) >= 1):
        raise ValueError(f"weights, means, variances have lengths {len(w)}, {len(m)}, {len(v)}, "
                         "expected equal lengths >= 1")
    if not (np.all(np.isfinite(w)) and np.all(w > 0) and abs(w.sum() - 1) < 1e-12):
        raise ValueError(f"weights={list(w)}, expected positive numbers summing to 1")
    if not np.all(np.isfinite(m)):
        raise ValueError(f"means={list(m)}, expected finite numbers")
    if not (np.all(np.isfinite(v)) and np.all(v >= 0)):
        raise ValueError(f"variances={list(v)}, expected non-negative finite numbers")
    return w, m, v


# ---------------------------------------------------------------- scalar denoisers (§6.3)

def gaussian_mixture_score(y: np.ndarray, weights: Sequence[float], means: Sequence[float],
                           variances: Sequence[float]) -> np.ndarray:
    """Score ``∂_y log p(y)`` of the mixture ``p = Σ_i w_i N(m_i, v_i)`` (all ``v_i > 0``).

    Computed with the responsibilities ``r_i(y) ∝ w_i N(y; m_i, v_i)`` (log-sum-exp stable):
    ``∂_y log p(y) = Σ_i r_i(y) (m_i - y) / v_i``.
    """
    w, m, v = _mixture(weights, means, variances)
    if np.any(v <= 0):
        raise ValueError(f"variances={list(v)}, expected positive numbers for a density")
    y = np.asarray(y, dtype=np.float64)
    if len(w) == 1:  # a single Gaussian: the score is linear
        score = np.subtract(m[0], y, out=np.empty(np.shape(y)))
        score /= v[0]
        return score[()] if score.ndim == 0 else score
    if len(w) == 2:
        return _two_component_score(y, w, m, v)
    logits = np.log(w) - 0.5 * np.log(v) - (y[..., None] - m) ** 2 / (2 * v)
    logits -= logits.max(axis=-1, keepdims=True)
    r = np.exp(logits)
    r /= r.sum(axis=-1, keepdims=True)
    return (r * (m - y[..., None]) / v).sum(axis=-1)


def _two_component_score(y: np.ndarray, w: np.ndarray, m: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The same score for two components, without an ``(n, 2)`` temporary.

    The responsibility of component 0 is the logistic function of the log-odds
    ``d(y) = log(w0 N(y; m0, v0)) - log(w1 N(y; m1, v1))``, computed stably as
    ``½(1 + tanh(d/2))``; the score is ``r (m0 - y)/v0 + (1 - r)(m1 - y)/v1``.
    """
    a = 0.5 / v[1] - 0.5 / v[0]          # d(y) = a y² + b y + c
    b = m[0] / v[0] - m[1] / v[1]
    c = (np.log(w[0] / w[1]) - 0.5 * np.log(v[0] / v[1])
         + m[1] ** 2 / (2 * v[1]) - m[0] ** 2 / (2 * v[0]))
    half_d = np.multiply(y, 0.5 * b, out=np.empty(np.shape(y)))  # a fresh array, also for 0-d y
    if a != 0:
        half_d += (0.5 * a) * y * y
    if c != 0:
        half_d += 0.5 * c
    r = _tanh(half_d)                    # 2r - 1, in place
    # score = (r+1)/2 (m0 - y)/v0 + (1-r)/2 (m1 - y)/v1 = p + q r with p, q linear in y
    p0, p1 = 0.5 * (m[0] / v[0] + m[1] / v[1]), -0.5 * (1 / v[0] + 1 / v[1])
    q0, q1 = 0.5 * (m[0] / v[0] - m[1] / v[1]), -0.5 * (1 / v[0] - 1 / v[1])
    r *= q0 + q1 * y if q1 != 0 else q0
    r += p1 * y
    if p0 != 0:
        r += p0
    return r[()] if r.ndim == 0 else r


def _tanh(h: np.ndarray) -> np.ndarray:
    """``tanh(h)`` in place, from one exponential: ``tanh h = 2/(1 + e^{-2h}) - 1``
    (``e^{-2h} = inf`` for ``h < -354`` gives exactly ``-1``).

    numpy's vectorised ``exp`` is several times faster than its ``tanh`` on common CPUs; the
    result differs from ``np.tanh`` by a few units in the last place of 1 (absolute).
    """
    np.multiply(h, -2.0, out=h)
    with np.errstate(over="ignore"):
        np.exp(h, out=h)
    h += 1.0
    np.divide(2.0, h, out=h)
    h -= 1.0
    return h


def noisy_mixture_score(y: np.ndarray, sigma: float, weights: Sequence[float],
                        means: Sequence[float], variances: Sequence[float]) -> np.ndarray:
    """Score of ``p_sigma = p * g_sigma`` (6.3.17) for a Gaussian-mixture prior ``p``.

    Convolving with ``N(0, sigma²)`` adds ``sigma²`` to every component variance; a zero
    variance is a point mass (the ±1 prior is ``means=(1, -1)``, ``variances=(0, 0)``).
    """
    sigma = _positive("sigma", sigma)
    w, m, v = _mixture(weights, means, variances)
    return gaussian_mixture_score(y, w, m, v + sigma ** 2)


def tweedie_denoiser(y: np.ndarray, sigma: float,
                     score: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Tweedie's formula (6.3.16): ``x̂(y) = y + sigma² score(y)`` with ``score = ∂_y log p_sigma``."""
    sigma = _positive("sigma", sigma)
    y = np.asarray(y, dtype=np.float64)
    xhat = np.multiply(score(y), sigma ** 2, out=np.empty(np.shape(y)))
    xhat += y
    return xhat[()] if xhat.ndim == 0 else xhat


def gaussian_posterior_mean(y: np.ndarray, s: float, sigma: float) -> np.ndarray:
    """``E[x|y] = s²/(s² + sigma²) y`` for the prior ``N(0, s²)`` (6.3.24 in one dimension)."""
    s, sigma = _positive("s", s), _positive("sigma", sigma)
    return s ** 2 / (s ** 2 + sigma ** 2) * np.asarray(y, dtype=np.float64)


def binary_posterior_mean(y: np.ndarray, sigma: float) -> np.ndarray:
    """``E[x|y] = tanh(y/sigma²)`` for the prior ``x = ±1`` with probability ½ each."""
    sigma = _positive("sigma", sigma)
    return np.tanh(np.asarray(y, dtype=np.float64) / sigma ** 2)


# ---------------------------------------------------------------- scalar samplers (§6.3)

def _gaussian_tweedie(rng: np.random.Generator, size: int, s: float, sigma: float):
    s, sigma, size = _positive("s", s), _positive("sigma", sigma), _size(size)
    x = rng.standard_normal(size)
    x *= s                      # x ~ N(0, s²)
    y = rng.standard_normal(size)
    y *= sigma
    y += x                      # y = x + σz
    # p_sigma = N(0, s² + sigma²): the score is supplied, the denoiser is Tweedie's formula
    score = partial(noisy_mixture_score, sigma=sigma, weights=(1.0,), means=(0.0,), variances=(s * s,))
    xhat = tweedie_denoiser(y, sigma, score)
    return x, y, xhat


def gaussian_tweedie_product(rng: np.random.Generator, size: int, *, s: float,
                             sigma: float) -> np.ndarray:
    """Samples of ``x̂(y) y`` for ``x ~ N(0, s²)``; their mean is ``E[x y] = s²`` (tower property)."""
    _, y, xhat = _gaussian_tweedie(rng, size, s, sigma)
    xhat *= y
    return xhat


def gaussian_tweedie_error(rng: np.random.Generator, size: int, *, s: float,
                           sigma: float) -> np.ndarray:
    """Samples of ``(x - x̂(y))²`` for ``x ~ N(0, s²)``; mean ``s² sigma²/(s² + sigma²)`` (MMSE)."""
    x, _, xhat = _gaussian_tweedie(rng, size, s, sigma)
    x -= xhat
    x *= x
    return x


def binary_tweedie_product(rng: np.random.Generator, size: int, *, sigma: float) -> np.ndarray:
    """Samples of ``x̂(y) y`` for ``x = ±1`` (prob. ½), ``x̂`` from Tweedie with the exact score
    of ``p_sigma = ½(g_sigma(y-1) + g_sigma(y+1))``; their mean is ``E[x²] = 1``."""
    sigma, size = _positive("sigma", sigma), _size(size)
    y = rng.standard_normal(size)
    x = rng.random(size)
    x -= 0.5
    np.copysign(1.0, x, out=x)  # x = ±1 with probability ½ each (+1 when the uniform is >= ½)
    y *= sigma
    y += x                      # y = x + σz
    # p_sigma = ½(g_sigma(y - 1) + g_sigma(y + 1)): point masses at ±1 convolved with N(0, sigma²)
    score = partial(noisy_mixture_score, sigma=sigma, weights=(0.5, 0.5), means=(1.0, -1.0),
                    variances=(0.0, 0.0))
    xhat = tweedie_denoiser(y, sigma, score)
    xhat *= y
    return xhat


# ---------------------------------------------------------------- Wiener filter (§6.3.22, §6.4)

def wiener_filter(C: Any, sigma: float) -> np.ndarray:
    """``H = (C + sigma² I)^{-1} C`` (6.3.24, 6.4.1) for a covariance ``C`` (nested list or array)."""
    c, sigma = _covariance("C", C), _positive("sigma", sigma)
    return np.linalg.solve(c + sigma ** 2 * np.eye(len(c)), c)


def wiener_gain(beta: np.ndarray, sigma: float) -> np.ndarray:
    """Eigenvalues of the Wiener filter, ``h_k = beta_k/(beta_k + sigma²)`` (6.4.2, 6.4.8)."""
    sigma = _positive("sigma", sigma)
    beta = np.asarray(beta, dtype=np.float64)
    if not (np.all(np.isfinite(beta)) and np.all(beta > 0)):
        raise ValueError(f"beta={beta.tolist()!r}, expected positive finite eigenvalues")
    return beta / (beta + sigma ** 2)


def _squared_norms(rng: np.random.Generator, size: int, stacked: np.ndarray) -> np.ndarray:
    """``‖A g‖²`` for ``size`` draws ``g ~ N(0, I)`` (``A = stacked``), in sub-chunks."""
    out = np.empty(size)
    d, k = stacked.shape
    rows = max(1, _GEMM_ENTRIES // (d * k))
    err = np.empty((min(_SUBCHUNK, size), d))
    for start in range(0, size, _SUBCHUNK):
        n = min(_SUBCHUNK, size - start)
        g = rng.standard_normal((n, k))
        for r in range(0, n, rows):  # row blocks: each product stays a single-threaded BLAS call
            np.matmul(g[r:r + rows], stacked.T, out=err[r:min(n, r + rows)])
        sq = np.multiply(err[:n], err[:n], out=err[:n])
        norms = out[start:start + n]  # ‖·‖² column by column (einsum's length-d rows are slower)
        np.copyto(norms, sq[:, 0])
        for i in range(1, d):
            norms += sq[:, i]
    return out


def wiener_error(rng: np.random.Generator, size: int, *, C: Any, sigma: float,
                 **_: Any) -> np.ndarray:
    """Samples of ``‖H y - x‖²`` with ``x ~ N(0, C)`` (Cholesky), ``y = x + sigma z`` and the
    Wiener filter ``H``; their mean is ``sigma² tr(C (C + sigma² I)^{-1})``.

    Extra case keys (the dimension ``d``) are accepted and ignored.
    """
    c, size = _covariance("C", C), _size(size)
    d = len(c)
    h = wiener_filter(c, sigma)
    chol = np.linalg.cholesky(c)
    # per sample (ξ, z) ~ N(0, I_2d), x = Lξ, y = x + σz: Hy - x = (H - I)Lξ + σHz, one product
    # of the stacked normals with the composed linear map
    stacked = np.hstack(((h - np.eye(d)) @ chol, sigma * h))  # (d, 2d)
    return _squared_norms(rng, size, stacked)


def eigenbasis_wiener_error(rng: np.random.Generator, size: int, *, U: Any, B: Any,
                            sigma: float, **_: Any) -> np.ndarray:
    """Samples of ``‖Σ_k h_k ⟨y, ψ_k⟩ ψ_k - x‖²`` (6.4.5–6.4.9), ``ψ_k`` = columns of ``U``.

    ``x = Σ_k sqrt(beta_k) ξ_k ψ_k`` has covariance ``C = U B U^T`` (``B = diag(beta)``), so
    ``beta_k = E|⟨x, ψ_k⟩|²`` (6.4.4); ``h_k = beta_k/(beta_k + sigma²)``.  The mean is
    ``Σ_k sigma² beta_k/(beta_k + sigma²)``.  Extra case keys (``d``) are ignored.
    """
    u, beta = _orthogonal("U", U), _positive_diagonal("B", B)
    sigma, size = _positive("sigma", sigma), _size(size)
    if len(beta) != len(u):
        raise ValueError(f"B has size {len(beta)} and U has size {len(u)}, expected equal sizes")
    gain = wiener_gain(beta, sigma)
    d = len(u)
    # per sample (ξ, z) ~ N(0, I_2d), x = U diag(√β) ξ, y = x + σz, and the denoiser
    # y ↦ Σ_k h_k ⟨y, ψ_k⟩ ψ_k = U diag(h) Uᵀ y: the error is one linear map of (ξ, z)
    denoise = (u * gain) @ u.T
    signal = u * np.sqrt(beta)
    stacked = np.hstack(((denoise - np.eye(d)) @ signal, sigma * denoise))  # (d, 2d)
    return _squared_norms(rng, size, stacked)


# ---------------------------------------------------------------- oracle projection (§6.4.10)

_COEFFICIENT = re.compile(r"x([1-9][0-9]*)\Z")


def _signal(coefficients: Mapping[str, Any]) -> np.ndarray:
    """The coefficients ``x1, …, xd`` (``x_k = ⟨x, ψ_k⟩``) as an array, or a ValueError naming
    the missing or invalid one."""
    if not coefficients:
        raise ValueError("no coefficients, expected x1, ..., xd (the signal's ⟨x, ψ_k⟩)")
    index = {}
    for name in coefficients:
        m = _COEFFICIENT.match(name)
        if m is None:
            raise ValueError(f"{name}={coefficients[name]!r}, expected coefficients named "
                             "x1, ..., xd and sigma")
        index[int(m.group(1))] = name
    d = len(index)
    missing = [f"x{k}" for k in range(1, d + 1) if k not in index]
    if missing:
        raise ValueError(f"coefficients {sorted(coefficients)} lack {', '.join(missing)}, "
                         f"expected x1, ..., x{d}")
    return np.array([finite(f"x{k}", coefficients[f"x{k}"]) for k in range(1, d + 1)])


def oracle_gains(signal: Any, sigma: float) -> np.ndarray:
    """The oracle's keep-or-kill gains (6.4.10): ``λ_k = 1`` where ``|x_k| >= sigma``, else 0.

    >>> oracle_gains([2.0, -0.5, 1.0], 1.0).tolist()
    [1.0, 0.0, 1.0]
    """
    sigma = _positive("sigma", sigma)
    x = np.asarray(signal, dtype=np.float64)
    if x.ndim != 1 or not np.all(np.isfinite(x)):
        raise ValueError(f"signal={signal!r}, expected a finite vector of coefficients")
    return (np.abs(x) >= sigma).astype(np.float64)


def oracle_projection_error(rng: np.random.Generator, size: int, *, sigma: float,
                            **coefficients: Any) -> np.ndarray:
    """Samples of ``‖λ⊙y - x‖² = Σ_k (λ_k y_k - x_k)²`` for a fixed signal with coefficients
    ``x1, …, xd`` (``x_k = ⟨x, ψ_k⟩``), observations ``y_k = x_k + sigma z_k`` and the oracle
    gains ``λ_k = 1[|x_k| >= sigma]`` (6.4.10); their mean is ``Σ_k min(x_k², sigma²)`` (6.4.11).

    Each coefficient's noise is drawn and the estimator applied as written, whether the
    coefficient is kept or killed.
    """
    signal, sigma, size = _signal(coefficients), _positive("sigma", sigma), _size(size)
    gains = oracle_gains(signal, sigma)
    out = np.zeros(size)
    buf = np.empty(min(_SUBCHUNK, size))
    for start in range(0, size, _SUBCHUNK):
        n = min(_SUBCHUNK, size - start)
        total, y = out[start:start + n], buf[:n]
        for x_k, gain in zip(signal.tolist(), gains.tolist()):
            rng.standard_normal(out=y)
            y *= sigma
            y += x_k           # y_k = x_k + σ z_k
            y *= gain          # λ_k y_k
            y -= x_k
            y *= y
            total += y
    return out
