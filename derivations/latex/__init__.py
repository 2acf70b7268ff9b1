"""lecturecheck's own reader of the lecture notes' LaTeX (DESIGN §1 "as printed").

>>> import sympy as sp
>>> from derivations.latex import Notation, parse_latex
>>> x = sp.Symbol("x")
>>> parse_latex(r"e^{-x} \\le 1", Notation({"x": x})).relations[0].name
'<='

Public API: :func:`parse_latex`, :func:`parse_expr_latex`, :func:`read_notes` (every labelled
equation of a notes file), :func:`read_equation` (one, through a derivation's table),
:class:`Notation`, :class:`Chain`, and the errors
:class:`LatexError` (``line:col: expected …``), :class:`UnboundName`, :class:`ProseFound`.
Names are imported on first use, so ``lecturecheck --help`` does not load SymPy or lark.
"""
from __future__ import annotations

import importlib

_EXPORTS = {"LatexError": ".errors", "ProseFound": ".errors", "UnboundName": ".errors",
            "Chain": ".nodes", "Relation": ".nodes", "Notation": ".notation",
            "parse_latex": ".parser", "parse_expr_latex": ".parser",
            "read_notes": ".reader", "read_equation": ".reader"}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    """The public names, imported from their modules on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
