"""Kempe's notation (chapter 3): the LaTeX reader's table for this chapter's quotations.

The notes' single fit (3.0.11)–(3.0.18) writes ``X_0, E_0, Y_0`` for the design, noise and
labels the steps call ``X, E, Y`` (``T`` rows); the collapse display (3.0.21) reuses ``X_0, E_0``
for the first of two fits (``T_0`` rows): :data:`COLLAPSE` rebinds them for that display.  The
notes' ``ε`` in (3.0.22)–(3.0.23) is the label-noise σ of (3.0.10)–(3.0.18).
"""
from __future__ import annotations

import sympy as sp

from ...latex import Notation
from .symbols import (COLLAPSE_ERROR, W_1, W_2, W_HAT, E, E_0, E_1, T, T0, X, X_0, X_1, d, n,
                      sigma, w0, w_i)

CHAPTER = Notation({
    "X_0": X, "E_0": E, "w_0": w0, r"\sigma": sigma, r"\epsilon": sigma, "d": d, "T": T,
    "T_0": T0, "n": n,
    # the model (3.0.12): the labels are Y_0 = X_0 w_0 + E_0; ŵ is the OLS fit on them
    "Y_0": X * w0 + E, r"\hat{w}": W_HAT, r"\hat{w}_i": w_i,
    r"\hat{w}_1": W_1, r"\hat{w}_2": W_2, "X_1": X_1, "E_1": E_1,
    "x": sp.MatrixSymbol("x", d, 1), "y": sp.MatrixSymbol("y", 1, 1),  # xᵀŵ - y is 1×1
    # names the notes define in these displays (E_test, E_tot, E^(i), E^(2))
    "E_{test}": sp.Symbol("E_test"), "E_{tot}": sp.Symbol("E_tot"),
    r"E_{test}^{(i)}": sp.Symbol("E_test_i"), r"E_{test}^{(2)}": sp.Symbol("E_test_2"),
    # the expected test error of the n-th model, as derived (step collapse_error's left side)
    r"E_{test}^{(n)}": COLLAPSE_ERROR})

# (3.0.21): X_0, E_0 are the first fit's (T_0 rows), not the single fit's
COLLAPSE = Notation({"X_0": X_0, "E_0": E_0})
