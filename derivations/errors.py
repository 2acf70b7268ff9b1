"""One error family for misuse and bad input (messages name the thing, the value, the fix)."""


class LectureCheckError(Exception):
    """Base class: bad input or misuse; the CLI prints it as one line and exits 2."""


class UnknownDerivation(LectureCheckError):
    pass


class InvalidOption(LectureCheckError):
    pass


class InputError(LectureCheckError):
    """Malformed or unreadable input file; message is ``file:line:col: what was expected``."""
