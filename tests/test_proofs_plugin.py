"""The pytest plugin: derivation files are test items, failures read like pytest failures.

Each test runs ``python -m pytest`` in a temporary directory (no ``pyproject.toml`` there, so the
repository's own options do not apply), where the plugin is active through its ``pytest11``
entry point.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

HEAD = "---\nsymbols:\n  x: real\n  n: [integer, positive]\n  S: {values: [-1, 1]}\n---\n"
GOOD = HEAD + "$$ (x+1)^2 = x^2 + 2x + 1 \\tag{expand} $$\nbecause: square\n\n$$ S^2 = 1 $$\n"
WRONG = HEAD + "$$ (x+1)^2 $$\n$$\n= x^2 + x + 1\n$$\nbecause: a student's slip\n"
# SymPy does not use symmetry: C^T = C is numeric (checked on random symmetric matrices)
# true, numeric only: the matrix canonicaliser has no determinant rules
# |det Q| = 1 is numeric only (det(Q)^2 = 1 is proved by the canonicaliser's determinant rules)
NUMERIC = "---\nmatrices:\n  Q: {shape: [3, 3], properties: [orthogonal]}\n---\n$$ |\\det(Q)| = 1 $$\n"


@pytest.fixture
def run_pytest(tmp_path):
    env = dict(os.environ, LECTURECHECK_CACHE=str(tmp_path / ".cache"), PYTHONIOENCODING="utf-8")

    def run(files: dict[str, str], *args: str):
        for name, text in files.items():
            (tmp_path / name).write_text(text, encoding="utf-8")
        return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    return run


def test_files_are_items_and_a_wrong_step_fails_with_its_block_difference_witness(run_pytest):
    out = run_pytest({"good.derivation.md": GOOD, "wrong.derivation.md": WRONG,
                      "notes.md": "not collected\n"}, "-rA")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "collected 2 items" in out.stdout
    assert "PASSED good.derivation.md::good.derivation.md" in out.stdout
    assert "FAILED wrong.derivation.md::wrong.derivation.md" in out.stdout
    assert "wrong.derivation.md:8: step line_8 refuted" in out.stdout
    assert "     9 | = x^2 + x + 1" in out.stdout
    assert "because:    a student's slip" in out.stdout
    assert "difference: x" in out.stdout
    assert "witness:    x=" in out.stdout


def test_a_file_outside_the_grammar_fails_its_item_with_file_line_col(run_pytest):
    out = run_pytest({"bad.derivation.md": HEAD + "$$ x = z $$\n"})
    assert out.returncode == 1
    assert "bad.derivation.md:7:8: unbound name z" in out.stdout
    assert "Traceback" not in out.stdout


@pytest.mark.slow  # default tier under 10 minutes; .ci/run runs it
def test_strict_option_fails_a_numeric_step(run_pytest):
    files = {"sum.derivation.md": NUMERIC}
    plain = run_pytest(files, "--lecturecheck-timeout", "5")
    strict = run_pytest(files, "--lecturecheck-timeout", "5", "--lecturecheck-strict")
    assert plain.returncode == 0, plain.stdout
    assert strict.returncode == 1, strict.stdout
    assert "--lecturecheck-strict: numeric steps do not pass" in strict.stdout
    assert "sum.derivation.md:5: step line_5 numeric" in strict.stdout


def test_plugin_options_are_registered(run_pytest):
    out = run_pytest({}, "--help")
    for option in ("--lecturecheck-timeout", "--lecturecheck-strict", "--lecturecheck-seed"):
        assert option in out.stdout


def test_repository_test_paths_hold_no_derivation_files():
    """The project's own test run (testpaths tests, derivations, numerics) collects none."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    found = [p for d in ("tests", "derivations", "numerics") for p in (root / d).rglob("*.derivation.md")]
    assert found == []


def test_meaningless_plugin_options_are_usage_errors(run_pytest):
    out = run_pytest({"good.derivation.md": GOOD}, "--lecturecheck-timeout", "0")
    assert out.returncode == 4, out.stdout + out.stderr
    assert "--lecturecheck-timeout=0.0: expected a positive number of seconds" in out.stderr
