"""LeCun's notation (chapter 5): the LaTeX reader's default table for this chapter's quotations.

Each derivation merges its own bindings (``CHAPTER.merge(Notation({...}))``).  Integrals over
the latent ``\\int_z`` are over the real line.
"""
from __future__ import annotations

import sympy as sp

from ...latex import Notation
from .symbols import BETA, Y, Z

CHAPTER = Notation({"y": Y, "z": Z, r"\beta": BETA}, domains={"z": (-sp.oo, sp.oo)})
