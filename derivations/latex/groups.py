"""Brackets and what they hold: tuples, sets, |x|, ‖x‖, ⟨a, b⟩, arguments, derivatives."""
from __future__ import annotations

import sympy as sp

from . import operators as ops
from .nodes import DerivativeOp, Group, Juxt, Name, Script, Value


def call_group(nxt):
    """``{\\left(x\\right)}`` (as SymPy prints arguments) seen as the ``(x)`` it braces."""
    if isinstance(nxt, Group) and nxt.kind == "{" and len(nxt.parts) == 1 and not nxt.scripts:
        part = nxt.parts[0]
        if not part.relations and isinstance(part.exprs[0], Juxt) \
                and len(part.exprs[0].items) == 1 and isinstance(part.exprs[0].items[0], Group) \
                and part.exprs[0].items[0].kind == "(":
            return part.exprs[0].items[0]
    return nxt


class GroupResolver:
    """Values of bracket groups and of Leibniz fractions (mixed into ``Resolver``)."""

    def part_values(self, g: Group) -> list:
        return [self.value(p) for p in g.parts]

    def group_value(self, g: Group, allow_tuple: bool = True):
        """A bracket's value: the expression, a tuple, a set, |x|, ‖x‖, ⟨a, b⟩ …"""
        seps = set(g.separators)
        if g.kind in ("(", "[", "{"):
            if seps - {","}:
                raise self.fail(g, f"a value, not a list separated by {sorted(seps)}")
            vals = self.part_values(g)
            if len(vals) > 1 and not allow_tuple:
                raise self.fail(g, "a value, not a tuple, in a product")
            value = vals[0] if len(vals) == 1 else sp.Tuple(*vals)
            return self.scripts(value, g.scripts, g)
        if g.kind == "\\{":
            return self.scripts(self.guard(lambda: sp.FiniteSet(*self.part_values(g)), g),
                                g.scripts, g)
        sub = g.script("sub")
        rest = [s for s in g.scripts if s.kind != "sub"]
        if g.kind in ("abs", "norm"):
            if len(g.parts) != 1:
                raise self.fail(g, "a single expression between the bars")
            v = self.value(g.parts[0])
            if g.kind == "abs" and not ops.is_matrix(v):
                if sub is not None:  # |x|_2 of a scalar: a norm's order on a number
                    raise self.fail(sub, "|x|_p is the p-norm of a vector; here x is a scalar")
                value = self.guard(lambda: sp.Abs(v), g)
            elif g.kind == "abs" and not (v.shape[0] == 1 or v.shape[1] == 1):
                raise self.fail(g, "\\det A or \\|A\\| (|A| of a matrix is ambiguous)")
            else:
                order = self.script_value(sub) if sub is not None else 2
                value = ops.Norm(v) if order == 2 else ops.Norm(v, order)
            return self.scripts(value, rest, g)
        # \langle … \rangle
        vals = self.part_values(g)
        if len(vals) == 1:
            spec = self.specs(sub) if sub is not None else ()
            value = ops.Average(vals[0], *spec)
        elif sub is not None:
            raise self.fail(sub, "no subscript on an inner product")
        elif len(vals) == 2 and seps == {","}:
            value = ops.Inner(*vals)
        elif seps == {"|"} and len(vals) in (2, 3):
            value = ops.Braket(*vals)
        else:
            raise self.fail(g, "⟨a⟩, ⟨a, b⟩ or ⟨u | A | v⟩")
        return self.scripts(value, rest, g)

    def apply(self, f, g: Group, where):
        """``f(args)``; arguments after ``|`` are the condition (``Given``) unless ``f`` takes them."""
        args, given, mode = [], [], "args"
        for i, part in enumerate(g.parts):
            sep = g.separators[i - 1] if i else ","
            if sep == "|":
                mode = "given"
            elif sep not in (",", ";"):
                raise self.fail(g, f"arguments separated by ',' ';' or '|', not {sep!r}")
            (given if mode == "given" else args).append(self.value(part))
        takes_all = isinstance(f, sp.Lambda) and len(f.variables) == len(args) + len(given)
        if given and not takes_all:
            args.append(ops.Given(*given))
        else:
            args.extend(given)
        return self.guard(lambda: f(*args), where)

    def specs(self, sub: Script) -> tuple:
        """The parts of an operator's subscript: ``x``, ``x \\sim p``, ``y \\in Y``."""
        parts, _ = self.reparse(sub)
        out = []
        for p in parts:
            if not p.relations:
                out.append(self.value(p))
            elif len(p.relations) == 1:
                out.append(self.condition(p))
            else:
                raise self.fail(p, "one relation per part of the subscript")
        return tuple(out)

    @staticmethod
    def _is_differential(it, allow_sup=False) -> bool:
        return isinstance(it, Name) and (it.base == "d" or it.word == "d" or
                                         it.base == "\\partial") and \
            all(s.kind == "sup" for s in it.scripts) and (allow_sup or not it.scripts)

    def derivative_form(self, num, den):
        """``\\frac{d f}{dx}``, ``\\frac{\\partial^2 f}{\\partial x^2}``, ``\\frac{d}{dt}`` or None."""
        if not (isinstance(num, Juxt) and isinstance(den, Juxt) and len(den.items) == 2):
            return None
        dd, var = den.items
        dn = num.items[0] if num.items else None
        if not (self._is_differential(dd) and isinstance(var, Name)
                and self._is_differential(dn, allow_sup=True) and dn.base == dd.base):
            return None
        order_num = dn.script("sup")
        order_den = var.script("sup")
        order = 1
        if order_num is not None or order_den is not None:
            if order_num is None or order_den is None or order_num.text != order_den.text \
                    or not order_num.text.isdigit():
                raise self.fail(dn, "the same derivative order up and down (d^n f / dx^n)")
            order = int(order_num.text)
        plain = Name(var.line, var.column, scripts=[s for s in var.scripts if s.kind != "sup"],
                     base=var.base, word=var.word)
        variable = self.value(plain)
        if len(num.items) == 1:
            return DerivativeOp(num.line, num.column, variable=variable, order=order)
        body = self.resolve(Juxt(num.line, num.column, items=num.items[1:]))
        return Value(num.line, num.column,
                     expr=self.guard(lambda: sp.Derivative(body, (variable, order)), num))

