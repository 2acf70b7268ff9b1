"""The verdict ladder: symbolic reduction, independent numeric evidence, witnesses, isolation."""
from __future__ import annotations

from ..model.verdicts import VERDICTS
from ..symbolic import fact_order
from .ladder import StepResult, step_seed, verify_relation
from .numeric import NumericOutcome, numeric_check
from .points import as_expr, draw_point, explicit
from .symbolic import default_simplify

fact_order.fix()  # SymPy's assumption queries in one order in every process

__all__ = ["VERDICTS", "StepResult", "step_seed", "verify_relation", "NumericOutcome",
           "numeric_check", "as_expr", "draw_point", "explicit", "default_simplify"]
