"""Front matter → declarations: symbols with assumptions, functions, matrices, the notation table.

The front matter is data (see the README, "Derivations in a file")::

    title: Variance of the Ornstein–Uhlenbeck process
    symbols:
      t: positive
      s: {real: true, range: [0, 3]}
      S: {values: [-1, 1]}          # a finite domain: checked exhaustively
    functions:
      p: {family: gaussian_mixture}
    dimensions:
      d: [1, 2, 3]
    matrices:
      C: {shape: [d, d], properties: [spd]}
      I: {identity: d}
    vectors:
      x: {size: d}
    notation:
      '\\mathbb{I}': I

Every declared name is bound in a *strict* :class:`~derivations.latex.Notation` under its own
LaTeX (``kappa`` → ``\\kappa``, ``x_sigma`` → ``x_{\\sigma}``) and under the keys of
``notation:``; a name in a block that is not declared is an error, never a new symbol.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import sympy as sp

from ..model import FunctionFamily, Matrix
from .source import fail
from .yaml_tree import Node

SECTIONS = ("title", "lecture", "section", "symbols", "functions", "dimensions", "matrices",
            "vectors", "notation")
ASSUMPTIONS = ("real", "positive", "negative", "nonnegative", "nonpositive", "integer", "nonzero")
PROPERTIES = ("symmetric", "spd", "orthogonal", "diagonal")
FAMILIES = ("gaussian_mixture",)
GREEK = set("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda "
            "mu nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
            "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split())
MAX_DIMENSION = 6          # exact rational matrices grow fast
MIN_WIDTH = Fraction(1, 7)  # admissible points are rationals with denominators 7 … 29
NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"


@dataclass
class Declarations:
    """What the front matter declares, ready for :class:`~derivations.model.Derivation`."""

    title: str = ""
    lecture: str = ""
    section: str = ""
    objects: dict[str, Any] = field(default_factory=dict)      # name -> symbol / matrix
    functions: dict[str, Any] = field(default_factory=dict)    # name -> sympy Function
    families: list[FunctionFamily] = field(default_factory=list)
    matrices: list[Matrix] = field(default_factory=list)
    ranges: dict = field(default_factory=dict)
    dimensions: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)                  # symbol -> finite domain
    notation: Any = None


class _Reader:
    """Turns the front matter's nodes into declarations; every error names its position."""

    def __init__(self, path: str, root: Node):
        self.path, self.root, self.out = path, root, Declarations()
        self.where: dict[str, Node] = {}        # declared name -> where it was declared

    def error(self, node: Node, what: str):
        return fail(self.path, node.line, node.column, what)

    def key_error(self, node: Node, what: str):
        line, column = node.key or (node.line, node.column)
        return fail(self.path, line, column, what)

    # ------------------------------------------------------------ helpers
    def mapping(self, node: Node, what: str) -> dict[str, Node]:
        if node.kind == "scalar" and node.value is None:
            return {}
        if node.kind != "map":
            raise self.error(node, f"expected {what} as a mapping (name: value), got "
                                   f"{_shown(node)}")
        return node.value

    def text(self, node: Node, what: str) -> str:
        if node.kind != "scalar" or not isinstance(node.value, (str, int, float)) \
                or isinstance(node.value, bool):
            raise self.error(node, f"expected {what} as text, got {_shown(node)}")
        return str(node.value)

    def number(self, node: Node, what: str) -> Fraction:
        v = node.value if node.kind == "scalar" else None
        try:
            if isinstance(v, bool) or v is None:
                raise ValueError
            if isinstance(v, float) and not (abs(v) < 1e12):
                raise ValueError
            q = Fraction(v) if isinstance(v, (int, float)) else Fraction(str(v).strip())
            if abs(q.numerator) > 10 ** 12 or q.denominator > 10 ** 12:
                raise ValueError
            return q
        except (ValueError, ZeroDivisionError, TypeError):
            raise self.error(node, f"expected {what} as a number (e.g. 2, -0.5, 1/3), got "
                                   f"{_shown(node)}") from None

    def name(self, key: str, node: Node, kind: str) -> str:
        if not key or key[0] not in NAME_CHARS[:52] or any(c not in NAME_CHARS for c in key) \
                or len(key) > 40:
            raise self.key_error(node, f"expected a {kind} name of letters, digits and underscores "
                                   f"starting with a letter (e.g. sigma, x_0), got {key!r}")
        if key in self.where:
            raise self.key_error(node, f"expected each name declared once, got {key!r} again "
                                   f"(declared on line {self.where[key].line})")
        self.where[key] = node
        return key

    # ------------------------------------------------------------ sections
    def read(self) -> Declarations:
        top = self.mapping(self.root, "the front matter")
        for key, node in top.items():
            if key not in SECTIONS:
                raise self.key_error(node, f"expected one of the sections {', '.join(SECTIONS)}; "
                                       f"got {key!r}")
        for key in ("title", "lecture", "section"):
            if key in top and not (top[key].kind == "scalar" and top[key].value is None):
                setattr(self.out, key, self.text(top[key], key))
        for name, node in self.mapping(top.get("dimensions", _EMPTY), "dimensions").items():
            self.dimension(name, node)
        for name, node in self.mapping(top.get("symbols", _EMPTY), "symbols").items():
            self.symbol(name, node)
        for name, node in self.mapping(top.get("functions", _EMPTY), "functions").items():
            self.function(name, node)
        for name, node in self.mapping(top.get("matrices", _EMPTY), "matrices").items():
            self.matrix(name, node)
        for name, node in self.mapping(top.get("vectors", _EMPTY), "vectors").items():
            self.vector(name, node)
        self.out.notation = self.notation(top.get("notation", _EMPTY))
        return self.out

    def dimension(self, name: str, node: Node) -> None:
        self.name(name, node, "dimension")
        if node.kind != "list" or not node.value:
            raise self.error(node, f"dimension {name}: expected a list of sizes, e.g. [1, 2, 3]")
        sizes = []
        for item in node.value:
            q = self.number(item, f"a size of {name}")
            if q.denominator != 1 or not 1 <= q <= MAX_DIMENSION:
                raise self.error(item, f"dimension {name}: expected sizes 1 … {MAX_DIMENSION}, "
                                       f"got {_shown(item)}")
            sizes.append(int(q))
        sym = sp.Symbol(name, integer=True, positive=True)
        self.out.objects[name] = sym
        self.out.dimensions[sym] = tuple(dict.fromkeys(sizes))

    def symbol(self, name: str, node: Node) -> None:
        self.name(name, node, "symbol")
        flags: dict[str, bool] = {}
        extra: dict[str, Node] = {}
        if node.kind == "scalar" and node.value is None:
            pass
        elif node.kind == "scalar":
            flags[self.assumption(self.text(node, f"symbol {name}'s assumption"), node)] = True
        elif node.kind == "list":
            for item in node.value:
                flags[self.assumption(self.text(item, f"symbol {name}'s assumption"), item)] = True
        else:
            for key, value in node.value.items():
                if key in ("range", "values"):
                    extra[key] = value
                    continue
                self.assumption(key, value)
                if value.kind != "scalar" or not isinstance(value.value, bool):
                    raise self.error(value, f"symbol {name}: expected {key}: true or false, got "
                                            f"{_shown(value)}")
                flags[key] = value.value
        if "range" in extra:
            flags.setdefault("real", True)
        try:
            sym = sp.Symbol(name, **flags)
            _ = sym.is_positive     # contradictory assumptions raise here
        except Exception as exc:  # noqa: BLE001 - SymPy's InconsistentAssumptions and friends
            raise self.error(node, f"symbol {name}: expected consistent assumptions, got "
                                   f"{flags} ({type(exc).__name__})") from None
        self.out.objects[name] = sym
        if "range" in extra:
            self.out.ranges[sym] = self.range(sym, extra["range"])
        if "values" in extra:
            self.out.values[sym] = self.values(sym, extra["values"])

    def assumption(self, word: str, node: Node) -> str:
        if word not in ASSUMPTIONS:
            raise self.error(node, f"expected an assumption ({', '.join(ASSUMPTIONS)}) or "
                                   f"range/values, got {word!r}")
        return word

    def range(self, sym: sp.Symbol, node: Node) -> tuple:
        if node.kind != "list" or len(node.value) != 2:
            raise self.error(node, f"symbol {sym}: expected range: [low, high], got {_shown(node)}")
        lo, hi = (self.number(v, f"a bound of {sym}'s range") for v in node.value)
        if sym.is_integer:
            if lo.denominator != 1 or hi.denominator != 1 or lo > hi:
                raise self.error(node, f"symbol {sym} is an integer: expected integer bounds "
                                       f"low <= high, got [{lo}, {hi}]")
        elif hi - lo < MIN_WIDTH:
            raise self.error(node, f"symbol {sym}: expected a range at least 1/7 wide (points "
                                   f"are rationals with denominators 7 … 29), got [{lo}, {hi}]")
        inside = {"positive": lo > 0, "negative": hi < 0, "nonnegative": lo >= 0,
                  "nonpositive": hi <= 0, "nonzero": lo > 0 or hi < 0}
        for word, ok in inside.items():
            if getattr(sym, f"is_{word}") and not ok:
                raise self.error(node, f"symbol {sym} is {word}: expected a range inside that "
                                       f"set, got [{lo}, {hi}]")
        return sp.Rational(lo.numerator, lo.denominator), sp.Rational(hi.numerator, hi.denominator)

    def values(self, sym: sp.Symbol, node: Node) -> tuple:
        if node.kind != "list" or not 1 <= len(node.value) <= 64:
            raise self.error(node, f"symbol {sym}: expected values: a list of 1 … 64 numbers "
                                   f"(a finite domain, e.g. [-1, 1]), got {_shown(node)}")
        out = []
        for item in node.value:
            q = self.number(item, f"a value of {sym}")
            v = sp.Rational(q.numerator, q.denominator)
            checks = {"integer": v.is_integer, "positive": v > 0, "negative": v < 0,
                      "nonnegative": v >= 0, "nonpositive": v <= 0, "nonzero": v != 0}
            for word, ok in checks.items():
                if getattr(sym, f"is_{word}") and not ok:
                    raise self.error(item, f"symbol {sym} is {word}: expected values that are "
                                           f"too, got {q}")
            out.append(v)
        return tuple(dict.fromkeys(out))

    def function(self, name: str, node: Node) -> None:
        self.name(name, node, "function")
        spec = self.mapping(node, f"function {name}") if node.kind != "scalar" or \
            node.value is None else {"family": node}
        f = sp.Function(name)
        for key, value in spec.items():
            if key != "family":
                raise self.error(value, f"function {name}: expected family: "
                                        f"{' | '.join(FAMILIES)}, got key {key!r}")
            fam = self.text(value, f"function {name}'s family")
            if fam not in FAMILIES:
                raise self.error(value, f"function {name}: expected family one of "
                                        f"{', '.join(FAMILIES)}, got {fam!r}")
            from ..symbolic.prior_integral import gaussian_mixtures

            self.out.families.append(gaussian_mixtures(f))
        self.out.functions[name] = f

    def size(self, node: Node, what: str):
        if node.kind == "scalar" and isinstance(node.value, str) and \
                node.value in self.out.objects and self.out.objects[node.value] in self.out.dimensions:
            return self.out.objects[node.value]
        q = self.number(node, what) if not isinstance(node.value, str) else None
        if q is None or q.denominator != 1 or not 1 <= q <= MAX_DIMENSION:
            raise self.error(node, f"expected {what}: a size 1 … {MAX_DIMENSION} or a name under "
                                   f"dimensions:, got {_shown(node)}")
        return sp.Integer(int(q))

    def matrix(self, name: str, node: Node) -> None:
        self.name(name, node, "matrix")
        spec = self.mapping(node, f"matrix {name}")
        allowed = ("shape", "properties", "identity")
        for key, value in spec.items():
            if key not in allowed:
                raise self.error(value, f"matrix {name}: expected one of {', '.join(allowed)}, "
                                        f"got {key!r}")
        if "identity" in spec:
            if len(spec) > 1:
                raise self.error(node, f"matrix {name}: expected identity: SIZE alone")
            self.out.objects[name] = sp.Identity(self.size(spec["identity"], f"{name}'s size"))
            return
        if "shape" not in spec or spec["shape"].kind != "list" or len(spec["shape"].value) != 2:
            raise self.error(spec.get("shape", node), f"matrix {name}: expected shape: "
                                                      "[rows, columns]")
        rows, cols = (self.size(v, f"a dimension of {name}") for v in spec["shape"].value)
        self.declare_matrix(name, rows, cols, spec.get("properties"))

    def vector(self, name: str, node: Node) -> None:
        self.name(name, node, "vector")
        spec = self.mapping(node, f"vector {name}")
        if set(spec) != {"size"}:
            raise self.error(node, f"vector {name}: expected size: N (a column vector)")
        self.declare_matrix(name, self.size(spec["size"], f"{name}'s size"), sp.Integer(1), None)

    def declare_matrix(self, name, rows, cols, props_node: Node | None) -> None:
        props: list[str] = []
        if props_node is not None:
            items = props_node.value if props_node.kind == "list" else [props_node]
            for item in items:
                word = self.text(item, f"a property of {name}")
                if word not in PROPERTIES:
                    raise self.error(item, f"matrix {name}: expected properties among "
                                           f"{', '.join(PROPERTIES)}, got {word!r}")
                if rows != cols:
                    raise self.error(item, f"matrix {name}: expected a square shape for {word}")
                props.append(word)
        m = sp.MatrixSymbol(name, rows, cols)
        self.out.objects[name] = m
        self.out.matrices.append(Matrix(m, frozenset(props)))

    def notation(self, node: Node):
        from ..latex import Notation
        from ..latex.notation import name_key

        symbols: dict[str, Any] = {}
        functions: dict[str, Any] = {}
        keys: dict[str, str] = {}            # canonical key -> declared name

        def bind(latex: str, name: str, at: Node) -> None:
            try:
                key = name_key(latex)
            except Exception:  # noqa: BLE001 - the reader's ValueError/LatexError
                raise self.error(at, f"expected one LaTeX name (e.g. \\kappa, x_\\sigma, "
                                     f"\\hat{{x}}), got {latex!r}") from None
            if key in keys and keys[key] != name:
                raise self.error(at, f"expected each LaTeX name bound once, got {latex!r} for "
                                     f"{name} and {keys[key]}")
            keys[key] = name
            (functions if name in self.out.functions else symbols)[key] = \
                self.out.functions.get(name, self.out.objects.get(name))

        explicit = self.mapping(node, "notation")
        bound_explicitly = set()
        for latex, value in explicit.items():
            target = self.text(value, f"the declared name bound to {latex!r}")
            if target not in self.out.objects and target not in self.out.functions:
                raise self.error(value, f"expected a declared name for {latex!r}, got "
                                        f"{target!r} (declare it under symbols:, functions:, "
                                        f"matrices:, vectors: or dimensions:)")
            bind(latex, target, value)
            bound_explicitly.add(target)
        for name in list(self.out.objects) + list(self.out.functions):
            latex = default_latex(name)
            if latex is None:
                if name not in bound_explicitly:
                    raise self.key_error(self.where[name], f"{name}: expected a LaTeX name for it "
                                     f"under notation: (e.g. '\\hat{{x}}': {name})")
                continue
            try:
                key = name_key(latex)
            except Exception:  # noqa: BLE001
                key = None
            if key is None:
                if name not in bound_explicitly:
                    raise self.key_error(self.where[name], f"{name}: expected a LaTeX name for it "
                                     f"under notation: (e.g. '\\hat{{x}}': {name})")
                continue
            if key not in keys:
                bind(latex, name, self.where[name])
        return Notation(symbols, functions, domains=_domains(self.out, symbols))


def _domains(out: Declarations, symbols: dict) -> dict:
    """``\\int f\\, dx`` without limits is over the real line for a real symbol without a sign
    or a range; any other integral needs its limits written (an error otherwise)."""
    doms = {}
    for key, sym in symbols.items():
        if isinstance(sym, sp.Symbol) and sym.is_real and sym not in out.ranges and \
                sym not in out.dimensions and sym.is_positive is None and sym.is_negative is None \
                and sym.is_nonnegative is None and sym.is_nonpositive is None:
            doms[key] = (-sp.oo, sp.oo)
    return doms


def default_latex(name: str) -> str | None:
    """The LaTeX a declared name is written with: ``kappa`` → ``\\kappa``, ``x_sigma`` →
    ``x_{\\sigma}``, ``x_0`` → ``x_{0}``; None if the name is not LaTeX-like (``xhat``)."""
    def part(p: str) -> str | None:
        if p in GREEK:
            return "\\" + p
        if len(p) == 1 and p.isalpha():
            return p
        if p.isdigit():
            return p
        return None

    base, _, sub = name.partition("_")
    b = part(base)
    if b is None or b.isdigit():
        return None
    if not sub:
        return b
    s = part(sub) if "_" not in sub else None
    if s is None and sub.isalnum() and len(sub) <= 3:
        s = sub          # x_ij, t_max is not: "max" ≤ 3 letters reads as a product of letters
    return f"{b}_{{{s}}}" if s is not None else None


def _shown(node: Node) -> str:
    if node.kind == "map":
        return "a mapping"
    if node.kind == "list":
        return "a list"
    return repr(node.value)


_EMPTY = Node(None, 1, 1, "scalar")


def read(path: str, root: Node) -> Declarations:
    """The declarations of a front matter (``InputError`` at the first bad declaration)."""
    return _Reader(path, root).read()
