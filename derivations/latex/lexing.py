"""Post-lexer: decide what each ``|`` and ``\\|`` is (opening, closing, or a ``mid`` bar).

LaTeX uses the same glyph for ``|x|`` and the conditional bar of ``p(y|x)``; the grammar needs
them told apart.  Rules, inside one bracket group:

* ``\\left|`` / ``\\right|`` (and ``\\lvert``/``\\rvert``) are an opener / a closer;
* inside ``\\langle … \\rangle`` a bar separates (bra-ket), never delimits;
* a bar closes the innermost open ``|…`` of the same kind when there is one;
* otherwise it opens when another bar of its kind follows in the same group, else it is ``mid``.
"""
from __future__ import annotations

from typing import Iterable, Iterator

from lark import Token

SINGLE = {"VBAR", "VERT"}
DOUBLE = {"DVBAR", "NORMBAR", "VVERT"}
FORCED = {"LVERT": "ABS_OPEN", "RVERT": "ABS_CLOSE", "LVVERT": "NORM_OPEN", "RVVERT": "NORM_CLOSE"}
OPENERS = {"(", "[", "{", "\\{", "\\langle"}
CLOSERS = {")", "]", "}", "\\}", "\\rangle"}
KIND = {"abs": ("ABS_OPEN", "ABS_CLOSE", "MID_BAR"), "norm": ("NORM_OPEN", "NORM_CLOSE", "DMID")}


def _opens(t: Token) -> bool:
    return t.value in OPENERS or t.type in ("ABS_OPEN", "NORM_OPEN", "BEGIN_CASES")


def _closes(t: Token) -> bool:
    return t.value in CLOSERS or t.type in ("ABS_CLOSE", "NORM_CLOSE", "END_CASES")


def _kind(t: Token) -> str | None:
    return "abs" if t.type in SINGLE else "norm" if t.type in DOUBLE else None


class BarResolver:
    """A lark ``postlex``: retypes bar tokens to ABS_/NORM_ OPEN/CLOSE, MID_BAR or DMID."""

    always_accept = tuple(SINGLE | DOUBLE | set(FORCED) | {"LEFT", "RIGHT"})

    def process(self, stream: Iterable[Token]) -> Iterator[Token]:
        return iter(self._classify(self._sizes(list(stream))))

    @staticmethod
    def _sizes(toks: list[Token]) -> list[Token]:
        """Drop ``\\left``/``\\right``, making the bar they size an opener/closer."""
        out: list[Token] = []
        i = 0
        while i < len(toks):
            t = toks[i]
            if t.type in ("LEFT", "RIGHT") and i + 1 < len(toks):
                nxt, side = toks[i + 1], 0 if t.type == "LEFT" else 1
                kind = _kind(nxt)
                if kind:
                    out.append(Token.new_borrow_pos(KIND[kind][side], nxt.value, nxt))
                    i += 2
                    continue
                i += 1
                continue
            if t.type in FORCED:
                t = Token.new_borrow_pos(FORCED[t.type], t.value, t)
            out.append(t)
            i += 1
        return out

    @staticmethod
    def _partner(toks: list[Token], start: int, kind: str) -> bool:
        """Whether a bar of ``kind`` follows at the same bracket depth before the group ends."""
        depth = 0
        for t in toks[start:]:
            if depth == 0 and (_kind(t) == kind or t.type == KIND[kind][1]):
                return True
            if _opens(t):
                depth += 1
            elif _closes(t):
                if depth == 0:
                    return False
                depth -= 1
        return False

    def _classify(self, toks: list[Token]) -> list[Token]:
        stack: list[str] = []
        for i, t in enumerate(toks):
            kind = _kind(t)
            if kind is None:
                if t.type in ("ABS_OPEN", "NORM_OPEN"):
                    stack.append("abs" if t.type == "ABS_OPEN" else "norm")
                elif _opens(t):
                    stack.append("angle" if t.value == "\\langle" else "group")
                elif _closes(t) and stack:
                    stack.pop()
                continue
            opener, closer, mid = KIND[kind]
            top = stack[-1] if stack else None
            if top == kind:
                toks[i] = Token.new_borrow_pos(closer, t.value, t)
                stack.pop()
            elif top != "angle" and self._partner(toks, i + 1, kind):
                toks[i] = Token.new_borrow_pos(opener, t.value, t)
                stack.append(kind)
            else:
                toks[i] = Token.new_borrow_pos(mid, t.value, t)
        return toks
