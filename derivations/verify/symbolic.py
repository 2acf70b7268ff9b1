"""The symbolic half of the verdict ladder: sound rewritings that try to reduce a difference to 0."""
from __future__ import annotations

import functools
from typing import Any, Mapping

import sympy as sp

from ..symbolic.matrices import matrix_zero


def _combine_integrals(expr):
    """Merge ``c1*∫f1 + c2*∫f2`` over identical limits into ``∫(c1 f1 + c2 f2)`` (linearity)."""
    expr = sp.expand(expr)
    if not isinstance(expr, sp.Add):
        return expr
    groups: dict[Any, Any] = {}
    rest = []
    for term in expr.args:
        coeff, factors = term.as_coeff_mul()
        ints = [f for f in factors if isinstance(f, sp.Integral)]
        if len(ints) == 1:
            other = sp.Mul(coeff, *[f for f in factors if f is not ints[0]])
            key = ints[0].limits
            groups[key] = groups.get(key, 0) + other * ints[0].function
        else:
            rest.append(term)
    merged = [sp.Integral(sp.simplify(f), *lims) for lims, f in groups.items()]
    merged = [m if m.function != 0 else sp.S.Zero for m in merged]
    return sp.Add(*rest, *merged)


def _canonical_zero(e, matrices):
    """Zero when the matrix canonical form (declared properties used) is zero; ``e`` otherwise."""
    if matrices is None or not _has_matrix_symbols(e):
        return e
    try:
        if matrix_zero(e, matrices):
            return sp.ZeroMatrix(*e.shape) if isinstance(e, sp.MatrixExpr) else sp.S.Zero
    except Exception:  # noqa: BLE001 - an unsupported form: the other rewritings go on
        pass
    return e


def _has_matrix_symbols(e) -> bool:
    return isinstance(e, sp.Basic) and not isinstance(e, sp.MatrixBase) and bool(e.atoms(sp.MatrixSymbol))


def _is_zero(e) -> bool:
    if isinstance(e, sp.MatrixBase):
        return all(_is_zero(x) for x in e)
    if getattr(e, "is_ZeroMatrix", False):
        return True
    return e == 0 or getattr(e, "is_zero", None) is True


def default_simplify(diff, matrices: Mapping | None = None, cheap: bool = False):
    """Try a few sound rewritings in order of cost; return the simplest form reached.

    ``matrices`` (matrix symbol -> declared properties) lets the matrix canonicaliser use
    symmetry and orthogonality (:mod:`derivations.symbolic.matrices`).  ``cheap`` stops before
    the canonicaliser and ``simplify()`` (either can run long on a false identity): the ladder's
    first stage, whose failure lets the numbers speak before the costly rewritings (DESIGN §2)."""
    if isinstance(diff, sp.MatrixExpr) and not isinstance(diff, sp.MatrixBase):
        attempts = [lambda e: e.doit(), lambda e: sp.expand(e.doit())]
        if not cheap:
            attempts += [lambda e: _canonical_zero(e, matrices),
                         lambda e: sp.simplify(sp.expand(e.doit()))]
        for attempt in attempts:
            r = attempt(diff)
            if _is_zero(r):
                return sp.ZeroMatrix(*diff.shape)
        return r
    if isinstance(diff, sp.MatrixBase):
        return diff.applyfunc(lambda e: default_simplify(e, matrices, cheap))
    # doit again after expand: integrals split by linearity only once their integrands expand
    attempts = [lambda e: e, _expand, _doit, lambda e: _without_exponential(_doit(e)),
                lambda e: _expand(_doit(e)), lambda e: _expand(_doit(_expand(_doit(e))))]
    tried = [0, 2, 1] if _held(diff) else [0, 1, 2]  # held forms: doit wins far more often
    if not cheap:
        attempts.append(lambda e: _canonical_zero(e, matrices))
    if not diff.atoms(sp.MatrixSymbol):  # simplify() on traces of matrix products can run away
        attempts += [_combine_integrals, _cancel, lambda e: _cancel(_doit(e))]
        if not cheap:
            attempts += [sp.simplify, lambda e: sp.simplify(e.rewrite(sp.exp)),
                         lambda e: sp.simplify(sp.expand(e, power_exp=True)),
                         lambda e: sp.simplify(_combine_integrals(_doit(e)))]
    reached = {}
    for i in tried + list(range(3, len(attempts))):
        r = attempts[i](diff)
        if _is_zero(r):
            return sp.S.Zero
        reached[i] = r
    return _simplest(diff, [reached[i] for i in sorted(reached)])  # ties: the listed order


def _without_exponential(e):
    """``e`` with the exponential factor its terms share taken out (``factor_terms``), then
    cancelled: exp never vanishes, so ``e`` is zero iff what remains is. A Gaussian density and
    its derivatives share exp(−(x − μ)²/2v), which expanding multiplies out term by term
    (≈ 1 s per Fokker–Planck step, 0.1 s this way). ``e`` itself when no such factor exists."""
    if not (isinstance(e, sp.Add) and e.has(sp.exp)):
        return e
    # one form per exponent: exp(−(m − y)²/2v) and exp(−(y − m)²/2v) are the same factor
    shared = sp.factor_terms(e.replace(lambda a: isinstance(a, sp.exp),
                                       lambda a: sp.exp(sp.expand(a.args[0]))))
    if not isinstance(shared, sp.Mul):
        return e
    rest = [a for a in shared.args
            if not (isinstance(a, sp.exp) or (a.is_Pow and isinstance(a.base, sp.exp)))]
    if len(rest) == len(shared.args):
        return e
    return _cancel(sp.Mul(*rest))


def _held(e) -> bool:
    """``e`` holds a form ``doit`` carries out (derivative, integral, sum, limit, expectation)
    — expanding it first (≈ 1 s over the catalog) almost never reaches 0."""
    from sympy.concrete.expr_with_limits import ExprWithLimits
    from sympy.stats.symbolic_probability import Expectation

    return any(isinstance(a, (ExprWithLimits, sp.Derivative, sp.Limit, sp.Subs, Expectation))
               for a in sp.preorder_traversal(e))


def _simplest(diff, reached: list):
    """The first form with the fewest operations (``diff`` when none has fewer).  Counted only
    once no rewriting reached zero, and once per distinct form (rewritings often agree)."""
    counted: dict = {}

    def ops(e):
        try:
            if e not in counted:
                counted[e] = sp.count_ops(e)
            return counted[e]
        except TypeError:  # an unhashable form
            return sp.count_ops(e)

    best, best_ops = diff, ops(diff)
    for r in reached:
        if ops(r) < best_ops:
            best, best_ops = r, ops(r)
    return best


# The rewritings both stages and both routes repeat (``doit`` of an expectation is a symbolic
# integration), memoised: in a worker the second stage finds the first stage's results.
@functools.lru_cache(maxsize=64)
def _doit(e):
    return e.doit()


@functools.lru_cache(maxsize=64)
def _expand(e):
    return sp.expand(e)


@functools.lru_cache(maxsize=64)
def _cancel(e):
    return sp.cancel(e)


def _matrix_calculus(e):
    """Derivatives with respect to a matrix carried out by SymPy's matrix calculus (the
    symbolic half's claim; the numeric half checks it elementwise, independently)."""
    if not isinstance(e, sp.Basic):
        return e
    return e.replace(lambda x: isinstance(x, sp.Derivative) and
                     any(isinstance(v, sp.MatrixSymbol) for v in x.variables), _matrix_derivative)


def _matrix_derivative(d: sp.Derivative):
    """``doit`` (traces); ``diff`` where ``doit`` is not implemented (∂(xᵀAx)/∂x: SymPy 1.12–1.14
    raise from ``Derivative.doit`` what ``diff`` computes)."""
    try:
        return d.doit()
    except NotImplementedError:
        return sp.diff(d.expr, *(v for v, n in d.variable_count for _ in range(n)))


def _symbolic(lhs, rhs, relation, simplifier, cheap: bool = False):
    """Whether ``simplifier`` reduces ``lhs relation rhs`` to a true statement, and the LaTeX of
    the reduced difference (``cheap``: no ratio route, no ``simplify()`` among the
    nonnegativity rewritings)."""
    lhs, rhs = _matrix_calculus(lhs), _matrix_calculus(rhs)
    diff = rhs - lhs if relation == "<=" else lhs - rhs  # ">=": lhs - rhs >= 0
    reduced = simplifier(diff)
    if relation == "=":
        ok = _is_zero(reduced)
        if not ok and not cheap and not isinstance(lhs, (sp.MatrixExpr, sp.MatrixBase)):
            # ratio - 1 as a second route (products of exponentials simplify better that way);
            # costly stage only: on the catalog it never proved a step in the cheap one, and a
            # refuted step (the numbers come between the stages) never needs it
            if lhs != 0 and rhs != 0:
                ok = _is_zero(simplifier(lhs / rhs - 1))
    else:  # the nonnegativity may be visible in one rewriting and not in another
        ok = any(getattr(form, "is_nonnegative", None) is True
                 for form in _forms(diff, reduced, cheap))
    return ok, sp.latex(reduced)


def _forms(diff, reduced, cheap: bool = False):
    yield reduced
    if isinstance(diff, (sp.MatrixExpr, sp.MatrixBase)):
        return
    for rewrite in (lambda e: e, sp.together, sp.factor, sp.cancel) + (() if cheap else (sp.simplify,)):
        yield rewrite(diff)


