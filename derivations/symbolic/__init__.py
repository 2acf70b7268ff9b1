"""The engine's own SymPy extensions, each with a numeric-evaluation protocol the verifier uses.

* :mod:`.build` — SymPy objects from SymPy objects or numbers, never from text;
* :mod:`.held` — derivatives and quotients kept as printed (unevaluated);
* :mod:`.prior_integral` — integrals against an undefined prior density (Tweedie);
* :mod:`.finite_sum` — finite sums evaluated exactly term by term;
* :mod:`.spins` — ±1 spin tables as functions of (neuron, pattern).
"""
from __future__ import annotations

from .build import as_expr

__all__ = ["as_expr"]
