"""Printed forms read from the notes' own text (DESIGN §1 "as printed").

Each quotation of a derivation (``Derivation.printed_in_notes``) is read by the LaTeX reader
through the derivation's notation table; every link ``lhs rel rhs`` of its chain is checked as
a relation in its own right, under the derivation's assumptions, by the same verifier as the
steps, seeded by stable ids (derivation id, label, link index).  An erratum is a printed link
that is refuted with a witness while the corrected steps carrying that label are established.

With ``notes=PATH`` each quoted label is read from ``PATH`` instead of the quotation, so a
corrected notes file gives no erratum.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path

import sympy as sp

from ..model import ESTABLISHED, Derivation, Matrix
from ..verify import step_seed
from ..verify.isolate import in_parent
from .cache import step_key
from .work import Work

# relations of the reader the verifier checks, as the verifier names them
CHECKED = {"=": "=", "equiv": "=", "<=": "<=", ">=": ">="}
REL_TEX = {"=": "=", "equiv": r"\equiv", "<=": r"\le", ">=": r"\ge", "<": "<", ">": ">"}
NOT_CHECKED = "not-checkable"       # verdict of a printed link the checker does not decide
APPROXIMATE = "approximate"         # verdict of an approximate link: reported, never checked


@dataclass(frozen=True)
class PrintedLink:
    """One link of a quoted label's printed chain (or the reason the label has none)."""

    label: str
    line: int
    source: str                      # the notes' LaTeX of the display, as printed
    index: int                       # link index within the label's chain
    lhs: object = None
    relation: str | None = None      # the reader's relation name ("=", "approx", …)
    rhs: object = None
    reason: str | None = None        # why it is not checked ("not checkable as printed: …")
    note: str = ""                   # the quotation's note on the notes' notation
    status: str = "parsed"           # what the reader made of the display: parsed|prose|error

    @property
    def checked(self) -> bool:
        return self.reason is None

    def printed_latex(self, result: dict | None = None) -> str:
        """The link as read, in SymPy's LaTeX (from its verification ``result`` when given:
        printed there, in a child, and cached)."""
        if self.lhs is None:
            return self.source
        rel = REL_TEX.get(self.relation, self.relation)
        if result is not None:
            return f"{result['lhs_latex']} {rel} {result['rhs_latex']}"
        return f"{sp.latex(self.lhs)} {rel} {sp.latex(self.rhs)}"


def _reader_operators() -> set:
    from ..latex import operators

    return {v for v in vars(operators).values() if isinstance(v, sp.core.function.UndefinedFunction)}


def _unevaluated(expr) -> list[str]:
    """Names of the reader's unevaluated operators (E[…], ⟨·,·⟩, ‖·‖ …) inside ``expr``."""
    if not isinstance(expr, sp.Basic):
        return []
    ops = _reader_operators()
    return sorted({type(f).__name__ for f in expr.atoms(sp.Function) if type(f) in ops})


def _classify(lhs, relation, rhs) -> str | None:
    """Why a parsed link cannot be checked, or None."""
    if relation.approximate:
        return (f"approximate relation ({relation.source}): reported, never checked as an "
                "equality")
    if relation.name not in CHECKED:
        return f"relation {relation.source!r} ({relation.name}) is not one the verifier checks"
    hidden = _unevaluated(lhs) + _unevaluated(rhs)
    if hidden:
        return ("the verifier gives no meaning to the reader's unevaluated "
                + ", ".join(sorted(set(hidden))))
    return None


def _in_coordinate(expr, x):
    """The notes' ``∇f``, ``∇·v`` and ``Δf`` as derivatives in the table's one coordinate
    ``x`` (``Notation.coordinate``), kept unevaluated as printed; unchanged without one."""
    from ..latex import operators as ops
    from ..symbolic.held import held_derivative

    if x is None or not isinstance(expr, sp.Basic):
        return expr
    order = {ops.Gradient: 1, ops.Divergence: 1, ops.Laplacian: 2}
    return expr.replace(lambda e: isinstance(e, sp.Function) and e.func in order
                        and len(e.args) == 1,
                        lambda e: held_derivative(e.args[0], x, order[e.func]))


def _links_of(eq, quote) -> list[PrintedLink]:
    base = dict(label=quote.label, line=eq.line, source=eq.math, note=quote.note)
    if eq.status != "parsed":
        why = "; ".join(x for x in (f"{eq.status}: {eq.error}", quote.unreadable) if x)
        return [PrintedLink(index=0, reason=f"not checkable as printed: {why}", status=eq.status,
                            **base)]
    out = []
    for i, (lhs, rel, rhs) in enumerate(eq.chain.links()):
        why = quote.unchecked.get(i) or _classify(lhs, rel, rhs)
        out.append(PrintedLink(index=i, lhs=lhs, relation=rel.name, rhs=rhs,
                               reason=None if why is None else f"not checkable as printed: {why}",
                               **base))
    if not out:
        out.append(PrintedLink(index=0, reason="not checkable as printed: no relation between "
                               "two terms", **base))
    return out


def _table(d: Derivation, quote):
    return d.notation if quote.notation is None else d.notation.merge(quote.notation)


def _read_quoted(ds: list, at: int, notation):
    """The display ``ds[at]`` read with the displays it continues (as ``read_equation`` does)."""
    from ..latex.reader import _leading_relation, _read

    first = at
    while first > 0 and _leading_relation(ds[first].math)[0] is not None:
        first -= 1
    return _read(ds[first:at + 1], notation)[-1]


_READ: dict = {}  # derivation id -> (derivation, its links read from its quotations)


def quoted_links(d: Derivation, notes: str | Path | None = None) -> list[PrintedLink]:
    """Every printed link of ``d``'s quotations, read from the quotations or from ``notes``
    (the quotations are read once per derivation object: the runner and the report share)."""
    if not d.printed_in_notes:
        return []
    if notes is None:
        seen = _READ.get(d.id)
        if seen is None or seen[0] is not d:
            seen = _READ[d.id] = (d, _read_links(d, None))
        return list(seen[1])
    return _read_links(d, notes)


def _read_links(d: Derivation, notes) -> list[PrintedLink]:
    from ..latex.reader import Display, displays
    from ..coverage import read_notes as read_text

    quotes = sorted(d.printed_in_notes, key=lambda q: q.line)
    if notes is None:
        # a quotation is a display's mathematics, after its ``$$`` (column 3)
        ds = [Display(q.label, q.line, 3, q.latex, q.latex.strip(), (), 0, q.line) for q in quotes]
    else:
        ds = displays(read_text(notes))
    out: list[PrintedLink] = []
    for k, q in enumerate(quotes):
        at = k if notes is None else next((i for i, x in enumerate(ds) if x.label == q.label), None)
        if at is None:
            out.append(PrintedLink(q.label, q.line, q.latex, 0, note=q.note, status="missing",
                                   reason=f"not checkable as printed: no display labelled "
                                          f"({q.label}) in {notes}"))
            continue
        table = _table(d, q)
        eq = _read_quoted(ds, at, table)
        out += _links_of(_as_sympy(d, eq, table), q)
    return out


def _vector_norms(expr):
    """The reader's ``Norm(v)`` and ``Inner(a, b)`` of column vectors (matrix expressions with
    one column) as SymPy: ``sqrt(tr(vᵀv))`` and ``tr(aᵀb)``; anything else stays as read."""
    from ..latex.operators import Inner, Norm

    if not isinstance(expr, sp.Basic):
        return expr

    def column(v) -> bool:
        return isinstance(v, sp.MatrixExpr) and v.shape[1] == 1

    expr = expr.replace(lambda e: isinstance(e, Norm) and len(e.args) == 1 and column(e.args[0]),
                        lambda e: sp.sqrt(sp.Trace(e.args[0].T * e.args[0])))
    return expr.replace(lambda e: isinstance(e, Inner) and len(e.args) == 2
                        and all(column(a) for a in e.args),
                        lambda e: sp.Trace(e.args[0].T * e.args[1]))


def _bound_density(table, law):
    """The function the table binds to a law the reader left as a bare name (``x ∼ p``,
    ``KL(p ‖ q)``), else None."""
    found = table.lookup(law.name) if isinstance(law, sp.Symbol) else None
    return found[1] if found and found[0] == "function" else None


def _law_density(expr, table):
    """The density the table binds to the law of ``E_{x∼p}[…]`` (``p`` a function of one
    argument), else None."""
    from ..latex.operators import Distributed, Expectation

    if not (isinstance(expr, Expectation) and len(expr.args) == 2):
        return None
    spec = expr.args[1]
    if not (isinstance(spec, Distributed) and len(spec.args) == 2
            and isinstance(spec.args[0], sp.Symbol)):
        return None
    return _bound_density(table, spec.args[1])


def _domain_of(table, x) -> tuple:
    """The table's domain of the variable ``x`` (``Notation.domains``), else the real line."""
    return next((table.domains[k] for k, v in table.symbols.items()
                 if v == x and k in table.domains), (-sp.oo, sp.oo))


def _expectations(expr, table):
    """The notes' ``E_{x∼p}[f]`` as ``∫ f p(x) dx`` where the table binds the law ``p`` to a
    density: over the table's domain of ``x`` (``Notation.domains``), else the real line."""
    if not isinstance(expr, sp.Basic):
        return expr

    def integral(e):
        x = e.args[1].args[0]
        bounds = _domain_of(table, x)
        return sp.Integral(e.args[0] * _law_density(e, table)(x), (x, *bounds))
    return expr.replace(lambda e: _law_density(e, table) is not None, integral)


def _relative_entropies(expr, table):
    """The reader's ``KL(p, q)`` of two laws the table binds to densities, as
    ``∫ p log(p/q) dx`` in the table's coordinate ``x`` (over its domain, else ℝ); without a
    coordinate, or for other arguments, unchanged."""
    from ..latex.operators import KL

    x = table.coordinate
    if x is None or not isinstance(expr, sp.Basic):
        return expr

    def integral(e):
        p, q = (_bound_density(table, a)(x) for a in e.args)
        bounds = _domain_of(table, x)
        return sp.Integral(p * sp.log(p / q), (x, *bounds))
    return expr.replace(lambda e: isinstance(e, KL) and len(e.args) == 2
                        and all(_bound_density(table, a) is not None for a in e.args), integral)


def _as_sympy(d: Derivation, eq, table):
    """The reader's operators the verifier can give a meaning to, as SymPy: integrals against
    one of ``d``'s undefined prior densities as ``PriorIntegral`` (same meaning as
    ``sympy.Integral``; evaluated the way the derivation's steps are), expectations under a law
    the table binds to a density (:func:`_expectations`), relative entropies of two such laws
    (:func:`_relative_entropies`), norms and inner products of vectors
    (:func:`_vector_norms`), and ``∇``, ``∇·``, ``Δ`` in the table's one coordinate
    (:func:`_in_coordinate`)."""
    if eq.chain is None:
        return eq
    from ..symbolic.prior_integral import PriorIntegral

    priors = {f.function for f in d.functions}

    def convert(e):
        if not isinstance(e, sp.Basic) or not priors:
            return e
        return e.replace(lambda i: isinstance(i, sp.Integral)
                         and any(f.func in priors for f in i.atoms(sp.core.function.AppliedUndef)),
                         lambda i: PriorIntegral(i.function, *i.limits))
    return replace_terms(eq, lambda t: _in_coordinate(
        _vector_norms(convert(_relative_entropies(_expectations(t, table), table))), table.coordinate))


def replace_terms(eq, how):
    """``eq`` with every term of its chain rewritten by ``how``."""
    from dataclasses import replace as dc_replace

    eq.chain = dc_replace(eq.chain, terms=tuple(how(t) for t in eq.chain.terms))
    return eq


def _with_matrices(d: Derivation, exprs) -> Derivation:
    """``d`` with the matrix symbols its notation binds but its steps never use declared as
    arbitrary matrices (e.g. the notes' x̂_σ next to x_σ), so the verifier draws them."""
    known = {m.symbol for m in d.matrices}
    extra = sorted({a for e in exprs if isinstance(e, sp.Basic)
                    for a in e.atoms(sp.MatrixSymbol) if a not in known}, key=str)
    return replace(d, matrices=d.matrices + tuple(Matrix(a) for a in extra)) if extra else d


def quoted_tasks(d: Derivation, links: list[PrintedLink], opts, cache) -> list[tuple]:
    """``(key, label, work)`` items (:class:`.work.Work`): one per checked printed link, and the
    LaTeX of each unchecked one, through the result store."""
    from .runner import verification_task

    tasks = []
    for link in links:
        if not link.checked:
            if link.lhs is not None:  # its LaTeX, through the store (printing is slow)
                key = step_key("latex", link.lhs, link.rhs, link.relation)
                tasks.append(((d.id, "quoted-latex", link.label, link.index),
                              f"{d.id}:({link.label}) link {link.index} as read",
                              cache.text(key, link.printed_latex,
                                         functools.partial(in_parent, link.printed_latex))))
            continue
        # the side conditions of the steps carrying the label (e.g. T > d + 1) hold here too
        constraints = tuple(dict.fromkeys(c for s in d.steps if s.equation == link.label
                                          for c in s.constraints))
        seed = step_seed(opts.seed, d.id, "quote", link.label, f"link{link.index}")
        run = verification_task(_with_matrices(d, (link.lhs, link.rhs)), link.lhs, link.rhs,
                                CHECKED[link.relation], seed=seed, opts=opts, cache=cache,
                                constraints=constraints)
        tasks.append(((d.id, "quoted", link.label, link.index),
                      f"{d.id}:({link.label}) link {link.index} as printed", run))
    return tasks


def quoted_errata(d: Derivation, links: list[PrintedLink], results: dict,
                  steps: list[dict]) -> list[dict]:
    """The ``errata`` entries of ``d``'s printed links (``check --json``), in notes order."""
    by_label: dict[str, list[dict]] = {}
    for s in steps:
        if s["equation"]:
            by_label.setdefault(s["equation"], []).append(s)
    order = {v: k for k, v in enumerate(ESTABLISHED + ("refuted", "inconsistent", "undecided"))}
    out = []
    for link in links:
        carried = by_label.get(link.label, [])
        corrected = "; ".join(f"{s['lhs_latex']} {REL_TEX[s['relation']]} {s['rhs_latex']}"
                              for s in carried) or None
        weakest = max((s["verdict"] for s in carried), key=lambda v: order.get(v, 99),
                      default=None)
        r = results[(d.id, "quoted", link.label, link.index)] if link.checked else None
        printed = results.get((d.id, "quoted-latex", link.label, link.index)) \
            or link.printed_latex(r)
        entry = {"step": ", ".join(s["id"] for s in carried) or None, "equation": link.label,
                 "link": link.index, "origin": "notes", "line": link.line,
                 "printed_source": link.source, "printed_latex": printed,
                 "corrected_latex": corrected, "corrected_verdict": weakest}
        if r is not None:
            refuted = r["verdict"] == "refuted" and bool(r["witness"])
            entry.update(verdict=r["verdict"], witness=r["witness"], evaluation=r["evaluation"],
                         is_erratum=refuted and bool(carried)
                         and all(s["verdict"] in ESTABLISHED for s in carried),
                         note=link.note)
        else:
            verdict = APPROXIMATE if "approximate relation" in link.reason else NOT_CHECKED
            entry.update(verdict=verdict, witness=None, evaluation=None, is_erratum=False,
                         note="; ".join(x for x in (link.reason, link.note) if x))
        out.append(entry)
    return out


def annotate_hand_typed(errata: list[dict], links: list[PrintedLink]) -> None:
    """Give hand-typed printed forms the notes' line and LaTeX of their label, when quoted."""
    first = {}
    for link in links:
        first.setdefault(link.label, link)
    for e in errata:
        link = first.get(e["equation"])
        e.setdefault("origin", "hand")
        e.setdefault("line", link.line if link else None)
        e.setdefault("printed_source", link.source if link else None)


def tasks_and_links(derivations, opts, notes, cache) -> tuple[dict, list[tuple[tuple, str, Work]]]:
    """Printed links of every derivation (by id) and their verification work items."""
    links, tasks = {}, []
    for d in derivations:
        links[d.id] = quoted_links(d, notes)
        tasks += quoted_tasks(d, links[d.id], opts, cache)
    return links, tasks
