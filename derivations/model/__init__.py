"""The declarative model: what a lecture claims (DESIGN §1), and the verdict vocabulary."""
from __future__ import annotations

from .declarations import Claim, Derivation, FunctionFamily, Matrix, Printed, Range, Step
from .quotes import Quote
from .verdicts import (DERIVATION_VERDICTS, ESTABLISHED, FAILING, MC_VERDICTS, RELATIONS, STRICT,
                       VERDICTS)

__all__ = ["Claim", "Derivation", "FunctionFamily", "Matrix", "Printed", "Quote", "Range", "Step", "VERDICTS",
           "ESTABLISHED", "STRICT", "FAILING", "MC_VERDICTS", "DERIVATION_VERDICTS", "RELATIONS"]
