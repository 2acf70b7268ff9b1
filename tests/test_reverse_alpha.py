"""The α-family of reverse-time SDEs (Mallat 6.3.10–6.3.11, ``mallat.fokker_planck``): the
Euler–Maruyama sampler against the exact recursion of its chain's mean and variance."""
from __future__ import annotations

import math

import numpy as np
import pytest

from numerics.samplers import diffusion

CASE = {"m": 0.5, "s": 1.3, "alpha": 2.0, "T": 2.0, "steps": 40}
N = 200_000
TOL = 5.0   # standard errors


def _plain_chain(rng, size, m, s, alpha, T, steps, noise_alpha=None):
    """Euler–Maruyama of 6.3.11 written out, y itself stepped (``noise_alpha``: a mutant's
    noise level in place of α)."""
    h = T / steps
    kick = math.sqrt(2.0 * (alpha if noise_alpha is None else noise_alpha) * h)
    gamma_T = s ** 2 * math.exp(-2 * T) + 1 - math.exp(-2 * T)
    y = m * math.exp(-T) + math.sqrt(gamma_T) * rng.standard_normal(size)
    for k in range(steps):
        u = T - k * h
        gamma = s ** 2 * math.exp(-2 * u) + 1 - math.exp(-2 * u)
        score = -(y - m * math.exp(-u)) / gamma
        y = y + h * (y + (1 + alpha) * score) + kick * rng.standard_normal(size)
    return (y - m) ** 2


def _exact_mean(case) -> float:
    mu, var = diffusion.reverse_alpha_moments(**case)
    return var + (mu - case["m"]) ** 2


def _z(sample, expected) -> float:
    return abs(sample.mean() - expected) / (sample.std() / math.sqrt(sample.size))


@pytest.mark.parametrize("alpha", [0.5, 1.0, 2.0])
def test_sampler_mean_matches_the_exact_recursion(alpha) -> None:
    case = {**CASE, "alpha": alpha}
    y = diffusion.reverse_alpha_square(np.random.default_rng(11), N, **case)
    assert _z(y, _exact_mean(case)) < TOL, (case, y.mean(), _exact_mean(case))


def test_plain_chain_agrees_with_the_sampler() -> None:
    y = _plain_chain(np.random.default_rng(12), N, **CASE)
    assert _z(y, _exact_mean(CASE)) < TOL


def test_mutant_sampler_is_caught() -> None:
    """Noise √(2h) in place of √(2αh) (α dropped from the diffusion): far outside tolerance."""
    y = _plain_chain(np.random.default_rng(13), N, **CASE, noise_alpha=1.0)
    assert _z(y, _exact_mean(CASE)) > 3 * TOL


def test_bias_is_first_order_and_tends_to_zero() -> None:
    b = [diffusion.reverse_alpha_rel_bias(**{**CASE, "steps": n})[0] for n in (100, 200, 400, 800)]
    assert abs(b[-1]) < 1e-2
    for coarse, fine in zip(b, b[1:]):
        assert 1.7 < coarse / fine < 2.3, b


def test_bias_interval_is_signed_and_tight() -> None:
    lo, hi = diffusion.reverse_alpha_rel_bias(**CASE)
    assert lo < hi and hi - lo < 1e-11


def test_alpha_one_is_mezards_backward_chain() -> None:
    """At α = 1 the drift is y + 2∇log q, the force of Mézard's 7.3.7: same gains and shifts."""
    gain, shift, noise = diffusion._reverse_alpha_factors(0.5, 1.3, 1.0, 3.0, 60)
    gain_b, shift_b = diffusion._backward_factors(0.5, 1.3, 3.0, 60)
    np.testing.assert_allclose(gain, gain_b, rtol=1e-15)
    np.testing.assert_allclose(shift, shift_b, rtol=1e-15)
    assert noise == pytest.approx(2.0 * 3.0 / 60)


def test_deterministic_given_the_seed() -> None:
    a = diffusion.reverse_alpha_square(np.random.default_rng(5), 1000, **CASE)
    b = diffusion.reverse_alpha_square(np.random.default_rng(5), 1000, **CASE)
    assert a.shape == (1000,) and np.array_equal(a, b)


@pytest.mark.parametrize("change, fragment", [
    ({"s": 0.0}, "s=0.0"), ({"s": -1.0}, "s=-1.0"), ({"alpha": 0.0}, "alpha=0.0"),
    ({"alpha": float("nan")}, "alpha=nan"), ({"T": 0.0}, "T=0.0"), ({"m": float("inf")}, "m=inf"),
    ({"steps": 0}, "steps=0"), ({"steps": 2.5}, "steps=2.5"),
    ({"s": 0.2, "steps": 4}, "steps=4"),    # a gain 1 + h(1 - (1 + α)/Γ) ≤ 0: overshoot
])
def test_invalid_arguments_are_named(change, fragment) -> None:
    with pytest.raises(ValueError, match=fragment.replace(".", r"\.")):
        diffusion.reverse_alpha_square(np.random.default_rng(0), 10, **{**CASE, **change})
    with pytest.raises(ValueError, match=fragment.replace(".", r"\.")):
        diffusion.reverse_alpha_rel_bias(**{**CASE, **change})


def test_negative_size_rejected() -> None:
    with pytest.raises(ValueError, match="size=-1"):
        diffusion.reverse_alpha_square(np.random.default_rng(0), -1, **CASE)
