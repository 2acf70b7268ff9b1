"""Finite sums evaluated exactly, term by term, once their limits are numbers.

Numeric-evaluation protocol: :class:`FiniteSum` evaluates itself through ``doit`` (exact
integers and fractions, integer binomials, ``Heaviside(0) = 1/2``); with symbolic limits it
stays unevaluated.  The verifier's ``explicit`` step calls ``doit`` on rebuilt nodes, so
a concrete FiniteSum is a rational number by the time both sides are compared.
"""
from __future__ import annotations

import itertools
import math
from fractions import Fraction
from functools import lru_cache

import sympy as sp
from sympy.printing.pycode import PythonCodePrinter

from .build import as_expr

__all__ = ["FiniteSum", "MAX_TERMS"]


class _ExactPrinter(PythonCodePrinter):
    """Python source for a summand in exact arithmetic (``Fraction`` constants, integer binomials)."""

    def _print_Rational(self, e):
        return f"Fraction({e.p}, {e.q})"

    def _print_Heaviside(self, e):
        return f"_heaviside({', '.join(self._print(a) for a in e.args)})"

    def _print_binomial(self, e):
        return f"_binomial({self._print(e.args[0])}, {self._print(e.args[1])})"

    def _print_KroneckerDelta(self, e):
        return f"int(({self._print(e.args[0])}) == ({self._print(e.args[1])}))"


def _heaviside(x, h0=Fraction(1, 2)):
    return 0 if x < 0 else (h0 if x == 0 else 1)


def _binomial(n, k):
    if n != int(n) or k != int(k) or n < 0:
        raise ValueError("exact binomial needs integer arguments and n >= 0")
    return math.comb(int(n), int(k)) if 0 <= k <= n else 0


_EXACT_NAMES = {"Fraction": Fraction, "_heaviside": _heaviside, "_binomial": _binomial}
MAX_TERMS = 1 << 18  # FiniteSum evaluates at most this many terms directly


@lru_cache(maxsize=64)
def _direct_sum(summand: sp.Expr, limits: tuple) -> sp.Rational | None:
    """Exact term-by-term value of a finite sum with integer limits, or None if not exact."""
    names = [v for v, _, _ in limits]
    fractional = any(p.exp.is_negative and p.base.has(*names) for p in summand.atoms(sp.Pow))
    wrap = Fraction if fractional else int  # ``1/x`` needs Fraction arguments to stay exact
    fn = sp.lambdify(names, summand, modules=[_EXACT_NAMES], printer=_ExactPrinter)
    total = 0
    ranges = [range(int(lo), int(hi) + 1) for _, lo, hi in limits]
    for values in itertools.product(*ranges):
        term = fn(*map(wrap, values))
        if not isinstance(term, (int, Fraction)):
            return None  # something printed as floating point: not exact, let SymPy do it
        total += term
    total = Fraction(total)
    return sp.Rational(total.numerator, total.denominator)


class FiniteSum(sp.Sum):
    """A ``Sum`` over a finite integer range, evaluated term by term once the limits are numbers.

    The value is the same as ``Sum`` — the finite sum of the summand over the range — computed
    exactly (integers and fractions, integer binomials, ``Heaviside(0) = 1/2``) instead of by
    symbolic summation, which stalls on binomial sums with thousands of terms and on averages
    over all ``2^n`` spin configurations.  With symbolic limits it stays unevaluated (no closed
    form is attempted).  Anything the exact evaluator cannot do falls back to ``Sum.doit``.
    """

    def doit(self, **hints):
        f = self.function.doit(**hints) if hints.get("deep", True) else self.function
        limits = []
        for var, lo, hi in self.limits:
            lo, hi = as_expr(lo).doit(), as_expr(hi).doit()
            if not (lo.is_Integer and hi.is_Integer):
                return self.func(f, *self.limits)
            if hi < lo - 1:  # Karr's convention for reversed ranges: let SymPy handle it
                return sp.Sum(f, *self.limits).doit(**hints)
            limits.append((var, lo, hi))
        if any(hi < lo for _, lo, hi in limits):
            return sp.S.Zero
        if f.free_symbols - {v for v, _, _ in limits}:
            return self.func(f, *limits)
        if math.prod(int(hi - lo + 1) for _, lo, hi in limits) <= MAX_TERMS:
            try:
                value = _direct_sum(f, tuple(limits))
            except (ValueError, TypeError, NameError, ZeroDivisionError, OverflowError):
                value = None
            if value is not None:
                return value
        return sp.Sum(f, *limits).doit(**hints)
