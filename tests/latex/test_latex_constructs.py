"""Every construct of the reader on a short example, its errors, and the notation table."""
from __future__ import annotations

import re

import pytest
import sympy as sp

from derivations.errors import LectureCheckError
from derivations.latex import (LatexError, Notation, ProseFound, UnboundName, parse_expr_latex,
                               parse_latex)
from derivations.latex import operators as op
from meaning import assert_same_meaning

x, y, m = sp.symbols("x y m", real=True)
a, b, c, n, i = sp.symbols("a b c n i")
s = sp.Symbol("s", positive=True)
p, f = sp.Function("p"), sp.Function("f")
A, B = sp.MatrixSymbol("A", 3, 3), sp.MatrixSymbol("B", 3, 3)
u, v = sp.MatrixSymbol("u", 3, 1), sp.MatrixSymbol("v", 3, 1)
xs, xh = sp.Symbol("x_sigma"), sp.Symbol("xhat_sigma")
NOTATION = Notation({"x": x, "y": y, "m": m, "a": a, "b": b, "c": c, "n": n, "i": i, "s": s,
                     "A": A, "B": B, "u": u, "v": v, r"x_\sigma": xs, r"\hat{x}_\sigma": xh,
                     r"\mathbb{I}": sp.Identity(3)}, {"p": p, "f": f},
                    operators={r"\Delta": "laplacian"})

CONSTRUCTS = [
    (r"\frac{x}{y}", x / y),
    (r"x^2 + x_\sigma", x ** 2 + xs),
    (r"x^{-1}", 1 / x),
    (r"\sqrt{x}", sp.sqrt(x)),
    (r"\sqrt[3]{x}", sp.root(x, 3)),
    (r"\sum_{i=1}^{n} i^2", sp.Sum(i ** 2, (i, 1, n))),
    (r"\prod_{i=1}^{n} i", sp.Product(i, (i, 1, n))),
    (r"\int_0^1 x^2 dx", sp.Integral(x ** 2, (x, 0, 1))),
    (r"\int_{-\infty}^{\infty} e^{-x^2} \, dx", sp.Integral(sp.exp(-x ** 2), (x, -sp.oo, sp.oo))),
    (r"\int dx \, f(x)", op.IntegralOver(f(x), x)),
    (r"\int_y f(y)", op.IntegralOver(f(y), y)),
    (r"\int f(x) \mathrm{d}x", op.IntegralOver(f(x), x)),
    (r"\exp(x) + e^{y}", sp.exp(x) + sp.exp(y)),
    (r"\log x + \log(y)", sp.log(x) + sp.log(y)),
    (r"\tanh x", sp.tanh(x)),
    (r"\operatorname{erf}(x) + \operatorname{erfc}(y)", sp.erf(x) + sp.erfc(y)),
    (r"\min(x, y) + \max(x, y)", sp.Min(x, y) + sp.Max(x, y)),
    (r"|x - y|", sp.Abs(x - y)),
    (r"\left| x \right|^2", sp.Abs(x) ** 2),
    (r"\|u\|^2", op.Norm(u) ** 2),
    (r"\left\| u - v \right\|_2", op.Norm(u - v)),
    (r"\langle u, v \rangle", op.Inner(u, v)),
    (r"\partial_x f(x)", sp.Derivative(f(x), x)),
    (r"\frac{\partial}{\partial x} f(x)", sp.Derivative(f(x), x)),
    (r"\frac{d f(x)}{dx}", sp.Derivative(f(x), x)),
    (r"\frac{d^2 f(x)}{dx^2}", sp.Derivative(f(x), (x, 2))),
    (r"\frac{d}{dx} y f(x)", sp.Derivative(y * f(x), x)),
    (r"\nabla_x f(x)", sp.Derivative(f(x), x)),
    (r"\mathbb{E}_{x \sim p}[f(x)]", op.Expectation(f(x), op.Distributed(x, sp.Symbol("p")))),
    (r"\mathbb{E}[x|y]", op.Expectation(x, op.Given(y))),
    (r"KL(p || f)", op.KL(sp.Symbol("p"), sp.Symbol("f"))),       # the letters K L (Mallat 6.2.4)
    (r"D_{KL}(p \| f)", op.KL(sp.Symbol("p"), sp.Symbol("f"))),
    (r"\mathbb{E}[x \mid y]", op.Expectation(x, op.Given(y))),
    (r"\mathcal{N}(x; m, s^2)", op.GaussianDensity(x, m, s ** 2)),
    (r"\mathcal{N}(m, s^2)", op.Gaussian(m, s ** 2)),
    (r"u^T A v", u.T * A * v),
    (r"u^\top v", u.T * v),
    (r"A^{-1} B", A.I * B),
    (r"\mathrm{tr}(A) + \text{Tr}(B)", sp.Trace(A) + sp.Trace(B)),
    (r"\det A", sp.Determinant(A)),
    (r"x \cdot y", x * y),
    (r"u \cdot v", op.Inner(u, v)),
    (r"u \odot v", sp.HadamardProduct(u, v)),
    (r"\hat{x}_\sigma - x_\sigma", xh - xs),
    (r"\left( x + y \right)^2", (x + y) ** 2),
    (r"\Bigl[ x + y \Bigr] \bigl( x \bigr)", (x + y) * x),
    (r"(A + s^2 \mathbb{I})^{-1}", (A + s ** 2 * sp.Identity(3)).I),
    (r"p(x)", p(x)),
    (r"a(b+c)", a * (b + c)),
    (r"p(x)^2", p(x) ** 2),
    (r"p(y|x)", p(y, op.Given(x))),
    (r"\log(x)^2", sp.log(x) ** 2),
    (r"\log x^2", sp.log(x ** 2)),
    (r"\log p(x) f(y)", sp.log(p(x)) * f(y)),
    (r"x/2y", x / (2 * y)),
    (r"e", sp.E),
    (r"\pi + \infty", sp.pi + sp.oo),
    (r"\Delta f(x)", op.Laplacian(f(x))),
    (r"\nabla \cdot (x u)", op.Divergence(x * u)),
    (r"\lim_{n \to \infty} \frac{1}{n}", sp.Limit(1 / n, n, sp.oo)),
    (r"\min_x f(x)", op.MinOver(f(x), x)),
    (r"\operatorname{argmax}_{x} f(x)", op.ArgMax(f(x), x)),
    (r"\underbrace{x + y}_{\text{a note}}", x + y),
    (r"\begin{cases} x & x > 0 \\ 0 & x \le 0 \end{cases}",
     sp.Piecewise((x, x > 0), (0, x <= 0))),
    (r"\sigma", None),      # unbound: error (checked below)
]


@pytest.mark.parametrize("latex,expected", [c for c in CONSTRUCTS if c[1] is not None],
                         ids=[c[0] for c in CONSTRUCTS if c[1] is not None])
def test_construct(latex, expected):
    assert_same_meaning(parse_expr_latex(latex, NOTATION), expected, latex)


RELATIONS = [
    (r"x = y", ["="]), (r"x \le y \leq m", ["<=", "<="]), (r"x \ge y \geq m", [">=", ">="]),
    (r"x < y > m", ["<", ">"]), (r"x \propto y", ["propto"]), (r"x \neq y", ["!="]),
    (r"x \approx y \simeq m \asymp a \sim b", ["approx", "simeq", "asymp", "sim"]),
    (r"x \equiv y := m", ["equiv", ":="]), (r"x = 0 \implies y = 1", ["=", "implies", "="]),
    (r"x = 0 \iff y = 1", ["=", "iff", "="]), (r"x \leftarrow y", ["<-"]),
]


@pytest.mark.parametrize("latex,names", RELATIONS, ids=[r[0] for r in RELATIONS])
def test_relations(latex, names):
    chain = parse_latex(latex, NOTATION)
    assert [r.name for r in chain.relations] == names
    assert len(chain.terms) == len(names) + 1


def test_approximate_links_are_marked_and_connectives_link_statements():
    chain = parse_latex(r"x = y \approx m \implies a \sim b", NOTATION)
    flags = [(r.name, r.approximate, r.connective) for r in chain.relations]
    assert flags == [("=", False, False), ("approx", True, False), ("implies", False, True),
                     ("sim", True, False)]
    assert [(lo, r.name, hi) for lo, r, hi in chain.links()] == [(x, "=", y), (y, "approx", m),
                                                               (a, "sim", b)]


def test_cdot_of_matrices_is_their_product_and_of_vectors_their_inner_product():
    assert parse_expr_latex(r"A \cdot B", NOTATION) == A * B
    assert parse_expr_latex(r"u \cdot v", NOTATION) == op.Inner(u, v)
    assert parse_expr_latex(r"|u|", NOTATION) == op.Norm(u)
    with pytest.raises(LatexError, match=r"\\det A"):
        parse_expr_latex(r"|A|", NOTATION)
    assert parse_expr_latex(r"|u|_1", NOTATION) == op.Norm(u, 1)


def test_a_norm_order_on_a_scalar_is_an_error_not_a_crash():
    """|x|_2 of a scalar (found by the fuzzer: an AttributeError before)."""
    with pytest.raises(LatexError, match=r"1:5: .*p-norm of a vector; here x is a scalar"):
        parse_expr_latex(r"|x|_2", NOTATION)


def test_transpose_power_needs_its_exponent_bound():
    with pytest.raises(UnboundName, match=r"1:3: unbound name T \(\^T transposes a matrix"):
        parse_expr_latex(r"x^T", NOTATION)
    assert parse_expr_latex(r"x^T", NOTATION.merge(Notation({"T": y}))) == x ** y
    assert parse_expr_latex(r"x^\top", NOTATION) == x


def test_interval_after_in():
    chain = parse_latex(r"x \in [-1, +1]", NOTATION)
    assert chain.terms[1] == sp.Interval(-1, 1)


def test_quad_asides_text_and_end_punctuation_are_not_mathematics():
    chain = parse_latex(r"x = y, \quad \text{s.t. } y = \alpha", NOTATION)
    assert chain.terms == (x, y) and chain.asides == (r"\text{s.t. } y = \alpha",)
    assert parse_latex(r"x = y.", NOTATION).terms == (x, y)
    assert parse_latex(r"x = y \qquad (\text{Continuous})", NOTATION).asides == (
        r"(\text{Continuous})",)


def test_therefore_prefix():
    chain = parse_latex(r"\therefore x = y", NOTATION)
    assert chain.prefix == r"\therefore" and chain.terms == (x, y)


def test_decorations_are_distinct_names():
    hat = sp.Symbol("h")
    t = Notation({r"\hat{x}": hat, "x": x})
    assert parse_expr_latex(r"\hat{x}", t) == hat and parse_expr_latex(r"\hat x", t) == hat
    for other in (r"\bar{x}", r"\tilde{x}", r"\underline{x}", r"\hat{x}_\sigma"):
        with pytest.raises(UnboundName):
            parse_expr_latex(other, t)


def test_e_is_eulers_number_unless_bound():
    e = sp.Symbol("e")
    assert parse_expr_latex("e^{x}", NOTATION) == sp.exp(x)
    assert parse_expr_latex("e^{x}", NOTATION.merge(Notation({"e": e}))) == e ** x


def test_a_bound_value_at_the_coordinate_is_that_value():
    """With ``coordinate=x``, ``p_t(x)`` and ``σ^2(x)`` (Mallat 6.3.1) are the bound values at
    x; ``p_t(y)`` stays a product, and so does ``p_t(x)`` without a coordinate."""
    density, sig = sp.exp(-x ** 2), sp.Symbol("sigma", positive=True)
    table = Notation({"x": x, "y": y, "p_t": density, r"\sigma": sig}, coordinate=x)
    assert parse_expr_latex(r"p_t(x)", table) == density
    assert parse_expr_latex(r"\sigma^2(x) p_t(x)", table) == sig ** 2 * density
    assert parse_expr_latex(r"p_t(y)", table) == density * y
    plain = Notation({"x": x, "p_t": density})
    assert parse_expr_latex(r"p_t(x)", plain) == density * x


def test_letters_k_l_are_kl_only_when_unbound_and_applied():
    """K L(…) is the relative entropy unless the table binds K or L; K L alone is a product."""
    k, l_ = sp.symbols("K L")
    bound = NOTATION.merge(Notation({"K": k, "L": l_}))
    assert parse_expr_latex(r"K L (x + y)", bound) == k * l_ * (x + y)
    assert parse_expr_latex(r"K L", bound) == k * l_


def test_function_or_product_is_decided_by_the_table():
    as_symbol = NOTATION.merge(Notation({"p": sp.Symbol("p")}))
    assert parse_expr_latex("p(x + y)", as_symbol) == sp.Symbol("p") * (x + y)
    assert parse_expr_latex("p(x + y)", NOTATION) == p(x + y)


def test_matrix_transpose_power_and_identity():
    d = sp.Symbol("d", integer=True, positive=True)
    C, z = sp.MatrixSymbol("C", d, d), sp.MatrixSymbol("z", d, 1)
    t = Notation({"C": C, "z": z, r"\mathbb{I}": sp.Identity(d)})
    got = parse_expr_latex(r"z^T (C + \mathbb{I})^{-1} z", t)
    assert got == z.T * (C + sp.Identity(d)).I * z


def test_families_index_their_functions():
    k, K = sp.symbols("k K", integer=True, positive=True)
    t = Notation({"x": x, "k": k}, families={"p": p}, indices={"k": (1, K)})
    assert parse_expr_latex(r"\sum_k \log p_k(x)", t) == sp.Sum(sp.log(p(k, x)), (k, 1, K))


def test_integrals_without_limits_are_over_the_whole_space_never_antiderivatives():
    line = NOTATION.merge(Notation(domains={"x": (-sp.oo, sp.oo)}))
    assert parse_expr_latex(r"\int f(x) dx", line) == sp.Integral(f(x), (x, -sp.oo, sp.oo))
    assert parse_expr_latex(r"\int f(x) dx", NOTATION) == op.IntegralOver(f(x), x)


def test_indexed_base_subscripts():
    X = sp.IndexedBase("X")
    j = sp.Symbol("j", integer=True)
    t = Notation({"X": X, "i": i, "j": j})
    assert parse_expr_latex("X_{ij} + X_i", t) == X[i, j] + X[i]


def test_merge_later_table_wins():
    base = Notation({"x": x}, {"p": p})
    later = Notation({"p": sp.Symbol("p0")})
    merged = base.merge(later)
    assert merged.lookup("p") == ("symbol", sp.Symbol("p0")) and merged.lookup("x")[1] == x


def test_keys_are_read_by_the_grammar():
    t = Notation({r"x_\sigma": xs})
    assert t.lookup(r"x_{\sigma}") == ("symbol", xs)
    with pytest.raises(ValueError, match="one LaTeX name"):
        Notation({"x + y": x})


# ------------------------------------------------------------------ errors

ERRORS = [
    (r"x + ", r"1:4: expected"),
    (r"\frac{x}{", r"1:\d+: expected"),
    (r"(x + y", r"1:\d+: expected .*'\)'"),
    (r"x = = y", r"1:5: expected"),
    (r"\sigma", r"1:1: unbound name \\sigma"),
    (r"y + \hat{y}_\sigma", r"1:5: unbound name \\hat\{y\}_\{\\sigma\}"),
    (r"x \circ y", r"1:3: expected a supported command, not \\circ"),
    (r"\sum x", r"1:1: expected an index under \\sum"),
    (r"\int x", r"1:1: expected a differential"),
    (r"x^23", r"1:3: expected a braced script"),
    (r"x \pm y", r"1:3: expected a single value"),
    (r"\sum_i x_i \cdot y", r"expected parentheses around the sum"),
    (r"f y", r"1:1: expected arguments after the function f"),
    (r"x $ y", r"1:3: expected .* got character '\$'"),
]


@pytest.mark.parametrize("latex,message", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_are_positioned(latex, message):
    with pytest.raises(LatexError) as info:
        parse_latex(latex, NOTATION)
    assert isinstance(info.value, LectureCheckError)
    assert re.search(message, str(info.value)), str(info.value)
    assert re.match(r"\d+:\d+: ", str(info.value))


def test_syntax_errors_carry_lark_context():
    with pytest.raises(LatexError) as info:
        parse_latex(r"\frac{x}{y} + ) z", NOTATION)
    assert str(info.value).startswith("1:15: expected")
    assert "^" in info.value.context and ")" in info.value.context


def test_positions_are_mapped_to_the_source():
    with pytest.raises(LatexError) as info:
        parse_latex("x + \n  y +", NOTATION, line=10, column=5)
    assert str(info.value).startswith("11:6: expected")
    with pytest.raises(UnboundName) as info:
        parse_latex(r"x + \beta", NOTATION, line=3, column=7)
    assert (info.value.line, info.value.column) == (3, 11)


def test_positions_inside_scripts():
    with pytest.raises(UnboundName) as info:
        parse_latex(r"x^{y + \beta}", NOTATION, line=2, column=1)
    assert (info.value.line, info.value.column) == (2, 8)


@pytest.mark.parametrize("latex,at", [
    (r"\mathbb{E}_{z \sim \text{Gaussian}} [x]", r"\text{Gaussian}"),
    (r"a + \sum_{c \in \text{Channels}} c", r"\text{Channels}"),
    (r"x^{y^{z + \text{w}}}", r"\text{w}"),
    (r"\sum_{i=1}^{n} \sum_{x_n \in \partial x} y", r"\partial x"),
])
def test_positions_inside_operator_scripts_point_at_the_culprit(latex, at):
    with pytest.raises(LatexError) as info:
        parse_latex(latex, Notation.discovery(), line=4, column=9)
    assert info.value.line == 4
    assert latex[info.value.column - 9:].startswith(at), str(info.value)


def test_words_are_prose_not_symbols():
    with pytest.raises(ProseFound, match=r"1:5: .*\\text\{Constant\}"):
        parse_latex(r"x + \text{Constant}", NOTATION)
    with pytest.raises(ProseFound):
        parse_latex(r"\begin{cases} 1 & \text{if } x > 0 \\ 0 & \text{otherwise} \end{cases}",
                    NOTATION)


def test_a_meaning_changing_guess_is_an_error_not_a_parse():
    with pytest.raises(LatexError):             # \sum … \cdot: where does the sum end?
        parse_latex(r"\sum_{i=1}^n i \cdot x", NOTATION)
    with pytest.raises(LatexError):             # A^{(t)} is a label, not a power
        parse_latex(r"(x + y)^{(t)}", NOTATION)


# ------------------------------------------------------------------ discovery mode

def test_discovery_invents_and_records():
    chain = parse_latex(r"q(z) = \hat{w}_\sigma + \alpha", Notation.discovery())
    assert set(chain.assumed) == {"q: function", "z: symbol", r"\hat{w}_{\sigma}: symbol",
                                  r"\alpha: symbol"}
    assert chain.latex()[0] == r"q{\left(z \right)}"


def test_strict_mode_records_nothing_and_invents_nothing():
    chain = parse_latex("p(x) = x", NOTATION)
    assert chain.assumed == ()
    with pytest.raises(UnboundName):
        parse_latex("q(x)", NOTATION)


def test_discovery_keeps_labels_and_stars_in_names():
    chain = parse_latex(r"\sigma_i^{(t+1)} = U^*", Notation.discovery())
    assert [str(t) for t in chain.terms] == [r"\sigma_{i}^{(t+1)}", "U^{*}"]
