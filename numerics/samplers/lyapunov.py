"""Agliari's Lyapunov function under zero-temperature sequential dynamics (notes 1.2.4–1.2.8).

A network of ``N`` ±1 spins with symmetric couplings ``J`` (``J_ii >= 0``) and fields ``h``
has the Lyapunov function ``L(σ) = -½ σᵀJσ - hᵀσ`` (1.2.7).  One sequential step (Definition
2 at ``T = 0``) picks a neuron ``i`` uniformly and sets ``σ_i ← sgn(φ_i)``,
``φ_i = Σ_j J_ij σ_j + h_i`` (1.2.4), the other spins unchanged; ``sgn(0)`` is a fair coin.

The sampler draws the state uniformly from ``{±1}^N``, simulates that step and returns
``L(σ') - L(σ)`` with ``L`` evaluated from its definition (1.2.7) at both states — never the
derived formula ``-(σ_i' - σ_i)(φ_i - J_ii σ_i)``.  ``L`` and the updated state are tabulated
once per call for the ``2^N`` states (state code ``c``: bit ``k`` set ⇔ ``σ_{k+1} = -1``), so a
sample costs two table look-ups.

>>> import numpy as np
>>> J = [[0.5, 1.0], [1.0, 0.0]]
>>> x = lyapunov_change(np.random.default_rng(0), 1000, J, [0.2, -0.1])
>>> bool((x <= 1e-12).all())
True
"""
from __future__ import annotations

import numpy as np

from ..checks import count, finite

__all__ = ["MAX_SPINS", "couplings", "spin_states", "lyapunov_function", "lyapunov_change",
           "lyapunov_change_n3"]

MAX_SPINS = 12  # 2^N states are tabulated


def couplings(J, h) -> tuple[np.ndarray, np.ndarray]:
    """``(J, h)`` as float arrays, validated: ``J`` square symmetric with ``J_ii >= 0``, ``h``
    of length ``N``, all finite (a ValueError names what is wrong)."""
    try:
        j = np.asarray(J, dtype=float)
        f = np.asarray(h, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"J={J!r}, h={h!r}: expected a real N×N matrix and a real N-vector") from None
    if j.ndim != 2 or j.shape[0] != j.shape[1] or not 1 <= j.shape[0] <= MAX_SPINS:
        raise ValueError(f"J of shape {j.shape}: expected a square N×N matrix, 1 <= N <= {MAX_SPINS}")
    n = j.shape[0]
    if f.shape != (n,):
        raise ValueError(f"h of shape {f.shape}: expected a vector of length N = {n}")
    if not (np.isfinite(j).all() and np.isfinite(f).all()):
        raise ValueError("J and h: expected finite real entries")
    if not np.array_equal(j, j.T):
        raise ValueError("J is not symmetric: the notes assume J^T = J")
    bad = [k for k in range(n) if not j[k, k] >= 0]
    if bad:
        k = bad[0]
        raise ValueError(f"J_{k + 1}{k + 1}={j[k, k]!r}: the notes assume J_ii >= 0")
    return j, f


def spin_states(N: int) -> np.ndarray:
    """All ``2^N`` states, shape ``(2^N, N)``: row ``c`` has ``σ_{k+1} = -1`` iff bit ``k`` of ``c``."""
    n = count("N", N, 1)
    codes = np.arange(2 ** n)[:, None]
    return 1.0 - 2.0 * ((codes >> np.arange(n)) & 1)


def lyapunov_function(J: np.ndarray, h: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """``L(σ) = -½ σᵀJσ - hᵀσ`` (1.2.7) of each row of ``sigma``."""
    return -0.5 * np.einsum("si,ij,sj->s", sigma, J, sigma) - sigma @ h


def lyapunov_change(rng: np.random.Generator, size: int, J, h) -> np.ndarray:
    """``size`` i.i.d. values of ``L(σ') - L(σ)``: ``σ`` uniform on ``{±1}^N``, ``i`` uniform,
    ``σ'`` the zero-temperature sequential update of neuron ``i`` (``sgn(0)`` a fair coin)."""
    j, f = couplings(J, h)
    size = count("size", size, 0)
    n = j.shape[0]
    states = spin_states(n)
    energy = lyapunov_function(j, f, states)      # L of every state (1.2.7)
    fields = states @ j.T + f                      # φ_i of every state (1.2.4)
    flip_bit = 1 << np.arange(n)
    up = np.sign(fields)                           # sgn φ_i; 0 on a tie
    flips = (up != 0) & (up != states)             # σ_i' = sgn φ_i ≠ σ_i
    ties = up == 0
    code = rng.integers(0, 2 ** n, size=size)
    neuron = rng.integers(0, n, size=size)
    flipped = flips[code, neuron]
    tied = ties[code, neuron]
    if tied.any():                                 # sgn(0): a fair coin decides the new spin
        flipped[tied] = rng.integers(0, 2, size=int(tied.sum())).astype(bool)
    new_code = np.where(flipped, code ^ flip_bit[neuron], code)
    return energy[new_code] - energy[code]


def lyapunov_change_n3(rng: np.random.Generator, size: int, J_11, J_12, J_13, J_22, J_23,
                       J_33, h_1, h_2, h_3) -> np.ndarray:
    """:func:`lyapunov_change` of ``N = 3`` spins, the couplings given entry by entry
    (``J_ji = J_ij``), as the claim's closed form names them."""
    entries = {name: finite(name, v) for name, v in (
        ("J_11", J_11), ("J_12", J_12), ("J_13", J_13), ("J_22", J_22), ("J_23", J_23),
        ("J_33", J_33), ("h_1", h_1), ("h_2", h_2), ("h_3", h_3))}
    for name in ("J_11", "J_22", "J_33"):
        if not entries[name] >= 0:
            raise ValueError(f"{name}={entries[name]!r}: the notes assume J_ii >= 0")
    e = entries
    J = [[e["J_11"], e["J_12"], e["J_13"]],
         [e["J_12"], e["J_22"], e["J_23"]],
         [e["J_13"], e["J_23"], e["J_33"]]]
    return lyapunov_change(rng, size, J, [e["h_1"], e["h_2"], e["h_3"]])
