"""The notation table: which SymPy object each LaTeX name of the notes stands for.

>>> import sympy as sp
>>> x_s, C, d = sp.Symbol("x_sigma"), sp.MatrixSymbol("C", 3, 3), 3
>>> t = Notation({r"x_\\sigma": x_s, "C": C, r"\\mathbb{I}": sp.Identity(d)},
...              functions={"p": sp.Function("p")})
>>> t.lookup(r"x_{\\sigma}")
('symbol', x_sigma)

Keys are LaTeX, read by the same grammar as the notes, so ``x_\\sigma`` and ``x_{\\sigma}`` are one
key while ``\\hat{x}_\\sigma`` is another.  A name the table does not bind is an error in strict
mode; :meth:`Notation.discovery` makes a permissive table that invents plain symbols and
functions by convention and says so (for parse-status reports only, never for checking).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Mapping

import sympy as sp

GREEK = {"\\" + g for g in (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
    "omicron pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
    "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega").split()}
# commands that are names (letters) rather than operators
NAME_COMMANDS = GREEK | {"\\ell", "\\hbar", "\\imath", "\\jmath", "\\aleph", "\\partial",
                         "\\nabla", "\\infty"}
# names with a conventional meaning unless the table binds them
CONSTANTS = {"e": sp.E, "\\pi": sp.pi, "\\infty": sp.oo}
OPERATOR_KINDS = ("laplacian", "gradient", "divergence")


@lru_cache(maxsize=4096)
def name_key(latex: str) -> str:
    """The canonical key of a LaTeX name (``x_\\sigma`` → ``x_{\\sigma}``); ValueError if not one."""
    from .nodes import Juxt, Name
    from .parser import parse_tree_items

    items = parse_tree_items(latex)
    part = items.parts[0] if len(items.parts) == 1 else None
    expr = part.exprs[0] if part is not None and len(part.exprs) == 1 else None
    if isinstance(expr, Juxt) and len(expr.items) == 1 and isinstance(expr.items[0], Name):
        return expr.items[0].key()
    raise ValueError(f"notation key {latex!r}: expected one LaTeX name such as x_\\sigma")


class Notation:
    """LaTeX names → SymPy: symbols (any expression, matrices), functions, operators, indices.

    ``symbols``: name → expression (``sp.Symbol`` with assumptions, ``sp.MatrixSymbol``,
    ``sp.Identity(d)``, an ``sp.IndexedBase`` whose subscripts are indices, any expression).
    ``functions``: name → callable SymPy (``sp.Function("p")``, ``sp.Lambda``, ``sp.exp``), so
    ``p(x)`` is an application while ``a(b+c)`` (``a`` a symbol) is a product.
    ``operators``: name → one of ``laplacian``, ``gradient``, ``divergence`` (e.g.
    ``{"\\Delta": "laplacian"}``; otherwise ``\\Delta`` is a symbol).
    ``indices``: index name → ``(low, high)`` range, used by ``\\sum_i`` without limits.
    ``domains``: integration variable → ``(low, high)``: ``\\int f\\,dx`` without limits is
    over the whole space of ``x``; with a domain it is ``Integral(f, (x, low, high))``, without
    one the unevaluated ``IntegralOver(f, x)`` (never SymPy's antiderivative).
    ``families``: name → function whose subscripts are its first arguments, so that with
    ``families={"p": p}`` the notes' ``p_k(x)`` is ``p(k, x)`` (and depends on ``k``).
    ``coordinate``: the one coordinate (a ``sp.Symbol``) in which the notes' ``∇``, ``∇·`` and
    ``Δ`` are checked — ``∂/∂x``, ``∂/∂x``, ``∂²/∂x²`` — for a derivation checked in one
    dimension; without it they stay the reader's unevaluated operators (never checked).
    """

    def __init__(self, symbols: Mapping[str, Any] | None = None,
                 functions: Mapping[str, Callable] | None = None, *,
                 operators: Mapping[str, str] | None = None,
                 indices: Mapping[str, tuple] | None = None,
                 families: Mapping[str, Callable] | None = None,
                 domains: Mapping[str, tuple] | None = None, discovery: bool = False,
                 coordinate: sp.Symbol | None = None):
        self.symbols = {name_key(k): v for k, v in (symbols or {}).items()}
        self.functions = {name_key(k): f for k, f in (functions or {}).items()}
        self.operators = {name_key(k): v for k, v in (operators or {}).items()}
        for k, v in self.operators.items():
            if v not in OPERATOR_KINDS:
                raise ValueError(f"operator {k!r}: got {v!r}, expected one of {OPERATOR_KINDS}")
        self.indices = {name_key(k): tuple(v) for k, v in (indices or {}).items()}
        self.families = {name_key(k): f for k, f in (families or {}).items()}
        self.domains = {name_key(k): tuple(v) for k, v in (domains or {}).items()}
        if coordinate is not None and not isinstance(coordinate, sp.Symbol):
            raise ValueError(f"coordinate={coordinate!r}: expected a sympy Symbol")
        self.coordinate = coordinate
        both = set(self.symbols) & set(self.functions)
        if both:
            raise ValueError(f"names bound both as symbol and function: {sorted(both)}")
        self.discovery_mode = discovery
        self._invented: dict[tuple[str, str], Any] = {}

    @classmethod
    def discovery(cls, base: "Notation | None" = None) -> "Notation":
        """A permissive table: unbound names become plain symbols/functions (recorded)."""
        base = base or cls()
        return cls(*base._maps(), operators=base._ops(), indices=base._idx(),
                   families=dict(base.families), domains=dict(base.domains), discovery=True,
                   coordinate=base.coordinate)

    def merge(self, other: "Notation") -> "Notation":
        """This table with ``other`` 's bindings added (``other`` wins on a shared name)."""
        syms = {**{k: v for k, v in self.symbols.items() if k not in other.functions},
                **other.symbols}
        funcs = {**{k: v for k, v in self.functions.items() if k not in other.symbols},
                 **other.functions}
        return Notation(syms, funcs, operators={**self.operators, **other.operators},
                        indices={**self.indices, **other.indices},
                        families={**self.families, **other.families},
                        domains={**self.domains, **other.domains},
                        discovery=self.discovery_mode or other.discovery_mode,
                        coordinate=other.coordinate if other.coordinate is not None
                        else self.coordinate)

    def _maps(self):
        return dict(self.symbols), dict(self.functions)

    def _ops(self):
        return dict(self.operators)

    def _idx(self):
        return dict(self.indices)

    def lookup(self, key: str) -> tuple[str, Any] | None:
        """``("symbol", expr)`` or ``("function", f)`` for a canonical key, else None."""
        if key in self.symbols:
            return "symbol", self.symbols[key]
        if key in self.functions:
            return "function", self.functions[key]
        return None

    def operator(self, key: str) -> str | None:
        return self.operators.get(key)

    def family(self, key: str) -> Callable | None:
        return self.families.get(key)

    def domain(self, key: str) -> tuple | None:
        return self.domains.get(key)

    def index_range(self, key: str) -> tuple | None:
        return self.indices.get(key)

    def invent(self, key: str, kind: str) -> Any:
        """Discovery mode: the plain symbol or function named ``key`` (the same one each time)."""
        if not self.discovery_mode:
            raise RuntimeError("invent() is for discovery mode only")
        slot = (key, kind)
        if slot not in self._invented:
            self._invented[slot] = sp.Function(key) if kind == "function" else sp.Symbol(key)
        return self._invented[slot]

    def __repr__(self) -> str:
        return (f"Notation({len(self.symbols)} symbols, {len(self.functions)} functions"
                + (", discovery" if self.discovery_mode else "") + ")")
