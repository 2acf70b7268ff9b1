"""Forms kept as written: derivatives, quotients and matrix products SymPy would otherwise
carry out or canonicalise while a step is being declared (so the step checks something)."""
from __future__ import annotations

import sympy as sp

__all__ = ["held_derivative", "over", "held_product"]


def held_derivative(expr, var, order: int = 1):
    """``∂^order expr / ∂var^order`` kept unevaluated, as ``Subs(Derivative(...), var', var)``.

    The verifier substitutes numbers for free symbols with ``xreplace``, which would also
    replace the variable of a plain ``Derivative``; differentiating with respect to a bound
    dummy and substituting back is what ``sympy`` itself does for ``Derivative(...).subs``.
    Held derivatives nest: the dummy takes one more prime than any inside ``expr`` (x'').

    >>> t = sp.Symbol("t", positive=True)
    >>> held_derivative(t**2, t).doit()
    2*t
    """
    taken = {s.name for s in expr.atoms(sp.Symbol)}  # a held derivative inside: x'' for x'
    name = f"{var.name}'"
    while name in taken:
        name += "'"
    dummy = sp.Symbol(name, **var.assumptions0)
    return sp.Subs(sp.Derivative(expr.xreplace({var: dummy}), (dummy, order)), dummy, var)


def over(num, den):
    """``num/den`` kept as printed (no automatic rewriting), for faithful LaTeX."""
    return sp.Mul(num, sp.Pow(den, -1, evaluate=False), evaluate=False)


def held_product(*factors):
    """A matrix product kept as written (``*`` would canonicalise it on construction)."""
    return sp.MatMul(*factors)
