r"""A ``*.derivation.md`` file → a :class:`~derivations.model.Derivation` (and its step lines).

>>> import tempfile, pathlib
>>> text = '''---
... symbols:
...   x: real
... ---
... $$ (x + 1)^2 = x^2 + 2x + 1 \\tag{square} $$
... because: expand
... '''
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = pathlib.Path(tmp, "square.derivation.md")
...     _ = path.write_text(text)
...     proof = load_proof(str(path))
>>> [(s.id, s.justification) for s in proof.derivation.steps], proof.lines
([('square', 'expand')], {'square': 5})
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..model import Derivation
from . import declare, source, steps, yaml_tree

SUFFIX = ".derivation.md"


@dataclass(frozen=True)
class ProofFile:
    """A derivation read from a file, and the file line of each step (by step id)."""

    path: str
    derivation: Derivation
    lines: dict[str, int]                       # step id -> line of its opening $$
    spans: dict[str, tuple[int, int]] = None    # step id -> (first, last) line of its block


def is_proof_path(target: str) -> bool:
    """Whether a command-line target names a derivation file (``*.derivation.md``)."""
    return target.endswith(SUFFIX)


def load_proof(path: str) -> ProofFile:
    """Read ``path``; ``InputError`` (``file:line:col: expected …``) for anything outside the
    format or the grammar — the whole file fails, nothing is checked partially."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would block the read: stat first
            raise InputError(f"{path}:1:1: expected a regular file (not a FIFO, device or "
                             "directory)")
        data = Path(path).read_bytes()
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or exc
        raise InputError(f"{path}:1:1: expected a readable file ({why})") from None
    return read_proof(path, data)


def read_proof(path: str, data: bytes | str) -> ProofFile:
    """:func:`load_proof` on the file's content (``path`` names it in messages and is the id)."""
    text = source.decode(path, data.encode("utf-8") if isinstance(data, str) else data)
    parts = source.split(path, text)
    decl = declare.read(path, yaml_tree.load(path, parts.front, parts.front_line))
    found = steps.read_steps(path, parts.blocks, decl.notation, decl.functions, decl.values,
                             {f.function for f in decl.families})
    did = path if "." in path else path + "."
    derivation = Derivation(
        id=did, title=decl.title or Path(path).name.removesuffix(SUFFIX),
        lecture=decl.lecture, section=decl.section,
        equations=tuple(dict.fromkeys(f.tag for f in found if f.tag)),
        steps=tuple(f.step for f in found), matrices=tuple(decl.matrices),
        functions=tuple(decl.families), ranges=dict(decl.ranges),
        dimensions=dict(decl.dimensions))
    return ProofFile(path, derivation, {f.step.id: f.line for f in found},
                     {f.step.id: (f.line, f.end_line) for f in found})
