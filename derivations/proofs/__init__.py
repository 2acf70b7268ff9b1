"""Derivations written in Markdown files (``*.derivation.md``), for people who do not write Python.

A file is YAML front matter (symbols with assumptions, functions, matrices, dimensions, notation)
and a chain of ``$$ … $$`` blocks, one step each, read by the same LaTeX grammar as the notes
through a strict notation table built from the front matter (README, "Derivations in a file").  Anything
outside the format or the grammar is an :class:`~derivations.errors.InputError`
``file:line:col: expected …``; no text is ever evaluated.

Public API: :func:`load_proof`, :func:`read_proof`, :class:`ProofFile`, :func:`is_proof_path`,
:func:`check_files` (load and run, the JSON contract with a ``line`` per step).
"""
from __future__ import annotations

from .load import SUFFIX, ProofFile, is_proof_path, load_proof, read_proof
from .report import annotate, check_files, format_steps

__all__ = ["SUFFIX", "ProofFile", "annotate", "check_files", "format_steps", "is_proof_path",
           "load_proof", "read_proof"]
