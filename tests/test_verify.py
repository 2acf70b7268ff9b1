"""Engine tests: every rung of the verdict ladder on small hand-made derivations, admissible
points, the ``check.run`` JSON contract, errata, option validation and the test assertions."""
from __future__ import annotations

import json
import random
import re
import time

import numpy as np
import pytest
import sympy as sp

from derivations.run.runner import ESTABLISHED, Options, errata, run
from derivations.errors import InvalidOption, LectureCheckError
from derivations.model import Claim, Derivation, FunctionFamily, Matrix, Printed, Step
from derivations.verify.points import draw_point
from derivations.testing import assert_derivation_passes, assert_step_holds
from derivations.verify import verify_relation

x, y = sp.symbols("x y", real=True)
a = sp.Symbol("a", positive=True)
z, w = sp.symbols("z w")  # no assumptions: complex
s1, s2 = sp.symbols("s1 s2", integer=True)
n = sp.Symbol("n", integer=True, positive=True)
Q = sp.MatrixSymbol("Q", n, n)
A = sp.MatrixSymbol("A", n, n)
S = sp.MatrixSymbol("S", n, n)
u = sp.Symbol("u", real=True)
p = sp.Function("p")
SPINS = {s1: (-1, 1), s2: (-1, 1)}


def _bump(rng: random.Random) -> sp.Lambda:
    """exp(-c (u - m)^2) with exact rational c > 0, m."""
    c = sp.Rational(rng.randint(1, 9), rng.choice((2, 3, 5)))
    m = sp.Rational(rng.randint(-5, 5), 4)
    return sp.Lambda(u, sp.exp(-c * (u - m) ** 2))


SCALARS = Derivation("test.scalars", "scalar identities", "test", "0", (), ())
MATRICES = Derivation("test.matrices", "matrix identities", "test", "0", (), (),
                      matrices=(Matrix(Q, frozenset({"orthogonal"})), Matrix(A, frozenset({"spd"})),
                                Matrix(S, frozenset({"symmetric"}))),
                      dimensions={n: (2, 3)})
DENSITIES = Derivation("test.densities", "identities for a family of bumps", "test", "0", (), (),
                       functions=(FunctionFamily(p, _bump, "exp(-c (u-m)^2), c > 0"),))


def verify(lhs, rhs, relation="=", derivation=SCALARS, **kw):
    return verify_relation(derivation, lhs, rhs, relation, seed=kw.pop("seed", 0), **kw)


def _number(text: str) -> sp.Expr:
    """An exact witness value ('-11/50', '1 + 4*I', '-73/2000 - 190*I/17') — rationals only,
    never sympify."""
    if "I" not in text:
        return sp.Rational(text)
    parts = re.split(r" ([+-]) ", text)
    re_part, sign, im_part = (parts if len(parts) == 3 else ("0", "+", parts[0]))
    im_text = im_part.replace("*I", "").replace("I", "")
    im_text = {"": "1", "-": "-1"}.get(im_text, im_text)
    im_text = ("1" + im_text) if im_text.startswith("/") else im_text.replace("-/", "-1/")
    return sp.Rational(re_part) + sp.I * sp.Rational(im_text) * (-1 if sign == "-" else 1)


def exact_point(witness: dict) -> dict:
    """Parse a JSON witness back into exact sympy values keyed by symbol name."""
    return {k: _number(v) for k, v in witness.items() if isinstance(v, str)}


# ---------------------------------------------------------------- the ladder

def test_proved() -> None:
    r = verify((x + 1) ** 2, x**2 + 2 * x + 1)
    assert r.verdict == "proved", r
    assert r.witness is None and r.difference_latex == "0"


def test_exhaustive_on_finite_domain() -> None:
    r = verify((s1 + s2) ** 2, 2 + 2 * s1 * s2, domain=SPINS)
    assert r.verdict == "exhaustive", r
    assert "exhaustive over 4 points" in r.method


def test_exhaustive_domain_skips_simplify(monkeypatch) -> None:
    """Every point of the finite domain agreeing settles the step: stage 2 is not run."""
    import derivations.verify.symbolic as symbolic

    def fail(*a, **k):
        raise AssertionError("simplify() run after an exhaustive check")
    monkeypatch.setattr(symbolic.sp, "simplify", fail)
    r = verify((s1 + s2) ** 2, 2 + 2 * s1 * s2, domain=SPINS)
    assert r.verdict == "exhaustive" and not r.notes, r
    assert "simplify() not tried: the finite domain is covered" in r.method


def test_exhaustive_domain_refutes_with_a_domain_point() -> None:
    r = verify((s1 + s2) ** 2, 2 + s1 * s2, domain=SPINS)
    assert r.verdict == "refuted"
    pt = exact_point(r.witness)
    assert {pt["s1"], pt["s2"]} <= {-1, 1}
    assert ((s1 + s2) ** 2 - 2 - s1 * s2).subs({s1: pt["s1"], s2: pt["s2"]}) != 0


def test_numeric_when_simplifier_gives_up() -> None:
    r = verify(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1, simplifier=lambda d: d)
    assert r.verdict == "numeric", r
    assert "not a proof" in r.method


def test_refuted_with_exact_witness() -> None:
    lhs, rhs = (x + 1) ** 2, x**2 + 1
    r = verify(lhs, rhs)
    assert r.verdict == "refuted"
    assert r.evaluation["recheck"] == "exact rational arithmetic"
    pt = exact_point(r.witness)
    assert set(pt) == {"x"} and pt["x"].is_Rational
    assert (lhs - rhs).subs(x, pt["x"]) != 0  # exact rational arithmetic
    assert sp.Float(r.evaluation["lhs"], 20) == pytest.approx(float((pt["x"] + 1) ** 2))


def test_inconsistent_when_simplifier_lies() -> None:
    r = verify(x + 1, x + 2, simplifier=lambda d: 0)
    assert r.verdict == "inconsistent", r
    assert r.witness is not None and "symbolic engine returned zero" in r.method


def _hang(diff):
    while True:
        pass


def test_undecided_when_nothing_concludes_in_time() -> None:
    g = sp.Function("g")  # no FunctionFamily: cannot be evaluated numerically
    start = time.perf_counter()
    r = verify(g(x) * (x + 1), g(x) * x + g(x), simplifier=_hang, timeout=1)
    elapsed = time.perf_counter() - start
    assert r.verdict == "undecided", r
    assert elapsed < 5, f"hung for {elapsed:.1f} s with timeout=1"
    assert any("1 s limit" in note for note in r.notes)


def test_symbolic_timeout_falls_back_to_numeric() -> None:
    start = time.perf_counter()
    r = verify(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1, simplifier=_hang, timeout=1)
    assert time.perf_counter() - start < 5
    assert r.verdict == "numeric" and "symbolic: timeout" in r.method


# ---------------------------------------------------------------- inequalities

@pytest.mark.parametrize("lhs, rel, rhs", [
    (x**2, ">=", 0), (2 * x * y, "<=", x**2 + y**2), (x**2 + y**2, ">=", 2 * x * y),
    (a / (1 + a), "<=", 1),
], ids=["square>=0", "am-gm<=", "am-gm>=", "a/(1+a)<=1"])
def test_true_inequalities_established(lhs, rel, rhs) -> None:
    r = verify(lhs, rhs, rel)
    assert r.verdict in ESTABLISHED, r


@pytest.mark.parametrize("lhs, rel, rhs", [(x, "<=", x**2), (x**2, ">=", x)], ids=["<=", ">="])
def test_false_inequality_refuted_inside_unit_interval(lhs, rel, rhs) -> None:
    r = verify(lhs, rhs, rel)
    assert r.verdict == "refuted", r
    xv = exact_point(r.witness)["x"]
    assert 0 < xv < 1  # the only real x with x > x^2


# ---------------------------------------------------------------- matrices

def test_sampled_matrices_have_declared_structure() -> None:
    rng = random.Random(3)
    dets, sizes = set(), set()
    for _ in range(12):
        pt = draw_point(MATRICES, [Q + A + S], rng)
        q, spd, sym = pt[Q], pt[A], pt[S]
        k = pt[n]
        sizes.add(int(k))
        dets.add(q.det())
        assert 2 <= k <= 6 and q.shape == (k, k)  # declared (2, 3), extended upwards
        assert q.T * q == sp.eye(k)  # exactly orthogonal
        assert spd == spd.T and sym == sym.T
        assert all(v.is_Rational for v in list(q) + list(spd) + list(sym))
        assert spd.is_positive_definite
    assert dets == {1, -1}, "orthogonal draws must include reflections (det = -1)"
    assert max(sizes) > 3, "dimensions must go beyond the declared ones"


@pytest.mark.parametrize("lhs, rhs, rel, verdicts", [
    (Q.T * Q, sp.Identity(n), "=", ESTABLISHED),
    (sp.Trace(Q.T * A * Q), sp.Trace(A), "=", ESTABLISHED),
    (A.T, A, "=", ESTABLISHED),
    (sp.Determinant(A), 0, ">=", ESTABLISHED),
    (sp.Trace(Q * A), sp.Trace(A), "=", ("refuted",)),
    (sp.Determinant(S), 0, ">=", ("refuted",)),
    (Q.T, Q, "=", ("refuted",)),
], ids=["QtQ=I", "trace-invariance", "spd-symmetric", "det-spd>=0", "trace-QA", "det-sym>=0", "Qt=Q"])
def test_matrix_identities(lhs, rhs, rel, verdicts) -> None:
    r = verify(lhs, rhs, rel, derivation=MATRICES)
    assert r.verdict in verdicts, r
    if r.verdict == "refuted":
        assert r.witness and "n" in r.witness


# ---------------------------------------------------------------- function families

def test_function_family_integral_identity() -> None:
    shifted = sp.Integral(p(u + y), (u, 0, 1))
    assert verify(shifted, sp.Integral(p(u), (u, y, y + 1)), derivation=DENSITIES,
                  points=2).verdict in ESTABLISHED
    wrong = verify(shifted, sp.Integral(p(u), (u, y, y + 2)), derivation=DENSITIES, points=3)
    assert wrong.verdict == "refuted"
    assert wrong.witness["p"].startswith("Lambda(u, exp(")


# ---------------------------------------------------------------- assumptions

def test_assumptions_respected() -> None:
    assert verify(sp.sqrt(a**2), a).verdict == "proved"
    r = verify(sp.sqrt(x**2), x)
    assert r.verdict == "refuted"
    assert exact_point(r.witness)["x"] < 0


def test_symbols_without_assumptions_are_complex() -> None:
    pt = draw_point(SCALARS, [z + w], random.Random(0))
    assert all(not v.is_real for v in pt.values())
    r = verify(sp.sqrt(z**2), z)  # true for Re z > 0 only
    assert r.verdict == "refuted"
    assert sp.im(exact_point(r.witness)["z"]) != 0
    assert verify(sp.exp(sp.log(z)), z).verdict == "proved"


# ---------------------------------------------------------------- check.run end to end

def _normal_mean(rng: np.random.Generator, size: int, mu: float, s: float) -> np.ndarray:
    return mu + s * rng.standard_normal(size)


mu, sd = sp.Symbol("mu", real=True), sp.Symbol("s", positive=True)
DEMO = Derivation(
    "test.demo", "a small derivation", "test lecture", "1.2", ("1.2.1", "1.2.2"),
    steps=(
        Step((x + 1) ** 2, x**2 + 2 * x + 1, "expand the square", "1.2.1",
             printed=Printed(rhs=x**2 + x + 1, note="cross term printed as x instead of 2x"), id="s0"),
        Step(sp.sqrt(a**2) + mu, a + mu, "a > 0", "1.2.2",
             printed=Printed(rhs=a + mu, note="printed form is in fact right"), id="s1"),
    ),
    claims=(Claim("normal mean", "mean", mu, _normal_mean,
                  cases=({"mu": 1.0, "s": 0.5}, {"mu": -2.0, "s": 1.0}), equation="1.2.2",
                  samples=20_000),),
)

TOP_KEYS = {"tool", "version", "seed", "options", "derivations", "summary"}
DERIVATION_KEYS = {"id", "title", "source", "verdict", "steps", "monte_carlo", "errata"}
STEP_KEYS = {"id", "index", "equation", "lhs_latex", "rhs_latex", "relation", "justification",
             "verdict", "method", "seconds", "difference_latex", "witness"}
MC_KEYS = {"name", "parameters", "expected", "estimate", "stderr", "n", "p_value",
           "min_detectable_rel_error", "verdict"}
ERRATA_KEYS = {"equation", "printed_latex", "corrected_latex", "verdict", "witness"}
SUMMARY_KEYS = {"derivations", "passed", "failed", "undecided", "steps", "errata", "seconds"}


@pytest.fixture(scope="module")
def demo_runs() -> tuple[dict, dict]:
    one = run([DEMO], Options(seed=11, jobs=1, cache=False))
    two = run([DEMO], Options(seed=11, jobs=2, cache=False))
    return one, two


def test_json_contract_keys(demo_runs) -> None:
    report = demo_runs[0]
    assert TOP_KEYS <= set(report) and report["tool"] == "lecturecheck" and report["seed"] == 11
    (d,) = report["derivations"]
    assert DERIVATION_KEYS <= set(d)
    assert d["source"] == {"lecture": "test lecture", "section": "1.2", "equations": ["1.2.1", "1.2.2"]}
    assert d["verdict"] in ("pass", "fail", "undecided")
    assert all(STEP_KEYS <= set(s) for s in d["steps"]) and len(d["steps"]) == 2
    assert all(MC_KEYS <= set(m) for m in d["monte_carlo"]) and len(d["monte_carlo"]) == 2
    assert all(ERRATA_KEYS <= set(e) for e in d["errata"]) and len(d["errata"]) == 2
    assert SUMMARY_KEYS <= set(report["summary"])
    json.dumps(report)  # serialisable as is


def test_run_verdicts_and_errata(demo_runs) -> None:
    report = demo_runs[0]
    (d,) = report["derivations"]
    assert [s["verdict"] for s in d["steps"]] == ["proved", "proved"]
    assert [m["verdict"] for m in d["monte_carlo"]] == ["consistent", "consistent"]
    assert d["verdict"] == "pass"
    wrong, right = d["errata"]
    assert wrong["verdict"] == "refuted" and wrong["is_erratum"] and wrong["witness"]
    assert wrong["corrected_verdict"] == "proved"
    assert right["verdict"] == "proved" and not right["is_erratum"]  # not an erratum: printed is right
    listed = errata(report)
    assert [(e["derivation"], e["equation"]) for e in listed] == [("test.demo", "1.2.1")]
    assert report["summary"]["errata"] == 1 and report["summary"]["passed"] == 1


def test_same_seed_byte_identical_across_jobs(demo_runs) -> None:
    one, two = demo_runs
    assert json.dumps(one) == json.dumps(two)
    assert one["summary"]["seconds"] is None and all(
        s["seconds"] is None for s in one["derivations"][0]["steps"])


def test_different_seed_changes_monte_carlo(demo_runs) -> None:
    other = run([DEMO], Options(seed=12, jobs=2, cache=False, points=1))
    assert other["derivations"][0]["monte_carlo"][0]["estimate"] != \
        demo_runs[0]["derivations"][0]["monte_carlo"][0]["estimate"]


@pytest.mark.parametrize("option, value, expected", [
    ("timeout", 0, "positive number of seconds"),
    ("timeout", -1.0, "positive number of seconds"),
    ("jobs", 0, "integer >= 1"),
    ("samples", 10, "integer >= 100"),
    ("alpha", 0.0, "0 < alpha < 1"),
    ("alpha", 1.5, "0 < alpha < 1"),
    ("seed", -3, "non-negative integer"),
    ("points", 0, "integer >= 1"),
])
def test_invalid_options_raise(option, value, expected) -> None:
    with pytest.raises(InvalidOption) as info:
        Options(**{option: value})
    msg = str(info.value)
    assert f"{option}={value!r}" in msg and expected in msg, msg
    assert isinstance(info.value, LectureCheckError)


# ---------------------------------------------------------------- derivations.testing

BROKEN = Derivation("test.broken", "broken", "test", "0", ("0.1",),
                    (Step((x + 1) ** 2, x**2 + 1, "forgot the cross term", "0.1", id="s2"),),
                    claims=(Claim("biased mean", "mean", mu + sd / 10, _normal_mean,
                                  cases=({"mu": 1.0, "s": 1.0},), samples=50_000),))


def test_assert_step_holds_passes_and_explains_failure() -> None:
    assert_step_holds(DEMO, "s0")
    with pytest.raises(AssertionError) as info:
        assert_step_holds(BROKEN, "s2")
    msg = str(info.value)
    for part in ("test.broken:s2", "eq. 0.1", "forgot the cross term", "verdict refuted",
                 "simplified difference", "witness:", "x="):
        assert part in msg, msg


def test_assert_derivation_passes_lists_every_failure() -> None:
    assert assert_derivation_passes(DEMO, Options(jobs=2, cache=False))["verdict"] == "pass"
    with pytest.raises(AssertionError) as info:
        assert_derivation_passes(BROKEN, Options(jobs=2, cache=False))
    msg = str(info.value)
    assert "2 failure(s)" in msg and "verdict refuted" in msg and "verdict contradicted" in msg, msg


def test_testing_module_doctests() -> None:
    import doctest

    import derivations.testing.assertions

    result = doctest.testmod(derivations.testing.assertions)
    assert result.attempted > 0 and result.failed == 0, result


# ---------------------------------------------------------------- trust (issue 7)

def test_evidence_in_json(demo_runs) -> None:
    (d,) = demo_runs[0]["derivations"]
    for s in d["steps"]:
        ev = s["evidence"]
        assert ev["precision"] >= 30 and ev["skipped"] >= 0, ev
        assert ev["points"]["special"] > 0 and ev["points"]["random"] > 0, ev
        assert sum(ev["points"].values()) >= 32, ev  # lambdified: the full plan


def test_numeric_needs_many_points() -> None:
    r = verify(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1, simplifier=lambda e: e)
    assert r.verdict == "numeric" and sum(r.evidence["points"].values()) >= 32, r


def test_undefined_beside_finite_is_a_witness() -> None:
    t = sp.Symbol("t", real=True)
    r = verify(sp.Integral(t ** x, (t, 0, 1)), 1 / (x + 1))
    assert r.verdict == "refuted", r
    assert r.evaluation["relative_difference"] == "inf" or float(r.evaluation["relative_difference"]) > 0


def test_removable_singularity_is_not_a_witness() -> None:
    r = verify(sp.sin(x) / x, sp.sinc(x))
    assert r.verdict in ESTABLISHED, r


def test_no_absolute_floor() -> None:
    r = verify(3 * sp.exp(-100 - x ** 2), sp.exp(-100 - x ** 2))
    assert r.verdict == "refuted", r


def test_verify_relation_never_raises() -> None:
    r = verify(sp.Matrix([[x]]), sp.Matrix([[x, 1]]))  # shapes differ: no error escapes
    assert r.verdict in ("undecided", "refuted"), r
    W = sp.MatrixSymbol("W", n, n)
    grad = Derivation("test.grad", "t", "t", "0", (), (), matrices=(Matrix(W),), dimensions={n: (2,)})
    r = verify_relation(grad, sp.Derivative(sp.Trace(W * W), W), 2 * W.T, seed=0)
    assert r.verdict in ESTABLISHED, r


@pytest.mark.parametrize("lhs, field", [("x + 1", "lhs"), ([1, 2], "lhs"), (None, "lhs")])
def test_step_sides_validated_when_declared(lhs, field) -> None:
    with pytest.raises(ValueError) as info:
        Step(lhs, x, "bad side", id="bad_side")
    assert "step bad_side" in str(info.value) and field in str(info.value)


def test_mutable_matrix_side_made_immutable() -> None:
    s = Step(sp.Matrix([[x, 1]]), sp.Matrix([[x, 1]]).T.T, "explicit", id="explicit")
    assert isinstance(s.lhs, sp.ImmutableMatrix)


@pytest.mark.parametrize("sym, bounds", [
    (a, (-3, -1)), (x, (2, 1)), (n, (sp.Rational(1, 3), sp.Rational(2, 3))),
], ids=["positive-in-negative-range", "empty", "no-integer"])
def test_range_without_admissible_value_rejected(sym, bounds) -> None:
    with pytest.raises(ValueError) as info:
        Derivation("test.ranges", "t", "t", "0", (), (), ranges={sym: bounds})
    assert f"ranges[{sym}]" in str(info.value) and "no admissible" in str(info.value)


def test_step_that_checks_nothing_is_flagged() -> None:
    from derivations.testing.checks import check_steps_check_something

    empty = Derivation("test.empty", "t", "t", "0", (), (
        Step(sp.diff(x ** 2, x), 2 * x, "SymPy differentiated on construction", id="carried_out"),))
    with pytest.raises(AssertionError, match="checks nothing"):
        check_steps_check_something(empty)
    held = Derivation("test.held", "t", "t", "0", (), (
        Step(sp.Derivative(x ** 2, x), 2 * x, "held", id="held"),
        Step(x, x, "a name for x", id="named", definition="introduces the notation"),))
    check_steps_check_something(held)


# ---------------------------------------------------------------- narrow peaks in quadrature
tq = sp.Symbol("t", real=True)
cq = sp.Symbol("c", real=True)
wq = sp.Symbol("w", positive=True)
LORENTZ = sp.Integral(wq / ((tq - cq)**2 + wq**2), (tq, -sp.oo, sp.oo))
SECH2 = sp.Integral(sp.sech((tq - cq) / wq)**2, (tq, -sp.oo, sp.oo))
PEAKS = Derivation("test.peaks", "narrow peaks", "test", "0", (), (),
                   ranges={cq: (50, 100), wq: (sp.Rational(1, 1000), sp.Rational(1, 100))})


def _numeric(lhs, rhs, seed=0, points=6):
    from derivations.verify.numeric import numeric_check
    return numeric_check(PEAKS, lhs, rhs, "=", seed=seed, points=points)


def test_narrow_lorentzian_verified_and_its_false_twin_refuted() -> None:
    """A Cauchy peak of width 1e-3 at x = 3 integrates to π (tanh-sinh unsplit misses it)."""
    eps = sp.Rational(1, 1000)
    narrow = sp.Integral(eps / ((tq - 3)**2 + eps**2), (tq, -sp.oo, sp.oo))
    r = verify_relation(PEAKS, narrow, sp.pi, seed=1, timeout=30)
    assert r.verdict == "proved", r
    from derivations.verify.numeric import numeric_check
    wrong = numeric_check(PEAKS, narrow, 2 * sp.pi, "=", seed=1)
    assert wrong.agree is False, wrong
    assert wrong.evaluation["recheck"].startswith("two independent quadratures agree"), wrong.evaluation
    assert "Gauss–Legendre" in wrong.evaluation["recheck"] and "tanh-sinh" in wrong.evaluation["recheck"]


@pytest.mark.parametrize("lhs, rhs, false_rhs", [(LORENTZ, sp.pi, sp.pi * (1 + sp.Rational(1, 10**6))),
                                                 (SECH2, 2 * wq, 2 * wq * sp.Rational(1001, 1000))],
                         ids=["lorentzian", "sech2"])
def test_narrow_peaks_far_out(lhs, rhs, false_rhs) -> None:
    """Peaks of width 1e-3..1e-2 at 50..100: the true identity agrees everywhere, a 1e-6 (or
    1e-3) relative error with the same shape is a witness re-checked by both quadratures."""
    good = _numeric(lhs, rhs)
    assert good.agree is True and good.points >= 6 and good.evidence["skipped"] == 0, good
    bad = _numeric(lhs, false_rhs)
    assert bad.agree is False and "two independent quadratures" in bad.evaluation["recheck"], bad


def test_quadratures_that_disagree_never_give_a_witness(monkeypatch) -> None:
    """The first rule made blind to the peak (no split) misses it — a value off by 3e-8, or no
    value at all — while the second rule finds π: for the true claim the point is skipped
    (counted), never a witness; a claim wrong by far more than the first rule's error is still
    refuted, both rules reproducing the discrepancy."""
    from derivations.verify import evaluate
    from derivations.verify.numeric import numeric_check

    monkeypatch.setattr(evaluate, "_peak_cuts", lambda peaks, lo, hi: [lo, hi])
    off = LORENTZ.xreplace({cq: sp.Rational(951, 100), wq: sp.Rational(97, 250)})
    out = numeric_check(PEAKS, off, sp.pi, "=", seed=0)
    assert out.agree is None and out.witness is None, out
    assert out.evidence["quadratures_disagree"] == 1 and out.evidence["skipped"] == 1, out.evidence
    assert "the two quadratures disagree" in out.note and "tanh-sinh unsplit" in out.note, out.note
    far = numeric_check(PEAKS, off, 2 * sp.pi, "=", seed=0)
    assert far.agree is False and far.evaluation["recheck"].startswith("two independent quadratures"), far
    lost = LORENTZ.xreplace({cq: 3, wq: sp.Rational(1, 1000)})  # the first rule finds no value
    for claim in (sp.pi, 2 * sp.pi):
        out = numeric_check(PEAKS, lost, claim, "=", seed=0)
        assert out.agree is None and out.witness is None and out.evidence["skipped"] == 1, out


# ---------------------------------------------------------------- ranges (domain) and sizes (cost)
def test_ranges_are_the_domain_and_sizes_the_cost_cap() -> None:
    """A range states the lecture's domain with its reason; a cost cap is declared apart, the
    points are drawn in their intersection, and the evidence reports both."""
    from derivations.model import Range
    from derivations.verify.numeric import numeric_check

    m = sp.Symbol("m", integer=True, positive=True)
    d = Derivation("test.sizes", "t", "t", "0", (), (),
                   ranges={m: Range(2, None, "at least two neurons")},
                   sizes={m: Range(1, 6, "exhaustive enumeration over 2^m configurations")})
    assert d.sampling_ranges == {m: (2, 6)}
    rng = random.Random(0)
    assert {draw_point(d, [m], rng)[m] for _ in range(60)} <= set(range(2, 7))
    out = numeric_check(d, sp.binomial(m, 2), m * (m - 1) / 2, "=", seed=1, points=5)
    assert out.agree is True
    assert out.evidence["domain"] == {"m": {"low": "2", "high": None, "reason": "at least two neurons"}}
    assert out.evidence["checked_sizes"]["m"] == {"low": "1", "high": "6",
                                                 "reason": "exhaustive enumeration over 2^m configurations"}


def test_unbounded_range_sampled_beyond_small_values() -> None:
    from derivations.model import Range

    m = sp.Symbol("m", integer=True, positive=True)
    d = Derivation("test.halfline", "t", "t", "0", (), (), ranges={m: Range(2, None, "N >= 2")})
    rng = random.Random(0)
    values = {draw_point(d, [m], rng)[m] for _ in range(40)}
    assert min(values) >= 2 and max(values) > 100, values


@pytest.mark.parametrize("sizes", [{n: (1, 4)}, {n: sp.Rational(4)}, {n: None}],
                         ids=["plain-tuple", "number", "none"])
def test_cost_cap_needs_a_reason(sizes) -> None:
    with pytest.raises(ValueError, match=r"sizes\[n\]"):
        Derivation("test.sizes", "t", "t", "0", (), (), sizes=sizes)


def test_cost_cap_outside_the_domain_rejected() -> None:
    from derivations.model import Range

    with pytest.raises(ValueError, match="no admissible"):
        Derivation("test.sizes", "t", "t", "0", (), (), ranges={n: Range(10, None, "big")},
                   sizes={n: Range(1, 5, "cheap")})


def test_catalog_cost_caps_are_declared_apart() -> None:
    """The four derivations that capped N for cost now declare the lecture's domain in
    ``ranges`` (with reasons) and the cost in ``sizes``."""
    from derivations import registry
    from derivations.model.declarations import reason_of

    for name in ("agliari.snr_split", "agliari.one_step_stability", "agliari.hopfield_energy",
                 "kempe.infinite_memory"):
        d = registry.get(name)
        assert d.ranges and all(reason_of(b) for b in d.ranges.values()), name
        assert all(b[1] is None for b in d.ranges.values()), (name, d.ranges)
        assert all(c.reason for c in d.sizes.values()), name


def test_nested_concrete_sum_of_a_table_is_summed_term_by_term() -> None:
    """SymPy's evalf gives 0 for this nested sum of a ±1 table; the numeric half sums it."""
    from derivations.symbolic.spins import random_spin_function
    from derivations.verify.evaluate import Substituted

    xi = random_spin_function(random.Random(0))
    j, mu = sp.symbols("j mu", integer=True)
    nested = sp.Sum(xi(j, 1) * sp.Sum(xi(3, mu) * xi(j, mu), (mu, 1, 2)) / 6, (j, 1, 6))
    exact = sum(int(xi(jj, 1)) * sum(int(xi(3, m)) * int(xi(jj, m)) for m in (1, 2))
                for jj in range(1, 7)) / sp.Integer(6)
    assert exact != 0 and sp.N(nested, 30) != exact  # the SymPy evalf result this guards against
    value = Substituted(nested)({}, 30)[0]
    assert abs(value - sp.Float(exact, 40)) <= sp.Float(10) ** -28, (value, exact)


def test_normal_moments_equal_sympys_expectation_and_decline_other_forms():
    """The numeric half's shortcut for E[polynomial of independent normals] (exact moments)
    agrees with SymPy's integration, and leaves every other expectation to it."""
    from sympy.stats import E, Exponential, Normal

    from derivations.verify.evaluate import _normal_moments

    x = Normal("X", sp.Rational(1, 2), sp.Rational(3, 2))
    z = Normal("Z", -1, sp.Rational(1, 3))
    for expr in ((2 * x / 3 - z / 6) ** 2, x ** 4 * z ** 2 - 3 * x * z + 7, x ** 5, z ** 3 - x):
        assert _normal_moments(E(expr, evaluate=False)) == sp.simplify(E(expr)), expr
    assert _normal_moments(E(x ** 2, evaluate=False)) == sp.Rational(1, 4) + sp.Rational(9, 4)
    declined = (E(sp.exp(x), evaluate=False), E(x * Exponential("T", 1), evaluate=False),
                E(x ** 2, x > 0, evaluate=False), E(x * sp.Symbol("c"), evaluate=False))
    assert all(_normal_moments(e) is None for e in declined)


def test_simplest_form_is_the_first_with_fewest_operations_counted_once_per_form(monkeypatch):
    from derivations.verify import symbolic

    x, y = sp.symbols("x y", positive=True)
    counted = []
    real_count = sp.count_ops
    monkeypatch.setattr(symbolic.sp, "count_ops", lambda e: counted.append(e) or real_count(e))
    diff = sp.exp(x) * sp.exp(y) - sp.exp(x + y) + x * (x + 1) - x**2
    long, short, other_short = x * (x + 1) - x**2 + 1, x + 1, y + 1
    assert symbolic._simplest(diff, [long, short, long, other_short, short]) == short
    assert len(counted) == 4  # diff, long, short, other_short: each distinct form once
    assert symbolic._simplest(diff, []) is diff
    # a difference no rewriting reduces to zero comes back in its simplest form reached
    counted.clear()
    monkeypatch.undo()
    assert symbolic.default_simplify(sp.exp(x) * sp.exp(y) - sp.exp(x + y) + x) == x


def test_held_forms_are_carried_out_before_expanding(monkeypatch) -> None:
    """A difference holding a derivative or an integral is given to ``doit`` before ``expand``
    (expanding it first almost never reaches 0); a plain one is expanded first.  Either way a
    difference no rewriting reduces comes back as the first simplest form in the listed order."""
    from derivations.verify import symbolic

    x = sp.Symbol("x", positive=True)
    calls: list[str] = []
    for name in ("_expand", "_doit"):
        real = getattr(symbolic, name)
        monkeypatch.setattr(symbolic, name, lambda e, real=real, name=name: calls.append(name) or real(e))
    held = sp.Derivative(x**3, x) - 3 * x**2
    assert symbolic._held(held) and symbolic._held(sp.Integral(x, (x, 0, 1)))
    assert not symbolic._held(sp.exp(x) * (x + 1))
    assert symbolic.default_simplify(held, cheap=True) == 0
    assert calls == ["_doit"]
    calls.clear()
    assert symbolic.default_simplify(x * (x + 1) - x**2 - x, cheap=True) == 0
    assert calls == ["_expand"]
    # not reduced, expand and doit reach forms of equal size: the listed order (expand) wins
    a, b = sp.symbols("a b")
    monkeypatch.setattr(symbolic, "_expand", lambda e: a + 1)
    monkeypatch.setattr(symbolic, "_doit", lambda e: b + 1)
    d = sp.Function("f")(x) * (x + 1) - sp.Derivative(x * sp.Function("g")(x), x)
    assert symbolic.default_simplify(d, cheap=True) == a + 1


def test_explicit_carries_out_scalar_forms_once_and_matrices_bottom_up() -> None:
    """A matrix-free part is given one ``doit`` (integrals held for quadrature); below a matrix
    each node is rebuilt from explicit children."""
    from derivations.verify.points import explicit

    k, x = sp.symbols("k x")
    scalar = sp.Sum(k, (k, 1, 3)) * sp.Derivative(x**2, x) + sp.Integral(sp.exp(-x), (x, 0, 1))
    assert explicit(scalar) == 12 * x + sp.Integral(sp.exp(-x), (x, 0, 1))
    assert explicit(sp.Sum(k, (k, 1, 3))) == sp.Sum(k, (k, 1, 3))  # left to evalf
    m = sp.ImmutableMatrix([[1, 2], [3, 4]])
    mixed = sp.Trace(sp.MatMul(m, sp.Inverse(m))) + sp.Sum(k, (k, 1, 3))
    assert explicit(mixed) == 8


def test_assumption_queries_run_in_one_fixed_order():
    """SymPy shuffles an assumption's prerequisites with a generator seeded by the OS; the
    engine sorts them instead, so a query cannot answer differently from one process to the
    next (derivations.symbolic.fact_order)."""
    import importlib

    from derivations.symbolic import fact_order

    assumptions = importlib.import_module("sympy.core.assumptions")

    assert assumptions.shuffle is fact_order._in_order
    facts = ["zero", "extended_real", "finite", "commutative", "complex"]
    fact_order._in_order(facts)
    assert facts == sorted(facts)
    x = sp.Symbol("x", positive=True)
    assert (x**2 + 1).is_zero is False and (x - x).is_zero is True


def test_ratio_route_only_in_the_costly_stage() -> None:
    """lhs/rhs − 1 is tried when the difference does not reduce, in the costly stage only."""
    from derivations.verify.symbolic import _symbolic

    lhs, rhs = sp.Function("f")(x), sp.Function("g")(x)

    def only_ratio(e):  # reduces the ratio route's form, never the difference
        return sp.S.Zero if e == lhs / rhs - 1 else e
    assert _symbolic(lhs, rhs, "=", only_ratio, cheap=True)[0] is False
    assert _symbolic(lhs, rhs, "=", only_ratio, cheap=False)[0] is True


def test_nested_held_derivatives_are_evaluated_numerically() -> None:
    """d/dx of an expression holding d/dx' (7.3.7's force F = x + 2∇log p inside ∇·(F p)): the
    inner derivative is taken at each point the outer one samples."""
    from derivations.symbolic.held import held_derivative

    inner = held_derivative(sp.log(1 + x ** 2), x)
    outer = held_derivative((x + 2 * inner) * sp.exp(-x ** 2), x)
    truth = sp.diff((x + 2 * sp.diff(sp.log(1 + x ** 2), x)) * sp.exp(-x ** 2), x)
    good = verify(outer, truth)
    assert good.verdict == "proved" and "sympy-evalf" in good.evidence["route"], good
    wrong = sp.diff((x + sp.diff(sp.log(1 + x ** 2), x)) * sp.exp(-x ** 2), x)  # F with 1, not 2
    assert verify(outer, wrong).verdict == "refuted"


def test_a_derivative_inside_an_integral_is_taken_of_the_integral() -> None:
    """∫ p_θ(u) ∂_θ(θu²) du, p_θ = N(0, 1/(2θ)) depending on θ too (as in Mallat 6.2.7's model
    average): the numeric half differentiates ∫ p_θ(u) θ'u² du in θ' at θ' = θ, for the held
    form and for the reader's plain derivative; the value 1/(2θ) is proved, and two mutants (a
    wrong factor, the derivative dropped) are refuted."""
    from derivations.symbolic.held import held_derivative

    theta = sp.Symbol("theta", positive=True)
    u = sp.Symbol("u", real=True)
    density = sp.exp(-theta * u ** 2) * sp.sqrt(theta / sp.pi)
    for held in (held_derivative(theta * u ** 2, theta),              # Subs(∂_θ' θ'u², θ', θ)
                 sp.Derivative(theta * u ** 2, theta, evaluate=False)):  # as the reader reads it
        side = sp.Integral(density * held, (u, -sp.oo, sp.oo))
        good = verify(side, 1 / (2 * theta))
        assert good.verdict == "proved" and "sympy-evalf" in good.evidence["route"], good
    assert verify(side, 1 / (3 * theta)).verdict == "refuted"
    dropped = sp.Integral(density * theta * u ** 2, (u, -sp.oo, sp.oo))  # θu², not ∂_θ(θu²)
    assert verify(dropped, 1 / (2 * theta)).verdict == "refuted"


def _counted(value_at):
    """An evaluator returning ``value_at(dps)`` and recording each precision it is asked for."""
    asked = []

    def f(point, dps):
        asked.append(dps)
        return (value_at(dps),)
    return f, asked


@pytest.mark.parametrize("at, error, kind", [(13, 0, "agree"), (7, sp.Rational(1, 10**12), "disagree")])
def test_a_side_that_settled_is_not_reevaluated_while_the_other_cancels(at, error, kind) -> None:
    """½(1 − erf(13)) cancels to 0 below ≈ 80 digits, ½(1 − erf(7)) keeps 7 digits at 30.
    Beside it, a side whose value no longer moves when the precision doubles is evaluated at 30
    and 60 digits only; at 120 digits a difference of 1e-12 is still found (a frozen value is
    not taken as agreeing)."""
    import mpmath
    from derivations.verify.evaluate import Lambdified
    from derivations.verify.numeric import settle

    true = sp.erfc(at) / 2 * (1 + error)
    lhs, asked = _counted(lambda dps: mpmath.mpmathify(sp.N(true, dps + 10)._to_mpmath(4 * dps)))
    rhs = Lambdified((1 - sp.erf(x)) / 2, [x])
    with mpmath.workdps(60):
        out = settle(lhs, rhs, {x: sp.Integer(at)}, "=", 1e-20)
    assert out.kind == kind and out.dps == 120, out
    assert asked == [30, 60]


def test_a_side_that_moves_with_the_precision_is_reevaluated() -> None:
    import mpmath
    from derivations.verify.numeric import settle

    lhs, asked = _counted(lambda dps: mpmath.mpf(1) + mpmath.mpf(10) ** (-dps // 6))
    rhs, _ = _counted(lambda dps: mpmath.mpf(1))
    out = settle(lhs, rhs, {}, "=", 1e-20)
    assert out.kind == "agree" and asked == [30, 60, 120], (out, asked)


def _two_state_gradient():
    """Σ_c b_c (−s_c + A)/Z for two states s = ±1 with b = e^{±x}, A = Σ s_c b_c / Z: exactly 0.
    At x = 150, A = 1 − 2e^{-300}/(1 + e^{-300}) is 1 to 120 digits, and what is left of the
    sum is 2e^{-300} ≈ 10^{-130} at 30, 60 and 120 digits alike (it vanishes at 240)."""
    b = (sp.exp(x), sp.exp(-x))
    z = b[0] + b[1]
    a = (b[0] - b[1]) / z
    return (b[0] * (-1 + a) + b[1] * (1 + a)) / z


def test_a_sum_lost_inside_a_side_is_cancellation_not_a_settled_value() -> None:
    """The side's value does not move from 30 to 120 digits, yet it is noise: a sum inside it
    (A − 1) cancels below the working precision.  ``cancels`` sees it, so the side is not frozen
    and the precision rises until the sides agree; an inner sum that is an exact 0 at the
    (rational) point is not cancellation."""
    import mpmath
    from derivations.verify.evaluate import Lambdified
    from derivations.verify.numeric import settle

    side = Lambdified(_two_state_gradient(), [x])
    at = {x: sp.Integer(150)}
    value = side(at, 60)
    assert value[0] != 0 and abs(value[0] - side(at, 30)[0]) <= abs(value[0]) * 1e-25  # settled
    assert side.cancels(at, 60)
    out = settle(side, Lambdified(sp.S.Zero, [x]), at, "=", 1e-20)
    assert out.kind == "agree" and out.dps == 240, out
    exact_zero = Lambdified((x - 1) * sp.exp(x) + 1, [x])  # (x − 1) is exactly 0 at x = 1
    assert not exact_zero.cancels({x: sp.Integer(1)}, 30)
    with mpmath.workdps(30):  # a false twin (A + 1 in place of −1 + A) is still refuted
        wrong = Lambdified(_two_state_gradient() + sp.exp(-2 * x), [x])
        assert settle(wrong, Lambdified(sp.S.Zero, [x]), {x: sp.Integer(3)}, "=", 1e-20).kind == "disagree"


def test_a_shared_gaussian_factor_is_taken_out_before_cancelling() -> None:
    """∂_t N(x; m e^{-t}, Γ_t) against the Fokker–Planck right side (Mallat 6.3.7): the cheap
    stage reaches zero by taking out exp(−(x − μ)²/2Γ), written with (μ − x)² on one side and
    (x − μ)² on the other; a sign mutant of the drift stays non-zero."""
    from derivations.symbolic.held import held_derivative
    from derivations.verify.symbolic import _doit, _without_exponential

    t, s, m = sp.Symbol("t", positive=True), sp.Symbol("s", positive=True), sp.Symbol("m", real=True)
    gamma = s**2 * sp.exp(-2 * t) + 1 - sp.exp(-2 * t)
    p = sp.exp(-(x - m * sp.exp(-t))**2 / (2 * gamma)) / sp.sqrt(2 * sp.pi * gamma)
    q = sp.exp(-(m * sp.exp(-t) - x)**2 / (2 * gamma)) / sp.sqrt(2 * sp.pi * gamma)
    for drift, zero in ((x, True), (-x, False)):
        diff = held_derivative(p, t) - held_derivative(drift * q, x) - held_derivative(q, x, 2)
        assert (_without_exponential(_doit(diff)) == 0) is zero
    assert _without_exponential(x + 1) == x + 1  # nothing to take out
