"""Split a ``*.derivation.md`` file into its YAML front matter and its display-math blocks.

Nothing here reads mathematics or YAML: it finds *where* things are, so that every later error
can say ``file:line:col``.  Fenced code (```` ``` ```` / ``~~~``) is skipped; prose between blocks
is free Markdown, except two things that would otherwise be ignored silently: display math in
another notation (``\\[``, ``\\begin{equation}``, …) and a ``because:`` line that is not
directly under a block.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError

MAX_BYTES = 1 << 20        # a derivation file is a page of mathematics, not a data set
DELIMITER = re.compile(r"\$\$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")
OTHER_DISPLAY = re.compile(r"\\\[|\\begin\{(equation|align|gather|multline|eqnarray|displaymath)\*?\}")
BECAUSE = re.compile(r"because:", re.I)


@dataclass(frozen=True)
class Block:
    """One ``$$ … $$`` block: its text (between the delimiters) and where it starts."""

    text: str
    line: int                  # file line of the first character of ``text``
    column: int                # its column (1-based)
    because: str | None = None  # the justification line under the block, if any
    because_line: int | None = None


@dataclass(frozen=True)
class Source:
    """A derivation file cut into its parts, with positions in the file."""

    path: str
    front: str                 # the YAML text between the ``---`` lines
    front_line: int            # file line of the YAML text's first line
    blocks: tuple[Block, ...]


def fail(path: str, line: int, column: int, what: str) -> InputError:
    """The one error of a derivation file: ``file:line:col: what was expected``."""
    return InputError(f"{path}:{line}:{column}: {what}")


def decode(path: str, data: bytes) -> str:
    """The file's text (UTF-8, optional BOM, any newline convention) or a positioned error."""
    if len(data) > MAX_BYTES:
        raise fail(path, 1, 1, f"expected a file of at most {MAX_BYTES} bytes, got {len(data)}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[:exc.start].decode("utf-8", errors="replace")
        line = before.count("\n") + 1
        raise fail(path, line, len(before) - before.rfind("\n"), "expected UTF-8 text") from None
    if "\x00" in text:
        at = text.index("\x00")
        line = text.count("\n", 0, at) + 1
        raise fail(path, line, at - text.rfind("\n", 0, at), "expected text, got a NUL byte")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split(path: str, text: str) -> Source:
    """Cut ``text`` into front matter and blocks (``InputError`` with the position otherwise)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise fail(path, 1, 1, "expected YAML front matter: a first line '---', then the "
                               "declarations, then a line '---'")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise fail(path, len(lines), 1, "expected a line '---' closing the front matter "
                                        "opened on line 1")
    front = "\n".join(lines[1:end])
    body_start = end + 1                       # 0-based index of the first body line
    blocks = _blocks(path, lines, body_start)
    if not blocks:
        raise fail(path, len(lines), 1, "expected at least one $$ … $$ block (a step) after "
                                        "the front matter")
    return Source(path, front, 2, tuple(blocks))


def _masked_body(path: str, lines: list[str], start: int) -> list[str]:
    """The body lines with fenced code blanked (same lengths, so positions stay)."""
    out, fence_open = [], None
    for i in range(start, len(lines)):
        line = lines[i]
        m = FENCE.match(line)
        if fence_open is None and m:
            fence_open = (m.group(1), i)
            out.append(" " * len(line))
        elif fence_open is not None:
            if m and m.group(1) == fence_open[0]:
                fence_open = None
            out.append(" " * len(line))
        else:
            out.append(line)
    if fence_open is not None:
        raise fail(path, fence_open[1] + 1, 1, f"expected a closing {fence_open[0]} for the "
                                               "code fence opened here")
    return out


def _blocks(path: str, lines: list[str], start: int) -> list[Block]:
    body = "\n".join(_masked_body(path, lines, start))

    def where(offset: int) -> tuple[int, int]:
        line = body.count("\n", 0, offset)
        return start + line + 1, offset - (body.rfind("\n", 0, offset) + 1) + 1

    marks = [m.start() for m in DELIMITER.finditer(body)]
    if len(marks) % 2:
        raise fail(path, *where(marks[-1]), "expected a closing $$ for the block opened here")
    spans = [(marks[i] + 2, marks[i + 1]) for i in range(0, len(marks), 2)]
    blocks: list[Block] = []
    gaps = [(0, spans[0][0] - 2 if spans else len(body))]
    gaps += [(spans[i][1] + 2, spans[i + 1][0] - 2 if i + 1 < len(spans) else len(body))
             for i in range(len(spans))]
    for a, b in gaps:
        _check_prose(path, body[a:b], a, where)
    for k, (a, b) in enumerate(spans):
        line, column = where(a)
        gap_start, gap_end = gaps[k + 1]
        because, because_line = _because(path, body, gap_start, gap_end, where)
        blocks.append(Block(body[a:b], line, column, because, because_line))
    # a because: that is not the first line under a block
    for k, (a, b) in enumerate(gaps):
        first = _because_span(body, a, b) if k > 0 else None
        for m in re.finditer(r"(?m)^[ \t]*because:", body[a:b], re.I):
            if first is None or a + m.start() != first:
                raise fail(path, *where(a + m.end() - len("because:")),
                           "expected a 'because:' line directly under a $$ … $$ block "
                           "(the justification of that step)")
    return blocks


def _because_span(body: str, a: int, b: int) -> int | None:
    """Offset of the line starting with ``because:`` right under a block (blank lines allowed,
    and the rest of the closing ``$$`` line), else None."""
    rest = body[a:b]
    newline = rest.find("\n")
    if newline < 0 or rest[:newline].strip():
        return None                 # text right after the closing $$: no because line here
    for m in re.finditer(r"(?m)^.*$", rest[newline + 1:]):
        if m.group(0).strip():
            stripped = m.group(0).lstrip()
            if BECAUSE.match(stripped):
                return a + newline + 1 + m.start() + (len(m.group(0)) - len(stripped))
            return None
    return None


def _because(path, body, a, b, where) -> tuple[str | None, int | None]:
    at = _because_span(body, a, b)
    if at is None:
        return None, None
    end = body.find("\n", at)
    text = body[at + len("because:"): end if end >= 0 else len(body)].strip()
    if not text:
        raise fail(path, *where(at), "expected the justification after 'because:'")
    return text, where(at)[0]


def _check_prose(path: str, prose: str, offset: int, where) -> None:
    m = OTHER_DISPLAY.search(prose)
    if m:
        raise fail(path, *where(offset + m.start()), f"expected display math as $$ … $$, got "
                   f"{m.group(0)!r} (every step is one $$ block; nothing else is checked)")
