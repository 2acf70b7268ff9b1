"""Rich display in Jupyter: derivations, steps, check reports and sweep plots.

Functions return HTML (MathML formulas, verdict badges) or LaTeX built from the SymPy objects;
small wrappers carry ``_repr_html_`` / ``_repr_latex_`` so a notebook cell shows them:

* :func:`checked` runs the checker on one derivation (or a list) and returns a
  :class:`CheckReport` — the ``check.run`` dictionary itself, plus ``_repr_html_``;
  ``report.step(i)`` is one step's result (:class:`StepReport`, with ``_repr_html_``).
* :func:`derivation_html`, :func:`derivation_latex`, :func:`step_html`, :func:`step_latex`
  are meant to become ``Derivation._repr_html_``/``_repr_latex_`` and ``Step._repr_html_``/
  ``_repr_latex_`` (attach them on the model classes).
* :func:`sweep_plot` computes one of the report's sweeps and shows it (``_repr_html_``, SVG).

>>> import sympy as sp
>>> from types import SimpleNamespace as Step  # any object with lhs, relation, rhs
>>> x = sp.Symbol("x")
>>> step_latex(Step(lhs=sp.sin(x) ** 2 + sp.cos(x) ** 2, relation="=", rhs=sp.S.One))
'$\\\\displaystyle \\\\sin^{2}{\\\\left(x \\\\right)} + \\\\cos^{2}{\\\\left(x \\\\right)} = 1$'
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .mathml import relation_mathml
from .page import CSS, badge, esc, mc_table, params_html, step_table, witness_html

_RELATION_LATEX = {"=": "=", "<=": r"\le", ">=": r"\ge", "<": "<", ">": ">", "propto": r"\propto"}


def _scoped_css(root: str = ".lecturecheck") -> str:
    """The page's CSS with every rule confined to ``root`` (a notebook must not be restyled)."""
    out = []
    for rule in CSS.split("}"):
        if "{" not in rule:
            continue
        selectors, body = rule.split("{", 1)
        selectors = selectors.strip()
        if selectors.startswith("@media"):
            continue
        scoped = []
        for sel in selectors.split(","):
            sel = sel.strip()
            if sel in (":root", "html", "body", "main"):
                scoped.append(root)
            elif sel == "*":
                scoped.append(f"{root} *")
            else:
                scoped.append(f"{root} {sel}")
        out.append(",".join(scoped) + "{" + body + "}")
    return "\n".join(out)


def _wrap(inner: str) -> str:
    return f'<div class="lecturecheck"><style>{_scoped_css()}</style>{inner}</div>'


# ---------------------------------------------------------------- steps and derivations

def step_latex(step) -> str:
    """One step as display LaTeX (``$\\displaystyle lhs = rhs$``), from its SymPy objects."""
    import sympy as sp

    rel = _RELATION_LATEX.get(step.relation, step.relation)
    return f"$\\displaystyle {sp.latex(step.lhs)} {rel} {sp.latex(step.rhs)}$"


def step_html(step, result: dict | None = None) -> str:
    """One step as MathML with its justification (and its verdict when ``result`` is given)."""
    label = f'<span class="eq">({esc(step.equation)})</span> ' if getattr(step, "equation", None) else ""
    verdict = ""
    if result is not None:
        verdict = (f'<div>{badge(result["verdict"])} <span class="method">{esc(result.get("method"))}'
                   "</span></div>")
        if result.get("witness"):
            verdict += f'<div class="witness">witness</div>{witness_html(result["witness"])}'
    return _wrap(f'<div class="formula">{relation_mathml(step.lhs, step.relation, step.rhs)}</div>'
                 f'<div class="why">{label}{esc(step.justification)}</div>{verdict}')


def derivation_latex(d) -> str:
    """A derivation's chain as a LaTeX ``align*`` (one line per step, labels as tags)."""
    import sympy as sp

    lines = []
    for s in d.steps:
        rel = _RELATION_LATEX.get(s.relation, s.relation)
        tag = f" \\tag{{{s.equation}}}" if getattr(s, "equation", None) else r" \notag"
        lines.append(f"{sp.latex(s.lhs)} &{rel} {sp.latex(s.rhs)}{tag}")
    return "$$\\begin{align*}" + r" \\ ".join(lines) + r"\end{align*}$$"


def derivation_html(d) -> str:
    """A derivation as declared: id, source, steps as MathML with justifications, claims."""
    rows = []
    for i, s in enumerate(d.steps):
        label = f'<span class="eq">({esc(s.equation)})</span>' if getattr(s, "equation", None) else ""
        printed = " · printed form declared" if getattr(s, "printed", None) is not None else ""
        rows.append(f'<tr class="step" data-index="{i}"><td class="idx">{i}</td><td class="lab">{label}</td>'
                    f'<td><div class="formula">{relation_mathml(s.lhs, s.relation, s.rhs)}</div>'
                    f'<div class="why">{esc(s.justification)}{printed}</div></td></tr>')
    claims = ""
    if getattr(d, "claims", ()):
        from .mathml import inline_mathml

        items = "".join(f"<li>{esc(c.name)}: {esc(c.statistic)} = {inline_mathml(c.expected)} "
                        f"({len(c.cases)} case{'s' if len(c.cases) != 1 else ''})</li>"
                        for c in d.claims)
        claims = f"<h4>Monte Carlo claims</h4><ul>{items}</ul>"
    head = (f'<h3>{esc(d.title)}</h3><div class="why"><code>{esc(d.id)}</code> · {esc(d.lecture)} · '
            f"{esc(d.section)}</div>")
    table = ('<table class="steps"><colgroup><col class="c-idx"><col class="c-lab"><col></colgroup>'
             f"<tbody>{''.join(rows)}</tbody></table>")
    return _wrap(head + table + claims)


# ---------------------------------------------------------------- check results

def check_report_html(result: dict) -> str:
    """A ``check.run`` result: one block per derivation with badges, formulas and Monte Carlo."""
    from ..registry import all_derivations

    objects = {d.id: d for d in all_derivations()}
    s = result["summary"]
    parts = [f'<div class="why">{esc(s["derivations"])} derivation(s): {esc(s["passed"])} passed, '
             f'{esc(s["failed"])} failed, {esc(s["undecided"])} undecided; {esc(s["steps"])} steps, '
             f'{esc(s["errata"])} errata · seed {esc(result.get("seed"))}</div>']
    for d in result["derivations"]:
        obj = objects.get(d["id"])
        parts.append(f'<h3>{esc(d["title"])} {badge(d["verdict"])}</h3>'
                     f'<div class="why"><code>{esc(d["id"])}</code></div>')
        parts.append(step_table(d, obj))
        if d["monte_carlo"]:
            parts.append(mc_table(d, obj))
    return _wrap("".join(parts))


def step_result_html(step_result: dict, step=None) -> str:
    """One step of a ``check.run`` result (``result["derivations"][k]["steps"][i]``)."""
    if step is not None:
        return step_html(step, step_result)
    return _wrap(f'<div>{badge(step_result["verdict"])} step {esc(step_result.get("index"))} '
                 f'<code>{esc(step_result.get("lhs_latex"))} {esc(step_result.get("relation"))} '
                 f'{esc(step_result.get("rhs_latex"))}</code></div>'
                 f'<div class="method">{esc(step_result.get("method"))}</div>')


class StepReport(dict):
    """One step's result dict, shown in a notebook as formula + verdict."""

    def __init__(self, result: dict, step=None) -> None:
        super().__init__(result)
        self._step = step

    def _repr_html_(self) -> str:
        return step_result_html(self, self._step)

    def _repr_latex_(self) -> str | None:
        return step_latex(self._step) if self._step is not None else None


class CheckReport(dict):
    """The ``check.run`` result dictionary (unchanged), displayed as HTML in notebooks."""

    def _repr_html_(self) -> str:
        return check_report_html(self)

    def step(self, index: int, derivation: str | None = None) -> StepReport:
        """Step ``index`` of ``derivation`` (default: the first derivation of the report)."""
        from ..registry import get

        ds = self["derivations"]
        d = next((x for x in ds if x["id"] == derivation), None) if derivation else ds[0]
        if d is None:
            raise KeyError(f"derivation={derivation!r} is not in this report; it has "
                           + ", ".join(x["id"] for x in ds))
        result = next(s for s in d["steps"] if s["index"] == index)
        obj = get(d["id"])
        return StepReport(result, obj.steps[index] if 0 <= index < len(obj.steps) else None)


def checked(derivation, **options: Any) -> CheckReport:
    """Check a derivation (object or id, or a list of them) and return a :class:`CheckReport`.

    ``options`` are those of :class:`derivations.run.Options` (``seed``, ``mc``, ``jobs``, …).
    """
    from ..run.runner import Options, run
    from ..registry import get

    items = derivation if isinstance(derivation, (list, tuple)) else [derivation]
    ds = [get(x) if isinstance(x, str) else x for x in items]
    return CheckReport(run(ds, Options(**options)))


# ---------------------------------------------------------------- plots

class SweepPlot:
    """A computed sweep (``.data``) shown as its SVG plot."""

    def __init__(self, data: dict) -> None:
        self.data = data

    def _repr_html_(self) -> str:
        from .plots import plot_svg

        base = "; ".join(params_html(se["base"]) for se in self.data["series"][:1] if se["base"])
        return _wrap(f'<figure class="plot"><figcaption><b>{esc(self.data["title"])}</b><br>'
                     f"{base}</figcaption>{plot_svg(self.data)}</figure>")

    def svg(self) -> str:
        from .plots import plot_svg

        return plot_svg(self.data)


def sweep_plot(key: str, *, seed: int = 0, samples: int | None = None, jobs: int = 1) -> SweepPlot:
    """Compute the report's sweep ``key`` (see :data:`derivations.report.sweeps.SWEEPS`)."""
    from ..registry import all_derivations
    from .sweeps import SWEEPS, compute

    chosen: Sequence = [s for s in SWEEPS if s.key == key]
    if not chosen:
        raise KeyError(f"sweep key={key!r}; expected one of " + ", ".join(s.key for s in SWEEPS))
    plots = compute(chosen, {d.id: d for d in all_derivations()}, seed=seed, samples=samples,
                    jobs=jobs)
    if not plots:
        raise KeyError(f"sweep {key!r}: its derivation is not registered")
    return SweepPlot(plots[0])


__all__ = [
    "CheckReport",
    "StepReport",
    "SweepPlot",
    "check_report_html",
    "checked",
    "derivation_html",
    "derivation_latex",
    "step_html",
    "step_latex",
    "step_result_html",
    "sweep_plot",
]

