"""Unit tests of the oracle projection sampler (``numerics.samplers.denoising``, Mallat 6.4.10–6.4.11).

The mean of ``‖λ⊙y − x‖²`` is compared with the definition computed independently (per
coefficient: σ² E z² if kept, x_k² if killed); tolerances are ``Z`` standard errors with fixed
seeds, and a sampler with the wrong threshold (σ² for σ) is shown to be caught.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from numerics.samplers import denoising as dn

Z = 6.0  # standard errors; two-sided false-alarm ~2e-9 per check
N = 200_000
CASES = [
    {"x1": 2.0, "x2": -1.5, "x3": 0.4, "x4": 0.1, "sigma": 1.0},
    {"x1": 1.2, "x2": -0.3, "x3": 0.8, "x4": -2.5, "sigma": 0.6},
    {"x1": 0.5, "x2": 3.0, "sigma": 2.0},
]


def _rng(seed: int = 1234) -> np.random.Generator:
    return np.random.default_rng(seed)


def _mean_and_se(samples: np.ndarray) -> tuple[float, float]:
    return float(samples.mean()), float(samples.std(ddof=1) / math.sqrt(samples.size))


def _signal(case: dict) -> list[float]:
    return [case[f"x{k}"] for k in range(1, len(case))]


def _definition(case: dict) -> float:
    """E Σ_k (λ_k y_k − x_k)², λ_k = 1[|x_k| ≥ σ]: σ² for a kept coefficient, x_k² otherwise."""
    sigma = case["sigma"]
    return sum(sigma ** 2 if abs(x) >= sigma else x ** 2 for x in _signal(case))


def test_oracle_gains_keep_at_the_threshold() -> None:
    assert dn.oracle_gains([2.0, -1.0, 0.999, -0.2], 1.0).tolist() == [1.0, 1.0, 0.0, 0.0]


@pytest.mark.parametrize("case", CASES)
def test_oracle_projection_error_mean_is_sum_of_minima(case) -> None:
    est, se = _mean_and_se(dn.oracle_projection_error(_rng(31), N, **case))
    expected = _definition(case)
    assert expected == pytest.approx(sum(min(x ** 2, case["sigma"] ** 2) for x in _signal(case)))
    assert abs(est - expected) <= Z * se, f"mean {est:.6g} vs {expected:.6g} (se {se:.3g})"


def test_sampler_contract_and_determinism() -> None:
    a = dn.oracle_projection_error(_rng(5), 1000, **CASES[0])
    b = dn.oracle_projection_error(_rng(5), 1000, **CASES[0])
    assert a.shape == (1000,) and a.dtype == np.float64 and np.all(np.isfinite(a))
    np.testing.assert_array_equal(a, b)  # randomness only from the generator passed in
    assert dn.oracle_projection_error(_rng(5), 0, **CASES[0]).shape == (0,)
    n = dn._SUBCHUNK + 17  # streamed in blocks: the first block is the same stream
    whole = dn.oracle_projection_error(_rng(3), n, **CASES[1])
    np.testing.assert_array_equal(whole[:dn._SUBCHUNK],
                                  dn.oracle_projection_error(_rng(3), dn._SUBCHUNK, **CASES[1]))


def test_samples_follow_the_model() -> None:
    """Each sample is Σ_k (λ_k(x_k + σz_k) − x_k)² for the normals the generator gives."""
    case, n = CASES[0], 64
    z = _rng(8).standard_normal((4, n))  # drawn coefficient by coefficient, as the sampler does
    x = np.array(_signal(case))[:, None]
    gains = (np.abs(x) >= case["sigma"]).astype(float)
    direct = ((gains * (x + case["sigma"] * z) - x) ** 2).sum(axis=0)
    np.testing.assert_allclose(dn.oracle_projection_error(_rng(8), n, **case), direct, rtol=1e-12)


def test_detects_wrong_threshold() -> None:
    """Power: thresholding at σ² instead of σ (σ = 0.6, x = 0.5 kept) moves the mean by many
    standard errors."""
    case = {"x1": 1.2, "x2": 0.5, "x3": -0.45, "sigma": 0.6}
    rng, sigma = _rng(41), case["sigma"]
    x = np.array(_signal(case))
    z = rng.standard_normal((N, x.size))
    wrong = (np.abs(x) >= sigma ** 2).astype(float)
    est, se = _mean_and_se(((wrong * (x + sigma * z) - x) ** 2).sum(axis=1))
    assert abs(est - _definition(case)) > 2 * Z * se


INVALID = [
    ("sigma=0", {"x1": 1.0, "sigma": 0.0}, "sigma=0.0"),
    ("sigma<0", {"x1": 1.0, "sigma": -1.0}, "sigma=-1.0"),
    ("gap", {"x1": 1.0, "x3": 0.5, "sigma": 1.0}, "x2"),
    ("nan", {"x1": float("nan"), "sigma": 1.0}, "x1=nan"),
    ("text", {"x1": "big", "sigma": 1.0}, "x1='big'"),
    ("name", {"x1": 1.0, "y2": 0.5, "sigma": 1.0}, "y2=0.5"),
    ("none", {"sigma": 1.0}, "x1, ..., xd"),
]


@pytest.mark.parametrize("case, params, fragment", INVALID, ids=[c[0] for c in INVALID])
def test_invalid_parameters_are_named(case, params, fragment) -> None:
    with pytest.raises(ValueError) as info:
        dn.oracle_projection_error(_rng(), 10, **params)
    assert fragment in str(info.value), f"{case}: message {info.value!s} lacks {fragment!r}"
    assert "expected" in str(info.value), f"{case}: message {info.value!s} does not say what is valid"
    with pytest.raises(ValueError, match="size=-1"):
        dn.oracle_projection_error(_rng(), -1, x1=1.0, sigma=1.0)
