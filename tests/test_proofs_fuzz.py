"""Fuzz: damaged and random derivation files either load or fail with ``file:line:col``.

Mutations of the example files (lines and characters deleted, inserted, duplicated; YAML broken;
``$$`` unbalanced) and random files.  The only failure allowed is
:class:`~derivations.errors.InputError` whose message starts with ``<file>:<line>:<col>: `` at a
position inside the file; no other exception and no slow input (no hang).  Default tier:
1,600 files; ``pytest -m slow`` runs 10,000 more.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivations.errors import InputError
from derivations.proofs import read_proof

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# the examples, plus one file using every front-matter section (families, values, notation)
SEEDS = sorted(p.read_text(encoding="utf-8") for p in EXAMPLES.rglob("*.derivation.md")) + [
    "---\ntitle: all sections\nsymbols:\n  y: real\n  x: real\n  S: {values: [-1, 1]}\n"
    "  u: {real: true, range: [0, 1]}\n  n: [integer, positive]\nfunctions:\n"
    "  p: {family: gaussian_mixture}\n  f:\ndimensions:\n  d: [1, 2]\nmatrices:\n"
    "  C: {shape: [d, d], properties: [spd]}\n  I: {identity: d}\nvectors:\n  v: {size: d}\n"
    "notation:\n  '\\mathbb{I}': I\n  '\\hat{u}': u\n---\n\n"
    "$$ \\frac{d}{dy} \\int p(x) e^{-(y-x)^2} dx = \\int p(x) 2(x-y) e^{-(y-x)^2} dx $$\n"
    "because: under the integral sign\n\n$$ S^2 \\hat{u} $$\n$$ = u \\tag{spin} $$\n\n"
    "$$ (C + \\mathbb{I}) v = C v + v \\tag{matrix} $$\n$$ \\sum_{n=1}^{3} f(n) \\le 3 f(1) $$\n"]
NAME = "fuzz.derivation.md"
POSITION = re.compile(re.escape(NAME) + r":(\d+):(\d+): \S")
MAX_SECONDS = 10.0
PIECES = ["$$", "$", "---", "\n", "=", "\\tag{x}", "because: ", "\\frac{", "}", "{", "\\le",
          "symbols:", "  x: real", "  y: positive", "matrices:", "  C: {shape: [d, d]}", ":",
          "- ", "[", "]", "&a ", "*a", "!!python/object:os.system", "\t", "\\[", "```", "\\int",
          "dx", "^", "_", "\\mathbb{I}", "(", ")", "\\sigma", "\\kappa", "x", "\x00", "é", "\r"]


def _check(text: str) -> None:
    start = time.perf_counter()
    try:
        read_proof(NAME, text)
    except InputError as exc:
        m = POSITION.match(str(exc))
        assert m, f"not 'file:line:col: …': {exc}"
        line, col = int(m.group(1)), int(m.group(2))
        assert 1 <= line <= text.count("\n") + text.count("\r") + 1, str(exc)
        assert col >= 1, str(exc)
    assert time.perf_counter() - start < MAX_SECONDS, f"slow input: {text[:200]!r}"


@st.composite
def mutated(draw) -> str:
    """An example file with 1–4 edits: line or character deletions, insertions, duplicates."""
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        kind = draw(st.sampled_from(["del_line", "dup_line", "swap_lines", "del_char",
                                     "ins_piece", "dup_char", "del_dollar", "break_yaml"]))
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "del_line":
            del lines[i]
        elif kind == "dup_line":
            lines.insert(i, lines[i])
        elif kind == "swap_lines":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "break_yaml":
            j = draw(st.integers(0, min(len(lines) - 1, 20)))
            lines[j] = draw(st.sampled_from(["  x: [", "symbols: {", "\tx: real", "x: real: y",
                                             "  kappa: imaginary", "symbols: 3", "- a", "---",
                                             "  x: {range: [1, 0]}", "  x: {values: []}"]))
        text = "\n".join(lines)
        if not text:
            continue
        at = draw(st.integers(0, len(text) - 1))
        if kind == "del_char":
            text = text[:at] + text[at + 1:]
        elif kind == "dup_char":
            text = text[:at] + text[at] + text[at:]
        elif kind == "ins_piece":
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
        elif kind == "del_dollar" and "$$" in text:
            k = draw(st.integers(0, text.count("$$") - 1))
            pos = [m.start() for m in re.finditer(r"\$\$", text)][k]
            text = text[:pos] + text[pos + 2:]
    return text


random_files = st.lists(st.sampled_from(PIECES) | st.text(max_size=5), max_size=40).map("".join)
framed = st.tuples(st.sampled_from(["---\nsymbols:\n  x: real\n---\n", "---\n---\n", ""]),
                   random_files).map(lambda p: p[0] + p[1])


def _settings(n: int):
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


@_settings(1200)
@given(mutated())
def test_mutated_examples(text):
    _check(text)


@_settings(400)
@given(framed)
def test_random_files(text):
    _check(text)


@pytest.mark.slow
@_settings(10_000)
@given(mutated() | framed)
def test_ten_thousand_files(text):
    _check(text)


def test_the_examples_themselves_load_or_fail_as_documented():
    for path in sorted(EXAMPLES.rglob("*.derivation.md")):
        if path.parent.name == "errors":
            with pytest.raises(InputError):
                read_proof(path.name, path.read_bytes())
        else:
            assert read_proof(path.name, path.read_bytes()).derivation.steps
