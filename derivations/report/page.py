"""The self-contained HTML report: one file, no network, formulas as MathML, plots as SVG.

The page is built from the ``check.run`` result dictionary (the JSON contract of DESIGN §4) for
every verdict and number, and from the registry's :class:`Derivation` objects for the formulas
(SymPy objects → MathML, never the LaTeX strings).  Steps are matched by their ``id`` when both
sides carry one, otherwise by index.  Nothing on the page depends on the clock: the same result
gives the same bytes.
"""
from __future__ import annotations

from dataclasses import replace

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .mathml import inline_mathml, relation_mathml

STEP_VERDICTS = ("proved", "exhaustive", "numeric", "refuted", "inconsistent", "undecided")
MC_VERDICTS = ("consistent", "contradicted", "underpowered", "undecided")
DERIVATION_VERDICTS = ("pass", "fail", "undecided")
ESTABLISHED = ("proved", "exhaustive", "numeric")
COVERAGE_STATUSES = ("verified", "erratum", "definition", "not-encoded", "unverified")

# verdict → colour class: ok (green), warn (amber), bad (red), none (grey), info (blue)
TONE = {"proved": "ok", "exhaustive": "ok", "numeric": "warn", "refuted": "bad",
        "inconsistent": "bad", "undecided": "none", "pass": "ok", "fail": "bad",
        "consistent": "ok", "contradicted": "bad", "underpowered": "warn", "verified": "ok",
        "erratum": "bad", "definition": "info", "not-encoded": "none", "unverified": "warn",
        "erratum-found": "bad", "not-an-erratum": "warn"}

CSS = """
:root{--ok:#1b7f3b;--ok-bg:#e6f4ea;--warn:#8a5300;--warn-bg:#fdf0d5;--bad:#b3261e;--bad-bg:#fce8e6;
--none:#5f6368;--none-bg:#eceff1;--info:#1a5fb4;--info-bg:#e3ecfa;--ink:#1f2328;--muted:#59636e;
--rule:#d8dee4;--panel:#f6f8fa;--accent:#0b4f8a}
*{box-sizing:border-box}
html{font-size:15px}
body{margin:0;color:var(--ink);background:#fff;line-height:1.5;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","DejaVu Sans",sans-serif}
main{max-width:1180px;margin:0 auto;padding:1.6rem 1.6rem 4rem}
header.top{border-bottom:2px solid var(--ink);padding-bottom:.6rem;margin-bottom:1.2rem}
header.top h1{font-size:1.7rem;margin:0;font-weight:650;letter-spacing:-.01em}
header.top .sub{color:var(--muted);margin-top:.2rem}
h2{font-size:1.3rem;margin:2.2rem 0 .7rem;padding-bottom:.25rem;border-bottom:1px solid var(--rule)}
h3{font-size:1.1rem;margin:0}
h4{font-size:.95rem;margin:1.1rem 0 .4rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
code,.mono{font-family:ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.86em}
nav.toc{font-size:.92rem;margin:.4rem 0 1.2rem;color:var(--muted)}
nav.toc a{margin-right:1.1rem;white-space:nowrap}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(250px,1fr));gap:.8rem}
.card{border:1px solid var(--rule);border-radius:8px;padding:.8rem 1rem;background:var(--panel)}
.card .label{font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.card .big{font-size:1.9rem;font-weight:650;line-height:1.2}
.card .badges{margin-top:.35rem;display:flex;flex-wrap:wrap;gap:.3rem}
.options{color:var(--muted);font-size:.85rem;margin-top:.7rem}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-size:.78rem;font-weight:600;
white-space:nowrap;border:1px solid transparent;line-height:1.45}
.badge .n{font-variant-numeric:tabular-nums;margin-left:.25rem}
.badge.zero{opacity:.45}
.t-ok{color:var(--ok);background:var(--ok-bg);border-color:#b7dfc2}
.t-warn{color:var(--warn);background:var(--warn-bg);border-color:#f1d497}
.t-bad{color:var(--bad);background:var(--bad-bg);border-color:#f3bdb8}
.t-none{color:var(--none);background:var(--none-bg);border-color:#d5dade}
.t-info{color:var(--info);background:var(--info-bg);border-color:#bcd0f0}
table{border-collapse:collapse;width:100%;font-size:.92rem;table-layout:fixed}
td{overflow-wrap:anywhere}
th,td{text-align:left;vertical-align:top;padding:.45rem .55rem;border-bottom:1px solid var(--rule)}
th{font-size:.78rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600;
background:var(--panel)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.formula{overflow-x:auto;max-width:100%;padding:.1rem 0}
math{font-family:"STIX Two Math","Latin Modern Math","Cambria Math","DejaVu Math TeX Gyre",math;font-size:1.08em}
math[display=block]{display:inline math;math-style:normal;margin:.15rem 0}
.formula math{display:inline math}
.why{color:var(--muted);font-size:.88rem;margin-top:.15rem}
.method{color:var(--muted);font-size:.78rem;margin-top:.25rem;max-width:16rem}
.witness{font-size:.8rem;margin-top:.25rem;color:var(--bad)}
.kv{font-size:.84rem;line-height:1.35;margin:.1rem 0}.kv code{font-size:.8rem}
.kv math{font-size:1em}
article.derivation{border:1px solid var(--rule);border-radius:10px;margin:1.1rem 0 1.6rem;overflow:hidden}
article.derivation>header{padding:.75rem 1rem;background:var(--panel);border-bottom:1px solid var(--rule);
display:flex;gap:.8rem;align-items:flex-start;justify-content:space-between}
article.derivation>header .meta{color:var(--muted);font-size:.85rem;margin-top:.15rem}
article.derivation .body{padding:.2rem 1rem 1rem}
table.steps td.idx{color:var(--muted);font-variant-numeric:tabular-nums}
table.steps td.lab{white-space:nowrap}
col.c-idx{width:2.6rem}col.c-lab{width:6rem}col.c-ver{width:13rem}col.c-eqn{width:12rem}col.c-line{width:4.5rem}col.c-wit{width:14rem}
.pair{display:grid;grid-template-columns:5.8rem minmax(0,1fr);gap:.35rem .4rem;align-items:start}
.pair .tag{padding-top:.35rem}col.c-claim{width:11rem}col.c-par{width:11rem}col.c-est{width:9.5rem}col.c-exp{width:6.5rem}col.c-mdre{width:5.5rem}col.c-status{width:8.5rem}col.c-der{width:15rem}col.c-mcv{width:8.5rem}
tr.printed td{background:#fffaf2}
tr.printed .tag{font-size:.75rem;color:var(--warn);font-weight:600;text-transform:uppercase;letter-spacing:.04em}
.eq{font-variant-numeric:tabular-nums;color:var(--ink)}
figure.plot{margin:1rem 0 1.6rem;border:1px solid var(--rule);border-radius:10px;padding:.8rem 1rem 1rem}
figure.plot figcaption{font-size:.9rem;color:var(--muted);margin-bottom:.4rem}
figure.plot figcaption b{color:var(--ink);font-size:1rem}
svg.plot{display:block;width:100%;max-width:760px;height:auto}
.plots{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:0 1.2rem}
.note{color:var(--muted);font-size:.85rem}
.missing{border-left:4px solid var(--warn);background:var(--warn-bg);padding:.5rem .8rem;margin:.5rem 0;
font-size:.9rem}
details summary{cursor:pointer;color:var(--accent);margin:.5rem 0}
.unprinted{font-family:ui-monospace,monospace}
footer{margin-top:3rem;color:var(--muted);font-size:.82rem;border-top:1px solid var(--rule);padding-top:.6rem}
@media print{main{max-width:none;padding:0}article.derivation,figure.plot{break-inside:avoid}}
"""


def is_erratum(e: Mapping[str, Any]) -> bool:
    """A printed form refuted while its corrected step is established (the contract's flag)."""
    if "is_erratum" in e:
        return bool(e["is_erratum"])
    return e.get("verdict") == "refuted" and e.get("corrected_verdict") in ESTABLISHED


def esc(text: Any) -> str:
    """HTML-escape any value's text (quotes included: safe in attributes too)."""
    return html.escape("" if text is None else str(text), quote=True)


def badge(verdict: str, count: int | None = None, *, label: str | None = None) -> str:
    tone = TONE.get(verdict, "none")
    n = "" if count is None else f'<span class="n">{count}</span>'
    zero = " zero" if count == 0 else ""
    return (f'<span class="badge t-{tone}{zero}" data-verdict="{esc(verdict)}">'
            f"{esc(label or verdict)}{n}</span>")


def _g(x: Any, digits: int = 5) -> str:
    if x is None:
        return "—"
    if isinstance(x, (int, float)):
        return f"{x:.{digits}g}"
    return esc(x)


def _value(v: Any) -> str:
    """A witness or parameter value as compact text: numbers short, matrices as nested rows."""
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return str(v)


def _params(params: Mapping[str, Any]) -> str:
    return ", ".join(f"{k} = {_value(v)}" for k, v in params.items())


def params_html(params: Mapping[str, Any]) -> str:
    """``κ = 1, σ = 0.5``: parameter names printed by the MathML printer, values as text."""
    from sympy import Symbol

    return ", ".join(f"{inline_mathml(Symbol(str(k)))} = {esc(_value(v))}" for k, v in params.items())


def witness_html(witness: Mapping[str, Any] | None) -> str:
    """A witness point: each symbol (its name printed by the MathML printer) = its value (text)."""
    if not witness:
        return "—"
    from sympy import Symbol

    return "".join(f'<div class="kv">{inline_mathml(Symbol(str(k)))} = <code>{esc(_value(v))}</code></div>'
                   for k, v in witness.items())


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)


def _step_objects(derivation, report: dict) -> list:
    """The model steps in the order of the report's steps (by ``id`` when present, else index)."""
    steps = list(getattr(derivation, "steps", ()) or ())
    by_id = {getattr(s, "id", None): s for s in steps if getattr(s, "id", None) is not None}
    out = []
    for r in report["steps"]:
        sid = r.get("id")
        if sid is not None and sid in by_id:
            out.append(by_id[sid])
        elif isinstance(r.get("index"), int) and 0 <= r["index"] < len(steps):
            out.append(steps[r["index"]])
        else:
            out.append(None)
    return out


def _printed_sides(step) -> tuple[Any, str, Any] | None:
    """``(lhs, relation, rhs)`` as the notes print the step, or None."""
    p = getattr(step, "printed", None)
    if p is None:
        return None
    lhs = step.lhs if getattr(p, "lhs", None) is None else p.lhs
    rhs = step.rhs if getattr(p, "rhs", None) is None else p.rhs
    return lhs, getattr(p, "relation", None) or step.relation, rhs


def _formula(step, relation: str | None = None, *, printed: bool = False,
             fallback_latex: str | None = None) -> str:
    if step is not None:
        if printed:
            sides = _printed_sides(step)
            if sides is not None:
                return f'<div class="formula">{relation_mathml(*sides)}</div>'
        else:
            return (f'<div class="formula">'
                    f'{relation_mathml(step.lhs, relation or step.relation, step.rhs)}</div>')
    # no SymPy object to print: show the LaTeX source as text, never interpreted
    return f'<div class="formula"><code>{esc(fallback_latex or "")}</code></div>'


class Page:
    """Collects the page's sections; ``str(page)`` is the document."""

    def __init__(self, result: dict, derivations: Sequence, *, plots: Sequence[dict] | None = None,
                 coverage: dict | None = None, notes_name: str | None = None,
                 title: str = "lecturecheck report") -> None:
        self.result = result
        self.objects = {d.id: d for d in derivations}
        self.plots = plots
        self.coverage = coverage
        self.notes_name = notes_name
        self.title = title
        self._links: dict = {}  # derivation id -> its printed links (run.quoted)

    # -------------------------------------------------------------- counts (also used by tests)

    def step_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STEP_VERDICTS, 0)
        for d in self.result["derivations"]:
            for s in d["steps"]:
                counts[s["verdict"]] = counts.get(s["verdict"], 0) + 1
        return counts

    def mc_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(MC_VERDICTS, 0)
        for d in self.result["derivations"]:
            for m in d["monte_carlo"]:
                counts[m["verdict"]] = counts.get(m["verdict"], 0) + 1
        return counts

    def errata_rows(self) -> list[tuple[dict, dict]]:
        return [(d, e) for d in self.result["derivations"] for e in d["errata"] if is_erratum(e)]

    # -------------------------------------------------------------- sections

    def summary(self) -> str:
        r, s = self.result, self.result["summary"]
        dv = dict.fromkeys(DERIVATION_VERDICTS, 0)
        for d in r["derivations"]:
            dv[d["verdict"]] = dv.get(d["verdict"], 0) + 1
        steps = self.step_counts()
        printed = sum(len(d["errata"]) for d in r["derivations"])
        mc = self.mc_counts()
        cards = [
            ("Derivations", s["derivations"], "".join(badge(v, n) for v, n in dv.items())),
            ("Steps", s["steps"], "".join(badge(v, n) for v, n in steps.items())),
            ("Errata", s["errata"],
             f'<span class="note">refuted printed forms whose corrected step verifies, of '
             f'{printed} printed form{"s" if printed != 1 else ""} checked</span>'),
        ]
        if r["options"].get("mc"):
            total = sum(mc.values())
            cards.append(("Monte Carlo cases", total, "".join(badge(v, n) for v, n in mc.items())))
        else:
            cards.append(("Monte Carlo cases", "—", '<span class="note">skipped (--no-mc)</span>'))
        if self.plots is not None:
            n_points = sum(len(se["points"]) for p in self.plots for se in p["series"])
            cards.append(("Sweep plots", len(self.plots),
                          f'<span class="note">{n_points} Monte Carlo points against closed '
                          "forms</span>"))
        html_cards = "".join(
            f'<div class="card" data-card="{_slug(lbl.lower())}"><div class="label">{esc(lbl)}</div>'
            f'<div class="big">{esc(n)}</div><div class="badges">{b}</div></div>'
            for lbl, n, b in cards)
        o = r["options"]
        opts = [f"seed {esc(r['seed'])}", f"timeout {esc(o.get('timeout'))} s per step",
                f"{esc(o.get('points'))} random points per step"]
        if o.get("mc"):
            opts.append(f"Monte Carlo α = {esc(o.get('alpha'))} per claim")
            if o.get("samples"):
                opts.append(f"{esc(o['samples'])} samples per claim")
        if o.get("strict"):
            opts.append("strict")
        return (f'<section id="summary"><h2>Summary</h2><div class="cards">{html_cards}</div>'
                f'<div class="options">{esc(r.get("tool"))} {esc(r.get("version"))} · '
                f'{" · ".join(opts)}</div></section>')

    def errata(self) -> str:
        rows = self.errata_rows()
        head = ('<section id="errata"><h2>Errata</h2><p class="note">Printed forms refuted with a '
                "witness while the corrected step verifies.</p>")
        if not rows:
            return head + '<p class="note">No errata in the derivations of this report.</p></section>'
        has_line = any(e.get("line") is not None for _, e in rows)
        cols = ('<colgroup><col class="c-eqn">' + ('<col class="c-line">' if has_line else "")
                + '<col><col class="c-wit"></colgroup>')
        out = [head, f'<table class="errata">{cols}<thead><tr><th>label</th>'
               + ("<th>line</th>" if has_line else "")
               + "<th>printed in the notes, and corrected</th><th>witness</th></tr></thead><tbody>"]
        for d, e in rows:
            step = self._step_for_erratum(d, e)
            link = self._quoted_link(d, e)
            if link is not None:  # a printed link read from the notes: its own SymPy objects
                printed = f'<div class="formula">{relation_mathml(link.lhs, link.relation, link.rhs)}</div>'
                step = step or next((s for s in self.objects[d["id"]].steps
                                     if getattr(s, "equation", None) == e["equation"]), None)
            else:
                printed = _formula(step, printed=True, fallback_latex=e.get("printed_latex"))
            corrected = _formula(step, fallback_latex=e.get("corrected_latex"))
            note = f'<div class="why">{esc(e["note"])}</div>' if e.get("note") else ""
            src = (f'<div class="why">notes: <code>{esc(e["printed_source"])}</code></div>'
                   if e.get("printed_source") else "")
            line = f'<td class="num">{esc(e.get("line") or "—")}</td>' if has_line else ""
            out.append(
                f'<tr class="erratum" data-derivation="{esc(d["id"])}" '
                f'data-equation="{esc(e["equation"])}">'
                f'<td><span class="eq">({esc(e["equation"])})</span>'
                f'<div class="why"><a href="#d-{_slug(d["id"])}">{esc(d["id"])}</a></div></td>{line}'
                f'<td><div class="pair"><div class="tag">{badge("refuted", label="printed")}</div>'
                f'<div class="printed-form">{printed}{src}{note}</div>'
                f'<div class="tag">{badge("proved", label="corrected")}</div>'
                f'<div class="corrected-form">{corrected}</div></div></td>'
                f'<td class="witness-cell">{witness_html(e.get("witness"))}</td></tr>')
        out.append("</tbody>")
        out.append("</table></section>")
        return "".join(out)

    def _quoted_link(self, d: dict, e: dict):
        """The printed link an erratum read from the notes refers to (None for hand-typed)."""
        obj = self.objects.get(d["id"])
        if obj is None or e.get("origin") != "notes" or e.get("link") is None:
            return None
        from ..run.quoted import CHECKED, quoted_links

        if obj.id not in self._links:  # parsed once per derivation (errata share them)
            self._links[obj.id] = quoted_links(obj)
        for link in self._links[obj.id]:
            if link.label == e["equation"] and link.index == e["link"] and link.lhs is not None:
                return replace(link, relation=CHECKED.get(link.relation, link.relation))
        return None

    def _step_for_erratum(self, d: dict, e: dict):
        obj = self.objects.get(d["id"])
        if obj is None:
            return None
        idx = e.get("index")
        if isinstance(idx, int):
            steps = list(obj.steps)
            return steps[idx] if 0 <= idx < len(steps) else None
        if e.get("step") is not None:  # a step id
            return next((s for s in obj.steps if getattr(s, "id", None) == e["step"]), None)
        # the contract gives the label: the labelled step that carries a printed form
        cands = [s for s in obj.steps if getattr(s, "equation", None) == e["equation"]
                 and getattr(s, "printed", None) is not None]
        order = [x for x in d["errata"] if x["equation"] == e["equation"]]
        k = next((i for i, x in enumerate(order) if x is e), 0)
        return cands[k] if k < len(cands) else None

    def plots_section(self) -> str:
        if self.plots is None:
            return ""
        out = ['<section id="plots"><h2>Monte Carlo against closed forms</h2>'
               '<p class="note">Each point is a seeded Monte Carlo estimate of the claim at the '
               "claim's base case with one parameter changed (error bars ±2 standard errors); "
               "solid lines are the closed forms the derivations prove and the points test, "
               "dashed lines approximations (limits) drawn for comparison only.</p>"]
        if not self.plots:
            out.append('<p class="note">No sweep applies to the derivations of this report.</p>')
        out.append('<div class="plots">')
        from .plots import plot_svg

        for p in self.plots:
            bases: list[dict] = []
            for se in p["series"]:
                if se["base"] and se["base"] not in bases:
                    bases.append(se["base"])
            base = "; ".join(params_html(b) for b in bases)
            base = f"other parameters {base}" if base else ""
            missing = "".join(
                f'<div class="missing" data-missing="{esc(m)}">'
                f'{"" if m.startswith("step ") else "claim "}<code>{esc(m)}</code> of '
                f"{esc(p['derivation'])} not found in the catalog: not plotted</div>"
                for m in p["missing"])
            svg = (p.get("svg") or plot_svg(p)) if p["series"] else ""
            note = f"<br>{esc(p['note'])}" if p.get("note") else ""
            out.append(
                f'<figure class="plot" id="plot-{_slug(p["key"])}" data-points="'
                f'{sum(len(s["points"]) for s in p["series"])}">'
                f'<figcaption id="plot-{_slug(p["key"])}-title"><b>{esc(p["title"])}</b><br>'
                f'<a href="#d-{_slug(p["derivation"])}">{esc(p["derivation"])}</a> · '
                f'{esc(p["samples"])} samples per point · {base}{note}</figcaption>'
                f"{missing}{svg}</figure>")
        out.append("</div></section>")
        return "".join(out)

    def coverage_section(self) -> str:
        if self.coverage is None:
            return ""
        cov = self.coverage
        subset = len(self.result["derivations"])
        seen = {k for t in cov["chapters"].values() for k in t if k != "total"}
        statuses = [x for x in COVERAGE_STATUSES if x in seen] + sorted(seen - set(COVERAGE_STATUSES))
        out = ['<section id="coverage"><h2>Coverage of the notes</h2>',
               f'<p class="note">Every labelled equation of <code>{esc(self.notes_name)}</code>, '
               f"by position, against the {subset} derivation{'s' if subset != 1 else ''} of this "
               "report.</p>",
               '<table class="coverage-chapters"><thead><tr><th>chapter</th><th class="num">labels'
               "</th>" + "".join(f'<th class="num">{esc(s)}</th>' for s in statuses)
               + "</tr></thead><tbody>"]
        for ch, totals in cov["chapters"].items():
            out.append(f"<tr><td>{esc(ch)}</td><td class=\"num\">{totals['total']}</td>"
                       + "".join(f'<td class="num">{badge(s, totals.get(s, 0), label=" ")}</td>'
                                 for s in statuses) + "</tr>")
        out.append("</tbody></table>")
        out.append(f'<details><summary>All {len(cov["labels"])} labels</summary>'
                   '<table class="coverage"><colgroup><col class="c-line"><col class="c-lab">'
                   '<col class="c-status"><col class="c-der"><col></colgroup><thead><tr><th class="num">line</th><th>label</th>'
                   "<th>status</th><th>derivation</th><th>reason</th></tr></thead><tbody>")
        for row in cov["labels"]:
            der = row.get("derivation")
            links = ", ".join(f'<a href="#d-{_slug(x.strip())}">{esc(x.strip())}</a>'
                              for x in der.split(",")) if der else "—"
            out.append(f'<tr class="label-row" data-status="{esc(row["status"])}">'
                       f'<td class="num">{esc(row["line"])}</td><td class="eq">({esc(row["label"])})'
                       f"</td><td>{badge(row['status'])}</td><td>{links}</td>"
                       f'<td class="note">{esc(row.get("reason") or "")}</td></tr>')
        out.append("</tbody></table></details>")
        extra = cov.get("encoded_not_in_notes") or []
        if extra:
            out.append('<p class="note">Encoded but not printed in these notes: '
                       + ", ".join(f"({esc(x['label'])}) {esc(x['derivation'])}" for x in extra)
                       + "</p>")
        out.append("</section>")
        return "".join(out)

    def derivations_section(self) -> str:
        groups: dict[str, list[dict]] = {}
        for d in self.result["derivations"]:
            groups.setdefault(d["id"].split(".", 1)[0], []).append(d)
        out = ['<section id="derivations"><h2>Derivations</h2>']
        for key, ds in groups.items():
            lecture = ds[0]["source"].get("lecture") or key
            out.append(f'<section class="lecture" id="lecture-{_slug(key)}">'
                       f"<h3 style=\"margin:1.4rem 0 .2rem\">{esc(lecture.split(' (')[0])}</h3>")
            out.extend(self._derivation(d) for d in ds)
            out.append("</section>")
        out.append("</section>")
        return "".join(out)

    def _derivation(self, d: dict) -> str:
        obj = self.objects.get(d["id"])
        src = d["source"]
        labels = ", ".join(src.get("equations") or [])
        out = [f'<article class="derivation" id="d-{_slug(d["id"])}" data-id="{esc(d["id"])}">'
               f'<header><div><h3>{esc(d["title"])}</h3><div class="meta"><code>{esc(d["id"])}</code>'
               f' · {esc(src.get("lecture"))} · {esc(src.get("section"))}'
               + (f" · equations {esc(labels)}" if labels else "")
               + f'</div></div><div>{badge(d["verdict"])}</div></header><div class="body">']
        out.append(step_table(d, obj))
        if d["monte_carlo"]:
            out.append(mc_table(d, obj))
        out.append("</div></article>")
        return "".join(out)

    def __str__(self) -> str:
        r = self.result
        ids = [d["id"] for d in r["derivations"]]
        scope = "all registered derivations" if not ids else (
            f"{len(ids)} derivation{'s' if len(ids) != 1 else ''}")
        toc = ['<a href="#summary">Summary</a>', '<a href="#errata">Errata</a>']
        if self.plots is not None:
            toc.append('<a href="#plots">Plots</a>')
        if self.coverage is not None:
            toc.append('<a href="#coverage">Coverage</a>')
        toc.append('<a href="#derivations">Derivations</a>')
        toc += [f'<a href="#d-{_slug(i)}"><code>{esc(i)}</code></a>' for i in ids]
        body = "".join([
            f'<header class="top"><h1>{esc(self.title)}</h1><div class="sub">Symbolic and '
            f"numeric checks of the lecture derivations: {esc(scope)}.</div></header>",
            f'<nav class="toc">{" ".join(toc)}</nav>',
            self.summary(), self.errata(), self.plots_section(), self.coverage_section(),
            self.derivations_section(),
            f'<footer>Generated by {esc(r.get("tool"))} {esc(r.get("version"))} with seed '
            f'{esc(r["seed"])}. Verdicts: <b>proved</b> SymPy reduces the difference to zero and a '
            "high-precision evaluation agrees; <b>exhaustive</b> true on a whole finite domain; "
            "<b>numeric</b> equal at random admissible points (not a proof); <b>refuted</b> a "
            "witness point where the sides differ; <b>inconsistent</b> the symbolic and numeric "
            "engines disagree; <b>undecided</b> nothing conclusive in the time limit.</footer>",
        ])
        return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{esc(self.title)}</title><style>{CSS}</style></head>"
                f"<body><main>{body}</main></body></html>\n")


def step_table(d: dict, obj) -> str:
    """The steps of one derivation report as a table (formula, justification, verdict)."""
    objects = _step_objects(obj, d) if obj is not None else [None] * len(d["steps"])
    printed = {}
    for e in d["errata"]:
        printed.setdefault(e["equation"], []).append(e)
    out = ['<table class="steps"><colgroup><col class="c-idx"><col class="c-lab"><col>'
           '<col class="c-ver"></colgroup><thead><tr><th>#</th><th>label</th><th>step</th>'
           "<th>verdict</th></tr></thead><tbody>"]
    for s, step in zip(d["steps"], objects):
        formula = _formula(step, s.get("relation"), fallback_latex=(
            f"{s.get('lhs_latex', '')} {s.get('relation', '')} {s.get('rhs_latex', '')}"))
        label = f'<span class="eq">({esc(s["equation"])})</span>' if s.get("equation") else ""
        extra = ""
        if s.get("witness"):
            extra = f'<div class="witness">witness</div>{witness_html(s["witness"])}'
        out.append(
            f'<tr class="step" data-index="{esc(s["index"])}" data-verdict="{esc(s["verdict"])}">'
            f'<td class="idx">{esc(s["index"])}</td><td class="lab">{label}</td>'
            f'<td>{formula}<div class="why">{esc(s.get("justification"))}</div></td>'
            f'<td class="ver">{badge(s["verdict"])}<div class="method">{esc(s.get("method"))}</div>'
            f"{extra}</td></tr>")
        if step is not None and getattr(step, "printed", None) is not None and s.get("equation"):
            e = next((x for x in printed.get(s["equation"], ())
                      if x.get("index", s["index"]) == s["index"]), None)
            if e is not None:
                printed[s["equation"]].remove(e)
                kind = "erratum-found" if is_erratum(e) else "not-an-erratum"
                text = "erratum" if is_erratum(e) else f"printed form {e['verdict']}"
                wit = (f'<div class="witness">witness</div>{witness_html(e["witness"])}'
                       if e.get("witness") else "")
                note = f'<div class="why">{esc(e["note"])}</div>' if e.get("note") else ""
                out.append(
                    f'<tr class="printed" data-verdict="{esc(e["verdict"])}"><td></td>'
                    f'<td class="lab"><span class="tag">as printed</span></td>'
                    f"<td>{_formula(step, printed=True)}{note}</td>"
                    f'<td class="ver">{badge(kind, label=text)}{wit}</td></tr>')
    out.append("</tbody></table>")
    return "".join(out)


def mc_table(d: dict, obj) -> str:
    """The Monte Carlo cases of one derivation report, with each claim's closed form."""
    claims = {c.name: c for c in getattr(obj, "claims", ())} if obj is not None else {}
    out = ['<h4>Monte Carlo</h4><table class="mc"><colgroup><col class="c-claim"><col>'
           '<col class="c-par"><col class="c-est"><col class="c-exp"><col class="c-mdre">'
           '<col class="c-mcv"></colgroup><thead><tr><th>claim</th><th>closed form</th>'
           '<th>parameters</th><th class="num">estimate ± s.e.</th><th class="num">expected</th>'
           '<th class="num">MDRE</th><th>verdict</th></tr></thead><tbody>']
    for m in d["monte_carlo"]:
        claim = claims.get(m["name"])
        closed = (f'<div class="formula">{inline_mathml(claim.expected)}</div>'
                  if claim is not None else "—")
        est = "—" if m.get("estimate") is None else f"{_g(m['estimate'])} ± {_g(m['stderr'], 2)}"
        mdre = m.get("min_detectable_rel_error")
        err = f'<div class="witness">{esc(m["error"])}</div>' if m.get("error") else ""
        bias = (f'<div class="why" title="{esc(m["bias_note"])}">bias bound {_g(m["bias_bound"], 2)}</div>'
                if m.get("bias_bound") else "")
        out.append(
            f'<tr class="mc-case" data-verdict="{esc(m["verdict"])}"><td>{esc(m["name"])}'
            + (f' <span class="eq">({esc(m["equation"])})</span>' if m.get("equation") else "")
            + f'</td><td>{closed}</td><td class="mono">{esc(_params(m.get("parameters") or {}))}</td>'
            f'<td class="num">{esc(est)}{bias}</td><td class="num">{_g(m.get("expected"))}</td>'
            f'<td class="num">{"—" if mdre is None else f"{100 * mdre:.1f} %"}</td>'
            f"<td>{badge(m['verdict'])}{err}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


def render(result: dict, derivations: Iterable, *, plots: Sequence[dict] | None = None,
           coverage: dict | None = None, notes_name: str | None = None) -> str:
    """The report page for a ``check.run`` ``result`` over ``derivations`` (registry objects)."""
    return str(Page(result, list(derivations), plots=plots, coverage=coverage,
                    notes_name=notes_name))


__all__ = ["Page", "badge", "esc", "mc_table", "render", "step_table"]
