"""The HTML report (``lecturecheck report``) and notebook display of derivations and results.

:func:`build` runs the checker and the Monte Carlo sweeps and returns the page; everything on
the page comes from the ``check.run`` result dictionary and the registry's objects.

Modules: ``mathml`` (SymPy → MathML Core), ``sweeps`` (the parameter sweeps, as data),
``plots`` (sweeps → inline SVG), ``page`` (the HTML page), ``display`` (``_repr_html_`` for
notebooks), ``cli_report`` (the sub-command), ``browser`` (headless Chromium checks and
screenshots, for tests and docs).
"""
from __future__ import annotations

import sys
from collections.abc import Sequence


class Progress:
    """A one-line counter on a terminal (stderr); silent when stderr is not a TTY."""

    def __init__(self, total: int, enabled: bool, prefix: str = "") -> None:
        self.total, self.done, self.prefix = total, 0, prefix
        self.enabled = enabled and sys.stderr.isatty()

    def tick(self, label: str) -> None:
        self.done += 1
        if self.enabled:
            sys.stderr.write(f"\r\033[K{self.prefix}[{self.done}/{self.total}] {label}"[:200])
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def build(derivations: Sequence, opts=None, *, notes: str | None = None, plots: bool = True,
          sweep_samples: int | None = None, progress: bool = False) -> tuple[str, dict]:
    """Check ``derivations``, run the sweeps, render the page; return ``(html, result)``.

    ``notes`` is the path of a notes file (its labels' coverage is added); ``plots=False``
    leaves the sweep plots out (they are Monte Carlo, so ``opts.mc=False`` does too).
    """
    from ..check import Options, run
    from . import page
    from .sweeps import SWEEPS, compute, count_tasks

    opts = opts or Options()
    text = None
    if notes is not None:
        from ..coverage import read_notes

        text = read_notes(notes)  # fail fast, before any verification
    result = run(list(derivations), opts, progress=progress)
    cov = None
    if text is not None:
        from ..coverage import coverage

        cov = coverage(text, list(derivations), result)
    computed = None
    if plots and opts.mc:
        by_id = {d.id: d for d in derivations}
        bar = Progress(count_tasks(SWEEPS, by_id), progress, prefix="sweeps ")
        computed = compute(SWEEPS, by_id, seed=opts.seed, alpha=opts.alpha, jobs=opts.jobs,
                           samples=sweep_samples, tick=bar.tick)
        bar.close()
    rendering = Progress(1, progress)
    if rendering.enabled:
        sys.stderr.write("\r\033[Krendering the page (formulas, plots)")
        sys.stderr.flush()
    doc = page.render(result, derivations, plots=computed, coverage=cov,
                      notes_name=None if notes is None else str(notes))
    rendering.close()
    return doc, result


__all__ = ["Progress", "build"]
