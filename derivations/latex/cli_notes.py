"""``lecturecheck notes NOTES [--json]``: what the LaTeX reader makes of every labelled equation.

Exit status 0 when the file was read (whatever the equations' statuses), 2 when it cannot be
(missing, a directory, a FIFO, binary, not UTF-8: one line on stderr).
"""
from __future__ import annotations

import argparse
import json
import sys

STATUSES = ("parsed", "prose", "error")


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register the ``notes`` sub-command on ``subparsers``."""
    p = subparsers.add_parser("notes", help="read every labelled equation (x.y.z) of a notes file "
                                            "with the LaTeX reader (parse status, chain)")
    p.add_argument("notes", metavar="NOTES", help="the lecture notes (a UTF-8 text file)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run)
    return p


def bound_labels(derivations=None) -> dict[str, str]:
    """label -> the ids (comma-separated) of the derivations that encode or quote it."""
    if derivations is None:
        from ..registry import all_derivations

        derivations = all_derivations()
    out: dict[str, list[str]] = {}
    for d in derivations:
        for label in dict.fromkeys(tuple(d.equations) + tuple(q.label for q in d.printed_in_notes)):
            out.setdefault(label, []).append(d.id)
    return {label: ", ".join(ids) for label, ids in out.items()}


def report(path, derivations=None) -> dict:
    """The DESIGN §4 ``notes --json`` document for the notes at ``path`` (``derivation``: the
    catalog derivations that encode or quote the label, else null)."""
    from .reader import read_notes

    equations = [eq.as_json() for eq in read_notes(path)]  # reads (and validates) the file first
    bound = bound_labels(derivations)
    for e in equations:
        e["derivation"] = bound.get(e["label"])
    return {"equations": equations}


def summary(equations: list[dict]) -> str:
    """``N labelled equations (D distinct): a parsed (x%), b prose (y%), c error (z%)``."""
    n = len(equations)
    counts = {s: sum(e["status"] == s for e in equations) for s in STATUSES}
    pct = {s: (100.0 * counts[s] / n if n else 0.0) for s in STATUSES}
    distinct = len({e["label"] for e in equations})
    return (f"{n} labelled equations ({distinct} distinct): "
            + ", ".join(f"{counts[s]} {s} ({pct[s]:.1f}%)" for s in STATUSES))


def _line(e: dict) -> str:
    head = f"({e['label']}) line {e['line']}: {e['status']}"
    if e["status"] != "parsed":
        return f"{head} — {e['error']}"
    terms = e["chain_latex"]
    shown = terms[0] + "".join(f"  {r}  {t}" for r, t in zip(e["relations"], terms[1:]))
    shown = " ".join(shown.split())
    return f"{head}  {shown if len(shown) <= 160 else shown[:159] + '…'}"


def run(args: argparse.Namespace) -> int:
    """Print the report (text or JSON); 0 once the notes were read."""
    doc = report(args.notes)
    if args.json:
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return 0
    for e in doc["equations"]:
        print(_line(e))
    print(summary(doc["equations"]))
    return 0
