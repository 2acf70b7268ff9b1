"""The parse tree of ``grammar/notes.lark`` → SymPy: one :class:`NotesTransformer` method per rule.

The rule methods build the intermediate objects of :mod:`.nodes`; meaning (application or
product, operator or symbol, index or name) is decided in :class:`.resolve.Resolver` through the
notation table.  SymPy objects are made by constructors and operators only — never from text.
"""
from __future__ import annotations

import re

import sympy as sp
from lark import Token, Transformer

from .errors import ProseFound
from .nodes import BigOp, Chain, Group, Juxt, Name, RawChain, Relation, Script, Value
from .operators import APPROXIMATE, CONNECTIVES, RELATIONS
from .resolve import Resolver


def _number(text: str):
    whole, _, frac = text.partition(".")
    if not frac:
        return sp.Integer(int(whole))
    return sp.Rational(int(whole + frac), 10 ** len(frac))


def _braced_script(tok: Token, kind: str, at) -> Script:
    """A ``_{…}`` / ``^{…}`` token as a script whose raw text starts after the brace."""
    opening = tok.value.index("{")
    return Script(kind, tok.value[opening + 1:-1], *at(tok.line, tok.column + opening + 1),
                  braced=True)


class NotesTransformer(Resolver, Transformer):
    """Builds a :class:`~.nodes.Chain` (or the parts of a group) from a parse tree."""

    def __init__(self, notation, origin=(1, 1), assumed=None):
        Transformer.__init__(self, visit_tokens=False)
        Resolver.__init__(self, notation, origin, assumed)

    # ------------------------------------------------------------ statements and chains
    def start(self, c):
        return c[0]

    def items_start(self, c):
        return c[0]

    def statement(self, c):
        prefix = None
        if isinstance(c[0], tuple) and c[0][0] == "prefix":
            prefix, c = c[0][1].value, c[1:]
        terms, relations = [], []
        for x in c:
            if isinstance(x, tuple):          # a connective between two chains
                relations.append(Relation(CONNECTIVES[x[1].value], x[1].value, connective=True))
                continue
            values = self.chain_values(x)
            terms.extend(values)
            relations.extend(Relation(RELATIONS[r], r, RELATIONS[r] in APPROXIMATE)
                             for r in x.relations)
        return Chain(tuple(terms), tuple(relations), prefix, tuple(dict.fromkeys(self.assumed)))

    def prefix(self, c):
        return ("prefix", c[0])

    def connective(self, c):
        return ("connective", c[0])

    def chain(self, c):
        first = c[1] if len(c) > 1 else c[0]          # the first relation, else the expression
        line, col = self.where(first)
        return RawChain(list(c[0::2]), [t.value for t in c[1::2]], line, col)

    def relation(self, c):
        return c[0]

    def items(self, c):
        return list(c[0::2]), list(c[1::2])

    def separator(self, c):
        tok = c[0]
        return {"MID_BAR": "|", "DMID": "||"}.get(tok.type, "|" if tok.value == "\\mid"
                                                  else tok.value)

    # ------------------------------------------------------------ sums and products
    def add(self, c):
        return self.arith(lambda a, b: a + b, c[0], c[2], c[1])

    def sub(self, c):
        return self.arith(lambda a, b: a - b, c[0], c[2], c[1])

    def plusminus(self, c):
        raise self.fail(c[1], "a single value, not ± (write the two cases separately)")

    def neg(self, c):
        return self.arith(lambda a, _: -a, c[1], 0, c[0])

    def pos(self, c):
        return self.value(c[1])

    def cdot(self, c):
        return self.dot(c[0], c[2], c[1])

    def times(self, c):
        return self.product_op(c[0], c[2], c[1], "\\times")

    def odot(self, c):
        return self.product_op(c[0], c[2], c[1], "\\odot")

    def slash(self, c):
        return self.product_op(c[0], c[2], c[1], "/")

    def juxt(self, c):
        return Juxt(c[0].line, c[0].column, items=list(c))

    def bigop(self, c):
        head, scripts, body = c[0], list(c[1:-1]), c[-1]
        return BigOp(*self.where(head), scripts=scripts, head=head.value, body=body)

    def bigop_head(self, c):
        return c[0]

    # ------------------------------------------------------------ postfix and scripts
    def postfix(self, c):
        item, scripts = c[0], c[1:]
        item.scripts.extend(scripts)
        kinds = [s.kind for s in item.scripts if s.kind != "prime"]
        if len(kinds) != len(set(kinds)):
            raise self.fail(scripts[-1], "one subscript and one superscript at most "
                                         "(double script; use braces)")
        return item

    def sub_script(self, c):
        return self._token_script(c[0], "sub")

    def sup_script(self, c):
        return self._token_script(c[0], "sup")

    def _token_script(self, tok: Token, kind: str) -> Script:
        if tok.type == "NUMBER" and len(tok.value) > 1:
            raise self.fail(tok, f"a braced script: LaTeX reads {kind} {tok.value} as its first "
                                 f"digit only; write {{{tok.value}}}")
        return Script(kind, tok.value, *self.where(tok))

    def sub_group(self, c):
        return _braced_script(c[0], "sub", self.at)

    def sup_group(self, c):
        return _braced_script(c[0], "sup", self.at)

    def prime(self, c):
        return Script("prime", "'", *self.where(c[0]))

    def arg(self, c):
        return c[0]

    # ------------------------------------------------------------ primaries
    def letter(self, c):
        return Name(*self.where(c[0]), base=c[0].value)

    def number(self, c):
        return Value(*self.where(c[0]), expr=_number(c[0].value))

    def command(self, c):
        return Name(*self.where(c[0]), base=c[0].value)

    def font(self, c):
        return Name(*self.where(c[0]), base=re.sub(r"\s+", "", c[0].value))

    def text(self, c):
        word = c[0].value[c[0].value.index("{") + 1:-1].strip()
        return Name(*self.where(c[0]), base="\\text{" + " ".join(word.split()) + "}", word=word)

    def decor(self, c):
        return c[0]

    def frac_head(self, c):
        return c[0]

    def brace_head(self, c):
        return c[0]

    def decorated(self, c):
        decor, inner = c[0], self.single_item(c[1], c[0])
        if not isinstance(inner, Name) or inner.word is not None:
            raise self.fail(decor, f"a name under {decor.value} (such as {decor.value}{{x}})")
        return Name(*self.where(decor), base=f"{decor.value}{{{inner.key()}}}")

    def frac(self, c):
        head, num, den = c
        derivative = self.derivative_form(num, den)
        if derivative is not None:
            derivative.line, derivative.column = self.where(head)
            return derivative
        return Value(*self.where(head), expr=self.arith(lambda a, b: a / b, num, den, head))

    def sqrt(self, c):
        radicand = self.value(c[-1])
        line, col = self.where(c[0])
        if len(c) == 1:
            return Value(line, col, expr=self.guard(lambda: sp.sqrt(radicand), c[0]))
        index = self.value(c[1])
        return Value(line, col, expr=self.guard(lambda: sp.root(radicand, index), c[0]))

    def underbrace(self, c):
        body = self.value(c[1])
        return Value(*self.where(c[0]), expr=body, annotated=True)

    def _group(self, kind, c, tok=None):
        parts, seps = next(x for x in c if isinstance(x, tuple))
        where = tok or next((x for x in c if isinstance(x, Token)), None)
        line, col = self.where(where) if where is not None else (
            parts[0].line, max(parts[0].column - 1, 1))
        return Group(line, col, kind=kind, parts=parts, separators=seps)

    def paren(self, c):
        return self._group("(", c)

    def bracket(self, c):
        return self._group("[", c)

    def braces(self, c):
        return self._group("{", c)

    def set_braces(self, c):
        return self._group("\\{", c)

    def angle(self, c):
        return self._group("<>", c)

    def abs(self, c):
        return self._group("abs", c)

    def norm(self, c):
        return self._group("norm", c)

    def cases(self, c):
        begin, rows = c[0], [r for r in c[1:-1] if isinstance(r, tuple)]
        pieces = []
        for value, (parts, seps) in rows:
            words = self.words_in([value, *parts])
            if words:
                raise self.fail(words, f"mathematics, not the words {words.base}", ProseFound)
            if len(parts) != 1 or len(parts[0].relations) != 1:
                raise self.fail(begin, "each case as `value & condition` with one relation")
            cond = self.condition(parts[0])
            pieces.append((self.value(value), cond))
        return Value(*self.where(begin),
                     expr=self.guard(lambda: sp.Piecewise(*pieces), begin))

    def case_row(self, c):
        return c[0], c[1]

    def group_arg(self, c):
        if len(c) == 1:
            tok = c[0]
            item = {"LETTER": self.letter, "NUMBER": self.number, "CMD": self.command,
                    "FONT": self.font}[tok.type]([tok])
            return Juxt(*self.where(tok), items=[item])
        return self.single_expr(c[1], c[0])

