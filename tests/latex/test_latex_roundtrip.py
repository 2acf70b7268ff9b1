"""Round trip: SymPy expression → ``sympy.latex`` → the reader → the same mathematics."""
from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivations.latex import Notation, parse_expr_latex
from meaning import assert_same_meaning

x, y, z = sp.symbols("x y z", real=True)
alpha, sigma = sp.symbols("alpha sigma", positive=True)
i, n = sp.symbols("i n", integer=True, positive=True)
f = sp.Function("f")
NOTATION = Notation({"x": x, "y": y, "z": z, r"\alpha": alpha, r"\sigma": sigma, "i": i, "n": n},
                    {"f": f})

leaves = st.sampled_from([x, y, z, alpha, sigma]) | st.integers(-9, 9).map(sp.Integer) | \
    st.tuples(st.integers(-9, 9), st.integers(1, 9)).map(lambda t: sp.Rational(*t))
UNARY = [sp.exp, sp.log, sp.sin, sp.cos, sp.tanh, sp.sqrt, sp.Abs, sp.erf, f]


def _extend(children):
    binary = st.tuples(children, children)
    return (binary.map(lambda t: t[0] + t[1]) | binary.map(lambda t: t[0] * t[1])
            | binary.map(lambda t: t[0] - t[1])
            | st.tuples(children, st.integers(-3, 4)).map(lambda t: t[0] ** t[1])
            | st.tuples(children, st.sampled_from(UNARY)).map(lambda t: t[1](t[0])))


expressions = st.recursive(leaves, _extend, max_leaves=8).filter(
    lambda e: e.is_finite is not False and not e.has(sp.zoo, sp.nan, sp.I))


@settings(max_examples=250, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(expressions)
def test_sympy_latex_reads_back(expr):
    assert_same_meaning(parse_expr_latex(sp.latex(expr), NOTATION), expr, sp.latex(expr))


@pytest.mark.parametrize("expr", [
    sp.Sum(i ** 2, (i, 1, n)), sp.Product(i, (i, 1, n)), sp.Integral(sp.exp(-x ** 2), (x, 0, 1)),
    sp.Derivative(f(x), x), sp.Derivative(f(x), (x, 2)),
    sp.Derivative(f(x) * y, x), sp.sin(x) ** 2, sp.log(x) ** 2, sp.Abs(x - y) ** 3,
    sp.sqrt(sp.Rational(1, 2) + x), x ** sp.Rational(3, 2), sp.root(x, 3), sp.exp(-x / sigma),
    sp.Min(x, y), sp.Max(x, y, z), sp.pi * alpha, sp.E ** x, sp.erfc(x), sp.Limit(1 / n, n, sp.oo),
])
def test_sympy_latex_of_calculus_reads_back(expr):
    assert_same_meaning(parse_expr_latex(sp.latex(expr), NOTATION), expr, sp.latex(expr))
