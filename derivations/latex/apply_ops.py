"""Operators applied to their operand, and big operators (sums, products, integrals)."""
from __future__ import annotations

import sympy as sp

from . import operators as ops
from .nodes import BigOp, Juxt, Name


def _sub_sup(it):
    """The subscript and superscript of an operator item."""
    return it.script("sub"), it.script("sup")


def _expectation(r, it, entry):
    kind, obj, _ = entry
    sub, _ = _sub_sup(it)
    specs = r.specs(sub) if sub is not None else ()
    given = ()
    if kind == "group" and obj.kind in ("(", "[") and "|" in obj.separators:
        if obj.separators != ["|"]:
            raise r.fail(obj, "E[x | y]: one value, one condition")
        body = r.value(obj.parts[0])
        given = (ops.Given(r.value(obj.parts[1])),)
        body = r.scripts(body, [], obj)
        if obj.scripts:
            return r.scripts(ops.Expectation(body, *specs, *given), obj.scripts, obj)
        return ops.Expectation(body, *specs, *given)
    return ops.Expectation(r.operand(entry, it), *specs)


def _probability(r, it, entry):
    kind, obj, _ = entry
    if kind == "group" and len(obj.parts) == 1 and len(obj.parts[0].relations) == 1 \
            and not obj.scripts:
        return ops.Probability(r.condition(obj.parts[0]))
    return ops.Probability(r.operand(entry, it))


def _two_laws(r, it, entry, build, seps_ok):
    kind, obj, _ = entry
    if kind != "group" or len(obj.parts) != 2 or not set(obj.separators) <= seps_ok:
        raise r.fail(it, "two arguments in parentheses")
    return r.scripts(build(*r.part_values(obj)), obj.scripts, obj)


def _gaussian(r, it, entry):
    kind, obj, _ = entry
    if kind != "group":
        raise r.fail(it, "arguments after \\mathcal{N}")
    vals, seps = r.part_values(obj), obj.separators
    if len(vals) == 3 and seps[0] == ";" and seps[1] in (",", ";"):
        value = ops.GaussianDensity(*vals)
    elif len(vals) == 2 and seps == [","]:
        value = ops.Gaussian(*vals)
    else:
        raise r.fail(obj, "\\mathcal{N}(x; mean, variance) or \\mathcal{N}(mean, variance)")
    return r.scripts(value, obj.scripts, obj)


def _derivative(r, where, body, variable, order=1):
    return r.guard(lambda: sp.Derivative(body, (variable, order)), where)


def _variable(r, sub):
    parts, _ = r.reparse(sub)
    if len(parts) != 1 or parts[0].relations:
        raise r.fail(sub, "one variable in the subscript")
    return r.value(parts[0])


def _extremum(r, it, entry, op):
    sub, _ = _sub_sup(it)
    kind, obj, _ = entry
    if sub is None:
        if kind != "group" or len(obj.parts) < 2 or set(obj.separators) != {","}:
            raise r.fail(it, f"\\{op}(a, b, …) or \\{op}_x f")
        build = sp.Min if op == "min" else sp.Max
        return r.scripts(r.guard(lambda: build(*r.part_values(obj)), obj), obj.scripts, obj)
    over = {"min": ops.MinOver, "max": ops.MaxOver, "argmin": ops.ArgMin, "argmax": ops.ArgMax}
    return over[op](r.operand(entry, it), *r.specs(sub))


def apply_operator(r, op: str, it, entry):
    """The value of operator ``op`` (written at item ``it``) applied to the next factor."""
    sub, sup = _sub_sup(it) if isinstance(it, Name) else (None, None)
    if op == "derivative":
        return _derivative(r, it, r.operand(entry, it), it.variable, it.order)
    if op in ops.UNARY:
        arg = r.operand(entry, it)
        if sub is not None and op == "log":
            value = r.guard(lambda: sp.log(arg, r.script_value(sub)), it)
        elif sub is not None:
            raise r.fail(sub, f"no subscript on \\{op}")
        else:
            value = r.guard(lambda: ops.UNARY[op](arg), it)
        return r.scripts(value, [sup] if sup else [], it)
    if op == "det":
        arg = r.operand(entry, it)
        return sp.Determinant(arg) if ops.is_matrix(arg) else ops.Det(arg)
    if op == "tr":
        arg = r.operand(entry, it)
        return r.guard(lambda: sp.Trace(arg), it) if ops.is_matrix(arg) else ops.Tr(arg)
    if op == "E":
        return _expectation(r, it, entry)
    if op == "P":
        return _probability(r, it, entry)
    if op == "KL":
        return _two_laws(r, it, entry, ops.KL, {",", "|", "||"})
    if op == "N":
        return _gaussian(r, it, entry)
    if op in ("nabla", "partial"):
        arg = r.operand(entry, it)
        if sub is None:
            if op == "partial":
                raise r.fail(it, "a variable: \\partial_x f")
            return ops.Gradient(arg)
        return _derivative(r, it, arg, _variable(r, sub))
    if op in ops.LAPLACIAN_KINDS:
        return ops.LAPLACIAN_KINDS[op](r.operand(entry, it))
    if op == "lim":
        if sub is None:
            raise r.fail(it, "\\lim_{n \\to a}")
        parts, _ = r.reparse(sub)
        if len(parts) != 1 or parts[0].relations != ["\\to"] and parts[0].relations != \
                ["\\rightarrow"]:
            raise r.fail(sub, "\\lim_{n \\to a}")
        n, a = (r.value(e) for e in parts[0].exprs)
        arg = r.operand(entry, it)
        return r.guard(lambda: sp.Limit(arg, n, a), it)
    if op in ("min", "max", "argmin", "argmax"):
        return _extremum(r, it, entry, op)
    raise r.fail(it, f"a supported operator, not {op}")


# ---------------------------------------------------------------- big operators

def _is_d(r, item) -> bool:
    """``d`` or ``\\mathrm{d}`` without scripts (not ``\\partial``)."""
    return r._is_differential(item) and item.base != "\\partial"


def _over_whole_space(r, b, integrand, names: list):
    """``\\int f\\,dx`` without limits: over the table's domain of ``x``, else ``IntegralOver``."""
    value = integrand
    for name in names:
        var = r.value(name)
        domain = r.notation.domain(name.key()) if isinstance(name, Name) else None
        if domain is not None:
            value = r.guard(lambda v=value, x=var: sp.Integral(v, (x, *domain)), b)
        else:
            value = ops.IntegralOver(value, var)
    return value


def _differentials(r, items: list) -> tuple[list, list]:
    """Split ``d x`` pairs off the start and the end of an integrand."""
    found = []
    while len(items) >= 2 and _is_d(r, items[0]) and isinstance(items[1], Name):
        found.append(items[1])
        items = items[2:]
    while len(items) >= 2 and _is_d(r, items[-2]) and isinstance(items[-1], Name):
        found.append(items[-1])
        items = items[:-2]
    return found, items


def _integral(r, b: BigOp):
    sub, sup = b.script("sub"), b.script("sup")
    names, items = _differentials(r, list(b.body.items))
    if any(isinstance(x, BigOp) for x in items[:-1]):
        raise r.fail(b, "one integrand")
    integrand = r.resolve(Juxt(b.line, b.column, items=items)) if items else sp.Integer(1)
    if not names:
        if sub is not None and sup is None:          # \int_z f: over the whole space of z
            parts, _ = r.reparse(sub)
            only = parts[0].exprs[0] if len(parts) == 1 and not parts[0].relations else None
            if isinstance(only, Juxt) and len(only.items) == 1 and isinstance(only.items[0],
                                                                              Name):
                return _over_whole_space(r, b, integrand, [only.items[0]])
        raise r.fail(b, "a differential d<variable> in the integral")
    if sub is None and sup is None:
        return _over_whole_space(r, b, integrand, names)
    variables = [r.value(n) for n in names]
    if len(variables) != 1:
        raise r.fail(b, "one differential for an integral with limits")
    (x,) = variables
    if sup is None:
        return ops.IntegralOver(integrand, x, r.script_value(sub))
    if sub is None:
        raise r.fail(b, "a lower limit with the upper one")
    lo, hi = r.script_value(sub), r.script_value(sup)
    return r.guard(lambda: sp.Integral(integrand, (x, lo, hi)), b)


def _index_names(chain) -> list | None:
    """The names of ``ij`` / ``\\tau`` in a subscript without relations, else None."""
    if chain.relations or len(chain.exprs) != 1 or not isinstance(chain.exprs[0], Juxt):
        return None
    items = chain.exprs[0].items
    return items if all(isinstance(x, Name) for x in items) else None


def _sum_or_product(r, b: BigOp):
    sub, sup = b.script("sub"), b.script("sup")
    exact, over = (sp.Sum, ops.SumOver) if b.head == "\\sum" else (sp.Product, ops.ProductOver)
    if sub is None:
        raise r.fail(b, f"an index under {b.head} (such as {b.head}_{{i=1}}^{{n}})")
    body = r.resolve(b.body)
    parts, seps = r.reparse(sub)
    hi = r.script_value(sup) if sup is not None else None
    if len(parts) == 1 and parts[0].relations == ["="]:
        names = _index_names(RawChainView(parts[0].exprs[0]))
        if names is None or len(names) != 1:
            raise r.fail(sub, "one index before '='")
        if hi is None:
            raise r.fail(b, "an upper limit with the lower one")
        var, lo = r.value(names[0]), r.value(parts[0].exprs[1])
        return r.guard(lambda: exact(body, (var, lo, hi)), b)
    plain = [_index_names(p) for p in parts]
    if all(n is not None for n in plain) and set(seps) <= {","}:
        names = [n for group in plain for n in group]
        if hi is not None:
            raise r.fail(b, "a lower limit with the upper one (write i=1)")
        value = body
        for name in reversed(names):
            var = r.value(name)
            rng = r.notation.index_range(name.key())
            if rng is not None:
                value = r.guard(lambda v=value, x=var: exact(v, (x, *rng)), b)
            else:
                value = over(value, var)
        return value
    if hi is not None:
        raise r.fail(b, "either limits or conditions under the sum, not both")
    conds = []
    for p, names in zip(parts, plain):
        if names is not None:
            conds.extend(r.value(n) for n in names)
        elif len(p.relations) == 1:
            conds.append(r.condition(p))
        else:
            raise r.fail(p, "one relation per condition under the sum")
    return over(body, *conds)


class RawChainView:
    """A bare expression seen as a relation-free chain (for :func:`_index_names`)."""

    def __init__(self, expr):
        self.exprs, self.relations = [expr], []


def big_operator(r, b: BigOp):
    """The value of ``\\sum``/``\\prod``/``\\int`` with its scripts and its operand."""
    if b.head in ("\\int",):
        return _integral(r, b)
    if b.head in ("\\sum", "\\prod"):
        return _sum_or_product(r, b)
    raise r.fail(b, f"a supported big operator, not {b.head}")
