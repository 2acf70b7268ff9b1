"""Unit tests of ``numerics.samplers.flows`` (Mallat 6.2.14–6.2.17): the coupling layer and its
inverse, the sampler's second moment against Gauss–Hermite quadrature of its definition —
independent of the closed form the catalog derives — its parameter errors, and mutants of the
sampler that the tolerance must catch.

Tolerances are ``Z`` standard errors with fixed seeds (two-sided false alarm ≈ 2e-9 per check).
"""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

from numerics.samplers import flows
from numerics.stats import estimate

Z = 6.0
N = 400_000
CASES = ((0.2, 0.5), (-0.3, 1.0), (0.1, -0.7))


def _second_moment(a: float, b: float) -> float:
    """E[(z₁ − b z₀)² e^{−2a z₀}], z ~ N(0, I₂), by 2-D Gauss–Hermite quadrature: ∫∫ x₁² p_x
    with x = T⁻¹(z) (6.2.14, 6.2.17)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    weights = weights / weights.sum()
    z0, z1 = np.meshgrid(nodes, nodes, indexing="ij")
    integrand = (z1 - b * z0) ** 2 * np.exp(-2 * a * z0)
    return float(weights @ integrand @ weights)


def _within(samples: np.ndarray, expected: float) -> bool:
    se = samples.std(ddof=1) / math.sqrt(samples.size)
    return abs(samples.mean() - expected) <= Z * se


@pytest.mark.parametrize("a, b", CASES)
def test_second_moment_matches_quadrature(a, b) -> None:
    x = flows.inverse_flow_second_moment(np.random.default_rng(1), N, a, b)
    assert _within(x[0], _second_moment(a, b))


@pytest.mark.parametrize("a, b", CASES)
def test_controls_have_mean_zero_and_adjusted_mean_matches(a, b) -> None:
    """Rows 1..5 are the Hermite polynomials of degree 1–2 in z (mean 0); the
    regression-adjusted mean the claim uses is within Z of its (smaller) standard error."""
    x = flows.inverse_flow_second_moment(np.random.default_rng(2), N, a, b)
    z0, z1 = x[1], x[2]
    hermite = (z0, z1, z0 ** 2 - 1, z0 * z1, z1 ** 2 - 1)
    np.testing.assert_allclose(x[1:], np.stack(hermite), rtol=1e-12, atol=1e-12)
    assert all(_within(row, 0.0) for row in x[1:])
    est = estimate(lambda g, size: flows.inverse_flow_second_moment(g, size, a, b), "mean", N,
                   np.random.default_rng(3))
    assert est.controls == 5 and est.stderr < x[0].std() / math.sqrt(N) / 1.5
    assert abs(est.estimate - _second_moment(a, b)) <= Z * est.stderr


@pytest.mark.parametrize("a, b", CASES)
def test_quadrature_agrees_with_the_closed_form(a, b) -> None:
    # the derivation's step flow_second_moment: e^{2a²}(1 + b²(1 + 4a²))
    assert _second_moment(a, b) == pytest.approx(math.exp(2 * a * a) * (1 + b * b * (1 + 4 * a * a)),
                                                 rel=1e-12)


@pytest.mark.parametrize("a, b", CASES)
def test_draws_are_the_inverse_layer_of_standard_normals(a, b) -> None:
    """T(x) gives back the z the sampler drew (6.2.16 ∘ 6.2.17 = id), and T⁻¹(T(x)) = x."""
    z = np.random.default_rng(5).standard_normal((2, 1000))
    x = flows.flow_draws(np.random.default_rng(5), 1000, a, b)
    np.testing.assert_allclose(flows.coupling_layer(x[0], x[1], a, b), z, rtol=1e-12, atol=1e-12)
    back = flows.inverse_coupling_layer(*flows.coupling_layer(x[0], x[1], a, b), a, b)
    np.testing.assert_allclose(back, x, rtol=1e-12, atol=1e-12)
    second = flows.inverse_flow_second_moment(np.random.default_rng(5), 1000, a, b)
    assert np.array_equal(second[0], x[1] ** 2) and np.array_equal(second[1:3], z)


def test_samplers_are_reproducible_and_return_the_size_asked() -> None:
    for f, shape in ((flows.inverse_flow_second_moment, (6, 1000)), (flows.flow_draws, (2, 1000))):
        u, v = (f(np.random.default_rng(7), 1000, 0.2, 0.5) for _ in range(2))
        assert u.shape == shape and np.array_equal(u, v)
        assert f(np.random.default_rng(7), 0, 0.2, 0.5).shape == shape[:-1] + (0,)


@pytest.mark.parametrize("bad, fragment", [
    (dict(a=math.nan), "a="), (dict(b=math.inf), "b="), (dict(a="x"), "a="),
    (dict(size=-1), "size="), (dict(size=2.5), "size=")])
def test_invalid_parameters_are_named(bad, fragment) -> None:
    params = dict(size=10, a=0.2, b=0.5) | bad
    for f in (flows.inverse_flow_second_moment, flows.flow_draws):
        with pytest.raises(ValueError, match=re.escape(fragment)):
            f(np.random.default_rng(0), **params)


def test_the_tolerance_catches_mutated_samplers() -> None:
    """The scale e^{−2a z₀} for e^{−a z₀}, the shift subtracted after scaling, and the scale
    left out are each many standard errors off."""
    a, b = CASES[1]
    expected = _second_moment(a, b)
    z0, z1 = np.random.default_rng(3).standard_normal((2, N))
    assert not _within(((z1 - b * z0) * np.exp(-2 * a * z0)) ** 2, expected)
    assert not _within((z1 * np.exp(-a * z0) - b * z0) ** 2, expected)
    assert not _within((z1 - b * z0) ** 2, expected)
