"""Fuzz: damaged notes equations and random LaTeX either parse or fail with a positioned error.

The only failure allowed is :class:`LatexError` with a ``line:col:`` message inside the text;
no other exception, and no input takes long (no hang).  Default tier: 2,200 inputs (discovery,
strict and matrix tables); the slow tier runs 10,000 more (``pytest -m slow``).
"""
from __future__ import annotations

import re
import time

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings

from derivations.latex import LatexError, Notation, parse_latex
from fuzz_inputs import mutated, random_latex

DISCOVERY = Notation.discovery()
STRICT = Notation()
_M = {n: sp.MatrixSymbol(n, 3, 3) for n in "C H W A B G".split()}
_V = {n: sp.MatrixSymbol(n, 3, 1) for n in "x y z a b".split()}
MATRICES = Notation.discovery(Notation(      # matrix names bound, the rest discovered
    {**_M, **_V, r"x_\sigma": sp.MatrixSymbol("x_sigma", 3, 1), r"\mathbb{I}": sp.Identity(3),
     r"\sigma": sp.Symbol("sigma", positive=True)}, {"p": sp.Function("p")},
    operators={r"\Delta": "laplacian"}, domains={"x": (-sp.oo, sp.oo)}))
MAX_SECONDS = 10.0


def _check(text: str, notation) -> None:
    start = time.perf_counter()
    try:
        parse_latex(text, notation, line=7, column=3)
    except LatexError as exc:
        assert re.match(r"\d+:\d+: ", str(exc)), str(exc)
        assert exc.line >= 7 and exc.column >= 1
        assert exc.line <= 7 + text.count("\n")
    assert time.perf_counter() - start < MAX_SECONDS, f"slow input: {text!r}"


def _settings(n: int):
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


@_settings(1500)
@given(mutated())
def test_mutated_notes_equations(text):
    _check(text, DISCOVERY)


@_settings(300)
@given(random_latex)
def test_random_latex(text):
    _check(text, DISCOVERY)


@_settings(200)
@given(mutated())
def test_mutated_notes_equations_strict_table(text):
    _check(text, STRICT)


@_settings(200)
@given(mutated())
def test_mutated_notes_equations_matrix_table(text):
    _check(text, MATRICES)


@pytest.mark.slow
@_settings(10_000)
@given(mutated() | random_latex)
def test_ten_thousand_inputs(text):
    _check(text, DISCOVERY)


@pytest.mark.parametrize("text", ["(" * 400 + "x" + ")" * 400, "x^{" * 50 + "1" + "}" * 50,
                                  "2^{2^{2^{2^{2^{99}}}}}", r"\frac{" * 100, "|" * 200,
                                  r"\sqrt{" * 300 + "x" + "}" * 300])
def test_pathological_inputs_end_quickly(text):
    _check(text, DISCOVERY)
