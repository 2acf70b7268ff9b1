"""Mézard's notation (chapter 7): the LaTeX reader's default table for this chapter's quotations.

Each derivation merges its own bindings (``CHAPTER.merge(Notation({...}))``): ``p_t`` is the
forward kernel in one derivation and the noised data density in another; ``\\Delta`` is the
Laplacian in the Fokker–Planck displays (``operators``) while ``\\Delta_t`` is a variance.
"""
from __future__ import annotations

import sympy as sp

from ...latex import Notation
from .symbols import A, DIM, TAU, T, X, Z

# the derivations are checked in one coordinate x: the notes' ∇, ∇· and Δ are ∂_x, ∂_x, ∂²_x
CHAPTER = Notation({"t": T, r"\tau": TAU, "x": X, "a": A, "z": Z, "d": DIM},
                   domains={"x": (-sp.oo, sp.oo), "a": (-sp.oo, sp.oo)}, coordinate=X)

# the Laplacian Δ and the gradient ∇ of the Fokker–Planck displays (7.2.6–7.2.7, 7.3.2, 7.3.6–7.3.7)
FOKKER_PLANCK = Notation({}, operators={r"\Delta": "laplacian"})
