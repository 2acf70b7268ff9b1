"""Matrix expressions evaluated in mpmath: the cheap route for matrix steps (many points).

``lambdify`` cannot print traces, determinants or inverses of matrix symbols; this walks the
expression tree once per point with mpmath matrices at the working precision.  Scalar subtrees
without matrices are ``lambdify``-ed once and cached.
"""
from __future__ import annotations

from typing import Mapping

import mpmath
import sympy as sp
from sympy.core.evalf import dps_to_prec

SUPPORTED = (sp.MatAdd, sp.MatMul, sp.MatPow, sp.Inverse, sp.Transpose, sp.Trace, sp.Determinant,
             sp.MatrixSymbol, sp.Identity, sp.ZeroMatrix, sp.MatrixBase, sp.Add, sp.Mul, sp.Pow,
             sp.matrices.expressions.matexpr.MatrixElement)


def supported(expr) -> bool:
    """Only matrix algebra, traces, determinants and scalar functions of them."""
    if not _has_matrix(expr):
        return True
    return isinstance(expr, SUPPORTED) and all(supported(a) for a in _children(expr))


def _has_matrix(e) -> bool:
    return isinstance(e, (sp.MatrixExpr, sp.MatrixBase)) or \
        any(isinstance(a, (sp.MatrixExpr, sp.MatrixBase)) for a in sp.preorder_traversal(e))  # det(I_d)


def _children(e):
    if isinstance(e, sp.MatrixBase):
        return list(e)
    if isinstance(e, sp.matrices.expressions.matexpr.MatrixElement):
        return [e.args[0]]
    if isinstance(e, (sp.MatrixSymbol, sp.Identity, sp.ZeroMatrix)):
        return []
    return list(e.args)


class MatrixEvaluator:
    """``evaluate(point, dps)``: the expression at a point as a tuple of mpmath numbers."""

    route = "mpmath-matrix"

    def __init__(self, expr, symbols) -> None:
        self.expr = expr
        self.symbols = symbols
        self._scalar: dict = {}

    def values(self, point: Mapping, dps: int) -> tuple:
        with mpmath.workdps(dps):
            env = {k: _mp(v, dps) for k, v in point.items()
                   if isinstance(k, (sp.Symbol, sp.MatrixSymbol))}
            out = self._eval(self.expr, env, dps)
            if isinstance(out, mpmath.matrix):
                return tuple(out[i, j] for i in range(out.rows) for j in range(out.cols))
            return (mpmath.mpmathify(out),)

    def _eval(self, e, env, dps):
        if not _has_matrix(e):
            return self._scalar_value(e, env)
        if isinstance(e, sp.MatrixSymbol):
            return env[e]
        if isinstance(e, sp.MatrixBase):
            return mpmath.matrix([[self._eval(v, env, dps) for v in e.row(i)] for i in range(e.rows)])
        if isinstance(e, (sp.Identity, sp.ZeroMatrix)):
            r, c = (int(self._scalar_value(s, env)) for s in e.shape)
            return mpmath.eye(r) if isinstance(e, sp.Identity) else mpmath.zeros(r, c)
        if isinstance(e, sp.matrices.expressions.matexpr.MatrixElement):
            m = self._eval(e.args[0], env, dps)
            return m[int(self._scalar_value(e.args[1], env)), int(self._scalar_value(e.args[2], env))]
        args = [self._eval(a, env, dps) for a in e.args]
        if isinstance(e, (sp.MatAdd, sp.Add)):
            out = args[0]
            for a in args[1:]:
                out = out + a
            return out
        if isinstance(e, (sp.MatMul, sp.Mul)):
            out = args[0]
            for a in args[1:]:
                out = out * a if not (isinstance(out, mpmath.matrix) and not isinstance(a, mpmath.matrix)) \
                    else a * out
            return out
        if isinstance(e, sp.Inverse):
            return _inverse(args[0])
        if isinstance(e, (sp.MatPow, sp.Pow)):
            base, k = args
            if not isinstance(base, mpmath.matrix):
                return base ** k
            if k != int(k):
                raise TypeError(f"non-integer matrix power {k}")
            k = int(k)
            out = mpmath.eye(base.rows)
            for _ in range(abs(k)):
                out = out * base
            return _inverse(out) if k < 0 else out
        if isinstance(e, sp.Transpose):
            return args[0].T
        if isinstance(e, sp.Trace):
            m = args[0]
            return mpmath.fsum(m[i, i] for i in range(m.rows))
        if isinstance(e, sp.Determinant):
            return mpmath.det(args[0])
        raise TypeError(f"no mpmath evaluation for {type(e).__name__}")

    def _scalar_value(self, e, env):
        if e.is_Number or e.is_NumberSymbol:
            return _mp(e, mpmath.mp.dps)
        if isinstance(e, sp.Symbol):
            return env[e]
        fn = self._scalar.get(e)
        if fn is None:
            syms = sorted(e.free_symbols, key=lambda s: s.name)
            fn = self._scalar[e] = (syms, sp.lambdify(syms, e, modules="mpmath"))
        syms, f = fn
        return f(*[env[s] for s in syms])


def _inverse(m):
    if m.rows != m.cols:
        raise TypeError("inverse of a non-square matrix")
    if mpmath.det(m) == 0:
        raise ZeroDivisionError("singular matrix")
    return mpmath.inverse(m)


def _mp(v, dps):
    if isinstance(v, sp.MatrixBase):
        return mpmath.matrix([[_mp(x, dps) for x in v.row(i)] for i in range(v.rows)])
    return mpmath.mpmathify(v._to_mpmath(dps_to_prec(dps + 10)))  # never a Python int
