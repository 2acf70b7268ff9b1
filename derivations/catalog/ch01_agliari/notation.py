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

# why most of the chapter's step labels are not quoted yet (Derivation.not_quotable)
FINITE_INSTANCES = ("the steps check this label on exhaustive finite instances (a few ±1 spins "
                    "and patterns); the printed sums over i, j = 1..N with symbolic N and indexed "
                    "spins have no instance the verifier can draw: not yet bound")
