"""Property tests: every registered Monte Carlo claim holds on parameters hypothesis draws.

Hypothesis chooses admissible parameters from the claim's ``strategy`` (derandomised profile,
see conftest); the Monte Carlo seed is derived from the drawn case, so a failure replays
exactly from the printed example.  Each drawn case is planned like ``check`` plans its own
cases, for a relaxed target MDRE (:data:`PROPERTY_TARGET`, or twice the claim's own when
larger):
the drawn point must come out ``consistent`` — an ``underpowered`` one means the claim's
domain or budget needs attention.
"""
from __future__ import annotations

import json
import zlib

import pytest
from hypothesis import given

from derivations.registry import all_derivations
from derivations.run.runner import claim_comparison
from derivations.testing.checks import claim_cases
from numerics.rng import check_generator
from numerics.stats import DEFAULT_ALPHA

CLAIMS = [c for c in claim_cases(all_derivations()) if c[2].strategy is not None]
PROPERTY_TARGET = 0.05  # 25x fewer samples than the default 1 % target


def case_seed(params: dict) -> int:
    """A seed that is a function of the drawn parameters only (replayable)."""
    return zlib.crc32(json.dumps(params, sort_keys=True, default=repr).encode())


def check_claim_at(derivation, claim, params: dict) -> dict:
    """The comparison dict for ``claim`` at ``params`` under the relaxed target."""
    key = (derivation.id, claim.name, "property")
    rng = check_generator(case_seed(params), *key)
    pilot = check_generator(case_seed(params), *key, "pilot")
    return claim_comparison(claim, params, rng, pilot, alpha=DEFAULT_ALPHA,
                            target=max(PROPERTY_TARGET, 2 * claim.target)).as_dict()


@pytest.mark.parametrize("case_id, derivation, claim", CLAIMS, ids=[c[0] for c in CLAIMS])
def test_claim_consistent_on_drawn_parameters(case_id, derivation, claim) -> None:
    @given(params=claim.parameter_strategy)
    def holds(params: dict) -> None:
        result = check_claim_at(derivation, claim, dict(params))
        assert result["verdict"] == "consistent", (
            f"{case_id} at {json.dumps(dict(params), sort_keys=True, default=repr)} "
            f"(seed {case_seed(dict(params))}): {result}")

    holds()
