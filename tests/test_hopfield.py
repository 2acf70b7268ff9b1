"""Unit tests of the Hebbian-network simulator :mod:`numerics.hopfield` (Agliari 1.2–1.3).

Seeds are fixed; Monte Carlo tolerances are ``Z`` standard errors of the estimate.  The closed
forms of the catalog (:mod:`derivations.catalog.ch01_agliari`) are compared with the simulator's
independent float implementations.
"""
from __future__ import annotations

import doctest
import itertools
import math

import numpy as np
import pytest
import sympy as sp

from numerics.samplers import hopfield as H
from numerics.rng import check_generator

Z = 6.0  # tolerance in standard errors: a true formula fails with probability ~2e-9
SEED = 20250609


def _rng(*key: str) -> np.random.Generator:
    return check_generator(SEED, "test_hopfield", *key)


def _fields_by_loop(xi: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """φ_i = Σ_{j≠i} J_ij σ_j with J_ij = (1/N) Σ_μ ξ_i^μ ξ_j^μ, by plain loops (one network)."""
    N, K = xi.shape
    phi = np.zeros(N)
    for i in range(N):
        for j in range(N):
            if j != i:
                J = sum(float(xi[i, m]) * float(xi[j, m]) for m in range(K)) / N
                phi[i] += J * float(sigma[j])
    return phi


def _mc_mean(x: np.ndarray) -> tuple[float, float]:
    return float(x.mean()), float(x.std(ddof=1) / math.sqrt(x.size))


# ---------------------------------------------------------------- the network itself

def test_doctests() -> None:
    failed, tried = doctest.testmod(H, verbose=False)
    assert tried > 0 and failed == 0


@pytest.mark.parametrize("N, K", [(2, 1), (3, 3), (5, 2), (7, 4)])
def test_local_fields_match_double_loop(N, K) -> None:
    rng = _rng("loop", str(N), str(K))
    xi = H.random_patterns(rng, 3, N, K)
    states = [xi[:, :, 0], xi[:, :, -1], H.random_patterns(rng, 3, N, 1)[:, :, 0]]
    for sigma in states:
        phi = H.local_fields(xi, sigma)
        for b in range(xi.shape[0]):
            expected = _fields_by_loop(xi[b], sigma[b])
            assert np.allclose(phi[b], expected, rtol=0, atol=1e-12), (N, K, phi[b], expected)
        J = H.hebbian_couplings(xi)
        assert np.allclose(np.einsum("bij,bj->bi", J, sigma), phi, atol=1e-12)


def test_couplings_symmetric_without_self_coupling() -> None:
    xi = H.random_patterns(_rng("J"), 4, 9, 5)
    J = H.hebbian_couplings(xi)
    assert np.allclose(J, np.swapaxes(J, -1, -2))
    assert np.all(np.diagonal(J, axis1=-2, axis2=-1) == 0)
    b, i, j = 2, 3, 6
    assert math.isclose(J[b, i, j], float(xi[b, i] @ xi[b, j]) / 9)


def test_patterns_are_fair_spins() -> None:
    xi = H.random_patterns(_rng("fair"), 2000, 20, 10)
    assert xi.dtype == np.float32 and set(np.unique(xi)) == {-1.0, 1.0}
    n = xi.size
    assert abs(xi.mean()) <= Z / math.sqrt(n)
    # neighbouring spins (within a byte and across bytes) are uncorrelated
    flat = xi.ravel().astype(np.float64)
    for lag in (1, 7, 8, 9):
        assert abs(np.mean(flat[:-lag] * flat[lag:])) <= Z / math.sqrt(n - lag), lag


def test_crosstalk_lattice_and_split() -> None:
    """R_i = ξ_i^1 φ_i - (N-1)/N is 1/N times a sum of M = (N-1)(K-1) signs (1.3.4)."""
    N, K = 11, 4
    M = (N - 1) * (K - 1)
    xi = H.random_patterns(_rng("lattice"), 500, N, K)
    R = H.crosstalk(xi)
    s = np.rint(R * N)
    assert np.allclose(R * N, s, atol=1e-9)
    assert np.all(np.abs(s) <= M) and np.all((s - M) % 2 == 0)
    direct = np.einsum("bi,bj,bim,bjm->bi", xi[:, :, 0], xi[:, :, 0], xi[:, :, 1:], xi[:, :, 1:]) \
        - (K - 1)  # the j = i terms of the double sum
    assert np.allclose(R, direct / N, atol=1e-9)


@pytest.mark.parametrize("N, K", [(30, 4), (12, 9)])
def test_crosstalk_moments(N, K) -> None:
    n = 200_000
    R = H.crosstalk_neuron0(_rng("moments", str(N), str(K)), n, N, K)
    var = H.crosstalk_variance(N, K)
    assert abs(R.mean()) <= Z * math.sqrt(var / n), R.mean()
    # for a sum of M Rademacher terms scaled by 1/N, Var(R²) = 2 var² - 2M/N⁴
    M = (N - 1) * (K - 1)
    se_var = math.sqrt((2 * var**2 - 2 * M / N**4) / n)
    assert abs(R.var(ddof=1) - var) <= Z * se_var, (R.var(ddof=1), var)


@pytest.mark.parametrize("N, K", [(7, 3), (50, 5), (40, 20)])  # einsum and matmul paths
def test_pattern_major_fields_match_the_loop(N, K) -> None:
    """The samplers' pattern-major fields (``xk[b, μ, i] = ξ_i^μ``) are the Hebbian local
    fields, and the per-network sums the energy and aligned-field samplers return are the
    sums of ``ξ_i^1 φ_i(ξ^1)`` over neurons."""
    xk = H._spins(_rng("pm", str(N), str(K)), 3 * N * K).reshape(3, K, N)
    xi1 = xk[:, 0, :]
    h = H._pattern_major_fields(xk, xi1)
    aligned = H._aligned_sum(xk)
    for b in range(3):
        phi = _fields_by_loop(xk[b].T, xi1[b])
        np.testing.assert_allclose(h[b].astype(np.float64) / N, phi, rtol=0, atol=1e-12)
        assert aligned[b] == pytest.approx(float(np.dot(xi1[b], phi)) * N, abs=1e-9)
    np.testing.assert_array_equal(-aligned / (2 * N), H.hebbian_energy(xk.transpose(0, 2, 1), xi1))


def test_mean_square_and_aligned_field() -> None:
    N, K, n = 60, 12, 20_000
    ms = H.crosstalk_mean_square(_rng("ms"), n, N, K)
    m, se = _mc_mean(ms)
    assert abs(m - H.crosstalk_variance(N, K)) <= Z * se
    af = H.aligned_field_mean(_rng("af"), n, N, K)
    m, se = _mc_mean(af)
    assert abs(m - (N - 1) / N) <= Z * se
    # with the self-coupling kept the mean would be (N-1)/N + K/N: far outside the tolerance
    assert abs(m - (N - 1 + K) / N) > 50 * se


# ---------------------------------------------------------------- one-step error probability

def _error_by_enumeration(N: int, K: int) -> float:
    """P[N-1+S < 0] + ½ P[N-1+S = 0] by listing all 2^M sign vectors (small M only)."""
    M = (N - 1) * (K - 1)
    total = 0.0
    for signs in itertools.product((-1, 1), repeat=M):
        gap = N - 1 + sum(signs)
        total += 1.0 if gap < 0 else 0.5 if gap == 0 else 0.0
    return total / 2**M


@pytest.mark.parametrize("N, K", [(2, 1), (3, 3), (4, 3), (3, 5), (5, 4), (2, 9)])
def test_exact_error_matches_enumeration(N, K) -> None:
    assert math.isclose(H.one_step_error_exact(N, K), _error_by_enumeration(N, K), abs_tol=1e-15)


@pytest.mark.parametrize("N, K, n", [(3, 3, 100_000), (51, 11, 40_000), (100, 21, 20_000)])
def test_one_step_error_fraction(N, K, n) -> None:
    """(3, 3) has ties N - 1 + S = 0 (a fair coin each); (100, 21) has none."""
    x = H.one_step_error_fraction(_rng("err", str(N), str(K)), n, N, K)
    m, se = _mc_mean(x)
    assert abs(m - H.one_step_error_exact(N, K)) <= Z * se, (m, H.one_step_error_exact(N, K), se)


def test_no_error_without_crosstalk() -> None:
    x = H.one_step_error_fraction(_rng("k1"), 1000, 25, 1)
    assert np.all(x == 0)


@pytest.mark.parametrize("N, K", [(50, 5), (100, 20), (100, 30), (200, 60), (240, 120), (30, 2)])
def test_gaussian_bias_bound_holds(N, K) -> None:
    gap = abs(H.one_step_error_exact(N, K) - H.one_step_error_gaussian(N, K))
    bound = H.gaussian_error_bias(N, K)
    assert gap <= bound, (N, K, gap, bound)
    assert bound < 0.5  # a bound, not a vacuous one


def test_catalog_closed_forms_match_simulator_formulas() -> None:
    from derivations.catalog.ch01_agliari import symbols as A
    from derivations.verify.points import explicit

    for N, K in [(3, 3), (51, 11), (100, 20)]:
        p = explicit(A.ONE_STEP_ERROR.subs({A.N: N, A.K: K}))
        assert isinstance(p, sp.Rational)
        assert math.isclose(float(p), H.one_step_error_exact(N, K), rel_tol=1e-12)
        assert math.isclose(float(A.CROSSTALK_VARIANCE.subs({A.N: N, A.K: K})),
                            H.crosstalk_variance(N, K), rel_tol=1e-15)
        assert math.isclose(float(A.GAUSSIAN_ERROR_LOAD.subs({A.N: N, A.K: K})),
                            H.one_step_error_gaussian(N, K), rel_tol=1e-12)


def test_finite_sum_is_exact_and_stays_symbolic() -> None:
    from derivations.symbolic.finite_sum import FiniteSum

    n, kk = sp.symbols("n k", integer=True, nonnegative=True)
    s = FiniteSum(sp.binomial(n, kk) * sp.Heaviside(n - 2 * kk) / 3, (kk, 0, n))
    assert s.doit().has(FiniteSum)  # symbolic limits: no closed form attempted
    value = s.subs(n, 6).doit()
    expected = sum(sp.binomial(6, q) * sp.Heaviside(6 - 2 * q) for q in range(7)) / 3
    assert value == expected and isinstance(value, sp.Rational)
    assert FiniteSum(kk, (kk, 3, 2)).doit() == 0


# ---------------------------------------------------------------- Glauber dynamics

def test_zero_temperature_glauber_is_sgn() -> None:
    N, K = 21, 3  # N - 1 even, K - 1 even: ties possible, so compare away from them
    xi = H.random_patterns(_rng("g0"), 200, N, K)
    sigma = xi[:, :, 0]
    phi = H.local_fields(xi, sigma)
    new = H.glauber_update(_rng("g0u"), xi, sigma, 0.0)
    decided = phi != 0
    assert np.all(new[decided] == np.sign(phi[decided]))
    assert set(np.unique(new)) <= {-1.0, 1.0}


def test_sequential_glauber_changes_one_neuron_at_most() -> None:
    xi = H.random_patterns(_rng("seq"), 300, 15, 6)
    sigma = H.random_patterns(_rng("seq0"), 300, 15, 1)[:, :, 0]
    new = H.glauber_update(_rng("sequ"), xi, sigma, 0.7, mode="sequential")
    assert np.all(np.sum(new != sigma, axis=1) <= 1)
    assert np.any(np.sum(new != sigma, axis=1) == 1)


@pytest.mark.parametrize("T", [0.3, 1.0, 2.5])
def test_glauber_flip_probability_single_pattern(T) -> None:
    """K = 1: ξ_i φ_i = (N-1)/N exactly, so P[σ_i ≠ ξ_i] = g(-(N-1)/(N T)) = ½(1 - tanh((N-1)/(NT)))."""
    N, n = 10, 40_000
    x = H.glauber_error_fraction(_rng("glauber", str(T)), n, N, 1, T)
    m, se = _mc_mean(x)
    p = 0.5 * (1 - math.tanh((N - 1) / (N * T)))
    assert abs(m - p) <= Z * se, (m, p, se)


# ---------------------------------------------------------------- shapes, determinism, memory

@pytest.mark.parametrize("sampler", [H.crosstalk_neuron0, H.crosstalk_mean_square,
                                     H.aligned_field_mean, H.one_step_error_fraction])
@pytest.mark.parametrize("size", [0, 1, 7])
def test_sampler_shapes_and_determinism(sampler, size) -> None:
    a = sampler(_rng("shape", sampler.__name__), size, 13, 4)
    b = sampler(_rng("shape", sampler.__name__), size, 13, 4)
    assert a.shape == (size,) and a.dtype == np.float64
    assert np.array_equal(a, b)


def test_blocks_bound_memory(monkeypatch) -> None:
    monkeypatch.setattr(H, "BLOCK_SPINS", 100)  # 100 spins per block: one 7x5 network at a time
    assert H._blocks(10, 7, 5) == [2] * 5
    assert H._blocks(3, 50, 50) == [1, 1, 1]
    x = H.one_step_error_fraction(_rng("blocks"), 10, 7, 5)
    assert x.shape == (10,) and np.all((0 <= x) & (x <= 1))


# ---------------------------------------------------------------- invalid input

@pytest.mark.parametrize("kwargs, fragment", [
    ({"N": 1, "K": 3}, "N=1"), ({"N": 0, "K": 3}, "N=0"), ({"N": 2.5, "K": 3}, "N=2.5"),
    ({"N": True, "K": 3}, "N=True"), ({"N": "10", "K": 3}, "N='10'"),
    ({"N": 10, "K": 0}, "K=0"), ({"N": 10, "K": -2}, "K=-2"), ({"N": 10, "K": None}, "K=None"),
])
def test_invalid_network_sizes(kwargs, fragment) -> None:
    for sampler in (H.crosstalk_neuron0, H.one_step_error_fraction):
        with pytest.raises(ValueError, match=fragment.replace(".", r"\.")):
            sampler(_rng("bad"), 5, **kwargs)
    with pytest.raises(ValueError, match="expected an integer >= "):
        H.one_step_error_exact(**kwargs)


def test_invalid_size_temperature_mode() -> None:
    with pytest.raises(ValueError, match="size=-1"):
        H.crosstalk_neuron0(_rng("bad"), -1, 10, 3)
    xi = H.random_patterns(_rng("bad2"), 2, 5, 2)
    with pytest.raises(ValueError, match="T=-0.5"):
        H.glauber_update(_rng("bad3"), xi, xi[:, :, 0], -0.5)
    with pytest.raises(ValueError, match="mode='random'"):
        H.glauber_update(_rng("bad4"), xi, xi[:, :, 0], 1.0, mode="random")
    with pytest.raises(ValueError, match="K=1"):
        H.gaussian_error_bias(10, 1)
