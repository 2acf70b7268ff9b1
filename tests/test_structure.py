"""The structure a growing catalog relies on: one file per derivation, stable ids, the facade.

* a derivation added as one file in a (temporary) catalog is discovered and gets every generic
  check;
* inserting a step in the middle of a derivation changes no other step's seed, cache key,
  result or test id;
* ``derivations.check`` works twice in one process; the package root exports the model.
"""
from __future__ import annotations

import sys
import textwrap
from dataclasses import replace

import pytest
import sympy as sp

import derivations
from derivations import Derivation, Step
from derivations.registry import CatalogError, Registry, all_derivations
from derivations.run import runner
from derivations.testing.checks import CHECKS, check_name, check_verdicts_match_golden

DEMO = '''
"""A throwaway derivation: E(s + Z)^2 = s^2 + 1."""
import sympy as sp
from hypothesis import strategies as st

from derivations.model import Claim, Derivation, Step

s = sp.Symbol("s", positive=True)


def second_moment(rng, size, s):
    """(s + Z)^2 for Z ~ N(0, 1): simulated, not drawn from the closed form."""
    return (s + rng.standard_normal(size)) ** 2


DERIVATION = Derivation(
    id="demo.second_moment", title="second moment of a shifted normal", lecture="demo",
    section="0", equations=("0.0.1",),
    steps=(Step((s + 1) ** 2 - 2 * s, s ** 2 + 1, "expand the square", "0.0.1", id="expand"),),
    claims=(Claim("second moment", "mean", s ** 2 + 1, second_moment, cases=({"s": 0.5},),
                  strategy=st.fixed_dictionaries({"s": st.floats(0.1, 2.0)}),
                  equation="0.0.1", samples=20_000,
                  simulates="s + Z with Z ~ N(0, 1) drawn by the generator, squared"),),
    not_quotable={"0.0.1": "a demo label: no notes print it"},
)
'''


@pytest.fixture()
def temporary_catalog(tmp_path, monkeypatch):
    """A catalog package ``lc_tmp_catalog`` with one chapter holding one derivation file."""
    root = tmp_path / "lc_tmp_catalog"
    chapter = root / "ch99_demo"
    chapter.mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (chapter / "__init__.py").write_text('"""Chapter 99: a demo."""\n')
    (chapter / "symbols.py").write_text("# shared symbols of the chapter (none)\n")
    (chapter / "second_moment.py").write_text(textwrap.dedent(DEMO))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield Registry("lc_tmp_catalog")
    for name in [m for m in sys.modules if m.startswith("lc_tmp_catalog")]:
        del sys.modules[name]


def test_one_file_adds_a_derivation_with_every_check(temporary_catalog) -> None:
    reg = temporary_catalog
    assert reg.ids() == ["demo.second_moment"] and reg.chapters() == ["ch99_demo"]
    d = reg.get("demo.second_moment")
    assert [x.id for x in reg.in_chapter("demo")] == [d.id]
    ran = []
    for check in CHECKS:
        check(d)  # every generic check applies, and passes on a correct derivation
        ran.append(check_name(check))
    assert "steps_established" in ran and "monte_carlo_consistent" in ran


def test_generic_checks_fail_a_wrong_file(temporary_catalog, tmp_path) -> None:
    bad = (tmp_path / "lc_tmp_catalog" / "ch99_demo" / "second_moment.py")
    bad.write_text(bad.read_text().replace("s ** 2 + 1, \"expand", "s ** 2 + 2, \"expand"))
    d = temporary_catalog.get("demo.second_moment")
    from derivations.testing.checks import check_steps_established

    with pytest.raises(AssertionError, match="demo.second_moment:expand"):
        check_steps_established(d)


def test_catalog_file_must_name_itself(temporary_catalog, tmp_path) -> None:
    path = tmp_path / "lc_tmp_catalog" / "ch99_demo" / "second_moment.py"
    path.write_text(path.read_text().replace('id="demo.second_moment"', 'id="demo.other"'))
    with pytest.raises(CatalogError, match="expected 'demo.second_moment'"):
        temporary_catalog.get("demo.second_moment")


def test_two_symbols_with_one_name_are_rejected() -> None:
    from derivations.registry import validate

    T_int, T_pos = sp.Symbol("T", integer=True, positive=True), sp.Symbol("T", positive=True)
    d = Derivation("demo.alias", "alias", "demo", "0", (),
                   (Step(T_int + 1, 1 + T_int, "commute", id="a"),
                    Step(T_pos * 2, 2 * T_pos, "commute", id="b")))
    with pytest.raises(CatalogError, match="two different symbols named 'T'"):
        validate(d)


def test_duplicate_step_ids_are_rejected() -> None:
    x = sp.Symbol("x", real=True)
    with pytest.raises(ValueError, match="duplicate step id='same'"):
        Derivation("demo.dup", "dup", "demo", "0", (),
                   (Step(x, x, "a", id="same"), Step(x + 1, 1 + x, "b", id="same")))


@pytest.mark.parametrize("bad", ["", "Step3", "has space", "x-y", 3])
def test_step_ids_are_stable_names(bad) -> None:
    with pytest.raises(ValueError, match="expected a stable name"):
        Step(1, 1, "trivial", id=bad)


def _captured(monkeypatch, derivation) -> tuple[dict, dict, dict]:
    """(seed, cache key, report entry) per step id of one run, the verifier replaced by a probe."""
    keys = {}
    real_key = runner.step_key

    def probe_key(*parts):
        key = real_key(*parts)
        keys.setdefault(parts[1], key)  # parts[1]: the step's lhs
        return key

    def probe_verify(d, lhs, rhs, rel, *, seed, **_):  # runs in a worker: the seed rides back
        return runner.StepResult("numeric", f"probe seed {seed}", "0", None, None, 0.0, [])

    monkeypatch.setattr(runner, "step_key", probe_key)
    monkeypatch.setattr(runner, "verify_relation", probe_verify)
    report = runner.run([derivation], runner.Options(cache=False, mc=False))
    by_lhs = {s.lhs: s.id for s in derivation.steps}
    entries = {e["id"]: e for e in report["derivations"][0]["steps"]}
    seeds = {sid: int(e["method"].removeprefix("probe seed ")) for sid, e in entries.items()}
    return seeds, {by_lhs[k]: v for k, v in keys.items()}, entries


def test_inserting_a_step_changes_no_other_step(monkeypatch) -> None:
    x = sp.Symbol("x", real=True)
    a = Step((x + 1) ** 2, x**2 + 2 * x + 1, "expand", id="expand")
    b = Step(sp.sin(x) ** 2 + sp.cos(x) ** 2, sp.Integer(1), "Pythagoras", id="pythagoras")
    c = Step(sp.exp(2 * x), sp.exp(x) ** 2, "exponent law", id="exponent_law")
    new = Step(x * (x + 2), x**2 + 2 * x, "distribute", id="distribute")
    before = Derivation("demo.chain", "chain", "demo", "0", (), (a, b, c))
    after = replace(before, steps=(a, new, b, c))
    seeds0, keys0, entries0 = _captured(monkeypatch, before)
    seeds1, keys1, entries1 = _captured(monkeypatch, after)
    for sid in ("expand", "pythagoras", "exponent_law"):
        assert seeds0[sid] == seeds1[sid], sid
        assert keys0[sid] == keys1[sid], sid
        drop_index = {k: v for k, v in entries0[sid].items() if k != "index"}
        assert drop_index == {k: v for k, v in entries1[sid].items() if k != "index"}
    assert len(set(seeds1.values())) == 4  # distinct steps, distinct seeds
    from derivations.testing import parametrize_with_checks

    ids0 = [p.id for p in parametrize_with_checks([before]).args[1]]
    ids1 = [p.id for p in parametrize_with_checks([after]).args[1]]
    assert ids0 == ids1  # per-derivation items: a new step renames nothing
    step_ids = lambda d: [f"{d.id}:{s.id}" for s in d.steps]  # noqa: E731 - as test_mutants
    assert set(step_ids(before)) <= set(step_ids(after))


def test_check_works_twice_and_root_exports_the_model() -> None:
    x = sp.Symbol("x", real=True)
    d = Derivation("demo.square", "square", "demo", "0", ("0.1",),
                   (Step((x + 1) ** 2, x**2 + 2 * x + 1, "expand", "0.1", id="expand"),))
    first = derivations.check(d, cache=False)
    second = derivations.check([d], cache=False)
    assert first == second and first["derivations"][0]["steps"][0]["verdict"] == "proved"
    assert callable(derivations.check)  # no submodule shadows it
    for name in derivations.__all__:
        assert hasattr(derivations, name), name
    assert {"check", "Derivation", "Step", "Claim"} <= set(derivations.__all__)


@pytest.mark.parametrize("arg, message", [
    (42, "expected a Derivation, a registered id"),
    ("no.such", "unknown derivation id"),
])
def test_check_rejects_misuse(arg, message) -> None:
    with pytest.raises(derivations.LectureCheckError, match=message):
        derivations.check(arg)


def test_check_rejects_unknown_option() -> None:
    with pytest.raises(derivations.LectureCheckError, match="valid options"):
        derivations.check([], colour="blue")


def test_golden_file_has_no_stale_entries() -> None:
    import json

    from derivations.testing import checks

    pinned = json.loads(checks.GOLDEN.read_text(encoding="utf-8"))
    registered = {d.id: d for d in all_derivations()}
    assert set(pinned) <= set(registered), "golden entries for unregistered derivations"
    for did, record in pinned.items():
        assert set(record["steps"]) <= {s.id for s in registered[did].steps}, did


def test_golden_check_catches_a_drop(monkeypatch) -> None:
    from derivations.registry import get
    from derivations.testing import checks

    d = get("kempe.infinite_memory")
    entry = checks.step_entry(d)
    dropped = dict(entry, steps=[dict(s, verdict="numeric") for s in entry["steps"]])
    monkeypatch.setattr(checks, "step_entry", lambda _: dropped)
    with pytest.raises(AssertionError, match="memory_error: golden proved, now numeric"):
        check_verdicts_match_golden(d)


def test_version_has_one_source() -> None:
    from importlib.metadata import version

    assert version("lecturecheck") == derivations.__version__


def test_catalog_steps_hold_their_derivatives() -> None:
    """A step side written ``sp.diff(...)`` is SymPy's derivative computed at declaration: the
    numeric half would check SymPy's answer, not the derivative.  Steps hold it
    (``held_derivative`` or ``sp.Derivative``) so both halves differentiate."""
    import re
    from pathlib import Path

    catalog = Path(derivations.__file__).parent / "catalog"
    pattern = re.compile(r"Step\(\s*[^,\n]*\bsp\.diff\(")
    found = [f"{p.relative_to(catalog)}:{text[:m.start()].count(chr(10)) + 1}"
             for p in sorted(catalog.rglob("*.py"))
             for text in [p.read_text(encoding="utf-8")]
             for m in pattern.finditer(text)]
    assert not found, found
