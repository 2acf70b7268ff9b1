"""The trap corpus: classic false identities a careless checker accepts, each beside the true
identity it becomes under the right assumption (table-driven).

No false identity may come out ``proved``, ``exhaustive`` or ``numeric``; every true one must.
The figures (how many false are refuted, how many true verify) go in the README ("How far to trust a verdict"):
``python tests/test_traps.py`` prints them.
"""
from __future__ import annotations

import pytest
import sympy as sp

from derivations.model import Derivation, Matrix
from derivations.verify import verify_relation
from derivations.verify.ladder import CORROBORATION
from derivations.verify.numeric import MIN_POINTS

ESTABLISHED = ("proved", "exhaustive", "numeric")
R = sp.Rational

# ---------------------------------------------------------------- symbols
x, y, a, b, c, n, t = sp.symbols("x y a b c n t", real=True)
z, w = sp.symbols("z w")  # no assumption: complex
xp, yp, ap, bp, np_ = sp.symbols("x_p y_p a_p b_p n_p", positive=True)
x0 = sp.Symbol("x_0", nonnegative=True)
sigma, kappa = sp.symbols("sigma kappa", positive=True)
k = sp.Symbol("k", integer=True, positive=True)
m = sp.Symbol("m", integer=True, positive=True)
u = sp.Symbol("u", real=True)  # declared range (-3/2, 3/2) below
v = sp.Symbol("v", real=True)  # declared range (0, 3) below
d = sp.Symbol("d", integer=True, positive=True)  # a dimension, declared (1, 2, 3)
T = sp.Symbol("T", integer=True, positive=True)  # a sample size, declared (4, 5, 6)

A, B, G = (sp.MatrixSymbol(s, d, d) for s in "ABG")
P, S2 = sp.MatrixSymbol("P", d, d), sp.MatrixSymbol("S", d, d)
Q = sp.MatrixSymbol("Q", d, d)
W = sp.MatrixSymbol("W", d, d)

SCALARS = Derivation("traps.scalars", "trap corpus", "traps", "0", (), (),
                     ranges={u: (R(-3, 2), R(3, 2)), v: (0, 3)},
                     dimensions={d: (1, 2, 3), T: (4, 5, 6)})
MATRICES = Derivation("traps.matrices", "trap corpus (matrices)", "traps", "0", (), (),
                      matrices=(Matrix(A), Matrix(B), Matrix(G), Matrix(W),
                                Matrix(P, frozenset({"spd"})), Matrix(S2, frozenset({"spd"})),
                                Matrix(Q, frozenset({"orthogonal"}))),
                      dimensions={d: (1, 2, 3)})



# (id, lhs, rhs, relation, derivation): false identities ...
FALSE = [
    ("sqrt-square-real", sp.sqrt(x**2), x, "=", SCALARS),
    ("log-product-complex", sp.log(z * w), sp.log(z) + sp.log(w), "=", SCALARS),
    ("power-of-power-real", (a**b)**c, a**(b * c), "=", SCALARS),
    ("log-exp-complex", sp.log(sp.exp(z)), z, "=", SCALARS),
    ("integral-power-real-n", sp.Integral(t**n, (t, 0, 1)), 1 / (n + 1), "=", SCALARS),
    ("asin-sin", sp.asin(sp.sin(x)), x, "=", SCALARS),
    ("acos-cos", sp.acos(sp.cos(x)), x, "=", SCALARS),
    ("atan-tan", sp.atan(sp.tan(x)), x, "=", SCALARS),
    ("abs-is-identity", sp.Abs(x), x, "=", SCALARS),
    ("log-square-real", sp.log(x**2), 2 * sp.log(x), "=", SCALARS),
    ("sqrt-product-real", sp.sqrt(a * b), sp.sqrt(a) * sp.sqrt(b), "=", SCALARS),
    ("sqrt-product-complex", sp.sqrt(z * w), sp.sqrt(z) * sp.sqrt(w), "=", SCALARS),
    ("cube-root-real", (x**3)**R(1, 3), x, "=", SCALARS),
    ("exp-power-complex", sp.exp(z)**w, sp.exp(z * w), "=", SCALARS),
    ("sqrt-reciprocal-complex", sp.sqrt(1 / z), 1 / sp.sqrt(z), "=", SCALARS),
    ("log-reciprocal-complex", sp.log(1 / z), -sp.log(z), "=", SCALARS),
    ("product-power-complex", (z * w)**c, z**c * w**c, "=", SCALARS),
    ("abs-square-complex", sp.Abs(z)**2, z**2, "=", SCALARS),
    ("atan-reciprocal-real", sp.atan(x) + sp.atan(1 / x), sp.pi / 2, "=", SCALARS),
    ("integral-exp-real-rate", sp.Integral(sp.exp(-a * t), (t, 0, sp.oo)), 1 / a, "=", SCALARS),
    ("gaussian-integral-real", sp.Integral(sp.exp(-a * t**2), (t, -sp.oo, sp.oo)),
     sp.sqrt(sp.pi / a), "=", SCALARS),
    ("integral-through-pole", sp.Integral(1 / t**2, (t, -1, 1)), -2, "=", SCALARS),
    ("factor-3-near-1e-45", 3 * sp.exp(-100 - x**2), sp.exp(-100 - x**2), "=", SCALARS),
    ("factor-3-constant-1e-45", R(3, 10**45), R(1, 10**45), "=", SCALARS),
    ("true-only-sigma-below-4", sp.sqrt((sigma - 4)**2), 4 - sigma, "=", SCALARS),
    ("true-only-kappa-above-1-20", sp.sqrt((20 * kappa - 1)**2), 20 * kappa - 1, "=", SCALARS),
    ("true-only-d-at-most-3", sp.Min(d, 3), d, "=", SCALARS),
    ("true-only-T-at-most-6", sp.Min(T, 6), T, "=", SCALARS),
    ("square-above-itself", x**2, x, ">=", SCALARS),
    ("sum-of-squares-formula", sp.Sum(k**2, (k, 1, m)), m**2 * (m + 1) / 2, "=", SCALARS),
    ("binomial-2", sp.binomial(m, 2), m**2 / 2, "=", SCALARS),
    ("exp-taylor-2", sp.exp(x) - 1 - x, x**2 / 2, "=", SCALARS),
    ("trace-product", sp.Trace(A * B), sp.Trace(A) * sp.Trace(B), "=", MATRICES),
    ("transpose-product-order", (A * B).T, A.T * B.T, "=", MATRICES),
    ("det-orthogonal-is-1", sp.Determinant(Q), 1, "=", MATRICES),
    ("inverse-of-sum", (P + S2).inverse(), P.inverse() + S2.inverse(), "=", MATRICES),
    ("inverse-product-order", (P * S2).inverse(), P.inverse() * S2.inverse(), "=", MATRICES),
    ("square-of-sum-commuting", (A + B)**2, A**2 + 2 * A * B + B**2, "=", MATRICES),
    ("product-of-spd-symmetric", (P * S2).T, P * S2, "=", MATRICES),
    ("orthogonal-squared", Q * Q, sp.Identity(d), "=", MATRICES),
    ("trace-not-cyclic", sp.Trace(A * B * G), sp.Trace(A * G * B), "=", MATRICES),
    ("det-additive", sp.Determinant(P + S2), sp.Determinant(P) + sp.Determinant(S2), "=", MATRICES),
    ("det-scaling", sp.Determinant(2 * A), 2 * sp.Determinant(A), "=", MATRICES),
    ("det-orthogonal-cubed-is-1", sp.Determinant(Q)**3, 1, "=", MATRICES),
    ("det-inverse-unchanged", sp.Determinant(A.inverse()), sp.Determinant(A), "=", MATRICES),
    ("det-negation-odd-only", sp.Determinant(-A), -sp.Determinant(A), "=", MATRICES),
    ("det-orthogonal-conjugation-wrong", sp.Determinant(Q.T * A * Q), sp.Determinant(Q) * sp.Determinant(A),
     "=", MATRICES),
    ("trace-gradient-halved", sp.Derivative(sp.Trace(W.T * W), W), W, "=", MATRICES),
    ("explicit-transpose-order", sp.Matrix([[a, b], [c, x]]) * sp.Matrix([[y, 1], [0, t]]),
     sp.Matrix([[y, 1], [0, t]]) * sp.Matrix([[a, b], [c, x]]), "=", SCALARS),
]

# ... and true ones, most the twins of a false one under the right assumption
TRUE = [
    ("sqrt-square-positive", sp.sqrt(xp**2), xp, "=", SCALARS),
    ("log-product-positive", sp.log(ap * bp), sp.log(ap) + sp.log(bp), "=", SCALARS),
    ("power-of-power-positive-base", (ap**b)**c, ap**(b * c), "=", SCALARS),
    ("log-exp-real", sp.log(sp.exp(x)), x, "=", SCALARS),
    ("integral-power-positive-n", sp.Integral(t**np_, (t, 0, 1)), 1 / (np_ + 1), "=", SCALARS),
    ("asin-sin-in-range", sp.asin(sp.sin(u)), u, "=", SCALARS),
    ("acos-cos-in-range", sp.acos(sp.cos(v)), v, "=", SCALARS),
    ("abs-nonnegative", sp.Abs(x0), x0, "=", SCALARS),
    ("exp-log-complex", sp.exp(sp.log(z)), z, "=", SCALARS),
    ("sqrt-product-positive", sp.sqrt(ap * bp), sp.sqrt(ap) * sp.sqrt(bp), "=", SCALARS),
    ("sqrt-squared-complex", sp.sqrt(z)**2, z, "=", SCALARS),
    ("power-sum-complex", z**a * z**b, z**(a + b), "=", SCALARS),
    ("product-power-positive", (xp * yp)**c, xp**c * yp**c, "=", SCALARS),
    ("abs-square-conjugate", sp.Abs(z)**2, z * sp.conjugate(z), "=", SCALARS),
    ("atan-reciprocal-positive", sp.atan(xp) + sp.atan(1 / xp), sp.pi / 2, "=", SCALARS),
    ("integral-exp-positive-rate", sp.Integral(sp.exp(-ap * t), (t, 0, sp.oo)), 1 / ap, "=", SCALARS),
    ("gaussian-integral-positive", sp.Integral(sp.exp(-ap * t**2), (t, -sp.oo, sp.oo)),
     sp.sqrt(sp.pi / ap), "=", SCALARS),
    ("factor-3-near-1e-45-right", 3 * sp.exp(-100 - x**2), sp.exp(sp.log(3) - 100 - x**2), "=", SCALARS),
    ("abs-sigma-minus-4", sp.sqrt((sigma - 4)**2), sp.Abs(sigma - 4), "=", SCALARS),
    ("removable-x-over-x", x / x, 1, "=", SCALARS),
    ("removable-difference-quotient", (x**2 - 1) / (x - 1), x + 1, "=", SCALARS),
    ("gamma-recurrence", sp.gamma(x + 1), x * sp.gamma(x), "=", SCALARS),
    ("sech-square-cancellation", 1 - sp.tanh(x)**2, 1 / sp.cosh(x)**2, "=", SCALARS),
    ("heaviside-sign", sp.Heaviside(x), (1 + sp.sign(x)) / 2, "=", SCALARS),
    ("max-abs", sp.Max(x, y), (x + y + sp.Abs(x - y)) / 2, "=", SCALARS),
    ("sum-of-integers", sp.Sum(k, (k, 1, m)), m * (m + 1) / 2, "=", SCALARS),
    ("square-nonnegative", x**2, 0, ">=", SCALARS),
    ("trace-cyclic", sp.Trace(A * B), sp.Trace(B * A), "=", MATRICES),
    ("transpose-product", (A * B).T, B.T * A.T, "=", MATRICES),
    ("det-orthogonal-squared", sp.Determinant(Q)**2, 1, "=", MATRICES),
    ("inverse-product", (P * S2).inverse(), S2.inverse() * P.inverse(), "=", MATRICES),
    ("orthogonal-gram", Q.T * Q, sp.Identity(d), "=", MATRICES),
    ("trace-cyclic-three", sp.Trace(A * B * G), sp.Trace(G * A * B), "=", MATRICES),
    ("det-scaling-power", sp.Determinant(2 * A), 2**d * sp.Determinant(A), "=", MATRICES),
    ("det-product", sp.Determinant(A * B * G), sp.Determinant(G) * sp.Determinant(A) * sp.Determinant(B),
     "=", MATRICES),
    ("det-transpose", sp.Determinant((A * B).T), sp.Determinant(B * A), "=", MATRICES),
    ("det-inverse", sp.Determinant(A.inverse()), 1 / sp.Determinant(A), "=", MATRICES),
    ("det-identity", sp.Determinant(sp.Identity(d)), 1, "=", MATRICES),
    ("det-orthogonal-cubed", sp.Determinant(Q)**3, sp.Determinant(Q), "=", MATRICES),
    ("det-orthogonal-conjugation", sp.Determinant(Q.T * A * Q), sp.Determinant(A), "=", MATRICES),
    ("product-of-spd-transpose", (P * S2).T, S2 * P, "=", MATRICES),
    ("trace-gradient", sp.Derivative(sp.Trace(W.T * W), W), 2 * W, "=", MATRICES),
    ("trace-linear-gradient", sp.Derivative(sp.Trace(A * W), W), A.T, "=", MATRICES),
    ("explicit-transpose-product", (sp.Matrix([[a, b], [c, x]]) * sp.Matrix([[y, 1], [0, t]])).T,
     sp.Matrix([[y, 1], [0, t]]).T * sp.Matrix([[a, b], [c, x]]).T, "=", SCALARS),
]


def _verify(lhs, rhs, rel, derivation):
    return verify_relation(derivation, lhs, rhs, rel, seed=7, timeout=20)


@pytest.mark.parametrize("name, lhs, rhs, rel, derivation", FALSE, ids=[c[0] for c in FALSE])
def test_false_identity_not_accepted(name, lhs, rhs, rel, derivation) -> None:
    r = _verify(lhs, rhs, rel, derivation)
    assert r.verdict not in ESTABLISHED, f"{name}: accepted as {r.verdict} ({r.method})"
    assert r.verdict == "refuted", f"{name}: {r.verdict} ({r.method}; {r.notes})"
    assert r.witness is not None and r.evaluation["recheck"], r


@pytest.mark.parametrize("name, lhs, rhs, rel, derivation", TRUE, ids=[c[0] for c in TRUE])
def test_true_identity_verified(name, lhs, rhs, rel, derivation) -> None:
    r = _verify(lhs, rhs, rel, derivation)
    assert r.verdict in ESTABLISHED, f"{name}: {r.verdict} ({r.method}; {r.notes}; {r.witness} {r.evaluation})"
    ev = r.evidence
    assert ev is not None and ev["precision"] >= 30, r
    points = sum(ev["points"].values())
    needed = MIN_POINTS if r.verdict == "numeric" else CORROBORATION
    assert points >= needed or ev["points"].get("constant"), f"{name}: only {points} points: {ev}"


MUST_PROVE = ("det-orthogonal-squared", "det-scaling-power", "det-product", "det-transpose", "det-inverse",
              "det-identity", "det-orthogonal-cubed", "det-orthogonal-conjugation")


@pytest.mark.parametrize("name", MUST_PROVE)
def test_determinant_rules_proved(name) -> None:
    """The canonicaliser's determinant rules make these proofs, not merely `numeric`."""
    _, lhs, rhs, rel, derivation = next(c for c in TRUE if c[0] == name)
    r = _verify(lhs, rhs, rel, derivation)
    assert r.verdict == "proved", f"{name}: {r.verdict} ({r.method})"


def test_corpus_size() -> None:
    assert len(FALSE) >= 40 and len(TRUE) >= 30


if __name__ == "__main__":  # the figures for the README
    from collections import Counter

    false = Counter(_verify(*c[1:]).verdict for c in FALSE)
    true = Counter(_verify(*c[1:]).verdict for c in TRUE)
    print(f"false identities: {len(FALSE)}, verdicts {dict(false)}")
    print(f"true identities: {len(TRUE)}, verdicts {dict(true)}")
