"""Build once in the parent what SymPy and mpmath build on first use (DESIGN §5, speed).

Every symbolic and numeric task runs in a forked child that exits when done
(:mod:`.isolate`), so whatever SymPy and mpmath build lazily — the modules ``simplify`` imports
(``sympy.physics.units``), the Meijer-G lookup table of definite integration, the summation and
``sympy.stats`` machinery, mpmath's quadrature node tables at the working precisions — would be
rebuilt in every child: on a cold catalog run that was ≈ 40 % of the children's CPU time.
:func:`warm_up` builds them once in the parent before its first fork; the children inherit
them copy-on-write.  It runs the same fixed work on every run, so results cannot depend on
``--jobs`` or on which step came first.
"""
from __future__ import annotations

import mpmath
import sympy as sp

from .evaluate import GL_DEGREE, PRECISION

_done = False


def _sympy() -> None:
    x = sp.Symbol("x", positive=True)
    y = sp.Symbol("y", real=True)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    sp.simplify(sp.sin(x) ** 2 + sp.cos(x) ** 2 + sp.exp(x) * sp.exp(-x))  # imports units
    sp.integrate(sp.exp(-x ** 2) * x ** 2, (x, 0, sp.oo))  # the Meijer-G lookup table
    sp.integrate(sp.exp(-y ** 2 / 2) * y ** 2, (y, -sp.oo, sp.oo))
    sp.summation(x ** k / sp.factorial(k), (k, 0, sp.oo))
    sp.limit(sp.sin(x) / x, x, 0)
    sp.series(sp.exp(x), x, 0, 3)
    sp.factor(x ** 2 - 1), sp.cancel((x ** 2 - 1) / (x - 1))
    sp.lambdify([x], sp.exp(x) + sp.erf(x), modules="mpmath")(1)
    sp.latex(sp.Integral(sp.exp(-x), (x, 0, sp.oo)))
    import sympy.stats as stats

    stats.E(stats.Normal("Z", 0, 1) ** 2)


def _mpmath() -> None:
    """Node tables of both quadrature rules at the precisions the numeric half works at
    (``prec + 10`` digits, and twice that when a disagreement is re-evaluated)."""
    def gauss(t):
        return mpmath.exp(-t * t)

    for dps in (PRECISION + 10, 2 * PRECISION + 10):
        with mpmath.workdps(dps):
            mpmath.quad(gauss, [-mpmath.inf, 0, mpmath.inf], error=True, method="tanh-sinh")
            mpmath.quad(gauss, [0, 1], error=True, method="gauss-legendre", maxdegree=GL_DEGREE)


def warm_up() -> None:
    """Once per process; the caller holds ``isolate.FORK_LOCK`` (no fork can overlap)."""
    global _done
    if _done:
        return
    _done = True
    _sympy()
    _mpmath()
