"""Admissible points for numeric checks: special values and random draws over the whole domain.

Scalars become exact rationals (positive symbols positive, integers integers, symbols without
a declared real assumption complex, in all four quadrants and with |Im| > π); matrices become
exact rational matrices with the declared structure (symmetric, SPD, orthogonal — rotations
and reflections —, diagonal); undefined functions become concrete instances from their
:class:`~derivations.model.FunctionFamily`.

A point comes from one of two kinds of draws (DESIGN §2, evidence):

* ``special`` — the values where identities break: 0, ±1, ±½, small integers, half-integers,
  magnitudes 1e-3 and 1e3, the ends of declared ranges, both signs where allowed;
* ``random`` — log-uniform magnitudes over the whole admissible domain (1e-3 … 1e3), both
  signs, or uniform inside a declared range.
"""
from __future__ import annotations

import functools
import random
from typing import Any, Iterator, Mapping

import sympy as sp

from ..model import Derivation, Matrix
from ..symbolic.build import as_expr  # re-exported: derivations.verify.as_expr

R = sp.Rational
_DENOMS = (7, 11, 13, 16, 17, 19, 23, 29)
# special magnitudes, in the order they are tried (the first ones matter most)
_SPECIAL_MAGNITUDES = (R(1), R(1, 2), R(2), R(3), R(1, 1000), R(1000), R(3, 2), R(5, 2), R(10),
                       R(1, 10), R(9, 2), R(7), R(1, 3), R(100), R(1, 100), R(5))
_SPECIAL_INTEGERS = (0, 1, -1, 2, -2, 3, -3, 5, -5, 8, 13, -7, 20, 4, 6, -10)
# complex specials: every quadrant, |Im| > π (branch cuts of log, sqrt, powers wrap there)
_SPECIAL_COMPLEX = ((1, 4), (-1, 4), (-1, -4), (1, -4), (R(1, 2), R(7, 2)), (-2, R(-13, 4)),
                    (0, 1), (0, -1), (-1, 0), (1, 0), (0, 0), (R(-1, 2), R(1, 3)), (3, 7),
                    (R(-5, 2), -10), (0, 5), (R(1, 1000), R(-22, 7)))
DIMENSION_EXTRA = 3  # declared matrix sizes are extended by this many larger ones


def _rational(rng: random.Random, lo, hi) -> sp.Rational:
    q = rng.choice(_DENOMS)
    lo_n, hi_n = int(sp.ceiling(R(lo) * q)), int(sp.floor(R(hi) * q))
    for _ in range(12):  # a narrow range (1/1000, 1/100): finer denominators
        if lo_n <= hi_n or R(hi) <= R(lo):
            break
        q *= 1000
        lo_n, hi_n = int(sp.ceiling(R(lo) * q)), int(sp.floor(R(hi) * q))
    if lo_n > hi_n:
        raise ValueError(f"empty sampling range ({lo}, {hi})")
    return R(rng.randint(lo_n, hi_n), q)


def _log_uniform(rng: random.Random, lo_exp: int = -3, hi_exp: int = 3) -> sp.Rational:
    """An exact magnitude 10^U(lo_exp, hi_exp), three significant digits."""
    e = rng.randint(lo_exp, hi_exp - 1)
    return R(rng.randint(100, 999), 100) * R(10) ** e


def _admissible(sym: sp.Symbol, v: sp.Expr) -> bool:
    if sym.is_integer and not v.is_integer:
        return False
    if (sym.is_real or sym.is_positive or sym.is_negative or sym.is_nonnegative) and not v.is_real:
        return False
    checks = {
        "positive": lambda x: x > 0, "negative": lambda x: x < 0,
        "nonnegative": lambda x: x >= 0, "nonpositive": lambda x: x <= 0,
        "nonzero": lambda x: x != 0,
    }
    for name, ok in checks.items():
        if getattr(sym, f"is_{name}") and not ok(v):
            return False
    return True


def _in_range(v, bounds) -> bool:
    lo, hi = bounds  # None: unbounded
    return bool(v.is_real and (lo is None or R(lo) <= v) and (hi is None or v <= R(hi)))


def _is_real(sym) -> bool:
    return bool(sym.is_real or sym.is_positive or sym.is_negative or sym.is_nonnegative
                or sym.is_integer or sym.is_nonpositive)


def special_values(sym: sp.Symbol, ranges: Mapping) -> list[sp.Expr]:
    """The special values admissible for ``sym`` (declared range ends first), in trial order."""
    bounds = ranges.get(sym)
    return list(_special_values(sym, None if bounds is None else tuple(bounds)))


@functools.lru_cache(maxsize=256)  # asked at every special point of every step
def _special_values(sym: sp.Symbol, bounds: tuple | None) -> tuple[sp.Expr, ...]:
    ranges = {} if bounds is None else {sym: bounds}
    if sym.is_integer:
        cands = [sp.Integer(v) for v in _SPECIAL_INTEGERS]
    elif _is_real(sym) or sym in ranges:
        cands = [sp.S.Zero]
        for m in _SPECIAL_MAGNITUDES:
            cands += [m, -m]
    else:
        cands = [R(a) + sp.I * R(b) for a, b in _SPECIAL_COMPLEX]
    if sym in ranges and None in ranges[sym]:  # a half-line (N >= 2): its end, then the rest
        lo, hi = ranges[sym]
        ends = [R(v) for v in (lo, hi) if v is not None]
        if sym.is_integer:
            ends = [sp.ceiling(lo) if lo is not None else sp.floor(hi)]
        cands = ends + [c for c in cands if _in_range(c, ranges[sym])]
    elif sym in ranges:
        lo, hi = (R(v) for v in ranges[sym])
        ends = [lo, hi, (lo + hi) / 2, lo + (hi - lo) / 100, hi - (hi - lo) / 100]
        if sym.is_integer:
            ends = [sp.ceiling(lo), sp.floor(hi)]
        cands = ends + [c for c in cands if _in_range(c, (lo, hi))]
    out: list[sp.Expr] = []
    for c in cands:
        if c not in out and _admissible(sym, c):
            out.append(c)
    return tuple(out)


def scalar_value(sym: sp.Symbol, rng: random.Random, ranges: Mapping) -> sp.Expr:
    """A random exact value admissible for ``sym``, over its whole domain."""
    if sym in ranges and None in ranges[sym]:  # a half-line: the end plus a log-uniform offset
        lo, hi = ranges[sym]
        for _ in range(1000):
            off = _log_uniform(rng, -3, 3) if not sym.is_integer else sp.Integer(int(_log_uniform(rng, 0, 3)))
            v = R(lo) + off if lo is not None else R(hi) - off
            if _admissible(sym, v) and _in_range(v, (lo, hi)):
                return v
        raise ValueError(f"symbol {sym}: no admissible value in declared range {ranges[sym]}")
    if sym in ranges:
        lo, hi = ranges[sym]
        for _ in range(1000):
            if sym.is_integer:
                v = sp.Integer(rng.randint(int(sp.ceiling(R(lo))), int(sp.floor(R(hi)))))
            elif R(lo) > 0 and R(hi) / R(lo) > 100:  # spans orders of magnitude: log-uniform
                v = R(lo) * (R(hi) / R(lo)) ** R(rng.randint(0, 1000), 1000)
                v = R(int(v * 1000), 1000) if v > 1 else _rational(rng, lo, hi)
            else:
                v = _rational(rng, lo, hi)
            if _admissible(sym, v) and _in_range(v, (lo, hi)):
                return v
        raise ValueError(f"symbol {sym}: no admissible value in declared range {ranges[sym]}")
    if sym.is_integer:
        for _ in range(1000):
            mag = int(_log_uniform(rng, 0, 2)) if rng.random() < 0.5 else rng.randint(0, 9)
            v = sp.Integer(mag if rng.random() < 0.5 else -mag)
            if _admissible(sym, v):
                return v
            if _admissible(sym, -v):
                return -v
        raise ValueError(f"symbol {sym}: no admissible integer value")
    if _is_real(sym):
        mag = _log_uniform(rng)
        sign = rng.choice((1, -1))
        for v in (sign * mag, -sign * mag):
            if _admissible(sym, v):
                return v
        raise ValueError(f"symbol {sym}: no admissible real value")
    # no real assumption declared: complex, every quadrant, often with |Im| > π
    re = rng.choice((1, -1)) * _log_uniform(rng, -2, 2)
    im = rng.choice((1, -1)) * (_rational(rng, 4, 12) if rng.random() < 0.5 else _log_uniform(rng, -2, 2))
    return re + sp.I * im


def _dimension_values(derivation: Derivation, sym) -> list[int]:
    return sorted({int(v) for v in derivation.dimensions[sym]})


def _sizes(derivation: Derivation, dims, rng: random.Random, special: int | None) -> dict:
    """Sizes for the dimension symbols: declared ones, all shifted up by one common offset
    0 … DIMENSION_EXTRA (identities true only for small d are the point: d ∈ {1, 2, 3} is
    drawn from {1, …, 6}); a common shift keeps declared relations such as T > d + 1."""
    if special is not None:
        offset = DIMENSION_EXTRA - special % (DIMENSION_EXTRA + 1)  # largest sizes first
    else:
        offset = rng.randint(0, DIMENSION_EXTRA)
    out = {}
    for j, s in enumerate(dims):
        sizes = _dimension_values(derivation, s)
        pick = sizes[-1 - (special + j) % len(sizes)] if special is not None else rng.choice(sizes)
        out[s] = sp.Integer(pick + offset)
    return out


def matrix_value(m: Matrix, shape: tuple[int, int], rng: random.Random) -> sp.ImmutableMatrix:
    rows, cols = shape
    props = m.props

    def rand(r, c, lo=-2, hi=2):
        return sp.Matrix(r, c, lambda i, j: _rational(rng, lo, hi))

    if "orthogonal" in props:
        s = rand(rows, rows)
        skew = (s - s.T) / 2
        eye = sp.eye(rows)
        q = (eye - skew) * (eye + skew).inv()  # Cayley: a rotation (det = +1) ...
        if rng.random() < 0.5:  # ... times a reflection half the time (det = -1)
            k = rng.randrange(rows)
            flip = sp.eye(rows)
            flip[k, k] = -1
            q = q * flip
        return sp.ImmutableMatrix(q)
    if "diagonal" in props:
        lo = R(1, 10) if "spd" in props else -2
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


def _used(derivation: Derivation, exprs, fixed):
    matrices = {m.symbol: m for m in derivation.matrices}
    atoms, scalars = _symbols_of(tuple(exprs))
    used_mats = {a for a in atoms if a in matrices}
    scalars = set(scalars)
    for mat in used_mats:
        for dim in mat.shape:
            scalars |= free_scalars([dim])
    scalars -= set(used_mats)
    scalars -= set(fixed or {})
    dims = sorted((s for s in scalars if s in derivation.dimensions), key=lambda s: s.name)
    ordered = sorted(scalars - set(dims), key=lambda s: s.name)
    return matrices, sorted(used_mats, key=lambda m: m.name), dims, ordered


@functools.lru_cache(maxsize=64)  # asked at every point of a step
def _symbols_of(exprs: tuple) -> tuple[frozenset, frozenset]:
    """The matrix symbols and the free scalar symbols of ``exprs``."""
    atoms = frozenset().union(*(e.atoms(sp.MatrixSymbol) for e in exprs))
    return atoms, frozenset(free_scalars(exprs))


def _satisfies(constraints, point) -> bool:
    try:
        return all(bool(as_expr(c).subs(point)) for c in constraints)
    except TypeError:  # a relation that cannot be decided at this point
        return False


def _complete(derivation, exprs, point, matrices, used_mats, rng) -> dict:
    for mat in used_mats:
        shape = tuple(int(as_expr(x).subs(point)) for x in mat.shape)
        point[mat] = matrix_value(matrices[mat], shape, rng)
    for fam in derivation.functions:
        if any(e.has(fam.function) for e in exprs):
            point[fam.function] = fam.make(rng)
    return point


def draw_point(derivation: Derivation, exprs, rng: random.Random,
               constraints=(), fixed: Mapping | None = None, tries: int = 2000,
               special: int | None = None) -> dict | None:
    """One admissible point for the free symbols of ``exprs``: ``{symbol: value}``.

    ``special=k`` draws the k-th special point (each symbol its own special value, cycled at
    different strides so that combinations vary; dimensions take their largest sizes first);
    it returns ``None`` when that combination violates the constraints.  Otherwise a random
    point; constraints are enforced by rejection (a ``ValueError`` names them when no point
    is found).
    """
    exprs = [as_expr(e) for e in exprs]
    matrices, used_mats, dims, ordered = _used(derivation, exprs, fixed)
    ranges = derivation.sampling_ranges  # a property: built once per point, not per symbol
    if special is not None:
        point: dict[Any, Any] = dict(fixed or {})
        point.update(_sizes(derivation, dims, rng, special))
        for j, s in enumerate(ordered):
            vals = special_values(s, ranges)
            if not vals:
                return None
            stride = (1, 3, 5, 7, 11, 13)[j % 6]
            point[s] = vals[(special * stride + j) % len(vals)]
        if not _satisfies(constraints, point):
            return None
        return _complete(derivation, exprs, point, matrices, used_mats, rng)
    for _ in range(tries):
        point = dict(fixed or {})
        point.update(_sizes(derivation, dims, rng, None))
        for s in ordered:
            point[s] = scalar_value(s, rng, ranges)
        if _satisfies(constraints, point):
            break
    else:
        names = ", ".join(str(c) for c in constraints)
        raise ValueError(f"no admissible point satisfies the constraints {names}")
    return _complete(derivation, exprs, point, matrices, used_mats, rng)


def plan(derivation: Derivation, exprs, rng: random.Random, constraints=(), *,
         specials: int, randoms: int) -> Iterator[tuple[str, dict]]:
    """``(kind, point)`` pairs: special points interleaved with random ones (so a run cut
    short still has both kinds); a special point that violates the constraints is left out."""
    s = r = 0
    tried = 0
    while s < specials or r < randoms:
        if s < specials and (r >= randoms or s <= r):
            point = draw_point(derivation, exprs, rng, constraints, special=tried)
            tried += 1
            if point is not None:
                s += 1
                yield "special", point
            elif tried > 4 * specials:
                specials = s
            continue
        r += 1
        yield "random", draw_point(derivation, exprs, rng, constraints)


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
    expr = expr.replace(lambda e: isinstance(e, sp.Derivative), lambda e: _derivative(e, point))
    if mats:
        expr = expr.xreplace({k: v for k, v in mats.items()})
    if mats or expr.has(sp.Derivative, sp.Subs):  # subs respects bound variables
        return expr.subs(scal)
    return expr.xreplace(scal)


def _derivative(d: sp.Derivative, point: Mapping):
    """A derivative for the numeric half.  With respect to a matrix ``W`` it is computed
    elementwise on an explicit matrix of entries (never by SymPy's matrix calculus, which can
    return a wrong 0): ∂f/∂W_ij of the explicit scalar f, at the point's W."""
    mats = [(v, k) for v, k in d.variable_count if isinstance(v, sp.MatrixSymbol)]
    if not mats:
        return d.doit()
    if len(d.variable_count) != 1 or mats[0][1] != 1 or mats[0][0] not in point:
        raise TypeError(f"only first derivatives in one matrix are evaluated: {d}")
    w = mats[0][0]
    scal = {k: v for k, v in point.items() if isinstance(k, sp.Symbol)}
    rows, cols = (int(as_expr(n).xreplace(scal)) for n in w.shape)
    entries = sp.Matrix(rows, cols, lambda i, j: sp.Dummy(f"{w.name}_{i}{j}"))
    f = explicit(substitute(d.expr, {**point, w: sp.ImmutableMatrix(entries)}))
    if isinstance(f, sp.MatrixBase):
        if f.shape != (1, 1):
            raise TypeError(f"derivative of a non-scalar {f.shape} with respect to a matrix: {d}")
        f = f[0, 0]
    at = {entries[i, j]: point[w][i, j] for i in range(rows) for j in range(cols)}
    return sp.ImmutableMatrix(rows, cols, lambda i, j: sp.diff(f, entries[i, j]).xreplace(at))


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
    if not any(isinstance(a, (sp.MatrixExpr, sp.MatrixBase)) for a in sp.preorder_traversal(expr)):
        return expr.doit(integrals=False)  # no matrix below: one doit, not one per level
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

