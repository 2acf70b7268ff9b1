"""lecturecheck: symbolic-plus-numeric checking of lecture derivations.

Public API: :func:`check` runs one or more derivations and returns the JSON-contract dict.
"""
from __future__ import annotations

__version__ = "0.1.0"


def check(derivation, **options):
    """Check one :class:`~derivations.model.Derivation` (or a list); return the report dict."""
    from .check import Options, run

    ds = derivation if isinstance(derivation, (list, tuple)) else [derivation]
    return run(ds, Options(**options))
