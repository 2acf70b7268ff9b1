"""Building SymPy objects from SymPy objects or Python numbers — never from text."""
from __future__ import annotations

from fractions import Fraction

import sympy as sp


def as_expr(x) -> sp.Basic:
    """A sympy object from a sympy object or a Python number — never from text."""
    if isinstance(x, sp.Basic):
        return x
    if isinstance(x, bool):
        return sp.true if x else sp.false
    if isinstance(x, int):
        return sp.Integer(x)
    if isinstance(x, float):
        return sp.Float(x)
    if isinstance(x, Fraction):
        return sp.Rational(x.numerator, x.denominator)
    raise TypeError(f"expected a sympy expression or a number, got {type(x).__name__}: {x!r}")
