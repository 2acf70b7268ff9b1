"""lecturecheck: symbolic-plus-numeric checking of lecture derivations.

The public face: :func:`check` runs derivations and returns the JSON-contract dict
(DESIGN §4); :class:`Derivation`, :class:`Step`, :class:`Claim` (and :class:`Printed`,
:class:`Matrix`, :class:`FunctionFamily`) declare them.  Nothing in the package shadows these
names: the runner lives in :mod:`derivations.run`, the verifier in :mod:`derivations.verify`.

>>> import sympy as sp
>>> x = sp.Symbol("x", real=True)
>>> d = Derivation("demo.square", "square", "demo", "0", ("0.1",),
...                (Step((x + 1)**2, x**2 + 2*x + 1, "expand", "0.1", id="expand"),))
>>> check(d, seed=0, cache=False)["derivations"][0]["steps"][0]["verdict"]
'proved'
"""
from __future__ import annotations

from typing import Any

from ._version import __version__
from .errors import LectureCheckError
from .model import Claim, Derivation, FunctionFamily, Matrix, Printed, Step

__all__ = ["__version__", "check", "Claim", "Derivation", "FunctionFamily", "LectureCheckError",
           "Matrix", "Printed", "Step"]


def check(derivations: Any, **options: Any) -> dict:
    """Check a :class:`Derivation`, a registered id, a ``*.derivation.md`` file path, or a list
    of them; return the report dict (file steps carry their ``line``).

    ``options`` are those of :class:`derivations.run.Options` (``seed``, ``timeout``, ``jobs``,
    ``mc``, ``samples``, ``alpha``, ``cache``, ``strict``, …); misuse raises a
    :class:`LectureCheckError` naming the argument and what is valid.
    """
    from .errors import InvalidOption, shown
    from .proofs import annotate, is_proof_path, load_proof
    from .registry import get
    from .run import Options, run

    items = list(derivations) if isinstance(derivations, (list, tuple)) else [derivations]
    resolved, files = [], []
    for item in items:
        if isinstance(item, str) and is_proof_path(item):
            files.append(load_proof(item))
            resolved.append(files[-1].derivation)
        elif isinstance(item, str):
            resolved.append(get(item))
        elif isinstance(item, Derivation):
            resolved.append(item)
        else:
            raise InvalidOption(f"derivations={shown(item)} ({type(item).__name__}), expected a "
                                "Derivation, a registered id such as 'mallat.tweedie', a "
                                "*.derivation.md path, or a list of them")
    unknown = sorted(set(options) - set(Options.__dataclass_fields__))
    if unknown:
        raise InvalidOption(f"{unknown[0]}={shown(options[unknown[0]])}, expected one of the "
                            "valid options: " + ", ".join(Options.__dataclass_fields__))
    return annotate(run(resolved, Options(**options)), files)
