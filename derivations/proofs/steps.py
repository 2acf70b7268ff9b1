"""Blocks → steps: each ``$$ … $$`` block read by the notes grammar through the file's table.

A block ``a = b`` is one step; ``a = b = c`` two (ids ``<id>`` and ``<id>_2``); a block that
starts with a relation (``= c``) continues the previous one (its left side is the previous
block's last term); a block with no relation starts a chain the next block must continue.
``\\tag{…}`` names the step (its id, normalised) and ``because: …`` under the block justifies
it; without a tag the id is ``line_<n>``, the file line of the block.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from ..model import Step
from ..model.verdicts import RELATIONS as STEP_RELATIONS
from .source import Block, fail

TAG = re.compile(r"\\tag\*?\s*\{([^{}\n]*)\}")
LEADING_RELATION = re.compile(r"\s*(=|<|>|\\[a-zA-Z]+(?![a-zA-Z]))")
SHOWN = {"=": "=", "<=": "\\le", ">=": "\\ge"}


@dataclass(frozen=True)
class FileStep:
    """A step and where its block is in the file."""

    step: Step
    line: int                 # file line of the block's opening $$
    tag: str | None
    end_line: int = 0         # file line of its closing $$


def normalise_tag(tag: str) -> str:
    """A tag as a step id: ``Itô isometry`` → ``ito_isometry``, ``6.3.5`` → ``eq_6_3_5``."""
    folded = unicodedata.normalize("NFKD", tag).encode("ascii", "ignore").decode("ascii")
    word = re.sub(r"[^a-z0-9]+", "_", folded.lower()).strip("_")
    if not word or not word[0].isalpha():
        word = "eq_" + word if word else ""
    return word[:60].rstrip("_")


def read_steps(path: str, blocks, notation, functions, values, families=()) -> list[FileStep]:
    """The steps of ``blocks`` (``InputError`` ``file:line:col`` at the first problem).

    ``families`` are the functions declared with a family (a prior density): an integral
    against one is the engine's :class:`~derivations.symbolic.prior_integral.PriorIntegral`
    (same meaning as ``sympy.Integral``; worked with linearly, evaluated exactly on Gaussian
    mixtures), as in the catalog."""
    from ..latex import LatexError, parse_latex
    from ..latex.operators import RELATIONS

    out: list[FileStep] = []
    previous_last = None          # the last term of the previous block
    pending: Block | None = None  # a block with no relation, waiting to be continued
    seen: dict[str, int] = {}
    for block in blocks:
        text = block.text
        tags = list(TAG.finditer(text))
        if len(tags) > 1:
            raise fail(path, *_at(block, tags[1].start()), "expected at most one \\tag{…} per block")
        tag = tags[0].group(1).strip() if tags else None
        if tags:
            a, b = tags[0].span()
            text = text[:a] + " " * (b - a) + text[b:]
            if not tag or not normalise_tag(tag):
                raise fail(path, *_at(block, a), "expected a tag with letters or digits, e.g. "
                                                 "\\tag{ito} or \\tag{6.3.5}")
        if not text.strip():
            raise fail(path, block.line, block.column, "expected mathematics, got an empty block")
        quad = re.search(r"\\q?quad(?![a-zA-Z])", text)
        if quad:
            raise fail(path, *_at(block, quad.start()), "expected the step's mathematics only "
                       "(no \\quad asides: put conditions in the front matter, words in a "
                       "'because:' line)")
        lead = LEADING_RELATION.match(text)
        relation_name = None
        if lead and lead.group(1) in RELATIONS:
            relation_name = RELATIONS[lead.group(1)]
            if previous_last is None:
                raise fail(path, *_at(block, lead.start(1)), "expected a block with a left side: "
                           f"this one starts with {lead.group(1)!r} but no block precedes it")
            text = " " * lead.end() + text[lead.end():]
        try:
            chain = parse_latex(text, notation, line=block.line, column=block.column)
        except LatexError as exc:
            raise fail(path, exc.line, exc.column, f"{exc.prefix}{exc.what}") from None
        except Exception as exc:  # noqa: BLE001 - SymPy refusing what the grammar read
            raise fail(path, block.line, block.column, "expected mathematics SymPy can build, "
                       f"got {type(exc).__name__}: {_short(exc)}") from None
        if chain.asides:
            raise fail(path, block.line, block.column, "expected the step's mathematics only")
        for r in chain.relations:
            if r.connective or r.name not in STEP_RELATIONS:
                raise fail(path, *_at(block, max(text.find(r.source), 0)),
                           f"expected =, \\le or \\ge between two sides, got {r.source!r}"
                           + (" (an approximation is not checked)" if r.approximate else ""))
        for term in chain.terms:
            _check_term(path, block, term, functions)
        terms = [_prior_integrals(t, families) for t in chain.terms]
        names = [r.name for r in chain.relations]
        if relation_name is not None:
            terms.insert(0, previous_last)
            names.insert(0, relation_name)
        if relation_name is not None and relation_name not in STEP_RELATIONS:
            raise fail(path, *_at(block, lead.start(1)), f"expected =, \\le or \\ge to continue "
                       f"the chain, got {lead.group(1)!r}")
        if not names:
            if pending is not None:
                raise fail(path, pending.line, pending.column, "expected a relation (=, \\le, "
                           "\\ge) in this block or a next block starting with '='")
            pending, previous_last = block, terms[-1]
            if tag or block.because:
                raise fail(path, block.line, block.column, "expected a relation in a block that "
                           "has a \\tag or a 'because:' line")
            continue
        pending = None
        base = normalise_tag(tag) if tag else f"line_{block.line}"
        for k, (lhs, name, rhs) in enumerate(zip(terms, names, terms[1:])):
            step_id = base if k == 0 else f"{base}_{k + 1}"
            if step_id in seen:
                raise fail(path, block.line, block.column, f"expected a new step id, got "
                           f"{step_id!r} again (the block on line {seen[step_id]}); change the tag")
            seen[step_id] = block.line
            _check_sides(path, block, lhs, name, rhs)
            domain = {s: values[s] for s in sorted(_symbols(lhs, rhs), key=str) if s in values}
            step = Step(lhs, rhs, block.because or "", tag, name, domain=domain or None,
                        id=step_id)
            out.append(FileStep(step, block.line, tag, block.line + block.text.count("\n")))
        previous_last = terms[-1]
    if pending is not None:
        raise fail(path, pending.line, pending.column, "expected a relation (=, \\le, \\ge) in "
                   "this block or a next block starting with '='")
    return out


def _prior_integrals(term, families):
    """Integrals (one variable, with limits) against a function of a family → PriorIntegral."""
    if not families or not isinstance(term, sp.Basic):
        return term
    from ..symbolic.prior_integral import PriorIntegral

    def against_prior(e) -> bool:
        return isinstance(e, sp.Integral) and len(e.limits) == 1 and len(e.limits[0]) == 3 \
            and any(app.func in families for app in e.function.atoms(AppliedUndef))
    term = term.replace(against_prior, lambda e: PriorIntegral(e.function, e.limits[0]))
    # d/dy ∫ … p(x) dx is taken under the integral sign, as the catalog's sp.diff does (the
    # held derivative of a concrete mixture instance costs seconds per point to evaluate)
    return term.replace(lambda e: isinstance(e, sp.Derivative) and e.expr.has(PriorIntegral),
                        lambda e: e.doit(deep=False))


def _at(block: Block, offset: int) -> tuple[int, int]:
    before = block.text[:offset]
    if "\n" not in before:
        return block.line, block.column + offset
    return block.line + before.count("\n"), offset - before.rfind("\n")


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:120] + ("…" if len(text) > 120 else "")


def _symbols(*exprs) -> set:
    out: set = set()
    for e in exprs:
        out |= {s for s in getattr(e, "free_symbols", set()) if isinstance(s, sp.Symbol)}
    return out


def _check_term(path: str, block: Block, term, functions) -> None:
    """Reject what the reader keeps unevaluated (``\\mathbb{E}``, ``\\int`` without limits …):
    the verifier could only call it undecided."""
    if not isinstance(term, sp.Basic):
        raise fail(path, block.line, block.column, f"expected an expression, got {term!r}")
    declared = set(functions.values())
    for app in term.atoms(AppliedUndef):
        if app.func not in declared:
            raise fail(path, block.line, block.column, f"expected mathematics lecturecheck can "
                       f"evaluate, got {app.func.__name__}(…) (the reader keeps it unevaluated: "
                       "write it out, e.g. an integral with limits)")


def _check_sides(path: str, block: Block, lhs, name: str, rhs) -> None:
    matrix = [isinstance(x, sp.MatrixExpr) or getattr(x, "is_Matrix", False) for x in (lhs, rhs)]
    if any(matrix) and name != "=":
        raise fail(path, block.line, block.column, f"expected '=' between matrices, got "
                   f"{SHOWN[name]}")
    if matrix[0] != matrix[1]:
        raise fail(path, block.line, block.column, "expected both sides of the same kind, got "
                   "a matrix and a scalar")
    if all(matrix):
        if lhs.shape != rhs.shape:
            raise fail(path, block.line, block.column, f"expected both sides of the same shape, "
                       f"got {lhs.shape} and {rhs.shape}")
    try:
        lhs - rhs
    except Exception as exc:  # noqa: BLE001 - SymPy's ShapeError, TypeError
        raise fail(path, block.line, block.column, f"expected two sides that can be compared, "
                   f"got {type(exc).__name__}: {_short(exc)}") from None
