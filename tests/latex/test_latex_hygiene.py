"""No string evaluation anywhere in ``derivations/``; the grammar ships with the package."""
from __future__ import annotations

import ast
from pathlib import Path


import derivations

PACKAGE = Path(derivations.__file__).resolve().parent
FORBIDDEN_CALLS = {"eval", "exec", "sympify", "parse_expr", "parse_latex_lark", "S"}
FORBIDDEN_MODULES = ("sympy.parsing",)


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else \
                func.attr if isinstance(func, ast.Attribute) else None
            if name in FORBIDDEN_CALLS:
                found.append(f"{path.name}:{node.lineno}: call to {name}()")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(FORBIDDEN_MODULES):
            found.append(f"{path.name}:{node.lineno}: import from {node.module}")
        elif isinstance(node, ast.Import):
            found += [f"{path.name}:{node.lineno}: import {a.name}" for a in node.names
                      if a.name.startswith(FORBIDDEN_MODULES)]
        elif isinstance(node, ast.Attribute) and node.attr == "parsing" and \
                isinstance(node.value, ast.Name) and node.value.id in ("sp", "sympy"):
            found.append(f"{path.name}:{node.lineno}: use of sympy.parsing")
    return found


def test_no_string_evaluation_in_the_package():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10
    violations = [v for f in files for v in _violations(f)]
    assert violations == [], "\n".join(violations)


def test_the_checker_sees_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import sympy as sp\nfrom sympy.parsing.latex import parse_latex\n"
                   "x = sp.sympify('x + 1')\ny = eval('1')\nz = sp.parsing.sympy_parser\n")
    assert len(_violations(bad)) == 4


def test_grammar_is_package_data():
    """The installed package (not only a checkout) carries the grammar."""
    from importlib.metadata import requires
    from importlib.resources import files

    grammar = files("derivations.latex") / "grammar" / "notes.lark"
    assert grammar.is_file() and "start" in grammar.read_text(encoding="utf-8")
    assert any(r.startswith("lark") for r in requires("lecturecheck"))
