"""numerics.stats and numerics.rng: estimates, standard errors, calibration and power.

One table (scipy ``_distr_params`` style) lists known distributions with their exact mean,
variance and fourth central moment; the estimate, false-alarm and power tests are
parametrised over it.  Sizes and seeds are fixed at the top, so every test is deterministic.
"""
from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest

from numerics.rng import check_generator
from numerics.stats import (DEFAULT_ALPHA, POWER, Estimate, compare, estimate,
                            min_detectable_rel_error, planned_samples, sized_estimate, z_quantile)

N_LARGE = 200_000  # a typical planned sample size of a 1 % claim
FALSE_ALARM_ALPHA = 0.01  # large level so that ~2000 experiments measure the rate
FALSE_ALARM_EXPERIMENTS = 2000
FALSE_ALARM_N = 4000
FAIL_PROB = 1e-6  # probability that a correct implementation fails a statistical assertion


# name, statistic, sampler(rng, size), parameter value, (mean, variance, 4th central moment)
def _normal(rng, size):
    return rng.normal(1.5, 2.0, size)


def _normal_centered(rng, size):
    return rng.normal(0.0, 1.5, size)


def _bernoulli(rng, size):
    return (rng.random(size) < 0.3).astype(np.float64)


def _exponential(rng, size):
    return rng.exponential(2.0, size)


DISTRIBUTIONS = [
    # id, statistic, sampler, target value, standard deviation of one sample's contribution
    ("normal-mean", "mean", _normal, 1.5, 2.0),
    ("bernoulli-probability", "probability", _bernoulli, 0.3, math.sqrt(0.3 * 0.7)),
    ("exponential-mean", "mean", _exponential, 2.0, 2.0),
    # variance of the sample variance ~ (mu4 - sigma^4) / n
    ("normal-variance", "variance", _normal_centered, 2.25, math.sqrt(3 * 1.5**4 - 1.5**4)),
    ("exponential-variance", "variance", _exponential, 4.0, math.sqrt(9 * 2.0**4 - 2.0**4)),
]
DIST_IDS = [d[0] for d in DISTRIBUTIONS]


def binomial_upper(n: int, p: float, tail: float = FAIL_PROB) -> int:
    """Smallest k with P(Binomial(n, p) > k) <= tail (exact pmf recurrence)."""
    pmf = (1 - p) ** n
    cdf, k = pmf, 0
    while 1 - cdf > tail:
        pmf *= (n - k) / (k + 1) * p / (1 - p)
        k += 1
        cdf += pmf
    return k


def binomial_lower(n: int, p: float, tail: float = FAIL_PROB) -> int:
    """Largest k with P(Binomial(n, p) < k) <= tail."""
    return n - binomial_upper(n, 1 - p, tail)


@pytest.mark.parametrize("name, statistic, sampler, value, sd", DISTRIBUTIONS, ids=DIST_IDS)
def test_estimate_and_stderr_on_known_distribution(name, statistic, sampler, value, sd) -> None:
    est = estimate(sampler, statistic, N_LARGE, check_generator(1, "stats", name))
    theory_se = sd / math.sqrt(N_LARGE)
    assert est.n == N_LARGE
    assert abs(est.estimate - value) < 5.5 * theory_se, (est, value, theory_se)  # P(fail) < 1e-7
    # the estimated SE matches theory: 3 % for means, 8 % for variances (4th moment noise)
    assert est.stderr == pytest.approx(theory_se, rel=0.03 if statistic != "variance" else 0.08)


@pytest.mark.parametrize("name, statistic, sampler, value, sd", DISTRIBUTIONS, ids=DIST_IDS)
def test_false_alarm_rate_on_true_claims(name, statistic, sampler, value, sd) -> None:
    """Over many independent small experiments of a TRUE claim, ``compare`` at level alpha
    rejects at most as often as alpha allows (binomial bound at 1e-6)."""
    rejections = 0
    for k in range(FALSE_ALARM_EXPERIMENTS):
        rng = check_generator(2, "false-alarm", name, str(k))
        est = estimate(sampler, statistic, FALSE_ALARM_N, rng)
        rejections += compare(est, value, alpha=FALSE_ALARM_ALPHA).verdict == "contradicted"
    bound = binomial_upper(FALSE_ALARM_EXPERIMENTS, FALSE_ALARM_ALPHA)
    assert rejections <= bound, (f"{name}: {rejections}/{FALSE_ALARM_EXPERIMENTS} true claims rejected "
                                 f"at alpha={FALSE_ALARM_ALPHA}; bound {bound}")


@pytest.mark.parametrize("name, statistic, sampler, value, sd", DISTRIBUTIONS, ids=DIST_IDS)
def test_five_percent_error_detected_at_sizes_used(name, statistic, sampler, value, sd) -> None:
    for k in range(10):
        est = estimate(sampler, statistic, N_LARGE, check_generator(3, "power", name, str(k)))
        for wrong in (value * 1.05, value * 0.95):
            c = compare(est, wrong)
            assert c.verdict == "contradicted", (name, k, wrong, c)
        assert compare(est, value).min_detectable_rel_error <= 0.05


def test_power_at_the_minimum_detectable_error() -> None:
    """A claim wrong by exactly the reported MDRE is rejected with probability ~POWER."""
    n, runs, detected = 20_000, 400, 0
    for k in range(runs):
        est = estimate(_normal, "mean", n, check_generator(4, "mdre", str(k)))
        mdre = min_detectable_rel_error(est.stderr, 1.5)
        detected += compare(est, 1.5 * (1 + mdre)).verdict == "contradicted"
    assert detected >= binomial_lower(runs, POWER), f"{detected}/{runs} detected at the MDRE"
    assert detected <= runs


def test_min_detectable_rel_error_formula() -> None:
    n01 = NormalDist()
    se, expected, bias = 0.01, -2.0, 0.003
    z = n01.inv_cdf(1 - DEFAULT_ALPHA / 2) + n01.inv_cdf(POWER)
    assert min_detectable_rel_error(se, expected) == pytest.approx(z * se / 2.0, rel=1e-12)
    assert min_detectable_rel_error(se, expected, bias) == pytest.approx((z * se + bias) / 2.0, rel=1e-12)
    alpha = 0.05
    z5 = n01.inv_cdf(1 - alpha / 2) + n01.inv_cdf(POWER)
    assert min_detectable_rel_error(se, 1.0, alpha=alpha) == pytest.approx(z5 * se, rel=1e-12)
    assert min_detectable_rel_error(se, 0.0) == math.inf
    assert min_detectable_rel_error(0.0, 0.0) == 0.0
    assert z_quantile(DEFAULT_ALPHA) == pytest.approx(4.891638, abs=1e-6)


def test_bias_bound_widens_tolerance_exactly() -> None:
    """Documented rule: statistic = max(|est - expected| - bias, 0) / stderr; the MDRE adds the
    interval's full width 2·bias (the true bias may sit at either end)."""
    se, b = 0.01, 0.05
    for excess in (0.0, 0.02, 0.04, 0.06):
        est = Estimate(1.0 + b + excess, se, 10_000)
        c = compare(est, 1.0, bias=b)
        assert c.p_value == pytest.approx(math.erfc(excess / se / math.sqrt(2)), rel=1e-12, abs=1e-300)
        assert c.bias_bound == pytest.approx(b, rel=1e-12)
        assert c.min_detectable_rel_error == pytest.approx(min_detectable_rel_error(se, 1.0, 2 * b))
    inside = compare(Estimate(1.0 - 0.9 * b, se, 10_000), 1.0, bias=b)
    assert inside.p_value == 1.0 and inside.verdict == "consistent"
    # the same gap without the bias bound is contradicted, with it consistent
    est = Estimate(1.0 + b, se, 10_000)
    assert compare(est, 1.0).verdict == "contradicted"
    assert compare(est, 1.0, bias=b).verdict == "consistent"


def test_signed_relative_bias_interval() -> None:
    """rel_bias = (lo, hi) tolerates E/expected - 1 in [lo, hi] only: a sign-wrong gap is tested
    at full resolution, and the MDRE is the width plus the z-based resolution."""
    se, z = 0.001, z_quantile(DEFAULT_ALPHA) + NormalDist().inv_cdf(POWER)
    for expected in (2.0, -2.0):
        lo, hi = 0.010, 0.012
        at = expected * (1 + 0.011)
        assert compare(Estimate(at, se, 10**6), expected, rel_bias=(lo, hi)).p_value == 1.0
        # a gap of 4 se on the side the interval does not cover is seen as 4 se
        edge = expected * (1 + lo)  # the interval's end nearest to expected
        below = compare(Estimate(edge - math.copysign(4 * se, expected), se, 10**6),
                        expected, rel_bias=(lo, hi))
        assert below.p_value == pytest.approx(math.erfc(4 / math.sqrt(2)), rel=1e-9)
        c = compare(Estimate(at, se, 10**6), expected, rel_bias=(lo, hi), target_mdre=0.01)
        assert c.min_detectable_rel_error == pytest.approx((hi - lo + z * se / 2.0) / (1 + lo),
                                                           rel=1e-12)
        assert c.bias_bound == pytest.approx(hi * 2.0, rel=1e-12)
        assert c.as_dict()["rel_bias"] == [lo, hi]
    # a bias interval wider than the target is underpowered whatever the sample size
    assert compare(Estimate(1.0, 1e-9, 10**6), 1.0, rel_bias=(0.0, 0.02),
                   target_mdre=0.01).verdict == "underpowered"
    with pytest.raises(ValueError, match="rel_bias"):
        compare(Estimate(1.0, 0.1, 100), 1.0, rel_bias=(0.1, 0.0))


def _with_control(rng, size):
    """x = 1 + w + 0.1 e with a control w ~ N(0, 1) of known mean 0: residual sd 0.1.

    (w, e) are drawn per sample, so the stream does not depend on the chunking."""
    w, e = rng.standard_normal((size, 2)).T
    return np.stack((1.0 + w + 0.1 * e, w))


def test_control_variate_estimate_and_stderr() -> None:
    est = estimate(_with_control, "mean", 100_000, check_generator(1, "cv"))
    assert est.controls == 1
    assert est.stderr == pytest.approx(0.1 / math.sqrt(100_000), rel=0.02)
    assert abs(est.estimate - 1.0) < 5.5 * 0.1 / math.sqrt(100_000)
    chunked = estimate(_with_control, "mean", 100_000, check_generator(1, "cv"), chunk=777)
    assert chunked.estimate == pytest.approx(est.estimate, rel=1e-12)
    with pytest.raises(ValueError, match="variance"):
        estimate(_with_control, "variance", 1000, check_generator(1, "cv"))


def test_control_variate_false_alarm_rate() -> None:
    """The regression-adjusted z-test keeps its level (binomial bound at 1e-6)."""
    rejections = 0
    for k in range(FALSE_ALARM_EXPERIMENTS // 4):
        est = estimate(_with_control, "mean", FALSE_ALARM_N, check_generator(2, "cv-alarm", str(k)))
        rejections += compare(est, 1.0, alpha=FALSE_ALARM_ALPHA).verdict == "contradicted"
    bound = binomial_upper(FALSE_ALARM_EXPERIMENTS // 4, FALSE_ALARM_ALPHA)
    assert rejections <= bound, (rejections, bound)


def test_planned_samples_reach_the_target() -> None:
    sd, expected, target = 2.0, 1.5, 0.01
    n = planned_samples(sd, expected, target, margin=1.0)
    z = z_quantile(DEFAULT_ALPHA) + NormalDist().inv_cdf(POWER)
    assert z * sd / math.sqrt(n) / expected <= target < z * sd / math.sqrt(n - 1) / expected
    assert planned_samples(sd, expected, target, rel_width=0.01) == math.inf
    assert planned_samples(sd, 0.0, target) == math.inf
    rng, pilot = check_generator(3, "plan"), check_generator(3, "plan", "pilot")
    est = sized_estimate(_normal, "mean", 1.5, rng, pilot, target=target)
    assert est.n % 1000 == 0
    assert compare(est, 1.5, target_mdre=target).verdict == "consistent"
    capped = sized_estimate(_normal, "mean", 1.5, rng, pilot, target=target, cap=5000)
    assert capped.n == 5000
    assert compare(capped, 1.5, target_mdre=target).verdict == "underpowered"
    assert sized_estimate(_normal, "mean", 1.5, rng, pilot, target=target, samples=1234).n == 1234


def test_underpowered_when_mdre_exceeds_quarter() -> None:
    z = z_quantile(DEFAULT_ALPHA) + NormalDist().inv_cdf(POWER)
    se_edge = 0.25 / z  # MDRE exactly 0.25 for expected = 1
    assert compare(Estimate(1.0, se_edge * 0.99, 100), 1.0).verdict == "consistent"
    weak = compare(Estimate(1.0, se_edge * 1.01, 100), 1.0)
    assert weak.verdict == "underpowered" and weak.min_detectable_rel_error > 0.25
    # a bias bound alone can make a check underpowered
    assert compare(Estimate(1.0, 1e-6, 100), 1.0, bias=0.3).verdict == "underpowered"
    # a check that rejects is contradicted even when underpowered
    assert compare(Estimate(3.0, se_edge * 1.01, 100), 1.0).verdict == "contradicted"
    # expected 0: relative error undefined -> infinite MDRE -> never "consistent"
    assert compare(Estimate(0.0, 0.01, 100), 0.0).verdict == "underpowered"


def test_zero_stderr() -> None:
    assert compare(Estimate(1.0, 0.0, 100), 1.0).p_value == 1.0
    assert compare(Estimate(1.0, 0.0, 100), 1.1).verdict == "contradicted"


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_samples_raise(bad) -> None:
    def sampler(rng, size):
        x = rng.standard_normal(size)
        x[size // 2] = bad
        return x

    with pytest.raises(ValueError, match="non-finite"):
        estimate(sampler, "mean", 5000, check_generator(0, "nan"))


def test_invalid_arguments_raise() -> None:
    with pytest.raises(ValueError, match="samples=1"):
        estimate(_normal, "mean", 1, check_generator(0, "n"))
    for alpha in (0.0, 1.0, -0.1):
        with pytest.raises(ValueError, match="alpha"):
            compare(Estimate(1.0, 0.1, 100), 1.0, alpha=alpha)


def test_deterministic_for_fixed_seed() -> None:
    a = estimate(_exponential, "variance", 100_000, check_generator(7, "det"))
    b = estimate(_exponential, "variance", 100_000, check_generator(7, "det"))
    c = estimate(_exponential, "variance", 100_000, check_generator(8, "det"))
    assert a == b
    assert a != c


def test_streaming_chunk_size_does_not_change_estimates() -> None:
    """Bounded-memory streaming: same stream in chunks of 1000 or 65536 -> same estimates."""
    for stat in ("mean", "variance"):
        big = estimate(_normal, stat, 150_000, check_generator(9, "chunk"))
        small = estimate(_normal, stat, 150_000, check_generator(9, "chunk"), chunk=1000)
        assert small.n == big.n == 150_000
        assert small.estimate == pytest.approx(big.estimate, rel=1e-9)
        assert small.stderr == pytest.approx(big.stderr, rel=1e-9)


def test_sampler_called_in_bounded_chunks() -> None:
    sizes = []

    def sampler(rng, size):
        sizes.append(size)
        return rng.standard_normal(size)

    estimate(sampler, "mean", 200_001, check_generator(0, "sizes"))
    assert max(sizes) <= 1 << 16 and sum(sizes) == 200_001


def test_check_generator_streams_independent_of_call_order() -> None:
    a1 = check_generator(5, "deriv", "claim", "0").standard_normal(8)
    b1 = check_generator(5, "deriv", "claim", "1").standard_normal(8)
    b2 = check_generator(5, "deriv", "claim", "1").standard_normal(8)  # reversed order
    a2 = check_generator(5, "deriv", "claim", "0").standard_normal(8)
    assert np.array_equal(a1, a2) and np.array_equal(b1, b2)
    assert not np.array_equal(a1, b1)
    # the key, its order and the run seed all matter
    assert not np.array_equal(a1, check_generator(6, "deriv", "claim", "0").standard_normal(8))
    assert not np.array_equal(a1, check_generator(5, "claim", "deriv", "0").standard_normal(8))
    # streams for different keys are uncorrelated (|r| < 5/sqrt(n) fails w.p. < 1e-6)
    n = 100_000
    x = check_generator(5, "deriv", "claim", "0").standard_normal(n)
    y = check_generator(5, "deriv", "claim", "1").standard_normal(n)
    assert abs(np.corrcoef(x, y)[0, 1]) < 5 / math.sqrt(n)
