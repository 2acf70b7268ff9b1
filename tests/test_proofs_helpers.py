"""Testing helpers for users' own code: assert_holds, assert_matches_monte_carlo,
admissible_points (readable failures; misuse named)."""
from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp
from hypothesis import given, settings

from derivations.errors import InvalidOption
from derivations.model import Matrix
from derivations.testing import admissible_points, assert_holds, assert_matches_monte_carlo

x = sp.Symbol("x", real=True)
s = sp.Symbol("s", positive=True)
n = sp.Symbol("n", integer=True, positive=True)


def test_assert_holds_passes_and_returns_the_verdict():
    assert assert_holds(sp.exp(2 * sp.log(s)), s ** 2) == "proved"
    assert assert_holds(sp.S.Zero, s ** 2, "<=") == "proved"


def test_assert_holds_failure_names_difference_and_witness():
    with pytest.raises(AssertionError) as info:
        assert_holds((x + 1) ** 2, x ** 2 + 1, name="square")
    message = str(info.value)
    assert "verdict refuted" in message
    assert "simplified difference: 2 x" in message
    assert "witness:               x=" in message


def test_assert_holds_with_matrices_strict_and_finite_domains():
    C = sp.MatrixSymbol("C", 3, 3)
    assert assert_holds(C.T, C, matrices=[Matrix(C, frozenset({"symmetric"}))]) == "proved"
    # |det Q| = 1 for orthogonal Q: true, but the canonicaliser does not reduce |·| (det(Q)² = 1
    # it proves)
    Q = sp.MatrixSymbol("Q", 3, 3)
    orthogonal = [Matrix(Q, frozenset({"orthogonal"}))]
    assert assert_holds(sp.Determinant(Q) ** 2, 1, matrices=orthogonal) == "proved"
    assert assert_holds(sp.Abs(sp.Determinant(Q)), 1, matrices=orthogonal) == "numeric"
    with pytest.raises(AssertionError, match="verdict numeric"):
        assert_holds(sp.Abs(sp.Determinant(Q)), 1, matrices=orthogonal, strict=True)
    spin = sp.Symbol("S")
    assert assert_holds(spin ** 2, 1, domain={spin: (-1, 1)}) == "exhaustive"


def test_assert_matches_monte_carlo_passes_and_fails_readably():
    def sampler(rng, size):
        return rng.exponential(2.0, size)

    ok = assert_matches_monte_carlo(sampler, 2.0, n=50_000, seed=3)
    assert ok["verdict"] == "consistent" and ok["n"] == 50_000
    with pytest.raises(AssertionError) as info:
        assert_matches_monte_carlo(sampler, 2.2, n=50_000, seed=3, name="mean_of_exp")
    message = str(info.value)
    assert "'mean_of_exp' (mean, n=50000, seed=3): contradicted" in message
    assert "± " in message and "expected:  2.2" in message and "p-value:" in message
    assert "smallest relative error this check detects" in message
    # the bias bound enters the tolerance (and, counted twice as a symmetric width, the MDRE)
    assert assert_matches_monte_carlo(sampler, 2.2, n=50_000, seed=3, bias=0.21)["verdict"] \
        == "consistent"
    # the same seed replays exactly
    assert assert_matches_monte_carlo(sampler, 2.0, n=50_000, seed=3) == ok


def test_an_underpowered_check_fails_instead_of_passing():
    with pytest.raises(AssertionError, match="underpowered"):
        assert_matches_monte_carlo(lambda rng, size: rng.standard_normal(size) + 0.01, 0.01,
                                   n=200)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"statistic": "median"}, "statistic='median'"),
    ({"n": 10}, "n=10"),
    ({"alpha": 2.0}, "alpha=2.0"),
])
def test_monte_carlo_misuse_is_named(kwargs, fragment):
    with pytest.raises(InvalidOption, match=fragment):
        assert_matches_monte_carlo(lambda rng, size: rng.random(size), 0.5, **kwargs)


def test_assert_holds_misuse_is_named():
    with pytest.raises(InvalidOption, match="relation='<'"):
        assert_holds(x, x, "<")


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(admissible_points([x, s, n, sp.Symbol("z")], ranges={x: (-1, 2)}))
def test_admissible_points_respect_assumptions_and_ranges(point):
    assert -1 <= point[x] <= 2 and point[x].is_Rational
    assert point[s] > 0 and point[n] >= 1 and point[n].is_Integer
    assert point[sp.Symbol("z")].is_number


def test_admissible_points_refuses_an_empty_range():
    with pytest.raises(InvalidOption, match="symbol s"):
        admissible_points([s], ranges={s: (2, 1)})


def test_admissible_points_of_a_derivation_file_use_its_ranges():
    from hypothesis import find

    from derivations.proofs import read_proof

    proof = read_proof("r.derivation.md", "---\nsymbols:\n  u: {range: [2, 3]}\n  k: [integer, "
                                          "negative]\n---\n$$ u k = k u $$\n")
    point = find(admissible_points(proof.derivation), lambda p: True)
    u, k = sorted(point, key=str)[::-1]
    assert 2 <= point[u] <= 3 and point[k] < 0


def test_package_check_accepts_a_derivation_file() -> None:
    """``derivations.check`` takes a ``*.derivation.md`` path like an id (steps carry lines)."""
    import derivations

    path = Path(__file__).resolve().parents[1] / "examples" / "ou_variance.derivation.md"
    if not path.is_file():
        pytest.skip(f"{path} is not in this checkout")
    result = derivations.check(str(path), mc=False, cache=False)
    entry = result["derivations"][0]
    assert entry["id"] == str(path) and entry["verdict"] == "pass"
    assert all(isinstance(s["line"], int) and s["line"] > 0 for s in entry["steps"])
