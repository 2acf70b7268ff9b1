"""``assert_same_meaning``: two SymPy objects mean the same (symbolically, or at random points)."""
from __future__ import annotations

import random

import mpmath
import sympy as sp


def _rational_for(sym, rng: random.Random):
    """A random exact rational respecting ``sym`` 's sign assumptions (never zero)."""
    num = rng.randint(1, 40)
    value = sp.Rational(num, rng.randint(1, 13))
    if sym.is_positive or sym.is_nonnegative:
        return value
    return value if rng.random() < 0.5 else -value


def _random_matrix(m: sp.MatrixSymbol, rng: random.Random):
    rows, cols = int(m.shape[0]), int(m.shape[1])
    return sp.ImmutableMatrix(rows, cols, lambda i, j: sp.Rational(rng.randint(-9, 9), rng.randint(1, 5))
                     + (3 if i == j else 0))


def _numeric(expr):
    expr = expr.doit() if hasattr(expr, "doit") else expr
    if isinstance(expr, sp.MatrixBase):
        return [sp.N(e, 30) for e in expr]
    if getattr(expr, "is_Matrix", False):
        return [sp.N(e, 30) for e in sp.Matrix(expr.as_explicit())]
    return [sp.N(expr, 30)]


def _close(a, b) -> bool:
    with mpmath.workdps(30):
        a, b = complex(a), complex(b)
        return abs(a - b) <= 1e-20 * (1 + abs(b))


def same_meaning(got, expected, *, points: int = 4, seed: int = 0) -> bool:
    """Equal structurally, or ``simplify(got - expected) == 0``, or equal at random points."""
    if got == expected:
        return True
    if isinstance(got, sp.Tuple) and isinstance(expected, sp.Tuple):
        return len(got) == len(expected) and all(
            same_meaning(a, b, points=points, seed=seed) for a, b in zip(got, expected))
    try:
        diff = sp.simplify(got - expected)
        if diff == 0 or getattr(diff, "is_ZeroMatrix", False):
            return True
    except (TypeError, ValueError, AttributeError, NotImplementedError):
        pass
    symbols = sorted(got.free_symbols | expected.free_symbols, key=str)
    if got.atoms(sp.core.function.AppliedUndef) or expected.atoms(sp.core.function.AppliedUndef):
        return False      # undefined functions have no values: only the symbolic checks count
    rng = random.Random(seed)
    for _ in range(points):
        subs = {s: _random_matrix(s, rng) if isinstance(s, sp.MatrixSymbol) else
                _rational_for(s, rng) for s in symbols}
        a, b = _numeric(got.xreplace(subs)), _numeric(expected.xreplace(subs))
        if len(a) != len(b) or not all(_close(x, y) for x, y in zip(a, b)):
            return False
    return True


def assert_same_meaning(got, expected, context: str = "") -> None:
    """Fail with both forms when ``got`` and ``expected`` differ in meaning."""
    assert same_meaning(got, expected), (f"{context}\n  parsed:   {got!r}\n"
                                         f"  expected: {expected!r}")
