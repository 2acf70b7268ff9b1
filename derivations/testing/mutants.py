"""Mutation testing of the checker (DESIGN §5): break each step on purpose, expect a witness.

For a step's corrected ``lhs <relation> rhs`` we build small deterministic mutants of the kind a
typo or a slip produces — a flipped sign, a term scaled by 2, an exponent off by one, two
symbols swapped, a term dropped — and ask the numeric checker for a witness.  A mutant is

* ``killed``     — :func:`derivations.verify.numeric_check` returns ``agree=False`` with a witness;
* ``equivalent`` — not a mutant at all: SymPy proves the mutated side equal to the original,
  or, for ``<=``/``>=``, proves the mutant weaker than the original (implied by it) or still
  true, or a swap ``a <-> b`` leaves the other side structurally unchanged and ``a``, ``b``
  are interchangeable (then the mutant is the step itself at the swapped point); not counted;
* ``survived``   — the numbers agree with the mutated (false) relation;
* ``undecided``  — nothing could be evaluated within the time limit (counted as not killed).

Mutants are checked numerically first (cheap, and a killed mutant needs no equivalence proof):
at 3 points, then at 5 fresh points (the default of ``lecturecheck check``) if the first look
found no witness; the symbolic equivalence check only runs for mutants that were not killed.

Example:

>>> import sympy as sp
>>> from derivations.model import Step
>>> x = sp.Symbol("x", real=True)
>>> [(m.kind, m.site, m.rhs) for m in mutants(Step(x**2, x * x, "square", id="square"))]
[('sign-flip', 'rhs', -x**2), ('exponent', 'rhs@root:+1', x**3), ('exponent', 'rhs@root:-1', x)]
"""
from __future__ import annotations

import fnmatch
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

import sympy as sp

from ..verify.isolate import ChildFailed, TimedOut, run_limited
from ..model import Derivation, Step
from ..verify.points import as_expr
from ..verify import numeric_check, step_seed
from ..verify.symbolic import _is_zero, _symbolic, default_simplify

KINDS = ("sign-flip", "scale-term", "exponent", "swap-symbols", "drop-term")
MAX_SITES = 3  # per kind and step: enough to exercise a step, few enough to stay fast
EQUIVALENCE_TIMEOUT = 10.0  # seconds SymPy gets to prove a mutant equivalent
INEQUALITY_POINTS_FACTOR = 10  # more numeric points for mutants of <= / >= steps
CONFIRM_POINTS = 5  # second look at a mutant the first points did not kill (= check's default)

# nodes whose args are names or shapes, not subexpressions a slip could change
_LEAVES = (sp.Symbol, sp.MatrixSymbol, sp.Number, sp.NumberSymbol, sp.Identity, sp.ZeroMatrix)


@dataclass(frozen=True)
class Mutant:
    """One deliberately broken version of a step: ``lhs <relation> rhs`` with one change.

    ``site`` names where the change is: the side (``lhs``/``rhs``), the path of argument
    indices from the side's root to the changed node (``@0.1``), and a detail (``:+1``,
    ``:a<->b``).
    """

    kind: str
    site: str
    lhs: Any
    rhs: Any


@dataclass(frozen=True)
class MutantResult:
    """What the checker made of one mutant (see the module docstring for ``status``)."""

    derivation: str
    step: str  # the step's stable id
    equation: str | None
    relation: str
    mutant: Mutant
    status: str  # "killed" | "survived" | "equivalent" | "undecided"
    detail: str = ""
    witness: dict | None = None
    seconds: float = 0.0
    declared_equivalent: str | None = None  # the step's stated reason, if it declares this one

    @property
    def id(self) -> str:
        """``<derivation>:<step>:<kind>:<site>``, e.g. ``mallat.tweedie:score:sign-flip:rhs``."""
        return f"{self.derivation}:{self.step}:{self.mutant.kind}:{self.mutant.site}"

    def describe(self) -> str:
        """One line for failure messages: id, mutated relation, status and why."""
        rel = f"{sp.sstr(self.mutant.lhs)} {self.relation} {sp.sstr(self.mutant.rhs)}"
        return f"{self.id}: {rel} [{self.status}{': ' + self.detail if self.detail else ''}]"


# ---------------------------------------------------------------- generating mutants

def _walk(expr, path: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], Any]]:
    """Pre-order (path, node) pairs of the subexpressions a slip could change."""
    yield path, expr
    if isinstance(expr, _LEAVES) or not isinstance(expr, sp.Basic):
        return
    for i, arg in enumerate(expr.args):
        if isinstance(arg, sp.Basic):
            yield from _walk(arg, path + (i,))


def _replace_at(expr, path: Sequence[int], new) -> Any:
    """``expr`` with the node at ``path`` replaced by ``new`` (only that occurrence)."""
    if not path:
        return new
    args = list(expr.args)
    args[path[0]] = _replace_at(args[path[0]], path[1:], new)
    return expr.func(*args)


def _spread(items: list, cap: int) -> list:
    """At most ``cap`` items, evenly spread over the list (first and last included)."""
    if len(items) <= cap:
        return items
    if cap == 1:
        return items[:1]
    step = (len(items) - 1) / (cap - 1)
    return [items[round(i * step)] for i in range(cap)]


def _where(side: str, path: tuple[int, ...]) -> str:
    return f"{side}@{'.'.join(map(str, path)) if path else 'root'}"


def _is_add(node) -> bool:
    return isinstance(node, (sp.Add, sp.MatAdd)) and len(node.args) >= 2


def _scaled(term):
    return sp.MatMul(2, term) if isinstance(term, sp.MatrixExpr) else 2 * term


def _term_sites(expr) -> list[tuple[tuple[int, ...], tuple[int, ...], int]]:
    """(path of the Add, path of the term, term index) for each term of each Add node."""
    return [(path, path + (i,), i) for path, node in _walk(expr) if _is_add(node)
            for i in range(len(node.args))]


def _side_sites(kind: str, expr, side: str, max_sites: int) -> list[tuple[str, Any]]:
    """(site, mutated side) pairs of one ``kind`` on one side of a step."""
    expr = as_expr(expr)
    out: list[tuple[str, Any]] = []
    if kind == "sign-flip":
        out.append((side, -expr))
    elif kind in ("scale-term", "drop-term"):
        for add_path, term_path, i in _spread(_term_sites(expr), max_sites):
            node = _walk_get(expr, add_path)
            if kind == "scale-term":
                new = _replace_at(expr, term_path, _scaled(node.args[i]))
            else:
                rest = node.args[:i] + node.args[i + 1:]
                new = _replace_at(expr, add_path, node.func(*rest) if len(rest) > 1 else rest[0])
            out.append((_where(side, term_path), new))
    elif kind == "exponent":
        sites = [(p, n) for p, n in _walk(expr) if isinstance(n, (sp.Pow, sp.MatPow, sp.exp))]
        for path, node in _spread(sites, max_sites):
            for delta in (1, -1):
                if isinstance(node, sp.exp):
                    new_node = sp.exp(node.args[0] + delta)
                elif isinstance(node, sp.MatPow):  # Inverse(A) is MatPow(A, -1)
                    new_node = sp.MatPow(node.args[0], node.args[1] + delta)
                else:
                    new_node = sp.Pow(node.base, node.exp + delta)
                out.append((f"{_where(side, path)}:{delta:+d}", _replace_at(expr, path, new_node)))
    elif kind == "swap-symbols":
        shape_syms: set = set()
        for m in expr.atoms(sp.MatrixSymbol):
            for dim in m.shape:
                shape_syms |= as_expr(dim).free_symbols
        free = sorted((s for s in expr.free_symbols if s not in shape_syms), key=lambda s: s.name)
        pairs = [(a, b) for i, a in enumerate(free) for b in free[i + 1:] if _compatible(a, b)]
        for a, b in _spread(pairs, max_sites):
            out.append((f"{side}:{a.name}<->{b.name}", expr.xreplace({a: b, b: a})))
    else:
        raise ValueError(f"kind={kind!r}, expected one of {KINDS}")
    return out


def _walk_get(expr, path):
    for i in path:
        expr = expr.args[i]
    return expr


def _compatible(a, b) -> bool:
    """Symbols a slip could confuse: both scalars of the same integrality, or same-shape matrices."""
    if isinstance(a, sp.MatrixSymbol) or isinstance(b, sp.MatrixSymbol):
        return isinstance(a, sp.MatrixSymbol) and isinstance(b, sp.MatrixSymbol) and a.shape == b.shape
    return bool(a.is_integer) == bool(b.is_integer)


def mutants(step: Step, *, kinds: Sequence[str] = KINDS, max_sites: int = MAX_SITES) -> list[Mutant]:
    """Deterministic mutants of ``step``'s corrected relation, in ``kinds`` order.

    Each kind mutates the right-hand side; when the right-hand side has no site of that kind,
    the left-hand side is mutated instead.  For ``a + b + … = 0`` the sign flip negates one
    term of the left-hand side (negating all of it would say the same thing).  At most ``max_sites`` sites per kind (spread over
    the expression); a mutant structurally equal to the original is skipped.
    """
    out: list[Mutant] = []
    rhs, lhs = as_expr(step.rhs), as_expr(step.lhs)
    for kind in kinds:
        if kind == "sign-flip" and _is_zero(rhs) and _is_add(lhs):
            # ``a + b = 0`` -> ``-(a + b) = 0`` says the same; flip one term instead
            found = [(_where("lhs", (i,)), _replace_at(lhs, (i,), -term), rhs)
                     for i, term in _spread(list(enumerate(lhs.args)), max_sites)]
            found = [f for f in found if f[1] != lhs]
        else:
            found = [(site, lhs, new) for site, new in _side_sites(kind, rhs, "rhs", max_sites)
                     if new != rhs]
        if not found:
            found = [(site, new, rhs) for site, new in _side_sites(kind, lhs, "lhs", max_sites)
                     if new != lhs]
        seen: set = set()
        for site, m_lhs, m_rhs in found:
            if (m_lhs, m_rhs) not in seen:
                seen.add((m_lhs, m_rhs))
                out.append(Mutant(kind, site, m_lhs, m_rhs))
    return out


def quick_mutants(step: Step, others: int | None = None) -> list[Mutant]:
    """A deterministic subset: the sign flip and the first site of other kinds.

    ``others=None`` keeps every other kind present; ``others=k`` keeps ``k`` of them, chosen
    by rotating through the kinds with a hash of the step, so that over a catalog every kind is
    exercised while each step costs ``1 + k`` checks.
    """
    first: dict[str, Mutant] = {}
    for m in mutants(step, max_sites=1):
        first.setdefault(m.kind, m)
    flips = [first.pop("sign-flip")] if "sign-flip" in first else []
    rest = list(first.values())
    if others is not None and len(rest) > others:
        start = zlib.crc32(f"{sp.sstr(step.lhs)}|{sp.sstr(step.rhs)}".encode()) % len(rest)
        rest = [rest[(start + i) % len(rest)] for i in range(others)]
    return flips + rest


# ---------------------------------------------------------------- checking mutants

def _implied_swap(derivation: Derivation, step: Step, m: Mutant) -> str | None:
    """Why a swap mutant follows from the step itself, or None.

    If the unchanged side is invariant under ``a <-> b`` and ``a``, ``b`` are interchangeable
    (same assumptions, sampling range, matrix properties; constraints and finite domain
    symmetric), the mutant ``L(b, a) = R(a, b) = R(b, a)`` is the step at the swapped point.
    """
    if m.kind != "swap-symbols":
        return None
    side, pair = m.site.split(":", 1)
    names = pair.split("<->")
    other = as_expr(step.rhs if side == "lhs" else step.lhs)
    changed = as_expr(step.lhs if side == "lhs" else step.rhs)
    by_name = {x.name: x for x in changed.free_symbols if hasattr(x, "name")}
    if len(names) != 2 or not all(n in by_name for n in names):
        return None
    a, b = by_name[names[0]], by_name[names[1]]
    swap = {a: b, b: a}
    props = {mm.symbol: mm.props for mm in derivation.matrices}
    same = (a.assumptions0 == b.assumptions0 and props.get(a) == props.get(b)
            and derivation.ranges.get(a) == derivation.ranges.get(b)
            and derivation.dimensions.get(a) == derivation.dimensions.get(b))
    symmetric = (other.xreplace(swap) == other
                 and {as_expr(c).xreplace(swap) for c in step.constraints} ==
                 {as_expr(c) for c in step.constraints}
                 and (step.domain or {}).get(a) == (step.domain or {}).get(b))
    if same and symmetric:
        return (f"implied by the step: the {'rhs' if side == 'lhs' else 'lhs'} is symmetric in "
                f"{a}, {b} and they are interchangeable")
    return None


def _equivalent(step: Step, m: Mutant) -> str | None:
    """Why ``m`` is not a real mutant (SymPy proves it harmless), or None."""
    side_changed = "lhs" if m.site.startswith("lhs") else "rhs"
    orig, new = (step.lhs, m.lhs) if side_changed == "lhs" else (step.rhs, m.rhs)
    if _is_zero(default_simplify(as_expr(new) - as_expr(orig))):
        return f"SymPy proves the mutated {side_changed} equal to the original"
    if step.relation == "=":
        return None
    # an inequality mutant that the original implies is weaker, not wrong: for ``lhs <= rhs``
    # a larger rhs or a smaller lhs (``>=``: the reverse) still holds by transitivity
    weaker = (side_changed == "rhs") == (step.relation == "<=")
    bigger, smaller = (new, orig) if weaker else (orig, new)
    if _symbolic(smaller, bigger, "<=", default_simplify)[0]:
        return f"the original implies it (SymPy proves the mutated {side_changed} is weaker)"
    if _symbolic(m.lhs, m.rhs, step.relation, default_simplify)[0]:
        return "SymPy proves the mutated inequality still holds"
    return None


def _numeric(derivation: Derivation, step: Step, m: Mutant, seed: int, points: int,
             timeout: float):
    """(NumericOutcome or None, note) of the mutated relation, in a time-limited child."""
    try:
        num = run_limited(lambda: numeric_check(
            derivation, m.lhs, m.rhs, step.relation, seed=seed, points=points,
            tolerance=step.tolerance, constraints=step.constraints, domain=step.domain), timeout)
    except (TimedOut, ChildFailed) as exc:
        return None, f"numeric check: {exc}"
    return num, num.note


def declared_reason(step: Step, m: Mutant) -> str | None:
    """The reason ``step`` declares mutant ``m`` equivalent (``Step.equivalent_mutants``)."""
    for pattern, reason in step.equivalent_mutants.items():
        if fnmatch.fnmatchcase(f"{m.kind}:{m.site}", pattern):
            return reason
    return None


def check_mutant(derivation: Derivation, step: Step, m: Mutant, *, seed: int = 0,
                 timeout: float = 20.0, points: int = 3,
                 confirm_points: int = CONFIRM_POINTS) -> MutantResult:
    """Check one mutant of ``step``.

    A numeric check at ``points`` points first; if the numbers agree, a second one at
    ``confirm_points`` fresh points (the default of ``lecturecheck check``), so a mutant is not
    counted as surviving because a few points happened to miss where it is wrong; then, if
    still not killed, a symbolic equivalence proof.
    """
    start = time.perf_counter()
    base = dict(derivation=derivation.id, step=step.id, equation=step.equation,
                relation=step.relation, mutant=m, declared_equivalent=declared_reason(step, m))
    mseed = step_seed(seed, derivation.id, step.id, "mutant", m.kind, m.site)
    implied = _implied_swap(derivation, step, m)
    if implied:
        return MutantResult(**base, status="equivalent", detail=implied,
                            seconds=round(time.perf_counter() - start, 3))
    factor = INEQUALITY_POINTS_FACTOR if step.relation != "=" else 1  # false bounds hide well
    num, num_note = _numeric(derivation, step, m, mseed, points * factor, timeout)
    tried = num.points if num is not None else 0
    if num is not None and num.agree:
        num2, _ = _numeric(derivation, step, m, step_seed(mseed, "confirm"), confirm_points * factor,
                           timeout)
        if num2 is not None and num2.agree is not None:
            num, tried = num2, tried + num2.points
    if num is not None and num.agree is False:
        return MutantResult(**base, status="killed", witness=num.witness,
                            detail=f"witness ({num.evaluation.get('recheck')} re-check)",
                            seconds=round(time.perf_counter() - start, 3))
    try:
        why = run_limited(lambda: _equivalent(step, m), min(timeout, EQUIVALENCE_TIMEOUT))
    except (TimedOut, ChildFailed) as exc:
        why, eq_note = None, f"equivalence check: {exc}"
    else:
        eq_note = ""
    if why:
        status, detail = "equivalent", why
    elif num is not None and num.agree:
        status = "survived"
        detail = "; ".join(x for x in (f"numbers agree at {tried} points", eq_note) if x)
    else:
        status = "undecided"
        detail = "; ".join(x for x in (num_note or "no evaluation", eq_note) if x)
    return MutantResult(**base, status=status, detail=detail,
                        seconds=round(time.perf_counter() - start, 3))


def run_mutants(derivation: Derivation, seed: int = 0, timeout: float = 20.0, jobs: int = 2, *,
                points: int = 3, max_sites: int = MAX_SITES,
                select: Callable[[Step], list[Mutant]] | None = None) -> list[MutantResult]:
    """Mutate every step of ``derivation`` and check each mutant (``jobs`` at a time).

    ``select(step)`` chooses the mutants of a step (default: :func:`mutants` with
    ``max_sites``; :func:`quick_mutants` for a smaller deterministic subset).  Results come back
    in step order, then mutant order, independent of ``jobs``.
    """
    choose = select or (lambda s: mutants(s, max_sites=max_sites))
    work = [(step, m) for step in derivation.steps for m in choose(step)]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(lambda w: check_mutant(derivation, w[0], w[1], seed=seed,
                                                    timeout=timeout, points=points), work))


def kill_rate(results: Sequence[MutantResult]) -> tuple[int, int, list[MutantResult]]:
    """(killed, counted, survivors): counted excludes equivalent mutants, proved or declared
    (a declared one that is killed is counted, so it shows up; see :func:`wrongly_declared`)."""
    counted = [r for r in results if r.status != "equivalent"
               and not (r.declared_equivalent and r.status != "killed")]
    survivors = [r for r in counted if r.status != "killed"]
    return len(counted) - len(survivors), len(counted), survivors


def wrongly_declared(results: Sequence[MutantResult]) -> list[MutantResult]:
    """Mutants a step declares equivalent that were refuted with a witness (the reason is wrong)."""
    return [r for r in results if r.declared_equivalent and r.status == "killed"]
