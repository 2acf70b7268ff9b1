"""Parameter validation shared by the samplers: errors name the value and what is valid."""
from __future__ import annotations

import math
import operator


def count(name: str, value, low: int) -> int:
    """``value`` as an int ``>= low`` or a ValueError naming it."""
    if isinstance(value, bool):
        raise ValueError(f"{name}={value!r}, expected an integer >= {low}")
    try:
        v = operator.index(value)
    except TypeError:
        raise ValueError(f"{name}={value!r}, expected an integer >= {low}") from None
    if v < low:
        raise ValueError(f"{name}={value!r}, expected an integer >= {low}")
    return v


def finite(name: str, value, positive: bool = False) -> float:
    """``value`` as a finite float (``> 0`` with ``positive``) or a ValueError naming it."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={value!r}, expected a real number") from None
    if not math.isfinite(v):
        raise ValueError(f"{name}={value!r}, expected a finite real number")
    if positive and not v > 0:
        raise ValueError(f"{name}={value!r}, expected {name} > 0")
    return v
