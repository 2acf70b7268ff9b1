"""Unit tests of the Ornstein–Uhlenbeck samplers in :mod:`numerics.sde` (Mallat 6.3.2–6.3.13).

Seeds are fixed; Monte Carlo tolerances are ``Z`` standard errors of the estimate (for a
Gaussian sample, SE(mean) = sd/√n and SE(variance) = var·√(2/n)).
"""
from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

from numerics.samplers import sde
from numerics.rng import check_generator

Z = 6.0  # tolerance in standard errors: a true formula fails with probability ~2e-9
N = 400_000
SEED = 20250701

CASES = [  # (x0, kappa, sigma, t)
    (2.0, 1.0, 0.5, 0.7),
    (-1.5, 0.3, 1.2, 2.0),
    (1.0, 2.0, 0.8, 0.4),
    (0.0, 5.0, 2.0, 3.0),
]


def _rng(*key: str) -> np.random.Generator:
    return check_generator(SEED, "test_sde", *key)


def _assert_gaussian_moments(x: np.ndarray, mean: float, var: float, what: str) -> None:
    n = x.size
    se_mean = math.sqrt(var / n)
    se_var = var * math.sqrt(2.0 / n)
    assert abs(x.mean() - mean) <= Z * se_mean, (
        f"{what}: sample mean {x.mean():.6g}, expected {mean:.6g} ± {Z}·{se_mean:.3g}")
    assert abs(x.var(ddof=1) - var) <= Z * se_var, (
        f"{what}: sample variance {x.var(ddof=1):.6g}, expected {var:.6g} ± {Z}·{se_var:.3g}")


# ---------------------------------------------------------------- shapes, dtypes, determinism

@pytest.mark.parametrize("size", [0, 1, 7, 70_000])
def test_shapes_and_dtypes(size):
    samplers = [
        lambda g: sde.ou_exact(g, size, x0=1.0, kappa=1.0, sigma=0.5, t=0.3),
        lambda g: sde.ou_euler_maruyama(g, size, x0=1.0, kappa=1.0, sigma=0.5, t=0.3, steps=3),
        lambda g: sde.ou_rescaled(g, size, x=1.0, t=0.3),
    ]
    for i, sampler in enumerate(samplers):
        x = sampler(_rng("shape", str(size), str(i)))
        assert isinstance(x, np.ndarray) and x.shape == (size,) and x.dtype == np.float64
        assert np.all(np.isfinite(x))


def test_numpy_integer_parameters_are_accepted():
    x = sde.ou_euler_maruyama(_rng("npint"), np.int64(5), x0=1, kappa=1, sigma=1, t=1,
                              steps=np.int32(4))
    assert x.shape == (5,)


def test_same_seed_same_samples_and_streams_advance():
    a = sde.ou_euler_maruyama(_rng("det"), 100, 1.0, 1.0, 1.0, 1.0, 10)
    b = sde.ou_euler_maruyama(_rng("det"), 100, 1.0, 1.0, 1.0, 1.0, 10)
    assert np.array_equal(a, b)
    g = _rng("det2")
    assert not np.array_equal(sde.ou_exact(g, 100, 0.0, 1.0, 1.0, 1.0),
                              sde.ou_exact(g, 100, 0.0, 1.0, 1.0, 1.0))


def test_zero_noise_is_deterministic():
    x = sde.ou_euler_maruyama(_rng("sigma0"), 10, x0=2.0, kappa=0.5, sigma=0.0, t=1.0, steps=4)
    assert np.allclose(x, 2.0 * (1 - 0.5 * 0.25) ** 4, rtol=1e-15)
    assert np.allclose(sde.ou_exact(_rng("sigma0e"), 10, 2.0, 0.5, 0.0, 1.0), 2.0 * math.exp(-0.5))


# ---------------------------------------------------------------- moments of the samplers

@pytest.mark.parametrize("x0,kappa,sigma,t", CASES)
def test_exact_sampler_matches_ou_moments(x0, kappa, sigma, t):
    x = sde.ou_exact(_rng("exact", str(kappa)), N, x0, kappa, sigma, t)
    mean = x0 * math.exp(-kappa * t)                                   # 6.3.5
    var = sigma ** 2 * (1 - math.exp(-2 * kappa * t)) / (2 * kappa)  # 6.3.5
    assert sde.ou_mean(x0, kappa, t) == pytest.approx(mean, rel=1e-14, abs=1e-300)
    assert sde.ou_variance(kappa, sigma, t) == pytest.approx(var, rel=1e-14)
    _assert_gaussian_moments(x, mean, var, f"ou_exact{(x0, kappa, sigma, t)}")


@pytest.mark.parametrize("x0,kappa,sigma,t,steps", [
    (2.0, 1.0, 0.5, 0.7, 50),
    (-1.5, 0.3, 1.2, 2.0, 3),
    (1.0, 2.0, 0.8, 1.0, 4),   # κh = 0.5: coarse, strongly biased
    (1.0, 1.5, 1.0, 2.0, 2),   # κh = 1.5: overshooting chain, r < 0
])
def test_euler_maruyama_matches_its_exact_moments(x0, kappa, sigma, t, steps):
    x = sde.ou_euler_maruyama(_rng("em", str(steps)), N, x0, kappa, sigma, t, steps)
    mean, var = sde.ou_em_moments(x0, kappa, sigma, t, steps)
    _assert_gaussian_moments(x, mean, var, f"ou_euler_maruyama{(x0, kappa, sigma, t, steps)}")


def test_coarse_euler_maruyama_is_distinguishable_from_the_continuous_law():
    """The EM bias is real: at κh = 0.5 the continuous variance is many SEs away."""
    x0, kappa, sigma, t, steps = 1.0, 2.0, 0.8, 1.0, 4
    x = sde.ou_euler_maruyama(_rng("em-coarse"), N, x0, kappa, sigma, t, steps)
    var = sde.ou_variance(kappa, sigma, t)
    assert abs(x.var(ddof=1) - var) > Z * var * math.sqrt(2.0 / N)
    assert sde.ou_em_bias("variance", x0, kappa, sigma, t, steps) > Z * var * math.sqrt(2.0 / N)


@pytest.mark.parametrize("x,t", [(0.7, 0.5), (-2.0, 1.5), (0.0, 0.05)])
def test_rescaled_observation_6_3_13(x, t):
    y = sde.ou_rescaled(_rng("rescaled", str(t)), N, x, t)
    _assert_gaussian_moments(y, x, math.exp(2 * t) - 1, f"ou_rescaled(x={x}, t={t})")


# ---------------------------------------------------------------- exact EM moments

def _em_moments_by_recurrence(x0, kappa, sigma, t, steps):
    h = t / steps
    m, v = x0, 0.0
    for _ in range(steps):
        m, v = (1 - kappa * h) * m, (1 - kappa * h) ** 2 * v + sigma ** 2 * h
    return m, v


@pytest.mark.parametrize("x0,kappa,sigma,t,steps", [
    (2.0, 1.0, 0.5, 0.7, 50), (-1.5, 0.3, 1.2, 2.0, 1), (1.0, 2.0, 0.8, 0.4, 7),
    (1.0, 1.0, 1.0, 1.0, 1),       # κh = 1: r = 0
    (1.0, 2.0, 1.0, 1.0, 1),       # κh = 2: r = -1, r² = 1
    (1.0, 3.0, 1.0, 1.0, 1), (1.0, 3.0, 1.0, 2.0, 2),   # κh = 3 > 2: unstable chain
    (0.5, 1e-3, 2.0, 1e-3, 1000),  # tiny κh: no cancellation in 1 - r²
    (0.0, 1.0, 1.0, 0.0, 5),       # t = 0
])
def test_em_moments_equal_the_recurrence(x0, kappa, sigma, t, steps):
    m, v = sde.ou_em_moments(x0, kappa, sigma, t, steps)
    m_rec, v_rec = _em_moments_by_recurrence(x0, kappa, sigma, t, steps)
    assert m == pytest.approx(m_rec, rel=1e-12, abs=1e-300)
    assert v == pytest.approx(v_rec, rel=1e-12, abs=1e-300)


def test_em_bias_is_first_order_in_h_and_nonzero():
    args = (2.0, 1.0, 0.5, 0.7)
    for stat in ("mean", "variance"):
        b50, b500 = (sde.ou_em_bias(stat, *args, steps=n) for n in (50, 500))
        assert b50 > 0 and b500 > 0
        assert 8 < b50 / b500 < 12, f"{stat}: bias ratio {b50 / b500:.3g}, expected ~10 (O(h))"
    m, v = sde.ou_em_moments(*args, steps=50)
    assert sde.ou_em_bias("mean", *args, 50) == abs(m - sde.ou_mean(2.0, 1.0, 0.7))
    assert sde.ou_em_bias("variance", *args, 50, extra="ignored") == abs(v - sde.ou_variance(1.0, 0.5, 0.7))


def test_stationary_bias():
    kappa, sigma, t = 0.4, 1.5, 3.0
    assert sde.ou_stationary_bias(kappa, sigma, t) == pytest.approx(
        abs(sde.ou_variance(kappa, sigma, t) - sigma ** 2 / (2 * kappa)), rel=1e-12)


# ---------------------------------------------------------------- invalid parameters

INVALID = [  # (callable, parameter named in the message)
    (lambda: sde.ou_exact(_rng(), 3, 1.0, 0.0, 1.0, 1.0), "kappa"),
    (lambda: sde.ou_exact(_rng(), 3, 1.0, -1.0, 1.0, 1.0), "kappa"),
    (lambda: sde.ou_exact(_rng(), 3, 1.0, float("nan"), 1.0, 1.0), "kappa"),
    (lambda: sde.ou_exact(_rng(), 3, 1.0, 1.0, -0.1, 1.0), "sigma"),
    (lambda: sde.ou_exact(_rng(), 3, 1.0, 1.0, 1.0, -1.0), "t"),
    (lambda: sde.ou_exact(_rng(), 3, float("inf"), 1.0, 1.0, 1.0), "x0"),
    (lambda: sde.ou_exact(_rng(), -1, 1.0, 1.0, 1.0, 1.0), "size"),
    (lambda: sde.ou_exact(_rng(), 2.5, 1.0, 1.0, 1.0, 1.0), "size"),
    (lambda: sde.ou_euler_maruyama(_rng(), 3, 1.0, 1.0, 1.0, 1.0, 0), "steps"),
    (lambda: sde.ou_euler_maruyama(_rng(), 3, 1.0, 1.0, 1.0, 1.0, -2), "steps"),
    (lambda: sde.ou_euler_maruyama(_rng(), 3, 1.0, 1.0, 1.0, 1.0, 2.5), "steps"),
    (lambda: sde.ou_euler_maruyama(_rng(), 3, 1.0, 1.0, 1.0, 1.0, True), "steps"),
    (lambda: sde.ou_euler_maruyama(_rng(), 3, 1.0, 0.0, 1.0, 1.0, 5), "kappa"),
    (lambda: sde.ou_em_moments(1.0, -1.0, 1.0, 1.0, 5), "kappa"),
    (lambda: sde.ou_em_moments(1.0, 1.0, 1.0, 1.0, 0), "steps"),
    (lambda: sde.ou_em_bias("median", 1.0, 1.0, 1.0, 1.0, 5), "statistic"),
    (lambda: sde.ou_rescaled(_rng(), 3, 1.0, -0.5), "t"),
    (lambda: sde.ou_variance("one", 1.0, 1.0), "kappa"),
]


@pytest.mark.parametrize("call,name", INVALID, ids=[f"{i}-{n}" for i, (_, n) in enumerate(INVALID)])
def test_invalid_parameters_are_rejected_by_name(call, name):
    with pytest.raises(ValueError, match=rf"^{name}=.*expected"):
        call()


def test_docstring_examples():
    failures, tried = doctest.testmod(sde, verbose=False)
    assert tried > 0 and failures == 0


# ---------------------------------------------------------------- the claims' samplers and bias intervals

EM_CASES = [(kappa, t, steps) for (_, kappa, _, t) in CASES[:3] for steps in (1, 5, 50, 400)]


@pytest.mark.parametrize("kappa, t, steps", EM_CASES)
def test_rel_bias_intervals_contain_the_exact_scheme_bias(kappa, t, steps):
    """The a-priori intervals contain the exact EM bias (geometric sums vs 6.3.5) and are
    narrow: width ≤ κh/(1 - κh)·(relative bias) + 1e-15."""
    m, v = sde.ou_em_moments(1.0, kappa, 1.0, t, steps)
    exact = {"mean": m / sde.ou_mean(1.0, kappa, t) - 1,
             "variance": v / sde.ou_variance(kappa, 1.0, t) - 1,
             "stationary": v * 2 * kappa - 1}
    intervals = {"mean": sde.ou_em_mean_rel_bias(kappa, t, steps),
                 "variance": sde.ou_em_variance_rel_bias(kappa, t, steps),
                 "stationary": sde.ou_em_stationary_rel_bias(kappa, t, steps)}
    u = kappa * t / steps
    for what, (lo, hi) in intervals.items():
        assert lo - 1e-15 <= exact[what] <= hi + 1e-15, (what, lo, exact[what], hi)
        assert hi - lo <= u / (1 - u) * abs(exact[what]) + 1e-15, (what, hi - lo, exact[what])
    # the EM mean decays too fast and the variance overshoots: the bias has a sign
    assert intervals["mean"][1] < 0 < intervals["variance"][0]


def test_rel_bias_refuses_unstable_steps():
    with pytest.raises(ValueError, match="κh"):
        sde.ou_em_mean_rel_bias(kappa=2.0, t=1.0, steps=2)


@pytest.mark.parametrize("x0, kappa, sigma, t", CASES[:3])
def test_em_claim_samplers_match_the_chains_exact_moments(x0, kappa, sigma, t):
    """The claim samplers' rows: x_t with mean x0 r^n, W_t with variance t, (x_t - x̄_t)² with
    mean the chain's variance; controls have mean 0 (6 SE)."""
    steps, n = 20, 200_000
    m, v = sde.ou_em_moments(x0, kappa, sigma, t, steps)
    x, w = sde.ou_em_mean_sample(_rng("em-mean", str(t)), n, x0, kappa, sigma, t, steps)
    _assert_gaussian_moments(x, m, v, "EM x_t")
    _assert_gaussian_moments(w, 0.0, t, "W_t")
    sq, control = sde.ou_em_square_sample(_rng("em-square", str(t)), n, kappa, sigma, t, steps)
    se = v * math.sqrt(2.0 / n)
    assert abs(sq.mean() - v) <= Z * se, (sq.mean(), v)
    tau = sde.control_window(kappa, t, steps) * t / steps
    assert abs(control.mean()) <= Z * tau * math.sqrt(2.0 / n)
    # the control is strongly correlated with the sample (the point of using it)
    assert np.corrcoef(sq, control)[0, 1] > 0.8


def test_rescaled_square_is_the_rescaled_chain():
    a = sde.ou_em_rescaled_square(_rng("resc"), 1000, t=0.5, steps=10, x=3.0)
    b = sde.ou_em_square_sample(_rng("resc"), 1000, 1.0, math.sqrt(2.0), 0.5, 10,
                                scale=math.exp(0.5))
    assert np.array_equal(a, b)


def test_no_catalog_claim_samples_the_exact_transition():
    """The OU claims simulate the SDE; the exact Gaussian law 6.3.5 is what they check."""
    from derivations.registry import get

    for claim in get("mallat.ou_solution").claims:
        assert claim.sampler not in (sde.ou_exact, sde.ou_rescaled), claim.name
        assert "Euler–Maruyama" in claim.simulates, claim.name
