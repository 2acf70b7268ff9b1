"""The declarative model: what a lecture claims (DESIGN §1).

A :class:`Derivation` is data — id, source labels, symbols with assumptions, steps, printed
forms and Monte Carlo claims.  Verification, mutants, rendering and coverage are generic
machinery elsewhere; nothing here computes or stores a verdict.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
import re
from typing import Any, Callable, Mapping, Sequence

import sympy as sp

from ..symbolic.build import as_expr
from .quotes import Quote
from .verdicts import RELATIONS

# a stable id: lower-case words joined by underscores ("ito_isometry", "printed_6_3_23")
ID_RE = re.compile(r"[a-z][a-z0-9_]*\Z")


@dataclass(frozen=True)
class Matrix:
    """A matrix symbol with its shape and structural properties.

    ``props`` is a subset of {"symmetric", "spd", "orthogonal", "diagonal"}; numeric checks draw
    concrete matrices with exactly these properties (exact rationals where possible).
    """

    symbol: sp.MatrixSymbol
    props: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = set(self.props) - {"symmetric", "spd", "orthogonal", "diagonal"}
        if unknown:
            raise ValueError(f"matrix {self.symbol}: unknown props {sorted(unknown)}")


@dataclass(frozen=True)
class FunctionFamily:
    """Concrete instances of an undefined function (e.g. a prior density ``p``).

    ``make(rng)`` returns a ``sympy.Lambda`` with exact (rational) parameters drawn from the
    ``random.Random`` it is given.  Steps that involve ``p(x)`` are checked numerically on such
    instances; the family must satisfy whatever the derivation assumes of ``p``.
    """

    function: sp.FunctionClass
    make: Callable[[Any], sp.Lambda]
    description: str


@dataclass(frozen=True)
class Printed:
    """The form the notes print for a step, when it differs from the corrected one."""

    lhs: Any = None  # None: same as the corrected step
    rhs: Any = None
    relation: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Step:
    """One link ``lhs <relation> rhs`` of a derivation chain.

    ``id`` is the step's stable name within its derivation (``"ito_isometry"``): seeds, cache
    keys, test ids and mutant ids derive from it, never from the step's position, so inserting
    a step changes nothing about the others.
    ``equation`` is the label printed in the notes (``"6.3.5"``) or ``None`` for an unlabelled
    intermediate step.  ``domain`` gives exact finite sets of values for symbols whose domain is
    finite (spins ±1, small N): such steps are checked exhaustively over the product.
    ``constraints`` are extra sympy relations the numeric points must satisfy.
    """

    lhs: Any
    rhs: Any
    justification: str
    equation: str | None = None
    relation: str = "="
    printed: Printed | None = None
    domain: Mapping[sp.Symbol, Sequence[Any]] | None = None
    constraints: tuple = ()
    tolerance: float = 1e-20
    id: str = field(kw_only=True)
    # mutants of this step that are equivalent for a reason SymPy cannot prove in its time
    # limit: mutant site pattern (fnmatch, e.g. "scale-term:rhs@1.1.*") -> the reason
    equivalent_mutants: Mapping[str, str] = field(default_factory=dict, kw_only=True)
    # a definition, not a derived result: the reason its two sides may be the same object
    definition: str = field(default="", kw_only=True)

    def _repr_html_(self) -> str:  # notebook display (derivations.report.display)
        from ..report.display import step_html

        return step_html(self)

    def _repr_latex_(self) -> str:
        from ..report.display import step_latex

        return step_latex(self)

    def __post_init__(self) -> None:
        if not (isinstance(self.id, str) and ID_RE.match(self.id)):
            raise ValueError(f"Step id={self.id!r}: expected a stable name of lower-case words "
                             "joined by underscores, e.g. 'ito_isometry'")
        if self.relation not in RELATIONS:
            raise ValueError(f"step {self.id}: relation={self.relation!r}, expected one of {RELATIONS}")
        for name in ("lhs", "rhs"):
            object.__setattr__(self, name, _side(getattr(self, name), f"step {self.id}: {name}"))
        if not isinstance(self.definition, str):
            raise ValueError(f"step {self.id}: definition={self.definition!r}, expected the reason "
                             "(a non-empty string) the step is a definition")


def _side(x, where: str):
    """A step side: a SymPy expression, an explicit matrix (made immutable) or a number."""
    if isinstance(x, sp.MatrixBase):
        return sp.ImmutableMatrix(x)
    if isinstance(x, sp.Basic):
        return x
    if isinstance(x, (int, float, Fraction)) and not isinstance(x, bool):
        return as_expr(x)
    raise ValueError(f"{where}={x!r} is a {type(x).__name__}, expected a SymPy expression, an "
                     "explicit sympy Matrix or a number (build sides from SymPy objects, never text)")


class Range(tuple):
    """A declared interval of a symbol with the reason for it.

    A ``(low, high)`` tuple — code that unpacks ``lo, hi = ranges[s]`` keeps working — plus
    ``reason``.  ``None`` for an end means unbounded (N ≥ 2: ``Range(2, None, …)``).  In
    ``Derivation.ranges`` it is the lecture's domain of validity ("a network needs two
    neurons"); in ``Derivation.sizes`` the values the numeric check evaluates, capped for
    cost ("exhaustive enumeration over 2^N spin configurations").
    """

    def __new__(cls, low, high, reason: str = ""):
        self = super().__new__(cls, (low, high))
        self.reason = reason
        return self

    def __getnewargs__(self):  # pickling (worker processes) keeps the reason
        return (self[0], self[1], self.reason)

    @property
    def low(self):
        return self[0]

    @property
    def high(self):
        return self[1]

    def __repr__(self) -> str:
        return f"Range({self[0]!r}, {self[1]!r}, {self.reason!r})"


def reason_of(bounds) -> str:
    """The declared reason of a range (a plain tuple is the lecture's own range, unexplained)."""
    return getattr(bounds, "reason", "")


def intersect(a, b):
    """The intersection of two ``(low, high)`` ranges (``None``: unbounded), ``b`` may be None."""
    if b is None:
        return a
    if a is None:
        return b
    lo = [v for v in (a[0], b[0]) if v is not None]
    hi = [v for v in (a[1], b[1]) if v is not None]
    return (max(lo, key=sp.Rational) if lo else None, min(hi, key=sp.Rational) if hi else None)


def _range_problem(sym, bounds) -> str | None:
    """Why ``bounds`` has no value admissible for ``sym``'s assumptions (None if it has one)."""
    try:
        if len(bounds) != 2:
            raise ValueError
        lo, hi = (v if isinstance(v, sp.Basic) else sp.oo * (1 if k else -1) if v is None
                  else sp.Rational(v) for k, v in enumerate(bounds))
    except (TypeError, ValueError):
        return f"expected (low, high) numbers, got {bounds!r}"
    if not (lo.is_number and hi.is_number and lo.is_extended_real and hi.is_extended_real):
        return "bounds must be real numbers"
    if lo > hi:
        return f"low {lo} > high {hi}"
    if sym.is_integer:
        lo, hi = sp.ceiling(lo), sp.floor(hi)  # ±oo stay ±oo
        if lo > hi:
            return "no integer inside it"
    if sym.is_positive and hi <= 0 or sym.is_nonnegative and hi < 0:
        return f"{sym} is declared positive/nonnegative but the range has no such value"
    if sym.is_negative and lo >= 0 or sym.is_nonpositive and lo > 0:
        return f"{sym} is declared negative/nonpositive but the range has no such value"
    if sym.is_nonzero and lo == hi == 0:
        return f"{sym} is declared nonzero but the range is {{0}}"
    if sym.is_positive and sym.is_integer and hi < 1:
        return f"{sym} is a positive integer but the range has none"
    return None


DEFAULT_TARGET_MDRE = 0.01   # resolution a planned claim is sized for (1 % relative error)
LEGACY_TARGET_MDRE = 0.25    # ceiling for claims with a fixed ``samples`` and no target


@dataclass(frozen=True)
class Claim:
    """A Monte Carlo claim: ``statistic`` of ``sampler`` samples equals ``expected``.

    ``sampler(rng, size, **params) -> ndarray`` simulates the lecture's model (never the law
    the derivation concludes) and returns ``size`` i.i.d. per-sample values, shape
    ``(size,)``, or shape ``(1 + k, size)`` whose rows ``1..k`` are control variates with
    known mean 0 (``control_note`` says which).  ``simulates`` says in words what is
    simulated (required for catalog claims).  ``statistic`` is ``"mean"``, ``"probability"``
    (mean of 0/1 values) or ``"variance"``.  ``expected`` is a sympy expression of the
    derivation's symbols — the derived closed form itself, not a re-typed copy.

    Known bias: ``rel_bias(**params) -> (lo, hi)`` bounds ``E[statistic]/expected - 1`` (a
    signed interval, e.g. the Euler–Maruyama step bias); ``bias(**params)`` is a symmetric
    absolute bound.  The sample size is planned from a pilot run for a minimum detectable
    relative error of ``target_mdre`` (default 1 %), at most ``max_samples`` (the claim's
    time budget); ``samples`` fixes it instead.  A claim whose MDRE (bias included) exceeds
    its target is ``underpowered``.  ``cases`` are the parameter points ``check`` runs;
    ``strategy`` (a hypothesis strategy of parameter dicts, or its deferred description from
    :mod:`.strategies`) is what the property tests draw (:attr:`parameter_strategy`).
    """

    name: str
    statistic: str
    expected: Any
    sampler: Callable[..., Any]
    cases: tuple[Mapping[str, Any], ...]
    strategy: Any = None
    equation: str | None = None
    bias: Callable[..., float] | None = None
    bias_note: str = ""
    samples: int | None = None
    # inadmissible twins of ``cases``: ((parameters, fragment the sampler's ValueError names), …)
    invalid_cases: tuple[tuple[Mapping[str, Any], str], ...] = ()
    simulates: str = field(default="", kw_only=True)
    rel_bias: Callable[..., tuple[float, float]] | None = field(default=None, kw_only=True)
    target_mdre: float | None = field(default=None, kw_only=True)
    target_note: str = field(default="", kw_only=True)  # why a target above 1 % (budget)
    max_samples: int = field(default=2_000_000, kw_only=True)
    pilot: int = field(default=4096, kw_only=True)
    control_note: str = field(default="", kw_only=True)

    @property
    def id(self) -> str:
        """The claim's stable id: its name (seeds, cache keys and test ids derive from it)."""
        return self.name

    @property
    def parameter_strategy(self):
        """``strategy`` as a hypothesis strategy (built on first use: ``check`` never imports
        hypothesis), or None."""
        from .strategies import resolve

        return resolve(self.strategy)

    @property
    def target(self) -> float:
        """The MDRE above which the claim is ``underpowered``."""
        if self.target_mdre is not None:
            return self.target_mdre
        return DEFAULT_TARGET_MDRE if self.samples is None else LEGACY_TARGET_MDRE

    def __post_init__(self) -> None:
        if self.statistic not in ("mean", "probability", "variance"):
            raise ValueError(f"claim {self.name}: statistic={self.statistic!r}, expected "
                             "'mean', 'probability' or 'variance'")
        if not self.cases:
            raise ValueError(f"claim {self.name}: needs at least one parameter case")
        if self.target_mdre is not None and not 0 < self.target_mdre < 1:
            raise ValueError(f"claim {self.name}: target_mdre={self.target_mdre!r}, expected "
                             "0 < target_mdre < 1")
        if self.pilot < 100 or self.max_samples < self.pilot:
            raise ValueError(f"claim {self.name}: pilot={self.pilot!r}, max_samples="
                             f"{self.max_samples!r}, expected 100 <= pilot <= max_samples")


@dataclass(frozen=True)
class Derivation:
    """A lecture derivation: a stable ``id`` (``<lecturer>.<topic>``), its source, symbols
    with assumptions, steps, and Monte Carlo claims.
    """

    id: str
    title: str
    lecture: str
    section: str
    equations: tuple[str, ...]
    steps: tuple[Step, ...]
    claims: tuple[Claim, ...] = ()
    matrices: tuple[Matrix, ...] = ()
    functions: tuple[FunctionFamily, ...] = ()
    # symbol -> the lecture's domain of validity, (low, high) or Range(low, high, reason)
    # (None: unbounded); numeric points are drawn inside it (exact rationals)
    ranges: Mapping[sp.Symbol, tuple[Any, Any]] = field(default_factory=dict)
    # symbol -> Range(low, high, reason): the values the numeric check evaluates, capped for
    # cost (never the lecture's domain: that is ``ranges``); points are drawn in the intersection
    sizes: Mapping[sp.Symbol, Range] = field(default_factory=dict)
    # substitutions that fix a symbol's size for matrix numerics, e.g. {d: (1, 2, 3)}
    dimensions: Mapping[sp.Symbol, Sequence[int]] = field(default_factory=dict)
    # labels in ``equations`` that the notes print as definitions rather than derived results
    definitions: tuple[str, ...] = ()
    # labels the lecture prints but this derivation deliberately does not encode: label -> reason
    not_encoded: Mapping[str, str] = field(default_factory=dict)
    # generic checks expected to fail for a stated reason (strict xfail): check name -> reason
    known_failures: Mapping[str, str] = field(default_factory=dict)
    # the LaTeX reader's table for this derivation's quotations (a chapter's defaults merged
    # with the derivation's own bindings; a ``derivations.latex.Notation``)
    notation: Any = None
    # the printed equations as the notes print them (DESIGN §1 "as printed")
    printed_in_notes: tuple[Quote, ...] = ()
    # step labels that cannot be quoted (prose, a display the reader cannot read): label -> reason
    not_quotable: Mapping[str, str] = field(default_factory=dict)

    def _repr_html_(self) -> str:  # notebook display (derivations.report.display)
        from ..report.display import derivation_html

        return derivation_html(self)

    def _repr_latex_(self) -> str:
        from ..report.display import derivation_latex

        return derivation_latex(self)

    def __post_init__(self) -> None:
        if "." not in self.id:
            raise ValueError(f"derivation id={self.id!r}, expected '<lecturer>.<topic>'")
        labels = [q.label for q in self.printed_in_notes]
        dup = sorted({lab for lab in labels if labels.count(lab) > 1})
        if dup:
            raise ValueError(f"derivation {self.id}: labels quoted twice {dup}")
        if self.printed_in_notes and self.notation is None:
            raise ValueError(f"derivation {self.id}: quotations need notation=<Notation>")
        seen: set[str] = set()
        for step in self.steps:
            if step.id in seen:
                raise ValueError(f"derivation {self.id}: duplicate step id={step.id!r}")
            seen.add(step.id)
        for sym, bounds in self.ranges.items():
            why = _range_problem(sym, bounds)
            if why:
                raise ValueError(f"derivation {self.id}: ranges[{sym}]={bounds!r} has no admissible "
                                 f"value ({why})")
        for sym, cap in self.sizes.items():
            if not isinstance(cap, Range) or not cap.reason:
                raise ValueError(f"derivation {self.id}: sizes[{sym}]={cap!r}, expected "
                                 "Range(low, high, reason) with the cost that caps it")
            why = _range_problem(sym, intersect(self.ranges.get(sym), cap))
            if why:
                raise ValueError(f"derivation {self.id}: sizes[{sym}]={cap!r} within ranges[{sym}]="
                                 f"{self.ranges.get(sym)!r} has no admissible value ({why})")
        for sym, sizes in self.dimensions.items():
            if not sizes or not all(int(v) == v and v >= 1 for v in sizes):
                raise ValueError(f"derivation {self.id}: dimensions[{sym}]={sizes!r}, expected "
                                 "positive integer sizes")
        names = [c.name for c in self.claims]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"derivation {self.id}: duplicate claim names {dup}")

    @property
    def sampling_ranges(self) -> dict:
        """Where numeric points are drawn: each declared range within its cost cap (if any)."""
        return {s: intersect(self.ranges.get(s), self.sizes.get(s))
                for s in list(self.ranges) + [s for s in self.sizes if s not in self.ranges]}

    def step(self, step_id: str) -> Step:
        """The step with id ``step_id`` (``KeyError`` naming the known ids otherwise)."""
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(f"derivation {self.id}: no step id={step_id!r}; known: "
                       + ", ".join(s.id for s in self.steps))
