"""The Lyapunov-change sampler (numerics.samplers.lyapunov) against exhaustive enumeration."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from numerics.samplers import lyapunov

J = [[0.5, 1.0, -0.7], [1.0, 0.25, 0.4], [-0.7, 0.4, 0.0]]
H = [0.3, -0.2, 0.15]
N_SAMPLES = 400_000


def exact_mean(J, h, parallel: bool = False) -> float:
    """Average of L(σ') - L(σ) over all states and neurons, by direct enumeration (no ties here)."""
    J, h = np.asarray(J), np.asarray(h)
    n = len(h)

    def L(s):
        return -0.5 * s @ J @ s - h @ s
    total = 0.0
    for s in itertools.product((1.0, -1.0), repeat=n):
        s = np.array(s)
        phi = J @ s + h
        for i in range(n):
            new = np.sign(phi) if parallel else np.where(np.arange(n) == i, np.sign(phi), s)
            total += L(new) - L(s)
    return total / (2 ** n * n)


def _within(x: np.ndarray, expected: float, z: float = 5.0) -> bool:
    return abs(x.mean() - expected) <= z * x.std(ddof=1) / np.sqrt(len(x))


def test_mean_matches_enumeration() -> None:
    x = lyapunov.lyapunov_change(np.random.default_rng(3), N_SAMPLES, J, H)
    assert _within(x, exact_mean(J, H))
    assert (x <= 1e-12).all()  # 1.2.8: never an increase


def test_parallel_update_mutant_is_caught() -> None:
    x = lyapunov.lyapunov_change(np.random.default_rng(4), N_SAMPLES, J, H)
    assert not _within(x, exact_mean(J, H, parallel=True))
    assert not _within(x, -exact_mean(J, H))  # a wrong sign


def test_deterministic_and_n3_wrapper() -> None:
    a = lyapunov.lyapunov_change(np.random.default_rng(7), 1000, J, H)
    b = lyapunov.lyapunov_change_n3(np.random.default_rng(7), 1000, 0.5, 1.0, -0.7, 0.25, 0.4, 0.0,
                                    0.3, -0.2, 0.15)
    assert np.array_equal(a, b)


def test_tie_is_a_fair_coin() -> None:
    # one spin, J = 0, h = 0: φ = 0 always; the new spin is a coin, ΔL = 0 either way
    x = lyapunov.lyapunov_change(np.random.default_rng(0), 100, [[0.0]], [0.0])
    assert (x == 0).all()


@pytest.mark.parametrize("J, h, fragment", [
    ([[1.0, 0.5], [0.4, 1.0]], [0.0, 0.0], "symmetric"),
    ([[-1.0, 0.5], [0.5, 1.0]], [0.0, 0.0], "J_11"),
    ([[1.0, 0.5], [0.5, 1.0]], [0.0], "h of shape"),
    ([[1.0, 0.5]], [0.0], "square"),
    ([[np.nan]], [0.0], "finite"),
])
def test_invalid_arguments_named(J, h, fragment) -> None:
    with pytest.raises(ValueError, match=fragment):
        lyapunov.lyapunov_change(np.random.default_rng(0), 10, J, h)


def test_invalid_scalar_coupling_named() -> None:
    with pytest.raises(ValueError, match="J_33"):
        lyapunov.lyapunov_change_n3(np.random.default_rng(0), 10, 0.5, 1, 0, 0.5, 0, -1, 0, 0, 0)
    with pytest.raises(ValueError, match="size"):
        lyapunov.lyapunov_change(np.random.default_rng(0), -1, J, H)
