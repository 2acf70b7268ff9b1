"""Testing helpers: generic checks over the registry, assertions, mutants.

``parametrize_with_checks(derivations)`` yields one pytest item per (derivation, check), with
ids like ``mallat.tweedie:steps_established``; each check runs only its derivation's work
(results cached per derivation within the session).  Known failures are data on the
derivation (``Derivation.known_failures``: check name -> reason), turned into strict xfails.
"""
from __future__ import annotations

from .assertions import (assert_derivation_passes, assert_step_holds, mc_message, report_failures,
                         step_message)
from .checks import CHECKS, parametrize_with_checks

__all__ = ["CHECKS", "parametrize_with_checks", "assert_derivation_passes", "assert_step_holds",
           "mc_message", "report_failures", "step_message"]
