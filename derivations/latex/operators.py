"""Operators of the notes and the unevaluated SymPy functions that stand for what SymPy lacks.

An expectation, a Gaussian density written ``\\mathcal{N}(x; m, s^2)``, an inner product of
vectors or a sum over a condition have no faithful SymPy class; they become applications of the
undefined functions below, named after what they mean, so that a printed form shows them and
two readings compare structurally.  None of them is ever given a value by the reader.
"""
from __future__ import annotations

import sympy as sp

Expectation = sp.Function("Expectation")      # Expectation(body, spec…, Given(…)?)
Probability = sp.Function("Probability")      # Probability(event)
Given = sp.Function("Given")                  # the conditioning part of p(y|x), E[x|y]
Distributed = sp.Function("Distributed")      # x \sim p
Element = sp.Function("Element")              # x \in S, S not a SymPy set
NotElement = sp.Function("NotElement")
Inner = sp.Function("Inner")                  # \langle a, b \rangle
Braket = sp.Function("Braket")                # \langle u | A | v \rangle
Average = sp.Function("Average")              # \langle a \rangle_{…}
Norm = sp.Function("Norm")                    # \|x\| (Norm(x, p) for \|x\|_p, p != 2)
GaussianDensity = sp.Function("GaussianDensity")   # \mathcal{N}(x; m, v)
Gaussian = sp.Function("Gaussian")            # \mathcal{N}(m, v), a law
KL = sp.Function("KL")                        # KL(p || q)
SumOver = sp.Function("SumOver")              # \sum over an index without range, or a condition
ProductOver = sp.Function("ProductOver")
IntegralOver = sp.Function("IntegralOver")    # \int_{domain} f dx
MinOver = sp.Function("MinOver")
MaxOver = sp.Function("MaxOver")
ArgMin = sp.Function("ArgMin")
ArgMax = sp.Function("ArgMax")
Gradient = sp.Function("Gradient")            # \nabla f without a variable
Divergence = sp.Function("Divergence")        # \nabla \cdot v
Laplacian = sp.Function("Laplacian")          # \Delta f (when the table says so)
Det = sp.Function("det")                      # det of something not a matrix expression
Tr = sp.Function("Tr")                        # trace of something not a matrix expression

UNARY = {"log": sp.log, "exp": sp.exp, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan,
         "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh, "arctan": sp.atan,
         "arcsin": sp.asin, "arccos": sp.acos, "cot": sp.cot, "erf": sp.erf, "erfc": sp.erfc,
         "sgn": sp.sign}

# operator name of each command, \text{word} / \operatorname{word}, and font letter
COMMAND_OPS = {"\\log": "log", "\\ln": "log", "\\exp": "exp", "\\sin": "sin", "\\cos": "cos",
               "\\tan": "tan", "\\tanh": "tanh", "\\sinh": "sinh", "\\cosh": "cosh",
               "\\arctan": "arctan", "\\arcsin": "arcsin", "\\arccos": "arccos", "\\cot": "cot",
               "\\det": "det", "\\min": "min", "\\max": "max", "\\lim": "lim",
               "\\nabla": "nabla", "\\partial": "partial", "\\Pr": "P"}
TEXT_OPS = {"log": "log", "ln": "log", "exp": "exp", "erf": "erf", "erfc": "erfc", "sgn": "sgn",
            "sign": "sgn", "Tr": "tr", "tr": "tr", "trace": "tr", "det": "det", "KL": "KL",
            "argmin": "argmin", "argmax": "argmax", "tanh": "tanh", "sinh": "sinh",
            "cosh": "cosh", "sin": "sin", "cos": "cos", "min": "min", "max": "max"}
FONT_OPS = {"\\mathbb{E}": "E", "\\mathbb{P}": "P", "\\mathcal{N}": "N"}
LAPLACIAN_KINDS = {"laplacian": Laplacian, "gradient": Gradient, "divergence": Divergence}

RELATIONS = {"=": "=", "<": "<", "\\lt": "<", ">": ">", "\\gt": ">", "\\le": "<=",
             "\\leq": "<=", "\\leqslant": "<=", "\\ge": ">=", "\\geq": ">=", "\\geqslant": ">=",
             "\\neq": "!=", "\\ne": "!=", "\\approx": "approx", "\\simeq": "simeq",
             "\\asymp": "asymp", "\\sim": "sim", "\\propto": "propto", "\\equiv": "equiv",
             ":=": ":=", "\\coloneqq": ":=", "\\in": "in", "\\notin": "notin",
             "\\leftarrow": "<-", "\\gets": "<-", "\\to": "->", "\\rightarrow": "->",
             "\\ll": "<<", "\\gg": ">>"}
APPROXIMATE = {"approx", "simeq", "asymp", "sim", "<<", ">>"}
CONNECTIVES = {"\\implies": "implies", "\\Rightarrow": "implies", "\\Longrightarrow": "implies",
               "\\iff": "iff", "\\Leftrightarrow": "iff", "\\Longleftrightarrow": "iff"}


def is_matrix(expr) -> bool:
    """Whether ``expr`` is a matrix expression (MatrixSymbol, Identity, products of them …)."""
    return bool(getattr(expr, "is_Matrix", False))


def is_vector(expr) -> bool:
    """Whether ``expr`` is a column vector (an n×1 matrix expression)."""
    return is_matrix(expr) and expr.shape[1] == 1


def relational(lhs, name: str, rhs):
    """The SymPy relation ``lhs name rhs`` for a condition or an event; None if there is none."""
    simple = {"=": sp.Eq, "<": sp.Lt, ">": sp.Gt, "<=": sp.Le, ">=": sp.Ge, "!=": sp.Ne}
    if name in simple:
        return simple[name](lhs, rhs)
    if name in ("in", "notin"):
        if isinstance(rhs, sp.Set):
            c = sp.Contains(lhs, rhs)
            return sp.Not(c) if name == "notin" else c
        return (Element if name == "in" else NotElement)(lhs, rhs)
    if name == "sim":
        return Distributed(lhs, rhs)
    return None
