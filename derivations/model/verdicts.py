"""The verdict vocabulary (DESIGN §2), in one place.

>>> "numeric" in ESTABLISHED and "refuted" not in ESTABLISHED
True
"""
from __future__ import annotations

# step verdicts, strongest first
VERDICTS = ("proved", "exhaustive", "numeric", "refuted", "inconsistent", "undecided")
# what a derivation needs from every step to pass (``--strict``: only the first two)
ESTABLISHED = ("proved", "exhaustive", "numeric")
STRICT = ("proved", "exhaustive")
FAILING = ("refuted", "inconsistent")
# Monte Carlo verdicts
MC_VERDICTS = ("consistent", "contradicted", "underpowered", "undecided")
# derivation verdicts
DERIVATION_VERDICTS = ("pass", "fail", "undecided")
# relations a step may state
RELATIONS = ("=", "<=", ">=")
