"""Intermediate objects of the transformer: names not yet looked up, groups, juxtapositions.

They exist so that meaning is decided once the neighbours are known (``p`` followed by ``(x)``)
and through the notation table, and so that a subscript is read as mathematics only when it is
an index or a limit.  The results of the reader are :class:`Chain` s of SymPy objects.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(r"\\[a-zA-Z]+|\\.|\S")


def canonical(text: str) -> str:
    """LaTeX with insignificant spacing removed: ``{ \\sigma t}`` → ``{\\sigma t}``."""
    out, previous = [], ""
    for tok in _TOKEN.findall(text):
        if previous[:1] == "\\" and previous[1:2].isalpha() and tok[:1].isalnum():
            out.append(" ")
        out.append(tok)
        previous = tok
    return "".join(out)


@dataclass
class Script:
    """One ``_…``, ``^…`` or ``'`` after a primary; ``raw`` is re-read lazily when needed."""

    kind: str          # "sub", "sup" or "prime"
    raw: str           # the argument without its braces
    line: int
    column: int
    braced: bool = False

    @property
    def text(self) -> str:
        return canonical(self.raw)

    def render(self) -> str:
        if self.kind == "prime":
            return "'"
        return ("_" if self.kind == "sub" else "^") + "{" + self.text + "}"


@dataclass
class Item:
    """Something in a juxtaposition, at a position, with the scripts that follow it."""

    line: int
    column: int
    scripts: list[Script] = field(default_factory=list, kw_only=True)

    def script(self, kind: str) -> Script | None:
        return next((s for s in self.scripts if s.kind == kind), None)


@dataclass
class Name(Item):
    """A letter, command, font letter, ``\\text{…}`` word or decorated name, not yet looked up."""

    base: str = ""     # canonical LaTeX: x, \sigma, \mathbb{E}, \text{Tr}, \hat{x}
    word: str | None = None   # the word of \text{word} / \mathrm{word} / \operatorname{word}

    def key(self, with_sup: bool = True) -> str:
        """The notation-table key: base, primes, subscript, then superscript (when kept)."""
        primes = "".join("'" for s in self.scripts if s.kind == "prime")
        sub = self.script("sub")
        sup = self.script("sup")
        key = self.base + primes + (sub.render() if sub else "")
        return key + (sup.render() if sup and with_sup else "")


@dataclass
class Value(Item):
    """An expression already built (number, fraction, root, …)."""

    expr: Any = None
    annotated: bool = False   # \underbrace{…}_{note}: the script is a note, not mathematics


@dataclass
class Group(Item):
    """A bracketed list: ``(a, b)``, ``[x|y]``, ``\\langle a, b\\rangle``, ``|x|``, ``\\|x\\|``."""

    kind: str = "("    # "(", "[", "{", "\\{", "<>", "abs", "norm"
    parts: list = field(default_factory=list)      # RawChain per part
    separators: list[str] = field(default_factory=list)


@dataclass
class Juxt(Item):
    """Factors written next to each other; the last may be a big operator."""

    items: list = field(default_factory=list)


@dataclass
class BigOp(Item):
    """``\\sum``, ``\\prod`` or ``\\int`` with its scripts and the juxtaposition it governs."""

    head: str = "\\sum"
    body: Juxt | None = None


@dataclass
class DerivativeOp(Item):
    """``\\frac{d}{dt}`` or ``\\frac{\\partial}{\\partial x}`` waiting for its operand."""

    variable: Any = None
    order: int = 1


@dataclass
class RawChain:
    """``e0 rel e1 rel e2 …`` before the operands are turned into values."""

    exprs: list
    relations: list[str]
    line: int
    column: int


@dataclass(frozen=True)
class Relation:
    """One link of a chain: its name (``=``, ``<=``, ``approx``, ``implies`` …) and source."""

    name: str
    source: str
    approximate: bool = False
    connective: bool = False


@dataclass(frozen=True)
class Chain:
    """A display read as mathematics: terms linked by relations (DESIGN §1 "a chain").

    ``relations[i]`` links ``terms[i]`` and ``terms[i + 1]``; a *connective* (``\\implies``)
    links the statements on either side, not those two terms.  An *approximate* relation
    (``\\approx``, ``\\simeq``, ``\\asymp``, ``\\sim``) is never to be checked as an equality.
    ``assumed`` lists what discovery mode made up (``p: function``), empty in strict mode;
    ``asides`` what followed a top-level ``\\quad`` (kept apart, never read as mathematics).
    """

    terms: tuple
    relations: tuple[Relation, ...]
    prefix: str | None = None
    assumed: tuple[str, ...] = ()
    asides: tuple[str, ...] = ()     # what followed a top-level \quad (words, side conditions)

    def links(self):
        """``(lhs, relation, rhs)`` for every relation between two terms (not connectives)."""
        return [(self.terms[i], r, self.terms[i + 1]) for i, r in enumerate(self.relations)
                if not r.connective]

    def latex(self) -> list[str]:
        """SymPy's LaTeX of every term."""
        from sympy import latex

        return [latex(t) for t in self.terms]

    @property
    def expr(self):
        """The single term of a chain without relations."""
        if len(self.terms) != 1:
            raise ValueError(f"a chain of {len(self.terms)} terms, expected one expression")
        return self.terms[0]
