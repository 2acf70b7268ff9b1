"""The numeric half's limits at a point: two extrapolations that must agree, else SymPy."""
import mpmath
import pytest
import sympy as sp

from derivations.model import Derivation
from derivations.verify.evaluate import Substituted
from derivations.verify.numeric import numeric_check
from derivations.verify.numeric_limit import SYMPY, _extrapolated, limit_value, limits_by

n, t, x, z = sp.symbols("n t x z", positive=True)


def _value(e, prec=30):
    """The extrapolated limit at ``prec`` digits (kept at 40), None where it is left to SymPy."""
    with mpmath.workdps(40):
        try:
            v = _extrapolated(e, prec)
        except (mpmath.mp.NoConvergence, ValueError, ZeroDivisionError):
            return None
        return None if v is None else +v


@pytest.mark.parametrize("limit, exact", [
    (sp.Limit((1 + sp.Rational(3) / n) ** n, n, sp.oo), sp.exp(3)),            # mpmath's own example
    (sp.Limit((x - sp.sin(x)) / x ** 3, x, 0, "+"), sp.Rational(1, 6)),          # removable singularity
    (sp.Limit(t / (t - 5), t, sp.oo), sp.Integer(1)),                            # a pole at t = 5 on the way
    (sp.Limit(sp.Rational(3, 4) * (1 - sp.exp(-2 * t)), t, sp.oo), sp.Rational(3, 4)),
    (sp.Limit(sp.tanh(sp.Rational(7, 10) / t), t, 0, "+"), sp.Integer(1)),
    (sp.Limit(sp.erfc(10 * sp.sqrt(n - 1) / sp.sqrt(n)) / 2, n, sp.oo), sp.erfc(10) / 2),  # ≈ 1e-45
])
def test_extrapolated_limits_match_the_exact_value(limit, exact):
    v = _value(limit)
    assert v is not None
    with mpmath.workdps(40):
        assert abs(v - mpmath.mpf(sp.N(exact, 40))) <= mpmath.mpf(10) ** -32 * abs(mpmath.mpf(sp.N(exact, 40)))


def test_a_limit_zero_to_twice_the_precision_is_zero():
    assert _value(sp.Limit((1 + sp.tanh(z)) / 2, z, -sp.oo)) == 0
    assert _value(sp.Limit(sp.Rational(1, 7) * (1 - sp.exp(-3 * t)), t, 0, "+")) == 0


def test_a_small_non_zero_limit_is_not_taken_for_zero():
    v = _value(sp.Limit(sp.exp(-t) + sp.Rational(1, 10 ** 40), t, sp.oo))
    with mpmath.workdps(40):
        assert v is not None and abs(v - mpmath.mpf(10) ** -40) <= mpmath.mpf(10) ** -65


@pytest.mark.parametrize("limit", [
    sp.Limit(1 / sp.log(n), n, sp.oo),                 # too slow: the two sequences disagree
    sp.Limit(sp.sin(n), n, sp.oo),                     # no limit
    sp.Limit(n, n, sp.oo),                             # divergent
    sp.Limit(sp.sqrt(x ** 3 + x ** 2) / (sp.sqrt(x ** 3) + x) + sp.Rational(1, 10 ** 6) * sp.sin(x), x, sp.oo),
    sp.Limit(sp.Abs(x) / x, x, 0, "+-"),               # two-sided: left to SymPy
])
def test_what_extrapolation_cannot_settle_is_left_to_sympy(limit):
    with limits_by() as taken:
        assert limit_value(limit, 30) is limit
    assert taken == {SYMPY: 1}


def test_mpmaths_slow_example_is_never_accepted_wrong():
    """mpmath.limit on n = 1, 2, 3, … alone gives 0.99557… for this limit (its docs)."""
    v = _value(sp.Limit(sp.sqrt(x ** 3 + x ** 2) / (sp.sqrt(x ** 3) + x), x, sp.oo))
    assert v is None or abs(v - 1) < mpmath.mpf(10) ** -30


def test_witness_rechecks_take_limits_by_sympy():
    e = sp.Limit((1 + 1 / n) ** n, n, sp.oo)
    first, second = Substituted(e), Substituted(e, limits=SYMPY)
    with mpmath.workdps(30):
        assert abs(first({}, 30)[0] - mpmath.e) < mpmath.mpf(10) ** -28
        assert abs(second({}, 30)[0] - mpmath.e) < mpmath.mpf(10) ** -28
    assert first.limit_routes == {"extrapolated": 1} and second.limit_routes == {SYMPY: 1}


KAPPA, SIGMA = sp.symbols("kappa sigma", positive=True)
OU_VARIANCE = SIGMA ** 2 / (2 * KAPPA) * (1 - sp.exp(-2 * KAPPA * t))
_D = Derivation("test.limits", "limits at a point", "test", "0", (), ())


@pytest.mark.parametrize("rhs, agrees", [
    (SIGMA ** 2 / (2 * KAPPA), True),
    (SIGMA ** 2 / (2 * KAPPA) * (1 + sp.Rational(1, 10 ** 15)), False),   # mutant: off by 1e-15
    (SIGMA ** 2 / KAPPA, False),                                          # mutant: factor 2 lost
])
def test_numeric_check_of_a_limit_step_catches_mutants(rhs, agrees):
    out = numeric_check(_D, sp.Limit(OU_VARIANCE, t, sp.oo), rhs, "=", seed=3)
    assert out.agree is agrees
    assert out.evidence["limits"].get("extrapolated", 0) >= 1
    if not agrees:
        assert out.witness is not None and "SymPy" in out.evaluation["recheck"]
