"""Random admissible points for numeric checks: values that respect the declared assumptions.

Scalars become exact rationals (positive symbols positive, integers integers, symbols without
a declared real assumption complex); matrices become exact rational matrices with the declared
structure (symmetric, SPD, orthogonal via the Cayley transform, diagonal); undefined functions
become concrete instances from their :class:`~derivations.model.FunctionFamily`.
"""
from __future__ import annotations

import random
from typing import Any, Mapping

import sympy as sp

from ..model import Derivation, Matrix
from ..symbolic.build import as_expr


_DENOMS = (7, 11, 13, 16, 17, 19, 23, 29)


def _rational(rng: random.Random, lo, hi) -> sp.Rational:
    q = rng.choice(_DENOMS)
    lo_n, hi_n = int(sp.ceiling(sp.Rational(lo) * q)), int(sp.floor(sp.Rational(hi) * q))
    if lo_n > hi_n:
        raise ValueError(f"empty sampling range ({lo}, {hi})")
    return sp.Rational(rng.randint(lo_n, hi_n), q)


def scalar_value(sym: sp.Symbol, rng: random.Random, ranges: Mapping) -> sp.Expr:
    """A random exact value admissible for ``sym``'s assumptions."""
    if sym in ranges:
        lo, hi = ranges[sym]
        if sym.is_integer:
            return sp.Integer(rng.randint(int(lo), int(hi)))
        while True:
            v = _rational(rng, lo, hi)
            if _admissible(sym, v):
                return v
    if sym.is_integer:
        lo = 1 if sym.is_positive else (0 if sym.is_nonnegative else -6)
        while True:
            v = sp.Integer(rng.randint(lo, 8))
            if _admissible(sym, v):
                return v
    if sym.is_real or sym.is_positive or sym.is_negative or sym.is_nonnegative:
        lo = sp.Rational(1, 10) if (sym.is_positive or sym.is_nonnegative) else -3
        hi = 3 if not sym.is_negative else sp.Rational(-1, 10)
        if sym.is_negative:
            lo = -3
        while True:
            v = _rational(rng, lo, hi)
            if _admissible(sym, v):
                return v
    # no real assumption declared: the identity must hold for complex values
    return _rational(rng, -2, 2) + sp.I * _rational(rng, -2, 2)


def _admissible(sym: sp.Symbol, v: sp.Expr) -> bool:
    checks = {
        "positive": lambda x: x > 0, "negative": lambda x: x < 0,
        "nonnegative": lambda x: x >= 0, "nonzero": lambda x: x != 0,
    }
    for name, ok in checks.items():
        if getattr(sym, f"is_{name}") and not ok(v):
            return False
    return True


def matrix_value(m: Matrix, shape: tuple[int, int], rng: random.Random) -> sp.ImmutableMatrix:
    rows, cols = shape
    props = m.props

    def rand(r, c, lo=-2, hi=2):
        return sp.Matrix(r, c, lambda i, j: _rational(rng, lo, hi))

    if "orthogonal" in props:
        s = rand(rows, rows)
        skew = (s - s.T) / 2
        eye = sp.eye(rows)
        return sp.ImmutableMatrix((eye - skew) * (eye + skew).inv())
    if "diagonal" in props:
        lo = sp.Rational(1, 10) if "spd" in props else -2
        return sp.ImmutableMatrix(sp.diag(*[_rational(rng, lo, 3) for _ in range(rows)]))
    if "spd" in props:
        b = rand(rows, rows)
        return sp.ImmutableMatrix(b * b.T + sp.eye(rows) / 4)
    if "symmetric" in props:
        b = rand(rows, rows)
        return sp.ImmutableMatrix(b + b.T)
    return sp.ImmutableMatrix(rand(rows, cols))


def free_scalars(exprs) -> set[sp.Symbol]:
    out: set[sp.Symbol] = set()
    for e in exprs:
        out |= {s for s in as_expr(e).free_symbols if isinstance(s, sp.Symbol)}
    return out


def draw_point(derivation: Derivation, exprs, rng: random.Random,
               constraints=(), fixed: Mapping | None = None, tries: int = 2000) -> dict:
    """One admissible point for the free symbols of ``exprs``: ``{symbol: value}``.

    Dimension symbols take one of ``derivation.dimensions`` sizes; constraints are enforced by
    rejection (a ``ValueError`` names them when no point is found).
    """
    exprs = [as_expr(e) for e in exprs]
    matrices = {m.symbol: m for m in derivation.matrices}
    used_mats = set()
    for e in exprs:
        used_mats |= {a for a in e.atoms(sp.MatrixSymbol) if a in matrices}
    scalars = free_scalars(exprs)
    for mat in used_mats:
        for dim in mat.shape:
            scalars |= free_scalars([dim])
    scalars -= set(used_mats)
    scalars -= set(fixed or {})
    dims = {s for s in scalars if s in derivation.dimensions}
    ordered = sorted(scalars - dims, key=lambda s: s.name)
    for _ in range(tries):
        point: dict[Any, Any] = dict(fixed or {})
        for s in sorted(dims, key=lambda s: s.name):
            point[s] = sp.Integer(rng.choice(list(derivation.dimensions[s])))
        for s in ordered:
            point[s] = scalar_value(s, rng, derivation.ranges)
        if all(bool(as_expr(c).subs(point)) for c in constraints):
            break
    else:
        names = ", ".join(str(c) for c in constraints)
        raise ValueError(f"no admissible point satisfies the constraints {names}")
    for mat in sorted(used_mats, key=lambda m: m.name):
        shape = tuple(int(as_expr(x).subs(point)) for x in mat.shape)
        point[mat] = matrix_value(matrices[mat], shape, rng)
    for fam in derivation.functions:
        if any(e.has(fam.function) for e in exprs):
            point[fam.function] = fam.make(rng)
    return point


def substitute(expr, point: Mapping) -> Any:
    """Substitute a point (scalars, matrices, function instances) into ``expr``."""
    expr = as_expr(expr)
    funcs = {k: v for k, v in point.items() if isinstance(k, sp.FunctionClass)}
    mats = {k: v for k, v in point.items() if isinstance(k, sp.MatrixSymbol)}
    scal = {k: v for k, v in point.items() if k not in funcs and k not in mats}
    for f, lam in funcs.items():
        expr = expr.replace(f, lam)
    # carry out derivatives first: substituting a number for the variable of differentiation
    # would otherwise make Derivative(…, 3/7) (xreplace) or an unevaluated Subs (subs)
    expr = expr.replace(lambda e: isinstance(e, sp.Derivative), lambda e: e.doit())
    if mats:
        expr = expr.xreplace({k: v for k, v in mats.items()})
    if mats or expr.has(sp.Derivative):
        return expr.subs(scal)
    return expr.xreplace(scal)


def describe(point: Mapping) -> dict[str, Any]:
    """JSON-ready witness: symbol name -> exact value as a string (matrices as nested lists)."""
    out: dict[str, Any] = {}
    for k in sorted(point, key=str):
        v = point[k]
        if isinstance(v, sp.MatrixBase):
            out[str(k)] = [[str(x) for x in v.row(i)] for i in range(v.rows)]
        else:
            out[str(k)] = str(v)
    return out


def explicit(expr):
    """Evaluate matrix expressions whose leaves are concrete, bottom-up, to explicit matrices.

    ``doit`` alone leaves e.g. ``Inverse(I + Matrix)`` untouched; this rebuilds each node from
    explicit children so every matrix operation is carried out (integrals are left for evalf).
    """
    if isinstance(expr, (sp.Identity, sp.ZeroMatrix)):
        if not (expr.rows.is_Integer and expr.cols.is_Integer):
            return expr
        if isinstance(expr, sp.Identity):
            return sp.ImmutableMatrix(sp.eye(int(expr.rows)))
        return sp.ImmutableMatrix(sp.zeros(int(expr.rows), int(expr.cols)))
    if isinstance(expr, (sp.MatrixBase, sp.Integral, sp.Sum, sp.Product)) or not isinstance(expr, sp.Basic) \
            or not expr.args:  # integrals and concrete sums are left to evalf (numeric)
        return expr
    args = [explicit(a) for a in expr.args]
    if isinstance(expr, sp.MatAdd):
        return sp.ImmutableMatrix(sum(args[1:], args[0]))
    if isinstance(expr, sp.MatMul):
        out = args[0]
        for a in args[1:]:
            out = out * a
        return sp.ImmutableMatrix(out) if isinstance(out, sp.MatrixBase) else out
    if isinstance(expr, sp.Inverse):
        return sp.ImmutableMatrix(args[0].inv())
    if isinstance(expr, sp.MatPow):
        return sp.ImmutableMatrix(args[0] ** args[1])
    if isinstance(expr, sp.Transpose):
        return sp.ImmutableMatrix(args[0].T)
    if isinstance(expr, sp.Trace):
        return args[0].trace()
    if isinstance(expr, sp.Determinant):
        return args[0].det()
    rebuilt = expr.func(*args)
    return rebuilt.doit(integrals=False) if hasattr(rebuilt, "doit") else rebuilt
