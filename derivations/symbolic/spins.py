"""±1 spins as functions of (neuron, pattern): ``ξ_j^μ`` with ``ξ² = 1`` built into the symbol.

Numeric-evaluation protocol: the verifier replaces :class:`Xi` by a random ±1 table
(:data:`XI_FAMILY`, a :class:`~derivations.model.FunctionFamily`) that evaluates itself once
both arguments are integers.
"""
from __future__ import annotations

import random

import sympy as sp

from ..model import FunctionFamily

__all__ = ["Xi", "XI_FAMILY", "random_spin_function"]


class Xi(sp.Function):
    """The pattern spin ``ξ_j^μ ∈ {±1}`` as a function of (neuron ``j``, pattern ``μ``).

    Even powers are 1 and odd powers the spin itself — the ``±1`` assumption, declared on the
    symbol (like ``positive=True``) so that SymPy can use ``(ξ_i^1)² (ξ_j^1)² = 1``.  Numeric
    checks replace it by random ``±1`` functions (:data:`XI_FAMILY`).
    """

    nargs = 2
    is_real = True
    is_integer = True
    is_nonzero = True

    def _eval_power(self, e):
        if e.is_integer and e.is_even:
            return sp.S.One
        if e.is_integer and e.is_odd:
            return self
        return None

    def _latex(self, printer, exp=None):
        j, mu = (printer._print(a) for a in self.args)
        base = rf"\xi_{{{j}}}^{{{mu}}}"
        return rf"\left({base}\right)^{{{exp}}}" if exp is not None else base


def _spin_table_value(seed: int, p, q):
    """The ``±1`` entry at integer ``(p, q)`` of the random table named by ``seed`` (None if symbolic)."""
    if not (p.is_Integer and q.is_Integer):
        return None
    bit = random.Random(f"{seed}:{int(p)}:{int(q)}").getrandbits(1)  # str seeds are stable
    return sp.Integer(2 * bit - 1)


def random_spin_function(rng) -> sp.Lambda:
    """A random ``±1`` function of two integers: a lazily drawn table named by its seed.

    The function evaluates to its ``±1`` entry once both arguments are integers and stays
    symbolic otherwise (``xi_table_<seed>(j, μ)``), so sums over symbolic ranges cost nothing
    until their limits are numbers.  The seed in the name makes a witness reproducible.
    """
    seed = rng.getrandbits(48)
    table = type(f"xi_table_{seed:012x}", (sp.Function,), {
        "nargs": 2, "is_real": True, "is_integer": True,
        "eval": classmethod(lambda cls, p, q: _spin_table_value(seed, p, q))})
    p, q = sp.symbols("p q", integer=True)
    return sp.Lambda((p, q), table(p, q))


XI_FAMILY = FunctionFamily(Xi, random_spin_function,
                           "ξ(j, μ) = a table of independent uniform ±1 entries, drawn per point")
