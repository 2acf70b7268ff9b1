"""Shared test configuration: hypothesis profile, the slow tier, one catalog run per session.

* Hypothesis: the default profile ``lecturecheck`` is derandomised (reproducible in CI), draws
  3 examples per property and has no deadline (Monte Carlo examples take ~a second).  Select
  another with ``HYPOTHESIS_PROFILE=<name>`` (``lecturecheck-thorough``: 25 examples).
* ``@pytest.mark.slow`` tests are skipped (with a visible reason) unless selected with
  ``-m slow`` or ``LECTURECHECK_SLOW=1``.
* Catalog results are computed per derivation, on demand, by :mod:`derivations.testing.checks`
  (no fixture checks the whole catalog).
"""
from __future__ import annotations

import os

import pytest
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings

from derivations.testing import checks

checks.GOLDEN = Path(__file__).resolve().parent / "golden" / "verdicts.json"


_PHASES = (Phase.explicit, Phase.generate)  # no shrinking: a Monte Carlo example costs ~1 s
settings.register_profile("lecturecheck", derandomize=True, max_examples=3, deadline=None,
                          phases=_PHASES, suppress_health_check=[HealthCheck.too_slow],
                          print_blob=True)
settings.register_profile("lecturecheck-thorough", derandomize=True, max_examples=25,
                          deadline=None, phases=_PHASES,
                          suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "lecturecheck"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("-m") or os.environ.get("LECTURECHECK_SLOW"):
        return
    skip = pytest.mark.skip(reason="slow tier: run with `pytest -m slow` or LECTURECHECK_SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
