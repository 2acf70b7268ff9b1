"""A fixed order for SymPy's assumption queries (reproducibility, and ≈ 3 % of the CPU time).

When SymPy deduces a fact (``e.is_zero``) it tries the prerequisite facts in an order shuffled
by ``sympy.core.random._assumptions_rng``, a generator seeded from the operating system at
import: the order is meant not to matter, and where a handler bug makes it matter, the same run
would answer differently from one process to the next.  lecturecheck tries them in sorted
order instead — the same in every process, whatever ``PYTHONHASHSEED`` — and the shuffle (a
Python loop called millions of times in a catalog run) is no longer paid for.

:func:`fix` is applied on import of :mod:`derivations.verify`; a SymPy without the hook is left
as it is.
"""
from __future__ import annotations

import importlib

# the module itself (``import sympy.core.assumptions as m`` finds a function of that name)
_assumptions = importlib.import_module("sympy.core.assumptions")


def _in_order(facts: list) -> None:
    facts.sort()


def fix() -> bool:
    """Replace SymPy's shuffle of prerequisite facts by a sort; whether the hook was found."""
    if not callable(getattr(_assumptions, "shuffle", None)):
        return False
    _assumptions.shuffle = _in_order
    return True
