"""lecturecheck's own reader of the lecture notes' LaTeX (DESIGN §1 "as printed").

>>> import sympy as sp
>>> x = sp.Symbol("x")
>>> parse_latex(r"e^{-x} \\le 1", Notation({"x": x})).relations[0].name
'<='

Public API: :func:`parse_latex`, :func:`parse_expr_latex`, :func:`read_notes` (every labelled
equation of a notes file), :func:`read_equation` (one, through a derivation's table),
:class:`Notation`, :class:`Chain`, and the errors
:class:`LatexError` (``line:col: expected …``), :class:`UnboundName`, :class:`ProseFound`.
"""
from .errors import LatexError, ProseFound, UnboundName
from .nodes import Chain, Relation
from .notation import Notation
from .parser import parse_expr_latex, parse_latex


def read_notes(path, notation=None):
    """Every labelled equation of the notes at ``path`` (see :func:`.reader.read_notes`)."""
    from .reader import read_notes as _read

    return _read(path, notation)


def read_equation(path, label, notation):
    """One labelled equation, read through ``notation`` (see :func:`.reader.read_equation`)."""
    from .reader import read_equation as _read

    return _read(path, label, notation)


__all__ = ["parse_latex", "parse_expr_latex", "read_notes", "read_equation", "Notation", "Chain", "Relation",
           "LatexError", "UnboundName", "ProseFound"]
