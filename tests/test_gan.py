"""Unit tests of ``numerics.samplers.adversarial`` (Mallat 6.2.9–6.2.12): the generator's law,
the sampler's mean against the definition of the loss 6.2.9 at D* = p_data/(p_data + p_G),
computed here with mpmath (the Gaussian cells from Φ, not from the sampler's thresholds) —
independent of the Jensen–Shannon closed form the catalog derives — its parameter errors, and
mutants of the sampler that the tolerance must catch.

Tolerances are ``Z`` standard errors with fixed seeds (two-sided false alarm ≈ 2e-9 per check).
"""
from __future__ import annotations

import math
import re

import mpmath
import numpy as np
import pytest

from numerics.samplers import adversarial

Z = 6.0
N = 400_000
CASES = (((1.0, 2.0, 3.0), (3.0, 2.0, 1.0)), ((2.0, 1.0, 1.0), (1.0, 1.0, 2.0)),
         ((0.5, 4.0, 1.5), (2.0, 0.3, 2.5)))


def _law(weights) -> list:
    total = mpmath.fsum(weights)
    return [mpmath.mpf(w) / total for w in weights]


def _loss_at_optimum(data, gen) -> float:
    """Σ_x p_data log D*(x) + p_G log(1 − D*(x)), D* = p_data/(p_data + p_G) (6.2.9, 6.2.11)."""
    p, q = _law(data), _law(gen)
    return float(mpmath.fsum(a * mpmath.log(a / (a + b)) + b * mpmath.log(b / (a + b))
                             for a, b in zip(p, q)))


def _within(samples: np.ndarray, expected: float) -> bool:
    se = samples.std(ddof=1) / math.sqrt(samples.size)
    return abs(samples.mean() - expected) <= Z * se


def _cell_probabilities(gen) -> list:
    """P(G(z) = i) for z ~ N(0, 1): Φ at the cells' ends, Φ⁻¹ of p_G's cumulative sums."""
    ends = [mpmath.mpf(0)] + [mpmath.fsum(_law(gen)[:k]) for k in (1, 2)] + [mpmath.mpf(1)]
    cuts = [-mpmath.inf] + [mpmath.sqrt(2) * mpmath.erfinv(2 * c - 1) for c in ends[1:-1]] + [mpmath.inf]
    return [float(mpmath.ncdf(hi) - mpmath.ncdf(lo)) for lo, hi in zip(cuts, cuts[1:])]


@pytest.mark.parametrize("data, gen", CASES)
def test_generator_and_data_have_their_laws(data, gen) -> None:
    rng = np.random.default_rng(1)
    fake = adversarial.generated_points(rng, N, *gen)
    real = adversarial.data_points(rng, N, *data)
    for draws, law in ((fake, _cell_probabilities(gen)), (real, [float(p) for p in _law(data)])):
        assert set(np.unique(draws)) <= {0, 1, 2}
        for i, prob in enumerate(law):
            assert _within((draws == i).astype(float), prob)


@pytest.mark.parametrize("data, gen", CASES)
def test_sample_mean_is_the_loss_at_the_optimal_discriminator(data, gen) -> None:
    x = adversarial.gan_value_at_optimum(np.random.default_rng(2), N, *data, *gen)
    assert x.shape == (N,) and (x < 0).all()
    assert _within(x, _loss_at_optimum(data, gen))


def test_equal_laws_give_minus_log_four() -> None:
    """p_G = p_data: D* = ½ everywhere and every sample is log ½ + log ½ (6.2.12)."""
    x = adversarial.gan_value_at_optimum(np.random.default_rng(3), 1000, 1, 2, 3, 2, 4, 6)
    assert np.allclose(x, -math.log(4))


def test_sampler_is_reproducible_and_returns_the_size_asked() -> None:
    args = (1.0, 2.0, 3.0, 3.0, 2.0, 1.0)
    a, b = (adversarial.gan_value_at_optimum(np.random.default_rng(7), 1000, *args) for _ in range(2))
    assert a.shape == (1000,) and np.array_equal(a, b)
    assert adversarial.gan_value_at_optimum(np.random.default_rng(7), 0, *args).shape == (0,)


@pytest.mark.parametrize("bad, fragment", [
    (dict(a1=0.0), "a1 > 0"), (dict(b2=-1.0), "b2 > 0"), (dict(a3=math.nan), "a3="),
    (dict(b1=math.inf), "b1="), (dict(size=-1), "size=")])
def test_invalid_parameters_are_named(bad, fragment) -> None:
    params = dict(size=10, a1=1.0, a2=2.0, a3=3.0, b1=3.0, b2=2.0, b3=1.0) | bad
    with pytest.raises(ValueError, match=re.escape(fragment)):
        adversarial.gan_value_at_optimum(np.random.default_rng(0), **params)


def test_the_tolerance_catches_mutated_samplers() -> None:
    """The discriminator swapped (p_G/(p_data + p_G)), generated images drawn from the data law,
    and noise of standard deviation 1.3 fed to the quantiser: each many standard errors off."""
    data, gen = CASES[0]
    expected = _loss_at_optimum(data, gen)
    rng = np.random.default_rng(4)
    d_star = adversarial.optimal_discriminator(data, gen)
    real = adversarial.data_points(rng, N, *data)
    fake = adversarial.generated_points(rng, N, *gen)
    swapped = np.log(1 - d_star)[real] + np.log(d_star)[fake]
    from_data = np.log(d_star)[real] + np.log1p(-d_star)[adversarial.data_points(rng, N, *data)]
    cuts = np.cumsum(np.array(gen) / sum(gen))[:-1]
    thresholds = [float(mpmath.sqrt(2) * mpmath.erfinv(2 * c - 1)) for c in cuts]
    wide = np.searchsorted(thresholds, 1.3 * rng.standard_normal(N), side="right")
    wide_noise = np.log(d_star)[real] + np.log1p(-d_star)[wide]
    for mutant in (swapped, from_data, wide_noise):
        assert not _within(mutant, expected)
