"""The matrix canonicaliser: true identities under declared properties reduce to zero, false
ones never do (it only makes sound rewritings), and verify_relation turns them into proofs."""
from __future__ import annotations

import pytest
import sympy as sp

from derivations.model import Derivation, Matrix
from derivations.symbolic.matrices import canonical, matrix_zero
from derivations.verify import verify_relation

d = sp.Symbol("d", integer=True, positive=True)
T = sp.Symbol("T", integer=True, positive=True)
s = sp.Symbol("sigma", positive=True)
A, B, C, H, S, U, D = (sp.MatrixSymbol(n, d, d) for n in "ABCHSUD")
X = sp.MatrixSymbol("X", T, d)
x = sp.MatrixSymbol("x", d, 1)
I = sp.Identity(d)  # noqa: E741
K = C + s**2 * I
PROPS = {C: frozenset({"spd"}), S: frozenset({"symmetric"}), U: frozenset({"orthogonal"}),
         D: frozenset({"diagonal"})}

TRUE = [
    ("transpose-of-product", (A * B).T, B.T * A.T),
    ("symmetric-transpose", (A * C).T, C * A.T),
    ("gram-symmetric", (X.T * X).T, X.T * X),
    ("inverse-of-product", (A * B).I, B.I * A.I),
    ("orthogonal-inverse", U.I, U.T),
    ("orthogonal-gram", U.T * U, I),
    ("orthogonal-conjugation", (s**2 * I + U * D * U.T).I, U * (s**2 * I + D).I * U.T),
    ("cyclic-trace", sp.Trace(A * B * H), sp.Trace(H * A * B)),
    ("trace-transpose", sp.Trace((A * B).T), sp.Trace(A * B)),
    ("trace-of-identity", sp.Trace(I + A), d + sp.Trace(A)),
    ("power-merge", sp.Trace(X * (X.T * X)**-2 * X.T), sp.Trace((X.T * X).I)),
    ("resolvent-commutes", K.I * C * K, C),
    ("resolvent-identity", (I - s**2 * K.I) * x, K.I * C * x),
    ("resolvent-trace", sp.Trace(C) - sp.Trace(K.I * C**2), s**2 * sp.Trace(K.I * C)),
    ("spd-quadratic-form-gradient", -(K.I + K.T.I) * x / 2, -K.I * x),
    # determinants
    ("det-product", sp.Determinant(A * B * H), sp.Determinant(A) * sp.Determinant(B) * sp.Determinant(H)),
    ("det-commutes", sp.Determinant(A * B), sp.Determinant(B * A)),
    ("det-transpose", sp.Determinant((A * B).T), sp.Determinant(A * B)),
    ("det-inverse", sp.Determinant((A * B).I), 1 / (sp.Determinant(A) * sp.Determinant(B))),
    ("det-scaling", sp.Determinant(s * A), s**d * sp.Determinant(A)),
    ("det-negation", sp.Determinant(-A), (-1)**d * sp.Determinant(A)),
    ("det-identity", sp.Determinant(I), 1),
    ("det-power", sp.Determinant(A**3 * B.I**2), sp.Determinant(A)**3 / sp.Determinant(B)**2),
    ("det-orthogonal-squared", sp.Determinant(U)**2, 1),
    ("det-orthogonal-cubed", sp.Determinant(U)**3, sp.Determinant(U)),
    ("det-orthogonal-inverse", sp.Determinant(U.I), sp.Determinant(U)),
    ("det-orthogonal-conjugation", sp.Determinant(U.T * A * U), sp.Determinant(A)),
    ("det-orthogonal-conjugated-sum", sp.Determinant(s**2 * I + U * D * U.T), sp.Determinant(s**2 * I + D)),
    ("det-symmetric-transpose", sp.Determinant(S.T * C.I), sp.Determinant(S) / sp.Determinant(C)),
    ("det-resolvent", sp.Determinant(K.I * C * K), sp.Determinant(C)),
    ("det-in-a-trace-term", sp.Determinant(A * B) * sp.Trace(A * B), sp.Determinant(B) * sp.Determinant(A) * sp.Trace(B * A)),
]
FALSE = [
    ("transpose-same-order", (A * B).T, A.T * B.T),
    ("general-not-symmetric", A.T, A),
    ("inverse-same-order", (A * B).I, A.I * B.I),
    ("orthogonal-square", U * U, I),
    ("non-cyclic-trace", sp.Trace(A * B * H), sp.Trace(A * H * B)),
    ("trace-multiplicative", sp.Trace(A * B), sp.Trace(A) * sp.Trace(B)),
    ("noncommuting-resolvent", K.I * A * K, A),
    ("wrong-resolvent-factor", (I - s * K.I) * x, K.I * C * x),
    ("conjugation-wrong-side", (s**2 * I + U * D * U.T).I, U.T * (s**2 * I + D).I * U),
    # determinants: det(Q) = ±1 is never replaced by 1, det is not additive nor linear
    ("det-orthogonal-is-one", sp.Determinant(U), 1),
    ("det-orthogonal-cubed-is-one", sp.Determinant(U)**3, 1),
    ("det-orthogonal-inverse-is-one", sp.Determinant(U.I * A), sp.Determinant(A)),
    ("det-additive", sp.Determinant(A + B), sp.Determinant(A) + sp.Determinant(B)),
    ("det-linear", sp.Determinant(s * A), s * sp.Determinant(A)),
    ("det-negation-odd", sp.Determinant(-A), -sp.Determinant(A)),
    ("det-gram-not-squared", sp.Determinant(X.T * X), sp.Determinant(X.T * X) ** 2),
    ("det-of-product-one-factor", sp.Determinant(A * B), sp.Determinant(A)),
    ("det-conjugation-not-orthogonal", sp.Determinant(s**2 * I + A * D * A.T), sp.Determinant(s**2 * I + D)),
]


@pytest.mark.parametrize("name, lhs, rhs", TRUE, ids=[c[0] for c in TRUE])
def test_true_identity_reduces_to_zero(name, lhs, rhs) -> None:
    assert matrix_zero(lhs - rhs, PROPS), f"{name}: canonical form {canonical(lhs - rhs, PROPS)}"


@pytest.mark.parametrize("name, lhs, rhs", FALSE, ids=[c[0] for c in FALSE])
def test_false_identity_never_reduces(name, lhs, rhs) -> None:
    assert not matrix_zero(lhs - rhs, PROPS), name


def test_properties_are_needed() -> None:
    """Without the declared properties the same identities are not proved."""
    assert not matrix_zero((A * C).T - C * A.T, {})
    assert not matrix_zero(U.T * U - I, {})
    assert not matrix_zero(sp.Determinant(U)**2 - 1, {})


def test_determinant_canonical_form() -> None:
    """det of a product is the product of the factors' determinants; det(Q) stays, its square goes."""
    assert canonical(sp.Determinant(2 * A * U.I), PROPS) == 2**d * sp.Determinant(A) * sp.Determinant(U)
    assert canonical(sp.Determinant(U) ** 4 * sp.Determinant(A), PROPS) == sp.Determinant(A)
    assert canonical(sp.Determinant(X.T * X), PROPS) == sp.Determinant(X.T * X)


DERIVATION = Derivation("test.canon", "matrix identities", "test", "0", (), (),
                        matrices=tuple(Matrix(m, PROPS.get(m, frozenset())) for m in (A, B, C, H, S, U, D, X, x)),
                        dimensions={d: (1, 2, 3), T: (4, 5, 6)})


PROVED = TRUE[9:13] + [c for c in TRUE if c[0] in ("det-orthogonal-squared", "det-identity",
                                                    "det-orthogonal-conjugated-sum")]


@pytest.mark.parametrize("name, lhs, rhs", PROVED, ids=[c[0] for c in PROVED])
def test_verify_relation_proves_with_declared_properties(name, lhs, rhs) -> None:
    r = verify_relation(DERIVATION, lhs, rhs, seed=3, timeout=30)
    assert r.verdict == "proved", (name, r)
    assert r.evidence["points"]["special"] >= 4 and r.evidence["points"]["random"] >= 4, r.evidence


@pytest.mark.parametrize("seed", range(4))
def test_orthogonal_determinant_one_refuted(seed) -> None:
    """det(Q) = 1 is false (reflections): the canonicaliser never proves it, the numbers refute it."""
    r = verify_relation(DERIVATION, sp.Determinant(U), 1, seed=seed, timeout=30)
    assert r.verdict == "refuted", r
    assert r.witness is not None and r.evaluation["recheck"], r


def test_explicit_matrices_accepted() -> None:
    a, b, c, e = sp.symbols("a b c e", real=True)
    m1 = sp.Matrix([[a, b], [c, e]])  # mutable, as people write them
    m2 = sp.Matrix([[1, a], [b, 2]])
    r = verify_relation(DERIVATION, (m1 * m2).T, m2.T * m1.T, seed=1)
    assert r.verdict == "proved", r
    wrong = verify_relation(DERIVATION, (m1 * m2).T, m1.T * m2.T, seed=1)
    assert wrong.verdict == "refuted", wrong


@pytest.mark.slow  # default tier under 10 minutes; .ci/run runs it
def test_matrix_derivative_verified_elementwise() -> None:
    W = sp.MatrixSymbol("W", d, d)
    deriv = Derivation("test.grad", "gradients", "test", "0", (), (), matrices=(Matrix(W), Matrix(A)),
                       dimensions={d: (1, 2, 3)})
    good = verify_relation(deriv, sp.Derivative(sp.Trace(A * W * W), W), (A * W + W * A).T, seed=2,
                           timeout=60)
    assert good.verdict in ("proved", "numeric"), good
    bad = verify_relation(deriv, sp.Derivative(sp.Trace(A * W * W), W), (A * W).T, seed=2, timeout=60)
    assert bad.verdict in ("refuted", "inconsistent"), bad


def test_gradient_of_a_quadratic_form_held_and_checked_elementwise() -> None:
    """∂(−½ xᵀS⁻¹x)/∂x = −S⁻¹x for symmetric S (6.3.22's score): ``Derivative.doit`` raises here,
    the symbolic half falls back to ``diff``; the numeric half differentiates entrywise."""
    x = sp.MatrixSymbol("x", d, 1)
    deriv = Derivation("test.score", "score", "test", "0", (), (),
                       matrices=(Matrix(S, frozenset({"spd"})), Matrix(x)),
                       dimensions={d: (1, 2, 3)})
    grad = sp.Derivative(-x.T * S.inverse() * x / 2, x)
    good = verify_relation(deriv, grad, -S.inverse() * x, seed=3)
    assert good.verdict == "proved", good
    assert "sympy-evalf" in good.evidence["route"]  # the derivative itself is evaluated
    bad = verify_relation(deriv, grad, -S.inverse() * x / 2, seed=3)
    assert bad.verdict == "refuted", bad
