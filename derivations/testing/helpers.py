"""Helpers for testing *your own* code with lecturecheck's checks (DESIGN §4, pytest API).

* :func:`assert_holds` — ``lhs <relation> rhs`` for SymPy expressions, by the verdict ladder
  (symbolic, then 50-digit numerics at admissible points); the failure names the step, the
  simplified difference and a witness.
* :func:`assert_matches_monte_carlo` — a statistic of a sampler against a closed form (z-test at
  false-alarm level ``alpha``, a known bias bound in the tolerance); the failure gives
  estimate ± standard error, the expected value, the p-value and the minimum detectable relative
  error.
* :func:`admissible_points` — a hypothesis strategy of ``{symbol: value}`` respecting the
  symbols' assumptions (positive, integer, real …) and optional ranges.

>>> import sympy as sp
>>> x = sp.Symbol("x", positive=True)
>>> assert_holds(sp.log(x**2), 2*sp.log(x))
'proved'
>>> assert_matches_monte_carlo(lambda rng, size: rng.standard_normal(size) ** 2, 1.0,
...                            n=200_000, seed=1)["verdict"]
'consistent'
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

import sympy as sp

__all__ = ["assert_holds", "assert_matches_monte_carlo", "admissible_points"]


def assert_holds(lhs: Any, rhs: Any, relation: str = "=", *, ranges: Mapping | None = None,
                 matrices: Iterable = (), functions: Iterable = (),
                 dimensions: Mapping | None = None, domain: Mapping | None = None,
                 name: str = "assert_holds", timeout: float = 20.0, seed: int = 0,
                 points: int = 5, strict: bool = False) -> str:
    """Raise ``AssertionError`` unless ``lhs <relation> rhs`` (``=``, ``<=``, ``>=``) holds.

    Assumptions are those of the SymPy symbols themselves (``Symbol("s", positive=True)``);
    ``ranges`` ({symbol: (low, high)}) narrows where numeric points are drawn, ``matrices`` are
    :class:`~derivations.model.Matrix` declarations (shape, properties), ``functions``
    :class:`~derivations.model.FunctionFamily` instances, ``dimensions`` ({d: (1, 2, 3)}) the
    sizes of symbolic dimensions, ``domain`` a finite domain ({spin: (-1, 1)}) checked
    exhaustively.  Returns the verdict (``proved``, ``exhaustive`` or ``numeric``; with
    ``strict=True`` a ``numeric`` verdict fails too).
    """
    from ..errors import InvalidOption
    from ..model import ESTABLISHED, STRICT, Derivation, Matrix, Step
    from ..model.verdicts import RELATIONS
    from ..verify import step_seed, verify_relation
    from .assertions import step_message

    if relation not in RELATIONS:
        raise InvalidOption(f"relation={relation!r}, expected one of {', '.join(RELATIONS)}")
    if timeout <= 0 or points < 1:
        raise InvalidOption(f"timeout={timeout!r}, points={points!r}: expected timeout > 0 "
                            "and points >= 1")
    mats = tuple(m if isinstance(m, Matrix) else Matrix(m) for m in matrices)
    step = Step(lhs, rhs, name, None, relation, domain=domain, id="holds")
    d = Derivation("testing." + name, name, "", "", (), (step,), matrices=mats,
                   functions=tuple(functions), ranges=dict(ranges or {}),
                   dimensions=dict(dimensions or {}))
    r = verify_relation(d, lhs, rhs, relation, seed=step_seed(seed, d.id, step.id, "corrected"),
                        timeout=timeout, points=points, domain=domain)
    if r.verdict not in (STRICT if strict else ESTABLISHED):
        entry = {"id": step.id, "equation": None, "justification": name, "verdict": r.verdict,
                 "lhs_latex": sp.sstr(lhs), "rhs_latex": sp.sstr(rhs), "relation": relation,
                 "method": r.method, "difference_latex": r.difference_latex,
                 "witness": r.witness, "evaluation": r.evaluation, "notes": r.notes}
        raise AssertionError(step_message(d.id, entry))
    return r.verdict


def assert_matches_monte_carlo(sampler: Callable, expected: float, *, statistic: str = "mean",
                               n: int = 100_000, seed: int = 0, alpha: float = 1e-6,
                               bias: float = 0.0, name: str = "claim",
                               max_rel_error: float = 0.25) -> dict:
    """Raise ``AssertionError`` unless ``statistic`` of ``sampler`` samples matches ``expected``.

    ``sampler(rng, size)`` returns ``size`` i.i.d. values (``rng`` a ``numpy.random.Generator``
    seeded from ``seed`` and ``name``: the same call replays exactly).  ``statistic`` is
    ``"mean"``, ``"probability"`` (mean of 0/1 values) or ``"variance"``.  ``bias`` bounds a
    known bias of the sampler (time step, finite size) and is added to the tolerance.  A check
    that could not detect a relative error of ``max_rel_error`` (underpowered) fails too: it
    would say nothing.  Returns the comparison (estimate, stderr, p-value, MDRE, verdict).
    """
    import math

    from numerics.rng import check_generator
    from numerics.stats import compare, estimate

    from ..errors import InvalidOption

    if statistic not in ("mean", "probability", "variance"):
        raise InvalidOption(f"statistic={statistic!r}, expected 'mean', 'probability' or "
                            "'variance'")
    if not (isinstance(n, int) and n >= 100):
        raise InvalidOption(f"n={n!r}, expected an integer >= 100")
    if not 0 < alpha < 1 or not (bias >= 0 and math.isfinite(bias)):
        raise InvalidOption(f"alpha={alpha!r}, bias={bias!r}: expected 0 < alpha < 1, bias >= 0")
    value = float(expected)
    rng = check_generator(seed, "assert_matches_monte_carlo", name)
    est = estimate(sampler, statistic, n, rng)
    result = compare(est, value, bias=bias, alpha=alpha, target_mdre=max_rel_error).as_dict()
    if result["verdict"] != "consistent":
        mdre = result["min_detectable_rel_error"]
        raise AssertionError(
            f"Monte Carlo {name!r} ({statistic}, n={n}, seed={seed}): {result['verdict']}\n"
            f"  estimate:  {result['estimate']:.6g} ± {result['stderr']:.2g} (standard error)\n"
            f"  expected:  {value:.6g}" + (f" (bias bound {bias:.2g})" if bias else "") + "\n"
            f"  p-value:   {result['p_value']:.3g} (false-alarm level {alpha:g})\n"
            f"  smallest relative error this check detects (power 0.99): "
            + ("inf" if mdre is None else f"{100 * mdre:.2g}%"))
    return result


def admissible_points(symbols, *, ranges: Mapping | None = None, max_denominator: int = 29):
    """A hypothesis strategy of ``{symbol: exact value}`` admissible for the symbols'
    assumptions: integers for integer symbols, rationals for real ones (positive > 0,
    nonnegative ≥ 0, negative < 0, nonzero ≠ 0), complex rationals for symbols with no real
    assumption; ``ranges`` ({symbol: (low, high)}) bounds them.  ``symbols`` may also be a
    :class:`~derivations.model.Derivation` (e.g. one read from a ``*.derivation.md`` file): its
    steps' scalar symbols, with its declared ranges.

    >>> import sympy as sp
    >>> from hypothesis import given
    >>> n, s = sp.Symbol("n", integer=True, positive=True), sp.Symbol("s", positive=True)
    >>> @given(admissible_points([n, s]))
    ... def test(point):
    ...     assert point[n] >= 1 and point[s] > 0
    >>> test()
    """
    from fractions import Fraction

    from hypothesis import strategies as st

    from ..errors import InvalidOption

    from ..model import Derivation

    if isinstance(symbols, Derivation):
        d = symbols
        ranges = {**d.ranges, **dict(ranges or {})}
        found: set = set()
        for step in d.steps:
            for side in (step.lhs, step.rhs):
                found |= {x for x in getattr(side, "free_symbols", set())
                          if isinstance(x, sp.Symbol) and x not in d.dimensions}
        symbols = sorted(found, key=lambda x: x.name)
    ranges = dict(ranges or {})

    def rational(lo, hi, exclude_lo=False, exclude_hi=False):
        return st.fractions(min_value=Fraction(str(lo)), max_value=Fraction(str(hi)),
                            max_denominator=max_denominator).filter(
            lambda q: not ((exclude_lo and q == Fraction(str(lo))) or
                           (exclude_hi and q == Fraction(str(hi))))).map(
            lambda q: sp.Rational(q.numerator, q.denominator))

    def one(sym: sp.Symbol):
        if not isinstance(sym, sp.Symbol):
            raise InvalidOption(f"symbols: got {sym!r} ({type(sym).__name__}), expected "
                                "sympy Symbols")
        lo, hi = ranges.get(sym, (None, None))
        if sym.is_integer:
            low = 1 if sym.is_positive else 0 if sym.is_nonnegative else -8
            high = -1 if sym.is_negative else 0 if sym.is_nonpositive else 8
            low, high = max(low, int(lo)) if lo is not None else low, \
                min(high, int(hi)) if hi is not None else high
            if low > high:
                raise InvalidOption(f"symbol {sym}: no integer in range [{low}, {high}]")
            ints = st.integers(low, high)
            return (ints.filter(lambda v: v != 0) if sym.is_nonzero else ints).map(sp.Integer)
        if sym.is_real or sym.is_positive or sym.is_negative or sym in ranges:
            low = lo if lo is not None else (0 if (sym.is_positive or sym.is_nonnegative) else -3)
            high = hi if hi is not None else (0 if (sym.is_negative or sym.is_nonpositive) else 3)
            if low >= high:
                raise InvalidOption(f"symbol {sym}: empty range [{low}, {high}]")
            strat = rational(low, high, exclude_lo=bool(sym.is_positive),
                             exclude_hi=bool(sym.is_negative))
            return strat.filter(lambda v: v != 0) if sym.is_nonzero else strat
        return st.tuples(rational(-2, 2), rational(-2, 2)).map(lambda p: p[0] + sp.I * p[1])

    syms = list(dict.fromkeys(symbols))
    return st.fixed_dictionaries({s: one(s) for s in syms})
