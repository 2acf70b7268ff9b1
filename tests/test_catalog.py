"""Generic checks over every registered derivation (scikit-learn ``parametrize_with_checks`` style).

Nothing here names a derivation: adding one to the catalog gives it every check.  Results come
from one shared run of the whole catalog (``catalog_report`` in conftest).
"""
from __future__ import annotations

import pytest
import sympy as sp

from derivations.check import ESTABLISHED
from derivations.registry import all_derivations
from derivations.testing import (claim_cases, ids, mc_cases, mc_message, printed_cases,
                                 report_failures, step_cases, step_message)

DERIVATIONS = all_derivations()
DERIVATION_CASES = [(d.id, d) for d in DERIVATIONS]
STEPS = step_cases(DERIVATIONS)
PRINTED = printed_cases(DERIVATIONS)
CLAIMS = claim_cases(DERIVATIONS)
MC = mc_cases(DERIVATIONS)
MAX_MDRE = 0.25  # a Monte Carlo check must detect a 25 % error with power 0.99
MIN_SAMPLES = 1000


def test_registry_not_empty() -> None:
    assert DERIVATIONS, ("the registry is empty: derivations.registry.all_derivations() returned "
                         "nothing, so every generic test below was vacuous")


@pytest.mark.parametrize("case_id, derivation", DERIVATION_CASES, ids=ids(DERIVATION_CASES))
def test_derivation_passes(case_id, derivation, catalog_entries) -> None:
    entry = catalog_entries[derivation.id]
    failures = report_failures(entry)
    assert entry["verdict"] == "pass" and not failures, (
        f"{derivation.id}: verdict {entry['verdict']}\n" + "\n".join(failures))


@pytest.mark.parametrize("case_id, derivation, index", STEPS, ids=ids(STEPS))
def test_step_established(case_id, derivation, index, catalog_entries) -> None:
    step = catalog_entries[derivation.id]["steps"][index]
    assert step["verdict"] not in ("refuted", "inconsistent"), step_message(derivation.id, step)
    assert step["verdict"] in ESTABLISHED, step_message(derivation.id, step)


@pytest.mark.parametrize("case_id, derivation, index", PRINTED, ids=ids(PRINTED))
def test_printed_form_is_erratum(case_id, derivation, index, catalog_entries) -> None:
    """A printed form exists only because the notes print something wrong: it must be refuted
    with a witness while the corrected step is established.  Anything else is a catalog bug."""
    entry = catalog_entries[derivation.id]
    with_printed = [i for i, s in enumerate(derivation.steps) if s.printed is not None]
    e = entry["errata"][with_printed.index(index)]
    where = (f"{derivation.id} step {index} (eq. {e['equation']}): printed {e['printed_latex']} "
             f"vs corrected {e['corrected_latex']}")
    assert e["verdict"] == "refuted" and e["witness"], (
        f"{where}: printed form not refuted (verdict {e['verdict']}) — if the notes are right "
        "here, drop the Printed form; otherwise encode it as printed")
    assert e["corrected_verdict"] in ESTABLISHED, (
        f"{where}: corrected form not established (verdict {e['corrected_verdict']})")
    assert e["is_erratum"], f"{where}: not classified as an erratum"
    assert derivation.steps[index].printed.note.strip(), f"{where}: Printed has no note on what is wrong"


@pytest.mark.parametrize("case_id, derivation, claim, case", MC, ids=ids(MC))
def test_monte_carlo_consistent(case_id, derivation, claim, case, catalog_entries) -> None:
    flat = [(c.name, k) for c in derivation.claims for k in range(len(c.cases))]
    mc = catalog_entries[derivation.id]["monte_carlo"][flat.index((claim.name, case))]
    msg = mc_message(derivation.id, mc)
    assert mc["verdict"] == "consistent", msg
    assert mc["min_detectable_rel_error"] is not None and mc["min_detectable_rel_error"] <= MAX_MDRE, msg
    assert mc["n"] >= MIN_SAMPLES, msg


@pytest.mark.parametrize("case_id, derivation", DERIVATION_CASES, ids=ids(DERIVATION_CASES))
def test_declares_claims(case_id, derivation) -> None:
    assert derivation.claims, (f"{derivation.id}: no Monte Carlo claim; every derivation "
                               "cross-checks its closed form against a simulation")


@pytest.mark.parametrize("case_id, derivation", DERIVATION_CASES, ids=ids(DERIVATION_CASES))
def test_labels_match_steps(case_id, derivation) -> None:
    declared = set(derivation.equations)
    step_labels = {s.equation for s in derivation.steps if s.equation is not None}
    claim_labels = {c.equation for c in derivation.claims if c.equation is not None}
    assert step_labels <= declared, (f"{derivation.id}: step labels {sorted(step_labels - declared)} "
                                     f"missing from equations={derivation.equations}")
    assert claim_labels <= declared, (f"{derivation.id}: claim labels {sorted(claim_labels - declared)} "
                                      f"missing from equations={derivation.equations}")
    assert set(derivation.definitions) <= declared, (
        f"{derivation.id}: definitions {sorted(set(derivation.definitions) - declared)} "
        f"missing from equations={derivation.equations}")
    unused = declared - step_labels - claim_labels - set(derivation.definitions)
    assert not unused, (f"{derivation.id}: equations {sorted(unused)} are declared but no step, "
                        "claim or definition implements them")
    both = step_labels & set(derivation.not_encoded)
    assert not both, f"{derivation.id}: labels {sorted(both)} are encoded and listed as not_encoded"


@pytest.mark.parametrize("case_id, derivation, claim", CLAIMS, ids=ids(CLAIMS))
def test_claim_declaration(case_id, derivation, claim) -> None:
    assert claim.strategy is not None, (f"{case_id}: no hypothesis strategy of admissible "
                                        "parameters (Claim.strategy)")
    assert hasattr(claim.strategy, "example"), f"{case_id}: strategy={claim.strategy!r} is not a strategy"
    needed = {s.name for s in sp.sympify(claim.expected).free_symbols}
    for k, case in enumerate(claim.cases):
        assert needed <= set(case), (f"{case_id}: case {k} lacks parameters "
                                     f"{sorted(needed - set(case))} of the closed form")
    # the claim checks the derived closed form itself, not a re-typed copy
    expected = sp.sympify(claim.expected)
    sides = [sp.sympify(e) for s in derivation.steps for e in (s.lhs, s.rhs)]
    assert any(e == expected or e.has(expected) for e in sides), (
        f"{case_id}: expected={expected} is not a side (or part of a side) of any step; "
        "reuse the expression the steps derive")
