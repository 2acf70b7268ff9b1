"""Meaning through the notation table: names, juxtapositions, operators, big operators.

Conventions (each documented in ``docs/latex_reader.md``):

* ``f(x)`` is an application when the table binds ``f`` to a function, a product when it binds
  a symbol; ``f(x)^2`` squares the application.  Operators (``\\log``, ``\\mathbb{E}``,
  ``\\nabla_x`` …) without parentheses take the next factor: ``\\log p(x) q`` is ``log(p(x))·q``;
  differential operators (``\\frac{d}{dx}``, ``\\partial_x``, ``\\nabla``) take the rest of the
  product, as SymPy prints them: ``\\frac{d}{dx} y f(x)`` is ``(y f(x))'``.
* A big operator takes the rest of its juxtaposition; ``\\sum … \\cdot`` / ``/`` after it is
  ambiguous and an error.  ``a/bc`` is ``a/(bc)`` (juxtaposition binds tighter than ``/``).
* ``e`` is Euler's number, ``\\pi`` is π, unless the table binds them.
"""
from __future__ import annotations

import sympy as sp
from lark import Token

from . import operators as ops
from .errors import LatexError, UnboundName
from .groups import GroupResolver, call_group
from .names import LABEL_SUP, NAME_LIKE_SUPS, NameResolver
from .nodes import BigOp, DerivativeOp, Group, Item, Juxt, Name, RawChain, Script, Value

_BUILD_ERRORS = (TypeError, ValueError, AttributeError, NotImplementedError, IndexError,
                 KeyError, ZeroDivisionError, ArithmeticError, sp.PolynomialError)
_TRANSPOSE = {"T", "\\top", "\\intercal"}
# operators that act on the whole rest of their juxtaposition, as SymPy prints them
_DIFFERENTIAL_OPS = {"derivative", "nabla", "partial", "laplacian", "gradient", "divergence"}


def _power(base, exponent):
    """``base ** exponent``, left unevaluated when both are numbers and the result is huge."""
    if getattr(base, "is_Number", False) and getattr(exponent, "is_Number", False) \
            and abs(exponent) > 64:
        return sp.Pow(base, exponent, evaluate=False)
    return base ** exponent


class Resolver(NameResolver, GroupResolver):
    """Turns the intermediate objects of :mod:`.nodes` into SymPy, through a notation table."""

    def __init__(self, notation, origin=(1, 1), assumed=None):
        self.notation = notation
        self.origin = origin
        self.assumed = assumed if assumed is not None else []

    # ------------------------------------------------------------ positions and errors
    def at(self, line: int, column: int) -> tuple[int, int]:
        """A position of the parsed text as a position of the whole source."""
        line0, col0 = self.origin
        return (line0, col0 + column - 1) if line == 1 else (line0 + line - 1, column)

    def where(self, x) -> tuple[int, int]:
        """The source position of a token (tokens are relative to the text being parsed; items,
        scripts and chains carry source positions already)."""
        if isinstance(x, Token):
            return self.at(x.line or 1, x.column or 1)
        if hasattr(x, "line") and hasattr(x, "column"):
            return x.line, x.column
        return self.origin

    def fail(self, where, what: str, cls=LatexError) -> LatexError:
        return cls(*self.where(where), what)

    def guard(self, build, where):
        """``build()``, with SymPy's refusals turned into a positioned error."""
        try:
            return build()
        except LatexError:
            raise
        except _BUILD_ERRORS as exc:
            raise self.fail(where, f"an expression SymPy can build ({type(exc).__name__}: "
                                   f"{str(exc).splitlines()[0][:80] if str(exc) else ''})")

    def reparse(self, script: Script):
        """The parts of a script, read now (``(parts, separators)``)."""
        from .parser import parse_items

        return parse_items(script.raw, self.notation, (script.line, script.column), self.assumed)

    # ------------------------------------------------------------ values
    def value(self, x):
        """The SymPy value of an expression object (juxtaposition, item or built value)."""
        if isinstance(x, Juxt):
            return self.resolve(x)
        if isinstance(x, Item):
            return self.resolve(Juxt(x.line, x.column, items=[x]))
        if isinstance(x, RawChain):
            if x.relations:
                raise self.fail(x, "a value here, not a relation")
            return self.value(x.exprs[0])
        return x

    def arith(self, op, a, b, where):
        return self.guard(lambda: op(self.value(a), self.value(b)), where)

    def chain_values(self, chain: RawChain) -> list:
        values = [self.value(e) for e in chain.exprs]
        for i, r in enumerate(chain.relations):
            if r in ("\\in", "\\notin") and isinstance(values[i + 1], sp.Tuple) \
                    and len(values[i + 1]) == 2:
                lo, hi = values[i + 1]
                values[i + 1] = self.guard(lambda: sp.Interval(lo, hi), chain)
        return values

    def condition(self, chain: RawChain):
        """A one-relation chain as a SymPy condition (``i < j``, ``x \\sim p``, ``k \\in S``)."""
        lhs, rhs = self.value(chain.exprs[0]), self.value(chain.exprs[1])
        name = ops.RELATIONS[chain.relations[0]]
        cond = self.guard(lambda: ops.relational(lhs, name, rhs), chain)
        if cond is None:
            raise self.fail(chain, f"a condition, not the relation {chain.relations[0]}")
        return cond

    def words_in(self, objs):
        """The first ``\\text{word}`` (not an operator name) among objects, else None."""
        for x in objs:
            if isinstance(x, RawChain):
                found = self.words_in(x.exprs)
            elif isinstance(x, Juxt):
                found = self.words_in(x.items)
            elif isinstance(x, Group):
                found = self.words_in(x.parts)
            elif isinstance(x, BigOp):
                found = self.words_in([x.body])
            elif isinstance(x, Name) and x.word is not None and x.word not in ops.TEXT_OPS:
                found = x
            else:
                found = None
            if found is not None:
                return found
        return None

    def single_expr(self, items, where):
        parts, _ = items
        if len(parts) != 1 or parts[0].relations:
            raise self.fail(where, "a single expression inside the braces")
        return parts[0].exprs[0]

    def single_item(self, expr, where):
        if isinstance(expr, Juxt) and len(expr.items) == 1:
            return expr.items[0]
        raise self.fail(where, "a single name")

    # ------------------------------------------------------------ binary operators
    def _ends_open(self, x) -> bool:
        return isinstance(x, Juxt) and bool(x.items) and isinstance(x.items[-1], BigOp)

    def product_op(self, a, b, tok: Token, name: str):
        if self._ends_open(a):
            raise self.fail(tok, f"parentheses around the sum/integral before {name} "
                                 "(where it ends is ambiguous)")
        left, right = self.value(a), self.value(b)
        if name == "/":
            return self.guard(lambda: left / right, tok)
        if name == "\\odot" and ops.is_matrix(left) and ops.is_matrix(right):
            return self.guard(lambda: sp.HadamardProduct(left, right), tok)
        if name == "\\times" and ops.is_matrix(left) and ops.is_matrix(right):
            raise self.fail(tok, "a product of scalars (cross products are not supported)")
        return self.guard(lambda: left * right, tok)

    def dot(self, a, b, tok: Token):
        """``a \\cdot b``: product, inner product of two vectors, or ``\\nabla \\cdot v``."""
        if isinstance(a, Juxt) and a.items and isinstance(a.items[-1], Name) \
                and a.items[-1].base == "\\nabla" and not a.items[-1].scripts:
            div = ops.Divergence(self.value(b))
            rest = a.items[:-1]
            return self.guard(lambda: (self.resolve(Juxt(a.line, a.column, items=rest))
                                       if rest else 1) * div, tok)
        if self._ends_open(a):
            raise self.fail(tok, "parentheses around the sum/integral before \\cdot "
                                 "(where it ends is ambiguous)")
        left, right = self.value(a), self.value(b)
        if ops.is_vector(left) and ops.is_vector(right):       # u · v of two column vectors
            return ops.Inner(left, right)
        return self.guard(lambda: left * right, tok)

    # ------------------------------------------------------------ juxtaposition
    def resolve(self, j: Juxt):
        """Applications, then operators (right to left), then the product of the factors."""
        items = list(j.items)
        tail = items.pop() if items and isinstance(items[-1], BigOp) else None
        factors = self._factors(items)
        if tail is not None:
            factors.append(("value", self.big_value(tail), tail))
        done: list = []
        for kind, obj, item in reversed(factors):
            if kind == "op":
                if not done:
                    raise self.fail(item, f"an argument after the operator {self._op_text(item)}")
                if obj in _DIFFERENTIAL_OPS and len(done) > 1:   # d/dx y f(x) = (y f(x))'
                    rest = self._product(done, item)
                    done = [("value", self.apply_op(obj, item, ("value", rest, item)), item)]
                    continue
                done[0] = ("value", self._apply_to_next(obj, item, done[0]), item)
            else:
                done.insert(0, (kind, obj, item))
        return self._product(done, j)

    def _product(self, done: list, where):
        """The product, left to right, of resolved factors (groups made values)."""
        values = [self.group_value(obj, allow_tuple=len(done) == 1) if kind == "group" else obj
                  for kind, obj, _ in done]
        result = values[0] if values else sp.Integer(1)
        for v, (_, _, item) in zip(values[1:], done[1:]):
            if isinstance(v, sp.Tuple) or isinstance(result, sp.Tuple):
                raise self.fail(item, "a value, not a tuple, in a product")
            result = self.guard(lambda r=result, v=v: r * v, item)
        return result

    def _apply_to_next(self, op, item, entry):
        """``op`` on the next factor; ``\\log(x)^2``, ``\\text{Tr}(A)^{-1}`` power the result."""
        kind, obj, where = entry
        if kind == "group" and obj.scripts:
            bare = Group(obj.line, obj.column, kind=obj.kind, parts=obj.parts,
                         separators=obj.separators)
            # (x)^2 and SymPy's {\left(x\right)}^{2}; not {x}^2, which TeX sets as x^2
            if obj.kind in ("(", "[") or call_group(bare) is not bare:
                return self.scripts(self.apply_op(op, item, (kind, bare, where)), obj.scripts,
                                    obj)
        return self.apply_op(op, item, entry)

    def _at_coordinate(self, nxt) -> bool:
        """``(x)`` right after a name, x the table's one coordinate (``Notation.coordinate``)."""
        x = self.notation.coordinate
        group = call_group(nxt)
        if x is None or not (isinstance(group, Group) and group.kind == "(" and not group.scripts
                             and len(group.parts) == 1 and not group.separators):
            return False
        try:
            return self.value(group.parts[0]) == x
        except LatexError:
            return False

    def _letters_kl(self, items: list, i: int) -> bool:
        """``K L (…)``: the letters K and L, bare and unbound, right before parentheses."""
        if i + 2 >= len(items):
            return False
        first, second, group = items[i], items[i + 1], call_group(items[i + 2])
        return (all(isinstance(n, Name) and n.base == b and not n.scripts and n.word is None
                    and self.notation.lookup(b) is None for n, b in ((first, "K"), (second, "L")))
                and isinstance(group, Group) and group.kind == "(")

    @staticmethod
    def _op_text(item) -> str:
        return item.base if isinstance(item, Name) else "d/d…"

    def _factors(self, items: list) -> list:
        out, i = [], 0
        while i < len(items):
            it, nxt = items[i], items[i + 1] if i + 1 < len(items) else None
            if self._letters_kl(items, i):
                # KL(p || q) typed as the two letters K, L before the parentheses
                out.append(("op", "KL", it))
                i += 2
                continue
            if isinstance(it, Name):
                kind, obj = self.name(it, nxt)
                if kind == "function" and nxt is None:
                    # a function named, not applied (\log p, x \sim p, KL(p, q)): the object
                    out.append(("value", sp.Symbol(it.key()), it))
                    i += 1
                    continue
                if kind == "function":
                    nxt = items[i + 1] = call_group(nxt)
                    if not (isinstance(nxt, Group) and nxt.kind in ("(", "[")):
                        raise self.fail(it, f"arguments after the function {it.key()}")
                    applied = self.apply(obj, nxt, it)
                    out.append(("value", self.scripts(applied, nxt.scripts, nxt), it))
                    i += 2
                    continue
                if kind == "symbol" and self._at_coordinate(nxt):
                    # p_t(x), σ²(x): a name bound to its value at the table's coordinate x
                    out.append(("value", obj, it))
                    i += 2
                    continue
                out.append((kind, obj, it))
            elif isinstance(it, Group):
                out.append(("group", it, it))
            elif isinstance(it, DerivativeOp):
                out.append(("op", "derivative", it))
            elif isinstance(it, Value):
                out.append(("value", self.scripts(it.expr, it.scripts, it, it.annotated), it))
            else:
                raise self.fail(it, "a factor")
            i += 1
        return out

    # ------------------------------------------------------------ scripts on values
    def scripts(self, value, scripts: list[Script], where, annotated: bool = False):
        """Apply the superscript (power, transpose, inverse) of a value; reject subscripts."""
        for s in scripts:
            if annotated:
                continue                      # \underbrace{…}_{note}: the note is not maths
            if s.kind == "sub":
                raise self.fail(s, "no subscript on an expression (only names take subscripts)")
            if s.kind == "prime":
                raise self.fail(s, "no prime on an expression")
            if s.text in _TRANSPOSE and (ops.is_matrix(value) or s.text != "T"):
                value = self.guard(lambda v=value: sp.transpose(v), s)
                continue
            if s.text == "T" and self.notation.lookup("T") is None \
                    and not self.notation.discovery_mode:
                raise self.fail(s, "unbound name T (^T transposes a matrix; on a scalar it is "
                                   "a power, and T must be in the notation table)", UnboundName)
            if s.text in NAME_LIKE_SUPS - {"T"} or LABEL_SUP.match(s.text):
                raise self.fail(s, f"a power, not ^{{{s.text}}} on an expression (bind the "
                                   "decorated name in the notation table)")
            exponent = self.script_value(s)
            value = self.guard(lambda v=value, e=exponent: _power(v, e), s)
        return value

    def script_value(self, s: Script):
        parts, _ = self.reparse(s)
        if len(parts) != 1:
            raise self.fail(s, "a single expression as the script")
        return self.value(parts[0])

    # ------------------------------------------------------------ operators
    def operand(self, entry, where):
        kind, obj, _ = entry
        if kind != "group":
            return obj
        return self.group_value(obj, allow_tuple=False)

    def apply_op(self, op: str, it, entry):
        from .apply_ops import apply_operator

        return apply_operator(self, op, it, entry)

    def big_value(self, b: BigOp):
        from .apply_ops import big_operator

        return big_operator(self, b)
