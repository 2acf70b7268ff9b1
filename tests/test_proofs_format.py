"""The derivation-file format: what it reads, and a table of misuse with exact positions.

Every row of ``BAD`` is a file outside the format or the grammar and the
``file:line:col: …`` prefix plus a fragment its message must contain (scipy's "invalid twins"
idea: each feature has inputs that must be rejected, with the place and the fix).
"""
from __future__ import annotations

import pytest
import sympy as sp

from derivations.errors import InputError
from derivations.proofs import read_proof
from derivations.proofs.declare import default_latex
from derivations.proofs.steps import normalise_tag

HEAD = "---\nsymbols:\n  x: real\n  y: positive\n---\n"


def load(text: str):
    return read_proof("t.derivation.md", text)


def test_a_chain_of_blocks_becomes_steps_with_lines_tags_and_justifications():
    p = load(HEAD + "Some prose with $inline$ math.\n\n$$ (x + 1)^2 $$\n"
             "$$\n= x^2 + 2x + 1 \\tag{Start}\n$$\nbecause: expand\n\n"
             "$$ = 1 + x(x + 2) = 1 + x^2 + 2x $$\n")
    d = p.derivation
    assert [s.id for s in d.steps] == ["start", "line_14", "line_14_2"]
    x = sp.Symbol("x", real=True)
    assert d.steps[0].lhs == (x + 1) ** 2 and d.steps[0].rhs == x ** 2 + 2 * x + 1
    assert d.steps[0].justification == "expand"
    assert d.steps[1].lhs == d.steps[0].rhs          # '=' continues the previous block
    assert p.lines == {"start": 9, "line_14": 14, "line_14_2": 14}
    assert d.equations == ("Start",) and d.steps[0].equation == "Start"
    assert d.id == "t.derivation.md" and d.title == "t"


def test_front_matter_declares_assumptions_ranges_matrices_families_and_notation():
    p = load("---\ntitle: T\nsymbols:\n  k: [integer, positive]\n  s: {real: true, range: [0, 2]}\n"
             "  S: {values: [-1, 1]}\n  sigma: positive\nfunctions:\n  p: {family: gaussian_mixture}\n"
             "dimensions:\n  d: [1, 2]\nmatrices:\n  C: {shape: [d, d], properties: [spd]}\n"
             "  I: {identity: d}\nvectors:\n  v: {size: d}\nnotation:\n  '\\mathbb{I}': I\n"
             "  '\\hat{s}': s\n---\n"
             "$$ \\hat{s} + S^2 k = s + k $$\n$$ (C + \\sigma^2 \\mathbb{I}) v = C v + \\sigma^2 v $$\n")
    d = p.derivation
    k, s = sp.Symbol("k", integer=True, positive=True), sp.Symbol("s", real=True)
    assert d.ranges == {s: (0, 2)} and d.title == "T"
    assert d.steps[0].domain == {sp.Symbol("S"): (-1, 1)}
    assert [(m.symbol.name, sorted(m.props)) for m in d.matrices] == [("C", ["spd"]), ("v", [])]
    assert list(d.dimensions.values()) == [(1, 2)] and len(d.functions) == 1
    assert k in d.steps[0].lhs.free_symbols


def test_default_latex_names_and_tag_ids():
    assert default_latex("kappa") == "\\kappa" and default_latex("x_sigma") == "x_{\\sigma}"
    assert default_latex("x_0") == "x_{0}" and default_latex("xhat") is None
    assert normalise_tag("Itô isometry") == "ito_isometry" and normalise_tag("6.3.5") == "eq_6_3_5"


BAD = [
    # (file text, expected "line:col", fragment of the message)
    ("no front matter\n$$ x = x $$\n", "1:1", "expected YAML front matter"),
    ("---\nsymbols:\n  x: real\n$$ x = x $$\n", "5:1", "closing the front matter"),
    ("---\nsymbols: [x\n---\n$$ x = x $$\n", "2:12", "expected valid YAML"),
    ("---\nsymbols:\n  x: real\n  x: positive\n---\n$$ x = x $$\n", "4:3", "each key once"),
    ("---\nsymbol:\n  x: real\n---\n$$ x = x $$\n", "2:1", "expected one of the sections"),
    ("---\nsymbols:\n  x: imaginary\n---\n$$ x = x $$\n", "3:6", "expected an assumption"),
    ("---\nsymbols:\n  x: {positive: true, range: [-1, 1]}\n---\n$$ x = x $$\n", "3:30",
     "inside that set"),
    ("---\nsymbols:\n  x: {positive: true, negative: true}\n---\n$$ x = x $$\n", "3:6",
     "consistent assumptions"),
    ("---\nsymbols:\n  x: !!python/object:os.system ls\n---\n$$ x = x $$\n", "3:6", "tag"),
    ("---\nsymbols:\n  x: real\n---\n", "5:1", "at least one $$"),
    (HEAD + "$$ x = y\n", "6:1", "closing $$"),
    (HEAD + "$$ x = z $$\n", "6:8", "unbound name z"),
    (HEAD + "$$ x = \\frac{1}{ $$\n", "6:", "expected"),
    (HEAD + "$$ x \\approx y $$\n", "6:6", "an approximation is not checked"),
    (HEAD + "$$ = x $$\n", "6:4", "no block precedes it"),
    (HEAD + "$$ x $$\n", "6:3", "expected a relation"),
    (HEAD + "$$ x = y \\quad y > 0 $$\n", "6:10", "no \\quad asides"),
    (HEAD + "$$ x = y \\tag{a} \\tag{b} $$\n", "6:18", "at most one \\tag"),
    (HEAD + "$$ x = y \\tag{a} $$\n$$ y = x \\tag{a} $$\n", "7:3", "new step id"),
    (HEAD + "because: nothing\n$$ x = y $$\n", "6:1", "directly under"),
    (HEAD + "\\[ x = y \\]\n$$ x = x $$\n", "6:1", "display math as $$"),
    (HEAD + "```\n$$ x = y $$\n", "6:1", "closing ```"),
    (HEAD + "$$ \\mathbb{E}[x] = y $$\n", "6:3", "can evaluate"),
    (HEAD + "$$   $$\n", "6:3", "empty block"),
    (HEAD + "$$ x = y $$\nbecause:\n", "7:1", "justification after"),
    ("---\nsymbols:\n  x: real\nmatrices:\n  C: {shape: [2, 3]}\n---\n$$ C = x $$\n", "7:3",
     "same kind"),
    ("---\nmatrices:\n  C: {shape: [2, 3], properties: [spd]}\n---\n$$ C = C $$\n", "3:35",
     "square shape"),
    ("---\nsymbols:\n  xhat: real\n---\n$$ xhat = xhat $$\n", "3:3", "under notation"),
    ("---\nsymbols:\n  x: real\nnotation:\n  '\\hat{x}': z\n---\n$$ x = x $$\n", "5:14",
     "expected a declared name"),
]


@pytest.mark.parametrize("text, where, fragment", BAD,
                         ids=[f"{i}:{b[2][:30]}" for i, b in enumerate(BAD)])
def test_misuse_is_an_input_error_at_its_position(text, where, fragment):
    with pytest.raises(InputError) as info:
        load(text)
    message = str(info.value)
    assert message.startswith(f"t.derivation.md:{where}"), message
    assert fragment in message, message


def test_a_file_that_cannot_be_read_is_an_input_error(tmp_path):
    from derivations.proofs import load_proof

    with pytest.raises(InputError, match=r"missing\.derivation\.md:1:1: expected a readable"):
        load_proof(str(tmp_path / "missing.derivation.md"))
    bad = tmp_path / "latin1.derivation.md"
    bad.write_bytes(b"---\n---\n\xe9\n")
    with pytest.raises(InputError, match=r":3:1: expected UTF-8"):
        load_proof(str(bad))


def test_no_string_evaluation_in_the_proofs_package():
    """The package-wide hygiene test (tests/latex) covers derivations/proofs too; this names it."""
    from pathlib import Path

    import derivations.proofs as proofs

    folder = Path(proofs.__file__).parent
    for path in list(folder.glob("*.py")) + [folder.parent / "testing" / "plugin.py",
                                             folder.parent / "testing" / "helpers.py"]:
        src = path.read_text(encoding="utf-8")
        for banned in ("eval(", "exec(", "sympify(", "parse_expr(", "yaml.load(", "FullLoader",
                       "UnsafeLoader", "yaml.Loader"):
            assert banned not in src, f"{banned} in {path.name}"


def test_integrals_against_a_family_are_prior_integrals_differentiated_under_the_sign():
    from derivations.symbolic.prior_integral import PriorIntegral

    p = load("---\nsymbols:\n  y: real\n  x: real\nfunctions:\n  p: {family: gaussian_mixture}\n"
             "  f:\n---\n$$ \\frac{d}{dy} \\int p(x) e^{-(y-x)^2} dx = \\int p(x) 2(x-y) e^{-(y-x)^2} dx $$\n"
             "$$ \\int f(x) e^{-x^2} dx = \\int e^{-x^2} f(x) dx $$\n")
    first, second = p.derivation.steps
    assert isinstance(first.lhs, PriorIntegral) and isinstance(first.rhs, PriorIntegral)
    assert not first.lhs.has(sp.Derivative)
    assert isinstance(second.lhs, sp.Integral)          # f has no family: a plain integral
    assert len(p.derivation.functions) == 1
