"""One error family for misuse and bad input (messages name the thing, the value, the fix)."""
from __future__ import annotations

from typing import Any

SHOWN_WIDTH = 80  # characters of a user-given value quoted in a message


def shown(value: Any, width: int = SHOWN_WIDTH) -> str:
    """``repr(value)`` cut to ``width`` characters (ids, labels and paths may be any length)."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a value whose repr fails is still named by its type
        text = f"<{type(value).__name__}>"
    if len(text) <= width:
        return text
    return f"{text[:width - 1]}… ({len(text)} characters)"


class LectureCheckError(Exception):
    """Base class: bad input or misuse; the CLI prints it as one line and exits 2."""


class UnknownDerivation(LectureCheckError):
    pass


class InvalidOption(LectureCheckError):
    pass


class InputError(LectureCheckError):
    """Malformed or unreadable input file; message is ``file:line:col: what was expected``."""


class OutputError(LectureCheckError):
    """The output could not be written (disk full, I/O error); the CLI exits 2."""
