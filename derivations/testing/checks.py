"""Generic checks over registered derivations (scikit-learn ``parametrize_with_checks`` style).

Each check is a plain function of one derivation with a precise assertion message.  The work a
check needs (the derivation's step results, its Monte Carlo results, its quick mutants) is
computed once per derivation and session, and only for the derivations a test run selects.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

import sympy as sp

from ..model import ESTABLISHED, Claim, Derivation
from ..run.runner import Options, claim_expected, run
from .assertions import mc_message, step_message

MAX_MDRE = 0.25  # a Monte Carlo check must detect a 25 % error with power 0.99
MIN_SAMPLES = 1000
MIN_KILL = 0.99  # mutants of every derivation: the checker kills >= 99 % (DESIGN §5)
JOBS = 2
MUTANT_POINTS = 3
# the golden file of verdict levels and errata; the test suite points it at its own copy
# (tests/conftest.py), since an installed package has no tests/ folder beside it
GOLDEN: Path | None = None

# the derivation objects checked this session, by a key the caches below can hash
_OBJECTS: dict[str, Derivation] = {}


def _register(d: Derivation) -> str:
    key = f"{d.id}@{id(d)}"
    _OBJECTS[key] = d
    return key


@lru_cache(maxsize=None)
def _steps(key: str) -> dict:
    return run([_OBJECTS[key]], Options(jobs=JOBS, cache=False, mc=False))["derivations"][0]


@lru_cache(maxsize=None)
def _mc(key: str) -> dict:
    return run([_OBJECTS[key]], Options(jobs=JOBS, cache=False), steps=False)["derivations"][0]


def step_entry(d: Derivation) -> dict:
    """``d``'s report entry without Monte Carlo (computed once per session)."""
    return _steps(_register(d))


def mc_entry(d: Derivation) -> dict:
    """``d``'s Monte Carlo results (computed once per session)."""
    return _mc(_register(d))


@lru_cache(maxsize=None)
def _quick_mutants(key: str) -> list:
    from .mutants import quick_mutants, run_mutants

    return run_mutants(_OBJECTS[key], seed=0, timeout=20, jobs=JOBS, points=MUTANT_POINTS,
                       select=lambda s: quick_mutants(s, others=1))


# ---------------------------------------------------------------- the checks

def check_steps_established(d: Derivation) -> None:
    """Every step is at least ``numeric``; none is refuted or inconsistent."""
    bad = [s for s in step_entry(d)["steps"] if s["verdict"] not in ESTABLISHED]
    assert not bad, "\n".join(step_message(d.id, s) for s in bad)


def check_steps_check_something(d: Derivation) -> None:
    """No step's two sides are the same object once built (SymPy carried out the derivative,
    sum or substitution while the step was declared), unless it is declared a definition."""
    empty = [s for s in d.steps if s.lhs == s.rhs and not s.definition]
    assert not empty, "\n".join(
        f"{d.id}:{s.id} (eq. {s.equation}): both sides are {s.lhs} once built, so the step "
        "checks nothing; hold the form as written (derivations.symbolic.held, Subs, "
        "evaluate=False) or declare Step(..., definition='why')" for s in empty)


def check_printed_forms_are_errata(d: Derivation) -> None:
    """A printed form exists because the notes print something wrong: it must be refuted with a
    witness while the corrected step is established."""
    for e in step_entry(d)["errata"]:
        if e.get("origin") == "notes":
            continue  # read from the notes' text: printed correctly is a fine outcome there
        where = (f"{d.id}:{e['step']} (eq. {e['equation']}): printed {e['printed_latex']} vs "
                 f"corrected {e['corrected_latex']}")
        assert e["verdict"] == "refuted" and e["witness"], (
            f"{where}: printed form not refuted (verdict {e['verdict']}) — if the notes are right "
            "here, drop the Printed form; otherwise encode it as printed")
        assert e["corrected_verdict"] in ESTABLISHED, (
            f"{where}: corrected form not established (verdict {e['corrected_verdict']})")
        assert e["is_erratum"], f"{where}: not classified as an erratum"
        assert d.step(e["step"]).printed.note.strip(), f"{where}: Printed has no note on what is wrong"


def check_verdicts_match_golden(d: Derivation) -> None:
    """Each pinned step's verdict level and the computed errata equal the golden ones
    (``tests/golden/verdicts.json``; pin new derivations and deliberate changes with
    ``python tests/golden/update.py`` and review the diff)."""
    assert GOLDEN is not None, "derivations.testing.checks.GOLDEN is not set (tests/conftest.py sets it)"
    golden = json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.is_file() else {}
    if d.id not in golden:
        return  # a new derivation: nothing pinned yet (update.py pins it)
    entry = step_entry(d)
    got = golden_record(entry)
    want = golden[d.id]
    changed = [f"  {sid}: golden {want['steps'][sid]}, now {v}"
               for sid, v in got["steps"].items() if sid in want["steps"] and want["steps"][sid] != v]
    changed += [f"  step {sid} is golden but gone" for sid in set(want["steps"]) - set(got["steps"])]
    assert not changed, (f"{d.id}: verdict levels changed (a drop from proved to numeric is a "
                         "regression; a rise: update the golden file):\n" + "\n".join(changed))
    assert got["errata"] == want["errata"], (
        f"{d.id}: computed errata differ from the golden file:\n  golden {want['errata']}\n"
        f"  now    {got['errata']}")


def golden_record(entry: dict) -> dict:
    """What the golden file pins of a derivation's report entry."""
    return {"steps": {s["id"]: s["verdict"] for s in entry["steps"]},
            "errata": [{"step": e["step"], "equation": e["equation"],
                        "printed_latex": e["printed_latex"],
                        "corrected_latex": e["corrected_latex"]}
                       for e in entry["errata"] if e["is_erratum"]]}


def check_quotes_parse(d: Derivation) -> None:
    """Every quotation of the notes reads through the derivation's notation table (or says why
    it cannot), and every label a step carries is quoted or has a recorded reason why not
    (``Derivation.not_quotable``)."""
    from ..run.quoted import quoted_links

    quotes = {q.label: q for q in d.printed_in_notes}
    unread = {link.label: link.reason for link in quoted_links(d) if link.status != "parsed"}
    msgs = [f"  ({lab}) line {quotes[lab].line}: {why}" for lab, why in unread.items()
            if not quotes[lab].unreadable]
    msgs += [f"  ({lab}) reads through the table but says unreadable={q.unreadable!r}"
             for lab, q in quotes.items() if q.unreadable and lab not in unread]
    assert not msgs, f"{d.id}: quotations vs the notation table:\n" + "\n".join(msgs)
    outside = sorted(set(quotes) - set(d.equations))
    assert not outside, f"{d.id}: quoted labels {outside} are not in equations={d.equations}"
    step_labels = {s.equation for s in d.steps if s.equation is not None}
    missing = sorted(step_labels - set(quotes) - set(d.not_quotable))
    assert not missing, (f"{d.id}: step labels {missing} have neither a Quote in "
                         "printed_in_notes nor a reason in not_quotable")
    both = sorted(set(quotes) & set(d.not_quotable))
    assert not both, f"{d.id}: labels {both} are quoted and listed as not_quotable"


def check_monte_carlo_consistent(d: Derivation) -> None:
    """Every Monte Carlo case is consistent, reaches its claim's target MDRE (bias included),
    is large enough, and says what it simulates."""
    msgs = []
    targets = {c.name: c.target for c in d.claims}
    for m in mc_entry(d)["monte_carlo"]:
        mdre = m["min_detectable_rel_error"]
        target = min(targets.get(m["name"], MAX_MDRE), MAX_MDRE)
        if (m["verdict"] != "consistent" or mdre is None or mdre > target
                or m["n"] < MIN_SAMPLES or not m.get("simulates")):
            msgs.append(mc_message(d.id, m) + f" (target MDRE {target:.3g}, simulates "
                        f"{m.get('simulates')!r})")
    assert not msgs, "\n".join(msgs)


def check_declares_claims(d: Derivation) -> None:
    """Every derivation cross-checks its closed form against a simulation."""
    assert d.claims, f"{d.id}: no Monte Carlo claim; every derivation cross-checks its closed " \
                     "form against a simulation"


def check_labels_match_steps(d: Derivation) -> None:
    """Declared equation labels are exactly those its steps, claims and definitions use."""
    declared = set(d.equations)
    step_labels = {s.equation for s in d.steps if s.equation is not None}
    claim_labels = {c.equation for c in d.claims if c.equation is not None}
    assert step_labels <= declared, (f"{d.id}: step labels {sorted(step_labels - declared)} "
                                     f"missing from equations={d.equations}")
    assert claim_labels <= declared, (f"{d.id}: claim labels {sorted(claim_labels - declared)} "
                                      f"missing from equations={d.equations}")
    assert set(d.definitions) <= declared, (
        f"{d.id}: definitions {sorted(set(d.definitions) - declared)} missing from "
        f"equations={d.equations}")
    unused = declared - step_labels - claim_labels - set(d.definitions)
    assert not unused, (f"{d.id}: equations {sorted(unused)} are declared but no step, claim "
                        "or definition implements them")
    both = step_labels & set(d.not_encoded)
    assert not both, f"{d.id}: labels {sorted(both)} are encoded and listed as not_encoded"


def _claim_sides(d: Derivation) -> list:
    return [e for s in d.steps for e in (s.lhs, s.rhs) if isinstance(e, sp.Basic)]


def check_claim_declarations(d: Derivation) -> None:
    """Each claim has a strategy, cases with every parameter of its closed form, and checks the
    derived closed form itself (a side, or part of a side, of a step), not a re-typed copy."""
    sides = _claim_sides(d)
    for claim in d.claims:
        where = f"{d.id}:{claim.id}"
        assert claim.strategy is not None and hasattr(claim.parameter_strategy, "example"), (
            f"{where}: strategy={claim.strategy!r} is not a hypothesis strategy of admissible "
            "parameters")
        expected = claim.expected if isinstance(claim.expected, sp.Basic) else sp.Integer(claim.expected)
        needed = {s.name for s in expected.free_symbols}
        for k, case in enumerate(claim.cases):
            assert needed <= set(case), (f"{where}: case {dict(case)} lacks parameters "
                                         f"{sorted(needed - set(case))} of the closed form")
        assert any(e == expected or e.has(expected) for e in sides), (
            f"{where}: expected={expected} is not a side (or part of a side) of any step; reuse "
            "the expression the steps derive")


def check_invalid_cases_rejected(d: Derivation) -> None:
    """Each claim's inadmissible twins (``Claim.invalid_cases``) are rejected by its sampler
    with a ``ValueError`` that names what is wrong."""
    import numpy as np

    for claim in d.claims:
        for params, fragment in claim.invalid_cases:
            try:
                claim.sampler(np.random.default_rng(0), 16, **params)
            except ValueError as exc:
                assert fragment in str(exc), (f"{d.id}:{claim.id} at {dict(params)}: the error "
                                              f"{str(exc)!r} does not name {fragment!r}")
            else:
                raise AssertionError(f"{d.id}:{claim.id}: sampler accepted the inadmissible "
                                     f"case {dict(params)}")


def check_quick_mutants_killed(d: Derivation) -> None:
    """The checker refutes >= 99 % of the default tier's mutants of every step (sign flip and
    one rotating kind per step); declared equivalents must not be refutable."""
    from .mutants import kill_rate, wrongly_declared

    results = _quick_mutants(_register(d))
    wrong = wrongly_declared(results)
    assert not wrong, ("declared equivalent but refuted with a witness (fix the step's "
                       "equivalent_mutants):\n" + "\n".join("  " + r.describe() for r in wrong))
    killed, counted, survivors = kill_rate(results)
    assert counted > 0, f"{d.id}: no countable mutant"
    assert killed >= MIN_KILL * counted, (
        f"{d.id}: killed {killed}/{counted} mutants; survivors:\n"
        + "\n".join("  " + r.describe() for r in survivors))


CHECKS: tuple[Callable[[Derivation], None], ...] = (
    check_declares_claims, check_labels_match_steps, check_claim_declarations,
    check_invalid_cases_rejected, check_steps_check_something, check_steps_established,
    check_printed_forms_are_errata, check_quotes_parse, check_verdicts_match_golden,
    check_monte_carlo_consistent, check_quick_mutants_killed)


def check_name(check: Callable) -> str:
    return check.__name__.removeprefix("check_")


def parametrize_with_checks(derivations: Iterable[Derivation], checks=CHECKS):
    """A ``pytest.mark.parametrize("derivation, check", …)`` over every (derivation, check)
    pair, ids ``<derivation id>:<check name>``; a check named in the derivation's
    ``known_failures`` is a strict xfail with the stated reason."""
    import pytest

    params = []
    for d in derivations:
        for check in checks:
            name = check_name(check)
            marks = [pytest.mark.xfail(reason=d.known_failures[name], strict=True)] \
                if name in d.known_failures else []
            params.append(pytest.param(d, check, id=f"{d.id}:{name}", marks=marks))
    return pytest.mark.parametrize("derivation, check", params)


def claim_cases(derivations: Iterable[Derivation]) -> list[tuple[str, Derivation, Claim]]:
    """``(id, derivation, claim)`` for every Monte Carlo claim, id ``<derivation>:<claim>``."""
    return [(f"{d.id}:{c.id.replace(' ', '-')}", d, c) for d in derivations for c in d.claims]


__all__ = ["CHECKS", "parametrize_with_checks", "claim_cases", "claim_expected", "golden_record",
           "step_entry", "mc_entry"]
