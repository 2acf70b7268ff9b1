"""Mallat's notation (chapter 6): the LaTeX reader's default table for this chapter's quotations.

Each derivation merges its own bindings (``CHAPTER.merge(Notation({...}))``): the same LaTeX
name can mean a vector in the Wiener filter (``x_\\sigma`` ∈ R^d) and a number in the
one-dimensional Tweedie derivation.  SymPy symbols are equal by name and assumptions, so the
symbols below are the very ones the derivations' steps use.
"""
from __future__ import annotations

import sympy as sp

from ...latex import Notation

SIGMA = sp.Symbol("sigma", positive=True)            # noise level σ
DIM = sp.Symbol("d", integer=True, positive=True)    # signal dimension d
TIME = sp.Symbol("t", positive=True)                 # diffusion time t

CHAPTER = Notation({r"\sigma": SIGMA, "d": DIM, "t": TIME})


def matrix_notation(dim=DIM) -> Notation:
    """The chapter's table for vectors in R^d: C (covariance), the identity, x_σ, x̂_σ, H.

    ``\\hat{x}_\\sigma`` is its own vector (the notes print it once, in 6.3.23): it is never
    identified with ``x_\\sigma``.
    """
    return CHAPTER.merge(Notation({
        "C": sp.MatrixSymbol("C", dim, dim), r"\mathbb{I}": sp.Identity(dim),
        r"x_\sigma": sp.MatrixSymbol("x_sigma", dim, 1),
        r"\hat{x}_\sigma": sp.MatrixSymbol("xhat_sigma", dim, 1),
        "H": sp.MatrixSymbol("H", dim, dim)}))
