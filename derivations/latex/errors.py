"""Errors of the LaTeX reader: every one carries the ``line:col`` it is about."""
from __future__ import annotations

from ..errors import LectureCheckError


class LatexError(LectureCheckError):
    """LaTeX the reader cannot turn into mathematics; message ``line:col: expected …``."""

    prefix = "expected "
    context: str = ""          # syntax errors: the text around the position, with a caret

    def __init__(self, line: int, column: int, what: str):
        self.line, self.column, self.what = line, column, what
        super().__init__(f"{line}:{column}: {self.prefix}{what}")

    def moved(self, line: int, column: int) -> "LatexError":
        """The same error at another position (e.g. mapped into the notes file)."""
        return type(self)(line, column, self.what)


class UnboundName(LatexError):
    """A name the notation table does not bind (strict mode only): ``line:col: unbound name x``."""

    prefix = ""


class ProseFound(LatexError):
    """Words (``\\text{…}``) or a text-only environment where mathematics was expected."""
