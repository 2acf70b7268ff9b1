"""Property tests: every registered Monte Carlo claim holds on parameters hypothesis draws.

Hypothesis chooses admissible parameters from the claim's ``strategy`` (derandomised profile,
see conftest); the Monte Carlo seed is derived from the drawn case, so a failure replays
exactly from the printed example.  The sample size starts at a quarter of the claim's own
``samples`` and is raised to the full size once if that is underpowered at the drawn point;
a claim still underpowered there fails (its domain or sample size needs attention).
"""
from __future__ import annotations

import json
import zlib

import pytest
from hypothesis import given

from derivations.run.runner import claim_expected
from derivations.registry import all_derivations
from derivations.testing.checks import claim_cases
from numerics.rng import check_generator
from numerics.stats import DEFAULT_ALPHA, compare, estimate

CLAIMS = [c for c in claim_cases(all_derivations()) if c[2].strategy is not None]
FIRST_FRACTION = 4  # first attempt uses claim.samples // FIRST_FRACTION


def case_seed(params: dict) -> int:
    """A seed that is a function of the drawn parameters only (replayable)."""
    return zlib.crc32(json.dumps(params, sort_keys=True, default=repr).encode())


def check_claim_at(derivation, claim, params: dict) -> tuple[dict, str]:
    """(comparison dict, sample sizes tried) for ``claim`` at ``params``."""
    expected = claim_expected(claim, params)
    bias = float(claim.bias(**params)) if claim.bias else 0.0
    tried = []
    for n in (max(claim.samples // FIRST_FRACTION, 1000), claim.samples):
        rng = check_generator(case_seed(params), derivation.id, claim.name, "property", str(n))
        est = estimate(lambda g, size: claim.sampler(g, size, **params), claim.statistic, n, rng)
        result = compare(est, expected, bias=bias, alpha=DEFAULT_ALPHA).as_dict()
        tried.append(n)
        if result["verdict"] != "underpowered":
            break
    return result, ",".join(map(str, tried))


@pytest.mark.parametrize("case_id, derivation, claim", CLAIMS, ids=[c[0] for c in CLAIMS])
def test_claim_consistent_on_drawn_parameters(case_id, derivation, claim) -> None:
    @given(params=claim.strategy)
    def holds(params: dict) -> None:
        result, tried = check_claim_at(derivation, claim, dict(params))
        assert result["verdict"] == "consistent", (
            f"{case_id} at {json.dumps(dict(params), sort_keys=True, default=repr)} "
            f"(seed {case_seed(dict(params))}, n tried {tried}): {result}")

    holds()
