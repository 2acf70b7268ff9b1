"""Stéphane Mallat — score-based diffusion and wavelet denoising (notes chapter 6).

Each derivation is one declaration; helpers shared by several live at the top.
"""
from __future__ import annotations

import sympy as sp

from ..model import Claim, Derivation, FunctionFamily, Matrix, Printed, Step  # noqa: F401

# ==== section: ou_solution (mallat.ou_solution) ====
OU_SOLUTION = None
# ==== end section: ou_solution ====

# ==== section: tweedie (mallat.tweedie) ====
TWEEDIE = None
# ==== end section: tweedie ====

# ==== section: wiener_filter (mallat.wiener_filter) ====
WIENER_FILTER = None
# ==== end section: wiener_filter ====

DERIVATIONS = tuple(d for d in (OU_SOLUTION, TWEEDIE, WIENER_FILTER) if d is not None)
