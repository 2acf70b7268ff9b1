"""Unit tests of ``numerics.denoising`` (denoisers, samplers, parameter errors) and of the exact
Gaussian-moment evaluation that ``mallat.tweedie`` relies on (``PriorIntegral``).

Monte Carlo tolerances are ``Z`` standard errors of the estimate, with fixed seeds: a wrong
formula is off by many standard errors (the ``detects_*`` tests show the power).
"""
from __future__ import annotations

import math
import random
from functools import partial

import mpmath
import numpy as np
import pytest
import sympy as sp

from derivations.symbolic.prior_integral import DIVERGENT as _DIVERGENT
from derivations.symbolic.prior_integral import PriorIntegral
from derivations.symbolic.prior_integral import _gaussian_moments
from derivations.symbolic.prior_integral import gaussian_mixture_prior as _gaussian_mixture_prior
from numerics.samplers import denoising as dn

_trapezoid = getattr(np, "trapezoid", None) or np.trapz  # numpy >= 2.0 renamed it
Z = 6.0  # standard errors; two-sided false-alarm ~2e-9 per check
N = 200_000


def _rng(seed: int = 1234) -> np.random.Generator:
    return np.random.default_rng(seed)


def _mean_and_se(samples: np.ndarray) -> tuple[float, float]:
    return float(samples.mean()), float(samples.std(ddof=1) / math.sqrt(samples.size))


def _assert_mean(samples: np.ndarray, expected: float, what: str) -> None:
    est, se = _mean_and_se(samples)
    assert abs(est - expected) <= Z * se, f"{what}: mean {est:.6g} vs {expected:.6g} (se {se:.3g})"


def _random_spd(rng: np.random.Generator, d: int) -> np.ndarray:
    b = rng.uniform(-1, 1, (d, d))
    return b @ b.T + 0.2 * np.eye(d)


def _random_orthogonal(rng: np.random.Generator, d: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


# ---------------------------------------------------------------- denoisers

@pytest.mark.parametrize("s, sigma", [(1.0, 0.5), (0.3, 2.0), (2.5, 0.1)])
def test_tweedie_gaussian_prior_is_linear_gain(s, sigma) -> None:
    y = np.linspace(-4, 4, 17)
    score = partial(dn.noisy_mixture_score, sigma=sigma, weights=(1.0,), means=(0.0,), variances=(s * s,))
    np.testing.assert_allclose(dn.tweedie_denoiser(y, sigma, score),
                               dn.gaussian_posterior_mean(y, s, sigma), rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("sigma", [0.2, 0.7, 1.0, 3.0])
def test_tweedie_binary_prior_is_tanh(sigma) -> None:
    y = np.linspace(-5, 5, 21)
    score = partial(dn.noisy_mixture_score, sigma=sigma, weights=(0.5, 0.5), means=(1.0, -1.0),
                    variances=(0.0, 0.0))
    np.testing.assert_allclose(dn.tweedie_denoiser(y, sigma, score), np.tanh(y / sigma ** 2),
                               rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(dn.binary_posterior_mean(y, sigma), np.tanh(y / sigma ** 2))


def test_mixture_score_matches_finite_difference_of_log_density() -> None:
    w, m, v = (0.2, 0.5, 0.3), (-1.5, 0.0, 2.0), (0.3, 1.0, 0.5)

    def log_density(u):
        comps = [wi * np.exp(-(u - mi) ** 2 / (2 * vi)) / np.sqrt(2 * np.pi * vi)
                 for wi, mi, vi in zip(w, m, v)]
        return np.log(np.sum(comps, axis=0))

    y, h = np.linspace(-4, 4, 33), 1e-5
    numeric = (log_density(y + h) - log_density(y - h)) / (2 * h)
    np.testing.assert_allclose(dn.gaussian_mixture_score(y, w, m, v), numeric, rtol=1e-6, atol=1e-8)


def test_tweedie_mixture_prior_equals_posterior_mean_by_quadrature() -> None:
    """Tweedie's formula (6.3.16) against E[x|y] = ∫ x g(y-x) p(x) dx / ∫ g(y-x) p(x) dx."""
    w, m, v, sigma = (0.3, 0.7), (-1.0, 1.5), (0.2, 0.6), 0.8
    x = np.linspace(-12, 12, 48_001)
    prior = sum(wi * np.exp(-(x - mi) ** 2 / (2 * vi)) / np.sqrt(2 * np.pi * vi)
                for wi, mi, vi in zip(w, m, v))
    for y in (-2.0, 0.3, 1.7):
        weights = np.exp(-(y - x) ** 2 / (2 * sigma ** 2)) * prior
        direct = _trapezoid(x * weights, x) / _trapezoid(weights, x)
        score = partial(dn.noisy_mixture_score, sigma=sigma, weights=w, means=m, variances=v)
        assert dn.tweedie_denoiser(np.array(y), sigma, score) == pytest.approx(direct, rel=1e-9)


def test_wiener_filter_in_eigenbasis() -> None:
    rng = _rng(7)
    u = _random_orthogonal(rng, 4)
    beta = np.array([3.0, 1.0, 0.4, 0.05])
    c = u @ np.diag(beta) @ u.T
    h = dn.wiener_filter(c, 0.6)
    np.testing.assert_allclose(h, u @ np.diag(dn.wiener_gain(beta, 0.6)) @ u.T, atol=1e-12)
    gains = dn.wiener_gain(beta, 0.6)
    assert np.all((gains > 0) & (gains < 1))
    np.testing.assert_allclose(np.sort(np.linalg.eigvals(h).real), np.sort(gains), atol=1e-12)


# ---------------------------------------------------------------- samplers

@pytest.mark.parametrize("sampler, params", [
    (dn.gaussian_tweedie_product, {"s": 1.0, "sigma": 0.5}),
    (dn.gaussian_tweedie_error, {"s": 1.0, "sigma": 0.5}),
    (dn.binary_tweedie_product, {"sigma": 0.7}),
    (dn.wiener_error, {"C": [[2.0, 0.5], [0.5, 1.0]], "sigma": 0.5, "d": 2}),
    (dn.eigenbasis_wiener_error, {"U": [[0.6, -0.8], [0.8, 0.6]], "B": [[2.0, 0.0], [0.0, 0.5]],
                                  "sigma": 0.5}),
])
def test_sampler_contract(sampler, params) -> None:
    a = sampler(_rng(5), 1000, **params)
    b = sampler(_rng(5), 1000, **params)
    assert a.shape == (1000,) and a.dtype == np.float64 and np.all(np.isfinite(a))
    np.testing.assert_array_equal(a, b)  # randomness only from the generator passed in
    assert sampler(_rng(5), 0, **params).shape == (0,)


@pytest.mark.parametrize("s, sigma", [(1.0, 0.5), (0.6, 1.5), (2.0, 0.3)])
def test_gaussian_tweedie_product_mean_is_prior_variance(s, sigma) -> None:
    _assert_mean(dn.gaussian_tweedie_product(_rng(11), N, s=s, sigma=sigma), s ** 2, "E[x̂ y]")


@pytest.mark.parametrize("s, sigma", [(1.0, 0.5), (0.6, 1.5), (2.0, 0.3)])
def test_gaussian_tweedie_error_mean_is_mmse(s, sigma) -> None:
    _assert_mean(dn.gaussian_tweedie_error(_rng(12), N, s=s, sigma=sigma),
                 s ** 2 * sigma ** 2 / (s ** 2 + sigma ** 2), "MMSE")


@pytest.mark.parametrize("sigma", [0.3, 0.7, 1.5])
def test_binary_tweedie_product_mean_is_one(sigma) -> None:
    _assert_mean(dn.binary_tweedie_product(_rng(13), N, sigma=sigma), 1.0, "E[x̂ y]")


def test_detects_wrong_binary_denoiser() -> None:
    """Power: tanh(y/σ) in place of tanh(y/σ²) moves E[x̂ y] by more than 2Z standard errors."""
    rng, sigma = _rng(14), 0.5
    x = np.where(rng.random(N) < 0.5, -1.0, 1.0)
    y = x + sigma * rng.standard_normal(N)
    est, se = _mean_and_se(np.tanh(y / sigma) * y)
    assert abs(est - 1.0) > 2 * Z * se


def test_wiener_error_mean_on_random_spd_covariances() -> None:
    rng = _rng(21)
    for d in (1, 2, 3, 4):
        c, sigma = _random_spd(rng, d), 0.3 + d / 4
        expected = sigma ** 2 * np.trace(c @ np.linalg.inv(c + sigma ** 2 * np.eye(d)))
        _assert_mean(dn.wiener_error(_rng(30 + d), N, C=c.tolist(), sigma=sigma, d=d),
                     expected, f"Wiener MSE d={d}")


def test_eigenbasis_wiener_error_mean() -> None:
    rng = _rng(22)
    u, beta, sigma = _random_orthogonal(rng, 3), np.array([2.5, 0.7, 0.1]), 0.8
    _assert_mean(dn.eigenbasis_wiener_error(_rng(23), N, U=u.tolist(), B=np.diag(beta).tolist(),
                                            sigma=sigma),
                 float(np.sum(sigma ** 2 * beta / (beta + sigma ** 2))), "eigenbasis MSE")


def test_detects_non_optimal_filter() -> None:
    """Power: the filter (C + σ I)^{-1} C (σ for σ²) has an MSE many standard errors higher."""
    c, sigma = np.array([[2.0, 0.6], [0.6, 0.5]]), 0.4
    rng = _rng(24)
    x = rng.standard_normal((N, 2)) @ np.linalg.cholesky(c).T
    y = x + sigma * rng.standard_normal((N, 2))
    wrong = np.linalg.solve(c + sigma * np.eye(2), c)
    est, se = _mean_and_se(np.sum((y @ wrong.T - x) ** 2, axis=1))
    optimum = sigma ** 2 * np.trace(c @ np.linalg.inv(c + sigma ** 2 * np.eye(2)))
    assert est - optimum > 2 * Z * se


def test_matrix_samplers_stream_in_blocks() -> None:
    """Sizes above the internal block give the same stream as the blocks drawn one by one."""
    params = {"C": [[1.0, 0.2], [0.2, 0.8]], "sigma": 0.4}
    n = dn._SUBCHUNK + 17
    whole = dn.wiener_error(_rng(3), n, **params)
    assert whole.shape == (n,) and np.all(np.isfinite(whole))
    rng = _rng(3)
    first = dn.wiener_error(rng, dn._SUBCHUNK, **params)
    np.testing.assert_array_equal(whole[:dn._SUBCHUNK], first)


# ---------------------------------------------------------------- invalid parameters

_SPD = [[1.0, 0.2], [0.2, 1.0]]
_ROT = [[0.6, -0.8], [0.8, 0.6]]
_DIAG = [[1.0, 0.0], [0.0, 0.5]]

INVALID = [
    ("sigma=0", lambda: dn.gaussian_tweedie_product(_rng(), 10, s=1.0, sigma=0.0), "sigma=0.0"),
    ("sigma<0", lambda: dn.binary_tweedie_product(_rng(), 10, sigma=-1.0), "sigma=-1.0"),
    ("sigma=nan", lambda: dn.binary_tweedie_product(_rng(), 10, sigma=float("nan")), "sigma=nan"),
    ("sigma str", lambda: dn.binary_tweedie_product(_rng(), 10, sigma="big"), "sigma='big'"),
    ("s=0", lambda: dn.gaussian_tweedie_error(_rng(), 10, s=0, sigma=1.0), "s=0"),
    ("size<0", lambda: dn.gaussian_tweedie_error(_rng(), -1, s=1.0, sigma=1.0), "size=-1"),
    ("size float", lambda: dn.binary_tweedie_product(_rng(), 2.5, sigma=1.0), "size=2.5"),
    ("C not square", lambda: dn.wiener_error(_rng(), 10, C=[[1.0, 0.0]], sigma=1.0), "C="),
    ("C not symmetric", lambda: dn.wiener_error(_rng(), 10, C=[[1.0, 0.5], [0.0, 1.0]], sigma=1.0),
     "symmetric"),
    ("C not PD", lambda: dn.wiener_error(_rng(), 10, C=[[1.0, 2.0], [2.0, 1.0]], sigma=1.0),
     "positive-definite"),
    ("U not orthogonal", lambda: dn.eigenbasis_wiener_error(_rng(), 10, U=[[1.0, 1.0], [0.0, 1.0]],
                                                            B=_DIAG, sigma=1.0), "orthogonal"),
    ("B not diagonal", lambda: dn.eigenbasis_wiener_error(_rng(), 10, U=_ROT, B=_SPD, sigma=1.0),
     "diagonal"),
    ("B not positive", lambda: dn.eigenbasis_wiener_error(_rng(), 10, U=_ROT,
                                                          B=[[1.0, 0.0], [0.0, 0.0]], sigma=1.0),
     "positive diagonal"),
    ("U, B sizes", lambda: dn.eigenbasis_wiener_error(_rng(), 10, U=_ROT, B=[[1.0]], sigma=1.0),
     "equal sizes"),
    ("weights sum", lambda: dn.gaussian_mixture_score(np.zeros(3), (0.5, 0.4), (0, 1), (1, 1)),
     "summing to 1"),
    ("lengths", lambda: dn.gaussian_mixture_score(np.zeros(3), (1.0,), (0, 1), (1, 1)),
     "equal lengths"),
    ("point mass score", lambda: dn.gaussian_mixture_score(np.zeros(3), (1.0,), (0.0,), (0.0,)),
     "positive numbers for a density"),
    ("beta<=0", lambda: dn.wiener_gain(np.array([1.0, 0.0]), 1.0), "beta="),
]


@pytest.mark.parametrize("case, call, fragment", INVALID, ids=[c[0] for c in INVALID])
def test_invalid_parameters_are_named(case, call, fragment) -> None:
    with pytest.raises(ValueError) as info:
        call()
    assert fragment in str(info.value), f"{case}: message {info.value!s} lacks {fragment!r}"
    assert "expected" in str(info.value), f"{case}: message {info.value!s} does not say what is valid"


# ---------------------------------------------------------------- exact Gaussian moments (catalog helper)

def test_gaussian_moments_match_quadrature() -> None:
    """The closed form behind PriorIntegral.evalf against mpmath quadrature on random mixtures."""
    x, y, sigma = sp.Symbol("x", real=True), sp.Rational(3, 7), sp.Rational(5, 4)
    kernel = sp.exp(-(y - x) ** 2 / (2 * sigma ** 2)) / sp.sqrt(2 * sp.pi * sigma ** 2)
    rng = random.Random(3)
    for _ in range(3):
        prior = _gaussian_mixture_prior(rng)
        for integrand in (kernel * prior(x), x * kernel * prior(x), (y - x) ** 3 * kernel * prior(x)):
            with mpmath.workdps(40):
                exact = _gaussian_moments(integrand, x, 30)
                quad = mpmath.quad(sp.lambdify(x, integrand, "mpmath"), [-mpmath.inf, 0, mpmath.inf])
                # absolute floor: a mixture centred at y makes the odd moment exactly 0
                assert exact is not None and abs(exact - quad) <= 1e-25 * max(abs(quad), 1e-15)


def test_gaussian_moments_refuse_non_gaussian_integrands() -> None:
    x = sp.Symbol("x", real=True)
    for f in (sp.exp(-x ** 4), 1 / (1 + x ** 2), sp.sqrt(x) * sp.exp(-x ** 2)):
        assert _gaussian_moments(f, x, 30) is None, f  # not Gaussian: quadrature decides
    for f in (sp.exp(x ** 2), x * sp.exp(-x), sp.exp(-x ** 3), x ** 2):
        assert _gaussian_moments(f, x, 30) is _DIVERGENT, f
        assert not sp.N(PriorIntegral(f, (x, -sp.oo, sp.oo)), 30).is_Float  # left unevaluated


def test_prior_integral_linearity_derivative_and_value() -> None:
    x, y = sp.symbols("x y", real=True)
    p = sp.Function("p")
    line = (x, -sp.oo, sp.oo)
    integral = PriorIntegral((y - x) * sp.exp(-(y - x) ** 2) * p(x), line)
    split = integral.doit()
    assert split == (y * PriorIntegral(sp.exp(-(y - x) ** 2) * p(x), line)
                     - PriorIntegral(x * sp.exp(-(y - x) ** 2) * p(x), line))
    assert sp.diff(PriorIntegral(sp.exp(-(y - x) ** 2) * p(x), line), y) == PriorIntegral(
        sp.diff(sp.exp(-(y - x) ** 2), y) * p(x), line)
    standard = sp.Lambda(x, sp.exp(-x ** 2 / 2) / sp.sqrt(2 * sp.pi))
    value = sp.N(PriorIntegral(x ** 2 * standard(x), line), 30)
    assert abs(value - 1) < sp.Float(10) ** -28  # E[x²] = 1 under N(0, 1)
    # a finite interval uses quadrature: ∫_0^1 x² dx = 1/3
    assert abs(sp.N(PriorIntegral(x ** 2, (x, 0, 1)), 30) - sp.Rational(1, 3)) < sp.Float(10) ** -25


def test_module_doctests() -> None:
    import doctest

    failed, tried = doctest.testmod(dn, verbose=False)
    assert tried > 0 and failed == 0, f"{failed} of {tried} doctests of numerics.denoising failed"
