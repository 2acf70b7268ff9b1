"""Shared test configuration: hypothesis profile, the slow tier, one catalog run per session.

* Hypothesis: the default profile ``lecturecheck`` is derandomised (reproducible in CI), draws
  3 examples per property and has no deadline (Monte Carlo examples take ~a second).  Select
  another with ``HYPOTHESIS_PROFILE=<name>`` (``lecturecheck-thorough``: 25 examples).
* ``@pytest.mark.slow`` tests are skipped (with a visible reason) unless selected with
  ``-m slow`` or ``LECTURECHECK_SLOW=1``.
* ``catalog_report``: ``run(all_derivations(), Options(jobs=2, cache=False))`` computed once
  per session and shared by the generic catalog tests.
"""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, settings

from derivations.check import Options, run
from derivations.registry import all_derivations

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


@pytest.fixture(scope="session")
def catalog_report() -> dict:
    """The JSON-contract report of the whole registered catalog (one run per session)."""
    return run(all_derivations(), Options(jobs=2, cache=False))


@pytest.fixture(scope="session")
def catalog_entries(catalog_report: dict) -> dict[str, dict]:
    """Report entries of ``catalog_report`` keyed by derivation id."""
    return {d["id"]: d for d in catalog_report["derivations"]}
