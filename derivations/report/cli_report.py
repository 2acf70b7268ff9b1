"""``lecturecheck report [ID …] -o FILE.html [--notes NOTES] [--seed N] [--no-mc] …``: the HTML report.

Wired into :mod:`derivations.cli` by ``cli_report.add_parser(subparsers)``; ``run(args)``
returns the exit status (0 all pass, 1 something fails or is undecided); bad input raises a
:class:`~derivations.errors.LectureCheckError`, which the CLI prints as one line, exit 2.
"""
from __future__ import annotations

import argparse
import math
import os
import tempfile
from pathlib import Path

from ..errors import InputError, LectureCheckError

EXIT_OK, EXIT_FAIL = 0, 1


def _int_at_least(low: int, expected: str):
    def parse(text: str) -> int:
        try:
            value = int(text, 10)
        except ValueError:
            value = None
        if value is None or value < low:
            raise argparse.ArgumentTypeError(f"got {text!r}, expected {expected}")
        return value
    return parse


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"got {text!r}, expected a positive number of seconds")
    return value


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``report`` sub-command to the CLI's sub-parsers."""
    jobs = os.cpu_count() or 1
    p = subparsers.add_parser("report", help="self-contained HTML report: steps as MathML, "
                              "verdicts, errata, coverage, Monte Carlo sweep plots")
    p.add_argument("targets", nargs="*", metavar="ID",
                   help="derivation ids (default: all registered)")
    p.add_argument("-o", "--output", required=True, metavar="FILE.html",
                   help="where to write the page (one self-contained HTML file)")
    p.add_argument("--notes", metavar="NOTES", default=None,
                   help="lecture notes (UTF-8 text): add the coverage of every labelled equation")
    p.add_argument("--seed", type=_int_at_least(0, "a non-negative integer"), default=0,
                   metavar="N", help="run seed (non-negative integer; default 0)")
    p.add_argument("--timeout", type=_positive_seconds, default=20.0, metavar="S",
                   help="time limit per symbolic/numeric task in seconds (default 20)")
    p.add_argument("--jobs", type=_int_at_least(1, "an integer >= 1"), default=jobs, metavar="N",
                   help=f"tasks run concurrently (default: the number of CPUs, {jobs}); "
                        "the page does not depend on it")
    p.add_argument("--samples", type=_int_at_least(100, "an integer >= 100"), default=None,
                   metavar="N", help="Monte Carlo sample size for every claim (>= 100; default: "
                   "per claim); sweep points use 20000 each")
    p.add_argument("--no-mc", dest="mc", action="store_false",
                   help="skip the Monte Carlo claims and the sweep plots")
    p.add_argument("--no-plots", dest="plots", action="store_false",
                   help="keep the Monte Carlo claims, leave out the sweep plots")
    p.add_argument("--no-cache", dest="cache", action="store_false",
                   help="recompute every step instead of reusing cached verdicts")
    p.set_defaults(handler=run)
    return p


def check_output_path(path: str) -> Path:
    """The output path, or :class:`InputError` if a file cannot be written there."""
    out = Path(path)
    where = f"report -o {path!r}"
    if out.is_dir():
        raise InputError(f"{where}: is a directory; expected a file path such as report.html")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"{where}: directory {str(parent)!r} does not exist; create it first")
    if not os.access(parent, os.W_OK | os.X_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise InputError(f"{where}: permission denied; expected a writable location")
    return out


def write_atomically(out: Path, text: str) -> None:
    """Write ``text`` to ``out`` through a temporary file in the same directory."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent if str(out.parent) else ".")
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except OSError as exc:
        raise InputError(f"report -o {str(out)!r}: cannot write ({exc.strerror or exc})") from None


def run(args: argparse.Namespace) -> int:
    """Run ``lecturecheck report``; return the exit status."""
    from ..run.runner import Options
    from ..errors import UnknownDerivation
    from ..registry import all_derivations, select
    from . import build

    out = check_output_path(args.output)
    if args.notes is not None:
        from ..coverage import read_notes

        read_notes(args.notes)  # one-line InputError before any work
    ids = list(dict.fromkeys(args.targets))
    known = sorted(d.id for d in all_derivations())
    for t in ids:
        if t not in known:
            raise UnknownDerivation(f"report: unknown derivation id={t!r}; expected one of: "
                                    + (", ".join(known) if known else "(none registered)"))
    derivations = select(ids)
    opts = Options(seed=args.seed, timeout=args.timeout, jobs=args.jobs, cache=args.cache,
                   mc=args.mc, samples=args.samples)
    doc, result = build(derivations, opts, notes=args.notes, plots=args.plots, progress=True)
    write_atomically(out, doc)
    s = result["summary"]
    print(f"wrote {out} ({len(doc.encode()) // 1024} KiB): {s['derivations']} derivations, "
          f"{s['passed']} passed, {s['failed']} failed, {s['undecided']} undecided; "
          f"{s['steps']} steps, {s['errata']} errata")
    return EXIT_OK if s["failed"] == 0 and s["undecided"] == 0 else EXIT_FAIL


__all__ = ["LectureCheckError", "add_parser", "run"]
