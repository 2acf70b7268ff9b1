"""Sweep plots as inline SVG (matplotlib, Agg backend), byte-identical for the same data.

Determinism: ``svg.hashsalt`` is fixed, the ``Date`` metadata is dropped, text is drawn as paths
(no dependence on the viewer's fonts), and every ``id`` in the SVG is prefixed with the plot's
key so several plots can live in one HTML page without clashing ids.

>>> svg = plot_svg({"key": "demo", "title": "t", "xlabel": "x", "ylabel": "y", "note": "",
...                 "missing": [], "series": [{"claim": "c", "label": "c", "curve": [[0, 0], [1, 1]],
...                 "points": [{"x": 0.5, "estimate": 0.5, "stderr": 0.1, "verdict": "consistent"}]}]})
>>> svg.startswith("<svg") and 'id="plot-demo-' in svg
True
"""
from __future__ import annotations

import io
import re

HASHSALT = "lecturecheck-report"

# the page's palette (colour-blind safe: Okabe–Ito)
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
CONTRADICTED = "#C62828"

_RC = {
    "svg.hashsalt": HASHSALT,
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#555555",
    "axes.linewidth": 0.8,
    "axes.grid": True,
    "grid.color": "#e3e3e3",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "xtick.color": "#444444",
    "ytick.color": "#444444",
    "path.simplify": False,
}


def _figure(plot: dict):
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.2, 3.5), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    for k, s in enumerate(plot["series"]):
        colour = COLOURS[k % len(COLOURS)]
        curve = [(x, y) for x, y in s["curve"] if y is not None]
        has_mc = any(p.get("estimate") is not None for p in s["points"])
        if curve:
            xs, ys = zip(*curve)
            label = s.get("curve_label") or s["label"] + (" — closed form" if has_mc else "")
            # an approximation (a limit law, not what the simulation tests) is dashed
            ax.plot(xs, ys, "--" if s.get("approximation") else "-", color=colour, lw=1.6,
                    zorder=2, label=label)
        pts = [p for p in s["points"] if p.get("estimate") is not None]
        if pts:
            xs = [p["x"] for p in pts]
            ys = [p["estimate"] for p in pts]
            err = [2 * (p["stderr"] or 0.0) for p in pts]
            ax.errorbar(xs, ys, yerr=err, fmt="o", ms=4, color=colour, mfc="white", mew=1.3,
                        elinewidth=1.1, capsize=2.5, zorder=3,
                        label=s["label"] + " — Monte Carlo ±2 s.e.")
            bad = [p for p in pts if p.get("verdict") == "contradicted"]
            if bad:
                ax.plot([p["x"] for p in bad], [p["estimate"] for p in bad], "x", ms=9, mew=2,
                        color=CONTRADICTED, zorder=4, label="contradicted at the run's α")
    ax.set_xlabel(plot["xlabel"])
    ax.set_ylabel(plot["ylabel"])
    ax.margins(x=0.04)
    if plot["series"]:
        ax.legend(loc="best")
    fig.tight_layout(pad=0.4)
    return fig


def plot_svg(plot: dict) -> str:
    """The plot of one computed sweep (see :func:`derivations.report.sweeps.compute`) as SVG."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure(plot)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return _inline(buf.getvalue(), "plot-" + plot["key"])


def with_svg(plots: list[dict]) -> list[dict]:
    """``plots`` with each plot's SVG under ``"svg"`` (the page uses it instead of drawing)."""
    return [dict(p, svg=plot_svg(p)) if p["series"] else p for p in plots]


_ID = re.compile(r'\bid="([^"]+)"')


def _inline(svg: str, prefix: str) -> str:
    """Drop the XML prologue, make ids unique to this plot, make it scale with its container."""
    start = svg.index("<svg")
    svg = svg[start:]
    ids = sorted(set(_ID.findall(svg)), key=len, reverse=True)
    for ident in ids:
        new = f"{prefix}-{ident}"
        svg = svg.replace(f'id="{ident}"', f'id="{new}"')
        svg = svg.replace(f'"#{ident}"', f'"#{new}"').replace(f"url(#{ident})", f"url(#{new})")
    # width/height in pt → let CSS size it, keep the aspect ratio through the viewBox
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)
    return svg.replace("<svg", f'<svg class="plot" role="img" aria-labelledby="{prefix}-title"', 1)

