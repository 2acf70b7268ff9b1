"""Coverage of a notes file: the status of every labelled equation ``(x.y.z)`` it prints.

Labels are listed *by position*: a label printed twice (an equation and a later reference to
it in the prose) is listed twice, each with its line.  Statuses come from computed verdicts
(``check.run`` without Monte Carlo), never from flags:

``erratum``      a printed form on that label (a link of its printed chain as read from the
                 notes, or a hand-typed one) is refuted while its corrected step verifies;
``verified``     some registered step carries the label and all of them are at least ``numeric``;
``unverified``   steps carry the label but some is not established (reason: its verdict);
``definition``   a derivation lists the label in its ``definitions``;
``not-encoded``  nothing encodes it (reason from a derivation's ``not_encoded`` when given).

>>> [(o.label, o.line) for o in scan_labels("a\\n$$x = 1 \\\\quad (6.3.5)$$ see (1.2.3)\\n")]
[('6.3.5', 2), ('1.2.3', 2)]
"""
from __future__ import annotations

import bisect
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from .model import ESTABLISHED
from .errors import InputError, shown

STATUSES = ("verified", "erratum", "definition", "not-encoded", "unverified")
NO_ENCODING = "no derivation encodes this label"

# "(6.3.5)" exactly: three dot-separated integers in parentheses
LABEL_RE = re.compile(r"\((\d+)\.(\d+)\.(\d+)\)")


@dataclass(frozen=True)
class LabelOccurrence:
    """One printed occurrence of an equation label (1-based line and column)."""

    label: str
    line: int
    column: int

    @property
    def chapter(self) -> str:
        return self.label.split(".", 1)[0]


def _number(digits: str) -> str:
    """A label part without leading zeros (any length: no int() of thousands of digits)."""
    if len(digits) <= 100:
        return str(int(digits))
    return digits.lstrip("0") or "0"


def _numeric_key(part: str) -> tuple:
    """Sort key of a label part: numbers by value (length first), other text after them."""
    return (0, len(part), part) if part.isdigit() else (1, 0, part)


def scan_labels(text: str) -> list[LabelOccurrence]:
    """Every ``(x.y.z)`` in ``text``, in reading order."""
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    out = []
    for m in LABEL_RE.finditer(text):
        line = bisect.bisect_right(starts, m.start())
        label = ".".join(map(_number, m.groups()))
        out.append(LabelOccurrence(label, line, m.start() - starts[line - 1] + 1))
    return out


MAX_NOTES_BYTES = 64 << 20  # a notes file larger than 64 MiB is refused


def read_notes(path: str | Path) -> str:
    """The notes file as text; :class:`InputError` (one line, naming the file) if it is not one.

    The file is opened non-blocking and checked to be a regular file before it is read, so a
    FIFO, a device or a directory is refused at once instead of blocking or streaming forever.
    """
    where = f"notes file {shown(str(path), 300)}"  # paths are long; their tail names the file
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise InputError(f"{where}: no such file; expected the path of a UTF-8 text file") from None
    except IsADirectoryError:
        raise InputError(f"{where}: is a directory; expected a UTF-8 text file") from None
    except PermissionError:
        raise InputError(f"{where}: permission denied; expected a readable text file") from None
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        raise InputError(f"{where}: cannot be read ({why}); expected a readable text file") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{where}: is a directory; expected a UTF-8 text file")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{where}: not a regular file (a FIFO, socket or device); expected "
                             "a UTF-8 text file")
        if info.st_size > MAX_NOTES_BYTES:
            raise InputError(f"{where}: {info.st_size} bytes; expected a text file of at most "
                             f"{MAX_NOTES_BYTES >> 20} MiB")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_NOTES_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{where}: cannot be read ({exc.strerror or exc}); "
                         "expected a readable text file") from None
    finally:
        os.close(fd)
    if len(data) > MAX_NOTES_BYTES:
        raise InputError(f"{where}: larger than {MAX_NOTES_BYTES >> 20} MiB; expected a text file "
                         "of at most that size")
    nul = data.find(b"\0")
    if nul >= 0:
        raise InputError(f"{where}: binary data (NUL byte at offset {nul}); "
                         "expected a UTF-8 text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        name = str(path) if len(str(path)) <= 120 else str(path)[:119] + "…"
        raise InputError(f"{name}:{line}: invalid UTF-8 (byte "
                         f"0x{data[exc.start]:02x}); expected a UTF-8 text file") from None


@dataclass(frozen=True)
class LabelStatus:
    status: str
    derivation: str | None
    reason: str | None


def _ids(ids: Iterable[str]) -> str | None:
    ids = list(dict.fromkeys(ids))
    return ", ".join(ids) if ids else None


def label_statuses(derivations: Sequence, result: dict) -> dict[str, LabelStatus]:
    """Status of every label the ``derivations`` mention, from a ``check.run`` result over them."""
    reports = {d["id"]: d for d in result["derivations"]}
    steps: dict[str, list[tuple[str, dict]]] = {}
    errata: dict[str, list[tuple[str, dict]]] = {}
    definitions: dict[str, list[str]] = {}
    reasons: dict[str, list[tuple[str, str]]] = {}
    listed: dict[str, list[str]] = {}
    for d in derivations:
        if d.id not in reports:
            raise ValueError(f"derivation {d.id!r} is missing from the check result")
        r = reports[d.id]
        for s in r["steps"]:
            if s["equation"]:
                steps.setdefault(s["equation"], []).append((d.id, s))
        for e in r["errata"]:
            errata.setdefault(e["equation"], []).append((d.id, e))
        for lab in d.definitions:
            definitions.setdefault(lab, []).append(d.id)
        for lab, why in d.not_encoded.items():
            reasons.setdefault(lab, []).append((d.id, why))
        for lab in d.equations:
            listed.setdefault(lab, []).append(d.id)

    out: dict[str, LabelStatus] = {}
    for lab in set(steps) | set(errata) | set(definitions) | set(reasons) | set(listed):
        found = [(i, e) for i, e in errata.get(lab, ()) if e["is_erratum"]]
        carried = steps.get(lab, [])
        weak = [(i, s) for i, s in carried if s["verdict"] not in ESTABLISHED]
        if found:
            why = "; ".join(e["note"] or f"printed form {e['verdict']}" for _, e in found)
            out[lab] = LabelStatus("erratum", _ids(i for i, _ in found), why)
        elif weak:
            why = "; ".join(f"step {s['index']} of {i}: {s['verdict']}" for i, s in weak)
            out[lab] = LabelStatus("unverified", _ids(i for i, _ in weak), why)
        elif carried:
            order = {v: k for k, v in enumerate(ESTABLISHED)}
            weakest = max((s["verdict"] for _, s in carried), key=order.__getitem__)
            why = weakest + (" (not a proof)" if weakest == "numeric" else "")
            stray = [e for _, e in errata.get(lab, ()) if e.get("origin", "hand") == "hand"]
            if stray:  # a printed form declared different but not refuted
                why += "; printed form declared different but " + ", ".join(
                    e["verdict"] for e in stray)
            read = [e for _, e in errata.get(lab, ()) if e.get("origin") == "notes"]
            if read:  # the printed chain read from the notes: each link's verdict
                why += "; as printed: " + ", ".join(e["verdict"] for e in read)
            out[lab] = LabelStatus("verified", _ids(i for i, _ in carried), why)
        elif lab in definitions:
            out[lab] = LabelStatus("definition", _ids(definitions[lab]), "definition")
        elif lab in reasons:
            out[lab] = LabelStatus("not-encoded", _ids(i for i, _ in reasons[lab]),
                                   "; ".join(w for _, w in reasons[lab]))
        elif lab in errata:  # a printed form only, its corrected step unlabelled elsewhere
            e = errata[lab][0][1]
            out[lab] = LabelStatus("unverified", _ids(i for i, _ in errata[lab]),
                                   f"printed form {e['verdict']}, corrected step "
                                   f"{e['corrected_verdict']}")
        else:
            out[lab] = LabelStatus("not-encoded", _ids(listed[lab]),
                                   "listed in the derivation's source labels but no step carries it")
    return out


def coverage(text: str, derivations: Sequence, result: dict) -> dict:
    """The coverage report of notes ``text`` (DESIGN §4 ``coverage --json``)."""
    statuses = label_statuses(derivations, result)
    occurrences = scan_labels(text)
    labels, chapters = [], {}
    for o in occurrences:
        st = statuses.get(o.label, LabelStatus("not-encoded", None, NO_ENCODING))
        labels.append({"label": o.label, "line": o.line, "status": st.status,
                       "derivation": st.derivation, "reason": st.reason})
        totals = chapters.setdefault(o.chapter, dict.fromkeys(("total",) + STATUSES, 0))
        totals["total"] += 1
        totals[st.status] += 1
    printed = {o.label for o in occurrences}
    missing = [{"label": lab, "derivation": st.derivation}
               for lab, st in sorted(statuses.items(), key=lambda kv: _label_key(kv[0]))
               if lab not in printed]
    return {"labels": labels,
            "chapters": {c: chapters[c] for c in sorted(chapters, key=_numeric_key)},
            "encoded_not_in_notes": missing}


def _label_key(label: str) -> tuple:
    return tuple(map(_numeric_key, label.split(".")))


def coverage_of_file(path: str | Path, opts=None, *, progress: bool = False) -> dict:
    """Read the notes at ``path``, check every registered derivation (no Monte Carlo), report."""
    from dataclasses import replace

    from .run.runner import Options, run
    from .registry import all_derivations

    text = read_notes(path)  # fail fast, before any verification
    opts = replace(opts or Options(), mc=False)
    derivations = all_derivations()
    # printed forms are read from the file given (DESIGN §1): a corrected file gives no erratum
    return coverage(text, derivations, run(derivations, opts, progress=progress, notes=path))
