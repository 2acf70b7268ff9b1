"""The ``lecturecheck`` command line (DESIGN §4): parse, call the library, print.

Exit status (the same for every sub-command):

====  ===================================================================================
0     everything checked passed (``errata``/``coverage``: every item reported on decided)
1     something failed, or stayed undecided/incomplete (a summary line says what)
2     bad input: usage, an option out of range, an unreadable or special file, an output
      that cannot be written (one line on stderr naming the option or file and what is valid)
3     internal error: a bug in lecturecheck or its catalog (one line; traceback with
      ``LECTURECHECK_DEBUG=1``)
130   interrupted (SIGINT); 143 terminated (SIGTERM); 129 hang-up (SIGHUP) — verifier
      children are ended first
====  ===================================================================================

``--json`` writes exactly the library's result (``json.dumps(result, indent=2)``) and nothing
else to stdout.  Time limits: a step (symbolic half at most half of ``--timeout``, numeric half
the rest, at least 1 s) ends within ``--timeout`` + 1 s;
a Monte Carlo case within ``--mc-timeout`` (default ``max(60, 6 × --timeout)``).

>>> build_parser().parse_args(["check", "--no-mc", "--seed", "5"]).seed
5
"""
from __future__ import annotations

import argparse
import errno
import json
import math
import os
import re
import signal
import sys
from typing import Any, Callable, NoReturn, Sequence

from ._version import __version__
from . import limits as _R
from .errors import LectureCheckError, OutputError, UnknownDerivation, shown

PROG = "lecturecheck"
EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
# the signals that end a run, and the exit status of each (128 + signal number)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class UsageError(LectureCheckError):
    """A command line the parser rejects (unknown option, missing or malformed argument)."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors become one-line :class:`UsageError` s, not usage dumps."""

    def error(self, message: str) -> NoReturn:
        prefix = "" if self.prog == PROG else self.prog.removeprefix(PROG + " ") + ": "
        raise UsageError(f"{prefix}{message} (see '{self.prog} --help')")


# ---------------------------------------------------------------- option value types

# argparse prefixes these messages with "argument --flag: "

DEFAULT_JOBS = min(os.cpu_count() or 1, 256)

def _int_in(low: int, high: int, expected: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text, 10)
        except ValueError:  # also digit strings past Python's int-conversion limit
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"got {shown(text)}, expected {expected}")
        return value
    return parse


def _float_in(ok: Callable[[float], bool], expected: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and ok(value)):
            raise argparse.ArgumentTypeError(f"got {shown(text)}, expected {expected}")
        return value
    return parse


SEED = _int_in(0, _R.MAX_SEED, "a non-negative integer <= 2**64 - 1")
SAMPLES = _int_in(_R.MIN_SAMPLES, _R.MAX_SAMPLES, "an integer >= 100 and <= 10**8")
JOBS = _int_in(1, _R.MAX_JOBS, f"an integer >= 1 and <= {_R.MAX_JOBS}")
TIMEOUT = _float_in(lambda v: 0 < v <= _R.MAX_TIMEOUT,
                    f"a positive number of seconds <= {_R.MAX_TIMEOUT:g}")
ALPHA = _float_in(lambda v: _R.MIN_ALPHA <= v < 1,
                  f"a number between 0 and 1: {_R.MIN_ALPHA:g} <= A < 1")


def _targets(p: argparse.ArgumentParser, json_help: str) -> None:
    p.add_argument("targets", nargs="*", metavar="ID|FILE",
                   help="derivation ids or *.derivation.md files (default: all registered)")
    p.add_argument("--json", action="store_true", help=json_help)


def _run_options(p: argparse.ArgumentParser, *, mc: bool) -> None:
    """Options shared by the commands that run the verifier."""
    p.add_argument("--seed", type=SEED, default=0, metavar="N",
                   help="run seed (non-negative integer; default 0)")
    p.add_argument("--timeout", type=TIMEOUT, default=20.0, metavar="S",
                   help="time limit per step in seconds, symbolic and numeric halves together "
                        "(a step ends within S + 1 s; 0 < S <= 86400; default 20)")
    p.add_argument("--jobs", type=JOBS, default=DEFAULT_JOBS, metavar="N",
                   help=f"tasks run concurrently (1..{_R.MAX_JOBS}; default: the number of "
                        f"CPUs, {DEFAULT_JOBS}); results do not depend on it")
    p.add_argument("--no-cache", dest="cache", action="store_false",
                   help="recompute every step instead of reusing cached verdicts")
    if mc:
        p.add_argument("--samples", type=SAMPLES, default=None, metavar="N",
                       help="Monte Carlo sample size for every claim (100..10**8; default: per "
                            "claim); large sizes may need a larger --mc-timeout")
        p.add_argument("--alpha", type=ALPHA, default=1e-6, metavar="A",
                       help="false-alarm level per Monte Carlo claim (1e-12 <= A < 1; default "
                            "1e-6)")
        p.add_argument("--mc-timeout", type=TIMEOUT, default=None, metavar="S",
                       help="time limit per Monte Carlo case in seconds (0 < S <= 86400; "
                            "default max(60, 6 x --timeout)); a case past it is undecided")
        p.add_argument("--no-mc", dest="mc", action="store_false",
                       help="skip the Monte Carlo claims")
        p.add_argument("--timings", action="store_true",
                       help="report seconds per step and per claim (JSON then varies run to run)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``lecturecheck`` (sub-commands list, check, errata, coverage)."""
    parser = _Parser(prog=PROG, description="Check the derivations of lecture notes: symbolic "
                     "steps, printed forms (errata) and Monte Carlo claims.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("list", help="registered derivations with source labels and claim counts")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("check", help="verify steps, printed forms and Monte Carlo claims")
    _targets(p, json_help="print the JSON result contract only")
    _run_options(p, mc=True)
    p.add_argument("--strict", action="store_true",
                   help="fail any step weaker than proved/exhaustive (numeric is not a proof)")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("errata", help="printed forms refuted while the corrected step verifies")
    _targets(p, json_help="machine-readable output")
    _run_options(p, mc=False)
    p.add_argument("--notes", metavar="NOTES", default=None,
                   help="read each quoted label's printed form from this notes file instead of "
                        "the catalog's quotations (a corrected file gives no erratum)")
    p.set_defaults(handler=cmd_errata)

    p = sub.add_parser("coverage", help="status of every labelled equation (x.y.z) in a notes file")
    p.add_argument("notes", metavar="NOTES", help="the lecture notes (a UTF-8 text file)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    _run_options(p, mc=False)
    p.set_defaults(handler=cmd_coverage)

    from .latex import cli_notes  # `notes NOTES`: the LaTeX reader on every labelled equation
    cli_notes.add_parser(sub)
    from .report import cli_report  # the HTML report lives in derivations/report/
    cli_report.add_parser(sub)
    return parser


# ---------------------------------------------------------------- helpers

def _select(command: str, targets: Sequence[str]) -> list:
    """Derivations named by ``targets`` (ids and ``*.derivation.md`` files, duplicates dropped),
    or all registered when there are no targets."""
    return _select_with_files(command, targets)[0]


def _select_with_files(command: str, targets: Sequence[str]) -> tuple[list, list]:
    """``(derivations in the order given, the files read)``: every file is read first, so a
    file outside the format fails the command (exit 2) before anything runs."""
    from .proofs import is_proof_path, load_proof
    from .registry import Lazy, get, ids as registered, lazy

    ids = list(dict.fromkeys(targets))
    known = registered()  # file names only: no catalog module is imported to check an id
    proofs = {t: load_proof(t) for t in ids if t not in known and is_proof_path(t)}
    for t in ids:
        if t in known or t in proofs:
            continue
        if t.endswith(".md") or os.sep in t or _exists(t):
            raise UsageError(f"{command} PATH={shown(t)}: expected a registered derivation id "
                             "(see 'lecturecheck list') or a derivation file named "
                             "*.derivation.md")
        raise UnknownDerivation(f"{command}: unknown derivation id={shown(t)}; expected one of: "
                                + (", ".join(known) if known else "(none registered)"))
    if not ids:
        return lazy(), []  # each loaded when reached: a check starts while the rest load
    return Lazy([(lambda p=proofs[t]: p.derivation) if t in proofs else (lambda t=t: get(t))
                 for t in ids]), list(proofs.values())


def _exists(path: str) -> bool:
    """Whether ``path`` names something on disk (a stat, never an open: FIFOs cannot block)."""
    try:
        os.stat(path)
    except (OSError, ValueError):  # too long, NUL byte, missing
        return False
    return True


def _options(args: argparse.Namespace, *, mc: bool):
    from .run.runner import Options

    return Options(seed=args.seed, timeout=args.timeout, jobs=args.jobs, cache=args.cache,
                   mc=mc and args.mc, samples=getattr(args, "samples", None),
                   alpha=getattr(args, "alpha", 1e-6), timings=getattr(args, "timings", False),
                   strict=getattr(args, "strict", False),
                   mc_timeout=getattr(args, "mc_timeout", None))


def _stdout_name() -> str:
    """What stdout is connected to, for a message (``/dev/full``, a file path, or stdout)."""
    try:
        target = os.readlink(f"/proc/self/fd/{sys.stdout.fileno()}")
    except (OSError, ValueError, AttributeError):
        return "stdout"
    return f"stdout ({target})" if target.startswith("/") else "stdout"


def _out(text: str = "") -> None:
    """Write a line to stdout; a write error becomes :class:`OutputError` (a closed pipe stays
    a quiet ``BrokenPipeError``)."""
    try:
        if sys.stdout is None:
            raise OSError(errno.EBADF, "stdout is closed")
        sys.stdout.write(text + "\n")
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise _output_error(exc) from None


def _flush() -> None:
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise _output_error(exc) from None


def _output_error(exc: OSError) -> OutputError:
    why = exc.strerror or str(exc)
    return OutputError(f"cannot write the output to {_stdout_name()}: {why}; expected a "
                       "writable output (free space on the disk, or another file)")


class _GuardedStdout:
    """``sys.stdout`` during a command: a write error of any sub-command (``print`` included)
    becomes :class:`OutputError`; a closed pipe stays a quiet ``BrokenPipeError``."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise _output_error(exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise _output_error(exc) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _print_json(obj: Any) -> None:
    _out(json.dumps(obj, indent=2, sort_keys=False))


def _short(text: Any, width: int = 100) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= width else s[: width - 1] + "…"


def _witness(w: dict | None) -> str:
    return ", ".join(f"{k}={v}" for k, v in w.items()) if w else "—"


def _g(x: Any, digits: int = 6) -> str:
    return "—" if x is None else f"{x:.{digits}g}"


def _param(v: Any) -> str:
    """A Monte Carlo parameter for the table: numbers short, matrices by their shape."""
    if isinstance(v, float):
        return _g(v, 4)
    if isinstance(v, (list, tuple)) and v and isinstance(v[0], (list, tuple)):
        return f"<{len(v)}×{len(v[0])} matrix>"
    return str(v)


def _table(rows: list[list[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [indent + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]


# ---------------------------------------------------------------- commands

def cmd_list(args: argparse.Namespace) -> int:
    """``lecturecheck list``: derivations with source labels and claim counts."""
    from .registry import all_derivations

    rows = [{"id": d.id, "title": d.title, "lecture": d.lecture, "section": d.section,
             "equations": list(d.equations), "steps": len(d.steps),
             "printed_forms": sum(s.printed is not None for s in d.steps),
             "claims": len(d.claims), "cases": sum(len(c.cases) for c in d.claims)}
            for d in all_derivations()]
    if args.json:
        _print_json(rows)
        return EXIT_OK
    if not rows:
        _out("no derivations registered")
        return EXIT_OK
    table = [["id", "lecture", "section", "equations", "steps", "printed", "claims", "title"]]
    for r in rows:
        table.append([r["id"], r["lecture"], r["section"], _short(" ".join(r["equations"]), 40),
                      str(r["steps"]), str(r["printed_forms"]),
                      f"{r['claims']} ({r['cases']} cases)", r["title"]])
    _out("\n".join(_table(table, indent="")))
    return EXIT_OK


def _exit_status(result: dict) -> int:
    s = result["summary"]
    return EXIT_OK if s["failed"] == 0 and s["undecided"] == 0 else EXIT_FAIL


def cmd_check(args: argparse.Namespace) -> int:
    """``lecturecheck check``: run steps, printed forms and Monte Carlo claims."""
    from .proofs import annotate
    from .run.runner import run

    derivations, proofs = _select_with_files(args.command, args.targets)
    result = annotate(run(derivations, _options(args, mc=True), progress=not args.json), proofs)
    if args.json:
        _print_json(result)
    else:
        _out("\n".join(format_check(result)))
    return _exit_status(result)


def format_check(result: dict) -> list[str]:
    """Human summary of a ``run`` result: one block per derivation, then a summary line."""
    out: list[str] = []
    timings = result["options"].get("timings")
    for d in result["derivations"]:
        counts: dict[str, int] = {}
        for s in d["steps"]:
            counts[s["verdict"]] = counts.get(s["verdict"], 0) + 1
        n_errata = sum(e["is_erratum"] for e in d["errata"])
        mc_ok = sum(m["verdict"] == "consistent" for m in d["monte_carlo"])
        head = f"{d['verdict'].upper():9} {d['id']}  {d['title']}"
        if timings:
            secs = sum(x["seconds"] or 0 for x in d["steps"] + d["monte_carlo"])
            head += f"  [{secs:.1f} s of work]"
        out.append(head)
        parts = [f"steps {len(d['steps'])}: " + (", ".join(f"{n} {v}" for v, n in counts.items())
                                                 or "none"),
                 f"errata {n_errata}/{len(d['errata'])} printed forms"]
        if result["options"].get("mc"):
            parts.append(f"Monte Carlo {mc_ok}/{len(d['monte_carlo'])} consistent")
        out.append("          " + " | ".join(parts))
        if any("line" in s for s in d["steps"]):   # a derivation file: every step, by line
            from .proofs import format_steps
            out.extend(format_steps(d))
        for s in d["steps"]:
            if s["verdict"] == "proved" or "line" in s:
                continue
            label = f"({s['equation']})" if s["equation"] else "(unlabelled)"
            line = f"          step {s['id']} {label} {s['verdict']}: {_short(s['method'], 140)}"
            if s["witness"]:
                line += f"; witness {_short(_witness(s['witness']), 60)}"
            out.append(line)
        for e in d["errata"]:
            if e.get("origin") == "notes":  # a link read from the notes' text
                if not e["is_erratum"] and e["verdict"] in ("refuted", "inconsistent", "undecided"):
                    out.append(f"          as printed ({e['equation']}) link {e['link']}: "
                               f"{e['verdict']}, corrected step {e['corrected_verdict']}")
                elif e["verdict"] in ("not-checkable", "approximate"):
                    out.append(f"          as printed ({e['equation']}) {e['verdict']}: "
                               f"{_short(e['note'], 120)}")
            elif not e["is_erratum"]:
                out.append(f"          printed ({e['equation']}) not an erratum: printed form "
                           f"{e['verdict']}, corrected step {e['corrected_verdict']}")
        if d["monte_carlo"]:
            out.extend(_mc_table(d["monte_carlo"]))
    s = result["summary"]
    tail = (f"summary: {s['derivations']} derivations, {s['passed']} passed, {s['failed']} failed, "
            f"{s['undecided']} undecided; {s['steps']} steps, {s['errata']} errata")
    if s.get("seconds") is not None:
        tail += f"; {s['seconds']:.1f} s"
    if not result["derivations"]:
        tail = "no derivations registered; " + tail
    out.append(tail)
    return out


def _percent(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.2g}%" if abs(x) < 0.01 else f"{100 * x:.1f}%"


def _mc_table(entries: list[dict]) -> list[str]:
    """Monte Carlo rows: what each claim simulates (once per claim), then one row per case with
    n, the bias interval and the MDRE (bias included) against the claim's target."""
    rows = [["claim", "parameters", "n", "estimate ± se", "expected", "bias", "MDRE / target",
             "verdict"]]
    notes, seen = [], set()
    for m in entries:
        if m["name"] not in seen and m.get("simulates"):
            seen.add(m["name"])
            notes.append(f"          {m['name']}: simulates {m['simulates']}")
        params = ", ".join(f"{k}={_param(v)}" for k, v in m["parameters"].items())
        est = "—" if m["estimate"] is None else f"{_g(m['estimate'])} ± {_g(m['stderr'], 2)}"
        lo_hi = m.get("rel_bias")
        bias = "—" if not lo_hi or lo_hi == [0.0, 0.0] else \
            f"[{_percent(lo_hi[0])}, {_percent(lo_hi[1])}]"
        mdre = f"{_percent(m['min_detectable_rel_error'])} / {_percent(m.get('target_mdre'))}"
        verdict = m["verdict"] + (f" ({_short(m['error'], 40)})" if m.get("error") else "")
        rows.append([m["name"], _short(params, 50), "—" if m["n"] is None else str(m["n"]), est,
                     _g(m["expected"]), bias, mdre, verdict])
    return notes + _table(rows, indent="          ")


def cmd_errata(args: argparse.Namespace) -> int:
    """``lecturecheck errata``: printed forms refuted while the corrected step verifies.

    Exit 1 (and a summary line on stderr) when some printed form could not be classified: its
    verdict or its corrected step's is undecided or inconsistent, so the list may be incomplete.
    """
    from .run.runner import errata, run

    derivations = _select(args.command, args.targets)
    if args.notes is not None:
        from .coverage import read_notes

        read_notes(args.notes)  # fail fast (exit 2, one line) before any verification
    result = run(derivations, _options(args, mc=False), progress=not args.json, notes=args.notes)
    found = errata(result)
    if args.json:
        _print_json(found)
    else:
        for e in found:
            where = f"  line {e['line']}" if e.get("line") else ""
            _out(f"({e['equation']})  {e['derivation']}{where}  printed form {e['verdict']}")
            if e.get("printed_source"):
                _out(f"  as printed: {e['printed_source']}")
            _out(f"  printed:   {e['printed_latex']}")
            _out(f"  corrected: {e['corrected_latex']}")
            _out(f"  witness:   {_witness(e['witness'])}")
            if e.get("note"):
                _out(f"  note:      {e['note']}")
        _out(f"{len(found)} errata in {len(derivations)} derivations")
    open_forms = unresolved_printed(result)
    if open_forms:
        total = sum(len(d["errata"]) for d in result["derivations"])
        _incomplete(f"errata incomplete: {len(open_forms)} of {total} printed forms "
                    f"unclassified ({_listing(open_forms)})" + _hint(open_forms))
        return EXIT_FAIL
    return EXIT_OK


def unresolved_printed(result: dict) -> list[str]:
    """Printed forms left open (``id:step (label) verdicts``): the printed form or its corrected
    step ``undecided`` (a time limit) or ``inconsistent`` (the engine contradicts itself).
    ``not-checkable`` and ``approximate`` links are decided: the checker reports them as such."""
    out = []
    for d in result["derivations"]:
        for e in d["errata"]:
            if {e["verdict"], e.get("corrected_verdict")} & {"undecided", "inconsistent"}:
                out.append(f"{d['id']}:{e['step']} ({e['equation']}) printed {e['verdict']}, "
                           f"corrected {e.get('corrected_verdict')}")
    return out


def _listing(items: Sequence[str], shown_items: int = 3) -> str:
    more = len(items) - shown_items
    return "; ".join(items[:shown_items]) + (f"; and {more} more" if more > 0 else "")


def _hint(reasons: Sequence[str]) -> str:
    """The remedy when some verdict is only missing for lack of time."""
    return "; rerun with a larger --timeout" if any("undecided" in r for r in reasons) else ""


def _incomplete(message: str) -> None:
    """The one summary line of an incomplete ``errata``/``coverage`` (stderr: JSON stays clean)."""
    _flush()
    _fail(message)


def cmd_coverage(args: argparse.Namespace) -> int:
    """``lecturecheck coverage NOTES``: status of every labelled equation in the notes."""
    from .coverage import STATUSES, coverage_of_file

    report = coverage_of_file(args.notes, _options(args, mc=False), progress=not args.json)
    if args.json:
        _print_json(report)
        return _coverage_status(report)
    by_chapter: dict[str, list[dict]] = {}
    for row in report["labels"]:
        by_chapter.setdefault(row["label"].split(".")[0], []).append(row)
    for chapter, totals in report["chapters"].items():
        counts = ", ".join(f"{totals[s]} {s}" for s in STATUSES)
        _out(f"Chapter {chapter}: {totals['total']} labels — {counts}")
        rows = [["line", "label", "status", "derivation", "reason"]]
        rows += [[str(r["line"]), r["label"], r["status"], r["derivation"] or "—",
                  _short(r["reason"] or "", 70)] for r in by_chapter[chapter]]
        _out("\n".join(_table(rows)))
    grand = {s: sum(t[s] for t in report["chapters"].values()) for s in ("total",) + STATUSES}
    _out(f"all chapters: {grand['total']} labels — "
          + ", ".join(f"{grand[s]} {s}" for s in STATUSES))
    for extra in report.get("encoded_not_in_notes", []):
        _out(f"warning: label ({extra['label']}) of {extra['derivation']} does not occur in "
             f"{args.notes}")
    return _coverage_status(report)


def _coverage_status(report: dict) -> int:
    """Exit 1 with a summary line when some label's steps are not established (undecided or
    failing): its status is then ``unverified`` and the coverage is incomplete."""
    weak = [f"({r['label']}) line {r['line']}: {r['reason']}" for r in report["labels"]
            if r["status"] == "unverified"]
    if not weak:
        return EXIT_OK
    _incomplete(f"coverage incomplete: {len(weak)} of {len(report['labels'])} labels unverified "
                f"({_listing(weak)})" + _hint(weak))
    return EXIT_FAIL


# ---------------------------------------------------------------- entry point

_LONG_WORD = re.compile(r"\S{121,}")
MAX_MESSAGE = 2000  # characters of one error line


def _fail(message: str) -> None:
    """One line on stderr: whitespace collapsed, long words (ids, values) cut."""
    text = _LONG_WORD.sub(lambda m: m.group()[:100] + f"…({len(m.group())} characters)",
                          " ".join(message.split()))
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE - 1] + "…"
    try:
        sys.stderr.write(f"{PROG}: {text}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass  # nowhere left to say it


def _end_children() -> None:
    """Kill our forked verifier children (twice: a worker thread may be forking right now)."""
    import multiprocessing
    import time

    for attempt in range(2):
        for child in multiprocessing.active_children():
            try:
                child.kill()
            except (OSError, ValueError):
                pass
        if attempt == 0:
            time.sleep(0.05)


def _on_signal(signum: int, frame: Any) -> None:
    """SIGINT, SIGTERM, SIGHUP: end our forked verifier children and leave at once, quietly,
    with status 128 + signal number (130, 143, 129).

    A ``KeyboardInterrupt`` raised in the main thread would wait for the worker threads to drain
    the queued tasks (``ThreadPoolExecutor`` shutdown), so the signal is handled here.  Children
    forked after this moment die with us (``PR_SET_PDEATHSIG``, see ``verify.isolate``).
    """
    _end_children()
    try:
        if sys.stderr.isatty():
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(128 + signum)


_on_interrupt = _on_signal  # the former name


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (see the module docstring)."""
    previous: dict = {}
    stdout = sys.stdout
    try:
        if argv is None:  # the console script: take over the signals (library callers keep theirs)
            for sig in STOP_SIGNALS:
                previous[sig] = signal.signal(sig, _on_signal)
            # claims declare Hypothesis strategies but the CLI never draws from them: other
            # packages' Hypothesis plugins (trio's imports trio: 0.4 s) are not loaded
            os.environ.setdefault("HYPOTHESIS_NO_PLUGINS", "1")
        for stream in (sys.stdout, sys.stderr):  # never die on a terminal without UTF-8
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(errors="backslashreplace")
        args, extra = build_parser().parse_known_args(argv)
        if extra:
            raise UsageError(f"{args.command}: unrecognized arguments: {' '.join(extra)} "
                             f"(see '{PROG} {args.command} --help')")
        if stdout is not None:
            sys.stdout = _GuardedStdout(stdout)
        status = args.handler(args)
        _flush()
        return status
    except LectureCheckError as exc:
        _fail(f"error: {exc}")
        if isinstance(exc, OutputError):
            _quiet_stdout()
        return EXIT_USAGE
    except KeyboardInterrupt:
        _end_children()
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `lecturecheck check | head`: stop quietly
        _quiet_stdout()
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - one line, not a traceback
        if os.environ.get("LECTURECHECK_DEBUG"):
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (this is a bug in lecturecheck or "
              "its catalog; rerun with LECTURECHECK_DEBUG=1 for the traceback)")
        return EXIT_INTERNAL
    finally:
        sys.stdout = stdout
        for sig, handler in previous.items():
            signal.signal(sig, handler)


if __name__ == "__main__":
    sys.exit(main())
