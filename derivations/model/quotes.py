"""Quotations of the notes: the LaTeX a labelled equation prints, with its source line.

The notes are not copied into the repository.  A derivation keeps, for each label it encodes,
the printed display's mathematics as a short quotation (``Quote``); its printed form is that
text read by the project's LaTeX reader through the derivation's notation table, never
re-typed.  A test compares every quotation with the notes file (``tests/test_quotes.py``), and
``errata --notes PATH`` reads each quoted label from ``PATH`` instead.

>>> Quote("6.3.24", line=825, latex=r"= (C + \\sigma^2 \\mathbb{I})^{-1}Cx_\\sigma").continued
True
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

LABEL_RE = re.compile(r"\d+\.\d+\.\d+\Z")
# a display that starts with a relation continues the display before it
_CONTINUATION = re.compile(r"\s*(=|<|>|\\(?:le|ge|leq|geq|approx|simeq|sim|propto|equiv)(?![a-zA-Z]))")


@dataclass(frozen=True)
class Quote:
    """The mathematics of the display labelled ``label`` as the notes print it.

    ``line``: 1-based line of the label in the notes.  ``latex``: the display's mathematics
    exactly as printed, without its label, the asides after a top-level ``\\quad`` and a
    trailing ``,``/``.`` (what ``lecturecheck notes`` calls the display's mathematics).
    ``note``: where the notes' notation itself is the problem (an undefined name, a hat on the
    wrong symbol), what the reading assumes and why; it is reported with every erratum of the
    label.  ``unchecked``: link index → why that printed link is not checked (reported as "not
    checkable as printed: reason").  ``unreadable``: why the reader cannot read this display
    through the derivation's table (a name the notes never define here, such as λ_k before
    6.4.10): the label is then reported as not checkable as printed, with the reader's error
    and this reason; a quotation that reads although it says so fails ``check_quotes_parse``.
    """

    label: str
    line: int
    latex: str
    note: str = ""
    unchecked: Mapping[int, str] = field(default_factory=dict)
    unreadable: str = ""
    # bindings for this display only, over the derivation's table (a ``Notation``), where the
    # notes reuse a name with another meaning (Mézard's x is the noisy x_t)
    notation: object = None

    def __post_init__(self) -> None:
        if not LABEL_RE.match(self.label):
            raise ValueError(f"Quote label={self.label!r}: expected a label such as '6.3.23'")
        if not (isinstance(self.line, int) and self.line >= 1):
            raise ValueError(f"Quote {self.label}: line={self.line!r}, expected a line number >= 1")
        if not self.latex.strip():
            raise ValueError(f"Quote {self.label}: empty latex; quote the printed mathematics")

    @property
    def continued(self) -> bool:
        """Whether the display starts with a relation (it continues the display before it)."""
        return _CONTINUATION.match(self.latex) is not None
