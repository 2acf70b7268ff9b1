"""Unit tests of ``numerics.regression`` (Kempe, notes §3.0.2) and of the kempe catalog's
parameter tables.  Seeds are fixed; Monte Carlo means are compared at 6 standard errors."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from derivations.registry import Registry
from numerics.samplers import regression as rg

Z_TOL = 6.0  # standard errors: a false alarm has probability ~2e-9 per comparison


def _mean_se(x: np.ndarray) -> tuple[float, float]:
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(x.size))


def _assert_mean(x: np.ndarray, expected: float, what: str) -> None:
    m, se = _mean_se(x)
    assert abs(m - expected) <= Z_TOL * se, (
        f"{what}: estimate {m:.6g} ± {se:.2g}, expected {expected:.6g} "
        f"(|z| = {abs(m - expected) / se:.2f} > {Z_TOL})")


# ---------------------------------------------------------------- the OLS solver

@pytest.mark.parametrize("m,T,d", [(1, 3, 1), (7, 5, 2), (16, 12, 4), (3, 6, 6)])
def test_ols_fit_matches_lstsq(m, T, d):
    rng = np.random.default_rng(100 + 10 * T + d)
    X = rng.standard_normal((m, T, d))
    Y = rng.standard_normal((m, T))
    got = rg.ols_fit(X, Y)
    assert got.shape == (m, d)
    for j in range(m):
        ref = np.linalg.lstsq(X[j], Y[j], rcond=None)[0]
        np.testing.assert_allclose(got[j], ref, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("d", [1, 2, 5, 6])
def test_vectorised_cholesky_solve_matches_lapack(d):
    """The samplers' stacked normal-equation solve agrees with ``np.linalg.solve``; a stack
    entry that is not positive definite falls back to LU instead of returning garbage."""
    rng = np.random.default_rng(40 + d)
    A = rng.standard_normal((64, d + 12, d + 1))
    gram = np.matmul(A.transpose(0, 2, 1), A)
    gram[3, :d, :d] = -np.eye(d)  # invertible but indefinite: Cholesky fails, LU does not
    got = rg._cholesky_solve(np.tril(gram).transpose(1, 2, 0))  # entry-major, lower triangle
    ref = np.linalg.solve(gram[:, :d, :d], gram[:, :d, d:])[..., 0].T
    assert got.shape == (d, 64)
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12)
    columns = np.ascontiguousarray(A.transpose(2, 0, 1))  # (d + 1, m, T)
    np.testing.assert_allclose(np.tril(rg._gram_entries(columns).transpose(2, 0, 1)),
                               np.tril(np.matmul(A.transpose(0, 2, 1), A)), rtol=1e-12, atol=1e-12)


def test_ols_fit_recovers_noiseless_teacher():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((5, 9, 3))
    w0 = np.array([0.5, -2.0, 1.25])
    np.testing.assert_allclose(rg.ols_fit(X, X @ w0), np.broadcast_to(w0, (5, 3)), atol=1e-12)


# ---------------------------------------------------------------- means against the closed forms

SIGMA_4 = rg.random_spd(4, seed=11, condition=8.0)


@pytest.mark.parametrize("d,T,sigma,Sigma", [(5, 30, 0.7, None), (4, 16, 1.2, SIGMA_4), (1, 12, 0.3, None)])
def test_ols_test_error_mean(d, T, sigma, Sigma):
    x = rg.ols_test_error(np.random.default_rng(2024 + d), 30_000, d, T, sigma, Sigma)
    _assert_mean(x, sigma**2 * d / (T - d - 1), f"ols_test_error d={d} T={T}")


def test_test_error_does_not_depend_on_sigma_but_parameter_error_does():
    d, T, sigma = 4, 16, 1.0
    Sinv = np.linalg.inv(np.array(SIGMA_4))
    x = rg.ols_parameter_error(np.random.default_rng(5), 30_000, d, T, sigma, SIGMA_4)
    _assert_mean(x, sigma**2 * np.trace(Sinv) / (T - d - 1), "ols_parameter_error")
    # the unweighted error is far from d/(T-d-1) for this anisotropic Σ: the check can tell
    m, se = _mean_se(x)
    assert abs(m - sigma**2 * d / (T - d - 1)) > 20 * se


@pytest.mark.parametrize("n", [0, 1, 3])
def test_collapse_chain_mean(n):
    d, T0, T, sigma = 3, 15, 13, 0.8
    x = rg.collapse_chain_error(np.random.default_rng(31 + n), 20_000, d, T0, T, n, sigma)
    expected = sigma**2 * d / (T - d - 1) + n * sigma**2 * d / (T0 - d - 1)
    _assert_mean(x, expected, f"collapse_chain_error n={n}")


def test_collapse_chain_rejects_the_printed_asymptotic():
    """At finite T, T0 the printed (3.0.23) dσ²/T + ndσ²/T0 is detectably too small."""
    d, T0, T, n, sigma = 3, 15, 13, 3, 0.8
    x = rg.collapse_chain_error(np.random.default_rng(77), 20_000, d, T0, T, n, sigma)
    m, se = _mean_se(x)
    printed = d * sigma**2 / T + n * d * sigma**2 / T0
    assert (m - printed) / se > 20


def test_collapse_with_no_generation_is_a_single_fit():
    a = rg.collapse_chain_error(np.random.default_rng(9), 500, 3, 20, 15, 0, 0.5)
    b = rg.ols_test_error(np.random.default_rng(9), 500, 3, 15, 0.5)
    np.testing.assert_array_equal(a, b)


def test_memory_model_mean():
    N, beta, T = 40, 1.5, 25
    p = np.arange(1, N + 1, dtype=float) ** -beta
    p /= p.sum()
    x = rg.memory_test_error(np.random.default_rng(3), 100_000, N, beta, T)
    assert set(np.unique(x)) <= {0.0, 1.0}
    _assert_mean(x, float(np.sum(p * (1 - p) ** T)), "memory_test_error")


def test_memory_model_with_cutoff_mean():
    N, beta, T, k = 40, 1.5, 25, 10
    p = np.arange(1, N + 1, dtype=float) ** -beta
    p /= p.sum()
    x = rg.memory_test_error(np.random.default_rng(4), 100_000, N, beta, T, k=k)
    expected = float(np.sum(p[:k] * (1 - p[:k]) ** T) + p[k:].sum())
    _assert_mean(x, expected, "memory_test_error k=10")


# ---------------------------------------------------------------- determinism and bounded memory

def test_deterministic_and_subchunked(monkeypatch):
    a = rg.collapse_chain_error(np.random.default_rng(1), 1000, 3, 20, 15, 2, 0.5)
    b = rg.collapse_chain_error(np.random.default_rng(1), 1000, 3, 20, 15, 2, 0.5)
    np.testing.assert_array_equal(a, b)
    monkeypatch.setattr(rg, "SUBCHUNK_ELEMENTS", 3 * 20 * 7)  # 7 samples per sub-chunk
    c = rg.collapse_chain_error(np.random.default_rng(1), 1000, 3, 20, 15, 2, 0.5)
    assert c.shape == (1000,) and np.all(np.isfinite(c)) and np.all(c >= 0)
    _assert_mean(np.concatenate([a, c]), 0.25 * 3 * (1 / 11 + 2 / 16), "sub-chunked chain")


def test_random_spd():
    S = np.array(rg.random_spd(5, seed=3, condition=10.0))
    np.testing.assert_allclose(S, S.T, atol=1e-12)
    ev = np.linalg.eigvalsh(S)
    np.testing.assert_allclose([ev.min(), ev.max()], [1.0, 10.0], rtol=1e-9)
    assert rg.random_spd(5, seed=3) == rg.random_spd(5, seed=3)


# ---------------------------------------------------------------- invalid input
# (each claim's inadmissible twins are Claim.invalid_cases: generic check invalid_cases_rejected)

@pytest.mark.parametrize("kwargs,fragment", [
    ({"d": 0, "T": 10, "sigma": 1.0}, "d=0"),
    ({"d": 2.5, "T": 10, "sigma": 1.0}, "d=2.5"),
    ({"d": 2, "T": 10, "sigma": 0.0}, "sigma=0.0"),
    ({"d": 2, "T": 10, "sigma": float("nan")}, "sigma=nan"),
    ({"d": 2, "T": 10, "sigma": 1.0, "Sigma": [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]}, "shape (3, 2)"),
    ({"d": 2, "T": 10, "sigma": 1.0, "Sigma": [[1.0, 2.0], [2.0, 1.0]]}, "not positive definite"),
    ({"d": 2, "T": 10, "sigma": 1.0, "Sigma": [[1.0, 0.5], [0.0, 1.0]]}, "not symmetric"),
])
def test_bad_parameters(kwargs, fragment):
    with pytest.raises(ValueError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        rg.ols_test_error(np.random.default_rng(0), 5, **kwargs)


@pytest.mark.parametrize("n", [-1, 1.5])
def test_bad_generation_count(n):
    with pytest.raises(ValueError, match="n="):
        rg.collapse_chain_error(np.random.default_rng(0), 5, 2, 20, 20, n, 1.0)


# ---------------------------------------------------------------- the catalog's parameter domains

KEMPE = Registry().in_chapter("kempe")


@pytest.mark.parametrize("claim", [c for d in KEMPE for c in d.claims], ids=lambda c: c.name)
def test_cases_are_admissible(claim):
    for case in claim.cases:
        x = claim.sampler(np.random.default_rng(0), 8, **case)
        assert x.shape == (8,) and np.all(np.isfinite(x))
        if "T" in case and "d" in case:  # finite variance for the z-test: T >= d + 10
            assert case["T"] >= case["d"] + 10 and case.get("T0", case["T"]) >= case["d"] + 10


@pytest.mark.parametrize("claim", [c for d in KEMPE for c in d.claims if c.strategy is not None],
                         ids=lambda c: c.name)
def test_strategies_draw_admissible_cases(claim):
    @settings(max_examples=25, derandomize=True, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(claim.parameter_strategy)
    def check(params):
        x = claim.sampler(np.random.default_rng(0), 4, **params)
        assert x.shape == (4,) and np.all(np.isfinite(x))
        if "T" in params and "d" in params:
            assert params["T"] >= params["d"] + 10
            if params.get("n", 0) > 0:
                assert params["T0"] >= params["d"] + 10
    check()
