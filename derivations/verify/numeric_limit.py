"""Limits at a numeric point, by numerical extrapolation: the numeric half's own route.

At a point every parameter is a number, so ``lim_{v→a} f(v)`` is a limit of a closed function of
one variable.  SymPy's ``Limit.doit`` (Gruntz's algorithm) is what the symbolic half relies on;
the numeric half samples f instead and extrapolates (mpmath's Richardson and Shanks
transformations, :func:`mpmath.limit`), twice, along two different sequences:

* ``v = a ± 1/(Rn)`` (or ``±Rn`` towards ±∞) for n = 1, 2, 3, …, and
* ``v = a ± 1/(R 2^n)`` (or ``±R 2^n``) for n = 1, 2, 3, …,

R a length beyond the body's numbers (past the poles of T/(T − 5)).  A value is accepted only
when both extrapolations converge (``strict``) and agree to ``EXTRA_DIGITS`` digits beyond the
working precision — or both are 0 to the working precision relative to the function's sampled
size, and still are at twice that precision: the limit is then 0 (a limit below 10^(-2·dps) of
the function's size is not told from 0; 10^-40 at 30 digits is).
Otherwise — an oscillating, divergent or slowly converging function (1/log n), a two-sided
limit, a body with integrals or derivatives left in it — the limit is left to SymPy, which
the caller's ``doit`` then takes.  ``with limits_by(SYMPY):`` forces SymPy (the witness
re-check, which must not repeat the route that found the witness).
"""
from __future__ import annotations

import mpmath
import sympy as sp

EXTRAPOLATED, SYMPY = "extrapolated", "sympy"
EXTRA_DIGITS = 5
ZERO = object()  # 0 to the working precision
_LIMITS = {"by": EXTRAPOLATED, "log": None}


class limits_by:
    """``with limits_by(SYMPY) as log:`` takes limits by SymPy's ``doit``; ``log`` counts the
    limits evaluated by each route (``{"extrapolated": n, "sympy": m}``)."""

    def __init__(self, by: str = EXTRAPOLATED) -> None:
        self.by = by

    def __enter__(self) -> dict:
        self.saved = dict(_LIMITS)
        _LIMITS.update(by=self.by, log={})
        return _LIMITS["log"]

    def __exit__(self, *exc) -> None:
        _LIMITS.update(self.saved)


def _count(route: str) -> None:
    log = _LIMITS["log"]
    if log is not None:
        log[route] = log.get(route, 0) + 1


def closed_limit(e) -> bool:
    """A ``Limit`` whose body has no free symbol but its variable (the point is substituted)."""
    return isinstance(e, sp.Limit) and e.args[0].free_symbols <= {e.args[1]}


def _direction(e) -> int | None:
    _, _, target, direction = e.args
    if target is sp.oo:
        return 1
    if target is sp.S.NegativeInfinity:
        return -1
    return {"+": 1, "-": -1}.get(str(direction))  # "+-" (two-sided): None


def _reach(body) -> mpmath.mpf:
    """A length beyond the body's numbers (1 + Σ|p| + |q| over its rationals): sampling starts
    there, past the poles a small argument can hit (T/(T − 5) at T = 5)."""
    total = 1
    for r in body.atoms(sp.Rational):
        total += abs(r.p) + abs(r.q)
    for x in body.atoms(sp.Float):
        total += abs(x) + 1
    return mpmath.mpf(min(total, 10 ** 6))


def _extrapolated(e, prec: int, confirm: bool = True):
    """The limit by the two extrapolations, or None.  A limit that is 0 to ``prec`` digits of
    the function's sampled size is extrapolated again at twice the precision: still 0 there, it
    is 0 (a small non-zero limit comes back as its value)."""
    from .evaluate import _held_forms

    body, var, target, _ = e.args
    direction = _direction(e)
    if direction is None or _held_forms(body) or not (target.is_number or target.is_infinite):
        return None
    f = sp.lambdify(var, body, modules="mpmath")
    reach = _reach(body)
    seen = [mpmath.mpf(0)]

    with mpmath.workdps(prec + 10):
        if target.is_infinite:
            def at(w):  # w = 1, 2, 3, … (or 2^n) → v = ±reach·w
                return direction * reach * w
        else:
            a0 = mpmath.mpmathify(sp.N(target, prec + 10))

            def at(w):  # v = a ± 1/(reach·w)
                return a0 + direction / (reach * w)
        # mpmath's convergence test is absolute: values are taken relative to the first sample
        unit = abs(_finite(f(at(mpmath.mpf(1))), seen)) or mpmath.mpf(1)

        def sampled(w):
            return _finite(f(at(w)), seen) / unit
        a = mpmath.limit(sampled, mpmath.inf, strict=True) * unit
        b = mpmath.limit(sampled, mpmath.inf, exp=True, strict=True) * unit
        zero = seen[0] * mpmath.mpf(10) ** (-prec)  # the limit is 0 to working precision
        if max(abs(a), abs(b)) <= zero:
            if not confirm:
                return ZERO
            again = _extrapolated(e, 2 * prec, confirm=False)
            return mpmath.mpf(0) if again is ZERO else again
        if abs(a - b) > mpmath.mpf(10) ** (-prec - EXTRA_DIGITS) * max(abs(a), abs(b)):
            return None
        return a


def _finite(y, seen: list):
    y = mpmath.mpmathify(y)
    if not mpmath.isfinite(y):
        raise ValueError("a sampled value is not finite")
    seen[0] = max(seen[0], abs(y))
    return y


def sympy_number(value, dps: int):
    """An mpmath number as a SymPy Float (or complex of Floats) with ``dps`` digits."""
    if mpmath.im(value) == 0:
        return sp.Float(value, dps)
    return sp.Float(mpmath.re(value), dps) + sp.I * sp.Float(mpmath.im(value), dps)


def limit_value(e, prec: int):
    """The limit ``e`` (a :func:`closed_limit`) as a SymPy number, or ``e`` itself for SymPy."""
    if _LIMITS["by"] == EXTRAPOLATED:
        try:
            value = _extrapolated(e, prec)
        except Exception:  # noqa: BLE001 - no convergence, a pole, a form mpmath cannot take: SymPy's
            value = None
        if value is not None:
            _count(EXTRAPOLATED)
            return sympy_number(value, prec)
    _count(SYMPY)
    return e
