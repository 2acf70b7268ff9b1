"""Scan a notes file: every labelled display equation, its text, and its relation chain.

A display is ``$$ … $$`` (over one or more lines); its label is the ``(x.y.z)`` or
``\\tag{x.y.z}`` at its end.  What follows a top-level ``\\quad``/``\\qquad`` is an aside (a
side condition or a remark in words) and is kept apart from the mathematics, as are a trailing
``,``/``.``.  A display that starts with a relation (``= …``, ``\\simeq …``) continues the
previous display: its chain starts with that display's last term.

Status of each equation: ``parsed``; ``prose`` (words or an environment of text where the
mathematics should be, or no mathematics at all); ``error`` (``line:col: expected …``, the
position in the notes file).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..coverage import read_notes as read_text
from .errors import LatexError, ProseFound
from .nodes import Chain, Relation
from .notation import Notation
from .operators import APPROXIMATE, RELATIONS
from .parser import parse_latex

DISPLAY = re.compile(r"\$\$(.*?)\$\$", re.S)
LABEL = re.compile(r"(?:\\quad|\\qquad|\s)*(?:\((\d+\.\d+\.\d+)\)|\\tag\{(\d+\.\d+\.\d+)\})\s*$")
LEADING_RELATION = re.compile(r"\s*(=|<|>|\\[a-zA-Z]+(?![a-zA-Z]))")
SEPARATOR = re.compile(r"\\qquad(?![a-zA-Z])|\\quad(?![a-zA-Z])")


@dataclass
class NotesEquation:
    """One labelled display of the notes and what the reader made of it."""

    label: str
    line: int                      # 1-based line of the label in the notes file
    source: str                    # the display's LaTeX, without its label
    math: str                      # the mathematics read (asides and end punctuation removed)
    asides: tuple[str, ...] = ()
    status: str = "parsed"         # parsed | prose | error
    error: str | None = None       # "line:col: expected …" for error/prose
    chain: Chain | None = None
    continues: str | None = None   # label (or "line N") of the display this one continues
    assumed: tuple[str, ...] = field(default=())

    def as_json(self) -> dict:
        """The DESIGN §4 ``notes --json`` record."""
        return {"label": self.label, "line": self.line, "source": self.source,
                "status": self.status, "error": self.error,
                "chain_latex": self.chain.latex() if self.chain else [],
                "relations": [r.name for r in self.chain.relations] if self.chain else [],
                "derivation": None}


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def split_asides(math: str) -> tuple[str, list[str], int]:
    """The mathematics before the first top-level ``\\quad``, the asides, and its offset shift."""
    depth, cuts = 0, []
    i = 0
    while i < len(math):
        ch = math[i]
        if ch == "\\" and i + 1 < len(math) and math[i + 1] in "{}":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and ch == "\\":
            m = SEPARATOR.match(math, i)
            if m:
                cuts.append((m.start(), m.end()))
                i = m.end()
                continue
        i += 1
    pieces, start = [], 0
    for a, b in cuts:
        pieces.append((start, math[start:a]))
        start = b
    pieces.append((start, math[start:]))
    pieces = [(s, p) for s, p in pieces if p.strip()]
    if not pieces:
        return "", [], 0
    (offset, main), rest = pieces[0], [p.strip() for _, p in pieces[1:]]
    return re.sub(r"[,.;]\s*$", "", main.rstrip()), rest, offset


def _leading_relation(math: str) -> tuple[str | None, int]:
    m = LEADING_RELATION.match(math)
    if m and m.group(1) in RELATIONS:
        return m.group(1), m.end()
    return None, 0


def read_notes(path: str | Path, notation: Notation | None = None) -> list[NotesEquation]:
    """Every labelled display equation of the notes at ``path``, read through ``notation``.

    Without a notation the reader runs in discovery mode (plain symbols and functions by
    convention, listed in ``assumed``): good for parse status, never for checking.
    """
    return read_text_notes(read_text(path), notation)


@dataclass(frozen=True)
class Display:
    """One ``$$ … $$`` of the notes before reading: where it is, its text and its label."""

    label: str | None
    line: int
    column: int
    source: str                    # the display without its label
    math: str
    asides: tuple[str, ...]
    offset: int                    # where ``math`` starts in ``source``
    label_line: int                # the line of its label (as ``coverage`` lists labels)


def displays(text: str) -> list[Display]:
    """Every display of a notes text, labelled or not, in reading order."""
    out = []
    for m in DISPLAY.finditer(text):
        body = m.group(1)
        lab = LABEL.search(body)
        source = body[:lab.start()] if lab else body
        math, asides, shift = split_asides(source)
        line, col = _position(text, m.start(1))
        label_line = _position(text, m.start(1) + lab.start())[0] if lab else line
        out.append(Display((lab.group(1) or lab.group(2)) if lab else None, line, col, source,
                           math.strip(), tuple(asides), shift + len(math) - len(math.lstrip()),
                           label_line))
    return out


def _read(ds: list[Display], notation) -> list[NotesEquation]:
    """Read displays in order (each continuation after the display it continues)."""
    out: list[NotesEquation] = []
    previous: tuple[str, Chain | None] | None = None     # (label or line, chain) of last display
    for d in ds:
        eq = NotesEquation(d.label or "", d.label_line, d.source.strip(), d.math, d.asides)
        _read_one(eq, d.source, d.offset, notation, d.line, d.column, previous)
        previous = (d.label or f"line {d.line}", eq.chain if eq.status == "parsed" else None)
        out.append(eq)
    return out


def read_text_notes(text: str, notation: Notation | None = None) -> list[NotesEquation]:
    """:func:`read_notes` on the text of a notes file."""
    return [eq for eq in _read(displays(text), notation or Notation.discovery()) if eq.label]


def read_equation(path: str | Path, label: str, notation: Notation) -> NotesEquation:
    """The labelled equation ``label`` of the notes at ``path``, read through ``notation``.

    Only that display is read, with the displays it continues (``= …`` lines before it), so a
    derivation's table needs to bind only the names of its own chain.  KeyError if the notes
    print no display with that label.
    """
    ds = displays(read_text(path))
    at = next((i for i, d in enumerate(ds) if d.label == label), None)
    if at is None:
        raise KeyError(f"no display labelled ({label}) in {path}")
    first = at
    while first > 0 and _leading_relation(ds[first].math)[0] is not None:
        first -= 1
    return _read(ds[first:at + 1], notation)[-1]


def _read_one(eq: NotesEquation, source: str, at: int, notation, line: int, col: int,
              previous) -> None:
    """Parse one display (``source``; its mathematics starts at offset ``at``) into ``eq``."""
    if not eq.math:
        eq.status, eq.error = "prose", f"{line}:{col}: expected mathematics, got an empty display"
        return
    relation, skip = _leading_relation(eq.math)
    if relation is not None:     # blank it out: positions stay those of the notes
        source = source[:at] + " " * skip + source[at + skip:]
        if previous is not None:
            eq.continues = previous[0]
    try:
        chain = parse_latex(source, notation, line=line, column=col)
    except ProseFound as exc:
        eq.status, eq.error = "prose", str(exc)
        return
    except LatexError as exc:
        eq.status, eq.error = "error", str(exc)
        return
    before = previous[1] if previous is not None else None
    if relation is not None and before is not None:
        name = RELATIONS[relation]
        link = Relation(name, relation, name in APPROXIMATE)
        chain = Chain((before.terms[-1],) + chain.terms, (link,) + chain.relations,
                      chain.prefix, tuple(dict.fromkeys(before.assumed + chain.assumed)),
                      chain.asides)
    # a continued display that does not parse: this one keeps its own links only
    eq.chain, eq.assumed = chain, chain.assumed
