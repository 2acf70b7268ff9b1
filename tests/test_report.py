"""The HTML report, its plots, the notebook display — and the page in a real browser.

The default tier builds one small report (``mallat.wiener_filter``: steps, three errata, Monte
Carlo and one sweep plot) and asserts its content against the ``check.run`` result it came
from, its determinism (byte-identical across processes and ``--jobs``), and what headless
Chromium makes of it (no console errors, every formula and plot has a size).  The slow tier
does the same for the whole catalog with the notes' coverage.

The browser tests need Debian's ``chromium`` + ``chromium-driver`` and Selenium.  Without them
they are skipped with the reason — except when ``CI`` is set: then a missing browser fails.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from derivations.run import Options
from derivations.registry import all_derivations, get, select

ROOT = Path(__file__).resolve().parents[1]
SEED_FILE = ROOT.parent / "shared" / "seeds" / "000_6ceef446008ec550.txt"
SMALL = "mallat.wiener_filter"
SAMPLES = 20_000  # per Monte Carlo case in the small report (the claims' own sizes are 200k)


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    """A private step cache for this module's builds (set in the environment, restored after)."""
    path = tmp_path_factory.mktemp("lecturecheck-cache")
    old = os.environ.get("LECTURECHECK_CACHE")
    os.environ["LECTURECHECK_CACHE"] = str(path)
    yield path
    if old is None:
        os.environ.pop("LECTURECHECK_CACHE", None)
    else:
        os.environ["LECTURECHECK_CACHE"] = old


@pytest.fixture(scope="module")
def small(cache_dir, tmp_path_factory):
    """(page, result, path) of the report of one derivation with Monte Carlo and its plot."""
    from derivations.report import build

    page, result = build(select([SMALL]), Options(seed=0, jobs=2, samples=SAMPLES))
    path = tmp_path_factory.mktemp("report") / "small.html"
    path.write_text(page, encoding="utf-8")
    return page, result, path


def need_browser() -> None:
    from derivations.report.browser import find_browser

    _, _, reason = find_browser()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but the browser test cannot run: {reason}")
        pytest.skip(f"no headless browser: {reason}")


class _Collect(HTMLParser):
    """Elements with their attributes, in document order (a strict enough HTML reader)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(page: str) -> list[tuple[str, dict]]:
    p = _Collect()
    p.feed(page)
    p.close()
    return p.elements


def verdicts_of(page: str, row_class: str) -> list[str]:
    """``data-verdict`` of every ``<tr class=row_class>`` in document order."""
    return [a["data-verdict"] for t, a in elements(page)
            if t == "tr" and row_class in (a.get("class") or "").split()]


# ---------------------------------------------------------------- MathML


def test_mathml_is_well_formed_escaped_and_entity_free():
    import sympy as sp

    from derivations.report.mathml import expr_mathml, relation_mathml

    x = sp.Symbol("x", real=True)
    out = relation_mathml(sp.Symbol("a<b&c"), "<=", sp.exp(x) / 2 - x)
    ET.fromstring(out)  # well-formed XML, hence well-formed in HTML
    assert "a&lt;b&amp;c" in out and "<mo>≤</mo>" in out
    assert not re.search(r"&[A-Za-z]+;", out.replace("&lt;", "").replace("&amp;", ""))
    assert "<mo>−</mo>" in out  # a minus sign, not a hyphen
    # LaTeX-style names of the catalog print as sub/superscripts, never with backslashes
    tilde = expr_mathml(sp.Symbol(r"\tilde{\sigma}_{0}"))
    assert tilde == '<msub><mover accent="true"><mi>σ</mi><mo>˜</mo></mover><mi>0</mi></msub>'
    assert expr_mathml(sp.Symbol(r"\xi_{0}^{1}")) == "<msubsup><mi>ξ</mi><mi>0</mi><mi>1</mi></msubsup>"
    # every limit of a multiple sum is printed (SymPy's own printer drops all but the first)
    i, j, n = sp.symbols("i j n", integer=True)
    double = expr_mathml(sp.Sum(i * j, (i, 1, n), (j, 1, n)))
    assert double.count("<mo>∑</mo>") == 2


def test_every_catalog_formula_prints_as_mathml():
    import sympy as sp

    from derivations.report.mathml import relation_mathml

    for d in all_derivations():
        for k, s in enumerate(d.steps):
            sides = [(s.lhs, s.relation, s.rhs)]
            p = getattr(s, "printed", None)
            if p is not None:
                sides.append((s.lhs if p.lhs is None else p.lhs, p.relation or s.relation,
                              s.rhs if p.rhs is None else p.rhs))
            for lhs, rel, rhs in sides:
                out = relation_mathml(lhs, rel, rhs)
                ET.fromstring(out)
                assert "unprinted" not in out, f"{d.id} step {k}: {sp.sstr(lhs)[:80]}"
                assert "\\" not in out, f"{d.id} step {k}: LaTeX leaked into MathML: {out[:200]}"


# ---------------------------------------------------------------- the page's content


def test_badges_match_the_result(small):
    page, result, _ = small
    (d,) = result["derivations"]
    assert verdicts_of(page, "step") == [s["verdict"] for s in d["steps"]]
    assert verdicts_of(page, "mc-case") == [m["verdict"] for m in d["monte_carlo"]]
    # summary: one badge per step verdict with its count
    counts: dict[str, int] = {}
    for s in d["steps"]:
        counts[s["verdict"]] = counts.get(s["verdict"], 0) + 1
    card = page.split('data-card="steps"', 1)[1].split("</div></div>", 1)[0]
    for verdict, n in counts.items():
        assert f'data-verdict="{verdict}">{verdict}<span class="n">{n}</span>' in card
    assert f'<div class="big">{len(d["steps"])}</div>' in card
    assert f'data-verdict="{d["verdict"]}">{d["verdict"]}</span>' in page


def test_errata_rows_match_the_result(small):
    page, result, _ = small
    expected = [(d["id"], e["equation"]) for d in result["derivations"] for e in d["errata"]
                if e["is_erratum"]]
    assert expected, "the small report should contain errata (mallat.wiener_filter has three)"
    rows = [(a["data-derivation"], a["data-equation"]) for t, a in elements(page)
            if t == "tr" and a.get("class") == "erratum"]
    assert rows == expected
    assert f'<div class="big">{result["summary"]["errata"]}</div>' in page
    # printed and corrected forms come from the SymPy objects, as MathML, not LaTeX text
    section = page.split('id="errata"', 1)[1].split("</section>", 1)[0]
    assert section.count('class="printed-form"><div class="formula"><math') == len(expected)
    assert section.count('class="corrected-form"><div class="formula"><math') == len(expected)


def test_formulas_are_mathml_from_the_objects(small):
    page, result, _ = small
    (d,) = result["derivations"]
    maths = re.findall(r"<math display=\"(?:block|inline)\">.*?</math>", page)
    assert len(maths) >= len(d["steps"])
    for m in maths:
        ET.fromstring(m)
    # no step falls back to its LaTeX string
    for s in d["steps"]:
        assert s["lhs_latex"] not in page or len(s["lhs_latex"]) < 3


def test_self_contained_and_timeless(small):
    page, _, _ = small
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert "url(http" not in page
    assert not re.search(r"\b20\d\d-\d\d-\d\d", page), "a date on the page"
    assert "<dc:date>" not in page
    ids = [a["id"] for _, a in elements(page) if "id" in a]
    assert len(ids) == len(set(ids)), "duplicate element ids"


def test_plot_is_inline_svg_with_every_point(small):
    page, _, _ = small
    figures = [a for t, a in elements(page) if t == "figure" and "plot" in a.get("class", "")]
    assert [f["id"] for f in figures] == ["plot-wiener-sigma"]
    from derivations.report.sweeps import SWEEPS

    (sweep,) = [s for s in SWEEPS if s.key == "wiener-sigma"]
    assert figures[0]["data-points"] == str(len(sweep.values))
    assert '<svg class="plot"' in page


def test_user_text_is_escaped():
    from derivations.report.page import render

    evil = '<script>alert("x")</script> & "quotes"'
    result = {
        "tool": "lecturecheck", "version": "0", "seed": 0, "options": {"mc": True},
        "derivations": [{
            "id": "x.evil", "title": evil, "source": {"lecture": evil, "section": evil, "equations": []},
            "verdict": "fail",
            "steps": [{"index": 0, "equation": "1.1.1", "lhs_latex": evil, "rhs_latex": "1",
                       "relation": "=", "justification": evil, "verdict": "refuted", "method": evil,
                       "witness": {"a<b": evil}}],
            "monte_carlo": [{"name": evil, "parameters": {"k": evil}, "expected": 1.0,
                             "estimate": 1.0, "stderr": 0.1, "min_detectable_rel_error": 0.1,
                             "verdict": "consistent", "equation": None}],
            "errata": [{"equation": "1.1.1", "printed_latex": evil, "corrected_latex": evil,
                        "verdict": "refuted", "corrected_verdict": "proved", "is_erratum": True,
                        "witness": {"x": evil}, "note": evil, "line": 7, "printed_source": evil}]}],
        "summary": {"derivations": 1, "passed": 0, "failed": 1, "undecided": 0, "steps": 1,
                    "errata": 1, "seconds": None}}
    page = render(result, [])
    assert "<script" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;" in page
    elements(page)  # parses
    # the errata row shows the source line when the contract carries one
    assert '<td class="num">7</td>' in page


def test_coverage_section_lists_every_label_by_position():
    from derivations.report.page import render

    cov = {"labels": [{"label": "6.3.5", "line": 10, "status": "erratum", "derivation": "a.b",
                       "reason": "printed σ/(2√(2κ))"},
                      {"label": "6.3.5", "line": 40, "status": "erratum", "derivation": "a.b",
                       "reason": None},
                      {"label": "6.3.6", "line": 12, "status": "not-encoded", "derivation": None,
                       "reason": "no derivation encodes this label"},
                      {"label": "6.3.7", "line": 13, "status": "new-status", "derivation": "a.b, c.d",
                       "reason": ""}],
           "chapters": {"6": {"total": 4, "verified": 0, "erratum": 2, "definition": 0,
                              "not-encoded": 1, "unverified": 0, "new-status": 1}},
           "encoded_not_in_notes": [{"label": "7.1.1", "derivation": "a.b"}]}
    empty = {"tool": "lecturecheck", "version": "0", "seed": 0, "options": {"mc": False},
             "derivations": [], "summary": {"derivations": 0, "passed": 0, "failed": 0,
                                            "undecided": 0, "steps": 0, "errata": 0}}
    page = render(empty, [], coverage=cov, notes_name="notes<1>.txt")
    rows = [(a["data-status"]) for t, a in elements(page) if t == "tr" and a.get("class") == "label-row"]
    assert rows == ["erratum", "erratum", "not-encoded", "new-status"]
    assert "notes&lt;1&gt;.txt" in page and "(7.1.1) a.b" in page
    assert '<th class="num">new-status</th>' in page  # a status this page does not know still shows
    assert 'href="#d-c-d"' in page


# ---------------------------------------------------------------- determinism


@pytest.mark.slow  # default tier under 10 minutes; .ci/run runs it
def test_page_is_byte_identical_across_processes_and_jobs(small, cache_dir, tmp_path):
    page, result, _ = small
    summary = result["summary"]  # exit status as for check (20k samples can be underpowered)
    status = 0 if summary["failed"] == 0 and summary["undecided"] == 0 else 1
    out = tmp_path / "again.html"
    env = dict(os.environ, LECTURECHECK_CACHE=str(cache_dir), PYTHONHASHSEED="123")
    argv = [sys.executable, "-m", "derivations.cli", "report", SMALL, "-o", str(out), "--seed", "0",
            "--jobs", "1", "--samples", str(SAMPLES)]
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == status, proc.stderr
    assert proc.stderr == "", "progress must be quiet when stderr is not a terminal"
    assert out.read_text(encoding="utf-8") == page


def test_every_formula_the_page_prints_is_printed_ahead(small, monkeypatch):
    """``page_expressions`` lists every expression the page prints as MathML (parameter names
    aside), so the background process's markup leaves the parent none to print."""
    import sympy as sp

    from derivations.report import mathml, page as page_mod

    _, result, _ = small
    ds = select([SMALL])
    exprs = mathml.page_expressions(ds)
    markups = [mathml.expr_mathml(e) for e in exprs]
    misses, real = [], mathml.expr_mathml

    def spy(expr):
        if not isinstance(expr, sp.Symbol) and expr not in mathml._KNOWN:
            misses.append(expr)
        return real(expr)

    monkeypatch.setattr(mathml, "expr_mathml", spy)
    with mathml.primed(exprs, markups):
        primed_page = page_mod.render(result, ds)
    assert not misses, f"printed in the parent: {misses[:3]}"
    assert not mathml._KNOWN, "the primed markup outlives its block"
    monkeypatch.setattr(mathml, "expr_mathml", real)
    assert primed_page == page_mod.render(result, ds)


def test_svg_identical_for_a_seed_different_across_seeds():
    from derivations.report.plots import plot_svg
    from derivations.report.sweeps import SWEEPS, compute

    sweep = [s for s in SWEEPS if s.key == "ou-variance-t"]
    by_id = {"mallat.ou_solution": get("mallat.ou_solution")}
    a = plot_svg(compute(sweep, by_id, seed=3, samples=2000)[0])
    b = plot_svg(compute(sweep, by_id, seed=3, samples=2000)[0])
    c = plot_svg(compute(sweep, by_id, seed=4, samples=2000)[0])
    assert a == b
    assert a != c
    assert "<dc:date>" not in a


def test_sweep_points_use_stable_keys_not_positions():
    """A point's estimate depends on (seed, derivation, claim, param, value) only."""
    from dataclasses import replace

    from derivations.report.sweeps import SWEEPS, compute

    (sweep,) = [s for s in SWEEPS if s.key == "wiener-sigma"]
    by_id = {sweep.derivation: get(sweep.derivation)}
    full = compute([sweep], by_id, seed=0, samples=1000)[0]["series"][0]["points"]
    fewer = compute([replace(sweep, values=sweep.values[3:])], by_id, seed=0,
                    samples=1000)[0]["series"][0]["points"]
    assert [p["estimate"] for p in full[3:]] == [p["estimate"] for p in fewer]


# ---------------------------------------------------------------- sweeps against the catalog


def test_every_sweep_names_registered_claims():
    from derivations.report.sweeps import SWEEPS, base_params

    known = {d.id: d for d in all_derivations()}
    for sw in SWEEPS:
        assert sw.derivation in known, sw.key
        d = known[sw.derivation]
        names = {c.name for c in d.claims}
        case = None
        for se in sw.series:
            if se.claim is None:
                continue
            assert se.claim in names, f"sweep {sw.key}: claim {se.claim!r} not in {sorted(names)}"
            claim = next(c for c in d.claims if c.name == se.claim)
            case = case or base_params(sw, claim)
            assert sw.param in base_params(sw, claim), f"sweep {sw.key}: {sw.param} not a parameter"
        for se in sw.series:
            if se.step is None:
                continue
            step = next((s for s in d.steps if s.id == se.step), None)
            assert step is not None, f"sweep {sw.key}: step {se.step!r} not in {d.id}"
            given = set(case) | {sw.param} | {k for k, _ in se.bind}
            free = {x.name for x in getattr(step, se.side).free_symbols}
            assert free <= given, f"sweep {sw.key}: step {se.step} needs {sorted(free - given)}"


def test_every_sweep_compares_monte_carlo_with_its_closed_form():
    """Issue 12 item 2: every plot has Monte Carlo points with error bars and a closed-form line."""
    from derivations.report.sweeps import SWEEPS, compute

    plots = compute(SWEEPS, {d.id: d for d in all_derivations()}, seed=0, samples=500)
    assert [p["key"] for p in plots] == [s.key for s in SWEEPS]
    for p in plots:
        assert not p["missing"], p["key"]
        measured = [se for se in p["series"] if se["claim"] is not None]
        assert measured, f"{p['key']}: no Monte Carlo series"
        for se in measured:
            assert se["points"] and all(q["stderr"] and q["stderr"] > 0 for q in se["points"]), \
                f"{p['key']}: {se['claim']} has points without error bars"
            finite = [y for _, y in se["curve"] if y is not None]
            assert len(finite) >= len(se["points"]), f"{p['key']}: {se['claim']} has no closed form"
            assert se["curve_label"] != se["label"], p["key"]
        for se in p["series"]:
            if se["claim"] is None:  # a closed form drawn alone is an approximation, said so
                assert se["approximation"] and not se["points"], p["key"]


def test_hopfield_plot_shows_the_finite_n_law_and_the_gaussian_limit_from_the_catalog():
    import math

    from derivations.report.plots import plot_svg
    from derivations.report.sweeps import SWEEPS, compute

    (sweep,) = [s for s in SWEEPS if s.key == "hopfield-load"]
    (plot,) = compute([sweep], {sweep.derivation: get(sweep.derivation)}, seed=0, samples=500)
    exact, limit = plot["series"]
    assert exact["claim"] == "one-step error, exact" and exact["points"]
    assert limit["step"] == "gaussian_error_limit" and limit["approximation"]
    assert "Gaussian limit" in limit["curve_label"] and "N\\to\\infty" in limit["curve_label"]
    assert len(limit["curve"]) > len(sweep.values)  # the dense grid, between integer K too
    for x, y in limit["curve"]:  # the step's SymPy expression is ½ erfc(1/√(2α)) (1.3.5)
        assert y == pytest.approx(0.5 * math.erfc(1 / math.sqrt(2 * x)), rel=1e-12)
    lo, hi = min(sweep.values) / 51, max(sweep.values) / 51
    assert limit["curve"][0][0] == pytest.approx(lo) and limit["curve"][-1][0] == pytest.approx(hi)
    svg = plot_svg(plot)
    assert "stroke-dasharray" in svg  # the approximation is dashed


def test_closed_form_series_are_declared_correctly():
    from derivations.report.sweeps import Series

    with pytest.raises(ValueError, match="exactly one of a claim name and a step id"):
        Series()
    with pytest.raises(ValueError, match="a step has no sampler"):
        Series(step="gaussian_error_limit")
    with pytest.raises(ValueError, match="side='middle'"):
        Series.closed_form("gaussian_error_limit", "limit", side="middle")


def test_a_missing_claim_is_a_visible_note_not_a_crash():
    from derivations.report.page import render
    from derivations.report.sweeps import Series, Sweep, compute

    sw = Sweep("ghost", SMALL, "ghost sweep", "sigma", (0.5, 1.0),
               (Series("no such claim"), Series("wiener_mse")), xlabel="σ", ylabel="y", samples=500)
    plots = compute([sw], {SMALL: get(SMALL)}, seed=0)
    assert plots[0]["missing"] == ["no such claim"]
    page = render({"tool": "lecturecheck", "version": "0", "seed": 0, "options": {"mc": True},
                   "derivations": [], "summary": {"derivations": 0, "passed": 0, "failed": 0,
                                                  "undecided": 0, "steps": 0, "errata": 0}},
                  [], plots=plots)
    assert 'data-missing="no such claim"' in page and "not found in the catalog" in page


# ---------------------------------------------------------------- the command line


@pytest.mark.parametrize("argv, message", [
    (["report", "no.such", "-o", "{tmp}/r.html"], "unknown derivation id='no.such'"),
    (["report", "-o", "{tmp}/missing-dir/r.html"], "does not exist"),
    (["report", "-o", "{tmp}"], "is a directory"),
    (["report", "-o", "{tmp}/r.html", "--notes", "{tmp}/nope.txt"], "no such file"),
    (["report", "--seed", "-1", "-o", "{tmp}/r.html"], "expected a non-negative integer"),
    (["report"], "required: -o/--output"),
])
def test_bad_input_is_one_line_exit_2(argv, message, tmp_path, capsys):
    from derivations.cli import main

    status = main([a.replace("{tmp}", str(tmp_path)) for a in argv])
    err = capsys.readouterr().err
    assert status == 2
    assert message in err and err.count("\n") == 1, err
    assert not (tmp_path / "r.html").exists()


def test_cli_writes_the_page_and_exits_like_check(cache_dir, tmp_path, capsys):
    from derivations.cli import main

    out = tmp_path / "r.html"
    assert main(["report", "agliari.glauber_noise", "--no-mc", "-o", str(out), "--jobs", "2"]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "agliari.glauber_noise" in page
    assert 'id="plots"' not in page  # --no-mc: no Monte Carlo, no sweeps
    assert "skipped (--no-mc)" in page
    assert f"wrote {out}" in capsys.readouterr().out


# ---------------------------------------------------------------- in a real browser


def test_small_report_in_chromium(small, tmp_path):
    need_browser()
    from derivations.report.browser import inspect

    page, result, path = small
    shot = tmp_path / "small.png"
    info = inspect(path, shot)
    assert info["console"] == [], info["console"]
    assert info["mathml_supported"] == "MathMLElement"
    assert info["maths"] and all(w > 0 and h > 0 for w, h in info["maths"]), "an empty formula"
    assert len(info["maths"]) == page.count("<math ")
    assert info["figures"] == ["plot-wiener-sigma"]
    assert info["svgs"] and all(w > 100 and h > 50 for w, h in info["svgs"])
    assert info["badges"] == [s["verdict"] for s in result["derivations"][0]["steps"]]
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_full_report_with_coverage_in_chromium(cache_dir, tmp_path):
    """The whole catalog, every plot, the notes' coverage: content, then the browser."""
    from derivations.report import build
    from derivations.report.sweeps import SWEEPS

    page, result = build(all_derivations(), Options(seed=0, jobs=2), notes=str(SEED_FILE))
    path = tmp_path / "full.html"
    path.write_text(page, encoding="utf-8")
    steps = [s["verdict"] for d in result["derivations"] for s in d["steps"]]
    assert verdicts_of(page, "step") == steps
    assert len([1 for t, a in elements(page) if t == "tr" and a.get("class") == "erratum"]) == \
        result["summary"]["errata"]
    labels = [a["data-status"] for t, a in elements(page)
              if t == "tr" and a.get("class") == "label-row"]
    assert len(labels) > 200 and "verified" in labels and "erratum" in labels
    figures = [a["id"] for t, a in elements(page) if t == "figure"]
    assert figures == [f"plot-{s.key}" for s in SWEEPS]
    assert "data-missing" not in page
    need_browser()
    from derivations.report.browser import inspect

    info = inspect(path, tmp_path / "full.png", full_page=True)
    assert info["console"] == [], info["console"]
    assert all(w > 0 and h > 0 for w, h in info["maths"])
    assert len(info["svgs"]) == len(SWEEPS) and all(w > 100 and h > 50 for w, h in info["svgs"])


# ---------------------------------------------------------------- notebooks


def test_display_helpers(cache_dir):
    from derivations.report.display import CheckReport, checked, derivation_html, step_latex

    d = get("agliari.glauber_noise")
    h = derivation_html(d)
    assert h.count("<math") >= len(d.steps) and "<style>" in h and ".lecturecheck " in h
    assert step_latex(d.steps[0]).startswith("$\\displaystyle ")
    report = checked(d, mc=False, jobs=2)
    assert isinstance(report, CheckReport) and report["derivations"][0]["id"] == d.id
    html = report._repr_html_()
    assert verdicts_of(html, "step") == [s["verdict"] for s in report["derivations"][0]["steps"]]
    step = report.step(0)
    assert step["verdict"] in html and "<math" in step._repr_html_()
    assert step._repr_latex_() == step_latex(d.steps[0])


def test_tour_notebook_runs(cache_dir):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(ROOT / "examples" / "tour.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "examples")}}).execute()
    html = [o["data"].get("text/html", "") for c in nb.cells if c.cell_type == "code"
            for o in c.outputs if o.get("output_type") == "execute_result"]
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.get("output_type") == "error"]
    assert not errors
    assert any("<math" in h for h in html), "no formula displayed"
    assert any('data-verdict="proved"' in h for h in html), "no check report displayed"
    assert any("<svg" in h for h in html), "no plot displayed"


def test_model_objects_display_themselves_in_notebooks():
    """Derivation and Step have Jupyter's _repr_html_/_repr_latex_ (derivations.report.display)."""
    from derivations.registry import get

    d = get("mallat.ou_solution")
    html = d._repr_html_()
    assert "<math" in html and d.id in html
    assert d._repr_latex_().startswith("$") or "\\" in d._repr_latex_()
    step = d.steps[0]
    assert "<math" in step._repr_html_() and step._repr_latex_().strip()
