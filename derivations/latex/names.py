"""Names through the notation table: symbol, function, operator, index — or an error."""
from __future__ import annotations

import re

import sympy as sp

from . import operators as ops
from .errors import ProseFound, UnboundName
from .groups import call_group
from .nodes import Group, Juxt, Name, Script
from .notation import CONSTANTS, NAME_COMMANDS

# superscripts that belong to a name (U^*, x^{(t)}) rather than make a power
NAME_LIKE_SUPS = {"*", "\\ast", "\\star", "\\prime", "\\dagger", "T", "\\top", "\\intercal"}
LABEL_SUP = re.compile(r"\([^()]*\)$")          # ^{(t)}: a label, not a power
_KL_NAMES = {"D_{KL}", "D_{\\text{KL}}", "KL"}


class NameResolver:
    """What a name stands for (mixed into :class:`.resolve.Resolver`)."""

    def name(self, it: Name, nxt):
        """``("symbol", value)``, ``("function", f)`` or ``("op", kind)`` for a name."""
        n = self.notation
        sup = it.script("sup")
        found = n.lookup(it.key(True))
        if found:
            return found
        found = n.lookup(it.key(False))
        if found:
            kind, obj = found
            if kind == "function" and sup:
                raise self.fail(it, f"no superscript on the function {it.key(False)} "
                                    "(bind the superscripted name in the notation table)")
            return kind, self.scripts(obj, [s for s in it.scripts if s.kind == "sup"], it)
        op = self.operator_of(it, nxt)
        if op:
            return "op", op
        plain = it.base + "'" * sum(s.kind == "prime" for s in it.scripts)
        sub = it.script("sub")
        family = n.family(plain)
        if family is not None and sub is not None and sup is None:
            index = self.indices(sub)
            return "function", lambda *args: family(*index, *args)
        if it.base in CONSTANTS and plain == it.base and sub is None \
                and n.lookup(it.base) is None:
            return "value", self.scripts(CONSTANTS[it.base], it.scripts, it)
        base = n.lookup(plain)
        if base and sub and isinstance(base[1], sp.IndexedBase):
            value = self.guard(lambda: base[1][self.indices(sub)], it)
            return "value", self.scripts(value, [s for s in it.scripts if s.kind == "sup"], it)
        return self.unbound(it, nxt)

    def unbound(self, it: Name, nxt):
        if it.base.startswith("\\") and not it.base.startswith(("\\text{", "\\math", "\\hat",
                                                                "\\bar", "\\tilde", "\\under",
                                                                "\\over", "\\dot", "\\ddot",
                                                                "\\vec", "\\wide", "\\check",
                                                                "\\breve", "\\bm", "\\bold")) \
                and it.base not in NAME_COMMANDS:
            raise self.fail(it, f"a supported command, not {it.base}")
        applied = isinstance(call_group(nxt), Group) and call_group(nxt).kind == "("
        if it.word is not None and not (self.notation.discovery_mode and applied):
            raise self.fail(it, f"mathematics, not the words {it.base}", ProseFound)
        if not self.notation.discovery_mode:
            raise self.fail(it, f"unbound name {it.key(False)}", UnboundName)
        sup = it.script("sup")
        if applied:
            self.assumed.append(f"{it.key(True)}: function")
            return "function", self.notation.invent(it.key(True), "function")
        if sup is not None and (sup.text in NAME_LIKE_SUPS or LABEL_SUP.match(sup.text)
                                or sup.text.startswith("\\text") or
                                (sup.text.isalpha() and len(sup.text) > 1)):
            self.assumed.append(f"{it.key(True)}: symbol")
            return "value", self.notation.invent(it.key(True), "symbol")
        self.assumed.append(f"{it.key(False)}: symbol")
        value = self.notation.invent(it.key(False), "symbol")
        return "value", self.scripts(value, [s for s in it.scripts if s.kind == "sup"], it)

    def operator_of(self, it: Name, nxt) -> str | None:
        bound = self.notation.operator(it.key(False)) or self.notation.operator(it.base)
        if bound:
            return bound
        if it.key(False) in _KL_NAMES:
            return "KL"
        if it.word is not None:
            op = ops.TEXT_OPS.get(it.word)
        else:
            op = ops.COMMAND_OPS.get(it.base) or ops.FONT_OPS.get(it.base)
        if op == "N" and not isinstance(nxt, Group):
            return None
        if op in ("min", "max") and it.script("sub") is None and not isinstance(nxt, Group):
            return None
        return op

    def indices(self, sub: Script):
        parts, _ = self.reparse(sub)
        if len(parts) == 1 and isinstance(parts[0].exprs[0], Juxt) and not parts[0].relations \
                and all(isinstance(x, Name) for x in parts[0].exprs[0].items):
            return tuple(self.value(x) for x in parts[0].exprs[0].items)
        return tuple(self.value(p) for p in parts)

