"""The bounds of every run option and time limit, in one place (no heavy imports: the CLI
parser reads them before SymPy is loaded).

>>> mc_limit(20.0), mc_limit(1.0)
(120.0, 60.0)
"""
from __future__ import annotations

MAX_TIMEOUT = 86_400.0  # seconds per step (and per Monte Carlo case): one day at most
SYMBOLIC_SHARE = 0.5  # of a step's --timeout the symbolic half may use (numeric: the rest)
STEP_GRACE = 1.0  # the numeric half always gets this much: a step ends within timeout + 1 s
MAX_JOBS = 256
MIN_SAMPLES, MAX_SAMPLES = 100, 10**8  # 10^8 Gaussian draws stream in seconds
MIN_ALPHA = 1e-12  # below ~2e-16 the z quantile's 1 - alpha/2 rounds to 1 (every claim undecided)
MAX_SEED = 2**64 - 1
MAX_POINTS = 1000
MC_LIMIT_FLOOR, MC_LIMIT_FACTOR = 60.0, 6.0


def mc_limit(timeout: float) -> float:
    """The default time limit of one Monte Carlo case: ``max(60, 6 × timeout)`` seconds."""
    return min(max(MC_LIMIT_FLOOR, MC_LIMIT_FACTOR * timeout), MAX_TIMEOUT)
