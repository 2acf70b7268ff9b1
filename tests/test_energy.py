"""Unit tests of ``numerics.samplers.energy`` (LeCun 5.2.1–5.2.4): the samplers' means against
mpmath quadrature of the definitions — independent of the closed forms the catalog derives —
their parameter errors, and mutants of the samplers that the tolerance must catch.

Tolerances are ``Z`` standard errors with fixed seeds (two-sided false alarm ≈ 2e-9 per check).
"""
from __future__ import annotations

import math
import re

import mpmath
import numpy as np
import pytest

from numerics.samplers import energy

Z = 6.0
N = 400_000
CASES = ((0.5, 1.0, 0.5, 0.2, 0.8), (-1.0, 0.6, 1.0, -0.5, 1.2), (1.3, 1.4, 0.3, 0.9, 0.6))


def _normal(z, mean, sd):
    return mpmath.exp(-(z - mean) ** 2 / (2 * sd ** 2)) / (sd * mpmath.sqrt(2 * mpmath.pi))


def _partition(y, w, beta) -> float:
    """∫ N(z; 0, 1) e^{-β (y − wz)²} dz by quadrature (5.2.4's Z, from its definition)."""
    return float(mpmath.quad(lambda z: _normal(z, 0, 1) * mpmath.exp(-beta * (y - w * z) ** 2),
                             [-mpmath.inf, mpmath.inf]))


def _trial_free_energy(y, w, beta, mu, s) -> float:
    """∫ q (E + β⁻¹ log(q/p)) dz by quadrature, q = N(μ, s²), p = N(0, 1) (5.2.3)."""
    def integrand(z):
        q = _normal(z, mu, s)
        return q * ((y - w * z) ** 2 + mpmath.log(q / _normal(z, 0, 1)) / beta)
    return float(mpmath.quad(integrand, [-mpmath.inf, mu, mpmath.inf]))


def _within(samples: np.ndarray, expected: float) -> bool:
    se = samples.std(ddof=1) / math.sqrt(samples.size)
    return abs(samples.mean() - expected) <= Z * se


@pytest.mark.parametrize("y, w, beta, mu, s", CASES)
def test_acceptance_rate_is_the_partition_function(y, w, beta, mu, s) -> None:
    x = energy.prior_draw_accepted(np.random.default_rng(1), N, y, w, beta)
    assert set(np.unique(x)) <= {0.0, 1.0}
    assert _within(x, _partition(y, w, beta))


@pytest.mark.parametrize("y, w, beta, mu, s", CASES)
def test_trial_sample_mean_is_the_trial_free_energy(y, w, beta, mu, s) -> None:
    x = energy.trial_free_energy_sample(np.random.default_rng(2), N, y, w, beta, mu, s)
    assert _within(x, _trial_free_energy(y, w, beta, mu, s))


def test_samplers_are_reproducible_and_return_the_size_asked() -> None:
    for f, args in ((energy.prior_draw_accepted, (0.5, 1.0, 0.5)),
                    (energy.trial_free_energy_sample, (0.5, 1.0, 0.5, 0.2, 0.8))):
        a, b = (f(np.random.default_rng(7), 1000, *args) for _ in range(2))
        assert a.shape == (1000,) and np.array_equal(a, b)
        assert f(np.random.default_rng(7), 0, *args).shape == (0,)


@pytest.mark.parametrize("bad, fragment", [
    (dict(w=0.0), "w > 0"), (dict(beta=-1.0), "beta > 0"), (dict(y=math.nan), "y="),
    (dict(s=0.0), "s > 0"), (dict(mu=math.inf), "mu="), (dict(size=-1), "size=")])
def test_invalid_parameters_are_named(bad, fragment) -> None:
    params = dict(size=10, y=0.5, w=1.0, beta=0.5, mu=0.2, s=0.8) | bad
    with pytest.raises(ValueError, match=re.escape(fragment)):
        energy.trial_free_energy_sample(np.random.default_rng(0), **params)
    if not {"mu", "s"} & set(bad):
        with pytest.raises(ValueError, match=re.escape(fragment)):
            energy.prior_draw_accepted(np.random.default_rng(0), **params)


def test_the_tolerance_catches_mutated_samplers() -> None:
    """A prior of variance 1.1, the information term without the prior (log q only), and the
    acceptance test e > 2βE are each many standard errors off."""
    y, w, beta, mu, s = CASES[0]
    rng = np.random.default_rng(3)
    z = rng.standard_normal(N)
    wide = (rng.standard_exponential(N) > beta * (y - w * math.sqrt(1.1) * z) ** 2).astype(float)
    strict = (rng.standard_exponential(N) > 2 * beta * (y - w * z) ** 2).astype(float)
    assert not _within(wide, _partition(y, w, beta))
    assert not _within(strict, _partition(y, w, beta))
    xi = rng.standard_normal(N)
    zq = mu + s * xi
    no_prior = (y - w * zq) ** 2 + (-xi ** 2 / 2 - math.log(s) - 0.5 * math.log(2 * math.pi)) / beta
    assert not _within(no_prior, _trial_free_energy(y, w, beta, mu, s))


# --- Mallat 6.2.1/6.2.7: draws of p_θ ∝ e^{-θx⁴} by rejection

def _quartic_average(theta: float, power: int = 4) -> float:
    """∫ x^power e^{-θx⁴} dx / ∫ e^{-θx⁴} dx by quadrature (6.2.1's model, from its definition)."""
    def weight(x):
        return mpmath.exp(-theta * x ** 4)
    top = mpmath.quad(lambda x: x ** power * weight(x), [-mpmath.inf, 0, mpmath.inf])
    return float(top / mpmath.quad(weight, [-mpmath.inf, 0, mpmath.inf]))


@pytest.mark.parametrize("theta", (1.0, 0.3, 2.5))
def test_quartic_model_draws_average_the_fourth_power(theta) -> None:
    x = energy.quartic_model_fourth_power(np.random.default_rng(4), N, theta)
    assert x.shape == (N,) and (x >= 0).all()
    assert _within(x, _quartic_average(theta))
    # the draws' law, not only this moment: x² = √(x⁴) averages E_{p_θ}[x²]
    assert _within(np.sqrt(x), _quartic_average(theta, 2))


def test_quartic_model_sampler_is_reproducible_and_checks_theta() -> None:
    a, b = (energy.quartic_model_fourth_power(np.random.default_rng(7), 1000, 1.0) for _ in range(2))
    assert np.array_equal(a, b) and energy.quartic_model_fourth_power(
        np.random.default_rng(7), 0, 1.0).shape == (0,)
    for bad, fragment in ((0.0, "theta > 0"), (math.nan, "theta=")):
        with pytest.raises(ValueError, match=re.escape(fragment)):
            energy.quartic_model_fourth_power(np.random.default_rng(0), 10, bad)


def test_the_tolerance_catches_a_mutated_rejection_step() -> None:
    """Proposals kept without the rejection step, or accepted with e^{-2(y² − c)²}: both change
    the law, many standard errors off."""
    rng = np.random.default_rng(5)
    y2 = np.square(0.7 * rng.standard_normal(2 * N))
    c = 1 / (4 * 0.7 ** 2)
    unrejected = np.square(y2[:N])
    twice = np.square(y2[rng.standard_exponential(2 * N) > 2 * (y2 - c) ** 2][:N])
    for mutant in (unrejected, twice):
        assert not _within(mutant, _quartic_average(1.0))
