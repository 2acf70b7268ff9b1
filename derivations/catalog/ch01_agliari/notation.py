"""Agliari's notation (chapter 1): the LaTeX reader's default table for this chapter's quotations.

Only the names the quoted displays use; each derivation merges its own bindings.
"""
from __future__ import annotations

import sympy as sp

from ...latex import Notation

CHAPTER = Notation({"z": sp.Symbol("z", real=True), "u": sp.Symbol("u", real=True),
                    "Z": sp.Symbol("Z", real=True),  # the noise, a random variable
                    "T": sp.Symbol("T", positive=True)},
                   domains={"u": (-sp.oo, sp.oo)})
