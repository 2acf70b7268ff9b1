"""A canonical form for matrix expressions under declared properties (sound rewritings only).

SymPy's ``simplify`` neither uses that a matrix is symmetric or orthogonal nor brings traces to
a cyclic normal form, so true matrix identities stay unproved.  Here:

* transposes are pushed to the leaves ((AB)ᵀ = BᵀAᵀ, (A⁻¹)ᵀ = (Aᵀ)⁻¹) and dropped on
  symmetric, SPD and diagonal matrices; (XᵀX)ᵀ = XᵀX follows;
* inverses of products are reversed products of inverses; an orthogonal U has U⁻¹ = Uᵀ and
  UᵀU = UUᵀ = I; σ²I + UBUᵀ = U(σ²I + B)Uᵀ (conjugation by an orthogonal U);
* products are lists of (base, power): adjacent equal bases merge (M⁻²·M = M⁻¹), runs equal
  to a power's base collapse (Xᵀ·X next to (XᵀX)⁻¹), and factors that are functions of the
  same matrix (C, C + σ²I, their powers and inverses) commute, so they are sorted;
* products are distributed over sums (negative powers stay atoms), traces are linear,
  tr(I_d) = d, tr(Mᵀ) = tr(M), and tr(ABC) takes the least rotation of its factors (and of its
  transposed reversal);
* determinants: det of a product of square factors is the product of their determinants
  (det(M⁻¹) = 1/det(M), det(Mᵀ) = det(M), det(cM) = cⁿ det(M) for n×n M, det(I) = 1,
  det(σ²I + UBUᵀ) = det(σ²I + B)), and an orthogonal Q has det(Q)² = 1, so powers of det(Q)
  reduce modulo 2 — det(Q) itself is ±1 and is never replaced by 1.  A product with a
  non-square factor (det(XᵀX)) stays one determinant.

``canonical(expr, props)`` applies these to a fixed point; equal canonical forms prove equality.
"""
from __future__ import annotations

from typing import Mapping

import sympy as sp

SYMMETRIC = {"symmetric", "spd", "diagonal"}
Props = Mapping[sp.MatrixSymbol, frozenset]


def _sym(m, props: Props) -> bool:
    return isinstance(m, sp.MatrixSymbol) and bool(set(props.get(m, ())) & SYMMETRIC)


def _orth(m, props: Props) -> bool:
    return isinstance(m, sp.MatrixSymbol) and "orthogonal" in props.get(m, ())


# ---------------------------------------------------------------- products as (base, power)

def _factors(e, props):
    """``(coefficient, [(base, power), …])`` of a matrix product, bases canonical."""
    if isinstance(e, sp.MatMul):
        coeff, items = sp.S.One, []
        for a in e.args:
            if not isinstance(a, sp.MatrixExpr) and not isinstance(a, sp.MatrixBase):
                coeff *= a
                continue
            c, f = _factors(a, props)
            coeff *= c
            items += f
        return coeff, items
    if isinstance(e, sp.Inverse):
        return _power(e.arg, -1, props)
    if isinstance(e, sp.MatPow) and e.exp.is_Integer:
        return _power(e.base, int(e.exp), props)
    if isinstance(e, sp.Identity):
        return sp.S.One, []
    return sp.S.One, [(_base(e, props), 1)]


def _base(b, props):
    """A sum used as a factor, in its canonical form (so σ²I + C and Iσ² + C are one base)."""
    return _matrix(b, props) if isinstance(b, sp.MatAdd) else b


def _power(base, k, props):
    if isinstance(base, sp.MatMul) and k < 0 and all(_square(a) for a in base.args
                                                     if isinstance(a, sp.MatrixExpr)):
        coeff, items = _factors(base, props)  # (AB)⁻¹ = B⁻¹A⁻¹
        out = [(b, p * k) for b, p in reversed(items)]
        return coeff ** k, _orthogonal_powers(out, props)
    if _orth(base, props) and k < 0:
        return sp.S.One, [(base.T, -k)]
    if isinstance(base, sp.Transpose) and _orth(base.arg, props) and k < 0:
        return sp.S.One, [(base.arg, -k)]
    if isinstance(base, sp.Identity):
        return sp.S.One, []
    conj = _conjugated(base, props)
    if conj is not None and k == -1:
        u, inner = conj
        c, f = _power(inner, -1, props)
        return c, [(u, 1)] + f + [(u.T, 1)]
    return sp.S.One, [(_base(base, props), k)]


def _orthogonal_powers(items, props):
    out = []
    for b, p in items:
        if _orth(b, props) and p < 0:
            out.append((b.T, -p))
        elif isinstance(b, sp.Transpose) and _orth(b.arg, props) and p < 0:
            out.append((b.arg, -p))
        else:
            out.append((b, p))
    return out


def _square(m) -> bool:
    r, c = m.shape
    return r == c


def _conjugated(e, props):
    """``(U, M)`` when ``e`` = c·I + Σ c_k U M_k Uᵀ with U orthogonal: e = U (c·I + Σ c_k M_k) Uᵀ."""
    if not isinstance(e, sp.MatAdd):
        return None
    u, inner = None, []
    for term in e.args:
        coeff, items = _factors(term, props)
        if not items:  # c·I
            inner.append(term)
            continue
        if len(items) >= 3 and items[0][1] == 1 and items[-1][1] == 1 and _orth(items[0][0], props) \
                and items[-1][0] == items[0][0].T and (u is None or u == items[0][0]):
            u = items[0][0]
            inner.append(coeff * _rebuild(items[1:-1]))
            continue
        return None
    if u is None:
        return None
    return u, sp.MatAdd(*inner)


def _rebuild(items, coeff=sp.S.One):
    mats = []
    for b, p in items:
        mats.append(b if p == 1 else sp.MatPow(b, p))
    if not mats:
        return coeff
    return sp.MatMul(coeff, *mats) if coeff != 1 else (sp.MatMul(*mats) if len(mats) > 1 else mats[0])


def _generator(b, props):
    """The matrix ``b`` is a function of (C for C, C + σ²I, …), or None."""
    if isinstance(b, sp.MatrixSymbol):
        return b if b.rows == b.cols else None
    if isinstance(b, sp.MatAdd):
        gens = set()
        for t in b.args:
            _, f = _factors(t, props)
            if not f:  # c·I
                continue
            if len({x for x, _ in f}) != 1 or not isinstance(f[0][0], sp.MatrixSymbol):
                return None
            gens.add(f[0][0])
        return gens.pop() if len(gens) == 1 else None
    return None


def _simplify_items(items, props):
    """Cancel UᵀU, collapse runs equal to a base, sort commuting factors, merge powers."""
    for _ in range(8):
        before = list(items)
        items = _collapse_runs(items)
        items = _sort_commuting(items, props)
        items = _merge(items, props)
        if items == before:
            break
    return items


def _merge(items, props):
    out: list = []
    for b, p in items:
        if isinstance(b, sp.Identity):
            continue
        if out and out[-1][0] == b:
            q = out[-1][1] + p
            out.pop()
            if q != 0:
                out.append((b, q))
            continue
        if out and out[-1][1] == 1 and p == 1 and _orth_pair(out[-1][0], b, props):
            out.pop()
            continue
        out.append((b, p))
    return out


def _orth_pair(a, b, props) -> bool:
    return (_orth(b, props) and a == b.T) or (_orth(a, props) and b == a.T)


def _collapse_runs(items):
    for b, _ in items:
        if isinstance(b, sp.MatMul) and all(isinstance(a, sp.MatrixExpr) for a in b.args):
            run = [(a, 1) for a in b.args]
            n = len(run)
            for i in range(len(items) - n + 1):
                if items[i:i + n] == run:
                    return items[:i] + [(b, 1)] + items[i + n:]
    return items


def _sort_commuting(items, props):
    out, i = [], 0
    while i < len(items):
        g = _generator(items[i][0], props)
        j = i + 1
        while g is not None and j < len(items) and _generator(items[j][0], props) == g:
            j += 1
        out += sorted(items[i:j], key=lambda bp: (sp.default_sort_key(bp[0]), bp[1])) if j - i > 1 \
            else items[i:j]
        i = j
    return out


# ---------------------------------------------------------------- the rewriting

def _push(e, props):
    """Transposes to the leaves, symmetric leaves untransposed, orthogonal inverses as Uᵀ."""
    if isinstance(e, sp.Transpose):
        a = e.arg
        if _sym(a, props):
            return a
        if isinstance(a, sp.Transpose):
            return _push(a.arg, props)
        if isinstance(a, sp.MatMul):
            return sp.MatMul(*[_push(sp.Transpose(x), props) if isinstance(x, sp.MatrixExpr) else x
                               for x in reversed(a.args)])
        if isinstance(a, sp.MatAdd):
            return sp.MatAdd(*[_push(sp.Transpose(x), props) for x in a.args])
        if isinstance(a, sp.Inverse):
            return sp.Inverse(_push(sp.Transpose(a.arg), props))
        if isinstance(a, sp.MatPow):
            return sp.MatPow(_push(sp.Transpose(a.base), props), a.exp)
        if isinstance(a, (sp.Identity, sp.ZeroMatrix)) and a.rows == a.cols:
            return a
        return sp.Transpose(_push(a, props))
    if not e.args or isinstance(e, (sp.MatrixSymbol, sp.Identity, sp.ZeroMatrix)):
        return e
    args = [_push(a, props) for a in e.args]
    return e.func(*args) if args != list(e.args) else e


def _expand(e, props):
    """A matrix expression as a list of (coefficient, items) terms, products distributed."""
    if isinstance(e, sp.MatAdd):
        return [t for a in e.args for t in _expand(a, props)]
    if isinstance(e, sp.ZeroMatrix):
        return []
    coeff, items = _factors(e, props)
    items = _simplify_items(items, props)  # K⁻¹·K cancels before K = σ²I + C is distributed
    terms = [(coeff, [])]
    for b, p in items:
        if isinstance(b, sp.MatAdd) and p > 0:
            for _ in range(p):
                parts = _expand(b, props)
                terms = [(c1 * c2, i1 + i2) for c1, i1 in terms for c2, i2 in parts]
        else:
            terms = [(c, i + [(b, p)]) for c, i in terms]
    return [(c, _simplify_items(i, props)) for c, i in terms]


def _key(items):
    return tuple((sp.default_sort_key(b), p) for b, p in items)


_LAMBDA = sp.Symbol("lambda_")  # a matrix's eigenvalue, for rational functions of one matrix


def _run(items, g, props):
    """``(leading run, rest)``: the longest prefix of factors that are functions of ``g``."""
    n = 0
    while n < len(items) and _generator(items[n][0], props) == g:
        n += 1
    return items[:n], items[n:]


def _split(items, g, props, trace: bool):
    """The (run, rest) split of a term for generator ``g``; a trace may be rotated first (the
    longest run, then the least rest)."""
    if not trace or not items:
        return _run(items, g, props)
    best = None
    for r in range(len(items)):
        run, rest = _run(items[r:] + items[:r], g, props)
        rank = (-len(run), _key(rest))
        if best is None or rank < best[0]:
            best = (rank, run, rest)
    return best[1], best[2]


def _scalar(b, g, props):
    """The rational function a generator-run factor is, with the generator as ``λ``."""
    if b == g:
        return _LAMBDA
    total = sp.S.Zero
    for t in b.args:
        c, f = _factors(t, props)
        total += c * _LAMBDA ** sum(p for _, p in f)
    return total


def _cancel_groups(terms, props, trace: bool):
    """Drop groups of terms that differ only in a (leading) function of one matrix g, when
    those functions sum to zero as rational functions of g (they commute, so this is exact):
    x − σ²K⁻¹x − K⁻¹Cx = 0 with K = σ²I + C.  Terms are (coeff, items)."""
    gens = {_generator(b, props) for _, items in terms for b, _ in items} - {None}
    alive = dict(enumerate(terms))
    for g in sorted(gens, key=sp.default_sort_key):
        groups: dict = {}
        for idx, (coeff, items) in alive.items():
            run, rest = _split(items, g, props, trace)
            r = coeff
            for b, p in run:
                r *= _scalar(b, g, props) ** p
            groups.setdefault(_key(rest), []).append((idx, r))
        for members in groups.values():
            if len(members) > 1 and sp.cancel(sp.together(sum(r for _, r in members))) == 0:
                for idx, _ in members:
                    alive.pop(idx)
    return [alive[i] for i in sorted(alive)]


def _trace_terms(arg, props):
    """tr(arg) as (coeff, items) terms: linear, cyclic normal form (a leading function of one
    matrix first, then the least rotation); ``[]`` items stand for tr(I) = dimension."""
    out = []
    for coeff, items in _expand(arg, props):
        best = None
        transposed = [(_base(_push(sp.Transpose(b), props), props), p) for b, p in reversed(items)]
        for cand in (items, _simplify_items(transposed, props)):
            for r in range(max(len(cand), 1)):
                rot = _simplify_items(cand[r:] + cand[:r], props)
                rank = (len(rot), _key(rot))
                if best is None or rank < best[0]:
                    best = (rank, rot)
        out.append((coeff, best[1]))
    return out


def _traces(expr, props):
    """A scalar with traces: all trace terms in normal form, cancelled across traces."""
    expr = sp.expand(expr)
    terms, other, rows = [], [], None
    for t in sp.Add.make_args(expr):
        factors = sp.Mul.make_args(t)
        traces = [f for f in factors if isinstance(f, sp.Trace)]
        if len(traces) != 1 or (rows is not None and traces[0].arg.rows != rows):
            other.append(t.replace(lambda e: isinstance(e, sp.Trace),
                                   lambda e: _traces(sp.Trace(e.arg), props)) if traces else t)
            continue
        tr = traces[0]
        rows = tr.arg.rows
        coeff = sp.Mul(*[f for f in factors if f is not tr])
        terms += [(coeff * c, i) for c, i in _trace_terms(_push(tr.arg, props), props)]
    terms = _cancel_groups(terms, props, trace=True)
    return sp.Add(*other, *[c * (sp.Trace(_rebuild(i)) if i else rows) for c, i in terms])


def _matrix(e, props):
    terms: dict = {}
    order = []
    for coeff, items in _cancel_groups(_expand(e, props), props, trace=False):
        k = _key(items)
        if k not in terms:
            terms[k] = [sp.S.Zero, items]
            order.append(k)
        terms[k][0] += coeff
    out = []
    for k in sorted(order):
        coeff, items = terms[k]
        coeff = sp.simplify(coeff)
        if coeff != 0:
            out.append(_rebuild(items, coeff) if items else coeff * sp.Identity(e.rows))
    return sp.MatAdd(*out) if out else sp.ZeroMatrix(*e.shape)


# ---------------------------------------------------------------- determinants

def _det(m, props):
    """det(m) as a product of powers of determinants of canonical factors (a scalar)."""
    n = m.rows
    if isinstance(m, sp.MatrixBase) or not (isinstance(m, sp.MatrixExpr) and _square(m)):
        return sp.Determinant(m)
    m = _push(m, props)
    coeff, items = _factors(m, props)
    items = _simplify_items(items, props)
    if not all(_square(b) for b, _ in items):  # det(XᵀX) ≠ det(Xᵀ)det(X): not square factors
        return coeff ** n * sp.Determinant(_rebuild(items))
    out = coeff ** n
    for b, p in items:
        out *= _det_atom(b, props) ** p
    return out


def _det_atom(b, props):
    if isinstance(b, sp.Identity):
        return sp.S.One
    if isinstance(b, sp.Transpose):  # det(Bᵀ) = det(B)
        return _det_atom(b.arg, props)
    if isinstance(b, sp.MatAdd):
        conj = _conjugated(b, props)
        if conj is not None:  # det(U M Uᵀ) = det(U)² det(M) = det(M)
            return _det(conj[1], props)
        return sp.Determinant(_matrix(b, props))
    if isinstance(b, sp.MatMul) and all(_square(a) for a in b.args if isinstance(a, sp.MatrixExpr)):
        return _det(b, props)
    return sp.Determinant(b)


def _orthogonal_det_powers(e, props):
    """det(Q)^k = det(Q)^(k mod 2) for an orthogonal Q (det(Q) = ±1)."""
    def is_orth_det(x):
        return isinstance(x, sp.Determinant) and _orth(x.arg, props)

    return e.replace(lambda x: isinstance(x, sp.Pow) and is_orth_det(x.base) and x.exp.is_Integer,
                     lambda x: x.base ** (int(x.exp) % 2))


def _determinants(expr, props):
    """Every determinant in ``expr`` in its canonical product form."""
    if not expr.has(sp.Determinant):
        return expr
    expr = expr.replace(lambda x: isinstance(x, sp.Determinant), lambda x: _det(x.arg, props))
    return _orthogonal_det_powers(sp.expand(expr) if not isinstance(expr, sp.MatrixExpr) else expr,
                                  props)


def canonical(expr, props: Props):
    """The canonical form of ``expr`` (a matrix expression, or a scalar with traces)."""
    expr = _determinants(_push(expr, props), props)
    if isinstance(expr, sp.MatrixExpr) and not isinstance(expr, sp.MatrixBase):
        return _matrix(expr, props)
    return _traces(expr, props)


def matrix_zero(diff, props: Props) -> bool:
    """True when the canonical form of ``diff`` is zero (a proof: every rewriting is sound)."""
    c = canonical(diff, props)
    if isinstance(c, sp.ZeroMatrix):
        return True
    if isinstance(c, sp.MatrixExpr):
        return False
    return sp.simplify(sp.expand(c)) == 0
