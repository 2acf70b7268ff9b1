"""Entry points: LaTeX text → :class:`~.nodes.Chain`, with ``line:col: expected …`` errors."""
from __future__ import annotations

import os
import sys
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from lark import Lark, UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.exceptions import VisitError

from .errors import LatexError
from .lexing import BarResolver
from .nodes import Chain

GRAMMAR = Path(__file__).with_name("grammar") / "notes.lark"
_READABLE = {"NUMBER": "a number", "LETTER": "a letter", "CMD": "a command", "FONT":
             "a \\mathbb/\\mathcal letter", "TEXT": "\\text{…}", "SUBGROUP": "_{…}",
             "SUPGROUP": "^{…}", "$END": "the end", "ABS_OPEN": "'|'", "ABS_CLOSE": "closing '|'",
             "NORM_OPEN": "'\\|'", "NORM_CLOSE": "closing '\\|'", "MID_BAR": "'|'",
             "DMID": "'||'", "BEGIN_CASES": "\\begin{cases}", "END_CASES": "\\end{cases}"}


@lru_cache(maxsize=1)
def lark_parser() -> Lark:
    """The LALR parser of ``grammar/notes.lark`` (built once)."""
    options = dict(parser="lalr", lexer="basic", postlex=BarResolver(),
                   start=["start", "items_start"], maybe_placeholders=False)
    text = GRAMMAR.read_text(encoding="utf-8")
    cache = _table_cache()
    return Lark(text, cache=cache, **options) if cache else Lark(text, **options)


def _table_cache() -> str | None:
    """Where lark keeps the built LALR tables: the user's own lecturecheck cache directory
    (lark unpickles the file, so never a shared temporary directory); None if unwritable."""
    from ..run.cache import cache_dir

    try:
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    if not os.access(folder, os.W_OK):
        return None
    return str(folder / f"notes-grammar-py{sys.version_info[0]}{sys.version_info[1]}.lark")


def _describe(name: str) -> str:
    if name in _READABLE:
        return _READABLE[name]
    try:
        pattern = lark_parser().get_terminal(name).pattern
    except KeyError:
        return name
    return repr(pattern.value) if pattern.type == "str" else name.lower()


def _end(text: str) -> tuple[int, int]:
    lines = text.split("\n")
    return len(lines), len(lines[-1]) + 1


def syntax_error(exc: UnexpectedInput, text: str, origin: tuple[int, int]) -> LatexError:
    """A lark error as ``line:col: expected …, got …`` at the position in the whole source."""
    if isinstance(exc, UnexpectedCharacters):
        line, col = exc.line, exc.column
        got = f"character {text[exc.pos_in_stream]!r}"
        expected = sorted(exc.allowed or ())
    elif isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        line, col = exc.line, exc.column
        got = repr(exc.token.value)
        expected = sorted(exc.expected or exc.accepts or ())
    else:
        line, col = _end(text)
        got = "the end"
        expected = sorted(getattr(exc, "expected", None) or ())
    names = sorted({_describe(e) for e in expected})
    shown = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
    what = f"{'one of ' if len(names) > 1 else ''}{shown or 'something else'}, got {got}"
    line0, col0 = origin
    pos = (line0, col0 + col - 1) if line == 1 else (line0 + line - 1, col)
    error = LatexError(*pos, what)
    try:      # lark's two-line excerpt with a caret, for callers who show more than one line
        error.context = exc.get_context(text)
    except (AttributeError, IndexError, TypeError):
        pass
    return error


@lru_cache(maxsize=8192)
def _tree(text: str, start: str):
    """The parse tree of ``text`` (cached: scripts such as ``_{\\sigma}`` recur; trees are not
    modified by the transformer)."""
    return lark_parser().parse(text, start=start)


def _run(text: str, start: str, notation, origin, assumed):
    from .transformer import NotesTransformer

    try:
        tree = _tree(text, start)
    except UnexpectedInput as exc:
        raise syntax_error(exc, text, origin) from None
    transformer = NotesTransformer(notation, origin, assumed)
    try:
        return transformer.transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, LatexError):
            raise exc.orig_exc from None
        if isinstance(exc.orig_exc, RecursionError):
            raise LatexError(*origin, "a less deeply nested expression") from None
        raise
    except RecursionError:
        raise LatexError(*origin, "a less deeply nested expression") from None


def parse_latex(text: str, notation, *, line: int = 1, column: int = 1) -> Chain:
    """Read one display's mathematics (``a = b \\le c``) as a :class:`Chain` through ``notation``.

    ``line``/``column`` are where ``text`` starts in its source, so errors point into it.
    Raises :class:`~.errors.LatexError` (``line:col: expected …``), :class:`UnboundName` or
    :class:`ProseFound` (both subclasses).
    """
    from .reader import split_asides

    math, asides, shift = split_asides(text)
    lead = len(math) - len(math.lstrip())
    where = _shifted(text, shift + lead, line, column)
    chain = _run(math.strip(), "start", notation, where, None)
    return replace(chain, asides=tuple(asides)) if asides else chain


def _shifted(text: str, offset: int, line: int, column: int) -> tuple[int, int]:
    """The source position of ``text[offset]`` when ``text`` starts at ``line:column``."""
    before = text[:offset]
    if "\n" not in before:
        return line, column + offset
    return line + before.count("\n"), offset - before.rfind("\n")


def parse_expr_latex(text: str, notation, *, line: int = 1, column: int = 1):
    """Read one expression (no relation) as a SymPy object."""
    chain = parse_latex(text, notation, line=line, column=column)
    if chain.relations:
        raise LatexError(line, column, f"one expression, got a chain of {len(chain.terms)} terms")
    return chain.terms[0]


def parse_items(text: str, notation, origin, assumed):
    """A comma/semicolon/bar separated list (a script's content): ``(raw chains, separators)``."""
    return _run(text, "items_start", notation, origin, assumed)


def parse_tree_items(text: str):
    """The raw parts of ``text`` (for notation keys); ValueError if it is not LaTeX we read."""
    return _run_items_raw(text)


def _run_items_raw(text: str):
    from .nodes import Group
    from .notation import Notation
    from .transformer import NotesTransformer

    try:
        tree = lark_parser().parse(text, start="items_start")
        parts, seps = NotesTransformer(Notation(discovery=True), (1, 1), []).transform(tree)
    except UnexpectedInput as exc:
        raise ValueError(str(syntax_error(exc, text, (1, 1)))) from None
    except VisitError as exc:
        raise ValueError(f"notation key {text!r}: {exc.orig_exc}") from None
    return Group(1, 1, parts=parts, separators=seps)
