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


DERIVATION = Derivation("test.canon", "matrix identities", "test", "0", (), (),
                        matrices=tuple(Matrix(m, PROPS.get(m, frozenset())) for m in (A, B, C, H, S, U, D, X, x)),
                        dimensions={d: (1, 2, 3), T: (4, 5, 6)})


@pytest.mark.parametrize("name, lhs, rhs", TRUE[9:13], ids=[c[0] for c in TRUE[9:13]])
def test_verify_relation_proves_with_declared_properties(name, lhs, rhs) -> None:
    r = verify_relation(DERIVATION, lhs, rhs, seed=3, timeout=30)
    assert r.verdict == "proved", (name, r)
    assert r.evidence["points"]["special"] >= 4 and r.evidence["points"]["random"] >= 4, r.evidence


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
