"""Turn streamed samples into a Monte Carlo verdict (DESIGN §2, §3).

Estimates are accumulated chunk by chunk (bounded memory).  A sampler returns one value per
sample, or a ``(1 + k, size)`` array whose rows ``1..k`` are control variates with known mean
0 (the estimate is then the regression-adjusted mean, its standard error the residual one).

The comparison is a two-sided z-test at false-alarm level ``alpha`` (default 1e-6).  A known
bias is an interval: ``E[sample]/expected - 1`` lies in ``rel_bias = (lo, hi)`` (a symmetric
absolute bound ``b`` is the interval ``±b/|expected|``); the test statistic is the distance of
the estimate from ``expected·[1 + lo, 1 + hi]`` over its standard error.  The minimum
detectable relative error (power 0.99) is ``((hi - lo) + (z_α + z_β)·stderr/|expected|)/(1 + lo)``:
an error of the closed form in either direction of that size is rejected, whatever the true
bias inside the interval (the interval moves with the closed form, hence ``1 + lo``).

:func:`sized_estimate` chooses the sample size for a target MDRE from a pilot estimate of the
per-sample standard deviation, capped by the claim's budget.
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
    controls: int = 0  # control variates the estimate was adjusted with

    @property
    def sample_sd(self) -> float:
        """The standard deviation of one sample's contribution (after variance reduction)."""
        return self.stderr * math.sqrt(self.n)


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


class _Controlled:
    """Streaming cross-moments of a value row and ``k`` control rows with known mean 0.

    The estimate is ``mean(x) - β·mean(c)`` with ``β`` the least-squares coefficient of ``x``
    on ``c``; its standard error is the residual standard deviation over ``√n`` (the
    ``O(1/n)`` bias of the estimated ``β`` is negligible at the sizes used).
    """

    def __init__(self, rows: int) -> None:
        self.n = 0
        self.shift: np.ndarray | None = None
        self.s = np.zeros(rows)
        self.g = np.zeros((rows, rows))

    def add(self, a: np.ndarray) -> None:
        a = np.asarray(a, dtype=np.float64)
        if a.shape[1] == 0:
            return
        if self.shift is None:
            self.shift = a.mean(axis=1)
        if a.flags.owndata and a.flags.writeable:  # the sampler's fresh chunk: shift in place
            y = a
            y -= self.shift[:, None]
        else:
            y = a - self.shift[:, None]
        s, g = y.sum(axis=1), y @ y.T
        if not (np.all(np.isfinite(s)) and np.all(np.isfinite(g))):
            raise ValueError("sampler returned non-finite values")
        self.s += s
        self.g += g
        self.n += a.shape[1]

    def mean(self) -> Estimate:
        n, k = self.n, len(self.s) - 1
        m = self.s / n
        cov = self.g / n - np.outer(m, m)
        beta = np.linalg.lstsq(cov[1:, 1:], cov[1:, 0], rcond=None)[0]
        means = self.shift + m  # controls' sample means (their true mean is 0)
        est = means[0] - float(beta @ means[1:])
        resid = max(cov[0, 0] - float(beta @ cov[1:, 0]), 0.0) * n / max(n - k - 1, 1)
        return Estimate(float(est), math.sqrt(resid / n), n, k)


def estimate(sampler: Callable[[np.random.Generator, int], np.ndarray], statistic: str,
             n: int, rng: np.random.Generator, chunk: int = DEFAULT_CHUNK) -> Estimate:
    """Stream ``n`` samples from ``sampler(rng, size)`` in chunks and estimate ``statistic``.

    A sampler returning shape ``(1 + k, size)`` supplies ``k`` control variates (rows
    ``1..k``, known mean 0) for a mean or probability.
    """
    if n < 2:
        raise ValueError(f"samples={n}, expected at least 2")
    acc = None
    left = n
    while left > 0:
        size = min(chunk, left)
        x = sampler(rng, size)
        if acc is None:
            controlled = np.ndim(x) == 2
            if controlled and statistic == "variance":
                raise ValueError("control variates are for means: statistic='variance'")
            acc = _Controlled(len(x)) if controlled else _Moments(fourth=statistic == "variance")
        acc.add(x)
        left -= size
    return acc.variance() if statistic == "variance" else acc.mean()


def z_quantile(alpha: float) -> float:
    """Two-sided critical value for false-alarm level ``alpha``."""
    return _N01.inv_cdf(1 - alpha / 2)


def min_detectable_rel_error(stderr: float, expected: float, bias: float = 0.0,
                             alpha: float = DEFAULT_ALPHA, power: float = POWER,
                             rel_width: float = 0.0) -> float:
    """Smallest relative error detected with probability ``power`` at level ``alpha``.

    ``bias`` is an absolute bias allowance, ``rel_width`` the width of a relative bias
    interval: both are added to the z-based resolution.
    """
    shift = (z_quantile(alpha) + _N01.inv_cdf(power)) * stderr + bias
    if expected == 0:
        return math.inf if shift > 0 or rel_width > 0 else 0.0
    return shift / abs(expected) + rel_width


def planned_samples(sample_sd: float, expected: float, target: float, rel_width: float = 0.0,
                    alpha: float = DEFAULT_ALPHA, power: float = POWER, margin: float = 1.2,
                    rel_low: float = 0.0) -> int:
    """Samples for an MDRE of ``target`` given one sample's standard deviation (inf if none do).

    ``rel_width`` and ``rel_low`` are the bias interval's width and lower end (see
    :func:`compare`); ``margin`` > 1 absorbs the pilot's error in ``sample_sd``.
    """
    room = target * (1 + rel_low) - rel_width
    if expected == 0 or room <= 0:
        return math.inf
    z = z_quantile(alpha) + _N01.inv_cdf(power)
    return math.ceil(margin * (z * sample_sd / (room * abs(expected))) ** 2)


@dataclass(frozen=True)
class Comparison:
    expected: float
    estimate: float
    stderr: float
    n: int
    bias_bound: float  # largest |E[sample] - expected| the bias interval allows
    p_value: float
    min_detectable_rel_error: float
    verdict: str  # "consistent" | "contradicted" | "underpowered"
    rel_bias: tuple[float, float] = (0.0, 0.0)
    target_mdre: float = 0.25
    controls: int = 0

    def as_dict(self) -> dict:
        out = {k: _clean(getattr(self, k)) for k in (
            "expected", "estimate", "stderr", "n", "bias_bound", "p_value",
            "min_detectable_rel_error", "target_mdre", "controls", "verdict")}
        out["rel_bias"] = [_clean(float(b)) for b in self.rel_bias]
        return out


def _clean(v):
    if isinstance(v, float):
        return float(f"{v:.12g}") if math.isfinite(v) else None
    return v


def compare(est: Estimate, expected: float, *, bias: float = 0.0,
            rel_bias: tuple[float, float] = (0.0, 0.0), alpha: float = DEFAULT_ALPHA,
            target_mdre: float = 0.25) -> Comparison:
    """z-test of ``est`` against ``expected`` with a bias allowance in the tolerance.

    ``bias`` is a symmetric absolute bound; ``rel_bias = (lo, hi)`` bounds
    ``E[sample]/expected - 1``.  A check whose minimum detectable relative error exceeds
    ``target_mdre`` cannot resolve what it was asked to and is reported ``underpowered``,
    never ``consistent``.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha={alpha}, expected 0 < alpha < 1")
    lo, hi = (float(b) for b in rel_bias)
    if not lo <= hi:
        raise ValueError(f"rel_bias={rel_bias!r}, expected an interval (lo, hi) with lo <= hi")
    ends = sorted((expected * (1 + lo), expected * (1 + hi)))
    low, high = ends[0] - bias, ends[1] + bias
    gap = max(low - est.estimate, est.estimate - high, 0.0)
    bias_bound = max(abs(low - expected), abs(high - expected))
    if est.stderr > 0:
        p = math.erfc(gap / est.stderr / math.sqrt(2))
    else:  # a deterministic sampler: equal up to float rounding of the sum
        rounding = 64 * np.finfo(float).eps * max(abs(expected), abs(est.estimate))
        p = 1.0 if gap <= rounding else 0.0
    # a closed form off by δ moves the whole interval by δ·expected·(1 + lo..hi): the error
    # detectable in both directions is (width + resolution)/(1 + lo)
    mdre = min_detectable_rel_error(est.stderr, expected, 2 * bias, alpha, rel_width=hi - lo)
    mdre = mdre / (1 + lo) if lo > -1 else math.inf
    if p < alpha:
        verdict = "contradicted"
    elif mdre > target_mdre:
        verdict = "underpowered"
    else:
        verdict = "consistent"
    return Comparison(expected, est.estimate, est.stderr, est.n, bias_bound, p, mdre, verdict,
                      (lo, hi), target_mdre, est.controls)


def sized_estimate(sampler: Callable[[np.random.Generator, int], np.ndarray], statistic: str,
                   expected: float, rng: np.random.Generator, pilot_rng: np.random.Generator, *,
                   target: float, rel_width: float = 0.0, rel_low: float = 0.0,
                   alpha: float = DEFAULT_ALPHA,
                   pilot: int = 4096, cap: int = 2_000_000, samples: int | None = None) -> Estimate:
    """Estimate with the sample size an MDRE of ``target`` needs, at most ``cap``.

    The per-sample standard deviation comes from a ``pilot`` run on its own generator (so
    the final estimate's sample size does not depend on its own samples); ``samples`` fixes
    the size instead.  The size is rounded up to a multiple of 1000.
    """
    if samples is None:
        sd = estimate(sampler, statistic, pilot, pilot_rng).sample_sd
        need = planned_samples(sd, expected, target, rel_width, alpha, rel_low=rel_low)
        if not math.isfinite(need):  # the bias interval alone exceeds the target: more is waste
            need = pilot
        samples = int(min(cap, max(pilot, -(-need // 1000) * 1000)))
    return estimate(sampler, statistic, samples, rng)
