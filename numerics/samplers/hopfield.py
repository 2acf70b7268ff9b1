"""Hopfield networks with Hebbian couplings (Agliari, notes §1.2–1.3).

``K`` patterns ``ξ^μ ∈ {±1}^N`` (i.i.d. uniform spins) are stored with Hebb's rule
``J_ij = (1/N) Σ_μ ξ_i^μ ξ_j^μ`` (1.2.9) and no self-coupling (``J_ii = 0``).  The local field
of neuron ``i`` in state ``σ`` is ``φ_i = Σ_{j≠i} J_ij σ_j`` (1.3.2); a synchronous
zero-temperature update is ``σ_i ← sgn(φ_i)`` (1.3.1), and at temperature ``T`` the update of
(1.2.4) is ``σ_i ← sgn(φ_i + T z_i)`` with ``z`` drawn from ``p_Z(z) = ½(1 - tanh² z)``, so that
``P[σ_i = ±1] = g(±φ_i/T)`` with ``g(x) = ½(1 + tanh x)`` (1.2.6).

Conventions: ``sgn(0)`` is a fair coin (an exactly tied neuron takes ``±1`` with probability
½ each), so a tie is an error with probability ½.  Patterns are arrays of shape
``(batch, N, K)`` (``patterns[b, i, μ] = ξ_i^μ`` of network ``b``), stored as ``float32``
``±1`` so that ``N·φ`` is computed exactly (integers below ``2^24``).

The Monte Carlo samplers simulate whole networks — draw the patterns, form all local fields
with the Hebbian couplings, update — and never use the reduced sum of ``±1`` variables the
derivation arrives at, so they check it independently.  Each returns one i.i.d. value per
simulated network, looping over blocks of at most ``BLOCK_SPINS`` spins (bounded memory).
Internally most lay a block out pattern-major, ``(batch, K, N)``, so that the overlaps and the
fields are batched products over contiguous patterns (the same i.i.d. spins, named differently).

>>> import numpy as np
>>> rng = np.random.default_rng(1)
>>> xi = random_patterns(rng, 2, N=5, K=3)
>>> xi.shape, sorted(set(xi.ravel().tolist()))
((2, 5, 3), [-1.0, 1.0])
>>> phi = local_fields(xi, xi[:, :, 0])
>>> J = hebbian_couplings(xi)
>>> bool(np.allclose(phi, np.einsum("bij,bj->bi", J, xi[:, :, 0])))
True
>>> float(crosstalk_variance(50, 5))
0.0784
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ..checks import count

__all__ = [
    "BLOCK_SPINS", "random_patterns", "hebbian_couplings", "scaled_fields", "local_fields", "sgn_update",
    "glauber_update", "aligned_fields", "crosstalk", "crosstalk_neuron0", "crosstalk_mean_square",
    "aligned_field_mean", "one_step_error_fraction", "hebbian_energy", "pattern_energy",
    "glauber_error_fraction",
    "crosstalk_variance", "one_step_error_exact", "one_step_error_gaussian",
    "gaussian_error_bias", "BERRY_ESSEEN",
]

BLOCK_SPINS = 1 << 18  # spins simulated per vectorised block: 1 MiB of float32 patterns (cache-sized)
BERRY_ESSEEN = 0.4748  # Shevtsova (2011): sup |F_n - Φ| ≤ 0.4748 ρ / (σ³ √n) for i.i.d. sums


# ---------------------------------------------------------------- parameter checks



def _network(N, K, size=None) -> tuple[int, int, int | None]:
    """Validate a network size: ``N >= 2`` neurons, ``K >= 1`` patterns, ``size >= 0``."""
    n = count("N", N, 2)
    k = count("K", K, 1)
    s = None if size is None else count("size", size, 0)
    return n, k, s


def _temperature(T) -> float:
    try:
        t = float(T)
    except (TypeError, ValueError):
        raise ValueError(f"T={T!r}, expected a temperature T >= 0") from None
    if not (math.isfinite(t) and t >= 0):
        raise ValueError(f"T={T!r}, expected a finite temperature T >= 0")
    return t


# ---------------------------------------------------------------- the network

# the eight ±1 spins of every byte value (most significant bit first, as np.unpackbits)
_BYTE_SPINS = np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1).astype(np.float32) * 2 - 1


def _spins(rng: np.random.Generator, count: int) -> np.ndarray:
    """``count`` i.i.d. uniform ``±1`` spins (float32): the bits of ``⌈count/8⌉`` uniform random
    bytes, mapped by a 256-row lookup table."""
    random_bytes = rng.integers(0, 256, size=-(-count // 8), dtype=np.uint8)
    return np.take(_BYTE_SPINS, random_bytes, axis=0).reshape(-1)[:count]


def random_patterns(rng: np.random.Generator, size: int, N: int, K: int) -> np.ndarray:
    """``size`` independent sets of ``K`` uniform ``±1`` patterns of ``N`` spins, shape ``(size, N, K)``.

    Spins are the bits of uniform random bytes (8 spins per byte), mapped to ``±1`` float32 by
    a 256-row lookup table.
    """
    N, K, size = _network(N, K, size)
    return _spins(rng, size * N * K).reshape(size, N, K)


def hebbian_couplings(patterns: np.ndarray) -> np.ndarray:
    """Hebb's rule ``J_ij = (1/N) Σ_μ ξ_i^μ ξ_j^μ`` (1.2.9) with ``J_ii = 0``, shape ``(..., N, N)``.

    Dense ``N×N`` matrices: meant for small networks and tests; the samplers use
    :func:`local_fields`, which never forms ``J``.
    """
    xi = np.asarray(patterns, dtype=np.float64)
    N = xi.shape[-2]
    J = np.einsum("...ik,...jk->...ij", xi, xi) / N
    idx = np.arange(N)
    J[..., idx, idx] = 0.0
    return J


def scaled_fields(patterns: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """``N φ_i = Σ_μ ξ_i^μ (ξ^μ·σ) - K σ_i`` — the local fields times ``N``, exact integers.

    Without forming ``J``: the overlaps ``ξ^μ·σ`` mapped back through the patterns, minus the
    self-coupling ``N J_ii σ_i = K σ_i``.  For ``float32`` patterns every intermediate is an
    integer below ``2^24`` in magnitude, so the result is exact.
    """
    xi = np.asarray(patterns)
    s = np.asarray(sigma, dtype=xi.dtype)
    K = xi.shape[-1]
    overlaps = np.matmul(s[..., None, :], xi)                 # (..., 1, K): ξ^μ·σ
    h = np.matmul(xi, np.swapaxes(overlaps, -1, -2))[..., 0]  # (..., N): Σ_μ ξ_i^μ (ξ^μ·σ)
    h -= K * s
    return h


def local_fields(patterns: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """Local fields ``φ_i = Σ_{j≠i} J_ij σ_j`` (1.3.2) of Hebbian networks, shape ``(..., N)``."""
    return scaled_fields(patterns, sigma).astype(np.float64) / np.shape(patterns)[-2]


def aligned_fields(patterns: np.ndarray) -> np.ndarray:
    """``ξ_i^1 φ_i(ξ^1)`` for every neuron (the left side of 1.3.4), shape ``(..., N)``."""
    xi1 = patterns[..., 0]
    return (xi1 * scaled_fields(patterns, xi1)).astype(np.float64) / patterns.shape[-2]


def crosstalk(patterns: np.ndarray) -> np.ndarray:
    """The crosstalk ``R_i = ξ_i^1 φ_i(ξ^1) - (N-1)/N`` of every neuron (term R of 1.3.4).

    Computed as ``(ξ_i^1 N φ_i - (N-1)) / N`` from the exact integers ``N φ_i``.
    """
    N = patterns.shape[-2]
    xi1 = patterns[..., 0]
    return ((xi1 * scaled_fields(patterns, xi1)).astype(np.float64) - (N - 1)) / N


def hebbian_energy(patterns: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """``H(σ) = -Σ_{i<j} J_ij σ_i σ_j = -½ Σ_i σ_i φ_i(σ)`` (1.3.6 with Hebb couplings, no field)."""
    xi = np.asarray(patterns)
    s = np.asarray(sigma, dtype=xi.dtype)
    nh = scaled_fields(xi, s)  # N φ: exact integers; the sum over neurons in float64
    return -0.5 * np.einsum("...n,...n->...", s, nh, dtype=np.float64) / xi.shape[-2]


def sgn_update(rng: np.random.Generator, phi: np.ndarray) -> np.ndarray:
    """The zero-temperature update ``σ_i = sgn(φ_i)`` (1.3.1); exact ties ``φ_i = 0`` are a fair coin."""
    phi = np.asarray(phi)
    out = np.sign(phi)
    ties = out == 0
    n_ties = int(np.count_nonzero(ties))
    if n_ties:
        out[ties] = 2.0 * rng.integers(0, 2, size=n_ties) - 1.0
    return out


def glauber_update(rng: np.random.Generator, patterns: np.ndarray, sigma: np.ndarray, T: float,
                   mode: str = "parallel") -> np.ndarray:
    """One Glauber step of Hebbian networks at temperature ``T`` (1.2.4, Definition 2).

    ``mode="parallel"`` updates every neuron at once; ``"sequential"`` updates one uniformly
    chosen neuron per network.  The update is the lecture's noisy threshold
    ``σ_i ← sgn(φ_i + T z_i)`` with ``z_i`` drawn from ``p_Z(z) = ½(1 - tanh² z)`` (as
    ``½ log(E1/E2)``, ``E1, E2`` i.i.d. exponential), so that ``P[σ_i = ±1] = ½(1 ± tanh(φ_i/T))``
    (1.2.6); ``T = 0`` is :func:`sgn_update`.  Returns the new states, shape ``(..., N)``.
    """
    T = _temperature(T)
    if mode not in ("parallel", "sequential"):
        raise ValueError(f"mode={mode!r}, expected 'parallel' or 'sequential'")
    xi = np.asarray(patterns)
    sigma = np.asarray(sigma, dtype=xi.dtype)
    h = scaled_fields(xi, sigma)  # N φ: exact integers
    if T > 0:
        # z = ½ log(E1/E2) with E1, E2 i.i.d. Exp(1) is logistic with P[z < x] = 1/(1 + e^{-2x})
        # = ½(1 + tanh x): a representation that does not use g itself.  φ + T z > 0 exactly
        # when E1 > E2 e^{-2φ/T}, with e^{-2φ/T} looked up by the integer N φ (no log per neuron)
        n_neurons, n_patterns = xi.shape[-2:]
        e1 = rng.standard_exponential(h.shape)
        e2 = rng.standard_exponential(h.shape)
        span = n_neurons * n_patterns  # |N φ| <= N K
        with np.errstate(over="ignore"):
            if span <= 1 << 20:
                e2 *= np.exp(np.arange(-span, span + 1) * (-2.0 / (n_neurons * T)))[
                    h.astype(np.intp) + span]
            else:
                e2 *= np.exp(h * (-2.0 / (n_neurons * T)))
        e1 -= e2
        h = e1
    new = sgn_update(rng, h).astype(sigma.dtype)
    if mode == "parallel":
        return new
    batch = sigma.reshape(-1, sigma.shape[-1])
    out = batch.copy()
    pick = rng.integers(0, batch.shape[-1], size=batch.shape[0])
    rows = np.arange(batch.shape[0])
    out[rows, pick] = new.reshape(batch.shape)[rows, pick]
    return out.reshape(sigma.shape)


# ---------------------------------------------------------------- Monte Carlo samplers

def _pattern_major_fields(patterns: np.ndarray, sigma: np.ndarray,
                          self_coupling: bool = False) -> np.ndarray:
    """``N φ_i = Σ_μ ξ_i^μ (ξ^μ·σ) - K σ_i`` (exact integers, as :func:`scaled_fields`) for
    pattern-major ``patterns[b, μ, i] = ξ_i^μ`` of shape ``(batch, K, N)``, ``sigma`` ``(batch, N)``.

    With each pattern contiguous, the overlaps and the fields are one batched product each:
    ``einsum`` for small networks, stacked ``matmul`` (a BLAS call per network) once a network
    has enough spins to pay for the call.  ``self_coupling=True`` leaves the diagonal term
    ``N J_ii σ_i = K σ_i`` in (the caller removes it).
    """
    K, N = patterns.shape[-2:]
    if N * K < 512:
        overlaps = np.einsum("bkn,bn->bk", patterns, sigma)      # ξ^μ·σ
        h = np.einsum("bk,bkn->bn", overlaps, patterns)          # Σ_μ ξ_i^μ (ξ^μ·σ)
    else:
        overlaps = np.matmul(patterns, sigma[:, :, None])        # (b, K, 1)
        h = np.matmul(overlaps.transpose(0, 2, 1), patterns)[:, 0, :]
    if not self_coupling:
        h -= K * sigma
    return h


def _aligned_sum(xk: np.ndarray) -> np.ndarray:
    """``Σ_i ξ_i^1 N φ_i(ξ^1)`` per network (float64, exact integers) for pattern-major ``xk``.

    Every neuron's field ``Σ_j N J_ij ξ_j^1`` is formed with the diagonal ``N J_ii = K`` in;
    removing it from each neuron removes ``Σ_i ξ_i^1 K ξ_i^1 = K N`` from the sum (J_ii = 0).
    The sum over neurons runs in float32 while it is exactly representable
    (``|Σ| ≤ N·NK < 2^24``), otherwise in float64.
    """
    K, N = xk.shape[-2:]
    xi1 = xk[:, 0, :]
    h = _pattern_major_fields(xk, xi1, self_coupling=True)
    exact = N * N * K < 1 << 24
    total = np.einsum("bn,bn->b", xi1, h, dtype=None if exact else np.float64)
    return total.astype(np.float64) - K * N


def _blocks(size: int, N: int, K: int) -> list[int]:
    """Split ``size`` networks into blocks of at most ``BLOCK_SPINS`` spins (at least 1 network)."""
    per = max(1, BLOCK_SPINS // (N * K))
    return [min(per, size - start) for start in range(0, size, per)]


def _per_network(rng: np.random.Generator, size, N, K,
                 statistic: Callable[[np.random.Generator, np.ndarray], np.ndarray],
                 pattern_major: bool = False) -> np.ndarray:
    """One ``statistic`` value per network, networks drawn block by block.

    ``statistic`` gets patterns of shape ``(b, N, K)`` (as :func:`random_patterns`), or
    ``(b, K, N)`` with ``pattern_major`` (pattern ``μ`` of network ``b`` is ``[b, μ]``): the
    same i.i.d. uniform spins, laid out so that each pattern is contiguous.
    """
    N, K, size = _network(N, K, size)
    out = np.empty(size, dtype=np.float64)
    start = 0
    for b in _blocks(size, N, K):
        spins = _spins(rng, b * N * K)
        patterns = spins.reshape(b, K, N) if pattern_major else spins.reshape(b, N, K)
        out[start:start + b] = statistic(rng, patterns)
        start += b
    return out


def _crosstalk_of_neuron0(patterns: np.ndarray) -> np.ndarray:
    """``R_0 = (ξ_0^1 N φ_0(ξ^1) - (N-1))/N`` with ``N φ_0 = Σ_μ ξ_0^μ (ξ^μ·ξ^1) - K ξ_0^1``.

    Only neuron 0's field: the overlaps ``ξ^μ·ξ^1`` over all neurons, then one dot product.
    """
    N, K = patterns.shape[-2:]
    xi1 = patterns[:, :, 0]
    overlaps = np.matmul(xi1[:, None, :], patterns)[:, 0, :]          # (size, K): ξ^μ·ξ^1
    field = np.einsum("bk,bk->b", patterns[:, 0, :], overlaps) - K * xi1[:, 0]
    return ((xi1[:, 0] * field).astype(np.float64) - (N - 1)) / N


def crosstalk_neuron0(rng: np.random.Generator, size: int, N: int, K: int) -> np.ndarray:
    """The crosstalk ``R_0`` of neuron 0 in ``size`` independent Hebbian networks (1.3.4)."""
    return _per_network(rng, size, N, K, lambda g, xi: _crosstalk_of_neuron0(xi))


def crosstalk_mean_square(rng: np.random.Generator, size: int, N: int, K: int) -> np.ndarray:
    """Per-network average over neurons of ``R_i²`` (1.3.4), one value per network.

    Its expectation is ``E[R_i²] = Var R_i`` since ``E R_i = 0``.
    """
    def stat(g: np.random.Generator, xk: np.ndarray) -> np.ndarray:
        xi1 = xk[:, 0, :]  # N R_i = ξ_i^1 N φ_i(ξ^1) - (N-1): exact integers
        r = xi1 * _pattern_major_fields(xk, xi1)
        r -= N - 1
        return np.einsum("bn,bn->b", r, r, dtype=np.float64) / (N * N * N)
    return _per_network(rng, size, N, K, stat, pattern_major=True)


def aligned_field_mean(rng: np.random.Generator, size: int, N: int, K: int) -> np.ndarray:
    """Per-network average over neurons of ``ξ_i^1 φ_i(ξ^1)`` (left side of 1.3.4)."""
    # Σ_i ξ_i^1 N φ_i(ξ^1) in float64 (exact integers), over N²
    return _per_network(rng, size, N, K, lambda g, xk: _aligned_sum(xk) / (N * N),
                        pattern_major=True)


def pattern_energy(rng: np.random.Generator, size: int, N: int, K: int) -> np.ndarray:
    """The energy ``H(ξ^1)`` of a stored pattern (1.3.6, Hebb couplings, no field), one per network.

    ``H(σ) = -½ Σ_i σ_i φ_i(σ)`` at ``σ = ξ^1``, from every neuron's local field.
    """
    return _per_network(rng, size, N, K, lambda g, xk: _aligned_sum(xk) / (-2.0 * N),
                        pattern_major=True)


def one_step_error_fraction(rng: np.random.Generator, size: int, N: int, K: int) -> np.ndarray:
    """Fraction of neurons that leave pattern 1 after one synchronous update ``σ = sgn(φ(ξ^1))`` (1.3.1).

    Start each network in ``σ = ξ^1``, update all neurons with :func:`sgn_update` (ties: fair
    coin) and return, per network, the fraction of neurons with ``σ_i ≠ ξ_i^1``.
    """
    def stat(g: np.random.Generator, xk: np.ndarray) -> np.ndarray:
        xi1 = xk[:, 0, :]
        new = sgn_update(g, _pattern_major_fields(xk, xi1))  # sgn(N φ) = sgn(φ)
        return np.count_nonzero(new != xi1, axis=1) / N
    return _per_network(rng, size, N, K, stat, pattern_major=True)


def glauber_error_fraction(rng: np.random.Generator, size: int, N: int, K: int,
                           T: float) -> np.ndarray:
    """Fraction of neurons with ``σ_i ≠ ξ_i^1`` after one parallel Glauber step at temperature ``T``.

    Each network starts in ``σ = ξ^1`` and updates all neurons with :func:`glauber_update`.
    """
    _temperature(T)

    def stat(g: np.random.Generator, xi: np.ndarray) -> np.ndarray:
        xi1 = xi[:, :, 0]
        return np.mean(glauber_update(g, xi, xi1, T) != xi1, axis=1)
    return _per_network(rng, size, N, K, stat)


# ---------------------------------------------------------------- closed forms (floats, for tests)

def crosstalk_variance(N: int, K: int) -> float:
    """``Var R = (N-1)(K-1)/N²``: the crosstalk is ``1/N`` times a sum of ``(N-1)(K-1)`` i.i.d. ``±1``."""
    N, K, _ = _network(N, K)
    return (N - 1) * (K - 1) / N ** 2


def one_step_error_exact(N: int, K: int) -> float:
    """Exact one-step error probability ``P[N-1+S < 0] + ½ P[N-1+S = 0]`` (float).

    ``S`` is a sum of ``M = (N-1)(K-1)`` i.i.d. uniform ``±1`` (the crosstalk times ``N``).
    With ``k`` the number of ``+1`` among them, ``S = 2k - M``; summed exactly in integers,
    rounded once.
    """
    N, K, _ = _network(N, K)
    M = (N - 1) * (K - 1)
    twice = 0     # 2 · Σ C(M, k) over errors, + C(M, k) for a tie: integers, exact
    binom = 1     # C(M, k), updated by C(M, k+1) = C(M, k) (M - k) / (k + 1)
    for k in range(M + 1):
        gap = (N - 1) + 2 * k - M  # = N - 1 + S
        if gap > 0:
            break
        twice += 2 * binom if gap < 0 else binom
        binom = binom * (M - k) // (k + 1)
    return twice / 2 ** (M + 1)  # int / int: correctly rounded


def one_step_error_gaussian(N: int, K: int) -> float:
    """The load-``α = K/N`` Gaussian approximation ``½ erfc(1/√(2α))`` of the one-step error (1.3.5)."""
    N, K, _ = _network(N, K)
    return 0.5 * math.erfc(math.sqrt(N / (2.0 * K)))


def gaussian_error_bias(N: int, K: int) -> float:
    """A bound on ``|P_exact - ½ erfc(1/√(2α))|`` with ``α = K/N`` (needs ``K >= 2``).

    Two parts: Berry–Esseen for the ``M = (N-1)(K-1)`` Rademacher summands (``ρ = σ = 1``),
    ``|P_exact - Φ(-a)| ≤ 0.4748/√M`` with ``a = (N-1)/√M = √((N-1)/(K-1))`` (the sup bound
    also covers left limits, hence strict and tied events); and the mean-value bound
    ``|Φ(-a) - Φ(-b)| ≤ φ(min(a, b)) |a - b|`` with ``b = 1/√α = √(N/K)``.
    """
    N, K, _ = _network(N, K)
    if K < 2:
        raise ValueError(f"K={K!r}, expected K >= 2 (no crosstalk, nothing to approximate)")
    M = (N - 1) * (K - 1)
    a = math.sqrt((N - 1) / (K - 1))
    b = math.sqrt(N / K)
    density = math.exp(-0.5 * min(a, b) ** 2) / math.sqrt(2 * math.pi)
    return BERRY_ESSEEN / math.sqrt(M) + density * abs(a - b)
