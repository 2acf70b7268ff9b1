"""Parameter validation shared by the samplers: errors name the value and what is valid."""
from __future__ import annotations

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
