"""Mutation testing: the checker must kill >= 99 % of the non-equivalent mutants of every step.

The registry tests iterate every registered derivation (never named here).  The default tier
checks a deterministic subset — for every step the sign flip and the first site of one other
kind, rotating over the kinds (:func:`derivations.mutants.quick_mutants`); the ``slow`` tier checks every mutant up to
``MAX_SITES`` sites per kind.  Survivors are listed as ``<derivation>:step<i>:<kind>:<site>``
with the mutated relation.  The machinery itself is tested on small derivations defined here.
"""
from __future__ import annotations

import fnmatch

import pytest
import sympy as sp

from derivations.model import Derivation, Step
from derivations.mutants import (KINDS, MAX_SITES, Mutant, kill_rate, mutants, quick_mutants,
                                 run_mutants)
from derivations.registry import all_derivations
from derivations.testing import ids, step_cases

MIN_KILL = 0.99
JOBS = 2
POINTS = 3  # numeric points per mutant (5 more for a mutant the first 3 do not kill)
QUICK_OTHERS = 1  # default tier: sign flip + 1 other kind per step (rotating over kinds)


def quick_select(step):
    """The default tier's deterministic subset of a step's mutants."""
    return quick_mutants(step, others=QUICK_OTHERS)

# Mutants that are equivalent (or, for inequalities, still true) for a reason SymPy cannot prove
# in its time limit: id pattern (fnmatch) -> the mathematical reason.  They are excluded from
# the count; one that gets refuted with a witness fails the suite (the reason was wrong), and
# the slow tier fails on a pattern that matches no mutant (stale entry).
DECLARED_EQUIVALENT: dict[str, str] = {
    "agliari.one_step_stability:step9:scale-term:rhs@1.1.2.1.1":
        "raises the upper limit of Σ_k C(M, k)·H(…) from M to a larger value; C(M, k) = 0 for "
        "k > M, so the added terms vanish",
}

# Known shortfalls are data, not silent skips: derivation id -> reason.  Listed derivations'
# kill-rate tests are strict xfails, so a fix that makes them pass fails the suite until the
# entry is removed.  Keep empty unless a core limitation is reported and being worked on.
KNOWN_SHORTFALLS: dict[str, str] = {}

DERIVATIONS = all_derivations()
DERIVATION_CASES = [pytest.param(d.id, d, id=d.id, marks=[pytest.mark.xfail(
    reason=KNOWN_SHORTFALLS[d.id], strict=True)] if d.id in KNOWN_SHORTFALLS else [])
    for d in DERIVATIONS]
STEPS = step_cases(DERIVATIONS)

x, y, c = sp.symbols("x y c", real=True)
k, t = sp.symbols("kappa t", positive=True)
s1, s2 = sp.symbols("s1 s2", integer=True)
n = sp.Symbol("n", integer=True, positive=True)
A, B = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("B", n, n)
v = sp.MatrixSymbol("v", n, 1)


def declared_equivalent(result) -> str | None:
    """The reason ``result``'s mutant is declared equivalent, or None."""
    for pattern, reason in DECLARED_EQUIVALENT.items():
        if fnmatch.fnmatchcase(result.id, pattern):
            return reason
    return None


def _countable(results) -> list:
    """Results minus declared equivalents; a declared equivalent that is killed is an error."""
    wrong = [r for r in results if r.status == "killed" and declared_equivalent(r)]
    assert not wrong, ("declared equivalent but refuted with a witness (fix DECLARED_EQUIVALENT):\n"
                       + "\n".join("  " + r.describe() for r in wrong))
    return [r for r in results if not declared_equivalent(r)]


def _survivor_report(results) -> str:
    killed, counted, survivors = kill_rate(_countable(results))
    survived = sum(r.status == "survived" for r in survivors)
    lines = [f"killed {killed}/{counted} non-equivalent mutants ({killed / max(counted, 1):.1%}); "
             f"survivors ({survived} with agreeing numbers, {len(survivors) - survived} undecided "
             "— no evaluation or time limit):"]
    lines += ["  " + r.describe() for r in survivors]
    return "\n".join(lines)


def _assert_kill_rate(results, what: str) -> None:
    killed, counted, _ = kill_rate(_countable(results))
    assert counted > 0, f"{what}: no countable mutant"
    assert killed >= MIN_KILL * counted, f"{what}: " + _survivor_report(results)


# ---------------------------------------------------------------- generating mutants

def test_every_kind_generated_with_named_sites() -> None:
    step = Step(c, x**2 + 2 * y + 3, "definition")
    ms = mutants(step)
    assert {m.kind for m in ms} == set(KINDS)
    by_kind = {kind: [m for m in ms if m.kind == kind] for kind in KINDS}
    assert [m.rhs for m in by_kind["sign-flip"]] == [-(x**2 + 2 * y + 3)]
    assert {m.rhs for m in by_kind["scale-term"]} <= {2 * x**2 + 2 * y + 3, x**2 + 4 * y + 3,
                                                    x**2 + 2 * y + 6}
    assert {m.rhs for m in by_kind["exponent"]} == {x**3 + 2 * y + 3, x + 2 * y + 3}
    assert [m.rhs for m in by_kind["swap-symbols"]] == [y**2 + 2 * x + 3]
    assert {m.rhs for m in by_kind["drop-term"]} <= {2 * y + 3, x**2 + 3, x**2 + 2 * y}
    assert all(m.lhs == c for m in ms)
    assert by_kind["swap-symbols"][0].site == "rhs:x<->y"
    assert all(m.site.startswith("rhs@") for m in by_kind["scale-term"] + by_kind["drop-term"])


def test_mutants_are_deterministic_and_never_the_original() -> None:
    step = Step(sp.exp(-k * t) * (x + y) ** 2, sp.exp(-k * t) * (x**2 + 2 * x * y + y**2), "expand")
    first, second = mutants(step), mutants(step)
    assert first == second
    assert all((m.lhs, m.rhs) != (step.lhs, step.rhs) for m in first)
    assert len({(m.lhs, m.rhs) for m in first}) == len(first)


def test_sites_capped_per_kind() -> None:
    rhs = sum(x**i for i in range(1, 12))
    ms = mutants(Step(c, rhs, "sum"))
    for kind in ("scale-term", "drop-term"):
        assert 1 <= len([m for m in ms if m.kind == kind]) <= MAX_SITES
    assert len([m for m in ms if m.kind == "exponent"]) <= 2 * MAX_SITES


def test_lhs_mutated_when_rhs_has_no_site() -> None:
    ms = mutants(Step(x**2 + y, c, "name the sum"))
    kinds = {m.kind: m for m in ms}
    assert kinds["sign-flip"].site == "rhs" and kinds["sign-flip"].rhs == -c
    for kind in ("scale-term", "exponent", "drop-term", "swap-symbols"):
        assert kinds[kind].site.startswith("lhs"), kinds[kind]
        assert kinds[kind].rhs == c and kinds[kind].lhs != x**2 + y


def test_sign_flip_of_a_vanishing_sum_flips_one_term() -> None:
    ms = [m for m in mutants(Step(x**2 - y, 0, "balance")) if m.kind == "sign-flip"]
    assert {(m.site, m.lhs) for m in ms} == {("lhs@0", -x**2 - y), ("lhs@1", x**2 + y)}
    assert all(m.rhs == 0 for m in ms)


def test_symmetric_swap_is_skipped() -> None:
    ms = mutants(Step(c, x * y + 1, "symmetric"), kinds=("swap-symbols",))
    assert all(m.site.startswith("lhs") or m.rhs != x * y + 1 for m in ms)
    assert not any(m.site == "rhs:x<->y" for m in ms)


def test_matrix_mutants_respect_shapes() -> None:
    step = Step(A.T * A + sp.Inverse(B), A.T * A + B.I, "notation")
    ms = mutants(step)
    swaps = [m for m in ms if m.kind == "swap-symbols"]
    assert swaps and all("v" not in m.site and "n" not in m.site.split(":")[1] for m in swaps)
    exps = {m.rhs for m in ms if m.kind == "exponent"}
    assert A.T * A + sp.MatPow(B, -2) in exps
    drops = {m.rhs for m in ms if m.kind == "drop-term"}
    assert drops == {A.T * A, B.I}
    assert not [m for m in mutants(Step(v.T * A * v, v.T * B * v, "x")) if
                m.kind == "swap-symbols" and "v" in m.site]


def test_quick_mutants_cover_sign_flip_and_other_kinds() -> None:
    step = Step(c, x**2 + 2 * y + 3, "definition")
    quick = quick_mutants(step)
    assert quick[0].kind == "sign-flip"
    assert [m.kind for m in quick] == list(KINDS)
    one = quick_mutants(step, others=1)
    assert len(one) == 2 and one[0].kind == "sign-flip" and one[1] in quick
    assert quick_mutants(step, others=1) == one  # deterministic
    rotated = {quick_mutants(Step(c, x**2 + 2 * y + i, "d"), others=1)[1].kind for i in range(3, 40)}
    assert len(rotated) >= 3  # the other kind rotates with the step


# ---------------------------------------------------------------- checking mutants

OU = Derivation(
    "test.ou_variance", "OU variance", "test", "0", ("0.1", "0.2", "0.3"),
    steps=(
        Step(sp.Integral(sp.exp(-2 * k * (t - x)), (x, 0, t)), (1 - sp.exp(-2 * k * t)) / (2 * k),
             "integrate", "0.1"),
        Step((1 - sp.exp(-2 * k * t)) / (2 * k), 1 / (2 * k) - sp.exp(-2 * k * t) / (2 * k),
             "expand", "0.2"),
        Step((1 - sp.exp(-2 * k * t)) / (2 * k), t, "1 - e^{-u} <= u", "0.3", relation="<="),
    ),
)
SPINS = Derivation("test.spins", "spins", "test", "0", ("0.1",),
                   steps=(Step((s1 + s2) ** 2, 2 + 2 * s1 * s2, "s^2 = 1", "0.1",
                               domain={s1: (-1, 1), s2: (-1, 1)}),))


@pytest.fixture(scope="module")
def ou_results():
    return run_mutants(OU, seed=0, timeout=20, jobs=JOBS, points=POINTS)


def test_demo_mutants_killed_or_equivalent(ou_results) -> None:
    statuses = {r.status for r in ou_results}
    assert statuses <= {"killed", "equivalent"}, _survivor_report(ou_results)
    _assert_kill_rate(ou_results, OU.id)
    for r in ou_results:
        if r.status == "killed":
            assert r.witness and set(r.witness) <= {"kappa", "t", "x"}, r
    ids_ = [r.id for r in ou_results]
    assert len(set(ids_)) == len(ids_) and ids_[0] == "test.ou_variance:step0:sign-flip:rhs"


def test_weaker_inequality_mutant_is_equivalent_not_survivor(ou_results) -> None:
    """For ``lhs <= rhs``, shrinking the lhs keeps the bound true: not a real mutant."""
    ineq = [r for r in ou_results if r.step == 2]
    smaller_lhs = -sp.exp(-2 * k * t) / (2 * k)  # (1 - e^{-2κt})/(2κ) with the 1 dropped
    weaker = [r for r in ineq if r.mutant.kind == "drop-term" and r.mutant.lhs == smaller_lhs]
    assert weaker and weaker[0].status == "equivalent" and "implies" in weaker[0].detail


def test_equivalent_mutant_not_counted() -> None:
    d = Derivation("test.square", "square", "test", "0", ("0.1",),
                   (Step(x**2 - 2 * x * y + y**2, (x - y) ** 2, "square", "0.1"),))
    res = run_mutants(d, jobs=JOBS, points=POINTS)
    swap = [r for r in res if r.mutant.kind == "swap-symbols"]
    assert swap and swap[0].mutant.rhs == (y - x) ** 2 and swap[0].status == "equivalent"
    killed, counted, survivors = kill_rate(res)
    assert counted == len(res) - sum(r.status == "equivalent" for r in res)
    assert killed == counted and not survivors, _survivor_report(res)


def test_domain_mutants_checked_on_domain() -> None:
    res = run_mutants(SPINS, jobs=JOBS, points=POINTS)
    _assert_kill_rate(res, SPINS.id)
    for r in res:
        if r.status == "killed":
            assert {r.witness[s] for s in ("s1", "s2") if s in r.witness} <= {"-1", "1"}, r


def test_unevaluable_mutant_is_undecided_and_counts_as_survivor() -> None:
    g = sp.Function("g")
    d = Derivation("test.opaque", "opaque", "test", "0", ("0.1",),
                   (Step(g(x) * (x + 1), g(x) * x + g(x), "distribute", "0.1"),))
    res = run_mutants(d, jobs=JOBS, points=POINTS, select=lambda s: quick_mutants(s)[:1], timeout=5)
    assert [r.status for r in res] == ["undecided"]
    killed, counted, survivors = kill_rate(res)
    assert (killed, counted, len(survivors)) == (0, 1, 1)
    with pytest.raises(AssertionError, match=r"test.opaque:step0:sign-flip:rhs"):
        _assert_kill_rate(res, d.id)


def test_results_independent_of_jobs() -> None:
    one = run_mutants(SPINS, jobs=1, points=POINTS)
    two = run_mutants(SPINS, jobs=2, points=POINTS)
    assert [(r.id, r.status, r.witness) for r in one] == [(r.id, r.status, r.witness) for r in two]


def test_mutant_is_a_value() -> None:
    m = Mutant("sign-flip", "rhs", x, -x)
    assert m == Mutant("sign-flip", "rhs", x, -x) and hash(m) == hash(Mutant("sign-flip", "rhs", x, -x))


# ---------------------------------------------------------------- the registered catalog

@pytest.mark.parametrize("case_id, derivation, index", STEPS, ids=ids(STEPS))
def test_quick_subset_covers_step(case_id, derivation, index) -> None:
    kinds = [m.kind for m in quick_select(derivation.steps[index])]
    assert kinds[:1] == ["sign-flip"] and len(kinds) >= 2, f"{case_id}: quick mutants {kinds}"


def test_quick_subset_exercises_every_kind() -> None:
    kinds = {m.kind for d in DERIVATIONS for s in d.steps for m in quick_select(s)}
    assert kinds == set(KINDS), f"default tier never generates {sorted(set(KINDS) - kinds)}"


@pytest.fixture(scope="module")
def quick_results() -> dict:
    return {d.id: run_mutants(d, seed=0, timeout=20, jobs=JOBS, points=POINTS, select=quick_select)
            for d in DERIVATIONS}


@pytest.mark.parametrize("case_id, derivation", DERIVATION_CASES)
def test_quick_mutants_killed(case_id, derivation, quick_results) -> None:
    _assert_kill_rate(quick_results[derivation.id], derivation.id)


def test_quick_mutants_killed_overall(quick_results) -> None:
    assert DERIVATIONS, "the registry is empty"
    _assert_kill_rate([r for d, res in quick_results.items() if d not in KNOWN_SHORTFALLS for r in res],
                      "catalog (without KNOWN_SHORTFALLS)")


@pytest.fixture(scope="module")
def full_results() -> dict:
    return {d.id: run_mutants(d, seed=0, timeout=20, jobs=JOBS, points=POINTS) for d in DERIVATIONS}


@pytest.mark.slow
@pytest.mark.parametrize("case_id, derivation", DERIVATION_CASES)
def test_all_mutants_killed(case_id, derivation, full_results) -> None:
    _assert_kill_rate(full_results[derivation.id], derivation.id)


@pytest.mark.slow
def test_declared_equivalents_are_current(full_results) -> None:
    ids_ = [r.id for res in full_results.values() for r in res]
    stale = [p for p in DECLARED_EQUIVALENT if not fnmatch.filter(ids_, p)]
    assert not stale, f"DECLARED_EQUIVALENT patterns matching no mutant: {stale}"


def test_declared_equivalent_killed_is_an_error() -> None:
    from derivations.mutants import MutantResult

    for pattern in DECLARED_EQUIVALENT:
        derivation, step, kind, site = pattern.split(":", 3)
        fake = MutantResult(derivation, int(step[4:]), None, "=",
                            Mutant(kind, site.replace("*", "x"), sp.S.Zero, sp.S.One), "killed", witness={})
        assert declared_equivalent(fake)
        with pytest.raises(AssertionError, match="declared equivalent but refuted"):
            _countable([fake])


@pytest.mark.slow
def test_all_mutants_killed_overall(full_results) -> None:
    assert DERIVATIONS, "the registry is empty"
    _assert_kill_rate([r for d, res in full_results.items() if d not in KNOWN_SHORTFALLS for r in res],
                      "catalog (without KNOWN_SHORTFALLS)")


def test_module_doctests() -> None:
    import doctest

    import derivations.mutants

    result = doctest.testmod(derivations.mutants)
    assert result.attempted > 0 and result.failed == 0, result


def test_swap_implied_by_a_symmetric_side_is_equivalent() -> None:
    """``f(x, y) = x*y + 1`` with the rhs symmetric: swapping x, y in the lhs says the same."""
    d = Derivation("test.symmetric", "symmetric", "test", "0", ("0.1",),
                   (Step(x * (y + 1) - x + 1, x * y + 1, "collect", "0.1"),))
    (swap,) = [m for m in mutants(d.steps[0]) if m.kind == "swap-symbols"]
    assert swap.site == "lhs:x<->y"
    (res,) = run_mutants(d, select=lambda s: [swap], jobs=1, points=POINTS)
    assert res.status == "equivalent" and "implied by the step" in res.detail
    # not interchangeable (different assumptions): checked numerically instead, and killed
    pos = sp.Symbol("p", positive=True)
    root = sp.Pow(pos**2, sp.Rational(1, 2), evaluate=False)  # sqrt(p^2) = p only for p > 0
    lhs = sp.Mul(root, x, evaluate=False)
    d2 = Derivation("test.asym", "asym", "test", "0", ("0.1",), (Step(lhs, pos * x, "p > 0", "0.1"),))
    res2 = [r for r in run_mutants(d2, jobs=1, points=POINTS) if r.mutant.kind == "swap-symbols"]
    assert [(r.mutant.site, r.status) for r in res2] == [("lhs:p<->x", "killed")]
