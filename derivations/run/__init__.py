"""Running derivations: the runner, the JSON report, the result cache."""
from __future__ import annotations

from .runner import Options, claim_expected, errata, run

__all__ = ["Options", "claim_expected", "errata", "run"]
