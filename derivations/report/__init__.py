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
    from ..run.runner import Options, run
    from . import mathml, page
    from .sweeps import SWEEPS, compute, count_tasks

    opts = opts or Options()
    text = None
    if notes is not None:
        from ..coverage import read_notes

        text = read_notes(notes)  # fail fast, before any verification
    by_id = {d.id: d for d in derivations}
    sweeping = plots and opts.mc

    def sweeps(tick=None) -> list[dict]:
        return compute(SWEEPS, by_id, seed=opts.seed, alpha=opts.alpha, jobs=1,
                       samples=sweep_samples, tick=tick)

    exprs = mathml.page_expressions(derivations)

    def background_work() -> tuple[list[dict] | None, list[str]]:
        # the formulas' MathML, the sweeps and their SVGs (matplotlib's import, layout and
        # drawing: seconds), off the critical path
        from .plots import with_svg

        markups = [mathml.expr_mathml(e) for e in exprs]
        return (with_svg(sweeps()) if sweeping else None), markups

    # with --jobs >= 2 this runs in one forked process alongside the checker, filling the core
    # the checker leaves idle (its start and tail); results do not depend on where they run
    background = _start(background_work) if opts.jobs >= 2 else None
    result = run(list(derivations), opts, progress=progress)
    cov = None
    if text is not None:
        from ..coverage import coverage

        cov = coverage(text, list(derivations), result)
    done = _finish(background) if background is not None else None
    computed, markups = done if done is not None else (None, [])
    if sweeping and computed is None:  # sequential (--jobs 1) or the background process died
        bar = Progress(count_tasks(SWEEPS, by_id), progress, prefix="sweeps ")
        computed = sweeps(bar.tick)
        bar.close()
    rendering = Progress(1, progress)
    if rendering.enabled:
        sys.stderr.write("\r\033[Krendering the page (formulas, plots)")
        sys.stderr.flush()
    with mathml.primed(exprs, markups):
        doc = page.render(result, derivations, plots=computed, coverage=cov,
                          notes_name=None if notes is None else str(notes))
    rendering.close()
    return doc, result


def _start(fn):
    """Run ``fn()`` in a forked child; returns a handle for :func:`_finish` (None: no fork)."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def target() -> None:
        try:
            send.send(fn())
        except BaseException:  # noqa: BLE001 - the parent recomputes in-process
            send.send(None)
        finally:
            send.close()

    child = ctx.Process(target=target, name="lecturecheck-sweeps", daemon=True)
    child.start()
    send.close()
    return child, receive


def _finish(handle):
    """The value the child of :func:`_start` computed, or None if it failed."""
    child, receive = handle
    try:
        value = receive.recv()
    except (EOFError, OSError):
        value = None
    finally:
        receive.close()
        child.join()
    return value


__all__ = ["Progress", "build"]
