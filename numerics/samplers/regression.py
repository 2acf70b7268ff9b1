"""Regression chains for Kempe's model-collapse lecture (notes §3.0.2, eqs. 3.0.10–3.0.23).

Model: inputs ``x ~ N(0, Σ)`` in ``R^d``, labels ``y = xᵀw₀ + ε`` with ``ε ~ N(0, σ²)``; a fit is
ordinary least squares ``ŵ = (XᵀX)⁻¹XᵀY`` on a ``T × d`` design.  The *test error* (3.0.10) of a
fitted ``ŵ`` is ``E_{x,ε}(xᵀŵ − y)² − σ² = (ŵ − w₀)ᵀ Σ (ŵ − w₀)``.

The samplers simulate the fits as the lecture describes them — draw the design, label it,
solve the normal equations — and never use the error decomposition being checked.  They are
vectorised over samples: one matrix product (none when ``Σ = I``) forms the augmented designs
``[X | Y]`` of a whole sub-chunk (column-major), batched dot products their Gram matrices, and a Cholesky solve runs
entry by entry over the stack (:func:`_cholesky_solve`), in sub-chunks of at most :data:`SUBCHUNK_ELEMENTS`
design entries so memory stays bounded whatever ``size`` the statistics layer asks for.

Validity: ``E tr((XᵀX)⁻¹)`` (inverse-Wishart mean) is finite only for ``T > d + 1``; the
samplers refuse smaller designs with a ``ValueError`` naming ``T``, ``d`` and the condition.
The per-sample error has a finite *variance* only for ``T > d + 3`` — Monte Carlo claims use
``T ≥ d + 10`` so the z-test's normal approximation is sound.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

# at most this many design entries (samples × rows × d) are held at once
SUBCHUNK_ELEMENTS = 1 << 18  # 2 MiB of design per sub-chunk
# rows × inner × outer size of one matrix product call: OpenBLAS runs larger products on all
# cores, which on a shared machine (or next to the process pool's other worker) is many times
# slower than one thread, so the design transform is applied in blocks below this size
GEMM_ENTRIES = 1 << 17

__all__ = ["ols_test_error", "ols_parameter_error", "collapse_chain_error", "random_spd",
           "ols_fit", "memory_test_error", "inverse_cdf_table", "ground_truth"]


# ---------------------------------------------------------------- parameter checks

def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise ValueError(f"{name}={value!r}, expected an integer >= 1")
    return int(value)


def _check_sample_size(name: str, rows, d: int) -> int:
    """``rows`` training samples for a ``d``-parameter OLS fit whose mean error is finite."""
    rows = _positive_int(name, rows)
    if rows <= d + 1:
        raise ValueError(
            f"{name}={rows}, d={d}: the OLS error sigma^2 d/({name}-d-1) needs {name} > d + 1 "
            f"(inverse-Wishart mean E[(X^T X)^-1] = Sigma^-1/({name}-d-1)); for {name} <= d + 1 "
            f"the expected error is infinite. Use {name} >= {d + 2}.")
    return rows


def _check_sigma(sigma) -> float:
    sigma = float(sigma)
    if not (np.isfinite(sigma) and sigma > 0):
        raise ValueError(f"sigma={sigma!r}, expected a finite noise standard deviation > 0")
    return sigma


def _covariance(Sigma, d: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(Σ, its Cholesky factor) as arrays, or (None, None) for the identity."""
    if Sigma is None:
        return None, None
    S = np.asarray(Sigma, dtype=np.float64)
    if S.shape != (d, d):
        raise ValueError(f"Sigma has shape {S.shape}, expected (d, d) = ({d}, {d})")
    if not np.allclose(S, S.T, rtol=0, atol=1e-12 * max(1.0, np.abs(S).max())):
        raise ValueError("Sigma is not symmetric; expected a symmetric positive-definite covariance")
    try:
        chol = np.linalg.cholesky(S)
    except np.linalg.LinAlgError:
        raise ValueError("Sigma is not positive definite; expected an SPD covariance") from None
    return S, chol


def ground_truth(d: int) -> np.ndarray:
    """The teacher ``w₀`` used by the samplers (the errors do not depend on it)."""
    return np.linspace(1.0, -1.0, d) + 0.5


# ---------------------------------------------------------------- building blocks

def ols_fit(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Batched OLS (3.0.11): ``ŵ = (XᵀX)⁻¹XᵀY`` for stacks ``X (m, T, d)``, ``Y (m, T)`` → ``(m, d)``.

    >>> import numpy as np
    >>> X = np.array([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]]); Y = np.array([[1.0, 2.0, 3.0]])
    >>> np.round(ols_fit(X, Y), 12)
    array([[1., 2.]])
    """
    Xt = X.transpose(0, 2, 1)
    gram = np.matmul(Xt, X)
    moment = np.matmul(Xt, Y[..., None])
    return np.linalg.solve(gram, moment)[..., 0]


def _gram_entries(columns: np.ndarray) -> np.ndarray:
    """Per-sample ``AᵀA`` of column-major augmented designs ``columns[i, s, t]`` (coordinate
    ``i`` of row ``t`` of sample ``s``), entry-major: ``(d + 1, d + 1, m)``, lower triangle
    filled (``g[i, j]`` for ``i >= j``).

    One batched dot product per entry over the whole stack (``einsum``): a stacked ``matmul``
    makes one BLAS call per sample, whose fixed cost dominates a ``(d + 1) × T`` product.
    """
    k, m = columns.shape[:2]
    g = np.empty((k, k, m))
    for i in range(k):
        for j in range(i + 1):
            np.einsum("st,st->s", columns[i], columns[j], out=g[i, j])
    return g


def _cholesky_solve(g: np.ndarray) -> np.ndarray:
    """Solve the normal equations of a stack of augmented Gram matrices, vectorised over the stack.

    ``g`` is entry-major ``(d + 1, d + 1, m)`` with the lower triangle of ``AᵀA`` for the
    augmented designs ``A = [X | Y]`` (:func:`_gram_entries`): ``g[:d, :d]`` holds ``XᵀX`` and
    ``g[d, :d]`` holds ``XᵀY``.  Returns ``ŵ = (XᵀX)⁻¹XᵀY`` as a ``(d, m)`` array: a Cholesky
    factorisation ``XᵀX = LLᵀ`` and two triangular solves, one numpy operation per matrix entry
    over the whole stack (instead of one LAPACK call per sample).  Samples whose Gram matrix is
    not numerically positive definite are solved again by :func:`numpy.linalg.solve` (LU with
    pivoting).
    """
    d, m = g.shape[0] - 1, g.shape[2]
    low = np.empty((d, d, m))
    inv = np.empty((d, m))  # 1 / L_jj
    ok = np.ones(m, dtype=bool)
    for j in range(d):
        pivot = g[j, j].copy()
        for k in range(j):
            pivot -= low[j, k] * low[j, k]
        good = pivot > 0
        if not good.all():  # not positive definite in floating point: re-solved below
            ok &= good
            pivot[~good] = 1.0
        np.sqrt(pivot, out=pivot)
        np.divide(1.0, pivot, out=inv[j])
        for i in range(j + 1, d):
            col = low[i, j]
            np.copyto(col, g[i, j])
            for k in range(j):
                col -= low[i, k] * low[j, k]
            col *= inv[j]
    w = np.empty((d, m))
    for i in range(d):  # forward: L z = XᵀY (z stored in w)
        np.copyto(w[i], g[d, i])
        for k in range(i):
            w[i] -= low[i, k] * w[k]
        w[i] *= inv[i]
    for i in reversed(range(d)):  # backward: Lᵀ ŵ = z
        for k in range(i + 1, d):
            w[i] -= low[k, i] * w[k]
        w[i] *= inv[i]
    if not ok.all():
        bad = np.flatnonzero(~ok)
        lower = np.tril(g[:d, :d, bad].transpose(2, 0, 1))
        gram = lower + np.tril(lower, -1).transpose(0, 2, 1)  # the full symmetric XᵀX
        rhs = g[d, :d][:, bad].T[..., None]  # XᵀY, (bad, d, 1)
        w[:, bad] = np.linalg.solve(gram, rhs)[..., 0].T
    return w


def _fits(rng: np.random.Generator, m: int, rows: int, d: int, sigma: float, chol,
          w_prev: np.ndarray | None, w0: np.ndarray) -> np.ndarray:
    """``m`` OLS fits, each on ``rows`` fresh inputs ``x ~ N(0, Σ)`` labelled ``y = xᵀw + ε``
    (``w = w₀`` when ``w_prev`` is None, else per-sample ``w_prev[:, s]``); returns ``(d, m)``.

    One draw of ``(z, e) ~ N(0, I_{d+1})`` per row and one matrix product give the augmented
    design ``[X | Y]`` row by row: ``x = Lz`` (``LLᵀ = Σ``) and ``y = xᵀw₀ + σe``, i.e.
    ``(x, y) = M (z, e)`` with ``M = [[L, 0], [w₀ᵀL, σ]]`` (with ``Σ = I`` the draws are the
    inputs and ``y`` is formed coordinate by coordinate; a relabelling chain with per-sample
    ``w`` adds ``xᵀw`` after the product instead).  The design is stored column-major
    (``(d + 1, m, rows)``: each input coordinate and the labels contiguous), then ``AᵀA`` per
    sample (``XᵀX``, ``XᵀY``, :func:`_gram_entries`) and the normal equations (3.0.11) by
    :func:`_cholesky_solve`.
    """
    noise = rng.standard_normal((d + 1, m * rows))
    if chol is None:  # Σ = I: x = z as drawn, y = xᵀw₀ + σe coordinate by coordinate
        a = noise
        a[d] *= sigma
        if w_prev is None:
            for j in range(d):
                a[d] += w0[j] * a[j]
    else:
        mix = np.zeros((d + 1, d + 1))  # M: each row of the augmented design is M (z, e)
        mix[:d, :d] = chol
        mix[d, d] = sigma
        if w_prev is None:
            mix[d, :d] = w0 @ chol  # y = xᵀw₀ + σe with x = Lz
        a = np.empty_like(noise)
        step = max(1, GEMM_ENTRIES // (d + 1) ** 2)
        for start in range(0, m * rows, step):  # column blocks: single-threaded BLAS
            np.matmul(mix, noise[:, start:start + step], out=a[:, start:start + step])
    columns = a.reshape(d + 1, m, rows)
    if w_prev is not None:  # y = xᵀw + σe with this sample's w
        for j in range(d):
            columns[d] += columns[j] * w_prev[j][:, None]
    return _cholesky_solve(_gram_entries(columns))  # [X|Y]ᵀ[X|Y] per sample, then (3.0.11)


def _weighted_sq(delta: np.ndarray, S: np.ndarray | None) -> np.ndarray:
    """Per-sample ``δᵀ Σ δ`` (``δᵀδ`` when ``S`` is None) for ``delta`` of shape ``(d, m)``."""
    if S is None:
        return np.einsum("im,im->m", delta, delta)
    return np.einsum("im,im->m", S @ delta, delta)


def _chunks(size: int, per_sample: int):
    step = max(1, SUBCHUNK_ELEMENTS // max(per_sample, 1))
    for start in range(0, size, step):
        yield start, min(size, start + step)


def _chain(rng, size: int, d: int, sizes: Sequence[int], sigma: float, Sigma, weighted: bool):
    """Errors of the last fit of a relabelling chain with sample sizes ``sizes`` (first fit on
    labels from ``w₀``, each next fit on labels from the previous fit)."""
    S, chol = _covariance(Sigma, d)
    w0 = ground_truth(d)
    out = np.empty(size)
    for a, b in _chunks(size, d * max(sizes)):
        w = None
        for rows in sizes:
            w = _fits(rng, b - a, rows, d, sigma, chol, w, w0)
        w -= w0[:, None]
        out[a:b] = _weighted_sq(w, S if weighted else None)
    return out


# ---------------------------------------------------------------- samplers (Monte Carlo claims)

def ols_test_error(rng: np.random.Generator, size: int, d: int, T: int, sigma: float,
                   Sigma=None) -> np.ndarray:
    """Per-sample test error ``(ŵ − w₀)ᵀΣ(ŵ − w₀)`` of one OLS fit on ``T`` samples (3.0.10–3.0.18).

    Its mean is ``σ² d/(T − d − 1)`` for every SPD ``Σ`` (``Σ = None`` is the identity).

    >>> import numpy as np
    >>> ols_test_error(np.random.default_rng(0), 3, d=2, T=10, sigma=0.5).shape
    (3,)
    """
    d = _positive_int("d", d)
    T = _check_sample_size("T", T, d)
    return _chain(rng, int(size), d, (T,), _check_sigma(sigma), Sigma, weighted=True)


def ols_parameter_error(rng: np.random.Generator, size: int, d: int, T: int, sigma: float,
                        Sigma=None) -> np.ndarray:
    """Per-sample squared parameter error ``‖ŵ − w₀‖²`` of one OLS fit (3.0.14).

    Its mean is ``σ² tr(Σ⁻¹)/(T − d − 1)``: equal to the test error only when ``Σ = I``.
    """
    d = _positive_int("d", d)
    T = _check_sample_size("T", T, d)
    return _chain(rng, int(size), d, (T,), _check_sigma(sigma), Sigma, weighted=False)


def collapse_chain_error(rng: np.random.Generator, size: int, d: int, T0: int, T: int, n: int,
                         sigma: float, Sigma=None) -> np.ndarray:
    """Per-sample test error after ``n`` generations of training on synthetic labels (3.0.19–3.0.23).

    Chain: ``w̄₀ = w₀``; generation ``k = 1..n`` fits OLS on ``T0`` fresh inputs labelled by
    ``w̄_{k−1}`` plus fresh noise; the final model is fitted on ``T`` fresh inputs labelled by
    ``w̄_n`` plus noise.  Returns ``(ŵ − w₀)ᵀΣ(ŵ − w₀)``, whose mean is
    ``σ² d/(T − d − 1) + n σ² d/(T0 − d − 1)``.

    >>> import numpy as np
    >>> collapse_chain_error(np.random.default_rng(0), 4, d=2, T0=8, T=9, n=3, sigma=1.0).shape
    (4,)
    """
    d = _positive_int("d", d)
    T = _check_sample_size("T", T, d)
    if isinstance(n, bool) or int(n) != n or n < 0:
        raise ValueError(f"n={n!r}, expected a number of generations >= 0")
    n = int(n)
    if n > 0:
        T0 = _check_sample_size("T0", T0, d)
    return _chain(rng, int(size), d, (T0,) * n + (T,), _check_sigma(sigma), Sigma, weighted=True)


def random_spd(d: int, seed: int, condition: float = 10.0) -> list[list[float]]:
    """A reproducible random SPD covariance (nested lists, JSON-ready) with the given condition
    number: ``Q diag(λ) Qᵀ`` with ``Q`` Haar-orthogonal and ``λ`` log-spaced in ``[1, condition]``.
    """
    d = _positive_int("d", d)
    rng = np.random.default_rng(seed)
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    q = q * np.sign(np.diag(r))
    lam = np.geomspace(1.0, condition, d)
    S = (q * lam) @ q.T
    S = (S + S.T) / 2
    return [[round(float(v), 12) for v in row] for row in S]


# ---------------------------------------------------------------- infinite-memory model (3.0.2–3.0.3)

LOOKUP_CELLS = 1 << 16  # cells of the inverse-cdf lookup table (a power of 2: u·cells is exact)


def inverse_cdf_table(cdf: np.ndarray) -> np.ndarray:
    """Guide table for inverse-cdf sampling: cell ``c`` of ``[c/G, (c+1)/G)`` maps to its item
    when no cdf value falls strictly inside it, and to ``-1`` (resolve by bisection) otherwise.

    ``searchsorted(cdf, u, side="right")`` is the exact item of a uniform ``u``; the table gives
    the same answer for every ``u`` of an unambiguous cell, so sampling stays exact.
    """
    cells = LOOKUP_CELLS
    table = np.searchsorted(cdf, np.arange(cells) / cells, side="right").astype(np.int16)
    inside = cdf[:-1] * cells
    table[inside[inside != np.floor(inside)].astype(np.intp)] = -1
    return table


def memory_test_error(rng: np.random.Generator, size: int, N: int, beta: float, T: int,
                      k: int | None = None) -> np.ndarray:
    """Per-sample 0/1 test error of the memorising model (3.0.1): items ``i = 1..N`` with
    ``p(i) ∝ i^(−β)``; the model answers item ``i`` iff it was among ``T`` i.i.d. training items
    (and, for the retrained model ``A'`` of (3.0.6), iff moreover ``i ≤ k``).

    Items are drawn by inverse-cdf lookup (:func:`inverse_cdf_table`).  The mean is
    ``Σ_i p(i)(1 − p(i))^T`` (3.0.3), and with a cutoff ``k``
    ``Σ_{i≤k} p(i)(1 − p(i))^T + Σ_{i>k} p(i)`` (3.0.7).

    >>> import numpy as np
    >>> memory_test_error(np.random.default_rng(0), 5, N=10, beta=1.5, T=3).shape
    (5,)
    """
    N = _positive_int("N", N)
    T = _positive_int("T", T)
    k = N if k is None else _positive_int("k", k)
    if k > N:
        raise ValueError(f"k={k}, N={N}: expected a cutoff 1 <= k <= N")
    beta = float(beta)
    if not (np.isfinite(beta) and beta > 0):
        raise ValueError(f"beta={beta!r}, expected a Zipf exponent > 0")
    weights = np.arange(1, N + 1, dtype=np.float64) ** -beta
    cdf = np.cumsum(weights / weights.sum())
    cdf[-1] = 1.0
    table = inverse_cdf_table(cdf) if N < 1 << 15 else None
    out = np.empty(int(size))
    for a, b in _chunks(int(size), T + 1):
        u = rng.random((b - a, T + 1))
        # 0-based item indices: index j is item i = j + 1
        if table is None:
            items = np.searchsorted(cdf, u, side="right")
        else:
            items = table[(u * LOOKUP_CELLS).astype(np.intp)]
            edge = items < 0
            items[edge] = np.searchsorted(cdf, u[edge], side="right")
        test = items[:, T:]
        unseen = ~(items[:, :T] == test).any(axis=1)
        out[a:b] = unseen | (test[:, 0] >= k)
    return out
