"""Turn streamed samples into a Monte Carlo verdict (DESIGN §2, §3).

Estimates are accumulated chunk by chunk (bounded memory).  The comparison is a two-sided
z-test at false-alarm level ``alpha`` (default 1e-6); a known bias bound ``b`` is added to the
tolerance explicitly: the test statistic is ``max(|est - expected| - b, 0) / stderr``.  Every
result reports the smallest relative error the check could detect with power 0.99.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Callable

import numpy as np

DEFAULT_ALPHA = 1e-6
POWER = 0.99
DEFAULT_CHUNK = 1 << 16
_N01 = NormalDist()


@dataclass(frozen=True)
class Estimate:
    estimate: float
    stderr: float
    n: int


class _Moments:
    """Streaming shifted power sums (shift = first chunk's mean) for mean/variance and their SEs."""

    def __init__(self, fourth: bool = True) -> None:
        self.n = 0
        self.shift: float | None = None
        self.s = np.zeros(4)
        self.fourth = fourth  # third and fourth sums only for the variance's standard error
        self._y = self._p = np.empty(0)

    def add(self, x: np.ndarray) -> None:
        x = np.asarray(x, dtype=np.float64).ravel()
        if x.size == 0:
            return
        if self.shift is None:
            with np.errstate(invalid="ignore", over="ignore"):
                self.shift = float(x.mean())
            if not math.isfinite(self.shift):
                raise ValueError("sampler returned non-finite values")
        if self._y.size < x.size:  # scratch buffers reused across chunks (no per-chunk allocation)
            self._y, self._p = np.empty(x.size), np.empty(x.size)
        y, p = self._y[:x.size], self._p[:x.size]
        with np.errstate(invalid="ignore", over="ignore"):  # non-finite input is caught below
            np.subtract(x, self.shift, out=y)
            s1 = y.sum()
            np.multiply(y, y, out=p)
            s2 = p.sum()
            s3 = s4 = 0.0
            if self.fourth:
                np.multiply(p, y, out=y)
                s3 = y.sum()
                np.multiply(p, p, out=y)
                s4 = y.sum()
        if not math.isfinite(s1 + s2 + s3 + s4):  # nan/inf in any sample reaches the sums
            raise ValueError("sampler returned non-finite values")
        self.s += (s1, s2, s3, s4)
        self.n += x.size

    def mean(self) -> Estimate:
        n, (s1, s2, _, _) = self.n, self.s
        m = s1 / n
        var = max(s2 / n - m * m, 0.0) * n / max(n - 1, 1)
        return Estimate(self.shift + m, math.sqrt(var / n), n)

    def variance(self) -> Estimate:
        n, (s1, s2, s3, s4) = self.n, self.s
        m = s1 / n
        c2 = s2 / n - m * m
        c4 = s4 / n - 4 * m * s3 / n + 6 * m * m * s2 / n - 3 * m ** 4
        var_unbiased = c2 * n / max(n - 1, 1)
        se = math.sqrt(max(c4 - c2 * c2, 0.0) / n)  # delta method for the sample variance
        return Estimate(var_unbiased, se, n)


def estimate(sampler: Callable[[np.random.Generator, int], np.ndarray], statistic: str,
             n: int, rng: np.random.Generator, chunk: int = DEFAULT_CHUNK) -> Estimate:
    """Stream ``n`` samples from ``sampler(rng, size)`` in chunks and estimate ``statistic``."""
    if n < 2:
        raise ValueError(f"samples={n}, expected at least 2")
    acc = _Moments(fourth=statistic == "variance")
    left = n
    while left > 0:
        size = min(chunk, left)
        acc.add(sampler(rng, size))
        left -= size
    return acc.variance() if statistic == "variance" else acc.mean()


def z_quantile(alpha: float) -> float:
    """Two-sided critical value for false-alarm level ``alpha``."""
    return _N01.inv_cdf(1 - alpha / 2)


def min_detectable_rel_error(stderr: float, expected: float, bias: float = 0.0,
                             alpha: float = DEFAULT_ALPHA, power: float = POWER) -> float:
    """Smallest relative error detected with probability ``power`` at level ``alpha``."""
    shift = (z_quantile(alpha) + _N01.inv_cdf(power)) * stderr + bias
    return shift / abs(expected) if expected != 0 else math.inf if shift > 0 else 0.0


@dataclass(frozen=True)
class Comparison:
    expected: float
    estimate: float
    stderr: float
    n: int
    bias_bound: float
    p_value: float
    min_detectable_rel_error: float
    verdict: str  # "consistent" | "contradicted" | "underpowered"

    def as_dict(self) -> dict:
        return {k: _clean(getattr(self, k)) for k in (
            "expected", "estimate", "stderr", "n", "bias_bound", "p_value",
            "min_detectable_rel_error", "verdict")}


def _clean(v):
    if isinstance(v, float):
        return float(f"{v:.12g}") if math.isfinite(v) else None
    return v


def compare(est: Estimate, expected: float, *, bias: float = 0.0, alpha: float = DEFAULT_ALPHA,
            max_rel_error: float = 0.25) -> Comparison:
    """z-test of ``est`` against ``expected`` with bias bound ``bias`` in the tolerance.

    A check whose minimum detectable relative error exceeds ``max_rel_error`` cannot tell a
    wrong formula from a right one and is reported ``underpowered``, never ``consistent``.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha={alpha}, expected 0 < alpha < 1")
    gap = max(abs(est.estimate - expected) - bias, 0.0)
    if est.stderr > 0:
        p = math.erfc(gap / est.stderr / math.sqrt(2))
    else:  # a deterministic sampler: equal up to float rounding of the sum
        rounding = 64 * np.finfo(float).eps * max(abs(expected), abs(est.estimate))
        p = 1.0 if gap <= rounding else 0.0
    mdre = min_detectable_rel_error(est.stderr, expected, bias, alpha)
    if p < alpha:
        verdict = "contradicted"
    elif mdre > max_rel_error:
        verdict = "underpowered"
    else:
        verdict = "consistent"
    return Comparison(expected, est.estimate, est.stderr, est.n, bias, p, mdre, verdict)
