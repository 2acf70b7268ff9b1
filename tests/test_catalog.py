"""Generic checks over every registered derivation (scikit-learn ``parametrize_with_checks``).

Nothing here names a derivation: adding one file to the catalog gives it every check.  Each
item runs only its own derivation's work (``pytest -k mallat.tweedie`` checks one derivation),
cached per derivation within the session by :mod:`derivations.testing.checks`.
"""
from __future__ import annotations

from derivations.registry import all_derivations
from derivations.testing import parametrize_with_checks

DERIVATIONS = all_derivations()


def test_registry_not_empty() -> None:
    assert DERIVATIONS, ("the registry is empty: derivations.registry.all_derivations() returned "
                         "nothing, so every generic test below was vacuous")


@parametrize_with_checks(DERIVATIONS)
def test_catalog(derivation, check) -> None:
    check(derivation)
