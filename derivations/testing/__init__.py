"""Testing helpers: generic checks over the registry, assertions, mutants.

``parametrize_with_checks(derivations)`` yields one pytest item per (derivation, check), with
ids like ``mallat.tweedie:steps_established``; each check runs only its derivation's work
(results cached per derivation within the session).  ``assert_holds``, ``assert_matches_monte_carlo`` and
``admissible_points`` (``helpers.py``) test users' own code; ``plugin.py`` is the pytest plugin
that collects ``*.derivation.md`` files.  Known failures are data on the
derivation (``Derivation.known_failures``: check name -> reason), turned into strict xfails.
"""
from __future__ import annotations

from .assertions import (assert_derivation_passes, assert_step_holds, mc_message, report_failures,
                         step_message)
from .checks import CHECKS, parametrize_with_checks
from .helpers import admissible_points, assert_holds, assert_matches_monte_carlo

__all__ = ["CHECKS", "parametrize_with_checks", "assert_derivation_passes", "assert_step_holds",
           "mc_message", "report_failures", "step_message", "admissible_points", "assert_holds",
           "assert_matches_monte_carlo"]
