"""The one registry the CLI, report, tests and pytest plugin all iterate (DESIGN §1)."""
from __future__ import annotations

import importlib
from typing import Iterable

from .errors import UnknownDerivation
from .model import Derivation

# one module per lecture; each defines DERIVATIONS: tuple[Derivation, ...]
CATALOG_MODULES = ("agliari", "kempe", "mallat", "mezard")

_REGISTRY: dict[str, Derivation] = {}


def _load() -> dict[str, Derivation]:
    if not _REGISTRY:
        for name in CATALOG_MODULES:
            module = importlib.import_module(f"derivations.catalog.{name}")
            for d in module.DERIVATIONS:
                if d.id in _REGISTRY:
                    raise ValueError(f"duplicate derivation id {d.id!r} in catalog.{name}")
                _REGISTRY[d.id] = d
    return _REGISTRY


def all_derivations() -> list[Derivation]:
    """Every registered derivation, sorted by id."""
    return [v for _, v in sorted(_load().items())]


def get(derivation_id: str) -> Derivation:
    reg = _load()
    if derivation_id not in reg:
        known = ", ".join(sorted(reg))
        raise UnknownDerivation(f"unknown derivation id={derivation_id!r}; known ids: {known}")
    return reg[derivation_id]


def select(ids: Iterable[str]) -> list[Derivation]:
    ids = list(ids)
    return [get(i) for i in ids] if ids else all_derivations()
